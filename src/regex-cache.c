/* regex-cache.c - the rulebook's compiled patterns kept in a file.
 *
 * Design:
 * - Layout, in this machine's byte order (the file never leaves it):
 *   header_t, then one entry_t per pattern (where its bytes are, how
 *   many, their hash), then each pattern's mg_regex_encode() bytes.
 * - Opening reads the header and the entries (one read of about 2 KiB);
 *   a pattern's bytes are read when it is first needed, and decoded only
 *   if their hash is the one written: PCRE2 checks the header of what it
 *   decodes but not the compiled code, which must never be a torn or
 *   damaged copy.  Any disagreement removes the file (the next run writes
 *   a good one) and the pattern is compiled.
 * - Written whole by the first run that finds no file, to a temporary
 *   file renamed over the name (g_file_set_contents_full()): a reader
 *   sees the old file or the new one (a rename never truncates a file
 *   another run has open).
 * - The hash is FxHash's, over 64 bits, eight bytes a step: the file is
 *   the user's own, in a private directory; the hash guards against
 *   damage, not against an attacker.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fcntl.h>
#include <pcre2.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mg-common.h"
#include "mg-regex-cache.h"

#define MAGIC "MGRXC01\n"

typedef struct {
  char magic[8];
  guint64 key;
  guint32 count;
  guint32 reserved;
} header_t;

typedef struct {
  guint64 offset;
  guint64 length;
  guint64 hash;
} entry_t;

struct mg_regex_cache {
  const char *const *patterns;
  guint count;
  char *path;          /* NULL: no cache directory */
  int fd;              /* the file, or -1: compile */
  entry_t *entries;    /* count of them, when fd >= 0 */
};

/* A 64-bit hash, eight bytes a step (FxHash's: rotate, xor, multiply
 * by an odd constant, each step one-to-one, so that any one changed
 * word changes the result). */
static guint64
hash_bytes (guint64 hash, const void *data, gsize length)
{
  const guint8 *p = data;
  guint64 word;

  for (; length >= 8; p += 8, length -= 8)
    {
      memcpy (&word, p, 8);
      hash = (((hash << 5) | (hash >> 59)) ^ word) * G_GUINT64_CONSTANT (0x517cc1b727220a95);
    }
  word = 0;   /* the tail, and its length */
  memcpy (&word, p, length);
  word ^= (guint64) length << 56;
  return (((hash << 5) | (hash >> 59)) ^ word) * G_GUINT64_CONSTANT (0x517cc1b727220a95);
}

#define HASH_START G_GUINT64_CONSTANT (0xcbf29ce484222325)

/* What the file's contents depend on: PCRE2 and the patterns. */
static guint64
key_of (const char *const *patterns, guint count)
{
  char version[64] = "";
  guint64 key = HASH_START;
  guint i;

  pcre2_config (PCRE2_CONFIG_VERSION, version);
  key = hash_bytes (key, MAGIC, sizeof MAGIC);
  key = hash_bytes (key, version, strlen (version) + 1);
  for (i = 0; i < count; i++)
    key = hash_bytes (key, patterns[i], strlen (patterns[i]) + 1);
  return key;
}

/* Drops a file that is not what was written, so that the next run
 * writes a good one; this run compiles. */
static void
discard (mg_regex_cache_t *cache)
{
  if (cache->fd >= 0)
    close (cache->fd);
  cache->fd = -1;
  g_clear_pointer (&cache->entries, g_free);
  if (cache->path != NULL)
    g_unlink (cache->path);
}

/* Opens the file and reads its entries: FALSE when there is none, or it
 * is not this cache's (then removed). */
static gboolean
read_file (mg_regex_cache_t *cache, guint64 key)
{
  header_t header;
  struct stat st;
  guint i;

  cache->fd = open (cache->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (cache->fd < 0)
    return FALSE;
  cache->entries = g_new (entry_t, cache->count);
  if (fstat (cache->fd, &st) != 0 || !S_ISREG (st.st_mode)
      || !mg_pread_all (cache->fd, &header, sizeof header, 0)
      || memcmp (header.magic, MAGIC, sizeof header.magic) != 0 || header.key != key
      || header.count != cache->count
      || !mg_pread_all (cache->fd, cache->entries, cache->count * sizeof (entry_t), sizeof header))
    {
      discard (cache);
      return FALSE;
    }
  for (i = 0; i < cache->count; i++)
    if (cache->entries[i].offset > (guint64) st.st_size
        || cache->entries[i].length > (guint64) st.st_size - cache->entries[i].offset)
      {
        discard (cache);
        return FALSE;
      }
  return TRUE;
}

/* Compiles every pattern and writes the file.  Quietly nothing when a
 * pattern does not encode or the file cannot be written. */
static void
write_file (const mg_regex_cache_t *cache, guint64 key)
{
  g_autofree char *dir = g_path_get_dirname (cache->path);
  g_autoptr (GByteArray) file = g_byte_array_new ();
  header_t header = { .key = key, .count = cache->count };
  gsize index_len = cache->count * sizeof (entry_t);
  guint i;

  memcpy (header.magic, MAGIC, sizeof header.magic);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  g_byte_array_append (file, (const guint8 *) &header, sizeof header);
  g_byte_array_set_size (file, sizeof header + index_len);   /* the entries, filled below */
  for (i = 0; i < cache->count; i++)
    {
      g_autoptr (mg_regex_t) regex = mg_regex_new (cache->patterns[i], NULL);
      g_autoptr (GBytes) bytes = regex != NULL ? mg_regex_encode (regex) : NULL;
      entry_t entry;
      gsize length;
      const guint8 *data;

      if (bytes == NULL)
        return;
      data = g_bytes_get_data (bytes, &length);
      entry = (entry_t) { file->len, length, hash_bytes (HASH_START, data, length) };
      memcpy (file->data + sizeof header + i * sizeof entry, &entry, sizeof entry);
      g_byte_array_append (file, data, length);
    }
  /* a temporary file renamed over the name, mode 0600 */
  g_file_set_contents_full (cache->path, (const char *) file->data, file->len,
                            G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
}

mg_regex_cache_t *
mg_regex_cache_open (const char *const *patterns, guint count)
{
  mg_regex_cache_t *cache;
  const char *dir = g_get_user_cache_dir ();
  guint64 key;

  g_return_val_if_fail (patterns != NULL || count == 0, NULL);

  cache = g_new0 (mg_regex_cache_t, 1);
  cache->patterns = patterns;
  cache->count = count;
  cache->fd = -1;
  if (dir == NULL || *dir == '\0' || count == 0)
    return cache;
  key = key_of (patterns, count);
  {
    g_autofree char *name = g_strdup_printf ("patterns-%016" G_GINT64_MODIFIER "x.bin", key);

    cache->path = g_build_filename (dir, "matchguard", name, NULL);
  }
  if (!read_file (cache, key))
    {
      write_file (cache, key);
      read_file (cache, key);
    }
  return cache;
}

mg_regex_t *
mg_regex_cache_get (mg_regex_cache_t *cache, guint index, GError **error)
{
  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (index < cache->count, NULL);

  if (cache->fd >= 0)
    {
      const entry_t *entry = &cache->entries[index];
      g_autofree guint8 *bytes = g_malloc (MAX (entry->length, 1));
      mg_regex_t *regex = NULL;

      if (mg_pread_all (cache->fd, bytes, entry->length, entry->offset)
          && hash_bytes (HASH_START, bytes, entry->length) == entry->hash)
        regex = mg_regex_decode (bytes, entry->length);
      if (regex != NULL)
        return regex;
      discard (cache);
    }
  return mg_regex_new (cache->patterns[index], error);
}

const char *
mg_regex_cache_path (const mg_regex_cache_t *cache)
{
  g_return_val_if_fail (cache != NULL, NULL);
  return cache->path;
}

void
mg_regex_cache_free (mg_regex_cache_t *cache)
{
  if (cache == NULL)
    return;
  if (cache->fd >= 0)
    close (cache->fd);
  g_free (cache->entries);
  g_free (cache->path);
  g_free (cache);
}
