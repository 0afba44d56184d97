/* mg-sources.h - the messages of a source named on the command line: a
 * message file, "-" for standard input, an mbox or a maildir (SPEC 1:
 * check, import, audit). */
#ifndef MG_SOURCES_H
#define MG_SOURCES_H

#include <glib.h>
#include "mg-message.h"

G_BEGIN_DECLS

/* Called for every message, in the order of the source (transfer full:
 * free @message with mg_message_free()). */
typedef void (*mg_source_message_fn) (mg_message_t *message, gpointer user_data);

/* Called for every source (or maildir file) that cannot be read or holds
 * no message; the walk goes on with the next one. */
typedef void (*mg_source_error_fn) (const GError *error, gpointer user_data);

/* Reads the source at @path: a directory with cur/ or new/ is a maildir
 * (its files in name order, which is delivery order), a file starting
 * with "From " an mbox (messages named PATH#N), any other file or "-" one
 * message. */
void mg_sources_read (const char *path, mg_source_message_fn on_message,
                      mg_source_error_fn on_error, gpointer user_data);

/* Called after each message with how many bytes of the source have been
 * read (for a progress estimate against mg_sources_size()). */
typedef void (*mg_source_progress_fn) (guint64 bytes_read, gpointer user_data);

/* mg_sources_read() that also reports progress (@on_progress may be
 * NULL). */
void mg_sources_read_progress (const char *path, mg_source_message_fn on_message,
                               mg_source_error_fn on_error, mg_source_progress_fn on_progress,
                               gpointer user_data);

/* The bytes @path holds: its size, the sum of a maildir's files, 0 for
 * "-" or what cannot be read. */
guint64 mg_sources_size (const char *path);

/* TRUE when @path is a mailbox (an mbox or a maildir), i.e. may hold
 * many messages. */
gboolean mg_sources_is_mailbox (const char *path);

G_END_DECLS

#endif
