/* test-rulebook.c - the rules and phrase sets as data (SPEC 5).
 *
 * Every phrase set compiles, every rule is described, rule ids and
 * severity names round-trip; the words stored beside each pattern are
 * the ones derived from it, and the prefilter they make agrees with
 * running every pattern.  The 25 ids below are copied from SPEC 5 by
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
 * the process in mg_phrase_regex() (g_error), which cmocka reports as a
 * failure. */
static void
test_phrase_sets_compile (void **state)
{
  int set;

  (void) state;
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      guint i;

      if (mg_phrases_count ((mg_phrases_t) set) == 0)
        fail_msg ("phrase set %d is empty", set);
      for (i = 0; i < mg_phrases_count ((mg_phrases_t) set); i++)
        {
          const mg_regex_t *regex = mg_phrase_regex ((mg_phrases_t) set, i);

          assert_non_null (regex);
          /* compiled once: the same regex every time */
          assert_ptr_equal (mg_phrase_regex ((mg_phrases_t) set, i), regex);
        }
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
      gboolean matched = FALSE;
      guint k;

      for (k = 0; k < mg_phrases_count (rows[i].set) && !matched; k++)
        {
          g_auto (mg_match_t) match = { 0 };

          matched = mg_regex_search (mg_phrase_regex (rows[i].set, k), norm, strlen (norm), 0,
                                     &match);
        }
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

/* --- required words (the prefilter) -------------------------------------- */

static char *
words_line (char **words)
{
  GString *line = g_string_new (NULL);
  char **w;

  if (words == NULL)
    return g_string_free (g_string_append (line, "ALWAYS"), FALSE);
  g_string_append (line, "WORDS (");
  for (w = words; *w != NULL; w++)
    {
      g_autofree char *escaped = g_strescape (*w, NULL);
      g_string_append_printf (line, "%s\"%s\"", w == words ? "" : ", ", escaped);
    }
  return g_string_free (g_string_append (line, ")"), FALSE);
}

/* The words stored beside each pattern are the ones derived from it: a
 * pattern edited without its words fails here, with the line to use. */
static void
test_phrase_words_derived (void **state)
{
  guint failures = 0;
  int set;

  (void) state;
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      guint i;

      for (i = 0; i < mg_phrases_count ((mg_phrases_t) set); i++)
        {
          g_auto (GStrv) derived = mg_phrase_required_words (mg_phrase_pattern ((mg_phrases_t) set, i));
          const char *const *stored = mg_phrase_words ((mg_phrases_t) set, i);
          gboolean same = (derived == NULL) == (stored == NULL)
                       && (derived == NULL || g_strv_equal ((const char *const *) derived, stored));

          if (!same)
            {
              g_autofree char *line = words_line (derived);
              print_error ("set %d pattern %u /%s/: the words should be %s\n", set, i,
                           mg_phrase_pattern ((mg_phrases_t) set, i), line);
              failures++;
            }
        }
    }
  if (failures > 0)
    fail_msg ("%u patterns with stale words", failures);
}

/* What the derivation makes of the syntax the patterns use. */
static void
test_required_words (void **state)
{
  static const struct {
    const char *pattern;
    const char *words;   /* the words joined by '|'; NULL: always runs */
  } rows[] = {
    { "\\bthank(?:s| you)\\b", "thank" },
    { "thank you|thanks|grateful", "thank you|thanks|grateful" },
    /* lookarounds and anchors consume nothing */
    { "(?<!not )\\brank me\\b(?! later)", "rank me" },
    { "^ (?:is|remains)\\b", " " },   /* as good as nothing: both words are common */
    /* optional parts are not required; the rarer word wins over "the" */
    { "\\b(?:very )?interested in the\\b", "interested in the" },
    { "\\bthe (?:[a-z]+ ){0,3}?interview\\b", "interview" },
    /* a repeated part needs one copy */
    { "x{4,}", "x" },
    { "(?:ab)+c", "ab" },
    { "\\?", "?" },
    { "\\{\\{[^{}\\n]{0,80}\\}\\}", "{{" },
    /* a word that contains another is implied by it */
    { "\\b(?:update|updates)\\b", "update" },
    { "\\b(?:update|updates) on\\b", "update on|updates on" },
    /* nothing to require */
    { "a*", NULL },
    { "[a-z]+", NULL },
    { "(?:dear|)x?", NULL },
    { "foo|[a-z]", NULL },
    /* syntax the derivation does not read: always run */
    { "(?i)thank you", NULL },
    { "\\p{L}+ you", NULL },
    { "(a)\\1", NULL },
  };
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_auto (GStrv) words = mg_phrase_required_words (rows[i].pattern);
      g_autofree char *joined = words != NULL ? g_strjoinv ("|", words) : NULL;

      if (g_strcmp0 (joined, rows[i].words) != 0)
        {
          print_error ("/%s/: %s, expected %s\n", rows[i].pattern, joined ? joined : "(always)",
                       rows[i].words ? rows[i].words : "(always)");
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (rows));
}

/* Does @set match @region's text, running only what the prefilter lets
 * through (@filtered), or every pattern? */
static gboolean
set_matches (mg_phrases_t set, const mg_region_t *region, gboolean filtered)
{
  const char *norm = region->norm->str;
  guint k;

  for (k = 0; k < mg_phrases_count (set); k++)
    {
      const mg_regex_t *regex = filtered ? mg_phrase_for (set, k, region, 0, region->norm->len)
                                         : mg_phrase_regex (set, k);
      g_auto (mg_match_t) match = { 0 };

      if (regex != NULL && mg_regex_search (regex, norm, region->norm->len, 0, &match))
        return TRUE;
    }
  return FALSE;
}

/* The prefilter looks for its words in the normalised text, as the
 * patterns do: wording that normalisation joins or splits is found or
 * missed by both alike. */
static void
test_prefilter_after_normalisation (void **state)
{
  static const struct {
    mg_phrases_t set;
    const char *text;
    gboolean matches;
  } rows[] = {
    /* a phrase split across a line break within a paragraph */
    { MG_PHRASES_INTENT_INTEREST, "I will rank your program\nvery highly.", TRUE },
    { MG_PHRASES_KIND_THANKS, "Thank\r\nyou for your time.", TRUE },
    { MG_PHRASES_STATUS_INQUIRY, "Have you had a chance to review\n   my application?", TRUE },
    /* ... but not across paragraphs: no space between the words */
    { MG_PHRASES_INTENT_INTEREST, "I will rank\n\nyour program highly.", FALSE },
    { MG_PHRASES_TONE_EMOTIONAL, "Please give me a\n\nchance.", FALSE },
    /* curly apostrophes and contractions */
    { MG_PHRASES_INTENT_INTEREST, "I\xe2\x80\x99m very interested in your program.", TRUE },
    { MG_PHRASES_INTENT_INTEREST, "I\xe2\x80\x99ll rank you highly.", TRUE },
    { MG_PHRASES_AFFIRMING_IDIOM, "I can\xe2\x80\x99t wait to hear from you.", TRUE },
    { MG_PHRASES_AFFIRMING_IDIOM, "I couldn't be happier.", TRUE },
    { MG_PHRASES_NEGATION, "I haven\xe2\x80\x99t decided.", TRUE },
    { MG_PHRASES_KIND_INTERVIEW_REF, "Thank you for yesterday\xe2\x80\x99s interview.", TRUE },
    { MG_PHRASES_TONE_EMOTIONAL, "I\xe2\x80\x99" "d do anything for this.", TRUE },
    /* dashes, case and spacing */
    { MG_PHRASES_KIND_THANKS, "A THANK\xe2\x80\x91YOU note", TRUE },
    { MG_PHRASES_COMMITMENT, "I would sign a pre\xe2\x80\x93match contract.", TRUE },
    { MG_PHRASES_COMMITMENT, "I would accept a pre\xe2\x80\x93match offer.", TRUE },
    { MG_PHRASES_RANK_INQUIRY, "Where   will   you   RANK   me?", TRUE },
    /* a required word inside a longer one: the pattern still decides */
    { MG_PHRASES_KIND_INTERVIEW_REF, "The interviewer was kind.", FALSE },
    { MG_PHRASES_TONE_EMOTIONAL, "A dreamy program.", FALSE },
    /* the words alone do not make a match */
    { MG_PHRASES_RANK_INQUIRY, "Rank me? You rank me highly, I hope.", FALSE },
    { MG_PHRASES_KIND_UPDATE, "My score.", FALSE },
  };
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      mg_region_t region;
      gboolean all, filtered;

      mg_region_init (&region);
      mg_region_append (&region, rows[i].text, strlen (rows[i].text), "1", 1, FALSE);
      all = set_matches (rows[i].set, &region, FALSE);
      filtered = set_matches (rows[i].set, &region, TRUE);
      if (all != rows[i].matches || filtered != all)
        {
          print_error ("row %u: set %d \"%s\" (\"%s\"): all patterns %d, filtered %d, expected %d\n",
                       i, rows[i].set, rows[i].text, region.norm->str, all, filtered, rows[i].matches);
          failures++;
        }
      mg_region_clear (&region);
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (rows));
}

/* The one pass that finds the words finds every word of every pattern
 * wherever it is: first, last (the text ending with it, where fewer than
 * four bytes are left), inside other text, after a word that shares its
 * first bytes. */
static void
test_prefilter_finds_every_word (void **state)
{
  static const char *const frames[] = { "%s", "x%s", "a b c %s", "%s d", "pr co in %s%s" };
  guint failures = 0, checked = 0;
  int set;

  (void) state;
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      guint i;

      for (i = 0; i < mg_phrases_count ((mg_phrases_t) set); i++)
        {
          const char *const *word = mg_phrase_words ((mg_phrases_t) set, i);

          for (; word != NULL && *word != NULL; word++)
            for (gsize f = 0; f < G_N_ELEMENTS (frames); f++)
              {
                mg_region_t region;
                /* the last frame puts the word's first half before it */
                g_autofree char *half = g_strndup (*word, strlen (*word) / 2);
                g_autofree char *text = f + 1 < G_N_ELEMENTS (frames)
                                        ? g_strdup_printf (frames[f], *word)
                                        : g_strdup_printf (frames[f], half, *word);

                mg_region_init (&region);
                g_string_assign (region.norm, text);   /* as normalised: the words are */
                if (!mg_phrase_may_match ((mg_phrases_t) set, i, &region, 0, region.norm->len))
                  {
                    print_error ("set %d pattern %u: word \"%s\" not found in \"%s\"\n",
                                 set, i, *word, text);
                    failures++;
                  }
                checked++;
                mg_region_clear (&region);
              }
        }
    }
  assert_true (checked > 1000);
  if (failures > 0)
    fail_msg ("%u of %u texts lost their word", failures, checked);
}

/* The prefilter reads only [from, to): a match run over a range needs its
 * words there.  What it found is kept with the region until its text
 * changes. */
static void
test_prefilter_range (void **state)
{
  const char *text = "thank you. i will rank you highly";
  gsize len = strlen (text);
  mg_region_t region;

  (void) state;
  mg_region_init (&region);
  mg_region_append (&region, text, len, "1", 1, FALSE);
  assert_string_equal (region.norm->str, text);
  assert_true (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 0, len));
  assert_non_null (region.found);
  assert_true (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 0, 9));
  assert_false (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 0, 8));
  assert_false (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 1, len));
  assert_false (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 10, len));
  assert_false (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 0, 5));
  assert_false (mg_phrase_may_match (MG_PHRASES_KIND_THANKS, 0, &region, 3, 3));
  assert_null (mg_phrase_for (MG_PHRASES_KIND_THANKS, 0, &region, 10, len));
  assert_ptr_equal (mg_phrase_for (MG_PHRASES_KIND_THANKS, 0, &region, 0, len),
                    mg_phrase_regex (MG_PHRASES_KIND_THANKS, 0));
  /* words of patterns no one has asked about yet are found too */
  assert_true (mg_phrase_may_match (MG_PHRASES_INTENT_INTEREST, 0, &region, 0, len));
  assert_false (mg_phrase_may_match (MG_PHRASES_TONE_EMOTIONAL, 0, &region, 0, len));

  /* appended text is searched again */
  mg_region_append (&region, "dream program", 13, "2", 1, FALSE);
  assert_null (region.found);
  assert_true (mg_phrase_may_match (MG_PHRASES_TONE_EMOTIONAL, 0, &region, 0, region.norm->len));
  assert_false (mg_phrase_may_match (MG_PHRASES_TONE_EMOTIONAL, 0, &region, 0, len));
  mg_region_clear (&region);
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
    cmocka_unit_test (test_phrase_words_derived),
    cmocka_unit_test (test_required_words),
    cmocka_unit_test (test_prefilter_after_normalisation),
    cmocka_unit_test (test_prefilter_finds_every_word),
    cmocka_unit_test (test_prefilter_range),
    cmocka_unit_test (test_word_lists),
  };
  return cmocka_run_group_tests_name ("rulebook", tests, NULL, NULL);
}
