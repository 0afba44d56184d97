/* mg-rulebook.h - the rules as data: ids, default severities, what each
 * reason tells the user to do instead, and every phrase pattern the rules
 * and the classifier use.  The table lives in src/rulebook.c and is the one
 * place where wording is decided.
 */
#ifndef MG_RULEBOOK_H
#define MG_RULEBOOK_H

#include <glib.h>

#include "mg-regex.h"
#include "mg-text.h"

G_BEGIN_DECLS

typedef enum {
  MG_SEVERITY_OFF,
  MG_SEVERITY_INFO,
  MG_SEVERITY_WARN,
  MG_SEVERITY_BLOCK,
} mg_severity_t;

/* Rule ids in SPEC section 5 order. */
typedef enum {
  MG_RULE_FIRST_CHOICE_DUPLICATE,
  MG_RULE_FOLLOWUP_LIMIT,
  MG_RULE_FOLLOWUP_TOO_SOON,
  MG_RULE_APPLICANT_ID_MISSING,
  MG_RULE_APPLICANT_ID_WRONG,
  MG_RULE_MULTIPLE_PROGRAMS,
  MG_RULE_PLACEHOLDER,
  MG_RULE_WRONG_PROGRAM,
  MG_RULE_NRMP_RANK_INQUIRY,
  MG_RULE_NRMP_COMMITMENT,
  MG_RULE_STATUS_INQUIRY,
  MG_RULE_TONE_EMOTIONAL,
  MG_RULE_THANK_YOU_LATE,
  MG_RULE_THANK_YOU_DUPLICATE,
  MG_RULE_FOLLOWUP_REPEATED,
  MG_RULE_RESCHEDULE_REPEATED,
  MG_RULE_CC_FACULTY,
  MG_RULE_SALUTATION,
  MG_RULE_GENERIC_MESSAGE,
  MG_RULE_TRACK_MISMATCH,
  MG_RULE_UNWANTED_CONTACT,
  MG_RULE_AMBIGUOUS_RECIPIENT,
  MG_RULE_SUBJECT_MISSING,
  MG_RULE_AFTER_RANK_DEADLINE,
  MG_RULE_TOO_LONG,
  MG_RULE_COUNT
} mg_rule_id_t;

/* Static description of one rule. */
typedef struct {
  const char *name;          /* the SPEC id, e.g. "first-choice-duplicate" */
  mg_severity_t severity;    /* default severity */
  gboolean needs_history;    /* reads the ledger of sent mail */
  const char *summary;       /* one line for `matchguard rules` */
  const char *reason;        /* what to do instead; may hold one %s for a program name */
} mg_rule_info_t;

/* Returns the description of @rule (never NULL for a valid id). */
const mg_rule_info_t *mg_rule_info (mg_rule_id_t rule);

/* Looks up a rule by its SPEC id; returns FALSE if there is none. */
gboolean mg_rule_from_name (const char *name, mg_rule_id_t *rule);

const char *mg_severity_name (mg_severity_t severity);
gboolean mg_severity_from_name (const char *name, mg_severity_t *severity);

/* A named list of regular expressions over normalised text (mg-text.h).
 * Patterns are PCRE2 (mg-regex.h).  Each pattern is compiled (or decoded
 * from the cache of compiled patterns, mg-regex-cache.h) on first use,
 * and only when the text could hold a match: beside every pattern stand
 * words one of which each match contains, and mg_phrase_for() looks for
 * them first. */
typedef enum {
  MG_PHRASES_INTENT_FIRST,
  MG_PHRASES_INTENT_STRONG,
  MG_PHRASES_INTENT_INTEREST,
  MG_PHRASES_NEGATION,          /* cues that cancel a statement in its clause */
  MG_PHRASES_HYPOTHETICAL,      /* cues that make it hypothetical (intent only) */
  MG_PHRASES_AFFIRMING_IDIOM,   /* "cannot wait", "could not be more": not negations */
  MG_PHRASES_NEGATION_AFTER,    /* "my #1 is not yet ..." right after a match */
  MG_PHRASES_CLAUSE_BREAK,      /* "but", "however": a new clause starts */
  MG_PHRASES_CONDITIONAL_TRADE, /* "if you rank me ..., I will rank you #1" */
  MG_PHRASES_KIND_RESCHEDULE,
  MG_PHRASES_KIND_SCHEDULING,
  MG_PHRASES_KIND_THANKS,
  MG_PHRASES_KIND_INTERVIEW_REF,
  MG_PHRASES_KIND_UPDATE,
  MG_PHRASES_KIND_INQUIRY,
  MG_PHRASES_RANK_INQUIRY,
  MG_PHRASES_COMMITMENT,
  MG_PHRASES_STATUS_INQUIRY,
  MG_PHRASES_TONE_EMOTIONAL,
  MG_PHRASES_TRACK_INTEGRATED,  /* speaks of an integrated IR residency */
  MG_PHRASES_TRACK_ESIR,        /* speaks of an ESIR track */
  MG_PHRASES_GREETING,
  MG_PHRASES_PLACEHOLDER,       /* always template wording: {{x}}, <<x>>, XXXX */
  MG_PHRASES_BRACKETED,         /* [x] or {x}: template wording if x holds a template word */
  MG_PHRASES_APPLICANT_ID,      /* an 8-digit number labelled AAMC/ERAS (group 1: the digits) */
  MG_PHRASES_COUNT
} mg_phrases_t;

/* The number of patterns in @set. */
guint mg_phrases_count (mg_phrases_t set);

/* Pattern @index of @set, compiled on first use and kept (transfer none). */
const mg_regex_t *mg_phrase_regex (mg_phrases_t set, guint index);


/* FALSE when pattern @index of @set cannot match within bytes [@from, @to)
 * of @region's normalised text (a match run with string length @to and
 * start @from, or over the substring): none of its required words occurs
 * there.  TRUE says only that it may.  The words of all patterns are
 * found in the whole text at the first call and kept with @region. */
gboolean mg_phrase_may_match (mg_phrases_t set, guint index, const mg_region_t *region,
                              gsize from, gsize to);

/* mg_phrase_regex() when mg_phrase_may_match(), else NULL: what callers
 * use before they run a pattern over [@from, @to) of @region. */
const mg_regex_t *mg_phrase_for (mg_phrases_t set, guint index, const mg_region_t *region,
                                 gsize from, gsize to);

/* The text of pattern @index of @set, and its required words
 * (NULL-terminated, or NULL when it always runs); transfer none. */
const char *mg_phrase_pattern (mg_phrases_t set, guint index);
const char *const *mg_phrase_words (mg_phrases_t set, guint index);

/* The words one of which every match of @pattern contains, as derived
 * from its text (NULL-terminated; free with g_strfreev()), or NULL when
 * nothing is known and the pattern must always run.  The rulebook stores
 * them beside each pattern; the tests check that they are these. */
char **mg_phrase_required_words (const char *pattern);

/* Compiles the patterns not compiled yet with the JIT (G_REGEX_OPTIMIZE):
 * about twice the matching speed for several times the compile cost, so
 * a gain for commands that judge many messages (audit, import, check of a
 * mailbox) and a loss for one message (sendmail mode). */
void mg_phrases_optimize (void);

/* Word lists (NULL-terminated, normalised spelling). */
extern const char *const mg_placeholder_words[];  /* template words inside [...] or {...} */
extern const char *const mg_editorial_marks[];    /* [sic] and friends: never placeholders */
extern const char *const mg_greeting_titles[];    /* Dr., Prof., Ms., ... */
extern const char *const mg_greeting_roles[];     /* committee, director, team, ... */
extern const char *const mg_greeting_nobody[];    /* sir, madam, all, ... */

G_END_DECLS

#endif
