/* test-config.c - the configuration file and registry files (SPEC 3).
 *
 * Most cases are inline texts loaded with mg_config_load_data() under a
 * path in tests/data/config/, so that [registry] files resolve to the
 * fixtures there.  Every error case asserts the exact "FILE:LINE: " prefix
 * and a part of the message.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "mg-common.h"
#include "mg-config.h"
#include "mg-registry-cache.h"

#define DATA MG_TOP_SRCDIR "/tests/data/config"
#define INLINE DATA "/inline.conf"

static mg_config_t *
load_inline (const char *text)
{
  g_autoptr(GError) error = NULL;
  mg_config_t *config = mg_config_load_data (INLINE, text, strlen (text), &error);

  if (config == NULL)
    fail_msg ("unexpected error: %s", error->message);
  return config;
}

static const mg_program_t *
find (const mg_config_t *config, const char *id)
{
  const mg_program_t *program = mg_registry_find (config->registry, id);

  if (program == NULL)
    fail_msg ("no program '%s'", id);
  return program;
}

static void
assert_date (const GDate *date, int year, int month, int day)
{
  assert_true (g_date_valid (date));
  assert_int_equal (g_date_get_year (date), year);
  assert_int_equal (g_date_get_month (date), month);
  assert_int_equal (g_date_get_day (date), day);
}

static void
assert_strv (char **got, const char *expect)
{
  g_autofree char *joined = g_strjoinv (";", got);

  assert_string_equal (joined, expect);
}

/* ---- the bundled example ------------------------------------------------- */

static void
test_example (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = mg_config_load (MG_TOP_SRCDIR "/config/example.conf", &error);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *ledger = g_build_filename (g_get_home_dir (), ".local/share/matchguard/ledger.db", NULL);
  const mg_program_t *program;
  const mg_contact_t *contact;
  guint tracks = 0;
  guint i;

  (void) state;
  if (config == NULL)
    fail_msg ("%s", error->message);
  assert_string_equal (config->applicant_name, "Amina Okafor");
  assert_string_equal (config->applicant_email, "amina.okafor@example.org");
  assert_string_equal (config->aamc_id, "12345678");
  assert_false (config->aamc_id_in_keyring);
  assert_date (&config->applications_submitted, 2026, 9, 24);
  assert_date (&config->interviews_begin, 2026, 10, 15);
  assert_date (&config->rank_deadline, 2027, 3, 4);
  assert_date (&config->match_day, 2027, 3, 20);
  assert_string_equal (config->relay_command, "/usr/bin/msmtp -a default");
  assert_strv (config->relay_argv, "/usr/bin/msmtp;-a;default");
  assert_string_equal (config->ledger_path, ledger);
  assert_int_equal (config->busy_timeout_ms, 10000);
  assert_int_equal (config->relay_timeout_seconds, 300);
  assert_int_equal (config->policy.warnings, MG_WARNINGS_CONFIRM);
  assert_int_equal (config->policy.max_words, 350);

  assert_int_equal (mg_registry_count (config->registry), 8);
  assert_string_equal (mg_registry_get (config->registry, 0)->id, "greenfield-ir");
  for (i = 0; i < mg_registry_count (config->registry); i++)
    tracks |= 1u << mg_registry_get (config->registry, i)->track;
  assert_int_equal (tracks, 0xf);   /* every track */

  program = find (config, "greenfield-ir");
  assert_string_equal (program->file, MG_TOP_SRCDIR "/config/example.conf");
  assert_int_equal (program->contacts->len, 3);
  contact = g_ptr_array_index (program->contacts, 0);
  assert_string_equal (contact->name, "Dr. Celeste Moreau");
  assert_string_equal (contact->address, "cmoreau@greenfield-med.example.edu");
  assert_string_equal (contact->last_name, "moreau");
  assert_true (contact->has_title);
  assert_date (&program->interview, 2026, 11, 10);

  assert_false (find (config, "kestrel-bay")->nrmp);
  assert_false (find (config, "ashford-ir")->post_interview_contact);
  assert_false (find (config, "copper-valley-ir")->has_interview);
  assert_true (find (config, "maple-hollow-ir")->has_interview);
  assert_string_equal (find (config, "maple-hollow-ir")->file, MG_TOP_SRCDIR "/config/programs.conf");

  /* two programs share a domain */
  assert_int_equal (mg_registry_match_address (config->registry,
                                               "someone@stonebridge-health.example.edu", found), 2);
}

/* ---- errors -------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *text;      /* the configuration file */
  const char *file;      /* the file the error names, in tests/data/config */
  int line;
  const char *message;   /* a part of what follows "FILE:LINE: " */
} error_row_t;

static const error_row_t error_rows[] = {
  { "unknown group", "[applicant]\nname = A\n\n[colours]\nred = 1\n",
    "inline.conf", 4, "unknown group [colours]" },
  { "unknown key", "[policy]\nwarnings = pass\ncolour = red\n",
    "inline.conf", 3, "unknown key 'colour' in [policy]" },
  { "unknown program key", "[program:x]\nname = X\ndomains = x.example.org\nwebsite = x\n",
    "inline.conf", 4, "unknown key 'website' in [program:x]" },
  { "program group without id", "[program]\nname = X\n",
    "inline.conf", 1, "[program] needs an id" },
  { "impossible season date", "[season]\nmatch_day = 2027-02-30\n",
    "inline.conf", 2, "[season]: match_day: '2027-02-30' is not a date (YYYY-MM-DD)" },
  { "bad interview date", "# c\n[program:x]\nname = X\ndomains = x.example.org\ninterview = 2026-13-45\n",
    "inline.conf", 5, "[program:x]: interview: '2026-13-45' is not a date (YYYY-MM-DD)" },
  { "short date", "[season]\nrank_deadline = 2027-3-4\n",
    "inline.conf", 2, "'2027-3-4' is not a date" },
  { "season out of order", "[season]\nrank_deadline = 2027-03-04\nmatch_day = 2026-03-20\n",
    "inline.conf", 3, "match_day: 2026-03-20 comes before rank_deadline (2027-03-04)" },
  { "negative number", "[policy]\n\nmax_words = -5\n",
    "inline.conf", 3, "[policy]: max_words: '-5' is not a whole number" },
  { "number with unit", "[ledger]\nbusy_timeout_ms = 10s\n",
    "inline.conf", 2, "'10s' is not a whole number" },
  { "relay timeout with unit", "[relay]\ntimeout_seconds = 5m\n",
    "inline.conf", 2, "'5m' is not a whole number" },
  { "number too large", "[policy]\nmax_words = 99999999999\n",
    "inline.conf", 2, "'99999999999' is not a whole number" },
  { "bad warnings", "[policy]\nwarnings = maybe\n",
    "inline.conf", 2, "'maybe' is not one of confirm, pass, block" },
  { "bad track", "[program:x]\nname = X\ntrack = surgery\ndomains = x.example.org\n",
    "inline.conf", 3, "[program:x]: track: 'surgery' is not one of" },
  { "bad boolean", "[program:x]\nname = X\ndomains = x.example.org\nnrmp = perhaps\n",
    "inline.conf", 4, "'perhaps' is not true or false" },
  { "bad severity", "[rules]\ntoo-long = loud\n",
    "inline.conf", 2, "[rules]: too-long: 'loud' is not one of block, warn, info, off" },
  { "unknown rule", "[rules]\ntoo-long = off\nbe-nice = warn\n",
    "inline.conf", 3, "unknown rule 'be-nice'" },
  { "aamc_id of 7 digits", "[applicant]\naamc_id = 1234567\n",
    "inline.conf", 2, "'1234567' is not an AAMC ID" },
  { "aamc_id grouped", "[applicant]\naamc_id = 1234 5678\n",
    "inline.conf", 2, "'1234 5678' is not an AAMC ID" },
  { "aamc_id letters", "[applicant]\naamc_id = ABCDEFGH\n",
    "inline.conf", 2, "is not an AAMC ID" },
  { "aamc_id of 9 digits", "[applicant]\naamc_id = 123456789\n",
    "inline.conf", 2, "'123456789' is not an AAMC ID" },
  { "aamc_id with a letter last", "[applicant]\naamc_id = 1234567x\n",
    "inline.conf", 2, "'1234567x' is not an AAMC ID" },
  { "bad email", "[applicant]\nemail = amina at example.org\n",
    "inline.conf", 2, "'amina at example.org' is not an e-mail address" },
  { "program without addresses", "[program:x]\nname = X\naliases = X IR\n",
    "inline.conf", 1, "[program:x]: no addresses or domains" },
  { "program without name", "\n[program:x]\ndomains = x.example.org\n",
    "inline.conf", 2, "[program:x]: name is missing" },
  { "bad program id", "[program:a b]\nname = X\n",
    "inline.conf", 1, "a program id is made of letters" },
  { "empty program id", "[program:]\nname = X\n",
    "inline.conf", 1, "a program id is made of letters" },
  { "program twice in one file",
    "[program:x]\nname = X\ndomains = x.example.org\n\n[program:x]\nname = Y\n",
    "inline.conf", 5, "[program:x] appears twice (first at line 1)" },
  { "program twice across registry files", "[registry]\nfiles = registry-a.conf;registry-dup.conf\n",
    "registry-dup.conf", 4, "[program:a-one] is already defined at " DATA "/registry-a.conf:4" },
  { "program in config and registry file",
    "[program:a-one]\nname = X\ndomains = x.example.org\n\n[registry]\nfiles = registry-a.conf\n",
    "registry-a.conf", 4, "[program:a-one] is already defined at " INLINE ":1" },
  { "duplicate key", "[applicant]\nname = A\nemail = a@example.org\nname = B\n",
    "inline.conf", 4, "key 'name' appears twice in [applicant] (first at line 2)" },
  { "duplicate group", "[policy]\nmax_words = 1\n[season]\n[policy]\n",
    "inline.conf", 4, "[policy] appears twice (first at line 1)" },
  { "line without =", "[applicant]\nname Amina Okafor\n",
    "inline.conf", 2, "syntax error" },
  { "unclosed group header", "[applicant\nname = A\n",
    "inline.conf", 1, "syntax error" },
  { "text after group header", "# c\n\n[applicant] extra\n",
    "inline.conf", 3, "syntax error" },
  { "no key before =", "[applicant]\n = A\n",
    "inline.conf", 2, "syntax error" },
  { "bad key name", "[applicant]\nna me = A\n",
    "inline.conf", 2, "'na me' is not a valid key name" },
  { "key before any group", "# c\nname = A\n[applicant]\n",
    "inline.conf", 2, "key 'name' comes before any [group]" },
  { "missing registry file", "[applicant]\nname = A\n[registry]\nfiles = registry-a.conf; nosuch.conf\n",
    "inline.conf", 4, "cannot read '" DATA "/nosuch.conf': No such file or directory" },
  { "registry file listed twice", "[registry]\nfiles = registry-a.conf;./registry-a.conf\n",
    "inline.conf", 2, "'./registry-a.conf' is listed twice" },
  { "other group in a registry file", "[registry]\nfiles = registry-bad-group.conf\n",
    "registry-bad-group.conf", 8, "[policy] cannot be in a registry file" },
  { "bad value in a registry file", "[registry]\nfiles = registry-bad-value.conf\n",
    "registry-bad-value.conf", 7, "[program:d-one]: interview: '2026-13-45' is not a date (YYYY-MM-DD)" },
  { "bad relay quoting", "[relay]\ncommand = msmtp -a 'default\n",
    "inline.conf", 2, "[relay]: command: cannot split" },
  { "empty value", "[applicant]\nname =\n",
    "inline.conf", 2, "[applicant]: name: no value" },
  { "domain too broad", "[program:x]\nname = X\ndomains = x.example.org;edu\n",
    "inline.conf", 3, "'edu' is too broad" },
  { "bad domain", "[program:x]\nname = X\ndomains = x..example.org\n",
    "inline.conf", 3, "'x..example.org' is not a domain" },
  { "bad contact address", "[program:x]\nname = X\ncontacts = Dr. Roe <jroe@>\n",
    "inline.conf", 3, "'jroe@' is not an e-mail address" },
  { "unclosed contact", "[program:x]\nname = X\ncontacts = Dr. Roe <jroe@x.example.org\n",
    "inline.conf", 3, "is not Name <address>" },
  { "text after a contact", "[program:x]\nname = X\ncontacts = Dr. Roe <jroe@x.example.org> PD\n",
    "inline.conf", 3, "is not Name <address>" },
  { "bad address", "[program:x]\nname = X\naddresses = ir residency@x.example.org\n",
    "inline.conf", 3, "is not an e-mail address" },
  { "not UTF-8", "[applicant]\nname = \xff\xfe\n",
    "inline.conf", 2, "not valid UTF-8" },
  { "bad escape", "[ledger]\npath = C:\\Users\\x\n",
    "inline.conf", 2, "[ledger]: path: a bad escape sequence" },
};

/* One error_rows[] entry, passed as the test's state. */
static void
test_error (void **state)
{
  const error_row_t *row = *state;
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = NULL;
  g_autofree char *prefix = g_strdup_printf (DATA "/%s:%d: ", row->file, row->line);

  config = mg_config_load_data (INLINE, row->text, strlen (row->text), &error);
  if (config != NULL)
    fail_msg ("loaded without error");
  if (!g_error_matches (error, MG_ERROR, MG_ERROR_CONFIG))
    fail_msg ("wrong error domain or code: %s", error->message);
  if (!g_str_has_prefix (error->message, prefix)
      || strstr (error->message + strlen (prefix), row->message) == NULL)
    fail_msg ("got \"%s\", expected \"%s...%s\"", error->message, prefix, row->message);
}

static void
test_unreadable (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = mg_config_load (DATA "/nosuch.conf", &error);

  (void) state;
  assert_null (config);
  assert_true (g_error_matches (error, MG_ERROR, MG_ERROR_CONFIG));
  assert_string_equal (error->message,
                       "cannot read '" DATA "/nosuch.conf': No such file or directory");
}

/* ---- values -------------------------------------------------------------- */

static void
test_defaults (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = mg_config_load_data (INLINE, "", 0, &error);
  guint i;

  (void) state;
  assert_non_null (config);
  assert_string_equal (config->path, INLINE);
  assert_null (config->applicant_name);
  assert_null (config->applicant_email);
  assert_null (config->aamc_id);
  assert_false (config->aamc_id_in_keyring);
  assert_false (g_date_valid (&config->rank_deadline));
  assert_false (g_date_valid (&config->match_day));
  assert_null (config->relay_command);
  assert_null (config->relay_argv);
  assert_null (config->ledger_path);
  assert_int_equal (config->busy_timeout_ms, 10000);
  assert_int_equal (config->relay_timeout_seconds, 300);
  assert_int_equal (config->policy.warnings, MG_WARNINGS_CONFIRM);
  assert_int_equal (config->policy.confirm_window_minutes, 15);
  assert_int_equal (config->policy.max_unsolicited_before_interview, 2);
  assert_int_equal (config->policy.max_updates_after_interview, 2);
  assert_int_equal (config->policy.min_days_between_followups, 14);
  assert_int_equal (config->policy.thank_you_within_hours, 72);
  assert_int_equal (config->policy.max_program_recipients, 2);
  assert_int_equal (config->policy.max_words, 350);
  assert_non_null (config->registry);
  assert_int_equal (mg_registry_count (config->registry), 0);
  for (i = 0; i < MG_RULE_COUNT; i++)
    {
      assert_int_equal (config->severity[i], mg_rule_info (i)->severity);
      assert_false (config->severity_set[i]);
      assert_int_equal (mg_config_severity (config, i), mg_rule_info (i)->severity);
      assert_int_equal (mg_config_severity (NULL, i), mg_rule_info (i)->severity);
    }
}

static void
test_program_defaults (void **state)
{
  g_autoptr(mg_config_t) config = load_inline ("[program:x]\nname = X\ndomains = x.example.org\n");
  const mg_program_t *program;

  (void) state;
  program = find (config, "x");
  assert_int_equal (program->track, MG_TRACK_IR_INTEGRATED);
  assert_true (program->nrmp);
  assert_true (program->post_interview_contact);
  assert_false (program->has_interview);
  assert_null (program->aliases[0]);
  assert_null (program->addresses[0]);
  assert_int_equal (program->contacts->len, 0);
  assert_string_equal (program->names_norm[0], "x");
  assert_string_equal (program->file, INLINE);
  assert_int_equal (program->line, 1);
}

static void
test_severity_overrides (void **state)
{
  g_autoptr(mg_config_t) config = load_inline ("[rules]\n# comment\ntoo-long = off\n"
                                               "salutation = BLOCK\nplaceholder =  warn \n");
  guint i;

  (void) state;
  assert_int_equal (mg_config_severity (config, MG_RULE_TOO_LONG), MG_SEVERITY_OFF);
  assert_int_equal (mg_config_severity (config, MG_RULE_SALUTATION), MG_SEVERITY_BLOCK);
  assert_int_equal (mg_config_severity (config, MG_RULE_PLACEHOLDER), MG_SEVERITY_WARN);
  assert_true (config->severity_set[MG_RULE_TOO_LONG]);
  for (i = 0; i < MG_RULE_COUNT; i++)
    if (i != MG_RULE_TOO_LONG && i != MG_RULE_SALUTATION && i != MG_RULE_PLACEHOLDER)
      {
        assert_false (config->severity_set[i]);
        assert_int_equal (mg_config_severity (config, i), mg_rule_info (i)->severity);
      }
}

static void
test_lists (void **state)
{
  g_autoptr(mg_config_t) config = load_inline (
    "[program:x]\n"
    "name = X\n"
    "aliases = a ; b;;c ;  ; \n"
    "domains = @X.Example.ORG ; *.y.example.edu;;z.example.com\n"
    "addresses = ;<IR@X.example.org> ; dr@x.example.org;\n"
    "contacts = Dr. Jane Roe <JRoe@X.Example.Org>; \"Lopez, Maria\" <mlopez3@x.example.org>;"
    "bare@x.example.org;Prof. Ann Lee, PhD<alee@x.example.org>\n");
  const mg_program_t *program;
  const mg_contact_t *contact;

  (void) state;
  program = find (config, "x");
  assert_strv (program->aliases, "a;b;c");
  assert_strv (program->names_norm, "x;a;b;c");
  assert_strv (program->domains, "x.example.org;y.example.edu;z.example.com");
  assert_strv (program->addresses, "ir@x.example.org;dr@x.example.org");
  assert_int_equal (program->contacts->len, 4);

  contact = g_ptr_array_index (program->contacts, 0);
  assert_string_equal (contact->name, "Dr. Jane Roe");
  assert_string_equal (contact->address, "jroe@x.example.org");
  assert_string_equal (contact->last_name, "roe");
  assert_true (contact->has_title);
  contact = g_ptr_array_index (program->contacts, 1);
  assert_string_equal (contact->name, "Lopez, Maria");
  assert_string_equal (contact->last_name, "lopez");
  assert_false (contact->has_title);
  contact = g_ptr_array_index (program->contacts, 2);
  assert_null (contact->name);
  assert_null (contact->last_name);
  assert_string_equal (contact->address, "bare@x.example.org");
  contact = g_ptr_array_index (program->contacts, 3);
  assert_string_equal (contact->last_name, "lee");
}

static void
test_values (void **state)
{
  g_autoptr(mg_config_t) config = load_inline (
    "[applicant]\n"
    "name =   Amina Okafor  \n"
    "email = Amina.Okafor@Example.ORG\n"
    "aamc_id = keyring\n"
    "[relay]\n"
    "command = /usr/bin/msmtp --read-envelope-from -a 'my account' \"--logfile=/tmp/a b\"\n"
    "timeout_seconds = 0\n"
    "[ledger]\n"
    "path = ~/state/ledger.db\n"
    "busy_timeout_ms = 0\n"
    "[policy]\n"
    "warnings = Block\n"
    "max_words = 0\n"
    "[program:yes]\n"
    "name = Yes\n"
    "domains = yes.example.org\n"
    "nrmp = yes\n"
    "post_interview_contact = FALSE\n"
    "track = DR-ESIR\n"
    "interview = 2028-02-29\n"
    "[program:no]\n"
    "name = No\n"
    "addresses = no@no.example.org\n"
    "nrmp = No\n"
    "post_interview_contact = 1\n");
  g_autofree char *ledger = g_build_filename (g_get_home_dir (), "state", "ledger.db", NULL);
  const mg_program_t *program;

  (void) state;
  assert_string_equal (config->applicant_name, "Amina Okafor");
  assert_string_equal (config->applicant_email, "amina.okafor@example.org");
  assert_null (config->aamc_id);
  assert_true (config->aamc_id_in_keyring);
  assert_strv (config->relay_argv, "/usr/bin/msmtp;--read-envelope-from;-a;my account;--logfile=/tmp/a b");
  assert_string_equal (config->ledger_path, ledger);
  assert_int_equal (config->busy_timeout_ms, 0);
  assert_int_equal (config->relay_timeout_seconds, 0);
  assert_int_equal (config->policy.warnings, MG_WARNINGS_BLOCK);
  assert_int_equal (config->policy.max_words, 0);

  program = find (config, "yes");
  assert_true (program->nrmp);
  assert_false (program->post_interview_contact);
  assert_int_equal (program->track, MG_TRACK_DR_ESIR);
  assert_true (program->has_interview);
  assert_date (&program->interview, 2028, 2, 29);
  program = find (config, "no");
  assert_false (program->nrmp);
  assert_true (program->post_interview_contact);
}

static void
test_relative_ledger (void **state)
{
  g_autoptr(mg_config_t) config = load_inline ("[ledger]\npath = data/ledger.db\n");
  g_autoptr(mg_config_t) absolute = load_inline ("[ledger]\npath = /var/tmp/l.db\n");

  (void) state;
  assert_string_equal (config->ledger_path, DATA "/data/ledger.db");
  assert_string_equal (absolute->ledger_path, "/var/tmp/l.db");
}

static void
test_registry_files (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = mg_config_load (DATA "/main.conf", &error);
  const mg_program_t *program;
  const char *const order[] = { "main-one", "a-one", "a-two", "b-one" };
  guint i;

  (void) state;
  if (config == NULL)
    fail_msg ("%s", error->message);
  assert_string_equal (config->applicant_email, "test.applicant@example.org");
  assert_string_equal (config->aamc_id, "87654321");
  assert_int_equal (mg_registry_count (config->registry), G_N_ELEMENTS (order));
  for (i = 0; i < G_N_ELEMENTS (order); i++)
    assert_string_equal (mg_registry_get (config->registry, i)->id, order[i]);

  program = find (config, "a-two");
  assert_string_equal (program->file, DATA "/registry-a.conf");
  assert_int_equal (program->line, 12);
  assert_int_equal (program->track, MG_TRACK_DR_ESIR);
  program = find (config, "b-one");
  assert_string_equal (program->file, DATA "/registry-b.conf");
  assert_int_equal (program->line, 3);
  assert_strv (program->aliases, "Beta One;Beta Fellowship;Beta IR");
  assert_strv (program->addresses, "fellowship@beta.example.org;office@beta.example.org");
  assert_false (program->nrmp);
  assert_false (program->post_interview_contact);
  assert_int_equal (program->track, MG_TRACK_OTHER);
}

static void
test_crlf (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = mg_config_load (DATA "/crlf.conf", &error);

  (void) state;
  if (config == NULL)
    fail_msg ("%s", error->message);
  assert_string_equal (config->applicant_name, "Crlf Applicant");
  assert_string_equal (config->aamc_id, "11223344");
  assert_strv (find (config, "crlf-one")->domains, "crlf.example.org;other.example.org");
  assert_int_equal (find (config, "crlf-one")->line, 6);
}

/* A file on disk: an empty one is a valid configuration; a plain AAMC ID
 * in a file others can read is reported (SPEC 8). */
static void
test_files_on_disk (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-config-XXXXXX", &error);
  g_autofree char *empty = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *keyring = NULL;
  g_autoptr(mg_config_t) config = NULL;

  (void) state;
  assert_non_null (dir);
  empty = g_build_filename (dir, "empty.conf", NULL);
  plain = g_build_filename (dir, "plain.conf", NULL);
  keyring = g_build_filename (dir, "keyring.conf", NULL);
  assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_true (g_file_set_contents (plain, "[applicant]\naamc_id = 12345678\n", -1, NULL));
  assert_true (g_file_set_contents (keyring, "[applicant]\naamc_id = keyring\n", -1, NULL));

  config = mg_config_load (empty, &error);
  assert_non_null (config);
  assert_int_equal (mg_registry_count (config->registry), 0);
  g_clear_pointer (&config, mg_config_free);

  assert_int_equal (g_chmod (plain, 0644), 0);
  config = mg_config_load (plain, &error);
  assert_non_null (config);
  assert_true (mg_config_id_exposed (config));
  assert_int_equal (g_chmod (plain, 0600), 0);
  assert_false (mg_config_id_exposed (config));
  g_clear_pointer (&config, mg_config_free);

  assert_int_equal (g_chmod (keyring, 0644), 0);
  config = mg_config_load (keyring, &error);
  assert_non_null (config);
  assert_false (mg_config_id_exposed (config));

  g_unlink (empty);
  g_unlink (plain);
  g_unlink (keyring);
  g_rmdir (dir);
}

/* The registry from the cache: used only while the files are unchanged;
 * any change, a broken file included, gives exactly a full load. */
static void
test_cached_load (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) full_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-config-XXXXXX", NULL);
  g_autofree char *main_path = g_build_filename (dir, "matchguard.conf", NULL);
  g_autofree char *programs = g_build_filename (dir, "programs.conf", NULL);
  g_autofree char *cache_file = mg_registry_cache_file (main_path);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(mg_config_t) config = NULL;
  const char *main_text = "[policy]\nmax_words = 300\n[registry]\nfiles = programs.conf\n"
                          "[program:own]\nname = Own IR\ndomains = own.example.edu\n";
  const char *two = "[program:alpha]\nname = Alpha IR\ndomains = alpha.example.edu\n"
                    "[program:beta]\nname = Beta IR\ncontacts = Dr. Bo Ray <bray@beta.example.edu>\n";
  const mg_program_t *program;

  (void) state;
  assert_true (g_str_has_prefix (cache_file, g_getenv ("XDG_CACHE_HOME")));
  assert_true (g_file_set_contents (main_path, main_text, -1, NULL));
  assert_true (g_file_set_contents (programs, two, -1, NULL));

  config = mg_config_load_cached (main_path, &error);   /* writes the cache */
  assert_non_null (config);
  assert_false (mg_registry_is_cached (config->registry));
  assert_true (g_file_test (cache_file, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&config, mg_config_free);

  config = mg_config_load_cached (main_path, &error);   /* reads it */
  assert_non_null (config);
  assert_true (mg_registry_is_cached (config->registry));
  assert_int_equal (config->policy.max_words, 300);
  assert_int_equal (mg_registry_match_address (config->registry, "bray@beta.example.edu", found), 1);
  program = g_ptr_array_index (found, 0);
  assert_string_equal (program->id, "beta");
  assert_string_equal (program->file, programs);
  assert_int_equal (program->line, 4);
  assert_non_null (mg_registry_find (config->registry, "own"));
  assert_true (mg_registry_is_cached (config->registry));
  assert_int_equal (mg_registry_count (config->registry), 3);
  g_clear_pointer (&config, mg_config_free);

  /* a cache file that is not one: read the files, write a good cache */
  assert_true (g_file_set_contents (cache_file, "not a database", -1, NULL));
  g_chmod (cache_file, 0600);
  config = mg_config_load_cached (main_path, &error);
  assert_non_null (config);
  assert_false (mg_registry_is_cached (config->registry));
  assert_non_null (mg_registry_find (config->registry, "beta"));
  g_clear_pointer (&config, mg_config_free);
  config = mg_config_load_cached (main_path, &error);
  assert_true (mg_registry_is_cached (config->registry));
  g_clear_pointer (&config, mg_config_free);

  /* a program added: seen at once */
  g_usleep (10000);
  assert_true (g_file_set_contents (programs, "[program:gamma]\nname = Gamma IR\n"
                                    "domains = gamma.example.edu\n", -1, NULL));
  config = mg_config_load_cached (main_path, &error);
  assert_non_null (config);
  assert_false (mg_registry_is_cached (config->registry));
  assert_non_null (mg_registry_find (config->registry, "gamma"));
  assert_null (mg_registry_find (config->registry, "alpha"));
  g_clear_pointer (&config, mg_config_free);

  /* a broken program: the error of a full load, not the cache */
  g_usleep (10000);
  assert_true (g_file_set_contents (programs, "[program:gamma]\nname = Gamma IR\n", -1, NULL));
  config = mg_config_load (main_path, &full_error);
  assert_null (config);
  config = mg_config_load_cached (main_path, &error);
  assert_null (config);
  assert_string_equal (error->message, full_error->message);
  g_clear_error (&error);

  /* a broken configuration file, the registry unchanged since a good load */
  assert_true (g_file_set_contents (programs, two, -1, NULL));
  config = mg_config_load_cached (main_path, &error);
  assert_non_null (config);
  g_clear_pointer (&config, mg_config_free);
  g_usleep (10000);
  assert_true (g_file_set_contents (main_path, "[policy]\nmax_words = lots\n[registry]\n"
                                    "files = programs.conf\n", -1, NULL));
  config = mg_config_load_cached (main_path, &error);
  assert_null (config);
  assert_non_null (strstr (error->message, "matchguard.conf:2: "));

  g_unlink (cache_file);
  g_unlink (main_path);
  g_unlink (programs);
  g_rmdir (dir);
}

static void
test_default_path (void **state)
{
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "matchguard",
                                                "matchguard.conf", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("MATCHGUARD_CONFIG"));

  (void) state;
  g_setenv ("MATCHGUARD_CONFIG", "/somewhere/mg.conf", TRUE);
  from_env = mg_config_default_path ();
  assert_string_equal (from_env, "/somewhere/mg.conf");

  g_setenv ("MATCHGUARD_CONFIG", "", TRUE);
  fallback = mg_config_default_path ();
  assert_string_equal (fallback, expected);

  if (saved != NULL)
    g_setenv ("MATCHGUARD_CONFIG", saved, TRUE);
  else
    g_unsetenv ("MATCHGUARD_CONFIG");
}

int
main (void)
{
  static const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_example),
    cmocka_unit_test (test_unreadable),
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_program_defaults),
    cmocka_unit_test (test_severity_overrides),
    cmocka_unit_test (test_lists),
    cmocka_unit_test (test_values),
    cmocka_unit_test (test_relative_ledger),
    cmocka_unit_test (test_registry_files),
    cmocka_unit_test (test_crlf),
    cmocka_unit_test (test_files_on_disk),
    cmocka_unit_test (test_default_path),
    cmocka_unit_test (test_cached_load),
  };
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (struct CMUnitTest));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cache_home = g_dir_make_tmp ("test-config cache ?#%20-XXXXXX", NULL);   /* what a URI must escape */
  g_autofree char *cache_dir = NULL;
  int failed;
  guint i;

  /* before GLib first reads it: the registry cache of these tests */
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_array_append_vals (all, tests, G_N_ELEMENTS (tests));
  for (i = 0; i < G_N_ELEMENTS (error_rows); i++)
    {
      char *name = g_strdup_printf ("error: %s", error_rows[i].name);
      struct CMUnitTest test = { name, test_error, NULL, NULL, (void *) &error_rows[i] };

      g_ptr_array_add (names, name);
      g_array_append_val (all, test);
    }
  failed = _cmocka_run_group_tests ("test-config", (const struct CMUnitTest *) all->data,
                                    all->len, NULL, NULL);
  cache_dir = g_build_filename (cache_home, "matchguard", NULL);
  g_rmdir (cache_dir);
  g_rmdir (cache_home);
  return failed;
}
