/* rules-private.h - what rules.c shares with rules-history.c: the state of
 * one judgement and the helpers every rule uses.  Not a public header. */
#ifndef MG_RULES_PRIVATE_H
#define MG_RULES_PRIVATE_H

#include "mg-rules.h"

typedef struct {
  const mg_analysis_t *analysis;
  const mg_config_t *config;
  GDateTime *at;
  gint64 at_unix;             /* of at: the history rules compare it with every entry */
  const GPtrArray *history;   /* mg_entry_t*, oldest first; NULL: no ledger */
  GPtrArray *findings;
} judge_t;

/* FALSE when @rule is configured "off". */
gboolean judge_enabled (const judge_t *j, mg_rule_id_t rule);

/* Adds a finding of @rule at its configured severity.  @what says what is
 * wrong; the rulebook's reason follows it.  @program and @span may be NULL. */
void judge_add (judge_t *j, mg_rule_id_t rule, const mg_program_t *program, const mg_span_t *span,
          const char *what);
void judge_add_finding (judge_t *j, mg_rule_id_t rule, mg_severity_t severity,
                  const mg_program_t *program, const mg_span_t *span, const char *what);

/* The recipient program when there is exactly one, else NULL. */
const mg_program_t *judge_only_program (const judge_t *j);

/* Midnight ending @date in the local time zone; NULL past year 9999. */
GDateTime *judge_end_of_day (const GDate *date);

/* After the end of @program's interview day (FALSE without a date). */
gboolean judge_after_interview (GDateTime *at, const mg_program_t *program);

/* The greeting opening the authored text, and what follows its first word. */
gboolean judge_find_greeting (const mg_analysis_t *a, mg_span_t *line, mg_span_t *addressee);

/* The ledger rules (rules-history.c).  Returns the message's fingerprint
 * when they needed it (transfer full), else NULL. */
GBytes *judge_history (judge_t *j);

#endif
