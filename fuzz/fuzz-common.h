/* fuzz-common.h - what both libFuzzer targets share. */
#ifndef MG_FUZZ_COMMON_H
#define MG_FUZZ_COMMON_H

#include <stdlib.h>
#include <glib.h>

/* A failed g_return_if_fail() (a CRITICAL) or a g_error() is a bug of
 * ours: abort, so that libFuzzer reports it with a stack and keeps the
 * input.  GLib's own fatal path raises SIGTRAP, which libFuzzer does not
 * catch. */
static void
mg_fuzz_log_handler (const char *domain, GLogLevelFlags level, const char *message,
                     gpointer data)
{
  g_log_default_handler (domain, level, message, data);
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
}

static inline void
mg_fuzz_init_logging (void)
{
  g_log_set_default_handler (mg_fuzz_log_handler, NULL);
}

#endif
