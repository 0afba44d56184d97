/* common.c - error domain, exit codes, error printing, sanitising. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "mg-common.h"

G_DEFINE_QUARK (matchguard-error-quark, mg_error)

int
mg_error_exit_code (const GError *error)
{
  if (error == NULL || error->domain != MG_ERROR)
    return EX_SOFTWARE;
  switch ((mg_error_t) error->code)
    {
    case MG_ERROR_USAGE:       return EX_USAGE;
    case MG_ERROR_DATA:        return EX_DATAERR;
    /* SPEC 2's table has no EX_NOINPUT row: a source that cannot be
       opened is an I/O error on input */
    case MG_ERROR_NOINPUT:     return EX_IOERR;
    case MG_ERROR_CONFIG:      return EX_CONFIG;
    case MG_ERROR_TEMPFAIL:    return EX_TEMPFAIL;
    case MG_ERROR_UNAVAILABLE: return EX_UNAVAILABLE;
    case MG_ERROR_IO:          return EX_IOERR;
    case MG_ERROR_INTERNAL:    return EX_SOFTWARE;
    }
  return EX_SOFTWARE;
}

gboolean
mg_error_at_valist (GError **error, const char *file, int line, const char *format,
                    va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s:%d: %s", file, line, message);
  return FALSE;
}

gboolean
mg_error_at (GError **error, const char *file, int line, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  mg_error_at_valist (error, file, line, format, args);
  va_end (args);
  return FALSE;
}

void
mg_print_error (const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;
  g_autofree char *clean = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  clean = mg_sanitize (text);
  fprintf (stderr, "matchguard: %s\n", clean);
}

char *
mg_sanitize (const char *text)
{
  char *valid;
  char *p;

  if (text == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (text, -1);
  for (p = valid; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        *p = '?';
    }
  return valid;
}

gboolean
mg_pread_all (int fd, void *buf, gsize len, guint64 offset)
{
  char *p = buf;

  while (len > 0)
    {
      gssize n = pread (fd, p, len, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          errno = EIO;   /* the file is shorter than expected */
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}
