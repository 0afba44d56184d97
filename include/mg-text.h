/* mg-text.h - tolerant text normalisation for phrase matching.
 *
 * SPEC 4: matching is case-folded, Unicode-normalised (compatibility forms,
 * accents dropped), curly quotes and apostrophes as straight ones, dashes as
 * '-', any run of white space within a paragraph as one space, and
 * contractions expanded ("I'll" -> "i will", "haven't" -> "have not").
 * A blank line (paragraph break) becomes a single '\n' so that patterns,
 * which use literal spaces, never match across paragraphs.
 *
 * Every byte of normalised text remembers which source it came from (a
 * segment: one run of lines of one part) and the byte offset there, so a
 * match can be reported with its part, line and original wording.
 */
#ifndef MG_TEXT_H
#define MG_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* One source of normalised text: a run of lines of one text part, or the
 * Subject. */
typedef struct {
  const char *text;     /* original UTF-8 text (not owned) */
  const char *part_id;  /* "1", "1.2", or "subject" (not owned) */
  int first_line;       /* line number of text[0] within the part, 1-based */
} mg_segment_t;

/* Normalised text with its map back to the sources. */
typedef struct {
  GString *norm;        /* normalised UTF-8 text */
  GArray *seg_of;       /* guint32 per byte of norm: index into segments */
  GArray *off_of;       /* guint32 per byte of norm: byte offset in segment text */
  GArray *segments;     /* mg_segment_t */
  gpointer found;       /* a cache of the phrase search (mg-rulebook.h): which of its
                         * words norm holds; built on first use, dropped when norm changes */
  GDestroyNotify found_free;
} mg_region_t;

void mg_region_init (mg_region_t *region);
void mg_region_clear (mg_region_t *region);

/* Drops the cache of the phrase search; mg_region_append() does. */
void mg_region_forget_found (mg_region_t *region);

/* Appends @len bytes of @text (one segment) to @region, normalised.  When
 * the region is not empty a paragraph break separates the segments.
 * @delsp: the text is format=flowed with DelSp=yes, so a line ending in a
 * space joins the next line without that space. */
void mg_region_append (mg_region_t *region, const char *text, gsize len,
                       const char *part_id, int first_line, gboolean delsp);

/* Where a match of normalised bytes [start, end) came from: fills @part_id
 * (not owned), @line (1-based line in the part) and returns the original
 * wording of the span with white space collapsed (free with g_free()). */
char *mg_region_locate (const mg_region_t *region, gsize start, gsize end,
                        const char **part_id, int *line);

/* Returns @text normalised as above, without a map; for registry names,
 * aliases and patterns' literal words.  Free with g_free(). */
char *mg_text_normalize (const char *text);

/* Returns @text (UTF-8; invalid bytes are kept as they are) lower-cased
 * the same way under every locale: ASCII letters by table, other
 * characters by Unicode's simple mapping.  For addresses and domains,
 * instead of g_utf8_strdown(), which follows LC_CTYPE: under a Turkish or
 * Azerbaijani locale it makes "I" a dotless "ı".  Free with g_free(). */
char *mg_utf8_strdown (const char *text);

/* Whether @c is in Unicode's General Punctuation block (U+2000-U+206F):
 * spaces, dashes, curly quotes, no letter or digit, nothing with a case.
 * English text written by a mail client has its quotes and dashes there,
 * and nothing else outside ASCII. */
static inline gboolean
mg_unichar_is_general_punctuation (gunichar c)
{
  return c >= 0x2000 && c < 0x2070;
}

/* g_unichar_isalnum() and g_unichar_tolower() with ASCII and General
 * Punctuation answered here: the same answers (test-text compares every
 * code point), but plain English text, curly apostrophes included, never
 * reads GLib's Unicode tables, four 64 KiB blocks of its read-only data
 * that a send otherwise maps (bench/README.md). */
static inline gboolean
mg_unichar_isalnum (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum ((char) c);
  return !mg_unichar_is_general_punctuation (c) && g_unichar_isalnum (c);
}

/* g_ascii_tolower() inline: GLib's is a call, made for every letter a
 * message's text is normalised by. */
static inline char
mg_ascii_tolower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

static inline gunichar
mg_unichar_tolower (gunichar c)
{
  if (c < 0x80)
    return (gunichar) mg_ascii_tolower ((char) c);
  return mg_unichar_is_general_punctuation (c) ? c : g_unichar_tolower (c);
}

/* Counts words (runs of letters or digits) in @text. */
guint mg_text_count_words (const char *text, gsize len);

/* TRUE if the byte before @pos and the byte at @pos + @len in @text are
 * not letters or digits: a whole-word match. */
gboolean mg_text_is_word_at (const char *text, gsize text_len, gsize pos, gsize len);

G_END_DECLS

#endif
