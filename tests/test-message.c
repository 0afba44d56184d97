/* test-message.c - parsing, decoding and the MIME walk of mg-message.h.
 *
 * Table-driven: each row of message_cases is one fixture in
 * tests/data/messages/ and runs as its own cmocka test, so a failure names
 * the file.  Broken inputs (empty, garbage, deep nesting, NUL bytes) have
 * their own tests below.
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-message.h"

#define DATA_DIR MG_TOP_SRCDIR "/tests/data/messages/"

typedef struct {
  const char *file;
  gboolean no_subject;     /* expect subject == NULL */
  const char *subject;     /* expected subject, if not NULL */
  const char *from;        /* expected From, if not NULL */
  const char *recipients;  /* comma-joined, if not NULL */
  gboolean is_reply;
  const char *parts;       /* "ID:P" or "ID:H" (from HTML), comma-joined */
  const char *text;        /* exact text of the first part, if not NULL */
  const char *contains;    /* in some part, if not NULL */
  const char *lacks;       /* in no part, if not NULL */
  const char *classes;     /* line classes of the first part, if not NULL */
  gboolean delsp;          /* of the first part */
} message_case_t;

static const message_case_t message_cases[] = {
  { .file = "plain-ascii.eml",
    .subject = "Application update - Leila Haddad",
    .from = "leila.haddad@mail.example.org",
    .recipients = "dokoye@rivertonhealth.example.org",
    .parts = "1:P",
    .text = "Dear Dr. Okoye,\n\nMy name is Leila Haddad.\n\n-- \nLeila Haddad, MD\n",
    .classes = "AAAASS" },
  { .file = "qp-soft-breaks.eml", .parts = "1:P",
    .text = "I am happy to confirm my interview with Harbor City IR on Thursday. "
            "I\xe2\x80\x99m grateful. \nCaf\xc3\xa9\n" },
  { .file = "base64-utf8.eml", .parts = "1:P",
    .text = "Dear Dr. Raman,\nI\xe2\x80\x99m applying \xe2\x80\x94 caf\xc3\xa9.\n",
    .classes = "AA" },
  /* mutt with send_charset: ISO-8859-1, 8bit; 0x92 read as windows-1252 */
  { .file = "latin1-8bit.eml", .parts = "1:P",
    .text = "caf\xc3\xa9, Gr\xc3\xbc\xc3\x9f" "e, it\xe2\x80\x99s\n" },
  /* unknown charset, not UTF-8: windows-1252 */
  { .file = "unknown-charset.eml", .parts = "1:P",
    .text = "r\xc3\xa9sum\xc3\xa9 \xe2\x80\x9c" "attached\xe2\x80\x9d\n" },
  /* unknown charset, valid UTF-8: kept */
  { .file = "bogus-charset-utf8.eml", .parts = "1:P",
    .text = "na\xc3\xafve caf\xc3\xa9\n" },
  /* no charset, invalid UTF-8 */
  { .file = "no-charset-8bit.eml", .parts = "1:P",
    .text = "R\xc3\xa9sum\xc3\xa9 attached \xe2\x80\x93 thanks\n" },
  /* UTF-8 with one broken byte: only that byte is replaced */
  { .file = "utf8-damaged.eml", .parts = "1:P",
    .text = "caf\xc3\xa9 \xef\xbf\xbd ok\n" },
  { .file = "koi8r.eml", .parts = "1:P",
    .text = "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n" },
  { .file = "utf16.eml", .parts = "1:P", .text = "Hi \xc3\xa9\nline two\n" },
  { .file = "alternative.eml", .parts = "1:P",
    .text = "Plain version text.\n", .lacks = "HTML version" },
  { .file = "alternative-related.eml", .parts = "1:P",
    .text = "Plain wins over related HTML.\n", .lacks = "image" },
  { .file = "related-alternative.eml", .parts = "1.1:P",
    .text = "Plain inside related.\n" },
  /* alternative[calendar, related[html, png]] in mixed with a PDF */
  { .file = "alternative-html-only.eml", .parts = "1.2.1:H",
    .text = "Only HTML here.\n", .lacks = "VCALENDAR" },
  /* a blank text/plain beside the HTML: the HTML is read instead */
  { .file = "alternative-blank-plain.eml", .parts = "2:H",
    .text = "The real words are in the HTML.\n" },
  { .file = "html-only.eml", .parts = "1:H",
    .contains = "Research & teaching at Johns Hopkins IR.\nSecond line\n",
    .lacks = "color", .classes = "AAAAAQQ" },
  { .file = "mixed-attachments.eml", .parts = "1:P,4:P",
    .text = "Body text with my CV attached.\n",
    .contains = "Second inline part.", .lacks = "SECRET" },
  { .file = "rfc822-attached.eml", .parts = "1:P",
    .text = "Forwarding the letter below.\n", .lacks = "INNER" },
  { .file = "signed.eml", .parts = "1:P", .text = "Signed body.\n",
    .lacks = "PGP" },
  { .file = "subject-folded.eml", .parts = "1:P",
    .subject = "Application update \xe2\x80\x93 Leila Haddad" },
  { .file = "subject-encoded.eml", .parts = "1:P",
    .subject = "R\xc3\xa9sum\xc3\xa9 update \xe2\x80\x93 Leila" },
  { .file = "subject-8bit.eml", .parts = "1:P", .subject = "Caf\xc3\xa9 update" },
  { .file = "subject-missing.eml", .parts = "1:P", .no_subject = TRUE },
  { .file = "subject-empty.eml", .parts = "1:P", .subject = "" },
  { .file = "addresses.eml", .parts = "1:P",
    .from = "leila.haddad@mail.example.org",
    .recipients = "jroe@jhmi.edu,ir-committee@jhmi.edu,mlopez3@jhmi.edu,"
                  "mentor@uni.example,hidden@example.net" },
  { .file = "reply-in-reply-to.eml", .parts = "1:P", .is_reply = TRUE },
  { .file = "reply-references.eml", .parts = "1:P", .is_reply = TRUE },
  { .file = "reply-subject.eml", .parts = "1:P", .is_reply = TRUE,
    .subject = "RE: Interview" },
  /* "Fwd: Re:" and an empty In-Reply-To: not a reply */
  { .file = "forward-subject.eml", .parts = "1:P", .is_reply = FALSE },
  { .file = "nul-bytes.eml", .parts = "1:P", .text = "Hello world\nBye\n" },
  { .file = "crlf.eml", .parts = "1:P", .subject = "CRLF",
    .recipients = "jroe@jhmi.edu",
    .text = "line one\nline two\nline three\n" },
  /* format=flowed; delsp=yes: flagged, text kept as sent */
  { .file = "flowed-delsp.eml", .parts = "1:P", .delsp = TRUE,
    .text = "This is a long line that was wrapp \ned by the client.\n" },
  { .file = "mbox-from-line.eml", .parts = "1:P",
    .subject = "After an mbox From line", .from = "leila.haddad@mail.example.org" },
  { .file = "headers-minimal.eml", .parts = "1:P", .no_subject = TRUE,
    .recipients = "", .text = "Just a body.\n" },
  { .file = "headers-duplicate.eml", .parts = "1:P",
    .recipients = "first@jhmi.edu,second@jhmi.edu" },
  { .file = "headers-broken.eml", .parts = "1:P", .text = "Body.\n",
    .contains = "Body." },
  /* Gmail wraps the attribution over two lines */
  { .file = "gmail-reply.eml", .parts = "1:P", .is_reply = TRUE,
    .classes = "AAAAAAAAAAQQAQQQQQQQ" },
  /* Outlook: underscores, From/Sent/To/Subject, then the old message */
  { .file = "outlook-reply.eml", .parts = "1:P", .is_reply = TRUE,
    .classes = "AAAAAAAQQQQQQQ" },
};

static char *
join_recipients (const mg_message_t *message)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < message->recipients->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, g_ptr_array_index (message->recipients, i));
    }
  return g_string_free (out, FALSE);
}

static char *
join_parts (const mg_message_t *message)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < message->parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (message->parts, i);

      g_string_append_printf (out, "%s%s:%c", i > 0 ? "," : "", part->part_id,
                              part->from_html ? 'H' : 'P');
    }
  return g_string_free (out, FALSE);
}

static char *
class_string (const mg_text_part_t *part)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < part->line_class->len; i++)
    g_string_append_c (out, "AQS"[g_array_index (part->line_class, guint8, i)]);
  return g_string_free (out, FALSE);
}

static gboolean
any_part_contains (const mg_message_t *message, const char *needle)
{
  for (guint i = 0; i < message->parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (message->parts, i);

      if (strstr (part->text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Invariants every parsed message keeps, whatever the input. */
static void
check_invariants (const mg_message_t *message)
{
  assert_non_null (message->source);
  assert_non_null (message->recipients);
  assert_non_null (message->parts);
  assert_non_null (message->problems);
  if (message->subject != NULL)
    assert_true (g_utf8_validate (message->subject, -1, NULL));
  for (guint i = 0; i < message->parts->len; i++)
    {
      const mg_text_part_t *part = g_ptr_array_index (message->parts, i);

      assert_non_null (part->text);
      assert_int_equal (strlen (part->text), part->len);
      assert_true (g_utf8_validate (part->text, (gssize) part->len, NULL));
      assert_null (strchr (part->text, '\r'));
      assert_int_equal (part->line_start->len, part->line_class->len);
    }
}

static void
test_message_case (void **state)
{
  const message_case_t *c = *state;
  g_autofree char *path = g_strconcat (DATA_DIR, c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_file (path, &error);
  g_autofree char *parts = NULL;

  if (message == NULL)
    fail_msg ("%s: %s", c->file, error->message);
  check_invariants (message);
  assert_string_equal (message->source, path);

  if (c->no_subject)
    assert_null (message->subject);
  else if (c->subject != NULL)
    {
      assert_non_null (message->subject);
      assert_string_equal (message->subject, c->subject);
    }
  if (c->from != NULL)
    {
      assert_non_null (message->from);
      assert_string_equal (message->from, c->from);
    }
  if (c->recipients != NULL)
    {
      g_autofree char *recipients = join_recipients (message);
      assert_string_equal (recipients, c->recipients);
    }
  assert_int_equal (message->is_reply, c->is_reply);

  parts = join_parts (message);
  assert_string_equal (parts, c->parts);
  if (message->parts->len > 0)
    {
      const mg_text_part_t *first = g_ptr_array_index (message->parts, 0);

      if (c->text != NULL)
        assert_string_equal (first->text, c->text);
      if (c->classes != NULL)
        {
          g_autofree char *classes = class_string (first);
          assert_string_equal (classes, c->classes);
        }
      assert_int_equal (first->delsp, c->delsp);
    }
  if (c->contains != NULL && !any_part_contains (message, c->contains))
    fail_msg ("%s: no part contains \"%s\"", c->file, c->contains);
  if (c->lacks != NULL && any_part_contains (message, c->lacks))
    fail_msg ("%s: a part contains \"%s\"", c->file, c->lacks);
}

/* --- headers in detail ------------------------------------------------------ */

static void
test_headers_plain (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_file (DATA_DIR "plain-ascii.eml", &error);

  assert_non_null (message);
  assert_string_equal (message->message_id,
                       "20261030135824.2eVE8g39RITw@lenovo-t14.mail.example.org");
  assert_non_null (message->date);
  /* Fri, 30 Oct 2026 09:58:24 -0400 */
  assert_int_equal (g_date_time_to_unix (message->date), 1793368704);
  assert_int_equal (message->problems->len, 0);
}

static void
test_headers_minimal (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_file (DATA_DIR "headers-minimal.eml", &error);

  assert_non_null (message);
  assert_null (message->message_id);
  assert_null (message->subject);
  assert_null (message->from);
  assert_null (message->date);
  assert_int_equal (message->recipients->len, 0);
  assert_false (message->is_reply);
}

static void
test_headers_problems_recorded (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_file (DATA_DIR "headers-duplicate.eml", &error);
  gboolean found = FALSE;

  assert_non_null (message);
  for (guint i = 0; i < message->problems->len; i++)
    if (strstr (g_ptr_array_index (message->problems, i), "Subject") != NULL)
      found = TRUE;
  assert_true (found);
}

static void
test_headers_broken (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_file (DATA_DIR "headers-broken.eml", &error);

  assert_non_null (message);
  check_invariants (message);
  assert_null (message->date);          /* "Date: not a date" */
  assert_true (message->problems->len > 0);
  for (guint i = 0; i < message->recipients->len; i++)
    assert_true (g_utf8_validate (g_ptr_array_index (message->recipients, i), -1, NULL));
  if (message->from != NULL)
    assert_true (g_utf8_validate (message->from, -1, NULL));
}

/* Thousands of parser complaints are capped. */
static void
test_problems_bounded (void **state)
{
  GString *data = g_string_new ("From: a@example.org\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append (data, "Subject: again\nbad header line without colon\n");
  g_string_append (data, "\nBody.\n");
  message = mg_message_parse_data (data->str, data->len, "many", &error);
  g_string_free (data, TRUE);
  assert_non_null (message);
  assert_true (message->problems->len > 0);
  assert_true (message->problems->len <= 33);
}

/* --- reply detection -------------------------------------------------------- */

static const struct {
  const char *subject;
  gboolean reply;
} reply_cases[] = {
  { "Re: Interview", TRUE },
  { "RE: Interview", TRUE },
  { "re: interview", TRUE },
  { "  Re:Interview", TRUE },
  { "Re:", TRUE },
  { "AW: Interview", TRUE },
  { "Sv: Interview", TRUE },
  { "Antw: Interview", TRUE },
  { "Odp: Interview", TRUE },
  { "RES: Entrevista", TRUE },
  { "RE : Entretien", TRUE },            /* French Outlook */
  { "Re[2]: Interview", TRUE },
  { "Re(3): Interview", TRUE },
  { "Re^2: Interview", TRUE },
  { "\xe5\x9b\x9e\xe5\xa4\x8d: Interview", TRUE },
  { "\xe7\xad\x94\xe5\xa4\x8d\xef\xbc\x9a Interview", TRUE },
  { "Fwd: Interview", FALSE },
  { "FW: Interview", FALSE },
  { "Fwd: Re: Interview", FALSE },
  { "[IR] Re: Interview", FALSE },
  { "Regarding my application", FALSE },
  { "Reschedule: interview", FALSE },
  { "Research update", FALSE },
  { "Re interview", FALSE },
  { "Re[x]: Interview", FALSE },
  { "Are: you", FALSE },
  { "", FALSE },
  { NULL, FALSE },
};

static void
test_subject_is_reply (void **state)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reply_cases); i++)
    if (mg_subject_is_reply (reply_cases[i].subject) != reply_cases[i].reply)
      fail_msg ("case %zu: mg_subject_is_reply(\"%s\") != %d", i,
                reply_cases[i].subject ? reply_cases[i].subject : "(null)",
                reply_cases[i].reply);
}

/* --- errors ----------------------------------------------------------------- */

static const struct {
  const char *path;
  int code;
  const char *message;   /* the error text */
} error_cases[] = {
  { DATA_DIR "empty.eml", MG_ERROR_DATA, "'" DATA_DIR "empty.eml' is empty" },
  { DATA_DIR "whitespace.eml", MG_ERROR_DATA, "'" DATA_DIR "whitespace.eml' is empty" },
  { DATA_DIR "plain-text.txt", MG_ERROR_DATA,
    "'" DATA_DIR "plain-text.txt' has no message header" },
  { DATA_DIR "garbage.bin", MG_ERROR_DATA, "'" DATA_DIR "garbage.bin' has no message header" },
  { DATA_DIR "leading-blank.eml", MG_ERROR_DATA,
    "'" DATA_DIR "leading-blank.eml' has no message header" },
  { DATA_DIR, MG_ERROR_NOINPUT, "'" DATA_DIR "' is a directory" },
  { DATA_DIR "does-not-exist.eml", MG_ERROR_NOINPUT,
    "cannot read '" DATA_DIR "does-not-exist.eml': No such file or directory" },
  /* not a regular file: read into memory */
  { "/dev/null", MG_ERROR_DATA, "'/dev/null' is empty" },
};

static void
test_errors (void **state)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mg_message_t) message = mg_message_parse_file (error_cases[i].path, &error);

      if (message != NULL)
        fail_msg ("%s: parsed, expected an error", error_cases[i].path);
      assert_non_null (error);
      assert_true (g_error_matches (error, MG_ERROR, error_cases[i].code));
      assert_string_equal (error->message, error_cases[i].message);
    }
}

/* A file the caller opened (a maildir's message): the same message or
 * the same error as by its path, and the descriptor closed either way. */
static void
test_parse_fd (void **state)
{
  const char *const parsed[] = { DATA_DIR "plain-ascii.eml", DATA_DIR "headers-duplicate.eml" };

  for (gsize i = 0; i < G_N_ELEMENTS (parsed) + G_N_ELEMENTS (error_cases); i++)
    {
      const char *path = i < G_N_ELEMENTS (parsed) ? parsed[i] : error_cases[i - G_N_ELEMENTS (parsed)].path;
      g_autoptr(GError) by_path_error = NULL;
      g_autoptr(GError) by_fd_error = NULL;
      g_autoptr(mg_message_t) by_path = mg_message_parse_file (path, &by_path_error);
      g_autoptr(mg_message_t) by_fd = NULL;
      struct stat st;
      int fd = open (path, O_RDONLY | O_CLOEXEC);

      if (fd < 0)
        continue;   /* what cannot be opened is parsed by path */
      assert_int_equal (fstat (fd, &st), 0);
      by_fd = mg_message_parse_fd (fd, &st, path, &by_fd_error);
      assert_int_equal (fcntl (fd, F_GETFD), -1);
      assert_int_equal (by_fd == NULL, by_path == NULL);
      if (by_path == NULL)
        {
          assert_string_equal (by_fd_error->message, by_path_error->message);
          assert_int_equal (by_fd_error->code, by_path_error->code);
          continue;
        }
      assert_string_equal (by_fd->subject, by_path->subject);
      assert_string_equal (by_fd->source, by_path->source);
      assert_int_equal (by_fd->parts->len, by_path->parts->len);
      assert_string_equal (((mg_text_part_t *) g_ptr_array_index (by_fd->parts, 0))->text,
                           ((mg_text_part_t *) g_ptr_array_index (by_path->parts, 0))->text);
    }
}

static const struct {
  const char *data;
  gsize len;
  int code;
} data_error_cases[] = {
  { "", 0, MG_ERROR_DATA },
  { " \r\n\t\n", 5, MG_ERROR_DATA },
  { "\0\0\0\0", 4, MG_ERROR_DATA },
  { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, MG_ERROR_DATA },
  { "From a@b Mon Jan  1 00:00:00 2026\n", 34, MG_ERROR_DATA },
  { "From a@b Mon Jan  1 00:00:00 2026\nHello world\n", 46, MG_ERROR_DATA },
  { "no colon here\nSubject: x\n\n", 26, MG_ERROR_DATA },
  { ": no name\n\nbody\n", 16, MG_ERROR_DATA },
  { " Subject: folded first\n\n", 24, MG_ERROR_DATA },
};

static void
test_data_errors (void **state)
{
  for (gsize i = 0; i < G_N_ELEMENTS (data_error_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mg_message_t) message =
        mg_message_parse_data (data_error_cases[i].data, data_error_cases[i].len,
                               "input", &error);

      if (message != NULL)
        fail_msg ("case %zu: parsed, expected an error", i);
      assert_true (g_error_matches (error, MG_ERROR, data_error_cases[i].code));
    }
}

/* A header line is enough, even without a body or a newline. */
static void
test_data_minimal_ok (void **state)
{
  static const char *const inputs[] = {
    "Subject: only a header",
    "Subject: x\n",
    "X-A:b\n\nbody",
    "From a@b Mon Jan  1 00:00:00 2026\nSubject: mbox\n\nbody\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(mg_message_t) message =
        mg_message_parse_data (inputs[i], strlen (inputs[i]), NULL, &error);

      if (message == NULL)
        fail_msg ("case %zu: %s", i, error->message);
      check_invariants (message);
      assert_string_equal (message->source, "-");
    }
}

/* Redirects standard input to @path for one parse of "-". */
static mg_message_t *
parse_stdin_from (const char *path, GError **error)
{
  int saved = dup (STDIN_FILENO);
  int fd = open (path, O_RDONLY);
  mg_message_t *message;

  assert_true (saved >= 0 && fd >= 0);
  assert_int_equal (dup2 (fd, STDIN_FILENO), STDIN_FILENO);
  close (fd);
  message = mg_message_parse_file ("-", error);
  assert_int_equal (dup2 (saved, STDIN_FILENO), STDIN_FILENO);
  close (saved);
  return message;
}

static void
test_stdin (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = parse_stdin_from (DATA_DIR "latin1-8bit.eml", &error);
  g_autoptr(mg_message_t) empty = NULL;

  assert_non_null (message);
  assert_string_equal (message->source, "-");
  assert_string_equal (message->subject, "Latin-1");
  assert_int_equal (message->parts->len, 1);

  empty = parse_stdin_from (DATA_DIR "empty.eml", &error);
  assert_null (empty);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
  assert_string_equal (error->message, "standard input is empty");
}

/* Files over the in-memory limit (1 MiB) are parsed from the file. */
static void
test_large_files (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-test-message-XXXXXX", &error);
  g_autofree char *big = NULL, *blank = NULL, *junk = NULL;
  g_autoptr(GString) data = g_string_new (
    "From: a@example.org\nTo: b@example.org\nSubject: large\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"m\"\n\n"
    "--m\nContent-Type: text/plain\n\nLarge message body.\n"
    "--m\nContent-Type: application/octet-stream\n"
    "Content-Disposition: attachment; filename=\"big.bin\"\n"
    "Content-Transfer-Encoding: base64\n\n");
  g_autoptr(mg_message_t) message = NULL;
  g_autoptr(mg_message_t) none = NULL;
  const mg_text_part_t *part;

  assert_non_null (dir);
  big = g_build_filename (dir, "big.eml", NULL);
  blank = g_build_filename (dir, "blank.eml", NULL);
  junk = g_build_filename (dir, "junk.eml", NULL);

  while (data->len < 1536 * 1024)
    g_string_append (data, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n");
  g_string_append (data, "--m--\n");
  assert_true (g_file_set_contents (big, data->str, (gssize) data->len, &error));
  message = mg_message_parse_file (big, &error);
  assert_non_null (message);
  check_invariants (message);
  assert_string_equal (message->subject, "large");
  assert_int_equal (message->parts->len, 1);
  part = g_ptr_array_index (message->parts, 0);
  assert_string_equal (part->part_id, "1");
  assert_string_equal (part->text, "Large message body.");

  g_string_truncate (data, 0);
  while (data->len < 1200 * 1024)
    g_string_append (data, "        \n\t\r\n");
  assert_true (g_file_set_contents (blank, data->str, (gssize) data->len, &error));
  none = mg_message_parse_file (blank, &error);
  assert_null (none);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
  assert_non_null (strstr (error->message, "is empty"));
  g_clear_error (&error);

  /* white space beyond the first read, then text: no header */
  g_string_append (data, "Subject: too late\n\n");
  assert_true (g_file_set_contents (junk, data->str, (gssize) data->len, &error));
  none = mg_message_parse_file (junk, &error);
  assert_null (none);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
  assert_non_null (strstr (error->message, "has no message header"));

  g_unlink (big);
  g_unlink (blank);
  g_unlink (junk);
  g_rmdir (dir);
}

/* mg_message_parse_next() over a mailbox, with problems recorded. */
static void
test_parse_next_mbox (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMimeStream) stream = g_mime_stream_fs_open (DATA_DIR "mailbox.mbox", O_RDONLY, 0, &error);
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(mg_message_t) first = NULL;
  g_autoptr(mg_message_t) second = NULL;
  g_autoptr(mg_message_t) none = NULL;
  const mg_text_part_t *part;

  assert_non_null (stream);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

  first = mg_message_parse_next (parser, "mailbox#1", &error);
  assert_non_null (first);
  assert_string_equal (first->source, "mailbox#1");
  assert_string_equal (first->subject, "First");
  part = g_ptr_array_index (first->parts, 0);
  assert_string_equal (part->text, "First body.\n>From the mbox.\n");

  second = mg_message_parse_next (parser, "mailbox#2", &error);
  assert_non_null (second);
  assert_string_equal (second->recipients->pdata[0], "mlopez3@jhmi.edu");
  assert_true (second->problems->len > 0);
  part = g_ptr_array_index (second->parts, 0);
  assert_string_equal (part->text, "Second body, caf\xc3\xa9.\n");

  assert_true (g_mime_parser_eos (parser));
  none = mg_message_parse_next (parser, "mailbox#3", &error);
  assert_null (none);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
}

/* --- hostile structure ------------------------------------------------------ */

/* A message of @depth nested multipart/mixed with a text/plain leaf. */
static GString *
nested_message (int depth)
{
  GString *data = g_string_new ("From: a@example.org\nSubject: deep\n"
                                "MIME-Version: 1.0\n");

  g_string_append (data, "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
  for (int i = 1; i < depth; i++)
    g_string_append_printf (data, "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n",
                            i - 1, i);
  g_string_append_printf (data, "--b%d\nContent-Type: text/plain\n\ndeep text\n", depth - 1);
  for (int i = depth - 1; i >= 0; i--)
    g_string_append_printf (data, "--b%d--\n", i);
  return data;
}

static void
test_nesting_10000 (void **state)
{
  GString *data = nested_message (10000);
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = mg_message_parse_data (data->str, data->len, "deep", &error);

  g_string_free (data, TRUE);
  assert_non_null (message);
  check_invariants (message);
  assert_string_equal (message->subject, "deep");
  assert_int_equal (message->parts->len, 0);
  assert_true (message->problems->len > 0);
}

static void
test_nesting_limit (void **state)
{
  GString *inside = nested_message (63);
  GString *beyond = nested_message (64);
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) ok = mg_message_parse_data (inside->str, inside->len, "63", &error);
  g_autoptr(mg_message_t) deep = mg_message_parse_data (beyond->str, beyond->len, "64", &error);
  g_autoptr(GString) id = g_string_new ("1");
  const mg_text_part_t *part;
  gboolean found = FALSE;

  g_string_free (inside, TRUE);
  g_string_free (beyond, TRUE);
  for (int i = 1; i < 63; i++)
    g_string_append (id, ".1");

  assert_non_null (ok);
  assert_int_equal (ok->parts->len, 1);
  part = g_ptr_array_index (ok->parts, 0);
  assert_string_equal (part->part_id, id->str);
  assert_string_equal (part->text, "deep text");  /* the newline belongs to the boundary */

  assert_non_null (deep);
  assert_int_equal (deep->parts->len, 0);
  for (guint i = 0; i < deep->problems->len; i++)
    if (strstr (g_ptr_array_index (deep->problems, i), "deeper than 64") != NULL)
      found = TRUE;
  assert_true (found);
}

/* Text is read up to 256 KiB per message, all parts together: a 3 MB
 * base64 text part is cut after a line break within the budget (its start
 * decoded as usual), a later text part is not read, and a problem says
 * so; a message under the budget is whole. */
static void
test_text_budget (void **state)
{
  GString *body = g_string_new ("Dear Dr. Roe,\nI intend to rank your program first.\n");
  GString *data = g_string_new ("From: a@example.org\nSubject: long\nMIME-Version: 1.0\n"
                                "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
                                "--B\nContent-Type: text/plain; charset=iso-8859-1\n"
                                "Content-Transfer-Encoding: base64\n\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = NULL;
  g_autoptr(mg_message_t) small = NULL;
  g_autofree char *encoded = NULL;
  const mg_text_part_t *part;
  gboolean found = FALSE;

  while (body->len < 3 * 1024 * 1024)
    g_string_append (body, "caf\xe9 lorem ipsum dolor sit amet, a line of padding text\n");
  encoded = g_base64_encode ((const guchar *) body->str, body->len);
  for (gsize i = 0, n = strlen (encoded); i < n; i += 76)
    g_string_append_printf (data, "%.76s\n", encoded + i);
  g_string_append (data, "--B\nContent-Type: text/plain\n\nsecond part\n--B--\n");

  message = mg_message_parse_data (data->str, data->len, "long", &error);
  assert_non_null (message);
  assert_int_equal (message->parts->len, 1);
  part = g_ptr_array_index (message->parts, 0);
  assert_true (part->len <= 256 * 1024 + 16 * 1024);   /* e9 became two bytes */
  assert_true (part->len > 200 * 1024);
  assert_int_equal (part->text[part->len - 1], '\n');
  assert_true (g_str_has_prefix (part->text, "Dear Dr. Roe,\nI intend"));
  assert_non_null (strstr (part->text, "caf\xc3\xa9 lorem"));
  for (guint i = 0; i < message->problems->len; i++)
    if (strstr (g_ptr_array_index (message->problems, i), "256 KiB") != NULL)
      found = TRUE;
  assert_true (found);

  g_string_truncate (body, 100 * 1024);
  g_string_printf (data, "From: a@example.org\nSubject: short\n\n%s", body->str);
  small = mg_message_parse_data (data->str, data->len, "short", &error);
  assert_non_null (small);
  assert_int_equal (small->parts->len, 1);
  part = g_ptr_array_index (small->parts, 0);
  assert_int_equal (part->len, strlen (part->text));
  assert_true (part->len >= 100 * 1024);   /* whole (Latin-1 guessed, so longer) */
  g_string_free (body, TRUE);
  g_string_free (data, TRUE);
}

/* A 1 MB Subject is kept to its first 1024 bytes, cut at a character
 * boundary (no U+FFFD from a cut UTF-8 sequence), with a problem. */
static void
test_subject_budget (void **state)
{
  GString *data = g_string_new ("From: a@example.org\nSubject: ");
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message = NULL;
  gboolean found = FALSE;

  g_string_append (data, "xxx");   /* so that a 2-byte character straddles byte 1024 */
  while (data->len < 1024 * 1024)
    g_string_append (data, "\xc3\xa9t\xc3\xa9 ");
  g_string_append (data, "\n\nBody.\n");
  message = mg_message_parse_data (data->str, data->len, "subject", &error);
  g_string_free (data, TRUE);
  assert_non_null (message);
  assert_true (strlen (message->subject) <= 1024);
  assert_true (strlen (message->subject) > 1000);
  assert_true (g_str_has_prefix (message->subject, "xxx\xc3\xa9t\xc3\xa9 "));
  assert_null (strstr (message->subject, "\xef\xbf\xbd"));
  for (guint i = 0; i < message->problems->len; i++)
    if (strstr (g_ptr_array_index (message->problems, i), "Subject of") != NULL)
      found = TRUE;
  assert_true (found);
}

/* NUL bytes in headers and bodies never end the analysis early. */
static void
test_nul_everywhere (void **state)
{
  static const char data[] =
    "From: a\0b@example.org\nTo: c@example.org, d\0@example.org\n"
    "Subject: NUL\0in subject\nContent-Type: text/plain; charset=utf-8\n\n"
    "one\0two\r\n\0three\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_message_t) message =
    mg_message_parse_data (data, sizeof data - 1, "nul", &error);
  const mg_text_part_t *part;

  assert_non_null (message);
  check_invariants (message);
  assert_int_equal (message->parts->len, 1);
  part = g_ptr_array_index (message->parts, 0);
  assert_string_equal (part->text, "onetwo\nthree\n");
}

/* mg_message_new() on a message parsed by the caller. */
static void
test_message_new (void **state)
{
  static const char data[] = "From: A <A@Example.org>\nTo: b@example.org\n"
                             "Subject: Aw: hello\n\nHi.\n";
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) gmessage = NULL;
  g_autoptr(mg_message_t) message = NULL;
  const mg_text_part_t *part;

  mg_gmime_init ();
  stream = g_mime_stream_mem_new_with_buffer (data, sizeof data - 1);
  parser = g_mime_parser_new_with_stream (stream);
  gmessage = g_mime_parser_construct_message (parser, NULL);
  assert_non_null (gmessage);
  message = mg_message_new (gmessage, "given");
  assert_string_equal (message->source, "given");
  assert_string_equal (message->from, "a@example.org");
  assert_true (message->is_reply);
  assert_int_equal (message->parts->len, 1);
  part = g_ptr_array_index (message->parts, 0);
  assert_string_equal (part->part_id, "1");
  assert_string_equal (part->text, "Hi.\n");
  mg_message_free (NULL);
}

/* A message's digest is the SHA-256 of its header block and text, the
 * same for the same bytes; after mg_message_skip_digests() (audit) there
 * is none.  Last: the switch is for the rest of the process. */
static void
test_skip_digests (void **state)
{
  static const char text[] = "From: a@example.org\nTo: b@example.org\nSubject: Hi\n\nHello.\n";
  g_autoptr (mg_message_t) one = mg_message_parse_data (text, sizeof text - 1, NULL, NULL);
  g_autoptr (mg_message_t) two = mg_message_parse_data (text, sizeof text - 1, NULL, NULL);
  g_autoptr (mg_message_t) skipped = NULL;

  assert_non_null (one);
  assert_non_null (one->digest);
  assert_int_equal (strlen (one->digest), 64);
  assert_string_equal (one->digest, two->digest);
  mg_message_skip_digests ();
  skipped = mg_message_parse_data (text, sizeof text - 1, NULL, NULL);
  assert_non_null (skipped);
  assert_null (skipped->digest);
  assert_string_equal (skipped->subject, "Hi");
}

int
main (void)
{
  g_autoptr(GArray) tests = g_array_new (FALSE, TRUE, sizeof (struct CMUnitTest));
  static const struct CMUnitTest fixed[] = {
    cmocka_unit_test (test_headers_plain),
    cmocka_unit_test (test_headers_minimal),
    cmocka_unit_test (test_headers_problems_recorded),
    cmocka_unit_test (test_headers_broken),
    cmocka_unit_test (test_problems_bounded),
    cmocka_unit_test (test_subject_is_reply),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_parse_fd),
    cmocka_unit_test (test_data_errors),
    cmocka_unit_test (test_data_minimal_ok),
    cmocka_unit_test (test_stdin),
    cmocka_unit_test (test_large_files),
    cmocka_unit_test (test_parse_next_mbox),
    cmocka_unit_test (test_nesting_10000),
    cmocka_unit_test (test_nesting_limit),
    cmocka_unit_test (test_nul_everywhere),
    cmocka_unit_test (test_text_budget),
    cmocka_unit_test (test_subject_budget),
    cmocka_unit_test (test_message_new),
    cmocka_unit_test (test_skip_digests),   /* last: it switches digests off */
  };

  mg_gmime_init ();
  for (gsize i = 0; i < G_N_ELEMENTS (message_cases); i++)
    {
      struct CMUnitTest test = {
        message_cases[i].file, test_message_case, NULL, NULL,
        (void *) &message_cases[i],
      };
      g_array_append_val (tests, test);
    }
  g_array_append_vals (tests, fixed, G_N_ELEMENTS (fixed));
  return _cmocka_run_group_tests ("message", (const struct CMUnitTest *) (void *) tests->data,
                                  tests->len, NULL, NULL);
}
