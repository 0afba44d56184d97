/* test-rules.c - the rules that need no ledger (SPEC 5), their severities
 * under [rules], and the verdict (SPEC 6).
 *
 * Messages are built in memory and judged with the unit configuration
 * tests/data/unit/unit.conf (fictional programs, see unit-programs.conf)
 * at a given time in America/New_York.  Every row states the complete list
 * of findings it expects ("severity:rule:program", program "-" for none or
 * the ambiguous one, in SPEC 5 order) and the verdict, so a rule that
 * fires where it should not fails a row as surely as one that stays
 * silent.  A failing row is printed and the others still run.  Rows that
 * show behaviour contradicting the SPEC are kept in KNOWN_FAILURES blocks
 * until the code is fixed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mg-analysis.h"
#include "mg-config.h"
#include "mg-message.h"
#include "mg-rules.h"

#define UNIT_CONF MG_TOP_SRCDIR "/tests/data/unit/unit.conf"

#define APPLICANT "Tomas Abara <tomas.abara@mail.example.net>"
#define HARBOR "ir-residency@harborbay.example.edu"
#define HARBOR_PD "Dr. Imani Calloway <icalloway@harborbay.example.edu>"
#define HARBOR_VOS "pvos@harborbay.example.edu"
#define LUMEN "radres@lumenpoint.example.org"
#define KESTREL_IR "ir-program@kestrel-health.example.org"
#define KESTREL_DR "dr-program@kestrel-health.example.org"
#define KESTREL_ANY "gme@kestrel-health.example.org"
#define OAKHURST_ANY "gme@oakhurst.example.org"
#define OAKHURST_FELLOWSHIP "fellowship@oakhurst.example.org"
#define PRAIRIE "jibarra@prairierose.example.edu"
#define GRANITE "ir-residency@granitefalls.example.edu"
#define FRIEND "friend@mail.example.net"

/* Before every interview of the unit registry. */
#define EARLY "2026-10-20T09:00:00-05:00"

#define SUBJECT "Tomas Abara - IR residency applicant"
#define NO_SUBJECT ((const char *) 1)

#define SIG "\n\nBest regards,\nTomas Abara\nAAMC ID: 31415926\n"
#define NOTE(greeting, text) greeting "\n\n" text SIG
#define BODY(text) NOTE ("Dear Dr. Calloway,", text)
#define COMMITTEE(text) NOTE ("Dear Selection Committee,", text)

/* A clean update to Harbor IR, for rows about recipients and form. */
#define UPDATE_TEXT "I am writing to share that my abstract on TACE has been accepted at SIR. " \
  "Harbor IR remains a program I admire."
#define UPDATE BODY (UPDATE_TEXT)

typedef struct {
  const char *rules;      /* configuration edits (see config_with()), or NULL */
  const char *to;         /* the To header; NULL: Harbor IR's address */
  const char *headers;    /* more header lines (Cc, In-Reply-To, ...), or NULL */
  const char *envelope;   /* ';'-separated envelope recipients, or NULL */
  const char *subject;    /* NULL: SUBJECT; NO_SUBJECT: no header */
  const char *body;
  const char *at;         /* NULL: EARLY */
  const char *findings;   /* expected, see describe_findings() */
  const char *verdict;    /* "ok", "warn" or "block" */
} rule_row_t;

/* --- fixtures ---------------------------------------------------------------- */

static char *unit_conf_text;
static GHashTable *configs;   /* [rules] lines -> mg_config_t* */

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;

  (void) state;
  if (!g_file_get_contents (UNIT_CONF, &unit_conf_text, NULL, &error))
    {
      print_error ("%s\n", error->message);
      return -1;
    }
  configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) mg_config_free);
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  g_clear_pointer (&configs, g_hash_table_unref);
  g_clear_pointer (&unit_conf_text, g_free);
  return 0;
}

/* The unit configuration changed by @edits, "key = value" lines: a key
 * the file already has (a [policy] key) gets the new value, any other
 * key (a rule id) is added to [rules].  Loaded once per distinct @edits;
 * owned by the cache. */
static const mg_config_t *
config_with (const char *edits)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = NULL;
  g_auto (GStrv) lines = NULL;
  mg_config_t *config;
  guint i;

  if (edits == NULL)
    edits = "";
  config = g_hash_table_lookup (configs, edits);
  if (config != NULL)
    return config;
  text = g_string_new (unit_conf_text);
  lines = g_strsplit (edits, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *added = NULL;
      const char *eq = strstr (lines[i], " = ");
      char *old_line, *end;

      if (lines[i][0] == '\0')
        continue;
      if (eq == NULL)
        fail_msg ("bad edit \"%s\"", lines[i]);
      key = g_strdup_printf ("\n%.*s = ", (int) (eq - lines[i]), lines[i]);
      old_line = strstr (text->str, key);
      if (old_line != NULL)
        {
          gsize at = (gsize) (old_line - text->str) + 1;
          end = strchr (old_line + 1, '\n');
          g_string_erase (text, (gssize) at, (gssize) (end - old_line - 1));
          g_string_insert (text, (gssize) at, lines[i]);
        }
      else
        {
          const char *group = strstr (text->str, "\n[rules]\n");
          if (group == NULL)
            fail_msg ("unit.conf has no [rules] group");
          added = g_strdup_printf ("%s\n", lines[i]);
          g_string_insert (text, (gssize) (group - text->str) + 9, added);
        }
    }
  config = mg_config_load_data (UNIT_CONF, text->str, text->len, &error);
  if (config == NULL)
    fail_msg ("cannot load the unit configuration edited with \"%s\": %s", edits, error->message);
  g_hash_table_insert (configs, g_strdup (edits), config);
  return config;
}

static mg_message_t *
make_message (const char *to, const char *subject, const char *headers, const char *body)
{
  g_autoptr (GString) raw = g_string_new ("From: " APPLICANT "\n");
  g_autoptr (GError) error = NULL;
  mg_message_t *message;

  g_string_append_printf (raw, "To: %s\n", to != NULL ? to : HARBOR);
  if (subject == NULL)
    subject = SUBJECT;
  if (subject != NO_SUBJECT)
    g_string_append_printf (raw, "Subject: %s\n", subject);
  g_string_append (raw, "Date: Tue, 20 Oct 2026 10:00:00 -0400\n"
                        "Message-ID: <unit-rules@mail.example.net>\n");
  if (headers != NULL)
    g_string_append (raw, headers);
  g_string_append (raw, "MIME-Version: 1.0\n"
                        "Content-Type: text/plain; charset=utf-8\n"
                        "Content-Transfer-Encoding: 8bit\n\n");
  g_string_append (raw, body);
  message = mg_message_parse_data (raw->str, raw->len, "unit.eml", &error);
  if (message == NULL)
    fail_msg ("cannot parse the test message: %s", error->message);
  return message;
}

/* "severity:rule:program" per finding, space-separated, in order. */
static char *
describe_findings (const mg_judgement_t *judgement)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);

      g_string_append_printf (out, "%s%s:%s:%s", i ? " " : "", mg_severity_name (f->severity),
                              mg_rule_info (f->rule)->name, f->program_id ? f->program_id : "-");
    }
  return g_string_free (out, FALSE);
}

/* Judges the message of @row and returns its judgement; @analysis_out
 * receives the analysis (free both). */
static mg_judgement_t *
judge_row (const rule_row_t *row, mg_message_t **message_out, mg_analysis_t **analysis_out)
{
  const mg_config_t *config = config_with (row->rules);
  mg_message_t *message = make_message (row->to, row->subject, row->headers, row->body);
  g_auto (GStrv) envelope = row->envelope ? g_strsplit (row->envelope, ";", -1) : NULL;
  mg_analysis_t *analysis = mg_analysis_new (message, config, (const char *const *) envelope);
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (row->at ? row->at : EARLY, NULL);
  mg_judgement_t *judgement;

  if (at == NULL)
    fail_msg ("bad time %s", row->at);
  judgement = mg_rules_judge (analysis, at, NULL);
  *message_out = message;
  *analysis_out = analysis;
  return judgement;
}

static gboolean
check_row (const char *table, guint i, const rule_row_t *row)
{
  g_autoptr (mg_message_t) message = NULL;
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (mg_judgement_t) judgement = judge_row (row, &message, &analysis);
  g_autofree char *got = describe_findings (judgement);
  const char *verdict = mg_verdict_name (judgement->verdict);
  guint k;

  /* every finding explains itself */
  for (k = 0; k < judgement->findings->len; k++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, k);
      if (f->message == NULL || f->message[0] == '\0' || f->severity == MG_SEVERITY_OFF)
        {
          print_error ("%s row %u: finding %s without a message or with severity off\n", table, i,
                       mg_rule_info (f->rule)->name);
          return FALSE;
        }
    }
  if (strcmp (got, row->findings) == 0 && strcmp (verdict, row->verdict) == 0)
    return TRUE;
  print_error ("%s row %u:\n  got      [%s] %s\n  expected [%s] %s\n  kind %s intent %s, at %s, "
               "To: %s, Subject: %s\n%s\n",
               table, i, got, verdict, row->findings, row->verdict, mg_kind_name (analysis->kind),
               mg_intent_name (analysis->intent), row->at ? row->at : EARLY,
               row->to ? row->to : HARBOR,
               row->subject == NO_SUBJECT ? "(none)" : row->subject ? row->subject : SUBJECT,
               row->body);
  return FALSE;
}

static void
run_rows (const char *table, const rule_row_t *rows, gsize n)
{
  guint i, failures = 0;

  for (i = 0; i < n; i++)
    if (!check_row (table, i, &rows[i]))
      failures++;
  if (failures > 0)
    fail_msg ("%s: %u of %zu rows failed", table, failures, n);
}

#define RUN(rows) run_rows (#rows, rows, G_N_ELEMENTS (rows))

/* --- clean mail -------------------------------------------------------------- */

static const rule_row_t clean_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, "Thank you - Harbor IR interview",
    BODY ("Thank you for interviewing me yesterday at Harbor IR. I enjoyed our conversation about TACE."),
    "2026-11-11T18:00:00-05:00", "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR is my top choice. I intend to rank your program #1."), NULL, "", "ok" },
  /* not program mail: no rule applies, whatever the text */
  { NULL, FRIEND ", colleague@mail.example.net", NULL, NULL, NO_SUBJECT,
    "Hi,\n\n[Your Name] here. You are my dream program, please give me a chance. Will you rank me?\n"
    "If you rank me to match, I will rank you #1. AAMC ID: 27182818\n", NULL, "", "ok" },
  { NULL, HARBOR, NULL, FRIEND, NO_SUBJECT, "Hi,\n\n[Your Name] here.\n", NULL, "", "ok" },
};

/* --- core rules -------------------------------------------------------------- */

static const rule_row_t first_choice_rows[] = {
  /* one message states #1 intent to two programs */
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("You are my top choice and I intend to rank you #1."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  { NULL, HARBOR, "Bcc: " LUMEN "\n", NULL, NULL, COMMITTEE ("I will rank you first."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  /* ... the second program being the ambiguous one */
  { NULL, HARBOR ", " KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("Harbor IR is my first choice."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:ambiguous-recipient:-", "block" },
  /* ... through the envelope */
  { NULL, HARBOR, NULL, HARBOR ";" LUMEN, NULL, COMMITTEE ("You are my clear #1."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("I\xe2\x80\x99m ranking you No. 1 this year."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  /* not #1: strong intent to two programs is only multiple-programs */
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("You are among my top choices."), NULL,
    "block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  /* #1 to two people of one program */
  { NULL, HARBOR_PD ", " HARBOR_VOS, NULL, NULL, NULL, BODY ("Harbor IR is my top choice."), NULL, "", "ok" },
  /* #1 to a program and a friend in Cc */
  { NULL, HARBOR, "Cc: " FRIEND "\n", NULL, NULL, BODY ("Harbor IR is my top choice."), NULL, "", "ok" },
  /* "my #1 priority" is no intent */
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("My #1 priority is patient care."), NULL,
    "block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  /* #1 intent in quoted text only */
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL,
    COMMITTEE ("Thank you for your note.\n\n> You are my top choice.\n> I intend to rank you #1."), NULL,
    "block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
  /* off */
  { "first-choice-duplicate = off\nmultiple-programs = off\ngeneric-message = off\n", HARBOR ", " LUMEN, NULL, NULL, NULL,
    COMMITTEE ("You are my top choice."), NULL, "", "ok" },
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("You are, without doubt, my top choice."), NULL,
    "block:first-choice-duplicate:- block:multiple-programs:- warn:generic-message:harbor-ir warn:generic-message:lumen-dr", "block" },
};

static const rule_row_t applicant_id_rows[] = {
  /* missing on unsolicited mail of every kind: block */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nBest regards,\nTomas Abara\n", NULL,
    "block:applicant-id-missing:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, "Thank you",
    "Dear Dr. Calloway,\n\nThank you for interviewing me yesterday at Harbor IR.\n\nBest regards,\nTomas Abara\n",
    "2026-11-11T12:00:00-05:00", "block:applicant-id-missing:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\nHarbor IR is my first choice.\n\nTomas\n", NULL,
    "block:applicant-id-missing:harbor-ir", "block" },
  /* missing on a reply: warn */
  { NULL, NULL, "In-Reply-To: <invite@harborbay.example.edu>\n", NULL, "Re: Interview invitation",
    "Dear Dr. Calloway,\n\nThank you, I will attend on November 10 at Harbor IR.\n\nTomas Abara\n", NULL,
    "warn:applicant-id-missing:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, "RE: Interview invitation",
    "Dear Dr. Calloway,\n\nThank you, I will attend on November 10 at Harbor IR.\n\nTomas Abara\n", NULL,
    "warn:applicant-id-missing:harbor-ir", "warn" },
  /* a configured severity replaces both the block and the reply warn */
  { "applicant-id-missing = warn\n", NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\n", NULL, "warn:applicant-id-missing:harbor-ir", "warn" },
  { "applicant-id-missing = block\n", NULL, NULL, NULL, "Re: Interview invitation",
    "Dear Dr. Calloway,\n\nI will attend at Harbor IR.\n\nTomas Abara\n", NULL, "block:applicant-id-missing:harbor-ir", "block" },
  { "applicant-id-missing = info\n", NULL, NULL, NULL, "Re: Interview invitation",
    "Dear Dr. Calloway,\n\nI will attend at Harbor IR.\n\nTomas Abara\n", NULL, "info:applicant-id-missing:harbor-ir", "ok" },
  { "applicant-id-missing = off\n", NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\n", NULL, "", "ok" },
  /* present: grouped, unlabelled, in the signature, in the Subject */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\nMy AAMC ID is 3141 5926. " UPDATE_TEXT "\n", NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\n-- \nTomas Abara\n3141-5926\n", NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, "Application update - Tomas Abara (31415926)",
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\n", NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\nERAS ID: 31415926. " UPDATE_TEXT "\n", NULL, "", "ok" },
  /* other 8-digit numbers do not count */
  { NULL, NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\nECFMG #27182818\nPhone: +1 212 55501234\n", NULL,
    "block:applicant-id-missing:harbor-ir", "block" },
  /* the ID in quoted text only does not count */
  { NULL, NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nOn Mon, Oct 19, 2026 at 9:00 AM Tomas Abara wrote:\n> AAMC ID: 31415926\n", NULL,
    "block:applicant-id-missing:harbor-ir", "block" },
  /* the ID inside a longer number does not count */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nRef 9314159260\n", NULL,
    "block:applicant-id-missing:harbor-ir", "block" },
};

static const rule_row_t applicant_id_wrong_rows[] = {
  /* a labelled ID that is not the applicant's: block, not missing */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\nAAMC ID: 27182818\n", NULL,
    "block:applicant-id-wrong:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\nMy ERAS ID is 2718-2818. " UPDATE_TEXT "\n", NULL,
    "block:applicant-id-wrong:harbor-ir", "block" },
  /* transposed digits */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\nAAMC #31415962\n", NULL,
    "block:applicant-id-wrong:harbor-ir", "block" },
  /* in the Subject, on a reply */
  { NULL, NULL, NULL, NULL, "Re: Interview - AAMC ID 27182818",
    "Dear Dr. Calloway,\n\nI will attend at Harbor IR.\n\nTomas Abara\n", NULL, "block:applicant-id-wrong:harbor-ir", "block" },
  /* the wrong one wins over the right one next to it */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nAAMC ID: 31415926\nERAS ID: 27182818\n", NULL,
    "block:applicant-id-wrong:harbor-ir", "block" },
  /* in parentheses */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\nAAMC ID (27182818)\n", NULL,
    "block:applicant-id-wrong:harbor-ir", "block" },
  /* other labelled numbers are not an AAMC ID */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nECFMG #27182818\nAAMC ID: 31415926\n", NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nUSMLE ID 2718-2818\nAAMC ID 3141 5926\n", NULL, "", "ok" },
  /* the applicant's own ID, labelled and grouped */
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nAAMC ID: 3141-5926\n", NULL, "", "ok" },
  /* configured */
  { "applicant-id-wrong = warn\n", NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nAAMC ID: 27182818\n", NULL, "warn:applicant-id-wrong:harbor-ir", "warn" },
};

static const rule_row_t multiple_programs_rows[] = {
  { NULL, HARBOR ", " LUMEN, NULL, NULL, NULL, COMMITTEE ("Harbor IR and Lumen Point DR are both excellent programs."), NULL,
    "block:multiple-programs:- warn:wrong-program:harbor-ir warn:wrong-program:lumen-dr", "block" },
  { NULL, HARBOR, "Cc: " GRANITE "\n", NULL, NULL, UPDATE, NULL,
    "block:multiple-programs:- block:wrong-program:granite-ir warn:generic-message:granite-ir", "block" },
  { NULL, HARBOR, "Bcc: " PRAIRIE "\n", NULL, NULL, UPDATE, NULL,
    "block:multiple-programs:- block:wrong-program:prairie-ir warn:generic-message:prairie-ir", "block" },
  /* the envelope adds a program the headers do not show */
  { NULL, HARBOR, NULL, HARBOR ";" GRANITE, NULL, UPDATE, NULL,
    "block:multiple-programs:- block:wrong-program:granite-ir warn:generic-message:granite-ir", "block" },
  /* a program and its ambiguous neighbour */
  { NULL, HARBOR ", " KESTREL_ANY, NULL, NULL, NULL, UPDATE, NULL,
    "block:multiple-programs:- warn:ambiguous-recipient:-", "block" },
  /* one program, several people */
  { NULL, HARBOR_PD ", " HARBOR_VOS, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
  /* a program and a friend */
  { NULL, HARBOR ", " FRIEND, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
  /* two ambiguous recipients are one program of unknown identity */
  { NULL, KESTREL_ANY ", office@kestrel-health.example.org", NULL, NULL, NULL,
    COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL, "warn:ambiguous-recipient:-", "warn" },
  /* the envelope replaces the headers: only one program */
  { NULL, HARBOR ", " LUMEN, NULL, HARBOR, NULL, UPDATE, NULL, "", "ok" },
  /* a shared domain decided by the text, plus that program's own address */
  { NULL, KESTREL_ANY ", " KESTREL_IR, NULL, NULL, NULL, COMMITTEE ("Kestrel Valley IR remains a program I admire."), NULL, "", "ok" },
};

/* --- guide rules ---------------------------------------------------------------- */

static const rule_row_t placeholder_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nSincerely,\n[Your Name], MD\nAAMC ID: 31415926\n", NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Our conversation reinforced my interest in training at [Program Name]. Harbor IR is great."), NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Dr. [Program Director's Last Name],", UPDATE_TEXT), NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I observed procedures in [e.g., peripheral arterial disease, TACE] at Harbor IR."), NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL,
    BODY ("I anticipate my ECFMG certification by [Month, Year] and am eligible for a [J-1/H-1B] visa. Harbor IR is great."), NULL,
    "block:placeholder:harbor-ir block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, "Dear Dr. Calloway,\n\n" UPDATE_TEXT "\n\nTomas Abara\nAAMC ID: 31415926\nECFMG: XXXXXXXX\n", NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Dr. {{interviewer_last_name}},", UPDATE_TEXT), NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR's strength in <<topic>> draws me."), NULL,
    "block:placeholder:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, "Application Update - [Your Full Name], IMG Applicant", UPDATE, NULL,
    "block:placeholder:harbor-ir", "block" },
  /* not placeholders: citations, editorial marks, links, ordinary words */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Our TACE series [1] and the follow-up [2-4] were cited at Harbor IR."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("The reviewer wrote \"their [sic] results\" about Harbor IR [emphasis added]."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("My poster is online [https://example.org/poster] and Harbor IR may like it."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I worked with Dr. Xu on an XXL study for Harbor IR, size XXX."), NULL, "", "ok" },
  /* in quoted text only */
  { NULL, NULL, NULL, NULL, NULL, BODY (UPDATE_TEXT "\n\nOn Mon, Oct 19, 2026 at 9:00 AM Nadia Brooks wrote:\n> Dear [Your Name],"), NULL, "", "ok" },
  { "placeholder = off\n", NULL, NULL, NULL, NULL, BODY ("I want to train at [Program Name]. Harbor IR is great."), NULL, "", "ok" },
};

#define LUMEN_NOTE(text) NOTE ("Dear Dr. Lindgren,", text)

static const rule_row_t wrong_program_rows[] = {
  /* names another program and not the recipient: block */
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("I am very interested in Harbor IR and its IO program."), NULL,
    "block:wrong-program:lumen-dr warn:generic-message:lumen-dr", "block" },
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("Harbor Bay Interventional Radiology Residency would be a great fit."), NULL,
    "block:wrong-program:lumen-dr warn:generic-message:lumen-dr", "block" },
  /* ... in the Subject */
  { NULL, LUMEN, NULL, NULL, "Application update - Granite Falls IR", LUMEN_NOTE ("My abstract on TACE has been accepted at SIR."), NULL,
    "block:wrong-program:lumen-dr warn:generic-message:lumen-dr", "block" },
  /* naming both: warn */
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("Like Harbor IR, Lumen Point DR offers early IR exposure."), NULL,
    "warn:wrong-program:lumen-dr", "warn" },
  { NULL, LUMEN, NULL, NULL, "Lumen Point DR application", LUMEN_NOTE ("I rotated at Harbor IR last spring."), NULL,
    "warn:wrong-program:lumen-dr warn:generic-message:lumen-dr", "warn" },
  /* the salutation names another program's contact: block */
  { NULL, LUMEN, NULL, NULL, NULL, NOTE ("Dear Dr. Calloway,", "Lumen Point DR remains a program I admire."), NULL,
    "block:wrong-program:lumen-dr", "block" },
  { NULL, GRANITE, NULL, NULL, NULL, NOTE ("Dear Dr. Vos,", "Granite Falls IR remains a program I admire."), NULL,
    "block:wrong-program:granite-ir", "block" },
  /* ... but not when that person is a contact of this program too */
  { NULL, LUMEN, NULL, NULL, NULL, NOTE ("Dear Dr. Mehta,", "Lumen Point DR remains a program I admire."), NULL, "", "ok" },
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("Lumen Point DR remains a program I admire."), NULL, "", "ok" },
  /* another program in quoted text or in the signature does not count */
  { NULL, LUMEN, NULL, NULL, NULL,
    LUMEN_NOTE ("Lumen Point DR remains a program I admire.\n\nOn Mon, Oct 19, 2026 at 9:00 AM Tomas Abara wrote:\n> Harbor IR is great"),
    NULL, "", "ok" },
  { NULL, LUMEN, NULL, NULL, NULL,
    "Dear Dr. Lindgren,\n\nLumen Point DR remains a program I admire.\n\n-- \nTomas Abara\nObserver, Harbor Bay IR\nAAMC ID: 31415926\n",
    NULL, "", "ok" },
  /* configured */
  { "wrong-program = warn\n", LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("I am very interested in Harbor IR."), NULL,
    "warn:wrong-program:lumen-dr warn:generic-message:lumen-dr", "warn" },
  { "wrong-program = info\n", LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("Like Harbor IR, Lumen Point DR offers early IR exposure."), NULL,
    "info:wrong-program:lumen-dr", "ok" },
};

static const rule_row_t rank_inquiry_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, BODY ("I enjoyed Harbor IR. Could you tell me where you will rank me?"), NULL,
    "block:nrmp-rank-inquiry:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Will you rank me to match at Harbor IR?"), NULL,
    "block:nrmp-rank-inquiry:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I would like to know whether Harbor IR will rank me."), NULL,
    "block:nrmp-rank-inquiry:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Am I on your rank list at Harbor IR?"), NULL,
    "block:nrmp-rank-inquiry:harbor-ir", "block" },
  /* on a reply too */
  { NULL, NULL, NULL, NULL, "Re: Harbor IR interview", BODY ("Where do I stand on your rank list?"), NULL,
    "block:nrmp-rank-inquiry:harbor-ir", "block" },
  /* stating one's own ranking, or asking about something else */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I will rank Harbor IR highly."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Where will the Harbor IR interview take place?"), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("How do residents at Harbor IR rank the teaching?"), NULL, "", "ok" },
  /* in quoted text */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I will not ask that again at Harbor IR.\n\n> Will you rank me to match?"), NULL, "", "ok" },
  /* a waitlist is not a rank list */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Would you consider placing me on the interview waitlist at Harbor IR?"), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Could you please place me on the waitlist for Harbor IR interviews?"), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Please let me know if you put me on the Harbor IR waitlist."), NULL, "", "ok" },
  { "nrmp-rank-inquiry = off\n", NULL, NULL, NULL, NULL, BODY ("Will you rank me to match at Harbor IR?"), NULL, "", "ok" },
};

static const rule_row_t commitment_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, BODY ("If you rank me to match, I will rank Harbor IR #1."), NULL,
    "block:nrmp-commitment:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I commit to sign a contract with Harbor IR before the Match."), NULL,
    "block:nrmp-commitment:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I would gladly accept a pre-match offer from Harbor IR."), NULL,
    "block:nrmp-commitment:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I am ready to withdraw from the Match to join Harbor IR."), NULL,
    "block:nrmp-commitment:harbor-ir", "block" },
  /* the ambiguous recipient: every candidate is in the Match */
  { NULL, KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("If you rank me to match, I will rank you #1."), NULL,
    "block:nrmp-commitment:- warn:ambiguous-recipient:-", "block" },
  /* ... not when one candidate is outside the Match */
  { NULL, OAKHURST_ANY, NULL, NULL, NULL, COMMITTEE ("If you rank me to match, I will rank you #1."), NULL,
    "warn:ambiguous-recipient:-", "warn" },
  /* a program outside the Match */
  { NULL, OAKHURST_FELLOWSHIP, NULL, NULL, NULL,
    NOTE ("Dear Dr. Price,", "I commit to sign a contract with the Oakhurst Fellowship before the Match."), NULL, "", "ok" },
  /* commitment to a career, interest, a trade declined */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I am committed to a career in IR and would be thrilled to train at Harbor IR."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I will rank Harbor IR highly and I understand that the Match decides."), NULL, "", "ok" },
  /* a refused commitment is no promise */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I would never commit to sign a contract before the Match, but Harbor IR is great."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I will not sign a contract with Harbor IR before the Match."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I would not accept an offer from Harbor IR before the Match."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I won't withdraw from the Match; Harbor IR is great."), NULL, "", "ok" },
  /* a trade naming the program instead of "you" is still a trade */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I will rank Harbor IR first if Harbor IR ranks me to match."), NULL,
    "block:nrmp-commitment:harbor-ir", "block" },
  { "nrmp-commitment = warn\n", NULL, NULL, NULL, NULL, BODY ("I commit to sign with Harbor IR before the Match."), NULL,
    "warn:nrmp-commitment:harbor-ir", "warn" },
};

static const rule_row_t status_inquiry_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, BODY ("Have you had a chance to review my application to Harbor IR?"), NULL,
    "warn:status-inquiry:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Is there any update on my application to Harbor IR?"), NULL,
    "warn:status-inquiry:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I wanted to check on the status of my application to Harbor IR."), NULL,
    "warn:status-inquiry:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Has the committee seen my application yet? Harbor IR is my goal."), NULL,
    "warn:status-inquiry:harbor-ir", "warn" },
  /* thanks, an update, quoted */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Thank you for reviewing my application to Harbor IR."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I have updated my application in ERAS with my new Harbor IR observership."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY (UPDATE_TEXT "\n\n> Have you seen my application?"), NULL, "", "ok" },
};

static const rule_row_t tone_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR is my dream program."), NULL, "warn:tone-emotional:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Please give me a chance at Harbor IR."), NULL, "warn:tone-emotional:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("My entire life depends on your decision, Harbor IR."), NULL, "warn:tone-emotional:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I beg you to consider me for Harbor IR."), NULL, "warn:tone-emotional:harbor-ir", "warn" },
  /* ordinary words */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I hope Harbor IR will give me the opportunity to interview."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Thank you for giving me a chance to present my TACE work at Harbor IR."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("In my dream last night I was lost in the Harbor IR angio suite."), NULL, "", "ok" },
  /* quoted */
  { NULL, NULL, NULL, NULL, NULL, BODY (UPDATE_TEXT "\n\n> This is my dream program, please give me a chance"), NULL, "", "ok" },
  /* describing the world is not begging */
  { NULL, NULL, NULL, NULL, NULL, BODY ("After the earthquake devastated our region, I volunteered in IR at home; Harbor IR is great."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Rural patients in my country desperately need IR services, which is why Harbor IR appeals to me."), NULL, "", "ok" },
  { "tone-emotional = off\n", NULL, NULL, NULL, NULL, BODY ("Harbor IR is my dream program."), NULL, "", "ok" },
};

/* Harbor IR interviewed on 2026-11-10; its day ends 2026-11-11 00:00 EST.
 * Kestrel IR on 2026-10-31: its day ends 2026-11-01 00:00 EDT (04:00 UTC),
 * and the clocks go back that night, so 72 hours end 2026-11-03 23:00
 * EST.  Kestrel DR on 2027-03-13: its day ends 2027-03-14 00:00 EST
 * (05:00 UTC), the clocks go forward that night, so 72 hours end
 * 2027-03-17 01:00 EDT. */
#define THANKS(text) BODY ("Thank you for interviewing me at " text ". I enjoyed our conversation about TACE.")
#define THANKS_KESTREL_IR NOTE ("Dear Dr. Nwosu,", "Thank you for interviewing me at Kestrel Valley IR. I enjoyed our conversation.")
#define THANKS_KESTREL_DR NOTE ("Dear Dr. Dahl,", "Thank you for interviewing me at Kestrel Valley DR. I enjoyed our conversation.")

static const rule_row_t thank_you_late_rows[] = {
  /* 73 hours after the end of the interview day */
  { NULL, NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-14T01:00:00-05:00", "warn:thank-you-late:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-20T09:00:00-05:00", "warn:thank-you-late:harbor-ir", "warn" },
  /* 71 hours, exactly 72, the evening of the day itself */
  { NULL, NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-13T23:00:00-05:00", "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-14T00:00:00-05:00", "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-10T21:00:00-05:00", "", "ok" },
  /* across the end of daylight saving time: 73 real hours are 72 on the clock */
  { NULL, KESTREL_IR, NULL, NULL, NULL, THANKS_KESTREL_IR, "2026-11-04T00:00:00-05:00", "warn:thank-you-late:kestrel-ir", "warn" },
  { NULL, KESTREL_IR, NULL, NULL, NULL, THANKS_KESTREL_IR, "2026-11-03T22:00:00-05:00", "", "ok" },
  /* across the start of daylight saving time: 71.5 real hours are 72.5 on the clock */
  { NULL, KESTREL_DR, NULL, NULL, NULL, THANKS_KESTREL_DR, "2027-03-17T00:30:00-04:00", "", "ok" },
  { NULL, KESTREL_DR, NULL, NULL, NULL, THANKS_KESTREL_DR, "2027-03-17T02:00:00-04:00", "warn:thank-you-late:kestrel-dr", "warn" },
  /* an interview on 9999-12-31, the last day a GDateTime holds, ends
   * never (its end was NULL: tests/data/fuzz-regressions/config/interview-9999.conf) */
  { "interview = 9999-12-31\nrank_deadline = 9999-12-31\nmatch_day = 9999-12-31\n", NULL, NULL, NULL, NULL,
    THANKS ("Harbor IR"), "2026-11-20T09:00:00-05:00", "", "ok" },
  /* a program without an interview date */
  { NULL, PRAIRIE, NULL, NULL, NULL, NOTE ("Dear Dr. Ibarra,", "Thank you for interviewing me at Prairie Rose IR."),
    "2027-01-20T09:00:00-05:00", "", "ok" },
  /* not a thank-you note: an update long after the interview */
  { NULL, NULL, NULL, NULL, NULL, UPDATE, "2026-11-20T09:00:00-05:00", "", "ok" },
  /* a reply is of kind reply, not thank-you */
  { NULL, NULL, NULL, NULL, "Re: Harbor IR interview", THANKS ("Harbor IR"), "2026-11-20T09:00:00-05:00", "", "ok" },
  /* configured */
  { "thank-you-late = block\n", NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-20T09:00:00-05:00",
    "block:thank-you-late:harbor-ir", "block" },
  { "thank-you-late = off\n", NULL, NULL, NULL, NULL, THANKS ("Harbor IR"), "2026-11-20T09:00:00-05:00", "", "ok" },
};

static const rule_row_t cc_faculty_rows[] = {
  { NULL, HARBOR ", " HARBOR_PD ", " HARBOR_VOS, NULL, NULL, NULL, UPDATE, NULL, "warn:cc-faculty:harbor-ir", "warn" },
  { NULL, HARBOR, "Cc: " HARBOR_PD "\nBcc: " HARBOR_VOS ", nbrooks@harborbay.example.edu\n", NULL, NULL, UPDATE, NULL,
    "warn:cc-faculty:harbor-ir", "warn" },
  /* three addresses of the ambiguous program */
  { NULL, KESTREL_ANY ", a@kestrel-health.example.org, b@kestrel-health.example.org", NULL, NULL, NULL,
    COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL, "warn:cc-faculty:- warn:ambiguous-recipient:-", "warn" },
  /* two addresses: fine */
  { NULL, HARBOR ", " HARBOR_PD, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
  /* the same address twice is one address */
  { NULL, HARBOR ", " HARBOR_PD, "Cc: " HARBOR "\nBcc: icalloway@HarborBay.example.edu\n", NULL, NULL, UPDATE, NULL, "", "ok" },
  /* three recipients of two programs */
  { NULL, HARBOR ", " HARBOR_PD ", " PRAIRIE, NULL, NULL, NULL, UPDATE, NULL,
    "block:multiple-programs:- block:wrong-program:prairie-ir warn:generic-message:prairie-ir", "block" },
  /* the limit comes from [policy] */
  { "max_program_recipients = 3\n", HARBOR ", " HARBOR_PD ", " HARBOR_VOS, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
  { "max_program_recipients = 1\n", HARBOR ", " HARBOR_PD, NULL, NULL, NULL, UPDATE, NULL, "warn:cc-faculty:harbor-ir", "warn" },
  { "cc-faculty = off\n", HARBOR ", " HARBOR_PD ", " HARBOR_VOS, NULL, NULL, NULL, UPDATE, NULL, "", "ok" },
};

static const rule_row_t salutation_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hi,", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Imani,", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hello Nadia,", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("To whom it may concern:", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Sir/Madam,", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hey", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Calloway,", UPDATE_TEXT), NULL, "warn:salutation:harbor-ir", "warn" },
  /* titles, roles, committees */
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Dr. Calloway,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hi Dr. Vos,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Ms. Brooks,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Prof. Vos,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Selection Committee,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Program Director,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Harbor IR team,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Dear Dr.Calloway,", UPDATE_TEXT), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hello, Dr. Calloway,", UPDATE_TEXT), NULL, "", "ok" },
  /* no greeting at all is not judged */
  { NULL, NULL, NULL, NULL, NULL, UPDATE_TEXT SIG, NULL, "", "ok" },
  /* configured */
  { "salutation = block\n", NULL, NULL, NULL, NULL, NOTE ("Hi,", UPDATE_TEXT), NULL, "block:salutation:harbor-ir", "block" },
  { "salutation = off\n", NULL, NULL, NULL, NULL, NOTE ("Hi,", UPDATE_TEXT), NULL, "", "ok" },
};

static const rule_row_t generic_rows[] = {
  { NULL, NULL, NULL, NULL, NULL, BODY ("My abstract on TACE has been accepted at SIR."), NULL, "warn:generic-message:harbor-ir", "warn" },
  /* named only in the Subject is still generic */
  { NULL, NULL, NULL, NULL, "Application update - Harbor IR", BODY ("My abstract on TACE has been accepted at SIR."), NULL,
    "warn:generic-message:harbor-ir", "warn" },
  /* named only in the signature or in quoted text */
  { NULL, NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\nMy abstract on TACE has been accepted at SIR.\n\n-- \nTomas Abara, applicant to Harbor IR\nAAMC ID: 31415926\n",
    NULL, "warn:generic-message:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("My abstract on TACE has been accepted at SIR.\n\n> Harbor IR interview dates"), NULL,
    "warn:generic-message:harbor-ir", "warn" },
  /* named by alias, by full name, by a word only it uses */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR remains a program I admire."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("The Harbor Bay Interventional Radiology Residency remains a program I admire."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Your program at Harbor Bay remains one I admire."), NULL, "", "ok" },
  /* a reply need not name the program */
  { NULL, NULL, NULL, NULL, "Re: Interview invitation", BODY ("I will attend on November 10."), NULL, "", "ok" },
  /* the ambiguous program has no name to name */
  { NULL, KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL,
    "warn:ambiguous-recipient:-", "warn" },
  { "generic-message = off\n", NULL, NULL, NULL, NULL, BODY ("My abstract on TACE has been accepted at SIR."), NULL, "", "ok" },
};

static const rule_row_t track_rows[] = {
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("I am drawn to your integrated IR residency at Lumen Point DR."), NULL,
    "warn:track-mismatch:lumen-dr", "warn" },
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("Lumen Point DR: your integrated interventional radiology program fits me."), NULL,
    "warn:track-mismatch:lumen-dr", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I am drawn to your ESIR pathway at Harbor IR."), NULL, "warn:track-mismatch:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR and your early specialization in interventional radiology fit me."), NULL,
    "warn:track-mismatch:harbor-ir", "warn" },
  /* the right track */
  { NULL, LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("I am drawn to your ESIR pathway at Lumen Point DR."), NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I am drawn to your integrated IR residency at Harbor IR."), NULL, "", "ok" },
  /* a track in general, not the program's */
  { NULL, NULL, NULL, NULL, NULL, BODY ("At my home school I mentored students in the ESIR track; Harbor IR is great."), NULL, "", "ok" },
  /* a program of track other */
  { NULL, OAKHURST_FELLOWSHIP, NULL, NULL, NULL, NOTE ("Dear Dr. Price,", "Your integrated IR residency and your ESIR track at the Oakhurst Fellowship."), NULL, "", "ok" },
  /* saying the program has no ESIR track */
  { NULL, NULL, NULL, NULL, NULL, BODY ("I understand your program has no ESIR track; the Harbor IR integrated residency is my goal."), NULL, "", "ok" },
  { "track-mismatch = off\n", LUMEN, NULL, NULL, NULL, LUMEN_NOTE ("I am drawn to your integrated IR residency at Lumen Point DR."), NULL, "", "ok" },
};

/* Granite Falls IR interviewed on 2026-12-02 and asked not to be written
 * to afterwards. */
#define GRANITE_NOTE(text) NOTE ("Dear Dr. Moreau,", text)
#define GRANITE_UPDATE GRANITE_NOTE ("My abstract on TACE has been accepted at SIR; Granite Falls IR remains a program I admire.")

static const rule_row_t unwanted_contact_rows[] = {
  /* after the end of the interview day */
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_UPDATE, "2026-12-03T00:00:00-05:00", "warn:unwanted-contact:granite-ir", "warn" },
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_UPDATE, "2027-01-15T10:00:00-05:00", "warn:unwanted-contact:granite-ir", "warn" },
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_NOTE ("Thank you for interviewing me at Granite Falls IR."),
    "2026-12-03T10:00:00-05:00", "warn:unwanted-contact:granite-ir", "warn" },
  /* before it, and on the day itself */
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_UPDATE, "2026-12-01T10:00:00-05:00", "", "ok" },
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_UPDATE, "2026-12-02T23:59:59-05:00", "", "ok" },
  { NULL, GRANITE, NULL, NULL, NULL, GRANITE_NOTE ("Thank you for interviewing me at Granite Falls IR today."),
    "2026-12-02T18:00:00-05:00", "", "ok" },
  /* a reply to the program */
  { NULL, GRANITE, NULL, NULL, "Re: Your question", GRANITE_UPDATE, "2027-01-15T10:00:00-05:00", "", "ok" },
  /* a program that welcomes mail */
  { NULL, NULL, NULL, NULL, NULL, UPDATE, "2027-01-15T10:00:00-05:00", "", "ok" },
  { "unwanted-contact = block\n", GRANITE, NULL, NULL, NULL, GRANITE_UPDATE, "2026-12-03T00:00:00-05:00",
    "block:unwanted-contact:granite-ir", "block" },
};

static const rule_row_t ambiguous_rows[] = {
  { NULL, KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL,
    "warn:ambiguous-recipient:-", "warn" },
  { NULL, OAKHURST_ANY, NULL, NULL, NULL, COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL,
    "warn:ambiguous-recipient:-", "warn" },
  /* both programs named: still open */
  { NULL, KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("I applied to both Kestrel IR and Kestrel DR."), NULL,
    "warn:ambiguous-recipient:-", "warn" },
  /* decided by the text, the Subject, an exact address */
  { NULL, KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("Kestrel Valley IR remains a program I admire."), NULL, "", "ok" },
  { NULL, KESTREL_ANY, NULL, NULL, "Kestrel Valley DR - application update",
    COMMITTEE ("My abstract on TACE has been accepted at SIR; Kestrel Valley DR remains a program I admire."), NULL, "", "ok" },
  { NULL, KESTREL_DR, NULL, NULL, NULL, COMMITTEE ("My abstract on TACE has been accepted at SIR; Kestrel Valley DR is great."), NULL, "", "ok" },
  { "ambiguous-recipient = off\n", KESTREL_ANY, NULL, NULL, NULL, COMMITTEE ("My abstract on TACE has been accepted at SIR."), NULL, "", "ok" },
};

static const rule_row_t subject_rows[] = {
  { NULL, NULL, NULL, NULL, NO_SUBJECT, UPDATE, NULL, "warn:subject-missing:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, "", UPDATE, NULL, "warn:subject-missing:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, "   ", UPDATE, NULL, "warn:subject-missing:harbor-ir", "warn" },
  { NULL, NULL, NULL, NULL, "Update", UPDATE, NULL, "", "ok" },
  { NULL, NULL, NULL, NULL, "=?UTF-8?B?w4l0YXQgZGUgbWEgY2FuZGlkYXR1cmU=?=", UPDATE, NULL, "", "ok" },
  { "subject-missing = off\n", NULL, NULL, NULL, NO_SUBJECT, UPDATE, NULL, "", "ok" },
};

#define DEADLINE_NIGHT "2027-03-04T23:59:00-05:00"
#define AFTER_DEADLINE "2027-03-05T00:00:00-05:00"

static const rule_row_t after_deadline_rows[] = {
  /* intent, interest and update after the rank deadline: info, verdict ok */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR is one of my top choices."), AFTER_DEADLINE, "info:after-rank-deadline:harbor-ir", "ok" },
  { NULL, NULL, NULL, NULL, NULL, BODY ("I am very interested in Harbor IR."), "2027-03-10T09:00:00-05:00", "info:after-rank-deadline:harbor-ir", "ok" },
  { NULL, NULL, NULL, NULL, NULL, UPDATE, "2027-03-10T09:00:00-05:00", "info:after-rank-deadline:harbor-ir", "ok" },
  /* the evening of the deadline is before it */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Harbor IR is one of my top choices."), DEADLINE_NIGHT, "", "ok" },
  /* other kinds */
  { NULL, NULL, NULL, NULL, NULL, BODY ("Does Harbor IR offer research time?"), AFTER_DEADLINE, "", "ok" },
  { NULL, NULL, NULL, NULL, "Re: Harbor IR", BODY ("I am very interested in Harbor IR."), AFTER_DEADLINE, "", "ok" },
  { NULL, PRAIRIE, NULL, NULL, NULL, NOTE ("Dear Dr. Ibarra,", "Thank you for interviewing me at Prairie Rose IR."), AFTER_DEADLINE, "", "ok" },
  /* info plus a warning: the warning decides */
  { NULL, NULL, NULL, NULL, NULL, NOTE ("Hi,", "I am very interested in Harbor IR."), AFTER_DEADLINE,
    "warn:salutation:harbor-ir info:after-rank-deadline:harbor-ir", "warn" },
  { "after-rank-deadline = warn\n", NULL, NULL, NULL, NULL, UPDATE, AFTER_DEADLINE, "warn:after-rank-deadline:harbor-ir", "warn" },
  { "after-rank-deadline = off\n", NULL, NULL, NULL, NULL, UPDATE, AFTER_DEADLINE, "", "ok" },
  /* a deadline on 9999-12-31 is never passed (its end was NULL:
   * tests/data/fuzz-regressions/config/rank-deadline-9999.conf) */
  { "rank_deadline = 9999-12-31\nmatch_day = 9999-12-31\n", NULL, NULL, NULL, NULL, UPDATE, AFTER_DEADLINE, "", "ok" },
};

/* too-long rows are built in code (word counts). */

/* --- the verdict ----------------------------------------------------------- */

static const rule_row_t verdict_rows[] = {
  /* the worst severity wins */
  { NULL, NULL, NULL, NULL, NO_SUBJECT, NOTE ("Hi,", "Harbor IR is my dream program. [Your Name]"), NULL,
    "block:placeholder:harbor-ir warn:tone-emotional:harbor-ir warn:salutation:harbor-ir warn:subject-missing:harbor-ir", "block" },
  { NULL, NULL, NULL, NULL, NO_SUBJECT, NOTE ("Hi,", UPDATE_TEXT), NULL,
    "warn:salutation:harbor-ir warn:subject-missing:harbor-ir", "warn" },
  /* info never makes a verdict */
  { "salutation = info\nsubject-missing = info\n", NULL, NULL, NULL, NO_SUBJECT, NOTE ("Hi,", UPDATE_TEXT), NULL,
    "info:salutation:harbor-ir info:subject-missing:harbor-ir", "ok" },
  /* raising and lowering */
  { "salutation = block\n", NULL, NULL, NULL, NO_SUBJECT, NOTE ("Hi,", UPDATE_TEXT), NULL,
    "block:salutation:harbor-ir warn:subject-missing:harbor-ir", "block" },
  { "placeholder = warn\n", NULL, NULL, NULL, NULL, BODY ("I want to train at [Program Name]. Harbor IR is great."), NULL,
    "warn:placeholder:harbor-ir", "warn" },
};


/* --- tests ----------------------------------------------------------------- */

static void test_clean (void **state) { (void) state; RUN (clean_rows); }
static void test_first_choice_duplicate (void **state) { (void) state; RUN (first_choice_rows); }
static void test_applicant_id_missing (void **state) { (void) state; RUN (applicant_id_rows); }
static void test_applicant_id_wrong (void **state) { (void) state; RUN (applicant_id_wrong_rows); }
static void test_multiple_programs (void **state) { (void) state; RUN (multiple_programs_rows); }
static void test_placeholder (void **state) { (void) state; RUN (placeholder_rows); }
static void test_wrong_program (void **state) { (void) state; RUN (wrong_program_rows); }
static void test_nrmp_rank_inquiry (void **state) { (void) state; RUN (rank_inquiry_rows); }
static void test_nrmp_commitment (void **state) { (void) state; RUN (commitment_rows); }
static void test_status_inquiry (void **state) { (void) state; RUN (status_inquiry_rows); }
static void test_tone_emotional (void **state) { (void) state; RUN (tone_rows); }
static void test_thank_you_late (void **state) { (void) state; RUN (thank_you_late_rows); }
static void test_cc_faculty (void **state) { (void) state; RUN (cc_faculty_rows); }
static void test_salutation (void **state) { (void) state; RUN (salutation_rows); }
static void test_generic_message (void **state) { (void) state; RUN (generic_rows); }
static void test_track_mismatch (void **state) { (void) state; RUN (track_rows); }
static void test_unwanted_contact (void **state) { (void) state; RUN (unwanted_contact_rows); }
static void test_ambiguous_recipient (void **state) { (void) state; RUN (ambiguous_rows); }
static void test_subject_missing (void **state) { (void) state; RUN (subject_rows); }
static void test_after_rank_deadline (void **state) { (void) state; RUN (after_deadline_rows); }
static void test_verdict (void **state) { (void) state; RUN (verdict_rows); }

/* too-long: authored words over max_words (350); quoted text and the
 * signature do not count. */
static void
test_too_long (void **state)
{
  static const struct {
    const char *rules;
    guint authored;      /* words of authored filler */
    guint quoted;        /* words of quoted filler */
    guint signature;     /* words of signature filler */
    const char *findings;
    const char *verdict;
  } rows[] = {
    /* the frame below holds 12 authored words: 351 words, 350 */
    { NULL, 339, 0, 0, "info:too-long:harbor-ir", "ok" },
    { NULL, 600, 0, 0, "info:too-long:harbor-ir", "ok" },
    { NULL, 338, 0, 0, "", "ok" },
    { NULL, 100, 900, 0, "", "ok" },
    { NULL, 100, 0, 900, "", "ok" },
    { "too-long = warn\n", 600, 0, 0, "warn:too-long:harbor-ir", "warn" },
    { "too-long = off\n", 600, 0, 0, "", "ok" },
  };
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (GString) body = g_string_new ("Dear Dr. Calloway,\n\nHarbor IR remains a program I admire.\n\n");
      rule_row_t row = { rows[i].rules, NULL, NULL, NULL, NULL, NULL, NULL, rows[i].findings, rows[i].verdict };
      guint k;

      for (k = 0; k < rows[i].authored; k++)
        g_string_append (body, k % 12 == 11 ? "word\n" : "word ");
      g_string_append (body, "\n\nOn Mon, Oct 19, 2026 at 9:00 AM Nadia Brooks wrote:\n");
      for (k = 0; k < rows[i].quoted; k++)
        g_string_append (body, k % 12 == 11 ? "quoted\n> " : k == 0 ? "> quoted " : "quoted ");
      g_string_append (body, "\n\nBest regards,\n-- \nTomas Abara\nAAMC ID: 31415926\n");
      for (k = 0; k < rows[i].signature; k++)
        g_string_append (body, k % 12 == 11 ? "sig\n" : "sig ");
      row.body = body->str;
      if (!check_row ("too_long", i, &row))
        failures++;
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (rows));
}

/* A finding carries its excerpt, part and line from the original text. */
static void
test_finding_location (void **state)
{
  static const rule_row_t row = {
    NULL, NULL, NULL, NULL, NULL,
    "Dear Dr. Calloway,\n\nMy abstract has been accepted.\n\nHarbor IR is my\ndream   program.\n\nBest regards,\nTomas\nAAMC ID: 31415926\n",
    NULL, "warn:tone-emotional:harbor-ir", "warn",
  };
  g_autoptr (mg_message_t) message = NULL;
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  const mg_finding_t *f;

  (void) state;
  assert_true (check_row ("location", 0, &row));
  judgement = judge_row (&row, &message, &analysis);
  f = g_ptr_array_index (judgement->findings, 0);
  assert_string_equal (f->excerpt, "dream program");
  assert_string_equal (f->part, "1");
  assert_int_equal (f->line, 6);
  assert_non_null (strstr (f->message, "instead"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_clean),
    cmocka_unit_test (test_first_choice_duplicate),
    cmocka_unit_test (test_applicant_id_missing),
    cmocka_unit_test (test_applicant_id_wrong),
    cmocka_unit_test (test_multiple_programs),
    cmocka_unit_test (test_placeholder),
    cmocka_unit_test (test_wrong_program),
    cmocka_unit_test (test_nrmp_rank_inquiry),
    cmocka_unit_test (test_nrmp_commitment),
    cmocka_unit_test (test_status_inquiry),
    cmocka_unit_test (test_tone_emotional),
    cmocka_unit_test (test_thank_you_late),
    cmocka_unit_test (test_cc_faculty),
    cmocka_unit_test (test_salutation),
    cmocka_unit_test (test_generic_message),
    cmocka_unit_test (test_track_mismatch),
    cmocka_unit_test (test_unwanted_contact),
    cmocka_unit_test (test_ambiguous_recipient),
    cmocka_unit_test (test_subject_missing),
    cmocka_unit_test (test_after_rank_deadline),
    cmocka_unit_test (test_too_long),
    cmocka_unit_test (test_verdict),
    cmocka_unit_test (test_finding_location),
  };

  g_setenv ("TZ", "America/New_York", TRUE);
  tzset ();
  /* a GLib g_return_if_fail() that fails (a NULL GDateTime) is a bug */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  mg_gmime_init ();
  return cmocka_run_group_tests_name ("rules", tests, setup, teardown);
}
