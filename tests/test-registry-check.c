/* test-registry-check.c - conflicts between programs (`registry check`)
 * and the lenient load that reports every bad program: each kind with the
 * near misses that must not be reported. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-config.h"
#include "mg-registry-check.h"

#define SEASON "[season]\napplications_submitted = 2026-09-24\nrank_deadline = 2027-03-04\n"

typedef struct {
  const char *what;
  const char *config;
  const char *expected[4];   /* substrings of the warnings, in order; NULL-terminated */
} conflict_case_t;

static const conflict_case_t cases[] = {
  { "a shared domain where one program has no address of its own",
    "[program:a]\nname = A Hospital IR\ndomains = med.x.edu\ncontacts = Ann <ann@med.x.edu>\n"
    "[program:b]\nname = B Hospital DR\ndomains = med.x.edu\n",
    { "[program:b]: domain med.x.edu is shared with [program:a]" } },
  { "a shared domain where every program has its addresses there: fine",
    "[program:a]\nname = A Hospital IR\ndomains = med.x.edu\naddresses = ir@med.x.edu\n"
    "contacts = Ann <ann@med.x.edu>\n"
    "[program:b]\nname = B Hospital DR\ndomains = med.x.edu\naddresses = dr@ir.med.x.edu\n"
    "contacts = Bo <bo@med.x.edu>\n",
    { NULL } },
  { "a subdomain is not a shared domain (the longest domain decides)",
    "[program:a]\nname = A Hospital IR\ndomains = x.edu\ncontacts = Ann <ann@x.edu>\n"
    "[program:b]\nname = B Hospital DR\ndomains = ir.x.edu\ncontacts = Bo <bo@ir.x.edu>\n",
    { NULL } },
  { "an address at another domain does not disambiguate the shared one",
    "[program:a]\nname = A Hospital IR\ndomains = x.edu\ncontacts = Ann <ann@notx.edu>\n"
    "[program:b]\nname = B Hospital DR\ndomains = x.edu\ncontacts = Bo <bo@x.edu>\n",
    { "[program:a]: domain x.edu is shared with [program:b]" } },
  { "an address listed by two programs, reported once, at the second",
    "[program:a]\nname = A Hospital IR\naddresses = coord@x.edu\ncontacts = Ann <ann@x.edu>\n"
    "[program:b]\nname = B Hospital DR\ncontacts = Coordinator <COORD@x.edu>;Bo <bo@x.edu>\n",
    { "[program:b]: coord@x.edu is also listed by [program:a]" } },
  { "one program listing its address in addresses and contacts: fine",
    "[program:a]\nname = A Hospital IR\naddresses = coord@x.edu\n"
    "contacts = Coordinator <coord@x.edu>\n",
    { NULL } },
  { "an alias two programs share, as written",
    "[program:a]\nname = Hopkins Interventional\naliases = Hopkins IR\ndomains = a.edu\n"
    "contacts = Ann <ann@a.edu>\n"
    "[program:b]\nname = Hopkins Bayview\naliases = HOPKINS  IR\ndomains = b.edu\n"
    "contacts = Bo <bo@b.edu>\n",
    { "[program:b]: the name or alias 'HOPKINS  IR' is also one of [program:a]" } },
  { "names that only begin alike: fine",
    "[program:a]\nname = Hopkins IR\ndomains = a.edu\ncontacts = Ann <ann@a.edu>\n"
    "[program:b]\nname = Hopkins IR Bayview\ndomains = b.edu\ncontacts = Bo <bo@b.edu>\n",
    { NULL } },
  { "interviews a year off, both ways; in season and on the deadline: fine",
    SEASON
    "[program:a]\nname = A IR\ndomains = a.edu\ncontacts = Ann <ann@a.edu>\n"
    "interview = 2025-11-12\n"
    "[program:b]\nname = B IR\ndomains = b.edu\ncontacts = Bo <bo@b.edu>\ninterview = 2027-11-12\n"
    "[program:c]\nname = C IR\ndomains = c.edu\ncontacts = Cy <cy@c.edu>\ninterview = 2026-11-12\n"
    "[program:d]\nname = D IR\ndomains = d.edu\ncontacts = Di <di@d.edu>\ninterview = 2027-03-04\n",
    { "[program:a]: interview 2025-11-12 is before applications_submitted 2026-09-24",
      "[program:b]: interview 2027-11-12 is after the rank deadline 2027-03-04" } },
  { "no season: interview dates are not judged",
    "[program:a]\nname = A IR\ndomains = a.edu\ncontacts = Ann <ann@a.edu>\n"
    "interview = 2019-01-01\n",
    { NULL } },
};

static void
test_conflicts (void **state)
{
  guint i, j, k;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (mg_config_t) config = mg_config_load_data ("t.conf", cases[i].config, -1,
                                                            &error);
      g_autoptr (GPtrArray) conflicts = NULL;

      if (config == NULL)
        fail_msg ("%s: %s", cases[i].what, error->message);
      conflicts = mg_registry_find_conflicts (config);
      for (j = 0, k = 0; j < conflicts->len; j++)
        {
          const mg_conflict_t *conflict = g_ptr_array_index (conflicts, j);

          if (conflict->level != MG_CONFLICT_WARNING)
            continue;
          if (cases[i].expected[k] == NULL || strstr (conflict->message, cases[i].expected[k]) == NULL)
            fail_msg ("%s: unexpected warning '%s'", cases[i].what, conflict->message);
          k++;
        }
      if (cases[i].expected[k] != NULL)
        fail_msg ("%s: missing warning '%s'", cases[i].what, cases[i].expected[k]);
    }
}

static void
test_program_without_contacts_is_a_note (void **state)
{
  g_autoptr (mg_config_t) config = mg_config_load_data (
    "t.conf", "[program:a]\nname = A IR\ndomains = a.edu\n"
    "[program:b]\nname = B IR\ndomains = b.edu\ncontacts = bo@b.edu\n", -1, NULL);
  g_autoptr (GPtrArray) conflicts = NULL;
  const mg_conflict_t *conflict;

  (void) state;
  assert_non_null (config);
  conflicts = mg_registry_find_conflicts (config);
  assert_int_equal (conflicts->len, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  assert_int_equal (conflict->level, MG_CONFLICT_NOTE);
  assert_string_equal (conflict->program->id, "a");
  assert_non_null (strstr (conflict->message, "no contacts"));
}

static void
test_lenient_load_reports_every_bad_program (void **state)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_config_t) config = NULL;
  const mg_config_problem_t *problem;
  const char *text =
    "[program:good]\nname = Good\ndomains = good.edu\n"        /* 1-3 */
    "[program:bad-address]\nname = Bad\naddresses = nobody\n"  /* 4-6 */
    "[program:bad.id/x]\nname = Again\ndomains = again.edu\n"  /* 7-9 */
    "[program:no-name]\ndomains = n.edu\n"                     /* 10-11 */
    "[program:fine]\nname = Fine\ndomains = fine.edu\n";       /* 12-14 */

  (void) state;
  config = mg_config_load_data_lenient ("t.conf", text, -1, problems, &error);
  assert_non_null (config);
  assert_int_equal (mg_registry_count (config->registry), 2);
  assert_non_null (mg_registry_find (config->registry, "good"));
  assert_non_null (mg_registry_find (config->registry, "fine"));
  assert_int_equal (problems->len, 3);
  problem = g_ptr_array_index (problems, 0);
  assert_string_equal (problem->file, "t.conf");
  assert_int_equal (problem->line, 6);
  assert_non_null (strstr (problem->message, "'nobody' is not an e-mail address"));
  problem = g_ptr_array_index (problems, 1);
  assert_int_equal (problem->line, 7);
  assert_non_null (strstr (problem->message, "a program id is made of"));
  problem = g_ptr_array_index (problems, 2);
  assert_int_equal (problem->line, 10);
  assert_non_null (strstr (problem->message, "name is missing"));

  /* the same text stops a normal load at its first bad program */
  g_clear_pointer (&config, mg_config_free);
  config = mg_config_load_data ("t.conf", text, -1, &error);
  assert_null (config);
  assert_non_null (strstr (error->message, "t.conf:6: "));
}

/* GKeyFile would merge a group given twice in one file, so that is
 * refused while the file is read, before any program is loaded. */
static void
test_lenient_load_fails_on_an_id_twice_in_one_file (void **state)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_config_t) config = mg_config_load_data_lenient (
    "t.conf", "[program:a]\nname = A\ndomains = a.edu\n\n[program:a]\nname = B\n", -1,
    problems, &error);

  (void) state;
  assert_null (config);
  assert_non_null (strstr (error->message, "t.conf:5: [program:a] appears twice (first at line 1)"));
}

static void
test_lenient_load_still_fails_on_syntax (void **state)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_config_t) config = mg_config_load_data_lenient (
    "t.conf", "[program:a]\nname = A\ndomains = a.edu\n[unknown]\nx = 1\n", -1, problems, &error);

  (void) state;
  assert_null (config);
  assert_non_null (strstr (error->message, "t.conf:4: unknown group [unknown]"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_conflicts),
    cmocka_unit_test (test_program_without_contacts_is_a_note),
    cmocka_unit_test (test_lenient_load_reports_every_bad_program),
    cmocka_unit_test (test_lenient_load_fails_on_an_id_twice_in_one_file),
    cmocka_unit_test (test_lenient_load_still_fails_on_syntax),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
