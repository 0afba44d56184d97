/* message.c - one outgoing message as a reader sees it (SPEC 4).
 *
 * Design:
 * - Input is checked before GMime sees it.  GMime accepts anything (plain
 *   text becomes a message whose "headers" are junk), so "is this a
 *   message at all" is decided here from the first bytes: after an
 *   optional mbox "From " line (GMime skips it itself) the first line must
 *   be a header field "Name: value" with a printable ASCII name.  Input
 *   that is empty or only white space is "empty"; anything else, leading
 *   blank lines included, has "no message header".
 * - A regular file larger than MEMORY_LIMIT is parsed from a
 *   GMimeStreamFs: with the parser's persistent stream, part contents stay
 *   in the file (substreams) and an attachment is never copied.  Smaller
 *   files, standard input and other non-seekable sources are read into one
 *   GByteArray that the memory stream adopts (no further copy).
 * - The parser options, with the warning callback and the problems array
 *   it appends to, stay alive until the GMimeMessage is gone: GMime may
 *   still report problems while it decodes headers on demand.
 * - Text parts are decoded in one pass: the data wrapper undoes the
 *   transfer encoding straight into a memory stream, through a charset
 *   filter when iconv knows the charset; the stream's byte array is then
 *   stolen, so the decoded text is never copied again unless it has to
 *   change encoding.  ISO-8859-1 and windows-1252 labels are decoded with
 *   our own windows-1252 table (what browsers do, and it cannot fail).
 *   Text labelled UTF-8 or US-ASCII, or whose charset is missing or
 *   unknown to iconv, is kept when it is valid UTF-8, else decoded as
 *   windows-1252 -- unless it holds valid multi-byte UTF-8 as well, in
 *   which case it is UTF-8 with a few damaged bytes and only those become
 *   U+FFFD.  NUL bytes are dropped, CRLF and lone CR become LF.
 * - At most MAX_TEXT_BYTES of decoded text are read per message, all
 *   parts together: a part is read from its (filtered) stream until the
 *   budget is spent and cut at the last line break, so a 25 MB text body
 *   costs what 256 KiB do, in memory and in every rule after; the rest
 *   is not judged, and a problem says so.
 * - The MIME walk is depth-limited (MAX_MIME_DEPTH, as mblaze does);
 *   GMime's own parser stops at its nesting limit as well, so hostile
 *   nesting costs neither stack nor time.
 * - Part ids follow IMAP: the body of a single-part message is "1", the
 *   children of a multipart are "1", "2", ..., their children "2.1", ...
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg-common.h"
#include "mg-html.h"
#include "mg-message.h"
#include "mg-text.h"
#include "mg-quote.h"

/* Deeper MIME structure is not descended into. */
#define MAX_MIME_DEPTH 64

/* Bytes of the decoded Subject kept: a subject is a line (RFC 5322
 * recommends 78 characters); more is junk that every rule, the ledger and
 * every report would carry. */
#define MAX_SUBJECT_BYTES ((gsize) 1024)

/* Decoded text read per message, all parts together (before HTML is
 * turned into text).  A letter to a program is a few KiB; a long reply
 * thread quoted in HTML some hundred. */
#define MAX_TEXT_BYTES ((gsize) 256 * 1024)

/* Parser complaints kept per message; one more line says that there were
 * more. */
#define MAX_PROBLEMS 32

/* Regular files up to this size are read into memory: parsing from
 * memory is about twice as fast as from a GMimeStreamFs, which reads 4 KB
 * at a time and seeks for every part.  Larger files (a spool with big
 * attachments) are parsed from the file so that attachments stay there. */
#define MEMORY_LIMIT (1024 * 1024)

/* Bytes looked at to decide whether the input starts with a header. */
#define PREFIX_SIZE 8192

/* Longest header field name accepted on the first line (RFC 5322 line
 * length). */
#define MAX_FIELD_NAME 998

/* Group syntax cannot nest, but GMime's address parser is lenient. */
#define MAX_GROUP_DEPTH 8

typedef enum {
  PREFIX_HEADER,     /* starts with a header field */
  PREFIX_EMPTY,      /* nothing but white space */
  PREFIX_NO_HEADER,  /* something else */
  PREFIX_MORE,       /* only white space so far: need more bytes */
} prefix_t;

typedef enum {
  CHARSET_RAW,       /* UTF-8, US-ASCII, missing or unusable: guess */
  CHARSET_LATIN1,    /* ISO-8859-1 or windows-1252: our own table */
  CHARSET_ICONV,     /* anything iconv may know */
} charset_kind_t;

typedef enum {
  YIELDS_PLAIN = 1 << 0,
  YIELDS_HTML = 1 << 1,
  YIELDS_OTHER = 1 << 2,
} yields_t;

/* State of one walk over a message's MIME tree. */
typedef struct {
  mg_message_t *message;
  GString *part_id;      /* id of the node being visited, "" for the root */
  gboolean too_deep;     /* the depth problem was recorded */
  gsize text_left;       /* of MAX_TEXT_BYTES */
  gboolean text_cut;     /* the text budget problem was recorded */
} walk_t;

/* windows-1252 0x80-0x9F; the five undefined bytes map to the C1 control
 * of the same value, as ISO-8859-1 (and the WHATWG decoder) do. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Subject prefixes that mark a reply, compared without regard to ASCII
 * case: English "Re", German "Aw", Scandinavian "Sv" and "Vs" (Finnish),
 * Dutch "Antw", Polish "Odp", Portuguese "Res", Italian "Rif", Turkish
 * "Ynt", and the Chinese forms Outlook and Foxmail write.  "Fwd"/"Fw" is
 * not a reply. */
static const char *const reply_prefixes[] = {
  "re", "aw", "sv", "vs", "antw", "odp", "res", "rif", "ynt",
  "\xe5\x9b\x9e\xe5\xa4\x8d",   /* 回复 */
  "\xe7\xad\x94\xe5\xa4\x8d",   /* 答复 */
  "\xe5\x9b\x9e\xe8\xa6\x86",   /* 回覆 */
  NULL
};

/* Text subtypes that are data, not prose: never read as authored text. */
static const char *const non_prose_text[] = {
  "calendar", "x-vcalendar", "vcard", "x-vcard", "directory", "csv",
  "tab-separated-values", "rtf", "richtext", "xml", "css", "javascript",
  "x-vcf", NULL
};

static void
add_problem (GPtrArray *problems, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray *problems, const char *format, ...)
{
  va_list args;
  char *text;

  if (problems->len > MAX_PROBLEMS)
    return;
  if (problems->len == MAX_PROBLEMS)
    {
      g_ptr_array_add (problems, g_strdup ("further parser problems not shown"));
      return;
    }
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (problems, text);
}

static const char *
warning_text (GMimeParserWarning code)
{
  switch (code)
    {
    case GMIME_WARN_DUPLICATED_HEADER:          return "duplicated header";
    case GMIME_WARN_DUPLICATED_PARAMETER:       return "duplicated parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER:      return "unencoded 8-bit header";
    case GMIME_WARN_INVALID_CONTENT_TYPE:       return "invalid Content-Type, read as application/octet-stream";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 encoded header";
    case GMIME_WARN_MALFORMED_MULTIPART:        return "multipart without parts";
    case GMIME_WARN_TRUNCATED_MESSAGE:          return "truncated message";
    case GMIME_WARN_MALFORMED_MESSAGE:          return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME:        return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER:         return "conflicting header";
    case GMIME_CRIT_CONFLICTING_PARAMETER:      return "conflicting parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart without boundary";
    case GMIME_WARN_INVALID_PARAMETER:          return "invalid parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST:       return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW:           return "MIME nesting too deep";
    case GMIME_WARN_PART_WITHOUT_CONTENT:       return "part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part without headers or content";
    }
  return "parser problem";
}

static void
on_parser_warning (gint64 offset, GMimeParserWarning code, const gchar *item,
                   gpointer user_data)
{
  GPtrArray *problems = user_data;
  g_autofree char *shown = NULL;

  if (item != NULL && *item != '\0')
    {
      /* Items can be whole header lines of junk: keep a short, valid
       * excerpt (make_valid repairs a character cut in half). */
      shown = g_utf8_make_valid (item, MIN (strlen (item), 80));
      g_strstrip (shown);
    }
  if (shown != NULL && offset >= 0)
    add_problem (problems, "%s at byte %" G_GINT64_FORMAT ": %s",
                 warning_text (code), offset, shown);
  else if (shown != NULL)
    add_problem (problems, "%s: %s", warning_text (code), shown);
  else if (offset >= 0)
    add_problem (problems, "%s at byte %" G_GINT64_FORMAT,
                 warning_text (code), offset);
  else
    add_problem (problems, "%s", warning_text (code));
}

/* --- is it a message at all ---------------------------------------------- */

/* TRUE if the @n bytes at @p begin with "Name:" (a printable ASCII field
 * name, optionally followed by blanks, then a colon, all on one line). */
static gboolean
is_header_field (const char *p, gsize n)
{
  gsize i = 0;

  while (i < n && i < MAX_FIELD_NAME && p[i] > ' ' && p[i] < 0x7f && p[i] != ':')
    i++;
  if (i == 0)
    return FALSE;
  while (i < n && (p[i] == ' ' || p[i] == '\t'))
    i++;
  return i < n && p[i] == ':';
}

/* Classifies the first @n bytes of the input; @eof: they are all of it. */
static prefix_t
check_prefix (const char *p, gsize n, gboolean eof)
{
  gsize i = 0;

  while (i < n && g_ascii_isspace (p[i]))
    i++;
  if (i == n)
    return eof ? PREFIX_EMPTY : PREFIX_MORE;
  if (i > 0)
    return PREFIX_NO_HEADER;

  /* An mbox "From " separator line may precede the header. */
  if (n >= 5 && memcmp (p, "From ", 5) == 0)
    {
      const char *nl = memchr (p, '\n', n);

      if (nl == NULL)
        return PREFIX_NO_HEADER;
      n -= (gsize) (nl + 1 - p);
      p = nl + 1;
    }
  return is_header_field (p, n) ? PREFIX_HEADER : PREFIX_NO_HEADER;
}

/* "'PATH'", or "standard input" for "-". */
static char *
display_name (const char *source)
{
  if (strcmp (source, "-") == 0)
    return g_strdup ("standard input");
  return g_strdup_printf ("'%s'", source);
}

/* Sets @error to "cannot read SOURCE: strerror(@errnum)" with @code. */
static void
set_read_error (GError **error, mg_error_t code, const char *source, int errnum)
{
  g_autofree char *name = display_name (source);

  g_set_error (error, MG_ERROR, code, "cannot read %s: %s", name, g_strerror (errnum));
}

static gboolean
prefix_ok (prefix_t prefix, const char *source, GError **error)
{
  g_autofree char *name = NULL;

  if (prefix == PREFIX_HEADER)
    return TRUE;
  name = display_name (source);
  if (prefix == PREFIX_EMPTY)
    g_set_error (error, MG_ERROR, MG_ERROR_DATA, "%s is empty", name);
  else
    g_set_error (error, MG_ERROR, MG_ERROR_DATA, "%s has no message header", name);
  return FALSE;
}

/* Checks the start of regular file @fd with pread (the file offset stays
 * 0 for GMime). */
static gboolean
check_file_prefix (int fd, const char *source, GError **error)
{
  char buf[PREFIX_SIZE];
  prefix_t prefix = PREFIX_MORE;
  gboolean first = TRUE;
  off_t offset = 0;

  while (prefix == PREFIX_MORE)
    {
      ssize_t n = pread (fd, buf, sizeof buf, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_read_error (error, MG_ERROR_IO, source, errno);
          return FALSE;
        }
      prefix = check_prefix (buf, (gsize) n, n == 0);
      /* White space followed by anything: not a header line. */
      if (!first && prefix != PREFIX_EMPTY && prefix != PREFIX_MORE)
        prefix = PREFIX_NO_HEADER;
      first = FALSE;
      offset += n;
    }
  return prefix_ok (prefix, source, error);
}

/* Reads all of @fd into a new array; @hint: the expected size (0 if
 * unknown), so that a regular file takes one read. */
static GByteArray *
read_all (int fd, gsize hint, const char *source, GError **error)
{
  gsize chunk = MAX (hint + 1, 65536);
  g_autoptr(GByteArray) bytes = NULL;

  if (chunk > G_MAXUINT / 2)
    chunk = 65536;
  bytes = g_byte_array_sized_new ((guint) chunk);
  for (;;)
    {
      guint used = bytes->len;
      ssize_t n;
      int saved;

      if (G_MAXUINT - used < chunk)
        {
          set_read_error (error, MG_ERROR_IO, source, EFBIG);
          return NULL;
        }
      g_byte_array_set_size (bytes, used + (guint) chunk);
      n = read (fd, bytes->data + used, chunk);
      saved = errno;
      g_byte_array_set_size (bytes, used + (n > 0 ? (guint) n : 0));
      if (n == 0)
        break;
      if (n < 0 && saved != EINTR)
        {
          set_read_error (error, MG_ERROR_IO, source, saved);
          return NULL;
        }
    }
  return g_steal_pointer (&bytes);
}

/* --- headers ----------------------------------------------------------- */

/* A valid UTF-8 copy of @text, or NULL. */
static char *
dup_valid (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

static gboolean
header_is_set (GMimeObject *object, const char *name)
{
  const char *value = g_mime_object_get_header (object, name);

  if (value == NULL)
    return FALSE;
  for (; *value != '\0'; value++)
    if (!g_ascii_isspace (*value))
      return TRUE;
  return FALSE;
}

/* The decoded Subject, valid UTF-8 and trimmed, cut to MAX_SUBJECT_BYTES
 * (at a character boundary, with a problem recorded in @problems); ""
 * for an empty one, NULL for none. */
static char *
get_subject (GMimeMessage *gmessage, GPtrArray *problems)
{
  const char *subject = g_mime_message_get_subject (gmessage);
  gsize len;

  if (subject == NULL)
    {
      if (g_mime_object_get_header (GMIME_OBJECT (gmessage), "Subject") == NULL)
        return NULL;
      return g_strdup ("");
    }
  len = strlen (subject);
  if (len > MAX_SUBJECT_BYTES)
    {
      add_problem (problems, "Subject of %zu bytes: only its first %zu are read", len,
                   MAX_SUBJECT_BYTES);
      /* at the start of a character, not inside one */
      len = MAX_SUBJECT_BYTES;
      while (len > 0 && ((guchar) subject[len] & 0xc0) == 0x80)
        len--;
    }
  return g_strstrip (g_utf8_make_valid (subject, (gssize) len));
}

/* Lower-case addr-spec of @mailbox, or NULL when it has none. */
static char *
mailbox_address (InternetAddressMailbox *mailbox)
{
  const char *addr = internet_address_mailbox_get_addr (mailbox);
  g_autofree char *valid = NULL;

  if (addr == NULL || *addr == '\0')
    return NULL;
  valid = g_utf8_make_valid (addr, -1);
  return mg_utf8_strdown (valid);
}

/* Appends the addresses of @list (groups flattened) to @out, skipping any
 * already in @seen.  @out and @seen own nothing of each other: @out owns
 * the strings, @seen only points to them. */
static void
collect_addresses (InternetAddressList *list, GPtrArray *out, GHashTable *seen,
                   guint depth)
{
  int n;

  if (list == NULL || depth > MAX_GROUP_DEPTH)
    return;
  n = internet_address_list_length (list);
  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        collect_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                           out, seen, depth + 1);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          char *addr = mailbox_address (INTERNET_ADDRESS_MAILBOX (address));

          if (addr == NULL || g_hash_table_contains (seen, addr))
            g_free (addr);
          else
            {
              g_ptr_array_add (out, addr);
              g_hash_table_add (seen, addr);
            }
        }
    }
}

/* First mailbox of @list (looking into groups), lower-case, or NULL. */
static char *
first_address (InternetAddressList *list, guint depth)
{
  int n;

  if (list == NULL || depth > MAX_GROUP_DEPTH)
    return NULL;
  n = internet_address_list_length (list);
  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      char *addr = NULL;

      if (INTERNET_ADDRESS_IS_GROUP (address))
        addr = first_address (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                              depth + 1);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        addr = mailbox_address (INTERNET_ADDRESS_MAILBOX (address));
      if (addr != NULL)
        return addr;
    }
  return NULL;
}

static GPtrArray *
get_recipients (GMimeMessage *gmessage)
{
  static const GMimeAddressType types[] = {
    GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC,
  };
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    collect_addresses (g_mime_message_get_addresses (gmessage, types[i]),
                       out, seen, 0);
  return out;
}

/* --- text decoding -------------------------------------------------------- */

/* How to decode text labelled @charset; for CHARSET_ICONV, @iconv_name
 * gets the name to open.  GMime maps "x-unknown" to the locale's charset
 * (ASCII: GMime starts before main() sets a locale), which is no better
 * than a guess, so it is treated as missing. */
static charset_kind_t
charset_kind (const char *charset, const char **iconv_name)
{
  static const char *const raw[] = {
    "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us",
    "x-unknown", "unknown-8bit", "unknown", NULL
  };
  static const char *const latin1[] = {
    "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819",
    "cp1252", "windows-1252", "x-cp1252", NULL
  };
  const char *name;

  *iconv_name = NULL;
  if (charset == NULL || *charset == '\0')
    return CHARSET_RAW;
  name = g_mime_charset_iconv_name (charset);
  for (guint i = 0; raw[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, raw[i]) == 0)
      return CHARSET_RAW;
  for (guint i = 0; latin1[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, latin1[i]) == 0)
      return CHARSET_LATIN1;
  *iconv_name = name;
  return CHARSET_ICONV;
}

/* In place: drops NUL bytes, turns CRLF and lone CR into LF.  Returns the
 * new length. */
static gsize
normalize_bytes (guint8 *data, gsize len)
{
  gsize out = 0;

  if (len == 0)
    return 0;
  if (memchr (data, '\r', len) == NULL && memchr (data, '\0', len) == NULL)
    return len;
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c == '\0')
        continue;
      if (c == '\r')
        {
          if (i + 1 < len && data[i + 1] == '\n')
            continue;
          c = '\n';
        }
      data[out++] = c;
    }
  return out;
}

/* Decodes @len bytes of windows-1252 into new UTF-8. */
static char *
decode_cp1252 (const guint8 *data, gsize len, gsize *out_len)
{
  GString *out = g_string_sized_new (len + len / 8 + 1);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else if (c < 0xa0)
        g_string_append_unichar (out, cp1252_high[c - 0x80]);
      else
        g_string_append_unichar (out, c);
    }
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* g_utf8_validate_len() costs several instructions per byte; mail text is
 * mostly ASCII, so skip ASCII eight bytes at a time first. */
static gboolean
is_valid_utf8 (const char *data, gsize len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      if (word & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  while (i < len && (guint8) data[i] < 0x80 && data[i] != '\0')
    i++;
  return i == len || g_utf8_validate_len (data + i, len - i, NULL);
}

/* TRUE if the invalid UTF-8 @data nevertheless holds a valid multi-byte
 * sequence: UTF-8 with damage rather than an 8-bit charset. */
static gboolean
has_utf8_sequence (const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guint8) data[i] >= 0xc2 && (guint8) data[i] <= 0xf4
        && g_utf8_get_char_validated (data + i, (gssize) (len - i)) < 0x110000)
      return TRUE;
  return FALSE;
}

/* Makes @data (@len bytes, NUL-terminated, owned) valid UTF-8 per
 * @kind, returning it or a replacement (then freeing @data). */
static char *
to_utf8 (char *data, gsize *len, charset_kind_t kind)
{
  char *out;

  if (kind == CHARSET_LATIN1)
    {
      for (gsize i = 0; i < *len; i++)
        if ((guint8) data[i] >= 0x80)
          {
            out = decode_cp1252 ((const guint8 *) data, *len, len);
            g_free (data);
            return out;
          }
      return data;
    }
  if (is_valid_utf8 (data, *len))
    return data;
  if (kind == CHARSET_RAW && !has_utf8_sequence (data, *len))
    out = decode_cp1252 ((const guint8 *) data, *len, len);
  else
    {
      out = g_utf8_make_valid (data, (gssize) *len);
      *len = strlen (out);
    }
  g_free (data);
  return out;
}

/* Returns the content of @part decoded to UTF-8 with LF line ends and no
 * NUL bytes, reading at most @limit decoded bytes (cut after the last
 * line break within them; *@cut set when something was left); @len gets
 * its length. */
static char *
decode_part (GMimePart *part, gsize limit, gboolean *cut, gsize *len)
{
  GMimeObject *object = GMIME_OBJECT (part);
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  const char *charset = g_mime_object_get_content_type_parameter (object, "charset");
  const char *iconv_name;
  charset_kind_t kind = charset_kind (charset, &iconv_name);
  GMimeStream *source = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  gsize size = 0, room = 0;
  char *data = NULL;

  *cut = FALSE;
  if (source != NULL)
    {
      GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding (content);
      g_autoptr(GMimeStream) filtered = g_mime_stream_filter_new (source);
      GMimeFilter *filter = NULL;
      gint64 encoded = g_mime_stream_length (source);

      /* what g_mime_data_wrapper_write_to_stream() does, but read in
       * chunks so that it can stop */
      g_mime_stream_reset (source);
      switch (encoding)
        {
        case GMIME_CONTENT_ENCODING_BASE64:
        case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
        case GMIME_CONTENT_ENCODING_UUENCODE:
          filter = g_mime_filter_basic_new (encoding, FALSE);
          g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
          g_object_unref (filter);
          break;
        default:
          break;
        }
      filter = kind == CHARSET_ICONV ? g_mime_filter_charset_new (iconv_name, "UTF-8") : NULL;
      if (filter != NULL)
        {
          g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
          g_object_unref (filter);
        }
      else if (kind == CHARSET_ICONV)
        kind = CHARSET_RAW;   /* iconv does not know it: guess as for a missing charset */

      /* room for the encoded size (decoding seldom grows it) and a
       * little: most parts are read in one go, into one allocation */
      room = encoded > 0 ? (gsize) MIN ((guint64) encoded, (guint64) limit) + 512 : 4096;
      data = g_malloc (room);
      while (size <= limit)
        {
          gssize n;

          if (room - size < 512)
            {
              room = MAX (room * 2, size + 4096);
              data = g_realloc (data, room);
            }
          n = g_mime_stream_read (filtered, data + size, room - size);
          if (n <= 0)
            break;
          size += (gsize) n;
        }
      if (size > limit)
        {
          gsize keep = limit;

          while (keep > 0 && data[keep - 1] != '\n')
            keep--;
          size = keep;
          *cut = TRUE;
        }
    }

  *len = normalize_bytes ((guint8 *) data, size);
  if (room < *len + 1)
    data = g_realloc (data, *len + 1);
  data[*len] = '\0';
  return to_utf8 (data, len, kind);
}

/* --- the MIME walk -------------------------------------------------------- */

static void
text_part_free (gpointer data)
{
  mg_text_part_t *part = data;

  g_free (part->part_id);
  g_free (part->text);
  if (part->line_start != NULL)
    g_array_unref (part->line_start);
  if (part->line_class != NULL)
    g_array_unref (part->line_class);
  g_free (part);
}

static gboolean
is_attachment (GMimeObject *object)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);

  return disposition != NULL && g_mime_content_disposition_is_attachment (disposition);
}

/* What the leaf @object yields as text: 0 (not read), or one of
 * YIELDS_PLAIN, YIELDS_HTML, YIELDS_OTHER. */
static yields_t
leaf_yields (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  const char *subtype;

  if (type == NULL || is_attachment (object)
      || !g_mime_content_type_is_type (type, "text", "*"))
    return 0;
  subtype = g_mime_content_type_get_media_subtype (type);
  if (subtype == NULL || g_ascii_strcasecmp (subtype, "plain") == 0)
    return YIELDS_PLAIN;
  if (g_ascii_strcasecmp (subtype, "html") == 0)
    return YIELDS_HTML;
  for (guint i = 0; non_prose_text[i] != NULL; i++)
    if (g_ascii_strcasecmp (subtype, non_prose_text[i]) == 0)
      return 0;
  return YIELDS_OTHER;
}

static gboolean
is_alternative (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  return type != NULL && g_mime_content_type_is_type (type, "multipart", "alternative");
}

static int choose_alternative (GMimeMultipart *multipart, guint depth, int *fallback);

/* What walking @object would yield (the union over what it reads). */
static yields_t
subtree_yields (GMimeObject *object, guint depth)
{
  if (depth > MAX_MIME_DEPTH)
    return 0;
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      yields_t yields = 0;
      int n = g_mime_multipart_get_count (multipart);

      if (is_alternative (object))
        {
          int chosen = choose_alternative (multipart, depth, NULL);

          return chosen < 0 ? 0 : subtree_yields (g_mime_multipart_get_part (multipart, chosen),
                                                  depth + 1);
        }
      for (int i = 0; i < n; i++)
        yields |= subtree_yields (g_mime_multipart_get_part (multipart, i), depth + 1);
      return yields;
    }
  if (GMIME_IS_MESSAGE_PART (object))
    return 0;
  if (GMIME_IS_PART (object))
    return leaf_yields (object);
  return 0;
}

/* The child of multipart/alternative @multipart to read: the first that
 * yields text/plain, else the last that yields HTML, else the last that
 * yields any text; -1 if none does.  @fallback (may be NULL) gets the
 * HTML or other child to read instead when the text/plain one turns out
 * blank, or -1. */
static int
choose_alternative (GMimeMultipart *multipart, guint depth, int *fallback)
{
  int n = g_mime_multipart_get_count (multipart);
  int plain = -1, html = -1, other = -1;

  for (int i = 0; i < n; i++)
    {
      yields_t yields = subtree_yields (g_mime_multipart_get_part (multipart, i), depth + 1);

      if ((yields & YIELDS_PLAIN) && plain < 0)
        plain = i;
      else if (yields & YIELDS_HTML)
        html = i;
      else if (yields != 0)
        other = i;
    }
  if (fallback != NULL)
    *fallback = plain >= 0 ? (html >= 0 ? html : other) : -1;
  if (plain >= 0)
    return plain;
  return html >= 0 ? html : other;
}

/* TRUE if the parts from index @from on hold nothing but white space. */
static gboolean
parts_blank (GPtrArray *parts, guint from)
{
  for (guint i = from; i < parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (parts, i);

      for (gsize k = 0; k < part->len; k++)
        if (!g_ascii_isspace (part->text[k]))
          return FALSE;
    }
  return TRUE;
}

static gboolean
param_is (GMimeObject *object, const char *name, const char *value)
{
  const char *actual = g_mime_object_get_content_type_parameter (object, name);

  return actual != NULL && g_ascii_strcasecmp (actual, value) == 0;
}

static void
add_text_part (walk_t *walk, GMimePart *gpart, gboolean html)
{
  GMimeObject *object = GMIME_OBJECT (gpart);
  mg_text_part_t *part;
  gboolean cut;

  if (walk->text_left == 0)
    {
      if (!walk->text_cut)
        add_problem (walk->message->problems, "more than %zu KiB of text: part %s and "
                     "later text parts not read", MAX_TEXT_BYTES / 1024, walk->part_id->str);
      walk->text_cut = TRUE;
      return;
    }
  part = g_new0 (mg_text_part_t, 1);
  part->part_id = g_strdup (walk->part_id->str);
  part->text = decode_part (gpart, walk->text_left, &cut, &part->len);
  if (cut)
    {
      if (!walk->text_cut)
        add_problem (walk->message->problems,
                     "more than %zu KiB of text: part %s is read up to there, later text "
                     "parts not at all", MAX_TEXT_BYTES / 1024, walk->part_id->str);
      walk->text_cut = TRUE;
      walk->text_left = 0;
    }
  else
    walk->text_left -= MIN (walk->text_left, part->len);
  if (html)
    {
      char *text = mg_html_to_text (part->text, part->len);

      g_free (part->text);
      part->text = text;
      part->len = strlen (text);
      part->from_html = TRUE;
    }
  part->delsp = param_is (object, "format", "flowed") && param_is (object, "delsp", "yes");
  mg_quote_classify (part);
  g_ptr_array_add (walk->message->parts, part);
}

static void walk_object (walk_t *walk, GMimeObject *object, guint depth);

/* Visits child @index of @multipart with its part id. */
static void
walk_child (walk_t *walk, GMimeMultipart *multipart, int index, guint depth)
{
  gsize saved = walk->part_id->len;

  if (saved > 0)
    g_string_append_c (walk->part_id, '.');
  g_string_append_printf (walk->part_id, "%d", index + 1);
  walk_object (walk, g_mime_multipart_get_part (multipart, index), depth);
  g_string_truncate (walk->part_id, saved);
}

static void
walk_object (walk_t *walk, GMimeObject *object, guint depth)
{
  if (object == NULL)
    return;
  if (depth > MAX_MIME_DEPTH)
    {
      if (!walk->too_deep)
        add_problem (walk->message->problems,
                     "MIME structure deeper than %d levels: part %s and below not read",
                     MAX_MIME_DEPTH, walk->part_id->str);
      walk->too_deep = TRUE;
      return;
    }
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);

      if (is_alternative (object))
        {
          GPtrArray *parts = walk->message->parts;
          guint before = parts->len;
          int fallback;
          int chosen = choose_alternative (multipart, depth, &fallback);

          if (chosen >= 0)
            walk_child (walk, multipart, chosen, depth + 1);
          /* Some mailers send an empty text/plain beside the real HTML. */
          if (fallback >= 0 && parts_blank (parts, before))
            {
              g_ptr_array_remove_range (parts, before, parts->len - before);
              walk_child (walk, multipart, fallback, depth + 1);
            }
          return;
        }
      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        walk_child (walk, multipart, i, depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    return;  /* a forwarded or attached message: not the sender's words */
  else if (GMIME_IS_PART (object))
    {
      yields_t yields = leaf_yields (object);

      if (yields != 0)
        add_text_part (walk, GMIME_PART (object), yields == YIELDS_HTML);
    }
}

/* --- public ---------------------------------------------------------------- */

/* Analyses @gmessage, adopting @problems (which a parser warning callback
 * may still append to while headers are decoded). */
/* What identifies a message for idempotent import when it has no
 * Message-ID: its header block as written and its decoded text, hashed;
 * the same message from a file, an mbox or a maildir gives the same
 * digest, and nothing needs serialising. */
static gboolean compute_digests = TRUE;

void
mg_message_skip_digests (void)
{
  compute_digests = FALSE;
}

static char *
message_digest (GMimeObject *object, const mg_message_t *message)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *headers = g_mime_header_list_to_string (g_mime_object_get_header_list (object), NULL);
  guint i;

  if (headers != NULL)
    g_checksum_update (sum, (const guchar *) headers, -1);
  for (i = 0; i < message->parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (message->parts, i);
      g_checksum_update (sum, (const guchar *) "\0", 1);
      g_checksum_update (sum, (const guchar *) part->text, (gssize) part->len);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static mg_message_t *
message_build (GMimeMessage *gmessage, const char *source, GPtrArray *problems)
{
  mg_message_t *message = g_new0 (mg_message_t, 1);
  GMimeObject *object = GMIME_OBJECT (gmessage);
  GMimeObject *body;
  GDateTime *date;
  const char *message_id;

  message->source = g_strdup (source != NULL ? source : "-");
  message->problems = problems;
  message->parts = g_ptr_array_new_with_free_func (text_part_free);

  message_id = g_mime_message_get_message_id (gmessage);
  if (message_id != NULL && *message_id != '\0')
    message->message_id = dup_valid (message_id);
  message->subject = get_subject (gmessage, problems);
  message->from = first_address (g_mime_message_get_from (gmessage), 0);
  date = g_mime_message_get_date (gmessage);
  message->date = date != NULL ? g_date_time_ref (date) : NULL;
  message->recipients = get_recipients (gmessage);
  message->is_reply = header_is_set (object, "In-Reply-To")
    || header_is_set (object, "References")
    || mg_subject_is_reply (message->subject);

  body = g_mime_message_get_mime_part (gmessage);
  if (body != NULL)
    {
      walk_t walk = { message, g_string_new (NULL), FALSE, MAX_TEXT_BYTES, FALSE };

      /* A single-part body is "1"; a multipart's children are numbered. */
      if (!GMIME_IS_MULTIPART (body))
        g_string_append_c (walk.part_id, '1');
      walk_object (&walk, body, 1);
      g_string_free (walk.part_id, TRUE);
    }
  if (compute_digests)
    message->digest = message_digest (object, message);
  return message;
}

/* Constructs the next message from @parser with our options and analyses
 * it.  @stream, when not NULL, is the parser's stream, a regular file of
 * @size bytes: a parse that stopped short of its end is checked for a
 * read error. */
static mg_message_t *
parse_with (GMimeParser *parser, GMimeStream *stream, gint64 size,
            const char *source, GError **error)
{
  static const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
  /* Declared in this order so that the message is freed before the
   * options and the problems array its headers may still report to. */
  g_autoptr(GMimeParserOptions) options = g_mime_parser_options_new ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMimeMessage) gmessage = NULL;
  gint64 end;

  g_mime_parser_options_set_warning_callback (options, on_parser_warning, problems);
  g_mime_parser_options_set_fallback_charsets (options, fallback_charsets);
  gmessage = g_mime_parser_construct_message (parser, options);
  end = g_mime_parser_tell (parser);
  if (stream != NULL && size >= 0 && end >= 0 && end < size)
    {
      char byte;

      if (g_mime_stream_seek (stream, end, GMIME_STREAM_SEEK_SET) == -1
          || g_mime_stream_read (stream, &byte, 1) == -1)
        {
          set_read_error (error, MG_ERROR_IO, source, errno);
          return NULL;
        }
    }
  if (gmessage == NULL)
    {
      g_autofree char *name = display_name (source);

      g_set_error (error, MG_ERROR, MG_ERROR_DATA, "%s has no message header", name);
      return NULL;
    }
  return message_build (gmessage, source, g_ptr_array_ref (problems));
}

/* Parses @stream (a file of @size bytes, or -1). */
static mg_message_t *
parse_stream (GMimeStream *stream, const char *source, gint64 size, GError **error)
{
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);

  return parse_with (parser, stream, size, source, error);
}

/* Takes ownership of @bytes. */
static mg_message_t *
parse_bytes (GByteArray *bytes, const char *source, GError **error)
{
  g_autoptr(GMimeStream) stream = NULL;

  if (!prefix_ok (check_prefix ((const char *) bytes->data, bytes->len, TRUE), source, error))
    {
      g_byte_array_unref (bytes);
      return NULL;
    }
  stream = g_mime_stream_mem_new_with_byte_array (bytes);
  return parse_stream (stream, source, -1, error);
}

/* mg_gmime_init: initialises GMime once; every other function here calls
 * it, so callers need to only when they use GMime themselves first. */
void
mg_gmime_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_mime_init ();
      g_once_init_leave (&done, 1);
    }
}

/* mg_message_parse_file: parses the message in file @path, or standard
 * input for "-".  Returns a new message (free with mg_message_free()), or
 * NULL with @error set: MG_ERROR_NOINPUT "cannot read 'PATH': reason" or
 * "'PATH' is a directory"; MG_ERROR_IO on a read error; MG_ERROR_DATA
 * "'PATH' is empty" (no bytes, or only white space) or "'PATH' has no
 * message header" (the first line, after an optional mbox "From " line,
 * is not a header field).  For "-" the messages say "standard input". */
mg_message_t *
mg_message_parse_file (const char *path, GError **error)
{
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mg_gmime_init ();
  if (strcmp (path, "-") == 0)
    {
      GByteArray *bytes = read_all (STDIN_FILENO, 0, path, error);

      return bytes != NULL ? parse_bytes (bytes, path, error) : NULL;
    }

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      set_read_error (error, MG_ERROR_NOINPUT, path, saved);
      return NULL;
    }
  return mg_message_parse_fd (fd, &st, path, error);
}

/* mg_message_parse_fd: mg_message_parse_file() of @fd, open on @path and
 * fstat()ed as @st, for a caller that opened the file itself (a
 * maildir's message: once open, not again).  Takes @fd, closing it. */
mg_message_t *
mg_message_parse_fd (int fd, const struct stat *st, const char *path, GError **error)
{
  g_autoptr (GMimeStream) stream = NULL;

  g_return_val_if_fail (fd >= 0 && st != NULL && path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mg_gmime_init ();
  if (S_ISDIR (st->st_mode))
    {
      close (fd);
      g_set_error (error, MG_ERROR, MG_ERROR_NOINPUT, "'%s' is a directory", path);
      return NULL;
    }
  if (!S_ISREG (st->st_mode) || st->st_size <= MEMORY_LIMIT)
    {
      /* A FIFO, a device or a small file: read it once, into memory. */
      GByteArray *bytes = read_all (fd, S_ISREG (st->st_mode) ? (gsize) st->st_size : 0,
                                    path, error);

      close (fd);
      return bytes != NULL ? parse_bytes (bytes, path, error) : NULL;
    }
  if (!check_file_prefix (fd, path, error))
    {
      close (fd);
      return NULL;
    }
  stream = g_mime_stream_fs_new (fd);  /* owns fd from here */
  return parse_stream (stream, path, (gint64) st->st_size, error);
}

/* mg_message_parse_data: parses @len bytes at @data (copied; the caller
 * keeps them), naming the message @source ("-" when NULL).  Errors as
 * mg_message_parse_file(): MG_ERROR_DATA for empty input or input with no
 * header. */
/* mg_message_parse_stream: parses the message in @stream (not owned; read
 * from its current position), naming it @source.  Used for a spooled
 * message, so that GMime keeps large parts in the stream instead of
 * copying them.  Errors as mg_message_parse_file() except that empty input
 * and a missing header are the caller's to check first. */
mg_message_t *
mg_message_parse_stream (GMimeStream *stream, const char *source, GError **error)
{
  g_return_val_if_fail (GMIME_IS_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mg_gmime_init ();
  return parse_stream (stream, source != NULL ? source : "-", -1, error);
}

mg_message_t *
mg_message_parse_data (const char *data, gsize len, const char *source,
                       GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mg_gmime_init ();
  if (source == NULL)
    source = "-";
  if (len > G_MAXUINT)
    {
      set_read_error (error, MG_ERROR_IO, source, EFBIG);
      return NULL;
    }
  return parse_bytes (g_byte_array_append (g_byte_array_sized_new ((guint) len),
                                           (const guint8 *) data, (guint) len),
                      source, error);
}

/* mg_message_parse_next: constructs the next message from @parser (any
 * format; GMIME_FORMAT_MBOX for a mailbox) with the options the other
 * parse functions use, so that parser problems are recorded and 8-bit
 * headers decoded alike, and analyses it as @source.  Returns NULL with
 * MG_ERROR_DATA when no message could be constructed (the end of the
 * mailbox).  Free the result with mg_message_free(). */
mg_message_t *
mg_message_parse_next (GMimeParser *parser, const char *source, GError **error)
{
  g_return_val_if_fail (GMIME_IS_PARSER (parser), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mg_gmime_init ();
  return parse_with (parser, NULL, -1, source != NULL ? source : "-", error);
}

/* mg_message_new: analyses @message (transfer none), naming it @source.
 * Never fails.  Parser problems are not known here (they went to the
 * options @message was parsed with); problems found while walking it are
 * recorded.  If @message was parsed with GMimeParserOptions, they must
 * still be alive.  Free the result with mg_message_free(). */
mg_message_t *
mg_message_new (GMimeMessage *message, const char *source)
{
  g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

  mg_gmime_init ();
  return message_build (message, source, g_ptr_array_new_with_free_func (g_free));
}

/* mg_message_free: frees @message and everything it owns; NULL is fine. */
void
mg_message_free (mg_message_t *message)
{
  if (message == NULL)
    return;
  g_free (message->source);
  g_free (message->message_id);
  g_free (message->subject);
  g_free (message->digest);
  g_free (message->from);
  if (message->date != NULL)
    g_date_time_unref (message->date);
  if (message->recipients != NULL)
    g_ptr_array_unref (message->recipients);
  if (message->parts != NULL)
    g_ptr_array_unref (message->parts);
  if (message->problems != NULL)
    g_ptr_array_unref (message->problems);
  g_free (message);
}

/* mg_subject_is_reply: TRUE if @subject (NULL is fine), after leading
 * white space, starts with a reply prefix from reply_prefixes (any ASCII
 * case), optionally counted ("Re[2]:", "Re(2):", "Re^2:"), then optional
 * blanks ("RE :", as French Outlook writes) and a colon (ASCII or
 * full-width).  Only the first prefix is looked at: "Fwd: Re: x" is not
 * a reply, and neither is "[list] Re: x". */
gboolean
mg_subject_is_reply (const char *subject)
{
  const char *p;

  if (subject == NULL)
    return FALSE;
  for (p = subject; g_ascii_isspace (*p); p++)
    ;
  for (guint i = 0; reply_prefixes[i] != NULL; i++)
    {
      gsize n = strlen (reply_prefixes[i]);
      const char *q = p + n;

      if (g_ascii_strncasecmp (p, reply_prefixes[i], n) != 0)
        continue;
      if (*q == '[' || *q == '(')
        {
          char close = *q == '[' ? ']' : ')';

          for (q++; g_ascii_isdigit (*q); q++)
            ;
          if (*q != close)
            continue;
          q++;
        }
      else if (*q == '^')
        for (q++; g_ascii_isdigit (*q); q++)
          ;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q == ':' || strncmp (q, "\xef\xbc\x9a", 3) == 0)  /* "：" */
        return TRUE;
    }
  return FALSE;
}
