/* regex.c - the rulebook's regular expressions, PCRE2 used directly.
 *
 * Design:
 * - Compiled exactly as GRegex (GLib 2.74) compiled them before, checked
 *   with pcre2_pattern_info() on GRegex's own codes: PCRE2_UTF |
 *   PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NO_UTF_CHECK (the pattern is
 *   ours), newlines PCRE2_NEWLINE_ANY, \R PCRE2_BSR_UNICODE; run with no
 *   options, so PCRE2 checks that the subject is UTF-8 as GRegex had it
 *   do, except for patterns compiled to machine code (mg_regex_optimize(),
 *   `audit`), which run through pcre2_jit_match() with GRegex's JIT stack,
 *   as GRegex ran them: the normalised text is valid UTF-8 (mg-text.h).  tests/test-rulebook.c compares every pattern's matches with
 *   GRegex's on the fixture texts.
 * - Iteration is g_match_info_next()'s: the next search starts where the
 *   match ended, or one character further after an empty match, and a
 *   match equal to the previous one is skipped.
 * - Why not GRegex: a GRegex cannot be made from compiled code, so every
 *   run compiled its patterns again (0.2 ms of a send, bench/README.md);
 *   PCRE2's serialisation lets a run decode them instead.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "mg-regex.h"

#define COMPILE_OPTIONS (PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NO_UTF_CHECK)

struct mg_regex {
  pcre2_code *code;
  gboolean jit;       /* compiled to machine code: run with pcre2_jit_match() */
};

/* The compile context of every pattern: its newline conventions. */
static pcre2_compile_context *
compile_context (void)
{
  static gsize context;

  if (g_once_init_enter (&context))
    {
      pcre2_compile_context *made = pcre2_compile_context_create (NULL);

      pcre2_set_newline (made, PCRE2_NEWLINE_ANY);
      pcre2_set_bsr (made, PCRE2_BSR_UNICODE);
      g_once_init_leave (&context, (gsize) made);
    }
  return (pcre2_compile_context *) context;
}

mg_regex_t *
mg_regex_new (const char *pattern, GError **error)
{
  pcre2_code *code;
  int errcode = 0;
  PCRE2_SIZE offset = 0;
  mg_regex_t *regex;

  g_return_val_if_fail (pattern != NULL, NULL);

  code = pcre2_compile ((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, COMPILE_OPTIONS, &errcode,
                        &offset, compile_context ());
  if (code == NULL)
    {
      PCRE2_UCHAR message[256];

      pcre2_get_error_message (errcode, message, sizeof message);
      g_set_error (error, G_REGEX_ERROR, G_REGEX_ERROR_COMPILE,
                   "Error while compiling regular expression '%s' at char %zu: %s", pattern,
                   (size_t) offset, (const char *) message);
      return NULL;
    }
  regex = g_new0 (mg_regex_t, 1);
  regex->code = code;
  return regex;
}

void
mg_regex_optimize (mg_regex_t *regex)
{
  g_return_if_fail (regex != NULL);
  regex->jit = pcre2_jit_compile (regex->code, PCRE2_JIT_COMPLETE) == 0;
}

/* The match context of machine-code runs: GRegex's JIT stack, 32 KiB
 * growing to 512 KiB, so that a deep match fails no sooner than it did.
 * One per thread: a JIT stack serves one match at a time, and audit
 * matches in two threads (cmd-audit.c). */
typedef struct {
  pcre2_match_context *context;
  pcre2_jit_stack *stack;
} jit_run_t;

static void
jit_run_free (gpointer data)
{
  jit_run_t *run = data;

  pcre2_match_context_free (run->context);
  pcre2_jit_stack_free (run->stack);
  g_free (run);
}

static pcre2_match_context *
jit_context (void)
{
  static GPrivate key = G_PRIVATE_INIT (jit_run_free);
  jit_run_t *run = g_private_get (&key);

  if (run == NULL)
    {
      run = g_new0 (jit_run_t, 1);
      run->context = pcre2_match_context_create (NULL);
      run->stack = pcre2_jit_stack_create (32 * 1024, 512 * 1024, NULL);
      pcre2_jit_stack_assign (run->context, NULL, run->stack);
      g_private_set (&key, run);
    }
  return run->context;
}

void
mg_regex_free (mg_regex_t *regex)
{
  if (regex == NULL)
    return;
  pcre2_code_free (regex->code);
  g_free (regex);
}

GBytes *
mg_regex_encode (const mg_regex_t *regex)
{
  const pcre2_code *codes[1];
  uint8_t *bytes = NULL;
  PCRE2_SIZE size = 0;
  GBytes *encoded;

  g_return_val_if_fail (regex != NULL, NULL);

  codes[0] = regex->code;
  if (pcre2_serialize_encode (codes, 1, &bytes, &size, NULL) != 1)
    return NULL;
  encoded = g_bytes_new (bytes, size);
  pcre2_serialize_free (bytes);
  return encoded;
}

mg_regex_t *
mg_regex_decode (const guint8 *bytes, gsize length)
{
  pcre2_code *code = NULL;
  mg_regex_t *regex;

  g_return_val_if_fail (bytes != NULL || length == 0, NULL);

  /* the header (magic, version, build, number of codes) is checked by
   * PCRE2; what follows it is not, hence the caller's hash */
  if (length < 4 * sizeof (uint32_t) || pcre2_serialize_get_number_of_codes (bytes) != 1)
    return NULL;
  if (pcre2_serialize_decode (&code, 1, bytes, NULL) != 1)
    return NULL;
  regex = g_new0 (mg_regex_t, 1);
  regex->code = code;
  return regex;
}

/* --- matching ------------------------------------------------------------- */

/* The byte after the UTF-8 character at @pos of @match's subject. */
static gsize
after_char (const mg_match_t *match, gsize pos)
{
  if (pos >= match->length)
    return pos + 1;
  return (gsize) (g_utf8_next_char (match->subject + pos) - match->subject);
}

/* Runs the search from match->next; updates what follows as
 * g_match_info_next() does. */
static gboolean
search_on (mg_match_t *match)
{
  PCRE2_SIZE *ovector = pcre2_get_ovector_pointer (match->data);
  PCRE2_SIZE previous_start = match->matched ? ovector[0] : PCRE2_UNSET;
  PCRE2_SIZE previous_end = match->matched ? ovector[1] : PCRE2_UNSET;

  for (;;)
    {
      int rc;

      if (match->next < 0 || (gsize) match->next > match->length)
        {
          match->next = -1;
          match->matched = FALSE;
          return FALSE;
        }
      if (match->regex->jit)
        rc = pcre2_jit_match (match->regex->code, (PCRE2_SPTR) match->subject, match->length,
                              (PCRE2_SIZE) match->next, 0, match->data, jit_context ());
      else
        rc = pcre2_match (match->regex->code, (PCRE2_SPTR) match->subject, match->length,
                          (PCRE2_SIZE) match->next, 0, match->data, NULL);
      if (rc < 0)
        {
          match->next = -1;
          match->matched = FALSE;
          return FALSE;
        }
      /* an empty match at the search's start moves on by a character */
      if ((gsize) match->next == ovector[1])
        match->next = (gssize) after_char (match, ovector[1]);
      else
        match->next = (gssize) ovector[1];
      if (ovector[0] == previous_start && ovector[1] == previous_end)
        continue;
      match->matched = TRUE;
      return TRUE;
    }
}

gboolean
mg_regex_search (const mg_regex_t *regex, const char *subject, gsize length, gsize start,
                 mg_match_t *match)
{
  g_return_val_if_fail (regex != NULL, FALSE);
  g_return_val_if_fail (subject != NULL || length == 0, FALSE);
  g_return_val_if_fail (match != NULL, FALSE);

  memset (match, 0, sizeof *match);
  match->regex = regex;
  match->subject = subject != NULL ? subject : "";
  match->length = length;
  match->next = (gssize) start;
  match->data = pcre2_match_data_create_from_pattern (regex->code, NULL);
  return search_on (match);
}

gboolean
mg_match_next (mg_match_t *match)
{
  g_return_val_if_fail (match != NULL, FALSE);

  if (match->data == NULL)
    return FALSE;
  return search_on (match);
}

gboolean
mg_match_matches (const mg_match_t *match)
{
  return match != NULL && match->matched;
}

void
mg_match_span (const mg_match_t *match, guint group, int *start, int *end)
{
  PCRE2_SIZE *ovector;

  *start = *end = -1;
  g_return_if_fail (match != NULL);
  if (!match->matched || group >= pcre2_get_ovector_count (match->data))
    return;
  ovector = pcre2_get_ovector_pointer (match->data);
  if (ovector[2 * group] == PCRE2_UNSET)
    return;
  *start = (int) ovector[2 * group];
  *end = (int) ovector[2 * group + 1];
}

char *
mg_match_fetch (const mg_match_t *match, guint group)
{
  int start, end;

  mg_match_span (match, group, &start, &end);
  if (start < 0)
    return g_strdup ("");
  return g_strndup (match->subject + start, (gsize) (end - start));
}

void
mg_match_clear (mg_match_t *match)
{
  if (match == NULL)
    return;
  g_clear_pointer (&match->data, pcre2_match_data_free);
  match->matched = FALSE;
  match->next = -1;
}
