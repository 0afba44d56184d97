/* output.c - verdicts as text for people and JSON Lines for programs.
 *
 * JSON: one object per message, exactly the SPEC 9 fields; the verdict
 * line is written directly (see below), the other commands' objects are
 * built with json-glib.  Text that came from the message (Subject,
 * excerpts, addresses) is sanitised before it reaches a terminal.  The
 * helpers that add a member or end a line serve the commands that print
 * JSON Lines of their own (log, status); every string in our JSON is made
 * valid UTF-8 by g_utf8_make_valid().
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
  g_autofree char *line = NULL;
  g_auto (GStrv) pieces = NULL;

  g_return_val_if_fail (builder != NULL, NULL);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  line = json_generator_to_data (gen, NULL);
  if (strchr (line, '\x1f') == NULL)
    return g_steal_pointer (&line);
  /* json-glib 1.6 writes U+001F raw; outside strings it writes no
   * control character, so every one is inside a string */
  pieces = g_strsplit (line, "\x1f", -1);
  return g_strjoinv ("\\u001f", pieces);
}

/* --- the verdict line ------------------------------------------------------
 *
 * The verdict line has one fixed shape (SPEC 9) and is written here
 * directly rather than through json-glib's builder and generator: those
 * cost ~120,000 instructions for an 800-byte line, a tenth of an audit,
 * and json-glib 1.6's generator leaves U+001F unescaped, which strict
 * parsers reject.  Escaped as json-glib escapes otherwise (short forms,
 * \u00xx for other controls and DEL, everything else as it is);
 * tests/test-output.c parses the lines with json-glib and compares them
 * with its generator's. */

static void
json_string (GString *out, const char *value)
{
  g_autofree char *valid = NULL;
  const char *run, *p;

  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);
  g_string_append_c (out, '"');
  for (run = p = value; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* ,"name":"value" (without the comma for the first member of an object). */
static void
json_member (GString *out, const char *name, const char *value)
{
  if (out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append (out, "\":");
  json_string (out, value);
}

static void
json_programs (GString *out, const mg_analysis_t *analysis)
{
  guint i, k;

  g_string_append (out, ",\"programs\":[");
  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);

      g_string_append (out, i > 0 ? ",{" : "{");
      json_member (out, "id", group->program ? group->program->id : NULL);
      json_member (out, "name", group->program ? group->program->name : NULL);
      g_string_append (out, ",\"recipients\":[");
      for (k = 0; k < group->recipients->len; k++)
        {
          if (k > 0)
            g_string_append_c (out, ',');
          /* envelope recipients come from the command line: any bytes */
          json_string (out, g_ptr_array_index (group->recipients, k));
        }
      g_string_append (out, "]}");
    }
  g_string_append_c (out, ']');
}

static void
json_findings (GString *out, const mg_judgement_t *judgement)
{
  guint i;

  g_string_append (out, ",\"findings\":[");
  for (i = 0; i < judgement->findings->len; i++)
    {
      const mg_finding_t *f = g_ptr_array_index (judgement->findings, i);

      g_string_append (out, i > 0 ? ",{" : "{");
      json_member (out, "rule", mg_rule_info (f->rule)->name);
      json_member (out, "severity", mg_severity_name (f->severity));
      json_member (out, "program", f->program_id);
      json_member (out, "message", f->message);
      json_member (out, "excerpt", f->excerpt);
      json_member (out, "part", f->part);
      if (f->line > 0)
        g_string_append_printf (out, ",\"line\":%d}", f->line);
      else
        g_string_append (out, ",\"line\":null}");
    }
  g_string_append_c (out, ']');
}

static void
json_judgement (GString *out, const mg_analysis_t *analysis, const mg_judgement_t *judgement)
{
  const mg_message_t *message = analysis->message;

  g_string_append_c (out, '{');
  json_member (out, "source", message->source);
  if (message->message_id != NULL)
    {
      /* SPEC 9 shows the Message-ID as written: in angle brackets */
      g_autofree char *id = g_strconcat ("<", message->message_id, ">", NULL);
      json_member (out, "message_id", id);
    }
  else
    json_member (out, "message_id", NULL);
  json_member (out, "subject", message->subject);
  json_member (out, "verdict", mg_verdict_name (judgement->verdict));
  json_member (out, "kind", mg_kind_name (analysis->kind));
  json_member (out, "intent", mg_intent_name (analysis->intent));
  json_programs (out, analysis);
  json_findings (out, judgement);
  g_string_append_c (out, '}');
}

char *
mg_output_judgement_json (const mg_analysis_t *analysis, const mg_judgement_t *judgement)
{
  GString *out = g_string_sized_new (1024);

  json_judgement (out, analysis, judgement);
  return g_string_free (out, FALSE);
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
      g_autoptr (GString) line = g_string_sized_new (1024);

      json_judgement (line, analysis, judgement);
      g_string_append_c (line, '\n');
      fwrite (line->str, 1, line->len, out);
    }
  else
    output_text (out, colour, analysis, judgement);
}
