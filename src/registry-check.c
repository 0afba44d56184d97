/* registry-check.c - conflicts between programs of a loaded registry.
 *
 * Each kind of conflict is one pass over the registry with a hash table
 * from the shared thing (domain, address, name) to the programs that list
 * it; see mg-registry-check.h for what is reported and why. */
#include "config.h"

#include <string.h>

#include "mg-common.h"
#include "mg-registry-check.h"

void
mg_conflict_free (mg_conflict_t *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->message);
  g_free (conflict);
}

static void G_GNUC_PRINTF (4, 5)
add (GPtrArray *conflicts, mg_conflict_level_t level, const mg_program_t *program,
     const char *format, ...)
{
  mg_conflict_t *conflict = g_new0 (mg_conflict_t, 1);
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  conflict->level = level;
  conflict->program = program;
  conflict->message = g_strdup_printf ("[program:%s]: %s", program->id, text);
  g_ptr_array_add (conflicts, conflict);
}

/* @key -> GPtrArray of the programs listing it, each once, in registry
 * order. */
static void
index_add (GHashTable *index, const char *key, const mg_program_t *program)
{
  GPtrArray *programs = g_hash_table_lookup (index, key);

  if (programs == NULL)
    {
      programs = g_ptr_array_new ();
      g_hash_table_insert (index, g_strdup (key), programs);
    }
  if (programs->len == 0 || g_ptr_array_index (programs, programs->len - 1) != program)
    g_ptr_array_add (programs, (gpointer) program);
}

static GHashTable *
index_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
}

/* "[program:a], [program:b]" for the programs of @programs except @self. */
static char *
others (const GPtrArray *programs, const mg_program_t *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  for (i = 0; i < programs->len; i++)
    {
      const mg_program_t *program = g_ptr_array_index (programs, i);
      if (program == self)
        continue;
      g_string_append_printf (text, "%s[program:%s] (%s:%d)", text->len > 0 ? ", " : "",
                              program->id, program->file, program->line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Appends to @out every address @program lists, in addresses and then
 * contacts (registry-owned strings). */
static void
program_addresses (const mg_program_t *program, GPtrArray *out)
{
  guint i;

  for (i = 0; program->addresses[i] != NULL; i++)
    g_ptr_array_add (out, program->addresses[i]);
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      g_ptr_array_add (out, contact->address);
    }
}

/* TRUE when @address is at @domain or one of its subdomains. */
static gboolean
address_under (const char *address, const char *domain)
{
  const char *at = strrchr (address, '@');
  gsize host_len, domain_len = strlen (domain);

  if (at == NULL)
    return FALSE;
  at++;
  host_len = strlen (at);
  if (host_len == domain_len)
    return strcmp (at, domain) == 0;
  return host_len > domain_len && at[host_len - domain_len - 1] == '.'
    && strcmp (at + host_len - domain_len, domain) == 0;
}

static gboolean
has_address_under (const mg_program_t *program, const char *domain)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
  guint i;

  program_addresses (program, addresses);
  for (i = 0; i < addresses->len; i++)
    if (address_under (g_ptr_array_index (addresses, i), domain))
      return TRUE;
  return FALSE;
}

/* Appends to @keys what a program is known by, of one kind. */
typedef void (*keys_func_t) (const mg_program_t *program, GPtrArray *keys);

static void
domain_keys (const mg_program_t *program, GPtrArray *keys)
{
  guint i;

  for (i = 0; program->domains[i] != NULL; i++)
    g_ptr_array_add (keys, program->domains[i]);
}

static void
name_keys (const mg_program_t *program, GPtrArray *keys)
{
  guint i;

  for (i = 0; program->names_norm[i] != NULL; i++)
    g_ptr_array_add (keys, program->names_norm[i]);
}

/* Every key of every program -> the programs that have it. */
static GHashTable *
index_by (const mg_registry_t *registry, keys_func_t keys_of)
{
  GHashTable *index = index_new ();
  guint i, j;

  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();

      keys_of (program, keys);
      for (j = 0; j < keys->len; j++)
        index_add (index, g_ptr_array_index (keys, j), program);
    }
  return index;
}

static void
find_shared_domains (const mg_registry_t *registry, GPtrArray *conflicts)
{
  g_autoptr(GHashTable) index = index_by (registry, domain_keys);
  guint i, j;

  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      for (j = 0; program->domains[j] != NULL; j++)
        {
          const char *domain = program->domains[j];
          GPtrArray *sharing = g_hash_table_lookup (index, domain);
          g_autofree char *names = NULL;

          if (sharing->len < 2 || has_address_under (program, domain))
            continue;
          names = others (sharing, program);
          add (conflicts, MG_CONFLICT_WARNING, program,
               "domain %s is shared with %s, and this program lists no address or contact "
               "there: mail to it at %s is told apart only by the program name in the text "
               "(else ambiguous-recipient); add its addresses", domain, names, domain);
        }
    }
}

/* Words the conflict of @program having key @index of its keys, which
 * the earlier programs @names have too. */
typedef void (*report_func_t) (GPtrArray *conflicts, const mg_program_t *program, guint index,
                               const char *key, const char *names);

/* Reports each key a program shares with an earlier one, once per key,
 * at the later program. */
static void
find_shared (const mg_registry_t *registry, keys_func_t keys_of, report_func_t report,
             GPtrArray *conflicts)
{
  g_autoptr(GHashTable) index = index_by (registry, keys_of);
  guint i, j;

  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();
      g_autoptr(GHashTable) reported = g_hash_table_new (g_str_hash, g_str_equal);

      keys_of (program, keys);
      for (j = 0; j < keys->len; j++)
        {
          const char *key = g_ptr_array_index (keys, j);
          GPtrArray *having = g_hash_table_lookup (index, key);
          g_autofree char *names = NULL;

          if (having->len < 2 || g_ptr_array_index (having, 0) == program
              || !g_hash_table_add (reported, (gpointer) key))
            continue;
          names = others (having, program);
          report (conflicts, program, j, key, names);
        }
    }
}

static void
report_shared_address (GPtrArray *conflicts, const mg_program_t *program, guint index,
                       const char *address, const char *names)
{
  add (conflicts, MG_CONFLICT_WARNING, program,
       "%s is also listed by %s: mail to it is told apart only by the program name in the "
       "text (else ambiguous-recipient)", address, names);
}

/* names_norm[@index] as the registry file writes it: names_norm holds
 * the name and then the aliases, normalised. */
static const char *
written_name (const mg_program_t *program, guint index)
{
  guint aliases = program->aliases != NULL ? g_strv_length (program->aliases) : 0;

  if (program->name == NULL || g_strv_length (program->names_norm) != aliases + 1)
    return program->names_norm[index];
  return index == 0 ? program->name : program->aliases[index - 1];
}

static void
report_shared_name (GPtrArray *conflicts, const mg_program_t *program, guint index,
                    const char *name, const char *names)
{
  (void) name;
  add (conflicts, MG_CONFLICT_WARNING, program,
       "the name or alias '%s' is also one of %s: a text that names it cannot tell the "
       "programs apart; make the aliases distinct", written_name (program, index), names);
}

static void
find_interviews_out_of_season (const mg_config_t *config, GPtrArray *conflicts)
{
  const mg_registry_t *registry = config->registry;
  guint i;

  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      char interview[16], limit[16];

      if (!program->has_interview)
        continue;
      g_date_strftime (interview, sizeof interview, "%Y-%m-%d", &program->interview);
      if (g_date_valid (&config->applications_submitted)
          && g_date_compare (&program->interview, &config->applications_submitted) < 0)
        {
          g_date_strftime (limit, sizeof limit, "%Y-%m-%d", &config->applications_submitted);
          add (conflicts, MG_CONFLICT_WARNING, program,
               "interview %s is before applications_submitted %s: is the year right?",
               interview, limit);
        }
      else if (g_date_valid (&config->rank_deadline)
               && g_date_compare (&program->interview, &config->rank_deadline) > 0)
        {
          g_date_strftime (limit, sizeof limit, "%Y-%m-%d", &config->rank_deadline);
          add (conflicts, MG_CONFLICT_WARNING, program,
               "interview %s is after the rank deadline %s: is the year right?",
               interview, limit);
        }
    }
}

static void
find_programs_without_contacts (const mg_registry_t *registry, GPtrArray *conflicts)
{
  guint i;

  for (i = 0; i < mg_registry_count (registry); i++)
    {
      const mg_program_t *program = mg_registry_get (registry, i);
      if (program->contacts->len == 0)
        add (conflicts, MG_CONFLICT_NOTE, program,
             "no contacts: a message to another program that greets this program's people "
             "by name goes unnoticed (wrong-program); list them as Name <address>");
    }
}

static int
compare_conflicts (gconstpointer a, gconstpointer b, gpointer order)
{
  const mg_conflict_t *x = *(const mg_conflict_t *const *) a;
  const mg_conflict_t *y = *(const mg_conflict_t *const *) b;
  guint ix = GPOINTER_TO_UINT (g_hash_table_lookup (order, x->program));
  guint iy = GPOINTER_TO_UINT (g_hash_table_lookup (order, y->program));

  if (ix != iy)
    return ix < iy ? -1 : 1;
  return (int) x->level - (int) y->level;
}

GPtrArray *
mg_registry_find_conflicts (const mg_config_t *config)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GHashTable) order = NULL;
  guint i;

  g_return_val_if_fail (config != NULL && config->registry != NULL, NULL);

  conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_conflict_free);
  find_shared_domains (config->registry, conflicts);
  find_shared (config->registry, program_addresses, report_shared_address, conflicts);
  find_shared (config->registry, name_keys, report_shared_name, conflicts);
  find_interviews_out_of_season (config, conflicts);
  find_programs_without_contacts (config->registry, conflicts);

  /* stable: within a program, the passes' order above */
  order = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (i = 0; i < mg_registry_count (config->registry); i++)
    g_hash_table_insert (order, (gpointer) mg_registry_get (config->registry, i),
                         GUINT_TO_POINTER (i));
  g_ptr_array_sort_with_data (conflicts, compare_conflicts, order);
  return g_steal_pointer (&conflicts);
}
