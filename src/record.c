/* record.c - turning a judged message into a ledger entry (mg-record.h). */
#include "config.h"

#include <string.h>

#include "mg-record.h"

static char **
strv_from_array (GPtrArray *items)
{
  char **strv = g_new0 (char *, items->len + 1);
  guint i;

  for (i = 0; i < items->len; i++)
    strv[i] = g_strdup (g_ptr_array_index (items, i));
  return strv;
}

/* Every program recipient of @analysis, sorted, without duplicates. */
static GPtrArray *
program_recipients (const mg_analysis_t *analysis)
{
  GPtrArray *all = g_ptr_array_new ();
  guint i, r;

  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);
      for (r = 0; r < group->recipients->len; r++)
        {
          const char *address = g_ptr_array_index (group->recipients, r);
          if (!g_ptr_array_find_with_equal_func (all, address, g_str_equal, NULL))
            g_ptr_array_add (all, (gpointer) address);
        }
    }
  g_ptr_array_sort (all, (GCompareFunc) g_strcmp0);
  return all;
}

char *
mg_record_confirm_key (const mg_analysis_t *analysis)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GPtrArray) recipients = program_recipients (analysis);
  const char *subject = analysis->message->subject;
  guint i;

  for (i = 0; i < recipients->len; i++)
    {
      g_checksum_update (sum, g_ptr_array_index (recipients, i), -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  g_checksum_update (sum, (const guchar *) "\0", 1);
  if (subject != NULL)
    g_checksum_update (sum, (const guchar *) subject, -1);
  g_checksum_update (sum, (const guchar *) "\0", 1);
  g_checksum_update (sum, (const guchar *) analysis->authored.norm->str,
                     (gssize) analysis->authored.norm->len);
  return g_strdup (g_checksum_get_string (sum));
}

static mg_entry_t *
record_entry (const mg_analysis_t *analysis, const mg_judgement_t *judgement,
              GDateTime *at, mg_status_t status, gboolean with_confirm_key)
{
  mg_entry_t *entry = mg_entry_new ();
  g_autoptr (GPtrArray) programs = g_ptr_array_new ();
  g_autoptr (GPtrArray) recipients = program_recipients (analysis);
  g_autoptr (GPtrArray) findings = g_ptr_array_new ();
  const mg_message_t *message = analysis->message;
  guint i;

  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);
      if (group->program != NULL)
        g_ptr_array_add (programs, group->program->id);
    }
  for (i = 0; i < judgement->findings->len; i++)
    {
      const char *name = mg_rule_info (((mg_finding_t *) g_ptr_array_index (judgement->findings, i))->rule)->name;
      if (!g_ptr_array_find_with_equal_func (findings, name, g_str_equal, NULL))
        g_ptr_array_add (findings, (gpointer) name);
    }

  entry->time = g_date_time_to_unix (at);
  entry->message_id = g_strdup (message->message_id);
  entry->digest = g_strdup (message->digest);
  entry->subject = g_strdup (message->subject);
  entry->kind = g_strdup (mg_kind_name (analysis->kind));
  entry->intent = g_strdup (mg_intent_name (analysis->intent));
  entry->is_reply = analysis->is_reply;
  g_strfreev (entry->programs);
  entry->programs = strv_from_array (programs);
  g_strfreev (entry->recipients);
  entry->recipients = strv_from_array (recipients);
  entry->fingerprint = judgement->fingerprint != NULL ? g_bytes_ref (judgement->fingerprint)
                                                     : mg_rules_fingerprint (analysis);
  entry->confirm_key = with_confirm_key ? mg_record_confirm_key (analysis) : NULL;
  entry->status = status;
  g_strfreev (entry->findings);
  entry->findings = strv_from_array (findings);
  g_strfreev (entry->overrides);
  entry->overrides = strv_from_array (judgement->overrides);
  return entry;
}

mg_entry_t *
mg_record_entry (const mg_analysis_t *analysis, const mg_judgement_t *judgement,
                 GDateTime *at, mg_status_t status)
{
  return record_entry (analysis, judgement, at, status, TRUE);
}

mg_entry_t *
mg_record_replayed_entry (const mg_analysis_t *analysis, const mg_judgement_t *judgement,
                          GDateTime *at)
{
  return record_entry (analysis, judgement, at, MG_STATUS_SENT, FALSE);
}
