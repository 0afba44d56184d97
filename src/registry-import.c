/* registry-import.c - programs from a spreadsheet into the registry.
 *
 * Design notes.
 * - A row is turned into the text of its [program:ID] group and that text
 *   is loaded by the configuration loader on its own: whatever the loader
 *   would refuse later is refused now, at the row's line, in the loader's
 *   words.
 * - Files are edited as text, never regenerated: the user's comments and
 *   layout stay.  A replaced group is cut from its header to its last key
 *   (comments right after it are kept: they usually introduce what
 *   follows) and the new text goes in its place; new groups are appended.
 * - Each file is written whole to a temporary file and renamed over the
 *   old one (g_file_set_contents_full), so a crash leaves the old or the
 *   new file, never half of one; a link is followed, not replaced, for
 *   dotfiles kept in a repository and linked into place.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "mg-common.h"
#include "mg-csv.h"
#include "mg-registry-import.h"

/* The columns, each a key of [program:ID] of the same name. */
typedef enum {
  COLUMN_SCALAR,
  COLUMN_NAMES,        /* items split on ';' and line breaks */
  COLUMN_ADDRESSES,    /* also on ',' and white space */
} column_kind_t;

static const struct {
  const char *name;
  column_kind_t kind;
} columns[] = {
  { "id", COLUMN_SCALAR },
  { "name", COLUMN_SCALAR },
  { "aliases", COLUMN_NAMES },
  { "track", COLUMN_SCALAR },
  { "nrmp", COLUMN_SCALAR },
  { "domains", COLUMN_ADDRESSES },
  { "addresses", COLUMN_ADDRESSES },
  { "contacts", COLUMN_NAMES },
  { "interview", COLUMN_SCALAR },
  { "post_interview_contact", COLUMN_SCALAR },
};

#define COLUMN_ID 0
#define COLUMN_NAME 1
#define NO_COLUMN (-1)

void
mg_import_row_free (mg_import_row_t *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->group);
  g_free (row);
}

void
mg_import_result_free (mg_import_result_t *result)
{
  if (result == NULL)
    return;
  g_free (result->file);
  g_free (result);
}

static void G_GNUC_PRINTF (4, 5)
add_problem (GPtrArray *problems, const char *file, int line, const char *format, ...)
{
  mg_config_problem_t *problem = g_new0 (mg_config_problem_t, 1);
  va_list args;

  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  problem->file = g_strdup (file);
  problem->line = line;
  g_ptr_array_add (problems, problem);
}

/* --- the header row -------------------------------------------------------- */

/* Maps each CSV field of @header to its column (index into columns[]) in
 * @column_of; every column's field in @field_of (NO_COLUMN if absent). */
static gboolean
read_header (const char *csv_path, const mg_csv_record_t *header, int *column_of,
             int *field_of, GError **error)
{
  guint i, c;

  for (c = 0; c < G_N_ELEMENTS (columns); c++)
    field_of[c] = NO_COLUMN;
  for (i = 0; i < header->n_fields; i++)
    {
      g_autofree char *name = g_ascii_strdown (header->fields[i], -1);

      g_strstrip (name);
      g_strdelimit (name, " -", '_');   /* "Post interview contact" */
      column_of[i] = NO_COLUMN;
      if (*name == '\0')
        continue;   /* an unnamed column (often an empty one) is not ours */
      for (c = 0; c < G_N_ELEMENTS (columns); c++)
        if (strcmp (name, columns[c].name) == 0)
          break;
      if (c == G_N_ELEMENTS (columns))
        {
          return mg_error_at (error, csv_path, header->line, "unknown column '%s' (the columns "
                              "are id, name, aliases, track, nrmp, domains, addresses, contacts, "
                              "interview, post_interview_contact)", header->fields[i]);
        }
      if (field_of[c] != NO_COLUMN)
        {
          return mg_error_at (error, csv_path, header->line, "column '%s' appears twice",
                              columns[c].name);
        }
      field_of[c] = (int) i;
      column_of[i] = (int) c;
    }
  if (field_of[COLUMN_ID] == NO_COLUMN || field_of[COLUMN_NAME] == NO_COLUMN)
    return mg_error_at (error, csv_path, header->line,
                        "the first row must name the columns, id and name among them");
  return TRUE;
}

/* --- one row --------------------------------------------------------------- */

/* Appends @text as a key file value: GKeyFile's escapes, and "\;" for a
 * ';' inside a list item. */
static void
append_escaped (GString *out, const char *text, gboolean list_item)
{
  const char *p;

  for (p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case ';':
        g_string_append (out, list_item ? "\\;" : ";");
        break;
      default:
        g_string_append_c (out, *p);
      }
}

/* Appends "KEY = item;item" for the items of @cell, split as @kind
 * says; nothing when it has none. */
static void
append_list (GString *group, const char *key, const char *cell, column_kind_t kind)
{
  const char *separators = kind == COLUMN_ADDRESSES ? ";\n\r, \t" : ";\n\r";
  g_auto(GStrv) items = g_strsplit_set (cell, separators, -1);
  gboolean first = TRUE;
  guint i;

  for (i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (items[i][0] == '\0')
        continue;
      if (first)
        g_string_append_printf (group, "%s = ", key);
      else
        g_string_append_c (group, ';');
      append_escaped (group, items[i], TRUE);
      first = FALSE;
    }
  if (!first)
    g_string_append_c (group, '\n');
}

/* The [program:ID] group of @record, or NULL with a problem noted. */
static char *
row_group (const char *csv_path, const mg_csv_record_t *record, const char *id,
           const int *field_of, GPtrArray *problems)
{
  g_autoptr(GString) group = g_string_new (NULL);
  guint c;

  g_string_append_printf (group, "[program:%s]\n", id);
  for (c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_autofree char *cell = NULL;

      if (c == COLUMN_ID || field_of[c] == NO_COLUMN || (guint) field_of[c] >= record->n_fields)
        continue;
      cell = g_strstrip (g_strdup (record->fields[field_of[c]]));
      if (*cell == '\0')
        continue;
      if (columns[c].kind != COLUMN_SCALAR)
        append_list (group, columns[c].name, cell, columns[c].kind);
      else if (strpbrk (cell, "\r\n") != NULL)
        {
          add_problem (problems, csv_path, record->line, "%s: a line break in a one-line "
                       "value", columns[c].name);
          return NULL;
        }
      else
        {
          g_string_append_printf (group, "%s = ", columns[c].name);
          append_escaped (group, cell, FALSE);
          g_string_append_c (group, '\n');
        }
    }
  return g_string_free (g_steal_pointer (&group), FALSE);
}

/* Loads @group alone, as the configuration loader will; notes its
 * problem at @line. */
static gboolean
check_group (const char *csv_path, int line, const char *group, GPtrArray *problems)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_config_problem_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(mg_config_t) config = NULL;

  config = mg_config_load_data_lenient (csv_path, group, strlen (group), found, &error);
  if (config == NULL)   /* cannot happen for text we wrote: say so plainly */
    {
      add_problem (problems, csv_path, line, "%s", error->message);
      return FALSE;
    }
  if (found->len > 0)
    {
      const mg_config_problem_t *problem = g_ptr_array_index (found, 0);
      add_problem (problems, csv_path, line, "%s", problem->message);
      return FALSE;
    }
  return TRUE;
}

static mg_import_row_t *
read_row (const char *csv_path, const mg_csv_record_t *record, const int *field_of,
          const mg_registry_t *registry, gboolean replace, GHashTable *seen,
          GPtrArray *problems)
{
  const mg_program_t *existing;
  g_autofree char *id = NULL;
  g_autofree char *group = NULL;
  mg_import_row_t *row;
  gpointer earlier;

  if ((guint) field_of[COLUMN_ID] < record->n_fields)
    id = g_strstrip (g_strdup (record->fields[field_of[COLUMN_ID]]));
  if (id == NULL || *id == '\0')
    {
      add_problem (problems, csv_path, record->line, "no id: give each program a short "
                   "unique id such as jhu-ir");
      return NULL;
    }
  if (!mg_program_id_is_valid (id))
    {
      add_problem (problems, csv_path, record->line, "id '%s': a program id is made of "
                   "letters, digits, '-', '_' and '.'", id);
      return NULL;
    }
  if (g_hash_table_lookup_extended (seen, id, NULL, &earlier))
    {
      add_problem (problems, csv_path, record->line, "id '%s' is already on line %d", id,
                   GPOINTER_TO_INT (earlier));
      return NULL;
    }
  g_hash_table_insert (seen, g_strdup (id), GINT_TO_POINTER (record->line));
  existing = mg_registry_find (registry, id);
  if (existing != NULL && !replace)
    {
      add_problem (problems, csv_path, record->line, "[program:%s] is already in the registry "
                   "(%s:%d): use --replace to overwrite it", id, existing->file, existing->line);
      return NULL;
    }

  group = row_group (csv_path, record, id, field_of, problems);
  if (group == NULL || !check_group (csv_path, record->line, group, problems))
    return NULL;
  row = g_new0 (mg_import_row_t, 1);
  row->id = g_steal_pointer (&id);
  row->line = record->line;
  row->group = g_steal_pointer (&group);
  return row;
}

GPtrArray *
mg_import_read_csv (const char *csv_path, const mg_registry_t *registry, gboolean replace,
                    GPtrArray *problems, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree int *column_of = NULL;
  int field_of[G_N_ELEMENTS (columns)];
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  guint i;

  g_return_val_if_fail (csv_path != NULL && registry != NULL && problems != NULL, NULL);

  if (!g_file_get_contents (csv_path, &data, &len, &local))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_NOINPUT, "%s", local->message);
      return NULL;
    }
  records = mg_csv_parse (csv_path, data, len, error);
  if (records == NULL)
    return NULL;
  if (records->len == 0)
    {
      g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s: empty: the first row must name the "
                   "columns, id and name among them", csv_path);
      return NULL;
    }
  column_of = g_new (int, ((mg_csv_record_t *) g_ptr_array_index (records, 0))->n_fields);
  if (!read_header (csv_path, g_ptr_array_index (records, 0), column_of, field_of, error))
    return NULL;

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_import_row_free);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 1; i < records->len; i++)
    {
      const mg_csv_record_t *record = g_ptr_array_index (records, i);
      mg_import_row_t *row;

      if (mg_csv_record_is_blank (record))
        continue;
      row = read_row (csv_path, record, field_of, registry, replace, seen, problems);
      if (row != NULL)
        g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

/* --- writing --------------------------------------------------------------- */

/* One file being edited. */
typedef struct {
  char *path;          /* as the configuration names it */
  char *real_path;     /* links followed: what is written */
  char *old_text;      /* NULL: did not exist */
  GString *text;       /* the new text */
  mode_t mode;
  mg_import_result_t *result;
} edit_t;

static void
edit_free (edit_t *edit)
{
  g_free (edit->path);
  g_free (edit->real_path);
  g_free (edit->old_text);
  g_string_free (edit->text, TRUE);
  mg_import_result_free (edit->result);
  g_free (edit);
}

static edit_t *
edit_open (GPtrArray *edits, const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  edit_t *edit;
  GStatBuf st;
  guint i;

  for (i = 0; i < edits->len; i++)
    {
      edit = g_ptr_array_index (edits, i);
      if (strcmp (edit->path, path) == 0)
        return edit;
    }
  edit = g_new0 (edit_t, 1);
  edit->path = g_strdup (path);
  edit->real_path = realpath (path, NULL);
  if (edit->real_path == NULL)
    edit->real_path = g_strdup (path);
  edit->mode = 0600;
  if (g_stat (edit->real_path, &st) == 0)
    edit->mode = st.st_mode & 07777;
  if (!g_file_get_contents (edit->real_path, &edit->old_text, NULL, &local))
    {
      g_set_error (error, MG_ERROR, MG_ERROR_IO, "%s", local->message);
      edit->text = g_string_new (NULL);
      edit_free (edit);
      return NULL;
    }
  edit->text = g_string_new (edit->old_text);
  edit->result = g_new0 (mg_import_result_t, 1);
  edit->result->file = g_strdup (path);
  g_ptr_array_add (edits, edit);
  return edit;
}

/* Byte offset of the start of line @line (from 1) in @text, or its
 * length. */
static gsize
line_offset (const GString *text, int line)
{
  gsize offset = 0;

  while (line > 1 && offset < text->len)
    {
      const char *nl = memchr (text->str + offset, '\n', text->len - offset);
      if (nl == NULL)
        return text->len;
      offset = (gsize) (nl - text->str) + 1;
      line--;
    }
  return offset;
}

static gboolean
is_blank_or_comment (const char *line, gsize len)
{
  gsize i = 0;

  while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    i++;
  return i == len || line[i] == '#';
}

/* Replaces the group whose header is on line @line of @edit with @group:
 * from its header to its last key, comments and blank lines after it
 * kept. */
static void
replace_group (edit_t *edit, int line, const char *group)
{
  GString *text = edit->text;
  gsize start = line_offset (text, line);
  gsize end, offset;

  /* the line after the header, then every line up to the next header */
  offset = line_offset (text, line + 1);
  end = offset;
  while (offset < text->len)
    {
      const char *p = text->str + offset;
      const char *nl = memchr (p, '\n', text->len - offset);
      gsize len = nl != NULL ? (gsize) (nl - p) : text->len - offset;
      gsize skip = strspn (p, " \t");

      if (skip < len && p[skip] == '[')
        break;
      offset += len + (nl != NULL);
      if (!is_blank_or_comment (p, len))
        end = offset;
    }
  if (end > text->len)
    end = text->len;
  g_string_erase (text, (gssize) start, (gssize) (end - start));
  g_string_insert (text, (gssize) start, group);
}

static void
append_group (edit_t *edit, const char *group)
{
  GString *text = edit->text;

  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, group);
}

static gboolean
write_text (const char *path, const char *text, gsize len, mode_t mode, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (g_file_set_contents_full (path, text, (gssize) len,
                                G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                (int) mode, &local))
    return TRUE;
  g_set_error (error, MG_ERROR, MG_ERROR_IO, "%s", local->message);
  return FALSE;
}

/* Puts back every file of @edits written so far (the first @count). */
static void
restore (GPtrArray *edits, guint count)
{
  guint i;

  for (i = 0; i < count; i++)
    {
      edit_t *edit = g_ptr_array_index (edits, i);
      write_text (edit->real_path, edit->old_text, strlen (edit->old_text), edit->mode, NULL);
    }
}

char *
mg_import_target (const mg_config_t *config, const char *into, GError **error)
{
  g_autofree char *wanted = NULL;
  g_autofree char *main_file = NULL;
  guint i;

  g_return_val_if_fail (config != NULL, NULL);

  if (into == NULL)
    return g_strdup (config->registry_files[0] != NULL ? config->registry_files[0]
                     : config->path);
  wanted = g_canonicalize_filename (into, NULL);
  main_file = g_canonicalize_filename (config->path, NULL);
  if (strcmp (wanted, main_file) == 0)
    return g_strdup (config->path);
  for (i = 0; config->registry_files[i] != NULL; i++)
    {
      g_autofree char *file = g_canonicalize_filename (config->registry_files[i], NULL);
      if (strcmp (wanted, file) == 0)
        return g_strdup (config->registry_files[i]);
    }
  g_set_error (error, MG_ERROR, MG_ERROR_USAGE, "--into '%s' is neither %s nor one of its "
               "[registry] files: add it to [registry] files first", into, config->path);
  return NULL;
}

/* Orders rows whose programs exist by file, then by line, last first. */
static int
compare_bottom_up (gconstpointer a, gconstpointer b, gpointer registry)
{
  const mg_import_row_t *x = *(const mg_import_row_t *const *) a;
  const mg_import_row_t *y = *(const mg_import_row_t *const *) b;
  const mg_program_t *px = mg_registry_find (registry, x->id);
  const mg_program_t *py = mg_registry_find (registry, y->id);
  int by_file = strcmp (px->file, py->file);

  if (by_file != 0)
    return by_file;
  return py->line - px->line;
}

gboolean
mg_import_write (const mg_config_t *config, GPtrArray *rows, const char *target,
                 GPtrArray *results, GError **error)
{
  g_autoptr(GPtrArray) edits = NULL;
  g_autoptr(GPtrArray) replacements = NULL;
  g_autoptr(mg_config_t) reloaded = NULL;
  g_autoptr(GError) local = NULL;
  guint i, written;

  g_return_val_if_fail (config != NULL && rows != NULL && target != NULL, FALSE);

  replacements = g_ptr_array_new ();
  for (i = 0; i < rows->len; i++)
    {
      const mg_import_row_t *row = g_ptr_array_index (rows, i);
      const mg_program_t *existing = mg_registry_find (config->registry, row->id);

      if (existing != NULL)
        g_ptr_array_add (replacements, (gpointer) row);
    }

  /* replacements first and from the bottom of each file up, so that the
   * line numbers the registry holds stay right */
  g_ptr_array_sort_with_data (replacements, compare_bottom_up, config->registry);
  edits = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  for (i = 0; i < replacements->len; i++)
    {
      const mg_import_row_t *row = g_ptr_array_index (replacements, i);
      const mg_program_t *existing = mg_registry_find (config->registry, row->id);
      edit_t *edit = edit_open (edits, existing->file, error);

      if (edit == NULL)
        return FALSE;
      replace_group (edit, existing->line, row->group);
      edit->result->replaced++;
    }
  for (i = 0; i < rows->len; i++)
    {
      const mg_import_row_t *row = g_ptr_array_index (rows, i);
      edit_t *edit;

      if (mg_registry_find (config->registry, row->id) != NULL)
        continue;
      edit = edit_open (edits, target, error);
      if (edit == NULL)
        return FALSE;
      append_group (edit, row->group);
      edit->result->added++;
    }

  for (written = 0; written < edits->len; written++)
    {
      edit_t *edit = g_ptr_array_index (edits, written);
      if (!write_text (edit->real_path, edit->text->str, edit->text->len, edit->mode, error))
        {
          restore (edits, written);
          return FALSE;
        }
    }
  reloaded = mg_config_load (config->path, &local);
  if (reloaded == NULL)
    {
      restore (edits, written);
      g_set_error (error, MG_ERROR, MG_ERROR_INTERNAL, "the configuration would not load after "
                   "the import, so nothing was changed: %s", local->message);
      return FALSE;
    }
  for (i = 0; i < edits->len; i++)
    {
      edit_t *edit = g_ptr_array_index (edits, i);
      g_ptr_array_add (results, g_steal_pointer (&edit->result));
    }
  return TRUE;
}
