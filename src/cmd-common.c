/* cmd-common.c - what every subcommand shares: the common options, once. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "mg-common.h"
#include "mg-localtime.h"
#include "mg-ledger.h"
#include "mg-secret.h"
#include "mg-sources.h"

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
  config = mg_config_load_cached (path, &error);
  if (config == NULL)
    mg_print_error ("%s", error->message);
  else if (mg_config_id_exposed (config) && !options->quiet)
    mg_print_error ("warning: %s holds your AAMC ID and others can read it; "
                    "run 'chmod 600 %s' or use aamc_id = keyring", config->path, config->path);
  return config;
}

gboolean
mg_check_at_option (const char *command, const char *at)
{
  g_autoptr (GTimeZone) local = NULL;
  g_autoptr (GDateTime) when = NULL;

  if (at == NULL || strcmp (at, "now") == 0 || strcmp (at, "header") == 0)
    return TRUE;
  local = g_time_zone_new_local ();
  when = g_date_time_new_from_iso8601 (at, local);
  if (when == NULL)
    {
      mg_print_error ("%s: --at '%s' is not now, header or an ISO-8601 time "
                      "(2027-02-15T10:00:00-05:00)", command, at);
      return FALSE;
    }
  return TRUE;
}

GDateTime *
mg_evaluation_time (const char *at, const mg_message_t *message)
{
  if (at != NULL && strcmp (at, "header") == 0)
    {
      if (message != NULL && message->date != NULL)
        {
          /* NULL when the local time would be past 9999 (a Date of
           * 9999-12-31 in a zone west of ours): keep the Date's own zone */
          GDateTime *date = mg_local_to_local (message->date);
          return date != NULL ? date : g_date_time_ref (message->date);
        }
    }
  else if (at != NULL && strcmp (at, "now") != 0)
    {
      /* a time without an offset is local: only here is GLib's local
       * zone made (mg-localtime.h) */
      g_autoptr (GTimeZone) local = g_time_zone_new_local ();
      return g_date_time_new_from_iso8601 (at, local);
    }
  return mg_local_now ();
}

char *
mg_ledger_file (const mg_common_options_t *options, const mg_config_t *config)
{
  const char *env = g_getenv ("MATCHGUARD_LEDGER");

  if (options->ledger_path != NULL)
    return g_strdup (options->ledger_path);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (config != NULL && config->ledger_path != NULL)
    return g_strdup (config->ledger_path);
  return g_build_filename (g_get_user_data_dir (), "matchguard", "ledger.db", NULL);
}

GPtrArray *
mg_read_history (const mg_common_options_t *options, const mg_config_t *config, GError **error)
{
  g_autofree char *path = mg_ledger_file (options, config);
  g_autoptr (mg_ledger_t) ledger = mg_ledger_open (path, FALSE, config->busy_timeout_ms, error);

  if (ledger == NULL)
    return NULL;
  return mg_ledger_entries (ledger, error);
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

gboolean
mg_resolve_aamc_id (mg_config_t *config, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *stored = NULL;
  char *digits;

  if (!config->aamc_id_in_keyring || config->aamc_id != NULL)
    return TRUE;
  stored = mg_secret_lookup_aamc_id (config->path, &local);
  if (local != NULL)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s: aamc_id = keyring: %s",
                   config->path, local->message);
      return FALSE;
    }
  if (stored == NULL)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG,
                   "%s: aamc_id = keyring, but the keyring holds no AAMC ID: run "
                   "'matchguard secret set aamc-id'; or put your 8-digit ID in [applicant] "
                   "aamc_id of %s and chmod 600 it", config->path, config->path);
      return FALSE;
    }
  digits = mg_secret_normalize_id (stored);
  if (digits == NULL)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG,
                   "%s: aamc_id = keyring: the keyring's AAMC ID is not 8 digits: "
                   "store it again with 'matchguard secret set aamc-id'", config->path);
      return FALSE;
    }
  config->aamc_id = digits;
  return TRUE;
}

mg_config_t *
mg_load_judging_config (const mg_common_options_t *options, int *status)
{
  g_autoptr (mg_config_t) config = mg_load_config (options);
  g_autoptr (GError) error = NULL;

  if (config == NULL)
    {
      *status = EX_CONFIG;
      return NULL;
    }
  if (!mg_resolve_aamc_id (config, &error))
    {
      mg_print_error ("%s", error->message);
      *status = mg_error_exit_code (error);
      return NULL;
    }
  return g_steal_pointer (&config);
}

/* --- reading many sources with a progress line ------------------------------ */

typedef struct {
  mg_progress_t *progress;
  mg_source_message_fn on_message;
  mg_source_error_fn on_error;
  gpointer data;
  guint messages;
  guint64 base;          /* bytes of the sources read before this one */
} reading_t;

static void
count_message (mg_message_t *message, gpointer data)
{
  reading_t *reading = data;

  reading->messages++;
  reading->on_message (message, reading->data);
}

static void
pass_error (const GError *error, gpointer data)
{
  reading_t *reading = data;

  reading->on_error (error, reading->data);
}

static void
show_progress (guint64 bytes_read, gpointer data)
{
  reading_t *reading = data;

  mg_progress_update (reading->progress, reading->messages, reading->base + bytes_read, FALSE);
}

void
mg_read_sources (char **paths, guint n_paths, mg_progress_t *progress,
                 mg_source_message_fn on_message, mg_source_error_fn on_error,
                 const gboolean *stop, gpointer data)
{
  reading_t reading = { progress, on_message, on_error, data, 0, 0 };
  /* sizes only for a progress line: a maildir's are a stat() per message */
  g_autofree guint64 *sizes = g_new0 (guint64, n_paths);
  guint64 total = 0;
  guint i;

  for (i = 0; i < n_paths && mg_progress_enabled (progress); i++)
    total += sizes[i] = mg_sources_size (paths[i]);
  mg_progress_set_total (progress, total);
  for (i = 0; i < n_paths && !(stop != NULL && *stop); i++)
    {
      mg_sources_read_progress (paths[i], count_message, pass_error, show_progress, &reading);
      reading.base += sizes[i];
      mg_progress_update (progress, reading.messages, reading.base, TRUE);
    }
  mg_progress_clear (progress);
}
