/*
 * sitekey.c: the site key file and the keyed hash of short secrets (see
 * sitekey.h for why they exist).
 *
 * At open, the store remembers whether the key could be loaded: a database
 * that has never recorded a key fingerprint gets one now (the key file is
 * created if it isn't there yet: a new database, or one from before keyed
 * hashes); a database that has one checks the file against it. A missing or
 * foreign key file does not stop the store from opening, since most of what
 * a kiosk does (the log, settings, mail) needs no key; it is reported by the
 * functions that do, in words that say which file to restore.
 */
#include "store_internal.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum gh_status gh_sitekey_path(const char *db_path, char *out, size_t n)
{
    int w = snprintf(out, n, "%s.key", db_path ? db_path : "");
    return (w < 0 || (size_t)w >= n) ? GH_E_INVALID : GH_OK;
}

enum gh_status gh_sitekey_read(const char *path, unsigned char key[GH_SITEKEY_BYTES],
                               char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, _("the site key %s can't be read: %s"), path, strerror(e));
        return e == ENOENT ? GH_E_NOTFOUND : GH_E_IO;
    }
    unsigned char buf[GH_SITEKEY_BYTES + 1];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf && (r = read(fd, buf + got, sizeof buf - got)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != GH_SITEKEY_BYTES) {
        sodium_memzero(buf, sizeof buf);
        snprintf(err, errlen, _("the site key %s is damaged: it must hold exactly %d bytes"),
                 path, GH_SITEKEY_BYTES);
        return GH_E_IO;
    }
    memcpy(key, buf, GH_SITEKEY_BYTES);
    sodium_memzero(buf, sizeof buf);
    return GH_OK;
}

/* Root creating the key for a database owned by the service user hands the
 * key to that user, as it would the database. path is the key's own name
 * ("<db>.key"). */
static void own_like_neighbour(int fd, const char *path)
{
    if (geteuid() != 0)
        return;
    char db[4096];
    size_t n = strlen(path);
    if (n < 4 || n - 4 >= sizeof db)
        return;
    memcpy(db, path, n - 4);
    db[n - 4] = '\0';
    struct stat s;
    if (stat(db, &s) == 0 && fchown(fd, s.st_uid, s.st_gid) != 0) {
        /* The key stays root's (0600): the service can't read it and says so. */
    }
}

static enum gh_status sync_folder(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return GH_E_IO;
    int rc = fsync(dfd);
    close(dfd);
    return rc == 0 ? GH_OK : GH_E_IO;
}

/* The key is written to a private temporary file, synced, and then linked
 * into place: link() fails if the name exists, so two programs creating the
 * key at once never both win, and no reader ever sees a half-written key. */
enum gh_status gh_sitekey_create(const char *path, unsigned char key[GH_SITEKEY_BYTES],
                                 char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, _("the site key %s can't be created: %s"), path, strerror(e));
        return GH_E_IO;
    }
    unsigned char fresh[GH_SITEKEY_BYTES];
    randombytes_buf(fresh, sizeof fresh);
    ssize_t w = write(fd, fresh, sizeof fresh);
    int ok = w == GH_SITEKEY_BYTES && fsync(fd) == 0;
    own_like_neighbour(fd, path);
    close(fd);
    if (!ok) {
        unlink(tmp);
        sodium_memzero(fresh, sizeof fresh);
        snprintf(err, errlen, _("the site key %s can't be written (is the disk full?)"), path);
        return GH_E_IO;
    }
    int linked = link(tmp, path), e = errno;
    unlink(tmp);
    if (linked != 0) {
        sodium_memzero(fresh, sizeof fresh);
        snprintf(err, errlen, _("the site key %s can't be created: %s"), path, strerror(e));
        return e == EEXIST ? GH_E_EXISTS : GH_E_IO;
    }
    if (sync_folder(path) != GH_OK) {
        sodium_memzero(fresh, sizeof fresh);
        snprintf(err, errlen, _("the site key %s can't be written (is the disk full?)"), path);
        return GH_E_IO;
    }
    memcpy(key, fresh, sizeof fresh);
    sodium_memzero(fresh, sizeof fresh);
    return GH_OK;
}

void gh_sitekey_fingerprint(const unsigned char key[GH_SITEKEY_BYTES],
                            char out[GH_SITEKEY_FPR_HEX])
{
    static const unsigned char label[] = "gatehouse site key fingerprint";
    unsigned char md[8];
    crypto_generichash(md, sizeof md, label, sizeof label - 1, key, GH_SITEKEY_BYTES);
    sodium_bin2hex(out, GH_SITEKEY_FPR_HEX, md, sizeof md);
}

/* ---- the store's key ---------------------------------------------------- */

static int in_memory(const char *path)
{
    return strcmp(path, ":memory:") == 0 || strncmp(path, "file::memory:", 13) == 0;
}

static enum gh_status recorded_fpr(struct gh_store *st, char out[GH_SITEKEY_FPR_HEX])
{
    out[0] = '\0';
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT value FROM site_meta WHERE key = 'sitekey'");
    if (!q)
        return gh_store_sqlfail(st, _("reading the site key's fingerprint"));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        gh_store_copy(out, GH_SITEKEY_FPR_HEX, gh_store_col_text(q, 0));
    gh_store_done(st, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK
                                                 : gh_store_sqlfail(st, _("reading the site key"));
}

static enum gh_status record_fpr(struct gh_store *st, const char *fpr)
{
    sqlite3_stmt *q = gh_store_prepare(st, "INSERT OR IGNORE INTO site_meta(key, value) "
                                           "VALUES ('sitekey', ?1)");
    if (!q)
        return gh_store_sqlfail(st, _("recording the site key's fingerprint"));
    sqlite3_bind_text(q, 1, fpr, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("recording the site key"));
}

/* First key of this database: the file if one is waiting beside it (a
 * database restored without its log of keys, or created by an older
 * version), else a new one. */
static enum gh_status adopt_key(struct gh_store *st, const char *path)
{
    char err[512];
    enum gh_status s = gh_sitekey_read(path, st->sitekey, err, sizeof err);
    if (s == GH_E_NOTFOUND)
        s = gh_sitekey_create(path, st->sitekey, err, sizeof err);
    if (s == GH_E_EXISTS)        /* another program made it a moment ago */
        s = gh_sitekey_read(path, st->sitekey, err, sizeof err);
    if (s != GH_OK)
        return gh_store_fail(st, s, "%s", err);
    char fpr[GH_SITEKEY_FPR_HEX];
    gh_sitekey_fingerprint(st->sitekey, fpr);
    return record_fpr(st, fpr);
}

static void key_unusable(struct gh_store *st, const char *why)
{
    sodium_memzero(st->sitekey, sizeof st->sitekey);
    st->sitekey_ok = 0;
    gh_store_copy(st->sitekey_err, sizeof st->sitekey_err, why);
}

enum gh_status gh_store_load_sitekey(struct gh_store *st)
{
    if (in_memory(st->path)) {
        randombytes_buf(st->sitekey, sizeof st->sitekey);
        st->sitekey_ok = 1;
        return GH_OK;
    }
    char path[4096], fpr[GH_SITEKEY_FPR_HEX], have[GH_SITEKEY_FPR_HEX], err[512];
    if (gh_sitekey_path(st->path, path, sizeof path) != GH_OK)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("the database path is too long"));
    enum gh_status s = recorded_fpr(st, have);
    if (s != GH_OK)
        return s;
    if (!have[0]) {
        s = adopt_key(st, path);
        if (s != GH_OK)
            return s;
        st->sitekey_ok = 1;
        return GH_OK;
    }
    s = gh_sitekey_read(path, st->sitekey, err, sizeof err);
    if (s != GH_OK) {
        char why[GH_STORE_ERRMSG_LEN];
        snprintf(why, sizeof why, _("%s; restore it from the backup (the .key file beside it)"),
                 err);
        key_unusable(st, why);
        return GH_OK;
    }
    gh_sitekey_fingerprint(st->sitekey, fpr);
    if (strcmp(fpr, have) != 0) {
        char why[GH_STORE_ERRMSG_LEN];
        snprintf(why, sizeof why, _("the site key %s belongs to another database; "
                                    "restore this database's key from its backup"), path);
        key_unusable(st, why);
        return GH_OK;
    }
    st->sitekey_ok = 1;
    return GH_OK;
}

enum gh_status gh_store_sitekey(struct gh_store *st, const unsigned char **key)
{
    *key = NULL;
    if (!st->sitekey_ok)
        return gh_store_fail(st, GH_E_CONFIG, "%s", st->sitekey_err[0] ? st->sitekey_err
                                                    : _("the site key is not loaded"));
    *key = st->sitekey;
    return GH_OK;
}

enum gh_status gh_store_keyed_hash(struct gh_store *st, const char *domain,
                                   const char *secret, char hex[GH_SITEKEY_HEX])
{
    const unsigned char *key;
    hex[0] = '\0';
    enum gh_status s = gh_store_sitekey(st, &key);
    if (s != GH_OK)
        return s;
    crypto_generichash_state h;
    unsigned char md[32];
    crypto_generichash_init(&h, key, GH_SITEKEY_BYTES, sizeof md);
    crypto_generichash_update(&h, (const unsigned char *)domain, strlen(domain) + 1);
    crypto_generichash_update(&h, (const unsigned char *)secret, strlen(secret));
    crypto_generichash_final(&h, md, sizeof md);
    sodium_bin2hex(hex, GH_SITEKEY_HEX, md, sizeof md);
    sodium_memzero(&h, sizeof h);
    return GH_OK;
}
