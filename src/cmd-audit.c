/* cmd-audit.c - `matchguard audit`: replay sent mail in date order (SPEC 1).
 *
 * Every message of the sources is judged at its own Date against a
 * scratch history that holds only the messages before it, as if
 * matchguard had stood in front of the relay all along; each message then
 * joins that history as sent, because it was.  The real ledger is neither
 * read nor changed.  Exit 0/1/2 as `check`, errors taking precedence.
 */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-ledger.h"
#include "mg-record.h"
#include "mg-rules.h"
#include "mg-rulebook.h"
#include "mg-sources.h"

typedef struct {
  mg_common_options_t common;
  char **allow;
  GPtrArray *messages;   /* mg_message_t*, as read */
  int error_status;
  mg_progress_t *progress;
} audit_t;

static void
keep_message (mg_message_t *message, gpointer data)
{
  audit_t *audit = data;

  g_ptr_array_add (audit->messages, message);
}

static void
source_error (const GError *error, gpointer data)
{
  audit_t *audit = data;

  mg_progress_clear (audit->progress);
  mg_print_error ("%s", error->message);
  if (audit->error_status == 0)
    audit->error_status = mg_error_exit_code (error);
}

/* Date order; undated messages last; ties keep the order they were read. */
static int
compare_dates (gconstpointer a, gconstpointer b)
{
  const mg_message_t *ma = *(mg_message_t *const *) a;
  const mg_message_t *mb = *(mg_message_t *const *) b;

  if (ma->date == NULL || mb->date == NULL)
    return (ma->date == NULL) - (mb->date == NULL);
  return g_date_time_compare (ma->date, mb->date);
}

int
mg_cmd_audit (int argc, char **argv)
{
  audit_t audit = { 0 };
  const GOptionEntry entries[] = {
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &audit.allow,
      "Treat these rules' findings as info (\"warnings\": every warn)", "RULE[,RULE]" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("SOURCE...");
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (mg_history_t) history = mg_history_new ();
  mg_severity_t worst = MG_SEVERITY_OFF;
  gboolean colour;
  guint refused = 0;
  int status = EX_OK;
  guint i;

  audit.messages = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_message_free);
  g_option_context_set_summary (context, "Replay sent mail in date order and report what would have been refused.\n"
                                         "Exit 0: all ok, 1: worst is warn, 2: a message would have been blocked.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &audit.common);
  if (!mg_parse_options (context, "audit", &argc, &argv) || !mg_common_options_finish (&audit.common))
    {
      status = EX_USAGE;
      goto out;
    }
  if (argc < 2)
    {
      mg_print_error ("audit: name the sent mail to replay: message files, mboxes or maildirs");
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_judging_config (&audit.common, &status);
  if (config == NULL)
    goto out;

  audit.progress = mg_progress_new ("audit", audit.common.quiet);
  mg_phrases_optimize ();   /* many messages: the JIT pays */
  mg_read_sources (argv + 1, (guint) argc - 1, audit.progress, keep_message, source_error,
                   NULL, &audit);
  g_ptr_array_sort (audit.messages, compare_dates);   /* a stable sort */

  colour = audit.common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL;
  for (i = 0; i < audit.messages->len; i++)
    {
      const mg_message_t *message = g_ptr_array_index (audit.messages, i);
      g_autoptr (GDateTime) at = mg_evaluation_time ("header", message);
      g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);
      g_autoptr (mg_history_query_t) query = mg_rules_history_query (analysis);
      /* the entries the rules read, found through the history's indexes:
       * replaying n messages is not n times a scan of the history */
      g_autoptr (GPtrArray) relevant = mg_history_select (history, query);
      g_autoptr (mg_judgement_t) judgement = mg_rules_judge (analysis, at, relevant);

      mg_judgement_allow (judgement, (const char *const *) audit.allow);
      if (judgement->verdict > worst)
        worst = judgement->verdict;
      if (judgement->verdict >= MG_SEVERITY_WARN)
        refused++;
      if (!audit.common.quiet || judgement->verdict >= MG_SEVERITY_WARN)
        mg_output_judgement (stdout, audit.common.format, colour, analysis, judgement);
      if (mg_analysis_is_program_mail (analysis))
        mg_history_add (history, mg_record_entry (analysis, judgement, at, MG_STATUS_SENT));
    }
  if (audit.common.format == MG_FORMAT_TEXT && !audit.common.quiet)
    printf ("audit: %u message%s replayed, %u would have been refused or held for confirmation\n",
            audit.messages->len, audit.messages->len == 1 ? "" : "s", refused);

  if (audit.error_status != 0)
    status = audit.error_status;
  else
    status = worst == MG_SEVERITY_BLOCK ? 2 : worst == MG_SEVERITY_WARN ? 1 : 0;

out:
  mg_progress_free (audit.progress);
  g_ptr_array_unref (audit.messages);
  g_strfreev (audit.allow);
  mg_common_options_clear (&audit.common);
  return status;
}
