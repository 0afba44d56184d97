/* cmd-audit.c - `matchguard audit`: replay sent mail in date order (SPEC 1).
 *
 * Every message of the sources is judged at its own Date against a
 * scratch history that holds only the messages before it, as if
 * matchguard had stood in front of the relay all along; each message then
 * joins that history as sent, because it was.  The real ledger is neither
 * read nor changed.  Exit 0/1/2 as `check`, errors taking precedence.
 *
 * On two CPUs or more the replay takes two threads: a helper analyses
 * each message a few ahead of the one being judged (an analysis needs no
 * history) and writes out and frees each message once it is judged,
 * while the main thread judges, in date order, and records.  The
 * judgement and the history stay in the main thread; what the two share
 * (the registry, read whole first; the rulebook's patterns, compiled once
 * under a lock) is safe to use from both.  On one CPU, or when the helper
 * cannot start, the main thread does it all, in the same order.  The two
 * meet through a pthread mutex and condition variables rather than
 * GLib's, which ThreadSanitizer cannot see (contrib/check-sanitizers.sh).
 */
#include "config.h"

#include <pthread.h>
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
#include "mg-thread.h"

/* Messages the helper analyses ahead of the one being judged: enough
 * that the main thread seldom waits, few enough that only a handful of
 * analyses (several times their text each) are alive at once. */
#define ANALYSE_AHEAD 16

/* One message of the replay, in the stages it goes through. */
typedef struct {
  mg_message_t *message;
  mg_analysis_t *analysis;      /* once analysed */
  mg_judgement_t *judgement;    /* once judged */
  gboolean judged;              /* what the helper does with it next: write out, not analyse */
} item_t;

typedef struct {
  mg_common_options_t common;
  char **allow;
  const mg_config_t *config;
  GPtrArray *items;             /* item_t*, as read, then in date order */
  int error_status;
  mg_progress_t *progress;
  gboolean colour;

  /* the helper thread, when there is one */
  mg_thread_t *helper;
  pthread_mutex_t lock;         /* guards what follows, and every item's analysis */
  pthread_cond_t queued;        /* a job was queued */
  pthread_cond_t analysed;      /* some item's analysis was set */
  GQueue jobs;                  /* item_t* to analyse or to write out; &stop_job ends the helper */
} audit_t;

static item_t stop_job;

static void
keep_message (mg_message_t *message, gpointer data)
{
  audit_t *audit = data;
  item_t *item = g_new0 (item_t, 1);

  item->message = message;
  g_ptr_array_add (audit->items, item);
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
  const mg_message_t *ma = (*(item_t *const *) a)->message;
  const mg_message_t *mb = (*(item_t *const *) b)->message;

  if (ma->date == NULL || mb->date == NULL)
    return (ma->date == NULL) - (mb->date == NULL);
  return g_date_time_compare (ma->date, mb->date);
}

static void
item_free (item_t *item)
{
  if (item == NULL)
    return;
  mg_judgement_free (item->judgement);
  mg_analysis_free (item->analysis);
  mg_message_free (item->message);
  g_free (item);
}

/* Writes out a judged message, and frees it. */
static void
finish (const audit_t *audit, item_t *item)
{
  if (!audit->common.quiet || item->judgement->verdict >= MG_SEVERITY_WARN)
    mg_output_judgement (stdout, audit->common.format, audit->colour, item->analysis,
                         item->judgement);
  item_free (item);
}

/* --- the helper ------------------------------------------------------------ */

static void
push_job (audit_t *audit, item_t *item)
{
  pthread_mutex_lock (&audit->lock);
  g_queue_push_tail (&audit->jobs, item);
  pthread_cond_signal (&audit->queued);
  pthread_mutex_unlock (&audit->lock);
}

static void *
helper_main (void *data)
{
  audit_t *audit = data;

  for (;;)
    {
      item_t *item;
      mg_analysis_t *analysis;

      pthread_mutex_lock (&audit->lock);
      while (g_queue_is_empty (&audit->jobs))
        pthread_cond_wait (&audit->queued, &audit->lock);
      item = g_queue_pop_head (&audit->jobs);
      pthread_mutex_unlock (&audit->lock);

      if (item == &stop_job)
        return NULL;
      if (item->judged)
        {
          finish (audit, item);
          continue;
        }
      analysis = mg_analysis_new (item->message, audit->config, NULL);
      pthread_mutex_lock (&audit->lock);
      item->analysis = analysis;
      pthread_cond_broadcast (&audit->analysed);
      pthread_mutex_unlock (&audit->lock);
    }
}

/* Starts the helper when it can help: more than one message and another
 * CPU to run on.  FALSE: the main thread does everything. */
static gboolean
helper_start (audit_t *audit, mg_config_t *config)
{
  guint i;

  if (audit->items->len < 2 || g_get_num_processors () < 2)
    return FALSE;
  /* lookups in a registry read whole change nothing: safe from two threads */
  mg_registry_read_all (config->registry);
  audit->helper = mg_thread_start (helper_main, audit, NULL);
  if (audit->helper == NULL)
    return FALSE;
  for (i = 0; i < MIN (audit->items->len, ANALYSE_AHEAD); i++)
    push_job (audit, g_ptr_array_index (audit->items, i));
  return TRUE;
}

/* The analysis of @item: the helper's (waited for), or made here
 * without one. */
static const mg_analysis_t *
analysis_of (audit_t *audit, item_t *item)
{
  if (audit->helper == NULL)
    {
      item->analysis = mg_analysis_new (item->message, audit->config, NULL);
      return item->analysis;
    }
  pthread_mutex_lock (&audit->lock);
  while (item->analysis == NULL)
    pthread_cond_wait (&audit->analysed, &audit->lock);
  pthread_mutex_unlock (&audit->lock);
  return item->analysis;
}

/* Hands the judged @index-th item to the helper to write out (and the
 * one ANALYSE_AHEAD later to analyse), or writes it out here. */
static void
judged (audit_t *audit, guint index)
{
  item_t *item = g_ptr_array_index (audit->items, index);

  g_ptr_array_index (audit->items, index) = NULL;
  if (audit->helper == NULL)
    {
      finish (audit, item);
      return;
    }
  item->judged = TRUE;
  push_job (audit, item);
  if (index + ANALYSE_AHEAD < audit->items->len)
    push_job (audit, g_ptr_array_index (audit->items, index + ANALYSE_AHEAD));
}

/* Waits for the helper to write out what it was given, and ends it. */
static void
helper_stop (audit_t *audit)
{
  if (audit->helper == NULL)
    return;
  push_job (audit, &stop_job);
  mg_thread_join (g_steal_pointer (&audit->helper));
}

/* --- the command ------------------------------------------------------------ */

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
  guint refused = 0, replayed;
  int status = EX_OK;
  guint i;

  audit.items = g_ptr_array_new ();
  pthread_mutex_init (&audit.lock, NULL);
  pthread_cond_init (&audit.queued, NULL);
  pthread_cond_init (&audit.analysed, NULL);
  g_queue_init (&audit.jobs);
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
  audit.config = config;

  audit.progress = mg_progress_new ("audit", audit.common.quiet);
  mg_phrases_optimize ();   /* many messages: the JIT pays */
  mg_read_sources (argv + 1, (guint) argc - 1, audit.progress, keep_message, source_error,
                   NULL, &audit);
  g_ptr_array_sort (audit.items, compare_dates);   /* a stable sort */
  replayed = audit.items->len;

  audit.colour = audit.common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO)
                 && g_getenv ("NO_COLOR") == NULL;
  helper_start (&audit, config);
  for (i = 0; i < audit.items->len; i++)
    {
      item_t *item = g_ptr_array_index (audit.items, i);
      g_autoptr (GDateTime) at = mg_evaluation_time ("header", item->message);
      const mg_analysis_t *analysis = analysis_of (&audit, item);
      g_autoptr (mg_history_query_t) query = mg_rules_history_query (analysis);
      /* the entries the rules read, found through the history's indexes:
       * replaying n messages is not n times a scan of the history */
      g_autoptr (GPtrArray) relevant = mg_history_select (history, query);
      mg_judgement_t *judgement = mg_rules_judge (analysis, at, relevant);

      mg_judgement_allow (judgement, (const char *const *) audit.allow);
      if (judgement->verdict > worst)
        worst = judgement->verdict;
      if (judgement->verdict >= MG_SEVERITY_WARN)
        refused++;
      if (mg_analysis_is_program_mail (analysis))
        mg_history_add (history, mg_record_entry (analysis, judgement, at, MG_STATUS_SENT));
      item->judgement = judgement;
      judged (&audit, i);
    }
  helper_stop (&audit);
  if (audit.common.format == MG_FORMAT_TEXT && !audit.common.quiet)
    printf ("audit: %u message%s replayed, %u would have been refused or held for confirmation\n",
            replayed, replayed == 1 ? "" : "s", refused);

  if (audit.error_status != 0)
    status = audit.error_status;
  else
    status = worst == MG_SEVERITY_BLOCK ? 2 : worst == MG_SEVERITY_WARN ? 1 : 0;

out:
  mg_progress_free (audit.progress);
  for (i = 0; i < audit.items->len; i++)   /* none are left after a replay */
    item_free (g_ptr_array_index (audit.items, i));
  g_ptr_array_unref (audit.items);
  pthread_mutex_destroy (&audit.lock);
  pthread_cond_destroy (&audit.queued);
  pthread_cond_destroy (&audit.analysed);
  g_strfreev (audit.allow);
  mg_common_options_clear (&audit.common);
  return status;
}
