/* progress.c - the progress line of import and audit (mg-progress.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mg-progress.h"

#define REDRAW_US (100 * G_TIME_SPAN_MILLISECOND)
#define DEFAULT_WIDTH 80
#define ERASE_LINE "\r\033[K"

struct mg_progress {
  char *label;
  gboolean enabled;
  gboolean shown;        /* the line is on the screen */
  gint64 started;        /* monotonic, µs */
  gint64 drawn;          /* when it was last drawn */
  guint64 total;         /* bytes, 0 when unknown */
};

mg_progress_t *
mg_progress_new (const char *label, gboolean quiet)
{
  mg_progress_t *progress = g_new0 (mg_progress_t, 1);
  const char *term = g_getenv ("TERM");

  g_return_val_if_fail (label != NULL, progress);

  progress->label = g_strdup (label);
  progress->enabled = !quiet && isatty (STDERR_FILENO)
    && !(term != NULL && strcmp (term, "dumb") == 0);
  progress->started = g_get_monotonic_time ();
  return progress;
}

gboolean
mg_progress_enabled (const mg_progress_t *progress)
{
  g_return_val_if_fail (progress != NULL, FALSE);
  return progress->enabled;
}

void
mg_progress_set_total (mg_progress_t *progress, guint64 total_bytes)
{
  g_return_if_fail (progress != NULL);
  progress->total = total_bytes;
}

/* @n with a comma every three digits: 12,345. */
static void
append_count (GString *out, guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  gsize len = strlen (digits), i;

  for (i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
}

static void
append_duration (GString *out, double seconds)
{
  guint64 s = (guint64) (seconds + 0.5);

  if (s < 60)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT " s", s);
  else if (s < 3600)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT " min", (s + 30) / 60);
  else
    g_string_append_printf (out, "%" G_GUINT64_FORMAT " h %" G_GUINT64_FORMAT " min", s / 3600,
                            (s % 3600 + 30) / 60);
}

static int
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return DEFAULT_WIDTH;
}

static void
draw (mg_progress_t *progress, guint messages, guint64 bytes_done, gint64 now)
{
  g_autoptr (GString) line = g_string_new (progress->label);
  double elapsed = (double) (now - progress->started) / G_USEC_PER_SEC;
  int width = terminal_width ();

  g_string_append (line, ": ");
  append_count (line, messages);
  g_string_append (line, messages == 1 ? " message" : " messages");
  if (elapsed > 0.0 && progress->shown)   /* a rate from the second drawing on */
    {
      g_string_append (line, ", ");
      append_count (line, (guint64) (messages / elapsed + 0.5));
      g_string_append (line, "/s");
      if (progress->total > 0 && bytes_done > 0)
        {
          guint64 done = MIN (bytes_done, progress->total);
          double left = elapsed * (double) (progress->total - done) / (double) done;

          g_string_append_printf (line, ", %u%%, about ", (guint) (100 * done / progress->total));
          append_duration (line, left);
          g_string_append (line, " left");
        }
    }
  if (width > 1 && line->len > (gsize) width - 1)
    g_string_truncate (line, (gsize) width - 1);   /* ASCII only: bytes are columns */
  fprintf (stderr, ERASE_LINE "%s", line->str);
  fflush (stderr);
  progress->shown = TRUE;
  progress->drawn = now;
}

void
mg_progress_update (mg_progress_t *progress, guint messages, guint64 bytes_done,
                    gboolean force)
{
  gint64 now;

  g_return_if_fail (progress != NULL);

  if (!progress->enabled)
    return;
  now = g_get_monotonic_time ();
  if (force || progress->drawn == 0 || now - progress->drawn >= REDRAW_US)
    draw (progress, messages, bytes_done, now);
}

void
mg_progress_clear (mg_progress_t *progress)
{
  g_return_if_fail (progress != NULL);

  if (!progress->enabled || progress->drawn == 0)
    return;
  fputs (ERASE_LINE, stderr);
  fflush (stderr);
  progress->drawn = 0;   /* the next update draws at once */
}

void
mg_progress_free (mg_progress_t *progress)
{
  if (progress == NULL)
    return;
  mg_progress_clear (progress);
  g_free (progress->label);
  g_free (progress);
}
