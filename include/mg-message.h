/* mg-message.h - one outgoing message as a reader sees it (SPEC 4).
 *
 * GMime parses; this module keeps what the rules need: decoded Subject,
 * Message-ID, Date, the To/Cc/Bcc addresses, whether it is a reply, and the
 * inline text parts decoded to UTF-8 (text/plain preferred in
 * multipart/alternative, HTML turned into text, attachments and attached
 * messages not read) with each line classified as authored, quoted or
 * signature (mg-quote.h).
 */
#ifndef MG_MESSAGE_H
#define MG_MESSAGE_H

#include <sys/stat.h>
#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

typedef enum {
  MG_LINE_AUTHORED,
  MG_LINE_QUOTED,      /* '>' lines, attributions, forwarded/original blocks */
  MG_LINE_SIGNATURE,   /* after a "-- " line */
} mg_line_class_t;

typedef struct {
  char *part_id;       /* MIME part number, "1", "1.2", ... (IMAP style: the
                          body of a single-part message is "1") */
  char *text;          /* decoded valid UTF-8, LF line ends, no NUL bytes,
                          NUL-terminated */
  gsize len;           /* strlen (text) */
  gboolean from_html;
  gboolean delsp;      /* format=flowed; delsp=yes */
  GArray *line_start;  /* gsize offset of each line in text; a final newline
                          starts no line, an empty text has none */
  GArray *line_class;  /* guint8 mg_line_class_t per line */
} mg_text_part_t;

typedef struct {
  char *source;        /* file name, or "-" */
  char *message_id;    /* without angle brackets; NULL if none */
  char *subject;       /* decoded and trimmed; NULL when there is no Subject header */
  char *from;          /* lower-case addr-spec of From, or NULL */
  GDateTime *date;     /* from the Date header, or NULL */
  GPtrArray *recipients;  /* char*: lower-case addr-specs of To, Cc, Bcc, deduplicated */
  gboolean is_reply;   /* In-Reply-To, References, or a Re:/Aw:/... Subject */
  GPtrArray *parts;    /* mg_text_part_t* */
  GPtrArray *problems; /* char*: parser complaints worth showing with -v */
  char *digest;        /* hex SHA-256 of the header block and decoded text:
                          identity for import when there is no Message-ID;
                          NULL when mg_message_skip_digests() was called */
} mg_message_t;

/* From now on, messages are parsed without their digest: for commands
 * that record nothing in the ledger (audit), for which it was a tenth of
 * reading a message. */
void mg_message_skip_digests (void);

/* Analyses a parsed message (transfer none).  @source names it in output.
 * Parser warnings are not seen here; if @message was parsed with
 * GMimeParserOptions, keep them alive until this returns. */
mg_message_t *mg_message_new (GMimeMessage *message, const char *source);

/* Parses one message from @path ("-" for stdin).  Fails with MG_ERROR_NOINPUT
 * ("cannot read 'PATH': reason", "'PATH' is a directory"), MG_ERROR_IO
 * (read error) or MG_ERROR_DATA ("'PATH' is empty": no bytes or only white
 * space; "'PATH' has no message header": the first line, after an optional
 * mbox "From " line, is not a header field).  For "-" the texts say
 * "standard input".  Files over 1 MiB are parsed in place, so that
 * attachments are not read into memory. */
mg_message_t *mg_message_parse_file (const char *path, GError **error);

/* The same of @fd, open on @path and fstat()ed as @st, for a caller that
 * opened the file itself; takes @fd (closed when done). */
mg_message_t *mg_message_parse_fd (int fd, const struct stat *st, const char *path,
                                   GError **error);

/* From @stream (not owned), e.g. a spool file; see message.c. */
mg_message_t *mg_message_parse_stream (GMimeStream *stream, const char *source, GError **error);

/* Same, from @len bytes at @data (copied); @source NULL means "-". */
mg_message_t *mg_message_parse_data (const char *data, gsize len, const char *source,
                                     GError **error);

/* Constructs the next message from @parser (e.g. GMIME_FORMAT_MBOX) with
 * the same parser options as above, so that parser problems are recorded,
 * and analyses it as @source.  NULL with MG_ERROR_DATA when there is no
 * further message. */
mg_message_t *mg_message_parse_next (GMimeParser *parser, const char *source,
                                     GError **error);

void mg_message_free (mg_message_t *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_message_t, mg_message_free)

/* TRUE if @subject (NULL is fine), after leading white space, starts with
 * a reply prefix in any ASCII case: Re, Aw, Sv, Vs, Antw, Odp, Res, Rif,
 * Ynt, 回复, 答复, 回覆, optionally counted (Re[2], Re(2), Re^2), then
 * optional blanks and ':' (or full-width '：').  Fwd:/Fw: is not a reply. */
gboolean mg_subject_is_reply (const char *subject);

/* Initialises GMime once per process. */
void mg_gmime_init (void);

G_END_DECLS

#endif
