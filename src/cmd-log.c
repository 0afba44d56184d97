/* cmd-log.c - `matchguard log`: the ledger's entries, newest last
 * (SPEC 1, 9).  Reads the ledger without changing it. */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "mg-common.h"
#include "mg-localtime.h"
#include "mg-ledger.h"
#include "mg-output.h"

/* ISO-8601 in the local time zone: 2026-11-28T09:15:00-05:00 */
static char *
format_time (gint64 time)
{
  g_autoptr (GDateTime) local = mg_local_from_unix (time);

  if (local == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, time);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
print_json (const mg_entry_t *entry)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = format_time (entry->time);
  g_autofree char *message_id = entry->message_id != NULL ? g_strdup_printf ("<%s>", entry->message_id) : NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  mg_output_add_string (builder, "time", time);
  mg_output_add_string (builder, "message_id", message_id);
  mg_output_add_string (builder, "subject", entry->subject);
  mg_output_add_string (builder, "kind", entry->kind);
  mg_output_add_string (builder, "intent", entry->intent);
  mg_output_add_strv (builder, "programs", entry->programs);
  mg_output_add_strv (builder, "recipients", entry->recipients);
  mg_output_add_string (builder, "status", mg_status_name (entry->status));
  mg_output_add_strv (builder, "overrides", entry->overrides);
  mg_output_add_strv (builder, "findings", entry->findings);
  json_builder_end_object (builder);
  line = mg_output_json_line (builder);
  printf ("%s\n", line);
}

static void
print_text (const mg_entry_t *entry)
{
  g_autofree char *time = format_time (entry->time);
  g_autofree char *programs = g_strjoinv (",", entry->programs);
  g_autofree char *subject = mg_sanitize (entry->subject != NULL ? entry->subject : "(no subject)");

  printf ("%s  %-8s  %-10s %-8s  %s  %s\n", time, mg_status_name (entry->status), entry->kind,
          entry->intent, programs, subject);
  if (entry->findings[0] != NULL)
    {
      g_autofree char *findings = g_strjoinv (", ", entry->findings);
      printf ("    findings: %s\n", findings);
    }
  if (entry->overrides[0] != NULL)
    {
      g_autofree char *overrides = g_strjoinv (", ", entry->overrides);
      printf ("    overridden: %s\n", overrides);
    }
}

int
mg_cmd_log (int argc, char **argv)
{
  mg_common_options_t common = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  int status = EX_OK;
  guint i;

  g_option_context_set_summary (context, "Show the ledger's entries, newest last.");
  mg_common_options_add (context, &common);
  if (!mg_parse_options (context, "log", &argc, &argv) || !mg_common_options_finish (&common))
    {
      status = EX_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      mg_print_error ("log: unexpected argument '%s'", argv[1]);
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_config (&common);
  if (config == NULL)
    {
      status = EX_CONFIG;
      goto out;
    }
  entries = mg_read_history (&common, config, &error);
  if (entries == NULL)
    {
      mg_print_error ("%s", error->message);
      status = mg_error_exit_code (error);
      goto out;
    }
  for (i = 0; i < entries->len; i++)
    {
      if (common.format == MG_FORMAT_JSON)
        print_json (g_ptr_array_index (entries, i));
      else
        print_text (g_ptr_array_index (entries, i));
    }
  if (entries->len == 0 && common.format != MG_FORMAT_JSON && !common.quiet)
    fprintf (stderr, "matchguard: the ledger holds no entries yet\n");

out:
  mg_common_options_clear (&common);
  return status;
}
