/* thread.c - helper threads that run beside the main thread at once.
 *
 * Design:
 * - Linux queues a new thread on its creator's CPU, expecting the two to
 *   share data in that CPU's cache; there it waits until the creator
 *   blocks or uses up its time slice.  With the creator busy (parsing the
 *   message while the helper opens the ledger), that was up to a
 *   millisecond on the bench machine (2 CPUs, KVM) while the other CPU
 *   idled, and the helper gained nothing.  So a helper is created with
 *   its CPU affinity set to the process's CPUs minus the caller's one,
 *   which makes the kernel start it on another CPU at once (within
 *   0.03 ms there), and its first step gives it all the process's CPUs
 *   back: the affinity only places it, and a posix_spawn()ed child, which
 *   inherits the calling thread's CPUs, is not pinned.  With one CPU, or
 *   when the affinity cannot be read, the thread is started as usual.
 * - Every signal is blocked in the thread: process-directed signals then
 *   go to the main thread, where matchguard's handlers expect them
 *   (relay.c's guard of a started relay).
 * - The trampoline allocates nothing: a helper that never calls malloc()
 *   (the spawner) gets no malloc arena of its own.
 */
#define _GNU_SOURCE 1   /* sched_getcpu, CPU_* macros, pthread_attr_setaffinity_np */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "mg-thread.h"

struct mg_thread {
  pthread_t id;
  void *(*func) (void *);
  void *data;
  gboolean placed;     /* started on the CPUs in @allowed minus the caller's */
  cpu_set_t allowed;   /* the process's CPUs, given back first thing */
};

static void *
trampoline (void *arg)
{
  mg_thread_t *thread = arg;

  if (thread->placed)
    sched_setaffinity (0, sizeof thread->allowed, &thread->allowed);
  return thread->func (thread->data);
}

/* Sets @attr to start the thread on another CPU than the caller's; FALSE
 * when there is none to choose. */
static gboolean
place_elsewhere (pthread_attr_t *attr, const cpu_set_t *allowed)
{
  cpu_set_t others = *allowed;
  int here = sched_getcpu ();

  if (here < 0 || here >= CPU_SETSIZE || !CPU_ISSET (here, &others))
    return FALSE;
  CPU_CLR (here, &others);
  return CPU_COUNT (&others) > 0
         && pthread_attr_setaffinity_np (attr, sizeof others, &others) == 0;
}

mg_thread_t *
mg_thread_start (void *(*func) (void *), void *data, int *errnum)
{
  mg_thread_t *thread;
  pthread_attr_t attr;
  sigset_t all;
  int rc;

  g_return_val_if_fail (func != NULL, NULL);

  thread = g_new0 (mg_thread_t, 1);
  thread->func = func;
  thread->data = data;
  pthread_attr_init (&attr);
  sigfillset (&all);
  pthread_attr_setsigmask_np (&attr, &all);
  if (sched_getaffinity (0, sizeof thread->allowed, &thread->allowed) == 0)
    thread->placed = place_elsewhere (&attr, &thread->allowed);
  rc = pthread_create (&thread->id, &attr, trampoline, thread);
  pthread_attr_destroy (&attr);
  if (rc != 0)
    {
      g_free (thread);
      if (errnum != NULL)
        *errnum = rc;
      return NULL;
    }
  return thread;
}

void
mg_thread_join (mg_thread_t *thread)
{
  if (thread == NULL)
    return;
  pthread_join (thread->id, NULL);
  g_free (thread);
}

guint
mg_thread_cpus (void)
{
  cpu_set_t allowed;

  if (sched_getaffinity (0, sizeof allowed, &allowed) == 0 && CPU_COUNT (&allowed) > 0)
    return (guint) CPU_COUNT (&allowed);
  return MAX (g_get_num_processors (), 1);
}
