/* cmd-registry.c - `matchguard registry list|check|import-csv FILE`.
 *
 * Choices the SPEC leaves open (also in matchguard(1)):
 * - `check` prints "FILE:LINE: error|warning|note: ..." lines, then a
 *   count; it exits 0 when there is nothing worse than a note, 1 with
 *   warnings, EX_CONFIG when a program would not load (the same file
 *   makes every other command exit EX_CONFIG).
 * - `import-csv` writes nothing unless every row is good; its problems
 *   are printed like `check`'s errors, with the CSV's lines.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "mg-common.h"
#include "mg-registry-check.h"
#include "mg-registry-import.h"

#define TEXT_WIDTH 80

/* --- list ------------------------------------------------------------------ */

static char *
program_json (const mg_program_t *program)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  char date[16];
  guint i;

  json_builder_begin_object (b);
  mg_output_add_string (b, "id", program->id);
  mg_output_add_string (b, "name", program->name);
  mg_output_add_strv (b, "aliases", program->aliases);
  mg_output_add_string (b, "track", mg_track_name (program->track));
  json_builder_set_member_name (b, "nrmp");
  json_builder_add_boolean_value (b, program->nrmp);
  mg_output_add_strv (b, "domains", program->domains);
  mg_output_add_strv (b, "addresses", program->addresses);
  json_builder_set_member_name (b, "contacts");
  json_builder_begin_array (b);
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);

      json_builder_begin_object (b);
      mg_output_add_string (b, "name", contact->name);
      mg_output_add_string (b, "address", contact->address);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (program->has_interview)
    g_date_strftime (date, sizeof date, "%Y-%m-%d", &program->interview);
  mg_output_add_string (b, "interview", program->has_interview ? date : NULL);
  json_builder_set_member_name (b, "post_interview_contact");
  json_builder_add_boolean_value (b, program->post_interview_contact);
  mg_output_add_string (b, "file", program->file);
  json_builder_set_member_name (b, "line");
  json_builder_add_int_value (b, program->line);
  json_builder_end_object (b);
  return mg_output_json_line (b);
}

/* @text cut to @width characters, the last one an ellipsis when cut. */
static char *
fit (const char *text, glong width)
{
  g_autofree char *safe = mg_sanitize (text);
  g_autofree char *head = NULL;

  if (g_utf8_strlen (safe, -1) <= width)
    return g_steal_pointer (&safe);
  head = g_utf8_substring (safe, 0, width - 1);
  return g_strconcat (head, "…", NULL);
}

/* Left-aligns @text in @width characters (printf counts bytes). */
static void
print_cell (const char *text, glong width)
{
  g_autofree char *cut = fit (text, width);

  fputs (cut, stdout);
  for (glong n = g_utf8_strlen (cut, -1); n < width; n++)
    putchar (' ');
}

/* One line per program, within 80 columns: id, track, interview, name. */
static void
print_list_text (const mg_registry_t *registry)
{
  glong id_width = 2;
  guint i;

  for (i = 0; i < mg_registry_count (registry); i++)
    id_width = MAX (id_width, (glong) strlen (mg_registry_get (registry, i)->id));
  id_width = MIN (id_width, 24);

  print_cell ("ID", id_width);
  printf (" %-14s %-10s %s\n", "TRACK", "INTERVIEW", "NAME");
  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      char date[16] = "-";

      if (program->has_interview)
        g_date_strftime (date, sizeof date, "%Y-%m-%d", &program->interview);
      print_cell (program->id, id_width);
      printf (" %-14s %-10s ", mg_track_name (program->track), date);
      print_cell (program->name, TEXT_WIDTH - 1 - id_width - 27);
      putchar ('\n');
    }
}

static int
registry_list (const mg_common_options_t *common)
{
  g_autoptr (mg_config_t) config = mg_load_config (common);
  guint i;

  if (config == NULL)
    return EX_CONFIG;
  if (common->format == MG_FORMAT_JSON)
    for (i = 0; i < mg_registry_count (config->registry); i++)
      {
        g_autofree char *line = program_json (mg_registry_get (config->registry, i));
        printf ("%s\n", line);
      }
  else
    print_list_text (config->registry);
  return EX_OK;
}

/* --- check ----------------------------------------------------------------- */

static void
print_problem (const char *file, int line, const char *level, const char *message)
{
  g_autofree char *safe = mg_sanitize (message);

  if (line > 0)
    printf ("%s:%d: %s: %s\n", file, line, level, safe);
  else
    printf ("%s: %s: %s\n", file, level, safe);
}

static void
print_problems (const GPtrArray *problems)
{
  guint i;

  for (i = 0; i < problems->len; i++)
    {
      const mg_config_problem_t *problem = g_ptr_array_index (problems, i);
      print_problem (problem->file, problem->line, "error", problem->message);
    }
}

static int
registry_check (const mg_common_options_t *common)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  guint i, warnings = 0, notes = 0;

  path = common->config_path != NULL ? g_strdup (common->config_path) : mg_config_default_path ();
  config = mg_config_load_lenient (path, problems, &error);
  if (config == NULL)
    {
      mg_print_error ("%s", error->message);
      return mg_error_exit_code (error);
    }
  print_problems (problems);
  conflicts = mg_registry_find_conflicts (config);
  for (i = 0; i < conflicts->len; i++)
    {
      const mg_conflict_t *conflict = g_ptr_array_index (conflicts, i);
      gboolean warning = conflict->level == MG_CONFLICT_WARNING;

      if (!warning && common->quiet)
        continue;
      print_problem (conflict->program->file, conflict->program->line,
                     warning ? "warning" : "note", conflict->message);
      warnings += warning;
      notes += !warning;
    }
  if (!common->quiet)
    printf ("%u programs: %u errors, %u warnings, %u notes\n",
            mg_registry_count (config->registry) + problems->len, problems->len, warnings, notes);
  if (problems->len > 0)
    return EX_CONFIG;
  return warnings > 0 ? 1 : EX_OK;
}

/* --- import-csv ------------------------------------------------------------ */

static int
registry_import_csv (const mg_common_options_t *common, const char *csv_path,
                     const char *into, gboolean replace)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_import_result_free);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (mg_config_t) config = mg_load_config (common);
  g_autoptr (GError) error = NULL;
  g_autofree char *target = NULL;
  guint i;

  if (config == NULL)
    return EX_CONFIG;
  target = mg_import_target (config, into, &error);
  if (target == NULL)
    {
      mg_print_error ("registry import-csv: %s", error->message);
      return mg_error_exit_code (error);
    }
  rows = mg_import_read_csv (csv_path, config->registry, replace, problems, &error);
  if (rows == NULL)
    {
      mg_print_error ("%s", error->message);
      return mg_error_exit_code (error);
    }
  if (problems->len > 0)
    {
      print_problems (problems);
      mg_print_error ("registry import-csv: %u bad %s in %s; nothing was written", problems->len,
                      problems->len == 1 ? "row" : "rows", csv_path);
      return EX_CONFIG;
    }
  if (rows->len == 0)
    {
      mg_print_error ("registry import-csv: %s has no programs, only its header row", csv_path);
      return EX_CONFIG;
    }
  if (!mg_import_write (config, rows, target, results, &error))
    {
      mg_print_error ("registry import-csv: %s", error->message);
      return mg_error_exit_code (error);
    }
  if (!common->quiet)
    for (i = 0; i < results->len; i++)
      {
        const mg_import_result_t *result = g_ptr_array_index (results, i);
        printf ("%s: %u added, %u replaced\n", result->file, result->added, result->replaced);
      }
  return EX_OK;
}

/* --- dispatch -------------------------------------------------------------- */

int
mg_cmd_registry (int argc, char **argv)
{
  mg_common_options_t common = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("list|check|import-csv FILE");
  g_autofree char *into = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      "import-csv: overwrite programs the registry has already", NULL },
    { "into", 0, 0, G_OPTION_ARG_FILENAME, &into,
      "import-csv: append new programs to FILE (the configuration or one of its [registry] files)",
      "FILE" },
    { NULL }
  };
  const char *action;
  int status = EX_USAGE;

  g_option_context_set_summary (context,
                                "list: the programs of the registry.\n"
                                "check: validate every program and report conflicts between "
                                "them.\n"
                                "import-csv FILE: add programs from a spreadsheet saved as CSV.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &common);
  if (!mg_parse_options (context, "registry", &argc, &argv) || !mg_common_options_finish (&common))
    goto out;
  action = argc > 1 ? argv[1] : NULL;
  if (action == NULL)
    mg_print_error ("registry: say what to do: list, check or import-csv FILE");
  else if ((replace || into != NULL) && strcmp (action, "import-csv") != 0)
    mg_print_error ("registry: --replace and --into go with import-csv");
  else if (strcmp (action, "import-csv") == 0 && argc != 3)
    mg_print_error ("registry: import-csv takes one file: matchguard registry import-csv FILE");
  else if (strcmp (action, "import-csv") != 0 && argc > 2)
    mg_print_error ("registry: unexpected argument '%s'", argv[2]);
  else if (common.format == MG_FORMAT_JSON && strcmp (action, "list") != 0)
    mg_print_error ("registry: --format json goes with list");
  else if (strcmp (action, "list") == 0)
    status = registry_list (&common);
  else if (strcmp (action, "check") == 0)
    status = registry_check (&common);
  else if (strcmp (action, "import-csv") == 0)
    status = registry_import_csv (&common, argv[2], into, replace);
  else
    mg_print_error ("registry: unknown action '%s' (list, check or import-csv FILE)", action);
out:
  mg_common_options_clear (&common);
  return status;
}
