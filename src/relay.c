/* relay.c - running the real relay (SPEC 2.3, 2.5).
 *
 * Design:
 * - The program is looked up first, as execvp does (find_program()), so
 *   that "not found" and "not executable" are told apart before anything
 *   starts; then posix_spawn() rather than fork()+exec or g_spawn_*():
 *   it never falls back to running a file that is not a program through
 *   /bin/sh (execvp does), and it sets the child up before exec: SIGPIPE
 *   back to its default disposition and out of the
 *   signal mask (so that a relay behaves as it would under a shell, even
 *   if someone in this process ignored SIGPIPE), standard input from our
 *   pipe, and every descriptor from 3 up closed (glibc 2.34's
 *   addclosefrom_np), on top of the close-on-exec flag our own
 *   descriptors carry.
 * - Standard output and error are inherited: the relay's messages reach
 *   the user as they would without matchguard (mutt shows them when the
 *   status is not 0, notes F3, F5).
 * - The message is written by mg_spool_write(), which blocks SIGPIPE while
 *   it writes; a relay that stops reading (EPIPE) is not an error, its
 *   exit status decides.  If the spool cannot be read back, the relay is
 *   killed while its input is still open, so that it never sees the end
 *   of a truncated message and sends it.
 * - mg_relay_start() and mg_relay_finish() split the run so that a send
 *   overlaps the relay's start-up with the ledger's fsync: the relay is
 *   started with an input nothing has been written to, and only fed once
 *   the entry is durable.  posix_spawn() itself runs in a thread of its
 *   own (spawner_main(), started on another CPU: thread.c): it returns
 *   only once the child has exec'd, and the main thread writes the entry
 *   meanwhile; mg_relay_finish() and mg_relay_abort() join it first.  Until the input is closed, a
 *   catchable fatal signal to us kills the relay first
 *   (on_fatal_signal(), which waits for a spawn in progress to give it
 *   the pid), so that our death does not hand it the end of an empty or
 *   partial message; only SIGKILL to us alone cannot be guarded against,
 *   as before while writing.
 * - A deadline bounds the whole run (writing and waiting): our end of the
 *   pipe is non-blocking, so a relay that stops reading cannot hold the
 *   write, and the wait polls a pidfd (else waitpid(WNOHANG) every 10 ms).
 *   A relay past the deadline gets SIGTERM, then SIGKILL 2 s later; its
 *   input is still open when it is signalled, so it never sees the end of
 *   the message.  It stays in our process group: a relay that asks for a
 *   password on the terminal must not be a background job.
 */
#define _GNU_SOURCE 1   /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mg-common.h"
#include "mg-thread.h"
#include "mg-relay.h"

extern char **environ;

/* RELAY-ARGV... ARGS... NULL, pointing into the two vectors. */
static GPtrArray *
build_argv (const char *const *relay_argv, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  gsize i;

  for (i = 0; relay_argv[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) relay_argv[i]);
  for (i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static void
set_spawn_error (GError **error, const char *program, int errnum)
{
  switch (errnum)
    {
    case ENOENT:
      g_set_error (error, MG_ERROR, MG_ERROR_UNAVAILABLE, "relay '%s' not found", program);
      break;
    case EACCES:
    case EPERM:
    case ENOEXEC:
    case EISDIR:
    case ELIBBAD:
      g_set_error (error, MG_ERROR, MG_ERROR_UNAVAILABLE, "relay '%s' not executable (%s)",
                   program, g_strerror (errnum));
      break;
    case EAGAIN:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot start relay '%s': %s",
                   program, g_strerror (errnum));
      break;
    default:
      g_set_error (error, MG_ERROR, MG_ERROR_UNAVAILABLE, "cannot start relay '%s': %s",
                   program, g_strerror (errnum));
      break;
    }
}

/* Whether @path can be executed: 0, or the errno execve would give for
 * it (ENOENT, EACCES for a folder or a file without execute permission). */
static int
check_executable (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return errno;
  if (!S_ISREG (st.st_mode))
    return EACCES;
  if (faccessat (AT_FDCWD, path, X_OK, AT_EACCESS) != 0)
    return errno;
  return 0;
}

/* Finds @program as execvp does: a name with '/' as it is, else the first
 * executable file of that name in the folders of $PATH (an empty entry is
 * the current folder; without PATH, the system's default path), where a
 * file that is there but not executable is passed over.  Returns the path
 * to run (free with g_free()), or NULL with @error set.
 *
 * posix_spawnp() could search itself, but it reports a failed exec through
 * memory it shares with the child, which does not work under valgrind;
 * checking first gives the same answer everywhere, and the spawn can
 * still fail (a race, a broken program) with its own errno. */
static char *
find_program (const char *program, GError **error)
{
  const char *path = g_getenv ("PATH");
  g_autofree char *default_path = NULL;
  g_auto (GStrv) folders = NULL;
  int errnum = ENOENT;
  gsize i;

  if (strchr (program, '/') != NULL)
    {
      errnum = check_executable (program);
      if (errnum == 0)
        return g_strdup (program);
      set_spawn_error (error, program, errnum);
      return NULL;
    }
  if (path == NULL)
    {
      gsize len = confstr (_CS_PATH, NULL, 0);

      default_path = g_malloc0 (MAX (len, 1));
      if (len > 0)
        confstr (_CS_PATH, default_path, len);
      path = default_path;
    }
  folders = g_strsplit (path, ":", -1);
  for (i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (*folders[i] != '\0' ? folders[i] : ".",
                                                     program, NULL);
      int e = check_executable (candidate);

      if (e == 0)
        return g_steal_pointer (&candidate);
      if (e == EACCES)
        errnum = EACCES;   /* execvp: remembered, the search goes on */
    }
  set_spawn_error (error, program, errnum);
  return NULL;
}

/* What posix_spawn() is given beside the program and its arguments:
 * standard input from @stdin_fd (-1: ours), descriptors from 3 up closed,
 * SIGPIPE at its default disposition and out of the signal mask, which is
 * otherwise ours.  Prepared apart from the spawn, so that the spawner
 * thread only calls posix_spawn() (a malloc() there would give the thread
 * a malloc arena of its own). */
typedef struct {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
} spawn_setup_t;

static void
spawn_setup_init (spawn_setup_t *setup, int stdin_fd)
{
  sigset_t defaults, mask;

  posix_spawn_file_actions_init (&setup->actions);
  posix_spawnattr_init (&setup->attr);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2 (&setup->actions, stdin_fd, STDIN_FILENO);
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
  posix_spawn_file_actions_addclosefrom_np (&setup->actions, STDERR_FILENO + 1);
#endif
#endif
  sigemptyset (&defaults);
  sigaddset (&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault (&setup->attr, &defaults);
  pthread_sigmask (SIG_SETMASK, NULL, &mask);
  sigdelset (&mask, SIGPIPE);
  posix_spawnattr_setsigmask (&setup->attr, &mask);
  posix_spawnattr_setflags (&setup->attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}

static void
spawn_setup_clear (spawn_setup_t *setup)
{
  posix_spawnattr_destroy (&setup->attr);
  posix_spawn_file_actions_destroy (&setup->actions);
}

/* Starts @argv with standard input from @stdin_fd (-1: ours).  Returns the
 * child's pid, or -1 with @error. */
static pid_t
spawn (const char *const *argv, int stdin_fd, GError **error)
{
  g_autofree char *path = find_program (argv[0], error);
  spawn_setup_t setup;
  pid_t pid = -1;
  int rc;

  if (path == NULL)
    return -1;
  spawn_setup_init (&setup, stdin_fd);
  /* what we printed comes before what the relay prints */
  fflush (stdout);
  fflush (stderr);
  rc = posix_spawn (&pid, path, &setup.actions, &setup.attr, (char *const *) argv, environ);
  spawn_setup_clear (&setup);
  if (rc != 0)
    {
      set_spawn_error (error, argv[0], rc);
      return -1;
    }
  return pid;
}

/* A descriptor that polls readable when @pid ends, or -1 where pidfds
 * are not available (Linux before 5.3). */
static int
open_pidfd (pid_t pid)
{
#ifdef SYS_pidfd_open
  return (int) syscall (SYS_pidfd_open, pid, 0);
#else
  (void) pid;
  errno = ENOSYS;
  return -1;
#endif
}

/* Waits until @pid ends or @deadline (g_get_monotonic_time(); 0: none)
 * passes.  TRUE with *@status set when it ended; FALSE at the deadline,
 * or with *@errnum set when waitpid() failed. */
static gboolean
wait_until (pid_t pid, gint64 deadline, int *status, int *errnum)
{
  int pidfd = deadline > 0 ? open_pidfd (pid) : -1;
  gboolean done = FALSE;

  *errnum = 0;
  for (;;)
    {
      pid_t r = waitpid (pid, status, deadline > 0 ? WNOHANG : 0);
      gint64 left;

      if (r == pid)
        {
          done = TRUE;
          break;
        }
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          *errnum = errno;
          break;
        }
      left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        break;
      if (pidfd >= 0)
        {
          struct pollfd pfd = { pidfd, POLLIN, 0 };

          poll (&pfd, 1, (int) MIN ((left + 999) / 1000, (gint64) G_MAXINT));
        }
      else
        g_usleep (MIN (left, (gint64) 10000));
    }
  if (pidfd >= 0)
    close (pidfd);
  return done;
}

/* Ends @pid, which is past its deadline: SIGTERM, then SIGKILL if it is
 * still there 2 s later, and reaps it. */
static void
stop_relay (pid_t pid)
{
  int status, errnum;

  kill (pid, SIGTERM);
  if (wait_until (pid, g_get_monotonic_time () + 2 * G_USEC_PER_SEC, &status, &errnum)
      || errnum != 0)
    return;
  kill (pid, SIGKILL);
  wait_until (pid, 0, &status, &errnum);
}

/* @had_end: the relay had read the whole message, and may have sent it. */
static void
set_timeout_error (GError **error, const char *program, guint timeout_seconds,
                   gboolean had_end)
{
  g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
               "relay '%s' did not finish within %u seconds ([relay] timeout_seconds) and "
               "was stopped; %s", program, timeout_seconds,
               had_end ? "it had the whole message, which may or may not have gone out"
                       : "it never got the end of the message, so it sent nothing");
}

/* Waits for @pid until @deadline (0: none; past it, the relay is stopped
 * and @error says so, naming @timeout_seconds); its exit status, or -1
 * with @error when a signal ended it. */
static int
wait_relay (pid_t pid, const char *program, gint64 deadline, guint timeout_seconds,
            GError **error)
{
  int status, errnum;

  if (!wait_until (pid, deadline, &status, &errnum))
    {
      if (errnum != 0)
        {
          g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot wait for relay '%s': %s",
                       program, g_strerror (errnum));
          return -1;
        }
      stop_relay (pid);
      set_timeout_error (error, program, timeout_seconds, TRUE);
      return -1;
    }
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    {
      int sig = WTERMSIG (status);
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "relay '%s' was killed by signal %d (%s)",
                   program, sig, g_strsignal (sig));
      return -1;
    }
  g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "relay '%s' ended with status 0x%x",
               program, (unsigned) status);
  return -1;
}

static gboolean
check_relay_argv (const char *const *relay_argv, GError **error)
{
  if (relay_argv[0] == NULL || relay_argv[0][0] == '\0')
    {
      g_set_error_literal (error, MG_ERROR, MG_ERROR_CONFIG, "the relay command is empty");
      return FALSE;
    }
  return TRUE;
}

struct mg_relay {
  char *program;                /* relay_argv[0], for messages */
  pid_t pid;                    /* 0 until the spawner has started it */
  int input;                    /* our end of the relay's standard input */
  gint64 deadline;              /* g_get_monotonic_time(); 0: none */
  guint timeout_seconds;
  /* for the spawner thread, which reads these and sets pid and
   * spawn_errnum; mg_thread_join() hands those over */
  char *path;                   /* the program, found */
  char **argv;
  int output;                   /* the relay's end, closed once joined */
  spawn_setup_t setup;          /* with output as standard input */
  mg_thread_t *spawner;
  int spawn_errnum;             /* posix_spawn()'s, or 0 */
};

/* The relay started and not yet given the end of its input, for
 * on_fatal_signal(): one at a time.  spawning is set while the spawner
 * thread may be inside posix_spawn(), where a relay can exist whose pid
 * is not known yet. */
static volatile sig_atomic_t pending_pid;
static volatile sig_atomic_t spawning;
static const int fatal_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
static struct sigaction saved_actions[G_N_ELEMENTS (fatal_signals)];

/* matchguard is being killed while the relay waits for its input: the
 * relay goes first, so that it never reads the end of an empty or
 * truncated message and sends it (async-signal-safe calls only).  The
 * spawner thread blocks every signal, so this runs in another thread,
 * and can wait for the spawner to know the pid (a fraction of a
 * millisecond). */
static void
on_fatal_signal (int sig)
{
  struct sigaction dfl;

  while (__atomic_load_n (&spawning, __ATOMIC_ACQUIRE))
    ;
  if (__atomic_load_n (&pending_pid, __ATOMIC_ACQUIRE) > 0)
    kill ((pid_t) pending_pid, SIGKILL);
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction (sig, &dfl, NULL);
  raise (sig);
}

static void
guard_pending (void)
{
  struct sigaction action;
  gsize i;

  memset (&action, 0, sizeof action);
  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
    sigaction (fatal_signals[i], &action, &saved_actions[i]);
}

static void
unguard_pending (void)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
    sigaction (fatal_signals[i], &saved_actions[i], NULL);
  pending_pid = 0;
}

/* The spawner thread: posix_spawn() returns only once the relay has
 * exec'd (glibc's child shares our memory until then), a quarter of a
 * millisecond that the main thread spends on the ledger instead. */
static void *
spawner_main (void *data)
{
  mg_relay_t *relay = data;
  pid_t pid = 0;

  relay->spawn_errnum = posix_spawn (&pid, relay->path, &relay->setup.actions,
                                     &relay->setup.attr, relay->argv, environ);
  if (relay->spawn_errnum == 0)
    {
      relay->pid = pid;
      __atomic_store_n (&pending_pid, pid, __ATOMIC_RELEASE);
    }
  __atomic_store_n (&spawning, 0, __ATOMIC_RELEASE);
  return NULL;
}

/* Waits for the spawner: TRUE when the relay runs; else FALSE with @error
 * (NULL: not told), its input closed. */
static gboolean
join_spawner (mg_relay_t *relay, GError **error)
{
  if (relay->output >= 0)
    {
      mg_thread_join (relay->spawner);
      relay->spawner = NULL;
      spawn_setup_clear (&relay->setup);
      close (relay->output);
      relay->output = -1;
    }
  if (relay->spawn_errnum == 0)
    return TRUE;
  set_spawn_error (error, relay->program, relay->spawn_errnum);
  return FALSE;
}

/* Closes our end of the relay's input, which lets it read the end of the
 * message: from here on, a signal to us no longer concerns it. */
static void
release_input (mg_relay_t *relay)
{
  if (relay->input >= 0)
    close (relay->input);
  relay->input = -1;
  unguard_pending ();
}

static void
relay_free (mg_relay_t *relay)
{
  g_free (relay->program);
  g_free (relay->path);
  g_strfreev (relay->argv);
  g_free (relay);
}

mg_relay_t *
mg_relay_start (const char *const *relay_argv, const char *const *args, guint timeout_seconds,
                GError **error)
{
  g_autoptr (GPtrArray) argv = NULL;
  g_autofree char *path = NULL;
  mg_relay_t *relay;
  int pipefd[2], rc;
  gsize i;

  g_return_val_if_fail (relay_argv != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_relay_argv (relay_argv, error))
    return NULL;
  argv = build_argv (relay_argv, args);
  path = find_program (relay_argv[0], error);
  if (path == NULL)
    return NULL;
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      int errnum = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot start relay '%s': %s",
                   relay_argv[0], g_strerror (errnum));
      return NULL;
    }

  relay = g_new0 (mg_relay_t, 1);
  relay->program = g_strdup (relay_argv[0]);
  relay->path = g_steal_pointer (&path);
  relay->argv = g_new0 (char *, argv->len);
  for (i = 0; i + 1 < argv->len; i++)
    relay->argv[i] = g_strdup (g_ptr_array_index (argv, i));
  relay->input = pipefd[1];
  relay->output = pipefd[0];
  relay->timeout_seconds = timeout_seconds;
  spawn_setup_init (&relay->setup, relay->output);

  /* what we printed comes before what the relay prints */
  fflush (stdout);
  fflush (stderr);
  __atomic_store_n (&spawning, 1, __ATOMIC_RELEASE);
  guard_pending ();
  relay->spawner = mg_thread_start (spawner_main, relay, &rc);
  if (relay->spawner == NULL)
    {
      __atomic_store_n (&spawning, 0, __ATOMIC_RELEASE);
      spawn_setup_clear (&relay->setup);
      close (relay->output);
      relay->output = -1;
      release_input (relay);
      set_spawn_error (error, relay_argv[0], rc);
      relay_free (relay);
      return NULL;
    }

  if (timeout_seconds > 0)
    {
      relay->deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
      /* our end only: the relay's end is another open file description */
      fcntl (relay->input, F_SETFL, fcntl (relay->input, F_GETFL) | O_NONBLOCK);
    }
  return relay;
}

void
mg_relay_abort (mg_relay_t *relay)
{
  if (relay == NULL)
    return;
  /* killed while its input is open: it never sees an end */
  if (join_spawner (relay, NULL))
    kill (relay->pid, SIGKILL);
  release_input (relay);
  while (relay->pid > 0 && waitpid (relay->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  relay_free (relay);
}

int
mg_relay_finish (mg_relay_t *relay, mg_spool_t *spool, gboolean strip_override,
                 gboolean *complete, GError **error)
{
  g_autoptr (GError) write_error = NULL;
  int status;

  g_return_val_if_fail (relay != NULL, -1);
  g_return_val_if_fail (spool != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (complete != NULL)
    *complete = TRUE;
  if (!join_spawner (relay, error))
    {
      release_input (relay);
      relay_free (relay);
      return -1;
    }
  if (!mg_spool_write_until (spool, relay->input, strip_override, relay->deadline, &write_error))
    {
      if (g_error_matches (write_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        {
          /* it stopped reading: its exit status decides */
          if (complete != NULL)
            *complete = FALSE;
        }
      else if (g_error_matches (write_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          /* signalled while its input is open: it never sees an end */
          stop_relay (relay->pid);
          release_input (relay);
          set_timeout_error (error, relay->program, relay->timeout_seconds, FALSE);
          relay_free (relay);
          return -1;
        }
      else
        {
          /* killed before it reads the end of a truncated message */
          g_autofree char *program = g_strdup (relay->program);

          mg_relay_abort (relay);
          g_propagate_prefixed_error (error, g_steal_pointer (&write_error),
                                      "relay '%s' stopped, the message was not sent: ",
                                      program);
          return -1;
        }
    }
  release_input (relay);
  status = wait_relay (relay->pid, relay->program, relay->deadline, relay->timeout_seconds,
                       error);
  relay_free (relay);
  return status;
}

int
mg_relay_run (const char *const *relay_argv, const char *const *args, mg_spool_t *spool,
              gboolean strip_override, guint timeout_seconds, gboolean *complete,
              GError **error)
{
  mg_relay_t *relay;

  g_return_val_if_fail (spool != NULL, -1);

  if (complete != NULL)
    *complete = TRUE;
  relay = mg_relay_start (relay_argv, args, timeout_seconds, error);
  if (relay == NULL)
    return -1;
  return mg_relay_finish (relay, spool, strip_override, complete, error);
}

int
mg_relay_passthrough (const char *const *relay_argv, const char *const *args, GError **error)
{
  g_autoptr (GPtrArray) argv = NULL;
  pid_t pid;

  g_return_val_if_fail (relay_argv != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (!check_relay_argv (relay_argv, error))
    return -1;
  argv = build_argv (relay_argv, args);
  pid = spawn ((const char *const *) argv->pdata, -1, error);
  if (pid < 0)
    return -1;
  return wait_relay (pid, relay_argv[0], 0, 0, error);
}
