/* cmd-check.c - `matchguard check`: the dry run (SPEC 1, 2, 9).
 *
 * Judges each message of each source (a message file, "-" for stdin, an
 * mbox, a maildir) as sendmail mode would, prints the verdicts, changes
 * nothing.  Exit 0 when every message is ok, 1 when the worst is warn, 2
 * when any would be blocked; a source that cannot be read or is empty
 * gives its sysexits code instead, after every other source was judged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-message.h"
#include "mg-rules.h"

typedef struct {
  mg_common_options_t common;
  char **to;            /* --to, repeatable */
  char *at;             /* --at */
  char **allow;         /* --allow, repeatable, comma lists */
  gboolean no_ledger;   /* --no-ledger: accepted; there is no ledger yet */
  const mg_config_t *config;
  gboolean colour;
  mg_severity_t worst;  /* worst verdict so far */
  int error_status;     /* first error's sysexits code, 0 if none */
} check_t;

/* --at: "now" (default), "header" (the message's Date) or ISO-8601. */
static gboolean
parse_at (const char *at, GError **error)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) when = NULL;

  if (at == NULL || strcmp (at, "now") == 0 || strcmp (at, "header") == 0)
    return TRUE;
  when = g_date_time_new_from_iso8601 (at, local);
  if (when == NULL)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_USAGE,
                   "--at '%s' is not now, header or an ISO-8601 time (2027-02-15T10:00:00-05:00)", at);
      return FALSE;
    }
  return TRUE;
}

static GDateTime *
evaluation_time (const check_t *check, const mg_message_t *message)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();

  if (check->at != NULL && strcmp (check->at, "header") == 0)
    {
      if (message->date != NULL)
        return g_date_time_to_local (message->date);
    }
  else if (check->at != NULL && strcmp (check->at, "now") != 0)
    return g_date_time_new_from_iso8601 (check->at, local);
  return g_date_time_new_now_local ();
}

/* --allow RULE[,RULE]: those findings become info (SPEC 6); "warnings"
 * releases every warn. */
static void
apply_allow (const check_t *check, mg_judgement_t *judgement)
{
  guint i;
  char **item;

  if (check->allow == NULL)
    return;
  judgement->verdict = MG_SEVERITY_OFF;
  for (i = 0; i < judgement->findings->len; i++)
    {
      mg_finding_t *f = g_ptr_array_index (judgement->findings, i);
      for (item = check->allow; *item != NULL; item++)
        {
          g_auto (GStrv) names = g_strsplit (*item, ",", -1);
          char **name;
          for (name = names; *name != NULL; name++)
            {
              const char *n = g_strstrip (*name);
              if (strcmp (n, mg_rule_info (f->rule)->name) == 0
                  || (strcmp (n, "warnings") == 0 && f->severity == MG_SEVERITY_WARN))
                f->severity = MG_SEVERITY_INFO;
            }
        }
      if (f->severity >= MG_SEVERITY_WARN && f->severity > judgement->verdict)
        judgement->verdict = f->severity;
    }
}

static void
judge_message (check_t *check, const mg_message_t *message)
{
  g_autoptr (mg_analysis_t) analysis = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  g_autoptr (GDateTime) at = evaluation_time (check, message);

  analysis = mg_analysis_new (message, check->config, (const char *const *) check->to);
  judgement = mg_rules_judge (analysis, at);
  apply_allow (check, judgement);
  if (judgement->verdict > check->worst)
    check->worst = judgement->verdict;
  mg_output_judgement (stdout, check->common.format, check->colour, analysis, judgement);
  if (check->common.verbose)
    {
      guint i;
      for (i = 0; i < message->problems->len; i++)
        mg_print_error ("%s: %s", message->source, (char *) g_ptr_array_index (message->problems, i));
    }
}

static void
note_error (check_t *check, const GError *error)
{
  mg_print_error ("%s", error->message);
  if (check->error_status == 0)
    check->error_status = mg_error_exit_code (error);
}

/* An mbox: every message in it, named FILE#N. */
static void
check_mbox (check_t *check, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  int fd = g_open (path, O_RDONLY, 0);
  guint n = 0;

  if (fd < 0)
    {
      g_set_error (&error, MG_ERROR, MG_ERROR_NOINPUT, "cannot read '%s': %s", path, g_strerror (errno));
      note_error (check, error);
      return;
    }
  stream = g_mime_stream_fs_new (fd);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  while (!g_mime_parser_eos (parser))
    {
      g_autofree char *source = g_strdup_printf ("%s#%u", path, n + 1);
      g_autoptr (mg_message_t) message = mg_message_parse_next (parser, source, NULL);

      if (message == NULL)
        break;
      n++;
      judge_message (check, message);
    }
  if (n == 0)
    {
      g_set_error (&error, MG_ERROR, MG_ERROR_DATA, "'%s' holds no message", path);
      note_error (check, error);
    }
}

static void check_source (check_t *check, const char *path);

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A maildir: the messages in cur/ and new/, in name order (delivery time
 * for maildir names). */
static void
check_maildir (check_t *check, const char *path)
{
  static const char *const subdirs[] = { "cur", "new" };
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir_path = g_build_filename (path, subdirs[i], NULL);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
    }
  g_ptr_array_sort (files, compare_names);
  for (i = 0; i < files->len; i++)
    check_source (check, g_ptr_array_index (files, i));
}

static gboolean
is_mbox (const char *path)
{
  char head[5] = { 0 };
  FILE *f = fopen (path, "rb");
  gboolean mbox;

  if (f == NULL)
    return FALSE;
  mbox = fread (head, 1, 5, f) == 5 && memcmp (head, "From ", 5) == 0;
  fclose (f);
  return mbox;
}

static void
check_source (check_t *check, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_message_t) message = NULL;

  if (strcmp (path, "-") != 0 && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *cur = g_build_filename (path, "cur", NULL);
      g_autofree char *new_dir = g_build_filename (path, "new", NULL);

      if (g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new_dir, G_FILE_TEST_IS_DIR))
        check_maildir (check, path);
      else
        {
          g_set_error (&error, MG_ERROR, MG_ERROR_NOINPUT,
                       "'%s' is a directory, not a message, mbox or maildir", path);
          note_error (check, error);
        }
      return;
    }
  if (strcmp (path, "-") != 0 && is_mbox (path))
    {
      check_mbox (check, path);
      return;
    }
  message = mg_message_parse_file (path, &error);
  if (message == NULL)
    note_error (check, error);
  else
    judge_message (check, message);
}

int
mg_cmd_check (int argc, char **argv)
{
  check_t check = { 0 };
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &check.to,
      "Envelope recipient instead of the To/Cc/Bcc headers (repeatable)", "ADDR" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &check.at,
      "Time the rules evaluate at: now (default), header, or ISO-8601", "TIME" },
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &check.allow,
      "Treat these rules' findings as info (\"warnings\": every warn)", "RULE[,RULE]" },
    { "no-ledger", 0, 0, G_OPTION_ARG_NONE, &check.no_ledger, "Ignore the history of sent mail", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[FILE|MBOX|MAILDIR|-]...");
  g_autoptr (mg_config_t) config = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  int i;

  g_option_context_set_summary (context, "Judge messages as sendmail mode would, changing nothing.\n"
                                         "Exit 0: all ok, 1: worst is warn, 2: a message would be blocked.");
  g_option_context_add_main_entries (context, entries, NULL);
  mg_common_options_add (context, &check.common);
  if (!mg_parse_options (context, "check", &argc, &argv) || !mg_common_options_finish (&check.common))
    {
      status = EX_USAGE;
      goto out;
    }
  if (!parse_at (check.at, &error))
    {
      mg_print_error ("check: %s", error->message);
      status = EX_USAGE;
      goto out;
    }
  config = mg_load_config (&check.common);
  if (config == NULL)
    {
      status = EX_CONFIG;
      goto out;
    }
  if (config->aamc_id_in_keyring)
    {
      mg_print_error ("%s: aamc_id = keyring: reading the ID from the keyring is not available "
                      "in this version yet; put your 8-digit AAMC ID in [applicant] aamc_id",
                      config->path);
      status = EX_CONFIG;
      goto out;
    }

  mg_gmime_init ();
  check.config = config;
  check.colour = check.common.format == MG_FORMAT_TEXT && isatty (STDOUT_FILENO)
              && g_getenv ("NO_COLOR") == NULL;
  if (argc < 2)
    {
      if (isatty (STDIN_FILENO))
        {
          mg_print_error ("check: name a message file, mbox or maildir, or '-' for standard input");
          status = EX_USAGE;
          goto out;
        }
      check_source (&check, "-");
    }
  for (i = 1; i < argc; i++)
    check_source (&check, argv[i]);

  if (check.error_status != 0)
    status = check.error_status;
  else
    status = check.worst == MG_SEVERITY_BLOCK ? 2 : check.worst == MG_SEVERITY_WARN ? 1 : 0;

out:
  g_strfreev (check.to);
  g_strfreev (check.allow);
  g_free (check.at);
  mg_common_options_clear (&check.common);
  return status;
}
