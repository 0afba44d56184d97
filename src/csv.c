/* csv.c - comma-separated values as spreadsheets export them.
 *
 * A hand-written state machine: neither GLib nor the libraries we use
 * read CSV, and RFC 4180 is small.  See mg-csv.h for what is accepted. */
#include "config.h"

#include <string.h>

#include "mg-common.h"
#include "mg-csv.h"

#define UTF8_BOM "\xEF\xBB\xBF"

void
mg_csv_record_free (mg_csv_record_t *record)
{
  if (record == NULL)
    return;
  g_strfreev (record->fields);
  g_free (record);
}

gboolean
mg_csv_record_is_blank (const mg_csv_record_t *record)
{
  guint i;

  g_return_val_if_fail (record != NULL, TRUE);

  for (i = 0; i < record->n_fields; i++)
    {
      const char *p;

      for (p = record->fields[i]; *p != '\0'; p++)
        if (!g_ascii_isspace (*p))
          return FALSE;
    }
  return TRUE;
}

/* The separator the first record uses: the most frequent unquoted one of
 * ',', ';' and tab, ',' on a tie or when there is none. */
static char
detect_separator (const char *p, const char *end)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (; p < end; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '\n' || *p == '\r')
        break;
      else if (*p == ',')
        commas++;
      else if (*p == ';')
        semicolons++;
      else if (*p == '\t')
        tabs++;
    }
  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas && tabs > semicolons)
    return '\t';
  return ',';
}

/* Where the line that starts at @p ends (its '\n' or @end), and the line
 * after it. */
static const char *
skip_line_end (const char *p, const char *end)
{
  if (p < end && *p == '\r')
    p++;
  if (p < end && *p == '\n')
    p++;
  return p;
}

typedef struct {
  const char *name;
  const char *p, *end;
  int line;             /* of p */
  char separator;
} reader_t;

/* Reads one field into @field; leaves the reader on the separator, line
 * end or end after it. */
static gboolean
read_field (reader_t *reader, GString *field, GError **error)
{
  g_string_truncate (field, 0);
  if (reader->p < reader->end && *reader->p == '"')
    {
      int start_line = reader->line;

      reader->p++;
      for (;;)
        {
          if (reader->p >= reader->end)
            return mg_error_at (error, reader->name, start_line,
                         "a quoted field is never closed (a '\"' is missing)");
          if (*reader->p == '"')
            {
              if (reader->p + 1 < reader->end && reader->p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  reader->p += 2;
                  continue;
                }
              reader->p++;
              break;
            }
          if (*reader->p == '\r' && reader->p + 1 < reader->end && reader->p[1] == '\n')
            {
              reader->p++;   /* a line break inside a cell reads as "\n" */
              continue;
            }
          if (*reader->p == '\n')
            reader->line++;
          g_string_append_c (field, *reader->p++);
        }
      if (reader->p < reader->end && *reader->p != reader->separator
          && *reader->p != '\r' && *reader->p != '\n')
        return mg_error_at (error, reader->name, reader->line,
                     "text after the closing '\"' of a quoted field (write \"\" for a quote "
                     "inside one)");
      return TRUE;
    }
  while (reader->p < reader->end && *reader->p != reader->separator
         && *reader->p != '\r' && *reader->p != '\n')
    g_string_append_c (field, *reader->p++);
  return TRUE;
}

static mg_csv_record_t *
read_record (reader_t *reader, GString *field, GError **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  mg_csv_record_t *record;
  int line = reader->line;

  for (;;)
    {
      if (!read_field (reader, field, error))
        return NULL;
      g_ptr_array_add (fields, g_strndup (field->str, field->len));
      if (reader->p < reader->end && *reader->p == reader->separator)
        {
          reader->p++;
          continue;
        }
      break;
    }
  if (reader->p < reader->end)
    {
      reader->p = skip_line_end (reader->p, reader->end);
      reader->line++;
    }
  record = g_new0 (mg_csv_record_t, 1);
  record->n_fields = fields->len;
  record->line = line;
  g_ptr_array_add (fields, NULL);
  g_ptr_array_set_free_func (fields, NULL);
  record->fields = (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
  return record;
}

static int
line_of (const char *data, const char *at)
{
  int line = 1;

  for (; data < at; data++)
    line += *data == '\n';
  return line;
}

/* Refuses a NUL byte or text that is not UTF-8, naming its line. */
static gboolean
check_text (const char *name, const char *data, gsize len, GError **error)
{
  const char *bad;

  if (g_utf8_validate_len (data, len, &bad))
    return TRUE;
  return mg_error_at (error, name, line_of (data, bad),
               "%s", *bad == '\0' ? "a NUL byte: is this a spreadsheet file rather than CSV?"
               : "not UTF-8 text: export the sheet as \"CSV UTF-8\"");
}

GPtrArray *
mg_csv_parse (const char *name, const char *data, gsize len, GError **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) field = NULL;
  reader_t reader = { 0 };

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len >= 3 && memcmp (data, UTF8_BOM, 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  if (!check_text (name, data, len, error))
    return NULL;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_csv_record_free);
  field = g_string_new (NULL);
  reader.name = name;
  reader.p = data;
  reader.end = data + len;
  reader.line = 1;
  reader.separator = detect_separator (reader.p, reader.end);
  while (reader.p < reader.end)
    {
      mg_csv_record_t *record = read_record (&reader, field, error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}
