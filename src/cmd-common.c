/* cmd-common.c - what every subcommand shares: the common options, once. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "mg-common.h"

void
mg_common_options_add (GOptionContext *context, mg_common_options_t *options)
{
  const GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &options->config_path,
      "Configuration file (else $MATCHGUARD_CONFIG, else the XDG default)", "FILE" },
    { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &options->ledger_path,
      "Ledger file (else $MATCHGUARD_LEDGER, else [ledger] path)", "FILE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &options->format_name,
      "Output format: text or json", "FORMAT" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet, "Print less", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options->verbose, "Print more", NULL },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("common", "Common options:",
                                            "Show common options", options, NULL);

  g_option_group_add_entries (group, entries);
  g_option_context_add_group (context, group);
}

gboolean
mg_common_options_finish (mg_common_options_t *options)
{
  options->format = MG_FORMAT_TEXT;
  if (options->format_name != NULL && !mg_format_from_name (options->format_name, &options->format))
    {
      mg_print_error ("unknown format '%s' (use text or json)", options->format_name);
      return FALSE;
    }
  return TRUE;
}

void
mg_common_options_clear (mg_common_options_t *options)
{
  g_clear_pointer (&options->config_path, g_free);
  g_clear_pointer (&options->ledger_path, g_free);
  g_clear_pointer (&options->format_name, g_free);
}

mg_config_t *
mg_load_config (const mg_common_options_t *options)
{
  g_autofree char *path = options->config_path ? g_strdup (options->config_path)
                                               : mg_config_default_path ();
  g_autoptr (GError) error = NULL;
  mg_config_t *config;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      mg_print_error ("no configuration at '%s': copy config/example.conf there, "
                      "or name one with --config FILE", path);
      return NULL;
    }
  config = mg_config_load (path, &error);
  if (config == NULL)
    mg_print_error ("%s", error->message);
  else if (mg_config_id_exposed (config) && !options->quiet)
    mg_print_error ("warning: %s holds your AAMC ID and others can read it; "
                    "run 'chmod 600 %s' or use aamc_id = keyring", config->path, config->path);
  return config;
}

gboolean
mg_parse_options (GOptionContext *context, const char *name, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      mg_print_error ("%s: %s (see 'matchguard %s --help')", name, error->message, name);
      return FALSE;
    }
  return TRUE;
}
