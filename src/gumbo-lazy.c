/* gumbo-lazy.c - gumbo, loaded when the first HTML part is read.
 *
 * Most mail matchguard reads is plain text, or HTML with a text/plain
 * alternative, which is read instead (message.c); linked, gumbo was mapped
 * and relocated by every run (about 96 KB resident and 0.2 ms of start-up).
 * So, as json-glib (json-lazy.c, mg-lazy.h): the gumbo functions html.c
 * calls, forwarding to the real ones, and its default options, found on
 * first use.  Not in the program's dynamic symbol table (do not link with
 * -rdynamic), so gumbo's calls to its own functions never land here.
 */
#include "config.h"

#include <gumbo.h>

#include "mg-lazy.h"

static void *
gumbo_symbol (const char *name)
{
  static void *handle;

  return mg_lazy_symbol (&handle, MG_GUMBO_SONAME, name, "reading HTML mail", "libgumbo1");
}

const GumboOptions *
mg_gumbo_default_options (void)
{
  static const GumboOptions *defaults;

  if (defaults == NULL)
    defaults = gumbo_symbol ("kGumboDefaultOptions");
  return defaults;
}

MG_LAZY_FORWARD (gumbo_symbol, GumboOutput *, gumbo_parse_with_options,
                 (const GumboOptions *options, const char *buffer, size_t length),
                 (options, buffer, length))
MG_LAZY_FORWARD_VOID (gumbo_symbol, gumbo_destroy_output,
                      (const GumboOptions *options, GumboOutput *output), (options, output))
MG_LAZY_FORWARD (gumbo_symbol, GumboAttribute *, gumbo_get_attribute,
                 (const GumboVector *attributes, const char *name), (attributes, name))
