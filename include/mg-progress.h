/* mg-progress.h - a progress line on the terminal for commands that read
 * many messages (import, audit): "import: 12,345 messages, 2,100/s, 40%,
 * about 35 s left", redrawn in place on stderr.
 *
 * Shown only when stderr is a terminal, TERM is not "dumb" and the user
 * did not ask for --quiet; otherwise every call does nothing, so callers
 * need no conditions of their own.  Redrawn after the first message, then
 * at most every 100 ms, and once more at the end of each source, so that
 * even a short run shows its rate; cut to the terminal's width.  The
 * estimate needs the total size of the sources (mg_sources_size()); a
 * pipe has none, and then only the count and rate are shown.
 */
#ifndef MG_PROGRESS_H
#define MG_PROGRESS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct mg_progress mg_progress_t;

/* A progress line labelled @label ("import"), shown when stderr is a
 * terminal and not @quiet.  Never NULL. */
mg_progress_t *mg_progress_new (const char *label, gboolean quiet);

/* The size, in bytes, of everything that will be read (0: unknown). */
void mg_progress_set_total (mg_progress_t *progress, guint64 total_bytes);

/* FALSE when nothing is drawn (quiet, no terminal, TERM=dumb): a caller
 * need not work out sizes. */
gboolean mg_progress_enabled (const mg_progress_t *progress);

/* @messages read so far, @bytes_done of the total; redraws when due, or
 * now with @force. */
void mg_progress_update (mg_progress_t *progress, guint messages, guint64 bytes_done,
                         gboolean force);

/* Erases the line, so that a message can be printed on a clean line; the
 * next update draws it again. */
void mg_progress_clear (mg_progress_t *progress);

/* Erases the line and frees @progress.  NULL is allowed. */
void mg_progress_free (mg_progress_t *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mg_progress_t, mg_progress_free)

G_END_DECLS

#endif
