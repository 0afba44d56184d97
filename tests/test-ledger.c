/* test-ledger.c - the SQLite ledger (SPEC 7): creation and permissions,
 * every field kept, read-only opens that never write, files that are not
 * ledgers left untouched, the write lock and concurrent senders. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mg-common.h"
#include "mg-fingerprint.h"
#include "mg-ledger.h"

#define TIMEOUT_MS 5000
#define NOBODY 65534

typedef struct {
  char *dir;       /* a fresh private directory */
  char *path;      /* dir/ledger.sqlite, not created */
} fixture_t;

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static int
setup (void **state)
{
  fixture_t *f = g_new0 (fixture_t, 1);

  f->dir = g_dir_make_tmp ("mg-test-ledger-XXXXXX", NULL);
  if (f->dir == NULL)
    return -1;
  f->path = g_build_filename (f->dir, "ledger.sqlite", NULL);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  fixture_t *f = *state;

  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f);
  return 0;
}

/* --- helpers -------------------------------------------------------------- */

static mg_ledger_t *
open_ok (const char *path, gboolean writable)
{
  g_autoptr (GError) error = NULL;
  mg_ledger_t *ledger = mg_ledger_open (path, writable, TIMEOUT_MS, &error);

  if (ledger == NULL)
    fail_msg ("opening %s: %s", path, error->message);
  return ledger;
}

/* Expects opening @path to fail with MG_ERROR_TEMPFAIL and a message
 * naming the file and containing @needle. */
static void
expect_open_error (const char *path, gboolean writable, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_ledger_t) ledger = mg_ledger_open (path, writable, TIMEOUT_MS, &error);

  if (ledger != NULL)
    fail_msg ("opening %s (%s) succeeded", path, writable ? "writable" : "read-only");
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
  if (strstr (error->message, path) == NULL || strstr (error->message, needle) == NULL
      || strchr (error->message, '\n') != NULL)
    fail_msg ("message \"%s\" should name %s and say \"%s\"", error->message, path, needle);
}

static mg_entry_t *
make_entry (gint64 time, const char *message_id, const char *digest, const char *program)
{
  mg_entry_t *entry = mg_entry_new ();

  entry->time = time;
  entry->message_id = g_strdup (message_id);
  entry->digest = g_strdup (digest);
  entry->kind = g_strdup ("update");
  entry->intent = g_strdup ("none");
  if (program != NULL)
    {
      g_strfreev (entry->programs);
      entry->programs = g_strsplit (program, ",", -1);
    }
  return entry;
}

static void
insert_ok (mg_ledger_t *ledger, mg_entry_t *entry)
{
  g_autoptr (GError) error = NULL;

  if (!mg_ledger_insert (ledger, entry, &error))
    fail_msg ("insert: %s", error->message);
}

static GPtrArray *
entries_ok (mg_ledger_t *ledger)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = mg_ledger_entries (ledger, &error);

  if (entries == NULL)
    fail_msg ("entries: %s", error->message);
  return entries;
}

static guint
count_entries (const char *path)
{
  g_autoptr (mg_ledger_t) ledger = open_ok (path, FALSE);
  g_autoptr (GPtrArray) entries = entries_ok (ledger);

  return entries->len;
}

/* Creates a ledger at @path holding @n entries. */
static void
make_ledger (const char *path, guint n)
{
  g_autoptr (mg_ledger_t) ledger = open_ok (path, TRUE);
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u@example.org", i);
      g_autoptr (mg_entry_t) entry = make_entry (1000 + i, id, "d", "harbor-ir");
      insert_ok (ledger, entry);
    }
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    fail_msg ("cannot read %s", path);
  return g_bytes_new_take (data, len);
}

static void
write_bytes (const char *path, const void *data, gsize len)
{
  if (!g_file_set_contents (path, data, (gssize) len, NULL) || g_chmod (path, 0600) != 0)
    fail_msg ("cannot write %s", path);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in @dir, sorted and joined by spaces. */
static char *
list_dir (const char *dir)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  if (handle != NULL)
    g_dir_close (handle);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The same without SQLite's WAL log and index: opening a WAL-mode file
 * to read its header may create them, and they are SQLite's, not part of
 * the file a refusal must leave alone. */
static char *
list_dir_without_wal (const char *dir)
{
  g_autofree char *all = list_dir (dir);
  g_auto (GStrv) names = g_strsplit (all, " ", -1);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  char **name;

  for (name = names; *name != NULL; name++)
    if (!g_str_has_suffix (*name, "-wal") && !g_str_has_suffix (*name, "-shm"))
      g_ptr_array_add (kept, *name);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* Everything a user could see change about a file: its bytes, mode,
 * modification time, and the names beside it. */
typedef struct {
  GBytes *bytes;
  struct stat st;
  char *names;
} snapshot_t;

static void
take_snapshot (const char *path, snapshot_t *snapshot)
{
  g_autofree char *dir = g_path_get_dirname (path);

  snapshot->bytes = read_bytes (path);
  assert_int_equal (g_stat (path, &snapshot->st), 0);
  snapshot->names = list_dir_without_wal (dir);
}

static void
assert_unchanged (const char *path, snapshot_t *before)
{
  snapshot_t after;

  take_snapshot (path, &after);
  if (!g_bytes_equal (before->bytes, after.bytes))
    fail_msg ("%s changed", path);
  assert_int_equal (before->st.st_mode, after.st.st_mode);
  assert_int_equal (before->st.st_mtim.tv_sec, after.st.st_mtim.tv_sec);
  assert_int_equal (before->st.st_mtim.tv_nsec, after.st.st_mtim.tv_nsec);
  assert_string_equal (before->names, after.names);
  g_bytes_unref (after.bytes);
  g_free (after.names);
  g_bytes_unref (before->bytes);
  g_free (before->names);
}

static void
assert_strv_equal (char **got, const char *const *expected)
{
  assert_non_null (got);
  if (!g_strv_equal ((const char *const *) got, expected))
    {
      g_autofree char *a = g_strjoinv ("|", got);
      g_autofree char *b = g_strjoinv ("|", (char **) expected);
      fail_msg ("got [%s], expected [%s]", a, b);
    }
}

static void
run_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK
      || sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    fail_msg ("%s: %s", sql, message != NULL ? message : sqlite3_errmsg (db));
  sqlite3_close (db);
}

/* --- entries -------------------------------------------------------------- */

static void
test_entry_helpers (void **state)
{
  g_autoptr (mg_entry_t) entry = make_entry (0, NULL, NULL, "harbor-ir,lumen-dr");
  static const struct {
    mg_status_t status;
    const char *name;
    gboolean counts;
  } statuses[] = {
    { MG_STATUS_PENDING, "pending", TRUE },
    { MG_STATUS_SENT, "sent", TRUE },
    { MG_STATUS_FAILED, "failed", FALSE },
    { MG_STATUS_IMPORTED, "imported", TRUE },
    { MG_STATUS_REFUSED, "refused", FALSE },
  };
  g_autoptr (mg_entry_t) fresh = mg_entry_new ();
  mg_status_t status;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      entry->status = statuses[i].status;
      assert_string_equal (mg_status_name (statuses[i].status), statuses[i].name);
      assert_int_equal (mg_entry_counts (entry), statuses[i].counts);
      assert_true (mg_status_from_name (statuses[i].name, &status));
      assert_int_equal (status, statuses[i].status);
    }
  assert_false (mg_status_from_name ("Sent", &status));
  assert_false (mg_status_from_name (NULL, &status));

  assert_true (mg_entry_has_program (entry, "lumen-dr"));
  assert_false (mg_entry_has_program (entry, "lumen"));
  assert_false (mg_entry_has_program (entry, NULL));

  /* a new entry has empty vectors, never NULL */
  assert_int_equal (fresh->id, 0);
  assert_non_null (fresh->programs);
  assert_null (fresh->programs[0]);
  assert_null (fresh->recipients[0]);
  assert_null (fresh->findings[0]);
  assert_null (fresh->overrides[0]);
  assert_null (fresh->fingerprint);
}

/* The keys the history rules compare say what the strings say: programs
 * as quarks, the first few kept in the entry and the rest compared as
 * strings; kind and intent as quarks; the fingerprint's sketch. */
static void
test_entry_keys (void **state)
{
  static const char *const ids[] = { "p0", "p1", "p2", "p3", "p4", "p5", "p6" };
  static const guint32 hashes[] = { 0x01000000u, 0xf2000000u };
  guint n, k;

  for (n = 0; n <= G_N_ELEMENTS (ids); n++)
    {
      g_autoptr (mg_entry_t) entry = make_entry (0, NULL, NULL, NULL);
      const mg_entry_keys_t *keys;
      mg_fingerprint_sketch_t sketch;

      g_strfreev (entry->programs);
      entry->programs = g_new0 (char *, n + 1);
      for (k = 0; k < n; k++)
        entry->programs[k] = g_strdup (ids[k]);
      entry->fingerprint = g_bytes_new (hashes, sizeof hashes);
      keys = mg_entry_keys (entry);
      assert_true (keys->ready);
      assert_true (mg_entry_keys (entry) == keys);
      assert_int_equal (keys->kind, g_quark_from_string ("update"));
      assert_int_equal (keys->intent, g_quark_from_string ("none"));
      assert_int_equal (keys->more_programs, n > MG_ENTRY_KEY_PROGRAMS);
      mg_fingerprint_sketch (entry->fingerprint, &sketch);
      assert_memory_equal (&keys->sketch, &sketch, sizeof sketch);
      for (k = 0; k < G_N_ELEMENTS (ids); k++)
        {
          gboolean went = k < n;

          assert_int_equal (mg_entry_has_program (entry, ids[k]), went);
          if (mg_entry_has_program_quark (entry, g_quark_from_string (ids[k]), ids[k]) != went)
            fail_msg ("entry to %u programs: %s %s", n, ids[k], went ? "not found" : "found");
        }
      assert_false (mg_entry_has_program_quark (entry, g_quark_from_string ("p"), "p"));
    }
}

/* --- creation and permissions --------------------------------------------- */

static void
test_create_modes (void **state)
{
  fixture_t *f = *state;
  g_autofree char *parent = g_build_filename (f->dir, "state", NULL);
  g_autofree char *dir = g_build_filename (parent, "matchguard", NULL);
  g_autofree char *path = g_build_filename (dir, "ledger.sqlite", NULL);
  g_autofree char *names = NULL;
  struct stat st;
  mode_t old = umask (022);

  mg_ledger_close (open_ok (path, TRUE));
  umask (old);

  assert_int_equal (g_stat (dir, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0700);
  assert_int_equal (g_stat (parent, &st), 0);
  assert_int_equal (st.st_mode & 077, 0);
  assert_int_equal (g_stat (path, &st), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0600);
  names = list_dir (dir);
  /* SQLite's log and its index (WAL, kept between runs), as private */
  assert_string_equal (names, "ledger.sqlite ledger.sqlite-shm ledger.sqlite-wal");
  for (const char *const *suffix = (const char *const[]) { "-shm", "-wal", NULL }; *suffix; suffix++)
    {
      g_autofree char *sibling = g_strconcat (path, *suffix, NULL);
      assert_int_equal (g_stat (sibling, &st), 0);
      assert_int_equal (st.st_mode & 07777, 0600);
    }
  assert_int_equal (count_entries (path), 0);
}

/* The file is 0600 even when the umask would give less or more. */
static void
test_create_mode_ignores_umask (void **state)
{
  fixture_t *f = *state;
  struct stat st;
  mode_t old = umask (0377);
  g_autoptr (GError) error = NULL;
  mg_ledger_t *ledger = mg_ledger_open (f->path, TRUE, TIMEOUT_MS, &error);

  umask (old);
  if (ledger == NULL)
    fail_msg ("%s", error->message);
  mg_ledger_close (ledger);
  assert_int_equal (g_stat (f->path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);

  g_unlink (f->path);
  old = umask (0);
  mg_ledger_close (open_ok (f->path, TRUE));
  umask (old);
  assert_int_equal (g_stat (f->path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);
}

static void
test_reopen_keeps_entries (void **state)
{
  fixture_t *f = *state;

  make_ledger (f->path, 2);
  {
    g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
    g_autoptr (GPtrArray) entries = entries_ok (ledger);
    g_autoptr (mg_entry_t) entry = make_entry (5000, "third@example.org", "d3", "harbor-ir");

    assert_int_equal (entries->len, 2);
    insert_ok (ledger, entry);
  }
  assert_int_equal (count_entries (f->path), 3);
}

/* Sends as sendmail mode makes them, one connection each, far past the
 * 200 pages between checkpoints: SQLite starts the log over several
 * times, and the log file is never cut back (a commit that overwrites
 * the file's blocks needs no commit of the file system's journal), nor
 * does it grow without bound. */
static void
test_log_keeps_its_size (void **state)
{
  fixture_t *f = *state;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  goffset size = 0, largest = 0;
  int i;

  for (i = 0; i < 150; i++)
    {
      g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
      g_autofree char *id = g_strdup_printf ("size-%d@example.org", i);
      g_autoptr (mg_entry_t) entry = make_entry (1000 + i, id, "d", "harbor-ir");
      g_autoptr (GError) error = NULL;
      struct stat st;

      insert_ok (ledger, entry);
      if (!mg_ledger_set_status (ledger, entry->id, MG_STATUS_SENT, &error))
        fail_msg ("set status: %s", error->message);
      assert_int_equal (g_stat (wal, &st), 0);
      if (st.st_size < size)
        fail_msg ("send %d cut the log back from %" G_GOFFSET_FORMAT " to %" G_GOFFSET_FORMAT
                  " bytes", i, size, (goffset) st.st_size);
      size = st.st_size;
      largest = MAX (largest, size);
    }
  /* 150 sends write some 1,000 pages: without the checkpoints (4 KiB
   * pages, 24-byte frame headers) the log would hold over 4 MB */
  assert_true (largest > 0);
  assert_true (largest <= 2 * 1024 * 1024);
  assert_int_equal (count_entries (f->path), 150);
}

static void
test_group_writable_refused (void **state)
{
  fixture_t *f = *state;
  struct stat st;

  make_ledger (f->path, 1);
  assert_int_equal (g_chmod (f->path, 0620), 0);
  expect_open_error (f->path, TRUE, "chmod 600");
  expect_open_error (f->path, FALSE, "chmod 600");
  /* the mode is the user's to fix, not ours */
  assert_int_equal (g_stat (f->path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0620);

  assert_int_equal (g_chmod (f->path, 0602), 0);
  expect_open_error (f->path, TRUE, "writable by group or others");

  assert_int_equal (g_chmod (f->path, 0600), 0);
  assert_int_equal (g_chmod (f->dir, 0770), 0);
  expect_open_error (f->path, TRUE, "chmod go-w");
  expect_open_error (f->path, FALSE, "chmod go-w");
  assert_int_equal (g_chmod (f->dir, 0700), 0);
  assert_int_equal (count_entries (f->path), 1);
}

static void
test_other_owner_refused (void **state)
{
  fixture_t *f = *state;

  if (geteuid () != 0)
    {
      /* /etc belongs to root: the directory check refuses it */
      expect_open_error ("/etc/passwd", FALSE, "another user");
      return;
    }
  make_ledger (f->path, 1);
  assert_int_equal (chown (f->path, NOBODY, NOBODY), 0);
  expect_open_error (f->path, TRUE, "another user");
  expect_open_error (f->path, FALSE, "another user");
  assert_int_equal (chown (f->path, 0, 0), 0);
  assert_int_equal (chown (f->dir, NOBODY, NOBODY), 0);
  expect_open_error (f->path, TRUE, "another user");
  assert_int_equal (chown (f->dir, 0, 0), 0);
}

/* A ledger the user cannot read: checked as an unprivileged user (root
 * reads any file), in a child that drops to nobody when run as root. */
static void
test_unreadable_refused (void **state)
{
  fixture_t *f = *state;
  int status;
  pid_t pid;

  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      g_autoptr (GError) error = NULL;
      mg_ledger_t *ledger;

      if (geteuid () == 0
          && (chown (f->dir, NOBODY, NOBODY) != 0 || setgid (NOBODY) != 0 || setuid (NOBODY) != 0))
        _exit (10);
      ledger = mg_ledger_open (f->path, TRUE, TIMEOUT_MS, &error);
      if (ledger == NULL)
        {
          g_printerr ("as uid %u: %s\n", (guint) geteuid (), error->message);
          _exit (11);
        }
      mg_ledger_close (ledger);
      if (g_chmod (f->path, 0000) != 0)
        _exit (12);
      ledger = mg_ledger_open (f->path, FALSE, TIMEOUT_MS, &error);
      if (ledger != NULL || !g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL)
          || strstr (error->message, "Permission denied") == NULL
          || strstr (error->message, f->path) == NULL)
        _exit (13);
      g_clear_error (&error);
      if (g_chmod (f->path, 0400) != 0)
        _exit (14);
      /* readable but not writable: check can read it, sendmail cannot write */
      ledger = mg_ledger_open (f->path, FALSE, TIMEOUT_MS, NULL);
      if (ledger == NULL)
        _exit (15);
      mg_ledger_close (ledger);
      ledger = mg_ledger_open (f->path, TRUE, TIMEOUT_MS, &error);
      if (ledger != NULL || !g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL))
        _exit (16);
      _exit (0);
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
  if (geteuid () == 0)
    assert_int_equal (chown (f->dir, 0, 0), 0);
}

/* --- read-only ------------------------------------------------------------ */

static void
test_readonly_missing_is_empty (void **state)
{
  fixture_t *f = *state;
  g_autofree char *dir = g_build_filename (f->dir, "none", NULL);
  g_autofree char *path = g_build_filename (dir, "ledger.sqlite", NULL);
  g_autoptr (mg_ledger_t) ledger = open_ok (path, FALSE);
  g_autoptr (GPtrArray) entries = entries_ok (ledger);
  g_autoptr (mg_entry_t) entry = make_entry (1, "x@example.org", "d", "harbor-ir");
  g_autoptr (GError) error = NULL;
  g_autofree char *names = NULL;
  gboolean found = TRUE;

  assert_int_equal (entries->len, 0);
  assert_true (mg_ledger_contains (ledger, "x@example.org", "d", &found, &error));
  assert_false (found);
  assert_false (mg_ledger_insert (ledger, entry, &error));
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_INTERNAL));
  g_clear_error (&error);
  assert_false (mg_ledger_begin (ledger, &error));
  g_clear_error (&error);

  assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  names = list_dir (f->dir);
  assert_string_equal (names, "");
}

static void
test_readonly_changes_nothing (void **state)
{
  fixture_t *f = *state;
  snapshot_t before;

  make_ledger (f->path, 3);
  take_snapshot (f->path, &before);
  {
    g_autoptr (mg_ledger_t) ledger = open_ok (f->path, FALSE);
    g_autoptr (GPtrArray) entries = entries_ok (ledger);
    g_autoptr (GError) error = NULL;
    g_autoptr (mg_entry_t) entry = make_entry (1, "x@example.org", "d", "harbor-ir");
    gboolean found = FALSE;

    assert_int_equal (entries->len, 3);
    assert_true (mg_ledger_contains (ledger, "m1@example.org", NULL, &found, &error));
    assert_true (found);
    assert_false (mg_ledger_insert (ledger, entry, &error));
    g_clear_error (&error);
    assert_false (mg_ledger_set_status (ledger, 1, MG_STATUS_SENT, &error));
  }
  assert_unchanged (f->path, &before);
}

/* An empty file (a ledger being created) reads as an empty ledger. */
static void
test_readonly_empty_file (void **state)
{
  fixture_t *f = *state;
  snapshot_t before;

  write_bytes (f->path, "", 0);
  take_snapshot (f->path, &before);
  assert_int_equal (count_entries (f->path), 0);
  assert_unchanged (f->path, &before);
}

/* --- files that are not ledgers ------------------------------------------- */

static void
test_garbage_untouched (void **state)
{
  fixture_t *f = *state;
  g_autoptr (GString) mail = g_string_new (NULL);
  guchar block[8192];
  gsize i;
  guchar headed[4096];
  struct {
    const void *data;
    gsize len;
  } files[4];

  for (i = 0; i < sizeof block; i++)
    block[i] = (guchar) (i * 7 + 3);
  for (i = 0; i < 300; i++)
    g_string_append (mail, "From: someone@example.org\nSubject: not a database\n\nhello\n");
  files[0].data = "hello";
  files[0].len = 5;
  files[1].data = block;
  files[1].len = sizeof block;
  files[2].data = mail->str;
  files[2].len = mail->len;
  /* the SQLite magic, then nonsense: only SQLite can tell */
  memset (headed, 0xee, sizeof headed);
  memcpy (headed, "SQLite format 3", 16);
  files[3].data = headed;
  files[3].len = sizeof headed;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      snapshot_t before;

      write_bytes (f->path, files[i].data, files[i].len);
      take_snapshot (f->path, &before);
      expect_open_error (f->path, TRUE, "not a SQLite database");
      expect_open_error (f->path, FALSE, "not a SQLite database");
      assert_unchanged (f->path, &before);
    }
}

/* A ledger whose pages after the first are overwritten: the damage shows
 * when the entries are read, and the file is still left alone. */
static void
test_corrupt_pages_untouched (void **state)
{
  fixture_t *f = *state;
  g_autoptr (GBytes) good = NULL;
  g_autofree guchar *bad = NULL;
  gsize len, i;
  snapshot_t before;
  int writable;

  make_ledger (f->path, 50);
  /* fold the log into the file, so that the entries live in the pages
   * this test damages (matchguard leaves that to SQLite's autocheckpoint) */
  run_sql (f->path, "PRAGMA wal_checkpoint(TRUNCATE)");
  good = read_bytes (f->path);
  len = g_bytes_get_size (good);
  assert_true (len > 4096);
  bad = g_memdup2 (g_bytes_get_data (good, NULL), len);
  for (i = 4096; i < len; i++)
    bad[i] = 0xa5;
  write_bytes (f->path, bad, len);
  take_snapshot (f->path, &before);

  for (writable = 0; writable <= 1; writable++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (mg_ledger_t) ledger = mg_ledger_open (f->path, writable, TIMEOUT_MS, &error);
      g_autoptr (GPtrArray) entries = NULL;

      if (ledger != NULL)
        {
          entries = mg_ledger_entries (ledger, &error);
          assert_null (entries);
        }
      assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
      assert_non_null (strstr (error->message, "corrupt"));
    }
  assert_unchanged (f->path, &before);
}

static void
test_other_database_untouched (void **state)
{
  fixture_t *f = *state;
  snapshot_t before;

  run_sql (f->path, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')");
  g_chmod (f->path, 0600);
  take_snapshot (f->path, &before);
  expect_open_error (f->path, TRUE, "not a matchguard ledger");
  expect_open_error (f->path, FALSE, "not a matchguard ledger");
  assert_unchanged (f->path, &before);
}

static void
test_newer_schema_untouched (void **state)
{
  fixture_t *f = *state;
  snapshot_t before;

  make_ledger (f->path, 1);
  run_sql (f->path, "PRAGMA user_version = 99");
  take_snapshot (f->path, &before);
  expect_open_error (f->path, TRUE, "version 99");
  expect_open_error (f->path, FALSE, "upgrade matchguard");
  assert_unchanged (f->path, &before);
}

/* --- entries in the file -------------------------------------------------- */

static void
test_round_trip (void **state)
{
  fixture_t *f = *state;
  static const char *const programs[] = { "harbor-ir", "lumen-dr", NULL };
  static const char *const recipients[] = { "icalloway@harborbay.example.edu",
                                            "radres@lumenpoint.example.org", NULL };
  static const char *const findings[] = { "multiple-programs", "salutation", NULL };
  static const char *const overrides[] = { "salutation", NULL };
  static const char *const odd[] = { "", "with \"quotes\", commas\nand a newline", "\xc3\xa9", NULL };
  static const char *const none[] = { NULL };
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  g_autoptr (mg_entry_t) full = mg_entry_new ();
  g_autoptr (mg_entry_t) bare = mg_entry_new ();
  g_autoptr (mg_entry_t) empty_fp = mg_entry_new ();
  g_autoptr (GPtrArray) entries = NULL;
  const mg_entry_t *got;

  full->time = 1731234567;
  full->message_id = g_strdup ("abc.123@mail.example.org");
  full->digest = g_strdup ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  full->subject = g_strdup ("Th\xc3\xa9 interview \xe2\x80\x94 thank you");
  full->kind = g_strdup ("thank-you");
  full->intent = g_strdup ("interest");
  full->is_reply = TRUE;
  g_strfreev (full->programs);
  full->programs = g_strdupv ((char **) programs);
  g_strfreev (full->recipients);
  full->recipients = g_strdupv ((char **) recipients);
  full->fingerprint = mg_fingerprint_new ("thank you for the interview at harbor ir yesterday");
  full->confirm_key = g_strdup ("0123abcd");
  full->status = MG_STATUS_REFUSED;
  g_strfreev (full->findings);
  full->findings = g_strdupv ((char **) findings);
  g_strfreev (full->overrides);
  full->overrides = g_strdupv ((char **) overrides);

  bare->time = 1731234568;
  g_strfreev (bare->findings);
  bare->findings = g_strdupv ((char **) odd);
  bare->status = MG_STATUS_IMPORTED;

  empty_fp->time = 1731234569;
  empty_fp->fingerprint = g_bytes_new (NULL, 0);

  insert_ok (ledger, full);
  insert_ok (ledger, bare);
  insert_ok (ledger, empty_fp);
  assert_true (full->id > 0);
  assert_true (bare->id > full->id);
  mg_ledger_close (g_steal_pointer (&ledger));

  ledger = open_ok (f->path, FALSE);
  entries = entries_ok (ledger);
  assert_int_equal (entries->len, 3);

  got = g_ptr_array_index (entries, 0);
  assert_int_equal (got->id, full->id);
  assert_int_equal (got->time, full->time);
  assert_string_equal (got->message_id, full->message_id);
  assert_string_equal (got->digest, full->digest);
  assert_string_equal (got->subject, full->subject);
  assert_string_equal (got->kind, "thank-you");
  assert_string_equal (got->intent, "interest");
  assert_true (got->is_reply);
  assert_strv_equal (got->programs, programs);
  assert_strv_equal (got->recipients, recipients);
  assert_non_null (got->fingerprint);
  assert_true (g_bytes_equal (got->fingerprint, full->fingerprint));
  assert_true (mg_fingerprint_similar (got->fingerprint, full->fingerprint));
  assert_string_equal (got->confirm_key, "0123abcd");
  assert_int_equal (got->status, MG_STATUS_REFUSED);
  assert_strv_equal (got->findings, findings);
  assert_strv_equal (got->overrides, overrides);

  got = g_ptr_array_index (entries, 1);
  assert_int_equal (got->id, bare->id);
  assert_null (got->message_id);
  assert_null (got->digest);
  assert_null (got->subject);
  assert_null (got->kind);
  assert_null (got->confirm_key);
  assert_null (got->fingerprint);
  assert_false (got->is_reply);
  assert_int_equal (got->status, MG_STATUS_IMPORTED);
  assert_strv_equal (got->programs, none);
  assert_strv_equal (got->recipients, none);
  assert_strv_equal (got->findings, odd);
  assert_strv_equal (got->overrides, none);

  /* an empty fingerprint stays empty, not "no fingerprint" */
  got = g_ptr_array_index (entries, 2);
  assert_non_null (got->fingerprint);
  assert_int_equal (g_bytes_get_size (got->fingerprint), 0);
}

static void
test_oldest_first (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  static const gint64 times[] = { 300, 100, 200, 100, -5 };
  static const char *const expected[] = { "e", "b", "d", "c", "a" };
  g_autoptr (GPtrArray) entries = NULL;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (times); i++)
    {
      char id[2] = { (char) ('a' + i), '\0' };
      g_autoptr (mg_entry_t) entry = make_entry (times[i], id, id, "harbor-ir");
      insert_ok (ledger, entry);
    }
  entries = entries_ok (ledger);
  assert_int_equal (entries->len, G_N_ELEMENTS (expected));
  for (i = 0; i < entries->len; i++)
    assert_string_equal (((mg_entry_t *) g_ptr_array_index (entries, i))->message_id,
                         expected[i]);
}

static void
test_set_status (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  g_autoptr (mg_entry_t) entry = make_entry (10, "s@example.org", "d", "harbor-ir");
  g_autoptr (GError) error = NULL;

  insert_ok (ledger, entry);
  assert_true (mg_ledger_set_status (ledger, entry->id, MG_STATUS_SENT, &error));
  {
    /* committed: another connection sees it */
    g_autoptr (mg_ledger_t) reader = open_ok (f->path, FALSE);
    g_autoptr (GPtrArray) entries = entries_ok (reader);
    assert_int_equal (((mg_entry_t *) g_ptr_array_index (entries, 0))->status, MG_STATUS_SENT);
  }

  /* inside an open transaction it is part of that transaction */
  assert_true (mg_ledger_begin (ledger, &error));
  assert_true (mg_ledger_set_status (ledger, entry->id, MG_STATUS_FAILED, &error));
  mg_ledger_rollback (ledger);
  {
    g_autoptr (GPtrArray) entries = entries_ok (ledger);
    assert_int_equal (((mg_entry_t *) g_ptr_array_index (entries, 0))->status, MG_STATUS_SENT);
  }

  assert_false (mg_ledger_set_status (ledger, entry->id + 100, MG_STATUS_SENT, &error));
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_INTERNAL));
}

static void
test_transactions (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  g_autoptr (mg_entry_t) a = make_entry (10, "a@example.org", "da", "harbor-ir");
  g_autoptr (mg_entry_t) b = make_entry (11, "b@example.org", "db", "harbor-ir");
  g_autoptr (GError) error = NULL;

  mg_ledger_rollback (ledger);  /* none open: harmless */
  assert_true (mg_ledger_begin (ledger, &error));
  assert_false (mg_ledger_begin (ledger, &error));
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_INTERNAL));
  g_clear_error (&error);
  insert_ok (ledger, a);
  mg_ledger_rollback (ledger);
  assert_int_equal (count_entries (f->path), 0);

  assert_true (mg_ledger_begin (ledger, &error));
  insert_ok (ledger, b);
  assert_int_equal (count_entries (f->path), 0);  /* not yet committed */
  assert_true (mg_ledger_commit (ledger, &error));
  assert_int_equal (count_entries (f->path), 1);
  assert_false (mg_ledger_commit (ledger, &error));
}

static void
test_contains (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  g_autoptr (mg_entry_t) with_id = make_entry (10, "one@example.org", "d1", "harbor-ir");
  g_autoptr (mg_entry_t) without_id = make_entry (11, NULL, "d2", "harbor-ir");
  g_autoptr (GError) error = NULL;
  gboolean found;

  insert_ok (ledger, with_id);
  insert_ok (ledger, without_id);

  assert_true (mg_ledger_contains (ledger, "one@example.org", "other", &found, &error));
  assert_true (found);
  /* a Message-ID decides alone: a new Message-ID is a new message */
  assert_true (mg_ledger_contains (ledger, "two@example.org", "d1", &found, &error));
  assert_false (found);
  assert_true (mg_ledger_contains (ledger, NULL, "d2", &found, &error));
  assert_true (found);
  assert_true (mg_ledger_contains (ledger, NULL, "d1", &found, &error));
  assert_true (found);
  assert_true (mg_ledger_contains (ledger, NULL, "d3", &found, &error));
  assert_false (found);
  assert_true (mg_ledger_contains (ledger, NULL, NULL, &found, &error));
  assert_false (found);
}

/* A sender that dies in the middle of a large transaction leaves a hot
 * journal: check (read-only) cannot roll it back and says so; the next
 * writable open recovers the ledger as it was before. */
static void
test_interrupted_write (void **state)
{
  fixture_t *f = *state;
  int status, ready[2];
  char c = 0;
  pid_t pid;

  make_ledger (f->path, 3);
  assert_int_equal (pipe (ready), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      mg_ledger_t *ledger = mg_ledger_open (f->path, TRUE, TIMEOUT_MS, NULL);
      guint i;

      close (ready[0]);
      if (ledger == NULL || !mg_ledger_begin (ledger, NULL))
        _exit (30);
      /* more than SQLite's page cache holds, so pages reach the file */
      for (i = 0; i < 1500; i++)
        {
          mg_entry_t *entry = make_entry (i, NULL, "d", "harbor-ir");
          entry->subject = g_strnfill (2000, 'x');
          if (!mg_ledger_insert (ledger, entry, NULL))
            _exit (31);
          mg_entry_free (entry);
        }
      /* no commit, no close: the parent kills it */
      if (write (ready[1], "x", 1) != 1)
        _exit (32);
      for (;;)
        pause ();
    }
  close (ready[1]);
  if (read (ready[0], &c, 1) == 1)
    kill (pid, SIGKILL);
  close (ready[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    fail_msg ("the child did not get as far as its crash (status %d)", status);

  /* WAL: the crashed writer's frames were never committed; readers and
   * the next writer see the three committed entries */
  assert_int_equal (count_entries (f->path), 3);
  mg_ledger_close (open_ok (f->path, TRUE));
  assert_int_equal (count_entries (f->path), 3);
}

/* --- the write lock ------------------------------------------------------- */

static void
test_busy (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) holder = open_ok (f->path, TRUE);
  g_autoptr (mg_ledger_t) waiter = NULL;
  g_autoptr (mg_entry_t) entry = make_entry (10, "held@example.org", "d", "harbor-ir");
  g_autoptr (GError) error = NULL;
  gint64 start, elapsed;
  gboolean ok;

  waiter = mg_ledger_open (f->path, TRUE, 200, &error);
  assert_non_null (waiter);
  assert_true (mg_ledger_begin (holder, &error));
  insert_ok (holder, entry);

  start = g_get_monotonic_time ();
  ok = mg_ledger_begin (waiter, &error);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  assert_false (ok);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
  assert_non_null (strstr (error->message, "is busy"));
  assert_non_null (strstr (error->message, f->path));
  if (elapsed < 150 || elapsed > 2000)
    fail_msg ("gave up after %" G_GINT64_FORMAT " ms, expected about 200", elapsed);
  g_clear_error (&error);

  /* check can read while a send holds the lock, and sees the committed state */
  assert_int_equal (count_entries (f->path), 0);

  assert_true (mg_ledger_commit (holder, &error));
  assert_true (mg_ledger_begin (waiter, &error));
  {
    g_autoptr (GPtrArray) entries = entries_ok (waiter);
    assert_int_equal (entries->len, 1);
  }
  mg_ledger_rollback (waiter);
}

static void G_GNUC_NORETURN
child_fail (int status, GError *error)
{
  g_printerr ("child: %s\n", error->message);
  _exit (status);
}

/* Eight senders at once, each reading the history and adding its entry
 * in one transaction: every one succeeds and each saw all the earlier
 * ones (the transactions are serialised), on a ledger none of them found
 * existing. */
static void
test_concurrent_senders (void **state)
{
  fixture_t *f = *state;
  enum { CHILDREN = 8 };
  pid_t pids[CHILDREN];
  int gate[2];
  gboolean seen[CHILDREN] = { FALSE };
  g_autoptr (mg_ledger_t) ledger = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  guint i;

  assert_int_equal (pipe (gate), 0);
  for (i = 0; i < CHILDREN; i++)
    {
      pids[i] = fork ();
      assert_true (pids[i] >= 0);
      if (pids[i] == 0)
        {
          GError *error = NULL;
          mg_ledger_t *child;
          GPtrArray *history;
          mg_entry_t *entry;
          char c;

          close (gate[1]);
          if (read (gate[0], &c, 1) != 0)  /* wait until the parent opens the gate */
            _exit (20);
          child = mg_ledger_open (f->path, TRUE, 20000, &error);
          if (child == NULL)
            child_fail (21, error);
          if (!mg_ledger_begin (child, &error))
            child_fail (22, error);
          history = mg_ledger_entries (child, &error);
          if (history == NULL)
            child_fail (23, error);
          entry = make_entry (100 + i, NULL, "d", "harbor-ir");
          entry->subject = g_strdup_printf ("%u", history->len);
          g_usleep (5000);  /* hold the lock a little, as a judging send does */
          if (!mg_ledger_insert (child, entry, &error) || !mg_ledger_commit (child, &error))
            child_fail (24, error);
          mg_entry_free (entry);
          g_ptr_array_unref (history);
          mg_ledger_close (child);
          _exit (0);
        }
    }
  close (gate[0]);
  close (gate[1]);
  for (i = 0; i < CHILDREN; i++)
    {
      int status;

      assert_int_equal (waitpid (pids[i], &status, 0), pids[i]);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        fail_msg ("child %u failed (status %d)", i, status);
    }

  ledger = open_ok (f->path, FALSE);
  entries = entries_ok (ledger);
  assert_int_equal (entries->len, CHILDREN);
  for (i = 0; i < entries->len; i++)
    {
      guint64 n = g_ascii_strtoull (((mg_entry_t *) g_ptr_array_index (entries, i))->subject,
                                    NULL, 10);
      assert_true (n < CHILDREN);
      assert_false (seen[n]);
      seen[n] = TRUE;
    }
}


/* --- reading only what a send needs (mg_ledger_select) --------------------- */

/* The ids of @entries, space-separated, in their order. */
static char *
ids_of (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < entries->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            ((mg_entry_t *) g_ptr_array_index (entries, i))->id);
  return g_string_free (out, FALSE);
}

static GPtrArray *
select_ok (mg_ledger_t *ledger, const mg_history_query_t *query)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = mg_ledger_select (ledger, query, &error);

  if (entries == NULL)
    fail_msg ("select: %s", error->message);
  return entries;
}

static mg_history_query_t *
make_query (const char *programs, const char *intent, const char *confirm_key)
{
  mg_history_query_t *query = mg_history_query_new ();

  if (programs != NULL)
    {
      g_strfreev (query->programs);
      query->programs = g_strsplit (programs, ",", -1);
    }
  query->intent = g_strdup (intent);
  query->confirm_key = g_strdup (confirm_key);
  return query;
}

/* The ids mg_entry_relevant() accepts among every entry of @ledger: the
 * definition the indexed reads must agree with. */
static char *
relevant_ids (mg_ledger_t *ledger, const mg_history_query_t *query)
{
  g_autoptr (GPtrArray) all = entries_ok (ledger);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  guint i;

  for (i = 0; i < all->len; i++)
    if (mg_entry_relevant (g_ptr_array_index (all, i), query))
      g_ptr_array_add (kept, g_ptr_array_index (all, i));
  return ids_of (kept);
}

/* The same entries in a mg_history_t, added oldest first as the ledger
 * returns them; its selection as ids. */
static char *
history_ids (mg_ledger_t *ledger, const mg_history_query_t *query)
{
  g_autoptr (GPtrArray) all = entries_ok (ledger);
  g_autoptr (mg_history_t) history = mg_history_new ();
  g_autoptr (GPtrArray) selected = NULL;

  while (all->len > 0)
    mg_history_add (history, g_ptr_array_steal_index (all, 0));
  selected = mg_history_select (history, query);
  return ids_of (selected);
}

static mg_entry_t *
make_full_entry (gint64 time, const char *programs, const char *intent, const char *confirm_key,
                 mg_status_t status)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT "@example.org", time);
  mg_entry_t *entry = make_entry (time, id, id, programs);

  g_free (entry->intent);
  entry->intent = g_strdup (intent);
  entry->confirm_key = g_strdup (confirm_key);
  entry->status = status;
  return entry;
}

/* Every query part, alone and together, on entries of every shape: the
 * indexed read, the in-memory index and the definition agree, entry for
 * entry and in order. */
static void
test_select_is_relevant (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  static const struct {
    gint64 time;
    const char *programs;
    const char *intent;
    const char *confirm_key;
    mg_status_t status;
  } rows[] = {
    { 500, "harbor-ir", "none", "k1", MG_STATUS_SENT },
    { 100, "lumen-dr", "first", "k2", MG_STATUS_SENT },
    { 300, "harbor-ir,lumen-dr", "interest", NULL, MG_STATUS_REFUSED },
    { 300, NULL, "first", "k1", MG_STATUS_REFUSED },          /* the ambiguous group only */
    { 200, "cedar-ir", NULL, "k3", MG_STATUS_IMPORTED },
    { 250, "cedar-ir,cedar-ir", "first", NULL, MG_STATUS_FAILED },
    { 50, "harbor-irx", "firstx", "k", MG_STATUS_PENDING },     /* near misses only */
    { 400, "harbor-ir", "first", "k2", MG_STATUS_PENDING },
  };
  static const struct {
    const char *programs, *intent, *confirm_key;
  } queries[] = {
    { NULL, NULL, NULL },
    { "harbor-ir", NULL, NULL },
    { "lumen-dr", NULL, NULL },
    { "cedar-ir", NULL, NULL },
    { "harbor-ir,lumen-dr", NULL, NULL },
    { "nowhere-ir", NULL, NULL },
    { NULL, "first", NULL },
    { NULL, NULL, "k1" },
    { NULL, NULL, "k" },
    { "harbor-ir", "first", NULL },
    { "cedar-ir", "first", "k1" },
    { "lumen-dr,cedar-ir", "none", "k2" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (mg_entry_t) entry = make_full_entry (rows[i].time, rows[i].programs, rows[i].intent,
                                                      rows[i].confirm_key, rows[i].status);
      insert_ok (ledger, entry);
    }
  for (i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr (mg_history_query_t) query = make_query (queries[i].programs, queries[i].intent,
                                                         queries[i].confirm_key);
      g_autoptr (GPtrArray) selected = select_ok (ledger, query);
      g_autofree char *got = ids_of (selected);
      g_autofree char *expected = relevant_ids (ledger, query);
      g_autofree char *in_memory = history_ids (ledger, query);

      if (strcmp (got, expected) != 0 || strcmp (in_memory, expected) != 0)
        fail_msg ("query %zu: ledger [%s], in memory [%s], expected [%s]", i, got, in_memory,
                  expected);
    }
  {
    /* spot checks of the definition itself */
    g_autoptr (mg_history_query_t) query = make_query ("harbor-ir", "first", NULL);
    g_autoptr (GPtrArray) selected = select_ok (ledger, query);
    g_autofree char *got = ids_of (selected);
    assert_string_equal (got, "2 6 3 4 8 1");   /* by time, then id */
  }
}

/* A ledger of 20,000 entries to other programs: a send reads only the
 * few that concern it, however old. */
static void
test_select_large_ledger (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_ledger_t) ledger = open_ok (f->path, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_entry_t) first_elsewhere = make_full_entry (1000, "lumen-dr", "first", "a", MG_STATUS_SENT);
  g_autoptr (mg_entry_t) earlier = make_full_entry (1001, "harbor-ir", "none", "b", MG_STATUS_SENT);
  g_autoptr (mg_entry_t) refused = make_full_entry (900000, "harbor-ir", "none", "c", MG_STATUS_REFUSED);
  g_autoptr (mg_history_query_t) query = make_query ("harbor-ir", "first", "c");
  g_autoptr (GPtrArray) selected = NULL;
  g_autofree char *got = NULL, *expected = NULL;
  guint i;

  insert_ok (ledger, first_elsewhere);
  insert_ok (ledger, earlier);
  assert_true (mg_ledger_begin (ledger, &error));
  for (i = 0; i < 20000; i++)
    {
      g_autofree char *program = g_strdup_printf ("other%u-ir", i % 4999);
      g_autoptr (mg_entry_t) entry = make_full_entry (2000 + i, program, i % 2 ? "none" : "interest",
                                                      NULL, MG_STATUS_SENT);
      insert_ok (ledger, entry);
    }
  assert_true (mg_ledger_commit (ledger, &error));
  insert_ok (ledger, refused);

  selected = select_ok (ledger, query);
  got = ids_of (selected);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              first_elsewhere->id, earlier->id, refused->id);
  assert_string_equal (got, expected);
  g_free (expected);
  expected = relevant_ids (ledger, query);
  assert_string_equal (got, expected);
}

/* The version 1 schema as matchguard created it before entry_programs. */
#define SCHEMA_1 \
  "PRAGMA application_id = 1296518212;" \
  "CREATE TABLE entries (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, message_id TEXT," \
  " digest TEXT, subject TEXT, kind TEXT, intent TEXT, is_reply INTEGER NOT NULL," \
  " programs TEXT NOT NULL, recipients TEXT NOT NULL, fingerprint BLOB, confirm_key TEXT," \
  " status TEXT NOT NULL, findings TEXT NOT NULL, overrides TEXT NOT NULL);" \
  "CREATE INDEX entries_message_id ON entries (message_id);" \
  "CREATE INDEX entries_digest ON entries (digest);" \
  "CREATE INDEX entries_time ON entries (time, id);" \
  "PRAGMA user_version = 1;"

static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    fail_msg ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A ledger of schema version 1 (a real file, written as that version
 * wrote it): a read-only open reads it unchanged, selection included; the
 * first writable open migrates it to version 2 and indexes the programs
 * of the entries already there. */
static void
test_migrate_from_version_1 (void **state)
{
  fixture_t *f = *state;
  g_autoptr (mg_history_query_t) harbor = make_query ("harbor-ir", NULL, NULL);
  g_autoptr (mg_history_query_t) firsts = make_query ("nowhere-ir", "first", NULL);
  g_autoptr (mg_history_query_t) key = make_query (NULL, NULL, "k9");
  snapshot_t before;

  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  write_bytes (f->path, "", 0);
  run_sql (f->path,
           SCHEMA_1
           "INSERT INTO entries (time, message_id, kind, intent, is_reply, programs, recipients,"
           " confirm_key, status, findings, overrides) VALUES"
           " (10, 'a', 'update', 'none', 0, 'harbor-ir', 'x@harbor.example.edu', 'k1', 'sent', '', ''),"
           " (20, 'b', 'intent', 'first', 0, 'lumen-dr', '', 'k2', 'sent', '', ''),"
           " (30, 'c', 'update', 'none', 0, 'lumen-dr\nharbor-ir', '', 'k9', 'refused', 'multiple-programs', ''),"
           " (5, 'd', 'update', 'none', 1, '', '', NULL, 'imported', '', ''),"
           " (40, 'e', 'update', 'none', 0, 'cedar-ir', '', 'k9', 'failed', '', '');");
  g_chmod (f->path, 0600);

  /* read-only: version 1 as it is */
  take_snapshot (f->path, &before);
  {
    g_autoptr (mg_ledger_t) reader = open_ok (f->path, FALSE);
    g_autoptr (GPtrArray) all = entries_ok (reader);
    g_autoptr (GPtrArray) selected = select_ok (reader, harbor);
    g_autofree char *got = ids_of (selected);

    assert_int_equal (all->len, 5);
    assert_string_equal (got, "1 3");
  }
  assert_unchanged (f->path, &before);
  assert_int_equal (query_int (f->path, "PRAGMA user_version"), 1);

  /* writable: migrated, the programs of old entries indexed */
  {
    g_autoptr (mg_ledger_t) writer = open_ok (f->path, TRUE);
    g_autoptr (GPtrArray) by_program = select_ok (writer, harbor);
    g_autoptr (GPtrArray) by_intent = select_ok (writer, firsts);
    g_autoptr (GPtrArray) by_key = select_ok (writer, key);
    g_autofree char *a = ids_of (by_program), *b = ids_of (by_intent), *c = ids_of (by_key);

    assert_string_equal (a, "1 3");
    assert_string_equal (b, "2");
    assert_string_equal (c, "3 5");
  }
  assert_int_equal (query_int (f->path, "PRAGMA user_version"), 2);
  assert_int_equal (query_int (f->path, "SELECT count(*) FROM entry_programs"), 5);
  assert_int_equal (query_int (f->path, "SELECT count(*) FROM entry_programs WHERE entry = 3"), 2);
  assert_int_equal (query_int (f->path, "SELECT count(*) FROM entry_programs WHERE entry = 4"), 0);
  assert_int_equal (query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                        "('entries_intent', 'entries_confirm_key', "
                                        "'entry_programs_entry', 'entries_forget_programs')"), 4);
  {
    /* new entries are indexed too; deleting an entry forgets its programs */
    g_autoptr (mg_ledger_t) writer = open_ok (f->path, TRUE);
    g_autoptr (mg_entry_t) entry = make_entry (50, "f", "f", "harbor-ir,cedar-ir");
    g_autoptr (GPtrArray) selected = NULL;
    g_autofree char *got = NULL;

    insert_ok (writer, entry);
    selected = select_ok (writer, harbor);
    got = ids_of (selected);
    assert_string_equal (got, "1 3 6");
  }
  run_sql (f->path, "DELETE FROM entries WHERE id = 3");
  assert_int_equal (query_int (f->path, "SELECT count(*) FROM entry_programs WHERE entry = 3"), 0);
  assert_int_equal (count_entries (f->path), 5);
}

/* --- opening beside other work -------------------------------------------- */

/* Opens @path beside (mg_ledger_open_begin(), then _end()), which must
 * succeed. */
static mg_ledger_t *
open_beside_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_ledger_opening_t) opening = mg_ledger_open_begin (path, TIMEOUT_MS);
  mg_ledger_t *ledger = mg_ledger_open_end (opening, &error);

  if (ledger == NULL)
    fail_msg ("opening %s beside: %s", path, error->message);
  return ledger;
}

/* An existing ledger opened in the helper is the same ledger. */
static void
test_open_beside_existing (void **state)
{
  fixture_t *f = *state;

  make_ledger (f->path, 2);
  {
    g_autoptr (mg_ledger_t) ledger = open_beside_ok (f->path);
    g_autoptr (GPtrArray) entries = entries_ok (ledger);
    g_autoptr (mg_entry_t) entry = make_entry (5000, "third@example.org", "d3", "harbor-ir");

    assert_int_equal (entries->len, 2);
    insert_ok (ledger, entry);
  }
  assert_int_equal (count_entries (f->path), 3);
}

/* Nothing is created for an opening that is dropped (the message was not
 * program mail); an opening that is ended creates the ledger. */
static void
test_open_beside_creates_only_at_end (void **state)
{
  fixture_t *f = *state;
  g_autofree char *dir = g_build_filename (f->dir, "new", NULL);
  g_autofree char *path = g_build_filename (dir, "ledger.sqlite", NULL);
  struct stat st;

  mg_ledger_opening_free (mg_ledger_open_begin (path, TIMEOUT_MS));
  assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  {
    g_autoptr (mg_ledger_t) ledger = open_beside_ok (path);
    g_autoptr (mg_entry_t) entry = make_entry (5000, "first@example.org", "d1", "harbor-ir");

    insert_ok (ledger, entry);
  }
  assert_int_equal (g_stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);
  assert_int_equal (count_entries (path), 1);
}

/* A file that is not a ledger: ending the opening fails as
 * mg_ledger_open() does; dropping it says nothing.  Either way the file is
 * left alone. */
static void
test_open_beside_errors (void **state)
{
  fixture_t *f = *state;
  snapshot_t before;
  const char *mail = "From: someone@example.org\n\nnot a ledger\n";

  write_bytes (f->path, mail, strlen (mail));
  take_snapshot (f->path, &before);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (mg_ledger_opening_t) opening = mg_ledger_open_begin (f->path, TIMEOUT_MS);
    g_autoptr (mg_ledger_t) ledger = mg_ledger_open_end (opening, &error);

    assert_null (ledger);
    assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_TEMPFAIL));
    assert_non_null (strstr (error->message, "not a SQLite database"));
    assert_non_null (strstr (error->message, f->path));
  }
  mg_ledger_opening_free (mg_ledger_open_begin (f->path, TIMEOUT_MS));
  assert_unchanged (f->path, &before);
}

/* An older schema is updated when the opening is ended, not by the
 * helper: a dropped opening leaves the version as it was. */
static void
test_open_beside_migrates_only_at_end (void **state)
{
  fixture_t *f = *state;

  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  write_bytes (f->path, "", 0);
  run_sql (f->path,
           SCHEMA_1
           "INSERT INTO entries (time, message_id, kind, intent, is_reply, programs, recipients,"
           " confirm_key, status, findings, overrides) VALUES"
           " (10, 'a', 'update', 'none', 0, 'harbor-ir', 'x@harbor.example.edu', 'k1', 'sent', '', '');");
  g_chmod (f->path, 0600);

  mg_ledger_opening_free (mg_ledger_open_begin (f->path, TIMEOUT_MS));
  assert_int_equal (query_int (f->path, "PRAGMA user_version"), 1);
  {
    g_autoptr (mg_ledger_t) ledger = open_beside_ok (f->path);
    g_autoptr (mg_history_query_t) harbor = make_query ("harbor-ir", NULL, NULL);
    g_autoptr (GPtrArray) selected = select_ok (ledger, harbor);
    g_autofree char *got = ids_of (selected);

    assert_string_equal (got, "1");
  }
  assert_int_equal (query_int (f->path, "PRAGMA user_version"), 2);
}

int
main (void)
{
#define T(name) cmocka_unit_test_setup_teardown (name, setup, teardown)
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_entry_helpers),
    cmocka_unit_test (test_entry_keys),
    T (test_create_modes),
    T (test_create_mode_ignores_umask),
    T (test_reopen_keeps_entries),
    T (test_log_keeps_its_size),
    T (test_group_writable_refused),
    T (test_other_owner_refused),
    T (test_unreadable_refused),
    T (test_readonly_missing_is_empty),
    T (test_readonly_changes_nothing),
    T (test_readonly_empty_file),
    T (test_garbage_untouched),
    T (test_corrupt_pages_untouched),
    T (test_other_database_untouched),
    T (test_newer_schema_untouched),
    T (test_round_trip),
    T (test_oldest_first),
    T (test_set_status),
    T (test_transactions),
    T (test_contains),
    T (test_interrupted_write),
    T (test_busy),
    T (test_concurrent_senders),
    T (test_select_is_relevant),
    T (test_select_large_ledger),
    T (test_migrate_from_version_1),
    T (test_open_beside_existing),
    T (test_open_beside_creates_only_at_end),
    T (test_open_beside_errors),
    T (test_open_beside_migrates_only_at_end),
  };
#undef T
  return cmocka_run_group_tests_name ("ledger", tests, NULL, NULL);
}
