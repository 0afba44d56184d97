/* json-lazy.c - json-glib, loaded when the first JSON is written.
 *
 * Only --format json and the JSON listings (log, status, registry, rules)
 * write JSON; sendmail mode and text output never do.  Linked, json-glib
 * was mapped and relocated by every run (about 120 KB resident and 0.3 ms
 * of start-up); so the program is not linked with it: this file defines
 * the json-glib functions matchguard calls, each of which looks the real
 * one up on its first call (dlopen of MG_JSONGLIB_SONAME, which configure
 * reads, and dlsym in it).  These definitions stay out of the program's
 * dynamic symbol table (no linked library refers to them: do not link with
 * -rdynamic), so json-glib's calls to its own functions never land here.
 * The prototypes come from json-glib's headers, so
 * the compiler checks every one.  A json-glib function used elsewhere and
 * missing here is an undefined reference at link time: add it below.
 * json-glib is never unloaded (it registers GObject types).
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mg-lazy.h"

static void *
json_glib_symbol (const char *name)
{
  static void *handle;

  return mg_lazy_symbol (&handle, MG_JSONGLIB_SONAME, name, "JSON output", "libjson-glib-1.0-0");
}

#define FORWARD(type, name, params, args) MG_LAZY_FORWARD (json_glib_symbol, type, name, params, args)
#define FORWARD_VOID(name, params, args) MG_LAZY_FORWARD_VOID (json_glib_symbol, name, params, args)

FORWARD (JsonBuilder *, json_builder_new, (void), ())
FORWARD (JsonBuilder *, json_builder_begin_object, (JsonBuilder *b), (b))
FORWARD (JsonBuilder *, json_builder_end_object, (JsonBuilder *b), (b))
FORWARD (JsonBuilder *, json_builder_begin_array, (JsonBuilder *b), (b))
FORWARD (JsonBuilder *, json_builder_end_array, (JsonBuilder *b), (b))
FORWARD (JsonBuilder *, json_builder_set_member_name, (JsonBuilder *b, const gchar *name), (b, name))
FORWARD (JsonBuilder *, json_builder_add_string_value, (JsonBuilder *b, const gchar *value), (b, value))
FORWARD (JsonBuilder *, json_builder_add_int_value, (JsonBuilder *b, gint64 value), (b, value))
FORWARD (JsonBuilder *, json_builder_add_boolean_value, (JsonBuilder *b, gboolean value), (b, value))
FORWARD (JsonBuilder *, json_builder_add_null_value, (JsonBuilder *b), (b))
FORWARD (JsonNode *, json_builder_get_root, (JsonBuilder *b), (b))
FORWARD (JsonGenerator *, json_generator_new, (void), ())
FORWARD_VOID (json_generator_set_root, (JsonGenerator *g, JsonNode *node), (g, node))
FORWARD (gchar *, json_generator_to_data, (JsonGenerator *g, gsize *length), (g, length))
FORWARD_VOID (json_node_unref, (JsonNode *node), (node))
