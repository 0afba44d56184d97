/* mg-thread.h - helper threads that run beside the main thread at once.
 *
 * matchguard's helpers (the relay's spawner, the ledger's opener) each
 * take a fraction of a millisecond that the main thread would otherwise
 * wait for, so a helper is only worth its cost if it starts running at
 * once, on another CPU.  mg_thread_start() sees to that; see thread.c.
 */
#ifndef MG_THREAD_H
#define MG_THREAD_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct mg_thread mg_thread_t;

/* Runs @func (@data) in another thread: one whose earlier work was
 * joined, or a new one, with every signal blocked (so that signals reach
 * the main thread and its handlers), started on a CPU other than the
 * caller's when the process may use another one; the thread may use all
 * of the process's CPUs again before its first work runs, and so may
 * whatever it starts (a posix_spawn()ed child inherits the thread's
 * CPUs).  Returns the thread (mg_thread_join() once), or NULL with
 * *@errnum set (pthread_create()'s error).  Threads are kept until the
 * process exits (thread.c). */
mg_thread_t *mg_thread_start (void *(*func) (void *), void *data, int *errnum);

/* Waits for @func of mg_thread_start() to return; the thread then waits
 * for the next mg_thread_start().  NULL is ignored. */
void mg_thread_join (mg_thread_t *thread);

/* The CPUs the process may run on: its affinity (taskset), which
 * g_get_num_processors() of GLib 2.74 does not read; at least 1. */
guint mg_thread_cpus (void);

G_END_DECLS

#endif /* MG_THREAD_H */
