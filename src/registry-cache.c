/* registry-cache.c - the registry kept ready in a SQLite file
 * (mg-registry-cache.h).
 *
 * Design notes.
 *
 * - Tables: program (its position, id and the whole program as a GVariant
 *   blob), address and domain (key -> position), name (first word of
 *   every normalised name -> the name; the empty word for a name that
 *   starts with neither letter nor digit), name_word (every word of every
 *   name -> the name) and last_name (first word of a contact's last name
 *   -> it).  Every lookup is one indexed query on a key that only its own
 *   rows share, so its cost does not grow with the registry: a common
 *   word such as "radiology" is in nearly every name, but starts few.
 *
 * - The signature (meta 'signature') is the stat() identity of every
 *   file the registry came from plus the program version and FORMAT;
 *   bump FORMAT whenever what is stored, or how names are normalised,
 *   changes.
 *
 * - A Bloom filter of every word that starts a name (meta 'first_words',
 *   a blob; FIRST_WORD_BITS bits a name, FIRST_WORD_HASHES hashes) is read
 *   once at open: most words of a message start no program's name, and
 *   the filter answers for them without a query (184 queries of about
 *   4,400 instructions each for a typical 30 KB message).  A false
 *   positive costs the query it saves otherwise; there are no false
 *   negatives.
 *
 * - The file is written with journal and sync off to a temporary file
 *   and renamed over the old one: a crash leaves the old cache or a
 *   stray temporary file, and a cache that cannot be read is not used.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mg-common.h"
#include "mg-registry-cache.h"

#define FORMAT 4           /* 4: addresses lower-cased without the locale */

#define FIRST_WORD_BITS 16      /* per name: about 0.2% false positives */
#define FIRST_WORD_HASHES 4

/* id, name, aliases, names_norm, track, nrmp, domains, addresses,
 * contacts (name, address, last_name, has_title), has_interview,
 * interview (Julian day), post_interview_contact, file, line */
#define PROGRAM_TYPE "(smsasasibasasa(msmsmsb)bubsi)"

enum { Q_PROGRAM, Q_ID, Q_ADDRESS, Q_DOMAIN, Q_NAME_FIRST, Q_NAME_ANY, Q_LAST_NAME, Q_COUNT };

static const char *const queries[Q_COUNT] = {
  [Q_PROGRAM] = "SELECT data FROM program WHERE ord = ?1",
  [Q_ID] = "SELECT ord FROM program WHERE id = ?1",
  [Q_ADDRESS] = "SELECT ord FROM address WHERE address = ?1 ORDER BY ord",
  [Q_DOMAIN] = "SELECT ord FROM domain WHERE domain = ?1 ORDER BY ord",
  [Q_NAME_FIRST] = "SELECT ord, seq, norm FROM name WHERE word = ?1 ORDER BY ord, seq",
  [Q_NAME_ANY] = "SELECT ord, seq, norm FROM name_word WHERE word = ?1 ORDER BY ord, seq",
  [Q_LAST_NAME] = "SELECT ord, seq, last_name FROM last_name WHERE word = ?1 ORDER BY ord, seq",
};

static const char schema[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE program (ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data BLOB NOT NULL);"
  "CREATE TABLE address (address TEXT NOT NULL, ord INTEGER NOT NULL,"
  " PRIMARY KEY (address, ord)) WITHOUT ROWID;"
  "CREATE TABLE domain (domain TEXT NOT NULL, ord INTEGER NOT NULL,"
  " PRIMARY KEY (domain, ord)) WITHOUT ROWID;"
  "CREATE TABLE name (word TEXT NOT NULL, ord INTEGER NOT NULL, seq INTEGER NOT NULL,"
  " norm TEXT NOT NULL, PRIMARY KEY (word, ord, seq)) WITHOUT ROWID;"
  "CREATE TABLE name_word (word TEXT NOT NULL, ord INTEGER NOT NULL, seq INTEGER NOT NULL,"
  " norm TEXT NOT NULL, PRIMARY KEY (word, ord, seq)) WITHOUT ROWID;"
  "CREATE TABLE last_name (word TEXT NOT NULL, ord INTEGER NOT NULL, seq INTEGER NOT NULL,"
  " last_name TEXT NOT NULL, PRIMARY KEY (word, ord, seq)) WITHOUT ROWID;";

struct mg_registry_cache {
  sqlite3 *db;
  char *file;
  guint count;
  sqlite3_stmt *stmt[Q_COUNT];   /* prepared when first used */
  guint8 *first_words;           /* the filter; NULL: ask SQLite */
  gsize first_words_len;
  gboolean failed;               /* a read failed: warned once, file removed */
};

void
mg_cached_name_clear (gpointer name)
{
  g_free (((mg_cached_name_t *) name)->text);
}

/* mg_registry_cache_file:
 *
 * $XDG_CACHE_HOME/matchguard/registry-HASH.sqlite, HASH from the absolute
 * @config_path, so two configurations never share a cache. */
char *
mg_registry_cache_file (const char *config_path)
{
  g_autofree char *absolute = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  const char *dir = g_get_user_cache_dir ();

  g_return_val_if_fail (config_path != NULL, NULL);
  if (dir == NULL || *dir == '\0')
    return NULL;
  absolute = g_canonicalize_filename (config_path, NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);
  name = g_strdup_printf ("registry-%.16s.sqlite", hash);
  return g_build_filename (dir, "matchguard", name, NULL);
}

/* mg_registry_cache_signature:
 *
 * One line per source: its path, device, inode, size, and modification
 * and change times in nanoseconds; the first line names the format. */
char *
mg_registry_cache_signature (const char *const *sources)
{
  GString *signature = g_string_new (NULL);
  guint i;

  g_string_append_printf (signature, "matchguard %s registry cache %d\n", PACKAGE_VERSION, FORMAT);
  for (i = 0; sources != NULL && sources[i] != NULL; i++)
    {
      struct stat st;

      if (stat (sources[i], &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_string_free (signature, TRUE);
          return NULL;
        }
      g_string_append_printf (signature, "%s\t%ju %ju %jd %jd.%09ld %jd.%09ld\n", sources[i],
                              (uintmax_t) st.st_dev, (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                              (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                              (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
  return g_string_free (signature, FALSE);
}

/* ---- programs as GVariant ------------------------------------------------ */

static GVariant *
program_to_variant (const mg_program_t *program)
{
  GVariantBuilder contacts;
  guint i;

  g_variant_builder_init (&contacts, G_VARIANT_TYPE ("a(msmsmsb)"));
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      g_variant_builder_add (&contacts, "(msmsmsb)", contact->name, contact->address,
                             contact->last_name, contact->has_title);
    }
  return g_variant_new ("(sms^as^asib^as^asa(msmsmsb)bubsi)", program->id, program->name,
                        program->aliases, program->names_norm,
                        (gint32) program->track, program->nrmp,
                        program->domains, program->addresses,
                        &contacts, program->has_interview,
                        program->has_interview ? g_date_get_julian (&program->interview) : 0,
                        program->post_interview_contact,
                        program->file != NULL ? program->file : "", (gint32) program->line);
}

static mg_program_t *
program_from_variant (GVariant *value, guint order)
{
  g_autoptr(GVariantIter) contacts = NULL;
  mg_program_t *program = mg_program_new ("");
  char *name, *address, *last_name;
  gint32 track, line;
  gboolean has_title;
  guint32 julian;

  g_free (program->id);
  g_strfreev (program->aliases);
  g_strfreev (program->domains);
  g_strfreev (program->addresses);
  g_variant_get (value, "(sms^as^asib^as^asa(msmsmsb)bubsi)", &program->id, &program->name,
                 &program->aliases, &program->names_norm, &track, &program->nrmp,
                 &program->domains, &program->addresses, &contacts, &program->has_interview,
                 &julian, &program->post_interview_contact, &program->file, &line);
  program->track = (mg_track_t) track;
  program->line = line;
  program->order = order;
  if (program->has_interview)
    g_date_set_julian (&program->interview, julian);
  while (g_variant_iter_next (contacts, "(msmsmsb)", &name, &address, &last_name, &has_title))
    {
      mg_contact_t *contact = g_new0 (mg_contact_t, 1);

      contact->name = name;
      contact->address = address;
      contact->last_name = last_name;
      contact->has_title = has_title;
      g_ptr_array_add (program->contacts, contact);
    }
  return program;
}

/* ---- reading -------------------------------------------------------------- */

/* A read that fails after the cache was found good (a disk error, a file
 * cut short): say so once and remove the file, so the next load writes a
 * new one.  This run goes on with what it found. */
static void
read_failed (mg_registry_cache_t *cache, const char *what)
{
  if (cache->failed)
    return;
  cache->failed = TRUE;
  mg_print_error ("warning: registry cache '%s': %s: %s; it is removed and rebuilt next time",
                  cache->file, what, sqlite3_errmsg (cache->db));
  g_unlink (cache->file);
}

/* The statement for @query, reset, with @text bound to ?1; NULL on error. */
static sqlite3_stmt *
query_text (mg_registry_cache_t *cache, int query, const char *text)
{
  sqlite3_stmt **stmt = &cache->stmt[query];

  if (*stmt == NULL && sqlite3_prepare_v2 (cache->db, queries[query], -1, stmt, NULL) != SQLITE_OK)
    {
      read_failed (cache, "cannot read it");
      return NULL;
    }
  sqlite3_reset (*stmt);
  sqlite3_bind_text (*stmt, 1, text, -1, SQLITE_STATIC);
  return *stmt;
}

/* Steps @stmt; FALSE at the end or on an error (reported). */
static gboolean
next_row (mg_registry_cache_t *cache, sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    read_failed (cache, "cannot read it");
  sqlite3_reset (stmt);
  return FALSE;
}

/* The bit positions of @word in a filter of @bits bits (a power of two):
 * double hashing of a 64-bit FNV-1a hash. */
static void
first_word_bits (const char *word, guint64 bits, guint64 *positions)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  guint64 h1, h2;
  int i;

  for (; *word != '\0'; word++)
    h = (h ^ (guchar) *word) * G_GUINT64_CONSTANT (0x100000001b3);
  h1 = h & 0xffffffff;
  h2 = (h >> 32) | 1;
  for (i = 0; i < FIRST_WORD_HASHES; i++)
    positions[i] = (h1 + (guint64) i * h2) & (bits - 1);
}

static void
first_word_add (GByteArray *filter, const char *word)
{
  guint64 positions[FIRST_WORD_HASHES];
  int i;

  first_word_bits (word, (guint64) filter->len * 8, positions);
  for (i = 0; i < FIRST_WORD_HASHES; i++)
    filter->data[positions[i] / 8] |= (guint8) (1u << (positions[i] % 8));
}

static gboolean
first_word_may_start (const mg_registry_cache_t *cache, const char *word)
{
  guint64 positions[FIRST_WORD_HASHES];
  int i;

  if (cache->first_words == NULL)
    return TRUE;
  first_word_bits (word, (guint64) cache->first_words_len * 8, positions);
  for (i = 0; i < FIRST_WORD_HASHES; i++)
    if (!(cache->first_words[positions[i] / 8] & (1u << (positions[i] % 8))))
      return FALSE;
  return TRUE;
}

static char *
read_meta (sqlite3 *db, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* The filter, if it is there and its size a power of two. */
static void
read_first_words (mg_registry_cache_t *cache)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (cache->db, "SELECT value FROM meta WHERE key = 'first_words'", -1, &stmt,
                          NULL) != SQLITE_OK)
    return;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
    {
      gsize len = (gsize) sqlite3_column_bytes (stmt, 0);

      if (len > 0 && (len & (len - 1)) == 0)
        {
          cache->first_words = g_memdup2 (sqlite3_column_blob (stmt, 0), len);
          cache->first_words_len = len;
        }
    }
  sqlite3_finalize (stmt);
}

/* mg_registry_cache_open:
 *
 * Opens @file read-only when it holds a cache written with @signature. */
mg_registry_cache_t *
mg_registry_cache_open (const char *file, const char *signature)
{
  g_autoptr(mg_registry_cache_t) cache = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *count = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  struct stat st;

  g_return_val_if_fail (file != NULL && signature != NULL, NULL);

  /* a file that others could have written is not trusted */
  if (stat (file, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid ()
      || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return NULL;
  cache = g_new0 (mg_registry_cache_t, 1);
  cache->file = g_strdup (file);
  /* immutable: the file is only ever replaced whole (a rename), never
   * changed in place, so SQLite may skip its locks and its look for a
   * journal around every query: 1,000 system calls for one check */
  escaped = g_uri_escape_string (file, "/", FALSE);
  uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  if (sqlite3_open_v2 (uri, &cache->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    return NULL;
  stored = read_meta (cache->db, "signature");
  count = read_meta (cache->db, "count");
  if (stored == NULL || count == NULL || strcmp (stored, signature) != 0)
    return NULL;
  cache->count = (guint) g_ascii_strtoull (count, NULL, 10);
  read_first_words (cache);
  return g_steal_pointer (&cache);
}

void
mg_registry_cache_free (mg_registry_cache_t *cache)
{
  guint i;

  if (cache == NULL)
    return;
  for (i = 0; i < Q_COUNT; i++)
    sqlite3_finalize (cache->stmt[i]);
  sqlite3_close (cache->db);
  g_free (cache->file);
  g_free (cache->first_words);
  g_free (cache);
}

guint
mg_registry_cache_count (const mg_registry_cache_t *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return cache->count;
}

mg_program_t *
mg_registry_cache_program (mg_registry_cache_t *cache, guint order)
{
  sqlite3_stmt *stmt = cache->stmt[Q_PROGRAM];
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GBytes) bytes = NULL;
  mg_program_t *program;

  if (stmt == NULL
      && sqlite3_prepare_v2 (cache->db, queries[Q_PROGRAM], -1, &cache->stmt[Q_PROGRAM], NULL) != SQLITE_OK)
    {
      read_failed (cache, "cannot read it");
      return NULL;
    }
  stmt = cache->stmt[Q_PROGRAM];
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, order);
  if (!next_row (cache, stmt))
    return NULL;
  bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  value = g_variant_new_from_bytes (G_VARIANT_TYPE (PROGRAM_TYPE), bytes, FALSE);
  g_variant_ref_sink (value);
  sqlite3_reset (stmt);
  program = program_from_variant (value, order);
  return program;
}

gboolean
mg_registry_cache_find_id (mg_registry_cache_t *cache, const char *id, guint *order)
{
  sqlite3_stmt *stmt = query_text (cache, Q_ID, id);

  if (stmt == NULL || !next_row (cache, stmt))
    return FALSE;
  *order = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static void
append_orders (mg_registry_cache_t *cache, int query, const char *key, GArray *orders)
{
  sqlite3_stmt *stmt = query_text (cache, query, key);

  while (stmt != NULL && next_row (cache, stmt))
    {
      guint order = (guint) sqlite3_column_int64 (stmt, 0);
      g_array_append_val (orders, order);
    }
}

void
mg_registry_cache_by_address (mg_registry_cache_t *cache, const char *address, GArray *orders)
{
  append_orders (cache, Q_ADDRESS, address, orders);
}

void
mg_registry_cache_by_domain (mg_registry_cache_t *cache, const char *domain, GArray *orders)
{
  append_orders (cache, Q_DOMAIN, domain, orders);
}

static void
append_names (mg_registry_cache_t *cache, int query, const char *word, GArray *names)
{
  sqlite3_stmt *stmt = query_text (cache, query, word);

  while (stmt != NULL && next_row (cache, stmt))
    {
      mg_cached_name_t name = {
        (guint) sqlite3_column_int64 (stmt, 0),
        (guint) sqlite3_column_int64 (stmt, 1),
        g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
      };
      g_array_append_val (names, name);
    }
}

void
mg_registry_cache_names (mg_registry_cache_t *cache, const char *word, gboolean anywhere,
                         GArray *names)
{
  if (!anywhere && !first_word_may_start (cache, word))
    return;
  append_names (cache, anywhere ? Q_NAME_ANY : Q_NAME_FIRST, word, names);
}

void
mg_registry_cache_last_names (mg_registry_cache_t *cache, const char *word, GArray *names)
{
  append_names (cache, Q_LAST_NAME, word, names);
}

/* ---- writing -------------------------------------------------------------- */

static gboolean
sql_failed (sqlite3 *db, const char *file, GError **error)
{
  g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot write registry cache '%s': %s",
               file, db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

static gboolean
insert (sqlite3 *db, sqlite3_stmt *stmt, const char *file, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || sql_failed (db, file, error);
}

static gboolean
insert_name (sqlite3 *db, sqlite3_stmt *stmt, const char *file, const char *word, guint order,
             guint seq, const char *norm, GError **error)
{
  sqlite3_bind_text (stmt, 1, word, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, order);
  sqlite3_bind_int64 (stmt, 3, seq);
  sqlite3_bind_text (stmt, 4, norm, -1, SQLITE_STATIC);
  return insert (db, stmt, file, error);
}

/* Inserts one program's rows with the statements @stmt (program, address,
 * domain, name, last_name, name_word). */
static gboolean
insert_program (sqlite3 *db, sqlite3_stmt **stmt, const char *file, const mg_program_t *program,
                guint order, GByteArray *first_words, GError **error)
{
  g_autoptr(GVariant) value = g_variant_ref_sink (program_to_variant (program));
  guint i, k;

  sqlite3_bind_int64 (stmt[0], 1, order);
  sqlite3_bind_text (stmt[0], 2, program->id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt[0], 3, g_variant_get_data (value), (int) g_variant_get_size (value),
                     SQLITE_STATIC);
  if (!insert (db, stmt[0], file, error))
    return FALSE;

  for (i = 0; program->addresses[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt[1], 1, program->addresses[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt[1], 2, order);
      if (!insert (db, stmt[1], file, error))
        return FALSE;
    }
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      sqlite3_bind_text (stmt[1], 1, contact->address, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt[1], 2, order);
      if (!insert (db, stmt[1], file, error))
        return FALSE;
    }
  for (i = 0; program->domains[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt[2], 1, program->domains[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt[2], 2, order);
      if (!insert (db, stmt[2], file, error))
        return FALSE;
    }
  for (i = 0; program->names_norm[i] != NULL; i++)
    {
      const char *norm = program->names_norm[i];
      gboolean starts;
      g_auto(GStrv) words = mg_registry_words (norm, &starts);

      if (*norm == '\0')
        continue;   /* never found, as in the registry */
      /* a name that starts with neither letter nor digit is found by
       * the empty word */
      if (!insert_name (db, stmt[3], file, starts ? words[0] : "", order, i, norm, error))
        return FALSE;
      first_word_add (first_words, starts ? words[0] : "");
      for (k = 0; words[k] != NULL; k++)
        if (!insert_name (db, stmt[5], file, words[k], order, i, norm, error))
          return FALSE;
    }
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      gboolean starts;
      g_auto(GStrv) words = NULL;

      if (contact->last_name == NULL)
        continue;
      words = mg_registry_words (contact->last_name, &starts);
      if (words[0] == NULL)
        continue;
      sqlite3_bind_text (stmt[4], 1, words[0], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt[4], 2, order);
      sqlite3_bind_int64 (stmt[4], 3, i);
      sqlite3_bind_text (stmt[4], 4, contact->last_name, -1, SQLITE_STATIC);
      if (!insert (db, stmt[4], file, error))
        return FALSE;
    }
  return TRUE;
}

static const char *const inserts[] = {
  "INSERT INTO program (ord, id, data) VALUES (?1, ?2, ?3)",
  "INSERT OR IGNORE INTO address (address, ord) VALUES (?1, ?2)",
  "INSERT OR IGNORE INTO domain (domain, ord) VALUES (?1, ?2)",
  "INSERT OR IGNORE INTO name (word, ord, seq, norm) VALUES (?1, ?2, ?3, ?4)",
  "INSERT OR IGNORE INTO last_name (word, ord, seq, last_name) VALUES (?1, ?2, ?3, ?4)",
  "INSERT OR IGNORE INTO name_word (word, ord, seq, norm) VALUES (?1, ?2, ?3, ?4)",
};

static gboolean
write_meta (sqlite3 *db, const char *file, const char *key, const char *value, GError **error)
{
  char *sql = sqlite3_mprintf ("INSERT INTO meta (key, value) VALUES (%Q, %Q)", key, value);
  int rc = sql != NULL ? sqlite3_exec (db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;

  sqlite3_free (sql);
  return rc == SQLITE_OK || sql_failed (db, file, error);
}

static gboolean
write_first_words (sqlite3 *db, const char *file, const GByteArray *filter, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "INSERT INTO meta (key, value) VALUES ('first_words', ?1)", -1,
                               &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, filter->data, (int) filter->len, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK || sql_failed (db, file, error);
}

/* A filter with FIRST_WORD_BITS bits for each name of @registry, in a
 * power of two of bytes. */
static GByteArray *
new_first_words (const mg_registry_t *registry)
{
  gsize names = 0, bytes = 64;
  GByteArray *filter;
  guint i;

  for (i = 0; i < mg_registry_count (registry); i++)
    names += g_strv_length (mg_registry_get (registry, i)->names_norm);
  while (bytes * 8 < names * FIRST_WORD_BITS && bytes < ((gsize) 1 << 28))
    bytes *= 2;
  filter = g_byte_array_sized_new ((guint) bytes);
  g_byte_array_set_size (filter, (guint) bytes);
  memset (filter->data, 0, bytes);
  return filter;
}

/* Fills the new database @db from @registry. */
static gboolean
fill (sqlite3 *db, const char *file, const char *signature, const mg_registry_t *registry,
      GError **error)
{
  sqlite3_stmt *stmt[G_N_ELEMENTS (inserts)] = { NULL };
  g_autofree char *count = g_strdup_printf ("%u", mg_registry_count (registry));
  g_autoptr (GByteArray) first_words = new_first_words (registry);
  gboolean ok = TRUE;
  guint i;

  if (sqlite3_exec (db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (db, schema, NULL, NULL, NULL) != SQLITE_OK)
    return sql_failed (db, file, error);
  for (i = 0; ok && i < G_N_ELEMENTS (inserts); i++)
    ok = sqlite3_prepare_v2 (db, inserts[i], -1, &stmt[i], NULL) == SQLITE_OK
         || sql_failed (db, file, error);
  for (i = 0; ok && i < mg_registry_count (registry); i++)
    ok = insert_program (db, stmt, file, mg_registry_get (registry, i), i, first_words, error);
  for (i = 0; i < G_N_ELEMENTS (inserts); i++)
    sqlite3_finalize (stmt[i]);
  return ok && write_meta (db, file, "count", count, error)
         && write_first_words (db, file, first_words, error)
         && write_meta (db, file, "signature", signature, error)
         && (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
             || sql_failed (db, file, error));
}

/* mg_registry_cache_write:
 *
 * Writes @registry to a temporary file beside @file and renames it to
 * @file. */
gboolean
mg_registry_cache_write (const char *file, const char *signature, const mg_registry_t *registry,
                         GError **error)
{
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *tmp = g_strconcat (file, ".XXXXXX", NULL);
  sqlite3 *db = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (file != NULL && signature != NULL && registry != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot create '%s': %s", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot write in '%s': %s", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  ok = (sqlite3_open_v2 (tmp, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
        || sql_failed (db, file, error))
       && fill (db, file, signature, registry, error);
  if (sqlite3_close (db) != SQLITE_OK && ok)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot write registry cache '%s'", file);
      ok = FALSE;
    }
  if (ok && g_rename (tmp, file) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "cannot write '%s': %s", file,
                   g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
