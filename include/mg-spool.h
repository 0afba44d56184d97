/* mg-spool.h - the message of sendmail mode, read whole before anything
 * else (SPEC 2.1) and written back to the relay byte for byte (SPEC 2.5).
 *
 * A message of up to MG_SPOOL_MEMORY_LIMIT bytes is kept in memory; a
 * larger one goes to a private spool file (mode 0600, in $TMPDIR as
 * g_get_tmp_dir() reports it) that has no name while matchguard runs
 * (O_TMPFILE, else created and unlinked at once), so that nothing is left
 * behind whatever happens, and that GMime parses in place, so that
 * attachments stay on disk.
 *
 * While reading, the header block is examined once: whether the input is
 * empty or has no header (SPEC 2 table: EX_DATAERR), and where the
 * X-Matchguard-Override fields are, so that they can be honoured and then
 * removed from what the relay gets.
 *
 * Definitions:
 * - Empty: no bytes, or only white space (space, tab, CR, LF, FF, VT).
 * - Header: the first line, after an optional mbox "From " line, is a
 *   header field: a name of printable ASCII without ':' (at most 998
 *   bytes), optional blanks, then ':'.  Input that starts with white space
 *   or with anything else (binary data, plain text) has no header.  This is
 *   the test mg_message_parse_file() applies, so that check and sendmail
 *   mode agree.
 * - Header block: the bytes before the first empty line (a line holding
 *   only LF or CRLF), or the whole input when there is none.  Within it, a
 *   line starting with a space or tab continues the field above it, as
 *   GMime reads it; a line that is neither a field nor a continuation ends
 *   the field above it and belongs to none (GMime skips such lines and
 *   goes on reading fields).  Nothing after the header block is a header:
 *   an X-Matchguard-Override line in the body is text.
 */
#ifndef MG_SPOOL_H
#define MG_SPOOL_H

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* Messages up to this size stay in memory.  Mail from a mail client is
 * mostly a few KiB of text; 512 KiB keeps every plain message in memory and
 * puts any message with a real attachment on disk, where GMime's
 * persistent file stream leaves the attachment unread. */
#define MG_SPOOL_MEMORY_LIMIT ((gsize) 512 * 1024)

typedef struct mg_spool mg_spool_t;

/* A byte range [start, end) of the message. */
typedef struct {
  gsize start;
  gsize end;
} mg_spool_range_t;

/* Reads @fd (usually 0, standard input: a pipe, or the unlinked regular
 * file mutt passes) to its end; see mg_spool_read_limit().  Does not close
 * @fd. */
mg_spool_t *mg_spool_read (int fd, GError **error);

/* Reads @fd to its end, keeping the bytes in memory while there are at
 * most @memory_limit of them and in a spool file beyond that (0: always a
 * file).  Short reads, EINTR and a non-blocking @fd are handled.
 *
 * Returns a new spool (free with mg_spool_free(), which closes and so
 * removes the spool file), or NULL with @error set to MG_ERROR_IO: a read
 * error ("cannot read standard input: ..."), or the spool file cannot be
 * created or written ("cannot write a spool file in '/tmp': No space left
 * on device").  Empty input and input without header are not errors here:
 * see mg_spool_check(). */
mg_spool_t *mg_spool_read_limit (int fd, gsize memory_limit, GError **error);

void mg_spool_free (mg_spool_t *spool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_spool_t, mg_spool_free)

/* The number of bytes read. */
guint64 mg_spool_size (const mg_spool_t *spool);

/* TRUE when the message is held in memory, FALSE when in a spool file. */
gboolean mg_spool_in_memory (const mg_spool_t *spool);

/* The spool file's descriptor (owned by the spool, close-on-exec, its
 * file offset shared with the stream of mg_spool_stream(): use pread() to
 * read it), or -1 for a message in memory.
 * For tests and diagnostics; read the message through mg_spool_stream(). */
int mg_spool_fd (const mg_spool_t *spool);

/* A GMime stream over the whole message, positioned at its start
 * (transfer none: owned by the spool and valid until mg_spool_free(); take
 * a reference to keep it longer; every call rewinds it).  A GMimeStreamMem
 * over the bytes in memory, or a GMimeStreamFs over its own descriptor of
 * the spool file, which a GMimeParser can use as a persistent stream. */
GMimeStream *mg_spool_stream (mg_spool_t *spool);

/* The header block (see the top of this file) as raw bytes, @len set to
 * its length (transfer none; not NUL-terminated; may contain NUL bytes).
 * Its bytes are the first @len bytes of the message. */
const char *mg_spool_header (const mg_spool_t *spool, gsize *len);

/* TRUE for empty input (see the top of this file). */
gboolean mg_spool_is_empty (const mg_spool_t *spool);

/* TRUE when the input is not empty and starts with a header field (see
 * the top of this file). */
gboolean mg_spool_has_header (const mg_spool_t *spool);

/* TRUE when the message can be checked; otherwise FALSE with @error set to
 * MG_ERROR_DATA, "empty message on standard input" or "standard input
 * holds no message header". */
gboolean mg_spool_check (const mg_spool_t *spool, GError **error);

/* The byte ranges of the X-Matchguard-Override fields of the header block
 * (name matched without regard to case, blanks allowed before the colon),
 * each from the start of its first line to the end of its last
 * continuation line, line ends (LF or CRLF) included; in order, not
 * overlapping (GArray of mg_spool_range_t, transfer none, never NULL). */
GArray *mg_spool_override_ranges (const mg_spool_t *spool);

/* The values of those fields, in the same order: unfolded (line breaks
 * removed, the blanks that followed them kept), trimmed, NUL bytes dropped,
 * otherwise as written, e.g. "followup-limit, too-long" (char*, transfer
 * none, never NULL). */
GPtrArray *mg_spool_overrides (const mg_spool_t *spool);

/* Writes the message to @fd exactly as read, byte for byte, except that
 * with @strip_override the ranges of mg_spool_override_ranges() are left
 * out.  Handles short writes, EINTR and a non-blocking @fd.  SIGPIPE is
 * blocked while writing (and a SIGPIPE it raised is discarded), so a
 * reader that goes away cannot kill the process.  Does not close @fd.
 *
 * Returns TRUE when every byte was written.  Otherwise FALSE with @error
 * set to G_IO_ERROR_BROKEN_PIPE when the reader closed its end (EPIPE: not
 * an error in itself: a relay may exit before reading everything, and its
 * exit status then decides), or MG_ERROR_IO ("cannot write the message:
 * ...", or "cannot read the spool file: ..."). */
gboolean mg_spool_write (mg_spool_t *spool, int fd, gboolean strip_override, GError **error);

/* mg_spool_write() with a deadline for a non-blocking @fd: when the
 * reader has not taken every byte by @deadline (g_get_monotonic_time();
 * 0: no deadline), returns FALSE with @error set to G_IO_ERROR_TIMED_OUT
 * ("the reader did not take the message in time").  A blocking @fd
 * waits in write(2), where no deadline applies: make it non-blocking
 * (O_NONBLOCK) first. */
gboolean mg_spool_write_until (mg_spool_t *spool, int fd, gboolean strip_override,
                               gint64 deadline, GError **error);

G_END_DECLS

#endif
