/* main.c - the command table and dispatch (SPEC 1).
 *
 * `matchguard SUBCOMMAND ...` runs a subcommand; anything else is sendmail
 * mode, which is also what runs when the program is invoked under the
 * name "sendmail".  The table drives both dispatch and --help.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <locale.h>
#include <sqlite3.h>

#include "commands.h"
#include "mg-common.h"
#include "mg-message.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *usage;
  const char *summary;
} command_t;

static const command_t commands[] = {
  { "check", mg_cmd_check, "[OPTIONS] [FILE|MBOX|MAILDIR|-]...", "dry run: judge messages, change nothing" },
  { "audit", mg_cmd_audit, "[OPTIONS] SOURCE...", "replay sent mail in date order" },
  { "import", mg_cmd_import, "[OPTIONS] SOURCE...", "record already-sent mail in the ledger" },
  { "status", mg_cmd_status, "[OPTIONS] [PROGRAM-ID...]", "per-program communication summary" },
  { "log", mg_cmd_log, "[OPTIONS]", "ledger entries, newest last" },
  { "registry", mg_cmd_registry, "list|check|import-csv FILE", "inspect, validate or import programs" },
  { "secret", mg_cmd_secret, "set|get|clear aamc-id", "applicant ID in the desktop keyring" },
  { "rules", mg_cmd_rules, "[--format text|json]", "list rules with default and configured severity" },
};

static void
print_help (FILE *out)
{
  gsize i;

  fprintf (out, "Usage: matchguard [SENDMAIL-OPTIONS] [--] [RECIPIENT...]   (sendmail mode)\n");
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "       matchguard %s %s\n", commands[i].name, commands[i].usage);
  fprintf (out, "       matchguard --help | --version\n\nCommands:\n");
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'matchguard COMMAND --help' for a command's options.\n"
                "Configuration: --config FILE, else $MATCHGUARD_CONFIG, else\n"
                "$XDG_CONFIG_HOME/matchguard/matchguard.conf.\n");
}

/* SQLite's per-connection preallocations, sized for long-lived servers:
 * a lookaside pool and a bulk page cache (20 pages), both written through
 * when the ledger opens, so resident at once (about 130 KB), though one
 * send reads a handful of pages.  Without them SQLite allocates as it
 * goes.  No memory statistics either (a process-wide mutex around every
 * allocation, taken in turn by the main thread and the ledger's helper,
 * mg_ledger_open_begin()), nor a mutex per connection: a connection is
 * used by one thread at a time, the helper handing the ledger over with
 * a join.  Must come before SQLite initializes (the first sqlite3_open). */
static void
lean_sqlite (void)
{
  sqlite3_config (SQLITE_CONFIG_LOOKASIDE, 0, 0);
  sqlite3_config (SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config (SQLITE_CONFIG_MULTITHREAD);
}

int
main (int argc, char **argv)
{
  g_autofree char *invoked_as = g_path_get_basename (argv[0]);
  gsize i;

  /* GMime reads the locale's character set when it starts, for text that
   * does not name its own: started before any setlocale(), it uses the
   * same one for every user, and a message gets the same verdict from
   * check as from sendmail mode, whatever LANG says. */
  mg_gmime_init ();
  lean_sqlite ();
  if (strcmp (invoked_as, "sendmail") == 0)
    return mg_cmd_sendmail (argc, argv);
  if (argc < 2)
    {
      print_help (stderr);
      return EX_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_help (stdout);
      return EX_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("matchguard %s\n", PACKAGE_VERSION);
      return EX_OK;
    }
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* the user's character set, in which GOption takes option values
         * (a program's name, a file name); only that: the other categories
         * would load more locale files, matchguard writes English, and
         * LC_NUMERIC must stay "C" for the JSON.  Sendmail mode parses its
         * own options and writes UTF-8 as it is: it needs no locale, and
         * loads none on every send. */
        setlocale (LC_CTYPE, "");
        return commands[i].run (argc - 1, argv + 1);
      }
  return mg_cmd_sendmail (argc, argv);
}
