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
#include "gatehouse/backup.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

static void unlink_db(const char *path)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
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

enum gh_status gh_backup_create(const char *db_path, const char *file,
                                struct gh_backup_info *info, char *err, size_t errlen)
{
    enum gh_status s;
    char tmp[PATH_MAX] = "", dir[PATH_MAX];
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
    if (s != GH_OK)
        goto fail;
    s = finish_copy(tmp, file, 1, err, errlen);
    if (s != GH_OK)
        goto fail;
    if (fsync_path(tmp, O_RDONLY) != 0 || rename(tmp, file) != 0) {
        seterr(err, errlen, _("can't write %s: %s"), file, strerror(errno));
        s = GH_E_IO;
        goto fail;
    }
    dir_of(file, dir, sizeof dir);
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    if (info && stat(file, &sb) == 0)
        info->bytes = sb.st_size;
    if (info) {
        sqlite3 *db = NULL;
        char v[32];
        if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            pragma_text(db, "PRAGMA user_version", v, sizeof v) == 0)
            info->schema_version = atoi(v);
        sqlite3_close(db);
    }
    return GH_OK;
fail:
    unlink_db(tmp);
    return s;
}

/* The checks of gh_backup_check, on a private copy that may be migrated. */
static enum gh_status check_copy(const char *copy, const char *shown, struct gh_backup_info *info,
                                 char *err, size_t errlen)
{
    enum gh_status s = finish_copy(copy, shown, 0, err, errlen);
    sqlite3 *db = NULL;
    struct gh_store *st = NULL;
    char v[32], audit[8];
    if (s != GH_OK)
        goto fail;
    s = GH_E_STORE;
    if (sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        pragma_text(db, "PRAGMA user_version", v, sizeof v) != 0 ||
        pragma_text(db, "SELECT 'yes' FROM sqlite_master WHERE type = 'table' AND name = 'audit'",
                    audit, sizeof audit) != 0) {
        seterr(err, errlen, _("can't read %s: %s"), shown, db ? sqlite3_errmsg(db) : "?");
        goto fail;
    }
    sqlite3_close(db);
    db = NULL;
    if (atoi(v) < 1 || strcmp(audit, "yes") != 0) {
        seterr(err, errlen, _("%s is not a Gatehouse database"), shown);
        s = GH_E_INVALID;
        goto fail;
    }
    char why[512];
    s = gh_store_open(copy, &st, why, sizeof why);
    if (s != GH_OK) {
        seterr(err, errlen, "%s: %s", shown, why);
        goto fail;
    }
    int64_t bad = 0, count = 0;
    s = gh_audit_verify(st, &bad, &count);
    if (s == GH_E_TAMPERED) {
        seterr(err, errlen, _("%s: the activity log was changed at entry %lld: %s"), shown,
               (long long)bad, gh_store_errmsg(st));
        goto fail;
    }
    if (s != GH_OK) {
        seterr(err, errlen, _("%s: can't verify the activity log: %s"), shown, gh_store_errmsg(st));
        goto fail;
    }
    if (info) {
        info->schema_version = gh_store_schema_version(st);
        info->log_entries = count;
    }
fail:
    gh_store_close(st);
    sqlite3_close(db);
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

enum gh_status gh_backup_restore(const char *db_path, const char *file,
                                 struct gh_backup_info *info, char *err, size_t errlen)
{
    enum gh_status s;
    struct gh_instance_lock *lk = NULL;
    char tmp[PATH_MAX] = "", prev[PATH_MAX] = "";
    struct stat sb;
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
    if (s != GH_OK)
        goto fail;
    s = check_copy(tmp, file, info, err, errlen);
    if (s != GH_OK)
        goto fail;

    int existed = stat(db_path, &sb) == 0;
    if (existed) {
        /* The current database, kept in case the wrong backup was chosen. */
        if (join(prev, sizeof prev, db_path, ".pre-restore") != 0) {
            seterr(err, errlen, _("database path too long: %s"), db_path);
            s = GH_E_INVALID;
            goto fail;
        }
        if (db_damaged(db_path)) {
            s = replace_damaged(db_path, tmp, prev, err, errlen);
            if (s != GH_OK)
                goto fail;
            own_path_like_dir(db_path);
            goto done;
        }
        unlink_db(prev);
        int fd = open(prev, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            seterr(err, errlen, _("can't write %s: %s"), prev, strerror(errno));
            s = GH_E_IO;
            goto fail;
        }
        close(fd);
        s = copy_db(db_path, SQLITE_OPEN_READWRITE, prev, SQLITE_OPEN_READWRITE, err, errlen);
        if (s == GH_OK)
            s = finish_copy(prev, prev, 1, err, errlen);
        if (s != GH_OK)
            goto fail;
    }
    /* One write transaction on the live file: readers see old or new. */
    s = copy_db(tmp, SQLITE_OPEN_READONLY, db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                err, errlen);
    if (s != GH_OK)
        goto fail;
    if (!existed)
        own_path_like_dir(db_path);
done:
    if (info) {
        snprintf(info->previous, sizeof info->previous, "%s", prev);
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
