/* parse-baseline.c - the GMime parse-only baseline of the benchmarks.
 *
 * What any GMime-based filter must do at the least for one message: start
 * GLib and GMime, parse the file, walk the MIME tree and decode every text
 * part (text/plain, text/html, ...) to UTF-8 with g_mime_text_part_get_text.
 * Nothing else: no configuration, no rules, no ledger, no relay.
 * bench/sendmail-overhead.sh and bench/audit-throughput.sh compare
 * matchguard with it in the same run.
 *
 * Usage: parse-baseline [--mem] [--mbox] FILE...
 *   FILE...  each file is one message (parsed with a GMimeStreamFs, as a
 *            program that parses a file in place would);
 *   --mem    read each file into memory first and parse a GMimeStreamMem
 *            (what matchguard does with messages up to 1 MB);
 *   --mbox   each FILE is an mbox: parse every message in it.
 * Prints nothing on success (unless MG_BASELINE_VERBOSE is set, then one
 * line per message: text parts and decoded bytes) and exits 0; exits 1 when
 * a file cannot be read or holds no message.
 *
 * Not installed and not part of "make check": built by "make bench".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

typedef struct {
  unsigned parts;  /* text parts decoded */
  size_t bytes;    /* UTF-8 bytes they decoded to */
} tally_t;

static void
decode_part (GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
  tally_t *tally = user_data;
  char *text;

  (void) parent;
  /* GMime makes every text leaf (text/plain, text/html, ...) a
   * GMimeTextPart. */
  if (!GMIME_IS_TEXT_PART (part))
    return;
  text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  if (text != NULL)
    {
      tally->parts++;
      tally->bytes += strlen (text);
      g_free (text);
    }
}

/* Walks one message: g_mime_message_foreach() visits every part, those
 * inside multiparts included (not inside attached message/rfc822, like a
 * mail client's reader view). */
static void
decode_message (GMimeMessage *message, const char *name)
{
  tally_t tally = { 0, 0 };

  g_mime_message_foreach (message, decode_part, &tally);
  if (g_getenv ("MG_BASELINE_VERBOSE") != NULL)
    printf ("%s: %u text part(s), %zu bytes of text\n", name, tally.parts, tally.bytes);
}

static GMimeStream *
open_stream (const char *path, gboolean in_memory)
{
  GMimeStream *stream;
  int fd;

  if (in_memory)
    {
      char *data;
      gsize len;
      GError *error = NULL;
      GByteArray *bytes;

      if (!g_file_get_contents (path, &data, &len, &error))
        {
          fprintf (stderr, "parse-baseline: %s\n", error->message);
          g_error_free (error);
          return NULL;
        }
      bytes = g_byte_array_new_take ((guint8 *) data, len);
      stream = g_mime_stream_mem_new_with_byte_array (bytes);
      return stream;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      fprintf (stderr, "parse-baseline: cannot read '%s': %s\n", path, strerror (errno));
      return NULL;
    }
  return g_mime_stream_fs_new (fd);  /* owns fd */
}

static int
parse_file (const char *path, gboolean in_memory, gboolean mbox)
{
  GMimeStream *stream = open_stream (path, in_memory);
  GMimeParser *parser;
  unsigned messages = 0;

  if (stream == NULL)
    return 1;
  parser = g_mime_parser_new_with_stream (stream);
  g_object_unref (stream);
  if (mbox)
    g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  do
    {
      GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

      if (message == NULL)
        break;
      messages++;
      decode_message (message, path);
      g_object_unref (message);
    }
  while (mbox && !g_mime_parser_eos (parser));
  g_object_unref (parser);
  if (messages == 0)
    {
      fprintf (stderr, "parse-baseline: no message in '%s'\n", path);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean in_memory = FALSE, mbox = FALSE;
  int status = 0, files = 0;

  g_mime_init ();
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--mem") == 0)
        in_memory = TRUE;
      else if (strcmp (argv[i], "--mbox") == 0)
        mbox = TRUE;
      else
        {
          files++;
          if (parse_file (argv[i], in_memory, mbox) != 0)
            status = 1;
        }
    }
  if (files == 0)
    {
      fprintf (stderr, "usage: parse-baseline [--mem] [--mbox] FILE...\n");
      return 2;
    }
  /* No g_mime_shutdown(): a short-lived filter exits without it, and so
   * does matchguard. */
  return status;
}
