/* test-text.c - normalisation for matching and the map back to the source. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-text.h"

static const struct {
  const char *input;
  const char *expected;
} normalize_cases[] = {
  { "Hello World", "hello world" },
  { "  leading and   trailing  ", "leading and trailing" },
  { "line one\nline two", "line one line two" },
  { "para one\n\npara two", "para one\npara two" },
  { "para one\n  \t\n\n\npara two", "para one\npara two" },
  { "I\xe2\x80\x99ll rank you #1", "i will rank you #1" },
  { "I'm sure you're my \xe2\x80\x9ctop choice\xe2\x80\x9d", "i am sure you are my \"top choice\"" },
  { "I haven't decided; I won't; I can't; it's", "i have not decided; i will not; i cannot; it is" },
  { "Brightwater Radiology's program", "brightwater radiology's program" },
  { "Luc\xc3\xad" "a Romero", "lucia romero" },
  { "Lucia\xcc\x81", "lucia" },                      /* combining acute accent */
  { "a\xc2\xa0" "b", "a b" },                        /* no-break space */
  { "x\xe2\x80\x94y \xe2\x80\x93 z", "x-y - z" },    /* em and en dash */
  { "soft\xc2\xadhyphen zero\xe2\x80\x8bwidth", "softhyphen zerowidth" },
  { "STRA\xc3\x9f" "E", "strasse" },
  { "\xef\xbc\x83\xef\xbc\x91", "#1" },              /* full-width #1 */
  { "I'd like", "i would like" },
  { "let's go", "let us go" },
  { "", "" },
};

static void
test_normalize (void **state)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (normalize_cases); i++)
    {
      g_autofree char *got = mg_text_normalize (normalize_cases[i].input);
      if (strcmp (got, normalize_cases[i].expected) != 0)
        fail_msg ("case %zu: normalize(\"%s\") = \"%s\", expected \"%s\"", i,
                  normalize_cases[i].input, got, normalize_cases[i].expected);
    }
}

static void
test_invalid_utf8_is_skipped (void **state)
{
  g_autofree char *got = mg_text_normalize ("ab\xff\xfe" "cd");
  assert_string_equal (got, "abcd");
}

static void
test_delsp_joins_flowed_lines (void **state)
{
  mg_region_t region;
  const char *text = "I intend to ra \nnk you #1.\nNext line";

  mg_region_init (&region);
  mg_region_append (&region, text, strlen (text), "1", 1, TRUE);
  assert_string_equal (region.norm->str, "i intend to rank you #1. next line");
  mg_region_clear (&region);
}

/* RFC 3676 4.2: DelSp deletes one space; a line ending in two keeps a
 * word break ("I will  \nrank" is two words). */
static void
test_delsp_deletes_only_one_space (void **state)
{
  mg_region_t region;
  const char *text = "I will  \nrank your program number one.";

  mg_region_init (&region);
  mg_region_append (&region, text, strlen (text), "1", 1, TRUE);
  assert_string_equal (region.norm->str, "i will rank your program number one.");
  mg_region_clear (&region);
}

static void
test_locate_maps_back_to_source (void **state)
{
  mg_region_t region;
  const char *first = "Dear Dr. Roe,\n\nI\xe2\x80\x99ll rank\n  Hopkins IR #1 on my list.\n";
  const char *second = "Quoted? no: second segment\n";
  const char *needle = "i will rank hopkins ir #1";
  const char *part = NULL;
  const char *hit;
  g_autofree char *excerpt = NULL;
  int line = 0;
  gsize start;

  mg_region_init (&region);
  mg_region_append (&region, first, strlen (first), "1.1", 1, FALSE);
  mg_region_append (&region, second, strlen (second), "2", 7, FALSE);
  assert_string_equal (region.norm->str,
                       "dear dr. roe,\ni will rank hopkins ir #1 on my list.\n"
                       "quoted? no: second segment");
  assert_int_equal (region.norm->len, region.seg_of->len);
  assert_int_equal (region.norm->len, region.off_of->len);

  hit = strstr (region.norm->str, needle);
  assert_non_null (hit);
  start = hit - region.norm->str;
  excerpt = mg_region_locate (&region, start, start + strlen (needle), &part, &line);
  assert_string_equal (excerpt, "I\xe2\x80\x99ll rank Hopkins IR #1");
  assert_string_equal (part, "1.1");
  assert_int_equal (line, 3);

  g_free (g_steal_pointer (&excerpt));
  hit = strstr (region.norm->str, "second");
  start = hit - region.norm->str;
  excerpt = mg_region_locate (&region, start, start + 6, &part, &line);
  assert_string_equal (excerpt, "second");
  assert_string_equal (part, "2");
  assert_int_equal (line, 7);
  mg_region_clear (&region);
}

static void
test_count_words (void **state)
{
  const char *text = "Step 2 CK: 258 -- caf\xc3\xa9 au-lait, I'm";
  assert_int_equal (mg_text_count_words (text, strlen (text)), 9);
  assert_int_equal (mg_text_count_words ("", 0), 0);
  assert_int_equal (mg_text_count_words (" ... ", 5), 0);
}

static void
test_word_boundaries (void **state)
{
  const char *text = "parklakeshore lakeshore ir's";
  assert_false (mg_text_is_word_at (text, strlen (text), 4, 9));
  assert_true (mg_text_is_word_at (text, strlen (text), 14, 9));
  assert_true (mg_text_is_word_at (text, strlen (text), 24, 2));
}

/* Addresses and domains lower-case without the locale; whatever LC_CTYPE
 * is (tests/cli.sh runs the program under a Turkish locale), "I" is "i". */
static void
test_utf8_strdown (void **state)
{
  static const struct { const char *in, *out; } cases[] = {
    { "IR-Program@Fenwick-Health.example.ORG", "ir-program@fenwick-health.example.org" },
    { "IRResidency@MapleHollow-MC.example.org", "irresidency@maplehollow-mc.example.org" },
    { "\xc3\x89" "COLE@\xc3\x89" "xample.FR", "\xc3\xa9" "cole@\xc3\xa9" "xample.fr" }, /* É */
    { "\xce\xa3\xce\x91\xce\xa3@X.GR", "\xcf\x83\xce\xb1\xcf\x83@x.gr" },     /* ΣΑΣ: simple mapping */
    { "A\xff" "B\xc3", "a\xff" "b\xc3" },                                        /* invalid bytes kept */
    { "", "" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *lower = mg_utf8_strdown (cases[i].in);
      assert_string_equal (lower, cases[i].out);
    }
}

/* The ASCII shortcuts answer as GLib does, for every code point. */
static void
test_unichar_shortcuts (void **state)
{
  gunichar c;

  for (c = 0; c <= 0x10FFFF; c++)
    {
      if ((mg_unichar_isalnum (c) != FALSE) != (g_unichar_isalnum (c) != FALSE))
        fail_msg ("mg_unichar_isalnum (U+%04X) differs from GLib's", c);
      if (mg_unichar_tolower (c) != g_unichar_tolower (c))
        fail_msg ("mg_unichar_tolower (U+%04X) differs from GLib's", c);
    }
  for (c = 0; c < 256; c++)
    if (mg_ascii_tolower ((char) c) != g_ascii_tolower ((char) c))
      fail_msg ("mg_ascii_tolower (0x%02X) differs from GLib's", c);
}

/* The spaces of General Punctuation are answered without GLib's tables:
 * two of each of its characters between two letters make one space
 * exactly when GLib's definition (plus the figure and narrow no-break
 * spaces) says it is a space (U+2017 and U+203E decompose to a space and
 * a mark: two of them make two). */
static void
test_general_punctuation_spaces (void **state)
{
  gunichar c;

  (void) state;
  for (c = 0x2000; c < 0x2070; c++)
    {
      char text[16];
      gsize n = 0;
      g_autofree char *norm = NULL;
      gboolean space = g_unichar_isspace (c) || c == 0x2007 || c == 0x202F;

      text[n++] = 'a';
      n += g_unichar_to_utf8 (c, text + n);
      n += g_unichar_to_utf8 (c, text + n);
      text[n++] = 'b';
      text[n] = '\0';
      norm = mg_text_normalize (text);
      if ((strcmp (norm, "a b") == 0) != space)
        fail_msg ("U+%04X: normalised to \"%s\", GLib says %s", c, norm,
                  space ? "a space" : "not a space");
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_normalize),
    cmocka_unit_test (test_general_punctuation_spaces),
    cmocka_unit_test (test_invalid_utf8_is_skipped),
    cmocka_unit_test (test_delsp_joins_flowed_lines),
    cmocka_unit_test (test_delsp_deletes_only_one_space),
    cmocka_unit_test (test_locate_maps_back_to_source),
    cmocka_unit_test (test_count_words),
    cmocka_unit_test (test_word_boundaries),
    cmocka_unit_test (test_utf8_strdown),
    cmocka_unit_test (test_unichar_shortcuts),
  };
  return cmocka_run_group_tests_name ("text", tests, NULL, NULL);
}
