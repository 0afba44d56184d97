/* mg-secret.h - the applicant's AAMC ID in the desktop keyring (SPEC 8).
 *
 * The ID is one libsecret password: schema org.matchguard.Secret, attribute
 * key = aamc-id, in the default collection.  Every keyring problem (no D-Bus
 * session, no Secret Service, a locked or refused collection) is
 * MG_ERROR_CONFIG with one line that says so and how to put the ID in the
 * configuration file instead.
 */
#ifndef MG_SECRET_H
#define MG_SECRET_H

#include <glib.h>

G_BEGIN_DECLS

/* The attribute value naming the AAMC ID (the only secret there is). */
#define MG_SECRET_AAMC_ID "aamc-id"

/* The 8 digits of @text, which may group them with spaces or hyphens
 * ("1234 5678", "1234-5678") and may be surrounded by white space; NULL
 * when @text is not 8 such digits.  Free with g_free(). */
char *mg_secret_normalize_id (const char *text);

/* Stores @id (checked first: 8 digits, grouped or not; MG_ERROR_DATA
 * otherwise) in the default collection.  @config_path (may be NULL) names
 * the configuration file in the "no keyring" message. */
gboolean mg_secret_store_aamc_id (const char *id, const char *config_path, GError **error);

/* The stored ID, or NULL: with @error set when the keyring cannot be
 * reached, unset when it holds no ID.  Free with g_free(). */
char *mg_secret_lookup_aamc_id (const char *config_path, GError **error);

/* Removes the stored ID; *@removed (may be NULL) tells whether there was
 * one.  FALSE with @error set when the keyring cannot be reached. */
gboolean mg_secret_clear_aamc_id (const char *config_path, gboolean *removed, GError **error);

G_END_DECLS

#endif
