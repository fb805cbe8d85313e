/*
 * sitekey.h: the site key, a 32-byte secret kept in a file beside the
 * database ("<database path>.key", mode 0600), never inside it.
 *
 * Short secrets that must be found fast (setup codes, door codes, card UIDs)
 * are stored only as a keyed hash (BLAKE2b, libsodium's crypto_generichash)
 * with this key: one indexed lookup finds the owner of a code, and the
 * database alone, copied off the device, reveals none of them (a 6- or
 * 8-digit space is no protection against an unkeyed hash). PINs, which a
 * person chooses and which are checked against one known account, keep
 * Argon2id (auth.c).
 *
 * The key is created with the database (gh_store_open of a new file, or of a
 * database that has never recorded a key) and its fingerprint is recorded in
 * the database (table site_meta), so a later open can tell a missing key, or
 * the key of another database, from a first start. Neither stops the store
 * from opening: only what needs the key fails, with a sentence that says
 * which file is missing and how to restore it. backup/restore carry the key
 * file as "<backup>.key".
 */
#ifndef GATEHOUSE_SITEKEY_H
#define GATEHOUSE_SITEKEY_H
#include <stddef.h>
#include "gatehouse/status.h"

struct gh_store;

#define GH_SITEKEY_BYTES 32
#define GH_SITEKEY_HEX 65          /* 64 hex digits and the terminator */
#define GH_SITEKEY_FPR_HEX 17      /* a key's fingerprint: 16 hex digits */

/* "<db_path>.key" into out; GH_E_INVALID if it does not fit. */
enum gh_status gh_sitekey_path(const char *db_path, char *out, size_t n);
/* Reads exactly GH_SITEKEY_BYTES from path. GH_E_NOTFOUND if the file does
 * not exist, GH_E_IO if it can't be read or has another size; err says which. */
enum gh_status gh_sitekey_read(const char *path, unsigned char key[GH_SITEKEY_BYTES],
                               char *err, size_t errlen);
/* Creates path (mode 0600, owned like its database when run as root) holding
 * a fresh random key, synced to disk: written to a temporary file and linked
 * into place, so a reader never sees half a key and of two programs creating
 * it at once exactly one wins. GH_E_EXISTS if the file is already there. */
enum gh_status gh_sitekey_create(const char *path, unsigned char key[GH_SITEKEY_BYTES],
                                 char *err, size_t errlen);
/* A short public fingerprint of a key (not the key): 16 hex digits. */
void gh_sitekey_fingerprint(const unsigned char key[GH_SITEKEY_BYTES],
                            char out[GH_SITEKEY_FPR_HEX]);

/* The store's key, loaded at open. GH_OK and *key set, or the reason the key
 * can't be used (missing file, another database's key) in the store's errmsg. */
enum gh_status gh_store_sitekey(struct gh_store *st, const unsigned char **key);
/* The keyed hash of secret under domain ("setup-code", "door-code", "card"):
 * BLAKE2b-256(key; domain NUL secret) as 64 lower-case hex digits. Domains keep
 * a door code and a setup code with the same digits from sharing a hash. */
enum gh_status gh_store_keyed_hash(struct gh_store *st, const char *domain,
                                   const char *secret, char hex[GH_SITEKEY_HEX]);

#endif
