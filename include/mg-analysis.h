/* mg-analysis.h - what a message says and to whom (SPEC 4, 4a): the
 * normalised regions rules read, the programs its recipients belong to,
 * its kind and intent level.
 */
#ifndef MG_ANALYSIS_H
#define MG_ANALYSIS_H

#include <glib.h>
#include "mg-config.h"
#include "mg-message.h"
#include "mg-text.h"

G_BEGIN_DECLS

typedef enum {
  MG_KIND_THANK_YOU,
  MG_KIND_UPDATE,
  MG_KIND_INTENT,
  MG_KIND_INTEREST,
  MG_KIND_INQUIRY,
  MG_KIND_SCHEDULING,
  MG_KIND_RESCHEDULE,
  MG_KIND_REPLY,
  MG_KIND_OTHER,
} mg_kind_t;

typedef enum {
  MG_INTENT_NONE,
  MG_INTENT_INTEREST,
  MG_INTENT_STRONG,
  MG_INTENT_FIRST,
} mg_intent_t;

/* The recipients that belong to one program; program NULL means the
 * ambiguous recipients (a shared domain nothing decided), which count
 * together as one program of unknown identity. */
typedef struct {
  const mg_program_t *program;   /* NULL: ambiguous */
  GPtrArray *recipients;         /* char*, lower-case addr-specs */
  GPtrArray *candidates;         /* const mg_program_t*: for the ambiguous group */
} mg_program_group_t;

/* A phrase found in a region. */
typedef struct {
  const mg_region_t *region;
  gsize start, end;
} mg_span_t;

typedef struct {
  const mg_message_t *message;   /* not owned */
  const mg_config_t *config;     /* not owned */
  mg_region_t authored;          /* authored lines of every text part */
  mg_region_t signature;         /* signature lines */
  mg_region_t subject;           /* the Subject, if any */
  GArray *mentions;              /* mg_mention_t in authored text */
  GArray *subject_mentions;      /* mg_mention_t in the Subject */
  GPtrArray *groups;             /* mg_program_group_t*, registry order, ambiguous last */
  gboolean is_reply;
  mg_kind_t kind;
  mg_intent_t intent;
  mg_span_t intent_span;         /* where the intent level was stated (region NULL if none) */
  mg_span_t trade_span;          /* a conditional rank trade (region NULL if none) */
} mg_analysis_t;

/* Analyses @message for @config.  @envelope: recipients to use instead of
 * the To/Cc/Bcc headers (NULL or empty: use the headers). */
mg_analysis_t *mg_analysis_new (const mg_message_t *message, const mg_config_t *config,
                                const char *const *envelope);
void mg_analysis_free (mg_analysis_t *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_analysis_t, mg_analysis_free)

/* TRUE when at least one recipient belongs to a program. */
gboolean mg_analysis_is_program_mail (const mg_analysis_t *analysis);

/* Finds the first match of any pattern of @set in @region that is not
 * cancelled by a negation in its clause (when @check_negation).  Fills
 * @span and returns TRUE if one is found. */
gboolean mg_find_phrase (const mg_region_t *region, mg_phrases_t set,
                         gboolean check_negation, mg_span_t *span);

const char *mg_kind_name (mg_kind_t kind);
const char *mg_intent_name (mg_intent_t intent);

G_END_DECLS

#endif
