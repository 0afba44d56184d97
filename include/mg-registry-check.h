/* mg-registry-check.h - conflicts between programs of a loaded registry
 * (`matchguard registry check`).
 *
 * Loading already refuses what cannot work (a bad address, the same id
 * twice, a program without addresses or domains).  These are programs
 * that load but make matching less sure:
 * - warning: a domain several programs list, where one of them has no
 *   address or contact of its own under it (mail to anyone else there is
 *   decided only by the program name in the text, else the recipient is
 *   ambiguous-recipient);
 * - warning: an address (in addresses or contacts) listed by two programs;
 * - warning: a name or alias two programs share (mentions of it cannot
 *   tell them apart, so wrong-program cannot either);
 * - warning: an interview date before applications were submitted or
 *   after the rank deadline (a wrong year);
 * - note: a program without contacts (a message to another program that
 *   greets this one's people by name goes unnoticed).
 */
#ifndef MG_REGISTRY_CHECK_H
#define MG_REGISTRY_CHECK_H

#include <glib.h>
#include "mg-config.h"

G_BEGIN_DECLS

typedef enum {
  MG_CONFLICT_WARNING,
  MG_CONFLICT_NOTE,
} mg_conflict_level_t;

typedef struct {
  mg_conflict_level_t level;
  const mg_program_t *program;   /* where to report it (registry-owned) */
  char *message;                 /* "[program:ID]: ..." */
} mg_conflict_t;

void mg_conflict_free (mg_conflict_t *conflict);

/* Finds the conflicts above in @config's registry, ordered by program
 * (registry order) and then kind.  Returns a new array of mg_conflict_t*
 * (transfer full), empty when there are none. */
GPtrArray *mg_registry_find_conflicts (const mg_config_t *config);

G_END_DECLS

#endif
