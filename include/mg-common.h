/* mg-common.h - what every matchguard module shares: error codes mapped to
 * sysexits, autoptr cleanups for GMime types, small helpers.
 *
 * Core modules report problems through GError in MG_ERROR with one of the
 * mg_error_t codes; only the command layer prints them and turns them into
 * an exit status with mg_error_exit_code().
 */
#ifndef MG_COMMON_H
#define MG_COMMON_H

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

#define MG_ERROR (mg_error_quark ())
GQuark mg_error_quark (void);

/* One code per row of the SPEC section 2 exit-code table. */
typedef enum {
  MG_ERROR_USAGE,        /* bad command line            -> EX_USAGE (64) */
  MG_ERROR_DATA,         /* empty input, no header      -> EX_DATAERR (65) */
  MG_ERROR_NOINPUT,      /* a source cannot be opened   -> EX_IOERR (74) */
  MG_ERROR_CONFIG,       /* config or registry error    -> EX_CONFIG (78) */
  MG_ERROR_TEMPFAIL,     /* ledger busy/corrupt         -> EX_TEMPFAIL (75) */
  MG_ERROR_UNAVAILABLE,  /* relay missing               -> EX_UNAVAILABLE (69) */
  MG_ERROR_IO,           /* read/write error            -> EX_IOERR (74) */
  MG_ERROR_INTERNAL,     /* a bug                       -> EX_SOFTWARE (70) */
} mg_error_t;

/* Returns the <sysexits.h> status for an error in MG_ERROR (EX_SOFTWARE for
 * any other domain). */
int mg_error_exit_code (const GError *error);

/* Sets @error to "FILE:LINE: " + the formatted text in MG_ERROR /
 * MG_ERROR_CONFIG, the form of every configuration and registry error.
 * Returns FALSE, so that callers can `return mg_error_at (...)`. */
gboolean mg_error_at (GError **error, const char *file, int line, const char *format, ...)
  G_GNUC_PRINTF (4, 5);
gboolean mg_error_at_valist (GError **error, const char *file, int line, const char *format,
                             va_list args) G_GNUC_PRINTF (4, 0);

/* Prints "matchguard: " + the formatted text + newline on stderr. */
void mg_print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Returns a copy of @text that is safe to show on a terminal: control
 * characters (other than tab) become '?', invalid UTF-8 is replaced.
 * Free with g_free(). */
char *mg_sanitize (const char *text);

/* pread(2) of exactly @len bytes at @offset, again after EINTR and short
 * reads; FALSE with errno set on error, EIO when the file ends first. */
gboolean mg_pread_all (int fd, void *buf, gsize len, guint64 offset);

/* GMime 3 ships no autoptr cleanups; declare them here and only here. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParserOptions, g_mime_parser_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

G_END_DECLS

#endif
