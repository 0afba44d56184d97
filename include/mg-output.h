/* mg-output.h - verdicts for people and for programs (SPEC 9).
 *
 * Text: one block per message (verdict, programs, each finding as
 * "severity[rule-id]: reason" with the excerpt under it), colour only when
 * asked (the caller decides: a terminal and no NO_COLOR).  JSON: one
 * object per message per line, built with json-glib, exactly the SPEC 9
 * fields.
 */
#ifndef MG_OUTPUT_H
#define MG_OUTPUT_H

#include <stdio.h>
#include <glib.h>
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

G_END_DECLS

#endif
