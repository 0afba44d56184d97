/* commands.h - the subcommands and what they share.
 *
 * main.c dispatches through a table of these; each subcommand lives in its
 * own cmd-NAME.c and returns the process exit status.
 */
#ifndef MG_COMMANDS_H
#define MG_COMMANDS_H

#include <glib.h>
#include "mg-config.h"
#include "mg-message.h"
#include "mg-output.h"
#include "mg-progress.h"
#include "mg-sources.h"

/* Options every subcommand understands (SPEC 1), parsed once. */
typedef struct {
  char *config_path;   /* --config */
  char *ledger_path;   /* --ledger */
  char *format_name;   /* --format */
  mg_format_t format;
  gboolean quiet;      /* -q, --quiet */
  gboolean verbose;    /* -v, --verbose */
} mg_common_options_t;

/* Adds the common options to @context (they fill @options). */
void mg_common_options_add (GOptionContext *context, mg_common_options_t *options);

/* Checks what the common options hold after parsing; on a problem prints
 * it and returns FALSE. */
gboolean mg_common_options_finish (mg_common_options_t *options);

void mg_common_options_clear (mg_common_options_t *options);

/* Loads the configuration named by --config, $MATCHGUARD_CONFIG or the XDG
 * default; prints the error and returns NULL on failure. */
mg_config_t *mg_load_config (const mg_common_options_t *options);

/* Checks an --at value: now, header or ISO-8601; prints the problem as
 * "@command: ..." and returns FALSE when it is none of them. */
gboolean mg_check_at_option (const char *command, const char *at);

/* The time rules evaluate @message at: @at is NULL or "now" (the current
 * time), "header" (its Date; now when it has none) or ISO-8601 (checked
 * before with mg_check_at_option()). */
GDateTime *mg_evaluation_time (const char *at, const mg_message_t *message);

/* The ledger file: --ledger, else $MATCHGUARD_LEDGER, else [ledger] path,
 * else $XDG_DATA_HOME/matchguard/ledger.db. */
char *mg_ledger_file (const mg_common_options_t *options, const mg_config_t *config);

/* Every ledger entry (mg_entry_t*, oldest first), read-only: a missing
 * ledger is empty and is not created.  NULL with @error set. */
GPtrArray *mg_read_history (const mg_common_options_t *options, const mg_config_t *config,
                            GError **error);

/* Parses @argv with @context, printing "matchguard NAME: ..." on a bad
 * command line.  Returns FALSE when the command should exit 64. */
gboolean mg_parse_options (GOptionContext *context, const char *name, int *argc, char ***argv);

/* With `aamc_id = keyring` (SPEC 8), fills @config's aamc_id from the
 * keyring.  FALSE with @error (MG_ERROR_CONFIG) when the keyring cannot be
 * reached or holds no valid ID; TRUE and nothing done otherwise. */
gboolean mg_resolve_aamc_id (mg_config_t *config, GError **error);

/* The setup of the commands that judge mail (check, import, audit):
 * mg_load_config() then mg_resolve_aamc_id().  Returns the configuration
 * (transfer full), or NULL after printing the problem, with *@status set
 * to the exit code (EX_CONFIG, or the keyring error's). */
mg_config_t *mg_load_judging_config (const mg_common_options_t *options, int *status);

/* Reads the @n_paths sources of @paths in order (mg-sources.h), with the
 * progress line @progress (mg-progress.h) counting their messages and
 * bytes, until *@stop becomes TRUE (@stop may be NULL).  @on_error must
 * call mg_progress_clear() before it prints; the line is cleared at the
 * end. */
void mg_read_sources (char **paths, guint n_paths, mg_progress_t *progress,
                      mg_source_message_fn on_message, mg_source_error_fn on_error,
                      const gboolean *stop, gpointer data);

int mg_cmd_check (int argc, char **argv);
int mg_cmd_rules (int argc, char **argv);
int mg_cmd_sendmail (int argc, char **argv);
int mg_cmd_import (int argc, char **argv);
int mg_cmd_audit (int argc, char **argv);
int mg_cmd_log (int argc, char **argv);
int mg_cmd_status (int argc, char **argv);
int mg_cmd_secret (int argc, char **argv);
int mg_cmd_registry (int argc, char **argv);

#endif
