/* rules-history.c - the rules that read the ledger (SPEC 5, 4a):
 * first-choice-duplicate across messages, followup-limit,
 * followup-too-soon, followup-repeated, thank-you-duplicate and
 * reschedule-repeated.
 *
 * Only entries that count (sent, pending, imported) are history; failed
 * and refused attempts never reached the program.  Rules that need the
 * program's identity skip the ambiguous group.
 */
#include "config.h"

#include <string.h>

#include "mg-fingerprint.h"
#include "mg-ledger.h"
#include "mg-localtime.h"
#include "rules-private.h"

GBytes *
mg_rules_fingerprint (const mg_analysis_t *analysis)
{
  const GString *norm = analysis->authored.norm;
  mg_span_t line, addressee;
  g_autoptr (GString) text = g_string_new_len (norm->str, norm->len);

  if (judge_find_greeting (analysis, &line, &addressee))
    g_string_erase (text, line.start, line.end - line.start);
  return mg_fingerprint_new (text->str);
}

/* The quarks of mg_kind_name(): entries' kinds are compared as quarks
 * (mg_entry_keys()). */
static GQuark
kind_quark (mg_kind_t kind)
{
  static GQuark quarks[MG_KIND_OTHER + 1];
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      guint k;

      for (k = 0; k <= MG_KIND_OTHER; k++)
        quarks[k] = g_quark_from_static_string (mg_kind_name ((mg_kind_t) k));
      g_once_init_leave (&ready, 1);
    }
  return quarks[kind];
}

static gboolean
is_kind (const mg_entry_t *entry, mg_kind_t kind)
{
  return mg_entry_keys (entry)->kind == kind_quark (kind);
}

/* An entry that counts (sent, pending, imported) and is not later than
 * the time the rules evaluate at: check --at in the past sees the ledger
 * as it was then. */
static gboolean
earlier_mail (const judge_t *j, const mg_entry_t *entry)
{
  return mg_entry_counts (entry) && entry->time <= j->at_unix;
}

/* Earlier entries that count and went to @program, oldest first.  (An
 * audit asks this of every earlier entry to the program for every
 * message: the array is filled in place.) */
static GPtrArray *
program_history (const judge_t *j, const mg_program_t *program)
{
  GPtrArray *entries = g_ptr_array_new ();
  GQuark id = g_quark_from_string (program->id);
  guint i, n = 0;

  g_ptr_array_set_size (entries, j->history->len);
  for (i = 0; i < j->history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (j->history, i);
      if (earlier_mail (j, entry) && mg_entry_has_program_quark (entry, id, program->id))
        g_ptr_array_index (entries, n++) = (gpointer) entry;
    }
  g_ptr_array_set_size (entries, n);
  return entries;
}

static char *
format_day (gint64 time)
{
  g_autoptr (GDateTime) local = mg_local_from_unix (time);
  return local != NULL ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("an earlier date");
}

/* The end of @program's interview day as Unix time, or G_MAXINT64 when it
 * has no date or one past year 9999 (every message is then "before the
 * interview"). */
static gint64
interview_end (const mg_program_t *program)
{
  g_autoptr (GDateTime) end = NULL;

  if (!program->has_interview)
    return G_MAXINT64;
  end = judge_end_of_day (&program->interview);
  return end != NULL ? g_date_time_to_unix (end) : G_MAXINT64;
}

/* --- one rule per function ------------------------------------------------ */

static void
first_choice_elsewhere (judge_t *j, const mg_program_t *program)
{
  guint i;

  for (i = 0; i < j->history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (j->history, i);
      char *const *other;

      if (!earlier_mail (j, entry)
          || mg_entry_keys (entry)->intent != g_quark_from_static_string (mg_intent_name (MG_INTENT_FIRST)))
        continue;
      for (other = entry->programs; *other != NULL; other++)
        if (strcmp (*other, program->id) != 0)
          {
            g_autofree char *day = format_day (entry->time);
            g_autofree char *what = g_strdup_printf (
                "You already told %s it is your #1 (%s, %s); this message says the same to %s",
                *other, day, mg_status_name (entry->status), program->id);
            judge_add (j, MG_RULE_FIRST_CHOICE_DUPLICATE, program, &j->analysis->intent_span, what);
            return;
          }
    }
}

static void
followup_limit (judge_t *j, const mg_program_t *program, GPtrArray *earlier)
{
  const mg_analysis_t *a = j->analysis;
  gint64 end = interview_end (program);
  guint count = 1, i;
  int limit;
  g_autofree char *what = NULL;

  if (j->at_unix < end)
    {
      if (a->is_reply)
        return;
      for (i = 0; i < earlier->len; i++)
        if (!((const mg_entry_t *) g_ptr_array_index (earlier, i))->is_reply)
          count++;
      limit = j->config->policy.max_unsolicited_before_interview;
      if ((int) count <= limit)
        return;
      what = g_strdup_printf ("This would be unsolicited message %u to %s before its interview (limit %d)",
                              count, program->id, limit);
    }
  else
    {
      if (a->kind != MG_KIND_UPDATE)
        return;
      for (i = 0; i < earlier->len; i++)
        {
          const mg_entry_t *entry = g_ptr_array_index (earlier, i);
          if (is_kind (entry, MG_KIND_UPDATE) && entry->time >= end)
            count++;
        }
      limit = j->config->policy.max_updates_after_interview;
      if ((int) count <= limit)
        return;
      what = g_strdup_printf ("This would be update %u to %s since its interview (limit %d)",
                              count, program->id, limit);
    }
  judge_add (j, MG_RULE_FOLLOWUP_LIMIT, program, NULL, what);
}

static void
followup_too_soon (judge_t *j, const mg_program_t *program, GPtrArray *earlier)
{
  const mg_entry_t *previous = NULL;
  gint64 gap, min_gap;
  guint i;

  if (j->analysis->is_reply || j->analysis->kind == MG_KIND_THANK_YOU)
    return;
  for (i = earlier->len; i-- > 0;)
    {
      const mg_entry_t *entry = g_ptr_array_index (earlier, i);
      if (!entry->is_reply && !is_kind (entry, MG_KIND_THANK_YOU))
        {
          previous = entry;
          break;
        }
    }
  if (previous == NULL)
    return;
  gap = j->at_unix - previous->time;
  min_gap = (gint64) j->config->policy.min_days_between_followups * 24 * 3600;
  if (gap >= 0 && gap < min_gap)
    {
      g_autofree char *day = format_day (previous->time);
      g_autofree char *what = g_strdup_printf (
          "The previous unsolicited message to %s went on %s, %ld days ago (minimum %d)",
          program->id, day, (long) (gap / (24 * 3600)), j->config->policy.min_days_between_followups);
      judge_add (j, MG_RULE_FOLLOWUP_TOO_SOON, program, NULL, what);
    }
}

/* The message's fingerprint, and its sketch to rule most entries out
 * with (mg-fingerprint.h). */
typedef struct {
  GBytes *fingerprint;
  mg_fingerprint_sketch_t sketch;
} text_t;

static gboolean
similar_text (const mg_entry_t *entry, const text_t *text)
{
  return !mg_fingerprint_sketches_differ (&mg_entry_keys (entry)->sketch, &text->sketch)
         && mg_fingerprint_similar (entry->fingerprint, text->fingerprint);
}

static const mg_entry_t *
similar_entry (GPtrArray *earlier, const text_t *text)
{
  guint i;

  for (i = earlier->len; i-- > 0;)
    {
      const mg_entry_t *entry = g_ptr_array_index (earlier, i);
      if (similar_text (entry, text))
        return entry;
    }
  return NULL;
}

static void
followup_repeated (judge_t *j, const mg_program_t *program, GPtrArray *earlier,
                   const text_t *text)
{
  const mg_entry_t *same;

  if (j->analysis->is_reply || j->analysis->kind == MG_KIND_THANK_YOU)
    return;
  same = similar_entry (earlier, text);
  if (same != NULL)
    {
      g_autofree char *day = format_day (same->time);
      g_autofree char *what = g_strdup_printf (
          "This text is nearly the same as the message sent to %s on %s", program->id, day);
      judge_add (j, MG_RULE_FOLLOWUP_REPEATED, program, NULL, what);
    }
}

static gboolean
same_recipients (char *const *sent, GPtrArray *now)
{
  guint i;

  for (i = 0; i < now->len; i++)
    if (!g_strv_contains ((const char *const *) sent, g_ptr_array_index (now, i)))
      return FALSE;
  return TRUE;
}

static void
thank_you_duplicate (judge_t *j, const mg_program_group_t *group, GPtrArray *earlier,
                     const text_t *text)
{
  guint i;

  if (j->analysis->kind != MG_KIND_THANK_YOU)
    return;
  for (i = earlier->len; i-- > 0;)
    {
      const mg_entry_t *entry = g_ptr_array_index (earlier, i);

      /* the same note to the same person again is not "another interviewer" */
      if (is_kind (entry, MG_KIND_THANK_YOU) && !same_recipients (entry->recipients, group->recipients)
          && similar_text (entry, text))
        {
          g_autofree char *day = format_day (entry->time);
          g_autofree char *what = g_strdup_printf (
              "The same thank-you text went to %s at %s on %s", entry->recipients[0] != NULL
                  ? entry->recipients[0] : "another interviewer", group->program->id, day);
          judge_add (j, MG_RULE_THANK_YOU_DUPLICATE, group->program, NULL, what);
          return;
        }
    }
}

static void
reschedule_repeated (judge_t *j, const mg_program_t *program, GPtrArray *earlier)
{
  guint i;

  if (j->analysis->kind != MG_KIND_RESCHEDULE)
    return;
  for (i = earlier->len; i-- > 0;)
    {
      const mg_entry_t *entry = g_ptr_array_index (earlier, i);
      if (is_kind (entry, MG_KIND_RESCHEDULE))
        {
          g_autofree char *day = format_day (entry->time);
          g_autofree char *what = g_strdup_printf (
              "You already asked %s to reschedule the interview on %s", program->id, day);
          judge_add (j, MG_RULE_RESCHEDULE_REPEATED, program, NULL, what);
          return;
        }
    }
}

GBytes *
judge_history (judge_t *j)
{
  const mg_analysis_t *a = j->analysis;
  text_t text = { NULL };
  guint i;

  if (judge_enabled (j, MG_RULE_FOLLOWUP_REPEATED) || judge_enabled (j, MG_RULE_THANK_YOU_DUPLICATE))
    {
      text.fingerprint = mg_rules_fingerprint (a);
      mg_fingerprint_sketch (text.fingerprint, &text.sketch);
    }

  for (i = 0; i < a->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (a->groups, i);
      g_autoptr (GPtrArray) earlier = NULL;

      if (group->program == NULL)
        continue;
      if (a->intent == MG_INTENT_FIRST && judge_enabled (j, MG_RULE_FIRST_CHOICE_DUPLICATE))
        first_choice_elsewhere (j, group->program);
      earlier = program_history (j, group->program);
      if (judge_enabled (j, MG_RULE_FOLLOWUP_LIMIT))
        followup_limit (j, group->program, earlier);
      if (judge_enabled (j, MG_RULE_FOLLOWUP_TOO_SOON))
        followup_too_soon (j, group->program, earlier);
      if (judge_enabled (j, MG_RULE_FOLLOWUP_REPEATED))
        followup_repeated (j, group->program, earlier, &text);
      if (judge_enabled (j, MG_RULE_THANK_YOU_DUPLICATE))
        thank_you_duplicate (j, group, earlier, &text);
      if (judge_enabled (j, MG_RULE_RESCHEDULE_REPEATED))
        reschedule_repeated (j, group->program, earlier);
    }
  return text.fingerprint;
}

/* --- what the rules above read ------------------------------------------- */

/* Every entry judge_history() looks at: program_history() of each group's
 * program, and first_choice_elsewhere()'s entries of #1 intent. */
mg_history_query_t *
mg_rules_history_query (const mg_analysis_t *analysis)
{
  mg_history_query_t *query = mg_history_query_new ();
  g_autoptr (GPtrArray) programs = g_ptr_array_new ();
  guint i;

  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);
      if (group->program != NULL)
        g_ptr_array_add (programs, g_strdup (group->program->id));
    }
  g_ptr_array_add (programs, NULL);
  g_strfreev (query->programs);
  query->programs = (char **) g_ptr_array_steal (programs, NULL);
  if (analysis->intent == MG_INTENT_FIRST)
    query->intent = g_strdup (mg_intent_name (MG_INTENT_FIRST));
  return query;
}

/* --- the next follow-up -------------------------------------------------- */

GDateTime *
mg_rules_next_followup (const mg_config_t *config, const mg_program_t *program,
                        const GPtrArray *history, GDateTime *at, const char **why)
{
  const mg_policy_t *policy = &config->policy;
  gint64 now = g_date_time_to_unix (at);
  gint64 end = interview_end (program);
  gint64 earliest = now, last = G_MININT64;
  guint unsolicited = 0, updates_after = 0, i;

  *why = NULL;
  for (i = 0; i < history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (history, i);

      if (!mg_entry_counts (entry) || entry->time > now || !mg_entry_has_program (entry, program->id))
        continue;
      if (!entry->is_reply)
        unsolicited++;
      if (is_kind (entry, MG_KIND_UPDATE) && entry->time >= end)
        updates_after++;
      if (!entry->is_reply && !is_kind (entry, MG_KIND_THANK_YOU))
        last = MAX (last, entry->time);
    }

  if (now < end && (int) unsolicited >= policy->max_unsolicited_before_interview)
    {
      earliest = end;   /* only after the interview, as an update */
      *why = "limit before the interview reached";
    }
  if (earliest >= end && !program->post_interview_contact)
    {
      *why = "asked not to be written to after the interview";
      return NULL;
    }
  if (earliest >= end && (int) updates_after >= policy->max_updates_after_interview)
    {
      *why = "update limit after the interview reached";
      return NULL;
    }
  if (last != G_MININT64 && last + (gint64) policy->min_days_between_followups * 86400 > earliest)
    {
      earliest = last + (gint64) policy->min_days_between_followups * 86400;
      if (*why == NULL)
        *why = "too soon after the previous one";
    }
  return mg_local_from_unix (earliest);
}
