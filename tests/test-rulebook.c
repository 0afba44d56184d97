/* test-rulebook.c - the rules and phrase sets as data (SPEC 5).
 *
 * Every phrase set compiles, every rule is described, rule ids and
 * severity names round-trip.  The 25 ids below are copied from SPEC 5 by
 * hand, not from the rulebook, so a renamed or missing rule fails here.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-rulebook.h"
#include "mg-text.h"

/* SPEC 5, in table order, with the default severities of its brackets. */
static const struct {
  const char *name;
  mg_rule_id_t id;
  mg_severity_t severity;
} spec_rules[] = {
  { "first-choice-duplicate", MG_RULE_FIRST_CHOICE_DUPLICATE, MG_SEVERITY_BLOCK },
  { "followup-limit", MG_RULE_FOLLOWUP_LIMIT, MG_SEVERITY_WARN },
  { "followup-too-soon", MG_RULE_FOLLOWUP_TOO_SOON, MG_SEVERITY_WARN },
  { "applicant-id-missing", MG_RULE_APPLICANT_ID_MISSING, MG_SEVERITY_BLOCK },
  { "applicant-id-wrong", MG_RULE_APPLICANT_ID_WRONG, MG_SEVERITY_BLOCK },
  { "multiple-programs", MG_RULE_MULTIPLE_PROGRAMS, MG_SEVERITY_BLOCK },
  { "placeholder", MG_RULE_PLACEHOLDER, MG_SEVERITY_BLOCK },
  { "wrong-program", MG_RULE_WRONG_PROGRAM, MG_SEVERITY_BLOCK },
  { "nrmp-rank-inquiry", MG_RULE_NRMP_RANK_INQUIRY, MG_SEVERITY_BLOCK },
  { "nrmp-commitment", MG_RULE_NRMP_COMMITMENT, MG_SEVERITY_BLOCK },
  { "status-inquiry", MG_RULE_STATUS_INQUIRY, MG_SEVERITY_WARN },
  { "tone-emotional", MG_RULE_TONE_EMOTIONAL, MG_SEVERITY_WARN },
  { "thank-you-late", MG_RULE_THANK_YOU_LATE, MG_SEVERITY_WARN },
  { "thank-you-duplicate", MG_RULE_THANK_YOU_DUPLICATE, MG_SEVERITY_WARN },
  { "followup-repeated", MG_RULE_FOLLOWUP_REPEATED, MG_SEVERITY_WARN },
  { "reschedule-repeated", MG_RULE_RESCHEDULE_REPEATED, MG_SEVERITY_WARN },
  { "cc-faculty", MG_RULE_CC_FACULTY, MG_SEVERITY_WARN },
  { "salutation", MG_RULE_SALUTATION, MG_SEVERITY_WARN },
  { "generic-message", MG_RULE_GENERIC_MESSAGE, MG_SEVERITY_WARN },
  { "track-mismatch", MG_RULE_TRACK_MISMATCH, MG_SEVERITY_WARN },
  { "unwanted-contact", MG_RULE_UNWANTED_CONTACT, MG_SEVERITY_WARN },
  { "ambiguous-recipient", MG_RULE_AMBIGUOUS_RECIPIENT, MG_SEVERITY_WARN },
  { "subject-missing", MG_RULE_SUBJECT_MISSING, MG_SEVERITY_WARN },
  { "after-rank-deadline", MG_RULE_AFTER_RANK_DEADLINE, MG_SEVERITY_INFO },
  { "too-long", MG_RULE_TOO_LONG, MG_SEVERITY_INFO },
};

/* Ids, enum order and default severities are those of SPEC 5. */
static void
test_rule_table_matches_spec (void **state)
{
  guint i, failures = 0;

  (void) state;
  assert_int_equal (G_N_ELEMENTS (spec_rules), MG_RULE_COUNT);
  for (i = 0; i < G_N_ELEMENTS (spec_rules); i++)
    {
      const mg_rule_info_t *info = mg_rule_info (spec_rules[i].id);

      if (info == NULL || g_strcmp0 (info->name, spec_rules[i].name) != 0)
        {
          print_error ("row %u: rule %d is named '%s', SPEC 5 says '%s'\n", i, spec_rules[i].id,
                       info ? info->name : "(null)", spec_rules[i].name);
          failures++;
          continue;
        }
      if (info->severity != spec_rules[i].severity)
        {
          print_error ("row %u: %s defaults to %s, SPEC 5 says %s\n", i, info->name,
                       mg_severity_name (info->severity),
                       mg_severity_name (spec_rules[i].severity));
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u of %zu rules differ from SPEC 5", failures, G_N_ELEMENTS (spec_rules));
}

/* Every rule has a name, a one-line summary and a reason that says what to
 * do instead: non-empty, one line, a full sentence for the reason. */
static void
test_rule_descriptions (void **state)
{
  int i;
  guint failures = 0;

  (void) state;
  for (i = 0; i < MG_RULE_COUNT; i++)
    {
      const mg_rule_info_t *info = mg_rule_info ((mg_rule_id_t) i);
      gsize len;

      if (info == NULL || info->name == NULL || info->name[0] == '\0'
          || info->summary == NULL || info->summary[0] == '\0'
          || info->reason == NULL || info->reason[0] == '\0')
        {
          print_error ("rule %d: name, summary or reason missing\n", i);
          failures++;
          continue;
        }
      len = strlen (info->reason);
      if (strchr (info->summary, '\n') != NULL || strchr (info->reason, '\n') != NULL)
        {
          print_error ("%s: summary or reason spans lines\n", info->name);
          failures++;
        }
      if (!g_ascii_isupper (info->reason[0]) || info->reason[len - 1] != '.')
        {
          print_error ("%s: reason is not a sentence: \"%s\"\n", info->name, info->reason);
          failures++;
        }
      /* rule ids are lower-case words joined by '-' */
      if (strspn (info->name, "abcdefghijklmnopqrstuvwxyz-") != strlen (info->name))
        {
          print_error ("%s: not a lower-case id\n", info->name);
          failures++;
        }
      if (info->severity == MG_SEVERITY_OFF)
        {
          print_error ("%s: default severity is off\n", info->name);
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u problems in rule descriptions", failures);
}

static void
test_rule_names_distinct (void **state)
{
  int i, k;

  (void) state;
  for (i = 0; i < MG_RULE_COUNT; i++)
    for (k = i + 1; k < MG_RULE_COUNT; k++)
      if (strcmp (mg_rule_info ((mg_rule_id_t) i)->name, mg_rule_info ((mg_rule_id_t) k)->name) == 0)
        fail_msg ("rules %d and %d share the name %s", i, k, mg_rule_info ((mg_rule_id_t) i)->name);
}

static void
test_rule_from_name_round_trips (void **state)
{
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (spec_rules); i++)
    {
      mg_rule_id_t rule = MG_RULE_COUNT;

      if (!mg_rule_from_name (spec_rules[i].name, &rule))
        fail_msg ("mg_rule_from_name(\"%s\") failed", spec_rules[i].name);
      assert_int_equal (rule, spec_rules[i].id);
      assert_string_equal (mg_rule_info (rule)->name, spec_rules[i].name);
    }
}

static void
test_rule_from_name_rejects (void **state)
{
  static const char *const unknown[] = {
    "", "first-choice", "first_choice_duplicate", "First-Choice-Duplicate", "TOO-LONG",
    " too-long", "too-long ", "too-long\n", "toolong", "warnings", "all", "placeholders",
    "followup-limit-x", "x-followup-limit", "thank-you", "intent", "block",
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      mg_rule_id_t rule = MG_RULE_COUNT;

      if (mg_rule_from_name (unknown[i], &rule))
        fail_msg ("mg_rule_from_name(\"%s\") accepted an unknown id (%d)", unknown[i], rule);
      assert_int_equal (rule, MG_RULE_COUNT);   /* untouched */
    }
  assert_false (mg_rule_from_name (NULL, &(mg_rule_id_t) { 0 }));
}

static void
test_severity_names (void **state)
{
  static const struct {
    const char *name;
    gboolean ok;
    mg_severity_t severity;
  } rows[] = {
    { "off", TRUE, MG_SEVERITY_OFF },
    { "info", TRUE, MG_SEVERITY_INFO },
    { "warn", TRUE, MG_SEVERITY_WARN },
    { "block", TRUE, MG_SEVERITY_BLOCK },
    { "warning", FALSE, 0 },
    { "error", FALSE, 0 },
    { "ok", FALSE, 0 },
    { "", FALSE, 0 },
    { "Block", FALSE, 0 },      /* the config lower-cases values itself */
    { "block ", FALSE, 0 },
    { NULL, FALSE, 0 },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      mg_severity_t severity = (mg_severity_t) 42;
      gboolean ok = mg_severity_from_name (rows[i].name, &severity);

      if (ok != rows[i].ok)
        fail_msg ("row %u: mg_severity_from_name(\"%s\") = %d", i,
                  rows[i].name ? rows[i].name : "(null)", ok);
      if (ok)
        {
          assert_int_equal (severity, rows[i].severity);
          assert_string_equal (mg_severity_name (severity), rows[i].name);
        }
      else
        assert_int_equal (severity, 42);
    }
  /* the ordering the verdict relies on */
  assert_true (MG_SEVERITY_OFF < MG_SEVERITY_INFO);
  assert_true (MG_SEVERITY_INFO < MG_SEVERITY_WARN);
  assert_true (MG_SEVERITY_WARN < MG_SEVERITY_BLOCK);
}

/* Every phrase set compiles and is not empty.  A bad pattern would abort
 * the process in mg_phrases() (g_error), which cmocka reports as a
 * failure. */
static void
test_phrase_sets_compile (void **state)
{
  int set;

  (void) state;
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      GPtrArray *patterns = mg_phrases ((mg_phrases_t) set);
      guint i;

      if (patterns == NULL || patterns->len == 0)
        fail_msg ("phrase set %d is empty", set);
      for (i = 0; i < patterns->len; i++)
        assert_non_null (g_ptr_array_index (patterns, i));
      /* compiled once: the same array every time */
      assert_ptr_equal (mg_phrases ((mg_phrases_t) set), patterns);
    }
}

/* Each set matches a phrase it exists for, written as a user would and
 * normalised as the analysis does: a set that compiles but never matches
 * (a typo in an escape) fails here. */
static void
test_phrase_sets_match (void **state)
{
  static const struct {
    mg_phrases_t set;
    const char *text;
    gboolean matches;
  } rows[] = {
    { MG_PHRASES_INTENT_FIRST, "I intend to rank your program #1.", TRUE },
    { MG_PHRASES_INTENT_FIRST, "Harbor IR is my top choice.", TRUE },
    { MG_PHRASES_INTENT_FIRST, "I intend to rank your program highly.", FALSE },
    { MG_PHRASES_INTENT_STRONG, "You are among my top choices.", TRUE },
    { MG_PHRASES_INTENT_STRONG, "You are my top choice.", FALSE },
    { MG_PHRASES_INTENT_INTEREST, "I will rank your program highly.", TRUE },
    { MG_PHRASES_INTENT_INTEREST, "I am very interested in your program.", TRUE },
    { MG_PHRASES_INTENT_INTEREST, "Interesting cases were presented.", FALSE },
    { MG_PHRASES_NEGATION, "I have not yet decided", TRUE },
    { MG_PHRASES_NEGATION, "I have decided", FALSE },
    { MG_PHRASES_HYPOTHETICAL, "I wonder whether", TRUE },
    /* matched right after an intent phrase, so the text starts with its space */
    { MG_PHRASES_NEGATION_AFTER, "\x01 is still open", TRUE },
    { MG_PHRASES_NEGATION_AFTER, "\x01 is my passion", FALSE },
    { MG_PHRASES_CLAUSE_BREAK, "undecided, but", TRUE },
    { MG_PHRASES_CONDITIONAL_TRADE, "If you rank me to match, I will rank you #1.", TRUE },
    { MG_PHRASES_CONDITIONAL_TRADE, "I will rank you #1.", FALSE },
    { MG_PHRASES_KIND_RESCHEDULE, "Would it be possible to reschedule my interview?", TRUE },
    { MG_PHRASES_KIND_SCHEDULING, "I am happy to confirm my interview on November 10.", TRUE },
    { MG_PHRASES_KIND_THANKS, "Thank you for your time.", TRUE },
    { MG_PHRASES_KIND_INTERVIEW_REF, "Thank you for interviewing me yesterday.", TRUE },
    { MG_PHRASES_KIND_UPDATE, "My abstract has been accepted at SIR.", TRUE },
    { MG_PHRASES_KIND_INQUIRY, "Do you sponsor H-1B visas?", TRUE },
    { MG_PHRASES_RANK_INQUIRY, "Could you tell me where you will rank me?", TRUE },
    { MG_PHRASES_RANK_INQUIRY, "I will rank you highly.", FALSE },
    { MG_PHRASES_COMMITMENT, "I commit to sign a contract before the Match.", TRUE },
    { MG_PHRASES_COMMITMENT, "I am committed to a career in IR.", FALSE },
    { MG_PHRASES_STATUS_INQUIRY, "Have you had a chance to review my application?", TRUE },
    { MG_PHRASES_STATUS_INQUIRY, "Thank you for reviewing my application.", FALSE },
    { MG_PHRASES_TONE_EMOTIONAL, "This is my dream program; please give me a chance.", TRUE },
    { MG_PHRASES_TONE_EMOTIONAL, "I dreamed of a career in medicine.", FALSE },
    { MG_PHRASES_TRACK_INTEGRATED, "your integrated IR residency", TRUE },
    { MG_PHRASES_TRACK_ESIR, "your ESIR pathway", TRUE },
    { MG_PHRASES_GREETING, "Dear Dr. Roe", TRUE },
    { MG_PHRASES_GREETING, "Thank you", FALSE },
    { MG_PHRASES_PLACEHOLDER, "AAMC ID: XXXXXXXX", TRUE },
    { MG_PHRASES_PLACEHOLDER, "Dear {{first_name}}", TRUE },
    { MG_PHRASES_PLACEHOLDER, "Exxon, taxi", FALSE },
    { MG_PHRASES_BRACKETED, "[Your Name]", TRUE },
    { MG_PHRASES_BRACKETED, "no brackets here", FALSE },
    { MG_PHRASES_APPLICANT_ID, "AAMC ID: 3141 5926", TRUE },
    { MG_PHRASES_APPLICANT_ID, "ECFMG 3141 5926", FALSE },
  };
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      /* "\x01" marks text used as it is, not normalised */
      g_autofree char *norm = rows[i].text[0] == '\x01' ? g_strdup (rows[i].text + 1)
                                                       : mg_text_normalize (rows[i].text);
      GPtrArray *patterns = mg_phrases (rows[i].set);
      gboolean matched = FALSE;
      guint k;

      for (k = 0; k < patterns->len && !matched; k++)
        matched = g_regex_match (g_ptr_array_index (patterns, k), norm, 0, NULL);
      if (matched != rows[i].matches)
        {
          print_error ("row %u: set %d %s \"%s\"\n", i, rows[i].set,
                       matched ? "matches" : "does not match", rows[i].text);
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (rows));
}

/* The word lists are NULL-terminated, lower-case and non-empty. */
static void
test_word_lists (void **state)
{
  const char *const *const lists[] = {
    mg_placeholder_words, mg_editorial_marks, mg_greeting_titles, mg_greeting_roles,
    mg_greeting_nobody,
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      const char *const *word;
      guint n = 0;

      for (word = lists[i]; *word != NULL; word++, n++)
        {
          g_autofree char *lower = g_utf8_strdown (*word, -1);
          assert_true ((*word)[0] != '\0');
          assert_string_equal (lower, *word);
        }
      assert_true (n > 0);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rule_table_matches_spec),
    cmocka_unit_test (test_rule_descriptions),
    cmocka_unit_test (test_rule_names_distinct),
    cmocka_unit_test (test_rule_from_name_round_trips),
    cmocka_unit_test (test_rule_from_name_rejects),
    cmocka_unit_test (test_severity_names),
    cmocka_unit_test (test_phrase_sets_compile),
    cmocka_unit_test (test_phrase_sets_match),
    cmocka_unit_test (test_word_lists),
  };
  return cmocka_run_group_tests_name ("rulebook", tests, NULL, NULL);
}
