/* test-sendargs.c - the sendmail-mode command line: argv in, recipients,
 * sender, flags or the usage error out. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-sendargs.h"

enum {
  EXTRACT = 1 << 0,    /* -t */
  ENVFROM = 1 << 1,    /* --read-envelope-from */
  PASS = 1 << 2,       /* passthrough */
};

typedef struct {
  const char *argv[16];       /* NULL-terminated */
  const char *rcpts[8];       /* NULL-terminated expected recipients */
  const char *sender;         /* expected sender, or NULL */
  unsigned flags;
  const char *error;          /* expected substring of the usage error, or NULL */
} sendargs_case_t;

static const sendargs_case_t cases[] = {
  /* what mutt, neomutt and msmtp users pass (notes F1) */
  { { "-oem", "-oi", "-f", "alice@x", "--", "to@x", "cc@x", "bcc@x" },
    { "to@x", "cc@x", "bcc@x" }, "alice@x", 0, NULL },
  { { "-oem", "-oi", "-B8BITMIME", "-f", "bounce@x", "-N", "failure,delay", "-R", "hdrs",
      "--", "to@x", "cc@x", "bcc@x" },
    { "to@x", "cc@x", "bcc@x" }, "bounce@x", 0, NULL },
  { { "--", "to@x" }, { "to@x" }, NULL, 0, NULL },
  { { "-t" }, { NULL }, NULL, EXTRACT, NULL },
  { { "-oi", "-t" }, { NULL }, NULL, EXTRACT, NULL },
  { { "-oi", "-f", "sender@x", "--", "r1@x", "r2@x" }, { "r1@x", "r2@x" }, "sender@x", 0, NULL },
  { { "-oi", "-f", "alice@x", "--", "always@x", "to@x", "cc@x" },
    { "always@x", "to@x", "cc@x" }, "alice@x", 0, NULL },
  { { "-a", "work", "-t" }, { NULL }, NULL, EXTRACT, NULL },
  { { "-fADDR@x", "r1@x" }, { "r1@x" }, "ADDR@x", 0, NULL },
  { { "--from=a@x", "--read-recipients" }, { NULL }, "a@x", EXTRACT, NULL },
  { { "-bp" }, { NULL }, NULL, PASS, NULL },
  { { "-oi", "--", "-evil@x.example.com" }, { NULL }, NULL, 0, "starts with '-'" },
  { { NULL }, { NULL }, NULL, 0, NULL },

  /* grouped flags and values attached or apart */
  { { "-ti", "r1@x" }, { "r1@x" }, NULL, EXTRACT, NULL },
  { { "-it" }, { NULL }, NULL, EXTRACT, NULL },
  { { "-tf", "a@x", "r1@x" }, { "r1@x" }, "a@x", EXTRACT, NULL },
  { { "-tfa@x", "r1@x" }, { "r1@x" }, "a@x", EXTRACT, NULL },
  { { "-B", "8BITMIME", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-N", "never", "-R", "full", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-Nnever", "-Rfull", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-F", "Alice Smith", "-r", "bounce@x", "r1@x" }, { "r1@x" }, "bounce@x", 0, NULL },
  { { "-rbounce@x", "r1@x" }, { "r1@x" }, "bounce@x", 0, NULL },
  { { "-f", "a@x", "-f", "b@x", "r1@x" }, { "r1@x" }, "b@x", 0, NULL },
  { { "-f", "<>", "r1@x" }, { "r1@x" }, "<>", 0, NULL },
  { { "-f", "-x", "r1@x" }, { "r1@x" }, "-x", 0, NULL },    /* getopt: the value is the next word */
  { { "-oi", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-o", "i", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-odb", "-oem", "-v", "-i", "-m", "-n", "-G", "-U", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-C", "/etc/msmtprc", "-X", "log", "-L", "label", "-h", "5", "r1@x" },
    { "r1@x" }, NULL, 0, NULL },
  { { "-p", "smtp", "-V", "envid", "-O", "DeliveryMode=b", "-A", "c", "r1@x" },
    { "r1@x" }, NULL, 0, NULL },
  { { "-e", "m", "-M", "Xvalue", "-D", "debug.log", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-d", "r1@x" }, { "r1@x" }, NULL, 0, NULL },          /* -d's value is attached only */
  { { "-d0.1", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-Qreason", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-bm", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "-b", "m", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "r1@x", "r2@x" }, { "r1@x", "r2@x" }, NULL, 0, NULL },
  { { "a@x, b@x" }, { "a@x, b@x" }, NULL, 0, NULL },        /* as given, not split */

  /* msmtp long options */
  { { "--from", "b@x", "r1@x" }, { "r1@x" }, "b@x", 0, NULL },
  { { "--account", "work", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "--account=work", "--host=smtp.x", "--port=587", "--auth=on", "--user=me", "r1@x" },
    { "r1@x" }, NULL, 0, NULL },
  { { "--tls", "r1@x" }, { "r1@x" }, NULL, 0, NULL },      /* optional value: never the next word */
  { { "--tls=off", "--logfile=", "--user", "me", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "--logfile", "/tmp/log", "--dsn-notify", "never", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "--read-rec", "r1@x" }, { "r1@x" }, NULL, EXTRACT, NULL },   /* unique prefix */
  { { "--connect-t=5", "r1@x" }, { "r1@x" }, NULL, 0, NULL },
  { { "--read-envelope-from", "r1@x" }, { "r1@x" }, NULL, ENVFROM, NULL },
  { { "--file=/x/msmtprc", "-t", "--", "extra@x" }, { "extra@x" }, NULL, EXTRACT, NULL },

  /* not a send: the relay gets it untouched */
  { { "-bs" }, { NULL }, NULL, PASS, NULL },
  { { "-b", "p" }, { NULL }, NULL, PASS, NULL },
  { { "-bv", "r1@x" }, { NULL }, NULL, PASS, NULL },
  { { "-bi" }, { NULL }, NULL, PASS, NULL },
  { { "-bd", "-q30m" }, { NULL }, NULL, PASS, NULL },
  { { "-q" }, { NULL }, NULL, PASS, NULL },
  { { "-qRexample.com" }, { NULL }, NULL, PASS, NULL },
  { { "-I" }, { NULL }, NULL, PASS, NULL },
  { { "-S" }, { NULL }, NULL, PASS, NULL },
  { { "-P" }, { NULL }, NULL, PASS, NULL },
  { { "--serverinfo", "-a", "work" }, { NULL }, NULL, PASS, NULL },
  { { "--rmqs=@x" }, { NULL }, NULL, PASS, NULL },
  { { "--configure=a@x" }, { NULL }, NULL, PASS, NULL },
  { { "--version" }, { NULL }, NULL, PASS, NULL },
  { { "-bp", "-Z", "--", "-x" }, { NULL }, NULL, PASS, NULL },    /* the relay judges */
  { { "-bp", "-bm", "r1@x" }, { "r1@x" }, NULL, 0, NULL },          /* the last -b wins */

  /* refused */
  { { "-oi", "--", "ok@x", "-evil@x" }, { NULL }, NULL, 0, "recipient '-evil@x' starts with '-'" },
  { { "r1@x", "-t" }, { NULL }, NULL, 0, "'-t' comes after the first recipient 'r1@x'" },
  { { "r1@x", "-f", "a@x" }, { NULL }, NULL, 0, "comes after the first recipient" },
  { { "--", "r1@x", "--", "r2@x" }, { NULL }, NULL, 0, "recipient '--' starts with '-'" },
  { { "-" }, { NULL }, NULL, 0, "recipient '-' starts with '-'" },
  { { "--", "" }, { NULL }, NULL, 0, "empty recipient" },
  { { "-f" }, { NULL }, NULL, 0, "option '-f' needs a value" },
  { { "-oi", "-N" }, { NULL }, NULL, 0, "option '-N' needs a value" },
  { { "--from" }, { NULL }, NULL, 0, "option '--from' needs a value" },
  { { "-Z", "r1@x" }, { NULL }, NULL, 0, "unknown option '-Z'" },
  { { "-tZ", "r1@x" }, { NULL }, NULL, 0, "unknown option '-Z'" },
  { { "--bogus", "r1@x" }, { NULL }, NULL, 0, "unknown option '--bogus'" },
  { { "--t", "r1@x" }, { NULL }, NULL, 0, "ambiguous option '--t'" },
  { { "--tls-c", "r1@x" }, { NULL }, NULL, 0, "ambiguous option '--tls-c'" },
  { { "--read-recipients=yes" }, { NULL }, NULL, 0, "option '--read-recipients' takes no value" },
};

static guint
count (const char *const *words)
{
  guint n = 0;

  while (words[n] != NULL)
    n++;
  return n;
}

/* "a b c" for messages */
static char *
join (const char *const *words)
{
  return g_strjoinv ("|", (char **) words);
}

static void
test_cases (void **state)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const sendargs_case_t *c = &cases[i];
      guint argc = count (c->argv);
      g_autoptr (GError) error = NULL;
      g_autoptr (mg_sendargs_t) args = mg_sendargs_parse (argc, c->argv, &error);
      g_autofree char *line = join (c->argv);
      GPtrArray *rcpts;
      guint j;

      if (c->error != NULL)
        {
          if (args != NULL)
            fail_msg ("case %zu (%s): parsed, expected error \"%s\"", i, line, c->error);
          if (!g_error_matches (error, MG_ERROR, MG_ERROR_USAGE))
            fail_msg ("case %zu (%s): error is not MG_ERROR_USAGE", i, line);
          if (strstr (error->message, c->error) == NULL)
            fail_msg ("case %zu (%s): error \"%s\", expected \"%s\"", i, line, error->message,
                      c->error);
          continue;
        }
      if (args == NULL)
        fail_msg ("case %zu (%s): unexpected error: %s", i, line, error->message);

      rcpts = mg_sendargs_recipients (args);
      if (rcpts->len != count (c->rcpts))
        fail_msg ("case %zu (%s): %u recipients, expected %u", i, line, rcpts->len,
                  count (c->rcpts));
      for (j = 0; j < rcpts->len; j++)
        if (strcmp (g_ptr_array_index (rcpts, j), c->rcpts[j]) != 0)
          fail_msg ("case %zu (%s): recipient %u is \"%s\", expected \"%s\"", i, line, j,
                    (const char *) g_ptr_array_index (rcpts, j), c->rcpts[j]);
      if (g_strcmp0 (mg_sendargs_sender (args), c->sender) != 0)
        fail_msg ("case %zu (%s): sender \"%s\", expected \"%s\"", i, line,
                  mg_sendargs_sender (args), c->sender);
      if (mg_sendargs_extract_recipients (args) != !!(c->flags & EXTRACT))
        fail_msg ("case %zu (%s): extract_recipients wrong", i, line);
      if (mg_sendargs_read_envelope_from (args) != !!(c->flags & ENVFROM))
        fail_msg ("case %zu (%s): read_envelope_from wrong", i, line);
      if (mg_sendargs_is_passthrough (args) != !!(c->flags & PASS))
        fail_msg ("case %zu (%s): passthrough wrong", i, line);

      /* the relay gets exactly the words it was given */
      assert_int_equal (count (mg_sendargs_argv (args)), argc);
      for (j = 0; j < argc; j++)
        assert_string_equal (mg_sendargs_argv (args)[j], c->argv[j]);
    }
}

/* The vector need not be NULL-terminated: only @argc words are read. */
static void
test_argc_bounds_the_words (void **state)
{
  const char *words[] = { "-oi", "r1@x", "-t" };
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_sendargs_t) args = mg_sendargs_parse (2, words, &error);

  assert_non_null (args);
  assert_int_equal (mg_sendargs_recipients (args)->len, 1);
  assert_false (mg_sendargs_extract_recipients (args));
  assert_null (mg_sendargs_argv (args)[2]);
}

/* The words are copied: the caller may free its own. */
static void
test_words_are_copied (void **state)
{
  char *words[] = { g_strdup ("-f"), g_strdup ("a@x"), g_strdup ("r1@x") };
  g_autoptr (mg_sendargs_t) args = mg_sendargs_parse (3, (const char *const *) words, NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (words); i++)
    g_free (words[i]);
  assert_non_null (args);
  assert_string_equal (mg_sendargs_sender (args), "a@x");
  assert_string_equal (g_ptr_array_index (mg_sendargs_recipients (args), 0), "r1@x");
  assert_string_equal (mg_sendargs_argv (args)[0], "-f");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_cases),
    cmocka_unit_test (test_argc_bounds_the_words),
    cmocka_unit_test (test_words_are_copied),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
