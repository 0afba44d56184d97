/* ledger.c - what was already sent (SPEC 7), in a SQLite file.
 *
 * Design notes.
 *
 * - Schema (version 2).  One table, one row per program message:
 *
 *     entries (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,
 *              message_id TEXT, digest TEXT, subject TEXT, kind TEXT,
 *              intent TEXT, is_reply INTEGER NOT NULL,
 *              programs TEXT NOT NULL, recipients TEXT NOT NULL,
 *              fingerprint BLOB, confirm_key TEXT, status TEXT NOT NULL,
 *              findings TEXT NOT NULL, overrides TEXT NOT NULL)
 *
 *   with indexes on message_id and digest (import idempotence) and on
 *   (time, id) (the order every reader wants).  The four lists (program
 *   ids, recipient addresses, finding and override rule ids) are their
 *   items joined by line feeds: readable with the sqlite3 shell, and
 *   cheap to split.  The status is its name (mg_status_name()).  The
 *   fingerprint is mg-fingerprint.h's byte string; NULL when the entry
 *   has none.  Nothing else is kept, in particular never the message body.
 *
 *   A send reads only the entries its judgement can use (SPEC 5, 6;
 *   mg_history_query_t): those to its programs, those of #1 intent, those
 *   with its confirm key; so the schema (version 2) indexes exactly these:
 *
 *     entry_programs (program TEXT NOT NULL, entry INTEGER NOT NULL,
 *                     PRIMARY KEY (program, entry)) WITHOUT ROWID
 *
 *   one row per program of an entry (mg_ledger_insert() writes both in
 *   one transaction; a trigger removes an entry's rows with it, should
 *   someone delete entries with the sqlite3 shell), with an index on
 *   entry, and indexes on entries (intent) and entries (confirm_key).
 *   `status`, `log` and `check` still read every entry
 *   (mg_ledger_entries()).
 *
 * - Versions.  PRAGMA application_id marks the file as a matchguard
 *   ledger and PRAGMA user_version is its schema version.  migrations[i]
 *   takes version i to i + 1; a writable open applies the missing steps
 *   and sets user_version in one BEGIN IMMEDIATE transaction, re-reading
 *   the version inside it (another process may have migrated meanwhile).
 *   A newer version than this program knows is refused, never touched.
 *   Version 2 only added the side table and indexes, so a read-only open
 *   reads a version 1 ledger as it is (mg_ledger_select() then filters a
 *   full read): `check` keeps working until the next send migrates it.
 *
 * - Nothing is written before the file is known to be a ledger: sqlite3
 *   opens any file, and garbage shows only at the first read.  So the
 *   open first checks the 16-byte SQLite magic itself (SQLite would roll
 *   a stray PATH-journal into any file on its first read), then reads the
 *   header (application_id, user_version, the number of schema objects)
 *   in one statement, and a file that is not a SQLite database, is
 *   corrupt, is another program's database or is of a newer schema is
 *   reported and left byte for byte as it was.  A writer that crashed
 *   mid-transaction leaves only uncommitted WAL frames, which every later
 *   reader ignores; a ledger of the earlier DELETE mode left with a hot
 *   journal is refused by a read-only open (it cannot roll back) and
 *   recovered by the next writable one.
 *
 * - Journal mode WAL, synchronous FULL: a commit is durable after one
 *   fdatasync of the log, and a send commits twice (pending, then sent or
 *   failed), so this is most of the ledger's share of a send.  Every
 *   writer takes the write lock with BEGIN IMMEDIATE, so writers queue on
 *   the busy timeout instead of deadlocking.  The log (-wal) and its
 *   index (-shm) are persistent (SQLITE_FCNTL_PERSIST_WAL): once a send
 *   or import has created them, `check`'s SQLITE_OPEN_READONLY opens find
 *   them and create nothing beside the ledger; the ledger file itself is
 *   never written by a read-only open.  Closing does not checkpoint
 *   (committed frames are durable in the log); SQLite folds the log into
 *   the file every 200 pages, and the log keeps its size when it starts
 *   over (WAL_SIZE_LIMIT), so that a commit's fdatasync need not commit
 *   the file system's journal too.  A writable open switches a ledger of the
 *   earlier DELETE mode to WAL.
 *
 * - Permissions: the directory is created with mode 0700 and the file
 *   with 0600 (set with fchmod, whatever the umask; SQLite gives its
 *   -journal file the mode of the database).  A file or directory that
 *   belongs to another user or is writable by group or others is refused.
 *
 * - Every failure the user can meet is MG_ERROR_TEMPFAIL (sendmail mode
 *   must not lose the message: the MUA keeps it and the user retries);
 *   misuse by the caller (a write on a read-only ledger, a nested BEGIN)
 *   is MG_ERROR_INTERNAL.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mg-common.h"
#include "mg-ledger.h"
#include "mg-thread.h"

/* The first 16 bytes of every SQLite 3 database file. */
#define SQLITE_MAGIC "SQLite format 3"

/* "MGLD" */
#define LEDGER_APPLICATION_ID 0x4d474c44

/* Bytes of write-ahead log kept when SQLite starts it over: above the
 * wal_autocheckpoint of 200 pages (825,600 bytes of 4 KiB pages with
 * their frame headers), so that the log is never cut back in use. */
#define WAL_SIZE_LIMIT 2097152

static gboolean fill_entry_programs (mg_ledger_t *ledger, GError **error);

/* migrations[i] takes the schema from version i to i + 1: its SQL, then
 * its fill step (when not NULL), in the same transaction. */
static const struct {
  const char *sql;
  gboolean (*fill) (mg_ledger_t *ledger, GError **error);
} migrations[] = {
  /* 0 -> 1 */
  { "PRAGMA application_id = 1296518212;"  /* LEDGER_APPLICATION_ID */
  "CREATE TABLE entries ("
  "  id INTEGER PRIMARY KEY,"
  "  time INTEGER NOT NULL,"
  "  message_id TEXT,"
  "  digest TEXT,"
  "  subject TEXT,"
  "  kind TEXT,"
  "  intent TEXT,"
  "  is_reply INTEGER NOT NULL,"
  "  programs TEXT NOT NULL,"
  "  recipients TEXT NOT NULL,"
  "  fingerprint BLOB,"
  "  confirm_key TEXT,"
  "  status TEXT NOT NULL,"
  "  findings TEXT NOT NULL,"
  "  overrides TEXT NOT NULL);"
  "CREATE INDEX entries_message_id ON entries (message_id);"
  "CREATE INDEX entries_digest ON entries (digest);"
  "CREATE INDEX entries_time ON entries (time, id);", NULL },
  /* 1 -> 2: what a send's judgement reads, indexed (mg_ledger_select()) */
  { "CREATE TABLE entry_programs ("
    "  program TEXT NOT NULL,"
    "  entry INTEGER NOT NULL,"
    "  PRIMARY KEY (program, entry)) WITHOUT ROWID;"
    "CREATE INDEX entry_programs_entry ON entry_programs (entry);"
    "CREATE TRIGGER entries_forget_programs AFTER DELETE ON entries"
    "  BEGIN DELETE FROM entry_programs WHERE entry = OLD.id; END;"
    "CREATE INDEX entries_intent ON entries (intent);"
    "CREATE INDEX entries_confirm_key ON entries (confirm_key);",
    fill_entry_programs },
};

/* The oldest schema a read-only open reads: the entries table has not
 * changed since; mg_ledger_select() falls back to a full read below
 * INDEXED_VERSION. */
#define OLDEST_READABLE_VERSION 1
#define INDEXED_VERSION 2

#define SCHEMA_VERSION ((gint64) G_N_ELEMENTS (migrations))

G_STATIC_ASSERT (LEDGER_APPLICATION_ID == 1296518212);

struct mg_ledger {
  char *path;
  sqlite3 *db;         /* NULL: opened read-only and there is no ledger yet */
  gboolean writable;
  int busy_timeout_ms;
  gint64 version;      /* the schema version, once open */
};

/* The header fields that tell what a file is. */
typedef struct {
  gint64 application_id;
  gint64 version;
  gint64 objects;      /* rows of sqlite_master */
} header_t;

static const char *const status_names[] = {
  [MG_STATUS_PENDING] = "pending",
  [MG_STATUS_SENT] = "sent",
  [MG_STATUS_FAILED] = "failed",
  [MG_STATUS_IMPORTED] = "imported",
  [MG_STATUS_REFUSED] = "refused",
};

/* --- entries -------------------------------------------------------------- */

mg_entry_t *
mg_entry_new (void)
{
  mg_entry_t *entry = g_new0 (mg_entry_t, 1);

  entry->programs = g_new0 (char *, 1);
  entry->recipients = g_new0 (char *, 1);
  entry->findings = g_new0 (char *, 1);
  entry->overrides = g_new0 (char *, 1);
  entry->status = MG_STATUS_PENDING;
  return entry;
}

void
mg_entry_free (mg_entry_t *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->message_id);
  g_free (entry->digest);
  g_free (entry->subject);
  g_free (entry->kind);
  g_free (entry->intent);
  g_strfreev (entry->programs);
  g_strfreev (entry->recipients);
  if (entry->fingerprint != NULL)
    g_bytes_unref (entry->fingerprint);
  g_free (entry->confirm_key);
  g_strfreev (entry->findings);
  g_strfreev (entry->overrides);
  g_free (entry);
}

gboolean
mg_entry_counts (const mg_entry_t *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);
  return entry->status == MG_STATUS_SENT || entry->status == MG_STATUS_PENDING
         || entry->status == MG_STATUS_IMPORTED;
}

gboolean
mg_entry_has_program (const mg_entry_t *entry, const char *program_id)
{
  g_return_val_if_fail (entry != NULL, FALSE);
  return entry->programs != NULL && program_id != NULL
         && g_strv_contains ((const char *const *) entry->programs, program_id);
}

const mg_entry_keys_t *
mg_entry_keys (const mg_entry_t *entry)
{
  /* a cache of what the entry says, so filled through a const pointer */
  mg_entry_keys_t *keys = (mg_entry_keys_t *) &entry->keys;
  guint i;

  if (keys->ready)
    return keys;
  keys->kind = g_quark_from_string (entry->kind);
  keys->intent = g_quark_from_string (entry->intent);
  for (i = 0; entry->programs != NULL && entry->programs[i] != NULL; i++)
    {
      if (i == MG_ENTRY_KEY_PROGRAMS)
        {
          keys->more_programs = TRUE;
          break;
        }
      keys->programs[i] = g_quark_from_string (entry->programs[i]);
    }
  mg_fingerprint_sketch (entry->fingerprint, &keys->sketch);
  keys->ready = TRUE;
  return keys;
}

gboolean
mg_entry_has_program_quark (const mg_entry_t *entry, GQuark program, const char *program_id)
{
  const mg_entry_keys_t *keys = mg_entry_keys (entry);
  guint i;

  for (i = 0; i < MG_ENTRY_KEY_PROGRAMS && keys->programs[i] != 0; i++)
    if (keys->programs[i] == program)
      return TRUE;
  return keys->more_programs && mg_entry_has_program (entry, program_id);
}

mg_history_query_t *
mg_history_query_new (void)
{
  mg_history_query_t *query = g_new0 (mg_history_query_t, 1);

  query->programs = g_new0 (char *, 1);
  return query;
}

void
mg_history_query_free (mg_history_query_t *query)
{
  if (query == NULL)
    return;
  g_strfreev (query->programs);
  g_free (query->intent);
  g_free (query->confirm_key);
  g_free (query);
}

/* The definition of a relevant entry.  mg_ledger_select()'s SQL finds
 * candidates and keeps only those that pass this; mg_history_select()'s
 * indexes find exactly these (keyed by the same strings).
 * tests/test-ledger.c checks that both return what this accepts. */
gboolean
mg_entry_relevant (const mg_entry_t *entry, const mg_history_query_t *query)
{
  char *const *program;

  g_return_val_if_fail (entry != NULL && query != NULL, FALSE);
  if (query->intent != NULL && g_strcmp0 (entry->intent, query->intent) == 0)
    return TRUE;
  if (query->confirm_key != NULL && g_strcmp0 (entry->confirm_key, query->confirm_key) == 0)
    return TRUE;
  for (program = query->programs; program != NULL && *program != NULL; program++)
    if (mg_entry_has_program (entry, *program))
      return TRUE;
  return FALSE;
}

const char *
mg_status_name (mg_status_t status)
{
  if ((guint) status < G_N_ELEMENTS (status_names))
    return status_names[status];
  return "unknown";
}

gboolean
mg_status_from_name (const char *name, mg_status_t *status)
{
  guint i;

  for (i = 0; name != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (name, status_names[i]) == 0)
      {
        *status = (mg_status_t) i;
        return TRUE;
      }
  return FALSE;
}

/* --- errors --------------------------------------------------------------- */

static void
set_busy_error (const mg_ledger_t *ledger, GError **error)
{
  g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
               "ledger '%s' is busy (another matchguard is using it); try again", ledger->path);
}

/* Reports SQLite result @rc of @doing ("read", "write", ...). */
static gboolean
sqlite_error (const mg_ledger_t *ledger, int rc, const char *doing, GError **error)
{
  const char *detail = ledger->db != NULL ? sqlite3_errmsg (ledger->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      set_busy_error (ledger, error);
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "ledger '%s' is corrupt or not a SQLite database (%s); it was left unchanged: "
                   "move it aside to start a new ledger", ledger->path, detail);
      break;
    case SQLITE_READONLY:
      if (rc == SQLITE_READONLY_ROLLBACK)
        g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                     "ledger '%s' holds an interrupted write that only a writing command can "
                     "recover; the next send or import does it", ledger->path);
      else
        g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                     "cannot write ledger '%s' (%s); check that it and its directory are yours "
                     "and writable", ledger->path, detail);
      break;
    default:
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot %s ledger '%s': %s", doing,
                   ledger->path, detail);
      break;
    }
  return FALSE;
}

static gboolean
require_writable (const mg_ledger_t *ledger, GError **error)
{
  if (ledger->writable && ledger->db != NULL)
    return TRUE;
  g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "ledger '%s' was opened read-only",
               ledger->path);
  return FALSE;
}

/* --- opening -------------------------------------------------------------- */

/* Refuses @st (of the ledger file, or when @dir is not NULL of its
 * directory @dir) when it belongs to another user or others can write it. */
static gboolean
check_owner (const mg_ledger_t *ledger, const char *dir, const struct stat *st, GError **error)
{
  g_autofree char *what = dir != NULL ? g_strdup_printf ("the directory '%s' of ledger '%s'", dir,
                                                         ledger->path)
                                      : g_strdup_printf ("ledger '%s'", ledger->path);

  if (st->st_uid != geteuid ())
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "%s belongs to another user (uid %u); use a ledger path of your own", what,
                   (unsigned) st->st_uid);
      return FALSE;
    }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "%s is writable by group or others; run: chmod %s '%s'", what,
                   dir != NULL ? "go-w" : "600", dir != NULL ? dir : ledger->path);
      return FALSE;
    }
  return TRUE;
}

/* Creates the missing directories of the ledger (the last one with mode
 * 0700 whatever the umask) and checks the directory. */
static gboolean
prepare_directory (const mg_ledger_t *ledger, gboolean create, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (ledger->path);
  struct stat st;

  if (g_stat (dir, &st) != 0)
    {
      int errsv = errno;

      if (errsv != ENOENT || !create)
        {
          g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot use ledger directory '%s': %s",
                       dir, g_strerror (errsv));
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0
          || g_stat (dir, &st) != 0)
        {
          errsv = errno;
          g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                       "cannot create ledger directory '%s': %s", dir, g_strerror (errsv));
          return FALSE;
        }
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "cannot use ledger '%s': '%s' is not a directory", ledger->path, dir);
      return FALSE;
    }
  return check_owner (ledger, dir, &st, error);
}

/* Creates the ledger file, empty, with mode 0600 unless it exists. */
static gboolean
create_file (const mg_ledger_t *ledger, GError **error)
{
  int fd = open (ledger->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
  int errsv;

  if (fd < 0)
    {
      if (errno == EEXIST)
        return TRUE;
      errsv = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot create ledger '%s': %s",
                   ledger->path, g_strerror (errsv));
      return FALSE;
    }
  if (fchmod (fd, 0600) != 0)
    {
      errsv = errno;
      close (fd);
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot set the mode of ledger '%s': %s",
                   ledger->path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Checks the ledger file: a regular file of ours that only we can write,
 * and that we can open for reading (and writing when writable), so that
 * the error names the real reason rather than SQLite's "unable to open
 * database file".  Also refuses a file that does not start as a SQLite
 * database does, before SQLite sees it: SQLite would otherwise "recover"
 * a stray PATH-journal into it on the first read. */
static gboolean
check_file (const mg_ledger_t *ledger, GError **error)
{
  struct stat st;
  char magic[sizeof SQLITE_MAGIC];
  gssize len;
  int fd, errsv;

  if (g_stat (ledger->path, &st) != 0)
    {
      errsv = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot read ledger '%s': %s",
                   ledger->path, g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "ledger '%s' is not a regular file",
                   ledger->path);
      return FALSE;
    }
  if (!check_owner (ledger, NULL, &st, error))
    return FALSE;

  fd = open (ledger->path, (ledger->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot %s ledger '%s': %s",
                   ledger->writable ? "write" : "read", ledger->path, g_strerror (errsv));
      return FALSE;
    }
  do
    len = read (fd, magic, sizeof magic);
  while (len < 0 && errno == EINTR);
  errsv = errno;
  close (fd);
  if (len < 0)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL, "cannot read ledger '%s': %s",
                   ledger->path, g_strerror (errsv));
      return FALSE;
    }
  if (len > 0 && (len < (gssize) sizeof magic || memcmp (magic, SQLITE_MAGIC, sizeof magic) != 0))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "ledger '%s' is corrupt or not a SQLite database (no SQLite header); it was left "
                   "unchanged: move it aside to start a new ledger", ledger->path);
      return FALSE;
    }
  return TRUE;
}

/* Reads what the file is, in one statement so in one read transaction
 * (another process may be creating the schema meanwhile).  Only reads: on
 * a file that is not a SQLite database this is where SQLite first
 * notices. */
static gboolean
read_header (const mg_ledger_t *ledger, header_t *header, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ledger->busy_timeout_ms * 1000;
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (ledger->db,
                               "SELECT (SELECT application_id FROM pragma_application_id),"
                               " (SELECT user_version FROM pragma_user_version),"
                               " (SELECT count(*) FROM sqlite_master)",
                               -1, &stmt, NULL);

  /* a read can meet the same immediate SQLITE_BUSY as exec_waiting() */
  while (rc == SQLITE_OK && ((rc = sqlite3_step (stmt)) & 0xff) == SQLITE_BUSY
         && sqlite3_get_autocommit (ledger->db) && g_get_monotonic_time () < deadline)
    {
      sqlite3_reset (stmt);
      rc = SQLITE_OK;
      g_usleep (g_random_int_range (1000, 10000));
    }
  if (rc == SQLITE_ROW)
    {
      header->application_id = sqlite3_column_int64 (stmt, 0);
      header->version = sqlite3_column_int64 (stmt, 1);
      header->objects = sqlite3_column_int64 (stmt, 2);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return sqlite_error (ledger, rc, "read", error);
  return TRUE;
}

/* TRUE for a SQLite file nobody has written yet (a new ledger). */
static gboolean
header_is_new (const header_t *header)
{
  return header->application_id == 0 && header->version == 0 && header->objects == 0;
}

/* Refuses another program's database and a newer schema. */
static gboolean
check_header (const mg_ledger_t *ledger, const header_t *header, GError **error)
{
  if (header_is_new (header))
    return TRUE;
  if (header->application_id != LEDGER_APPLICATION_ID)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "'%s' is a SQLite database but not a matchguard ledger; it was left unchanged: "
                   "move it aside or configure another ledger path", ledger->path);
      return FALSE;
    }
  if (header->version > SCHEMA_VERSION || header->version < 1)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "ledger '%s' has schema version %" G_GINT64_FORMAT ", which this matchguard "
                   "does not know (it knows up to %" G_GINT64_FORMAT "); it was left unchanged: "
                   "upgrade matchguard", ledger->path, header->version, SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec (const mg_ledger_t *ledger, const char *sql, const char *doing, GError **error)
{
  int rc = sqlite3_exec (ledger->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return sqlite_error (ledger, rc, doing, error);
  return TRUE;
}

/* Like exec() for a statement outside any transaction, but retries
 * SQLITE_BUSY until the busy timeout.  SQLite answers busy at once,
 * without waiting in the busy handler, where waiting could deadlock:
 * while another sender switches a new ledger to WAL or is recovering
 * its log.  Those moments are short, so senders that start together on
 * a new ledger wait for each other instead of failing. */
static gboolean
exec_waiting (const mg_ledger_t *ledger, const char *sql, const char *doing, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ledger->busy_timeout_ms * 1000;
  int rc;

  while ((rc = sqlite3_exec (ledger->db, sql, NULL, NULL, NULL)) != SQLITE_OK
         && (rc & 0xff) == SQLITE_BUSY && sqlite3_get_autocommit (ledger->db)
         && g_get_monotonic_time () < deadline)
    g_usleep (g_random_int_range (1000, 10000));
  if (rc != SQLITE_OK)
    return sqlite_error (ledger, rc, doing, error);
  return TRUE;
}

/* Creates or migrates the schema, in one write transaction. */
static gboolean
migrate (mg_ledger_t *ledger, GError **error)
{
  header_t header;
  g_autofree char *set_version = NULL;
  gint64 v;

  if (!mg_ledger_begin (ledger, error))
    return FALSE;
  if (!read_header (ledger, &header, error) || !check_header (ledger, &header, error))
    goto fail;
  for (v = header.version; v < SCHEMA_VERSION; v++)
    if (!exec (ledger, migrations[v].sql, "update the schema of", error)
        || (migrations[v].fill != NULL && !migrations[v].fill (ledger, error)))
      goto fail;
  if (header.version < SCHEMA_VERSION)
    {
      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, SCHEMA_VERSION);
      if (!exec (ledger, set_version, "update the schema of", error))
        goto fail;
    }
  if (!mg_ledger_commit (ledger, error))
    goto fail;
  ledger->version = SCHEMA_VERSION;
  return TRUE;

fail:
  mg_ledger_rollback (ledger);
  return FALSE;
}

/* mg_ledger_open() but for the schema update, which is left to the
 * caller (a writable ledger's version may be below SCHEMA_VERSION). */
static mg_ledger_t *
open_unmigrated (const char *path, gboolean writable, int busy_timeout_ms, GError **error)
{
  g_autoptr (mg_ledger_t) ledger = NULL;
  header_t header;
  int rc;
  int persist_wal = 1;

  ledger = g_new0 (mg_ledger_t, 1);
  ledger->path = g_strdup (path);
  ledger->writable = writable;
  ledger->busy_timeout_ms = MAX (busy_timeout_ms, 0);

  if (!writable)
    {
      struct stat st;

      if (g_stat (path, &st) != 0 && errno == ENOENT)
        return g_steal_pointer (&ledger);  /* no ledger yet: empty */
    }
  if (!prepare_directory (ledger, writable, error)
      || (writable && !create_file (ledger, error))
      || !check_file (ledger, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &ledger->db,
                        writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_error (ledger, rc, "open", error);
      return NULL;
    }
  sqlite3_extended_result_codes (ledger->db, 1);
  sqlite3_busy_timeout (ledger->db, MAX (busy_timeout_ms, 0));
  if (writable && sqlite3_db_readonly (ledger->db, "main") == 1)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "cannot write ledger '%s'; run: chmod 600 '%s'", path, path);
      return NULL;
    }

  if (!read_header (ledger, &header, error) || !check_header (ledger, &header, error))
    return NULL;
  ledger->version = header.version;

  if (!writable)
    {
      if (header_is_new (&header))
        {
          /* an empty file: a ledger nobody has written yet */
          sqlite3_close (ledger->db);
          ledger->db = NULL;
        }
      else if (header.version < OLDEST_READABLE_VERSION)
        {
          /* only a writable open migrates */
          g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                       "ledger '%s' has the older schema version %" G_GINT64_FORMAT "; the "
                       "next send or import updates it",
                       path, header.version);
          return NULL;
        }
      return g_steal_pointer (&ledger);
    }

  /* WAL: a durable commit is one fdatasync of the log (about a quarter
   * of DELETE's journal dance), and a send commits twice.  The log and
   * its index are kept after close, so that `check`'s read-only opens
   * find them and never create files beside the ledger.  The log also
   * keeps its size when SQLite starts it over after a checkpoint
   * (journal_size_limit above the 200 pages between checkpoints): a
   * commit then overwrites blocks the file has, and its fdatasync is a
   * flush of those blocks alone, where a log that grows needs a commit
   * of the file system's journal as well (0.2 ms against 0.45 ms per
   * send on the bench machine). */
  sqlite3_file_control (ledger->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist_wal);
  /* no checkpoint (page copies and an fsync of the ledger) on every
   * close: committed frames are durable in the log already, and SQLite's
   * automatic checkpoint folds them in every wal_autocheckpoint pages */
  sqlite3_db_config (ledger->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (!exec_waiting (ledger, "PRAGMA journal_mode = WAL", "open", error)
      || !exec (ledger, "PRAGMA journal_size_limit = " G_STRINGIFY (WAL_SIZE_LIMIT), "open", error)
      || !exec (ledger, "PRAGMA wal_autocheckpoint = 200", "open", error)
      || !exec (ledger, "PRAGMA synchronous = FULL", "open", error))
    return NULL;
  return g_steal_pointer (&ledger);
}

mg_ledger_t *
mg_ledger_open (const char *path, gboolean writable, int busy_timeout_ms, GError **error)
{
  g_autoptr (mg_ledger_t) ledger = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ledger = open_unmigrated (path, writable, busy_timeout_ms, error);
  if (ledger == NULL)
    return NULL;
  if (writable && ledger->version < SCHEMA_VERSION && !migrate (ledger, error))
    return NULL;
  return g_steal_pointer (&ledger);
}

/* --- opening beside other work ------------------------------------------- */

struct mg_ledger_opening {
  char *path;
  int busy_timeout_ms;
  mg_thread_t *helper;   /* running open_helper(), or NULL: open at the end */
  gboolean ended;        /* mg_ledger_open_end() was called */
  mg_ledger_t *ledger;   /* what the helper opened, or NULL with error */
  GError *error;
};

static void *
open_helper (void *data)
{
  mg_ledger_opening_t *opening = data;

  opening->ledger = open_unmigrated (opening->path, TRUE, opening->busy_timeout_ms,
                                     &opening->error);
  return NULL;
}

mg_ledger_opening_t *
mg_ledger_open_begin (const char *path, int busy_timeout_ms)
{
  mg_ledger_opening_t *opening;

  g_return_val_if_fail (path != NULL, NULL);

  opening = g_new0 (mg_ledger_opening_t, 1);
  opening->path = g_strdup (path);
  opening->busy_timeout_ms = busy_timeout_ms;
  /* a missing ledger is created, if at all, by mg_ledger_open_end() */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    opening->helper = mg_thread_start (open_helper, opening, NULL);
  return opening;
}

mg_ledger_t *
mg_ledger_open_end (mg_ledger_opening_t *opening, GError **error)
{
  g_autoptr (mg_ledger_t) ledger = NULL;

  g_return_val_if_fail (opening != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (!opening->ended, NULL);

  opening->ended = TRUE;
  if (opening->helper == NULL)
    return mg_ledger_open (opening->path, TRUE, opening->busy_timeout_ms, error);
  mg_thread_join (g_steal_pointer (&opening->helper));
  if (opening->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&opening->error));
      return NULL;
    }
  ledger = g_steal_pointer (&opening->ledger);
  if (ledger->version < SCHEMA_VERSION && !migrate (ledger, error))
    return NULL;
  return g_steal_pointer (&ledger);
}

void
mg_ledger_opening_free (mg_ledger_opening_t *opening)
{
  if (opening == NULL)
    return;
  mg_thread_join (opening->helper);
  mg_ledger_close (opening->ledger);
  g_clear_error (&opening->error);
  g_free (opening->path);
  g_free (opening);
}

void
mg_ledger_close (mg_ledger_t *ledger)
{
  if (ledger == NULL)
    return;
  if (ledger->db != NULL)
    {
      mg_ledger_rollback (ledger);
      sqlite3_close (ledger->db);
    }
  g_free (ledger->path);
  g_free (ledger);
}

const char *
mg_ledger_path (const mg_ledger_t *ledger)
{
  g_return_val_if_fail (ledger != NULL, NULL);
  return ledger->path;
}

/* --- transactions --------------------------------------------------------- */

gboolean
mg_ledger_begin (mg_ledger_t *ledger, GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);

  if (!require_writable (ledger, error))
    return FALSE;
  if (!sqlite3_get_autocommit (ledger->db))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL,
                   "ledger '%s': a transaction is already open", ledger->path);
      return FALSE;
    }
  return exec_waiting (ledger, "BEGIN IMMEDIATE", "lock", error);
}

gboolean
mg_ledger_commit (mg_ledger_t *ledger, GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);

  if (!require_writable (ledger, error))
    return FALSE;
  if (sqlite3_get_autocommit (ledger->db))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL,
                   "ledger '%s': no transaction to commit", ledger->path);
      return FALSE;
    }
  /* on SQLITE_BUSY the transaction stays open: the caller rolls back */
  return exec (ledger, "COMMIT", "write", error);
}

void
mg_ledger_rollback (mg_ledger_t *ledger)
{
  if (ledger == NULL || ledger->db == NULL || sqlite3_get_autocommit (ledger->db))
    return;
  sqlite3_exec (ledger->db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- reading -------------------------------------------------------------- */

/* The four lists are kept as their items joined by line feeds, a line
 * feed or backslash inside an item escaped as "\\n" or "\\\\" (ours never
 * hold one): splitting is far cheaper than parsing JSON for every entry
 * of every send, and the text stays readable in the sqlite3 shell. */
static char **
decode_list (const char *text)
{
  GPtrArray *items;
  GString *item;
  const char *c;

  if (text == NULL)
    return NULL;
  items = g_ptr_array_new ();
  if (*text != '\0')
    {
      item = g_string_new (NULL);
      for (c = text;; c++)
        {
          if (*c == '\\' && (c[1] == 'n' || c[1] == '\\'))
            g_string_append_c (item, *++c == 'n' ? '\n' : '\\');
          else if (*c == '\n' || *c == '\0')
            {
              g_ptr_array_add (items, g_string_free (item, FALSE));
              if (*c == '\0')
                break;
              item = g_string_new (NULL);
            }
          else
            g_string_append_c (item, *c);
        }
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (items, FALSE);
}

static char *
encode_list (char **items)
{
  GString *text = g_string_new (NULL);
  char **first = items;

  for (; items != NULL && *items != NULL; items++)
    {
      const char *c;

      if (items != first)
        g_string_append_c (text, '\n');
      for (c = *items; *c != '\0'; c++)
        {
          if (*c == '\n')
            g_string_append (text, "\\n");
          else if (*c == '\\')
            g_string_append (text, "\\\\");
          else
            g_string_append_c (text, *c);
        }
    }
  return g_string_free (text, FALSE);
}

static char *
column_string (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* The columns in the order read_entry() and mg_ledger_insert() use. */
#define ENTRY_COLUMNS \
  "time, message_id, digest, subject, kind, intent, is_reply, programs, recipients, " \
  "fingerprint, confirm_key, status, findings, overrides"

/* Builds an entry from a row of "SELECT id, " ENTRY_COLUMNS. */
static mg_entry_t *
read_entry (const mg_ledger_t *ledger, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (mg_entry_t) entry = g_new0 (mg_entry_t, 1);
  const char *status = (const char *) sqlite3_column_text (stmt, 12);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->time = sqlite3_column_int64 (stmt, 1);
  entry->message_id = column_string (stmt, 2);
  entry->digest = column_string (stmt, 3);
  entry->subject = column_string (stmt, 4);
  entry->kind = column_string (stmt, 5);
  entry->intent = column_string (stmt, 6);
  entry->is_reply = sqlite3_column_int (stmt, 7) != 0;
  entry->programs = decode_list ((const char *) sqlite3_column_text (stmt, 8));
  entry->recipients = decode_list ((const char *) sqlite3_column_text (stmt, 9));
  if (sqlite3_column_type (stmt, 10) != SQLITE_NULL)
    entry->fingerprint = g_bytes_new (sqlite3_column_blob (stmt, 10),
                                      (gsize) sqlite3_column_bytes (stmt, 10));
  entry->confirm_key = column_string (stmt, 11);
  entry->findings = decode_list ((const char *) sqlite3_column_text (stmt, 13));
  entry->overrides = decode_list ((const char *) sqlite3_column_text (stmt, 14));

  if (entry->programs == NULL || entry->recipients == NULL || entry->findings == NULL
      || entry->overrides == NULL || !mg_status_from_name (status, &entry->status))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_TEMPFAIL,
                   "ledger '%s' is corrupt (entry %" G_GINT64_FORMAT " cannot be read); "
                   "it was left unchanged", ledger->path, entry->id);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* Steps @stmt (prepared with result @rc, finalized here) and appends an
 * entry per row to @entries; FALSE with @error set on any failure. */
static gboolean
read_rows (const mg_ledger_t *ledger, sqlite3_stmt *stmt, int rc, GPtrArray *entries, GError **error)
{
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      mg_entry_t *entry = read_entry (ledger, stmt, error);
      if (entry == NULL)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      g_ptr_array_add (entries, entry);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sqlite_error (ledger, rc, "read", error);
  return TRUE;
}

GPtrArray *
mg_ledger_entries (mg_ledger_t *ledger, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (ledger != NULL, NULL);

  if (ledger->db == NULL)
    return g_steal_pointer (&entries);

  rc = sqlite3_prepare_v2 (ledger->db, "SELECT id, " ENTRY_COLUMNS " FROM entries ORDER BY time, id",
                           -1, &stmt, NULL);
  if (!read_rows (ledger, stmt, rc, entries, error))
    return NULL;
  return g_steal_pointer (&entries);
}

/* The candidates for @query, through the indexes of schema version 2:
 * "SELECT id, ENTRY_COLUMNS FROM entries WHERE id IN (... UNION ...)"
 * with one branch per part of the query, oldest first.  NULL when the
 * query asks for nothing. */
static char *
select_sql (const mg_history_query_t *query)
{
  g_autoptr (GPtrArray) branches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) sql = NULL;
  guint i, n = query->programs != NULL ? g_strv_length (query->programs) : 0;

  if (n > 0)
    {
      GString *in = g_string_new ("SELECT entry FROM entry_programs WHERE program IN (");
      for (i = 0; i < n; i++)
        g_string_append (in, i == 0 ? "?" : ", ?");
      g_string_append_c (in, ')');
      g_ptr_array_add (branches, g_string_free (in, FALSE));
    }
  if (query->intent != NULL)
    g_ptr_array_add (branches, g_strdup ("SELECT id FROM entries WHERE intent = ?"));
  if (query->confirm_key != NULL)
    g_ptr_array_add (branches, g_strdup ("SELECT id FROM entries WHERE confirm_key = ?"));
  if (branches->len == 0)
    return NULL;
  g_ptr_array_add (branches, NULL);
  sql = g_string_new ("SELECT id, " ENTRY_COLUMNS " FROM entries WHERE id IN (");
  for (i = 0; i + 1 < branches->len; i++)
    g_string_append_printf (sql, "%s%s", i == 0 ? "" : " UNION ",
                            (const char *) g_ptr_array_index (branches, i));
  g_string_append (sql, ") ORDER BY time, id");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Binds @query's values in select_sql()'s order. */
static int
bind_query (sqlite3_stmt *stmt, const mg_history_query_t *query)
{
  char *const *program;
  int column = 1, rc = SQLITE_OK;

  for (program = query->programs; rc == SQLITE_OK && program != NULL && *program != NULL; program++)
    rc = sqlite3_bind_text (stmt, column++, *program, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && query->intent != NULL)
    rc = sqlite3_bind_text (stmt, column++, query->intent, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && query->confirm_key != NULL)
    rc = sqlite3_bind_text (stmt, column++, query->confirm_key, -1, SQLITE_STATIC);
  return rc;
}

/* Removes the entries @query does not ask for, keeping the order. */
static void
keep_relevant (GPtrArray *entries, const mg_history_query_t *query)
{
  guint i = 0;

  while (i < entries->len)
    if (mg_entry_relevant (g_ptr_array_index (entries, i), query))
      i++;
    else
      g_ptr_array_remove_index (entries, i);
}

GPtrArray *
mg_ledger_select (mg_ledger_t *ledger, const mg_history_query_t *query, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (ledger != NULL && query != NULL, NULL);

  if (ledger->db != NULL && ledger->version < INDEXED_VERSION)
    {
      /* a version 1 ledger opened read-only: no indexes yet */
      entries = mg_ledger_entries (ledger, error);
      if (entries != NULL)
        keep_relevant (entries, query);
      return g_steal_pointer (&entries);
    }
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  sql = select_sql (query);
  if (ledger->db == NULL || sql == NULL)
    return g_steal_pointer (&entries);

  rc = sqlite3_prepare_v2 (ledger->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = bind_query (stmt, query);
  if (!read_rows (ledger, stmt, rc, entries, error))
    return NULL;
  /* the SQL finds exactly these; this keeps mg_entry_relevant() the one
   * definition should the two ever disagree */
  keep_relevant (entries, query);
  return g_steal_pointer (&entries);
}

gboolean
mg_ledger_contains (mg_ledger_t *ledger, const char *message_id, const char *digest,
                    gboolean *found, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *sql = message_id != NULL ? "SELECT 1 FROM entries WHERE message_id = ?1 LIMIT 1"
                                       : "SELECT 1 FROM entries WHERE digest = ?1 LIMIT 1";
  int rc;

  g_return_val_if_fail (ledger != NULL && found != NULL, FALSE);

  *found = FALSE;
  if (ledger->db == NULL || (message_id == NULL && digest == NULL))
    return TRUE;
  rc = sqlite3_prepare_v2 (ledger->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, message_id != NULL ? message_id : digest, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    *found = TRUE;
  else if (rc != SQLITE_DONE)
    return sqlite_error (ledger, rc, "read", error);
  return TRUE;
}

/* --- writing -------------------------------------------------------------- */

/* Runs one statement that changes the ledger, in its own short write
 * transaction unless the caller has one open.  Sets *@changes to the
 * number of rows it changed and *@row_id to the last inserted row. */
static gboolean
write_step (mg_ledger_t *ledger, sqlite3_stmt *stmt, gint64 *changes, gint64 *row_id,
            GError **error)
{
  gboolean own = sqlite3_get_autocommit (ledger->db);
  int rc;

  if (own && !mg_ledger_begin (ledger, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      sqlite_error (ledger, rc, "write", error);
      if (own)
        mg_ledger_rollback (ledger);
      return FALSE;
    }
  *changes = sqlite3_changes (ledger->db);
  *row_id = sqlite3_last_insert_rowid (ledger->db);
  if (own && !mg_ledger_commit (ledger, error))
    {
      mg_ledger_rollback (ledger);
      return FALSE;
    }
  return TRUE;
}

static int
bind_text (sqlite3_stmt *stmt, int column, const char *text)
{
  return text != NULL ? sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC)
                      : sqlite3_bind_null (stmt, column);
}

static int
bind_fingerprint (sqlite3_stmt *stmt, int column, GBytes *fingerprint)
{
  gconstpointer data;
  gsize size;

  if (fingerprint == NULL)
    return sqlite3_bind_null (stmt, column);
  data = g_bytes_get_data (fingerprint, &size);
  if (size == 0)
    return sqlite3_bind_zeroblob (stmt, column, 0);  /* empty, not NULL */
  return sqlite3_bind_blob64 (stmt, column, data, size, SQLITE_STATIC);
}

/* Records that entry @id went to @programs (entry_programs).  A program
 * listed twice is one row. */
static gboolean
insert_entry_programs (mg_ledger_t *ledger, gint64 id, char *const *programs, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (programs == NULL || *programs == NULL)
    return TRUE;
  rc = sqlite3_prepare_v2 (ledger->db,
                           "INSERT OR IGNORE INTO entry_programs (program, entry) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  for (; rc == SQLITE_OK && *programs != NULL; programs++)
    {
      rc = sqlite3_bind_text (stmt, 1, *programs, -1, SQLITE_STATIC);
      if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64 (stmt, 2, id);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_DONE)
        rc = sqlite3_reset (stmt);
    }
  if (rc != SQLITE_OK)
    sqlite_error (ledger, rc, "write", error);   /* before finalize: it reads the message */
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

/* Migration 1 -> 2: the program rows of the entries already there,
 * split as read_entry() splits them. */
static gboolean
fill_entry_programs (mg_ledger_t *ledger, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (ledger->db, "SELECT id, programs FROM entries", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto (GStrv) programs = decode_list ((const char *) sqlite3_column_text (stmt, 1));
      if (!insert_entry_programs (ledger, sqlite3_column_int64 (stmt, 0), programs, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sqlite_error (ledger, rc, "update the schema of", error);
  return TRUE;
}

/* Inserts the row of @entry into entries, in the open transaction, and
 * sets *@id. */
static gboolean
insert_entry_row (mg_ledger_t *ledger, const mg_entry_t *entry, gint64 *id, GError **error)
{
  g_autofree char *programs = NULL, *recipients = NULL, *findings = NULL, *overrides = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  programs = encode_list (entry->programs);
  recipients = encode_list (entry->recipients);
  findings = encode_list (entry->findings);
  overrides = encode_list (entry->overrides);

  rc = sqlite3_prepare_v2 (ledger->db,
                           "INSERT INTO entries (" ENTRY_COLUMNS ") VALUES "
                           "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64 (stmt, 1, entry->time);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 2, entry->message_id);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 3, entry->digest);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 4, entry->subject);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 5, entry->kind);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 6, entry->intent);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int (stmt, 7, entry->is_reply ? 1 : 0);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 8, programs);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 9, recipients);
  if (rc == SQLITE_OK)
    rc = bind_fingerprint (stmt, 10, entry->fingerprint);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 11, entry->confirm_key);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 12, mg_status_name (entry->status));
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 13, findings);
  if (rc == SQLITE_OK)
    rc = bind_text (stmt, 14, overrides);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    sqlite_error (ledger, rc, "write", error);   /* before finalize: it reads the message */
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *id = sqlite3_last_insert_rowid (ledger->db);
  return TRUE;
}

gboolean
mg_ledger_insert (mg_ledger_t *ledger, mg_entry_t *entry, GError **error)
{
  gboolean own;
  gint64 id = 0;

  g_return_val_if_fail (ledger != NULL && entry != NULL, FALSE);

  if (!require_writable (ledger, error))
    return FALSE;
  /* the row and its program rows: one transaction, the caller's or ours */
  own = sqlite3_get_autocommit (ledger->db);
  if (own && !mg_ledger_begin (ledger, error))
    return FALSE;
  if (!insert_entry_row (ledger, entry, &id, error)
      || !insert_entry_programs (ledger, id, entry->programs, error)
      || (own && !mg_ledger_commit (ledger, error)))
    {
      if (own)
        mg_ledger_rollback (ledger);
      return FALSE;
    }
  entry->id = id;
  return TRUE;
}

gboolean
mg_ledger_set_status (mg_ledger_t *ledger, gint64 id, mg_status_t status, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 changes, row_id;
  gboolean ok, own;
  int rc;

  g_return_val_if_fail (ledger != NULL, FALSE);

  if (!require_writable (ledger, error))
    return FALSE;
  if ((guint) status >= G_N_ELEMENTS (status_names))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "invalid ledger status %d", (int) status);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (ledger->db, "UPDATE entries SET status = ?1 WHERE id = ?2", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, mg_status_name (status), -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64 (stmt, 2, id);
  if (rc != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return sqlite_error (ledger, rc, "write", error);
    }
  /* The status change alone is committed without waiting for the disk
   * (synchronous NORMAL; the next durable commit or checkpoint carries
   * it): if the power fails first, the entry stays `pending`, which every
   * rule counts as the `sent` it became.  A send then costs one flush of
   * the log, not two. */
  own = sqlite3_get_autocommit (ledger->db);
  if (own && !exec (ledger, "PRAGMA synchronous = NORMAL", "write", error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  ok = write_step (ledger, stmt, &changes, &row_id, error);
  sqlite3_finalize (stmt);
  if (own && !exec (ledger, "PRAGMA synchronous = FULL", "write", ok ? error : NULL))
    ok = FALSE;
  if (ok && changes == 0)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL,
                   "ledger '%s' has no entry %" G_GINT64_FORMAT, ledger->path, id);
      return FALSE;
    }
  return ok;
}

/* --- a history in memory -------------------------------------------------- */

struct mg_history {
  GPtrArray *entries;           /* mg_entry_t*, owned, in the order added */
  GHashTable *by_program;       /* program id -> GArray of positions in entries */
  GHashTable *by_intent;        /* intent -> the same */
  GHashTable *by_confirm_key;   /* confirm key -> the same */
};

/* The keys are the entries' own strings: they live as long as the history. */
static GHashTable *
positions_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
}

mg_history_t *
mg_history_new (void)
{
  mg_history_t *history = g_new0 (mg_history_t, 1);

  history->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  history->by_program = positions_table_new ();
  history->by_intent = positions_table_new ();
  history->by_confirm_key = positions_table_new ();
  return history;
}

void
mg_history_free (mg_history_t *history)
{
  if (history == NULL)
    return;
  g_hash_table_unref (history->by_program);
  g_hash_table_unref (history->by_intent);
  g_hash_table_unref (history->by_confirm_key);
  g_ptr_array_unref (history->entries);
  g_free (history);
}

static void
index_position (GHashTable *table, const char *key, guint position)
{
  GArray *positions;

  if (key == NULL)
    return;
  positions = g_hash_table_lookup (table, key);
  if (positions == NULL)
    {
      positions = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (table, (gpointer) key, positions);
    }
  g_array_append_val (positions, position);
}

void
mg_history_add (mg_history_t *history, mg_entry_t *entry)
{
  guint position = history->entries->len;
  char *const *program;

  g_return_if_fail (history != NULL && entry != NULL);
  g_ptr_array_add (history->entries, entry);
  for (program = entry->programs; program != NULL && *program != NULL; program++)
    index_position (history->by_program, *program, position);
  index_position (history->by_intent, entry->intent, position);
  index_position (history->by_confirm_key, entry->confirm_key, position);
}

static void
add_list (GPtrArray *lists, GHashTable *table, const char *key)
{
  GArray *positions = key != NULL ? g_hash_table_lookup (table, key) : NULL;

  if (positions != NULL && positions->len > 0)
    g_ptr_array_add (lists, positions);
}

GPtrArray *
mg_history_select (const mg_history_t *history, const mg_history_query_t *query)
{
  g_autoptr (GPtrArray) lists = g_ptr_array_new ();
  g_autofree guint *next = NULL;
  GPtrArray *selected;
  char *const *program;
  guint total = 0, n = 0, i;

  g_return_val_if_fail (history != NULL && query != NULL, g_ptr_array_new ());
  for (program = query->programs; program != NULL && *program != NULL; program++)
    add_list (lists, history->by_program, *program);
  add_list (lists, history->by_intent, query->intent);
  add_list (lists, history->by_confirm_key, query->confirm_key);
  /* sized once and filled in place: an audit selects thousands of
   * entries per message */
  for (i = 0; i < lists->len; i++)
    total += ((GArray *) g_ptr_array_index (lists, i))->len;
  selected = g_ptr_array_new ();
  g_ptr_array_set_size (selected, total);
  /* Each list holds positions in the order the entries were added, so
   * their union in that order, each entry once, is a merge (a message's
   * lists are its program's and a few more: the smallest head is found
   * by looking at each).  Every position is relevant as it is: the
   * indexes are keyed by the very strings mg_entry_relevant() compares
   * (tests/test-ledger.c checks the two agree).  An entry listing a
   * program twice is in its list twice, one after the other. */
  if (lists->len == 1)
    {
      /* a message to one program, most often: that list as it is */
      GArray *list = g_ptr_array_index (lists, 0);

      for (i = 0; i < list->len; i++)
        if (i == 0 || g_array_index (list, guint, i) != g_array_index (list, guint, i - 1))
          g_ptr_array_index (selected, n++) = g_ptr_array_index (history->entries,
                                                                 g_array_index (list, guint, i));
      g_ptr_array_set_size (selected, n);
      return selected;
    }
  next = g_new0 (guint, lists->len + 1);
  for (;;)
    {
      guint smallest = G_MAXUINT;

      for (i = 0; i < lists->len; i++)
        {
          GArray *list = g_ptr_array_index (lists, i);
          if (next[i] < list->len && g_array_index (list, guint, next[i]) < smallest)
            smallest = g_array_index (list, guint, next[i]);
        }
      if (smallest == G_MAXUINT)
        break;
      g_ptr_array_index (selected, n++) = g_ptr_array_index (history->entries, smallest);
      for (i = 0; i < lists->len; i++)
        {
          GArray *list = g_ptr_array_index (lists, i);
          while (next[i] < list->len && g_array_index (list, guint, next[i]) == smallest)
            next[i]++;
        }
    }
  g_ptr_array_set_size (selected, n);
  return selected;
}
