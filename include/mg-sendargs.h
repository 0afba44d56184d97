/* mg-sendargs.h - the sendmail-mode command line (SPEC 2.2, 2.3).
 *
 * matchguard sits where sendmail or msmtp would be, so it must read their
 * command line the way they do: which words are options, which options
 * take a value (so that "-f bounce@x" or "-N failure,delay" is not taken
 * for a recipient), where the recipients start, and whether the call is a
 * send at all (-bp, --serverinfo, ... are handed to the relay untouched).
 * The arguments themselves are never changed: the relay is run as
 * RELAY-ARGV... ORIGINAL-ARGS..., so what this module learns only decides
 * what matchguard checks.
 *
 * Rules (sendargs.c has the option table and the reasons):
 * - Options are those of sendmail 8, Postfix's sendmail and msmtp, parsed
 *   like getopt: grouped flags ("-ti"), values attached ("-fADDR",
 *   "-B8BITMIME", "-oi") or in the next word ("-f ADDR", "-N never"),
 *   msmtp's long options as "--opt=value", "--opt value" (when the value is
 *   required) or an unambiguous prefix ("--read-rec").
 * - Options end at "--" or at the first word that is not an option (POSIX
 *   getopt, as sendmail on BSD and Postfix do; msmtp would go on looking
 *   for options).  Every word after that is a recipient, and a recipient
 *   that starts with '-' is refused (MG_ERROR_USAGE), so "rcpt -t" is an
 *   error rather than a guess about what the relay will make of it.
 * - Sending is the default mode and "-bm"; any other "-b" mode, "-q...",
 *   "-I", and msmtp's -S/--serverinfo, --rmqs, --configure, -P/--pretend,
 *   --version and --help make the call a passthrough: nothing is read or
 *   checked, and errors in the rest of the line are the relay's to report.
 */
#ifndef MG_SENDARGS_H
#define MG_SENDARGS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct mg_sendargs mg_sendargs_t;

/* Parses the @argc words at @argv (the arguments after the program name;
 * @argv need not be NULL-terminated; the words are copied).
 *
 * Returns a new mg_sendargs_t (free with mg_sendargs_free()), or NULL with
 * @error set to MG_ERROR_USAGE: an unknown option ("unknown option '-Z'"),
 * an option missing its value ("option '-f' needs a value"), a value given
 * to a long option that takes none, an ambiguous long option prefix, an
 * empty recipient, or a recipient that starts with '-' (including an
 * option written after the first recipient).  In passthrough mode these
 * errors are not raised: the relay sees the same words and decides. */
mg_sendargs_t *mg_sendargs_parse (guint argc, const char *const *argv, GError **error);

void mg_sendargs_free (mg_sendargs_t *args);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_sendargs_t, mg_sendargs_free)

/* The recipient words, as given and in order (char*, transfer none, never
 * NULL; empty with -t and no recipient words, and in passthrough mode).
 * A word is not split: sendmail reads "a@x, b@y" as two addresses, so the
 * caller should parse each word as an address list. */
GPtrArray *mg_sendargs_recipients (const mg_sendargs_t *args);

/* The envelope sender of the last -f ADDR, -fADDR, -r ADDR or --from=ADDR,
 * as given ("<>" stays "<>"), or NULL when none was given (transfer
 * none). */
const char *mg_sendargs_sender (const mg_sendargs_t *args);

/* TRUE with -t or --read-recipients: the To, Cc and Bcc headers hold
 * recipients too (sendmail 8 would drop the argument recipients from them;
 * msmtp and Postfix add both; checking both is the safe reading). */
gboolean mg_sendargs_extract_recipients (const mg_sendargs_t *args);

/* TRUE with msmtp's --read-envelope-from: the relay takes the envelope
 * sender from the From header. */
gboolean mg_sendargs_read_envelope_from (const mg_sendargs_t *args);

/* TRUE when the call is not a send (see the top of this file): run the
 * relay with the original arguments and standard input, check nothing. */
gboolean mg_sendargs_is_passthrough (const mg_sendargs_t *args);

/* The original arguments, unchanged, as a NULL-terminated vector (transfer
 * none): what the relay gets after its own words. */
const char *const *mg_sendargs_argv (const mg_sendargs_t *args);

G_END_DECLS

#endif
