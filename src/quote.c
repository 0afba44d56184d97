/* quote.c - authored, quoted and signature lines (SPEC 4a).
 *
 * Design:
 * - One pass over the lines with cheap first-character tests; no regular
 *   expressions.  Each line is QUOTED when it starts with '>' (after
 *   optional blanks), when it belongs to an attribution, or when it lies in
 *   a block that runs to the end of the part: an "-----Original
 *   Message-----" or forwarded-message marker line, or an Outlook header
 *   block (a "From:" line followed, with no blank line between, within
 *   three lines by "Sent:" or "Date:"), which also takes a line of
 *   underscores just above it.  Labels and markers are recognised in the
 *   languages Outlook, Gmail, Apple Mail and Thunderbird use most.
 * - Attributions: "On ... wrote:" on one line must END with "wrote:", so
 *   "On Monday I passed Step 3 and wrote: ..." stays authored.  Gmail wraps
 *   long attributions ("On ... Name <address>" / "wrote:", or the address
 *   itself cut after "<"): a line that starts like an attribution is
 *   joined with up to two following non-blank lines, and the result counts
 *   when it matches and, to keep "On Monday I passed Step 3.\nMy mentor
 *   wrote:" authored, holds an '@' or is followed by a '>' line.  Any
 *   other line ending in "wrote:" or "writes:" is an attribution only when
 *   a '>' line follows (Thunderbird's "Name wrote:").
 * - Signature: the first line that is "--" or "-- " (trailing white space
 *   ignored) and not quoted; from there every line that is not quoted is
 *   SIGNATURE, the delimiter included.  A quote after the signature (a
 *   top-posted reply) stays QUOTED.
 * - Lines after a '>' block are AUTHORED: bottom-posting and inline
 *   replies are the sender's own words.  A lone ">From " line between
 *   unquoted lines is an mbox writer's escape of "From ", so authored.
 * - Lines: line_start holds the offset of each line; a final line without
 *   newline counts, a final newline does not start a line.  An empty text
 *   has no lines.
 */
#include "config.h"

#include <string.h>

#include "mg-quote.h"

/* How many lines an attribution may be wrapped over. */
#define MAX_ATTRIBUTION_LINES 3

/* How many lines after "From:" may hold "Sent:"/"Date:". */
#define MAX_HEADER_GAP 3

/* Shortest run of underscores that is Outlook's separator line. */
#define MIN_UNDERSCORES 8

typedef struct {
  const char *text;
  gsize len;            /* of text */
  const gsize *start;   /* line_start data */
  guint n;              /* number of lines */
} lines_t;

/* An attribution: the line starts with @start, contains @middle (unless
 * NULL) and ends with @end followed by a colon (@end "": just a colon). */
typedef struct {
  const char *start;
  const char *middle;
  const char *end;
} attribution_t;

static const attribution_t attributions[] = {
  { "On ", NULL, "wrote" },                      /* English */
  { "Le ", NULL, "a \xc3\xa9" "crit" },          /* French: a écrit */
  { "Am ", " schrieb ", "" },                    /* German */
  { "El ", NULL, "escribi\xc3\xb3" },            /* Spanish: escribió */
  { "Il ", NULL, "ha scritto" },                 /* Italian */
  { "Em ", NULL, "escreveu" },                   /* Portuguese */
  { "Op ", " schreef ", "" },                    /* Dutch */
  { "Den ", " skrev ", "" },                     /* Scandinavian */
};

/* Words before the colon of an attribution line that stands alone (no
 * "On ...") and is followed by a '>' line. */
static const char *const bare_attribution_ends[] = { "wrote", "writes", NULL };

/* Text between the dashes of a marker line ("-----Original Message-----",
 * "---------- Forwarded message ---------"), ASCII case ignored. */
static const char *const dashed_markers[] = {
  "original message", "forwarded message",
  "urspr\xc3\xbcngliche nachricht", "weitergeleitete nachricht",
  "message d'origine", "message transf\xc3\xa9r\xc3\xa9",
  "mensaje original", "mensaje reenviado",
  "messaggio originale", "messaggio inoltrato",
  "mensagem original", "mensagem encaminhada",
  "oorspronkelijk bericht", "doorgestuurd bericht",
  "ursprungligt meddelande", "vidarebefordrat meddelande",
  NULL
};

/* Marker lines ending in a colon (Apple Mail), ASCII case ignored. */
static const char *const colon_markers[] = {
  "begin forwarded message",
  "anfang der weitergeleiteten nachricht",
  "d\xc3\xa9" "but du message r\xc3\xa9" "exp\xc3\xa9" "di\xc3\xa9",
  "inicio del mensaje reenviado",
  NULL
};

/* Outlook header block labels: who, and when. */
static const char *const from_labels[] = {
  "From", "Von", "De", "Da", "Van", "Od", "Fra", "Fr\xc3\xa5n", NULL
};
#define FROM_LETTERS "FVDO"
static const char *const sent_labels[] = {
  "Sent", "Date", "Gesendet", "Datum", "Envoy\xc3\xa9", "Enviado", "Enviada",
  "Fecha", "Inviato", "Data", "Verzonden", "Skickat", "Sendt", NULL
};
#define SENT_LETTERS "SDGEFIV"

/* Line @i of @lines without its newline (and a CR before it). */
static void
line_at (const lines_t *lines, guint i, const char **s, gsize *len)
{
  gsize begin = lines->start[i];
  gsize end = i + 1 < lines->n ? lines->start[i + 1] - 1 : lines->len;

  if (i + 1 == lines->n && end > begin && lines->text[end - 1] == '\n')
    end--;
  if (end > begin && lines->text[end - 1] == '\r')
    end--;
  *s = lines->text + begin;
  *len = end - begin;
}

/* Length of the white space (ASCII, U+00A0, U+202F) at @s, or 0. */
static gsize
space_at (const char *s, gsize len)
{
  if (len >= 1 && g_ascii_isspace (s[0]))
    return 1;
  if (len >= 2 && (guint8) s[0] == 0xc2 && (guint8) s[1] == 0xa0)
    return 2;
  if (len >= 3 && (guint8) s[0] == 0xe2 && (guint8) s[1] == 0x80 && (guint8) s[2] == 0xaf)
    return 3;
  return 0;
}

/* Length of the white space ending at @s + @len, or 0. */
static gsize
space_before (const char *s, gsize len)
{
  if (len >= 1 && g_ascii_isspace (s[len - 1]))
    return 1;
  if (len >= 2 && (guint8) s[len - 2] == 0xc2 && (guint8) s[len - 1] == 0xa0)
    return 2;
  if (len >= 3 && (guint8) s[len - 3] == 0xe2 && (guint8) s[len - 2] == 0x80
      && (guint8) s[len - 1] == 0xaf)
    return 3;
  return 0;
}

static void
trim (const char **s, gsize *len)
{
  gsize n;

  while ((n = space_at (*s, *len)) > 0)
    {
      *s += n;
      *len -= n;
    }
  while ((n = space_before (*s, *len)) > 0)
    *len -= n;
}

/* The trimmed line @i. */
static void
trimmed_line (const lines_t *lines, guint i, const char **s, gsize *len)
{
  line_at (lines, i, s, len);
  trim (s, len);
}

static gboolean
is_blank (const lines_t *lines, guint i)
{
  const char *s;
  gsize len;

  trimmed_line (lines, i, &s, &len);
  return len == 0;
}

static gboolean
is_quote_line (const lines_t *lines, guint i)
{
  const char *s;
  gsize len, k = 0;

  line_at (lines, i, &s, &len);
  while (k < len && (s[k] == ' ' || s[k] == '\t'))
    k++;
  return k < len && s[k] == '>';
}

/* A line of authored text that began "From " and was escaped to ">From "
 * by an mbox writer: not quoted unless it sits in a '>' block. */
static gboolean
is_mbox_escape (const lines_t *lines, guint i)
{
  const char *s;
  gsize len, k = 0;

  line_at (lines, i, &s, &len);
  while (k < len && s[k] == '>')
    k++;
  return k > 0 && len - k >= 5 && memcmp (s + k, "From ", 5) == 0
    && (i == 0 || !is_quote_line (lines, i - 1))
    && (i + 1 >= lines->n || !is_quote_line (lines, i + 1));
}

/* "--" or "-- ", trailing white space ignored, at the start of the line. */
static gboolean
is_signature_delimiter (const lines_t *lines, guint i)
{
  const char *s;
  gsize len;

  line_at (lines, i, &s, &len);
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  return len == 2 && s[0] == '-' && s[1] == '-';
}

static gboolean
equals_ci (const char *s, gsize len, const char *word)
{
  return strlen (word) == len && g_ascii_strncasecmp (s, word, len) == 0;
}

/* If trimmed @s ends with "WORD:" (blanks allowed before the colon, and
 * WORD "" for just a colon), with WORD a whole word, returns TRUE. */
static gboolean
ends_with_word_colon (const char *s, gsize len, const char *word)
{
  gsize n = strlen (word), sp;

  if (len == 0 || s[len - 1] != ':')
    return FALSE;
  len--;
  while ((sp = space_before (s, len)) > 0)
    len -= sp;
  if (n == 0)
    return TRUE;
  if (len < n || g_ascii_strncasecmp (s + len - n, word, n) != 0)
    return FALSE;
  return len == n || space_before (s, len - n) > 0;
}

static gboolean
contains (const char *s, gsize len, const char *needle)
{
  return needle == NULL || g_strstr_len (s, (gssize) len, needle) != NULL;
}

/* TRUE if the first non-blank line among the next few after @i is a '>'
 * line. */
static gboolean
quote_follows (const lines_t *lines, guint i)
{
  for (guint j = i + 1; j < lines->n && j <= i + 3; j++)
    {
      if (is_quote_line (lines, j))
        return TRUE;
      if (!is_blank (lines, j))
        return FALSE;
    }
  return FALSE;
}

static gboolean
starts_with (const char *s, gsize len, const char *prefix)
{
  gsize n = strlen (prefix);

  return len >= n && memcmp (s, prefix, n) == 0;
}

/* The start word is case-sensitive ("On ", not "on "). */
static gboolean
matches_attribution (const char *s, gsize len, const attribution_t *a)
{
  return starts_with (s, len, a->start) && ends_with_word_colon (s, len, a->end)
    && contains (s, len, a->middle);
}

/* Number of lines (1 to MAX_ATTRIBUTION_LINES) of the attribution that
 * starts at line @i, or 0. */
static guint
attribution_length (const lines_t *lines, guint i, GString *joined)
{
  const char *s;
  gsize len;

  trimmed_line (lines, i, &s, &len);
  for (guint a = 0; a < G_N_ELEMENTS (attributions); a++)
    {
      const attribution_t *attr = &attributions[a];

      if (!starts_with (s, len, attr->start))
        continue;
      if (matches_attribution (s, len, attr))
        return 1;

      /* Wrapped: join the following non-blank, non-quote lines. */
      g_string_truncate (joined, 0);
      g_string_append_len (joined, s, (gssize) len);
      for (guint k = 1; k < MAX_ATTRIBUTION_LINES && i + k < lines->n; k++)
        {
          const char *t;
          gsize tlen;

          if (is_quote_line (lines, i + k))
            break;
          trimmed_line (lines, i + k, &t, &tlen);
          if (tlen == 0)
            break;
          /* "<" + "address>" joins without a space. */
          if (joined->str[joined->len - 1] != '<')
            g_string_append_c (joined, ' ');
          g_string_append_len (joined, t, (gssize) tlen);
          if (matches_attribution (joined->str, joined->len, attr)
              && (memchr (joined->str, '@', joined->len) != NULL
                  || quote_follows (lines, i + k)))
            return k + 1;
        }
    }

  for (guint e = 0; bare_attribution_ends[e] != NULL; e++)
    if (ends_with_word_colon (s, len, bare_attribution_ends[e]) && quote_follows (lines, i))
      return 1;
  return 0;
}

/* "-----Original Message-----", "----- Forwarded Message -----",
 * "Begin forwarded message:" and their translations. */
static gboolean
is_marker_line (const char *s, gsize len)
{
  gsize dashes = 0;

  while (dashes < len && s[dashes] == '-')
    dashes++;
  if (dashes >= 2)
    {
      s += dashes;
      len -= dashes;
      while (len > 0 && s[len - 1] == '-')
        len--;
      trim (&s, &len);
      for (guint i = 0; dashed_markers[i] != NULL; i++)
        if (equals_ci (s, len, dashed_markers[i]))
          return TRUE;
      return FALSE;
    }
  if (dashes > 0 || len == 0 || s[len - 1] != ':')
    return FALSE;
  len--;
  trim (&s, &len);
  for (guint i = 0; colon_markers[i] != NULL; i++)
    if (equals_ci (s, len, colon_markers[i]))
      return TRUE;
  return FALSE;
}

/* TRUE if trimmed @s starts with one of @labels and a colon ("From:",
 * "De :", Markdown-bold "*From:*").  @first_letters: the labels' first
 * letters, upper case. */
static gboolean
starts_with_label (const char *s, gsize len, const char *const *labels,
                   const char *first_letters)
{
  while (len > 0 && *s == '*')
    {
      s++;
      len--;
    }
  /* Most lines start with no label's letter: leave early. */
  if (len == 0 || *s == '\0' || strchr (first_letters, g_ascii_toupper (*s)) == NULL)
    return FALSE;
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize n = strlen (labels[i]);
      gsize k = n;

      if (len < n || g_ascii_strncasecmp (s, labels[i], n) != 0)
        continue;
      while (k < len && (s[k] == ' ' || s[k] == '*'))
        k++;
      if (k < len && s[k] == ':')
        return TRUE;
    }
  return FALSE;
}

/* If line @i starts an Outlook header block, returns the first line of
 * the block (@i, or a line of underscores above it); else -1. */
static int
header_block_start (const lines_t *lines, guint i)
{
  const char *s;
  gsize len;
  gboolean found = FALSE;
  int first = (int) i;

  trimmed_line (lines, i, &s, &len);
  if (!starts_with_label (s, len, from_labels, FROM_LETTERS))
    return -1;
  for (guint k = 1; k <= MAX_HEADER_GAP && i + k < lines->n && !found; k++)
    {
      trimmed_line (lines, i + k, &s, &len);
      if (len == 0)
        break;
      found = starts_with_label (s, len, sent_labels, SENT_LETTERS);
    }
  if (!found)
    return -1;

  /* Take the "________________________________" line above, if any. */
  for (int j = (int) i - 1; j >= 0 && j >= (int) i - 3; j--)
    {
      gsize k = 0;

      trimmed_line (lines, (guint) j, &s, &len);
      if (len == 0)
        continue;
      while (k < len && s[k] == '_')
        k++;
      if (k == len && len >= MIN_UNDERSCORES)
        first = j;
      break;
    }
  return first;
}

/* mg_quote_classify: fills @part->line_start (gsize offset of each line
 * in @part->text) and @part->line_class (guint8 mg_line_class_t per line),
 * creating the arrays or replacing their contents.  A final line without
 * newline counts; an empty text has no lines. */
void
mg_quote_classify (mg_text_part_t *part)
{
  g_autoptr(GString) joined = NULL;
  guint8 *cls;
  lines_t lines;
  int signature = -1;

  g_return_if_fail (part != NULL);

  if (part->line_start == NULL)
    part->line_start = g_array_new (FALSE, FALSE, sizeof (gsize));
  if (part->line_class == NULL)
    part->line_class = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_array_set_size (part->line_start, 0);

  if (part->text != NULL && part->len > 0)
    {
      const char *p = part->text, *end = part->text + part->len;
      const char *nl;
      guint count = 1;
      gsize *start;

      /* Count first, so the array is sized once. */
      while ((nl = memchr (p, '\n', (gsize) (end - p))) != NULL && nl + 1 < end)
        {
          count++;
          p = nl + 1;
        }
      g_array_set_size (part->line_start, count);
      start = (gsize *) (void *) part->line_start->data;
      start[0] = 0;
      p = part->text;
      for (guint i = 1; i < count; i++)
        {
          p = (const char *) memchr (p, '\n', (gsize) (end - p)) + 1;
          start[i] = (gsize) (p - part->text);
        }
    }

  lines.text = part->text;
  lines.len = part->text != NULL ? part->len : 0;
  lines.start = (const gsize *) (void *) part->line_start->data;
  lines.n = part->line_start->len;
  g_array_set_size (part->line_class, lines.n);
  cls = (guint8 *) part->line_class->data;
  if (lines.n > 0)
    memset (cls, MG_LINE_AUTHORED, lines.n);
  joined = g_string_new (NULL);

  for (guint i = 0; i < lines.n; i++)
    {
      const char *s;
      gsize len;
      guint span;
      int block;

      if (is_quote_line (&lines, i) && !is_mbox_escape (&lines, i))
        {
          cls[i] = MG_LINE_QUOTED;
          continue;
        }
      trimmed_line (&lines, i, &s, &len);
      if (len == 0)
        continue;
      block = is_marker_line (s, len) ? (int) i : header_block_start (&lines, i);
      if (block >= 0)
        {
          memset (cls + block, MG_LINE_QUOTED, lines.n - (guint) block);
          break;
        }
      span = attribution_length (&lines, i, joined);
      if (span > 0)
        {
          memset (cls + i, MG_LINE_QUOTED, span);
          i += span - 1;
        }
    }

  for (guint i = 0; i < lines.n && signature < 0; i++)
    if (cls[i] == MG_LINE_AUTHORED && is_signature_delimiter (&lines, i))
      signature = (int) i;
  if (signature >= 0)
    for (guint i = (guint) signature; i < lines.n; i++)
      if (cls[i] == MG_LINE_AUTHORED)
        cls[i] = MG_LINE_SIGNATURE;
}
