/* mg-registry-import.h - programs from a spreadsheet into the registry
 * (`matchguard registry import-csv`).
 *
 * The CSV (mg-csv.h) has a header row naming its columns, in any order
 * and any case: id, name, aliases, track, nrmp, domains, addresses,
 * contacts, interview, post_interview_contact.  id and name are required;
 * an empty cell leaves the key out (its default).  A list cell holds items
 * separated by ';' or line breaks; domains and addresses also by ',' or
 * spaces (they cannot contain either; names can hold a comma).  Blank rows
 * are skipped.
 *
 * Each row becomes a [program:ID] group, checked by loading it exactly as
 * the configuration loader will (one source of truth for what is valid),
 * so a row is refused with the loader's own message, at the row's line.
 */
#ifndef MG_REGISTRY_IMPORT_H
#define MG_REGISTRY_IMPORT_H

#include <glib.h>
#include "mg-config.h"

G_BEGIN_DECLS

/* One program read from the spreadsheet. */
typedef struct {
  char *id;
  int line;      /* where its row starts in the CSV */
  char *group;   /* the [program:ID] group as it will be written, ends in "\n" */
} mg_import_row_t;

void mg_import_row_free (mg_import_row_t *row);

/* What was written to one file. */
typedef struct {
  char *file;
  guint added, replaced;
} mg_import_result_t;

void mg_import_result_free (mg_import_result_t *result);

/* Reads @csv_path.  Every bad row (a bad value, a missing id or name, an
 * id given twice, an id @registry has already unless @replace) is
 * appended to @problems (mg_config_problem_t*, file @csv_path, the row's
 * line) and left out.  Returns the good rows (mg_import_row_t*, transfer
 * full), or NULL with @error set (MG_ERROR_NOINPUT when the file cannot be
 * read, MG_ERROR_CONFIG for a bad header or CSV that cannot be parsed). */
GPtrArray *mg_import_read_csv (const char *csv_path, const mg_registry_t *registry,
                               gboolean replace, GPtrArray *problems, GError **error);

/* The file new programs go to: @into when it is the configuration file
 * or one of its [registry] files (else NULL and MG_ERROR_USAGE), or with
 * @into NULL the first [registry] file, else the configuration file.
 * Free with g_free(). */
char *mg_import_target (const mg_config_t *config, const char *into, GError **error);

/* Writes @rows into the registry of @config: a new id is appended to
 * @target (from mg_import_target()); an id the registry has already is
 * rewritten where its group is.  Each file is replaced atomically (through
 * symbolic links, keeping its mode); afterwards the configuration is
 * loaded again and, should that fail, every file is put back.  Appends
 * one mg_import_result_t per file written to @results.  FALSE with @error
 * set when a file cannot be read or written, or the result would not
 * load. */
gboolean mg_import_write (const mg_config_t *config, GPtrArray *rows, const char *target,
                          GPtrArray *results, GError **error);

G_END_DECLS

#endif
