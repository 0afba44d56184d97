/* cmd-rules.c - `matchguard rules`: every rule with its default and
 * configured severity.  Without a configuration file the configured
 * column shows the defaults. */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "mg-common.h"

static void
print_json (const mg_config_t *config)
{
  int i;

  for (i = 0; i < MG_RULE_COUNT; i++)
    {
      const mg_rule_info_t *info = mg_rule_info (i);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "default");
      json_builder_add_string_value (b, mg_severity_name (info->severity));
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, mg_severity_name (mg_config_severity (config, i)));
      json_builder_set_member_name (b, "needs_history");
      json_builder_add_boolean_value (b, info->needs_history);
      json_builder_set_member_name (b, "summary");
      json_builder_add_string_value (b, info->summary);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      line = json_generator_to_data (gen, NULL);
      printf ("%s\n", line);
    }
}

static void
print_text (const mg_config_t *config)
{
  int i;

  printf ("%-24s %-8s %-10s %s\n", "RULE", "DEFAULT", "CONFIGURED", "FIRES WHEN");
  for (i = 0; i < MG_RULE_COUNT; i++)
    {
      const mg_rule_info_t *info = mg_rule_info (i);
      printf ("%-24s %-8s %-10s %s%s\n", info->name, mg_severity_name (info->severity),
              mg_severity_name (mg_config_severity (config, i)), info->summary,
              info->needs_history ? " (reads the ledger)" : "");
    }
}

int
mg_cmd_rules (int argc, char **argv)
{
  mg_common_options_t common = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (mg_config_t) config = NULL;
  g_autofree char *path = NULL;
  int status = EX_OK;

  g_option_context_set_summary (context, "List every rule with its default and configured severity.");
  mg_common_options_add (context, &common);
  if (!mg_parse_options (context, "rules", &argc, &argv) || !mg_common_options_finish (&common))
    {
      status = EX_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      mg_print_error ("rules: unexpected argument '%s'", argv[1]);
      status = EX_USAGE;
      goto out;
    }
  path = common.config_path ? g_strdup (common.config_path) : mg_config_default_path ();
  if (common.config_path != NULL || g_file_test (path, G_FILE_TEST_EXISTS))
    {
      config = mg_load_config (&common);
      if (config == NULL)
        {
          status = EX_CONFIG;
          goto out;
        }
    }
  if (common.format == MG_FORMAT_JSON)
    print_json (config);
  else
    print_text (config);
out:
  mg_common_options_clear (&common);
  return status;
}
