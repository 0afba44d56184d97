/* test-quote.c - authored, quoted and signature lines (mg-quote.h).
 *
 * Each row of quote_cases is one cmocka test: a text and the expected
 * class of each of its lines, 'A' authored, 'Q' quoted, 'S' signature.
 * Every marker has its negative cases next to it.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mg-quote.h"

typedef struct {
  const char *name;
  const char *text;
  const char *classes;
} quote_case_t;

static const quote_case_t quote_cases[] = {
  /* lines */
  { "empty text", "", "" },
  { "one line without newline", "no newline", "A" },
  { "final newline starts no line", "one\n", "A" },
  { "trailing empty line", "one\n\n", "AA" },
  { "single newline", "\n", "A" },

  /* '>' quoting */
  { "quote block then reply", "Hello\n> quoted\n> more\nReply\n", "AQQA" },
  { "indented quote", "  > indented quote\n", "Q" },
  { "tab-indented quote", "\t> tab quote", "Q" },
  { "nested quote", ">>> nested\n> > spaced\n", "QQ" },
  { "'>' inside a line", "a > b\n5 > 3\n", "AA" },
  { "mbox-escaped From line is authored",
    "Text\n>From my perspective, yes.\nMore\n", "AAA" },
  { "mbox-escaped From line at the start", ">>From here on\nMore\n", "AA" },
  { ">From inside a quote block", "> a\n>From x\n> b\n", "QQQ" },
  { ">From after a quote block", "> a\n>From x\nreply\n", "QQA" },
  { "bottom-posting and inline replies",
    "> q1\n> q2\n\nMy answer\n> q3\nAnswer 2\n", "QQAAQA" },

  /* English attribution */
  { "attribution on one line",
    "Thanks!\n\nOn Mon, Nov 9, 2026 at 1:00 PM Jane Roe <jroe@jhmi.edu> wrote:\n> Hi\n",
    "AAQQ" },
  { "attribution without a quote after it",
    "On Tue, Nov 3, 2026 at 4:40 PM Olivia Brandt wrote:\nauthored\n", "QA" },
  { "Gmail attribution wrapped before wrote:",
    "Thanks!\nOn Mon, Nov 9, 2026 at 1:00 PM Harbor City IR Coordinator "
    "<ir@harbor.example.org>\nwrote:\n\n> Hi\n",
    "AQQAQ" },
  { "Gmail attribution wrapped inside the address",
    "On Mon, Nov 9, 2026 at 1:00 PM Harbor City IR Coordinator <\n"
    "ir-coordinator@harborcity-hospital.example.org> wrote:\n> Hi\n",
    "QQQ" },
  { "attribution wrapped over three lines",
    "On Mon, Nov 9, 2026 at 1:00 PM A Very Long Name Indeed\n"
    "<a.very.long.address@example.org>\nwrote:\n> x\n",
    "QQQQ" },
  { "wrapped attribution without address before a quote",
    "On Mon, Nov 9, 2026 at 1:00 PM Jane Roe of the Harbor City Program\n"
    "wrote:\n> x\n", "QQQ" },
  { "On ... wrote: must end the line",
    "On Monday I passed Step 3 and wrote: a letter.\n", "A" },
  { "On-sentence then a line ending in wrote:",
    "On Monday I passed Step 3.\nMy mentor wrote:\nGreat job.\n", "AAA" },
  { "wrote: in the middle of a paragraph",
    "As Dr. Roe wrote: the program is great.\n", "A" },
  { "lower-case on is not an attribution",
    "on Monday, she wrote:\nsomething\n", "AA" },
  { "blank line breaks a wrapped attribution",
    "On Monday at 9 I met jroe@jhmi.edu\n\nwrote:\n", "AAA" },
  { "bare attribution before a quote (Thunderbird)",
    "Thanks.\n\nJane Roe wrote:\n> Hi\n", "AAQQ" },
  { "bare attribution before a quote after a blank line",
    "Jane Roe <jroe@jhmi.edu> writes:\n\n> Hi\n", "QAQ" },
  { "bare wrote: without a quote",
    "My mentor wrote:\nNot a quote\n", "AA" },
  { "rewrote: is not wrote:",
    "On Monday I rewrote:\n> x\n", "AQ" },

  /* other languages */
  { "French attribution",
    "Le lun. 9 nov. 2026 \xc3\xa0 13:00, Jane Roe <jroe@jhmi.edu> a \xc3\xa9" "crit :\n> Bonjour\n",
    "QQ" },
  { "French attribution, no-break space before the colon",
    "Le 9 nov. 2026 \xc3\xa0 13:00, Jane Roe a \xc3\xa9" "crit\xc2\xa0:\n> Bonjour\n", "QQ" },
  { "German attribution",
    "Am 09.11.2026 um 13:00 schrieb Jane Roe <jroe@jhmi.edu>:\n> Hallo\n", "QQ" },
  { "German sentence starting with Am",
    "Am Montag habe ich geschrieben:\nText\n", "AA" },
  { "Spanish attribution",
    "El lun, 9 nov 2026 a las 13:00, Jane Roe (<jroe@jhmi.edu>) escribi\xc3\xb3:\n> Hola\n",
    "QQ" },
  { "Italian attribution",
    "Il giorno lun 9 nov 2026 alle ore 13:00 Jane Roe <jroe@jhmi.edu> ha scritto:\n> Ciao\n",
    "QQ" },
  { "Portuguese attribution",
    "Em seg., 9 de nov. de 2026 \xc3\xa0s 13:00, Jane Roe <jroe@jhmi.edu> escreveu:\n> Ol\xc3\xa1\n",
    "QQ" },
  { "wrapped German attribution",
    "Am 09.11.2026 um 13:00 schrieb Harbor City IR Coordinator\n<ir@harbor.example.org>:\n> x\n",
    "QQQ" },

  /* blocks to the end of the part */
  { "Outlook original message",
    "Reply\n\n-----Original Message-----\nFrom: X\nSent: Y\n\nOld text\n", "AAQQQQQ" },
  { "original message with spaces",
    "Reply\n----- Original Message -----\nOld\n", "AQQ" },
  { "original message lower case",
    "Reply\n-----original message-----\nOld\n", "AQQ" },
  { "original message, dashes before only",
    "Reply\n-------- Original message\nOld\n", "AQQ" },
  { "German original message",
    "Antwort\n-----Urspr\xc3\xbcngliche Nachricht-----\nVon: x\n", "AQQ" },
  { "Gmail forwarded message",
    "Hi\n---------- Forwarded message ---------\nFrom: A <a@b.org>\nDate: Mon\n"
    "Subject: s\nTo: t\n\nbody\n", "AQQQQQQQ" },
  { "Thunderbird forwarded message",
    "See below.\n-------- Forwarded Message --------\nSubject: x\n", "AQQ" },
  { "Apple Mail forwarded message",
    "FYI\n\nBegin forwarded message:\n\nFrom: A\nbody\n", "AAQQQQ" },
  { "forwarded without colon is text",
    "Begin forwarded message\nbody\n", "AA" },
  { "dashes around other words",
    "--- not a marker ---\nText\n", "AA" },
  { "one dash before original message",
    "- Original message\nText\n", "AA" },
  { "Outlook header block with underscores",
    "Text\n\n________________________________\nFrom: Jane Roe <jroe@jhmi.edu>\n"
    "Sent: Monday, November 9, 2026 1:00 PM\nTo: Leila\nSubject: Interview\n\nOld\n",
    "AAQQQQQQQ" },
  { "Outlook header block after a blank line and underscores",
    "Text\n________________________________\n\nFrom: Jane\nSent: Monday\n", "AQQQQ" },
  { "From/Date block without underscores",
    "Text\nFrom: Jane\nDate: Mon\nOld\n", "AQQQ" },
  { "Sent: three lines after From:",
    "From: Jane\nTo: Leila\nCc: Mentor\nSent: Monday\nOld\n", "QQQQQ" },
  { "Sent: four lines after From:",
    "From: a\nTo: b\nCc: c\nSubject: d\nSent: e\n", "AAAAA" },
  { "From: as a phrase",
    "From: my perspective, the program is great.\nI hope to join.\n", "AA" },
  { "blank line between From: and Sent:",
    "From: x\n\nSent: y\n", "AAA" },
  { "German header block",
    "Danke\nVon: Jane Roe\nGesendet: Montag\nAn: x\n", "AQQQ" },
  { "French header block",
    "Merci\nDe : Jane\nEnvoy\xc3\xa9 : lundi\n", "AQQ" },
  { "bold header block",
    "Thanks\n*From:* Jane Roe\n*Sent:* Monday\n", "AQQ" },
  { "underscores not right above the block",
    "______________\nSome text\nFrom: a\nSent: b\n", "AAQQ" },
  { "quoted From: does not start a block",
    "> From: a\n> Sent: b\nMy reply\n", "QQA" },

  /* signature */
  { "signature after dash dash space",
    "Body\n-- \nName\nTitle\n", "ASSS" },
  { "signature after dash dash", "Body\n--\nName\n", "ASS" },
  { "signature delimiter with trailing blanks", "Body\n--   \t\nName\n", "ASS" },
  { "indented dash dash", "Body\n --\nName\n", "AAA" },
  { "three dashes", "Body\n---\nName\n", "AAA" },
  { "dash dash and text", "Body\n-- x\nName\n", "AAA" },
  { "signature then Gmail quote",
    "Thanks\n-- \nLeila\n\nOn Mon, Nov 9, 2026 at 1:00 PM Jane <j@x.org> wrote:\n> hi\n",
    "ASSSQQ" },
  { "text after a quote inside the signature",
    "Hi\n-- \nSig\n> q\nafter\n", "ASSQS" },
  { "quoted delimiter", "> -- \n> sig\nMy reply\n", "QQA" },
  { "delimiter inside an original message",
    "Reply\n-----Original Message-----\nold\n-- \nold sig\n", "AQQQQ" },
  { "first delimiter wins", "a\n-- \nb\n-- \nc\n", "ASSSS" },
  { "signature and Outlook block",
    "Hi\n-- \nLeila\n________________________________\nFrom: J\nSent: M\nold\n",
    "ASSQQQQ" },
  { "CRLF lines", "a\r\n-- \r\nsig\r\n", "ASS" },
};

static char *
classify (const char *text, mg_text_part_t *part)
{
  GString *out = g_string_new (NULL);

  part->text = (char *) text;
  part->len = strlen (text);
  mg_quote_classify (part);
  assert_int_equal (part->line_start->len, part->line_class->len);
  for (guint i = 0; i < part->line_class->len; i++)
    g_string_append_c (out, "AQS"[g_array_index (part->line_class, guint8, i)]);
  return g_string_free (out, FALSE);
}

static void
clear_part (mg_text_part_t *part)
{
  if (part->line_start != NULL)
    g_array_unref (part->line_start);
  if (part->line_class != NULL)
    g_array_unref (part->line_class);
}

static void
test_quote_case (void **state)
{
  const quote_case_t *c = *state;
  mg_text_part_t part = { 0 };
  g_autofree char *got = classify (c->text, &part);

  clear_part (&part);
  if (strcmp (got, c->classes) != 0)
    fail_msg ("%s: got \"%s\", expected \"%s\"", c->name, got, c->classes);
}

static void
test_line_starts (void **state)
{
  static const gsize expected[] = { 0, 3, 6, 7 };
  mg_text_part_t part = { 0 };
  g_autofree char *got = classify ("ab\ncd\n\nef", &part);

  assert_string_equal (got, "AAAA");
  assert_int_equal (part.line_start->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_int_equal (g_array_index (part.line_start, gsize, i), expected[i]);
  clear_part (&part);
}

/* Classifying again replaces the arrays' contents. */
static void
test_reclassify (void **state)
{
  mg_text_part_t part = { 0 };
  g_autofree char *first = classify ("a\n> b\nc\nd\n", &part);
  g_autofree char *second = classify ("-- \nx\n", &part);

  assert_string_equal (first, "AQAA");
  assert_string_equal (second, "SS");
  assert_int_equal (g_array_index (part.line_start, gsize, 1), 4);
  clear_part (&part);
}

static void
test_null_text (void **state)
{
  mg_text_part_t part = { 0 };

  mg_quote_classify (&part);
  assert_int_equal (part.line_start->len, 0);
  assert_int_equal (part.line_class->len, 0);
  clear_part (&part);
}

/* Many lines that look like the start of an attribution stay linear. */
static void
test_many_attribution_starts (void **state)
{
  GString *text = g_string_new (NULL);
  mg_text_part_t part = { 0 };
  g_autofree char *got = NULL;

  for (int i = 0; i < 20000; i++)
    g_string_append (text, "On Monday at 9 I wrote to jroe@jhmi.edu\n");
  got = classify (text->str, &part);
  assert_int_equal (strlen (got), 20000);
  assert_null (strchr (got, 'Q'));
  clear_part (&part);
  g_string_free (text, TRUE);
}

int
main (void)
{
  g_autoptr(GArray) tests = g_array_new (FALSE, TRUE, sizeof (struct CMUnitTest));
  static const struct CMUnitTest fixed[] = {
    cmocka_unit_test (test_line_starts),
    cmocka_unit_test (test_reclassify),
    cmocka_unit_test (test_null_text),
    cmocka_unit_test (test_many_attribution_starts),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      struct CMUnitTest test = {
        quote_cases[i].name, test_quote_case, NULL, NULL, (void *) &quote_cases[i],
      };
      g_array_append_val (tests, test);
    }
  g_array_append_vals (tests, fixed, G_N_ELEMENTS (fixed));
  return _cmocka_run_group_tests ("quote", (const struct CMUnitTest *) (void *) tests->data,
                                  tests->len, NULL, NULL);
}
