/* mg-output.h - verdicts for people and for programs (SPEC 9).
 *
 * Text: one block per message (verdict, programs, each finding as
 * "severity[rule-id]: reason" with the excerpt under it), colour only when
 * asked (the caller decides: a terminal and no NO_COLOR).  JSON: one
 * object per message per line, exactly the SPEC 9 fields, written
 * directly (output.c says why; the tests hold it to json-glib's output).
 * The other commands that print JSON Lines (log, status) build their
 * objects with json-glib through the mg_output_add_*() helpers below.
 */
#ifndef MG_OUTPUT_H
#define MG_OUTPUT_H

#include <stdio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "mg-analysis.h"
#include "mg-rules.h"

G_BEGIN_DECLS

typedef enum {
  MG_FORMAT_TEXT,
  MG_FORMAT_JSON,
} mg_format_t;

gboolean mg_format_from_name (const char *name, mg_format_t *format);

/* Writes the verdict on one message to @out. */
void mg_output_judgement (FILE *out, mg_format_t format, gboolean colour,
                          const mg_analysis_t *analysis, const mg_judgement_t *judgement);

/* The JSON object of SPEC 9 for one message, as one line without the
 * newline.  Free with g_free(). */
char *mg_output_judgement_json (const mg_analysis_t *analysis, const mg_judgement_t *judgement);

/* --- JSON Lines of the other commands (log, status) ---------------------- */

/* Adds the member @name with the string @value to the object @builder is
 * building; NULL gives JSON null.  @value need not be valid UTF-8 (text
 * from a message or the command line): invalid bytes become U+FFFD. */
void mg_output_add_string (JsonBuilder *builder, const char *name, const char *value);

/* Adds the member @name as an array of the strings of @strv, a
 * NULL-terminated vector (NULL gives an empty array), each made valid
 * UTF-8 as by mg_output_add_string(). */
void mg_output_add_strv (JsonBuilder *builder, const char *name, char *const *strv);

/* The value @builder has built (after its last end), as one line of JSON
 * without the newline.  Free with g_free(). */
char *mg_output_json_line (JsonBuilder *builder);

G_END_DECLS

#endif
