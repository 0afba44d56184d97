/* cmd-status.c - `matchguard status`: where each program stands (SPEC 1, 9).
 *
 * One block per program (or per PROGRAM-ID given): track, interview date,
 * messages by kind, last contact, the intent level told (the one program
 * told #1 is marked), the date from which an unsolicited follow-up is fine
 * again, and sends that are pending or failed.  Reads the ledger without
 * changing it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-localtime.h"
#include "mg-ledger.h"
#include "mg-output.h"
#include "mg-rules.h"
#include "mg-timeline.h"

/* Kinds in the order a season goes. */
static const mg_kind_t kinds[] = {
  MG_KIND_UPDATE, MG_KIND_INTEREST, MG_KIND_INTENT, MG_KIND_INQUIRY, MG_KIND_SCHEDULING,
  MG_KIND_RESCHEDULE, MG_KIND_THANK_YOU, MG_KIND_REPLY, MG_KIND_OTHER,
};

typedef struct {
  const mg_program_t *program;
  guint by_kind[G_N_ELEMENTS (kinds)];
  guint total, pending, failed, refused;
  gint64 last;               /* latest contact, 0 if none */
  mg_intent_t intent;        /* highest level told */
  GDateTime *next;           /* next unsolicited follow-up, NULL: none */
  const char *why;
} program_status_t;

static mg_intent_t
intent_from_name (const char *name)
{
  static const mg_intent_t levels[] = { MG_INTENT_INTEREST, MG_INTENT_STRONG, MG_INTENT_FIRST };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_strcmp0 (name, mg_intent_name (levels[i])) == 0)
      return levels[i];
  return MG_INTENT_NONE;
}

static void
summarise (program_status_t *s, const mg_config_t *config, const GPtrArray *history, GDateTime *at)
{
  guint i, k;

  for (i = 0; i < history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (history, i);
      mg_intent_t intent;

      if (!mg_entry_has_program (entry, s->program->id)
          || entry->time > g_date_time_to_unix (at))
        continue;
      if (entry->status == MG_STATUS_PENDING)
        s->pending++;
      else if (entry->status == MG_STATUS_FAILED)
        s->failed++;
      else if (entry->status == MG_STATUS_REFUSED)
        s->refused++;
      if (!mg_entry_counts (entry))
        continue;
      s->total++;
      s->last = MAX (s->last, entry->time);
      for (k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (g_strcmp0 (entry->kind, mg_kind_name (kinds[k])) == 0)
          s->by_kind[k]++;
      intent = intent_from_name (entry->intent);
      s->intent = MAX (s->intent, intent);
    }
  s->next = mg_rules_next_followup (config, s->program, history, at, &s->why);
}

/* How many programs the ledger says were told #1 (up to @at). */
static guint
programs_told_first (const GPtrArray *history, GDateTime *at)
{
  g_autoptr (GHashTable) told = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  for (i = 0; i < history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (history, i);
      char *const *id;

      if (mg_entry_counts (entry) && entry->time <= g_date_time_to_unix (at)
          && intent_from_name (entry->intent) == MG_INTENT_FIRST)
        for (id = entry->programs; *id != NULL; id++)
          g_hash_table_add (told, *id);
    }
  return g_hash_table_size (told);
}

static char *
format_day (gint64 time)
{
  g_autoptr (GDateTime) local = mg_local_from_unix (time);

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("?");
}

static char *
interview_day (const mg_program_t *program)
{
  char day[16];

  if (!program->has_interview)
    return NULL;
  g_date_strftime (day, sizeof day, "%Y-%m-%d", &program->interview);
  return g_strdup (day);
}

/* "now", a day, or NULL when no follow-up will be fine. */
static char *
next_followup (const program_status_t *s, GDateTime *at)
{
  if (s->next == NULL)
    return NULL;
  if (g_date_time_compare (s->next, at) <= 0)
    return g_strdup ("now");
  return g_date_time_format (s->next, "%Y-%m-%d");
}

/* @firsts: how many programs were told #1 (more than one is the mistake
 * the product exists to prevent: say so where it shows). */
static void
print_text (const program_status_t *s, GDateTime *at, gboolean colour, guint firsts)
{
  const mg_program_t *p = s->program;
  g_autofree char *interview = interview_day (p);
  g_autofree char *last = s->last > 0 ? format_day (s->last) : NULL;
  g_autofree char *next = next_followup (s, at);
  g_autofree char *full = mg_sanitize (p->name != NULL ? p->name : "");
  glong room = 78 - (glong) g_utf8_strlen (p->id, -1);
  glong length = g_utf8_strlen (full, -1);
  g_autofree char *cut = g_utf8_substring (full, 0, MIN (length, MAX (room - 3, 0)));
  g_autofree char *name = length <= room ? g_strdup (full) : g_strconcat (cut, "...", NULL);
  GString *kinds_told = g_string_new (NULL);
  gboolean first = s->intent == MG_INTENT_FIRST;
  guint k;

  for (k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (s->by_kind[k] > 0)
      g_string_append_printf (kinds_told, "%s%s %u", kinds_told->len ? ", " : "",
                              mg_kind_name (kinds[k]), s->by_kind[k]);

  printf ("%s%s%s  %s\n", colour ? "\033[1m" : "", p->id, colour ? "\033[0m" : "", name);
  printf ("  %s%s, interview %s, last contact %s\n", mg_track_name (p->track),
          p->nrmp ? "" : " (outside the Match)", interview != NULL ? interview : "not set",
          last != NULL ? last : "never");
  printf ("  %u message%s%s%s\n", s->total, s->total == 1 ? "" : "s", kinds_told->len ? ": " : "",
          kinds_told->str);
  printf ("  told: %s%s%s%s\n", first && colour ? "\033[1;33m" : "", mg_intent_name (s->intent),
          !first ? "" : firsts > 1 ? " (#1 was told to more than one program!)"
                                   : " (#1: tell no other program)",
          first && colour ? "\033[0m" : "");
  printf ("  next unsolicited follow-up: %s%s%s%s\n", next != NULL ? next : "none",
          s->why != NULL ? " (" : "", s->why != NULL ? s->why : "", s->why != NULL ? ")" : "");
  if (s->pending > 0 || s->failed > 0)
    printf ("  %s! %u pending, %u failed send%s: see matchguard log%s\n", colour ? "\033[31m" : "",
            s->pending, s->failed, s->pending + s->failed == 1 ? "" : "s", colour ? "\033[0m" : "");
  g_string_free (kinds_told, TRUE);
}

static void
print_json (const program_status_t *s, GDateTime *at)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *interview = interview_day (s->program);
  g_autofree char *last = s->last > 0 ? format_day (s->last) : NULL;
  g_autofree char *next = next_followup (s, at);
  g_autofree char *line = NULL;
  guint k;

  json_builder_begin_object (b);
  mg_output_add_string (b, "id", s->program->id);
  mg_output_add_string (b, "name", s->program->name);
  mg_output_add_string (b, "track", mg_track_name (s->program->track));
  mg_output_add_string (b, "interview", interview);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_object (b);
  for (k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      json_builder_set_member_name (b, mg_kind_name (kinds[k]));
      json_builder_add_int_value (b, s->by_kind[k]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, s->total);
  mg_output_add_string (b, "last_contact", last);
  mg_output_add_string (b, "intent", mg_intent_name (s->intent));
  mg_output_add_string (b, "next_followup", next);
  mg_output_add_string (b, "next_followup_reason", s->why);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, s->pending);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, s->failed);
  json_builder_end_object (b);
  line = mg_output_json_line (b);
  printf ("%s\n", line);
}

int
mg_cmd_status (int argc, char **argv)
{
  mg_common_options_t common = { 0 };
  char *at_option = NULL;
  char *svg_path = NULL;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_option, "The day to judge from: now (default) or ISO-8601", "TIME" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg_path, "Also draw the season as an SVG timeline into FILE", "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[PROGRAM-ID...]");
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) selected = g_ptr_array_new ();
  g_autoptr (GDateTime) at = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree program_status_t *summaries = NULL;
  gboolean colour;
  int status = EX_OK;
  guint i, firsts = 0;

  g_option_context_set_summary (context, "Where each program stands: messages by kind, last contact, intent told,\n"
                                         "when an unsolicited follow-up is fine again.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &common);
  if (!mg_parse_options (context, "status", &argc, &argv) || !mg_common_options_finish (&common)
      || !mg_check_at_option ("status", at_option))
    {
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_config (&common);
  if (config == NULL)
    {
      status = EX_CONFIG;
      goto out;
    }
  for (i = 1; i < (guint) argc; i++)
    {
      const mg_program_t *program = mg_registry_find (config->registry, argv[i]);
      if (program == NULL)
        {
          mg_print_error ("status: no program '%s' in the registry (see 'matchguard registry list')", argv[i]);
          status = EX_USAGE;
          goto out;
        }
      g_ptr_array_add (selected, (gpointer) program);
    }
  if (argc < 2)
    for (i = 0; i < mg_registry_count (config->registry); i++)
      g_ptr_array_add (selected, (gpointer) mg_registry_get (config->registry, i));

  history = mg_read_history (&common, config, &error);
  if (history == NULL)
    {
      mg_print_error ("%s", error->message);
      status = mg_error_exit_code (error);
      goto out;
    }
  at = mg_evaluation_time (at_option, NULL);
  colour = common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL;
  firsts = programs_told_first (history, at);
  summaries = g_new0 (program_status_t, selected->len);
  for (i = 0; i < selected->len; i++)
    {
      summaries[i].program = g_ptr_array_index (selected, i);
      summarise (&summaries[i], config, history, at);
    }
  for (i = 0; i < selected->len; i++)
    {
      program_status_t s = summaries[i];

      if (common.format == MG_FORMAT_JSON)
        print_json (&s, at);
      else
        {
          if (i > 0)
            putchar ('\n');
          print_text (&s, at, colour, firsts);
        }
      if (s.next != NULL)
        g_date_time_unref (s.next);
    }

  if (svg_path != NULL)
    {
      g_autofree char *svg = mg_timeline_svg (config, selected, history);
      if (!g_file_set_contents (svg_path, svg, -1, &error))
        {
          mg_print_error ("status: %s", error->message);
          status = EX_IOERR;
        }
    }

out:
  g_free (svg_path);
  g_free (at_option);
  mg_common_options_clear (&common);
  return status;
}
