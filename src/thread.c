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
 * - A thread is never torn down before the process exits: when its work
 *   is done it waits for more, and the next mg_thread_start() hands the
 *   work to it (a send's ledger opener becomes its relay's spawner).
 *   glibc's thread exit frees per-thread state (the resolver's, RPC's)
 *   in code of its own, 128 KB of the C library that nothing else of a
 *   send maps (bench/README.md, peak RSS); and a thread started again is
 *   a pthread_create() less.
 */
#define _GNU_SOURCE 1   /* sched_getcpu, CPU_* macros, pthread_attr_setaffinity_np */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "mg-thread.h"

struct mg_thread {
  pthread_t id;
  gboolean placed;     /* started on the CPUs in @allowed minus the caller's */
  cpu_set_t allowed;   /* the process's CPUs, given back first thing */

  pthread_mutex_t lock;
  pthread_cond_t changed;   /* work was given, or it is done */
  void *(*func) (void *);   /* the work; NULL when there is none */
  void *data;
  gboolean done;            /* func has returned */

  mg_thread_t *next_idle;   /* in the idle list (no list node to allocate:
                             * a fork()ed child empties it) */
};

/* Threads whose work is done and joined, waiting for more. */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static mg_thread_t *idle;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* A child of fork() has none of its parent's threads: it starts its own
 * (the tests fork processes that run relays). */
static void
before_fork (void)
{
  pthread_mutex_lock (&idle_lock);
}

static void
after_fork_in_parent (void)
{
  pthread_mutex_unlock (&idle_lock);
}

static void
after_fork_in_child (void)
{
  /* the parent's threads: their memory is ours to free (glibc's malloc
   * is ready for use in the child), their locks are never used again */
  while (idle != NULL)
    {
      mg_thread_t *gone = idle;

      idle = gone->next_idle;
      g_free (gone);
    }
  pthread_mutex_unlock (&idle_lock);
}

static void
watch_forks (void)
{
  pthread_atfork (before_fork, after_fork_in_parent, after_fork_in_child);
}

static void *
trampoline (void *arg)
{
  mg_thread_t *thread = arg;

  if (thread->placed)
    sched_setaffinity (0, sizeof thread->allowed, &thread->allowed);
  pthread_mutex_lock (&thread->lock);
  for (;;)
    {
      void *(*func) (void *);

      while (thread->func == NULL)
        pthread_cond_wait (&thread->changed, &thread->lock);
      func = thread->func;
      pthread_mutex_unlock (&thread->lock);
      func (thread->data);
      pthread_mutex_lock (&thread->lock);
      thread->func = NULL;
      thread->done = TRUE;
      pthread_cond_broadcast (&thread->changed);
    }
  return NULL;
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

/* A new thread, waiting for work; NULL with *@errnum set. */
static mg_thread_t *
thread_new (int *errnum)
{
  mg_thread_t *thread = g_new0 (mg_thread_t, 1);
  pthread_attr_t attr;
  sigset_t all;
  int rc;

  pthread_mutex_init (&thread->lock, NULL);
  pthread_cond_init (&thread->changed, NULL);
  pthread_attr_init (&attr);
  sigfillset (&all);
  pthread_attr_setsigmask_np (&attr, &all);
  if (sched_getaffinity (0, sizeof thread->allowed, &thread->allowed) == 0)
    thread->placed = place_elsewhere (&attr, &thread->allowed);
  rc = pthread_create (&thread->id, &attr, trampoline, thread);
  pthread_attr_destroy (&attr);
  if (rc != 0)
    {
      pthread_cond_destroy (&thread->changed);
      pthread_mutex_destroy (&thread->lock);
      g_free (thread);
      if (errnum != NULL)
        *errnum = rc;
      return NULL;
    }
  return thread;
}

mg_thread_t *
mg_thread_start (void *(*func) (void *), void *data, int *errnum)
{
  mg_thread_t *thread = NULL;

  g_return_val_if_fail (func != NULL, NULL);

  pthread_once (&atfork_once, watch_forks);
  pthread_mutex_lock (&idle_lock);
  if (idle != NULL)
    {
      thread = idle;
      idle = thread->next_idle;
    }
  pthread_mutex_unlock (&idle_lock);
  if (thread == NULL && (thread = thread_new (errnum)) == NULL)
    return NULL;

  pthread_mutex_lock (&thread->lock);
  thread->func = func;
  thread->data = data;
  thread->done = FALSE;
  pthread_cond_broadcast (&thread->changed);
  pthread_mutex_unlock (&thread->lock);
  return thread;
}

void
mg_thread_join (mg_thread_t *thread)
{
  if (thread == NULL)
    return;
  pthread_mutex_lock (&thread->lock);
  while (!thread->done)
    pthread_cond_wait (&thread->changed, &thread->lock);
  pthread_mutex_unlock (&thread->lock);
  pthread_mutex_lock (&idle_lock);
  thread->next_idle = idle;
  idle = thread;
  pthread_mutex_unlock (&idle_lock);
}

guint
mg_thread_cpus (void)
{
  cpu_set_t allowed;

  if (sched_getaffinity (0, sizeof allowed, &allowed) == 0 && CPU_COUNT (&allowed) > 0)
    return (guint) CPU_COUNT (&allowed);
  return MAX (g_get_num_processors (), 1);
}
