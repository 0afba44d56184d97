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
 *   was killed by signal 15 (Terminated)", did not finish in time
 *   (mg_relay_run()'s @timeout_seconds), or could not be started for
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
 * it, and waits.  Returns its exit status, or -1 with @error (above).
 *
 * @timeout_seconds (0: none) bounds the whole run, writing included: a
 * relay that has not exited by then gets SIGTERM, then SIGKILL after 2 s,
 * while its input is still open (so it never reads the end of the
 * message), and the result is -1 with MG_ERROR_TEMPFAIL, "relay 'msmtp'
 * did not finish within 300 seconds ([relay] timeout_seconds) and was
 * stopped; ...", saying whether the relay had read the end of the message
 * (then it may have sent it) or not (then it cannot have).
 *
 * @complete (may be NULL) is set to FALSE when the relay closed its input
 * before it had read the whole message (it exited, or closed standard
 * input, early), else TRUE.  A message that fits in the pipe's buffer
 * (64 KiB on Linux) is always "complete": whether the relay read it is
 * not known then. */
int mg_relay_run (const char *const *relay_argv, const char *const *args, mg_spool_t *spool,
                  gboolean strip_override, guint timeout_seconds, gboolean *complete,
                  GError **error);
/* mg_relay_run() in two steps, so that the relay starts up (exec,
 * dynamic loading, its configuration, a connection) while matchguard
 * still makes the ledger entry durable:
 *
 * mg_relay_start() starts it with its standard input a pipe that nothing
 * is written to yet; it cannot send anything before it reads the end of
 * that input.  NULL with @error (above) when it cannot be started: the
 * program is not found or not executable, or there is no pipe or thread
 * for it.  The spawn itself goes on in a thread after the call returns;
 * if it fails, mg_relay_finish() returns -1 with the error.  Until
 * the input is closed, SIGHUP, SIGINT, SIGQUIT and SIGTERM to matchguard
 * SIGKILL the relay first, so that it never reads the end of an empty or
 * truncated message.
 *
 * mg_relay_finish() writes @spool, closes the input and waits: the rest of
 * mg_relay_run(), whose result it returns; @timeout_seconds counts from
 * the start.  mg_relay_abort() SIGKILLs the relay while its input is
 * still open, so that it sends nothing, and reaps it.  Either frees
 * @relay. */
typedef struct mg_relay mg_relay_t;

mg_relay_t *mg_relay_start (const char *const *relay_argv, const char *const *args,
                            guint timeout_seconds, GError **error);
int mg_relay_finish (mg_relay_t *relay, mg_spool_t *spool, gboolean strip_override,
                     gboolean *complete, GError **error);
void mg_relay_abort (mg_relay_t *relay);

/* Runs the relay like mg_relay_run() but with matchguard's own standard
 * input, for modes that are not a send (-bp, -bs, --serverinfo, ...: see
 * mg_sendargs_is_passthrough()).  Nothing is read or checked.  Returns its
 * exit status, or -1 with @error (above). */
int mg_relay_passthrough (const char *const *relay_argv, const char *const *args,
                          GError **error);

G_END_DECLS

#endif
