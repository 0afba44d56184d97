/* fuzz-config.c - libFuzzer target: one input is a configuration file, a
 * registry file and a spreadsheet at once (README, "Fuzzing").
 *
 * As configuration text: loaded strictly (mg_config_load_data) and
 * leniently (mg_config_load_data_lenient, `registry check`), as if it were
 * config/fuzz.conf, so that `[registry] files = programs.conf` finds the
 * example registry; a configuration that loads is checked for conflicts
 * (`registry check`), drawn (`status --svg`) and judges three example
 * messages, with a short history, so that odd policy values and dates
 * reach the rules.
 *
 * As a CSV: parsed (mg_csv_parse), then imported into the example
 * registry (mg_import_read_csv, from a memory file) as `registry
 * import-csv` does; the rows it accepts are appended to the example
 * configuration and the result must load, since mg_import_write() would
 * otherwise write a registry that it then has to take back.
 *
 * Nothing is written to disk.  MG_SRCDIR overrides the compiled-in source
 * tree.
 */
#include "config.h"

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-config.h"
#include "mg-csv.h"
#include "mg-ledger.h"
#include "mg-message.h"
#include "mg-record.h"
#include "mg-registry-check.h"
#include "mg-registry-import.h"
#include "mg-rules.h"
#include "mg-timeline.h"
#include "fuzz-common.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *config_dir;          /* the source tree's config/ */
static char *fake_path;           /* config/fuzz.conf: names the input */
static char *example_text;        /* config/example.conf */
static gsize example_len;
static mg_config_t *example;      /* example.conf + programs.conf */
static mg_message_t *messages[3]; /* judged under every configuration that loads */
static GPtrArray *history;        /* mg_entry_t*: the first message, sent */
static GDateTime *fixed_at;

static void
fail (const char *what, const GError *error)
{
  fprintf (stderr, "fuzz-config: %s: %s\n", what, error != NULL ? error->message : "failed");
  abort ();
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static const char *const names[] = { "01-clean-update.eml", "02-thank-you-template-left.eml",
                                       "03-number-one-to-two-programs.eml" };
  const char *srcdir = g_getenv ("MG_SRCDIR");
  g_autofree char *example_path = NULL;
  g_autoptr (GError) error = NULL;
  guint i;

  if (srcdir == NULL || *srcdir == '\0')
    srcdir = MG_TOP_SRCDIR;
  mg_fuzz_init_logging ();
  mg_gmime_init ();
  config_dir = g_build_filename (srcdir, "config", NULL);
  fake_path = g_build_filename (config_dir, "fuzz.conf", NULL);
  example_path = g_build_filename (config_dir, "example.conf", NULL);
  if (!g_file_get_contents (example_path, &example_text, &example_len, &error))
    fail (example_path, error);
  example = mg_config_load (example_path, &error);
  if (example == NULL)
    fail (example_path, error);

  fixed_at = g_date_time_new_utc (2026, 12, 1, 17, 30, 0);
  history = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (srcdir, "contrib", "examples", names[i], NULL);

      messages[i] = mg_message_parse_file (path, &error);
      if (messages[i] == NULL)
        fail (path, error);
    }
  {
    g_autoptr (mg_analysis_t) analysis = mg_analysis_new (messages[0], example, NULL);
    g_autoptr (mg_judgement_t) judgement = mg_rules_judge (analysis, fixed_at, NULL);
    g_autoptr (GDateTime) sent = g_date_time_add_days (fixed_at, -3);
    mg_entry_t *entry = mg_record_entry (analysis, judgement, sent, MG_STATUS_SENT);

    g_ptr_array_add (history, entry);
  }
  return 0;
}

/* What the program does with a configuration that loaded. */
static void
use_config (const mg_config_t *config)
{
  g_autoptr (GPtrArray) conflicts = mg_registry_find_conflicts (config);
  g_autoptr (GPtrArray) programs = g_ptr_array_new ();
  g_autofree char *svg = NULL;
  guint i;

  (void) conflicts;
  for (i = 0; i < mg_registry_count (config->registry); i++)
    g_ptr_array_add (programs, (gpointer) mg_registry_get (config->registry, i));
  svg = mg_timeline_svg (config, programs, history);
  for (i = 0; i < MG_RULE_COUNT; i++)
    (void) mg_config_severity (config, (mg_rule_id_t) i);
  for (i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr (mg_analysis_t) analysis = mg_analysis_new (messages[i], config, NULL);
      g_autoptr (mg_judgement_t) judgement = mg_rules_judge (analysis, fixed_at, history);
      g_autoptr (mg_entry_t) entry = mg_record_entry (analysis, judgement, fixed_at,
                                                      MG_STATUS_PENDING);
      guint g;

      (void) entry;
      for (g = 0; g < analysis->groups->len; g++)
        {
          const mg_program_group_t *group = g_ptr_array_index (analysis->groups, g);
          g_autoptr (GDateTime) next = NULL;
          const char *why = NULL;

          if (group->program != NULL)
            next = mg_rules_next_followup (config, group->program, history, fixed_at, &why);
        }
    }
}

static void
as_config (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (mg_config_t) lenient = NULL;
  g_autoptr (GPtrArray) problems = NULL;

  /* [registry] files = /dev/zero (or stdin) would read for ever: the user
   * names the files, so that is no bug to look for */
  if (memmem (data, size, "/dev", 4) != NULL || memmem (data, size, "/proc", 5) != NULL
      || memmem (data, size, "/sys", 4) != NULL)
    return;
  config = mg_config_load_data (fake_path, (const char *) data, size, &error);
  if (config != NULL)
    use_config (config);
  g_clear_error (&error);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  lenient = mg_config_load_data_lenient (fake_path, (const char *) data, size, problems, &error);
  if (lenient != NULL && config == NULL)
    use_config (lenient);
  /* a configuration that loads strictly has no bad program to leave out */
  if (config != NULL && (lenient == NULL || problems->len != 0))
    abort ();
}

static void
as_csv (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  g_autofree char *path = NULL;
  int fd;

  records = mg_csv_parse ("fuzz.csv", (const char *) data, size, &error);
  if (records != NULL)
    {
      guint i;

      for (i = 0; i < records->len; i++)
        (void) mg_csv_record_is_blank (g_ptr_array_index (records, i));
    }
  g_clear_error (&error);

  fd = memfd_create ("fuzz.csv", MFD_CLOEXEC);
  if (fd < 0)
    abort ();
  if (size > 0 && write (fd, data, size) != (ssize_t) size)
    abort ();
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  rows = mg_import_read_csv (path, example->registry, FALSE, problems, &error);
  close (fd);
  if (rows != NULL && rows->len > 0)
    {
      /* what mg_import_write() would write, appended to the main file */
      g_autoptr (GString) text = g_string_new_len (example_text, example_len);
      g_autoptr (mg_config_t) imported = NULL;
      g_autoptr (GError) load_error = NULL;
      guint i;

      for (i = 0; i < rows->len; i++)
        {
          const mg_import_row_t *row = g_ptr_array_index (rows, i);

          g_string_append_c (text, '\n');
          g_string_append (text, row->group);
        }
      imported = mg_config_load_data (fake_path, text->str, text->len, &load_error);
      if (imported == NULL)
        {
          fprintf (stderr, "fuzz-config: imported rows do not load: %s\n", load_error->message);
          abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  as_config (data, size);
  as_csv (data, size);
  return 0;
}
