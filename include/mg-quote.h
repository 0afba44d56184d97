/* mg-quote.h - separates authored text from quoted text and signature
 * (SPEC 4a).
 *
 * Quoted: lines starting with '>' (after optional spaces); attribution
 * lines ("On ... wrote:", also wrapped over two lines as Gmail does,
 * "Le ... a écrit :", "Am ... schrieb ...:", "El ... escribió:"); and
 * everything from an Outlook "-----Original Message-----" line, a
 * From:/Sent: (or From:/Date:) header block or a forwarded-message marker
 * to the end of the part.  Signature: the lines after a "-- " line (also
 * "--" without the space) that are not quoted, until the end of the part.
 * Text after a '>' block is authored (bottom-posting, inline replies).
 */
#ifndef MG_QUOTE_H
#define MG_QUOTE_H

#include "mg-message.h"

G_BEGIN_DECLS

/* Fills part->line_start and part->line_class from part->text. */
void mg_quote_classify (mg_text_part_t *part);

G_END_DECLS

#endif
