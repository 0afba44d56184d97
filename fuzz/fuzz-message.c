/* fuzz-message.c - libFuzzer target: one input is one outgoing message,
 * taken the ways matchguard takes mail (README, "Fuzzing").
 *
 * Sendmail mode: the bytes are read as standard input would be
 * (mg_spool_read() on a memory file), checked, their override fields
 * honoured and stripped on the way to a relay (/dev/null here), parsed from
 * the spool's stream, analysed with the envelope taken from the headers
 * (sendmail -t), judged against an in-memory history and recorded as a
 * ledger entry would be.  `check`: the same bytes through
 * mg_message_parse_data(), judged at the message's own Date (--at header,
 * src/cmd-common.c's mg_evaluation_time()) and without history
 * (--no-ledger), printed as text and as JSON; input
 * that starts with "From " is also read as an mbox, message by message.
 *
 * The configuration is fixed: config/example.conf with its
 * config/programs.conf, loaded once in LLVMFuzzerInitialize() from the
 * source tree (MG_SRCDIR overrides the compiled-in path).  The history is
 * the example messages of contrib/examples judged and recorded as sent, a
 * few days apart, so that the rules that read the ledger run too.
 */
#include "config.h"

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"
#include "mg-analysis.h"
#include "mg-common.h"
#include "mg-config.h"
#include "mg-ledger.h"
#include "mg-message.h"
#include "mg-output.h"
#include "mg-record.h"
#include "mg-rules.h"
#include "mg-spool.h"
#include "fuzz-common.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* At most this many messages of an mbox are judged. */
#define MAX_MBOX_MESSAGES 8

static mg_config_t *config;    /* example.conf + programs.conf */
static GPtrArray *history;     /* mg_entry_t*, oldest first */
static GDateTime *fixed_at;    /* when the sendmail-mode rules evaluate */
static FILE *null_out;         /* the judgements' output */
static int null_fd;            /* the relay */

static const char *
source_dir (void)
{
  const char *dir = g_getenv ("MG_SRCDIR");

  return dir != NULL && *dir != '\0' ? dir : MG_TOP_SRCDIR;
}

/* Judges @message at @at against @hist (may be NULL) and prints the
 * verdict both ways; returns the judgement (transfer full) and, when
 * @entry is not NULL, the ledger entry it would become. */
static mg_judgement_t *
judge (const mg_message_t *message, const char *const *envelope, GDateTime *at,
       const GPtrArray *hist, const char *const *allowed, mg_entry_t **entry)
{
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, envelope);
  mg_judgement_t *judgement = mg_rules_judge (analysis, at, hist);
  g_autofree char *json = NULL;

  mg_judgement_allow (judgement, allowed);
  mg_output_judgement (null_out, MG_FORMAT_TEXT, TRUE, analysis, judgement);
  json = mg_output_judgement_json (analysis, judgement);
  if (entry != NULL)
    *entry = mg_record_entry (analysis, judgement, at,
                              judgement->verdict == MG_SEVERITY_BLOCK ? MG_STATUS_REFUSED
                                                                      : MG_STATUS_PENDING);
  if (mg_analysis_is_program_mail (analysis))
    {
      guint i;

      for (i = 0; i < analysis->groups->len; i++)
        {
          const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);
          const char *why = NULL;
          g_autoptr (GDateTime) next = NULL;

          if (group->program != NULL && hist != NULL)
            next = mg_rules_next_followup (config, group->program, hist, at, &why);
        }
    }
  return judgement;
}

static void
build_history (void)
{
  static const char *const examples[] = {
    "01-clean-update.eml", "02-thank-you-template-left.eml", "03-number-one-to-two-programs.eml",
    "04-status-inquiry.eml", "05-note-to-a-friend.eml",
  };
  g_autoptr (GDateTime) start = g_date_time_new_utc (2026, 11, 1, 15, 0, 0);
  guint i;

  history = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_entry_free);
  for (i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = g_build_filename (source_dir (), "contrib", "examples",
                                                examples[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (mg_message_t) message = mg_message_parse_file (path, &error);
      g_autoptr (GDateTime) at = g_date_time_add_days (start, 4 * (int) i);
      g_autoptr (mg_judgement_t) judgement = NULL;
      mg_entry_t *entry = NULL;

      if (message == NULL)
        {
          fprintf (stderr, "fuzz-message: %s\n", error->message);
          abort ();
        }
      judgement = judge (message, NULL, at, history, NULL, &entry);
      entry->status = MG_STATUS_SENT;
      g_ptr_array_add (history, entry);
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *path = g_build_filename (source_dir (), "config", "example.conf", NULL);
  g_autoptr (GError) error = NULL;

  mg_fuzz_init_logging ();
  mg_gmime_init ();
  config = mg_config_load (path, &error);
  if (config == NULL)
    {
      fprintf (stderr, "fuzz-message: %s\n", error->message);
      abort ();
    }
  null_out = fopen ("/dev/null", "w");
  null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_out == NULL || null_fd < 0)
    abort ();
  fixed_at = g_date_time_new_utc (2026, 12, 1, 17, 30, 0);
  build_history ();
  return 0;
}

/* Sendmail mode: the spool, its overrides, the relay copy, sendmail -t. */
static void
sendmail_mode (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_spool_t) spool = NULL;
  g_autoptr (mg_message_t) message = NULL;
  g_autoptr (mg_judgement_t) judgement = NULL;
  g_autoptr (GPtrArray) allowed = NULL;
  g_autoptr (GPtrArray) envelope = NULL;
  g_autoptr (mg_entry_t) entry = NULL;
  GPtrArray *overrides;
  int fd;
  guint i;

  fd = memfd_create ("fuzz-message", MFD_CLOEXEC);
  if (fd < 0)
    abort ();
  if (size > 0 && write (fd, data, size) != (ssize_t) size)
    abort ();
  if (lseek (fd, 0, SEEK_SET) != 0)
    abort ();
  spool = mg_spool_read (fd, &error);
  close (fd);
  if (spool == NULL || !mg_spool_check (spool, &error))
    return;

  /* the relay's copy, without the override fields */
  if (!mg_spool_write (spool, null_fd, TRUE, &error))
    g_clear_error (&error);

  message = mg_message_parse_stream (mg_spool_stream (spool), "outgoing message", &error);
  if (message == NULL)
    return;

  allowed = g_ptr_array_new ();
  overrides = mg_spool_overrides (spool);
  for (i = 0; i < overrides->len; i++)
    g_ptr_array_add (allowed, g_ptr_array_index (overrides, i));
  g_ptr_array_add (allowed, NULL);

  envelope = g_ptr_array_new ();
  for (i = 0; i < message->recipients->len; i++)
    g_ptr_array_add (envelope, g_ptr_array_index (message->recipients, i));
  g_ptr_array_add (envelope, NULL);
  if (envelope->len == 1)
    return;   /* sendmail -t without recipients: a usage error */

  judgement = judge (message, (const char *const *) envelope->pdata, fixed_at, history,
                     (const char *const *) allowed->pdata, &entry);
}

/* check FILE and check MBOX, --at header --no-ledger. */
static void
check_mode (const uint8_t *data, size_t size)
{
  static const char *const warnings[] = { "warnings", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (mg_message_t) message = NULL;

  message = mg_message_parse_data ((const char *) data, size, "fuzz.eml", &error);
  if (message != NULL)
    {
      g_autoptr (mg_judgement_t) judgement = NULL;
      g_autoptr (GDateTime) at = mg_evaluation_time ("header", message);

      judgement = judge (message, NULL, at, NULL, warnings, NULL);
    }

  if (size > 5 && memcmp (data, "From ", 5) == 0)
    {
      g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer ((const char *) data, size);
      g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
      guint n;

      g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
      for (n = 0; n < MAX_MBOX_MESSAGES && !g_mime_parser_eos (parser); n++)
        {
          g_autoptr (mg_message_t) one = mg_message_parse_next (parser, "fuzz.mbox#1", NULL);
          g_autoptr (mg_judgement_t) judgement = NULL;

          if (one == NULL)
            break;
          judgement = judge (one, NULL, fixed_at, NULL, NULL, NULL);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  sendmail_mode (data, size);
  check_mode (data, size);
  return 0;
}
