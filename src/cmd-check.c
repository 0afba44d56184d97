/* cmd-check.c - `matchguard check`: the dry run (SPEC 1, 2, 9).
 *
 * Judges each message of each source (a message file, "-" for stdin, an
 * mbox, a maildir) as sendmail mode would, prints the verdicts, changes
 * nothing.  Exit 0 when every message is ok, 1 when the worst is warn, 2
 * when any would be blocked; a source that cannot be read or is empty
 * gives its sysexits code instead, after every other source was judged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-ledger.h"
#include "mg-message.h"
#include "mg-rules.h"
#include "mg-sources.h"

typedef struct {
  mg_common_options_t common;
  char **to;            /* --to, repeatable */
  char *at;             /* --at */
  char **allow;         /* --allow, repeatable, comma lists */
  gboolean no_ledger;   /* --no-ledger: judge without history */
  const mg_config_t *config;
  mg_ledger_t *ledger;  /* read-only; NULL with --no-ledger */
  gboolean colour;
  mg_severity_t worst;  /* worst verdict so far */
  int error_status;     /* first error's sysexits code, 0 if none */
} check_t;

static void
judge_message (check_t *check, const mg_message_t *message)
{
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GDateTime) at = mg_evaluation_time (check->at, message);

  analysis = mg_analysis_new (message, check->config, (const char *const *) check->to);
  if (check->ledger != NULL)
    {
      /* only the entries this message's rules read: the cost follows
       * them, not the size of the ledger */
      g_autoptr (mg_history_query_t) query = mg_rules_history_query (analysis);
      g_autoptr (GError) error = NULL;

      history = mg_ledger_select (check->ledger, query, &error);
      if (history == NULL)
        {
          mg_print_error ("%s: %s", message->source, error->message);
          if (check->error_status == 0)
            check->error_status = mg_error_exit_code (error);
          return;
        }
    }
  judgement = mg_rules_judge (analysis, at, history);
  mg_judgement_allow (judgement, (const char *const *) check->allow);
  if (judgement->verdict > check->worst)
    check->worst = judgement->verdict;
  mg_output_judgement (stdout, check->common.format, check->colour, analysis, judgement);
  if (check->common.verbose)
    {
      guint i;
      for (i = 0; i < message->problems->len; i++)
        mg_print_error ("%s: %s", message->source, (char *) g_ptr_array_index (message->problems, i));
    }
}

static void
note_error (check_t *check, const GError *error)
{
  mg_print_error ("%s", error->message);
  if (check->error_status == 0)
    check->error_status = mg_error_exit_code (error);
}

static void
on_message (mg_message_t *message, gpointer data)
{
  judge_message (data, message);
  mg_message_free (message);
}

static void
on_error (const GError *error, gpointer data)
{
  note_error (data, error);
}

int
mg_cmd_check (int argc, char **argv)
{
  check_t check = { 0 };
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &check.to,
      "Envelope recipient instead of the To/Cc/Bcc headers (repeatable)", "ADDR" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &check.at,
      "Time the rules evaluate at: now (default), header, or ISO-8601", "TIME" },
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &check.allow,
      "Treat these rules' findings as info (\"warnings\": every warn)", "RULE[,RULE]" },
    { "no-ledger", 0, 0, G_OPTION_ARG_NONE, &check.no_ledger, "Ignore the history of sent mail", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[FILE|MBOX|MAILDIR|-]...");
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  int i;

  g_option_context_set_summary (context, "Judge messages as sendmail mode would, changing nothing.\n"
                                         "Exit 0: all ok, 1: worst is warn, 2: a message would be blocked.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &check.common);
  if (!mg_parse_options (context, "check", &argc, &argv) || !mg_common_options_finish (&check.common))
    {
      status = EX_USAGE;
      goto out;
    }
  if (!mg_check_at_option ("check", check.at))
    {
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_judging_config (&check.common, &status);
  if (config == NULL)
    goto out;

  if (!check.no_ledger)
    {
      g_autofree char *path = mg_ledger_file (&check.common, config);

      check.ledger = mg_ledger_open (path, FALSE, config->busy_timeout_ms, &error);
      if (check.ledger == NULL)
        {
          mg_print_error ("%s", error->message);
          status = mg_error_exit_code (error);
          goto out;
        }
    }

  mg_gmime_init ();
  check.config = config;
  check.colour = check.common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO)
              && g_getenv ("NO_COLOR") == NULL;
  if (argc < 2)
    {
      if (isatty (STDIN_FILENO))
        {
          mg_print_error ("check: name a message file, mbox or maildir, or '-' for standard input");
          status = EX_USAGE;
          goto out;
        }
      mg_sources_read ("-", on_message, on_error, &check);
    }
  /* several sources, or a mailbox: the JIT pays */
  if (argc > 2 || (argc == 2 && mg_sources_is_mailbox (argv[1])))
    mg_phrases_optimize ();
  for (i = 1; i < argc; i++)
    mg_sources_read (argv[i], on_message, on_error, &check);

  if (check.error_status != 0)
    status = check.error_status;
  else
    status = check.worst == MG_SEVERITY_BLOCK ? 2 : check.worst == MG_SEVERITY_WARN ? 1 : 0;

out:
  mg_ledger_close (check.ledger);
  g_strfreev (check.to);
  g_strfreev (check.allow);
  g_free (check.at);
  mg_common_options_clear (&check.common);
  return status;
}
