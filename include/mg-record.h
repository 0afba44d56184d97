/* mg-record.h - the ledger entry that records a judged message (SPEC 7):
 * what the history rules will need of it later, never its body. */
#ifndef MG_RECORD_H
#define MG_RECORD_H

#include <glib.h>
#include "mg-analysis.h"
#include "mg-ledger.h"
#include "mg-rules.h"

G_BEGIN_DECLS

/* A new entry for @analysis judged as @judgement, sent (or attempted) at
 * @at with @status. */
mg_entry_t *mg_record_entry (const mg_analysis_t *analysis, const mg_judgement_t *judgement,
                             GDateTime *at, mg_status_t status);

/* The entry of a message audit replays as sent, for its scratch history:
 * as mg_record_entry() but without the confirm key, which only a
 * confirmation looks up (an audit hashes 10,000 texts for nothing). */
mg_entry_t *mg_record_replayed_entry (const mg_analysis_t *analysis,
                                      const mg_judgement_t *judgement, GDateTime *at);

/* What makes two attempts "the same message" for confirmation (SPEC 6):
 * the recipients, the Subject and the authored text, hashed; Date,
 * Message-ID and anything else may differ. */
char *mg_record_confirm_key (const mg_analysis_t *analysis);

G_END_DECLS

#endif
