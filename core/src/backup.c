/*
 * backup.c: online backup, checked restore and the kiosk's instance lock
 * (see backup.h for the rules).
 *
 * This is store-layer code: it talks to SQLite directly, because the online
 * backup API works on raw connections and because a file being checked must
 * not be migrated in place. Everything that reads a backup works on a private
 * copy: gh_store_open() migrates what it opens, and a backup must stay
 * exactly what was taken.
 */
#include "store_internal.h"
#include "gatehouse/backup.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a copy waits for a busy database (a writer in rollback-journal
 * mode, or another restore) before giving up. WAL readers never wait. */
#define BUSY_MS 10000

struct gh_instance_lock {
    int fd;
    int writable;   /* could write our pid into the file */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "a/b/c.db" -> "a/b", "c.db" -> ".", "/c.db" -> "/". */
static void dir_of(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, n, ".");
    else if (slash == path)
        snprintf(out, n, "/");
    else
        snprintf(out, n, "%.*s", (int)(slash - path), path);
}

static int join(char *out, size_t n, const char *a, const char *b)
{
    int r = snprintf(out, n, "%s%s", a, b);
    return r >= 0 && (size_t)r < n ? 0 : -1;
}

/* When root (an operator's gatehousectl) creates a file in the kiosk's
 * folder, hand it to the folder's owner, or the kiosk could not use it. */
static void own_like_dir(int fd, const char *path)
{
    if (geteuid() != 0)
        return;
    char dir[PATH_MAX];
    struct stat ds, fs;
    dir_of(path, dir, sizeof dir);
    if (stat(dir, &ds) != 0 || fstat(fd, &fs) != 0)
        return;
    if (fs.st_uid != 0 || (fs.st_uid == ds.st_uid && fs.st_gid == ds.st_gid))
        return;
    if (fchown(fd, ds.st_uid, ds.st_gid) != 0) {
        /* Not fatal: the file stays root's, and the kiosk says it can't
         * open it, which names the file. */
    }
}

static void own_path_like_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        own_like_dir(fd, path);
        close(fd);
    }
}

static long read_pid(int fd)
{
    char buf[32];
    ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
    if (r <= 0)
        return -1;
    buf[r] = '\0';
    char *end = NULL;
    long pid = strtol(buf, &end, 10);
    return pid > 0 && end != buf ? pid : -1;
}

enum gh_status gh_store_instance_lock(const char *db_path, struct gh_instance_lock **out,
                                      char *err, size_t errlen)
{
    char path[PATH_MAX];
    *out = NULL;
    if (join(path, sizeof path, db_path, ".lock") != 0) {
        seterr(err, errlen, _("database path too long: %s"), db_path);
        return GH_E_INVALID;
    }
    int writable = 1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && (errno == EACCES || errno == EROFS)) {
        /* flock works on a read-only descriptor; only the pid is lost. */
        writable = 0;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) {
        seterr(err, errlen, _("can't open the lock file %s: %s"), path, strerror(errno));
        return GH_E_IO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        long pid = read_pid(fd);
        close(fd);
        if (e == EWOULDBLOCK) {
            if (pid > 0)
                seterr(err, errlen, _("the database %s is in use by a running Gatehouse (pid %ld)"),
                       db_path, pid);
            else
                seterr(err, errlen, _("the database %s is in use by a running Gatehouse"), db_path);
            return GH_E_REFUSED;
        }
        seterr(err, errlen, _("can't lock %s: %s"), path, strerror(e));
        return GH_E_IO;
    }
    own_like_dir(fd, path);
    if (writable) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
            /* The lock holds without the pid; messages just can't name it. */
        }
    }
    struct gh_instance_lock *lk = malloc(sizeof *lk);
    if (!lk) {
        close(fd);
        seterr(err, errlen, "%s", gh_strerror(GH_E_NOMEM));
        return GH_E_NOMEM;
    }
    lk->fd = fd;
    lk->writable = writable;
    *out = lk;
    return GH_OK;
}

void gh_store_instance_unlock(struct gh_instance_lock *lk)
{
    if (!lk)
        return;
    /* Clear the pid first so nobody reads a stale one; the file itself stays:
     * unlinking a flock file races with the next process opening it. */
    if (lk->writable && ftruncate(lk->fd, 0) != 0) {
        /* harmless: a pid is only read while the lock is held */
    }
    flock(lk->fd, LOCK_UN);
    close(lk->fd);
    free(lk);
}

long gh_store_instance_holder(const char *db_path)
{
    char path[PATH_MAX];
    if (join(path, sizeof path, db_path, ".lock") != 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    long holder = 0;
    /* A shared lock succeeds only when nobody holds the exclusive one. */
    if (flock(fd, LOCK_SH | LOCK_NB) == 0)
        flock(fd, LOCK_UN);
    else if (errno == EWOULDBLOCK)
        holder = read_pid(fd);
    close(fd);
    return holder;
}

/* Copies the whole main database of src into dst in one backup step, so the
 * copy is one consistent snapshot; retries while either side is busy. */
static enum gh_status copy_db(const char *src_path, int src_flags, const char *dst_path,
                              int dst_flags, char *err, size_t errlen)
{
    enum gh_status s = GH_E_STORE;
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *bk = NULL;
    int rc = sqlite3_open_v2(src_path, &src, src_flags, NULL);
    if (rc != SQLITE_OK) {
        seterr(err, errlen, _("can't open %s: %s"), src_path,
               src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
        if (rc == SQLITE_CANTOPEN)
            s = GH_E_NOTFOUND;
        goto fail;
    }
    sqlite3_busy_timeout(src, BUSY_MS);
    rc = sqlite3_open_v2(dst_path, &dst, dst_flags, NULL);
    if (rc != SQLITE_OK) {
        seterr(err, errlen, _("can't open %s: %s"), dst_path,
               dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(dst, BUSY_MS);
    bk = sqlite3_backup_init(dst, "main", src, "main");
    if (!bk) {
        seterr(err, errlen, _("can't copy %s to %s: %s"), src_path, dst_path, sqlite3_errmsg(dst));
        goto fail;
    }
    int64_t deadline = mono_ms() + BUSY_MS;
    for (;;) {
        rc = sqlite3_backup_step(bk, -1);
        if (rc == SQLITE_DONE)
            break;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && mono_ms() < deadline) {
            sqlite3_sleep(20);
            continue;
        }
        if (rc == SQLITE_NOTADB)
            seterr(err, errlen, _("%s is not a SQLite database"), src_path);
        else
            seterr(err, errlen, _("can't copy %s to %s: %s"), src_path, dst_path,
                   sqlite3_errstr(rc));
        goto fail;
    }
    rc = sqlite3_backup_finish(bk);
    bk = NULL;
    if (rc != SQLITE_OK) {
        seterr(err, errlen, _("can't copy %s to %s: %s"), src_path, dst_path, sqlite3_errmsg(dst));
        goto fail;
    }
    s = GH_OK;
fail:
    if (bk)
        sqlite3_backup_finish(bk);
    sqlite3_close(dst);
    sqlite3_close(src);
    return s;
}

/* Runs a one-row, one-column PRAGMA and copies its text answer. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    int ok = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto fail;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t ? (const char *)t : "");
        ok = 0;
    } else if (rc == SQLITE_DONE) {
        snprintf(out, n, "%s", "");
        ok = 0;
    }
fail:
    sqlite3_finalize(st);
    return ok;
}

/* A standalone file: rollback journal, integrity checked. */
static enum gh_status finish_copy(const char *path, const char *shown, int to_delete_mode,
                                  char *err, size_t errlen)
{
    enum gh_status s = GH_E_STORE;
    sqlite3 *db = NULL;
    char answer[512];
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        seterr(err, errlen, _("can't open %s: %s"), shown, db ? sqlite3_errmsg(db) : "?");
        goto fail;
    }
    sqlite3_busy_timeout(db, BUSY_MS);
    if (to_delete_mode && pragma_text(db, "PRAGMA journal_mode=DELETE", answer, sizeof answer) != 0) {
        seterr(err, errlen, _("can't set up %s: %s"), shown, sqlite3_errmsg(db));
        goto fail;
    }
    if (pragma_text(db, "PRAGMA integrity_check", answer, sizeof answer) != 0) {
        seterr(err, errlen, _("can't check %s: %s"), shown, sqlite3_errmsg(db));
        goto fail;
    }
    if (strcmp(answer, "ok") != 0) {
        seterr(err, errlen, _("%s failed the integrity check: %s"), shown, answer);
        goto fail;
    }
    s = GH_OK;
fail:
    sqlite3_close(db);
    return s;
}

/* A database file and everything SQLite (or gh_store_open: the site key)
 * may have put beside it. */
static void unlink_db(const char *path)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm", ".key"};
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
        if (join(p, sizeof p, path, sfx[i]) == 0)
            unlink(p);
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* A private file next to base (same file system, so rename is atomic). */
static int make_temp(char *out, size_t n, const char *base, const char *tag)
{
    int r = snprintf(out, n, "%s.%s-XXXXXX", base, tag);
    if (r < 0 || (size_t)r >= n)
        return -1;
    int fd = mkstemp(out);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* Is the database at path damaged: not a SQLite file at all (a bad header)
 * or failing PRAGMA quick_check? A file that is merely busy or can't be
 * opened is not "damaged": the ordinary restore path reports those. */
static int db_damaged(const char *path)
{
    sqlite3 *db = NULL;
    char answer[512];
    int damaged = 0;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        damaged = 1;
    } else if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, BUSY_MS);
        if (pragma_text(db, "PRAGMA quick_check", answer, sizeof answer) != 0) {
            int ec = sqlite3_errcode(db);
            damaged = ec == SQLITE_NOTADB || ec == SQLITE_CORRUPT;
        } else {
            damaged = strcmp(answer, "ok") != 0;
        }
    }
    sqlite3_close(db);
    return damaged;
}

/* Byte copy of src to a new file dst (mode 0600), synced. 0, or -1 with
 * errno set. Only for a damaged database, which SQLite can't copy. */
static int copy_bytes(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    char buf[65536];
    int ok = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ok = -1;
            break;
        }
        if (r == 0)
            break;
        for (ssize_t o = 0; o < r;) {
            ssize_t w = write(out, buf + o, (size_t)(r - o));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                ok = -1;
                break;
            }
            o += w;
        }
        if (ok != 0)
            break;
    }
    if (ok == 0 && fsync(out) != 0)
        ok = -1;
    int e = errno;
    own_like_dir(out, dst);
    close(out);
    close(in);
    errno = e;
    return ok;
}

/* Restore over a damaged database: SQLite can neither copy it aside nor
 * write into it, so its bytes (and its WAL, if any) are kept as prev, its
 * journal files removed (a stale WAL or journal would be replayed into the
 * new file) and the checked copy renamed into place. The instance lock
 * keeps the kiosk away; a gatehousectl that still has the damaged file open
 * keeps reading the old inode, which was unusable anyway. */
static enum gh_status replace_damaged(const char *db_path, const char *tmp, const char *prev,
                                      char *err, size_t errlen)
{
    char from[PATH_MAX], to[PATH_MAX], dir[PATH_MAX];
    struct stat sb;
    unlink_db(prev);
    if (copy_bytes(db_path, prev) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), prev, strerror(errno));
        return GH_E_IO;
    }
    if (join(from, sizeof from, db_path, "-wal") == 0 && stat(from, &sb) == 0 &&
        join(to, sizeof to, prev, "-wal") == 0 && copy_bytes(from, to) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), to, strerror(errno));
        return GH_E_IO;
    }
    static const char *const sfx[] = {"-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
        if (join(from, sizeof from, db_path, sfx[i]) == 0 && unlink(from) != 0 &&
            errno != ENOENT) {
            seterr(err, errlen, _("can't remove %s: %s"), from, strerror(errno));
            return GH_E_IO;
        }
    if (fsync_path(tmp, O_RDONLY) != 0 || rename(tmp, db_path) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), db_path, strerror(errno));
        return GH_E_IO;
    }
    dir_of(db_path, dir, sizeof dir);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return GH_OK;
}

/* ---- the site key beside a database or a backup ------------------------ */

/* The key fingerprint a database records (site_meta, schema 4 on), or ""
 * when it records none (an older database, or one never opened since). */
static void recorded_fpr(const char *path, char out[GH_SITEKEY_FPR_HEX])
{
    sqlite3 *db = NULL;
    out[0] = '\0';
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        pragma_text(db, "SELECT value FROM site_meta WHERE key = 'sitekey'", out,
                    GH_SITEKEY_FPR_HEX);
    sqlite3_close(db);
}

/* Writes key to file dst (mode 0600, synced); -1 with errno. own: hand it
 * to the folder's owner when root writes it (a key that goes beside the
 * kiosk's database); a backup's key is owned like the backup, by whoever
 * ran the command. */
static int write_key(const char *dst, const unsigned char key[GH_SITEKEY_BYTES], int own)
{
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    int ok = fchmod(fd, 0600) == 0 && write(fd, key, GH_SITEKEY_BYTES) == GH_SITEKEY_BYTES &&
             fsync(fd) == 0;
    int e = errno;
    if (own)
        own_like_dir(fd, dst);
    close(fd);
    errno = e;
    return ok ? 0 : -1;
}

/* The key file at key_path, checked against the fingerprint fpr that a
 * database records ("" records none). GH_OK and *have set (0: no file);
 * GH_E_NOTFOUND when fpr is recorded but the file is missing; GH_E_INVALID
 * when the file holds another key; GH_E_IO when it can't be read. */
static enum gh_status load_key(const char *key_path, const char *fpr, const char *what,
                               unsigned char key[GH_SITEKEY_BYTES], int *have,
                               char *err, size_t errlen)
{
    char why[600], got[GH_SITEKEY_FPR_HEX];
    *have = 0;
    enum gh_status s = gh_sitekey_read(key_path, key, why, sizeof why);
    if (s == GH_E_NOTFOUND && !fpr[0])
        return GH_OK;
    if (s == GH_E_NOTFOUND) {
        seterr(err, errlen, _("%s: its site key %s is missing (the database records key "
                              "%s); it is needed for setup codes"), what, key_path, fpr);
        return s;
    }
    if (s != GH_OK) {
        seterr(err, errlen, "%s: %s", what, why);
        return s;
    }
    gh_sitekey_fingerprint(key, got);
    if (fpr[0] && strcmp(got, fpr) != 0) {
        sodium_memzero(key, GH_SITEKEY_BYTES);
        seterr(err, errlen, _("%s: the site key %s is not this database's (it is key %s; the "
                              "database records key %s)"), what, key_path, got, fpr);
        return GH_E_INVALID;
    }
    *have = 1;
    return GH_OK;
}

/* ---- the schema: exactly what this version's migrations create ------------ */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* sql texts equal up to the length of runs of white space. */
static int sql_same(const char *a, const char *b)
{
    a = a ? a : "";
    b = b ? b : "";
    for (;;) {
        int wa = is_ws(*a), wb = is_ws(*b);
        if (wa != wb)
            return 0;
        if (wa) {
            while (is_ws(*a))
                a++;
            while (is_ws(*b))
                b++;
            continue;
        }
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

#define SCHEMA_SQL "SELECT type, name, sql FROM sqlite_master " \
                   "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"

static void note(char *msg, size_t n, const char *type, const char *name, const char *what)
{
    size_t used = strlen(msg);
    if (used + 8 >= n)
        return;
    snprintf(msg + used, n - used, "%s%s %s %s", used ? "; " : "", type, name, what);
}

/* Walks the two ordered listings side by side; msg lists the differences. */
static void schema_diff(sqlite3_stmt *have, sqlite3_stmt *want, char *msg, size_t n)
{
    int h = sqlite3_step(have) == SQLITE_ROW, w = sqlite3_step(want) == SQLITE_ROW;
    msg[0] = '\0';
    while (h || w) {
        int c = !h ? 1 : !w ? -1 : 0;
        if (h && w) {
            c = strcmp((const char *)sqlite3_column_text(have, 0),
                       (const char *)sqlite3_column_text(want, 0));
            if (c == 0)
                c = strcmp((const char *)sqlite3_column_text(have, 1),
                           (const char *)sqlite3_column_text(want, 1));
        }
        sqlite3_stmt *q = c <= 0 ? have : want;
        const char *type = (const char *)sqlite3_column_text(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        if (c < 0)
            note(msg, n, type, name, _("is not part of Gatehouse"));
        else if (c > 0)
            note(msg, n, type, name, _("is missing"));
        else if (!sql_same((const char *)sqlite3_column_text(have, 2),
                           (const char *)sqlite3_column_text(want, 2)))
            note(msg, n, type, name, _("differs from this version's"));
        if (c <= 0)
            h = sqlite3_step(have) == SQLITE_ROW;
        if (c >= 0)
            w = sqlite3_step(want) == SQLITE_ROW;
    }
}

/* The schema of the (migrated) copy st against a new database migrated by
 * this program: tables, columns, indexes, triggers and views, by type, name
 * and sql. GH_E_INVALID naming every difference. */
static enum gh_status schema_exact(struct gh_store *st, const char *shown, char *err,
                                   size_t errlen)
{
    struct gh_store *fresh = NULL;
    char why[512], diff[1024];
    enum gh_status s = gh_store_open(":memory:", &fresh, why, sizeof why);
    if (s != GH_OK) {
        seterr(err, errlen, _("can't build this version's schema: %s"), why);
        return s;
    }
    sqlite3_stmt *have = NULL, *want = NULL;
    s = GH_E_STORE;
    if (sqlite3_prepare_v2(gh_store_db(st), SCHEMA_SQL, -1, &have, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(gh_store_db(fresh), SCHEMA_SQL, -1, &want, NULL) != SQLITE_OK) {
        seterr(err, errlen, _("can't read the schema of %s: %s"), shown,
               sqlite3_errmsg(gh_store_db(st)));
        goto done;
    }
    schema_diff(have, want, diff, sizeof diff);
    s = GH_OK;
    if (diff[0]) {
        seterr(err, errlen, _("%s: its schema is not what this version of Gatehouse creates: "
                              "%s"), shown, diff);
        s = GH_E_INVALID;
    }
done:
    sqlite3_finalize(have);
    sqlite3_finalize(want);
    gh_store_close(fresh);
    return s;
}

/* Before the copy is opened (and migrated, which writes to it): every
 * trigger and view in it must be one this version's schema has, so none
 * smuggled in runs even once. Tables and indexes run nothing; an older
 * backup may have some a later migration drops, and schema_exact compares
 * them all once the copy is migrated. */
static enum gh_status schema_known(sqlite3 *db, const char *shown, char *err, size_t errlen)
{
    struct gh_store *fresh = NULL;
    char why[512], extra[1024] = "";
    if (gh_store_open(":memory:", &fresh, why, sizeof why) != GH_OK) {
        seterr(err, errlen, _("can't build this version's schema: %s"), why);
        return GH_E_STORE;
    }
    sqlite3_stmt *have = NULL, *known = NULL;
    enum gh_status s = GH_E_STORE;
    if (sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_master WHERE type IN "
                           "('trigger', 'view') ORDER BY type, name", -1, &have,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(gh_store_db(fresh), "SELECT 1 FROM sqlite_master WHERE type = ?1 "
                           "AND name = ?2", -1, &known, NULL) != SQLITE_OK) {
        seterr(err, errlen, _("can't read the schema of %s: %s"), shown, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(have) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(have, 0);
        const char *name = (const char *)sqlite3_column_text(have, 1);
        sqlite3_bind_text(known, 1, type, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(known, 2, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(known) != SQLITE_ROW)
            note(extra, sizeof extra, type, name, _("is not part of Gatehouse"));
        sqlite3_reset(known);
    }
    s = GH_OK;
    if (extra[0]) {
        seterr(err, errlen, _("%s: its schema is not what this version of Gatehouse creates: "
                              "%s"), shown, extra);
        s = GH_E_INVALID;
    }
done:
    sqlite3_finalize(have);
    sqlite3_finalize(known);
    gh_store_close(fresh);
    return s;
}

/* The database's key, checked against what the backup (copy) records and
 * written to a temporary file beside file.key (ktmp; "" when the database
 * has no key yet, an older one never opened since). */
static enum gh_status stage_backup_key(const char *db_path, const char *copy, const char *file,
                                       char *ktmp, size_t n, char *err, size_t errlen)
{
    char fpr[GH_SITEKEY_FPR_HEX], src[PATH_MAX], dst[PATH_MAX];
    unsigned char key[GH_SITEKEY_BYTES];
    int have = 0;
    ktmp[0] = '\0';
    if (gh_sitekey_path(db_path, src, sizeof src) != GH_OK ||
        gh_sitekey_path(file, dst, sizeof dst) != GH_OK) {
        seterr(err, errlen, _("path too long: %s"), file);
        return GH_E_INVALID;
    }
    recorded_fpr(copy, fpr);
    enum gh_status s = load_key(src, fpr, db_path, key, &have, err, errlen);
    if (s == GH_OK && have) {
        if (make_temp(ktmp, n, dst, "tmp") != 0 || write_key(ktmp, key, 0) != 0) {
            seterr(err, errlen, _("can't write %s: %s"), dst, strerror(errno));
            if (ktmp[0])
                unlink(ktmp);
            ktmp[0] = '\0';
            s = GH_E_IO;
        }
    }
    sodium_memzero(key, sizeof key);
    return s;
}

/* Moves the staged key (or, with none, a stale one from an earlier backup)
 * into place as file.key. */
static enum gh_status place_backup_key(const char *ktmp, const char *file, char *err,
                                       size_t errlen)
{
    char dst[PATH_MAX];
    if (gh_sitekey_path(file, dst, sizeof dst) != GH_OK)
        return GH_E_INVALID;
    if (!ktmp[0]) {
        unlink(dst);
        return GH_OK;
    }
    if (rename(ktmp, dst) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), dst, strerror(errno));
        unlink(ktmp);
        return GH_E_IO;
    }
    return GH_OK;
}

enum gh_status gh_backup_create(const char *db_path, const char *file,
                                struct gh_backup_info *info, char *err, size_t errlen)
{
    enum gh_status s;
    char tmp[PATH_MAX] = "", ktmp[PATH_MAX] = "", dir[PATH_MAX];
    struct stat sb;
    if (info)
        memset(info, 0, sizeof *info);
    if (stat(db_path, &sb) != 0) {
        seterr(err, errlen, _("no database at %s: %s"), db_path, strerror(errno));
        return GH_E_NOTFOUND;
    }
    if (make_temp(tmp, sizeof tmp, file, "tmp") != 0) {
        seterr(err, errlen, _("can't write %s: %s"), file, strerror(errno));
        return GH_E_IO;
    }
    /* Read-write without create: a WAL reader needs the -shm file, and a
     * missing database must not be created by a backup. */
    s = copy_db(db_path, SQLITE_OPEN_READWRITE, tmp, SQLITE_OPEN_READWRITE, err, errlen);
    if (s == GH_OK)
        s = finish_copy(tmp, file, 1, err, errlen);
    if (s == GH_OK)
        s = stage_backup_key(db_path, tmp, file, ktmp, sizeof ktmp, err, errlen);
    if (s != GH_OK)
        goto fail;
    if (fsync_path(tmp, O_RDONLY) != 0 || rename(tmp, file) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), file, strerror(errno));
        s = GH_E_IO;
        goto fail;
    }
    s = place_backup_key(ktmp, file, err, errlen);
    dir_of(file, dir, sizeof dir);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    if (s != GH_OK)
        return s;
    if (info && stat(file, &sb) == 0)
        info->bytes = sb.st_size;
    if (info) {
        sqlite3 *db = NULL;
        char v[32];
        info->has_key = ktmp[0] != '\0';
        if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            pragma_text(db, "PRAGMA user_version", v, sizeof v) == 0)
            info->schema_version = atoi(v);
        sqlite3_close(db);
    }
    return GH_OK;
fail:
    if (ktmp[0])
        unlink(ktmp);
    unlink_db(tmp);
    return s;
}

/* The first checks, on the raw copy before anything opens it as a store:
 * a Gatehouse database, with nothing in its schema this version lacks. */
static enum gh_status check_raw(const char *copy, const char *shown, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char v[32], audit[8];
    enum gh_status s = GH_E_STORE;
    if (sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        pragma_text(db, "PRAGMA user_version", v, sizeof v) != 0 ||
        pragma_text(db, "SELECT 'yes' FROM sqlite_master WHERE type = 'table' AND name = 'audit'",
                    audit, sizeof audit) != 0) {
        seterr(err, errlen, _("can't read %s: %s"), shown, db ? sqlite3_errmsg(db) : "?");
        goto done;
    }
    if (atoi(v) < 1 || strcmp(audit, "yes") != 0) {
        seterr(err, errlen, _("%s is not a Gatehouse database"), shown);
        s = GH_E_INVALID;
        goto done;
    }
    s = atoi(v) > gh_store_schema_latest() ? GH_OK : schema_known(db, shown, err, errlen);
done:
    sqlite3_close(db);
    return s;
}

/* The backup's own site key (file.key), put beside the copy as copy.key
 * (where gh_store_open looks), after checking it is the key the backup
 * records. No key file and none recorded: nothing to do. */
static enum gh_status stage_key(const char *copy, const char *file, char *err, size_t errlen)
{
    char fpr[GH_SITEKEY_FPR_HEX], src[PATH_MAX], dst[PATH_MAX];
    unsigned char key[GH_SITEKEY_BYTES];
    int have = 0;
    if (gh_sitekey_path(file, src, sizeof src) != GH_OK ||
        gh_sitekey_path(copy, dst, sizeof dst) != GH_OK) {
        seterr(err, errlen, _("path too long: %s"), file);
        return GH_E_INVALID;
    }
    recorded_fpr(copy, fpr);
    enum gh_status s = load_key(src, fpr, file, key, &have, err, errlen);
    if (s == GH_OK && have && write_key(dst, key, 1) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), dst, strerror(errno));
        s = GH_E_IO;
    }
    sodium_memzero(key, sizeof key);
    return s;
}

/* The checks of gh_backup_check, on a private copy that may be migrated
 * (file is the backup itself, for messages and its key file). */
static enum gh_status check_copy(const char *copy, const char *file, struct gh_backup_info *info,
                                 char *err, size_t errlen)
{
    struct gh_store *st = NULL;
    char why[512];
    enum gh_status s = finish_copy(copy, file, 0, err, errlen);
    if (s == GH_OK)
        s = check_raw(copy, file, err, errlen);
    if (s == GH_OK)
        s = stage_key(copy, file, err, errlen);
    if (s != GH_OK)
        return s;
    s = gh_store_open(copy, &st, why, sizeof why);
    if (s != GH_OK) {
        seterr(err, errlen, "%s: %s", file, why);
        return s;
    }
    s = schema_exact(st, file, err, errlen);
    int64_t bad = 0, count = 0;
    if (s == GH_OK) {
        s = gh_audit_verify(st, &bad, &count);
        if (s == GH_E_TAMPERED)
            seterr(err, errlen, _("%s: the activity log was changed at entry %lld: %s"), file,
                   (long long)bad, gh_store_errmsg(st));
        else if (s != GH_OK)
            seterr(err, errlen, _("%s: can't verify the activity log: %s"), file,
                   gh_store_errmsg(st));
    }
    if (s == GH_OK && info) {
        info->schema_version = gh_store_schema_version(st);
        info->log_entries = count;
    }
    gh_store_close(st);
    return s;
}

enum gh_status gh_backup_check(const char *file, struct gh_backup_info *info,
                               char *err, size_t errlen)
{
    enum gh_status s;
    char base[PATH_MAX], tmp[PATH_MAX] = "";
    const char *tmpdir = getenv("TMPDIR");
    struct stat sb;
    if (info)
        memset(info, 0, sizeof *info);
    if (stat(file, &sb) != 0) {
        seterr(err, errlen, _("can't read %s: %s"), file, strerror(errno));
        return GH_E_NOTFOUND;
    }
    snprintf(base, sizeof base, "%s/gatehouse", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (make_temp(tmp, sizeof tmp, base, "check") != 0) {
        seterr(err, errlen, _("can't make a temporary file: %s"), strerror(errno));
        return GH_E_IO;
    }
    s = copy_db(file, SQLITE_OPEN_READONLY, tmp, SQLITE_OPEN_READWRITE, err, errlen);
    if (s == GH_OK)
        s = check_copy(tmp, file, info, err, errlen);
    if (info && s == GH_OK)
        info->bytes = sb.st_size;
    unlink_db(tmp);
    return s;
}

/* The current database's key, kept beside prev (prev.key) with it. */
static enum gh_status keep_old_key(const char *db_path, const char *prev, char *err,
                                   size_t errlen)
{
    char from[PATH_MAX], to[PATH_MAX];
    struct stat sb;
    if (gh_sitekey_path(db_path, from, sizeof from) != GH_OK ||
        gh_sitekey_path(prev, to, sizeof to) != GH_OK || stat(from, &sb) != 0)
        return GH_OK;
    unlink(to);
    if (copy_bytes(from, to) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), to, strerror(errno));
        return GH_E_IO;
    }
    return GH_OK;
}

/* The checked copy's key (the backup's own, or the one its first open made)
 * becomes the database's: it was synced when written; the rename is atomic. */
static enum gh_status install_key(const char *tmp, const char *db_path, int *installed,
                                  char *err, size_t errlen)
{
    char from[PATH_MAX], to[PATH_MAX], dir[PATH_MAX];
    struct stat sb;
    *installed = 0;
    if (gh_sitekey_path(tmp, from, sizeof from) != GH_OK ||
        gh_sitekey_path(db_path, to, sizeof to) != GH_OK || stat(from, &sb) != 0)
        return GH_OK;
    if (rename(from, to) != 0) {
        seterr(err, errlen, _("the database was restored, but its site key could not be put "
                              "in place as %s: %s"), to, strerror(errno));
        return GH_E_IO;
    }
    own_path_like_dir(to);
    dir_of(db_path, dir, sizeof dir);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    *installed = 1;
    return GH_OK;
}

/* Puts the checked copy tmp in place of the database at db_path, keeping
 * the current one (and its key) as prev; prev is "" when there was none. */
static enum gh_status replace_db(const char *db_path, const char *tmp, char *prev, size_t n,
                                 char *err, size_t errlen)
{
    struct stat sb;
    enum gh_status s;
    if (stat(db_path, &sb) != 0) {
        prev[0] = '\0';
        s = copy_db(tmp, SQLITE_OPEN_READONLY, db_path,
                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen);
        if (s == GH_OK)
            own_path_like_dir(db_path);
        return s;
    }
    /* The current database, kept in case the wrong backup was chosen. */
    if (join(prev, n, db_path, ".pre-restore") != 0) {
        seterr(err, errlen, _("database path too long: %s"), db_path);
        return GH_E_INVALID;
    }
    if (db_damaged(db_path)) {
        s = replace_damaged(db_path, tmp, prev, err, errlen);
        if (s == GH_OK)
            own_path_like_dir(db_path);
        return s == GH_OK ? keep_old_key(db_path, prev, err, errlen) : s;
    }
    unlink_db(prev);
    int fd = open(prev, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        seterr(err, errlen, _("can't write %s: %s"), prev, strerror(errno));
        return GH_E_IO;
    }
    close(fd);
    s = copy_db(db_path, SQLITE_OPEN_READWRITE, prev, SQLITE_OPEN_READWRITE, err, errlen);
    if (s == GH_OK)
        s = finish_copy(prev, prev, 1, err, errlen);
    if (s == GH_OK)
        s = keep_old_key(db_path, prev, err, errlen);
    /* One write transaction on the live file: readers see old or new. */
    if (s == GH_OK)
        s = copy_db(tmp, SQLITE_OPEN_READONLY, db_path, SQLITE_OPEN_READWRITE, err, errlen);
    return s;
}

enum gh_status gh_backup_restore(const char *db_path, const char *file,
                                 struct gh_backup_info *info, char *err, size_t errlen)
{
    enum gh_status s;
    struct gh_instance_lock *lk = NULL;
    char tmp[PATH_MAX] = "", prev[PATH_MAX] = "";
    struct stat sb;
    int installed = 0;
    if (info)
        memset(info, 0, sizeof *info);

    s = gh_store_instance_lock(db_path, &lk, err, errlen);
    if (s == GH_E_REFUSED) {
        long pid = gh_store_instance_holder(db_path);
        seterr(err, errlen,
               _("a running Gatehouse (pid %ld) is using %s; stop it first "
                 "(systemctl stop gatehouse-kiosk.service gatehouse.service)"),
               pid, db_path);
    }
    if (s != GH_OK)
        return s;
    if (stat(file, &sb) != 0) {
        seterr(err, errlen, _("can't read %s: %s"), file, strerror(errno));
        s = GH_E_NOTFOUND;
        goto fail;
    }
    if (make_temp(tmp, sizeof tmp, db_path, "restore") != 0) {
        seterr(err, errlen, _("can't write next to %s: %s"), db_path, strerror(errno));
        s = GH_E_IO;
        goto fail;
    }
    s = copy_db(file, SQLITE_OPEN_READONLY, tmp, SQLITE_OPEN_READWRITE, err, errlen);
    if (s == GH_OK)
        s = check_copy(tmp, file, info, err, errlen);
    if (s == GH_OK)
        s = replace_db(db_path, tmp, prev, sizeof prev, err, errlen);
    if (s == GH_OK)
        s = install_key(tmp, db_path, &installed, err, errlen);
    if (s == GH_OK && info) {
        snprintf(info->previous, sizeof info->previous, "%s", prev);
        info->has_key = installed;
        /* The checked copy; after a damaged database it was renamed into place. */
        if (stat(tmp, &sb) == 0 || stat(db_path, &sb) == 0)
            info->bytes = sb.st_size;
    }
fail:
    if (tmp[0])
        unlink_db(tmp);
    gh_store_instance_unlock(lk);
    return s;
}
