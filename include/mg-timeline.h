/* mg-timeline.h - the season as an SVG picture (`status --svg`). */
#ifndef MG_TIMELINE_H
#define MG_TIMELINE_H

#include <glib.h>
#include "mg-config.h"
#include "mg-ledger.h"

G_BEGIN_DECLS

/* An SVG document: @programs (const mg_program_t*) as rows, each ledger
 * entry of @history to one of them a mark coloured by kind (filled when it
 * counts as sent, a ring when refused or failed), each interview day, the
 * rank deadline and Match Day.  Transfer full. */
char *mg_timeline_svg (const mg_config_t *config, const GPtrArray *programs, const GPtrArray *history);

G_END_DECLS

#endif
