/* fingerprint.c - word 3-gram fingerprints and their Jaccard similarity
 * (SPEC 4a "Similar text").
 *
 * Design notes.
 *
 * - The hash is FNV-1a (32 bits), written out here, not g_str_hash(): the
 *   fingerprint is stored in the ledger and must not change with the GLib
 *   version.  tests/test-fingerprint.c pins known values.
 * - Words are the SPEC's "runs of letters or digits" (as
 *   mg_text_count_words() counts them), lower-cased character by
 *   character with mg_unichar_tolower(); the input is normally the
 *   normalised authored text, already lower-case.
 * - With 32-bit hashes two different shingles collide with probability
 *   about n^2 / 2^33 for n shingles: negligible for mail-sized texts, and
 *   a collision can only raise the similarity by one shingle.
 * - The stored form is the sorted set, so the similarity is one merge.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mg-fingerprint.h"
#include "mg-text.h"

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define SHINGLE_WORDS 3

static guint32
fnv1a (guint32 hash, const char *data, gsize len)
{
  gsize i;

  for (i = 0; i < len; i++)
    {
      hash ^= (guchar) data[i];
      hash *= FNV_PRIME;
    }
  return hash;
}

/* The words of @text, lower-cased, each followed by one space, in one
 * string, and where each starts in @starts (guint32): the bytes of n
 * consecutive words are then the shingle as it is hashed, with no string
 * per word (a fingerprint is made for every message audit replays). */
static GString *
split_words (const char *text, GArray *starts)
{
  gsize len = strlen (text);
  GString *words = g_string_sized_new (len + 1);
  const char *p = text, *stop = text + len;
  gboolean in_word = FALSE;

  while (p < stop)
    {
      gunichar c = (guchar) *p;

      if (c < 0x80)
        p++;
      else
        {
          c = g_utf8_get_char_validated (p, stop - p);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              p++;  /* an invalid byte ends a word */
              c = ' ';
            }
          else
            p = g_utf8_next_char (p);
        }

      if (mg_unichar_isalnum (c))
        {
          if (!in_word)
            {
              guint32 start = (guint32) words->len;
              g_array_append_val (starts, start);
              in_word = TRUE;
            }
          if (c < 0x80)
            g_string_append_c (words, mg_ascii_tolower ((char) c));
          else
            g_string_append_unichar (words, mg_unichar_tolower (c));
        }
      else if (in_word)
        {
          g_string_append_c (words, ' ');
          in_word = FALSE;
        }
    }
  if (in_word)
    g_string_append_c (words, ' ');
  return words;
}

/* The hash of @n words starting at @first, joined by single spaces. */
static guint32
shingle_hash (const GString *words, const GArray *starts, guint first, guint n)
{
  guint32 start = g_array_index (starts, guint32, first);
  guint32 end = first + n < starts->len ? g_array_index (starts, guint32, first + n)
                                        : (guint32) words->len;

  return fnv1a (FNV_OFFSET, words->str + start, end - 1 - start);   /* not the last space */
}

/* Sorts @n hashes in place: a radix sort, a byte a pass (qsort()'s call
 * of a comparison for every step was a tenth of a fingerprint). */
static void
sort_hashes (guint32 *hashes, guint n)
{
  g_autofree guint32 *spare = g_new (guint32, n);
  guint32 *from = hashes, *to = spare, *swap;
  guint shift;

  for (shift = 0; shift < 32; shift += 8)
    {
      guint start[257] = { 0 };
      guint i;

      for (i = 0; i < n; i++)
        start[((from[i] >> shift) & 0xff) + 1]++;
      for (i = 0; i < 256; i++)
        start[i + 1] += start[i];
      for (i = 0; i < n; i++)
        to[start[(from[i] >> shift) & 0xff]++] = from[i];
      swap = from;
      from = to;
      to = swap;
    }
  /* four passes: the sorted hashes are back in @hashes */
}

GBytes *
mg_fingerprint_new (const char *text)
{
  g_autoptr (GArray) starts = NULL;
  g_autoptr (GString) words = NULL;
  guint32 *hashes;
  guint n, count, i, kept;

  g_return_val_if_fail (text != NULL, NULL);

  starts = g_array_new (FALSE, FALSE, sizeof (guint32));
  words = split_words (text, starts);
  if (starts->len == 0)
    return g_bytes_new (NULL, 0);

  n = MIN (starts->len, SHINGLE_WORDS);
  count = starts->len - n + 1;
  hashes = g_new (guint32, count);
  for (i = 0; i < count; i++)
    hashes[i] = shingle_hash (words, starts, i, n);

  sort_hashes (hashes, count);
  for (i = 0, kept = 0; i < count; i++)
    if (kept == 0 || hashes[kept - 1] != hashes[i])
      hashes[kept++] = hashes[i];
  for (i = 0; i < kept; i++)
    hashes[i] = GUINT32_TO_LE (hashes[i]);

  return g_bytes_new_take (hashes, (gsize) kept * sizeof *hashes);
}

/* The @i-th hash of a stored fingerprint. */
static guint32
hash_at (const guchar *data, gsize i)
{
  const guchar *p = data + i * 4;
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Counts the hashes @a and @b share and the size of their union. */
static void
count_overlap (GBytes *a, GBytes *b, gsize *shared, gsize *all)
{
  const guchar *da, *db;
  gsize na, nb, i = 0, j = 0;

  da = g_bytes_get_data (a, &na);
  db = g_bytes_get_data (b, &nb);
  na /= 4;  /* a truncated last hash (a damaged ledger) is ignored */
  nb /= 4;
  *shared = 0;
  while (i < na && j < nb)
    {
      guint32 x = hash_at (da, i), y = hash_at (db, j);
      if (x == y)
        {
          ++*shared;
          i++;
          j++;
        }
      else if (x < y)
        i++;
      else
        j++;
    }
  *all = na + nb - *shared;
}

double
mg_fingerprint_similarity (GBytes *a, GBytes *b)
{
  gsize shared, all;

  if (a == NULL || b == NULL)
    return 0.0;
  count_overlap (a, b, &shared, &all);
  return all == 0 ? 0.0 : (double) shared / (double) all;
}

gboolean
mg_fingerprint_similar (GBytes *a, GBytes *b)
{
  const guchar *da, *db;
  gsize na, nb, i = 0, j = 0, skipped = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  da = g_bytes_get_data (a, &na);
  db = g_bytes_get_data (b, &nb);
  na /= 4;
  nb /= 4;
  /* The merge of count_overlap() either matches a hash of each set or
   * skips one, so na + nb = 2 shared + unmatched, and "shared / all >=
   * 9/10" (all = na + nb - shared) is exactly "19 unmatched <= na + nb".
   * The hashes skipped so far plus the difference of what is left of
   * each can only grow, so the merge stops as soon as they rule the
   * pair out: the same answer as merging to the end, for any input, but
   * most pairs are decided after a few hashes.  audit compares each
   * message with every earlier one to its program (bench/README.md). */
  while (i < na && j < nb)
    {
      gsize left_a = na - i, left_b = nb - j;
      guint32 x, y;

      if (19 * (skipped + (left_a > left_b ? left_a - left_b : left_b - left_a)) > na + nb)
        return FALSE;
      x = hash_at (da, i);
      y = hash_at (db, j);
      if (x == y)
        {
          i++;
          j++;
          continue;
        }
      if (x < y)
        i++;
      else
        j++;
      skipped++;
    }
  skipped += (na - i) + (nb - j);
  return na + nb > 0 && 19 * skipped <= na + nb;
}

void
mg_fingerprint_sketch (GBytes *fingerprint, mg_fingerprint_sketch_t *sketch)
{
  const guchar *data;
  gsize n, i;

  memset (sketch, 0, sizeof *sketch);
  if (fingerprint == NULL)
    return;
  data = g_bytes_get_data (fingerprint, &n);
  n /= 4;   /* as mg_fingerprint_similar() reads it */
  sketch->size = (guint32) MIN (n, G_MAXUINT32);
  for (i = 0; i < n; i++)
    {
      guint8 *count = &sketch->ranges[hash_at (data, i) >> 28];
      if (*count < G_MAXUINT8)
        ++*count;
    }
}

gboolean
mg_fingerprint_sketches_differ (const mg_fingerprint_sketch_t *a,
                                const mg_fingerprint_sketch_t *b)
{
  guint64 apart = 0;

  /* A hash one set has and the other lacks is unmatched in the merge of
   * mg_fingerprint_similar(), so the counts' differences, range by range,
   * add up to at most the unmatched hashes (a count stopped at 255 only
   * makes a difference smaller); similar needs 19 x unmatched <= both
   * sizes. */
#ifdef __SSE2__
  {
    /* audit asks this of every earlier entry to the program: one
     * instruction sums the sixteen differences */
    __m128i sums = _mm_sad_epu8 (_mm_loadu_si128 ((const __m128i *) a->ranges),
                                 _mm_loadu_si128 ((const __m128i *) b->ranges));

    apart = (guint64) _mm_cvtsi128_si32 (sums) + (guint64) _mm_extract_epi16 (sums, 4);
  }
#else
  guint r;

  for (r = 0; r < G_N_ELEMENTS (a->ranges); r++)
    apart += (guint) ABS ((int) a->ranges[r] - (int) b->ranges[r]);
#endif
  return 19 * apart > (guint64) a->size + b->size;
}
