/* test-relay.c - running real relay programs: argument order, the exact
 * bytes on their standard input, exit statuses, signals, programs that are
 * missing or not executable, relays that stop reading, passthrough, and
 * what the child inherits. */
#define _GNU_SOURCE 1   /* memfd_create */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-relay.h"
#include "mg-spool.h"

/* Scripts and what they leave behind live here. */
static char *dir;

/* Writes the relay's arguments, standard input, ignored signals and
 * whether descriptor $MG_TEST_FD is open to files in $MG_TEST_DIR, then
 * exits with $MG_TEST_EXIT. */
static const char capture_script[] =
  "#!/bin/sh\n"
  "printf '%s\\n' \"$@\" > \"$MG_TEST_DIR/args\"\n"
  "cat > \"$MG_TEST_DIR/body\"\n"
  "grep '^SigIgn:' /proc/$$/status > \"$MG_TEST_DIR/sigign\"\n"
  "if [ -n \"$MG_TEST_FD\" ] && [ -e /proc/$$/fd/$MG_TEST_FD ]; then echo open; else echo closed; fi"
  " > \"$MG_TEST_DIR/fd\"\n"
  "exit ${MG_TEST_EXIT:-0}\n";

static char *
path_in_dir (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
write_script (const char *name, const char *text, mode_t mode)
{
  g_autofree char *path = path_in_dir (name);
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents (path, text, -1, &error))
    fail_msg ("%s", error->message);
  assert_int_equal (chmod (path, mode), 0);
}

/* The contents of a file the relay wrote, or NULL. */
static GBytes *
output (const char *name)
{
  g_autofree char *path = path_in_dir (name);
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_bytes_new_take (data, len);
}

static void
remove_outputs (void)
{
  const char *names[] = { "args", "body", "sigign", "fd" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = path_in_dir (names[i]);
      unlink (path);
    }
}

static void
assert_output (const char *name, const char *expected, gsize len)
{
  g_autoptr (GBytes) got = output (name);
  gsize got_len = 0;
  const char *p;

  if (got == NULL)
    fail_msg ("the relay wrote no '%s'", name);
  p = g_bytes_get_data (got, &got_len);
  if (got_len != len || memcmp (p, expected, len) != 0)
    {
      g_autofree char *text = g_strndup (p, MIN (got_len, 200));
      fail_msg ("'%s' holds %zu bytes \"%s...\", expected %zu", name, got_len, text, len);
    }
}

static mg_spool_t *
spool_of (const char *data, gsize len, gsize limit)
{
  g_autoptr (GError) error = NULL;
  int fd = memfd_create ("test-relay-input", MFD_CLOEXEC);
  mg_spool_t *spool;

  assert_true (fd >= 0);
  assert_int_equal (write (fd, data, len), (gssize) len);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  spool = mg_spool_read_limit (fd, limit, &error);
  close (fd);
  if (spool == NULL)
    fail_msg ("%s", error->message);
  return spool;
}

static const char message[] =
  "From: alice@example.org\n"
  "X-Matchguard-Override: too-long\n"
  "Subject: hello\n"
  "\n"
  "body\n";
static const char message_stripped[] =
  "From: alice@example.org\n"
  "Subject: hello\n"
  "\n"
  "body\n";

static int
setup (void **state)
{
  remove_outputs ();
  g_unsetenv ("MG_TEST_EXIT");
  g_unsetenv ("MG_TEST_FD");
  return 0;
}

/* Relay words first, then the original arguments, each one word, no shell
 * in between; the message as read, without the override field. */
static void
test_argv_order_and_body (void **state)
{
  const char *relay[] = {
    "/bin/sh", "-c", "printf '%s\\n' \"$@\" > \"$MG_TEST_DIR/args\"; cat > \"$MG_TEST_DIR/body\"",
    "relay-arg0", "--relay-word", NULL
  };
  const char *args[] = { "-oi", "-f", "a@x", "--", "r1@x", "two words; $(rm -rf /)", NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GError) error = NULL;
  const char expected[] = "--relay-word\n-oi\n-f\na@x\n--\nr1@x\ntwo words; $(rm -rf /)\n";
  int status = mg_relay_run (relay, args, spool, TRUE, 0, NULL, &error);

  assert_int_equal (status, 0);
  assert_null (error);
  assert_output ("args", expected, strlen (expected));
  assert_output ("body", message_stripped, strlen (message_stripped));
}

/* Without stripping, and with no original arguments at all. */
static void
test_unstripped_no_args (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);

  assert_int_equal (mg_relay_run (relay, NULL, spool, FALSE, 0, NULL, NULL), 0);
  assert_output ("args", "\n", 1);   /* printf with no arguments prints one line */
  assert_output ("body", message, strlen (message));
}

static void
test_exit_status (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, NULL };
  const char *args[] = { "r1@x", NULL };
  const int codes[] = { 0, 1, EX_NOUSER, EX_TEMPFAIL, EX_UNAVAILABLE };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), 0);
      g_autoptr (GError) error = NULL;
      g_autofree char *code = g_strdup_printf ("%d", codes[i]);

      g_setenv ("MG_TEST_EXIT", code, TRUE);
      assert_int_equal (mg_relay_run (relay, args, spool, TRUE, 0, NULL, &error), codes[i]);
      assert_null (error);
      assert_output ("body", message_stripped, strlen (message_stripped));
    }
}

static void
test_killed_by_signal (void **state)
{
  g_autofree char *script = path_in_dir ("killself");
  const char *relay[] = { script, NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GError) error = NULL;

  assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 0, NULL, &error), -1);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
  assert_int_equal (mg_error_exit_code (error), EX_TEMPFAIL);
  assert_non_null (strstr (error->message, "killed by signal 15"));
  assert_non_null (strstr (error->message, script));
}

static void
test_not_found (void **state)
{
  const char *missing[][2] = { { "/nonexistent/mg-relay", NULL }, { "mg-no-such-relay-4711", NULL } };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("relay '%s' not found", missing[i][0]);

      assert_int_equal (mg_relay_run (missing[i], NULL, spool, TRUE, 0, NULL, &error), -1);
      assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_UNAVAILABLE));
      assert_int_equal (mg_error_exit_code (error), EX_UNAVAILABLE);
      assert_string_equal (error->message, text);
    }
}

static void
test_not_executable (void **state)
{
  g_autofree char *script = path_in_dir ("not-executable");
  const char *targets[] = { script, dir };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *relay[] = { targets[i], NULL };
      g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
      g_autoptr (GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("relay '%s' not executable", targets[i]);

      assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 0, NULL, &error), -1);
      assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_UNAVAILABLE));
      assert_true (g_str_has_prefix (error->message, text));
    }
}

/* Under valgrind, posix_spawn() cannot report a failed exec (find_program()
 * says why): it returns a child that exits 127 instead. */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

/* Executable but not a program (no "#!", not ELF): found, so the start
 * succeeds, and the exec fails in the spawner thread (ENOEXEC).  finish
 * says so, abort just cleans up; nothing runs either way. */
static void
test_exec_fails_after_start (void **state)
{
  g_autofree char *path = path_in_dir ("garbage");
  const char *relay[] = { path, NULL };
  g_autofree char *text = g_strdup_printf ("relay '%s' not executable", path);
  int pass;

  for (pass = 0; pass < 2; pass++)
    {
      g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
      g_autoptr (GError) error = NULL;
      mg_relay_t *started = mg_relay_start (relay, NULL, 0, &error);

      assert_non_null (started);
      assert_null (error);
      if (pass == 1)
        {
          mg_relay_abort (started);
          continue;
        }
      if (under_valgrind ())
        {
          assert_int_equal (mg_relay_finish (started, spool, TRUE, NULL, &error), 127);
          continue;
        }
      assert_int_equal (mg_relay_finish (started, spool, TRUE, NULL, &error), -1);
      assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_UNAVAILABLE));
      assert_true (g_str_has_prefix (error->message, text));
    }
  /* no child left behind */
  assert_int_equal (waitpid (-1, NULL, WNOHANG), -1);
  assert_int_equal (errno, ECHILD);
}

/* A bare name is looked up in the caller's PATH, like execvp. */
static void
test_path_lookup (void **state)
{
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *path = g_strdup_printf ("/nonexistent:%s:%s", dir, old_path);
  const char *relay[] = { "capture", "--via-path", NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GError) error = NULL;
  int status;

  g_setenv ("PATH", path, TRUE);
  status = mg_relay_run (relay, NULL, spool, TRUE, 0, NULL, &error);
  g_setenv ("PATH", old_path, TRUE);
  assert_int_equal (status, 0);
  assert_output ("args", "--via-path\n", 11);
}

/* A relay that exits without reading its input (2 MiB from a spool file):
 * its status is returned, matchguard is not killed by SIGPIPE. */
static void
test_relay_stops_reading (void **state)
{
  GString *big = g_string_new ("From: a@x\nSubject: big\n\n");
  const char *scripts[] = { "exit-early", "read-some" };
  const int codes[] = { 3, 0 };
  gsize i;

  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, "a line of a big message that nobody reads to the end\n");
  assert_true (signal (SIGPIPE, SIG_DFL) != SIG_ERR);
  for (i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autofree char *script = path_in_dir (scripts[i]);
      const char *relay[] = { script, NULL };
      g_autoptr (mg_spool_t) spool = spool_of (big->str, big->len, MG_SPOOL_MEMORY_LIMIT);
      g_autoptr (GError) error = NULL;

      gboolean complete = TRUE;

      assert_false (mg_spool_in_memory (spool));
      assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 0, &complete, &error), codes[i]);
      assert_null (error);
      assert_false (complete);
    }
  g_string_free (big, TRUE);
}

/* A relay that hangs: stopped at the deadline, whether it stopped reading
 * ("hang": sleeps with its input open; it never sees the end of the
 * message) or read everything and then hangs ignoring SIGTERM
 * ("hang-after-end": SIGKILL 2 s after SIGTERM).  Either way -1 with
 * MG_ERROR_TEMPFAIL, and no wait for the relay's own sleep. */
static void
test_timeout (void **state)
{
  GString *big = g_string_new ("From: a@x\nSubject: big\n\n");
  const char *scripts[] = { "hang", "hang-after-end" };
  const char *says[] = { "never got the end", "may or may not have gone out" };
  gsize i;

  while (big->len < 1024 * 1024)
    g_string_append (big, "a line of a message that a hung relay holds\n");
  for (i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autofree char *script = path_in_dir (scripts[i]);
      const char *relay[] = { script, NULL };
      g_autoptr (mg_spool_t) spool = spool_of (big->str, big->len, MG_SPOOL_MEMORY_LIMIT);
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 1, NULL, &error), -1);
      assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
      assert_non_null (strstr (error->message, "timeout_seconds"));
      assert_non_null (strstr (error->message, says[i]));
      assert_true (g_get_monotonic_time () - start >= G_USEC_PER_SEC);
      assert_true (g_get_monotonic_time () - start < 20 * G_USEC_PER_SEC);
    }
  /* the one that read everything got all of it */
  assert_output ("body", big->str, big->len);
  g_string_free (big, TRUE);
}

/* A timeout does not disturb a relay that is in time. */
static void
test_timeout_in_time (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
  gboolean complete = FALSE;

  g_setenv ("MG_TEST_EXIT", "5", TRUE);
  assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 30, &complete, NULL), 5);
  assert_true (complete);
  assert_output ("body", message_stripped, strlen (message_stripped));
}

/* A big message arrives whole. */
static void
test_big_message_exact (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, NULL };
  GString *big = g_string_new ("From: a@x\r\nX-Matchguard-Override: x\r\n\r\n");
  g_autoptr (mg_spool_t) spool = NULL;
  guint i;

  for (i = 0; big->len < 2 * 1024 * 1024; i++)
    g_string_append_printf (big, "%u\r\n%c", i, (char) (i & 0xff));
  spool = spool_of (big->str, big->len, MG_SPOOL_MEMORY_LIMIT);
  assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 0, NULL, NULL), 0);
  {
    g_autoptr (GBytes) body = output ("body");
    gsize len;
    const char *p = g_bytes_get_data (body, &len);
    gsize cut = strlen ("X-Matchguard-Override: x\r\n");

    assert_int_equal (len, big->len - cut);
    assert_memory_equal (p, big->str, 11);
    assert_memory_equal (p + 11, big->str + 11 + cut, len - 11);
  }
  g_string_free (big, TRUE);
}

/* The relay gets SIGPIPE at its default even if we ignore it, and none of
 * our descriptors beyond 0-2. */
static void
test_child_environment (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), 0);
  g_autoptr (GBytes) sigign = NULL;
  g_autofree char *fdtext = NULL;
  g_autofree char *line = NULL;
  guint64 mask;
  int fd = open ("/dev/null", O_RDONLY);   /* no O_CLOEXEC: closing it is the relay module's job */

  assert_true (fd > 2);
  fdtext = g_strdup_printf ("%d", fd);
  g_setenv ("MG_TEST_FD", fdtext, TRUE);
  assert_true (signal (SIGPIPE, SIG_IGN) != SIG_ERR);
  assert_int_equal (mg_relay_run (relay, NULL, spool, TRUE, 0, NULL, NULL), 0);
  assert_true (signal (SIGPIPE, SIG_DFL) != SIG_ERR);
  close (fd);

  assert_output ("fd", "closed\n", 7);
  assert_output ("body", message_stripped, strlen (message_stripped));
  sigign = output ("sigign");
  assert_non_null (sigign);
  line = g_strndup (g_bytes_get_data (sigign, NULL), g_bytes_get_size (sigign));
  assert_true (g_str_has_prefix (line, "SigIgn:"));
  mask = g_ascii_strtoull (g_strstrip (line + 7), NULL, 16);
  assert_false (mask & (G_GUINT64_CONSTANT (1) << (SIGPIPE - 1)));
  /* the spool file (fd of the spool) is not inherited either */
  assert_true (mg_spool_fd (spool) > 2);
}

/* Passthrough: our standard input goes to the relay as it is. */
static void
test_passthrough (void **state)
{
  g_autofree char *script = path_in_dir ("capture");
  const char *relay[] = { script, "-C", "relay.conf", NULL };
  const char *args[] = { "-bp", NULL };
  const char input[] = "not a message at all\0 but bytes\n";
  int saved = dup (STDIN_FILENO);
  int fd = memfd_create ("test-relay-stdin", MFD_CLOEXEC);
  g_autoptr (GError) error = NULL;
  int status;

  assert_true (saved >= 0 && fd >= 0);
  assert_int_equal (write (fd, input, sizeof input - 1), (gssize) sizeof input - 1);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  assert_int_equal (dup2 (fd, STDIN_FILENO), STDIN_FILENO);
  g_setenv ("MG_TEST_EXIT", "66", TRUE);
  status = mg_relay_passthrough (relay, args, &error);
  dup2 (saved, STDIN_FILENO);
  close (saved);
  close (fd);

  assert_int_equal (status, 66);
  assert_null (error);
  assert_output ("args", "-C\nrelay.conf\n-bp\n", 18);
  assert_output ("body", input, sizeof input - 1);
}

static void
test_passthrough_errors (void **state)
{
  g_autofree char *script = path_in_dir ("killself");
  const char *killed[] = { script, NULL };
  const char *missing[] = { "/nonexistent/relay", NULL };
  const char *empty[] = { "", NULL };
  const char *args[] = { "-bp", NULL };
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;

  assert_int_equal (mg_relay_passthrough (killed, args, &e1), -1);
  assert_true (g_error_matches (e1, MG_ERROR, MG_ERROR_TEMPFAIL));
  assert_int_equal (mg_relay_passthrough (missing, args, &e2), -1);
  assert_true (g_error_matches (e2, MG_ERROR, MG_ERROR_UNAVAILABLE));
  assert_int_equal (mg_relay_passthrough (empty, args, &e3), -1);
  assert_true (g_error_matches (e3, MG_ERROR, MG_ERROR_CONFIG));
}

/* "waiter": one process (shell builtins only, no cat child, so that a
 * signal to it is a signal to the reader) that says it started, then
 * copies its input to body and creates eof once it has read the end. */
static const char waiter_script[] =
  "#!/bin/sh\n"
  "echo $$ > \"$MG_TEST_DIR/started.tmp\"\n"
  "mv \"$MG_TEST_DIR/started.tmp\" \"$MG_TEST_DIR/started\"\n"
  "while IFS= read -r line; do printf '%s\\n' \"$line\"; done > \"$MG_TEST_DIR/body\"\n"
  ": > \"$MG_TEST_DIR/eof\"\n"
  "exit 0\n";

/* The pid the waiter wrote once it runs; fails after 20 s. */
static pid_t
wait_for_waiter (void)
{
  g_autofree char *path = path_in_dir ("started");
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  while (!g_file_get_contents (path, &text, NULL, NULL))
    {
      if (g_get_monotonic_time () > until)
        fail_msg ("the relay never started");
      g_usleep (2000);
    }
  return (pid_t) atoi (text);
}

static gboolean
exists (const char *name)
{
  g_autofree char *path = path_in_dir (name);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_waiter_outputs (void)
{
  const char *names[] = { "started", "body", "eof" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = path_in_dir (names[i]);
      unlink (path);
    }
}

/* Started, the relay waits for its input: given it later, it gets the
 * whole message and its status is returned. */
static void
test_start_then_finish (void **state)
{
  g_autofree char *script = path_in_dir ("waiter");
  const char *relay[] = { script, NULL };
  g_autoptr (mg_spool_t) spool = spool_of (message, strlen (message), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GError) error = NULL;
  mg_relay_t *started;
  gboolean complete = FALSE;

  remove_waiter_outputs ();
  started = mg_relay_start (relay, NULL, 30, &error);
  assert_non_null (started);
  wait_for_waiter ();
  g_usleep (50000);
  assert_false (exists ("eof"));   /* still waiting for the message */
  assert_int_equal (mg_relay_finish (started, spool, TRUE, &complete, &error), 0);
  assert_null (error);
  assert_true (complete);
  assert_true (exists ("eof"));
  assert_output ("body", message_stripped, strlen (message_stripped));
  remove_waiter_outputs ();
}

/* Aborted (the ledger entry could not be committed), a started relay is
 * killed while its input is open: it never reads an end, so it can send
 * nothing, and it is reaped. */
static void
test_start_then_abort (void **state)
{
  g_autofree char *script = path_in_dir ("waiter");
  const char *relay[] = { script, NULL };
  mg_relay_t *started;
  pid_t pid;

  remove_waiter_outputs ();
  started = mg_relay_start (relay, NULL, 0, NULL);
  assert_non_null (started);
  pid = wait_for_waiter ();
  mg_relay_abort (started);
  assert_int_equal (kill (pid, 0), -1);   /* gone and reaped */
  assert_int_equal (errno, ESRCH);
  g_usleep (50000);
  assert_false (exists ("eof"));
  remove_waiter_outputs ();
  mg_relay_abort (NULL);   /* nothing started: nothing to do */
}

/* matchguard killed (SIGTERM) between starting the relay and giving it
 * the message: the relay is killed first, so that the end of its input,
 * which our death brings, is not the end of a message it would send. */
static void
test_signal_while_started (void **state)
{
  g_autofree char *script = path_in_dir ("waiter");
  const char *relay[] = { script, NULL };
  gint64 until;
  pid_t child, pid;
  int status;

  remove_waiter_outputs ();
  child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      mg_relay_t *started = mg_relay_start (relay, NULL, 0, NULL);

      if (started == NULL)
        _exit (3);
      wait_for_waiter ();
      raise (SIGTERM);
      _exit (4);   /* not reached: SIGTERM ends us */
    }
  assert_int_equal (waitpid (child, &status, 0), child);
  assert_true (WIFSIGNALED (status));
  assert_int_equal (WTERMSIG (status), SIGTERM);
  pid = wait_for_waiter ();
  /* orphaned, it is reaped by init: wait until it is gone */
  until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (kill (pid, 0) == 0 && g_get_monotonic_time () < until)
    {
      g_autofree char *stat = g_strdup_printf ("/proc/%d/stat", (int) pid);
      g_autofree char *text = NULL;
      const char *state_field;

      /* a zombie has read all it ever will */
      if (g_file_get_contents (stat, &text, NULL, NULL)
          && (state_field = strrchr (text, ')')) != NULL && state_field[2] == 'Z')
        break;
      g_usleep (2000);
    }
  assert_false (exists ("eof"));
  remove_waiter_outputs ();
}

/* SIGTERM soon after mg_relay_start() returns, while its spawner thread
 * may still be inside posix_spawn() (the relay exists, its pid is not
 * known yet): the relay is killed all the same and never reads the end
 * of its input.  Where the signal lands depends on timing, so the rounds
 * spread it over up to two milliseconds, which hold the spawn.  As a
 * subreaper, the test inherits the relay of each round and sees how it
 * ended ("reader" is one process: the waiter's mv would be inherited
 * too). */
static void
test_signal_while_spawning (void **state)
{
  g_autofree char *script = path_in_dir ("reader");
  const char *relay[] = { script, NULL };
  int round, spawned = 0;

  assert_int_equal (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
  /* ten rounds that signal once the relay exists are enough */
  for (round = 0; round < 100 && spawned < 10; round++)
    {
      pid_t child, orphan;
      int status;

      remove_waiter_outputs ();
      child = fork ();
      assert_true (child >= 0);
      if (child == 0)
        {
          gint64 raise_at;

          if (mg_relay_start (relay, NULL, 0, NULL) == NULL)
            _exit (3);
          raise_at = g_get_monotonic_time () + round * 20;
          while (g_get_monotonic_time () < raise_at)
            ;
          raise (SIGTERM);
          _exit (4);   /* not reached: SIGTERM ends us */
        }
      assert_int_equal (waitpid (child, &status, 0), child);
      assert_true (WIFSIGNALED (status));
      assert_int_equal (WTERMSIG (status), SIGTERM);
      /* its relay, if it had one, is ours now */
      while ((orphan = waitpid (-1, &status, 0)) > 0)
        {
          spawned++;
          if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
            fail_msg ("round %d: the relay was not killed (status 0x%x)", round, (unsigned) status);
        }
      assert_int_equal (errno, ECHILD);
      assert_false (exists ("eof"));
    }
  assert_int_equal (prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
  /* the later rounds signal after the spawn */
  assert_true (spawned > 0);
  remove_waiter_outputs ();
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup (test_argv_order_and_body, setup),
    cmocka_unit_test_setup (test_unstripped_no_args, setup),
    cmocka_unit_test_setup (test_exit_status, setup),
    cmocka_unit_test_setup (test_killed_by_signal, setup),
    cmocka_unit_test_setup (test_not_found, setup),
    cmocka_unit_test_setup (test_not_executable, setup),
    cmocka_unit_test_setup (test_exec_fails_after_start, setup),
    cmocka_unit_test_setup (test_path_lookup, setup),
    cmocka_unit_test_setup (test_relay_stops_reading, setup),
    cmocka_unit_test_setup (test_timeout, setup),
    cmocka_unit_test_setup (test_timeout_in_time, setup),
    cmocka_unit_test_setup (test_big_message_exact, setup),
    cmocka_unit_test_setup (test_child_environment, setup),
    cmocka_unit_test_setup (test_passthrough, setup),
    cmocka_unit_test_setup (test_passthrough_errors, setup),
    cmocka_unit_test_setup (test_start_then_finish, setup),
    cmocka_unit_test_setup (test_start_then_abort, setup),
    cmocka_unit_test_setup (test_signal_while_started, setup),
    cmocka_unit_test_setup (test_signal_while_spawning, setup),
  };
  g_autoptr (GError) error = NULL;
  int status;

  dir = g_dir_make_tmp ("test-relay-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 99;
    }
  g_setenv ("MG_TEST_DIR", dir, TRUE);
  write_script ("capture", capture_script, 0755);
  write_script ("killself", "#!/bin/sh\nkill -TERM $$\nsleep 5\nexit 0\n", 0755);
  write_script ("garbage", "\x01\x02 not a program\n", 0755);
  write_script ("reader",
                "#!/bin/sh\nwhile IFS= read -r line; do :; done\n: > \"$MG_TEST_DIR/eof\"\nexit 0\n",
                0755);
  write_script ("exit-early", "#!/bin/sh\nexit 3\n", 0755);
  write_script ("read-some", "#!/bin/sh\nhead -c 10 > /dev/null\nexit 0\n", 0755);
  write_script ("not-executable", "#!/bin/sh\nexit 0\n", 0644);
  write_script ("hang", "#!/bin/sh\nexec sleep 60\n", 0755);
  write_script ("waiter", waiter_script, 0755);
  write_script ("hang-after-end",
                "#!/bin/sh\ncat > \"$MG_TEST_DIR/body\"\ntrap '' TERM\nexec sleep 60\n", 0755);
  g_mime_init ();

  status = cmocka_run_group_tests (tests, NULL, NULL);

  {
    const char *names[] = { "capture", "killself", "exit-early", "read-some", "not-executable",
                            "hang", "hang-after-end", "waiter", "reader", "garbage" };
    gsize i;

    remove_outputs ();
    for (i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = path_in_dir (names[i]);
        unlink (path);
      }
    if (rmdir (dir) != 0)
      {
        fprintf (stderr, "%s: %s\n", dir, g_strerror (errno));
        status = 1;
      }
  }
  g_free (dir);
  g_mime_shutdown ();
  return status;
}
