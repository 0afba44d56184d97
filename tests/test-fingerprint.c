/* test-fingerprint.c - word 3-gram fingerprints and their similarity
 * (SPEC 4a "Similar text"). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mg-fingerprint.h"

/* A thank-you note of about 110 words, with the interviewer's name in the
 * middle of the paragraph (the salutation is not part of the text the
 * rules fingerprint, so the name here is inside the body). */
#define NOTE(name) \
  "thank you for taking the time to speak with me yesterday about the interventional " \
  "radiology residency. i especially enjoyed our conversation with " name " about the " \
  "resident-run clinic, the growth of the y-90 program and the way the department " \
  "involves residents in research from the first year. the emphasis on procedural " \
  "autonomy and on clinical follow-up of patients matches what i hope to find in " \
  "training, and the residents i met were welcoming and clearly supported by the " \
  "faculty. i also appreciated the advice on balancing research with clinical work " \
  "during the early years of residency. please share my thanks with the coordinators " \
  "for organising such a smooth interview day. i remain very interested in the program " \
  "and look forward to the next steps."

static GBytes *
from_hashes (const guint32 *hashes, gsize n)
{
  guchar *data = g_malloc (n * 4 + 1);
  gsize i;

  for (i = 0; i < n; i++)
    {
      data[4 * i] = hashes[i] & 0xff;
      data[4 * i + 1] = (hashes[i] >> 8) & 0xff;
      data[4 * i + 2] = (hashes[i] >> 16) & 0xff;
      data[4 * i + 3] = (hashes[i] >> 24) & 0xff;
    }
  return g_bytes_new_take (data, n * 4);
}

static void
assert_bytes (GBytes *bytes, const guchar *expected, gsize len)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  assert_int_equal (size, len);
  if (len > 0)
    assert_memory_equal (data, expected, len);
}

/* The stored format: FNV-1a of "w1 w2 w3", sorted, little-endian.  These
 * bytes are in every ledger; if this test fails, old fingerprints no
 * longer compare with new ones. */
static void
test_known_values (void **state)
{
  /* fnv1a("thank you for") = 0x4f7bec77, ("you for your") = 0x678bacf6,
     ("for your time") = 0xe2e08508 */
  static const guchar three[] = { 0x77, 0xec, 0x7b, 0x4f, 0xf6, 0xac, 0x8b, 0x67,
                                  0x08, 0x85, 0xe0, 0xe2 };
  /* fnv1a("hello") = 0x4f9f2cab, the published FNV-1a test value */
  static const guchar hello[] = { 0xab, 0x2c, 0x9f, 0x4f };
  /* fnv1a("caf\xc3\xa9 au lait") = 0x2188f189 */
  static const guchar cafe[] = { 0x89, 0xf1, 0x88, 0x21 };
  g_autoptr (GBytes) a = mg_fingerprint_new ("Thank you for your time.");
  g_autoptr (GBytes) b = mg_fingerprint_new ("hello");
  g_autoptr (GBytes) c = mg_fingerprint_new ("CAF\xc3\x89 au-lait!");
  /* fnv1a("caf au lait") = 0xc24d6bf5: an invalid byte ends a word */
  static const guchar broken[] = { 0xf5, 0x6b, 0x4d, 0xc2 };
  g_autoptr (GBytes) d = mg_fingerprint_new ("caf\xff" "au lait");
  /* fnv1a("\xce\xb1\xce\xb2\xce\xb3 a1 b2") = 0x67ebe921: Greek capitals
   * lower-cased, digits in words */
  static const guchar greek[] = { 0x21, 0xe9, 0xeb, 0x67 };
  g_autoptr (GBytes) e = mg_fingerprint_new ("\xce\x91\xce\x92\xce\x93 -- A1,\tB2. ");

  assert_bytes (a, three, sizeof three);
  assert_bytes (b, hello, sizeof hello);
  assert_bytes (c, cafe, sizeof cafe);
  assert_bytes (d, broken, sizeof broken);
  assert_bytes (e, greek, sizeof greek);
}

static void
test_identical_texts (void **state)
{
  g_autoptr (GBytes) a = mg_fingerprint_new (NOTE ("dr. calloway"));
  g_autoptr (GBytes) b = mg_fingerprint_new (NOTE ("dr. calloway"));
  g_autoptr (GBytes) c = mg_fingerprint_new ("Thank you, Dr. Roe -- for the TOUR!");
  g_autoptr (GBytes) d = mg_fingerprint_new ("thank you dr roe for the tour");

  assert_true (mg_fingerprint_similarity (a, b) == 1.0);
  assert_true (mg_fingerprint_similar (a, b));
  /* case, punctuation and spacing are not words */
  assert_true (mg_fingerprint_similarity (c, d) == 1.0);
}

static void
test_one_name_differs (void **state)
{
  g_autoptr (GBytes) a = mg_fingerprint_new (NOTE ("dr. calloway"));
  g_autoptr (GBytes) b = mg_fingerprint_new (NOTE ("dr. vos"));
  double similarity = mg_fingerprint_similarity (a, b);

  assert_true (similarity >= 0.9);
  assert_true (similarity < 1.0);
  assert_true (mg_fingerprint_similar (a, b));
  assert_true (mg_fingerprint_similarity (b, a) == similarity);
}

static void
test_different_texts (void **state)
{
  g_autoptr (GBytes) a = mg_fingerprint_new (NOTE ("dr. calloway"));
  g_autoptr (GBytes) b = mg_fingerprint_new (
      "i am writing to share that my abstract on tace has been accepted at sir and will be "
      "presented in march. harbor ir remains a program i admire, and i would be glad to "
      "discuss the project during the next open house if that would be helpful.");
  g_autoptr (GBytes) c = mg_fingerprint_new ("c b a");
  g_autoptr (GBytes) d = mg_fingerprint_new ("a b c");

  assert_true (mg_fingerprint_similarity (a, b) < 0.1);
  assert_false (mg_fingerprint_similar (a, b));
  /* the same words in another order are another text */
  assert_true (mg_fingerprint_similarity (c, d) == 0.0);
}

/* A short note with one word changed shares too few 3-grams: the
 * threshold is not so loose that any two short notes look the same. */
static void
test_short_note_with_new_information (void **state)
{
  g_autoptr (GBytes) a = mg_fingerprint_new ("my step 3 score is 245 and my visa is approved");
  g_autoptr (GBytes) b = mg_fingerprint_new ("my step 3 score is 251 and my visa is approved");

  assert_false (mg_fingerprint_similar (a, b));
  assert_true (mg_fingerprint_similarity (a, b) > 0.3);
}

static void
test_short_and_empty_texts (void **state)
{
  g_autoptr (GBytes) empty = mg_fingerprint_new ("");
  g_autoptr (GBytes) blank = mg_fingerprint_new (" ... -- !");
  g_autoptr (GBytes) two = mg_fingerprint_new ("thanks again");
  g_autoptr (GBytes) two_again = mg_fingerprint_new ("Thanks, again.");
  g_autoptr (GBytes) one = mg_fingerprint_new ("thanks");

  assert_int_equal (g_bytes_get_size (empty), 0);
  assert_int_equal (g_bytes_get_size (blank), 0);
  /* two texts without words are not the same message */
  assert_true (mg_fingerprint_similarity (empty, blank) == 0.0);
  assert_false (mg_fingerprint_similar (empty, blank));
  assert_true (mg_fingerprint_similarity (empty, one) == 0.0);

  assert_int_equal (g_bytes_get_size (two), 4);
  assert_true (mg_fingerprint_similarity (two, two_again) == 1.0);
  assert_true (mg_fingerprint_similarity (two, one) == 0.0);

  assert_true (mg_fingerprint_similarity (NULL, one) == 0.0);
  assert_true (mg_fingerprint_similarity (one, NULL) == 0.0);
  assert_false (mg_fingerprint_similar (NULL, NULL));
  assert_false (mg_fingerprint_similar (one, NULL));
}

/* Repeated 3-grams count once; the stored hashes are strictly ascending. */
static void
test_sorted_set (void **state)
{
  g_autoptr (GBytes) repeated = mg_fingerprint_new ("a a a a a a a");
  g_autoptr (GBytes) note = mg_fingerprint_new (NOTE ("dr. calloway"));
  const guchar *data;
  gsize size, i;
  guint32 previous = 0;

  assert_int_equal (g_bytes_get_size (repeated), 4);

  data = g_bytes_get_data (note, &size);
  assert_int_equal (size % 4, 0);
  assert_true (size / 4 > 90);
  for (i = 0; i < size / 4; i++)
    {
      guint32 hash = (guint32) data[4 * i] | (guint32) data[4 * i + 1] << 8
                     | (guint32) data[4 * i + 2] << 16 | (guint32) data[4 * i + 3] << 24;
      if (i > 0)
        assert_true (hash > previous);
      previous = hash;
    }
}

/* Invalid UTF-8 separates words like punctuation does; non-ASCII letters
 * and digits are word characters. */
static void
test_words (void **state)
{
  g_autoptr (GBytes) a = mg_fingerprint_new ("ab\xff" "cd ef");
  g_autoptr (GBytes) b = mg_fingerprint_new ("ab cd ef");
  g_autoptr (GBytes) c = mg_fingerprint_new ("M\xc3\x9cNCHEN \xd9\xa3 stra\xc3\x9f" "e");
  g_autoptr (GBytes) d = mg_fingerprint_new ("m\xc3\xbcnchen \xd9\xa3 stra\xc3\x9f" "e");

  assert_true (mg_fingerprint_similarity (a, b) == 1.0);
  assert_int_equal (g_bytes_get_size (c), 4);
  assert_true (mg_fingerprint_similarity (c, d) == 1.0);
}

/* Exactly 90% shared is similar; just under is not. */
static void
test_threshold (void **state)
{
  static const guint32 ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr (GBytes) all = from_hashes (ten, 10);
  g_autoptr (GBytes) nine = from_hashes (ten, 9);
  g_autoptr (GBytes) eight = from_hashes (ten, 8);
  static const guint32 shifted[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
  g_autoptr (GBytes) other = from_hashes (shifted, 10);

  assert_true (mg_fingerprint_similar (all, nine));
  assert_false (mg_fingerprint_similar (all, eight));
  /* 9 shared of 11 in the union */
  assert_false (mg_fingerprint_similar (all, other));
  assert_true (mg_fingerprint_similarity (all, other) > 0.81
               && mg_fingerprint_similarity (all, other) < 0.82);
}

static int
compare_hashes (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return (x > y) - (x < y);
}

/* A sorted set of @n hashes: @shared of them from 1..@shared, the rest
 * from @first_own on (not in the other set). */
static GBytes *
sorted_set (gsize n, gsize shared, guint32 first_own)
{
  g_autofree guint32 *hashes = g_new (guint32, n + 1);
  gsize i;

  for (i = 0; i < n; i++)
    hashes[i] = i < shared ? (guint32) i + 1 : first_own + (guint32) (i - shared);
  qsort (hashes, n, sizeof *hashes, compare_hashes);
  return from_hashes (hashes, n);
}

/* A sorted set like sorted_set()'s, its hashes spread over the whole
 * range (the sketch counts them by their top bits). */
static GBytes *
spread_set (gsize n, gsize shared, guint32 first_own)
{
  g_autofree guint32 *hashes = g_new (guint32, n + 1);
  gsize i;

  for (i = 0; i < n; i++)
    {
      /* MurmurHash3's finalizer: random-looking, as FNV-1a's hashes are */
      guint32 h = i < shared ? (guint32) i + 1 : first_own + (guint32) (i - shared);
      h ^= h >> 16;
      h *= 0x85ebca6bu;
      h ^= h >> 13;
      h *= 0xc2b2ae35u;
      h ^= h >> 16;
      hashes[i] = h;
    }
  qsort (hashes, n, sizeof *hashes, compare_hashes);
  return from_hashes (hashes, n);
}

static gboolean
sketches_differ (GBytes *a, GBytes *b)
{
  mg_fingerprint_sketch_t sa, sb;

  mg_fingerprint_sketch (a, &sa);
  mg_fingerprint_sketch (b, &sb);
  return mg_fingerprint_sketches_differ (&sa, &sb);
}

/* The sketches never rule out a similar pair (every pair of sizes up to
 * 60 and every overlap), and they do rule out most pairs that are far
 * from similar: what the history rules rely on to skip the merge. */
static void
test_sketch_every_overlap (void **state)
{
  gsize na, nb, shared, far = 0, ruled_out = 0;

  for (na = 0; na <= 60; na++)
    for (nb = 0; nb <= 60; nb++)
      for (shared = 0; shared <= MIN (na, nb); shared++)
        {
          g_autoptr (GBytes) a = spread_set (na, shared, 1000);
          g_autoptr (GBytes) b = spread_set (nb, shared, 2000);
          gboolean differ = sketches_differ (a, b);

          if (mg_fingerprint_similar (a, b) && (differ || sketches_differ (b, a)))
            fail_msg ("%zu and %zu hashes, %zu shared: similar, but the sketches differ",
                      na, nb, shared);
          if (na >= 40 && nb >= 40 && shared * 2 <= MIN (na, nb))
            {
              far++;
              ruled_out += differ;
            }
        }
  /* half shared or less, 40 hashes or more: nearly all ruled out */
  assert_true (far > 1000 && ruled_out * 10 >= far * 9);
}

/* A count stops at 255 and damaged fingerprints (unsorted, repeated
 * hashes) still never make a similar pair look different. */
static void
test_sketch_full_ranges_and_damage (void **state)
{
  GRand *rand = g_rand_new_with_seed (19);
  g_autofree guint32 *many = g_new (guint32, 310);
  guint round, i;

  /* 300 and 310 hashes in one range (counted as 255 each): similar */
  for (i = 0; i < 310; i++)
    many[i] = 0xf0000000u + i;
  {
    g_autoptr (GBytes) a = from_hashes (many, 300);
    g_autoptr (GBytes) b = from_hashes (many, 310);
    assert_true (mg_fingerprint_similar (a, b));
    assert_false (sketches_differ (a, b));
  }
  for (round = 0; round < 20000; round++)
    {
      guint32 ha[24], hb[24];
      gsize na = g_rand_int_range (rand, 0, 24), nb = g_rand_int_range (rand, 0, 24), k;
      g_autoptr (GBytes) a = NULL, b = NULL;

      for (k = 0; k < na; k++)
        ha[k] = (guint32) g_rand_int_range (rand, 0, 30) << 27;
      for (k = 0; k < MIN (na, nb); k++)
        hb[k] = g_rand_int_range (rand, 0, 4) != 0 ? ha[k] : (guint32) g_rand_int_range (rand, 0, 30) << 27;
      for (; k < nb; k++)
        hb[k] = (guint32) g_rand_int_range (rand, 0, 30) << 27;
      a = from_hashes (ha, na);
      b = from_hashes (hb, nb);
      if (mg_fingerprint_similar (a, b))
        assert_false (sketches_differ (a, b));
    }
  g_rand_free (rand);
  /* no fingerprint: an empty sketch, which rules nothing out */
  {
    mg_fingerprint_sketch_t none, empty;
    g_autoptr (GBytes) nothing = g_bytes_new (NULL, 0);

    mg_fingerprint_sketch (NULL, &none);
    mg_fingerprint_sketch (nothing, &empty);
    assert_int_equal (none.size, 0);
    assert_false (mg_fingerprint_sketches_differ (&none, &empty));
  }
}

/* The early stop of mg_fingerprint_similar() must not change an answer:
 * every pair of sizes up to 60 and every overlap, against the rule
 * computed here from the counts (shared / union >= 9/10). */
static void
test_threshold_every_overlap (void **state)
{
  gsize na, nb, shared, similar = 0, checked = 0;

  for (na = 0; na <= 60; na++)
    for (nb = 0; nb <= 60; nb++)
      for (shared = 0; shared <= MIN (na, nb); shared++)
        {
          /* own hashes interleave with the shared ones in the sort order
           * of one set and follow them in the other's */
          g_autoptr (GBytes) a = sorted_set (na, shared, 1000);
          g_autoptr (GBytes) b = sorted_set (nb, shared, 2000);
          gsize all = na + nb - shared;
          gboolean expected = all > 0 && shared * 10 >= all * 9;

          if (mg_fingerprint_similar (a, b) != expected || mg_fingerprint_similar (b, a) != expected)
            fail_msg ("%zu and %zu hashes, %zu shared: expected %s", na, nb, shared,
                      expected ? "similar" : "not similar");
          similar += expected;
          checked++;
        }
  /* the loop reached both answers many times */
  assert_true (similar > 500 && checked - similar > 500);
}

/* A damaged ledger can hold hashes out of order or twice: the answer is
 * still the one the full merge of mg_fingerprint_similarity() gives. */
static void
test_threshold_unsorted (void **state)
{
  GRand *rand = g_rand_new_with_seed (90);
  guint round;

  for (round = 0; round < 20000; round++)
    {
      guint32 ha[24], hb[24];
      gsize na = g_rand_int_range (rand, 0, 24), nb = g_rand_int_range (rand, 0, 24), i;
      g_autoptr (GBytes) a = NULL, b = NULL;
      double similarity;
      gsize shared;

      for (i = 0; i < na; i++)
        ha[i] = g_rand_int_range (rand, 0, 30);
      for (i = 0; i < MIN (na, nb); i++)
        hb[i] = g_rand_boolean (rand) ? ha[i] : (guint32) g_rand_int_range (rand, 0, 30);
      for (; i < nb; i++)
        hb[i] = g_rand_int_range (rand, 0, 30);
      a = from_hashes (ha, na);
      b = from_hashes (hb, nb);
      /* similarity = shared / (na + nb - shared), exact in the small numbers here */
      similarity = mg_fingerprint_similarity (a, b);
      shared = (gsize) (similarity * (double) (na + nb) / (1.0 + similarity) + 0.5);
      assert_int_equal (mg_fingerprint_similar (a, b),
                        na + nb > 0 && shared * 10 >= (na + nb - shared) * 9);
    }
  g_rand_free (rand);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_known_values),
    cmocka_unit_test (test_identical_texts),
    cmocka_unit_test (test_one_name_differs),
    cmocka_unit_test (test_different_texts),
    cmocka_unit_test (test_short_note_with_new_information),
    cmocka_unit_test (test_short_and_empty_texts),
    cmocka_unit_test (test_sorted_set),
    cmocka_unit_test (test_words),
    cmocka_unit_test (test_threshold),
    cmocka_unit_test (test_threshold_every_overlap),
    cmocka_unit_test (test_threshold_unsorted),
    cmocka_unit_test (test_sketch_every_overlap),
    cmocka_unit_test (test_sketch_full_ranges_and_damage),
  };
  return cmocka_run_group_tests_name ("fingerprint", tests, NULL, NULL);
}
