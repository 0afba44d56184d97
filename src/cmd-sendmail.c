/* cmd-sendmail.c - sendmail mode (SPEC 2, 6, 7): what mutt, neomutt or
 * msmtp users run for every message they send.
 *
 * The order matters: the message is read whole before anything else, so
 * that no error can leave it half-consumed; the history check and the
 * ledger entry are one write transaction, so that concurrent sends are
 * judged one after the other; the entry is `pending` while the relay
 * runs and becomes `sent` or `failed` after.  The relay is started before
 * that commit and given the message after it, so that its start-up costs
 * no time beside the fsync (mg_relay_start()).  The ledger itself is
 * opened beside the parsing and analysis (mg_ledger_open_begin()), whose
 * time its schema and log would otherwise add.  A refusal exits 77 with
 * every finding on stderr (mutt shows it in its "Output of the delivery
 * process" pager) and the message stays in the mail client.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-localtime.h"
#include "mg-ledger.h"
#include "mg-output.h"
#include "mg-record.h"
#include "mg-relay.h"
#include "mg-rules.h"
#include "mg-sendargs.h"
#include "mg-spool.h"

typedef struct {
  mg_common_options_t common;   /* --config, --ledger (before the sendmail options) */
  GPtrArray *allow;             /* --allow, $MATCHGUARD_ALLOW, X-Matchguard-Override */
  GPtrArray *args;              /* the arguments for the relay, in order */
  const mg_config_t *config;
  mg_ledger_opening_t *opening; /* the ledger, opened beside the analysis */
} send_t;

/* matchguard's own options may precede the sendmail ones ("matchguard
 * --config F -oi -- rcpt", as a muttrc may set it); they are taken out so
 * that the relay never sees them. */
static gboolean
take_own_options (send_t *send, int argc, char **argv)
{
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      char **target = NULL;
      const char *value = NULL;
      const char *const names[] = { "--config", "--ledger", "--allow" };
      gsize n, k;

      for (k = 0; k < G_N_ELEMENTS (names) && value == NULL; k++)
        {
          n = strlen (names[k]);
          if (strncmp (arg, names[k], n) != 0 || (arg[n] != '\0' && arg[n] != '='))
            continue;
          if (arg[n] == '=')
            value = arg + n + 1;
          else if (i + 1 < argc)
            value = argv[++i];
          else
            {
              mg_print_error ("%s needs a value", names[k]);
              return FALSE;
            }
          if (k == 0)
            target = &send->common.config_path;
          else if (k == 1)
            target = &send->common.ledger_path;
          else
            g_ptr_array_add (send->allow, g_strdup (value));
        }
      if (target != NULL)
        {
          g_free (*target);
          *target = g_strdup (value);
        }
      else if (value == NULL)
        g_ptr_array_add (send->args, g_strdup (arg));
    }
  return TRUE;
}

/* A recipient argument may hold several addresses ("a@x, b@y") and a
 * display name, as sendmail reads it; the envelope is their addr-specs. */
static void
add_recipient_word (GPtrArray *envelope, const char *word)
{
  g_autoptr (InternetAddressList) list = internet_address_list_parse (NULL, word);
  int i, n = list != NULL ? internet_address_list_length (list) : 0;

  for (i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        g_ptr_array_add (envelope, g_ascii_strdown (internet_address_mailbox_get_addr (
                                     INTERNET_ADDRESS_MAILBOX (address)), -1));
    }
  if (n == 0)
    g_ptr_array_add (envelope, g_ascii_strdown (word, -1));
}

/* The same message refused within the confirmation window (SPEC 6). */
static gboolean
confirms_earlier_refusal (const send_t *send, const GPtrArray *history, const char *key, gint64 now)
{
  gint64 window = (gint64) send->config->policy.confirm_window_minutes * 60;
  guint i;

  for (i = history->len; i-- > 0;)
    {
      const mg_entry_t *entry = g_ptr_array_index (history, i);
      if (entry->status == MG_STATUS_REFUSED && g_strcmp0 (entry->confirm_key, key) == 0
          && now - entry->time <= window && now >= entry->time)
        return TRUE;
    }
  return FALSE;
}

static void
print_findings (const mg_analysis_t *analysis, const mg_judgement_t *judgement)
{
  mg_output_judgement (stderr, MG_FORMAT_TEXT, FALSE, analysis, judgement);
}

/* Names the rule ids of the findings @judgement holds at @severity or
 * above, for the override hint. */
static char *
rules_at (const mg_judgement_t *judgement, mg_severity_t severity)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint i;

  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);
      const char *name = mg_rule_info (f->rule)->name;
      if (f->severity >= severity && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

/* What the parser had to say about a refused message (MIME nested too
 * deep to be read, text past the reading limit, broken headers), so that
 * a refusal that comes from them is understood; a few lines at most. */
static void
print_problems (const mg_analysis_t *analysis)
{
  const GPtrArray *problems = analysis->message->problems;
  const guint shown = 5;
  guint i;

  for (i = 0; i < problems->len && i < shown; i++)
    mg_print_error ("note: %s", (const char *) g_ptr_array_index (problems, i));
  if (problems->len > shown)
    mg_print_error ("note: %u more parser notes (matchguard check -v shows them)",
                    problems->len - shown);
}

static void
explain_refusal (const send_t *send, const mg_analysis_t *analysis,
                 const mg_judgement_t *judgement, gboolean awaiting_confirmation)
{
  print_findings (analysis, judgement);
  print_problems (analysis);
  if (awaiting_confirmation)
    fprintf (stderr,
             "matchguard: NOT SENT YET. Read the warnings above; to send it anyway, send the same\n"
             "message again unchanged within %d minutes to confirm. Otherwise edit it first.\n",
             send->config->policy.confirm_window_minutes);
  else
    {
      g_autofree char *blocking = rules_at (judgement, MG_SEVERITY_WARN);
      fprintf (stderr,
               "matchguard: NOT SENT. Fix the message and send it again. If you are sure it is right,\n"
               "add the header \"X-Matchguard-Override: %s\" to release these rules.\n", blocking);
    }
}

/* Starts the relay (mg_relay_start()): NULL, with the exit status of
 * matchguard in @status and the reason printed, when it cannot be. */
static mg_relay_t *
start_relay (const send_t *send, int *status)
{
  g_autoptr (GError) error = NULL;
  mg_relay_t *relay = mg_relay_start ((const char *const *) send->config->relay_argv,
                                      (const char *const *) send->args->pdata,
                                      (guint) send->config->relay_timeout_seconds, &error);

  if (relay == NULL)
    {
      mg_print_error ("%s", error->message);
      *status = mg_error_exit_code (error);
    }
  return relay;
}

/* Gives the started relay the spooled message and waits; the exit status
 * of matchguard.
 *
 * A relay that closes its input before the end of the message and exits 0
 * is believed: sendmail without -i ends the message at a line holding only
 * ".", and whatever a relay stops reading for, its status is the only word
 * on what it sent (SPEC 2.5).  The user is told, though; with a status
 * other than 0 the relay's own message normally says why. */
static int
finish_relay (const send_t *send, mg_relay_t *relay, mg_spool_t *spool, gboolean strip_override)
{
  g_autoptr (GError) error = NULL;
  const char *program = send->config->relay_argv[0];
  gboolean complete = TRUE;
  int status = mg_relay_finish (relay, spool, strip_override, &complete, &error);

  if (status < 0)
    {
      mg_print_error ("%s", error->message);
      return mg_error_exit_code (error);
    }
  if (!complete && status == 0)
    mg_print_error ("warning: relay '%s' stopped reading before the end of the message "
                    "and exited 0; it may have sent only part of it", program);
  else if (!complete)
    mg_print_error ("relay '%s' stopped reading before the end of the message and "
                    "exited %d; the message was not sent", program, status);
  return status;
}

/* Runs the relay on the spooled message; the exit status of matchguard. */
static int
relay (const send_t *send, mg_spool_t *spool, gboolean strip_override)
{
  int status = EX_SOFTWARE;
  mg_relay_t *started = start_relay (send, &status);

  return started != NULL ? finish_relay (send, started, spool, strip_override) : status;
}

/* Judges program mail inside one ledger transaction and relays it or
 * refuses it.  Returns the exit status. */
static int
send_program_mail (send_t *send, mg_spool_t *spool, const mg_analysis_t *analysis)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_ledger_t) ledger = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (mg_history_query_t) query = mg_rules_history_query (analysis);
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  g_autoptr (mg_entry_t) entry = NULL;
  gboolean refuse = FALSE, confirm = FALSE;
  mg_relay_t *started = NULL;
  int status = EX_SOFTWARE;

  g_ptr_array_add (send->allow, NULL);
  /* only the entries the rules and the confirmation read, not the whole
   * ledger: a send costs the same however long the ledger grows */
  if (send->config->policy.warnings == MG_WARNINGS_CONFIRM)
    query->confirm_key = mg_record_confirm_key (analysis);
  ledger = mg_ledger_open_end (send->opening, &error);
  if (ledger == NULL || !mg_ledger_begin (ledger, &error))
    goto ledger_error;
  /* the time of this send is taken with the write lock held: a send that
   * committed before we got the lock has an earlier (or the same) time,
   * so the history rules count it (an entry after "now" does not count) */
  now = mg_local_now ();
  if ((history = mg_ledger_select (ledger, query, &error)) == NULL)
    goto ledger_error;

  judgement = mg_rules_judge (analysis, now, history);
  mg_judgement_allow (judgement, (const char *const *) send->allow->pdata);
  if (judgement->verdict == MG_SEVERITY_BLOCK)
    refuse = TRUE;
  else if (judgement->verdict == MG_SEVERITY_WARN)
    {
      switch (send->config->policy.warnings)
        {
        case MG_WARNINGS_BLOCK:
          refuse = TRUE;
          break;
        case MG_WARNINGS_CONFIRM:
          confirm = refuse = !confirms_earlier_refusal (send, history, query->confirm_key,
                                                        g_date_time_to_unix (now));
          break;
        default:
          break;
        }
    }

  if (!refuse)
    {
      if (judgement->findings->len > 0)
        print_findings (analysis, judgement);
      /* the relay starts up while the entry below is made durable; it is
       * given the message only once the commit is done */
      started = start_relay (send, &status);
    }
  entry = mg_record_entry (analysis, judgement, now,
                           refuse ? MG_STATUS_REFUSED
                                  : started != NULL ? MG_STATUS_PENDING : MG_STATUS_FAILED);
  if (!mg_ledger_insert (ledger, entry, &error) || !mg_ledger_commit (ledger, &error))
    {
      mg_relay_abort (started);
      goto ledger_error;
    }

  if (refuse)
    {
      explain_refusal (send, analysis, judgement, confirm);
      return EX_NOPERM;
    }
  if (started == NULL)
    return status;   /* recorded as failed; why is printed */

  status = finish_relay (send, started, spool, TRUE);
  if (!mg_ledger_set_status (ledger, entry->id, status == EX_OK ? MG_STATUS_SENT : MG_STATUS_FAILED,
                             &error))
    {
      /* the message went (or not) already; say so, but keep the relay's status */
      mg_print_error ("%s (the relay's status was %d)", error->message, status);
    }
  return status;

ledger_error:
  mg_ledger_rollback (ledger);
  mg_print_error ("%s; the message was not sent", error->message);
  return mg_error_exit_code (error);
}

int
mg_cmd_sendmail (int argc, char **argv)
{
  send_t send = { 0 };
  g_autoptr (mg_sendargs_t) sendargs = NULL;
  g_autoptr (mg_spool_t) spool = NULL;
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (mg_message_t) message = NULL;
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (GPtrArray) envelope = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *env_allow = g_getenv ("MATCHGUARD_ALLOW");
  int status;
  guint i;

  send.allow = g_ptr_array_new_with_free_func (g_free);
  send.args = g_ptr_array_new_with_free_func (g_free);
  if (!take_own_options (&send, argc, argv))
    {
      status = EX_USAGE;
      goto out;
    }
  if (env_allow != NULL && *env_allow != '\0')
    g_ptr_array_add (send.allow, g_strdup (env_allow));

  sendargs = mg_sendargs_parse (send.args->len, (const char *const *) send.args->pdata, &error);
  if (sendargs == NULL)
    goto fail;

  if (mg_sendargs_is_passthrough (sendargs))
    {
      /* -bp, -bs, ...: not a message; the relay answers */
      config = mg_load_config (&send.common);
      if (config == NULL)
        {
          status = EX_CONFIG;
          goto out;
        }
      send.config = config;
      g_ptr_array_add (send.args, NULL);
      status = mg_relay_passthrough ((const char *const *) config->relay_argv,
                                     (const char *const *) send.args->pdata, &error);
      if (status < 0)
        goto fail;
      goto out;
    }

  spool = mg_spool_read (0, &error);
  if (spool == NULL || !mg_spool_check (spool, &error))
    goto fail;

  config = mg_load_config (&send.common);
  if (config == NULL)
    {
      status = EX_CONFIG;
      goto out;
    }
  send.config = config;
  if (config->relay_argv == NULL)
    {
      mg_print_error ("%s: no [relay] command: name the program that really sends mail, "
                      "e.g. command = /usr/bin/msmtp", config->path);
      status = EX_CONFIG;
      goto out;
    }
  if (!mg_resolve_aamc_id (config, &error))
    goto fail;
  {
    g_autofree char *ledger_path = mg_ledger_file (&send.common, config);

    send.opening = mg_ledger_open_begin (ledger_path, config->busy_timeout_ms);
  }

  message = mg_message_parse_stream (mg_spool_stream (spool), "outgoing message", &error);
  if (message == NULL)
    goto fail;

  for (i = 0; i < mg_sendargs_recipients (sendargs)->len; i++)
    add_recipient_word (envelope, g_ptr_array_index (mg_sendargs_recipients (sendargs), i));
  if (mg_sendargs_extract_recipients (sendargs))
    for (i = 0; i < message->recipients->len; i++)
      g_ptr_array_add (envelope, g_strdup (g_ptr_array_index (message->recipients, i)));
  if (envelope->len == 0)
    {
      mg_print_error ("no recipients: name them as arguments, or use -t to read To, Cc and Bcc");
      status = EX_USAGE;
      goto out;
    }
  g_ptr_array_add (envelope, NULL);
  analysis = mg_analysis_new (message, config, (const char *const *) envelope->pdata);

  for (i = 0; i < mg_spool_overrides (spool)->len; i++)
    g_ptr_array_add (send.allow, g_strdup (g_ptr_array_index (mg_spool_overrides (spool), i)));

  g_ptr_array_add (send.args, NULL);
  if (mg_analysis_is_program_mail (analysis))
    status = send_program_mail (&send, spool, analysis);
  else
    status = relay (&send, spool, TRUE);   /* not residency mail: not recorded */
  goto out;

fail:
  mg_print_error ("%s", error->message);
  status = mg_error_exit_code (error);
out:
  mg_ledger_opening_free (send.opening);
  g_ptr_array_unref (send.allow);
  g_ptr_array_unref (send.args);
  mg_common_options_clear (&send.common);
  return status;
}
