/* mg-csv.h - comma-separated values as spreadsheets export them (RFC 4180).
 *
 * What is accepted, on top of RFC 4180:
 * - UTF-8 with or without a byte order mark (Excel writes one);
 * - CRLF or LF line ends, and a last line without one;
 * - the separator of the first record: ',' unless that record holds more
 *   unquoted ';' or tabs (Excel in many European locales saves "CSV" with
 *   ';'; "Tab-separated" exports use tabs);
 * - a '"' inside an unquoted field is kept as a character.
 * Refused, with the line: text that is not UTF-8, a quoted field that
 * never closes, text after a closing quote, a NUL byte.
 */
#ifndef MG_CSV_H
#define MG_CSV_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char **fields;   /* NULL-terminated, UTF-8, as written (no trimming) */
  guint n_fields;
  int line;        /* the line the record starts on, from 1 */
} mg_csv_record_t;

void mg_csv_record_free (mg_csv_record_t *record);

/* Parses @len bytes of @data.  @name (e.g. the file name) starts every
 * error message: "NAME:LINE: what is wrong", MG_ERROR / MG_ERROR_CONFIG.
 * Returns a new array of mg_csv_record_t* in file order (transfer full,
 * the array frees its records), empty for empty input, or NULL with
 * @error set. */
GPtrArray *mg_csv_parse (const char *name, const char *data, gsize len, GError **error);

/* TRUE when every field of @record is empty or white space (a spreadsheet
 * exports its blank rows as ",,,"). */
gboolean mg_csv_record_is_blank (const mg_csv_record_t *record);

G_END_DECLS

#endif
