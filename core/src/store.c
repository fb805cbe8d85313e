/*
 * store.c: the kiosk's one SQLite connection (see store.h, store_internal.h).
 *
 * Opening (store_open.c) sets the connection up the same way every time
 * (WAL, foreign keys, busy timeout, synchronous=FULL), then migrates. The handle carries a
 * person-readable errmsg, a statement cache, the nesting of transactions, and
 * the events raised inside a transaction, which are handed to the listener
 * only once the outermost transaction has committed: a listener (a plugin, the
 * mail thread) must never hear of a change that was then rolled back.
 *
 * Why synchronous=FULL and not NORMAL: in WAL mode NORMAL keeps the database
 * consistent across power loss but may lose the last committed transactions.
 * A kiosk in a lobby loses power now and then, and what it commits is a PIN
 * set, an approval, a log entry: things a person was told had happened. FULL
 * costs one fsync of the WAL per commit (measured on the build VM: ~2.5-3.7 ms
 * per small commit against ~0.04 ms with NORMAL), and commits here come at
 * human pace (a few per minute); bulk work (CSV import) batches rows into one
 * transaction. Durability wins.
 */
#include "store_internal.h"
#include "gatehouse/i18n.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum gh_status gh_store_fail(struct gh_store *st, enum gh_status s, const char *fmt, ...)
{
    if (!st)
        return s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return s;
}

enum gh_status gh_store_sqlfail(struct gh_store *st, const char *what)
{
    int xrc = sqlite3_extended_errcode(st->db);
    enum gh_status s = GH_E_STORE;
    if (xrc == SQLITE_CONSTRAINT_UNIQUE || xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
        s = GH_E_EXISTS;
    else if ((xrc & 0xff) == SQLITE_NOMEM)
        s = GH_E_NOMEM;
    else if ((xrc & 0xff) == SQLITE_BUSY || (xrc & 0xff) == SQLITE_LOCKED)
        s = GH_E_TRANSIENT;
    return gh_store_fail(st, s, "%s: %s", what ? what : _("database"),
                         sqlite3_errmsg(st->db));
}

sqlite3 *gh_store_db(struct gh_store *st) { return st->db; }
int gh_store_in_tx(const struct gh_store *st) { return st->depth; }
const char *gh_store_path(const struct gh_store *st) { return st->path; }
const char *gh_store_errmsg(const struct gh_store *st)
{
    return st ? st->errmsg : "no database";
}
int gh_store_schema_version(const struct gh_store *st) { return st->schema_version; }

const char *gh_store_col_text(sqlite3_stmt *q, int col)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    return t ? (const char *)t : "";
}

void gh_store_copy(char *dst, size_t n, const char *src)
{
    if (!dst || n == 0)
        return;
    if (!src)
        src = "";
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        /* Back off to the start of a UTF-8 sequence (not a continuation byte). */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* ---- statement cache --------------------------------------------------- */

sqlite3_stmt *gh_store_prepare(struct gh_store *st, const char *sql)
{
    size_t i;
    for (i = 0; i < st->n_stmts; i++)
        if (st->stmts[i].sql == sql || strcmp(st->stmts[i].sql, sql) == 0)
            break;
    if (i < st->n_stmts) {
        sqlite3_stmt *q = st->stmts[i].stmt;
        if (!sqlite3_stmt_busy(q)) {
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
            return q;
        }
        /* In use further up the stack: hand out a private one. */
        sqlite3_stmt *fresh = NULL;
        if (sqlite3_prepare_v2(st->db, sql, -1, &fresh, NULL) != SQLITE_OK) {
            sqlite3_finalize(fresh);
            return NULL;
        }
        return fresh;
    }

    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return NULL;
    }
    if (st->n_stmts == st->cap_stmts) {
        size_t cap = st->cap_stmts ? st->cap_stmts * 2 : 64;
        struct gh_stmt_slot *ns = realloc(st->stmts, cap * sizeof *ns);
        if (!ns)
            return q;   /* still usable, just not cached; done() finalizes it */
        st->stmts = ns;
        st->cap_stmts = cap;
    }
    char *copy = strdup(sql);
    if (!copy)
        return q;
    st->stmts[st->n_stmts].sql = copy;
    st->stmts[st->n_stmts].stmt = q;
    st->n_stmts++;
    return q;
}

void gh_store_done(struct gh_store *st, sqlite3_stmt *stmt)
{
    if (!stmt)
        return;
    for (size_t i = 0; i < st->n_stmts; i++) {
        if (st->stmts[i].stmt == stmt) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            return;
        }
    }
    sqlite3_finalize(stmt);
}

enum gh_status gh_store_exec(struct gh_store *st, const char *sql, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        enum gh_status s = gh_store_sqlfail(st, what);
        if (msg) {
            gh_store_fail(st, s, "%s: %s", what, msg);
            sqlite3_free(msg);
        }
        return s;
    }
    return GH_OK;
}

/* ---- one-statement helpers (store_internal.h) ------------------------------ */

static void bind_all(sqlite3_stmt *q, const struct gh_bind *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int at = (int)i + 1;
        switch (b[i].type) {
        case GH_BIND_INT:
            sqlite3_bind_int64(q, at, b[i].i);
            break;
        case GH_BIND_INT_OR_NULL:
            if (b[i].i)
                sqlite3_bind_int64(q, at, b[i].i);
            break;
        case GH_BIND_TEXT:
            if (b[i].t)
                sqlite3_bind_text(q, at, b[i].t, -1, SQLITE_STATIC);
            break;
        case GH_BIND_TEXT_OR_NULL:
            if (b[i].t && *b[i].t)
                sqlite3_bind_text(q, at, b[i].t, -1, SQLITE_STATIC);
            break;
        }
    }
}

enum gh_status gh_store_run_n(struct gh_store *st, const char *what, const char *sql,
                              const struct gh_bind *binds, size_t n)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    int rc;

    if (!q)
        return gh_store_sqlfail(st, what);
    bind_all(q, binds, n);
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return gh_store_sqlfail(st, what);
    return GH_OK;
}

enum gh_status gh_store_get_one(struct gh_store *st, const char *sql, struct gh_bind key,
                                gh_store_row_fn row_fn, void *out, const char *what)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    enum gh_status s = GH_OK;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, what);
    bind_all(q, &key, 1);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        row_fn(st, q, out);
    else
        s = rc == SQLITE_DONE ? GH_E_NOTFOUND : gh_store_sqlfail(st, what);
    gh_store_done(st, q);
    return s;
}

int64_t gh_store_changes(struct gh_store *st)
{
    return sqlite3_changes64(st->db);
}

/* ---- events -------------------------------------------------------------- */

void gh_store_set_listener(struct gh_store *st, gh_event_fn fn, void *ud)
{
    st->listener = fn;
    st->listener_ud = ud;
}

static void drop_events(struct gh_store *st, size_t keep)
{
    for (size_t i = keep; i < st->n_events; i++)
        free(st->events[i].text);
    if (keep < st->n_events)
        st->n_events = keep;
}

void gh_store_emit(struct gh_store *st, const struct gh_event *ev)
{
    if (!st || !ev)
        return;
    if (st->depth == 0) {
        if (st->listener)
            st->listener(st->listener_ud, ev);
        return;
    }
    if (st->n_events == st->cap_events) {
        size_t cap = st->cap_events ? st->cap_events * 2 : 16;
        struct gh_queued_event *ne = realloc(st->events, cap * sizeof *ne);
        if (!ne)
            return;   /* an event is a hint (wake-up, refresh), never the record */
        st->events = ne;
        st->cap_events = cap;
    }
    struct gh_queued_event *q = &st->events[st->n_events];
    q->kind = ev->kind;
    q->id = ev->id;
    q->text = ev->text ? strdup(ev->text) : NULL;
    st->n_events++;
}

/* Hands the queued events to the listener after the outermost commit. The
 * queue is taken off the handle first: a listener may itself open
 * transactions and emit. */
static void deliver_events(struct gh_store *st)
{
    struct gh_queued_event *evs = st->events;
    size_t n = st->n_events;
    st->events = NULL;
    st->n_events = st->cap_events = 0;
    for (size_t i = 0; i < n; i++) {
        if (st->listener) {
            struct gh_event ev = { evs[i].kind, evs[i].id, evs[i].text };
            st->listener(st->listener_ud, &ev);
        }
        free(evs[i].text);
    }
    free(evs);
}

/* ---- transactions -------------------------------------------------------- */

/* Nested transactions are savepoints, and core functions nest freely (an
 * audit append inside an account change inside an import row), so begin and
 * commit run several times per change. Parsing "SAVEPOINT gh_3" through
 * sqlite3_exec each time was a large part of the CPU of marking a mail sent;
 * each statement is now prepared once per handle and only stepped. */
enum tx_kind { TX_BEGIN, TX_COMMIT, TX_ROLLBACK };
enum sp_kind { SP_OPEN, SP_RELEASE, SP_ROLLBACK_TO };

/* Steps the cached statement in *slot, preparing sql into it on first use.
 * Errors name `what` and carry SQLite's message, as gh_store_exec does. */
static enum gh_status run_ctl(struct gh_store *st, sqlite3_stmt **slot, const char *sql,
                              const char *what)
{
    if (!*slot &&
        sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        sqlite3_finalize(*slot);
        *slot = NULL;
        return gh_store_sqlfail(st, what);
    }
    int rc = sqlite3_step(*slot);
    enum gh_status s = rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, what);
    sqlite3_reset(*slot);
    return s;
}

static enum gh_status run_tx(struct gh_store *st, enum tx_kind k, const char *what)
{
    static const char *const sql[] = { "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK" };
    return run_ctl(st, &st->tx_stmt[k], sql[k], what);
}

/* The savepoint of nesting level d (1 .. GH_STORE_MAX_DEPTH - 1). */
static enum gh_status run_sp(struct gh_store *st, enum sp_kind k, int d, const char *what)
{
    static const char *const verb[] = { "SAVEPOINT", "RELEASE", "ROLLBACK TO" };
    char sql[64];
    if (!st->sp_stmt[d][k])
        snprintf(sql, sizeof sql, "%s gh_%d", verb[k], d);
    return run_ctl(st, &st->sp_stmt[d][k], sql, what);
}

enum gh_status gh_store_begin(struct gh_store *st)
{
    if (st->depth >= GH_STORE_MAX_DEPTH)
        return gh_store_fail(st, GH_E_INTERNAL, "transactions nested too deeply");
    enum gh_status s = st->depth == 0
                           ? run_tx(st, TX_BEGIN, _("starting a transaction"))
                           : run_sp(st, SP_OPEN, st->depth, _("starting a transaction"));
    if (s != GH_OK)
        return s;
    st->ev_mark[st->depth] = st->n_events;
    st->depth++;
    return GH_OK;
}

enum gh_status gh_store_commit(struct gh_store *st)
{
    if (st->depth == 0)
        return gh_store_fail(st, GH_E_INTERNAL, "commit without a transaction");
    if (st->depth == 1) {
        enum gh_status s = run_tx(st, TX_COMMIT, _("saving the change"));
        if (s != GH_OK) {
            /* A failed COMMIT (disk full, I/O) leaves the transaction open:
             * undo it so the handle is usable and nothing half-done stays. */
            char keep[GH_STORE_ERRMSG_LEN];
            memcpy(keep, st->errmsg, sizeof keep);
            gh_store_rollback(st);
            memcpy(st->errmsg, keep, sizeof keep);
            return s;
        }
        st->depth = 0;
        deliver_events(st);
        return GH_OK;
    }
    enum gh_status s = run_sp(st, SP_RELEASE, st->depth - 1, _("saving the change"));
    if (s != GH_OK)
        return s;
    st->depth--;
    return GH_OK;
}

void gh_store_rollback(struct gh_store *st)
{
    if (!st || st->depth == 0)
        return;
    char keep[GH_STORE_ERRMSG_LEN];
    memcpy(keep, st->errmsg, sizeof keep);   /* the reason for rolling back */
    if (st->depth == 1) {
        if (!sqlite3_get_autocommit(st->db))
            run_tx(st, TX_ROLLBACK, "rollback");
        drop_events(st, 0);
        st->depth = 0;
    } else {
        /* As the one exec of "ROLLBACK TO ..; RELEASE .." did: stop at the
         * first failure (the savepoint is gone when SQLite already rolled
         * the whole transaction back). */
        if (run_sp(st, SP_ROLLBACK_TO, st->depth - 1, "rollback") == GH_OK)
            run_sp(st, SP_RELEASE, st->depth - 1, "rollback");
        drop_events(st, st->ev_mark[st->depth - 1]);
        st->depth--;
    }
    memcpy(st->errmsg, keep, sizeof keep);
}

/* ---- close (opening: store_open.c) ------------------------------------- */

void gh_store_close(struct gh_store *st)
{
    if (!st)
        return;
    while (st->depth > 0)
        gh_store_rollback(st);
    drop_events(st, 0);
    free(st->events);
    for (size_t i = 0; i < st->n_stmts; i++) {
        sqlite3_finalize(st->stmts[i].stmt);
        free(st->stmts[i].sql);
    }
    free(st->stmts);
    for (int k = 0; k < 3; k++) {
        sqlite3_finalize(st->tx_stmt[k]);
        for (int d = 0; d < GH_STORE_MAX_DEPTH; d++)
            sqlite3_finalize(st->sp_stmt[d][k]);
    }
    sodium_memzero(st->sitekey, sizeof st->sitekey);
    if (st->db)
        sqlite3_close_v2(st->db);   /* v2: never leaves the file open on a stray statement */
    free(st->path);
    free(st);
}
