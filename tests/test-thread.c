/* test-thread.c - helper threads (mg-thread.h): they run what they are
 * given and are joined; they block every signal, so signals reach the
 * main thread; and neither they nor what they start stay pinned to the
 * CPUs they were started on. */
#define _GNU_SOURCE 1   /* CPU_EQUAL, sched_getaffinity */
#include "config.h"

#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-thread.h"

typedef struct {
  int runs;             /* times the thread function ran */
  cpu_set_t cpus;       /* the thread's CPUs, as it saw them */
  sigset_t mask;        /* the thread's signal mask */
  char *child_cpus;     /* Cpus_allowed_list of a program the thread ran */
} seen_t;

static void *
look_around (void *data)
{
  seen_t *seen = data;
  const char *argv[] = { "/bin/grep", "^Cpus_allowed_list:", "/proc/self/status", NULL };

  g_usleep (20000);   /* the join must wait for this */
  sched_getaffinity (0, sizeof seen->cpus, &seen->cpus);
  pthread_sigmask (SIG_SETMASK, NULL, &seen->mask);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &seen->child_cpus,
                NULL, NULL, NULL);
  seen->runs++;
  return NULL;
}

/* The CPUs of this process, as /proc lists them, for comparison with a
 * child's line. */
static char *
own_cpus_line (void)
{
  g_autofree char *status = NULL;
  char *line, *end;

  assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "Cpus_allowed_list:");
  assert_non_null (line);
  end = strchr (line, '\n');
  return g_strndup (line, (gsize) (end - line + 1));
}

static void
test_runs_and_joins (void **state)
{
  seen_t seen = { 0 };
  int errnum = 0;
  mg_thread_t *thread = mg_thread_start (look_around, &seen, &errnum);

  assert_non_null (thread);
  assert_int_equal (errnum, 0);
  mg_thread_join (thread);
  assert_int_equal (seen.runs, 1);
  g_free (seen.child_cpus);
  mg_thread_join (NULL);
}

/* A signal sent to the process while a helper runs is left to the main
 * thread, where matchguard's handlers are. */
static void
test_blocks_signals (void **state)
{
  seen_t seen = { 0 };
  static const int signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGPIPE, SIGALRM };
  gsize i;

  mg_thread_join (mg_thread_start (look_around, &seen, NULL));
  for (i = 0; i < G_N_ELEMENTS (signals); i++)
    if (!sigismember (&seen.mask, signals[i]))
      fail_msg ("signal %d is not blocked in the helper", signals[i]);
  g_free (seen.child_cpus);
}

/* Started on another CPU, the thread gets all of the process's CPUs back
 * before its function runs, and so does a program it starts (the relay:
 * a relay pinned to one CPU would be slower for no reason).  On a
 * machine with one CPU there is nothing to place, and this holds too. */
static void
test_not_pinned (void **state)
{
  seen_t seen = { 0 };
  cpu_set_t ours;
  g_autofree char *line = own_cpus_line ();

  assert_int_equal (sched_getaffinity (0, sizeof ours, &ours), 0);
  mg_thread_join (mg_thread_start (look_around, &seen, NULL));
  if (!CPU_EQUAL (&ours, &seen.cpus))
    fail_msg ("the helper may use %d CPUs, the process %d", CPU_COUNT (&seen.cpus),
              CPU_COUNT (&ours));
  assert_non_null (seen.child_cpus);
  assert_string_equal (seen.child_cpus, line);
  g_free (seen.child_cpus);
}

/* mg_thread_cpus() counts the CPUs the process may use, as taskset sets
 * them, not the machine's: pinned to one, it says one (audit then does
 * everything in one thread). */
static void
test_cpus_follow_affinity (void **state)
{
  cpu_set_t ours, one;
  int first = 0;

  assert_int_equal (sched_getaffinity (0, sizeof ours, &ours), 0);
  assert_int_equal (mg_thread_cpus (), CPU_COUNT (&ours));
  while (!CPU_ISSET (first, &ours))
    first++;
  CPU_ZERO (&one);
  CPU_SET (first, &one);
  assert_int_equal (sched_setaffinity (0, sizeof one, &one), 0);
  assert_int_equal (mg_thread_cpus (), 1);
  assert_int_equal (sched_setaffinity (0, sizeof ours, &ours), 0);
  assert_int_equal (mg_thread_cpus (), CPU_COUNT (&ours));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_runs_and_joins),
    cmocka_unit_test (test_blocks_signals),
    cmocka_unit_test (test_not_pinned),
    cmocka_unit_test (test_cpus_follow_affinity),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
