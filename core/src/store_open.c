/*
 * store_open.c: opening the store (gh_store_open, see store.h). Above the
 * connection's primitives (store.c), the migrations (migrate.c) and the
 * site key (sitekey.c), which all use those primitives: so opening is its
 * own file and the calls point one way (store_open -> migrate, sitekey ->
 * store). Why synchronous=FULL: see store.c.
 */
#include "store_internal.h"
#include "gatehouse/i18n.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Waits for the write lock up to 5 s, trying every millisecond. SQLite's
 * own busy_timeout backs off to 100 ms between tries, so a writer that
 * frees the lock only briefly (an import between its batches) would make
 * an unlock wait for seconds; a short steady poll gets it in at once. */
static int busy_wait(void *ud, int tries)
{
    (void)ud;
    if (tries >= 5000)
        return 0;
    sqlite3_sleep(1);
    return 1;
}

static enum gh_status setup(struct gh_store *st)
{
    enum gh_status s;
    sqlite3_busy_handler(st->db, busy_wait, NULL);
    s = gh_store_exec(st, "PRAGMA foreign_keys = ON", "foreign keys");
    if (s != GH_OK)
        return s;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return gh_store_sqlfail(st, _("setting the journal mode"));
    }
    int rc = sqlite3_step(q);
    char mode[16] = "";
    if (rc == SQLITE_ROW)
        gh_store_copy(mode, sizeof mode, gh_store_col_text(q, 0));
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return gh_store_sqlfail(st, _("setting the journal mode"));
    /* An in-memory database (tests of pure rules) can't do WAL; a file must. */
    if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
        return gh_store_fail(st, GH_E_STORE,
                             _("%s: can't switch the database to WAL (journal mode is %s)"),
                             st->path, mode);
    /* Deleted or overwritten content is zeroed, so a setup code cleared
     * from the outbox or a replaced PIN hash does not linger in free space. */
    s = gh_store_exec(st, "PRAGMA secure_delete = ON", "secure delete");
    if (s != GH_OK)
        return s;
    return gh_store_exec(st, "PRAGMA synchronous = FULL", "synchronous");
}

enum gh_status gh_store_open(const char *path, struct gh_store **out, char *err, size_t errlen)
{
    enum gh_status s;
    *out = NULL;
    if (!path || !*path) {
        set_err(err, errlen, "%s", _("no database path given"));
        return GH_E_INVALID;
    }
    /* Every module after this may hash or draw random numbers. */
    if (sodium_init() < 0) {
        set_err(err, errlen, "%s", _("the crypto library could not start"));
        return GH_E_INTERNAL;
    }
    struct gh_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        set_err(err, errlen, "%s", _("out of memory"));
        return GH_E_NOMEM;
    }
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        gh_store_fail(st, GH_E_STORE, _("%s: can't open the database: %s"), path,
                      st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        s = GH_E_STORE;
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    s = setup(st);
    if (s != GH_OK)
        goto fail;
    s = gh_store_migrate(st);
    if (s != GH_OK)
        goto fail;
    s = gh_store_load_sitekey(st);
    if (s != GH_OK)
        goto fail;
    st->errmsg[0] = '\0';
    *out = st;
    return GH_OK;

fail:
    set_err(err, errlen, "%s", st->errmsg);
    gh_store_close(st);
    return s;
}

