/* lazy.c - loading a library when it is first used (mg-lazy.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "mg-lazy.h"

void *
mg_lazy_symbol (void **handle, const char *soname, const char *name,
                const char *what, const char *package)
{
  void *symbol;

  if (*handle == NULL)
    *handle = dlopen (soname, RTLD_NOW | RTLD_LOCAL);
  symbol = *handle != NULL ? dlsym (*handle, name) : NULL;
  if (symbol == NULL)
    {
      const char *why = dlerror ();

      fprintf (stderr, "matchguard: %s needs %s, which cannot be loaded (%s); "
               "on Debian: apt-get install %s\n", what, soname, why != NULL ? why : name, package);
      exit (EX_SOFTWARE);
    }
  return symbol;
}
