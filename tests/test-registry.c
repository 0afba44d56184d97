/* test-registry.c - recipient matching and program mentions (SPEC 3).
 *
 * The registry is built in code from one table of fictional programs, so
 * these tests exercise the registry alone; test-config.c covers reading
 * programs from files.  Each table row is one check.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "mg-registry.h"
#include "mg-registry-cache.h"
#include "mg-text.h"

/* A program as the tests write it: lists are ';'-separated. */
typedef struct {
  const char *id;
  const char *name;
  const char *aliases;
  mg_track_t track;
  const char *domains;
  const char *addresses;
  const char *contacts;     /* "Name <addr>" items */
} program_row_t;

static const program_row_t programs[] = {
  { "northgate-ir", "Northgate Integrated IR Residency",
    "Northgate IR;Northgate Integrated IR;Northgate Radiology", MG_TRACK_IR_INTEGRATED,
    "northgate-med.example.edu", "ir-program@northgate-med.example.edu;coordinator@northgate-med.example.edu",
    "Dr. Elena Vasquez <evasquez@northgate-med.example.edu>" },
  { "northgate-dr", "Northgate Diagnostic Radiology Residency",
    "Northgate DR;Northgate ESIR;Northgate Radiology", MG_TRACK_DR_ESIR,
    "northgate-med.example.edu", "dr-residency@northgate-med.example.edu;coordinator@northgate-med.example.edu",
    "Dr. Naomi Fairbanks <nfairbanks@northgate-med.example.edu>" },
  { "northgate-research", "Northgate Research Fellowship", "Northgate", MG_TRACK_OTHER,
    "research.northgate.example.org", "", "" },
  { "summit", "Summit University Radiology", "Summit Radiology", MG_TRACK_DR_ESIR,
    "summit.example.edu", "", "" },
  { "summit-med", "Summit Medical School IR", "Summit IR", MG_TRACK_IR_INTEGRATED,
    "med.summit.example.edu", "", "" },
  { "summit-liaison", "Summit Liaison Office", "", MG_TRACK_OTHER,
    "", "liaison@med.summit.example.edu", "" },
  { "lakeshore-ir", "Lakeshore Interventional Radiology", "Lakeshore IR", MG_TRACK_IR_INTEGRATED,
    "lakeshore-med.example.edu", "", "Grace Whitfield <gwhitfield@lakeshore-med.example.edu>" },
  { "montreal-ir", "Université de Montréal IR", "Montréal IR", MG_TRACK_IR_INDEPENDENT,
    "umontreal.example.ca", "", "" },
};

static char **
split (const char *list)
{
  g_auto(GStrv) raw = g_strsplit (list, ";", -1);
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = 0; raw[i] != NULL; i++)
    if (raw[i][0] != '\0')
      g_ptr_array_add (out, g_strdup (raw[i]));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static mg_program_t *
program_from_row (const program_row_t *row)
{
  mg_program_t *program = mg_program_new (row->id);
  g_auto(GStrv) contacts = split (row->contacts);
  guint i;

  program->name = g_strdup (row->name);
  program->track = row->track;
  g_strfreev (program->aliases);
  program->aliases = split (row->aliases);
  g_strfreev (program->domains);
  program->domains = split (row->domains);
  g_strfreev (program->addresses);
  program->addresses = split (row->addresses);
  for (i = 0; contacts[i] != NULL; i++)
    {
      char *open = strchr (contacts[i], '<');
      g_autofree char *name = g_strstrip (g_strndup (contacts[i], (gsize) (open - contacts[i])));
      g_autofree char *address = g_strndup (open + 1, strcspn (open + 1, ">"));

      g_ptr_array_add (program->contacts, mg_contact_new (name, address));
    }
  return program;
}

/* The registry of programs[], built once for every test. */
static mg_registry_t *registry;

static int
setup_registry (void **state)
{
  guint i;

  (void) state;
  registry = mg_registry_new ();
  for (i = 0; i < G_N_ELEMENTS (programs); i++)
    if (!mg_registry_add (registry, program_from_row (&programs[i])))
      return -1;
  return 0;
}

static int
teardown_registry (void **state)
{
  (void) state;
  g_clear_pointer (&registry, mg_registry_free);
  return 0;
}

/* The same programs read back from a cache file (mg-registry-cache.h), so
 * that every lookup test also runs against the cached registry. */
static char *cache_dir;

static int
setup_cached_registry (void **state)
{
  g_autofree char *file = NULL;
  const char *sources[] = { NULL };
  g_autofree char *signature = mg_registry_cache_signature (sources);
  mg_registry_cache_t *cache;

  if (setup_registry (state) != 0)
    return -1;
  cache_dir = g_dir_make_tmp ("test-registry-XXXXXX", NULL);
  file = g_build_filename (cache_dir, "registry.sqlite", NULL);
  if (!mg_registry_cache_write (file, signature, registry, NULL))
    return -1;
  g_clear_pointer (&registry, mg_registry_free);
  cache = mg_registry_cache_open (file, signature);
  if (cache == NULL)
    return -1;
  registry = mg_registry_new_cached (cache);
  return 0;
}

static int
teardown_cached_registry (void **state)
{
  g_autofree char *file = g_build_filename (cache_dir, "registry.sqlite", NULL);

  /* the lookups read programs as they needed them, never all of them */
  if (!mg_registry_is_cached (registry))
    fail_msg ("a lookup read the whole cached registry");
  g_unlink (file);
  g_rmdir (cache_dir);
  g_clear_pointer (&cache_dir, g_free);
  return teardown_registry (state);
}

/* ---- basics -------------------------------------------------------------- */

static void
test_add_find (void **state)
{
  const mg_program_t *program;

  assert_int_equal (mg_registry_count (registry), G_N_ELEMENTS (programs));
  assert_string_equal (mg_registry_get (registry, 0)->id, "northgate-ir");
  assert_null (mg_registry_get (registry, G_N_ELEMENTS (programs)));
  program = mg_registry_find (registry, "lakeshore-ir");
  assert_non_null (program);
  assert_string_equal (program->name, "Lakeshore Interventional Radiology");
  assert_null (mg_registry_find (registry, "nowhere"));
  /* names_norm filled by mg_registry_add(): name, then aliases */
  assert_string_equal (program->names_norm[0], "lakeshore interventional radiology");
  assert_string_equal (program->names_norm[1], "lakeshore ir");
  assert_null (program->names_norm[2]);
  /* a second program with the same id is refused (and freed) */
  (void) state;
  assert_false (mg_registry_add (registry, mg_program_new ("lakeshore-ir")));
  assert_int_equal (mg_registry_count (registry), G_N_ELEMENTS (programs));
}

static void
test_program_defaults (void **state)
{
  g_autoptr(mg_program_t) program = mg_program_new ("x");

  (void) state;
  assert_string_equal (program->id, "x");
  assert_int_equal (program->track, MG_TRACK_IR_INTEGRATED);
  assert_true (program->nrmp);
  assert_true (program->post_interview_contact);
  assert_false (program->has_interview);
  assert_null (program->aliases[0]);
  assert_null (program->domains[0]);
  assert_null (program->addresses[0]);
  assert_int_equal (program->contacts->len, 0);
}

static void
test_tracks (void **state)
{
  static const struct {
    const char *name;
    gboolean ok;
    mg_track_t track;
    const char *canonical;
  } rows[] = {
    { "ir-integrated", TRUE, MG_TRACK_IR_INTEGRATED, "ir-integrated" },
    { "dr-esir", TRUE, MG_TRACK_DR_ESIR, "dr-esir" },
    { "ir-independent", TRUE, MG_TRACK_IR_INDEPENDENT, "ir-independent" },
    { "other", TRUE, MG_TRACK_OTHER, "other" },
    { "IR-Integrated", TRUE, MG_TRACK_IR_INTEGRATED, "ir-integrated" },
    { "surgery", FALSE, MG_TRACK_OTHER, NULL },
    { "", FALSE, MG_TRACK_OTHER, NULL },
    { NULL, FALSE, MG_TRACK_OTHER, NULL },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      mg_track_t track = MG_TRACK_OTHER;

      assert_int_equal (mg_track_from_name (rows[i].name, &track), rows[i].ok);
      assert_int_equal (track, rows[i].track);
      if (rows[i].ok)
        assert_string_equal (mg_track_name (track), rows[i].canonical);
    }
  assert_string_equal (mg_track_name ((mg_track_t) 99), "other");
}

/* ---- contacts ------------------------------------------------------------ */

static void
test_contact_names (void **state)
{
  static const struct {
    const char *name;
    const char *last_name;    /* NULL: none */
    gboolean has_title;
  } rows[] = {
    { "Dr. Jane Roe", "roe", TRUE },
    { "Maria Lopez", "lopez", FALSE },
    { "Dr. Jane Roe, MD", "roe", TRUE },
    { "Jane Roe MD PhD", "roe", FALSE },
    { "Dr Jane Roe, M.D., Ph.D.", "roe", TRUE },
    { "Prof. Dr. Hans Müller", "muller", TRUE },
    { "Professor Ada Byron", "byron", TRUE },
    { "Dr. Lucía Romero", "romero", TRUE },
    { "Dr. Minh Do", "do", TRUE },         /* a surname, not a degree */
    { "Mx. Sam Lee Jr.", "lee", TRUE },
    { "Roe, Jane", "roe", FALSE },          /* last name first */
    { "Miss Olive Kent", "kent", TRUE },
    { "  Dr.   Ngozi   Eze  ", "eze", TRUE },
    { "Dr.", NULL, TRUE },
    { "", NULL, FALSE },
    { NULL, NULL, FALSE },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      mg_contact_t *contact = mg_contact_new (rows[i].name, "Someone@Example.EDU");

      assert_string_equal (contact->address, "someone@example.edu");
      if (rows[i].last_name == NULL)
        assert_null (contact->last_name);
      else
        assert_string_equal (contact->last_name, rows[i].last_name);
      assert_int_equal (contact->has_title, rows[i].has_title);
      mg_contact_free (contact);
    }
}

/* ---- matching ------------------------------------------------------------ */

typedef struct {
  const char *address;
  const char *expect;    /* ';'-separated program ids, "" for none */
} match_row_t;

static const match_row_t match_rows[] = {
  /* exact address of a contact, and of the program */
  { "evasquez@northgate-med.example.edu", "northgate-ir" },
  { "dr-residency@northgate-med.example.edu", "northgate-dr" },
  /* an exact address listed by two programs: both */
  { "coordinator@northgate-med.example.edu", "northgate-ir;northgate-dr" },
  /* only the shared domain: both candidates, registry order */
  { "someone@northgate-med.example.edu", "northgate-ir;northgate-dr" },
  /* case does not matter */
  { "EVasquez@NorthGate-Med.Example.EDU", "northgate-ir" },
  { "SOMEONE@NORTHGATE-MED.EXAMPLE.EDU", "northgate-ir;northgate-dr" },
  /* subdomains match their domain */
  { "x@ir.lakeshore-med.example.edu", "lakeshore-ir" },
  { "x@a.b.lakeshore-med.example.edu", "lakeshore-ir" },
  { "gwhitfield@lakeshore-med.example.edu", "lakeshore-ir" },
  /* look-alike domains do not */
  { "x@parklakeshore-med.example.edu", "" },
  { "x@notlakeshore-med.example.edu", "" },
  { "x@lakeshore-med.example.edu.evil.example.com", "" },
  { "x@northgate.example.org", "" },
  /* the longest matching domain wins */
  { "dean@summit.example.edu", "summit" },
  { "dean@law.summit.example.edu", "summit" },
  { "chief@med.summit.example.edu", "summit-med" },
  { "chief@ir.med.summit.example.edu", "summit-med" },
  /* an exact address beats the longest domain */
  { "liaison@med.summit.example.edu", "summit-liaison" },
  /* not residency mail */
  { "friend@mail.example.com", "" },
  { "liaison@summit.example.org", "" },
  /* forms callers may hand over */
  { "  <EVASQUEZ@northgate-med.example.edu>  ", "northgate-ir" },
  { "x@lakeshore-med.example.edu.", "lakeshore-ir" },
  { "no-at-sign", "" },
  { "trailing-at@", "" },
  { "", "" },
};

/* One match_rows[] entry, passed as the test's state. */
static void
test_match_address (void **state)
{
  const match_row_t *row = *state;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GString) ids = g_string_new (NULL);
  guint n, j;

  g_ptr_array_add (found, NULL);   /* matching appends */
  n = mg_registry_match_address (registry, row->address, found);
  assert_int_equal (n, found->len - 1);
  for (j = 1; j < found->len; j++)
    g_string_append_printf (ids, "%s%s", j > 1 ? ";" : "",
                            ((const mg_program_t *) g_ptr_array_index (found, j))->id);
  if (strcmp (ids->str, row->expect) != 0)
    fail_msg ("'%s': got '%s', expected '%s'", row->address, ids->str, row->expect);
}

/* A registry of 5,000 programs still matches the right one. */
static void
test_match_large_registry (void **state)
{
  g_autoptr(mg_registry_t) large = mg_registry_new ();
  guint i;

  (void) state;
  for (i = 0; i < 5000; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      mg_program_t *program = mg_program_new (id);

      program->name = g_strdup_printf ("Program %u Radiology", i);
      g_strfreev (program->domains);
      program->domains = g_new0 (char *, 2);
      program->domains[0] = g_strdup_printf ("hospital%u.example.org", i);
      assert_true (mg_registry_add (large, program));
    }
  for (i = 0; i < 5000; i += 499)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      g_autofree char *address = g_strdup_printf ("pd@ir.hospital%u.example.org", i);
      g_autofree char *id = g_strdup_printf ("p%u", i);

      assert_int_equal (mg_registry_match_address (large, address, found), 1);
      assert_string_equal (((const mg_program_t *) found->pdata[0])->id, id);
    }
}

/* ---- mentions ------------------------------------------------------------ */

typedef struct {
  const char *text;         /* before normalisation */
  const char *expect;       /* "id@start-end;..." over the normalised text */
} mention_row_t;

static const mention_row_t mention_rows[] = {
  /* whole words only */
  { "I enjoyed meeting the Lakeshore IR team.", "lakeshore-ir@22-34" },
  { "Lakeshore IRB approval", "" },
  { "Thelakeshore IR", "" },
  { "lakeshore ir", "lakeshore-ir@0-12" },
  { "(Lakeshore IR)", "lakeshore-ir@1-13" },
  /* the longest name at a place wins, within a program ... */
  { "Northgate Integrated IR Residency", "northgate-ir@0-33" },
  { "Northgate Integrated IR", "northgate-ir@0-23" },
  /* ... and across programs: "Northgate" alone names the fellowship */
  { "Northgate IR", "northgate-ir@0-12" },
  { "Northgate is lovely", "northgate-research@0-9" },
  { "Northgate Research Fellowship", "northgate-research@0-29" },
  { "Summit IR and Summit Radiology", "summit-med@0-9;summit@14-30" },
  /* two programs with the same alias at the same place: both */
  { "Northgate Radiology", "northgate-ir@0-19;northgate-dr@0-19" },
  /* several occurrences, in text order */
  { "Northgate DR. Lakeshore IR! Northgate ESIR", "northgate-dr@0-12;lakeshore-ir@14-26;northgate-dr@28-42" },
  /* accents and case through normalisation */
  { "UNIVERSITÉ DE MONTRÉAL IR", "montreal-ir@0-25" },
  { "Universite de Montreal IR", "montreal-ir@0-25" },
  { "montréal ir", "montreal-ir@0-11" },
  /* a line break inside a name is white space */
  { "Northgate\nDR", "northgate-dr@0-12" },
  { "", "" },
  { "nothing here", "" },
};

/* One mention_rows[] entry, passed as the test's state. */
static void
test_mentions (void **state)
{
  const mention_row_t *row = *state;
  g_autofree char *norm = mg_text_normalize (row->text);
  g_autoptr(GArray) mentions = mg_registry_find_mentions (registry, norm, strlen (norm));
  g_autoptr(GString) got = g_string_new (NULL);
  guint j;

  for (j = 0; j < mentions->len; j++)
    {
      const mg_mention_t *m = &g_array_index (mentions, mg_mention_t, j);
      g_string_append_printf (got, "%s%s@%zu-%zu", j > 0 ? ";" : "", m->program->id,
                              m->start, m->end);
    }
  if (strcmp (got->str, row->expect) != 0)
    fail_msg ("'%s' (normalised '%s'): got '%s', expected '%s'", row->text, norm,
              got->str, row->expect);
}

/* A name given in text not normalised to a registry built without
 * names_norm and with a name starting with punctuation. */
static void
test_mentions_odd_names (void **state)
{
  g_autoptr(mg_registry_t) odd = mg_registry_new ();
  mg_program_t *program = mg_program_new ("odd");
  g_autofree char *norm = mg_text_normalize ("see (IR) Program and -IR- too");
  g_autoptr(GArray) mentions = NULL;

  (void) state;
  program->name = g_strdup ("(IR) Program");
  g_strfreev (program->aliases);
  program->aliases = g_strsplit ("-IR-;;", ";", -1);   /* an empty alias is skipped */
  g_strfreev (program->domains);
  program->domains = g_strsplit ("odd.example.org", ";", -1);
  assert_true (mg_registry_add (odd, program));
  mentions = mg_registry_find_mentions (odd, norm, strlen (norm));
  assert_int_equal (mentions->len, 2);
  assert_int_equal (g_array_index (mentions, mg_mention_t, 0).start, 4);
  assert_int_equal (g_array_index (mentions, mg_mention_t, 0).end, 16);
  assert_int_equal (g_array_index (mentions, mg_mention_t, 1).start, 21);
  assert_int_equal (g_array_index (mentions, mg_mention_t, 1).end, 25);
}

/* A cached registry of 3,000 programs: the filter of first words that
 * spares most queries (registry-cache.c) never hides a name: each
 * program's name and alias is found in text, as is a name that starts
 * with punctuation (the empty first word); words that start no name find
 * nothing. */
static void
test_cached_mentions_large (void **state)
{
  g_autoptr(mg_registry_t) large = mg_registry_new ();
  g_autofree char *dir = g_dir_make_tmp ("test-registry-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "registry.sqlite", NULL);
  const char *sources[] = { NULL };
  g_autofree char *signature = mg_registry_cache_signature (sources);
  g_autoptr(mg_registry_t) cached = NULL;
  mg_program_t *odd = mg_program_new ("odd");
  guint i;

  (void) state;
  for (i = 0; i < 3000; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      mg_program_t *program = mg_program_new (id);

      /* made-up words: "qa", "qb", ... one per program */
      program->name = g_strdup_printf ("Q%c%c%c Radiology", 'a' + i % 26, 'a' + i / 26 % 26,
                                       'a' + i / 676);
      g_strfreev (program->aliases);
      program->aliases = g_new0 (char *, 2);
      program->aliases[0] = g_strdup_printf ("Z%u IR", i);
      g_strfreev (program->domains);
      program->domains = g_new0 (char *, 2);
      program->domains[0] = g_strdup_printf ("h%u.example.org", i);
      assert_true (mg_registry_add (large, program));
    }
  odd->name = g_strdup ("(IR) Program");
  g_strfreev (odd->domains);
  odd->domains = g_strsplit ("odd.example.org", ";", -1);
  assert_true (mg_registry_add (large, odd));
  assert_true (mg_registry_cache_write (file, signature, large, NULL));
  cached = mg_registry_new_cached (mg_registry_cache_open (file, signature));

  for (i = 0; i < 3000; i++)
    {
      g_autofree char *text = g_strdup_printf ("at q%c%c%c radiology and z%u ir we met",
                                               'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676, i);
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autoptr(GArray) mentions = mg_registry_find_mentions (cached, text, strlen (text));

      if (mentions->len != 2 || strcmp (g_array_index (mentions, mg_mention_t, 0).program->id, id) != 0
          || strcmp (g_array_index (mentions, mg_mention_t, 1).program->id, id) != 0)
        fail_msg ("'%s': %u mentions, expected 2 of %s", text, mentions->len, id);
    }
  {
    const char *none = "nothing of the sort radiology ir program qzzz z3000";
    const char *paren = "see (ir) program";
    g_autoptr(GArray) no = mg_registry_find_mentions (cached, none, strlen (none));
    g_autoptr(GArray) yes = mg_registry_find_mentions (cached, paren, strlen (paren));

    assert_int_equal (no->len, 0);
    assert_int_equal (yes->len, 1);
    assert_string_equal (g_array_index (yes, mg_mention_t, 0).program->id, "odd");
  }
  g_clear_pointer (&cached, mg_registry_free);
  g_unlink (file);
  g_rmdir (dir);
}

/* ---- shared words and contacts' last names ------------------------------ */

typedef struct {
  const char *word;      /* as split from a normalised name at spaces */
  const char *except;    /* the program asking */
  gboolean expect;
} elsewhere_row_t;

static const elsewhere_row_t elsewhere_rows[] = {
  { "northgate", "northgate-ir", TRUE },          /* Northgate DR and Research too */
  { "northgate", "nowhere", TRUE },
  { "lakeshore", "lakeshore-ir", FALSE },         /* its own word only */
  { "lakeshore", "summit", TRUE },
  { "summit", "summit", TRUE },                   /* Summit Medical School IR */
  { "liaison", "summit-liaison", FALSE },
  { "montreal", "montreal-ir", FALSE },      /* names are normalised without accents */
  { "montreal", "summit", TRUE },
  { "northgat", "summit", FALSE },                /* part of a word is not the word */
  { "----", "summit", TRUE },                     /* no letters: tells nothing apart */
};

static void
test_word_elsewhere (void **state)
{
  const elsewhere_row_t *row = *state;
  const mg_program_t *except = mg_registry_find (registry, row->except);

  if (mg_registry_word_elsewhere (registry, row->word, except) != row->expect)
    fail_msg ("'%s' beside %s: expected %s", row->word, row->except,
              row->expect ? "shared" : "its own");
}

typedef struct {
  const char *text;      /* normalised */
  const char *expect;    /* "program:last name;..." */
} last_name_row_t;

static const last_name_row_t last_name_rows[] = {
  { "dear dr vasquez", "northgate-ir:vasquez" },
  { "dear dr fairbanks and dr whitfield", "northgate-dr:fairbanks;lakeshore-ir:whitfield" },
  { "dear dr whitfield and dr fairbanks", "northgate-dr:fairbanks;lakeshore-ir:whitfield" },
  { "dear dr vasquezz", "" },
  { "dear dr elena", "" },
  { "dear program director", "" },
  { "", "" },
};

static void
test_last_names (void **state)
{
  const last_name_row_t *row = *state;
  g_autoptr(GArray) found = mg_registry_find_last_names (registry, row->text, strlen (row->text));
  g_autoptr(GString) got = g_string_new (NULL);
  guint j;

  for (j = 0; j < found->len; j++)
    {
      const mg_contact_ref_t *ref = &g_array_index (found, mg_contact_ref_t, j);
      g_string_append_printf (got, "%s%s:%s", j > 0 ? ";" : "", ref->program->id,
                              ref->contact->last_name);
    }
  if (strcmp (got->str, row->expect) != 0)
    fail_msg ("'%s': got '%s', expected '%s'", row->text, got->str, row->expect);
}

/* ---- the cache file ------------------------------------------------------ */

static void
assert_strv_equal (char **a, char **b)
{
  guint i;

  assert_int_equal (g_strv_length (a), g_strv_length (b));
  for (i = 0; a[i] != NULL; i++)
    assert_string_equal (a[i], b[i]);
}

/* Every field of every program comes back as it was written. */
static void
test_cache_round_trip (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("test-registry-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "registry.sqlite", NULL);
  const char *sources[] = { NULL };
  g_autofree char *signature = mg_registry_cache_signature (sources);
  g_autoptr(mg_registry_t) original = mg_registry_new ();
  g_autoptr(mg_registry_t) copy = NULL;
  mg_registry_cache_t *cache;
  mg_program_t *with_date = program_from_row (&programs[0]);
  guint i, c;

  (void) state;
  for (i = 1; i < G_N_ELEMENTS (programs); i++)
    assert_true (mg_registry_add (original, program_from_row (&programs[i])));
  g_date_set_dmy (&with_date->interview, 14, 12, 2026);
  with_date->has_interview = TRUE;
  with_date->nrmp = FALSE;
  with_date->post_interview_contact = FALSE;
  with_date->file = g_strdup ("/x/programs.conf");
  with_date->line = 42;
  assert_true (mg_registry_add (original, with_date));

  assert_true (mg_registry_cache_write (file, signature, original, NULL));
  cache = mg_registry_cache_open (file, signature);
  assert_non_null (cache);
  copy = mg_registry_new_cached (cache);
  assert_string_equal (mg_registry_find (copy, "northgate-ir")->file, "/x/programs.conf");
  assert_int_equal (mg_registry_count (copy), mg_registry_count (original));
  assert_false (mg_registry_is_cached (copy));
  for (i = 0; i < mg_registry_count (original); i++)
    {
      const mg_program_t *a = mg_registry_get (original, i);
      const mg_program_t *b = mg_registry_get (copy, i);

      assert_string_equal (a->id, b->id);
      assert_string_equal (a->name, b->name);
      assert_strv_equal (a->aliases, b->aliases);
      assert_strv_equal (a->names_norm, b->names_norm);
      assert_strv_equal (a->domains, b->domains);
      assert_strv_equal (a->addresses, b->addresses);
      assert_int_equal (a->track, b->track);
      assert_int_equal (a->nrmp, b->nrmp);
      assert_int_equal (a->post_interview_contact, b->post_interview_contact);
      assert_int_equal (a->has_interview, b->has_interview);
      if (a->has_interview)
        assert_int_equal (g_date_compare (&a->interview, &b->interview), 0);
      assert_string_equal (a->file != NULL ? a->file : "", b->file);
      assert_int_equal (a->line, b->line);
      assert_int_equal (a->order, b->order);
      assert_int_equal (a->contacts->len, b->contacts->len);
      for (c = 0; c < a->contacts->len; c++)
        {
          const mg_contact_t *x = g_ptr_array_index (a->contacts, c);
          const mg_contact_t *y = g_ptr_array_index (b->contacts, c);
          assert_string_equal (x->address, y->address);
          assert_true (g_strcmp0 (x->name, y->name) == 0);
          assert_true (g_strcmp0 (x->last_name, y->last_name) == 0);
          assert_int_equal (x->has_title, y->has_title);
        }
    }
  g_unlink (file);
  g_rmdir (dir);
}

/* A cache is used only with the files it was written from, as they were. */
static void
test_cache_signature (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("test-registry-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "registry.sqlite", NULL);
  g_autofree char *source = g_build_filename (dir, "programs.conf", NULL);
  const char *sources[] = { source, NULL };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(mg_registry_t) empty = mg_registry_new ();
  mg_registry_cache_t *cache;

  (void) state;
  assert_null (mg_registry_cache_signature (sources));   /* no such file */
  assert_true (g_file_set_contents (source, "[program:a]\n", -1, NULL));
  before = mg_registry_cache_signature (sources);
  assert_non_null (before);
  assert_true (mg_registry_cache_write (file, before, empty, NULL));
  cache = mg_registry_cache_open (file, before);
  assert_non_null (cache);
  mg_registry_cache_free (cache);

  /* the same size, rewritten: a new modification time */
  g_usleep (10000);
  assert_true (g_file_set_contents (source, "[program:b]\n", -1, NULL));
  after = mg_registry_cache_signature (sources);
  assert_string_not_equal (before, after);
  assert_null (mg_registry_cache_open (file, after));

  /* a cache others could have written is not read */
  g_chmod (file, 0620);
  assert_null (mg_registry_cache_open (file, before));
  g_chmod (file, 0600);
  assert_null (mg_registry_cache_open (dir, before));   /* not a file */

  g_unlink (file);
  g_unlink (source);
  g_rmdir (dir);
}

/* Appends a test of @func for each of @count rows of @size bytes at
 * @rows, named "@label: " + the row's first string. */
static void
add_rows (GArray *all, GPtrArray *names, const char *label, CMUnitTestFunction func,
          const void *rows, gsize size, gsize count)
{
  gsize i;

  for (i = 0; i < count; i++)
    {
      const void *row = (const char *) rows + i * size;
      g_autofree char *shown = g_strescape (*(const char *const *) row, NULL);
      char *name = g_strdup_printf ("%s: '%s'", label, shown);
      struct CMUnitTest test = { name, func, NULL, NULL, (void *) row };

      g_ptr_array_add (names, name);
      g_array_append_val (all, test);
    }
}

int
main (void)
{
  static const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_add_find),
    cmocka_unit_test (test_program_defaults),
    cmocka_unit_test (test_tracks),
    cmocka_unit_test (test_contact_names),
    cmocka_unit_test (test_match_large_registry),
    cmocka_unit_test (test_mentions_odd_names),
    cmocka_unit_test (test_cached_mentions_large),
  };
  static const struct CMUnitTest cache_tests[] = {
    cmocka_unit_test (test_cache_round_trip),
    cmocka_unit_test (test_cache_signature),
  };
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (struct CMUnitTest));
  g_autoptr(GArray) cached = g_array_new (FALSE, FALSE, sizeof (struct CMUnitTest));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int failed;

  g_array_append_vals (all, tests, G_N_ELEMENTS (tests));
  add_rows (all, names, "match", test_match_address, match_rows, sizeof match_rows[0],
            G_N_ELEMENTS (match_rows));
  add_rows (all, names, "mentions", test_mentions, mention_rows, sizeof mention_rows[0],
            G_N_ELEMENTS (mention_rows));
  add_rows (all, names, "word elsewhere", test_word_elsewhere, elsewhere_rows,
            sizeof elsewhere_rows[0], G_N_ELEMENTS (elsewhere_rows));
  add_rows (all, names, "last names", test_last_names, last_name_rows,
            sizeof last_name_rows[0], G_N_ELEMENTS (last_name_rows));
  failed = _cmocka_run_group_tests ("test-registry", (const struct CMUnitTest *) all->data,
                                    all->len, setup_registry, teardown_registry);

  /* the lookups again, with the registry read from its cache */
  g_array_set_size (cached, 0);
  g_array_append_vals (cached, (const struct CMUnitTest *) all->data + G_N_ELEMENTS (tests),
                       all->len - G_N_ELEMENTS (tests));
  failed += _cmocka_run_group_tests ("test-registry (cached)",
                                     (const struct CMUnitTest *) cached->data, cached->len,
                                     setup_cached_registry, teardown_cached_registry);
  failed += _cmocka_run_group_tests ("test-registry (cache file)", cache_tests,
                                     G_N_ELEMENTS (cache_tests), NULL, NULL);
  return failed;
}
