/* mg-config.h - the configuration file (SPEC 3), a GLib key file.
 *
 * Every problem is reported as "FILE:LINE: what is wrong" in MG_ERROR /
 * MG_ERROR_CONFIG (exit EX_CONFIG): syntax errors, unknown groups and keys,
 * duplicate keys or programs, bad dates, numbers, enumerations, and programs
 * without addresses or domains.  [registry] files are loaded relative to the
 * directory of the file that names them, after the configuration file, and
 * hold only [program:ID] groups; the configuration file may hold some too.
 *
 * Where SPEC 3 is silent: a program without `track` is ir-integrated;
 * `nrmp` and `post_interview_contact` default to true; booleans are
 * true/false, yes/no, on/off or 1/0; `aamc_id` is exactly 8 digits or the
 * word keyring; a domain has at least two labels (a leading "@" or "*." is
 * dropped); an empty value is an error except for lists; [season] dates
 * must be in order (applications_submitted and interviews_begin on or
 * before rank_deadline, rank_deadline on or before match_day); a relative
 * `[ledger] path` is relative to the configuration file's directory.
 */
#ifndef MG_CONFIG_H
#define MG_CONFIG_H

#include <glib.h>
#include "mg-registry.h"
#include "mg-rulebook.h"

G_BEGIN_DECLS

typedef enum {
  MG_WARNINGS_CONFIRM,
  MG_WARNINGS_PASS,
  MG_WARNINGS_BLOCK,
} mg_warnings_policy_t;

typedef struct {
  int warnings;                          /* mg_warnings_policy_t */
  int confirm_window_minutes;            /* 15 */
  int max_unsolicited_before_interview;  /* 2 */
  int max_updates_after_interview;       /* 2 */
  int min_days_between_followups;        /* 14 */
  int thank_you_within_hours;            /* 72 */
  int max_program_recipients;            /* 2 */
  int max_words;                         /* 350 */
} mg_policy_t;

typedef struct {
  char *path;                  /* the file loaded */
  char *applicant_name;        /* may be NULL */
  char *applicant_email;       /* lower-case, may be NULL */
  char *aamc_id;               /* 8 digits, or NULL */
  gboolean aamc_id_in_keyring; /* aamc_id = keyring (SPEC 8) */
  GDate applications_submitted, interviews_begin, rank_deadline, match_day;
                               /* each g_date_valid() only when given */
  char *relay_command;         /* as written; may be NULL */
  char **relay_argv;           /* split like a shell would; NULL when no command */
  int relay_timeout_seconds;   /* 300; 0: wait for the relay as long as it takes */
  char *ledger_path;           /* "~" expanded, NULL when not given */
  int busy_timeout_ms;         /* 10000 */
  mg_policy_t policy;
  mg_severity_t severity[MG_RULE_COUNT];   /* default or configured */
  gboolean severity_set[MG_RULE_COUNT];    /* configured in [rules] */
  mg_registry_t *registry;     /* never NULL after a successful load */
  char **registry_files;       /* [registry] files, resolved; NULL-terminated, may be empty */
} mg_config_t;

/* Loads @path.  Returns NULL and sets @error (MG_ERROR_CONFIG, message
 * starting with "FILE:LINE: " where a line is known) on any problem. */
mg_config_t *mg_config_load (const char *path, GError **error);

/* mg_config_load() that takes the registry from the cache when the cache
 * matches the files (mg-registry-cache.h), and writes the cache when it
 * does not.  The registry is then read as lookups need it. */
mg_config_t *mg_config_load_cached (const char *path, GError **error);

/* Same, from text in memory; @path names it in messages and anchors
 * relative [registry] files. */
mg_config_t *mg_config_load_data (const char *path, const char *data, gsize len, GError **error);

/* A bad [program:ID] group that a lenient load left out. */
typedef struct {
  char *file;
  int line;
  char *message;   /* without "FILE:LINE: " */
} mg_config_problem_t;

void mg_config_problem_free (mg_config_problem_t *problem);

/* Like mg_config_load(), for `registry check` and `registry import-csv`:
 * a bad [program:ID] group does not stop the load.  Its error is appended
 * to @problems (mg_config_problem_t*, the caller's array owns them), the
 * group is left out of the registry and loading goes on, so that one run
 * names every bad program.  Problems outside program groups (syntax,
 * other groups, unreadable files) still fail the load. */
mg_config_t *mg_config_load_lenient (const char *path, GPtrArray *problems, GError **error);

/* mg_config_load_lenient() from text in memory, as mg_config_load_data(). */
mg_config_t *mg_config_load_data_lenient (const char *path, const char *data, gsize len,
                                          GPtrArray *problems, GError **error);

void mg_config_free (mg_config_t *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_config_t, mg_config_free)

/* The configuration path to use when none is given on the command line:
 * $MATCHGUARD_CONFIG, else $XDG_CONFIG_HOME/matchguard/matchguard.conf.
 * Free with g_free(). */
char *mg_config_default_path (void);

/* The severity of @rule under @config (default when @config is NULL). */
mg_severity_t mg_config_severity (const mg_config_t *config, mg_rule_id_t rule);

/* TRUE when @config holds the plain AAMC ID (not `aamc_id = keyring`) and
 * its file can be read by its group or by others: SPEC 8 wants a warning,
 * which the caller prints. */
gboolean mg_config_id_exposed (const mg_config_t *config);

G_END_DECLS

#endif
