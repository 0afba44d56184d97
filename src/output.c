/* output.c - verdicts as text for people and JSON Lines for programs.
 *
 * JSON is built with json-glib (never by hand), one object per message,
 * exactly the SPEC 9 fields.  Text that came from the message (Subject,
 * excerpts, addresses) is sanitised before it reaches a terminal.  The
 * helpers that add a member or end a line are shared with the commands
 * that print JSON Lines of their own (log, status), so that every string
 * in our JSON is made valid UTF-8 the same way.
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "mg-common.h"
#include "mg-output.h"

gboolean
mg_format_from_name (const char *name, mg_format_t *format)
{
  if (g_strcmp0 (name, "text") == 0)
    *format = MG_FORMAT_TEXT;
  else if (g_strcmp0 (name, "json") == 0)
    *format = MG_FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

void
mg_output_add_string (JsonBuilder *builder, const char *name, const char *value)
{
  g_return_if_fail (builder != NULL && name != NULL);

  json_builder_set_member_name (builder, name);
  if (value != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      json_builder_add_string_value (builder, valid);
    }
  else
    json_builder_add_null_value (builder);
}

void
mg_output_add_strv (JsonBuilder *builder, const char *name, char *const *strv)
{
  g_return_if_fail (builder != NULL && name != NULL);

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (; strv != NULL && *strv != NULL; strv++)
    {
      g_autofree char *valid = g_utf8_make_valid (*strv, -1);
      json_builder_add_string_value (builder, valid);
    }
  json_builder_end_array (builder);
}

char *
mg_output_json_line (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (builder != NULL, NULL);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
build_programs (JsonBuilder *b, const mg_analysis_t *analysis)
{
  guint i, k;

  json_builder_set_member_name (b, "programs");
  json_builder_begin_array (b);
  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);

      json_builder_begin_object (b);
      mg_output_add_string (b, "id", group->program ? group->program->id : NULL);
      mg_output_add_string (b, "name", group->program ? group->program->name : NULL);
      json_builder_set_member_name (b, "recipients");
      json_builder_begin_array (b);
      for (k = 0; k < group->recipients->len; k++)
        {
          /* envelope recipients come from the command line: any bytes */
          g_autofree char *valid = g_utf8_make_valid (g_ptr_array_index (group->recipients, k), -1);
          json_builder_add_string_value (b, valid);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_findings (JsonBuilder *b, const mg_judgement_t *judgement)
{
  guint i;

  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);

      json_builder_begin_object (b);
      mg_output_add_string (b, "rule", mg_rule_info (f->rule)->name);
      mg_output_add_string (b, "severity", mg_severity_name (f->severity));
      mg_output_add_string (b, "program", f->program_id);
      mg_output_add_string (b, "message", f->message);
      mg_output_add_string (b, "excerpt", f->excerpt);
      mg_output_add_string (b, "part", f->part);
      json_builder_set_member_name (b, "line");
      if (f->line > 0)
        json_builder_add_int_value (b, f->line);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

char *
mg_output_judgement_json (const mg_analysis_t *analysis, const mg_judgement_t *judgement)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const mg_message_t *message = analysis->message;

  json_builder_begin_object (b);
  mg_output_add_string (b, "source", message->source);
  if (message->message_id != NULL)
    {
      /* SPEC 9 shows the Message-ID as written: in angle brackets */
      g_autofree char *id = g_strdup_printf ("<%s>", message->message_id);
      mg_output_add_string (b, "message_id", id);
    }
  else
    mg_output_add_string (b, "message_id", NULL);
  mg_output_add_string (b, "subject", message->subject);
  mg_output_add_string (b, "verdict", mg_verdict_name (judgement->verdict));
  mg_output_add_string (b, "kind", mg_kind_name (analysis->kind));
  mg_output_add_string (b, "intent", mg_intent_name (analysis->intent));
  build_programs (b, analysis);
  build_findings (b, judgement);
  json_builder_end_object (b);
  return mg_output_json_line (b);
}

/* --- text ------------------------------------------------------------------ */

#define BOLD "\033[1m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define RESET "\033[0m"

static const char *
severity_colour (mg_severity_t severity)
{
  switch (severity)
    {
    case MG_SEVERITY_BLOCK: return RED;
    case MG_SEVERITY_WARN:  return YELLOW;
    case MG_SEVERITY_INFO:  return CYAN;
    case MG_SEVERITY_OFF:   break;
    }
  return GREEN;
}

static void
output_text (FILE *out, gboolean colour, const mg_analysis_t *analysis,
             const mg_judgement_t *judgement)
{
  const mg_message_t *message = analysis->message;
  const char *on = colour ? severity_colour (judgement->verdict) : "";
  const char *bold = colour ? BOLD : "", *dim = colour ? DIM : "", *off = colour ? RESET : "";
  g_autofree char *source = mg_sanitize (message->source);
  g_autofree char *subject = mg_sanitize (message->subject ? message->subject : "(no subject)");
  g_autofree char *verdict = g_ascii_strup (mg_verdict_name (judgement->verdict), -1);
  guint i, k;

  fprintf (out, "%s%s%s: %s%s%s\n", bold, source, off, on, verdict, off);
  fprintf (out, "  subject: %s\n", subject);
  fprintf (out, "  kind: %s, intent: %s\n", mg_kind_name (analysis->kind),
           mg_intent_name (analysis->intent));
  if (analysis->groups->len == 0)
    fprintf (out, "  to: no program (not residency mail)\n");
  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);
      g_autoptr (GString) who = g_string_new (NULL);

      for (k = 0; k < group->recipients->len; k++)
        g_string_append_printf (who, "%s%s", k ? ", " : "",
                                (char *) g_ptr_array_index (group->recipients, k));
      g_autofree char *clean = mg_sanitize (who->str);
      if (group->program != NULL)
        fprintf (out, "  to: %s (%s) <%s>\n", group->program->id, group->program->name, clean);
      else
        fprintf (out, "  to: program unknown (shared domain) <%s>\n", clean);
    }
  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);
      const char *sev_on = colour ? severity_colour (f->severity) : "";
      g_autofree char *message_text = mg_sanitize (f->message);

      fprintf (out, "  %s%s[%s]%s: %s\n", sev_on, mg_severity_name (f->severity),
               mg_rule_info (f->rule)->name, off, message_text);
      if (f->excerpt != NULL)
        {
          g_autofree char *excerpt = mg_sanitize (f->excerpt);
          fprintf (out, "      %s\"%s\"", dim, excerpt);
          if (f->part != NULL && strcmp (f->part, "subject") == 0)
            fprintf (out, " (Subject)");
          else if (f->part != NULL)
            fprintf (out, " (part %s, line %d)", f->part, f->line);
          fprintf (out, "%s\n", off);
        }
    }
}

void
mg_output_judgement (FILE *out, mg_format_t format, gboolean colour,
                     const mg_analysis_t *analysis, const mg_judgement_t *judgement)
{
  if (format == MG_FORMAT_JSON)
    {
      g_autofree char *line = mg_output_judgement_json (analysis, judgement);
      fprintf (out, "%s\n", line);
    }
  else
    output_text (out, colour, analysis, judgement);
}
