/* mg-fingerprint.h - the similarity fingerprint of a text (SPEC 4a
 * "Similar text"): two texts are similar when at least 90% of their word
 * 3-grams are shared (Jaccard index).
 *
 * A fingerprint is the sorted, de-duplicated set of 32-bit FNV-1a hashes
 * of the text's word 3-grams, each stored as 4 bytes little-endian.  It is
 * what the ledger keeps instead of the text, so its format is on disk:
 * changing the word rule or the hash changes every stored fingerprint.
 */
#ifndef MG_FINGERPRINT_H
#define MG_FINGERPRINT_H

#include <glib.h>

G_BEGIN_DECLS

/* Returns the fingerprint of @text (UTF-8; invalid bytes separate words).
 *
 * Words are maximal runs of Unicode letters and digits, lower-cased; a
 * shingle is three consecutive words joined by one space, hashed with
 * 32-bit FNV-1a over its UTF-8.  A text of one or two words has one
 * shingle made of the words there are; a text without words has an empty
 * fingerprint.  Transfer full: free with g_bytes_unref(). */
GBytes *mg_fingerprint_new (const char *text);

/* Returns the Jaccard index |A n B| / |A u B| of two fingerprints, from
 * 0.0 to 1.0.  Two empty fingerprints, or a NULL one, give 0.0: texts
 * without words are never "the same message". */
double mg_fingerprint_similarity (GBytes *a, GBytes *b);

/* TRUE when mg_fingerprint_similarity() is at least 0.9 (computed in
 * integers, so exactly 90% shared counts).  NULL or two empty
 * fingerprints are similar to nothing. */
gboolean mg_fingerprint_similar (GBytes *a, GBytes *b);

/* A fingerprint in 20 bytes: how many hashes it has, and how many fall in
 * each sixteenth of the hash range (by their top 4 bits; at most 255
 * counted).  Two similar texts differ in at most a tenth of their hashes,
 * so their sketches differ little; mg_fingerprint_sketches_differ() rules
 * most pairs out from the sketches alone, without reading either
 * fingerprint (audit compares each message with every earlier one to its
 * program: bench/README.md). */
typedef struct {
  guint32 size;
  guint8 ranges[16];
} mg_fingerprint_sketch_t;

/* Sets *@sketch from @fingerprint (NULL: an empty sketch). */
void mg_fingerprint_sketch (GBytes *fingerprint, mg_fingerprint_sketch_t *sketch);

/* TRUE when fingerprints with these sketches cannot be similar, so that
 * mg_fingerprint_similar() of them is FALSE.  FALSE says nothing: ask
 * mg_fingerprint_similar(). */
gboolean mg_fingerprint_sketches_differ (const mg_fingerprint_sketch_t *a,
                                         const mg_fingerprint_sketch_t *b);

G_END_DECLS

#endif
