/* mg-html.h - HTML mail as the reader sees it, with gumbo (an HTML5 parser).
 *
 * Block elements (p, div, li, tr, h1-h6, ...) and <br> become line breaks,
 * a paragraph (<p>, but not Outlook's margin-less <p class=MsoNormal>) or
 * heading a blank line; runs of blank lines collapse to one.  Entities are
 * decoded, &nbsp; is a space; <head>, <style>, <script>, <template>,
 * <noscript>, comments and images give no text; every line inside a
 * <blockquote> is prefixed with "> " (once per nesting level, at most 32),
 * so quoted HTML is recognised by the same rules as quoted plain text; list
 * items start with "- ", table cells are separated by a space.  White space
 * collapses to one space except in <pre>; trailing spaces are trimmed, but
 * a "--" line followed by white space stays "-- ", the signature delimiter.
 */
#ifndef MG_HTML_H
#define MG_HTML_H

#include <glib.h>

G_BEGIN_DECLS

/* Returns the text of @len bytes of HTML @html (UTF-8; invalid sequences and
 * NUL bytes become U+FFFD, a leading BOM is dropped).  Every line ends in LF,
 * the last one too; no leading or trailing blank lines; "" when nothing is
 * visible (also for @len 0).  Never fails and never returns NULL: broken HTML
 * is parsed as a browser would.  Transfer full: free with g_free(). */
char *mg_html_to_text (const char *html, gsize len);

G_END_DECLS

#endif
