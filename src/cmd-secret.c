/* cmd-secret.c - `matchguard secret set|get|clear aamc-id`: the applicant's
 * AAMC ID in the desktop keyring (SPEC 1, 8). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "mg-common.h"
#include "mg-config.h"
#include "mg-secret.h"

/* The terminal as it was before echo was turned off, restored on a signal
 * too so that ^C does not leave the shell without echo. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

static void
restore_and_reraise (int sig)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* One line from @in, without its line end; NULL at end of input. */
static char *
read_line (FILE *in)
{
  g_autoptr (GString) line = g_string_new (NULL);
  int c;

  while ((c = getc (in)) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (c == EOF && line->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The ID typed at the terminal, not echoed; or the first line of stdin
 * when it is not a terminal. */
static char *
read_id (GError **error)
{
  struct termios quiet;
  struct sigaction action = { 0 }, old_int, old_term, old_hup;
  char *line;

  if (!isatty (STDIN_FILENO))
    {
      line = read_line (stdin);
      if (line == NULL)
        g_set_error_literal (error, MG_ERROR, MG_ERROR_DATA,
                             "no AAMC ID on standard input; nothing stored");
      return line;
    }
  if (tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_IO, "cannot read the terminal: %s", g_strerror (errno));
      return NULL;
    }
  action.sa_handler = restore_and_reraise;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, &old_int);
  sigaction (SIGTERM, &action, &old_term);
  sigaction (SIGHUP, &action, &old_hup);
  termios_saved = 1;
  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) (ECHO | ECHOE | ECHOK);
  quiet.c_lflag |= ECHONL;
  fputs ("AAMC ID (8 digits, not shown): ", stderr);
  fflush (stderr);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = read_line (stdin);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  termios_saved = 0;
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGHUP, &old_hup, NULL);
  if (line == NULL)
    {
      fputc ('\n', stderr);
      g_set_error_literal (error, MG_ERROR, MG_ERROR_DATA, "no AAMC ID typed; nothing stored");
    }
  return line;
}

static int
secret_set (const char *config_path, gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = read_id (&error);
  g_autofree char *digits = NULL;

  if (line == NULL)
    goto fail;
  digits = mg_secret_normalize_id (line);
  memset (line, 0, strlen (line));
  if (digits == NULL)
    {
      mg_print_error ("secret set: an AAMC ID is 8 digits (e.g. 12345678); nothing stored");
      return EX_DATAERR;
    }
  if (!mg_secret_store_aamc_id (digits, config_path, &error))
    goto fail;
  if (!quiet)
    fprintf (stderr, "matchguard: AAMC ID stored in the keyring; "
                     "set aamc_id = keyring in [applicant] to use it\n");
  return EX_OK;

fail:
  mg_print_error ("secret set: %s", error->message);
  return mg_error_exit_code (error);
}

static int
secret_get (const char *config_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = mg_secret_lookup_aamc_id (config_path, &error);

  if (error != NULL)
    {
      mg_print_error ("secret get: %s", error->message);
      return mg_error_exit_code (error);
    }
  if (id == NULL)
    {
      mg_print_error ("secret get: the keyring holds no AAMC ID; "
                      "store it with 'matchguard secret set aamc-id'");
      return 1;
    }
  printf ("%s\n", id);
  return EX_OK;
}

static int
secret_clear (const char *config_path, gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  gboolean removed = FALSE;

  if (!mg_secret_clear_aamc_id (config_path, &removed, &error))
    {
      mg_print_error ("secret clear: %s", error->message);
      return mg_error_exit_code (error);
    }
  if (!quiet)
    fprintf (stderr, "matchguard: %s\n", removed ? "AAMC ID removed from the keyring"
                                                 : "the keyring held no AAMC ID; nothing to remove");
  return EX_OK;
}

int
mg_cmd_secret (int argc, char **argv)
{
  mg_common_options_t common = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("set|get|clear aamc-id");
  g_autofree char *config_path = NULL;
  int status = EX_USAGE;

  g_option_context_set_summary (context,
                                "Keep the applicant's AAMC ID in the desktop keyring (libsecret).\n"
                                "set reads it from the terminal without echo, or the first line of\n"
                                "stdin; get prints it; clear removes it.  Use it with\n"
                                "aamc_id = keyring in [applicant].");
  mg_common_options_add (context, &common);
  if (!mg_parse_options (context, "secret", &argc, &argv) || !mg_common_options_finish (&common))
    goto out;
  if (argc != 3 || strcmp (argv[2], MG_SECRET_AAMC_ID) != 0
      || (strcmp (argv[1], "set") != 0 && strcmp (argv[1], "get") != 0 && strcmp (argv[1], "clear") != 0))
    {
      mg_print_error ("secret: usage: matchguard secret set|get|clear aamc-id");
      goto out;
    }
  config_path = common.config_path != NULL ? g_strdup (common.config_path) : mg_config_default_path ();
  if (strcmp (argv[1], "set") == 0)
    status = secret_set (config_path, common.quiet);
  else if (strcmp (argv[1], "get") == 0)
    status = secret_get (config_path);
  else
    status = secret_clear (config_path, common.quiet);

out:
  mg_common_options_clear (&common);
  return status;
}
