/* test-regex.c - the rulebook's regular expressions (mg-regex.h) and
 * their cache file (mg-regex-cache.h): every phrase pattern finds exactly
 * the matches GRegex found, on every message of the fixture corpus;
 * iteration, groups, and the encoded form; the cache is written once,
 * read after, and a damaged or foreign file is never decoded. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "mg-regex-cache.h"
#include "mg-regex.h"
#include "mg-rulebook.h"
#include "mg-text.h"

/* Every match of @regex in @text, as "start-end;" pairs. */
static char *
spans_of (const mg_regex_t *regex, const char *text, gsize start)
{
  g_auto (mg_match_t) match = { 0 };
  GString *spans = g_string_new (NULL);

  for (mg_regex_search (regex, text, strlen (text), start, &match); mg_match_matches (&match);
       mg_match_next (&match))
    {
      int s, e;

      mg_match_span (&match, 0, &s, &e);
      g_string_append_printf (spans, "%d-%d;", s, e);
    }
  return g_string_free (spans, FALSE);
}

/* The same, found by GRegex as the rulebook compiled it before. */
static char *
gregex_spans_of (const char *pattern, const char *text, gsize start)
{
  g_autoptr (GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) info = NULL;
  GString *spans = g_string_new (NULL);

  assert_non_null (regex);
  for (g_regex_match_full (regex, text, -1, (gint) start, 0, &info, NULL);
       g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      int s, e;

      g_match_info_fetch_pos (info, 0, &s, &e);
      g_string_append_printf (spans, "%d-%d;", s, e);
    }
  return g_string_free (spans, FALSE);
}

/* Texts to compare on: every message of the fixture corpus, normalised
 * as the analysis does, and a few made to try line breaks and empty
 * matches. */
static GPtrArray *
sample_texts (void)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) top = g_dir_open (MG_TOP_SRCDIR "/tests/corpora", 0, NULL);
  const char *group;

  assert_non_null (top);
  while ((group = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *group_dir = g_build_filename (MG_TOP_SRCDIR "/tests/corpora", group, NULL);
      g_autoptr (GDir) cases = g_dir_open (group_dir, 0, NULL);
      const char *name;

      while (cases != NULL && (name = g_dir_read_name (cases)) != NULL)
        {
          g_autofree char *path = g_build_filename (group_dir, name, "message.eml", NULL);
          g_autofree char *raw = NULL;

          if (g_file_get_contents (path, &raw, NULL, NULL) && g_utf8_validate (raw, -1, NULL))
            g_ptr_array_add (texts, mg_text_normalize (raw));
        }
    }
  g_ptr_array_add (texts, g_strdup ("dear dr. roe,\r\ni will rank you #1.\r\n\r\n"
                                    "thank you\u2028for the interview\rbest,\n"));
  g_ptr_array_add (texts, g_strdup ("[your name] {{program}} xxxx aamc id: 1234 5678\n"));
  /* letters outside ASCII next to the words: \b and \w see them as
   * letters (Unicode properties) */
  g_ptr_array_add (texts, g_strdup ("\xc3\xa9thank you for the interview \xc3\xa9i will rank you "
                                    "#1\xc3\xb1 my first choice\xc3\xa9, \xc3\xa0 thank you"
                                    "\xc3\xa9 \xd9\xa1\xd9\xa2 i look forward"));
  g_ptr_array_add (texts, g_strdup (""));
  return texts;
}

/* Every phrase pattern finds, on every sample text and from a start in
 * the middle too, exactly the matches GRegex found; compiled to machine
 * code (`audit`) too. */
static void
test_same_matches_as_gregex (void **state)
{
  g_autoptr (GPtrArray) texts = sample_texts ();
  guint set, i, t, compared = 0;

  (void) state;
  assert_true (texts->len > 200);
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    for (i = 0; i < mg_phrases_count (set); i++)
      {
        g_autoptr (mg_regex_t) jit = mg_regex_new (mg_phrase_pattern (set, i), NULL);

        mg_regex_optimize (jit);
        for (t = 0; t < texts->len; t++)
          {
            const char *text = g_ptr_array_index (texts, t);
            gsize start = strlen (text) / 2;
            g_autofree char *ours = spans_of (mg_phrase_regex (set, i), text, 0);
            g_autofree char *theirs = gregex_spans_of (mg_phrase_pattern (set, i), text, 0);
            g_autofree char *machine = spans_of (jit, text, 0);
            g_autofree char *ours_mid = NULL, *theirs_mid = NULL;

            while (start > 0 && (text[start] & 0xc0) == 0x80)
              start--;
            ours_mid = spans_of (mg_phrase_regex (set, i), text, start);
            theirs_mid = gregex_spans_of (mg_phrase_pattern (set, i), text, start);
            if (strcmp (ours, theirs) != 0 || strcmp (ours_mid, theirs_mid) != 0
                || strcmp (machine, theirs) != 0)
              fail_msg ("set %u pattern %u on text %u: %s%s (machine code: %s) against GRegex's "
                        "%s%s", set, i, t, ours, ours_mid, machine, theirs, theirs_mid);
            compared++;
          }
      }
  assert_true (compared > 1000);
}

/* Empty matches move on by a character (a whole UTF-8 one), never the
 * same match twice; groups that take no part are -1 and "". */
static void
test_iteration_and_groups (void **state)
{
  static const struct {
    const char *pattern;
    const char *text;
  } rows[] = {
    { "x*", "axxb\xc3\xa9x" },
    { "(?=[a-z])", "RegExTest ok" },
    { "\\b", "two words" },
    { "^", "a\nb\r\nc\rd" },
    { "$", "a\nb\r\nc" },
    { "(a)|(b)", "ab" },
  };
  gsize i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (mg_regex_t) regex = mg_regex_new (rows[i].pattern, NULL);
      g_autofree char *ours = spans_of (regex, rows[i].text, 0);
      g_autofree char *theirs = gregex_spans_of (rows[i].pattern, rows[i].text, 0);

      assert_string_equal (ours, theirs);
    }
  {
    g_autoptr (mg_regex_t) regex = mg_regex_new ("(a)|(b)", NULL);
    g_auto (mg_match_t) match = { 0 };
    g_autofree char *first = NULL, *second = NULL;
    int s, e;

    assert_true (mg_regex_search (regex, "b", 1, 0, &match));
    mg_match_span (&match, 1, &s, &e);
    assert_int_equal (s, -1);
    assert_int_equal (e, -1);
    first = mg_match_fetch (&match, 1);
    second = mg_match_fetch (&match, 2);
    assert_string_equal (first, "");
    assert_string_equal (second, "b");
    assert_false (mg_match_next (&match));
    assert_false (mg_match_matches (&match));
  }
}

static void
test_bad_pattern (void **state)
{
  g_autoptr (GError) error = NULL;

  (void) state;
  assert_null (mg_regex_new ("(unclosed", &error));
  assert_true (g_error_matches (error, G_REGEX_ERROR, G_REGEX_ERROR_COMPILE));
  assert_non_null (strstr (error->message, "(unclosed"));
}

/* The encoded form decodes to the same matches; bytes that are not one
 * (too short, another header) decode to nothing. */
static void
test_encode_decode (void **state)
{
  g_autoptr (mg_regex_t) regex = mg_regex_new ("\\bi (?:will|shall) rank you\\b", NULL);
  g_autoptr (GBytes) bytes = mg_regex_encode (regex);
  g_autoptr (mg_regex_t) decoded = NULL;
  g_autofree char *before = NULL, *after = NULL;
  g_autofree guint8 *damaged = NULL;
  gsize length;
  const guint8 *data;

  (void) state;
  assert_non_null (bytes);
  data = g_bytes_get_data (bytes, &length);
  decoded = mg_regex_decode (data, length);
  assert_non_null (decoded);
  before = spans_of (regex, "yes, i will rank you. i shall rank you too.", 0);
  after = spans_of (decoded, "yes, i will rank you. i shall rank you too.", 0);
  assert_string_equal (before, after);
  assert_string_equal (before, "5-20;22-38;");

  assert_null (mg_regex_decode (data, 8));
  damaged = g_memdup2 (data, length);
  damaged[0] ^= 0xff;   /* the magic number */
  assert_null (mg_regex_decode (damaged, length));
}

/* --- the cache file ------------------------------------------------------- */

static const char *const cache_patterns[] = { "\\bfirst choice\\b", "rank (?:you|your program)",
                                              "\\d{8}" };

/* $XDG_CACHE_HOME of this process: a private directory made in main()
 * (GLib reads the variable once). */
static char *cache_home;

/* The cache directory inside it, emptied for one test. */
static char *
fresh_cache_dir (void)
{
  char *sub = g_build_filename (cache_home, "matchguard", NULL);
  g_autoptr (GDir) listing = g_dir_open (sub, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (sub, name, NULL);
      g_unlink (path);
    }
  g_unlink (sub);
  g_rmdir (sub);
  return sub;
}

/* All three patterns from @cache, matching as they should. */
static void
assert_cache_works (mg_regex_cache_t *cache)
{
  static const char *const texts[] = { "my first choice", "i will rank you", "id 12345678" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (mg_regex_t) regex = mg_regex_cache_get (cache, (guint) i, NULL);
      g_autofree char *spans = NULL;

      assert_non_null (regex);
      spans = spans_of (regex, texts[i], 0);
      assert_true (spans[0] != '\0');
    }
}

/* The first open writes the file, private to the user; the next reads
 * it; other patterns get a file of their own. */
static void
test_cache_written_once (void **state)
{
  g_autofree char *dir = fresh_cache_dir ();
  g_autofree char *path = NULL;
  struct stat st, again;

  (void) state;
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    path = g_strdup (mg_regex_cache_path (cache));
    assert_non_null (path);
    assert_true (g_str_has_prefix (path, dir));
    assert_cache_works (cache);
  }
  assert_int_equal (g_stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);
  assert_int_equal (g_stat (dir, &again), 0);
  assert_int_equal (again.st_mode & 0777, 0700);
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    assert_cache_works (cache);
  }
  assert_int_equal (g_stat (path, &again), 0);
  assert_int_equal (again.st_ino, st.st_ino);   /* read, not written again */
  {
    g_autoptr (mg_regex_cache_t) other = mg_regex_cache_open (cache_patterns, 2);

    assert_string_not_equal (mg_regex_cache_path (other), path);
  }
}

/* A file whose compiled bytes were damaged after it was written: the
 * damage is seen before PCRE2 decodes anything, the pattern is compiled
 * instead, and the file goes (the next run writes a good one). */
static void
test_cache_damaged (void **state)
{
  g_autofree char *dir = fresh_cache_dir ();
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  (void) state;
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    path = g_strdup (mg_regex_cache_path (cache));
  }
  assert_true (g_file_get_contents (path, &contents, &length, NULL));
  contents[length - 40] ^= 0x5a;   /* inside the last pattern's code */
  assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    assert_true (g_file_test (path, G_FILE_TEST_EXISTS));   /* its header is fine */
    assert_cache_works (cache);
    assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    assert_true (g_file_test (path, G_FILE_TEST_EXISTS));   /* written again */
    assert_cache_works (cache);
  }
}

/* Something else at the file's name is replaced by a good file; a cache
 * directory that cannot be made leaves the patterns to compile. */
static void
test_cache_not_a_cache (void **state)
{
  g_autofree char *dir = fresh_cache_dir ();
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  (void) state;
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    path = g_strdup (mg_regex_cache_path (cache));
  }
  assert_true (g_file_set_contents (path, "MGRXC01\nnot really", -1, NULL));
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    assert_cache_works (cache);
  }
  assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  assert_false (g_str_has_suffix (contents, "not really"));

  g_free (fresh_cache_dir ());
  assert_true (g_file_set_contents (dir, "a file where the directory would be", -1, NULL));
  {
    g_autoptr (mg_regex_cache_t) cache = mg_regex_cache_open (cache_patterns, 3);

    assert_cache_works (cache);
  }
  g_unlink (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_same_matches_as_gregex),
    cmocka_unit_test (test_iteration_and_groups),
    cmocka_unit_test (test_bad_pattern),
    cmocka_unit_test (test_encode_decode),
    cmocka_unit_test (test_cache_written_once),
    cmocka_unit_test (test_cache_damaged),
    cmocka_unit_test (test_cache_not_a_cache),
  };
  int failed;

  cache_home = g_dir_make_tmp ("test-regex-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  failed = cmocka_run_group_tests (tests, NULL, NULL);
  g_free (fresh_cache_dir ());
  g_rmdir (cache_home);
  g_free (cache_home);
  return failed;
}
