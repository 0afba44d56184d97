/* mg-regex.h - the regular expressions of the rulebook's phrases: PCRE2,
 * compiled and run as GRegex compiled and ran them (UTF-8, Unicode
 * properties for \w, \b and \d, ^ and $ at every line break, any line
 * break), through PCRE2's own API so that compiled patterns can be kept
 * in a file between runs (mg-regex-cache.h).
 */
#ifndef MG_REGEX_H
#define MG_REGEX_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct mg_regex mg_regex_t;

/* Compiles @pattern.  NULL with @error (G_REGEX_ERROR,
 * G_REGEX_ERROR_COMPILE, PCRE2's message and offset) when it is bad. */
mg_regex_t *mg_regex_new (const char *pattern, GError **error);

/* Compiles @regex to machine code as well (PCRE2's JIT), for runs over
 * many messages; nothing happens where the JIT is not available. */
void mg_regex_optimize (mg_regex_t *regex);

void mg_regex_free (mg_regex_t *regex);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_regex_t, mg_regex_free)

/* The bytes of @regex's compiled form, for mg_regex_decode() in a later
 * run of the same PCRE2 (transfer full); NULL if PCRE2 cannot encode it. */
GBytes *mg_regex_encode (const mg_regex_t *regex);

/* A regex from mg_regex_encode()'s bytes, or NULL when they are not such
 * bytes for this PCRE2 (another version, another build, a short read).
 * The bytes must be what mg_regex_encode() wrote: PCRE2 cannot check the
 * compiled code itself (mg-regex-cache.h checks a hash first). */
mg_regex_t *mg_regex_decode (const guint8 *bytes, gsize length);

/* A search, and then the matches after it, as GMatchInfo gave them.
 * Fields are private. */
typedef struct {
  const mg_regex_t *regex;
  const char *subject;
  gsize length;
  gssize next;        /* where the next search starts; -1: no more */
  void *data;         /* pcre2_match_data */
  gboolean matched;
} mg_match_t;

/* Looks for the first match of @regex in @subject (@length bytes) at or
 * after byte @start (what comes before @start is seen by lookbehinds and
 * \b).  Returns whether there is one; @match is to be cleared with
 * mg_match_clear() in any case. */
gboolean mg_regex_search (const mg_regex_t *regex, const char *subject, gsize length,
                          gsize start, mg_match_t *match);

/* The next match after the current one (an empty match moves on by one
 * character, and the same match is never returned twice). */
gboolean mg_match_next (mg_match_t *match);

/* Whether @match holds a match now. */
gboolean mg_match_matches (const mg_match_t *match);

/* The byte span of @group (0: the whole match) in the subject; -1 and -1
 * for a group that took no part in the match, as g_match_info_fetch_pos()
 * gives them. */
void mg_match_span (const mg_match_t *match, guint group, int *start, int *end);

/* The text of @group (transfer full): "" for a group that took no part. */
char *mg_match_fetch (const mg_match_t *match, guint group);

void mg_match_clear (mg_match_t *match);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (mg_match_t, mg_match_clear)

G_END_DECLS

#endif /* MG_REGEX_H */
