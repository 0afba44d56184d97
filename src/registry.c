/* registry.c - the applicant's programs and recipient matching (SPEC 3).
 *
 * Design notes.
 *
 * - A registry can hold thousands of programs (a whole specialty's list
 *   imported from CSV), and sendmail mode matches every recipient of every
 *   message, so nothing here scans the program list.  Three indexes are
 *   built as programs are added:
 *     by_address: exact addr-spec -> programs listing it (addresses and
 *                 contacts), usually one;
 *     by_domain:  domain -> programs listing it;
 *     by_word:    first word of a normalised name or alias -> the names
 *                 starting with it.
 *   An address is matched with one lookup for the address and one per
 *   domain suffix at a label boundary, longest first (ir.jhmi.edu, then
 *   jhmi.edu, then edu), so the cost is the number of labels.  Mentions are
 *   found with one lookup per word of the text.
 *
 * - A domain matches itself and its subdomains only at a label boundary:
 *   "ir.jhmi.edu" is under "jhmi.edu", "notjhmi.edu" is not.
 *
 * - Every candidate is returned when an exact address is listed by two
 *   programs or several programs list the longest matching domain; the
 *   analysis decides between them with the names the message mentions.
 *
 * - Index keys are lower-cased copies, so a program built by any caller
 *   (configuration, CSV import, tests) matches the same way.
 */
#include "config.h"

#include <string.h>

#include "mg-registry.h"
#include "mg-registry-cache.h"
#include "mg-text.h"

#define FIRST_WORD_BITS 8192

struct mg_registry {
  GPtrArray *programs;     /* mg_program_t*, owned, in the order added */
  GHashTable *by_id;       /* id (owned by the program) -> mg_program_t* */
  GHashTable *by_address;  /* lower-case addr-spec (owned) -> GPtrArray of const mg_program_t* */
  GHashTable *by_domain;   /* lower-case domain (owned) -> GPtrArray of const mg_program_t* */
  GHashTable *by_word;     /* first word of a normalised name (owned) -> GArray of name_ref_t */
  GHashTable *by_any_word; /* every word of a normalised name (owned) -> GArray of name_ref_t */
  GHashTable *by_last_word;/* first word of a contact's last name (owned) -> GArray of last_ref_t */
  GArray *other_names;     /* name_ref_t: names that do not start with a letter or digit */
  /* by_word's keys, as bits by word_bit(): a text's word whose bit is
   * clear starts no name, and most words of a message start none */
  guint64 first_words[FIRST_WORD_BITS / 64];

  /* A cached registry (mg_registry_new_cached()) has no programs above:
   * lookups ask the cache, and the programs they find are read once and
   * kept here.  mg_registry_count() and mg_registry_get() read the rest
   * and turn the registry into an ordinary one. */
  mg_registry_cache_t *cache;
  GHashTable *cached;      /* GUINT_TO_POINTER (order) -> mg_program_t* (owned) */
  GHashTable *cached_words;/* word (owned) -> GArray of name_ref_t: the names starting with it */
  GPtrArray *cached_texts; /* the names those refer to (owned) */
};

/* One normalised name or alias of a program, as indexed for mentions. */
typedef struct {
  const char *norm;        /* an entry of program->names_norm */
  gsize len;               /* strlen (norm) */
  const mg_program_t *program;
  guint order;             /* the program's position in the registry */
} name_ref_t;

/* A contact's last name, as indexed. */
typedef struct {
  const char *last_name;   /* the contact's (not owned) */
  guint order;             /* the program's position */
  guint seq;               /* the contact's index in the program */
} last_ref_t;

/* A mention candidate with the program's position, for ordering. */
typedef struct {
  mg_mention_t mention;
  guint order;
} found_t;

static const char *const track_names[] = {
  [MG_TRACK_IR_INTEGRATED] = "ir-integrated",
  [MG_TRACK_DR_ESIR] = "dr-esir",
  [MG_TRACK_IR_INDEPENDENT] = "ir-independent",
  [MG_TRACK_OTHER] = "other",
};

/* Titles before a name, compared lower-case without dots (SPEC 4a plus
 * "Miss" and "Doctor"). */
static const char *const titles[] = {
  "dr", "doctor", "prof", "professor", "mr", "ms", "mrs", "mx", "miss", NULL
};

/* Degrees and generational suffixes after a name, compared lower-case
 * without dots. */
static const char *const suffixes[] = {
  "md", "phd", "do", "jr", "sr", "ii", "iii", "iv", "mbbs", "mbchb", "mph",
  "msc", "mba", "dphil", "facr", "fsir", "frcr", "frcpc", NULL
};

static void
ptr_array_unref (gpointer array)
{
  g_ptr_array_unref (array);
}

static void
array_unref (gpointer array)
{
  g_array_unref (array);
}

/* mg_registry_new:
 *
 * Returns a new empty registry; free with mg_registry_free(). */
mg_registry_t *
mg_registry_new (void)
{
  mg_registry_t *registry = g_new0 (mg_registry_t, 1);

  registry->programs = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_program_free);
  registry->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  registry->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ptr_array_unref);
  registry->by_domain = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ptr_array_unref);
  registry->by_word = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_unref);
  registry->by_any_word = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_unref);
  registry->by_last_word = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_unref);
  registry->other_names = g_array_new (FALSE, FALSE, sizeof (name_ref_t));
  return registry;
}

/* mg_registry_new_cached:
 *
 * Returns a registry that reads its programs from @cache (transfer full)
 * when a lookup needs them. */
mg_registry_t *
mg_registry_new_cached (mg_registry_cache_t *cache)
{
  mg_registry_t *registry = mg_registry_new ();

  g_return_val_if_fail (cache != NULL, registry);
  registry->cache = cache;
  registry->cached = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify) mg_program_free);
  registry->cached_words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_unref);
  registry->cached_texts = g_ptr_array_new_with_free_func (g_free);
  return registry;
}

gboolean
mg_registry_is_cached (const mg_registry_t *registry)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  return registry->cache != NULL;
}

/* mg_registry_free:
 *
 * Frees @registry and every program in it.  NULL is allowed. */
void
mg_registry_free (mg_registry_t *registry)
{
  if (registry == NULL)
    return;
  g_hash_table_unref (registry->by_id);
  g_hash_table_unref (registry->by_address);
  g_hash_table_unref (registry->by_domain);
  g_hash_table_unref (registry->by_word);
  g_hash_table_unref (registry->by_any_word);
  g_hash_table_unref (registry->by_last_word);
  g_array_unref (registry->other_names);
  if (registry->cached != NULL)
    g_hash_table_unref (registry->cached);
  if (registry->cached_words != NULL)
    g_hash_table_unref (registry->cached_words);
  if (registry->cached_texts != NULL)
    g_ptr_array_unref (registry->cached_texts);
  mg_registry_cache_free (registry->cache);
  g_ptr_array_unref (registry->programs);
  g_free (registry);
}

/* mg_contact_free:
 *
 * Frees @contact.  NULL is allowed. */
void
mg_contact_free (mg_contact_t *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->name);
  g_free (contact->address);
  g_free (contact->last_name);
  g_free (contact);
}

/* Lower-cases @word and drops its dots and a trailing comma, for comparing
 * with titles[] and suffixes[]. */
static char *
bare_word (const char *word)
{
  GString *bare = g_string_new (NULL);
  const char *p;

  for (p = word; *p != '\0'; p++)
    if (*p != '.' && *p != ',')
      g_string_append_c (bare, g_ascii_tolower (*p));
  return g_string_free (bare, FALSE);
}

static gboolean
word_in (const char *word, const char *const *list)
{
  g_autofree char *bare = bare_word (word);

  return g_strv_contains (list, bare);
}

static gboolean
ends_with_comma (const char *word)
{
  gsize len = strlen (word);

  return len > 0 && word[len - 1] == ',';
}

/* Finds the last name in a display name: titles dropped from the front,
 * degrees and suffixes from the back ("Dr. Jane Roe, MD" -> "Roe").  A
 * suffix is dropped only after a comma or when a first and last name stay
 * in front of it, so that "Dr. Minh Do" keeps "Do".  "Roe, Jane" (last name
 * first) gives "Roe".  Sets @has_title when the name starts with a title.
 * Returns a pointer into @words (not owned) or NULL. */
static const char *
find_last_name (char **words, gboolean *has_title)
{
  guint first = 0;
  guint n = g_strv_length (words);

  *has_title = FALSE;
  while (first < n && word_in (words[first], titles))
    {
      *has_title = TRUE;
      first++;
    }
  while (n > first + 1 && word_in (words[n - 1], suffixes)
         && (ends_with_comma (words[n - 2]) || n - 1 >= first + 2))
    n--;
  if (first >= n)
    return NULL;
  if (n > first + 1 && ends_with_comma (words[first]))
    return words[first];
  return words[n - 1];
}

/* Splits @name at white space, dropping empty words. */
static char **
split_words (const char *name)
{
  g_auto(GStrv) parts = g_strsplit_set (name, " \t", -1);
  GPtrArray *words = g_ptr_array_new ();
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (words, g_strdup (parts[i]));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

/* mg_contact_new:
 *
 * Returns a new contact for @address (copied, lower-cased) with display
 * name @name (copied; NULL or empty for none).  Fills last_name
 * (normalised with mg_text_normalize) and has_title from the name.  Free
 * with mg_contact_free() unless a program's contacts array owns it. */
mg_contact_t *
mg_contact_new (const char *name, const char *address)
{
  mg_contact_t *contact;
  g_auto(GStrv) words = NULL;
  g_autofree char *last = NULL;
  g_autofree char *norm = NULL;
  const char *found;
  gsize len;

  g_return_val_if_fail (address != NULL, NULL);

  contact = g_new0 (mg_contact_t, 1);
  contact->address = mg_utf8_strdown (address);
  if (name == NULL || *name == '\0')
    return contact;

  contact->name = g_strdup (name);
  words = split_words (name);
  found = find_last_name (words, &contact->has_title);
  if (found == NULL)
    return contact;
  last = g_strdup (found);
  len = strlen (last);
  while (len > 0 && (last[len - 1] == ',' || last[len - 1] == '.'))
    last[--len] = '\0';
  norm = g_strstrip (mg_text_normalize (last));
  if (*norm != '\0')
    contact->last_name = g_steal_pointer (&norm);
  return contact;
}

/* mg_program_new:
 *
 * Returns a new program with id @id (copied) and the SPEC defaults: track
 * ir-integrated, nrmp TRUE, post_interview_contact TRUE, no interview, empty
 * lists and an empty contacts array that owns its mg_contact_t.  Free with
 * mg_program_free() unless a registry owns it. */
mg_program_t *
mg_program_new (const char *id)
{
  mg_program_t *program;

  g_return_val_if_fail (id != NULL, NULL);

  program = g_new0 (mg_program_t, 1);
  program->id = g_strdup (id);
  program->aliases = g_new0 (char *, 1);
  program->domains = g_new0 (char *, 1);
  program->addresses = g_new0 (char *, 1);
  program->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_contact_free);
  program->track = MG_TRACK_IR_INTEGRATED;
  program->nrmp = TRUE;
  program->post_interview_contact = TRUE;
  return program;
}

/* mg_program_free:
 *
 * Frees @program and everything it holds.  NULL is allowed. */
void
mg_program_free (mg_program_t *program)
{
  if (program == NULL)
    return;
  g_free (program->id);
  g_free (program->name);
  g_strfreev (program->aliases);
  g_strfreev (program->names_norm);
  g_strfreev (program->domains);
  g_strfreev (program->addresses);
  if (program->contacts != NULL)
    g_ptr_array_unref (program->contacts);
  g_free (program->file);
  g_free (program);
}

/* Adds @program to the list stored under a lower-cased copy of @key in
 * @index, once. */
static void
index_add (GHashTable *index, const char *key, const mg_program_t *program)
{
  g_autofree char *k = mg_utf8_strdown (key);
  GPtrArray *list = g_hash_table_lookup (index, k);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, g_steal_pointer (&k), list);
    }
  if (!g_ptr_array_find (list, program, NULL))
    g_ptr_array_add (list, (gpointer) program);
}

/* Decodes the character at @p (at most @avail bytes); invalid UTF-8 reads
 * as one byte of U+FFFD.  Sets @len to its length. */
static gunichar
char_at (const char *p, gsize avail, gsize *len)
{
  gunichar c;

  if ((guchar) *p < 0x80)
    {
      *len = 1;
      return (guchar) *p;
    }
  c = g_utf8_get_char_validated (p, (gssize) avail);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *len = 1;
      return 0xFFFD;
    }
  *len = (gsize) (g_utf8_next_char (p) - p);
  return c;
}

static gboolean
is_word_char (gunichar c)
{
  return mg_unichar_isalnum (c);
}

/* Length in bytes of the run of letters and digits at the start of
 * @text (@len bytes). */
static gsize
word_length (const char *text, gsize len)
{
  gsize pos = 0;

  while (pos < len)
    {
      gsize clen;
      gunichar c = char_at (text + pos, len - pos, &clen);

      if (!is_word_char (c))
        break;
      pos += clen;
    }
  return pos;
}

/* TRUE if the character before byte @pos of @text is not a letter or
 * digit (or there is none). */
static gboolean
boundary_before (const char *text, gsize pos)
{
  const char *prev;
  gsize clen;

  if (pos == 0)
    return TRUE;
  prev = g_utf8_find_prev_char (text, text + pos);
  if (prev == NULL)
    return TRUE;
  return !is_word_char (char_at (prev, (gsize) (text + pos - prev), &clen));
}

/* TRUE if the character at byte @pos of @text (@len bytes) is not a letter
 * or digit (or there is none). */
static gboolean
boundary_after (const char *text, gsize len, gsize pos)
{
  gsize clen;

  if (pos >= len)
    return TRUE;
  return !is_word_char (char_at (text + pos, len - pos, &clen));
}

/* Fills program->names_norm from its name and aliases when the caller left
 * it NULL. */
static void
ensure_names_norm (mg_program_t *program)
{
  GPtrArray *names;
  guint i;

  if (program->names_norm != NULL)
    return;
  names = g_ptr_array_new ();
  if (program->name != NULL)
    g_ptr_array_add (names, mg_text_normalize (program->name));
  for (i = 0; program->aliases != NULL && program->aliases[i] != NULL; i++)
    g_ptr_array_add (names, mg_text_normalize (program->aliases[i]));
  g_ptr_array_add (names, NULL);
  program->names_norm = (char **) g_ptr_array_free (names, FALSE);
}

/* The words (runs of letters and digits) of @text, @len bytes. */
static char **
words_of (const char *text, gsize len, gboolean *starts)
{
  GPtrArray *words = g_ptr_array_new ();
  gsize pos = 0;

  *starts = len > 0 && word_length (text, len) > 0;
  while (pos < len)
    {
      gsize wlen = word_length (text + pos, len - pos);
      gsize clen;

      if (wlen > 0)
        {
          g_ptr_array_add (words, g_strndup (text + pos, wlen));
          pos += wlen;
        }
      else
        {
          char_at (text + pos, len - pos, &clen);
          pos += clen;
        }
    }
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

/* mg_registry_words:
 *
 * The runs of letters and digits of @norm, as the indexes key names. */
char **
mg_registry_words (const char *norm, gboolean *starts)
{
  gboolean ignored;

  g_return_val_if_fail (norm != NULL, NULL);
  return words_of (norm, strlen (norm), starts != NULL ? starts : &ignored);
}

/* Appends @size bytes at @item to the array stored under @key (copied) in
 * @index, making the array when it is the first. */
static void
index_append (GHashTable *index, const char *key, gconstpointer item, guint size)
{
  GArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, size);
      g_hash_table_insert (index, g_strdup (key), list);
    }
  g_array_append_vals (list, item, 1);
}

/* FNV-1a of @word's @len bytes, to FIRST_WORD_BITS. */
static guint
word_bit (const char *word, gsize len)
{
  guint32 hash = 2166136261u;
  gsize i;

  for (i = 0; i < len; i++)
    hash = (hash ^ (guchar) word[i]) * 16777619u;
  return hash % FIRST_WORD_BITS;
}

static void
index_names (mg_registry_t *registry, const mg_program_t *program, guint order)
{
  guint i;

  for (i = 0; program->names_norm[i] != NULL; i++)
    {
      name_ref_t ref = { program->names_norm[i], strlen (program->names_norm[i]), program, order };
      gboolean starts;
      g_auto(GStrv) words = NULL;
      guint k;

      if (ref.len == 0)
        continue;
      words = words_of (ref.norm, ref.len, &starts);
      if (!starts)
        g_array_append_val (registry->other_names, ref);
      else
        {
          guint bit = word_bit (words[0], strlen (words[0]));

          index_append (registry->by_word, words[0], &ref, sizeof ref);
          registry->first_words[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
        }
      for (k = 0; words[k] != NULL; k++)
        index_append (registry->by_any_word, words[k], &ref, sizeof ref);
    }
  for (i = 0; i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      last_ref_t ref = { contact->last_name, order, i };
      gboolean starts;
      g_auto(GStrv) words = NULL;

      if (contact->last_name == NULL)
        continue;
      words = mg_registry_words (contact->last_name, &starts);
      if (words[0] != NULL)
        index_append (registry->by_last_word, words[0], &ref, sizeof ref);
    }
}

/* mg_registry_add:
 *
 * Adds @program (transfer full) to @registry and indexes its addresses,
 * contacts, domains and names.  Fills program->names_norm from the name
 * and aliases if it is NULL.  Returns FALSE when a program with the same id
 * is already there: @program is then freed and nothing is kept (look the
 * other one up with mg_registry_find() first to report where it is). */
gboolean
mg_registry_add (mg_registry_t *registry, mg_program_t *program)
{
  guint i;

  g_return_val_if_fail (registry != NULL, FALSE);
  g_return_val_if_fail (program != NULL && program->id != NULL, FALSE);

  if (g_hash_table_contains (registry->by_id, program->id))
    {
      mg_program_free (program);
      return FALSE;
    }
  ensure_names_norm (program);
  program->order = registry->programs->len;
  g_ptr_array_add (registry->programs, program);
  g_hash_table_insert (registry->by_id, program->id, program);

  for (i = 0; program->addresses != NULL && program->addresses[i] != NULL; i++)
    index_add (registry->by_address, program->addresses[i], program);
  for (i = 0; program->contacts != NULL && i < program->contacts->len; i++)
    {
      const mg_contact_t *contact = g_ptr_array_index (program->contacts, i);
      index_add (registry->by_address, contact->address, program);
    }
  for (i = 0; program->domains != NULL && program->domains[i] != NULL; i++)
    index_add (registry->by_domain, program->domains[i], program);
  index_names (registry, program, registry->programs->len - 1);
  return TRUE;
}

/* The program at @order of a cached registry, read once; NULL when the
 * cache cannot give it. */
static const mg_program_t *
cached_program (const mg_registry_t *registry, guint order)
{
  mg_program_t *program = g_hash_table_lookup (registry->cached, GUINT_TO_POINTER (order));

  if (program == NULL)
    {
      program = mg_registry_cache_program (registry->cache, order);
      if (program != NULL)
        g_hash_table_insert (registry->cached, GUINT_TO_POINTER (order), program);
    }
  return program;
}

/* Turns a cached registry into an ordinary one: reads every program (the
 * ones read already keep their address) and indexes them.  The registry
 * is logically const: only how it holds its programs changes. */
static void
read_all (const mg_registry_t *const_registry)
{
  mg_registry_t *registry = (mg_registry_t *) const_registry;
  mg_registry_cache_t *cache = registry->cache;
  guint order, count;

  if (cache == NULL)
    return;
  count = mg_registry_cache_count (cache);
  for (order = 0; order < count; order++)
    {
      gpointer program = NULL;

      if (!g_hash_table_steal_extended (registry->cached, GUINT_TO_POINTER (order), NULL, &program))
        program = mg_registry_cache_program (cache, order);
      if (program != NULL)
        mg_registry_add (registry, program);
    }
  registry->cache = NULL;
  mg_registry_cache_free (cache);
  g_clear_pointer (&registry->cached, g_hash_table_unref);
}

void
mg_registry_read_all (mg_registry_t *registry)
{
  g_return_if_fail (registry != NULL);
  read_all (registry);
}

/* mg_registry_count:
 *
 * Returns the number of programs in @registry. */
guint
mg_registry_count (const mg_registry_t *registry)
{
  g_return_val_if_fail (registry != NULL, 0);
  read_all (registry);
  return registry->programs->len;
}

/* mg_registry_get:
 *
 * Returns the program at @index in the order added (transfer none), or
 * NULL when @index is out of range. */
const mg_program_t *
mg_registry_get (const mg_registry_t *registry, guint index)
{
  g_return_val_if_fail (registry != NULL, NULL);
  read_all (registry);
  if (index >= registry->programs->len)
    return NULL;
  return g_ptr_array_index (registry->programs, index);
}

/* mg_registry_find:
 *
 * Returns the program with id @id (exact, case-sensitive; transfer none),
 * or NULL. */
const mg_program_t *
mg_registry_find (const mg_registry_t *registry, const char *id)
{
  guint order;

  g_return_val_if_fail (registry != NULL, NULL);
  if (id == NULL)
    return NULL;
  if (registry->cache != NULL)
    return mg_registry_cache_find_id (registry->cache, id, &order)
           ? cached_program (registry, order) : NULL;
  return g_hash_table_lookup (registry->by_id, id);
}

/* mg_program_id_is_valid:
 *
 * TRUE when @id is made of letters, digits, '-', '_' and '.' only, and
 * is not empty: what can stand in [program:ID]. */
gboolean
mg_program_id_is_valid (const char *id)
{
  const char *p;

  g_return_val_if_fail (id != NULL, FALSE);

  for (p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return p != id;
}

/* mg_track_name:
 *
 * Returns the configuration name of @track ("ir-integrated", ...), or
 * "other" for a value out of range. */
const char *
mg_track_name (mg_track_t track)
{
  if ((guint) track >= G_N_ELEMENTS (track_names))
    return track_names[MG_TRACK_OTHER];
  return track_names[track];
}

/* mg_track_from_name:
 *
 * Sets @track from its configuration name (case-insensitive) and returns
 * TRUE, or returns FALSE for an unknown name. */
gboolean
mg_track_from_name (const char *name, mg_track_t *track)
{
  guint i;

  if (name == NULL)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (track_names); i++)
    if (g_ascii_strcasecmp (name, track_names[i]) == 0)
      {
        *track = (mg_track_t) i;
        return TRUE;
      }
  return FALSE;
}

static guint
append_all (GPtrArray *candidates, GPtrArray *programs)
{
  guint i;

  for (i = 0; i < programs->len; i++)
    g_ptr_array_add (candidates, g_ptr_array_index (programs, i));
  return programs->len;
}

/* The programs listing @key (an address, else a domain) in a cached
 * registry, appended to @candidates; how many. */
static guint
append_cached (const mg_registry_t *registry, const char *key, gboolean is_address,
               GPtrArray *candidates)
{
  g_autoptr(GArray) orders = g_array_new (FALSE, FALSE, sizeof (guint));
  guint i, added = 0;

  if (is_address)
    mg_registry_cache_by_address (registry->cache, key, orders);
  else
    mg_registry_cache_by_domain (registry->cache, key, orders);
  for (i = 0; i < orders->len; i++)
    {
      const mg_program_t *program = cached_program (registry, g_array_index (orders, guint, i));
      if (program != NULL)
        {
          g_ptr_array_add (candidates, (gpointer) program);
          added++;
        }
    }
  return added;
}

/* The programs listing @key in @index (or in the cache), appended to
 * @candidates; how many. */
static guint
append_listed (const mg_registry_t *registry, GHashTable *index, const char *key,
               GPtrArray *candidates)
{
  GPtrArray *programs;

  if (registry->cache != NULL)
    return append_cached (registry, key, index == registry->by_address, candidates);
  programs = g_hash_table_lookup (index, key);
  return programs != NULL ? append_all (candidates, programs) : 0;
}

/* mg_registry_match_address:
 *
 * Matches @address (an addr-spec in any case; surrounding white space and
 * angle brackets are ignored) as SPEC 3 says: the programs listing it
 * exactly in addresses or contacts; else the programs listing the longest
 * domain that is the address's domain or a parent of it.  Appends the
 * candidates (const mg_program_t*, registry-owned) to @candidates and
 * returns how many: 0 for mail that is not residency mail. */
guint
mg_registry_match_address (const mg_registry_t *registry, const char *address,
                           GPtrArray *candidates)
{
  g_autofree char *addr = NULL;
  const char *domain;
  guint found;
  gsize len;

  g_return_val_if_fail (registry != NULL, 0);
  g_return_val_if_fail (candidates != NULL, 0);
  if (address == NULL)
    return 0;

  addr = mg_utf8_strdown (address);
  g_strstrip (addr);
  len = strlen (addr);
  if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>')
    {
      addr[len - 1] = '\0';
      memmove (addr, addr + 1, len - 1);
      g_strstrip (addr);
    }
  len = strlen (addr);
  while (len > 0 && addr[len - 1] == '.')   /* a root dot: "jhmi.edu." */
    addr[--len] = '\0';

  found = append_listed (registry, registry->by_address, addr, candidates);
  if (found > 0)
    return found;

  domain = strrchr (addr, '@');
  if (domain == NULL || domain[1] == '\0')
    return 0;
  for (domain++; domain != NULL; domain = strchr (domain, '.'))
    {
      if (*domain == '.')
        domain++;
      if (*domain == '\0')
        break;
      found = append_listed (registry, registry->by_domain, domain, candidates);
      if (found > 0)
        return found;
    }
  return 0;
}

static gint
compare_found (gconstpointer a, gconstpointer b)
{
  const found_t *x = a, *y = b;

  if (x->mention.start != y->mention.start)
    return x->mention.start < y->mention.start ? -1 : 1;
  if (x->mention.end != y->mention.end)
    return x->mention.end > y->mention.end ? -1 : 1;   /* longer first */
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return 0;
}

static void
try_name (GArray *found, const name_ref_t *ref, const char *norm, gsize len, gsize pos)
{
  found_t f;

  if (ref->len > len - pos || memcmp (norm + pos, ref->norm, ref->len) != 0)
    return;
  if (!boundary_before (norm, pos) || !boundary_after (norm, len, pos + ref->len))
    return;
  f.mention.program = ref->program;
  f.mention.start = pos;
  f.mention.end = pos + ref->len;
  f.order = ref->order;
  g_array_append_val (found, f);
}

/* Keeps, from @found sorted by compare_found(), the mentions that do not
 * lie inside a longer one, each (span, program) once.  A mention found in
 * a cached registry gets its program here, read only now that it counts. */
static GArray *
drop_contained (const mg_registry_t *registry, GArray *found)
{
  GArray *mentions = g_array_new (FALSE, FALSE, sizeof (mg_mention_t));
  gsize max_end = 0;   /* furthest end of the earlier spans */
  gboolean any = FALSE;
  guint i = 0;

  while (i < found->len)
    {
      const found_t *head = &g_array_index (found, found_t, i);
      gboolean inside = any && max_end >= head->mention.end;
      guint j;

      /* the group of identical spans starting at i */
      for (j = i; j < found->len; j++)
        {
          const found_t *f = &g_array_index (found, found_t, j);
          mg_mention_t mention;

          if (f->mention.start != head->mention.start || f->mention.end != head->mention.end)
            break;
          if (inside || (j > i && f[-1].order == f->order))
            continue;
          mention = f->mention;
          if (mention.program == NULL)
            mention.program = cached_program (registry, f->order);
          if (mention.program != NULL)
            g_array_append_val (mentions, mention);
        }
      if (!any || head->mention.end > max_end)
        max_end = head->mention.end;
      any = TRUE;
      i = j;
    }
  return mentions;
}

/* The names of a cached registry that start with @word (@anywhere: that
 * hold it), as name_ref_t without their program (found by order later);
 * their texts are kept in @texts. */
static GArray *
cached_names (const mg_registry_t *registry, const char *word, gboolean anywhere,
              GPtrArray *texts)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (mg_cached_name_t));
  GArray *refs = g_array_new (FALSE, FALSE, sizeof (name_ref_t));
  guint i;

  g_array_set_clear_func (rows, mg_cached_name_clear);
  mg_registry_cache_names (registry->cache, word, anywhere, rows);
  for (i = 0; i < rows->len; i++)
    {
      mg_cached_name_t *row = &g_array_index (rows, mg_cached_name_t, i);
      name_ref_t ref = { row->text, strlen (row->text), NULL, row->order };

      g_ptr_array_add (texts, g_steal_pointer (&row->text));
      g_array_append_val (refs, ref);
    }
  return refs;
}

/* The names that start with @word: the index's, or for a cached registry
 * read once per word (the subject, the text and the greeting share most
 * of their words). */
static GArray *
names_starting (const mg_registry_t *const_registry, const char *word)
{
  mg_registry_t *registry = (mg_registry_t *) const_registry;
  GArray *names;

  if (registry->cache == NULL)
    return g_hash_table_lookup (registry->by_word, word);
  names = g_hash_table_lookup (registry->cached_words, word);
  if (names == NULL)
    {
      names = cached_names (registry, word, FALSE, registry->cached_texts);
      g_hash_table_insert (registry->cached_words, g_strdup (word), names);
    }
  return names;
}

/* mg_registry_find_mentions:
 *
 * Finds every program named by its name or an alias in @norm (@len bytes
 * of text normalised by mg-text), whole words only: the characters just
 * before and after a name are not letters or digits.  A name found inside
 * a longer name found at the same place is dropped ("Northgate IR" inside
 * "Northgate IR Residency"); two programs with the same name at the same
 * place both stay.  Returns a new array of mg_mention_t sorted by start
 * (then longest first), one entry per occurrence; free with
 * g_array_unref(). */
GArray *
mg_registry_find_mentions (const mg_registry_t *registry, const char *norm, gsize len)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (found_t));
  g_autoptr(GString) word = g_string_new (NULL);
  GArray *other_names;
  gsize pos = 0;
  guint i;

  g_return_val_if_fail (registry != NULL, NULL);
  if (norm == NULL)
    return g_array_new (FALSE, FALSE, sizeof (mg_mention_t));

  while (pos < len)
    {
      gsize clen, wlen;
      GArray *names;
      guint bit;

      if (!is_word_char (char_at (norm + pos, len - pos, &clen)))
        {
          pos += clen;
          continue;
        }
      /* a word: looked up (a cached registry's words are not all known
       * yet), and passed over whole */
      wlen = word_length (norm + pos, len - pos);
      bit = word_bit (norm + pos, wlen);
      if (registry->cache != NULL
          || (registry->first_words[bit / 64] & (G_GUINT64_CONSTANT (1) << (bit % 64))) != 0)
        {
          g_string_truncate (word, 0);
          g_string_append_len (word, norm + pos, (gssize) wlen);
          names = names_starting (registry, word->str);
          for (i = 0; names != NULL && i < names->len; i++)
            try_name (found, &g_array_index (names, name_ref_t, i), norm, len, pos);
        }
      pos += wlen;
    }

  /* the empty word: names that start with neither letter nor digit */
  other_names = registry->cache != NULL ? names_starting (registry, "") : registry->other_names;
  for (i = 0; i < other_names->len; i++)
    {
      const name_ref_t *ref = &g_array_index (other_names, name_ref_t, i);
      const char *p = norm;
      const char *end = norm + len;

      for (; p < end && (p = memchr (p, ref->norm[0], (gsize) (end - p))) != NULL; p++)
        try_name (found, ref, norm, len, (gsize) (p - norm));
    }

  g_array_sort (found, compare_found);
  return drop_contained (registry, found);
}

/* mg_registry_word_elsewhere:
 *
 * The names holding @word's first run of letters and digits as a word
 * are the only ones where @word can appear whole; each is checked as the
 * rule always did, with the first place @word appears in it. */
gboolean
mg_registry_word_elsewhere (const mg_registry_t *registry, const char *word,
                            const mg_program_t *except)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GArray) cached = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  GArray *names;
  gsize wlen;
  guint i;

  g_return_val_if_fail (registry != NULL && word != NULL, TRUE);

  words = mg_registry_words (word, NULL);
  if (words[0] == NULL)
    return TRUE;
  wlen = strlen (word);
  if (registry->cache != NULL)
    {
      texts = g_ptr_array_new_with_free_func (g_free);
      names = cached = cached_names (registry, words[0], TRUE, texts);
    }
  else
    names = g_hash_table_lookup (registry->by_any_word, words[0]);
  for (i = 0; names != NULL && i < names->len; i++)
    {
      const name_ref_t *ref = &g_array_index (names, name_ref_t, i);
      const char *hit;

      if (except != NULL && ref->order == except->order)
        continue;
      hit = strstr (ref->norm, word);
      if (hit != NULL && mg_text_is_word_at (ref->norm, ref->len, (gsize) (hit - ref->norm), wlen))
        return TRUE;
    }
  return FALSE;
}

static gint
compare_last_refs (gconstpointer a, gconstpointer b)
{
  const last_ref_t *x = a, *y = b;

  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The contacts whose last name starts with @word, appended to @refs;
 * a cached registry's texts are kept in @texts. */
static void
last_names_starting (const mg_registry_t *registry, const char *word, GArray *refs,
                     GPtrArray *texts)
{
  GArray *listed;
  guint i;

  if (registry->cache == NULL)
    {
      listed = g_hash_table_lookup (registry->by_last_word, word);
      if (listed != NULL)
        g_array_append_vals (refs, listed->data, listed->len);
      return;
    }
  listed = g_array_new (FALSE, FALSE, sizeof (mg_cached_name_t));
  mg_registry_cache_last_names (registry->cache, word, listed);
  for (i = 0; i < listed->len; i++)
    {
      mg_cached_name_t *row = &g_array_index (listed, mg_cached_name_t, i);
      last_ref_t ref = { row->text, row->order, row->seq };

      g_ptr_array_add (texts, row->text);
      g_array_append_val (refs, ref);
    }
  g_array_unref (listed);
}

/* mg_registry_find_last_names:
 *
 * Only a contact whose last name starts with a word of @text can appear
 * in it; each of those is checked at the first place its last name
 * appears, as a whole word. */
GArray *
mg_registry_find_last_names (const mg_registry_t *registry, const char *text, gsize len)
{
  GArray *contacts = g_array_new (FALSE, FALSE, sizeof (mg_contact_ref_t));
  g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (last_ref_t));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) words = NULL;
  gboolean starts;
  guint i;

  g_return_val_if_fail (registry != NULL, contacts);
  if (text == NULL)
    return contacts;

  words = words_of (text, len, &starts);
  for (i = 0; words[i] != NULL; i++)
    if (g_hash_table_add (seen, words[i]))
      last_names_starting (registry, words[i], refs, texts);
  g_array_sort (refs, compare_last_refs);

  for (i = 0; i < refs->len; i++)
    {
      const last_ref_t *ref = &g_array_index (refs, last_ref_t, i);
      const char *hit = g_strstr_len (text, (gssize) len, ref->last_name);
      mg_contact_ref_t found;

      if (hit == NULL || !mg_text_is_word_at (text, len, (gsize) (hit - text), strlen (ref->last_name)))
        continue;
      found.program = registry->cache != NULL ? cached_program (registry, ref->order)
                                              : g_ptr_array_index (registry->programs, ref->order);
      if (found.program == NULL || ref->seq >= found.program->contacts->len)
        continue;
      found.contact = g_ptr_array_index (found.program->contacts, ref->seq);
      g_array_append_val (contacts, found);
    }
  return contacts;
}
