/*
 * site_keyfile.c: `site join --key FILE`, the site key travelling to a new
 * kiosk.
 *
 * Door codes, setup codes and card UIDs are stored only as hashes keyed with
 * the site key (sitekey.h), so every kiosk of a site must hold the same key
 * or one kiosk could not match another's codes. The key never goes to the
 * site server (it keeps only the fingerprint, in its site_meta): the
 * administrator copies the first kiosk's "<database>.key" file to the new
 * kiosk, as for a backup, and `site join --key FILE` puts it in place.
 *
 * Before anything is written, the file's fingerprint is checked against the
 * site's. The kiosk's own key is then replaced only when nothing was made
 * with it yet (no setup code, door code or card, never joined: what
 * `gatehousectl init` leaves), or with --force; either way the old key is
 * kept beside it as "<database>.key.old-<seconds>". The new key is written
 * to a temporary file (mode 0600, owned like the database), synced and
 * renamed into place, and the database records its fingerprint.
 */
#define _GNU_SOURCE 1
#include "site_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/sitekey.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The site's key fingerprint on the server, "" when no kiosk joined yet. */
static enum gh_status site_fpr(struct gh_site *site, char out[GH_SITEKEY_FPR_HEX])
{
    out[0] = '\0';
    PGresult *r = gh_site_pgquery(site, "SELECT value FROM site_meta WHERE key = 'sitekey'", 0,
                                  NULL, _("checking the site key"));
    if (!r)
        return site->err;
    if (PQntuples(r) == 1)
        gh_store_copy(out, GH_SITEKEY_FPR_HEX, PQgetvalue(r, 0, 0));
    PQclear(r);
    return GH_OK;
}

/* 1 when the kiosk's database holds something made with its key, or has
 * joined a site. */
static int key_in_use(struct gh_store *st)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT (SELECT count(*) FROM setup_codes) + "
        "(SELECT count(*) FROM door_codes) + (SELECT count(*) FROM cards) + "
        "(SELECT enabled FROM site_state)");
    int used = !q || sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int64(q, 0) > 0;
    gh_store_done(st, q);
    return used;
}

/* Writes key to a new file beside path, synced, owned like the database. */
static int write_tmp(const char *tmp, const char *db, const unsigned char *key)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    struct stat s;
    int ok = write(fd, key, GH_SITEKEY_BYTES) == GH_SITEKEY_BYTES && fsync(fd) == 0;
    if (ok && geteuid() == 0 && stat(db, &s) == 0 && fchown(fd, s.st_uid, s.st_gid) != 0)
        ok = 0;
    if (close(fd) != 0)
        ok = 0;
    if (!ok)
        unlink(tmp);
    return ok ? 0 : -1;
}

/* The key file replaced: the old one kept as PATH.old-SECONDS. */
static enum gh_status put_in_place(struct gh_store *st, const unsigned char *key)
{
    char path[4096], tmp[4200], old[4200];
    if (gh_sitekey_path(gh_store_path(st), path, sizeof path) != GH_OK)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("the database path is too long"));
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    snprintf(old, sizeof old, "%s.old-%lld", path, (long long)(gh_clock_now_ms() / 1000));
    if (write_tmp(tmp, gh_store_path(st), key) != 0)
        return gh_store_fail(st, GH_E_IO, _("the site key %s can't be written: %s"), path,
                             strerror(errno));
    if (access(path, F_OK) == 0 && rename(path, old) != 0) {
        int e = errno;
        unlink(tmp);
        return gh_store_fail(st, GH_E_IO, _("the site key %s can't be moved aside: %s"), path,
                             strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return gh_store_fail(st, GH_E_IO, _("the site key %s can't be written: %s"), path,
                             strerror(e));
    }
    return GH_OK;
}

/* The database records the new key's fingerprint and loads the key. */
static enum gh_status adopt(struct gh_store *st, const char *fpr)
{
    sqlite3_stmt *q = gh_store_prepare(st, "INSERT INTO site_meta (key, value) VALUES "
        "('sitekey', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!q)
        return gh_store_sqlfail(st, _("recording the site key's fingerprint"));
    sqlite3_bind_text(q, 1, fpr, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("recording the site key's fingerprint"));
    enum gh_status s = gh_store_load_sitekey(st);
    const unsigned char *k;
    return s == GH_OK ? gh_store_sitekey(st, &k) : s;
}

/* The key in file, checked against the site's; 1 in *same when the kiosk
 * holds it already. */
static enum gh_status read_checked(struct gh_site *site, const char *file,
                                   unsigned char key[GH_SITEKEY_BYTES],
                                   char fpr[GH_SITEKEY_FPR_HEX], int *same)
{
    char err[512], site_has[GH_SITEKEY_FPR_HEX], mine[GH_SITEKEY_FPR_HEX] = "";
    enum gh_status s = gh_sitekey_read(file, key, err, sizeof err);
    if (s != GH_OK)
        return gh_store_fail(site->st, GH_E_INVALID, "--key: %s", err);
    gh_sitekey_fingerprint(key, fpr);
    if ((s = site_fpr(site, site_has)) != GH_OK)
        return s;
    if (site_has[0] && strcmp(site_has, fpr) != 0)
        return gh_store_fail(site->st, GH_E_REFUSED, _("--key: %s is not this site's key "
                             "(its fingerprint is %s, the site's %s): copy the key file of "
                             "a kiosk that already joined"), file, fpr, site_has);
    const unsigned char *cur = NULL;
    if (gh_store_sitekey(site->st, &cur) == GH_OK)
        gh_sitekey_fingerprint(cur, mine);
    *same = strcmp(mine, fpr) == 0;
    return GH_OK;
}

enum gh_status gh_site_key_install(struct gh_site *site, const char *file, int force,
                                   int *replaced)
{
    unsigned char key[GH_SITEKEY_BYTES];
    char fpr[GH_SITEKEY_FPR_HEX];
    int same = 0;
    *replaced = 0;
    enum gh_status s = gh_site_check_schema(site);
    if (s == GH_OK)
        s = read_checked(site, file, key, fpr, &same);
    if (s != GH_OK || same) {
        sodium_memzero(key, sizeof key);
        return s;
    }
    if (!force && key_in_use(site->st)) {
        sodium_memzero(key, sizeof key);
        return gh_store_fail(site->st, GH_E_REFUSED, _("this kiosk already has another site "
                             "key (%s.key) and codes or cards made with it, which the new key "
                             "voids: add --force to replace it anyway (the old key is kept "
                             "beside it as .key.old-...)"), gh_store_path(site->st));
    }
    s = put_in_place(site->st, key);
    sodium_memzero(key, sizeof key);
    if (s == GH_OK)
        s = adopt(site->st, fpr);
    *replaced = s == GH_OK;
    return s;
}
