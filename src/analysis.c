/* analysis.c - what a message says and to whom (SPEC 4, 4a).
 *
 * The message's lines, already classified by mg-quote, are normalised into
 * three regions: authored text, signature and Subject.  Recipients are
 * matched against the registry, a shared domain being decided by the
 * program the text names.  Then the intent level (the highest stated in
 * authored text, negated, hypothetical and conditional statements left
 * out) and the kind (SPEC 4a order, first match wins).
 */
#include "config.h"

#include <string.h>

#include "mg-analysis.h"
#include "mg-registry.h"
#include "mg-rulebook.h"

static void
program_group_free (gpointer data)
{
  mg_program_group_t *group = data;

  g_ptr_array_unref (group->recipients);
  g_ptr_array_unref (group->candidates);
  g_free (group);
}

static void
build_regions (mg_analysis_t *analysis)
{
  const mg_message_t *message = analysis->message;
  guint i;

  mg_region_init (&analysis->authored);
  mg_region_init (&analysis->signature);
  mg_region_init (&analysis->subject);

  for (i = 0; i < message->parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (message->parts, i);
      guint n_lines = part->line_start->len;
      guint line = 0;

      while (line < n_lines)
        {
          guint8 cls = g_array_index (part->line_class, guint8, line);
          guint end = line + 1;
          gsize from, to;
          mg_region_t *region;

          while (end < n_lines && g_array_index (part->line_class, guint8, end) == cls)
            end++;
          if (cls == MG_LINE_AUTHORED)
            region = &analysis->authored;
          else if (cls == MG_LINE_SIGNATURE)
            region = &analysis->signature;
          else
            region = NULL;
          if (region != NULL)
            {
              from = g_array_index (part->line_start, gsize, line);
              to = end < n_lines ? g_array_index (part->line_start, gsize, end) : part->len;
              mg_region_append (region, part->text + from, to - from, part->part_id,
                                (int) line + 1, part->delsp);
            }
          line = end;
        }
    }

  if (message->subject != NULL)
    mg_region_append (&analysis->subject, message->subject, strlen (message->subject),
                      "subject", 1, FALSE);
}

static gboolean
mentioned (GArray *mentions, const mg_program_t *program)
{
  guint i;

  for (i = 0; i < mentions->len; i++)
    if (g_array_index (mentions, mg_mention_t, i).program == program)
      return TRUE;
  return FALSE;
}

static mg_program_group_t *
group_for (GPtrArray *groups, const mg_program_t *program)
{
  mg_program_group_t *group;
  guint i;

  for (i = 0; i < groups->len; i++)
    {
      group = g_ptr_array_index (groups, i);
      if (group->program == program)
        return group;
    }
  group = g_new0 (mg_program_group_t, 1);
  group->program = program;
  group->recipients = g_ptr_array_new_with_free_func (g_free);
  group->candidates = g_ptr_array_new ();
  g_ptr_array_add (groups, group);
  return group;
}

static void
add_candidate (mg_program_group_t *group, const mg_program_t *program)
{
  if (!g_ptr_array_find (group->candidates, program, NULL))
    g_ptr_array_add (group->candidates, (gpointer) program);
}

/* Registry order for named programs, the ambiguous group last, so output
 * and findings come out in a stable order. */
static int
compare_groups (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const mg_program_group_t *ga = *(mg_program_group_t *const *) a;
  const mg_program_group_t *gb = *(mg_program_group_t *const *) b;
  guint ia = ga->program != NULL ? ga->program->order : G_MAXUINT;
  guint ib = gb->program != NULL ? gb->program->order : G_MAXUINT;

  (void) user_data;
  return ia < ib ? -1 : ia > ib;
}

/* A shared-domain address next to the exact address of one of its
 * candidate programs belongs to that program: writing to Northgate IR's
 * director and its departmental address is one program, not two. */
static void
settle_ambiguous (GPtrArray *groups)
{
  mg_program_group_t *ambiguous = NULL, *decided = NULL;
  guint i, n_decided = 0;

  for (i = 0; i < groups->len; i++)
    {
      mg_program_group_t *group = g_ptr_array_index (groups, i);
      if (group->program == NULL)
        ambiguous = group;
    }
  if (ambiguous == NULL)
    return;
  for (i = 0; i < groups->len; i++)
    {
      mg_program_group_t *group = g_ptr_array_index (groups, i);
      if (group->program != NULL && g_ptr_array_find (ambiguous->candidates, group->program, NULL))
        {
          decided = group;
          n_decided++;
        }
    }
  if (n_decided != 1)
    return;
  for (i = 0; i < ambiguous->recipients->len; i++)
    g_ptr_array_add (decided->recipients, g_strdup (g_ptr_array_index (ambiguous->recipients, i)));
  g_ptr_array_remove (groups, ambiguous);
}

static void
resolve_recipients (mg_analysis_t *analysis, const char *const *envelope)
{
  const mg_registry_t *registry = analysis->config->registry;
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  g_autoptr (GPtrArray) addresses = g_ptr_array_new ();
  /* lower-case addresses already placed: an address always lands in the
   * same group, so a repeat (in any case) adds nothing; a set keeps
   * 100,000 recipients linear */
  g_autoptr (GHashTable) placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i, j;

  if (envelope != NULL && envelope[0] != NULL)
    for (i = 0; envelope[i] != NULL; i++)
      g_ptr_array_add (addresses, (gpointer) envelope[i]);
  else
    for (i = 0; i < analysis->message->recipients->len; i++)
      g_ptr_array_add (addresses, g_ptr_array_index (analysis->message->recipients, i));

  for (i = 0; i < addresses->len; i++)
    {
      const char *address = g_ptr_array_index (addresses, i);
      g_autofree char *lower = g_ascii_strdown (address, -1);
      const mg_program_t *chosen = NULL;
      guint n_named = 0;
      mg_program_group_t *group;

      if (!g_hash_table_add (placed, g_strdup (lower)))
        continue;
      g_ptr_array_set_size (candidates, 0);
      if (mg_registry_match_address (registry, lower, candidates) == 0)
        continue;
      if (candidates->len == 1)
        chosen = g_ptr_array_index (candidates, 0);
      else
        for (j = 0; j < candidates->len; j++)
          {
            const mg_program_t *program = g_ptr_array_index (candidates, j);
            if (mentioned (analysis->mentions, program)
                || mentioned (analysis->subject_mentions, program))
              {
                chosen = program;
                n_named++;
              }
          }
      if (n_named > 1)
        chosen = NULL;

      group = group_for (analysis->groups, chosen);
      g_ptr_array_add (group->recipients, g_steal_pointer (&lower));
      if (chosen == NULL)
        for (j = 0; j < candidates->len; j++)
          add_candidate (group, g_ptr_array_index (candidates, j));
    }
  settle_ambiguous (analysis->groups);
  g_ptr_array_sort_with_data (analysis->groups, compare_groups, (gpointer) registry);
}

/* --- phrase search ------------------------------------------------------- */

/* Each caller runs pattern @i of a set over [from, to) only when
 * mg_phrase_for() says it may match there: most patterns cannot match
 * most texts, and a missing required word is far cheaper to find. */

/* Does @set match the substring [from, to) of @region's text, taken as a
 * string of its own (^ at its start)? */
static gboolean
any_match (mg_phrases_t set, const mg_region_t *region, gsize from, gsize to)
{
  guint i;

  for (i = 0; i < mg_phrases_count (set); i++)
    {
      const mg_regex_t *regex = mg_phrase_for (set, i, region, from, to);
      g_auto (mg_match_t) match = { 0 };

      if (regex != NULL && mg_regex_search (regex, region->norm->str + from, to - from, 0, &match))
        return TRUE;
    }
  return FALSE;
}

/* Start of the clause that holds byte @pos: after the last sentence
 * punctuation, line break or clause-breaking word before it. */
static gsize
clause_start (const mg_region_t *region, gsize pos)
{
  const char *norm = region->norm->str;
  gsize start = pos;
  guint i;

  while (start > 0 && strchr (".!?;:\n", norm[start - 1]) == NULL)
    start--;
  /* "dr. roe" and "no. 1" are not sentence ends, but stopping there only
   * shortens the clause: fewer cues, never more */
  for (i = 0; i < mg_phrases_count (MG_PHRASES_CLAUSE_BREAK); i++)
    {
      const mg_regex_t *regex = mg_phrase_for (MG_PHRASES_CLAUSE_BREAK, i, region, start, pos);
      g_auto (mg_match_t) match = { 0 };

      if (regex == NULL)
        continue;
      mg_regex_search (regex, norm, pos, start, &match);
      while (mg_match_matches (&match))
        {
          int s, e;
          mg_match_span (&match, 0, &s, &e);
          if ((gsize) e > start && (gsize) e <= pos)
            start = e;
          mg_match_next (&match);
        }
    }
  return start;
}

/* Does a negation cue stand in [from, to) of @norm, other than inside an
 * affirming idiom ("i cannot wait to tell you")? */
static gboolean
negation_in (const mg_region_t *region, gsize from, gsize to)
{
  const char *norm = region->norm->str;
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (int) * 2);
  guint i, k;

  for (k = 0; k < mg_phrases_count (MG_PHRASES_AFFIRMING_IDIOM); k++)
    {
      const mg_regex_t *regex = mg_phrase_for (MG_PHRASES_AFFIRMING_IDIOM, k, region, from, to);
      g_auto (mg_match_t) match = { 0 };

      if (regex == NULL)
        continue;
      mg_regex_search (regex, norm, to, from, &match);
      for (; mg_match_matches (&match); mg_match_next (&match))
        {
          int span[2];
          mg_match_span (&match, 0, &span[0], &span[1]);
          g_array_append_val (spans, span);
        }
    }
  for (i = 0; i < mg_phrases_count (MG_PHRASES_NEGATION); i++)
    {
      const mg_regex_t *regex = mg_phrase_for (MG_PHRASES_NEGATION, i, region, from, to);
      g_auto (mg_match_t) match = { 0 };

      if (regex == NULL)
        continue;
      mg_regex_search (regex, norm, to, from, &match);
      for (; mg_match_matches (&match); mg_match_next (&match))
        {
          gboolean idiom = FALSE;
          int s, e;

          mg_match_span (&match, 0, &s, &e);
          for (k = 0; k < spans->len && !idiom; k++)
            {
              const int *span = &g_array_index (spans, int, 2 * k);
              idiom = span[0] <= s && e <= span[1];
            }
          if (!idiom)
            return TRUE;
        }
    }
  return FALSE;
}

/* Is the match [start, end) negated in its clause, or (with @hypothetical)
 * made hypothetical? */
static gboolean
is_negated (const mg_region_t *region, gsize start, gsize end, gboolean hypothetical)
{
  gsize from = clause_start (region, start);

  /* the cue may also stand inside the match: "i do not intend to rank" */
  if (negation_in (region, from, end))
    return TRUE;
  if (hypothetical && any_match (MG_PHRASES_HYPOTHETICAL, region, from, end))
    return TRUE;
  return any_match (MG_PHRASES_NEGATION_AFTER, region, end, region->norm->len);
}

/* The bounds of the sentence around [start, end). */
static void
sentence_bounds (const char *norm, gsize len, gsize start, gsize end,
                 gsize *from, gsize *to)
{
  *from = start;
  while (*from > 0 && strchr (".!?\n", norm[*from - 1]) == NULL)
    (*from)--;
  *to = end;
  while (*to < len && strchr (".!?\n", norm[*to]) == NULL)
    (*to)++;
  if (*to < len && norm[*to] != '\n')
    (*to)++;
}

/* Is [start, end) asked rather than stated?  "I have a question: do you
 * sponsor visas?" does not make the statement before the colon a
 * question. */
static gboolean
in_question (const char *norm, gsize len, gsize start, gsize end)
{
  gsize to = end;

  while (to < len && strchr (".!?;:\n", norm[to]) == NULL)
    to++;
  return to < len && norm[to] == '?';
}

/* Finds the earliest match of @patterns in [from, to) of @region that
 * passes @accept (NULL: every match). */
typedef gboolean (*accept_fn) (const mg_region_t *region, gsize start, gsize end, gpointer data);

static gboolean
find_in (const mg_region_t *region, mg_phrases_t set, gsize from, gsize to,
         accept_fn accept, gpointer data, mg_span_t *span)
{
  const char *norm = region->norm->str;
  gboolean found = FALSE;
  guint i;

  for (i = 0; i < mg_phrases_count (set); i++)
    {
      const mg_regex_t *regex = mg_phrase_for (set, i, region, from, to);
      g_auto (mg_match_t) match = { 0 };

      if (regex == NULL)
        continue;
      mg_regex_search (regex, norm, to, from, &match);
      while (mg_match_matches (&match))
        {
          int s, e;

          mg_match_span (&match, 0, &s, &e);
          if (found && (gsize) s >= span->start)
            break;
          if (e > s && (accept == NULL || accept (region, s, e, data)))
            {
              span->region = region;
              span->start = s;
              span->end = e;
              found = TRUE;
              break;
            }
          mg_match_next (&match);
        }
    }
  return found;
}

static gboolean
accept_unnegated (const mg_region_t *region, gsize start, gsize end, gpointer data)
{
  return !is_negated (region, start, end, FALSE);
}

gboolean
mg_find_phrase (const mg_region_t *region, mg_phrases_t set,
                gboolean check_negation, mg_span_t *span)
{
  if (region->norm == NULL || region->norm->len == 0)
    return FALSE;
  return find_in (region, set, 0, region->norm->len,
                  check_negation ? accept_unnegated : NULL, NULL, span);
}

/* --- intent and kind ----------------------------------------------------- */

/* An intent statement counts when it is stated: not negated, not asked,
 * not part of a conditional trade. */
static gboolean
accept_statement (const mg_region_t *region, gsize start, gsize end, gpointer data)
{
  const mg_span_t *trade = data;
  const char *norm = region->norm->str;
  gsize len = region->norm->len;

  if (trade->region != NULL)
    {
      gsize from, to;
      sentence_bounds (norm, len, trade->start, trade->end, &from, &to);
      if (start < to && end > from)
        return FALSE;
    }
  return !is_negated (region, start, end, TRUE) && !in_question (norm, len, start, end);
}

static void
classify_intent (mg_analysis_t *analysis)
{
  static const struct {
    mg_phrases_t set;
    mg_intent_t level;
  } levels[] = {
    { MG_PHRASES_INTENT_FIRST, MG_INTENT_FIRST },
    { MG_PHRASES_INTENT_STRONG, MG_INTENT_STRONG },
    { MG_PHRASES_INTENT_INTEREST, MG_INTENT_INTEREST },
  };
  const mg_region_t *text = &analysis->authored;
  gsize i;

  analysis->intent = MG_INTENT_NONE;
  if (text->norm->len == 0)
    return;
  mg_find_phrase (text, MG_PHRASES_CONDITIONAL_TRADE, TRUE, &analysis->trade_span);
  for (i = 0; i < G_N_ELEMENTS (levels); i++)
    if (find_in (text, levels[i].set, 0, text->norm->len,
                 accept_statement, &analysis->trade_span, &analysis->intent_span))
      {
        analysis->intent = levels[i].level;
        return;
      }
}

/* Thanks for the interview: thanks and a reference to the interview in one
 * sentence, or thanks in the Subject and the interview in the text. */
static gboolean
accept_thanks_for_interview (const mg_region_t *region, gsize start, gsize end, gpointer data)
{
  mg_span_t ref;
  gsize from, to;

  if (is_negated (region, start, end, FALSE))
    return FALSE;
  sentence_bounds (region->norm->str, region->norm->len, start, end, &from, &to);
  return find_in (region, MG_PHRASES_KIND_INTERVIEW_REF, from, to, NULL, NULL, &ref);
}

static gboolean
is_thank_you (const mg_analysis_t *analysis)
{
  const mg_phrases_t thanks = MG_PHRASES_KIND_THANKS;
  mg_span_t span;

  if (analysis->authored.norm->len > 0
      && find_in (&analysis->authored, thanks, 0, analysis->authored.norm->len,
                  accept_thanks_for_interview, NULL, &span))
    return TRUE;
  return mg_find_phrase (&analysis->subject, thanks, TRUE, &span)
      && mg_find_phrase (&analysis->authored, MG_PHRASES_KIND_INTERVIEW_REF, TRUE, &span);
}

static mg_kind_t
classify_kind (const mg_analysis_t *analysis)
{
  const mg_region_t *text = &analysis->authored;
  mg_span_t span;

  if (analysis->is_reply && analysis->intent < MG_INTENT_STRONG)
    return MG_KIND_REPLY;
  if (analysis->intent >= MG_INTENT_STRONG)
    return MG_KIND_INTENT;
  if (mg_find_phrase (text, MG_PHRASES_KIND_RESCHEDULE, TRUE, &span)
      || mg_find_phrase (&analysis->subject, MG_PHRASES_KIND_RESCHEDULE, TRUE, &span))
    return MG_KIND_RESCHEDULE;
  if (mg_find_phrase (text, MG_PHRASES_KIND_SCHEDULING, TRUE, &span))
    return MG_KIND_SCHEDULING;
  if (is_thank_you (analysis))
    return MG_KIND_THANK_YOU;
  if (mg_find_phrase (text, MG_PHRASES_KIND_UPDATE, TRUE, &span)
      || mg_find_phrase (&analysis->subject, MG_PHRASES_KIND_UPDATE, TRUE, &span))
    return MG_KIND_UPDATE;
  if (mg_find_phrase (text, MG_PHRASES_KIND_INQUIRY, FALSE, &span))
    return MG_KIND_INQUIRY;
  if (analysis->intent == MG_INTENT_INTEREST)
    return MG_KIND_INTEREST;
  return MG_KIND_OTHER;
}

/* --- public ---------------------------------------------------------------- */

mg_analysis_t *
mg_analysis_new (const mg_message_t *message, const mg_config_t *config,
                 const char *const *envelope)
{
  mg_analysis_t *analysis = g_new0 (mg_analysis_t, 1);

  analysis->message = message;
  analysis->config = config;
  analysis->is_reply = message->is_reply;
  analysis->groups = g_ptr_array_new_with_free_func (program_group_free);
  build_regions (analysis);
  analysis->mentions = mg_registry_find_mentions (config->registry, analysis->authored.norm->str,
                                                  analysis->authored.norm->len);
  analysis->subject_mentions = mg_registry_find_mentions (config->registry,
                                                          analysis->subject.norm->str,
                                                          analysis->subject.norm->len);
  resolve_recipients (analysis, envelope);
  classify_intent (analysis);
  analysis->kind = classify_kind (analysis);
  return analysis;
}

void
mg_analysis_free (mg_analysis_t *analysis)
{
  if (analysis == NULL)
    return;
  mg_region_clear (&analysis->authored);
  mg_region_clear (&analysis->signature);
  mg_region_clear (&analysis->subject);
  g_clear_pointer (&analysis->mentions, g_array_unref);
  g_clear_pointer (&analysis->subject_mentions, g_array_unref);
  g_clear_pointer (&analysis->groups, g_ptr_array_unref);
  g_free (analysis);
}

gboolean
mg_analysis_is_program_mail (const mg_analysis_t *analysis)
{
  return analysis->groups->len > 0;
}

const char *
mg_kind_name (mg_kind_t kind)
{
  static const char *const names[] = {
    [MG_KIND_THANK_YOU] = "thank-you", [MG_KIND_UPDATE] = "update",
    [MG_KIND_INTENT] = "intent", [MG_KIND_INTEREST] = "interest",
    [MG_KIND_INQUIRY] = "inquiry", [MG_KIND_SCHEDULING] = "scheduling",
    [MG_KIND_RESCHEDULE] = "reschedule", [MG_KIND_REPLY] = "reply",
    [MG_KIND_OTHER] = "other",
  };
  return kind <= MG_KIND_OTHER ? names[kind] : "other";
}

const char *
mg_intent_name (mg_intent_t intent)
{
  static const char *const names[] = { "none", "interest", "strong", "first" };
  return intent <= MG_INTENT_FIRST ? names[intent] : "none";
}
