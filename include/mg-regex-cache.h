/* mg-regex-cache.h - the rulebook's compiled patterns, kept in a file
 * between runs: a run decodes the few patterns a message needs (a few
 * microseconds each) instead of compiling them (a fifth of a millisecond
 * of every send, bench/README.md).
 *
 * The file is $XDG_CACHE_HOME/matchguard/patterns-KEY.bin, KEY a hash of
 * PCRE2's version and of every pattern's text, so that another rulebook
 * (another matchguard) or another PCRE2 never reads this one's file.  The
 * first run that finds none compiles every pattern and writes it (a few
 * milliseconds, once).  A file that is not what was written (its hashes
 * disagree) is removed and the patterns compile as before; a cache that
 * cannot be written or read costs nothing but the compiling.
 */
#ifndef MG_REGEX_CACHE_H
#define MG_REGEX_CACHE_H

#include <glib.h>

#include "mg-regex.h"

G_BEGIN_DECLS

typedef struct mg_regex_cache mg_regex_cache_t;

/* The cache of @patterns (@count, in this order, kept by the caller for
 * the cache's life).  Never NULL. */
mg_regex_cache_t *mg_regex_cache_open (const char *const *patterns, guint count);

/* Pattern @index, decoded from the file or else compiled (transfer full);
 * NULL with @error only for a pattern PCRE2 rejects. */
mg_regex_t *mg_regex_cache_get (mg_regex_cache_t *cache, guint index, GError **error);

/* The file's path (transfer none), or NULL when there is no cache
 * directory. */
const char *mg_regex_cache_path (const mg_regex_cache_t *cache);

void mg_regex_cache_free (mg_regex_cache_t *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_regex_cache_t, mg_regex_cache_free)

G_END_DECLS

#endif /* MG_REGEX_CACHE_H */
