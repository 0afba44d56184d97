/* cmd-audit.c - `matchguard audit`: replay sent mail in date order (SPEC 1).
 *
 * Every message of the sources is judged at its own Date against a
 * scratch history that holds only the messages before it, as if
 * matchguard had stood in front of the relay all along; each message then
 * joins that history as sent, because it was.  The real ledger is neither
 * read nor changed.  Exit 0/1/2 as `check`, errors taking precedence.
 *
 * On two CPUs or more the replay takes two threads.  Sent mail is nearly
 * in date order already (an mbox is appended to, a maildir's names are
 * delivery order; a Date set when a message was written, not sent, puts
 * it a little out of place), so while the main thread is still reading, a
 * helper judges the messages read (analysis, judgement, record), each once
 * REORDER_WINDOW more have been read, the earliest first, and writes
 * each out, into a buffer; the main thread frees the messages it parsed
 * (and analyses a message itself when the helper falls behind).  If no message
 * comes before one already judged, that is the replay in date order, and
 * the buffer is the output, and no message was kept longer than it took
 * to judge it.  If one does, the helper stops, the buffer and the history
 * are dropped, the sources are read again and kept, and the replay starts
 * again in sorted order: the helper analyses each message a few ahead of
 * the one the main thread judges and writes it out once judged.  Either
 * way the output is what one thread, sorting first, writes.  On one CPU,
 * when the helper cannot start, or when a source is standard input (which
 * cannot be read twice), the sources are read once, kept and sorted.
 *
 * The history and a message's judgement belong to one thread at a time;
 * what both threads use (the registry, read whole first; the rulebook's
 * patterns, compiled once under a lock) is safe from both.  They meet
 * through a pthread mutex and condition variables rather than GLib's,
 * which ThreadSanitizer cannot see (contrib/check-threads.sh).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

/* In sorted order, messages the helper analyses ahead of the one being
 * judged: enough that the main thread seldom waits, few enough that only
 * a handful of analyses (several times their text each) are alive. */
#define ANALYSE_AHEAD 16

/* While reading, messages held back before the earliest of them is
 * judged: a message read up to this many after ones dated later still
 * takes its place in date order. */
#define REORDER_WINDOW 64

/* While reading, a helper that waits for work is woken once this many
 * messages are queued for it, not for each: a wake-up is a system call
 * on both sides, and the helper, which keeps up, would sleep and wake for
 * every message. */
#define JUDGE_BATCH 8

/* While reading, the main thread analyses the message it has just read
 * itself when more than this many given to the helper are not judged
 * yet (a batch waiting to be woken for, and a few more): the helper is
 * falling behind, and the message waits in the window meanwhile. */
#define HELPER_BEHIND (JUDGE_BATCH + 4)

/* What the helper does with an item it is given. */
typedef enum {
  JOB_JUDGE,      /* in read order: analyse, judge, record; hand back to be written */
  JOB_ANALYSE,    /* in sorted order: analyse */
  JOB_WRITE,      /* in sorted order: write out and free */
  JOB_FENCE,      /* say that everything before has been done */
  JOB_STOP,
} job_t;

/* One message of the replay. */
typedef struct {
  mg_message_t *message;
  guint index;                  /* in the order read */
  mg_analysis_t *analysis;      /* once analysed */
  mg_judgement_t *judgement;    /* once judged */
  job_t job;                    /* what the helper is to do with it next */
} item_t;

/* Where the verdicts go, and what they add up to. */
typedef struct {
  FILE *out;
  char *buffer;                 /* of a memory stream; NULL when out is stdout */
  size_t size;
  mg_severity_t worst;
  guint refused;
} output_t;

typedef struct {
  mg_common_options_t common;
  char **allow;
  const mg_config_t *config;
  GPtrArray *items;             /* item_t* kept to be sorted (not those judged while reading) */
  int error_status;
  mg_progress_t *progress;
  gboolean colour;
  mg_history_t *history;        /* the replay's, used by one thread at a time */
  output_t output;

  /* the helper thread, when there is one */
  mg_thread_t *helper;
  pthread_mutex_t lock;         /* guards what follows, and every item's analysis */
  pthread_cond_t queued;        /* a job was queued */
  pthread_cond_t done;          /* an analysis was set, an item judged, or the fence reached */
  GQueue jobs;                  /* item_t*, each with its job */
  GQueue judged;                /* item_t* the helper judged and wrote out, to be freed */
  gboolean out_of_order;        /* a message came before one judged while reading: JOB_JUDGE is off */
  gboolean fenced;              /* the helper reached the JOB_FENCE */
} audit_t;

static item_t fence_item = { .job = JOB_FENCE };
static item_t stop_item = { .job = JOB_STOP };

/* Date order; undated messages last; ties keep the order they were read. */
static int
compare_keys (GDateTime *date_a, guint index_a, GDateTime *date_b, guint index_b)
{
  int by_date;

  if (date_a == NULL || date_b == NULL)
    by_date = (date_a == NULL) - (date_b == NULL);
  else
    by_date = g_date_time_compare (date_a, date_b);
  return by_date != 0 ? by_date : (index_a > index_b) - (index_a < index_b);
}

static int
compare_items (const item_t *a, const item_t *b)
{
  return compare_keys (a->message->date, a->index, b->message->date, b->index);
}

static int
compare_item_pointers (gconstpointer a, gconstpointer b)
{
  return compare_items (*(item_t *const *) a, *(item_t *const *) b);
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

/* --- the steps, whichever thread takes them ---------------------------------- */

static void
analyse (const audit_t *audit, item_t *item)
{
  if (item->analysis == NULL)
    item->analysis = mg_analysis_new (item->message, audit->config, NULL);
}

/* Judges @item (analysed) against the history and records it there. */
static void
judge (audit_t *audit, item_t *item)
{
  g_autoptr (GDateTime) at = mg_evaluation_time ("header", item->message);
  g_autoptr (mg_history_query_t) query = mg_rules_history_query (item->analysis);
  /* the entries the rules read, found through the history's indexes:
   * replaying n messages is not n times a scan of the history */
  g_autoptr (GPtrArray) relevant = mg_history_select (audit->history, query);

  item->judgement = mg_rules_judge (item->analysis, at, relevant);
  mg_judgement_allow (item->judgement, (const char *const *) audit->allow);
  if (mg_analysis_is_program_mail (item->analysis))
    mg_history_add (audit->history, mg_record_replayed_entry (item->analysis, item->judgement, at));
}

/* Writes the verdict on @item to @output, and frees its analysis and
 * judgement. */
static void
write_out (const audit_t *audit, output_t *output, item_t *item)
{
  mg_severity_t verdict = item->judgement->verdict;

  if (verdict > output->worst)
    output->worst = verdict;
  if (verdict >= MG_SEVERITY_WARN)
    output->refused++;
  if (!audit->common.quiet || verdict >= MG_SEVERITY_WARN)
    mg_output_judgement (output->out, audit->common.format, audit->colour, item->analysis,
                         item->judgement);
  g_clear_pointer (&item->judgement, mg_judgement_free);
  g_clear_pointer (&item->analysis, mg_analysis_free);
}

static void
output_to_stdout (output_t *output)
{
  *output = (output_t) { .out = stdout, .worst = MG_SEVERITY_OFF };
}

/* --- the helper ------------------------------------------------------------ */

static void
push_job (audit_t *audit, item_t *item, job_t job)
{
  pthread_mutex_lock (&audit->lock);
  item->job = job;
  g_queue_push_tail (&audit->jobs, item);
  if (job != JOB_JUDGE || audit->jobs.length >= JUDGE_BATCH)
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
      gboolean out_of_order;

      pthread_mutex_lock (&audit->lock);
      while (g_queue_is_empty (&audit->jobs))
        pthread_cond_wait (&audit->queued, &audit->lock);
      item = g_queue_pop_head (&audit->jobs);
      out_of_order = audit->out_of_order;
      pthread_mutex_unlock (&audit->lock);

      switch (item->job)
        {
        case JOB_STOP:
          return NULL;
        case JOB_FENCE:
          pthread_mutex_lock (&audit->lock);
          audit->fenced = TRUE;
          pthread_cond_broadcast (&audit->done);
          pthread_mutex_unlock (&audit->lock);
          break;
        case JOB_JUDGE:
          if (out_of_order)
            {
              item_free (item);   /* the sources are read again */
              break;
            }
          analyse (audit, item);
          judge (audit, item);
          /* written here, in the order judged, and the analysis freed by
           * the thread whose malloc arena holds it: frees from the other
           * thread would contend for that arena's lock */
          write_out (audit, &audit->output, item);
          pthread_mutex_lock (&audit->lock);
          g_queue_push_tail (&audit->judged, item);
          pthread_cond_broadcast (&audit->done);
          pthread_mutex_unlock (&audit->lock);
          break;
        case JOB_ANALYSE:
          {
            mg_analysis_t *analysis = mg_analysis_new (item->message, audit->config, NULL);

            pthread_mutex_lock (&audit->lock);
            item->analysis = analysis;
            pthread_cond_broadcast (&audit->done);
            pthread_mutex_unlock (&audit->lock);
          }
          break;
        case JOB_WRITE:
          write_out (audit, &audit->output, item);
          item_free (item);
          break;
        }
    }
}

/* Starts the helper when it can help: another CPU to run on.  FALSE: the
 * main thread does everything. */
static gboolean
helper_start (audit_t *audit, mg_config_t *config)
{
  if (mg_thread_cpus () < 2)
    return FALSE;
  /* lookups in a registry read whole change nothing: safe from two threads */
  mg_registry_read_all (config->registry);
  audit->helper = mg_thread_start (helper_main, audit, NULL);
  return audit->helper != NULL;
}

/* Waits until the helper has done every job given so far. */
static void
helper_drain (audit_t *audit)
{
  push_job (audit, &fence_item, JOB_FENCE);
  pthread_mutex_lock (&audit->lock);
  while (!audit->fenced)
    pthread_cond_wait (&audit->done, &audit->lock);
  audit->fenced = FALSE;
  pthread_mutex_unlock (&audit->lock);
}

static void
helper_stop (audit_t *audit)
{
  if (audit->helper == NULL)
    return;
  push_job (audit, &stop_item, JOB_STOP);
  mg_thread_join (g_steal_pointer (&audit->helper));
}

/* --- the replay in read order, while reading ------------------------------- */

typedef struct {
  audit_t *audit;
  gboolean in_reading;          /* judge while reading; else keep every message, to sort */
  GPtrArray *held;              /* item_t* read and not yet judged, in date order */
  gboolean released;            /* an item was given to the helper to judge; the last's: */
  GDateTime *last_date;         /* Date (a reference), or NULL */
  guint last_index;
  guint read;                   /* messages read (and items given to judge, in the end) */
  guint given;                  /* items given to the helper to judge */
  guint written;                /* of those, written out */
  GHashTable *reported;         /* errors already reported: not again when reading again */
} reading_t;

static void
give_up_order (audit_t *audit)
{
  pthread_mutex_lock (&audit->lock);
  audit->out_of_order = TRUE;
  pthread_mutex_unlock (&audit->lock);
}

/* Gives the earliest held item to the helper to judge. */
static void
release_earliest (reading_t *reading)
{
  item_t *item = g_ptr_array_steal_index (reading->held, 0);

  /* its key, since the item is freed once written */
  reading->released = TRUE;
  g_clear_pointer (&reading->last_date, g_date_time_unref);
  if (item->message->date != NULL)
    reading->last_date = g_date_time_ref (item->message->date);
  reading->last_index = item->index;
  reading->given++;
  push_job (reading->audit, item, JOB_JUDGE);
}

/* Frees what the helper has judged and written out so far (until @until
 * items were written in all, waiting for them). */
static void
free_judged (reading_t *reading, guint until)
{
  audit_t *audit = reading->audit;

  for (;;)
    {
      item_t *item;

      pthread_mutex_lock (&audit->lock);
      if (g_queue_is_empty (&audit->judged) && reading->written < until)
        pthread_cond_signal (&audit->queued);   /* the last batch may be short */
      while (g_queue_is_empty (&audit->judged) && reading->written < until)
        pthread_cond_wait (&audit->done, &audit->lock);
      item = g_queue_pop_head (&audit->judged);
      pthread_mutex_unlock (&audit->lock);
      if (item == NULL)
        return;
      item_free (item);
      reading->written++;
    }
}

static void
keep_message (mg_message_t *message, gpointer data)
{
  reading_t *reading = data;
  audit_t *audit = reading->audit;
  item_t *item = g_new0 (item_t, 1);
  guint lo, hi;

  item->message = message;
  item->index = reading->read++;
  if (!reading->in_reading)
    {
      g_ptr_array_add (audit->items, item);
      return;
    }
  if (audit->out_of_order
      || (reading->released
          && compare_keys (message->date, item->index, reading->last_date, reading->last_index) < 0))
    {
      /* it belongs before one already judged: the sources are read
       * again, kept and sorted */
      if (!audit->out_of_order)
        give_up_order (audit);
      item_free (item);
      return;
    }
  /* held in date order: its place by binary search */
  for (lo = 0, hi = reading->held->len; lo < hi;)
    {
      guint mid = lo + (hi - lo) / 2;
      if (compare_items (g_ptr_array_index (reading->held, mid), item) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_ptr_array_insert (reading->held, (gint) lo, item);
  if (reading->given - reading->written > HELPER_BEHIND)
    analyse (audit, item);   /* the helper skips what is analysed */
  if (reading->held->len > REORDER_WINDOW)
    release_earliest (reading);
  free_judged (reading, 0);
}

static void
source_error (const GError *error, gpointer data)
{
  reading_t *reading = data;
  audit_t *audit = reading->audit;

  if (g_hash_table_contains (reading->reported, error->message))
    return;
  g_hash_table_add (reading->reported, g_strdup (error->message));
  mg_progress_clear (audit->progress);
  mg_print_error ("%s", error->message);
  if (audit->error_status == 0)
    audit->error_status = mg_error_exit_code (error);
}

/* --- the replay in sorted order -------------------------------------------- */

/* The analysis of @item: the helper's (waited for), or made here. */
static void
wait_analysed (audit_t *audit, item_t *item)
{
  if (audit->helper == NULL)
    {
      analyse (audit, item);
      return;
    }
  pthread_mutex_lock (&audit->lock);
  while (item->analysis == NULL)
    pthread_cond_wait (&audit->done, &audit->lock);
  pthread_mutex_unlock (&audit->lock);
}

/* Judges every item in date order; the helper, if any, analyses ahead
 * and writes out. */
static void
replay_sorted (audit_t *audit)
{
  guint i;

  g_ptr_array_sort (audit->items, compare_item_pointers);
  if (audit->helper != NULL)
    for (i = 0; i < MIN (audit->items->len, ANALYSE_AHEAD); i++)
      push_job (audit, g_ptr_array_index (audit->items, i), JOB_ANALYSE);
  for (i = 0; i < audit->items->len; i++)
    {
      item_t *item = g_ptr_array_index (audit->items, i);

      wait_analysed (audit, item);
      judge (audit, item);
      g_ptr_array_index (audit->items, i) = NULL;
      if (audit->helper == NULL)
        {
          write_out (audit, &audit->output, item);
          item_free (item);
          continue;
        }
      push_job (audit, item, JOB_WRITE);
      if (i + ANALYSE_AHEAD < audit->items->len)
        push_job (audit, g_ptr_array_index (audit->items, i + ANALYSE_AHEAD), JOB_ANALYSE);
    }
}

/* --- the command ------------------------------------------------------------ */

int
mg_cmd_audit (int argc, char **argv)
{
  audit_t audit = { 0 };
  reading_t reading = { .audit = &audit, .held = g_ptr_array_new (),
                        .reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  const GOptionEntry entries[] = {
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &audit.allow,
      "Treat these rules' findings as info (\"warnings\": every warn)", "RULE[,RULE]" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("SOURCE...");
  g_autoptr (mg_config_t) config = NULL;
  guint replayed, i;
  int status = EX_OK;

  audit.items = g_ptr_array_new ();
  pthread_mutex_init (&audit.lock, NULL);
  pthread_cond_init (&audit.queued, NULL);
  pthread_cond_init (&audit.done, NULL);
  g_queue_init (&audit.jobs);
  g_queue_init (&audit.judged);
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
  audit.colour = audit.common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO)
                 && g_getenv ("NO_COLOR") == NULL;
  audit.history = mg_history_new ();
  audit.progress = mg_progress_new ("audit", audit.common.quiet);
  mg_phrases_optimize ();   /* many messages: the JIT pays */
  mg_message_skip_digests ();   /* for import's identity; the replay's history has no use for it */

  /* judged while reading, into a buffer, if there is a helper and the
   * sources can be read again */
  output_to_stdout (&audit.output);
  if (helper_start (&audit, config) && !g_strv_contains ((const char *const *) argv + 1, "-"))
    {
      reading.in_reading = TRUE;
      audit.output.out = open_memstream (&audit.output.buffer, &audit.output.size);
      if (audit.output.out == NULL)
        {
          mg_print_error ("audit: out of memory");
          status = EX_OSERR;
          goto out;
        }
    }
  /* (out of order, the other sources are only read the second time) */
  mg_read_sources (argv + 1, (guint) argc - 1, audit.progress, keep_message, source_error,
                   &audit.out_of_order, &reading);

  if (reading.in_reading)
    {
      if (!audit.out_of_order)
        {
          while (reading.held->len > 0)
            release_earliest (&reading);
          free_judged (&reading, reading.read);
        }
      helper_drain (&audit);
      free_judged (&reading, 0);   /* judged before it stopped */
      fclose (audit.output.out);
      if (!audit.out_of_order)
        fwrite (audit.output.buffer, 1, audit.output.size, stdout);
      free (audit.output.buffer);
      if (audit.out_of_order)
        {
          /* again, keeping every message, and in sorted order */
          for (i = 0; i < reading.held->len; i++)
            item_free (g_ptr_array_index (reading.held, i));
          g_ptr_array_set_size (reading.held, 0);
          mg_history_free (audit.history);
          audit.history = mg_history_new ();
          output_to_stdout (&audit.output);
          reading.in_reading = FALSE;
          reading.read = 0;
          mg_read_sources (argv + 1, (guint) argc - 1, audit.progress, keep_message, source_error,
                           NULL, &reading);
        }
      else
        {
          mg_severity_t worst = audit.output.worst;
          guint refused = audit.output.refused;

          output_to_stdout (&audit.output);
          audit.output.worst = worst;
          audit.output.refused = refused;
        }
    }
  replayed = reading.read;
  replay_sorted (&audit);   /* nothing left to do if the sources were in order */
  helper_stop (&audit);

  if (audit.common.format == MG_FORMAT_TEXT && !audit.common.quiet)
    printf ("audit: %u message%s replayed, %u would have been refused or held for confirmation\n",
            replayed, replayed == 1 ? "" : "s", audit.output.refused);
  if (audit.error_status != 0)
    status = audit.error_status;
  else
    status = audit.output.worst == MG_SEVERITY_BLOCK ? 2 : audit.output.worst == MG_SEVERITY_WARN ? 1 : 0;

out:
  helper_stop (&audit);
  mg_progress_free (audit.progress);
  for (i = 0; i < audit.items->len; i++)   /* none are left after a replay */
    item_free (g_ptr_array_index (audit.items, i));
  g_ptr_array_unref (audit.items);
  for (i = 0; i < reading.held->len; i++)   /* none are left after reading */
    item_free (g_ptr_array_index (reading.held, i));
  g_ptr_array_unref (reading.held);
  g_clear_pointer (&reading.last_date, g_date_time_unref);
  g_hash_table_unref (reading.reported);
  mg_history_free (audit.history);
  pthread_mutex_destroy (&audit.lock);
  pthread_cond_destroy (&audit.queued);
  pthread_cond_destroy (&audit.done);
  g_strfreev (audit.allow);
  mg_common_options_clear (&audit.common);
  return status;
}
