/* mg-quote.h - separates authored text from quoted text and signature
 * (SPEC 4a).
 *
 * Quoted: lines starting with '>' (after optional blanks); attribution
 * lines ("On ... wrote:" ending the line, also wrapped over two or three
 * lines as Gmail does, "Le ... a écrit :", "Am ... schrieb ...:", "El ...
 * escribió:", "Il ... ha scritto:", "Em ... escreveu:", and "Name wrote:"
 * right before a '>' line); and everything from an "-----Original
 * Message-----" line, a forwarded-message marker ("---------- Forwarded
 * message ---------", "Begin forwarded message:", ...) or an Outlook
 * header block (a "From:" line followed within three lines by "Sent:" or
 * "Date:", with the "_____" line above it) to the end of the part.
 * Signature: the first unquoted line that is "-- " or "--" (trailing white
 * space ignored) and every unquoted line after it.  Text after a '>' block
 * is authored (bottom-posting, inline replies).
 */
#ifndef MG_QUOTE_H
#define MG_QUOTE_H

#include "mg-message.h"

G_BEGIN_DECLS

/* Fills part->line_start and part->line_class (created when NULL, else
 * overwritten) from part->text and part->len.  A final line without
 * newline counts; an empty or NULL text has no lines. */
void mg_quote_classify (mg_text_part_t *part);

G_END_DECLS

#endif
