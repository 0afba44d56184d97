/* rules.c - the rules of SPEC 5 that need no history, and the verdict.
 *
 * Each rule is a function over the analysis that adds findings; the
 * patterns they use live in rulebook.c.  A rule whose configured severity
 * is "off", or that cannot apply to this message (no program, a reply, no
 * interview date), returns before touching any text, so its patterns are
 * never compiled.  The rules that read the ledger are in
 * rules-history.c.
 */
#include "config.h"

#include <string.h>

#include "mg-localtime.h"
#include "rules-private.h"

void
mg_finding_free (mg_finding_t *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->program_id);
  g_free (finding->message);
  g_free (finding->excerpt);
  g_free (finding->part);
  g_free (finding);
}

void
mg_judgement_free (mg_judgement_t *judgement)
{
  if (judgement == NULL)
    return;
  g_ptr_array_unref (judgement->findings);
  g_ptr_array_unref (judgement->overrides);
  if (judgement->fingerprint != NULL)
    g_bytes_unref (judgement->fingerprint);
  g_free (judgement);
}

const char *
mg_verdict_name (mg_severity_t verdict)
{
  return verdict == MG_SEVERITY_BLOCK ? "block" : verdict == MG_SEVERITY_WARN ? "warn" : "ok";
}

gboolean
judge_enabled (const judge_t *j, mg_rule_id_t rule)
{
  return mg_config_severity (j->config, rule) != MG_SEVERITY_OFF;
}

/* Adds a finding.  @what says what is wrong; the rulebook's reason, what
 * to do instead, follows it.  @span may be NULL. */
void
judge_add_finding (judge_t *j, mg_rule_id_t rule, mg_severity_t severity,
             const mg_program_t *program, const mg_span_t *span, const char *what)
{
  mg_finding_t *finding = g_new0 (mg_finding_t, 1);
  const char *reason = mg_rule_info (rule)->reason;

  finding->rule = rule;
  finding->severity = severity;
  finding->program_id = program != NULL ? g_strdup (program->id) : NULL;
  finding->message = g_strdup_printf ("%s: %c%s", what, g_ascii_tolower (reason[0]), reason + 1);
  if (span != NULL && span->region != NULL)
    {
      const char *part = NULL;
      finding->excerpt = mg_region_locate (span->region, span->start, span->end, &part,
                                           &finding->line);
      finding->part = g_strdup (part);
    }
  g_ptr_array_add (j->findings, finding);
}

void
judge_add (judge_t *j, mg_rule_id_t rule, const mg_program_t *program, const mg_span_t *span,
     const char *what)
{
  judge_add_finding (j, rule, mg_config_severity (j->config, rule), program, span, what);
}

/* The program a message-level finding is about: the recipient program
 * when there is exactly one. */
const mg_program_t *
judge_only_program (const judge_t *j)
{
  GPtrArray *groups = j->analysis->groups;

  if (groups->len == 1)
    return ((mg_program_group_t *) g_ptr_array_index (groups, 0))->program;
  return NULL;
}

static char *
program_list (GPtrArray *groups)
{
  GString *list = g_string_new (NULL);
  guint i;

  for (i = 0; i < groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (groups, i);
      if (list->len > 0)
        g_string_append (list, i + 1 == groups->len ? " and " : ", ");
      g_string_append (list, group->program != NULL ? group->program->id
                                                    : "a program of unknown identity");
    }
  return g_string_free (list, FALSE);
}

/* --- days and times (SPEC 4a) ------------------------------------------ */

/* The end of day @date in the local time zone: midnight starting the next
 * day; NULL when that is outside what a GDateTime holds (years 1 to 9999,
 * UTC): callers take such a day as never reached. */
GDateTime *
judge_end_of_day (const GDate *date)
{
  return mg_local_day_start (g_date_get_year (date), g_date_get_month (date),
                             g_date_get_day (date) + 1);
}

static gboolean
after_day (GDateTime *at, const GDate *date)
{
  g_autoptr (GDateTime) end = NULL;

  if (!g_date_valid (date))
    return FALSE;
  end = judge_end_of_day (date);
  return end != NULL && g_date_time_compare (at, end) >= 0;
}

gboolean
judge_after_interview (GDateTime *at, const mg_program_t *program)
{
  return program->has_interview && after_day (at, &program->interview);
}

/* --- core rules ---------------------------------------------------------- */

static void
rule_multiple_programs (judge_t *j)
{
  g_autofree char *list = NULL;
  g_autofree char *what = NULL;

  if (!judge_enabled (j, MG_RULE_MULTIPLE_PROGRAMS) || j->analysis->groups->len < 2)
    return;
  list = program_list (j->analysis->groups);
  what = g_strdup_printf ("This message goes to %u programs (%s)", j->analysis->groups->len, list);
  judge_add (j, MG_RULE_MULTIPLE_PROGRAMS, NULL, NULL, what);
}

static void
rule_first_choice_duplicate (judge_t *j)
{
  g_autofree char *list = NULL;
  g_autofree char *what = NULL;

  if (!judge_enabled (j, MG_RULE_FIRST_CHOICE_DUPLICATE) || j->analysis->intent != MG_INTENT_FIRST
      || j->analysis->groups->len < 2)
    return;
  list = program_list (j->analysis->groups);
  what = g_strdup_printf ("One message states #1 intent to %u programs (%s)",
                          j->analysis->groups->len, list);
  judge_add (j, MG_RULE_FIRST_CHOICE_DUPLICATE, NULL, &j->analysis->intent_span, what);
}

/* Calls @fn for every match of @set in the regions the ID and placeholder
 * rules read: authored text, signature and Subject (SPEC 4a). */
typedef void (*match_fn) (judge_t *j, const mg_region_t *region, const mg_match_t *match, gpointer data);

static void
each_match (judge_t *j, mg_phrases_t set, match_fn fn, gpointer data)
{
  const mg_region_t *regions[] = {
    &j->analysis->authored, &j->analysis->signature, &j->analysis->subject
  };
  gsize r;
  guint i;

  for (r = 0; r < G_N_ELEMENTS (regions); r++)
    for (i = 0; i < mg_phrases_count (set); i++)
      {
        g_auto (mg_match_t) match = { 0 };
        const mg_regex_t *regex;

        if (regions[r]->norm->len == 0)
          continue;
        regex = mg_phrase_for (set, i, regions[r], 0, regions[r]->norm->len);
        if (regex == NULL)
          continue;   /* a word every match needs is missing */
        mg_regex_search (regex, regions[r]->norm->str, regions[r]->norm->len, 0, &match);
        while (mg_match_matches (&match))
          {
            fn (j, regions[r], &match, data);
            mg_match_next (&match);
          }
      }
}

static char *
digits_only (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (; *text != '\0'; text++)
    if (g_ascii_isdigit (*text))
      g_string_append_c (digits, *text);
  return g_string_free (digits, FALSE);
}

typedef struct {
  gboolean own_id_seen;
  gboolean labelled_seen;
  mg_span_t wrong;         /* the first labelled ID that is not the applicant's */
  char *wrong_id;
} id_scan_t;

static void
scan_labelled_id (judge_t *j, const mg_region_t *region, const mg_match_t *match, gpointer data)
{
  id_scan_t *scan = data;
  g_autofree char *group = mg_match_fetch (match, 1);
  g_autofree char *digits = digits_only (group);
  int s, e;

  scan->labelled_seen = TRUE;
  if (j->config->aamc_id == NULL || strcmp (digits, j->config->aamc_id) == 0)
    {
      scan->own_id_seen = TRUE;
      return;
    }
  if (scan->wrong.region == NULL)
    {
      mg_match_span (match, 0, &s, &e);
      scan->wrong.region = region;
      scan->wrong.start = s;
      scan->wrong.end = e;
      scan->wrong_id = g_steal_pointer (&digits);
    }
}

/* The applicant's own ID anywhere, digits possibly grouped by spaces or
 * hyphens, not part of a longer number. */
static gboolean
own_id_present (const mg_region_t *region, const char *id)
{
  const char *p = region->norm->str, *stop = p + region->norm->len;

  for (; p < stop; p++)
    {
      const char *q = p;
      const char *want = id;

      if (*p != id[0] || (p > region->norm->str && g_ascii_isdigit (p[-1])))
        continue;
      while (*want != '\0' && q < stop)
        {
          if (*q == *want)
            {
              want++;
              q++;
            }
          else if ((*q == ' ' || *q == '-') && want != id && q + 1 < stop && q[1] == *want)
            q++;
          else
            break;
        }
      if (*want == '\0' && (q >= stop || !g_ascii_isdigit (*q))
          && !(q + 1 < stop && (*q == ' ' || *q == '-') && g_ascii_isdigit (q[1])))
        return TRUE;
    }
  return FALSE;
}

static void
rule_applicant_id (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  id_scan_t scan = { 0 };
  mg_severity_t severity;

  if (!judge_enabled (j, MG_RULE_APPLICANT_ID_MISSING) && !judge_enabled (j, MG_RULE_APPLICANT_ID_WRONG))
    return;
  each_match (j, MG_PHRASES_APPLICANT_ID, scan_labelled_id, &scan);
  if (!scan.own_id_seen && j->config->aamc_id != NULL)
    scan.own_id_seen = own_id_present (&a->authored, j->config->aamc_id)
                    || own_id_present (&a->signature, j->config->aamc_id)
                    || own_id_present (&a->subject, j->config->aamc_id);

  if (scan.wrong.region != NULL && judge_enabled (j, MG_RULE_APPLICANT_ID_WRONG))
    {
      g_autofree char *what = g_strdup_printf ("The AAMC ID %s in this message is not yours (%s)",
                                               scan.wrong_id, j->config->aamc_id);
      judge_add (j, MG_RULE_APPLICANT_ID_WRONG, judge_only_program (j), &scan.wrong, what);
    }
  else if (!scan.own_id_seen && scan.wrong.region == NULL && judge_enabled (j, MG_RULE_APPLICANT_ID_MISSING))
    {
      /* SPEC 5: block on unsolicited mail, warn on a reply; a configured
       * severity replaces both */
      if (j->config->severity_set[MG_RULE_APPLICANT_ID_MISSING])
        severity = j->config->severity[MG_RULE_APPLICANT_ID_MISSING];
      else
        severity = a->is_reply ? MG_SEVERITY_WARN : MG_SEVERITY_BLOCK;
      judge_add_finding (j, MG_RULE_APPLICANT_ID_MISSING, severity, judge_only_program (j), NULL,
                   a->is_reply ? "This reply carries no AAMC ID"
                               : "This unsolicited message carries no AAMC ID");
    }
  g_free (scan.wrong_id);
}

/* --- placeholders -------------------------------------------------------- */

static gboolean
in_list (const char *const *list, const char *word, gsize len)
{
  for (; *list != NULL; list++)
    if (strlen (*list) == len && strncmp (*list, word, len) == 0)
      return TRUE;
  return FALSE;
}

/* Is the inside of [...] or {...} template wording (SPEC 4a)?  Citations
 * ([1], [2-4]), editorial marks ([sic]) and links are not. */
static gboolean
is_template_wording (const char *inside)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (inside));
  const char *p;
  gboolean has_letter = FALSE, has_slash_alternatives;

  if (in_list (mg_editorial_marks, trimmed, strlen (trimmed)))
    return FALSE;
  if (strstr (trimmed, "://") != NULL || strchr (trimmed, '@') != NULL
      || strstr (trimmed, "www.") != NULL)
    return FALSE;
  for (p = trimmed; *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      has_letter = TRUE;
  if (!has_letter)
    return FALSE;   /* [1], [2, 3], [4-6] */

  /* "[J-1/H-1B]", "[his/her]": alternatives to choose from */
  has_slash_alternatives = strchr (trimmed, '/') != NULL && strchr (trimmed, ' ') == NULL;
  if (has_slash_alternatives)
    return TRUE;

  p = trimmed;
  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (*p != '\0' && (g_ascii_isalnum (*p) || *p == '.' || *p == '\'' || *p == '-'))
        p++;
      if (p > start)
        {
          gsize len = p - start;
          while (len > 0 && (start[len - 1] == '.' || start[len - 1] == '\''))
            len--;   /* "e.g." -> "e.g", "director's" stays */
          if (in_list (mg_placeholder_words, start, len)
              || in_list (mg_placeholder_words, start, p - start))
            return TRUE;
        }
    }
  return FALSE;
}

static void
scan_placeholder (judge_t *j, const mg_region_t *region, const mg_match_t *match, gpointer data)
{
  gboolean bracketed = GPOINTER_TO_INT (data);
  mg_span_t span = { region, 0, 0 };
  int s, e;

  if (j->findings->len > 64)
    return;   /* a hostile message: enough said */
  if (bracketed)
    {
      g_autofree char *inside = mg_match_fetch (match, 1);
      if (!is_template_wording (inside))
        return;
    }
  mg_match_span (match, 0, &s, &e);
  span.start = s;
  span.end = e;
  judge_add (j, MG_RULE_PLACEHOLDER, judge_only_program (j), &span, "Template text was left unfilled");
}

static void
rule_placeholder (judge_t *j)
{
  if (!judge_enabled (j, MG_RULE_PLACEHOLDER))
    return;
  each_match (j, MG_PHRASES_PLACEHOLDER, scan_placeholder, GINT_TO_POINTER (FALSE));
  each_match (j, MG_PHRASES_BRACKETED, scan_placeholder, GINT_TO_POINTER (TRUE));
}

/* --- wording rules ------------------------------------------------------- */

static void
phrase_rule (judge_t *j, mg_rule_id_t rule, mg_phrases_t set, const char *what)
{
  mg_span_t span;

  if (!judge_enabled (j, rule))
    return;
  if (mg_find_phrase (&j->analysis->authored, set, TRUE, &span))
    judge_add (j, rule, judge_only_program (j), &span, what);
}

/* Is @group's program, or every candidate of the ambiguous group, in the
 * NRMP Match? */
static gboolean
group_in_match (const mg_program_group_t *group)
{
  guint i;

  if (group->program != NULL)
    return group->program->nrmp;
  for (i = 0; i < group->candidates->len; i++)
    if (!((const mg_program_t *) g_ptr_array_index (group->candidates, i))->nrmp)
      return FALSE;
  return group->candidates->len > 0;
}

static void
rule_nrmp_commitment (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  mg_span_t span;
  guint i;

  if (!judge_enabled (j, MG_RULE_NRMP_COMMITMENT))
    return;
  if (a->trade_span.region != NULL)
    span = a->trade_span;
  else if (!mg_find_phrase (&a->authored, MG_PHRASES_COMMITMENT, TRUE, &span))
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      if (group_in_match (group))
        judge_add (j, MG_RULE_NRMP_COMMITMENT, group->program, &span,
             a->trade_span.region != NULL ? "This message offers to trade rank positions"
                                          : "This message promises a commitment outside the Match");
    }
}

static void
rule_track_mismatch (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint i;

  if (!judge_enabled (j, MG_RULE_TRACK_MISMATCH))
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      const mg_program_t *program = group->program;
      mg_span_t span;

      if (program == NULL)
        continue;
      if (program->track == MG_TRACK_DR_ESIR
          && mg_find_phrase (&a->authored, MG_PHRASES_TRACK_INTEGRATED, TRUE, &span))
        judge_add (j, MG_RULE_TRACK_MISMATCH, program, &span,
             "This message to a DR/ESIR program speaks of its integrated IR residency");
      else if (program->track == MG_TRACK_IR_INTEGRATED
               && mg_find_phrase (&a->authored, MG_PHRASES_TRACK_ESIR, TRUE, &span))
        judge_add (j, MG_RULE_TRACK_MISMATCH, program, &span,
             "This message to an integrated IR program speaks of its ESIR track");
    }
}

/* --- programs named ------------------------------------------------------ */

/* Words of program names that say nothing about which program is meant. */
static const char *const generic_name_words[] = {
  "interventional", "radiology", "diagnostic", "residency", "program", "programme", "ir", "dr",
  "esir", "vir", "integrated", "independent", "categorical", "university", "medical", "medicine",
  "college", "school", "hospital", "hospitals", "health", "healthcare", "general", "memorial",
  "regional", "institute", "center", "centre", "research", "fellowship", "vascular", "and", "of",
  "the", "at", "in", "for", "department", "system", "clinic", "city", "saint", "st", "st.",
  "north", "south", "east", "west", "new", "mount", "mt", NULL
};

/* TRUE if @text names @program by its name or an alias, or by a word of
 * its name that no other program of the registry uses ("Westbrook" for
 * "Westbrook Memorial IR").  The lenient half keeps "never names the
 * program" and "names another program instead" from firing on a text that
 * plainly speaks of the recipient. */
static gboolean
names_program (const mg_config_t *config, const mg_region_t *text, GArray *mentions,
               const mg_program_t *program)
{
  guint i, k;
  char **name;

  for (i = 0; i < mentions->len; i++)
    if (g_array_index (mentions, mg_mention_t, i).program == program)
      return TRUE;
  if (text->norm->len == 0)
    return FALSE;

  for (name = program->names_norm; name != NULL && *name != NULL; name++)
    {
      g_auto (GStrv) words = g_strsplit (*name, " ", -1);
      for (k = 0; words[k] != NULL; k++)
        {
          const char *word = words[k];
          const char *hit;

          if (strlen (word) < 4 || in_list (generic_name_words, word, strlen (word))
              || mg_registry_word_elsewhere (config->registry, word, program))
            continue;
          for (hit = strstr (text->norm->str, word); hit != NULL; hit = strstr (hit + 1, word))
            if (mg_text_is_word_at (text->norm->str, text->norm->len, hit - text->norm->str,
                                    strlen (word)))
              return TRUE;
        }
    }
  return FALSE;
}

static const mg_mention_t *
other_program_mention (GArray *mentions, const mg_program_group_t *group)
{
  guint i;

  for (i = 0; i < mentions->len; i++)
    {
      const mg_mention_t *m = &g_array_index (mentions, mg_mention_t, i);
      if (m->program != group->program)
        return m;
    }
  return NULL;
}

/* Does @text (an addressee) start with a title: "dr. roe", "dr roe",
 * "dr.roe", "professor"? */
static gboolean
starts_with_title (const char *text, gsize len)
{
  const char *const *title;

  while (len > 0 && *text == ' ')
    {
      text++;
      len--;
    }
  for (title = mg_greeting_titles; *title != NULL; title++)
    {
      gsize n = strlen (*title);
      if (n <= len && strncmp (text, *title, n) == 0
          && (n == len || !g_ascii_isalpha (text[n]) || (*title)[n - 1] == '.'))
        return TRUE;
    }
  return FALSE;
}

/* The greeting at the start of the authored text: the span of the whole
 * greeting and of what follows the greeting word (the addressee). */
gboolean
judge_find_greeting (const mg_analysis_t *a, mg_span_t *line, mg_span_t *addressee)
{
  const mg_region_t *text = &a->authored;
  g_auto (mg_match_t) match = { 0 };
  const char *norm = text->norm->str;
  gsize end = 0, next;
  const mg_regex_t *regex;
  int s, e;

  if (text->norm->len == 0)
    return FALSE;
  /* up to the first comma, colon or line break: "hi helen, i hope..." */
  while (end < text->norm->len && strchr (",:;!\n", norm[end]) == NULL)
    end++;
  regex = mg_phrase_for (MG_PHRASES_GREETING, 0, text, 0, end);
  if (regex == NULL || !mg_regex_search (regex, norm, end, 0, &match))
    return FALSE;
  mg_match_span (&match, 0, &s, &e);
  *line = (mg_span_t) { text, s, e };
  mg_match_span (&match, 1, &s, &e);
  *addressee = (mg_span_t) { text, s, e };

  /* "Hello, Dr. Calloway," puts the addressee after the comma */
  if (s == e && end + 1 < text->norm->len && norm[end] == ',')
    {
      next = end + 1;
      while (next < text->norm->len && strchr (",:;!\n", norm[next]) == NULL)
        next++;
      if (starts_with_title (norm + end + 1, next - end - 1))
        {
          *addressee = (mg_span_t) { text, end + 1, next };
          line->end = next;
        }
    }
  return TRUE;
}

static gboolean
has_contact_named (const mg_program_t *program, const char *last_name)
{
  guint i;

  for (i = 0; i < program->contacts->len; i++)
    if (g_strcmp0 (((const mg_contact_t *) g_ptr_array_index (program->contacts, i))->last_name,
                   last_name) == 0)
      return TRUE;
  return FALSE;
}

/* "Dear Dr. Feld" to a program where no Dr. Feld works: the contact of
 * another program whose last name the greeting uses, or NULL. */
static const mg_contact_t *
greeted_contact_elsewhere (const judge_t *j, const mg_span_t *addressee,
                           const mg_program_t *recipient, const mg_program_t **elsewhere)
{
  const char *text = addressee->region->norm->str + addressee->start;
  gsize len = addressee->end - addressee->start;
  g_autoptr(GArray) named = mg_registry_find_last_names (j->config->registry, text, len);
  guint i;

  for (i = 0; i < named->len; i++)
    {
      const mg_contact_ref_t *ref = &g_array_index (named, mg_contact_ref_t, i);

      if (ref->program != recipient && !has_contact_named (recipient, ref->contact->last_name))
        {
          *elsewhere = ref->program;
          return ref->contact;
        }
    }
  return NULL;
}

static void
rule_wrong_program (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  mg_span_t greeting, addressee;
  gboolean has_greeting;
  guint i;

  if (!judge_enabled (j, MG_RULE_WRONG_PROGRAM))
    return;
  has_greeting = judge_find_greeting (a, &greeting, &addressee);
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      const mg_mention_t *other;
      const mg_region_t *where = &a->authored;
      gboolean self_named;

      if (group->program == NULL)
        continue;
      other = other_program_mention (a->mentions, group);
      if (other == NULL)
        {
          other = other_program_mention (a->subject_mentions, group);
          where = &a->subject;
        }
      self_named = names_program (j->config, &a->authored, a->mentions, group->program)
                || names_program (j->config, &a->subject, a->subject_mentions, group->program);
      if (other != NULL)
        {
          mg_span_t span = { where, other->start, other->end };
          g_autofree char *what = g_strdup_printf (
              self_named ? "This message to %s also names %s"
                         : "This message to %s names %s and not the program it goes to",
              group->program->id, other->program->id);
          judge_add_finding (j, MG_RULE_WRONG_PROGRAM,
                       self_named ? MIN (MG_SEVERITY_WARN, mg_config_severity (j->config, MG_RULE_WRONG_PROGRAM))
                                  : mg_config_severity (j->config, MG_RULE_WRONG_PROGRAM),
                       group->program, &span, what);
          continue;
        }
      if (has_greeting)
        {
          const mg_program_t *elsewhere = NULL;
          const mg_contact_t *contact = greeted_contact_elsewhere (j, &addressee, group->program,
                                                                   &elsewhere);
          if (contact != NULL)
            {
              g_autofree char *what = g_strdup_printf (
                  "The greeting addresses %s of %s, not of %s",
                  contact->name ? contact->name : contact->address, elsewhere->id,
                  group->program->id);
              judge_add (j, MG_RULE_WRONG_PROGRAM, group->program, &greeting, what);
            }
        }
    }
}

static void
rule_generic_message (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint i;

  if (!judge_enabled (j, MG_RULE_GENERIC_MESSAGE) || a->is_reply)
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      if (group->program != NULL
          && !names_program (j->config, &a->authored, a->mentions, group->program))
        {
          g_autofree char *what = g_strdup_printf ("This unsolicited message never names %s",
                                                   group->program->name);
          judge_add (j, MG_RULE_GENERIC_MESSAGE, group->program, NULL, what);
        }
    }
}

/* --- recipients and form ------------------------------------------------- */

static void
rule_cc_faculty (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint limit = (guint) j->config->policy.max_program_recipients;
  guint i;

  if (!judge_enabled (j, MG_RULE_CC_FACULTY))
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      if (group->recipients->len > limit)
        {
          g_autofree char *what = g_strdup_printf ("%u addresses of %s are on this message (limit %u)",
                                                   group->recipients->len,
                                                   group->program ? group->program->id : "one program",
                                                   limit);
          judge_add (j, MG_RULE_CC_FACULTY, group->program, NULL, what);
        }
    }
}

static void
rule_ambiguous_recipient (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint i, k;

  if (!judge_enabled (j, MG_RULE_AMBIGUOUS_RECIPIENT))
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      g_autoptr (GString) what = NULL;

      if (group->program != NULL)
        continue;
      what = g_string_new (NULL);
      for (k = 0; k < group->recipients->len; k++)
        g_string_append_printf (what, "%s%s", k ? ", " : "",
                                (char *) g_ptr_array_index (group->recipients, k));
      g_string_append (what, k > 1 ? " could each belong to " : " could belong to ");
      for (k = 0; k < group->candidates->len; k++)
        g_string_append_printf (what, "%s%s", k ? " or " : "",
                                ((const mg_program_t *) g_ptr_array_index (group->candidates, k))->id);
      judge_add (j, MG_RULE_AMBIGUOUS_RECIPIENT, NULL, NULL, what->str);
    }
}

static gboolean
word_in (const char *const *list, const char *text, gsize len)
{
  g_auto (GStrv) words = NULL;
  g_autofree char *copy = g_strndup (text, len);
  guint i;

  g_strdelimit (copy, "/&", ' ');
  words = g_strsplit (copy, " ", -1);
  for (i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && in_list (list, words[i], strlen (words[i])))
      return TRUE;
  return FALSE;
}

static void
rule_salutation (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  mg_span_t line, addressee;
  g_autofree char *who = NULL;
  gboolean polite;

  if (!judge_enabled (j, MG_RULE_SALUTATION) || !judge_find_greeting (a, &line, &addressee))
    return;
  who = g_strstrip (g_strndup (a->authored.norm->str + addressee.start,
                               addressee.end - addressee.start));
  if (g_str_has_prefix (a->authored.norm->str + line.start, "to whom")
      || who[0] == '\0' || word_in (mg_greeting_nobody, who, strlen (who)))
    polite = FALSE;
  else if (starts_with_title (who, strlen (who)))
    polite = TRUE;
  else
    {
      GArray *mentions = mg_registry_find_mentions (j->config->registry, who, strlen (who));
      polite = word_in (mg_greeting_roles, who, strlen (who)) || mentions->len > 0;
      g_array_unref (mentions);
    }
  if (!polite)
    judge_add (j, MG_RULE_SALUTATION, judge_only_program (j), &line, "The greeting has no title");
}

static void
rule_subject_missing (judge_t *j)
{
  const char *subject = j->analysis->message->subject;

  if (!judge_enabled (j, MG_RULE_SUBJECT_MISSING))
    return;
  if (subject == NULL)
    judge_add (j, MG_RULE_SUBJECT_MISSING, judge_only_program (j), NULL, "This message has no Subject header");
  else if (*subject == '\0' || j->analysis->subject.norm->len == 0)
    judge_add (j, MG_RULE_SUBJECT_MISSING, judge_only_program (j), NULL, "This message has an empty Subject");
}

static void
rule_too_long (judge_t *j)
{
  const mg_region_t *text = &j->analysis->authored;
  guint words;
  g_autofree char *what = NULL;

  if (!judge_enabled (j, MG_RULE_TOO_LONG))
    return;
  words = mg_text_count_words (text->norm->str, text->norm->len);
  if (words <= (guint) j->config->policy.max_words)
    return;
  what = g_strdup_printf ("The authored text has %u words (limit %d)", words,
                          j->config->policy.max_words);
  judge_add (j, MG_RULE_TOO_LONG, judge_only_program (j), NULL, what);
}

/* --- rules that need only the date --------------------------------------- */

static void
rule_thank_you_late (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint i;

  if (!judge_enabled (j, MG_RULE_THANK_YOU_LATE) || a->kind != MG_KIND_THANK_YOU)
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_t *program = ((mg_program_group_t *) g_ptr_array_index (a->groups, i))->program;
      g_autoptr (GDateTime) end = NULL;
      g_autoptr (GDateTime) deadline = NULL;

      if (program == NULL || !program->has_interview)
        continue;
      end = judge_end_of_day (&program->interview);
      if (end == NULL)
        continue;
      /* NULL past year 9999: never late */
      deadline = g_date_time_add_hours (end, j->config->policy.thank_you_within_hours);
      if (deadline != NULL && g_date_time_compare (j->at, deadline) > 0)
        {
          GTimeSpan late = g_date_time_difference (j->at, end);
          g_autofree char *what = g_strdup_printf (
              "This thank-you note goes %ld hours after the end of the interview day at %s (limit %d)",
              (long) (late / G_TIME_SPAN_HOUR), program->id, j->config->policy.thank_you_within_hours);
          judge_add (j, MG_RULE_THANK_YOU_LATE, program, NULL, what);
        }
    }
}

static void
rule_unwanted_contact (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  guint i;

  if (!judge_enabled (j, MG_RULE_UNWANTED_CONTACT) || a->is_reply)
    return;
  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_t *program = ((mg_program_group_t *) g_ptr_array_index (a->groups, i))->program;
      if (program != NULL && !program->post_interview_contact && judge_after_interview (j->at, program))
        {
          g_autofree char *what = g_strdup_printf (
              "%s asked applicants not to write after the interview", program->id);
          judge_add (j, MG_RULE_UNWANTED_CONTACT, program, NULL, what);
        }
    }
}

static void
rule_after_rank_deadline (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  g_autofree char *what = NULL;
  char date[16];

  if (!judge_enabled (j, MG_RULE_AFTER_RANK_DEADLINE)
      || (a->kind != MG_KIND_INTENT && a->kind != MG_KIND_INTEREST && a->kind != MG_KIND_UPDATE)
      || !after_day (j->at, &j->config->rank_deadline))
    return;
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &j->config->rank_deadline);
  what = g_strdup_printf ("This %s message goes after the rank list deadline (%s)",
                          mg_kind_name (a->kind), date);
  judge_add (j, MG_RULE_AFTER_RANK_DEADLINE, judge_only_program (j),
       a->intent_span.region != NULL ? &a->intent_span : NULL, what);
}

/* --- the engine ---------------------------------------------------------- */

static int
compare_findings (gconstpointer a, gconstpointer b)
{
  const mg_finding_t *fa = *(mg_finding_t *const *) a;
  const mg_finding_t *fb = *(mg_finding_t *const *) b;

  return (int) fa->rule - (int) fb->rule;
}

mg_judgement_t *
mg_rules_judge (const mg_analysis_t *analysis, GDateTime *at, const GPtrArray *history)
{
  static void (*const rules[]) (judge_t *) = {
    rule_first_choice_duplicate,
    rule_applicant_id,
    rule_multiple_programs,
    rule_placeholder,
    rule_wrong_program,
    NULL,   /* nrmp-rank-inquiry: phrase rule below */
    rule_nrmp_commitment,
    rule_thank_you_late,
    rule_cc_faculty,
    rule_salutation,
    rule_generic_message,
    rule_track_mismatch,
    rule_unwanted_contact,
    rule_ambiguous_recipient,
    rule_subject_missing,
    rule_after_rank_deadline,
    rule_too_long,
  };
  mg_judgement_t *judgement = g_new0 (mg_judgement_t, 1);
  judge_t j = { analysis, analysis->config, at, g_date_time_to_unix (at), history, NULL };
  gsize i;

  judgement->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_finding_free);
  judgement->overrides = g_ptr_array_new_with_free_func (g_free);
  j.findings = judgement->findings;
  if (mg_analysis_is_program_mail (analysis))
    {
      for (i = 0; i < G_N_ELEMENTS (rules); i++)
        {
          if (rules[i] != NULL)
            rules[i] (&j);
          else
            {
              phrase_rule (&j, MG_RULE_NRMP_RANK_INQUIRY, MG_PHRASES_RANK_INQUIRY,
                           "This message asks the program how it will rank you");
              phrase_rule (&j, MG_RULE_STATUS_INQUIRY, MG_PHRASES_STATUS_INQUIRY,
                           "This message asks about the status of your application");
              phrase_rule (&j, MG_RULE_TONE_EMOTIONAL, MG_PHRASES_TONE_EMOTIONAL,
                           "This message pleads or dramatises");
            }
        }
      if (history != NULL)
        judgement->fingerprint = judge_history (&j);
    }

  g_ptr_array_sort (judgement->findings, compare_findings);   /* stable: SPEC 5 order */
  mg_judgement_update_verdict (judgement);
  return judgement;
}

void
mg_judgement_update_verdict (mg_judgement_t *judgement)
{
  guint i;

  judgement->verdict = MG_SEVERITY_OFF;
  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *finding = g_ptr_array_index (judgement->findings, i);
      if (finding->severity >= MG_SEVERITY_WARN && finding->severity > judgement->verdict)
        judgement->verdict = finding->severity;
    }
}

static gboolean
is_allowed (const mg_finding_t *finding, const char *const *allowed)
{
  const char *name = mg_rule_info (finding->rule)->name;
  const char *const *item;

  for (item = allowed; *item != NULL; item++)
    {
      g_auto (GStrv) names = g_strsplit_set (*item, ", \t", -1);
      char **n;

      for (n = names; *n != NULL; n++)
        if (g_ascii_strcasecmp (*n, name) == 0
            || (g_ascii_strcasecmp (*n, "warnings") == 0 && finding->severity == MG_SEVERITY_WARN))
          return TRUE;
    }
  return FALSE;
}

void
mg_judgement_allow (mg_judgement_t *judgement, const char *const *allowed)
{
  guint i;

  if (allowed == NULL)
    return;
  for (i = 0; i < judgement->findings->len; i++)
    {
      mg_finding_t *finding = g_ptr_array_index (judgement->findings, i);
      const char *name = mg_rule_info (finding->rule)->name;

      if (finding->severity < MG_SEVERITY_WARN || !is_allowed (finding, allowed))
        continue;
      finding->severity = MG_SEVERITY_INFO;
      if (!g_ptr_array_find_with_equal_func (judgement->overrides, name, g_str_equal, NULL))
        g_ptr_array_add (judgement->overrides, g_strdup (name));
    }
  mg_judgement_update_verdict (judgement);
}
