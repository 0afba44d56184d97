/* secret.c - the applicant's AAMC ID in the desktop keyring through
 * libsecret's synchronous API (SPEC 8).
 *
 * libsecret is loaded with dlopen() the first time the keyring is used
 * (`aamc_id = keyring`, `matchguard secret`), not linked: linked, it and
 * libgcrypt cost every run, sendmail mode included, about 340 KB of
 * resident memory and their relocations, for a feature few configurations
 * use.  configure still requires it (its headers give the prototypes
 * below) and names its soname (MG_LIBSECRET_SONAME).  It is never
 * unloaded: it registers GObject types. */
#include "config.h"

#include <dlfcn.h>
#include <string.h>
#include <libsecret/secret.h>

#include "mg-common.h"
#include "mg-secret.h"

static const SecretSchema *
aamc_schema (void)
{
  static const SecretSchema schema = {
    .name = "org.matchguard.Secret",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

char *
mg_secret_normalize_id (const char *text)
{
  g_autofree char *trimmed = NULL;
  GString *digits;
  const char *p;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  if (!g_ascii_isdigit (trimmed[0]))
    return NULL;
  digits = g_string_new (NULL);
  for (p = trimmed; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if ((*p == ' ' || *p == '-') && g_ascii_isdigit (p[1]))
        continue;   /* one separator between groups of digits */
      else
        break;
    }
  if (*p != '\0' || digits->len != 8)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }
  return g_string_free (digits, FALSE);
}

/* The four libsecret functions used, with the prototypes of its headers. */
typedef struct {
  __typeof__ (secret_password_store_sync) *store_sync;
  __typeof__ (secret_password_lookup_sync) *lookup_sync;
  __typeof__ (secret_password_clear_sync) *clear_sync;
  __typeof__ (secret_password_free) *password_free;
} libsecret_t;

static gboolean
resolve (void *handle, const char *name, void **slot, GError **error)
{
  *slot = dlsym (handle, name);
  if (*slot != NULL)
    return TRUE;
  g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s has no %s", MG_LIBSECRET_SONAME, name);
  return FALSE;
}

/* libsecret, loaded on the first call (the process is single-threaded);
 * NULL with @error set, every time, when it cannot be. */
static const libsecret_t *
libsecret (GError **error)
{
  static libsecret_t lib;
  static void *handle;

  if (handle == NULL)
    {
      void *h = dlopen (MG_LIBSECRET_SONAME, RTLD_NOW | RTLD_LOCAL);

      if (h == NULL)
        {
          g_set_error (error, MG_ERROR, MG_ERROR_CONFIG, "%s", dlerror ());
          return NULL;
        }
      if (!resolve (h, "secret_password_store_sync", (void **) &lib.store_sync, error)
          || !resolve (h, "secret_password_lookup_sync", (void **) &lib.lookup_sync, error)
          || !resolve (h, "secret_password_clear_sync", (void **) &lib.clear_sync, error)
          || !resolve (h, "secret_password_free", (void **) &lib.password_free, error))
        {
          dlclose (h);
          return NULL;
        }
      handle = h;
    }
  return &lib;
}

/* libsecret missing: one line that says what to install, or how to do
 * without the keyring. */
static void
set_no_libsecret (GError **error, const GError *cause, const char *config_path)
{
  g_autofree char *detail = g_strdup (cause->message);

  g_strdelimit (detail, "\r\n", ' ');
  g_set_error (error, MG_ERROR, MG_ERROR_CONFIG,
               "the keyring needs libsecret, which cannot be loaded (%s; on Debian: "
               "apt-get install libsecret-1-0); or put your 8-digit ID in [applicant] "
               "aamc_id of %s and chmod 600 it",
               detail, config_path != NULL ? config_path : "the configuration file");
}

/* Any libsecret failure: the keyring is not usable from here. */
static void
set_unreachable (GError **error, const GError *cause, const char *config_path)
{
  g_autofree char *detail = g_strdup (cause != NULL ? cause->message : "no Secret Service");

  g_strdelimit (detail, "\r\n", ' ');
  g_set_error (error, MG_ERROR, MG_ERROR_CONFIG,
               "no usable keyring (%s; the ID needs a D-Bus session with a Secret Service "
               "such as gnome-keyring); or put your 8-digit ID in [applicant] aamc_id "
               "of %s and chmod 600 it",
               detail, config_path != NULL ? config_path : "the configuration file");
}

gboolean
mg_secret_store_aamc_id (const char *id, const char *config_path, GError **error)
{
  g_autofree char *digits = mg_secret_normalize_id (id);
  g_autoptr (GError) local = NULL;
  const libsecret_t *lib;

  if (digits == NULL)
    {
      g_set_error_literal (error, MG_ERROR, MG_ERROR_DATA,
                           "an AAMC ID is 8 digits (e.g. 12345678); nothing stored");
      return FALSE;
    }
  lib = libsecret (&local);
  if (lib == NULL)
    {
      set_no_libsecret (error, local, config_path);
      return FALSE;
    }
  if (!lib->store_sync (aamc_schema (), SECRET_COLLECTION_DEFAULT,
                                   "matchguard AAMC ID", digits, NULL, &local,
                                   "key", MG_SECRET_AAMC_ID, NULL))
    {
      set_unreachable (error, local, config_path);
      return FALSE;
    }
  return TRUE;
}

char *
mg_secret_lookup_aamc_id (const char *config_path, GError **error)
{
  g_autoptr (GError) local = NULL;
  const libsecret_t *lib = libsecret (&local);
  char *password;
  char *copy;

  if (lib == NULL)
    {
      set_no_libsecret (error, local, config_path);
      return NULL;
    }
  password = lib->lookup_sync (aamc_schema (), NULL, &local,
                                          "key", MG_SECRET_AAMC_ID, NULL);
  if (local != NULL)
    {
      set_unreachable (error, local, config_path);
      return NULL;
    }
  if (password == NULL)
    return NULL;
  copy = g_strdup (password);
  lib->password_free (password);
  return copy;
}

gboolean
mg_secret_clear_aamc_id (const char *config_path, gboolean *removed, GError **error)
{
  g_autoptr (GError) local = NULL;
  const libsecret_t *lib = libsecret (&local);
  gboolean done;

  if (lib == NULL)
    {
      set_no_libsecret (error, local, config_path);
      return FALSE;
    }
  done = lib->clear_sync (aamc_schema (), NULL, &local,
                                     "key", MG_SECRET_AAMC_ID, NULL);
  if (local != NULL)
    {
      set_unreachable (error, local, config_path);
      return FALSE;
    }
  if (removed != NULL)
    *removed = done;
  return TRUE;
}
