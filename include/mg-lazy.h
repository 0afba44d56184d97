/* mg-lazy.h - libraries loaded with dlopen() when first used, not linked.
 *
 * json-glib (src/json-lazy.c) and gumbo (src/gumbo-lazy.c) are not linked
 * into the program: most runs, sendmail mode among them, use neither, and
 * a linked library is mapped and relocated by every run.  Each of those
 * files defines the library's functions that matchguard calls, forwarding
 * to the real ones found on first use.  libsecret (src/secret.c) is loaded
 * the same way but reports failure as a keyring error.
 */
#ifndef MG_LAZY_H
#define MG_LAZY_H

#include <gumbo.h>

/* @name in the library @soname, which is loaded on the first call
 * (*@handle keeps it; never unloaded).  When either cannot be found the
 * program cannot go on: one line naming @what needs it and the Debian
 * @package that provides it, and exit EX_SOFTWARE. */
void *mg_lazy_symbol (void **handle, const char *soname, const char *name,
                      const char *what, const char *package);

/* A definition of the library function @name (its prototype from the
 * library's header) that calls the real one, found once with @lookup
 * (a function of the symbol's name, returning it). */
#define MG_LAZY_FORWARD(lookup, type, name, params, args)                  \
  type name params                                                         \
  {                                                                        \
    static __typeof__ (name) *real;                                        \
    if (real == NULL)                                                      \
      real = (__typeof__ (name) *) lookup (#name);                         \
    return real args;                                                      \
  }
#define MG_LAZY_FORWARD_VOID(lookup, name, params, args)                   \
  void name params                                                         \
  {                                                                        \
    static __typeof__ (name) *real;                                        \
    if (real == NULL)                                                      \
      real = (__typeof__ (name) *) lookup (#name);                         \
    real args;                                                             \
  }

/* gumbo's kGumboDefaultOptions (a variable, which a forwarding function
 * cannot stand in for): html.c copies it. */
const GumboOptions *mg_gumbo_default_options (void);

#endif
