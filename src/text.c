/* text.c - tolerant normalisation for phrase matching, with a map back to
 * the source.
 *
 * Design: one pass over the source turns each character into zero or more
 * normalised bytes (ASCII takes a fast path; other characters are
 * decomposed, stripped of accents and lower-cased), white space collapses
 * lazily (emitted only before the next visible character), and a second
 * pass expands contractions on word boundaries.  Both passes record, for
 * every output byte, the segment and source offset it came from, so a
 * pattern match can be shown to the user in their own words with its part
 * and line.  Patterns then need one spelling per phrase: "i will", never
 * "I'll|I will|I’ll".
 */
#include "config.h"

#include <string.h>

#include "mg-text.h"

typedef enum {
  GAP_NONE,
  GAP_SPACE,
  GAP_PARAGRAPH,
} gap_t;

void
mg_region_init (mg_region_t *region)
{
  region->norm = g_string_new (NULL);
  region->seg_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  region->off_of = g_array_new (FALSE, FALSE, sizeof (guint32));
  region->segments = g_array_new (FALSE, FALSE, sizeof (mg_segment_t));
  region->found = NULL;
  region->found_free = NULL;
}

void
mg_region_forget_found (mg_region_t *region)
{
  if (region->found != NULL && region->found_free != NULL)
    region->found_free (region->found);
  region->found = NULL;
  region->found_free = NULL;
}

void
mg_region_clear (mg_region_t *region)
{
  if (region->norm != NULL)
    g_string_free (region->norm, TRUE);
  if (region->seg_of != NULL)
    g_array_unref (region->seg_of);
  if (region->off_of != NULL)
    g_array_unref (region->off_of);
  if (region->segments != NULL)
    g_array_unref (region->segments);
  mg_region_forget_found (region);
  memset (region, 0, sizeof *region);
}

static void
emit (mg_region_t *region, const char *bytes, gsize n, guint32 seg, guint32 off)
{
  guint at = region->seg_of->len;
  guint32 *seg_of, *off_of;
  gsize i;

  g_string_append_len (region->norm, bytes, n);
  /* one resize per call, not one append per byte: this runs for every
   * byte of every message */
  g_array_set_size (region->seg_of, at + n);
  g_array_set_size (region->off_of, at + n);
  seg_of = &g_array_index (region->seg_of, guint32, at);
  off_of = &g_array_index (region->off_of, guint32, at);
  for (i = 0; i < n; i++)
    {
      seg_of[i] = seg;
      off_of[i] = off;
    }
}

static gboolean
is_zero_width (gunichar c)
{
  return c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D
      || c == 0x2060 || c == 0xFEFF;
}

static gboolean
is_space (gunichar c)
{
  /* for ASCII, g_unichar_isspace() says yes to the first five only */
  if (c < 0x80)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  /* the spaces and separators of General Punctuation, without GLib's
   * tables (mg-text.h) */
  if (mg_unichar_is_general_punctuation (c))
    return c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F;
  return g_unichar_isspace (c) || c == 0x00A0;
}

/* Writes the normalised form of one non-ASCII, non-space character into
 * @out (at most 24 bytes) and returns its length. */
static gsize
normalize_char (gunichar c, char *out)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n, i, len = 0;

  switch (c)
    {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:
    case 0x2032: case 0x02BC: case 0x00B4: case 0x0060:
      out[0] = '\'';
      return 1;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:
    case 0x2033: case 0x00AB: case 0x00BB:
      out[0] = '"';
      return 1;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013:
    case 0x2014: case 0x2015: case 0x2212: case 0xFE58:
    case 0xFE63: case 0xFF0D:
      out[0] = '-';
      return 1;
    case 0x00DF:
      out[0] = out[1] = 's';
      return 2;
    default:
      break;
    }

  n = g_unichar_fully_decompose (c, TRUE, decomposed, G_N_ELEMENTS (decomposed));
  for (i = 0; i < n && len < 18; i++)
    {
      GUnicodeType type = g_unichar_type (decomposed[i]);
      gunichar lower;

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK
          || type == G_UNICODE_ENCLOSING_MARK)
        continue;
      lower = g_unichar_tolower (decomposed[i]);
      if (lower == 0x2019 || lower == 0x2018)
        lower = '\'';
      len += g_unichar_to_utf8 (lower, out + len);
    }
  return len;
}

/* The first pass emits a byte or a few at a time, with a segment and an
 * offset for each: gathered here and appended to the region a chunk at a
 * time, instead of growing three arrays for every character (that was
 * an eighth of `audit`). */
#define EMIT_CHUNK 1024

typedef struct {
  mg_region_t *region;
  gsize n;
  char bytes[EMIT_CHUNK];
  guint32 seg[EMIT_CHUNK];
  guint32 off[EMIT_CHUNK];
} emitter_t;

static void
emitter_flush (emitter_t *e)
{
  if (e->n == 0)
    return;
  g_string_append_len (e->region->norm, e->bytes, (gssize) e->n);
  g_array_append_vals (e->region->seg_of, e->seg, (guint) e->n);
  g_array_append_vals (e->region->off_of, e->off, (guint) e->n);
  e->n = 0;
}

/* @n is at most a character's normal form (a few dozen bytes) */
static inline void
emitter_put (emitter_t *e, const char *bytes, gsize n, guint32 seg, guint32 off)
{
  gsize i;

  if (e->n + n > EMIT_CHUNK)
    emitter_flush (e);
  for (i = 0; i < n; i++, e->n++)
    {
      e->bytes[e->n] = bytes[i];
      e->seg[e->n] = seg;
      e->off[e->n] = off;
    }
}

/* First pass: characters and white space, into @region. */
static void
append_characters (mg_region_t *region, const char *text, gsize len,
                   guint32 seg, gboolean delsp)
{
  emitter_t out;
  gap_t gap = region->norm->len > 0 ? GAP_PARAGRAPH : GAP_NONE;
  guint32 gap_off = 0;
  gboolean line_has_text = FALSE;
  gsize i = 0;

  out.region = region;
  out.n = 0;
  while (i < len)
    {
      const char *p = text + i;
      guchar b = (guchar) *p;
      gunichar c;
      gsize clen;
      char buf[24];
      gsize n;

      if (b == '\n')
        {
          /* format=flowed, DelSp=yes: "wo \nrd" is "word"; only one
           * space is deleted (RFC 3676 4.2), so "will  \nrank" keeps one */
          if (delsp && i > 0 && text[i - 1] == ' ' && line_has_text
              && !(i > 1 && text[i - 2] == ' '))
            {
              if (gap == GAP_SPACE)
                gap = GAP_NONE;
            }
          else if (!line_has_text)
            gap = GAP_PARAGRAPH;
          else if (gap < GAP_SPACE)
            {
              gap = GAP_SPACE;
              gap_off = (guint32) i;
            }
          line_has_text = FALSE;
          i++;
          continue;
        }

      if (b < 0x80)
        {
          c = b;
          clen = 1;
        }
      else
        {
          c = g_utf8_get_char_validated (p, len - i);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              i++;   /* invalid byte: skip it */
              continue;
            }
          clen = g_utf8_next_char (p) - p;
        }

      if (c == 0 || is_zero_width (c))
        {
          i += clen;
          continue;
        }
      if (is_space (c))
        {
          if (gap < GAP_SPACE && line_has_text)
            {
              gap = GAP_SPACE;
              gap_off = (guint32) i;
            }
          i += clen;
          continue;
        }

      if (c < 0x80)
        {
          buf[0] = mg_ascii_tolower ((char) c);
          n = 1;
        }
      else
        n = normalize_char (c, buf);

      if (n > 0)
        {
          if (gap != GAP_NONE && region->norm->len + out.n > 0)
            emitter_put (&out, gap == GAP_PARAGRAPH ? "\n" : " ", 1, seg,
                         gap == GAP_PARAGRAPH ? (guint32) i : gap_off);
          gap = GAP_NONE;
          emitter_put (&out, buf, n, seg, (guint32) i);
        }
      line_has_text = TRUE;
      i += clen;
    }
  emitter_flush (&out);
}

/* Contractions: what replaces "'SUFFIX" after a word (NULL: keep it). */
static const char *
expand_suffix (const char *word, gsize word_len, const char *suffix, gsize suffix_len)
{
  static const char *const is_words[] = {
    "it", "that", "what", "there", "here", "he", "she", "who", "where", "how", NULL
  };
  gsize k;

  if (suffix_len == 2 && memcmp (suffix, "ll", 2) == 0)
    return " will";
  if (suffix_len == 2 && memcmp (suffix, "re", 2) == 0)
    return " are";
  if (suffix_len == 2 && memcmp (suffix, "ve", 2) == 0)
    return " have";
  if (suffix_len == 1 && suffix[0] == 'm')
    return " am";
  if (suffix_len == 1 && suffix[0] == 'd')
    return " would";
  if (suffix_len == 1 && suffix[0] == 's')
    {
      if (word_len == 3 && memcmp (word, "let", 3) == 0)
        return " us";
      for (k = 0; is_words[k] != NULL; k++)
        if (strlen (is_words[k]) == word_len && memcmp (word, is_words[k], word_len) == 0)
          return " is";
    }
  return NULL;
}

static gboolean
is_word_byte (guchar b)
{
  return g_ascii_isalnum (b) || b >= 0x80;
}

/* Second pass: expands contractions in @region->norm in place (rebuilding
 * the map). */
static void
expand_contractions (mg_region_t *region, gsize from)
{
  GString *in = region->norm;
  g_autoptr (GArray) seg_in = NULL;
  g_autoptr (GArray) off_in = NULL;
  mg_region_t out = { 0 };
  gsize i;

  if (memchr (in->str + from, '\'', in->len - from) == NULL)
    return;
  seg_in = region->seg_of;
  off_in = region->off_of;

  out.norm = g_string_sized_new (in->len + 16);
  out.seg_of = g_array_sized_new (FALSE, FALSE, sizeof (guint32), in->len + 16);
  out.off_of = g_array_sized_new (FALSE, FALSE, sizeof (guint32), in->len + 16);
  emit (&out, in->str, from, 0, 0);
  memcpy (out.seg_of->data, seg_in->data, from * sizeof (guint32));
  memcpy (out.off_of->data, off_in->data, from * sizeof (guint32));

  i = from;
  while (i < in->len)
    {
      gsize start = i, apos, end;
      guint32 seg = g_array_index (seg_in, guint32, i);
      const char *replacement = NULL;
      gsize word_len = 0;

      if (!is_word_byte ((guchar) in->str[i]))
        {
          emit (&out, in->str + i, 1, seg, g_array_index (off_in, guint32, i));
          i++;
          continue;
        }
      while (i < in->len && is_word_byte ((guchar) in->str[i]))
        i++;
      apos = i;
      end = i;
      if (apos + 1 < in->len && in->str[apos] == '\'' && g_ascii_isalpha (in->str[apos + 1]))
        {
          end = apos + 1;
          while (end < in->len && is_word_byte ((guchar) in->str[end]))
            end++;
          if (end - apos == 2 && in->str[apos + 1] == 't' && apos - start >= 2
              && in->str[apos - 1] == 'n')
            {
              /* "haven't" -> "have" + " not"; "won't", "can't", "shan't"
                 and "ain't" are irregular and replace the whole word */
              gsize stem = apos - start - 1;
              if (stem == 2 && memcmp (in->str + start, "wo", 2) == 0)
                replacement = "will not";
              else if (stem == 2 && memcmp (in->str + start, "ca", 2) == 0)
                replacement = "cannot";
              else if (stem == 3 && memcmp (in->str + start, "sha", 3) == 0)
                replacement = "shall not";
              else if (stem == 2 && memcmp (in->str + start, "ai", 2) == 0)
                replacement = "is not";
              else
                replacement = " not";
              word_len = replacement[0] == ' ' ? stem : 0;
            }
          else
            {
              replacement = expand_suffix (in->str + start, apos - start,
                                           in->str + apos + 1, end - apos - 1);
              word_len = apos - start;
            }
        }

      if (replacement == NULL)
        {
          gsize k;
          for (k = start; k < end; k++)
            emit (&out, in->str + k, 1, g_array_index (seg_in, guint32, k),
                  g_array_index (off_in, guint32, k));
          i = end;
          continue;
        }
      {
        gsize k;
        for (k = start; k < start + word_len; k++)
          emit (&out, in->str + k, 1, g_array_index (seg_in, guint32, k),
                g_array_index (off_in, guint32, k));
        emit (&out, replacement, strlen (replacement), seg,
              g_array_index (off_in, guint32, apos));
      }
      i = end;
    }

  g_string_free (in, TRUE);
  region->norm = out.norm;
  region->seg_of = out.seg_of;
  region->off_of = out.off_of;
}

void
mg_region_append (mg_region_t *region, const char *text, gsize len,
                  const char *part_id, int first_line, gboolean delsp)
{
  mg_segment_t segment = { text, part_id, first_line };
  guint32 seg = region->segments->len;
  gsize from = region->norm->len;

  mg_region_forget_found (region);
  g_array_append_val (region->segments, segment);
  append_characters (region, text, len, seg, delsp);
  expand_contractions (region, from);
}

char *
mg_region_locate (const mg_region_t *region, gsize start, gsize end,
                  const char **part_id, int *line)
{
  const mg_segment_t *segment;
  guint32 seg, last_seg;
  gsize src_start, src_end, k;
  int n = 0;
  GString *excerpt;
  gboolean gap = FALSE;

  g_return_val_if_fail (start < end && end <= region->norm->len, NULL);

  seg = g_array_index (region->seg_of, guint32, start);
  segment = &g_array_index (region->segments, mg_segment_t, seg);
  src_start = g_array_index (region->off_of, guint32, start);
  /* the span ends in the segment it starts in */
  while (end > start + 1
         && (last_seg = g_array_index (region->seg_of, guint32, end - 1)) != seg)
    end--;
  src_end = g_array_index (region->off_of, guint32, end - 1);
  src_end = g_utf8_next_char (segment->text + src_end) - segment->text;
  if (src_end < src_start)
    src_end = src_start;

  for (k = 0; k < src_start; k++)
    if (segment->text[k] == '\n')
      n++;
  if (part_id != NULL)
    *part_id = segment->part_id;
  if (line != NULL)
    *line = segment->first_line + n;

  excerpt = g_string_sized_new (src_end - src_start);
  for (k = src_start; k < src_end; k++)
    {
      char ch = segment->text[k];
      if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ')
        gap = TRUE;
      else
        {
          if (gap && excerpt->len > 0)
            g_string_append_c (excerpt, ' ');
          gap = FALSE;
          g_string_append_c (excerpt, ch);
        }
    }
  return g_string_free (excerpt, FALSE);
}

char *
mg_text_normalize (const char *text)
{
  mg_region_t region;
  char *result;

  mg_region_init (&region);
  mg_region_append (&region, text, strlen (text), "", 1, FALSE);
  result = g_string_free (region.norm, FALSE);
  region.norm = NULL;
  mg_region_clear (&region);
  return result;
}

char *
mg_utf8_strdown (const char *text)
{
  GString *lower = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_c (lower, *p++);
          continue;
        }
      g_string_append_unichar (lower, mg_unichar_tolower (c));
      p = g_utf8_next_char (p);
    }
  return g_string_free (lower, FALSE);
}

guint
mg_text_count_words (const char *text, gsize len)
{
  const char *p = text, *stop = text + len;
  gboolean in_word = FALSE;
  guint words = 0;

  while (p < stop)
    {
      gunichar c = g_utf8_get_char_validated (p, stop - p);
      gboolean alnum;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          p++;
          in_word = FALSE;
          continue;
        }
      alnum = mg_unichar_isalnum (c);
      if (alnum && !in_word)
        words++;
      in_word = alnum;
      p = g_utf8_next_char (p);
    }
  return words;
}

gboolean
mg_text_is_word_at (const char *text, gsize text_len, gsize pos, gsize len)
{
  if (pos > 0 && is_word_byte ((guchar) text[pos - 1]))
    return FALSE;
  if (pos + len < text_len && is_word_byte ((guchar) text[pos + len]))
    return FALSE;
  return TRUE;
}
