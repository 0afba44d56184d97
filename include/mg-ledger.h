/* mg-ledger.h - what was already sent (SPEC 7): a SQLite file that keeps,
 * per program message, what the history rules need and never the body.
 *
 * A send is one write transaction: mg_ledger_begin() takes the write lock
 * (BEGIN IMMEDIATE, waiting up to the busy timeout), the caller reads the
 * history, judges, inserts its entry, and commits; so two concurrent sends
 * of #1 intent to two programs are serialised and cannot both pass.
 */
#ifndef MG_LEDGER_H
#define MG_LEDGER_H

#include <glib.h>

#include "mg-fingerprint.h"

G_BEGIN_DECLS

typedef enum {
  MG_STATUS_PENDING,
  MG_STATUS_SENT,
  MG_STATUS_FAILED,
  MG_STATUS_IMPORTED,
  MG_STATUS_REFUSED,
} mg_status_t;

/* What the history rules compare of an entry, as numbers: they look at
 * every earlier entry of a program for each message judged, and audit
 * judges thousands, so comparing strings (each another allocation to
 * fetch) and fingerprints was most of its time (bench/README.md).
 * mg_entry_keys() fills it on first use. */
#define MG_ENTRY_KEY_PROGRAMS 4
typedef struct {
  gboolean ready;
  GQuark kind;                               /* g_quark_from_string (kind) */
  GQuark intent;
  GQuark programs[MG_ENTRY_KEY_PROGRAMS];    /* of the first programs; 0 after the last */
  gboolean more_programs;                    /* programs has more than these */
  mg_fingerprint_sketch_t sketch;            /* of fingerprint */
} mg_entry_keys_t;

/* One ledger entry.  Strings are owned by the entry; string vectors are
 * NULL-terminated (never NULL themselves: empty means { NULL }). */
typedef struct {
  gint64 id;               /* row id; 0 before insertion */
  gint64 time;             /* Unix seconds, UTC: when it was sent (imported: its Date) */
  /* what the history rules read of every entry first, together */
  mg_status_t status;
  gboolean is_reply;       /* SPEC 4a reply; unsolicited when FALSE */
  mg_entry_keys_t keys;    /* mg_entry_keys(): never set by hand */
  char *message_id;        /* without angle brackets, or NULL */
  char *digest;            /* hex SHA-256 of the message bytes as written */
  char *subject;           /* decoded, or NULL */
  char *kind;              /* mg_kind_name(): "update", "thank-you", ... */
  char *intent;            /* mg_intent_name(): "none", "interest", "strong", "first" */
  char **programs;         /* program ids the message went to (the ambiguous group is not listed) */
  char **recipients;       /* lower-case addresses */
  GBytes *fingerprint;     /* mg-fingerprint.h: similarity fingerprint of the authored text, or NULL */
  char *confirm_key;       /* hex digest of recipients + Subject + authored text (SPEC 6 confirm), or NULL */
  char **findings;         /* rule ids of its findings */
  char **overrides;        /* rule ids released by overrides */
} mg_entry_t;

mg_entry_t *mg_entry_new (void);
void mg_entry_free (mg_entry_t *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_entry_t, mg_entry_free)

/* TRUE when the entry counts as mail the program received or will
 * receive: sent, pending or imported (never failed or refused). */
gboolean mg_entry_counts (const mg_entry_t *entry);

/* TRUE when @entry went to @program_id. */
gboolean mg_entry_has_program (const mg_entry_t *entry, const char *program_id);

/* The entry's keys, computed the first time they are asked for: kind,
 * intent, programs and fingerprint must not change after that.  Not
 * for entries that two threads judge against at once. */
const mg_entry_keys_t *mg_entry_keys (const mg_entry_t *entry);

/* mg_entry_has_program() for @program, g_quark_from_string (@program_id). */
gboolean mg_entry_has_program_quark (const mg_entry_t *entry, GQuark program,
                                     const char *program_id);

/* Which entries a message's judgement reads (SPEC 5, 6): the history
 * rules and the confirmation look at no other, so a send reads these
 * instead of the whole ledger and costs the same however long the ledger
 * grows.  mg_entry_relevant() is the definition; the ledger's indexed
 * query and the in-memory mg_history_t are only ways to find the same
 * entries faster, and return exactly those that pass it. */
typedef struct {
  char **programs;        /* entries that went to any of these program ids (NULL-terminated) */
  char *intent;           /* and every entry of this intent ("first"), to any program; NULL: none */
  char *confirm_key;      /* and every entry with this confirm key; NULL: none */
} mg_history_query_t;

/* A query for no entry: empty program list, no intent, no key. */
mg_history_query_t *mg_history_query_new (void);
void mg_history_query_free (mg_history_query_t *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_history_query_t, mg_history_query_free)

/* TRUE when @entry is one @query asks for. */
gboolean mg_entry_relevant (const mg_entry_t *entry, const mg_history_query_t *query);

/* "pending", "sent", "failed", "imported" or "refused" (static). */
const char *mg_status_name (mg_status_t status);

/* Sets *@status from its mg_status_name(); FALSE for any other @name. */
gboolean mg_status_from_name (const char *name, mg_status_t *status);

typedef struct mg_ledger mg_ledger_t;

/* Opens the ledger at @path.
 *
 * Writable: creates the missing directories (mode 0700) and the file
 * (mode 0600), creates or migrates the schema.  Read-only (check): a
 * missing file is an empty ledger and nothing is created; the file is
 * opened with SQLITE_OPEN_READONLY and never changed.
 *
 * Both refuse a file (or its directory) owned by another user or writable
 * by group or others.  Errors are MG_ERROR_TEMPFAIL with a one-line
 * message naming the file: busy past @busy_timeout_ms, unreadable, not a
 * SQLite database or a ledger of a newer schema ("corrupt" files are
 * never modified), unsafe permissions. */
mg_ledger_t *mg_ledger_open (const char *path, gboolean writable, int busy_timeout_ms,
                             GError **error);
void mg_ledger_close (mg_ledger_t *ledger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_ledger_t, mg_ledger_close)

/* Opening a writable ledger beside other work: sendmail mode opens it
 * while it parses and analyses the message, since reading the schema and
 * the write-ahead log takes a good part of a millisecond.
 *
 * mg_ledger_open_begin() starts mg_ledger_open (@path, TRUE,
 * @busy_timeout_ms) in a helper thread (mg-thread.h) when the file
 * exists, and returns the opening (transfer full, never NULL).  What
 * writes is left to mg_ledger_open_end(), in the caller's thread: a
 * ledger that does not exist yet is created there, an older schema
 * updated there, so that nothing is written for a message that turns
 * out not to need the ledger.
 *
 * mg_ledger_open_end() returns what mg_ledger_open() would have returned
 * (transfer full), or NULL with its @error; it is called once at most.
 * mg_ledger_opening_free() frees @opening; of an opening not ended, it
 * waits for the helper, closes what it opened and forgets its error. */
typedef struct mg_ledger_opening mg_ledger_opening_t;
mg_ledger_opening_t *mg_ledger_open_begin (const char *path, int busy_timeout_ms);
mg_ledger_t *mg_ledger_open_end (mg_ledger_opening_t *opening, GError **error);
void mg_ledger_opening_free (mg_ledger_opening_t *opening);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_ledger_opening_t, mg_ledger_opening_free)

const char *mg_ledger_path (const mg_ledger_t *ledger);

/* BEGIN IMMEDIATE: waits for the write lock up to the busy timeout, then
 * fails with MG_ERROR_TEMPFAIL ("ledger 'PATH' is busy ..."). */
gboolean mg_ledger_begin (mg_ledger_t *ledger, GError **error);
gboolean mg_ledger_commit (mg_ledger_t *ledger, GError **error);
/* Safe to call when no transaction is open. */
void mg_ledger_rollback (mg_ledger_t *ledger);

/* Every entry, oldest first (by time, then id).  mg_entry_t*, owned by
 * the array; empty for a read-only ledger whose file does not exist. */
GPtrArray *mg_ledger_entries (mg_ledger_t *ledger, GError **error);

/* The entries mg_entry_relevant() accepts for @query, oldest first (by
 * time, then id), found through the ledger's indexes: the cost follows
 * the number of relevant entries, not the size of the ledger.
 * mg_entry_t*, owned by the array. */
GPtrArray *mg_ledger_select (mg_ledger_t *ledger, const mg_history_query_t *query,
                             GError **error);

/* Inserts @entry and sets entry->id.  Runs in its own short transaction
 * when none is open.  MG_ERROR_INTERNAL on a ledger opened read-only. */
gboolean mg_ledger_insert (mg_ledger_t *ledger, mg_entry_t *entry, GError **error);

/* Changes the status of entry @id (pending -> sent/failed).  Runs in its
 * own short transaction when none is open. */
gboolean mg_ledger_set_status (mg_ledger_t *ledger, gint64 id, mg_status_t status,
                               GError **error);

/* Import idempotence: sets *@found to TRUE when an entry (of any status)
 * with this Message-ID (when not NULL) or else this digest is already
 * recorded.  Returns FALSE only on a read error. */
gboolean mg_ledger_contains (mg_ledger_t *ledger, const char *message_id, const char *digest,
                             gboolean *found, GError **error);

/* A history kept in memory (audit's replay), indexed as the ledger is:
 * by program, intent and confirm key.  Entries keep the order they were
 * added in. */
typedef struct mg_history mg_history_t;

mg_history_t *mg_history_new (void);
void mg_history_free (mg_history_t *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_history_t, mg_history_free)

/* Appends @entry; the history owns it from now on. */
void mg_history_add (mg_history_t *history, mg_entry_t *entry);

/* The entries mg_entry_relevant() accepts for @query, in the order they
 * were added; the array borrows them from @history. */
GPtrArray *mg_history_select (const mg_history_t *history, const mg_history_query_t *query);

G_END_DECLS

#endif
