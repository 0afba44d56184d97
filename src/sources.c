/* sources.c - walking the messages of a file, "-", an mbox or a maildir
 * (mg-sources.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mg-common.h"
#include "mg-sources.h"

typedef struct {
  mg_source_message_fn on_message;
  mg_source_error_fn on_error;
  mg_source_progress_fn on_progress;   /* may be NULL */
  gpointer data;
  guint64 done;        /* bytes of the files of this walk read whole */
} walk_t;

static void
report_progress (walk_t *walk, guint64 within_file)
{
  if (walk->on_progress != NULL)
    walk->on_progress (walk->done + within_file, walk->data);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && S_ISREG (st.st_mode) ? (guint64) st.st_size : 0;
}

/* An mbox, open as @fd (taken) and @size bytes long: every message in
 * it, named FILE#N. */
static void
read_mbox (walk_t *walk, const char *path, int fd, guint64 size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  guint n = 0;

  stream = g_mime_stream_fs_new (fd);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  while (!g_mime_parser_eos (parser))
    {
      g_autofree char *source = g_strdup_printf ("%s#%u", path, n + 1);
      g_autoptr (mg_message_t) message = mg_message_parse_next (parser, source, NULL);

      if (message == NULL)
        break;
      n++;
      walk->on_message (g_steal_pointer (&message), walk->data);
      report_progress (walk, (guint64) MAX (g_mime_parser_tell (parser), 0));
    }
  walk->done += size;
  if (n == 0)
    {
      g_set_error (&error, MG_ERROR, MG_ERROR_DATA, "'%s' holds no message", path);
      walk->on_error (error, walk->data);
    }
}

static void read_source (walk_t *walk, const char *path);

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A maildir: the messages in cur/ and new/, in name order (delivery time
 * for maildir names). */
static void
read_maildir (walk_t *walk, const char *path)
{
  static const char *const subdirs[] = { "cur", "new" };
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir_path = g_build_filename (path, subdirs[i], NULL);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
    }
  g_ptr_array_sort (files, compare_names);
  for (i = 0; i < files->len; i++)
    read_source (walk, g_ptr_array_index (files, i));
}

static gboolean
starts_as_mbox (int fd)
{
  char head[5];

  return pread (fd, head, sizeof head, 0) == (ssize_t) sizeof head
         && memcmp (head, "From ", sizeof head) == 0;
}

static gboolean
is_mbox (const char *path)
{
  gboolean mbox;
  int fd;

  /* peeking at a pipe (/dev/stdin) would eat what the parser needs */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  mbox = starts_as_mbox (fd);
  close (fd);
  return mbox;
}

static void
read_directory (walk_t *walk, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cur = g_build_filename (path, "cur", NULL);
  g_autofree char *new_dir = g_build_filename (path, "new", NULL);

  if (g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new_dir, G_FILE_TEST_IS_DIR))
    read_maildir (walk, path);
  else
    {
      g_set_error (&error, MG_ERROR, MG_ERROR_NOINPUT,
                   "'%s' is a directory, not a message, mbox or maildir", path);
      walk->on_error (error, walk->data);
    }
}

/* A maildir, an mbox or one message.  A file is opened once and read
 * from that descriptor whatever it holds: a maildir has thousands. */
static void
read_source (walk_t *walk, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_message_t) message = NULL;
  struct stat st;
  int fd = -1;

  if (strcmp (path, "-") != 0)
    {
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      if (fd >= 0 && fstat (fd, &st) < 0)
        {
          close (fd);
          fd = -1;
        }
      /* one that cannot be opened may still be a directory (without
       * read permission); if not, parsing by path says why it fails */
      if (fd >= 0 ? S_ISDIR (st.st_mode) : g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (fd >= 0)
            close (fd);
          read_directory (walk, path);
          return;
        }
      if (fd >= 0 && S_ISREG (st.st_mode) && starts_as_mbox (fd))
        {
          read_mbox (walk, path, fd, (guint64) st.st_size);
          return;
        }
    }
  if (fd >= 0)
    message = mg_message_parse_fd (fd, &st, path, &error);
  else
    message = mg_message_parse_file (path, &error);
  if (message == NULL)
    walk->on_error (error, walk->data);
  else
    walk->on_message (g_steal_pointer (&message), walk->data);
  if (fd >= 0)
    walk->done += S_ISREG (st.st_mode) ? (guint64) st.st_size : 0;
  else if (strcmp (path, "-") != 0)
    walk->done += file_size (path);
  report_progress (walk, 0);
}

gboolean
mg_sources_is_mailbox (const char *path)
{
  if (strcmp (path, "-") == 0)
    return FALSE;
  return g_file_test (path, G_FILE_TEST_IS_DIR) || is_mbox (path);
}

void
mg_sources_read (const char *path, mg_source_message_fn on_message,
                 mg_source_error_fn on_error, gpointer user_data)
{
  mg_sources_read_progress (path, on_message, on_error, NULL, user_data);
}

void
mg_sources_read_progress (const char *path, mg_source_message_fn on_message,
                          mg_source_error_fn on_error, mg_source_progress_fn on_progress,
                          gpointer user_data)
{
  walk_t walk = { on_message, on_error, on_progress, user_data, 0 };

  g_return_if_fail (path != NULL && on_message != NULL && on_error != NULL);
  mg_gmime_init ();
  read_source (&walk, path);
}

guint64
mg_sources_size (const char *path)
{
  static const char *const subdirs[] = { "cur", "new" };
  guint64 total = 0;
  gsize i;

  g_return_val_if_fail (path != NULL, 0);

  if (strcmp (path, "-") == 0)
    return 0;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return file_size (path);
  for (i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir_path = g_build_filename (path, subdirs[i], NULL);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          {
            g_autofree char *file = g_build_filename (dir_path, name, NULL);
            total += file_size (file);
          }
    }
  return total;
}
