/* mg-relay.h - running the real relay (SPEC 2.3, 2.5): msmtp,
 * /usr/sbin/sendmail, or whatever `[relay] command` names.
 *
 * The relay is run as RELAY-ARGV... ORIGINAL-ARGS... with an argument
 * vector, never through a shell, and found like execvp(3) finds a program:
 * a first word without '/' is looked up in the caller's $PATH (the system
 * default path when PATH is unset).  It inherits standard output, standard
 * error and the environment, and SIGPIPE at its default disposition; it
 * does not inherit any other descriptor (the spool file, the ledger):
 * descriptors 3 and up are closed in the child.  matchguard waits for it.
 *
 * Both functions return the relay's exit status (0..255), or -1 with
 * @error set:
 * - MG_ERROR_UNAVAILABLE: "relay 'msmtp' not found", "relay
 *   '/usr/bin/msmtp' not executable (Permission denied)", or another
 *   reason it cannot be started (EX_UNAVAILABLE);
 * - MG_ERROR_TEMPFAIL: the relay was killed by a signal, "relay 'msmtp'
 *   was killed by signal 15 (Terminated)", or could not be started for
 *   lack of resources (EX_TEMPFAIL: the mail client may try again);
 * - MG_ERROR_CONFIG: @relay_argv is empty;
 * - MG_ERROR_IO (mg_relay_run() only): the spool could not be read back,
 *   or the pipe to the relay failed other than by EPIPE; the relay is then
 *   killed before it sees the end of its input, so that a truncated
 *   message is never sent;
 * - MG_ERROR_INTERNAL: waitpid() failed (EX_SOFTWARE).
 * A relay that exits before reading all of its input is not an error: its
 * exit status is returned, whatever it is.
 */
#ifndef MG_RELAY_H
#define MG_RELAY_H

#include <glib.h>

#include "mg-spool.h"

G_BEGIN_DECLS

/* Runs the relay @relay_argv (NULL-terminated, at least one word: the
 * program) followed by @args (NULL-terminated, may be NULL for none: the
 * original sendmail-mode arguments, unchanged), writes @spool to its
 * standard input with mg_spool_write(..., @strip_override, ...), closes
 * it, and waits.  Returns its exit status, or -1 with @error (above). */
int mg_relay_run (const char *const *relay_argv, const char *const *args, mg_spool_t *spool,
                  gboolean strip_override, GError **error);

/* Runs the relay like mg_relay_run() but with matchguard's own standard
 * input, for modes that are not a send (-bp, -bs, --serverinfo, ...: see
 * mg_sendargs_is_passthrough()).  Nothing is read or checked.  Returns its
 * exit status, or -1 with @error (above). */
int mg_relay_passthrough (const char *const *relay_argv, const char *const *args,
                          GError **error);

G_END_DECLS

#endif
