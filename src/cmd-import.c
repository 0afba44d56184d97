/* cmd-import.c - `matchguard import`: record mail already sent (SPEC 1, 7).
 *
 * Every program message of every source goes into the ledger as
 * `imported`, at its own Date (or --at), so that the history rules know
 * what the applicant wrote before matchguard stood in front of the relay.
 * The same message twice is one entry (by Message-ID, else digest).  All
 * of it is one write transaction: an import that fails half-way records
 * nothing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
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
  char *at;
  const mg_config_t *config;
  mg_ledger_t *ledger;
  guint recorded, already, not_program, undated;
  int error_status;      /* first error's sysexits code */
  gboolean failed;       /* a ledger write failed: stop */
  mg_progress_t *progress;
} import_t;

static void
note_error (import_t *import, const GError *error)
{
  mg_progress_clear (import->progress);
  mg_print_error ("%s", error->message);
  if (import->error_status == 0)
    import->error_status = mg_error_exit_code (error);
}

static void
import_message (mg_message_t *owned, gpointer data)
{
  g_autoptr (mg_message_t) message = owned;
  import_t *import = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  g_autoptr (mg_entry_t) entry = NULL;
  gboolean found = FALSE;

  if (import->failed)
    return;
  analysis = mg_analysis_new (message, import->config, NULL);
  if (!mg_analysis_is_program_mail (analysis))
    {
      import->not_program++;
      return;
    }
  if (!mg_ledger_contains (import->ledger, message->message_id, message->digest, &found, &error))
    goto fail;
  if (found)
    {
      import->already++;
      return;
    }
  at = mg_evaluation_time (import->at != NULL ? import->at : "header", message);
  if (message->date == NULL && (import->at == NULL || strcmp (import->at, "header") == 0))
    import->undated++;
  judgement = mg_rules_judge (analysis, at, NULL);
  entry = mg_record_entry (analysis, judgement, at, MG_STATUS_IMPORTED);
  if (!mg_ledger_insert (import->ledger, entry, &error))
    goto fail;
  import->recorded++;
  return;

fail:
  note_error (import, error);
  import->failed = TRUE;
}

static void
source_error (const GError *error, gpointer data)
{
  note_error (data, error);
}

int
mg_cmd_import (int argc, char **argv)
{
  import_t import = { 0 };
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &import.at,
      "Record every message at this time instead of its Date: header, now or ISO-8601", "TIME" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("SOURCE...");
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (mg_ledger_t) ledger = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  int status = EX_OK;

  g_option_context_set_summary (context, "Record mail already sent (files, mboxes, maildirs) in the ledger.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &import.common);
  if (!mg_parse_options (context, "import", &argc, &argv) || !mg_common_options_finish (&import.common)
      || !mg_check_at_option ("import", import.at))
    {
      status = EX_USAGE;
      goto out;
    }
  if (argc < 2)
    {
      mg_print_error ("import: name the sent mail to record: message files, mboxes or maildirs");
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_judging_config (&import.common, &status);
  if (config == NULL)
    goto out;
  path = mg_ledger_file (&import.common, config);
  ledger = mg_ledger_open (path, TRUE, config->busy_timeout_ms, &error);
  if (ledger == NULL || !mg_ledger_begin (ledger, &error))
    {
      mg_print_error ("%s", error->message);
      status = mg_error_exit_code (error);
      goto out;
    }

  import.config = config;
  import.ledger = ledger;
  import.progress = mg_progress_new ("import", import.common.quiet);
  mg_phrases_optimize ();   /* many messages: the JIT pays */
  mg_read_sources (argv + 1, (guint) argc - 1, import.progress, import_message, source_error,
                   &import.failed, &import);

  if (import.failed)
    mg_ledger_rollback (ledger);
  else if (!mg_ledger_commit (ledger, &error))
    {
      note_error (&import, error);
      import.failed = TRUE;
    }
  if (!import.failed && !import.common.quiet)
    {
      printf ("import: recorded %u message%s, %u already in the ledger, %u not program mail\n",
              import.recorded, import.recorded == 1 ? "" : "s", import.already, import.not_program);
      if (import.undated > 0)
        printf ("import: %u message%s had no Date header and %s recorded at the current time\n",
                import.undated, import.undated == 1 ? "" : "s", import.undated == 1 ? "was" : "were");
    }
  status = import.error_status;

out:
  mg_progress_free (import.progress);
  g_free (import.at);
  mg_common_options_clear (&import.common);
  return status;
}
