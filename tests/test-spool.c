/* test-spool.c - reading the message whole, in memory or in a private
 * spool file, the header checks, the X-Matchguard-Override ranges and the
 * byte-exact write back. */
#define _GNU_SOURCE 1   /* memfd_create */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-spool.h"

/* The private $TMPDIR of this test (set before GLib caches it). */
static char *tmpdir;

/* A descriptor at offset 0 holding @len bytes; no file in any folder. */
static int
input_fd (const char *data, gsize len)
{
  int fd = memfd_create ("test-spool-input", MFD_CLOEXEC);
  const char *p = data;
  gsize left = len;

  assert_true (fd >= 0);
  while (left > 0)
    {
      gssize n = write (fd, p, left);
      assert_true (n > 0);
      p += n;
      left -= (gsize) n;
    }
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  return fd;
}

static mg_spool_t *
spool_from (const char *data, gsize len, gsize limit)
{
  g_autoptr (GError) error = NULL;
  int fd = input_fd (data, len);
  mg_spool_t *spool = mg_spool_read_limit (fd, limit, &error);

  close (fd);
  if (spool == NULL)
    fail_msg ("mg_spool_read_limit: %s", error->message);
  assert_int_equal (mg_spool_size (spool), len);
  return spool;
}

/* What mg_spool_write() writes, as a byte array. */
static GByteArray *
written (mg_spool_t *spool, gboolean strip)
{
  g_autoptr (GError) error = NULL;
  GByteArray *out = g_byte_array_new ();
  int fd = memfd_create ("test-spool-output", MFD_CLOEXEC);
  guint8 buf[65536];
  gssize n;

  assert_true (fd >= 0);
  if (!mg_spool_write (spool, fd, strip, &error))
    fail_msg ("mg_spool_write: %s", error->message);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_byte_array_append (out, buf, (guint) n);
  close (fd);
  return out;
}

static void
assert_bytes_equal (const GByteArray *got, const char *want, gsize want_len)
{
  if (got->len != want_len || memcmp (got->data, want, want_len) != 0)
    {
      g_autofree char *a = g_strndup ((const char *) got->data, got->len);
      fail_msg ("wrote %u bytes \"%s\", expected %zu bytes \"%s\"", got->len, a, want_len,
                want);
    }
}

/* Entries of the test's $TMPDIR. */
static guint
tmpdir_entries (void)
{
  DIR *dir = opendir (tmpdir);
  struct dirent *entry;
  guint n = 0;

  assert_non_null (dir);
  while ((entry = readdir (dir)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      n++;
  closedir (dir);
  return n;
}

static const char simple[] =
  "From: Alice <alice@example.org>\n"
  "To: ir-residency@jhmi.edu\n"
  "Subject: Thank you\n"
  "\n"
  "Dear Dr. Roe,\n"
  "X-Matchguard-Override: not a header, body text\n";

static void
test_memory_round_trip (void **state)
{
  g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GByteArray) out = NULL;
  gsize header_len;
  const char *header = mg_spool_header (spool, &header_len);

  assert_true (mg_spool_in_memory (spool));
  assert_int_equal (mg_spool_fd (spool), -1);
  assert_true (mg_spool_check (spool, NULL));
  assert_int_equal (header_len, strstr (simple, "\n\n") + 1 - simple);
  assert_memory_equal (header, simple, header_len);
  assert_int_equal (mg_spool_override_ranges (spool)->len, 0);
  assert_int_equal (mg_spool_overrides (spool)->len, 0);

  out = written (spool, TRUE);
  assert_bytes_equal (out, simple, strlen (simple));
}

/* A message twice the limit (and a 2 MiB one) goes to a spool file of mode
 * 0600 that never shows in $TMPDIR, and comes back byte for byte. */
static void
test_large_message_uses_private_file (void **state)
{
  GString *text = g_string_new ("From: alice@example.org\r\n"
                                "X-Matchguard-Override: too-long\r\n"
                                "Subject: big\r\n"
                                "Content-Type: text/plain\r\n"
                                "\r\n");
  g_autoptr (GByteArray) out = NULL;
  g_autoptr (GByteArray) raw = NULL;
  mg_spool_t *spool;
  struct stat st;
  guint i;
  int fd;

  for (i = 0; text->len < 2 * 1024 * 1024; i++)
    g_string_append_printf (text, "line %u of a long message, with a NUL \\0 byte: \x01\r\n", i);
  g_string_append_c (text, '\0');
  g_string_append (text, "after a NUL\r\n");

  assert_int_equal (tmpdir_entries (), 0);
  spool = spool_from (text->str, text->len, MG_SPOOL_MEMORY_LIMIT);
  assert_false (mg_spool_in_memory (spool));
  fd = mg_spool_fd (spool);
  assert_true (fd >= 0);
  assert_int_equal (fstat (fd, &st), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0600);
  assert_int_equal ((guint64) st.st_size, text->len);
  assert_true (fcntl (fd, F_GETFD) & FD_CLOEXEC);
  assert_int_equal (tmpdir_entries (), 0);      /* no name, even while it exists */

  assert_true (mg_spool_check (spool, NULL));
  assert_int_equal (mg_spool_overrides (spool)->len, 1);
  assert_string_equal (g_ptr_array_index (mg_spool_overrides (spool), 0), "too-long");

  raw = written (spool, FALSE);
  assert_bytes_equal (raw, text->str, text->len);
  out = written (spool, TRUE);
  assert_int_equal (out->len, text->len - strlen ("X-Matchguard-Override: too-long\r\n"));
  assert_memory_equal (out->data, "From: alice@example.org\r\nSubject: big\r\n", 39);
  assert_memory_equal (out->data + 39, text->str + 39 + 33, text->len - 39 - 33);

  mg_spool_free (spool);
  assert_int_equal (fcntl (fd, F_GETFD), -1);   /* closed */
  assert_int_equal (errno, EBADF);
  assert_int_equal (tmpdir_entries (), 0);
  g_string_free (text, TRUE);
}

/* Limit 0: always a file, also for a small message (and an empty one). */
static void
test_limit_zero_always_file (void **state)
{
  g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), 0);
  g_autoptr (mg_spool_t) empty = spool_from ("", 0, 0);
  g_autoptr (GByteArray) out = NULL;
  gsize header_len;
  const char *header = mg_spool_header (spool, &header_len);

  assert_false (mg_spool_in_memory (spool));
  assert_true (mg_spool_has_header (spool));
  assert_memory_equal (header, simple, header_len);
  assert_int_equal (header_len, strstr (simple, "\n\n") + 1 - simple);
  out = written (spool, TRUE);
  assert_bytes_equal (out, simple, strlen (simple));

  assert_false (mg_spool_in_memory (empty));
  assert_true (mg_spool_is_empty (empty));
  assert_int_equal (tmpdir_entries (), 0);
}

/* GMime parses the spool, from the start each time it is asked. */
static void
test_stream_parses (void **state)
{
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 0 };
  gsize i;
  int round;

  for (i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), limits[i]);

      for (round = 0; round < 2; round++)
        {
          GMimeStream *stream = mg_spool_stream (spool);
          g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
          g_autoptr (GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);

          assert_non_null (message);
          assert_string_equal (g_mime_message_get_subject (message), "Thank you");
        }
      /* the stream read the file; writing back still starts at byte 0 */
      {
        g_autoptr (GByteArray) out = written (spool, FALSE);
        assert_bytes_equal (out, simple, strlen (simple));
      }
    }
}

/* X-Matchguard-Override fields: input, what the relay gets, the values. */
static const struct {
  const char *input;
  const char *stripped;
  const char *values;   /* joined with '|' */
} override_cases[] = {
  { "X-Matchguard-Override: too-long\nFrom: a@x\n\nbody\n",
    "From: a@x\n\nbody\n", "too-long" },
  { "From: a@x\nX-Matchguard-Override: too-long\nSubject: s\n\nbody\n",
    "From: a@x\nSubject: s\n\nbody\n", "too-long" },
  { "From: a@x\nSubject: s\nX-Matchguard-Override: too-long\n\nbody\n",
    "From: a@x\nSubject: s\n\nbody\n", "too-long" },
  /* folded, LF and CRLF */
  { "From: a@x\nX-Matchguard-Override: followup-limit,\n  too-long\nSubject: s\n\nbody\n",
    "From: a@x\nSubject: s\n\nbody\n", "followup-limit,  too-long" },
  { "From: a@x\r\nX-Matchguard-Override: followup-limit,\r\n\ttoo-long\r\nSubject: s\r\n\r\nbody\r\n",
    "From: a@x\r\nSubject: s\r\n\r\nbody\r\n", "followup-limit,\ttoo-long" },
  { "From: a@x\r\nX-Matchguard-Override: too-long\r\n\r\nbody\r\n",
    "From: a@x\r\n\r\nbody\r\n", "too-long" },
  /* twice */
  { "X-Matchguard-Override: a\nFrom: a@x\nX-Matchguard-Override: b\n\nbody\n",
    "From: a@x\n\nbody\n", "a|b" },
  { "From: a@x\nX-Matchguard-Override: a\nX-Matchguard-Override: b\n c\n\nbody\n",
    "From: a@x\n\nbody\n", "a|b c" },
  /* none */
  { "From: a@x\nSubject: s\n\nbody\n", "From: a@x\nSubject: s\n\nbody\n", "" },
  /* any case, blanks before the colon, empty value */
  { "From: a@x\nx-matchguard-OVERRIDE : too-long \nTo: b@x\n\nbody\n",
    "From: a@x\nTo: b@x\n\nbody\n", "too-long" },
  { "From: a@x\nX-Matchguard-Override:\n\nbody\n", "From: a@x\n\nbody\n", "" },
  /* not this field */
  { "From: a@x\nX-Matchguard-Overrides: x\nX-Matchguard: y\n\nbody\n",
    "From: a@x\nX-Matchguard-Overrides: x\nX-Matchguard: y\n\nbody\n", "" },
  /* only in the body: text, left alone */
  { "From: a@x\n\nX-Matchguard-Override: too-long\n",
    "From: a@x\n\nX-Matchguard-Override: too-long\n", "" },
  { "From: a@x\r\n\r\nX-Matchguard-Override: too-long\r\n",
    "From: a@x\r\n\r\nX-Matchguard-Override: too-long\r\n", "" },
  { "From: a@x\nX-Matchguard-Override: a\n\nX-Matchguard-Override: b\n",
    "From: a@x\n\nX-Matchguard-Override: b\n", "a" },
  /* last line of a message without body or final newline */
  { "From: a@x\nX-Matchguard-Override: too-long", "From: a@x\n", "too-long" },
  /* a continuation of the field before is not the next field */
  { "Subject: a\n X-Matchguard-Override: x\n\nbody\n",
    "Subject: a\n X-Matchguard-Override: x\n\nbody\n", "" },
  /* after a line that is no field GMime goes on reading fields */
  { "From: a@x\nnot a field\nX-Matchguard-Override: x\n\nbody\n",
    "From: a@x\nnot a field\n\nbody\n", "x" },
  /* a white-space line continues the field (GMime), it does not end the header */
  { "From: a@x\n \nX-Matchguard-Override: x\n\nbody\n",
    "From: a@x\n \n\nbody\n", "x" },
  /* an mbox From line first */
  { "From a@x Mon Jan  1 00:00:00 2027\nX-Matchguard-Override: x\nFrom: a@x\n\nbody\n",
    "From a@x Mon Jan  1 00:00:00 2027\nFrom: a@x\n\nbody\n", "x" },
  /* NUL bytes in the body are written back */
  { "From: a@x\nX-Matchguard-Override: x\n\nNUL\0here\n", "From: a@x\n\nNUL\0here\n", "x" },
};

static gsize
case_length (const char *text, gboolean nul_case)
{
  /* the NUL case: count to the final newline after the NUL */
  return nul_case ? strlen (text) + 1 + strlen (text + strlen (text) + 1) : strlen (text);
}

static void
test_override_ranges (void **state)
{
  gsize i, k;
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 0 };

  for (k = 0; k < G_N_ELEMENTS (limits); k++)
    for (i = 0; i < G_N_ELEMENTS (override_cases); i++)
      {
        gboolean nul = i == G_N_ELEMENTS (override_cases) - 1;
        gsize in_len = case_length (override_cases[i].input, nul);
        gsize out_len = case_length (override_cases[i].stripped, nul);
        g_autoptr (mg_spool_t) spool = spool_from (override_cases[i].input, in_len, limits[k]);
        g_autoptr (GByteArray) raw = written (spool, FALSE);
        g_autoptr (GByteArray) out = written (spool, TRUE);
        GPtrArray *values = mg_spool_overrides (spool);
        g_autoptr (GString) joined = g_string_new (NULL);
        guint j;

        assert_true (mg_spool_check (spool, NULL));
        if (raw->len != in_len || memcmp (raw->data, override_cases[i].input, in_len) != 0)
          fail_msg ("case %zu/%zu: unstripped copy differs", k, i);
        if (out->len != out_len || memcmp (out->data, override_cases[i].stripped, out_len) != 0)
          {
            g_autofree char *got = g_strndup ((const char *) out->data, out->len);
            fail_msg ("case %zu/%zu: wrote \"%s\", expected \"%s\"", k, i, got,
                      override_cases[i].stripped);
          }
        for (j = 0; j < values->len; j++)
          g_string_append_printf (joined, "%s%s", j > 0 ? "|" : "",
                                  (const char *) g_ptr_array_index (values, j));
        if (values->len == 0 && *override_cases[i].values == '\0')
          ;
        else if (values->len == 1 && *override_cases[i].values == '\0')
          assert_string_equal (joined->str, "");
        else if (strcmp (joined->str, override_cases[i].values) != 0)
          fail_msg ("case %zu/%zu: values \"%s\", expected \"%s\"", k, i, joined->str,
                    override_cases[i].values);
        assert_int_equal (mg_spool_override_ranges (spool)->len, values->len);
        for (j = 0; j < mg_spool_override_ranges (spool)->len; j++)
          {
            mg_spool_range_t *r = &g_array_index (mg_spool_override_ranges (spool),
                                                  mg_spool_range_t, j);
            assert_true (r->start < r->end);
            assert_true (g_ascii_strncasecmp (override_cases[i].input + r->start,
                                              "X-Matchguard-Override", 21) == 0);
          }
      }
}

/* Empty, no header, or a message (SPEC 2: EX_DATAERR for the first two). */
enum { EMPTY, NO_HEADER, MESSAGE };

static const struct {
  const char *input;
  gsize len;            /* 0: strlen */
  int expected;
} header_cases[] = {
  { "", 0, EMPTY },
  { " \t\r\n\n  \r\n", 0, EMPTY },
  { "\n\n\n", 0, EMPTY },
  { "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", 20, NO_HEADER },
  { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NO_HEADER },
  { "\0\0\0\0Subject: x\n", 15, NO_HEADER },
  { "\xff\xfe" "F\0r\0o\0m\0:\0", 12, NO_HEADER },
  { "Hello, this is just some text.\nNo header here.\n", 0, NO_HEADER },
  { "Dear Dr. Roe: I am writing\n", 0, NO_HEADER },   /* a space in the "name" */
  { "\nSubject: x\n\nbody\n", 0, NO_HEADER },           /* a blank line first */
  { "  Subject: x\n\nbody\n", 0, NO_HEADER },
  { ": value\n", 0, NO_HEADER },
  { "From a@x Mon Jan  1 00:00:00 2027\n", 0, NO_HEADER },
  { "From a@x Mon Jan  1 00:00:00 2027", 0, NO_HEADER },
  { "From a@x Mon Jan  1 00:00:00 2027\n\nbody\n", 0, NO_HEADER },
  { "From a@x Mon Jan  1 00:00:00 2027\nSubject: x\n\nbody\n", 0, MESSAGE },
  { "Subject: x", 0, MESSAGE },
  { "Subject : x\n\nbody\n", 0, MESSAGE },
  { "X-Any.Name_1: \n", 0, MESSAGE },
  { "Subject: x\r\n\r\nbody\r\n", 0, MESSAGE },
  { "Subject: x\n\nbody with \0 NUL\n", 28, MESSAGE },
};

static void
test_empty_and_no_header (void **state)
{
  gsize i, k;
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 0 };

  for (k = 0; k < G_N_ELEMENTS (limits); k++)
    for (i = 0; i < G_N_ELEMENTS (header_cases); i++)
      {
        gsize len = header_cases[i].len ? header_cases[i].len : strlen (header_cases[i].input);
        g_autoptr (mg_spool_t) spool = spool_from (header_cases[i].input, len, limits[k]);
        g_autoptr (GError) error = NULL;
        g_autoptr (GByteArray) out = written (spool, TRUE);
        gboolean ok = mg_spool_check (spool, &error);

        if (out->len != len || (len > 0 && memcmp (out->data, header_cases[i].input, len) != 0))
          fail_msg ("case %zu/%zu: not written back as read", k, i);
        switch (header_cases[i].expected)
          {
          case EMPTY:
            if (!mg_spool_is_empty (spool) || mg_spool_has_header (spool) || ok)
              fail_msg ("case %zu/%zu: expected empty", k, i);
            assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
            assert_string_equal (error->message, "empty message on standard input");
            break;
          case NO_HEADER:
            if (mg_spool_is_empty (spool) || mg_spool_has_header (spool) || ok)
              fail_msg ("case %zu/%zu: expected no header", k, i);
            assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_DATA));
            assert_string_equal (error->message, "standard input holds no message header");
            break;
          default:
            if (mg_spool_is_empty (spool) || !mg_spool_has_header (spool) || !ok)
              fail_msg ("case %zu/%zu: expected a message", k, i);
            break;
          }
      }
}

/* The mbox From line is part of the header block, which ends before the
 * first empty line; without one, the header block is everything. */
static void
test_header_block (void **state)
{
  const char *with_from = "From a@x Mon\nSubject: x\n\nbody\n";
  const char *headers_only = "Subject: x\nTo: y@x\n";
  g_autoptr (mg_spool_t) a = spool_from (with_from, strlen (with_from), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (mg_spool_t) b = spool_from (headers_only, strlen (headers_only), 0);
  gsize len;

  mg_spool_header (a, &len);
  assert_int_equal (len, strlen ("From a@x Mon\nSubject: x\n"));
  assert_memory_equal (mg_spool_header (b, &len), headers_only, strlen (headers_only));
  assert_int_equal (len, strlen (headers_only));
}

/* A spooled message's header block is read in steps that start at 4 KiB
 * and double: its end found wherever it falls against them, with LF and
 * CRLF line ends (the blank line split between two reads). */
static void
test_header_block_across_reads (void **state)
{
  static const gsize ends[] = { 100, 4094, 4095, 4096, 4097, 4098, 12286, 12287, 12288, 12289,
                                28671, 28672, 28673, 61439, 61440, 61441, 200000 };
  gsize i;
  int crlf;

  for (crlf = 0; crlf <= 1; crlf++)
    for (i = 0; i < G_N_ELEMENTS (ends); i++)
      {
        const char *eol = crlf ? "\r\n" : "\n";
        g_autoptr (GString) text = g_string_new ("Subject: x");
        g_autoptr (mg_spool_t) spool = NULL;
        gsize header_len, len;

        g_string_append (text, eol);
        /* an X-Pad field that brings the header block (through the line
         * end of its last field) to ends[i] bytes */
        g_string_append (text, "X-Pad: ");
        while (text->len + strlen (eol) < ends[i])
          g_string_append_c (text, 'a');
        g_string_append (text, eol);
        header_len = text->len;
        g_string_append (text, eol);
        g_string_append (text, "body");
        g_string_append (text, eol);
        spool = spool_from (text->str, text->len, 0);
        mg_spool_header (spool, &len);
        if (len != header_len)
          fail_msg ("%s, header of %zu bytes: found %zu", crlf ? "CRLF" : "LF", header_len, len);
      }
}

/* A pipe that delivers the message in small pieces (short reads). */
typedef struct {
  int fd;
  const char *data;
  gsize len;
} feeder_t;

static gpointer
feed (gpointer data)
{
  feeder_t *f = data;
  gsize off = 0, step = 1;

  while (off < f->len)
    {
      gsize n = MIN (step, f->len - off);
      gssize w = write (f->fd, f->data + off, n);
      g_assert (w > 0);
      off += (gsize) w;
      step = step * 3 + 1;     /* 1, 4, 13, ... bytes */
      g_usleep (200);
    }
  close (f->fd);
  return NULL;
}

static void
test_pipe_short_reads (void **state)
{
  GString *text = g_string_new ("From: a@x\nX-Matchguard-Override: x\n\n");
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 1000 };
  gsize k;

  while (text->len < 300000)
    g_string_append (text, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n");
  for (k = 0; k < G_N_ELEMENTS (limits); k++)
    {
      int fds[2];
      feeder_t feeder;
      GThread *thread;
      g_autoptr (GError) error = NULL;
      g_autoptr (mg_spool_t) spool = NULL;
      g_autoptr (GByteArray) out = NULL;

      assert_int_equal (pipe (fds), 0);
      feeder = (feeder_t) { fds[1], text->str, text->len };
      thread = g_thread_new ("feeder", feed, &feeder);
      spool = mg_spool_read_limit (fds[0], limits[k], &error);
      g_thread_join (thread);
      close (fds[0]);
      assert_non_null (spool);
      assert_int_equal (mg_spool_in_memory (spool), k == 0);
      out = written (spool, FALSE);
      assert_bytes_equal (out, text->str, text->len);
      assert_int_equal (mg_spool_overrides (spool)->len, 1);
    }
  g_string_free (text, TRUE);
}

/* A read error (here: reading a folder) is MG_ERROR_IO. */
static void
test_read_error (void **state)
{
  g_autoptr (GError) error = NULL;
  int fd = open ("/", O_RDONLY | O_DIRECTORY);
  mg_spool_t *spool;

  assert_true (fd >= 0);
  spool = mg_spool_read (fd, &error);
  close (fd);
  assert_null (spool);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_IO));
  assert_non_null (strstr (error->message, "cannot read"));
}

/* A reader that goes away: EPIPE is G_IO_ERROR_BROKEN_PIPE, the process
 * lives on (SIGPIPE is at its default here), and no SIGPIPE is left
 * pending or blocked. */
static void
test_broken_pipe (void **state)
{
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 0 };
  gsize k;

  assert_true (signal (SIGPIPE, SIG_DFL) != SIG_ERR);
  for (k = 0; k < G_N_ELEMENTS (limits); k++)
    {
      g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), limits[k]);
      g_autoptr (GError) error = NULL;
      sigset_t mask, pending;
      int fds[2];

      assert_int_equal (pipe (fds), 0);
      close (fds[0]);
      assert_false (mg_spool_write (spool, fds[1], TRUE, &error));
      close (fds[1]);
      assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
      sigprocmask (SIG_SETMASK, NULL, &mask);
      assert_false (sigismember (&mask, SIGPIPE));
      sigpending (&pending);
      assert_false (sigismember (&pending, SIGPIPE));
    }
}

/* Other write errors are MG_ERROR_IO. */
static void
test_write_error (void **state)
{
  g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), MG_SPOOL_MEMORY_LIMIT);
  g_autoptr (GError) error = NULL;
  int fd = open ("/dev/null", O_RDONLY);

  assert_true (fd >= 0);
  assert_false (mg_spool_write (spool, fd, FALSE, &error));
  close (fd);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_IO));
  assert_non_null (strstr (error->message, "cannot write the message"));
}

/* A reader that takes nothing: with a deadline the write gives up
 * (G_IO_ERROR_TIMED_OUT) instead of waiting for ever, after having filled
 * the pipe; without one, everything that fits is written. */
static void
test_write_deadline (void **state)
{
  GString *big = g_string_new ("From: a@x\nSubject: big\n\n");
  gsize limits[] = { MG_SPOOL_MEMORY_LIMIT, 0 };
  gsize k;

  while (big->len < 1024 * 1024)
    g_string_append (big, "a line that the reader never takes off the pipe\n");
  for (k = 0; k < G_N_ELEMENTS (limits); k++)
    {
      g_autoptr (mg_spool_t) spool = spool_from (big->str, big->len, limits[k]);
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      int fds[2];

      assert_int_equal (pipe2 (fds, O_NONBLOCK), 0);
      assert_false (mg_spool_write_until (spool, fds[1], FALSE, start + 200 * 1000, &error));
      assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
      /* not before the deadline, and not much after it */
      assert_true (g_get_monotonic_time () - start >= 200 * 1000);
      assert_true (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
      close (fds[0]);
      close (fds[1]);
    }
  {
    g_autoptr (mg_spool_t) spool = spool_from (simple, strlen (simple), MG_SPOOL_MEMORY_LIMIT);
    int fds[2];

    assert_int_equal (pipe2 (fds, O_NONBLOCK), 0);
    assert_true (mg_spool_write_until (spool, fds[1], FALSE,
                                       g_get_monotonic_time () + G_USEC_PER_SEC, NULL));
    close (fds[0]);
    close (fds[1]);
  }
  g_string_free (big, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_memory_round_trip),
    cmocka_unit_test (test_large_message_uses_private_file),
    cmocka_unit_test (test_limit_zero_always_file),
    cmocka_unit_test (test_stream_parses),
    cmocka_unit_test (test_override_ranges),
    cmocka_unit_test (test_empty_and_no_header),
    cmocka_unit_test (test_header_block),
    cmocka_unit_test (test_header_block_across_reads),
    cmocka_unit_test (test_pipe_short_reads),
    cmocka_unit_test (test_read_error),
    cmocka_unit_test (test_broken_pipe),
    cmocka_unit_test (test_write_error),
    cmocka_unit_test (test_write_deadline),
  };
  int status;

  /* before anything asks GLib for it (g_get_tmp_dir() caches) */
  tmpdir = g_strdup ("/tmp/test-spool-XXXXXX");
  if (g_mkdtemp (tmpdir) == NULL)
    return 99;
  g_setenv ("TMPDIR", tmpdir, TRUE);
  g_mime_init ();

  status = cmocka_run_group_tests (tests, NULL, NULL);

  if (rmdir (tmpdir) != 0)
    {
      fprintf (stderr, "%s: not empty or not removable: %s\n", tmpdir, g_strerror (errno));
      status = 1;
    }
  g_free (tmpdir);
  g_mime_shutdown ();
  return status;
}
