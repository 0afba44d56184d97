/* mg-registry.h - the applicant's programs and recipient matching (SPEC 3).
 *
 * Matching, case-insensitive: an exact address in `addresses` or `contacts`
 * wins; else the longest matching domain (a domain also matches its
 * subdomains, at a label boundary: "ir.jhmi.edu" is under "jhmi.edu",
 * "notjhmi.edu" is not).  When several programs share that domain, the
 * caller decides with the program names the message mentions
 * (mg_registry_find_mentions()); otherwise the recipient is ambiguous.
 *
 * Defaults of a program (mg_program_new(), and so of a [program:ID] group
 * that omits the key): track ir-integrated, nrmp true,
 * post_interview_contact true, no interview date.
 */
#ifndef MG_REGISTRY_H
#define MG_REGISTRY_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MG_TRACK_IR_INTEGRATED,
  MG_TRACK_DR_ESIR,
  MG_TRACK_IR_INDEPENDENT,
  MG_TRACK_OTHER,
} mg_track_t;

typedef struct {
  char *name;          /* display name as written, e.g. "Dr. Jane Roe" (may be NULL) */
  char *address;       /* lower-case addr-spec */
  char *last_name;     /* normalised last word of the name without titles (may be NULL) */
  gboolean has_title;  /* the registry gives the person a title (Dr., Prof., ...) */
} mg_contact_t;

typedef struct {
  char *id;                 /* the ID of [program:ID] */
  char *name;               /* full name */
  char **aliases;           /* NULL-terminated, may be empty */
  char **names_norm;        /* name + aliases normalised (mg_text_normalize), NULL-terminated */
  mg_track_t track;
  gboolean nrmp;
  char **domains;           /* lower-case, NULL-terminated */
  char **addresses;         /* lower-case addr-specs, NULL-terminated */
  GPtrArray *contacts;      /* mg_contact_t* */
  gboolean has_interview;
  GDate interview;          /* valid when has_interview */
  gboolean post_interview_contact;
  char *file;               /* where the group is, for messages */
  int line;
  guint order;              /* its position in the registry (set when added) */
} mg_program_t;

typedef struct mg_registry mg_registry_t;

/* Returns a new program with id @id (copied) and the defaults above, empty
 * NULL-terminated lists and an empty contacts array that owns its
 * contacts.  Free with mg_program_free() unless a registry took it. */
mg_program_t *mg_program_new (const char *id);

/* Returns a new contact for @address (copied, lower-cased) named @name
 * (copied; NULL or "" for none), with last_name and has_title worked out
 * from the name: titles (Dr., Prof., Professor, Mr., Ms., Mrs., Mx., Miss)
 * dropped in front, degrees and suffixes (MD, PhD, DO, Jr., ...) behind,
 * the last word normalised with mg_text_normalize().  "Dr. Jane Roe, MD"
 * -> "roe", has_title TRUE. */
mg_contact_t *mg_contact_new (const char *name, const char *address);
void mg_contact_free (mg_contact_t *contact);

mg_registry_t *mg_registry_new (void);
void mg_registry_free (mg_registry_t *registry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_registry_t, mg_registry_free)

/* Takes ownership of @program and indexes it; fills names_norm from name
 * and aliases when it is NULL.  Returns FALSE if a program with the same
 * id exists: @program is then freed and nothing is kept (call
 * mg_registry_find() first to report where the other one is). */
gboolean mg_registry_add (mg_registry_t *registry, mg_program_t *program);

guint mg_registry_count (const mg_registry_t *registry);
const mg_program_t *mg_registry_get (const mg_registry_t *registry, guint index);
const mg_program_t *mg_registry_find (const mg_registry_t *registry, const char *id);

void mg_program_free (mg_program_t *program);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_program_t, mg_program_free)
/* TRUE when @id can name a program: letters, digits, '-', '_' and '.'
 * only, at least one. */
gboolean mg_program_id_is_valid (const char *id);

const char *mg_track_name (mg_track_t track);
gboolean mg_track_from_name (const char *name, mg_track_t *track);

/* Matches one address (any case, bare addr-spec).  Returns the number of
 * candidate programs appended to @candidates (const mg_program_t*,
 * registry-owned): 0 when the address is not residency mail, 1 when it is
 * decided, more when a shared domain (or an exact address listed by
 * several programs) leaves it open.  O(number of domain labels). */
guint mg_registry_match_address (const mg_registry_t *registry, const char *address,
                                 GPtrArray *candidates);

/* A registry whose programs are read from @cache (transfer full) as they
 * are needed (mg-registry-cache.h).  Lookups cost the same whatever the
 * registry's size; mg_registry_count() and mg_registry_get() read every
 * program first. */
struct mg_registry_cache;
mg_registry_t *mg_registry_new_cached (struct mg_registry_cache *cache);

/* TRUE while @registry reads its programs from a cache as needed. */
gboolean mg_registry_is_cached (const mg_registry_t *registry);

/* Reads every program of a cached registry now (nothing for another).
 * A cached registry remembers what its lookups read, so only one thread
 * may look up in it at a time; after this, lookups change nothing and
 * threads may look up at once (audit: cmd-audit.c). */
void mg_registry_read_all (mg_registry_t *registry);

/* The words (runs of letters and digits) of @norm, in order, repeats
 * included; sets *@starts when @norm starts with one.  Free with
 * g_strfreev(). */
char **mg_registry_words (const char *norm, gboolean *starts);

/* TRUE when @word (as split from a normalised name at spaces) appears,
 * whole (mg_text_is_word_at()), in a name or alias of a program other
 * than @except: a word two programs share does not tell them apart.  A
 * word without letters or digits counts as shared. */
gboolean mg_registry_word_elsewhere (const mg_registry_t *registry, const char *word,
                                     const mg_program_t *except);

/* A contact and its program. */
typedef struct {
  const mg_program_t *program;
  const mg_contact_t *contact;
} mg_contact_ref_t;

/* Every contact whose last name appears in @text (@len bytes, normalised):
 * its first occurrence is a whole word (mg_text_is_word_at()).  Returns a
 * new array of mg_contact_ref_t in registry order, then contact order;
 * free with g_array_unref(). */
GArray *mg_registry_find_last_names (const mg_registry_t *registry, const char *text, gsize len);

/* One program named in a text. */
typedef struct {
  const mg_program_t *program;
  gsize start, end;    /* byte span in the normalised text */
} mg_mention_t;

/* Finds every registry program named (by name or alias) in @norm, text
 * normalised by mg-text.  Whole words only (the characters just before and
 * after are not letters or digits); a name inside a longer name found at
 * the same place is dropped, the longer wins.  Returns a new array of
 * mg_mention_t in text order, one per occurrence and program (free with
 * g_array_unref()); never NULL. */
GArray *mg_registry_find_mentions (const mg_registry_t *registry, const char *norm, gsize len);

G_END_DECLS

#endif
