/* mg-registry-cache.h - the registry kept ready in a SQLite file.
 *
 * A send needs a handful of programs (its recipients', the ones its text
 * names), but a registry imported from a specialty's whole list holds
 * thousands, and parsing them all for every message would cost more than
 * the rest of the send.  So a successful load writes what it parsed to a
 * cache file; a later load whose files are unchanged (same device, inode,
 * size, modification and change time, to the nanosecond) opens the cache
 * instead and the registry looks programs up in it as it needs them
 * (mg_registry_new_cached()).
 *
 * The cache lives in $XDG_CACHE_HOME/matchguard/, one file per
 * configuration path, written whole to a temporary file and renamed, so a
 * reader sees the old cache or the new one, never half.  It holds nothing
 * that is not in the configuration files themselves.  A cache that is
 * missing, stale, of another version or unreadable is simply not used.
 */
#ifndef MG_REGISTRY_CACHE_H
#define MG_REGISTRY_CACHE_H

#include <glib.h>
#include "mg-registry.h"

G_BEGIN_DECLS

typedef struct mg_registry_cache mg_registry_cache_t;

/* A normalised name (or contact last name) of a cached program. */
typedef struct {
  guint order;   /* the program's position in the registry */
  guint seq;     /* its index in names_norm (or contacts) */
  char *text;    /* the normalised name or last name (owned) */
} mg_cached_name_t;

/* Clears @name's text, for g_array_set_clear_func(). */
void mg_cached_name_clear (gpointer name);

/* The cache file for the configuration at @config_path, or NULL when no
 * cache directory can be named.  Free with g_free(). */
char *mg_registry_cache_file (const char *config_path);

/* What identifies the contents of @sources (NULL-terminated paths): their
 * stat() identity, this program's version and the cache format.  NULL
 * when one cannot be stat()ed.  Take it before reading the files, so a
 * change while they are read makes the cache stale.  Free with g_free(). */
char *mg_registry_cache_signature (const char *const *sources);

/* Writes @registry to @file, marked with @signature.  Creates the
 * directory (0700); the file is 0600. */
gboolean mg_registry_cache_write (const char *file, const char *signature,
                                  const mg_registry_t *registry, GError **error);

/* Opens @file when it exists and was written with @signature; else NULL
 * (no error: the caller loads the configuration files instead). */
mg_registry_cache_t *mg_registry_cache_open (const char *file, const char *signature);
void mg_registry_cache_free (mg_registry_cache_t *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_registry_cache_t, mg_registry_cache_free)

guint mg_registry_cache_count (const mg_registry_cache_t *cache);

/* The program at @order, decoded (transfer full; its order is set), or
 * NULL on a read error. */
mg_program_t *mg_registry_cache_program (mg_registry_cache_t *cache, guint order);

/* Sets *@order to the position of program @id and returns TRUE, or FALSE. */
gboolean mg_registry_cache_find_id (mg_registry_cache_t *cache, const char *id, guint *order);

/* Appends (guint) the positions of the programs listing @address exactly
 * (addresses or contacts), or listing @domain, in registry order. */
void mg_registry_cache_by_address (mg_registry_cache_t *cache, const char *address, GArray *orders);
void mg_registry_cache_by_domain (mg_registry_cache_t *cache, const char *domain, GArray *orders);

/* Appends (mg_cached_name_t) the names that start with the word @word
 * (the empty word: the names that start with neither letter nor digit);
 * with @anywhere, the names that hold @word as a whole word anywhere. */
void mg_registry_cache_names (mg_registry_cache_t *cache, const char *word, gboolean anywhere,
                              GArray *names);

/* Appends (mg_cached_name_t, seq: the contact's index) the contacts whose
 * normalised last name starts with the word @word. */
void mg_registry_cache_last_names (mg_registry_cache_t *cache, const char *word, GArray *names);

G_END_DECLS

#endif
