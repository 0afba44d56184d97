/* test-thread.c - helper threads (mg-thread.h): they run what they are
 * given and are joined; they block every signal, so signals reach the
 * main thread; neither they nor what they start stay pinned to the
 * CPUs they were started on; and a joined thread runs the next work. */
#define _GNU_SOURCE 1   /* CPU_EQUAL, sched_getaffinity */
#include "config.h"

#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
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

static void *
note_thread (void *data)
{
  *(pthread_t *) data = pthread_self ();
  return NULL;
}

/* The threads in this process, as /proc lists them. */
static guint
count_threads (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  assert_non_null (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A joined thread waits for the next work instead of ending (its end
 * would map glibc's thread-exit code, bench/README.md): the next start
 * runs in it, and starting and joining a hundred times adds no thread.
 * Two at once are two threads. */
static void
test_threads_are_reused (void **state)
{
  pthread_t first = 0, again = 0, other = 0;
  mg_thread_t *a, *b;
  guint before, i;

  mg_thread_join (mg_thread_start (note_thread, &first, NULL));
  before = count_threads ();
  mg_thread_join (mg_thread_start (note_thread, &again, NULL));
  assert_true (pthread_equal (first, again));
  assert_false (pthread_equal (first, pthread_self ()));
  for (i = 0; i < 100; i++)
    mg_thread_join (mg_thread_start (note_thread, &again, NULL));
  assert_int_equal (count_threads (), before);

  a = mg_thread_start (note_thread, &again, NULL);
  b = mg_thread_start (note_thread, &other, NULL);
  mg_thread_join (a);
  mg_thread_join (b);
  assert_false (pthread_equal (again, other));
  assert_int_equal (count_threads (), before + 1);
}

/* A child of fork() has none of its parent's waiting threads: what it
 * starts runs in threads of its own. */
static void
test_threads_after_fork (void **state)
{
  pthread_t ran = 0;
  int status;
  pid_t child;

  mg_thread_join (mg_thread_start (note_thread, &ran, NULL));
  child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      pthread_t in_child = 0;
      mg_thread_t *thread;

      alarm (20);   /* a hang ends the child, and the parent sees it */
      thread = mg_thread_start (note_thread, &in_child, NULL);
      if (thread == NULL)
        _exit (2);
      mg_thread_join (thread);   /* hangs if the work went to a parent's thread */
      _exit (in_child != 0 && !pthread_equal (in_child, pthread_self ()) ? 0 : 3);
    }
  assert_int_equal (waitpid (child, &status, 0), child);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_runs_and_joins),
    cmocka_unit_test (test_blocks_signals),
    cmocka_unit_test (test_not_pinned),
    cmocka_unit_test (test_cpus_follow_affinity),
    cmocka_unit_test (test_threads_are_reused),
    cmocka_unit_test (test_threads_after_fork),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
