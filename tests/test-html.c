/* test-html.c - mg_html_to_text on HTML as mail clients write it. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "mg-html.h"

typedef struct {
  const char *name;
  const char *html;
  gsize len;            /* 0: strlen (html) */
  const char *text;     /* the expected output */
} html_case_t;

static const html_case_t cases[] = {
  { "gmail",
    "<div dir=\"ltr\">Dear Dr. Smith,<div><br></div><div>Thank you for the "
    "interview &amp; the tour. I&#39;m very interested.</div><div><br></div>"
    "<div>Best,</div><div>Jane</div><div><br></div>"
    "<span class=\"gmail_signature_prefix\">-- </span><br>"
    "<div dir=\"ltr\" class=\"gmail_signature\" data-smartmail=\"gmail_signature\">"
    "<div dir=\"ltr\">Jane Doe, MD<div>AAMC ID 1234 5678</div></div></div>"
    "</div><br>"
    "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, "
    "Jan 6, 2025 at 9:00 AM Program Coordinator &lt;<a href=\"mailto:pc@"
    "example.edu\">pc@example.edu</a>&gt; wrote:<br></div>"
    "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;"
    "border-left:1px solid rgb(204,204,204);padding-left:1ex\">"
    "<div dir=\"ltr\">Hello Jane,<div><br></div><div>Thanks for applying."
    "</div></div></blockquote></div>\n",
    0,
    "Dear Dr. Smith,\n"
    "\n"
    "Thank you for the interview & the tour. I'm very interested.\n"
    "\n"
    "Best,\n"
    "Jane\n"
    "\n"
    "-- \n"
    "Jane Doe, MD\n"
    "AAMC ID 1234 5678\n"
    "\n"
    "On Mon, Jan 6, 2025 at 9:00 AM Program Coordinator <pc@example.edu> "
    "wrote:\n"
    "> Hello Jane,\n"
    ">\n"
    "> Thanks for applying.\n" },

  { "outlook-word",
    "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
    "xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n<head>\r\n"
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n"
    "<meta name=\"Generator\" content=\"Microsoft Word 15 (filtered medium)\">\r\n"
    "<style><!--\r\np.MsoNormal, li.MsoNormal, div.MsoNormal\r\n"
    "\t{margin:0in;\r\n\tfont-family:\"Calibri\",sans-serif;}\r\n--></style>"
    "<!--[if gte mso 9]><xml>\r\n<o:shapedefaults v:ext=\"edit\" "
    "spidmax=\"1026\" />\r\n</xml><![endif]-->\r\n</head>\r\n"
    "<body lang=\"EN-US\" link=\"#0563C1\" vlink=\"#954F72\">\r\n"
    "<div class=\"WordSection1\">\r\n"
    "<p class=\"MsoNormal\">Dear Dr.&nbsp;Roe,<o:p></o:p></p>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<p class=\"MsoNormal\">Your program is one of my top choices.\r\n"
    "I&rsquo;ll rank it highly.<o:p></o:p></p>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<p class=\"MsoNormal\">Sincerely,<o:p></o:p></p>\r\n"
    "<p class=\"MsoNormal\">John Smith<o:p></o:p></p>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<div style=\"border:none;border-top:solid #E1E1E1 1.0pt\">\r\n"
    "<p class=\"MsoNormal\"><b>From:</b> Coordinator &lt;coord@example.edu&gt;"
    " <br>\r\n<b>Sent:</b> Monday, January 6, 2025 9:00 AM<br>\r\n"
    "<b>Subject:</b> Interview invitation<o:p></o:p></p>\r\n</div>\r\n"
    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n"
    "<p class=\"MsoNormal\">Dear John,<o:p></o:p></p>\r\n"
    "</div>\r\n</body>\r\n</html>\r\n",
    0,
    "Dear Dr. Roe,\n"
    "\n"
    "Your program is one of my top choices. I\u2019ll rank it highly.\n"
    "\n"
    "Sincerely,\n"
    "John Smith\n"
    "\n"
    "From: Coordinator <coord@example.edu>\n"
    "Sent: Monday, January 6, 2025 9:00 AM\n"
    "Subject: Interview invitation\n"
    "\n"
    "Dear John,\n" },

  { "outlook-web-reply",
    "<div>Thanks!</div>\n"
    "<div id=\"appendonsend\"></div>\n<hr style=\"display:inline-block\">\n"
    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" "
    "style=\"font-size:11pt\" color=\"#000000\"><b>From:</b> Coordinator "
    "&lt;coord@example.edu&gt;<br>\n<b>Sent:</b> Monday, January 6, 2025 "
    "9:00 AM<br>\n<b>Subject:</b> Interview</font>\n<div>&nbsp;</div>\n</div>\n"
    "<div>Hello</div>",
    0,
    "Thanks!\n"
    "From: Coordinator <coord@example.edu>\n"
    "Sent: Monday, January 6, 2025 9:00 AM\n"
    "Subject: Interview\n"
    "\n"
    "Hello\n" },

  { "apple-mail",
    "<html><head><meta http-equiv=\"content-type\" content=\"text/html; "
    "charset=utf-8\"></head><body style=\"word-wrap: break-word; "
    "-webkit-nbsp-mode: space;\" class=\"\">Thanks, see you then.<div "
    "class=\"\"><br class=\"\"></div><div class=\"\">Jane<br class=\"\"><div>"
    "<br class=\"\"><blockquote type=\"cite\" class=\"\"><div class=\"\">On "
    "Jan 6, 2025, at 09:00, Coordinator &lt;<a href=\"mailto:c@example.edu\" "
    "class=\"\">c@example.edu</a>&gt; wrote:</div><br class=\"Apple-"
    "interchange-newline\"><div class=\"\"><div class=\"\">Does Tuesday work?"
    "<br class=\"\"><blockquote type=\"cite\" class=\"\">Earlier text"
    "</blockquote>After inner</div></div></blockquote></div><br class=\"\">"
    "</div></body></html>",
    0,
    "Thanks, see you then.\n"
    "\n"
    "Jane\n"
    "\n"
    "> On Jan 6, 2025, at 09:00, Coordinator <c@example.edu> wrote:\n"
    ">\n"
    "> Does Tuesday work?\n"
    "> > Earlier text\n"
    "> After inner\n" },

  { "thunderbird",
    "<html>\n  <head>\n    <meta http-equiv=\"Content-Type\" "
    "content=\"text/html; charset=UTF-8\">\n  </head>\n  <body>\n"
    "    <p>Thank you,   I will\n    attend.</p>\n"
    "    <div class=\"moz-cite-prefix\">On 1/6/25 9:00 AM, Coordinator "
    "wrote:<br>\n    </div>\n"
    "    <blockquote type=\"cite\" cite=\"mid:abc@example.edu\">\n"
    "      <p>Please confirm.</p>\n      <p>Regards</p>\n    </blockquote>\n"
    "    <pre class=\"moz-signature\" cols=\"72\">-- \nJohn Smith\n"
    "AAMC  12345678</pre>\n  </body>\n</html>\n",
    0,
    "Thank you, I will attend.\n"
    "\n"
    "On 1/6/25 9:00 AM, Coordinator wrote:\n"
    "\n"
    "> Please confirm.\n"
    ">\n"
    "> Regards\n"
    "\n"
    "-- \n"
    "John Smith\n"
    "AAMC  12345678\n" },

  { "entities",
    "<p>A &amp; B &lt;&lt;program&gt;&gt; I&rsquo;ll &nbsp;x&nbsp;&nbsp;y "
    "&eacute; &#8212; &#x1F600; &bogus; &amp</p>",
    0,
    "A & B <<program>> I\u2019ll x y \u00e9 \u2014 \U0001F600 &bogus; &\n" },

  { "nbsp-is-a-space",
    "<div>one&nbsp;two</div>",
    0,
    "one two\n" },

  { "nested-blockquotes",
    "<p>Top</p><blockquote><p>Level one</p><blockquote>Level two<br>"
    "again<blockquote>three</blockquote></blockquote>back to one"
    "</blockquote>Bottom",
    0,
    "Top\n"
    "\n"
    "> Level one\n"
    ">\n"
    "> > Level two\n"
    "> > again\n"
    "> > > three\n"
    "> back to one\n"
    "Bottom\n" },

  { "quote-then-reply",
    "<blockquote><p>Question?</p></blockquote><p>Answer.</p>",
    0,
    "> Question?\n"
    "\n"
    "Answer.\n" },

  { "lists",
    "<ul><li>One</li><li>Two <b>bold</b><ul><li>Nested</li></ul></li><li>"
    "</li></ul><ol><li>  First\n  item </li><li>Second</li></ol>",
    0,
    "- One\n"
    "- Two bold\n"
    "- Nested\n"
    "- First item\n"
    "- Second\n" },

  { "table",
    "<table><tr><td>Name</td><td>Jane Doe</td></tr>\n"
    "<tr><th>AAMC ID</th>\n<th>12345678</th></tr></table>",
    0,
    "Name Jane Doe\n"
    "AAMC ID 12345678\n" },

  { "pre",
    "<p>Code:</p><pre>\n  indented  line   \n\n\tTab\n</pre>after",
    0,
    "Code:\n"
    "\n"
    "  indented  line\n"
    "\n"
    "\tTab\n"
    "after\n" },

  { "headings",
    "<h1>Title</h1>text<h2>Sub</h2><p>para</p>",
    0,
    "Title\n"
    "\n"
    "text\n"
    "\n"
    "Sub\n"
    "\n"
    "para\n" },

  { "invisible",
    "<html><head><title>T</title><style>p { color: red }</style>"
    "<script>var x = \"<p>no</p>\";</script></head><body>"
    "<script>alert(1)</script><p>Hi<!-- secret --></p>"
    "<template>tpl</template><noscript>ns</noscript>"
    "<p>there <img src=\"logo.png\" alt=\"Logo\"><a href=\"http://x.org/\">"
    "link</a></p></body></html>",
    0,
    "Hi\n"
    "\n"
    "there link\n" },

  { "broken",
    "<div><p>Unclosed <b>bold <i>both</div><li>stray item<p>para"
    "<table><td>cell</table></td>trailing <blockquote>q",
    0,
    "Unclosed bold both\n"
    "\n"
    "- stray item\n"
    "\n"
    "para\n"
    "cell\n"
    "trailing\n"
    "\n"
    "> q\n" },

  { "misnested",
    "<p>1<b>2<i>3</p>4</i>5</b><table>loose<tr><td>c1<td>c2</table>"
    "<a href=\"x\">a<div>b</div>c</a>",
    0,
    "123\n"
    "\n"
    "45loose\n"
    "c1 c2\n"
    "a\n"
    "b\n"
    "c\n" },

  { "br-runs-collapse",
    "<br><br>Hello,<br><br><br><br>Text<br><br>",
    0,
    "Hello,\n"
    "\n"
    "Text\n" },

  { "signature-prefix-only-exact",
    "<div>--</div><div>---&nbsp;</div><div>-- x </div><div>--&nbsp;</div>",
    0,
    "--\n"
    "---\n"
    "-- x\n"
    "-- \n" },

  { "whitespace-only", " \n\t<p> </p><div>\n</div>", 0, "" },
  { "empty", "", 0, "" },
  { "plain-text", "just text", 0, "just text\n" },
  { "bom", "\xef\xbb\xbf<p>bom</p>", 0, "bom\n" },
  { "invalid-utf8", "<p>caf\xe9 \xff\xfeok</p>", 0,
    "caf\ufffd \ufffd\ufffdok\n" },
  { "nul-byte", "<p>a\0b</p><p>after</p>", 21,
    "a\ufffdb\n"
    "\n"
    "after\n" },
};

static void
test_case (void **state)
{
  const html_case_t *c = *state;
  g_autofree char *text =
    mg_html_to_text (c->html, c->len ? c->len : strlen (c->html));

  assert_string_equal (text, c->text);
}

static void
test_null (void **state G_GNUC_UNUSED)
{
  g_autofree char *text = mg_html_to_text (NULL, 0);

  assert_string_equal (text, "");
}

static char *
repeat (const char *open, const char *middle, const char *close, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, open);
  g_string_append (s, middle);
  for (guint i = 0; i < n; i++)
    g_string_append (s, close);
  g_string_append (s, "after");
  return g_string_free (s, FALSE);
}

static void
test_deep_div (void **state G_GNUC_UNUSED)
{
  g_autofree char *html = repeat ("<div>", "deep", "</div>", 10000);
  g_autofree char *text = mg_html_to_text (html, strlen (html));

  assert_string_equal (text, "deep\nafter\n");
}

/* Quote prefixes stop growing at 32 levels. */
static void
test_deep_blockquote (void **state G_GNUC_UNUSED)
{
  g_autofree char *html = repeat ("<blockquote>", "deep", "</blockquote>",
                                  10000);
  g_autofree char *text = mg_html_to_text (html, strlen (html));
  g_autofree char *prefix = g_strnfill (64, ' ');

  for (guint i = 0; i < 32; i++)
    prefix[2 * i] = '>';
  g_autofree char *expected = g_strconcat (prefix, "deep\nafter\n", NULL);
  assert_string_equal (text, expected);
}

/* Unclosed, each level with text ("after" lands in the innermost one):
 * without max_errors = 0, gumbo alone takes seconds and most of a gigabyte
 * here. */
static void
test_deep_unclosed (void **state G_GNUC_UNUSED)
{
  g_autofree char *html = repeat ("<blockquote>x", "", "", 10000);
  g_autofree char *text = mg_html_to_text (html, strlen (html));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strnfill (64, ' ');

  for (guint i = 0; i < 32; i++)
    prefix[2 * i] = '>';
  g_autofree char *last = g_strconcat (prefix, "xafter", NULL);
  assert_int_equal (g_strv_length (lines), 10001);
  assert_string_equal (lines[0], "> x");
  assert_string_equal (lines[1], "> > x");
  assert_string_equal (lines[9999], last);
  assert_string_equal (lines[10000], "");
}

int
main (void)
{
  static struct CMUnitTest tests[G_N_ELEMENTS (cases) + 4];
  guint n = G_N_ELEMENTS (cases);

  for (guint i = 0; i < n; i++)
    {
      tests[i].name = cases[i].name;
      tests[i].test_func = test_case;
      tests[i].initial_state = (void *) &cases[i];
    }
  tests[n] = (struct CMUnitTest) cmocka_unit_test (test_null);
  tests[n + 1] = (struct CMUnitTest) cmocka_unit_test (test_deep_div);
  tests[n + 2] = (struct CMUnitTest) cmocka_unit_test (test_deep_blockquote);
  tests[n + 3] = (struct CMUnitTest) cmocka_unit_test (test_deep_unclosed);

  return cmocka_run_group_tests (tests, NULL, NULL);
}
