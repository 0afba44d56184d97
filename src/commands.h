/* commands.h - the subcommands and what they share.
 *
 * main.c dispatches through a table of these; each subcommand lives in its
 * own cmd-NAME.c and returns the process exit status.
 */
#ifndef MG_COMMANDS_H
#define MG_COMMANDS_H

#include <glib.h>
#include "mg-config.h"
#include "mg-output.h"

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

/* Parses @argv with @context, printing "matchguard NAME: ..." on a bad
 * command line.  Returns FALSE when the command should exit 64. */
gboolean mg_parse_options (GOptionContext *context, const char *name, int *argc, char ***argv);

int mg_cmd_check (int argc, char **argv);
int mg_cmd_rules (int argc, char **argv);

#endif
