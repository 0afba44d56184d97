/* spool.c - the message of sendmail mode, read whole first and written
 * back byte for byte (SPEC 2.1, 2.5).
 *
 * Design:
 * - Input is read in CHUNK-sized reads into one GByteArray; when it grows
 *   past the memory limit, the bytes so far and the rest of the input go to
 *   a spool file and the array is dropped.  The spool file is created with
 *   O_TMPFILE where the file system supports it (it never has a name), else
 *   with g_mkstemp_full() and unlinked at once: either way nothing remains
 *   in $TMPDIR, even if matchguard is killed.
 * - Once written, the spool file is rewound and then only ever read with
 *   pread(), so its file offset stays where GMime's file stream (on a
 *   dup() of the descriptor, which shares that offset) expects it.
 * - The header block is found once, after reading: for a spool file its
 *   bytes are read into memory (a header block is a few KiB).  The
 *   override ranges all lie inside it, so writing the message back is
 *   "header block without the ranges, then the rest as it is".
 * - SIGPIPE is blocked, not ignored, while writing: an ignored signal
 *   would be inherited by every program started later, and a relay that
 *   ignores SIGPIPE can hang where it should die.
 */
#define _GNU_SOURCE 1   /* O_TMPFILE */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mg-common.h"
#include "mg-spool.h"

#define CHUNK ((gsize) 64 * 1024)
#define MAX_FIELD_NAME 998        /* RFC 5322 line length, as message.c */
#define OVERRIDE_FIELD "X-Matchguard-Override"

struct mg_spool {
  GByteArray *data;        /* the message, when in memory; else NULL */
  int fd;                  /* the spool file, or -1 */
  guint64 size;            /* bytes read */
  const guint8 *header;    /* the header block: into data, or header_buf */
  gsize header_len;
  GByteArray *header_buf;  /* the header block of a spool file, or NULL */
  gboolean empty;          /* no bytes, or only white space */
  gboolean has_header;     /* not empty, and starts with a header field */
  GArray *ranges;          /* mg_spool_range_t: X-Matchguard-Override fields */
  GPtrArray *overrides;    /* char*: their unfolded values */
  GMimeStream *stream;     /* made on first use */
};

/* --- low-level I/O ---------------------------------------------------- */

/* Waits until @fd is ready for @events (a non-blocking descriptor said
 * EAGAIN), or until @deadline (g_get_monotonic_time(); 0: no deadline).
 * FALSE with errno ETIMEDOUT when the deadline passed. */
static gboolean
wait_fd (int fd, short events, gint64 deadline)
{
  struct pollfd pfd = { fd, events, 0 };

  for (;;)
    {
      int timeout = -1, n;

      if (deadline > 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          if (left <= 0)
            {
              errno = ETIMEDOUT;
              return FALSE;
            }
          /* rounded up, so that the wait does not end just before it */
          timeout = (int) MIN ((left + 999) / 1000, (gint64) G_MAXINT);
        }
      n = poll (&pfd, 1, timeout);
      if (n > 0 || (n < 0 && errno != EINTR))
        return TRUE;   /* ready, or an error that the next call reports */
    }
}

/* read(2) that retries on EINTR and waits on EAGAIN; -1 with errno set on
 * error, 0 at the end. */
static gssize
read_some (int fd, void *buf, gsize len)
{
  for (;;)
    {
      gssize n = read (fd, buf, len);

      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          wait_fd (fd, POLLIN, 0);
          continue;
        }
      return -1;
    }
}

/* Writes all @len bytes, waiting for a non-blocking @fd until @deadline
 * (see wait_fd()); FALSE with errno set on error (ETIMEDOUT: the
 * deadline passed). */
static gboolean
write_all (int fd, const void *buf, gsize len, gint64 deadline)
{
  const char *p = buf;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd (fd, POLLOUT, deadline))
            continue;
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
set_read_error (GError **error, int fd, int errnum)
{
  if (fd == 0)
    g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read standard input: %s",
                 g_strerror (errnum));
  else
    g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read the message: %s",
                 g_strerror (errnum));
}

/* Creates a spool file that has no name: O_TMPFILE, else mkstemp and
 * unlink.  Returns its descriptor (close-on-exec), or -1 with @error. */
static int
create_spool_file (GError **error)
{
  const char *dir = g_get_tmp_dir ();
  g_autofree char *path = NULL;
  int fd;

#ifdef O_TMPFILE
  fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0)
    return fd;
  /* EISDIR, EOPNOTSUPP, EINVAL: no O_TMPFILE here; try a named file */
#endif
  path = g_build_filename (dir, "matchguard-spool-XXXXXX", NULL);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0)
    {
      int errnum = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot create a spool file in '%s': %s",
                   dir, g_strerror (errnum));
      return -1;
    }
  if (unlink (path) != 0)
    {
      int errnum = errno;
      close (fd);
      g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot remove the spool file '%s': %s",
                   path, g_strerror (errnum));
      return -1;
    }
  return fd;
}

static void
set_spool_write_error (GError **error, int errnum)
{
  g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot write a spool file in '%s': %s",
               g_get_tmp_dir (), g_strerror (errnum));
}

/* --- the header block --------------------------------------------------- */

static gboolean
is_space (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Length of the field name at @p (@n bytes) if the line starts with
 * "Name:" (blanks allowed before the colon), else 0. */
static gsize
field_name_length (const guint8 *p, gsize n)
{
  gsize i = 0, name;

  while (i < n && i < MAX_FIELD_NAME && p[i] > ' ' && p[i] < 0x7f && p[i] != ':')
    i++;
  name = i;
  if (name == 0)
    return 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t'))
    i++;
  return i < n && p[i] == ':' ? name : 0;
}

/* Finds the end of the header block in the @n bytes at @p, scanning from
 * @from: the offset of the first empty line, or @n at @eof.  FALSE when
 * more bytes are needed to decide. */
static gboolean
find_header_end (const guint8 *p, gsize n, gsize from, gboolean eof, gsize *end)
{
  gsize i;

  for (i = from; i < n; i++)
    {
      if (i > 0 && p[i - 1] != '\n')
        continue;
      if (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
        {
          *end = i;
          return TRUE;
        }
      if (p[i] == '\r' && i + 1 == n && !eof)
        return FALSE;
    }
  if (!eof)
    return FALSE;
  *end = n;
  return TRUE;
}

/* End of the line that starts at @i: the offset after its LF, or @n. */
static gsize
line_end (const guint8 *p, gsize n, gsize i)
{
  const guint8 *nl = memchr (p + i, '\n', n - i);

  return nl != NULL ? (gsize) (nl - p) + 1 : n;
}

/* The value of the field in [@start, @end) after its colon, unfolded and
 * trimmed. */
static char *
unfold_value (const guint8 *p, gsize start, gsize end)
{
  GString *value = g_string_new (NULL);
  const guint8 *colon = memchr (p + start, ':', end - start);
  gsize i;

  for (i = (gsize) (colon - p) + 1; i < end; i++)
    if (p[i] != '\r' && p[i] != '\n' && p[i] != '\0')
      g_string_append_c (value, (char) p[i]);
  g_strstrip (value->str);
  value->len = strlen (value->str);
  return g_string_free (value, FALSE);
}

/* Classifies the header block: has_header, override ranges and values. */
static void
scan_header (mg_spool_t *spool)
{
  const guint8 *p = spool->header;
  gsize n = spool->header_len;
  gsize i = 0, first;
  gboolean in_override = FALSE;
  mg_spool_range_t range = { 0, 0 };

  /* An mbox "From " line may come first; it is no field. */
  if (n >= 5 && memcmp (p, "From ", 5) == 0)
    i = line_end (p, n, 0);
  first = i;
  spool->has_header = !spool->empty && n > 0 && !is_space (p[0]) && first < n
                      && field_name_length (p + first, n - first) > 0;

  while (i < n)
    {
      gsize end = line_end (p, n, i);
      gsize name = 0;

      if (p[i] == ' ' || p[i] == '\t')
        {
          if (in_override)
            range.end = end;
          i = end;
          continue;
        }
      if (in_override)
        {
          g_array_append_val (spool->ranges, range);
          in_override = FALSE;
        }
      if (i >= first)
        name = field_name_length (p + i, end - i);
      if (name == strlen (OVERRIDE_FIELD)
          && g_ascii_strncasecmp ((const char *) p + i, OVERRIDE_FIELD, name) == 0)
        {
          range.start = i;
          range.end = end;
          in_override = TRUE;
        }
      i = end;
    }
  if (in_override)
    g_array_append_val (spool->ranges, range);

  for (i = 0; i < spool->ranges->len; i++)
    {
      const mg_spool_range_t *r = &g_array_index (spool->ranges, mg_spool_range_t, i);
      g_ptr_array_add (spool->overrides, unfold_value (p, r->start, r->end));
    }
}

/* Finds the header block and emptiness of a message in memory. */
static void
examine_memory (mg_spool_t *spool)
{
  const guint8 *p = spool->data->data;
  gsize n = spool->data->len, i;

  for (i = 0; i < n && is_space (p[i]); i++)
    ;
  spool->empty = i == n;
  spool->header = p;
  find_header_end (p, n, 0, TRUE, &spool->header_len);
}

/* Same for a spool file: reads the header block into header_buf, and
 * scans for a byte that is not white space. */
static gboolean
examine_file (mg_spool_t *spool, GError **error)
{
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[4096];
  guint64 offset = 0;
  gboolean found = FALSE, eof = FALSE;
  gsize end = 0, step = sizeof chunk;

  spool->header_buf = buf;
  /* reads that start small and double: the buffer is kept while the
   * message is handled, and a header block is a few KiB */
  while (!found)
    {
      gsize want = (gsize) MIN ((guint64) step, spool->size - offset);
      gsize from = buf->len > 0 ? buf->len - 1 : 0;

      eof = offset + want == spool->size;
      g_byte_array_set_size (buf, buf->len + want);
      /* an empty file: no read (buf->data is still NULL) */
      if (want > 0 && !mg_pread_all (spool->fd, buf->data + buf->len - want, want, offset))
        {
          int errnum = errno;
          g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read the spool file: %s",
                       g_strerror (errnum));
          return FALSE;
        }
      offset += want;
      step = MIN (step * 2, CHUNK);
      found = find_header_end (buf->data, buf->len, from, eof, &end);
    }
  g_byte_array_set_size (buf, end);
  spool->header = buf->data;
  spool->header_len = end;

  /* empty: only white space, anywhere (in practice the first byte decides) */
  spool->empty = TRUE;
  for (offset = 0; spool->empty && offset < spool->size;)
    {
      gsize want = (gsize) MIN ((guint64) sizeof chunk, spool->size - offset), i;

      if (!mg_pread_all (spool->fd, chunk, want, offset))
        {
          int errnum = errno;
          g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read the spool file: %s",
                       g_strerror (errnum));
          return FALSE;
        }
      for (i = 0; i < want && is_space (chunk[i]); i++)
        ;
      spool->empty = i == want;
      offset += want;
    }
  return TRUE;
}

/* --- reading ------------------------------------------------------------ */

/* Moves the bytes read so far to a new spool file and copies the rest of
 * @fd after them. */
static gboolean
spool_to_file (mg_spool_t *spool, int fd, GError **error)
{
  g_autofree guint8 *chunk = NULL;

  spool->fd = create_spool_file (error);
  if (spool->fd < 0)
    return FALSE;
  if (!write_all (spool->fd, spool->data->data, spool->data->len, 0))
    {
      set_spool_write_error (error, errno);
      return FALSE;
    }
  g_clear_pointer (&spool->data, g_byte_array_unref);

  chunk = g_malloc (CHUNK);
  for (;;)
    {
      gssize n = read_some (fd, chunk, CHUNK);

      if (n < 0)
        {
          set_read_error (error, fd, errno);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!write_all (spool->fd, chunk, (gsize) n, 0))
        {
          set_spool_write_error (error, errno);
          return FALSE;
        }
      spool->size += (guint64) n;
    }
  /* back to the start, where GMime's file stream expects to begin */
  if (lseek (spool->fd, 0, SEEK_SET) != 0)
    {
      set_spool_write_error (error, errno);
      return FALSE;
    }
  return TRUE;
}

mg_spool_t *
mg_spool_read (int fd, GError **error)
{
  return mg_spool_read_limit (fd, MG_SPOOL_MEMORY_LIMIT, error);
}

mg_spool_t *
mg_spool_read_limit (int fd, gsize memory_limit, GError **error)
{
  g_autoptr (mg_spool_t) spool = NULL;
  gboolean to_file = FALSE;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  spool = g_new0 (mg_spool_t, 1);
  spool->fd = -1;
  spool->data = g_byte_array_new ();
  spool->ranges = g_array_new (FALSE, FALSE, sizeof (mg_spool_range_t));
  spool->overrides = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      guint len = spool->data->len;
      gssize n;

      g_byte_array_set_size (spool->data, len + CHUNK);
      n = read_some (fd, spool->data->data + len, CHUNK);
      g_byte_array_set_size (spool->data, len + (n > 0 ? (guint) n : 0));
      if (n < 0)
        {
          set_read_error (error, fd, errno);
          return NULL;
        }
      if (n == 0)
        break;
      spool->size += (guint64) n;
      if (spool->data->len > memory_limit)
        {
          to_file = TRUE;
          break;
        }
    }

  if (!to_file && memory_limit == 0 && spool->size == 0)
    to_file = TRUE;   /* "always a file", even for nothing */
  if (to_file)
    {
      if (!spool_to_file (spool, fd, error) || !examine_file (spool, error))
        return NULL;
    }
  else
    examine_memory (spool);
  scan_header (spool);
  return g_steal_pointer (&spool);
}

void
mg_spool_free (mg_spool_t *spool)
{
  if (spool == NULL)
    return;
  g_clear_object (&spool->stream);
  if (spool->fd >= 0)
    close (spool->fd);
  if (spool->data != NULL)
    g_byte_array_unref (spool->data);
  if (spool->header_buf != NULL)
    g_byte_array_unref (spool->header_buf);
  g_array_unref (spool->ranges);
  g_ptr_array_unref (spool->overrides);
  g_free (spool);
}

/* --- access ------------------------------------------------------------- */

guint64
mg_spool_size (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, 0);
  return spool->size;
}

gboolean
mg_spool_in_memory (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, FALSE);
  return spool->fd < 0;
}

int
mg_spool_fd (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, -1);
  return spool->fd;
}

GMimeStream *
mg_spool_stream (mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, NULL);

  if (spool->stream == NULL)
    {
      if (spool->fd < 0)
        {
          spool->stream = g_mime_stream_mem_new ();
          /* the spool keeps owning the array */
          g_mime_stream_mem_set_byte_array (GMIME_STREAM_MEM (spool->stream), spool->data);
        }
      else
        {
          int fd = fcntl (spool->fd, F_DUPFD_CLOEXEC, 0);

          /* without a descriptor to spare, share ours: the stream is
           * freed before the descriptor is closed */
          spool->stream = g_mime_stream_fs_new (fd >= 0 ? fd : spool->fd);
          if (fd < 0)
            g_mime_stream_fs_set_owner (GMIME_STREAM_FS (spool->stream), FALSE);
        }
    }
  g_mime_stream_reset (spool->stream);
  return spool->stream;
}

const char *
mg_spool_header (const mg_spool_t *spool, gsize *len)
{
  g_return_val_if_fail (spool != NULL, NULL);
  if (len != NULL)
    *len = spool->header_len;
  return (const char *) spool->header;
}

gboolean
mg_spool_is_empty (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, TRUE);
  return spool->empty;
}

gboolean
mg_spool_has_header (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, FALSE);
  return spool->has_header;
}

gboolean
mg_spool_check (const mg_spool_t *spool, GError **error)
{
  g_return_val_if_fail (spool != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (spool->empty)
    {
      g_set_error_literal (error, MG_ERROR, MG_ERROR_DATA, "empty message on standard input");
      return FALSE;
    }
  if (!spool->has_header)
    {
      g_set_error_literal (error, MG_ERROR, MG_ERROR_DATA,
                           "standard input holds no message header");
      return FALSE;
    }
  return TRUE;
}

GArray *
mg_spool_override_ranges (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, NULL);
  return spool->ranges;
}

GPtrArray *
mg_spool_overrides (const mg_spool_t *spool)
{
  g_return_val_if_fail (spool != NULL, NULL);
  return spool->overrides;
}

/* --- writing ------------------------------------------------------------ */

/* Writes bytes [@start, @end) of the message to @fd.  On error sets
 * *@write_errno (writing @fd failed) or @error (reading the spool). */
static gboolean
write_span (const mg_spool_t *spool, int fd, guint64 start, guint64 end, gint64 deadline,
            int *write_errno, GError **error)
{
  g_autofree guint8 *chunk = NULL;

  if (start >= end)
    return TRUE;
  if (spool->fd < 0)
    {
      if (!write_all (fd, spool->data->data + start, (gsize) (end - start), deadline))
        {
          *write_errno = errno;
          return FALSE;
        }
      return TRUE;
    }
  if (start < spool->header_len)
    {
      gsize stop = (gsize) MIN (end, (guint64) spool->header_len);

      if (!write_all (fd, spool->header + start, stop - (gsize) start, deadline))
        {
          *write_errno = errno;
          return FALSE;
        }
      start = stop;
    }
  chunk = g_malloc (CHUNK);
  while (start < end)
    {
      gsize want = (gsize) MIN ((guint64) CHUNK, end - start);

      if (!mg_pread_all (spool->fd, chunk, want, start))
        {
          int errnum = errno;
          g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read the spool file: %s",
                       g_strerror (errnum));
          return FALSE;
        }
      if (!write_all (fd, chunk, want, deadline))
        {
          *write_errno = errno;
          return FALSE;
        }
      start += want;
    }
  return TRUE;
}

gboolean
mg_spool_write (mg_spool_t *spool, int fd, gboolean strip_override, GError **error)
{
  return mg_spool_write_until (spool, fd, strip_override, 0, error);
}

gboolean
mg_spool_write_until (mg_spool_t *spool, int fd, gboolean strip_override, gint64 deadline,
                      GError **error)
{
  sigset_t block, old, pending;
  gboolean was_pending, ok = TRUE;
  guint64 pos = 0;
  int write_errno = 0;
  guint i;

  g_return_val_if_fail (spool != NULL, FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sigemptyset (&block);
  sigaddset (&block, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &block, &old);
  sigpending (&pending);
  was_pending = sigismember (&pending, SIGPIPE);

  if (strip_override)
    for (i = 0; ok && i < spool->ranges->len; i++)
      {
        const mg_spool_range_t *r = &g_array_index (spool->ranges, mg_spool_range_t, i);

        ok = write_span (spool, fd, pos, r->start, deadline, &write_errno, error);
        pos = r->end;
      }
  if (ok)
    ok = write_span (spool, fd, pos, spool->size, deadline, &write_errno, error);

  if (write_errno == EPIPE && !was_pending)
    {
      /* discard the SIGPIPE this write raised before unblocking */
      const struct timespec zero = { 0, 0 };

      while (sigtimedwait (&block, NULL, &zero) < 0 && errno == EINTR)
        ;
    }
  pthread_sigmask (SIG_SETMASK, &old, NULL);

  if (write_errno == EPIPE)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                         "the reader closed its input before the end of the message");
  else if (write_errno == ETIMEDOUT)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "the reader did not take the message in time");
  else if (write_errno != 0)
    g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot write the message: %s",
                 g_strerror (write_errno));
  return ok;
}
