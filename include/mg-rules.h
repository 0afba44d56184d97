/* mg-rules.h - the rules engine (SPEC 5, 6): findings and the verdict. */
#ifndef MG_RULES_H
#define MG_RULES_H

#include <glib.h>
#include "mg-analysis.h"
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
} mg_judgement_t;

/* Runs every rule that can apply to @analysis at time @at (the rules'
 * "now").  History rules are skipped (no ledger yet).  Free with
 * mg_judgement_free(). */
mg_judgement_t *mg_rules_judge (const mg_analysis_t *analysis, GDateTime *at);
void mg_judgement_free (mg_judgement_t *judgement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_judgement_t, mg_judgement_free)

/* "ok", "warn" or "block". */
const char *mg_verdict_name (mg_severity_t verdict);

G_END_DECLS

#endif
