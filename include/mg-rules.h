/* mg-rules.h - the rules engine (SPEC 5, 6): findings and the verdict. */
#ifndef MG_RULES_H
#define MG_RULES_H

#include <glib.h>
#include "mg-analysis.h"
#include "mg-ledger.h"
#include "mg-rulebook.h"

G_BEGIN_DECLS

typedef struct {
  mg_rule_id_t rule;
  mg_severity_t severity;   /* after configuration; never OFF */
  char *program_id;         /* NULL: no program, or the ambiguous one */
  char *message;            /* one sentence: what is wrong and what to do instead */
  char *excerpt;            /* the matched text, or NULL */
  char *part;               /* MIME part number, "subject", or NULL */
  int line;                 /* 1-based line in the part, 0 when none */
} mg_finding_t;

void mg_finding_free (mg_finding_t *finding);

/* The outcome of judging one message. */
typedef struct {
  mg_severity_t verdict;    /* OFF/INFO mean ok */
  GPtrArray *findings;      /* mg_finding_t*, in rule order */
  GPtrArray *overrides;     /* char*: rule ids whose findings an override released */
  GBytes *fingerprint;      /* the message's similarity fingerprint when the history
                               rules computed it (mg_rules_fingerprint()), else NULL */
} mg_judgement_t;

/* Runs every rule that can apply to @analysis at time @at (the rules'
 * "now").  @history: the ledger's entries (mg_entry_t*, oldest first):
 * all of them, or those mg_rules_history_query() selects (the same
 * findings); or NULL to skip the rules that need history (check
 * --no-ledger).  Free with mg_judgement_free(). */
mg_judgement_t *mg_rules_judge (const mg_analysis_t *analysis, GDateTime *at,
                                const GPtrArray *history);
void mg_judgement_free (mg_judgement_t *judgement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_judgement_t, mg_judgement_free)

/* Overrides (SPEC 6): every finding of a rule named in @allowed (items
 * of rule ids separated by commas or white space; the token "warnings"
 * names every finding of warn severity) becomes info, and is listed in
 * judgement->overrides; the verdict is recomputed.  A block is released
 * only by its own rule id. */
void mg_judgement_allow (mg_judgement_t *judgement, const char *const *allowed);

/* Recomputes judgement->verdict from the findings' severities. */
void mg_judgement_update_verdict (mg_judgement_t *judgement);

/* The similarity fingerprint (mg-fingerprint.h) of the authored text
 * without its salutation, so that two notes differing only in the greeted
 * name have the same fingerprint (SPEC 4a "Similar text"). */
GBytes *mg_rules_fingerprint (const mg_analysis_t *analysis);

/* The ledger entries the history rules read for @analysis: those to its
 * programs, and those of #1 intent when it states #1 intent.  Without a
 * confirm key: sendmail mode adds it. */
mg_history_query_t *mg_rules_history_query (const mg_analysis_t *analysis);

/* When an unsolicited update to @program would raise neither
 * followup-limit, followup-too-soon nor unwanted-contact, given the ledger
 * entries @history (mg_entry_t*) as of @at: a time (transfer full; @at
 * itself when that is now), or NULL when none will.  *@why says what
 * decides it (a static string), or NULL when nothing holds it back. */
GDateTime *mg_rules_next_followup (const mg_config_t *config, const mg_program_t *program,
                                   const GPtrArray *history, GDateTime *at, const char **why);

/* "ok", "warn" or "block". */
const char *mg_verdict_name (mg_severity_t verdict);

G_END_DECLS

#endif
