/* test-history.c - the rules that read the ledger (SPEC 5, 4a), on
 * histories built the way sendmail mode builds them: every earlier
 * message is parsed, judged against the history before it, recorded
 * (mg_record_entry) with a status, and the last message is judged against
 * all of them.  No SQLite here: the ledger's storage has its own tests.
 *
 * Each row lists the history-rule findings it expects ("rule:program",
 * SPEC 5 order); findings of the other rules are not compared here
 * (test-rules covers them), so a row can use any wording it needs.
 *
 * Sendmail mode and audit judge against only the entries
 * mg_rules_history_query() selects; test_selection_same_findings()
 * judges every row that way too, in a real ledger of 20,000 more entries
 * to other programs, and expects every finding, word for word, to be the
 * same as against the whole history.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "mg-analysis.h"
#include "mg-config.h"
#include "mg-fingerprint.h"
#include "mg-ledger.h"
#include "mg-message.h"
#include "mg-record.h"
#include "mg-rules.h"

#define UNIT_CONF MG_TOP_SRCDIR "/tests/data/unit/unit.conf"

#define HARBOR "ir-residency@harborbay.example.edu"
#define CALLOWAY "Dr. Imani Calloway <icalloway@harborbay.example.edu>"
#define VOS "Dr. Pieter Vos <pvos@harborbay.example.edu>"
#define LUMEN "radres@lumenpoint.example.org"

#define SIG "\n\nBest regards,\nTomas Abara\nAAMC ID: 31415926\n"
#define UPDATE_A_TEXT "\n\nI am writing to share that my abstract on TACE has been accepted " \
  "at SIR and will be presented in March. Harbor IR remains a program I admire." SIG
#define UPDATE_A "Dear Dr. Calloway," UPDATE_A_TEXT
#define UPDATE_B "Dear Dr. Calloway,\n\nI have passed USMLE Step 3 with a score of 245 and my ECFMG " \
  "certification was issued last week. Harbor IR remains a program I admire." SIG
#define UPDATE_C "Dear Dr. Calloway,\n\nI have just completed a four-week IR observership at " \
  "Lakeview and co-authored a case report on genicular artery embolization for Harbor IR's journal club." SIG
#define FIRST_HARBOR "Dear Dr. Calloway,\n\nAfter much reflection I will rank Harbor IR #1 on my rank " \
  "list. Thank you for your time." SIG
#define FIRST_LUMEN "Dear Dr. Lindgren,\n\nAfter much reflection I will rank Lumen Point DR #1 on my " \
  "rank list. Thank you for your time." SIG
#define TOP_LUMEN "Dear Dr. Lindgren,\n\nLumen Point DR is among my top choices and I will rank it " \
  "highly. Thank you for your time." SIG
#define THANKS(who) "Dear " who ",\n\nThank you for interviewing me yesterday at Harbor IR. I enjoyed " \
  "learning about the resident-run IR clinic and the Y-90 program, and I appreciated your advice on " \
  "research during residency. I remain very interested in Harbor IR." SIG
#define THANKS_OTHER "Dear Dr. Vos,\n\nThank you for the conversation during my interview yesterday " \
  "about your work on prostate artery embolization. The way your team follows patients in clinic " \
  "stood out to me, and I hope to contribute to that research at Harbor IR." SIG
#define RESCHEDULE "Dear Ms. Brooks,\n\nWould it be possible to reschedule my Harbor IR interview on " \
  "November 10 to a later date? I have a conflicting exam that day." SIG

typedef struct {
  const char *at;        /* ISO-8601 */
  const char *to;
  const char *subject;
  const char *body;
  mg_status_t status;
} sent_t;

#define END { NULL, NULL, NULL, NULL, MG_STATUS_SENT }

typedef struct {
  const char *name;
  sent_t earlier[5];     /* END-terminated */
  sent_t now;
  const char *expect;    /* history-rule findings, space-separated "rule:program" */
} history_row_t;

static const history_row_t rows[] = {
  /* first-choice-duplicate against the ledger */
  { "fcd after #1 to another program",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_SENT }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING },
    "first-choice-duplicate:harbor-ir" },
  { "fcd counts an imported #1",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_IMPORTED }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING },
    "first-choice-duplicate:harbor-ir" },
  { "fcd counts a pending #1",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_PENDING }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING },
    "first-choice-duplicate:harbor-ir" },
  { "fcd: a failed #1 never reached the program",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_FAILED }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING }, "" },
  { "fcd: a refused #1 never reached the program",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_REFUSED }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING }, "" },
  { "fcd: #1 again to the same program",
    { { "2026-11-20T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_SENT }, END },
    { "2026-12-09T10:00:00-05:00", HARBOR, "Intent again", UPDATE_C "\nI will rank Harbor IR #1.\n", MG_STATUS_PENDING }, "" },
  { "fcd: 'among my top choices' elsewhere is not #1",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Interest", TOP_LUMEN, MG_STATUS_SENT }, END },
    { "2026-11-25T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING }, "" },
  { "fcd after #1 to another program months earlier",
    { { "2026-09-05T10:00:00-04:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_SENT }, END },
    { "2026-12-20T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING },
    "first-choice-duplicate:harbor-ir" },
  { "the same update to the same program weeks later",
    { { "2026-09-10T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-30T10:00:00-04:00", HARBOR, "Update again", UPDATE_A, MG_STATUS_PENDING },
    "followup-repeated:harbor-ir" },
  { "fcd: --at before the earlier #1 does not see it",
    { { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_SENT }, END },
    { "2026-11-19T10:00:00-05:00", HARBOR, "Intent", FIRST_HARBOR, MG_STATUS_PENDING }, "" },

  /* followup-limit: before the interview (2026-11-10) */
  { "third unsolicited before the interview",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT },
      { "2026-10-16T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_SENT }, END },
    { "2026-11-02T10:00:00-05:00", HARBOR, "Update", UPDATE_C, MG_STATUS_PENDING }, "followup-limit:harbor-ir" },
  { "second unsolicited before the interview is at the limit",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-11-02T10:00:00-05:00", HARBOR, "Update", UPDATE_C, MG_STATUS_PENDING }, "" },
  { "replies and refused attempts do not count",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT },
      { "2026-10-16T10:00:00-04:00", HARBOR, "Re: Interview invitation", UPDATE_B, MG_STATUS_SENT },
      { "2026-10-18T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_REFUSED }, END },
    { "2026-11-02T10:00:00-05:00", HARBOR, "Update", UPDATE_C, MG_STATUS_PENDING }, "" },
  /* after it: updates since the interview, this one included */
  { "third update after the interview",
    { { "2026-11-11T10:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_SENT },
      { "2026-11-20T10:00:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT },
      { "2026-12-10T10:00:00-05:00", HARBOR, "Update", UPDATE_B, MG_STATUS_SENT }, END },
    { "2026-12-30T10:00:00-05:00", HARBOR, "Update", UPDATE_C, MG_STATUS_PENDING }, "followup-limit:harbor-ir" },
  { "second update after the interview; the ones before it do not count",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT },
      { "2026-10-20T10:00:00-04:00", HARBOR, "Update", UPDATE_C, MG_STATUS_SENT },
      { "2026-11-11T10:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_SENT },
      { "2026-11-20T10:00:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-12-30T10:00:00-05:00", HARBOR, "Update", UPDATE_B, MG_STATUS_PENDING }, "" },

  /* followup-too-soon */
  { "an update five days after the previous one",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-06T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_PENDING }, "followup-too-soon:harbor-ir" },
  { "fifteen days later is fine",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-16T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_PENDING }, "" },
  { "a thank-you never fires it",
    { { "2026-11-07T10:00:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-11-11T10:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_PENDING }, "" },
  { "a thank-you is not the previous follow-up",
    { { "2026-11-11T10:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_SENT }, END },
    { "2026-11-14T10:00:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_PENDING }, "" },
  { "another program's message is not the previous follow-up",
    { { "2026-10-01T10:00:00-04:00", LUMEN, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-03T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_PENDING }, "" },

  /* followup-repeated */
  { "the same update three weeks later",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-22T10:00:00-04:00", HARBOR, "Update (resent)", UPDATE_A, MG_STATUS_PENDING }, "followup-repeated:harbor-ir" },
  { "the same update with another greeting",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-22T10:00:00-04:00", HARBOR, "Update",
      "Dear Selection Committee," UPDATE_A_TEXT, MG_STATUS_PENDING }, "followup-repeated:harbor-ir" },
  { "the same update to another program",
    { { "2026-10-01T10:00:00-04:00", LUMEN, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-22T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_PENDING }, "" },
  { "a different update",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-22T10:00:00-04:00", HARBOR, "Update", UPDATE_B, MG_STATUS_PENDING }, "" },

  /* thank-you-duplicate */
  { "the same thank-you to a second interviewer",
    { { "2026-11-11T08:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_SENT }, END },
    { "2026-11-11T08:20:00-05:00", VOS, "Thank you", THANKS ("Dr. Vos"), MG_STATUS_PENDING }, "thank-you-duplicate:harbor-ir" },
  { "two different thank-you notes",
    { { "2026-11-11T08:00:00-05:00", CALLOWAY, "Thank you", THANKS ("Dr. Calloway"), MG_STATUS_SENT }, END },
    { "2026-11-11T08:20:00-05:00", VOS, "Thank you", THANKS_OTHER, MG_STATUS_PENDING }, "" },

  /* reschedule-repeated */
  { "a second reschedule request",
    { { "2026-10-20T10:00:00-04:00", HARBOR, "Interview date", RESCHEDULE, MG_STATUS_SENT }, END },
    { "2026-11-05T10:00:00-05:00", HARBOR, "Interview date again", RESCHEDULE
      "\nI am sorry to ask again; the exam was moved.\n", MG_STATUS_PENDING }, "reschedule-repeated:harbor-ir" },
  { "a first reschedule request",
    { { "2026-10-01T10:00:00-04:00", HARBOR, "Update", UPDATE_A, MG_STATUS_SENT }, END },
    { "2026-10-20T10:00:00-04:00", HARBOR, "Interview date", RESCHEDULE, MG_STATUS_PENDING }, "" },
};

static const mg_config_t *
config (void)
{
  static mg_config_t *config;

  if (config == NULL)
    {
      g_autoptr (GError) error = NULL;
      config = mg_config_load (UNIT_CONF, &error);
      if (config == NULL)
        fail_msg ("%s", error->message);
    }
  return config;
}

static mg_message_t *
make_message (const sent_t *sent, guint n)
{
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (sent->at, NULL);
  g_autofree char *date = g_date_time_format (at, "%a, %d %b %Y %H:%M:%S %z");
  g_autofree char *raw = g_strdup_printf (
      "From: Tomas Abara <tomas.abara@mail.example.net>\nTo: %s\nSubject: %s\nDate: %s\n"
      "Message-ID: <%u.history@mail.example.net>\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\n\n%s", sent->to, sent->subject, date, n, sent->body);
  g_autoptr (GError) error = NULL;
  mg_message_t *message = mg_message_parse_data (raw, strlen (raw), "row", &error);

  if (message == NULL)
    fail_msg ("%s", error->message);
  return message;
}

static mg_judgement_t *
judge (const sent_t *sent, guint n, GPtrArray *history, mg_entry_t **entry)
{
  g_autoptr (mg_message_t) message = make_message (sent, n);
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config (), NULL);
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (sent->at, NULL);
  mg_judgement_t *judgement = mg_rules_judge (analysis, at, history);

  if (entry != NULL)
    *entry = mg_record_entry (analysis, judgement, at, sent->status);
  return judgement;
}

static char *
history_findings (const mg_judgement_t *judgement)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);
      const mg_rule_info_t *info = mg_rule_info (f->rule);

      if (!info->needs_history && f->rule != MG_RULE_FIRST_CHOICE_DUPLICATE)
        continue;
      g_string_append_printf (out, "%s%s:%s", out->len ? " " : "", info->name,
                              f->program_id ? f->program_id : "-");
    }
  return g_string_free (out, FALSE);
}

static void
test_history_rows (void **state)
{
  guint r, failures = 0;

  for (r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      const history_row_t *row = &rows[r];
      g_autoptr (GPtrArray) history = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
      g_autoptr (mg_judgement_t) judgement = NULL;
      g_autofree char *got = NULL;
      guint i;

      for (i = 0; row->earlier[i].at != NULL; i++)
        {
          mg_entry_t *entry = NULL;
          g_autoptr (mg_judgement_t) earlier = judge (&row->earlier[i], i, history, &entry);
          g_ptr_array_add (history, entry);
        }
      judgement = judge (&row->now, 99, history, NULL);
      got = history_findings (judgement);
      if (strcmp (got, row->expect) != 0)
        {
          print_error ("row %u (%s):\n  got      [%s]\n  expected [%s]\n", r, row->name, got, row->expect);
          failures++;
        }
    }
  assert_int_equal (failures, 0);
}

/* --- judging against the selected entries only ---------------------------- */

#define FILLERS 20000

/* Every finding in full: rule, program, severity and message. */
static char *
all_findings (const mg_judgement_t *judgement)
{
  GString *out = g_string_new (mg_verdict_name (judgement->verdict));
  guint i;

  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);
      g_string_append_printf (out, "\n%s:%s:%d: %s", mg_rule_info (f->rule)->name,
                              f->program_id ? f->program_id : "-", (int) f->severity, f->message);
    }
  return g_string_free (out, FALSE);
}

/* What sendmail mode asks the ledger for when it judges @sent. */
static mg_history_query_t *
query_for (const sent_t *sent, guint n)
{
  g_autoptr (mg_message_t) message = make_message (sent, n);
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config (), NULL);
  mg_history_query_t *query = mg_rules_history_query (analysis);

  query->confirm_key = mg_record_confirm_key (analysis);
  return query;
}

static mg_ledger_t *
open_ledger (const char *path)
{
  g_autoptr (GError) error = NULL;
  mg_ledger_t *ledger = mg_ledger_open (path, TRUE, 5000, &error);

  if (ledger == NULL)
    fail_msg ("%s", error->message);
  return ledger;
}

/* Entries to programs no row writes to, through the season, as likely as
 * possible to change a finding if one were wrongly read: unsolicited,
 * updates, thank-you notes and reschedule requests with the rows' texts,
 * "strong" intent (not #1: that would rightly count). */
static void
add_fillers (mg_ledger_t *ledger)
{
  static const char *const kinds[] = { "update", "thank-you", "reschedule" };
  g_autoptr (GBytes) fingerprint = mg_fingerprint_new (UPDATE_A_TEXT);
  g_autoptr (GError) error = NULL;
  const gint64 start = 1788235200;   /* 2026-09-01 */
  guint i;

  if (!mg_ledger_begin (ledger, &error))
    fail_msg ("%s", error->message);
  for (i = 0; i < FILLERS; i++)
    {
      g_autoptr (mg_entry_t) entry = mg_entry_new ();

      entry->time = start + (gint64) i * (120 * 86400) / FILLERS;
      entry->message_id = g_strdup_printf ("filler%u@mail.example.net", i);
      entry->kind = g_strdup (kinds[i % G_N_ELEMENTS (kinds)]);
      entry->intent = g_strdup ("strong");
      g_strfreev (entry->programs);
      entry->programs = g_new0 (char *, 2);
      entry->programs[0] = g_strdup_printf ("filler%u-ir", i % 997);
      g_strfreev (entry->recipients);
      entry->recipients = g_new0 (char *, 2);
      entry->recipients[0] = g_strdup ("pd@filler.example.org");
      entry->fingerprint = g_bytes_ref (fingerprint);
      entry->confirm_key = g_strdup_printf ("filler%u", i);
      entry->status = MG_STATUS_SENT;
      if (!mg_ledger_insert (ledger, entry, &error))
        fail_msg ("%s", error->message);
    }
  if (!mg_ledger_commit (ledger, &error))
    fail_msg ("%s", error->message);
}

/* Copies the files of directory @from (a ledger and its log) into @to. */
static void
copy_dir (const char *from, const char *to)
{
  GDir *dir = g_dir_open (from, 0, NULL);
  const char *name;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (src, &data, &len, NULL)
          || !g_file_set_contents_full (dst, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, NULL))
        fail_msg ("cannot copy %s", src);
    }
  g_dir_close (dir);
}

static void
remove_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

/* One row three ways: against the whole history in memory (as the rows
 * were written), against what mg_ledger_select() reads from a ledger
 * that also holds the fillers, and against what mg_history_select()
 * finds in an in-memory history of the same.  Returns the failures. */
static guint
check_row_selection (const history_row_t *row, guint r, const char *template_dir, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr (GPtrArray) history = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  g_autoptr (mg_ledger_t) ledger = NULL;
  g_autoptr (mg_history_query_t) query = query_for (&row->now, 99);
  g_autoptr (GPtrArray) everything = NULL, selected = NULL, in_memory = NULL;
  g_autoptr (mg_history_t) memory = mg_history_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_judgement_t) whole = NULL, from_ledger = NULL, from_memory = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  guint i, failures = 0;

  copy_dir (template_dir, dir);
  ledger = open_ledger (path);
  for (i = 0; row->earlier[i].at != NULL; i++)
    {
      mg_entry_t *entry = NULL;
      g_autoptr (mg_judgement_t) earlier = judge (&row->earlier[i], i, history, &entry);
      if (!mg_ledger_insert (ledger, entry, &error))
        fail_msg ("%s", error->message);
      g_ptr_array_add (history, entry);
    }
  everything = mg_ledger_entries (ledger, &error);
  selected = mg_ledger_select (ledger, query, &error);
  if (everything == NULL || selected == NULL)
    fail_msg ("%s", error->message);
  assert_int_equal (everything->len, FILLERS + history->len);
  while (everything->len > 0)
    mg_history_add (memory, g_ptr_array_steal_index (everything, 0));
  in_memory = mg_history_select (memory, query);

  whole = judge (&row->now, 99, history, NULL);
  from_ledger = judge (&row->now, 99, selected, NULL);
  from_memory = judge (&row->now, 99, in_memory, NULL);
  a = all_findings (whole);
  b = all_findings (from_ledger);
  c = all_findings (from_memory);
  if (strcmp (a, b) != 0 || strcmp (a, c) != 0)
    {
      print_error ("row %u (%s):\n  whole history [%s]\n  ledger select [%s]\n  memory select [%s]\n",
                   r, row->name, a, b, c);
      failures++;
    }
  if (selected->len > history->len || in_memory->len > history->len)
    {
      print_error ("row %u (%s): %u and %u entries selected of %u relevant at most\n", r, row->name,
                   selected->len, in_memory->len, history->len);
      failures++;
    }
  mg_ledger_close (g_steal_pointer (&ledger));
  remove_dir (dir);
  g_mkdir (dir, 0700);
  return failures;
}

static void
test_selection_same_findings (void **state)
{
  g_autofree char *top = g_dir_make_tmp ("mg-test-history-XXXXXX", NULL);
  g_autofree char *template_dir = g_build_filename (top, "template", NULL);
  g_autofree char *template = g_build_filename (template_dir, "ledger.db", NULL);
  g_autofree char *dir = g_build_filename (top, "row", NULL);
  guint r, failures = 0;

  assert_non_null (top);
  assert_int_equal (g_mkdir (template_dir, 0700), 0);
  assert_int_equal (g_mkdir (dir, 0700), 0);
  {
    g_autoptr (mg_ledger_t) ledger = open_ledger (template);
    add_fillers (ledger);
  }
  for (r = 0; r < G_N_ELEMENTS (rows); r++)
    failures += check_row_selection (&rows[r], r, template_dir, dir);
  remove_dir (dir);
  remove_dir (template_dir);
  g_rmdir (top);
  assert_int_equal (failures, 0);
}

/* Without a ledger (check --no-ledger) no history rule runs. */
static void
test_no_history_no_history_rules (void **state)
{
  g_autoptr (mg_judgement_t) judgement = judge (&rows[0].now, 1, NULL, NULL);
  g_autofree char *got = history_findings (judgement);

  assert_string_equal (got, "");
}

/* What the ledger keeps of a message: kind, intent, programs, recipients,
 * a fingerprint, never the text. */
static void
test_record_keeps_no_body (void **state)
{
  const sent_t sent = { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_PENDING };
  mg_entry_t *entry = NULL;
  g_autoptr (mg_judgement_t) judgement = judge (&sent, 7, NULL, &entry);
  g_autoptr (mg_entry_t) owned = entry;
  gsize size = 0;
  const guchar *fp = g_bytes_get_data (entry->fingerprint, &size);

  assert_string_equal (entry->kind, "intent");
  assert_string_equal (entry->intent, "first");
  assert_string_equal (entry->programs[0], "lumen-dr");
  assert_null (entry->programs[1]);
  assert_string_equal (entry->recipients[0], LUMEN);
  assert_string_equal (entry->message_id, "7.history@mail.example.net");
  assert_int_equal (entry->status, MG_STATUS_PENDING);
  assert_true (size > 0);
  assert_int_equal (size % 4, 0);   /* hashes, not words */
  for (gsize i = 0; i + 4 <= size; i++)
    assert_false (memcmp (fp + i, "rank", 4) == 0);
  assert_non_null (entry->confirm_key);
}

/* The confirmation key ignores Date and Message-ID but not the text. */
static void
test_confirm_key (void **state)
{
  const sent_t a = { "2026-11-20T10:00:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_REFUSED };
  const sent_t b = { "2026-11-20T10:03:00-05:00", HARBOR, "Update", UPDATE_A, MG_STATUS_REFUSED };
  const sent_t c = { "2026-11-20T10:03:00-05:00", HARBOR, "Update", UPDATE_B, MG_STATUS_REFUSED };
  mg_entry_t *ea = NULL, *eb = NULL, *ec = NULL;
  g_autoptr (mg_judgement_t) ja = judge (&a, 1, NULL, &ea);
  g_autoptr (mg_judgement_t) jb = judge (&b, 2, NULL, &eb);
  g_autoptr (mg_judgement_t) jc = judge (&c, 3, NULL, &ec);

  assert_string_equal (ea->confirm_key, eb->confirm_key);
  assert_string_not_equal (ea->confirm_key, ec->confirm_key);
  mg_entry_free (ea);
  mg_entry_free (eb);
  mg_entry_free (ec);
}

/* audit's entries are what the ledger would keep of the message sent,
 * field for field, but for the confirm key no confirmation looks up. */
static void
test_replayed_entry (void **state)
{
  const sent_t sent = { "2026-11-20T10:00:00-05:00", LUMEN, "Intent", FIRST_LUMEN, MG_STATUS_SENT };
  g_autoptr (mg_message_t) message = make_message (&sent, 9);
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config (), NULL);
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (sent.at, NULL);
  g_autoptr (mg_judgement_t) judgement = mg_rules_judge (analysis, at, NULL);
  g_autoptr (mg_entry_t) recorded = mg_record_entry (analysis, judgement, at, MG_STATUS_SENT);
  g_autoptr (mg_entry_t) replayed = mg_record_replayed_entry (analysis, judgement, at);

  (void) state;
  assert_non_null (recorded->confirm_key);
  assert_null (replayed->confirm_key);
  assert_int_equal (replayed->status, MG_STATUS_SENT);
  assert_int_equal (replayed->time, recorded->time);
  assert_int_equal (replayed->is_reply, recorded->is_reply);
  assert_string_equal (replayed->message_id, recorded->message_id);
  assert_string_equal (replayed->subject, recorded->subject);
  assert_string_equal (replayed->kind, recorded->kind);
  assert_string_equal (replayed->intent, recorded->intent);
  assert_true (g_strv_equal ((const char *const *) replayed->programs, (const char *const *) recorded->programs));
  assert_true (g_strv_equal ((const char *const *) replayed->recipients, (const char *const *) recorded->recipients));
  assert_true (g_strv_equal ((const char *const *) replayed->findings, (const char *const *) recorded->findings));
  assert_true (g_bytes_equal (replayed->fingerprint, recorded->fingerprint));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_history_rows),
    cmocka_unit_test (test_selection_same_findings),
    cmocka_unit_test (test_no_history_no_history_rules),
    cmocka_unit_test (test_record_keeps_no_body),
    cmocka_unit_test (test_confirm_key),
    cmocka_unit_test (test_replayed_entry),
  };

  g_setenv ("TZ", "America/New_York", TRUE);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
