/* config.c - the configuration file and registry files (SPEC 3).
 *
 * Design notes.
 *
 * - GKeyFile reads the values (escapes, `;` lists with `\;`), but it keeps
 *   no line numbers and silently merges a repeated group and keeps the last
 *   of a repeated key.  So each file is first scanned line by line: the
 *   scan records the line of every group header and key, and rejects what
 *   GKeyFile would accept or reject without a line (syntax errors, a key
 *   before any group, a group or key given twice, text that is not UTF-8).
 *   Every error then reads "FILE:LINE: message".
 *
 * - The known groups and keys are one table (settings[]) of group, key,
 *   kind of value and where it goes, for the configuration and for a
 *   [program:ID] group alike; a key not in the table is an error, never
 *   ignored.  [rules] takes rule ids from the rulebook, [program:ID] any
 *   id made of letters, digits, '-', '_' and '.'.
 *
 * - Choices the SPEC leaves open:
 *   - a program without `track` is ir-integrated (the product is for IR
 *     applicants); `nrmp` and `post_interview_contact` default to true;
 *   - booleans read true/false, yes/no, on/off or 1/0, any case;
 *   - a domain needs at least two labels ("edu" alone would claim every
 *     university); a leading "@", "*." or "." is dropped;
 *   - `aamc_id` is exactly 8 digits or the word keyring;
 *   - an empty value is an error except for lists (`files =` is no files);
 *   - [season] dates must be in order: applications_submitted and
 *     interviews_begin on or before rank_deadline, rank_deadline on or
 *     before match_day (a wrong year would otherwise make every message
 *     "after the rank deadline");
 *   - `[ledger] path` and `[registry] files` are relative to the directory
 *     of the file that names them, after "~/" expansion;
 *   - registry files are read after the configuration file, in the order
 *     listed; they hold only [program:ID] groups;
 *   - the configuration file itself may also hold [program:ID] groups.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mg-common.h"
#include "mg-config.h"
#include "mg-registry-cache.h"
#include "mg-text.h"

#define PROGRAM_PREFIX "program:"

/* A key as the line scan found it. */
typedef struct {
  char *name;
  int line;
} entry_t;

/* A group as the line scan found it. */
typedef struct {
  char *name;        /* "applicant", "program:jhu-ir", ... */
  int line;          /* of its header */
  GPtrArray *keys;   /* entry_t*, in file order */
} group_t;

/* One parsed file. */
typedef struct {
  char *path;        /* the file as named in messages */
  char *dir;         /* where its relative paths start */
  GPtrArray *groups; /* group_t*, in file order */
  GKeyFile *values;
} source_t;

/* State of one mg_config_load_data(). */
typedef struct {
  mg_config_t *config;
  const source_t *main;    /* the configuration file */
  char **registry_files;   /* [registry] files as written, NULL if absent */
  int registry_line;       /* the line of `files` */
  GPtrArray *problems;     /* lenient load: bad programs' errors (char*), else NULL */
  gboolean skip_programs;  /* the registry comes from the cache: read no program */
} loader_t;

typedef enum {
  V_TEXT,        /* char*: any non-empty text */
  V_EMAIL,       /* char*: a lower-case addr-spec */
  V_AAMC_ID,     /* mg_config_t: aamc_id or aamc_id_in_keyring */
  V_DATE,        /* GDate: YYYY-MM-DD */
  V_COUNT,       /* int: 0 or more */
  V_COMMAND,     /* mg_config_t: relay_command and relay_argv */
  V_PATH,        /* char*: "~/" expanded, relative to the file's directory */
  V_WARNINGS,    /* int: mg_warnings_policy_t */
  V_FILES,       /* loader_t: [registry] files */
  V_NAMES,       /* char**: a list of names */
  V_TRACK,       /* mg_track_t */
  V_BOOL,        /* gboolean */
  V_DOMAINS,     /* char**: lower-case domains */
  V_ADDRESSES,   /* char**: lower-case addr-specs */
  V_CONTACTS,    /* GPtrArray of mg_contact_t*: "Name <addr>" or "addr" */
} value_kind_t;

/* One known key. */
typedef struct {
  const char *group;   /* "program" stands for every [program:ID] */
  const char *key;
  value_kind_t kind;
  gsize offset;        /* into mg_config_t, or mg_program_t for "program" */
} setting_t;

#define C(field) G_STRUCT_OFFSET (mg_config_t, field)
#define P(field) G_STRUCT_OFFSET (mg_program_t, field)

static const setting_t settings[] = {
  { "applicant", "name", V_TEXT, C (applicant_name) },
  { "applicant", "email", V_EMAIL, C (applicant_email) },
  { "applicant", "aamc_id", V_AAMC_ID, C (aamc_id) },
  { "season", "applications_submitted", V_DATE, C (applications_submitted) },
  { "season", "interviews_begin", V_DATE, C (interviews_begin) },
  { "season", "rank_deadline", V_DATE, C (rank_deadline) },
  { "season", "match_day", V_DATE, C (match_day) },
  { "relay", "command", V_COMMAND, C (relay_command) },
  { "relay", "timeout_seconds", V_COUNT, C (relay_timeout_seconds) },
  { "ledger", "path", V_PATH, C (ledger_path) },
  { "ledger", "busy_timeout_ms", V_COUNT, C (busy_timeout_ms) },
  { "policy", "warnings", V_WARNINGS, C (policy.warnings) },
  { "policy", "confirm_window_minutes", V_COUNT, C (policy.confirm_window_minutes) },
  { "policy", "max_unsolicited_before_interview", V_COUNT, C (policy.max_unsolicited_before_interview) },
  { "policy", "max_updates_after_interview", V_COUNT, C (policy.max_updates_after_interview) },
  { "policy", "min_days_between_followups", V_COUNT, C (policy.min_days_between_followups) },
  { "policy", "thank_you_within_hours", V_COUNT, C (policy.thank_you_within_hours) },
  { "policy", "max_program_recipients", V_COUNT, C (policy.max_program_recipients) },
  { "policy", "max_words", V_COUNT, C (policy.max_words) },
  { "registry", "files", V_FILES, 0 },
  { "program", "name", V_TEXT, P (name) },
  { "program", "aliases", V_NAMES, P (aliases) },
  { "program", "track", V_TRACK, P (track) },
  { "program", "nrmp", V_BOOL, P (nrmp) },
  { "program", "domains", V_DOMAINS, P (domains) },
  { "program", "addresses", V_ADDRESSES, P (addresses) },
  { "program", "contacts", V_CONTACTS, P (contacts) },
  { "program", "interview", V_DATE, P (interview) },
  { "program", "post_interview_contact", V_BOOL, P (post_interview_contact) },
};

/* [season] dates that must not come after another one. */
static const struct {
  const char *earlier, *later;
  gsize earlier_offset, later_offset;
} season_order[] = {
  { "applications_submitted", "rank_deadline", C (applications_submitted), C (rank_deadline) },
  { "interviews_begin", "rank_deadline", C (interviews_begin), C (rank_deadline) },
  { "rank_deadline", "match_day", C (rank_deadline), C (match_day) },
};

/* NULL-terminated, indexed by mg_warnings_policy_t */
static const char *const warnings_names[] = {
  [MG_WARNINGS_CONFIRM] = "confirm",
  [MG_WARNINGS_PASS] = "pass",
  [MG_WARNINGS_BLOCK] = "block",
  [MG_WARNINGS_BLOCK + 1] = NULL,
};

static const mg_policy_t default_policy = {
  .warnings = MG_WARNINGS_CONFIRM,
  .confirm_window_minutes = 15,
  .max_unsolicited_before_interview = 2,
  .max_updates_after_interview = 2,
  .min_days_between_followups = 14,
  .thank_you_within_hours = 72,
  .max_program_recipients = 2,
  .max_words = 350,
};

#define DEFAULT_BUSY_TIMEOUT_MS 10000

/* How long the relay may take to read the message and exit: msmtp gives
 * up on an unresponsive server after its own timeout (none by default),
 * sendmail queues; five minutes covers a 25 MB attachment on a slow
 * uplink and still hands a hung relay's message back to the client. */
#define DEFAULT_RELAY_TIMEOUT_SECONDS 300

/* ---- errors -------------------------------------------------------------- */

/* Sets @error to "FILE:LINE: message" in MG_ERROR_CONFIG; returns FALSE. */
static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, const source_t *source, int line, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  mg_error_at_valist (error, source->path, line, format, args);
  va_end (args);
  return FALSE;
}

/* Sets @error to a bare message about a value; the caller adds where it
 * is.  Returns FALSE. */
static gboolean G_GNUC_PRINTF (2, 3)
invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (MG_ERROR, MG_ERROR_CONFIG, format, args));
  va_end (args);
  return FALSE;
}

/* ---- reading and scanning files ----------------------------------------- */

/* A configuration or registry file larger than this is a mistake (a
 * device, a mailbox named by accident): 5,000 programs take 2.4 MB. */
#define MAX_FILE_BYTES (64u << 20)

/* Reads all of @path; returns NULL and sets @saved_errno on failure
 * (EFBIG past MAX_FILE_BYTES, so /dev/zero cannot take all memory). */
static char *
read_file (const char *path, gsize *len, int *saved_errno)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  char chunk[16384];
  gboolean ok = TRUE;
  ssize_t n;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      *saved_errno = errno;
      return NULL;
    }
  while ((n = read (fd, chunk, sizeof chunk)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          ok = FALSE;
          break;
        }
      if (buffer->len + (gsize) n > MAX_FILE_BYTES)
        {
          *saved_errno = EFBIG;
          ok = FALSE;
          break;
        }
      g_string_append_len (buffer, chunk, n);
    }
  close (fd);
  if (!ok)
    return NULL;
  *len = buffer->len;
  return g_string_free (g_steal_pointer (&buffer), FALSE);
}

static void
entry_free (entry_t *entry)
{
  g_free (entry->name);
  g_free (entry);
}

static void
group_free (group_t *group)
{
  g_free (group->name);
  g_ptr_array_unref (group->keys);
  g_free (group);
}

static void
source_free (source_t *source)
{
  if (source == NULL)
    return;
  g_free (source->path);
  g_free (source->dir);
  g_ptr_array_unref (source->groups);
  g_key_file_unref (source->values);
  g_free (source);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (source_t, source_free)

static const group_t *
find_group (const source_t *source, const char *name)
{
  guint i;

  for (i = 0; i < source->groups->len; i++)
    {
      const group_t *group = g_ptr_array_index (source->groups, i);
      if (strcmp (group->name, name) == 0)
        return group;
    }
  return NULL;
}

static const entry_t *
find_key (const group_t *group, const char *name)
{
  guint i;

  for (i = 0; i < group->keys->len; i++)
    {
      const entry_t *entry = g_ptr_array_index (group->keys, i);
      if (strcmp (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

static gboolean
is_key_name (const char *name)
{
  const char *p;

  for (p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return p != name;
}

/* Scans one group header line (starting at '['). */
static gboolean
scan_group (source_t *source, const char *start, int line, GError **error)
{
  const char *close = strchr (start, ']');
  const char *p;
  g_autofree char *name = NULL;
  const group_t *other;
  group_t *group;

  if (close == NULL)
    return fail (error, source, line, "syntax error: a group header is [name]");
  for (p = close + 1; *p == ' ' || *p == '\t'; p++)
    ;
  if (*p != '\0')
    return fail (error, source, line, "syntax error: text after the group header");
  name = g_strndup (start + 1, (gsize) (close - start - 1));
  g_strstrip (name);
  if (*name == '\0')
    return fail (error, source, line, "syntax error: empty group name");
  for (p = name; *p != '\0'; p++)
    if (*p == '[' || g_ascii_iscntrl (*p))
      return fail (error, source, line, "syntax error: [%s] is not a valid group name", name);
  other = find_group (source, name);
  if (other != NULL)
    return fail (error, source, line, "[%s] appears twice (first at line %d)", name, other->line);

  group = g_new0 (group_t, 1);
  group->name = g_steal_pointer (&name);
  group->line = line;
  group->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_ptr_array_add (source->groups, group);
  return TRUE;
}

/* Scans one line (NUL-terminated, without its line break). */
static gboolean
scan_line (source_t *source, const char *text, int line, GError **error)
{
  const char *start = text;
  const char *equals;
  g_autofree char *key = NULL;
  const entry_t *other;
  entry_t *entry;
  group_t *group;

  while (g_ascii_isspace (*start))
    start++;
  if (*start == '\0' || *start == '#')
    return TRUE;
  if (*start == '[')
    return scan_group (source, start, line, error);

  equals = strchr (start, '=');
  if (equals == NULL)
    return fail (error, source, line,
                 "syntax error: expected [group], key = value or a # comment");
  key = g_strndup (start, (gsize) (equals - start));
  g_strchomp (key);
  if (*key == '\0')
    return fail (error, source, line, "syntax error: no key before '='");
  if (!is_key_name (key))
    return fail (error, source, line, "'%s' is not a valid key name", key);
  if (source->groups->len == 0)
    return fail (error, source, line, "key '%s' comes before any [group]", key);
  group = g_ptr_array_index (source->groups, source->groups->len - 1);
  other = find_key (group, key);
  if (other != NULL)
    return fail (error, source, line, "key '%s' appears twice in [%s] (first at line %d)",
                 key, group->name, other->line);

  entry = g_new0 (entry_t, 1);
  entry->name = g_steal_pointer (&key);
  entry->line = line;
  g_ptr_array_add (group->keys, entry);
  return TRUE;
}

/* Scans @data (@len bytes) named @path and loads its values.  Returns a
 * new source or NULL with @error set. */
static source_t *
source_parse (const char *path, const char *data, gsize len, GError **error)
{
  g_autoptr(source_t) source = g_new0 (source_t, 1);
  g_autoptr(GString) clean = g_string_sized_new (len + 1);
  g_autoptr(GError) local = NULL;
  const char *p = data;
  const char *end = data + len;
  int line = 0;

  source->path = g_strdup (path);
  source->dir = g_path_get_dirname (path);
  source->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  source->values = g_key_file_new ();

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *newline = memchr (p, '\n', (gsize) (end - p));
      const char *eol = newline != NULL ? newline : end;
      g_autofree char *text = NULL;

      line++;
      if (eol > p && eol[-1] == '\r')
        eol--;
      if (!g_utf8_validate (p, eol - p, NULL))
        {
          fail (error, source, line, "not valid UTF-8 text");
          return NULL;
        }
      text = g_strndup (p, (gsize) (eol - p));
      if (!scan_line (source, text, line, error))
        return NULL;
      g_string_append (clean, text);
      g_string_append_c (clean, '\n');
      p = newline != NULL ? newline + 1 : end;
    }

  if (!g_key_file_load_from_data (source->values, clean->str, clean->len,
                                  G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s: %s", path, local->message);
      return NULL;
    }
  return g_steal_pointer (&source);
}

/* ---- values -------------------------------------------------------------- */

/* Expands "~" and "~/" and anchors a relative @path at @dir. */
static char *
resolve_path (const char *dir, const char *path)
{
  if (strcmp (path, "~") == 0)
    return g_strdup (g_get_home_dir ());
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  if (g_path_is_absolute (path) || strcmp (dir, ".") == 0)
    return g_strdup (path);
  return g_build_filename (dir, path, NULL);
}

/* TRUE when @text is @n ASCII digits and nothing more.  (By hand, as
 * the blanks after an address below: strspn() lives in a part of the C
 * library that a send would map for nothing else; bench/README.md.) */
static gboolean
is_digits (const char *text, gsize n)
{
  gsize i;

  for (i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return text[n] == '\0';
}

static gboolean
parse_date (const char *text, GDate *date, GError **error)
{
  static const char pattern[] = "dddd-dd-dd";
  guint64 year, month, day;
  guint i;

  for (i = 0; i < sizeof pattern - 1; i++)
    if (text[i] == '\0' || (pattern[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != '-'))
      break;
  if (i != sizeof pattern - 1 || text[i] != '\0')
    return invalid (error, "'%s' is not a date (YYYY-MM-DD)", text);
  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return invalid (error, "'%s' is not a date (YYYY-MM-DD)", text);
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static gboolean
parse_count (const char *text, int *count, GError **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    return invalid (error, "'%s' is not a whole number (0 or more)", text);
  *count = (int) value;
  return TRUE;
}

static gboolean
parse_bool (const char *text, gboolean *value, GError **error)
{
  static const char *const yes[] = { "true", "yes", "on", "1", NULL };
  static const char *const no[] = { "false", "no", "off", "0", NULL };
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower))
    *value = TRUE;
  else if (g_strv_contains (no, lower))
    *value = FALSE;
  else
    return invalid (error, "'%s' is not true or false (yes or no)", text);
  return TRUE;
}

/* Checks a domain (already lower-case); @what names it in messages. */
static gboolean
check_domain (const char *domain, const char *what, GError **error)
{
  g_auto(GStrv) labels = g_strsplit (domain, ".", -1);
  guint i;

  for (i = 0; labels[i] != NULL; i++)
    {
      const char *p;

      if (labels[i][0] == '\0')
        return invalid (error, "'%s' is not %s: empty label", domain, what);
      for (p = labels[i]; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && (guchar) *p < 0x80)
          return invalid (error, "'%s' is not %s", domain, what);
    }
  return TRUE;
}

/* Returns the lower-case addr-spec in @text ("<x@y>" allowed), or NULL. */
static char *
parse_address (const char *text, GError **error)
{
  g_autofree char *address = mg_utf8_strdown (text);
  const char *at;
  const char *p;
  gsize len;

  g_strstrip (address);
  len = strlen (address);
  if (len >= 2 && address[0] == '<' && address[len - 1] == '>')
    {
      address[len - 1] = '\0';
      memmove (address, address + 1, len - 1);
      g_strstrip (address);
    }
  at = strrchr (address, '@');
  for (p = address; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || strchr ("<>,;\"()[]\\", *p) != NULL)
      break;
  if (at == NULL || at == address || at[1] == '\0' || *p != '\0' || strchr (address, '@') != at)
    {
      invalid (error, "'%s' is not an e-mail address", text);
      return NULL;
    }
  if (!check_domain (at + 1, "an e-mail address", error))
    return NULL;
  return g_steal_pointer (&address);
}

static char *
parse_domain (const char *text, GError **error)
{
  g_autofree char *domain = mg_utf8_strdown (text);
  const char *start = domain;

  if (g_str_has_prefix (start, "*."))
    start += 2;
  else if (*start == '@' || *start == '.')
    start++;
  if (strchr (start, '.') == NULL)
    {
      invalid (error, "'%s' is too broad for a domain: give the program's own, "
               "e.g. med.example.edu", text);
      return NULL;
    }
  if (!check_domain (start, "a domain", error))
    return NULL;
  return g_strdup (start);
}

/* Parses "Display Name <addr>", "\"Roe, Jane\" <addr>" or a bare address. */
static mg_contact_t *
parse_contact (const char *text, GError **error)
{
  const char *open = strrchr (text, '<');
  const char *close, *rest = NULL;
  g_autofree char *name = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *address = NULL;
  gsize len;

  if (open == NULL)
    {
      address = parse_address (text, error);
      return address != NULL ? mg_contact_new (NULL, address) : NULL;
    }
  close = strchr (open, '>');
  if (close != NULL)
    for (rest = close + 1; *rest == ' ' || *rest == '\t'; rest++)
      ;
  if (close == NULL || *rest != '\0')
    {
      invalid (error, "'%s' is not Name <address>", text);
      return NULL;
    }
  inner = g_strndup (open + 1, (gsize) (close - open - 1));
  address = parse_address (inner, error);
  if (address == NULL)
    return NULL;

  name = g_strstrip (g_strndup (text, (gsize) (open - text)));
  len = strlen (name);
  if (len >= 2 && name[0] == '"' && name[len - 1] == '"')
    {
      g_autofree char *quoted = g_strndup (name + 1, len - 2);
      g_free (name);
      name = g_strcompress (quoted);
    }
  return mg_contact_new (name, address);
}

/* Each item of @items through @parse into a new NULL-terminated vector. */
static char **
parse_list (char **items, char *(*parse) (const char *, GError **), GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; items[i] != NULL; i++)
    {
      char *value = parse (items[i], error);
      if (value == NULL)
        return NULL;
      g_ptr_array_add (out, value);
    }
  g_ptr_array_add (out, NULL);
  g_ptr_array_set_free_func (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* Sets @value to the index of @text in @names (NULL-terminated, any
 * case). */
static gboolean
parse_enum (const char *text, const char *const *names, int *value, GError **error)
{
  g_autofree char *choices = NULL;
  guint i;

  for (i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  choices = g_strjoinv (", ", (char **) names);
  return invalid (error, "'%s' is not one of %s", text, choices);
}

static gboolean
is_list_kind (value_kind_t kind)
{
  return kind == V_FILES || kind == V_NAMES || kind == V_DOMAINS
    || kind == V_ADDRESSES || kind == V_CONTACTS;
}

/* Reads a list: items trimmed, empty items dropped. */
static char **
get_list (GKeyFile *values, const char *group, const char *key, GError **error)
{
  g_auto(GStrv) raw = g_key_file_get_string_list (values, group, key, NULL, error);
  GPtrArray *items;
  guint i;

  if (raw == NULL)
    return NULL;
  items = g_ptr_array_new ();
  for (i = 0; raw[i] != NULL; i++)
    {
      g_strstrip (raw[i]);
      if (raw[i][0] != '\0')
        g_ptr_array_add (items, g_strdup (raw[i]));
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (items, FALSE);
}

/* Stores the list value @items of @setting in @base. */
static gboolean
set_list (const setting_t *setting, loader_t *loader, const entry_t *key,
          char **items, void *base, GError **error)
{
  char **parsed = NULL;
  guint i;

  switch (setting->kind)
    {
    case V_FILES:
      loader->registry_files = g_strdupv (items);
      loader->registry_line = key->line;
      return TRUE;
    case V_NAMES:
      parsed = g_strdupv (items);
      break;
    case V_DOMAINS:
      parsed = parse_list (items, parse_domain, error);
      break;
    case V_ADDRESSES:
      parsed = parse_list (items, parse_address, error);
      break;
    case V_CONTACTS:
      for (i = 0; items[i] != NULL; i++)
        {
          mg_contact_t *contact = parse_contact (items[i], error);
          if (contact == NULL)
            return FALSE;
          g_ptr_array_add (G_STRUCT_MEMBER (GPtrArray *, base, setting->offset), contact);
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
  if (parsed == NULL)
    return FALSE;
  g_strfreev (G_STRUCT_MEMBER (char **, base, setting->offset));
  G_STRUCT_MEMBER (char **, base, setting->offset) = parsed;
  return TRUE;
}

/* Stores the single value @text of @setting in @base. */
static gboolean
set_scalar (const setting_t *setting, const source_t *source, const char *text,
            void *base, GError **error)
{
  void *field = G_STRUCT_MEMBER_P (base, setting->offset);
  mg_config_t *config = base;   /* for the configuration-only kinds */
  g_autoptr(GError) local = NULL;
  char *value;

  if (*text == '\0')
    return invalid (error, "no value (give one, or remove the line)");

  switch (setting->kind)
    {
    case V_TEXT:
      g_free (*(char **) field);
      *(char **) field = g_strdup (text);
      return TRUE;
    case V_EMAIL:
      value = parse_address (text, error);
      if (value == NULL)
        return FALSE;
      g_free (*(char **) field);
      *(char **) field = value;
      return TRUE;
    case V_AAMC_ID:
      if (g_ascii_strcasecmp (text, "keyring") == 0)
        {
          config->aamc_id_in_keyring = TRUE;
          return TRUE;
        }
      if (!is_digits (text, 8))
        return invalid (error, "'%s' is not an AAMC ID: give its 8 digits, or the word "
                        "keyring to keep it in the desktop keyring", text);
      config->aamc_id = g_strdup (text);
      return TRUE;
    case V_DATE:
      return parse_date (text, field, error);
    case V_COUNT:
      return parse_count (text, field, error);
    case V_COMMAND:
      if (!g_shell_parse_argv (text, NULL, &config->relay_argv, &local))
        return invalid (error, "cannot split it into words like a shell would: %s",
                        local->message);
      config->relay_command = g_strdup (text);
      return TRUE;
    case V_PATH:
      *(char **) field = resolve_path (source->dir, text);
      return TRUE;
    case V_WARNINGS:
      return parse_enum (text, warnings_names, field, error);
    case V_TRACK:
      if (!mg_track_from_name (text, field))
        return invalid (error, "'%s' is not one of ir-integrated, dr-esir, "
                        "ir-independent, other", text);
      return TRUE;
    case V_BOOL:
      return parse_bool (text, field, error);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* Reads the value of @key in @group with @setting into @base. */
static gboolean
set_value (const setting_t *setting, loader_t *loader, const source_t *source,
           const group_t *group, const entry_t *key, void *base, GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ok;

  if (is_list_kind (setting->kind))
    {
      g_auto(GStrv) items = get_list (source->values, group->name, key->name, &local);
      ok = items != NULL
        && set_list (setting, loader, key, items, base, &local);
    }
  else
    {
      g_autofree char *text = g_key_file_get_string (source->values, group->name,
                                                     key->name, &local);
      ok = text != NULL && local == NULL
        && set_scalar (setting, source, g_strstrip (text), base, &local);
    }
  if (ok)
    return TRUE;
  if (local->domain == G_KEY_FILE_ERROR)   /* the only one: a bad escape */
    return fail (error, source, key->line, "[%s]: %s: a bad escape sequence "
                 "(write \\\\ for a backslash)", group->name, key->name);
  return fail (error, source, key->line, "[%s]: %s: %s", group->name, key->name,
               local->message);
}

static const setting_t *
find_setting (const char *group, const char *key)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (settings); i++)
    if (strcmp (settings[i].group, group) == 0
        && (key == NULL || strcmp (settings[i].key, key) == 0))
      return &settings[i];
  return NULL;
}

/* Reads every key of @group, known under @table_group in settings[], into
 * @base. */
static gboolean
load_settings (loader_t *loader, const source_t *source, const group_t *group,
               const char *table_group, void *base, GError **error)
{
  guint i;

  for (i = 0; i < group->keys->len; i++)
    {
      const entry_t *key = g_ptr_array_index (group->keys, i);
      const setting_t *setting = find_setting (table_group, key->name);

      if (setting == NULL)
        return fail (error, source, key->line, "unknown key '%s' in [%s]", key->name,
                     group->name);
      if (!set_value (setting, loader, source, group, key, base, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- groups -------------------------------------------------------------- */

static gboolean
load_program (loader_t *loader, const source_t *source, const group_t *group, GError **error)
{
  const char *id = group->name + strlen (PROGRAM_PREFIX);
  mg_registry_t *registry = loader->config->registry;
  g_autoptr(mg_program_t) program = NULL;
  const mg_program_t *other;

  if (!mg_program_id_is_valid (id))
    return fail (error, source, group->line, "[%s]: a program id is made of letters, "
                 "digits, '-', '_' and '.'", group->name);
  other = mg_registry_find (registry, id);
  if (other != NULL)
    return fail (error, source, group->line, "[%s] is already defined at %s:%d",
                 group->name, other->file, other->line);

  program = mg_program_new (id);
  program->file = g_strdup (source->path);
  program->line = group->line;
  if (!load_settings (loader, source, group, "program", program, error))
    return FALSE;
  if (program->name == NULL)
    return fail (error, source, group->line, "[%s]: name is missing", group->name);
  if (program->domains[0] == NULL && program->addresses[0] == NULL
      && program->contacts->len == 0)
    return fail (error, source, group->line, "[%s]: no addresses or domains: give at least "
                 "one of domains, addresses or contacts", group->name);
  program->has_interview = g_date_valid (&program->interview);
  mg_registry_add (registry, g_steal_pointer (&program));
  return TRUE;
}

void
mg_config_problem_free (mg_config_problem_t *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->file);
  g_free (problem->message);
  g_free (problem);
}

/* A problem from @message, which fail() wrote as "PATH:LINE: text". */
static mg_config_problem_t *
problem_new (const char *path, const char *message)
{
  mg_config_problem_t *problem = g_new0 (mg_config_problem_t, 1);
  gsize len = strlen (path);
  const char *rest = message;
  char *end = NULL;

  problem->file = g_strdup (path);
  if (strncmp (message, path, len) == 0 && message[len] == ':')
    {
      problem->line = (int) strtol (message + len + 1, &end, 10);
      if (end != NULL && g_str_has_prefix (end, ": "))
        rest = end + 2;
    }
  problem->message = g_strdup (rest);
  return problem;
}

/* load_program(), but in a lenient load a bad program is noted in
 * loader->problems and skipped. */
static gboolean
load_program_or_note (loader_t *loader, const source_t *source, const group_t *group,
                      GError **error)
{
  GError *local = NULL;

  if (load_program (loader, source, group, &local))
    return TRUE;
  if (loader->problems == NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_ptr_array_add (loader->problems, problem_new (source->path, local->message));
  g_error_free (local);
  return TRUE;
}

static gboolean
load_rules (loader_t *loader, const source_t *source, const group_t *group, GError **error)
{
  mg_config_t *config = loader->config;
  guint i;

  for (i = 0; i < group->keys->len; i++)
    {
      const entry_t *key = g_ptr_array_index (group->keys, i);
      g_autofree char *text = g_key_file_get_string (source->values, group->name,
                                                     key->name, NULL);
      g_autofree char *lower = NULL;
      mg_rule_id_t rule;
      mg_severity_t severity;

      if (!mg_rule_from_name (key->name, &rule))
        return fail (error, source, key->line, "[rules]: unknown rule '%s' "
                     "(matchguard rules lists them)", key->name);
      if (text != NULL)
        lower = g_ascii_strdown (g_strstrip (text), -1);
      if (lower == NULL || !mg_severity_from_name (lower, &severity))
        return fail (error, source, key->line, "[rules]: %s: '%s' is not one of "
                     "block, warn, info, off", key->name, text != NULL ? text : "");
      config->severity[rule] = severity;
      config->severity_set[rule] = TRUE;
    }
  return TRUE;
}

static gboolean
check_season (const mg_config_t *config, const source_t *source, const group_t *group,
              GError **error)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (season_order); i++)
    {
      const GDate *earlier = G_STRUCT_MEMBER_P ((void *) config, season_order[i].earlier_offset);
      const GDate *later = G_STRUCT_MEMBER_P ((void *) config, season_order[i].later_offset);
      char a[16], b[16];

      if (!g_date_valid (earlier) || !g_date_valid (later)
          || g_date_compare (earlier, later) <= 0)
        continue;
      g_date_strftime (a, sizeof a, "%Y-%m-%d", earlier);
      g_date_strftime (b, sizeof b, "%Y-%m-%d", later);
      return fail (error, source, find_key (group, season_order[i].later)->line,
                   "[season]: %s: %s comes before %s (%s)", season_order[i].later, b,
                   season_order[i].earlier, a);
    }
  return TRUE;
}

/* Loads the groups of the configuration file. */
static gboolean
load_main (loader_t *loader, GError **error)
{
  const source_t *source = loader->main;
  const group_t *season;
  guint i;

  for (i = 0; i < source->groups->len; i++)
    {
      const group_t *group = g_ptr_array_index (source->groups, i);
      gboolean ok;

      if (g_str_has_prefix (group->name, PROGRAM_PREFIX))
        ok = loader->skip_programs || load_program_or_note (loader, source, group, error);
      else if (strcmp (group->name, "rules") == 0)
        ok = load_rules (loader, source, group, error);
      else if (strcmp (group->name, "program") == 0)
        ok = fail (error, source, group->line, "[program] needs an id, as in [program:jhu-ir]");
      else if (find_setting (group->name, NULL) != NULL)
        ok = load_settings (loader, source, group, group->name, loader->config, error);
      else
        ok = fail (error, source, group->line, "unknown group [%s]", group->name);
      if (!ok)
        return FALSE;
    }
  season = find_group (source, "season");
  return season == NULL || check_season (loader->config, source, season, error);
}

/* Loads one registry file, named @name in [registry] files. */
static gboolean
load_registry_file (loader_t *loader, const char *name, GHashTable *seen, GError **error)
{
  g_autofree char *path = resolve_path (loader->main->dir, name);
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *data = NULL;
  g_autoptr(source_t) source = NULL;
  gsize len = 0;
  int saved_errno = 0;
  guint i;

  if (g_hash_table_contains (seen, canonical))
    return fail (error, loader->main, loader->registry_line,
                 "[registry]: files: '%s' is listed twice", name);
  g_hash_table_add (seen, g_steal_pointer (&canonical));

  data = read_file (path, &len, &saved_errno);
  if (data == NULL)
    return fail (error, loader->main, loader->registry_line,
                 "[registry]: files: cannot read '%s': %s", path, g_strerror (saved_errno));
  source = source_parse (path, data, len, error);
  if (source == NULL)
    return FALSE;
  for (i = 0; i < source->groups->len; i++)
    {
      const group_t *group = g_ptr_array_index (source->groups, i);

      if (!g_str_has_prefix (group->name, PROGRAM_PREFIX))
        return fail (error, source, group->line, "[%s] cannot be in a registry file, "
                     "which holds only [program:ID] groups", group->name);
      if (!load_program_or_note (loader, source, group, error))
        return FALSE;
    }
  return TRUE;
}

static mg_config_t *
config_new (const char *path)
{
  mg_config_t *config = g_new0 (mg_config_t, 1);
  guint i;

  config->path = g_strdup (path);
  config->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
  config->relay_timeout_seconds = DEFAULT_RELAY_TIMEOUT_SECONDS;
  config->policy = default_policy;
  for (i = 0; i < MG_RULE_COUNT; i++)
    config->severity[i] = mg_rule_info ((mg_rule_id_t) i)->severity;
  config->registry = mg_registry_new ();
  return config;
}

/* ---- public -------------------------------------------------------------- */

/* Loads @data as the configuration file @path; @problems: see
 * mg_config_load_lenient(). */
static mg_config_t *
config_load_data (const char *path, const char *data, gsize len, GPtrArray *problems,
                  gboolean skip_programs, GError **error)
{
  g_autoptr(mg_config_t) config = NULL;
  g_autoptr(source_t) source = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) files = NULL;
  loader_t loader = { 0 };
  gboolean ok = TRUE;
  guint i;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == (gsize) -1)
    len = strlen (data);
  source = source_parse (path, data != NULL ? data : "", len, error);
  if (source == NULL)
    return NULL;

  config = config_new (path);
  loader.config = config;
  loader.main = source;
  loader.problems = problems;
  loader.skip_programs = skip_programs;
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ok = load_main (&loader, error);
  files = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  for (i = 0; ok && loader.registry_files != NULL && loader.registry_files[i] != NULL; i++)
    {
      ok = skip_programs || load_registry_file (&loader, loader.registry_files[i], seen, error);
      g_ptr_array_add (files, resolve_path (source->dir, loader.registry_files[i]));
    }
  g_strfreev (loader.registry_files);
  if (!ok)
    return NULL;
  config->registry_files = (char **) g_ptr_array_steal (files, NULL);
  if (config->registry_files == NULL)   /* an empty array has no storage yet */
    config->registry_files = g_new0 (char *, 1);
  return g_steal_pointer (&config);
}

/* mg_config_load_data:
 *
 * Parses @len bytes of @data (len (gsize) -1: NUL-terminated) as the
 * configuration file @path, which names it in messages and anchors its
 * relative paths, and reads the registry files it lists.  Returns a new
 * configuration (free with mg_config_free()) or NULL with @error set in
 * MG_ERROR / MG_ERROR_CONFIG, "FILE:LINE: message". */
mg_config_t *
mg_config_load_data (const char *path, const char *data, gsize len, GError **error)
{
  return config_load_data (path, data, len, NULL, FALSE, error);
}

/* mg_config_load_data_lenient:
 *
 * mg_config_load_data() that notes bad [program:ID] groups in @problems
 * (when not NULL) and goes on without them. */
mg_config_t *
mg_config_load_data_lenient (const char *path, const char *data, gsize len,
                             GPtrArray *problems, GError **error)
{
  return config_load_data (path, data, len, problems, FALSE, error);
}

/* mg_config_load:
 *
 * Reads the configuration file @path and the registry files it lists.  A
 * file that cannot be read gives MG_ERROR_CONFIG "cannot read 'PATH':
 * reason"; an empty file is a valid configuration without programs.
 * Returns a new configuration (free with mg_config_free()) or NULL with
 * @error set. */
mg_config_t *
mg_config_load (const char *path, GError **error)
{
  return mg_config_load_lenient (path, NULL, error);
}

/* mg_config_load_lenient:
 *
 * mg_config_load() that notes bad [program:ID] groups in @problems (when
 * not NULL) and goes on without them. */
mg_config_t *
mg_config_load_lenient (const char *path, GPtrArray *problems, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  int saved_errno = 0;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_file (path, &len, &saved_errno);
  if (data == NULL)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "cannot read '%s': %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  return config_load_data (path, data, len, problems, FALSE, error);
}

/* The registry of @config from the cache, when the cache was written
 * from the files @config names as they are now. */
static gboolean
use_cached_registry (mg_config_t *config, const char *cache_file, const char *signature)
{
  mg_registry_cache_t *cache = mg_registry_cache_open (cache_file, signature);

  if (cache == NULL)
    return FALSE;
  mg_registry_free (config->registry);
  config->registry = mg_registry_new_cached (cache);
  return TRUE;
}

/* The configuration file's path first, then its registry files. */
static char **
source_paths (const char *path, const mg_config_t *config)
{
  GPtrArray *paths = g_ptr_array_new ();
  guint i;

  g_ptr_array_add (paths, g_strdup (path));
  for (i = 0; config->registry_files[i] != NULL; i++)
    g_ptr_array_add (paths, g_strdup (config->registry_files[i]));
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (paths, FALSE);
}

/* mg_config_load_cached:
 *
 * The configuration file is always read (it is small and holds the
 * settings); its program groups and the registry files are not, when the
 * cache matches them.  Else a full load, whose registry is written to the
 * cache for the next time.  Errors are exactly mg_config_load()'s: any
 * problem is reported by a full load. */
mg_config_t *
mg_config_load_cached (const char *path, GError **error)
{
  g_autofree char *cache_file = NULL;
  g_autofree char *main_signature = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *data = NULL;
  g_auto(GStrv) sources = NULL;
  g_autoptr(mg_config_t) config = NULL;
  g_autoptr(GError) local = NULL;
  const char *main_only[] = { path, NULL };
  gsize len = 0;
  int saved_errno = 0;

  g_return_val_if_fail (path != NULL, NULL);

  cache_file = mg_registry_cache_file (path);
  main_signature = mg_registry_cache_signature (main_only);   /* before reading it */
  if (cache_file == NULL || main_signature == NULL)
    return mg_config_load (path, error);
  data = read_file (path, &len, &saved_errno);
  if (data == NULL)
    return mg_config_load (path, error);

  config = config_load_data (path, data, len, NULL, TRUE, NULL);
  if (config == NULL)
    return config_load_data (path, data, len, NULL, FALSE, error);
  sources = source_paths (path, config);
  signature = mg_registry_cache_signature ((const char *const *) sources);
  if (signature != NULL && use_cached_registry (config, cache_file, signature))
    return g_steal_pointer (&config);

  /* the registry files are read after the signature was taken, so one
   * that changes meanwhile leaves the cache stale, never wrong */
  g_clear_pointer (&config, mg_config_free);
  config = config_load_data (path, data, len, NULL, FALSE, error);
  if (config == NULL)
    return NULL;
  if (signature != NULL && g_str_has_prefix (signature, main_signature)
      && !mg_registry_cache_write (cache_file, signature, config->registry, &local))
    g_debug ("%s", local->message);
  return g_steal_pointer (&config);
}

/* mg_config_free:
 *
 * Frees @config and its registry.  NULL is allowed. */
void
mg_config_free (mg_config_t *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->applicant_name);
  g_free (config->applicant_email);
  g_free (config->aamc_id);
  g_free (config->relay_command);
  g_strfreev (config->relay_argv);
  g_free (config->ledger_path);
  mg_registry_free (config->registry);
  g_strfreev (config->registry_files);
  g_free (config);
}

/* mg_config_default_path:
 *
 * Returns $MATCHGUARD_CONFIG when set and not empty, else
 * $XDG_CONFIG_HOME/matchguard/matchguard.conf (g_get_user_config_dir()).
 * Free with g_free(). */
char *
mg_config_default_path (void)
{
  const char *env = g_getenv ("MATCHGUARD_CONFIG");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "matchguard", "matchguard.conf", NULL);
}

/* mg_config_severity:
 *
 * Returns the severity of @rule: as configured in [rules], else its
 * default from the rulebook (also when @config is NULL). */
mg_severity_t
mg_config_severity (const mg_config_t *config, mg_rule_id_t rule)
{
  g_return_val_if_fail ((guint) rule < MG_RULE_COUNT, MG_SEVERITY_OFF);

  if (config == NULL)
    return mg_rule_info (rule)->severity;
  return config->severity[rule];
}

/* mg_config_id_exposed:
 *
 * TRUE when @config holds the plain AAMC ID (not `keyring`) and its file
 * can be read by the group or by others (SPEC 8: the caller warns). */
gboolean
mg_config_id_exposed (const mg_config_t *config)
{
  GStatBuf st;

  g_return_val_if_fail (config != NULL, FALSE);

  if (config->aamc_id == NULL || config->path == NULL || g_stat (config->path, &st) != 0)
    return FALSE;
  return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}
