/*
 * store_internal.h: what the core's store-layer files (account.c, audit.c,
 * auth.c, outbox.c ...) share about a struct gh_store. Not installed, not for
 * plugins: they see only store.h.
 *
 * The idiom for SQL in a core module:
 *
 *     sqlite3_stmt *q = gh_store_prepare(st, "SELECT name FROM groups WHERE id = ?1");
 *     if (!q)
 *         return gh_store_sqlfail(st, "reading the group");
 *     sqlite3_bind_int64(q, 1, id);
 *     int rc = sqlite3_step(q);
 *     ...
 *     gh_store_done(st, q);        // always, on every path (resets or frees)
 *
 * gh_store_prepare caches one statement per SQL text, so the literal is
 * compiled once per handle. If the cached statement is still running (a
 * callback in the middle of a list asks for the same query), a fresh,
 * uncached statement is returned instead; gh_store_done finalizes that one
 * and resets a cached one, so the pair is always right.
 *
 * Transactions nest (gh_store_begin/commit/rollback in store.h): the
 * outermost is BEGIN IMMEDIATE, inner ones are SAVEPOINTs, so an inner
 * rollback undoes only its own work (and drops the events it queued). A
 * refusal that must be logged although the change is undone is logged after
 * the rollback: gh_store_rollback(st); gh_audit_append(st, ...).
 */
#ifndef GATEHOUSE_STORE_INTERNAL_H
#define GATEHOUSE_STORE_INTERNAL_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/store.h"

#define GH_STORE_ERRMSG_LEN 1024
#define GH_STORE_MAX_DEPTH 32

struct gh_stmt_slot {
    char *sql;                 /* owned copy of the text (cache key) */
    sqlite3_stmt *stmt;
};

struct gh_queued_event {
    enum gh_event_kind kind;
    int64_t id;
    char *text;                /* owned copy, or NULL */
};

struct gh_store {
    sqlite3 *db;
    char *path;
    char errmsg[GH_STORE_ERRMSG_LEN];
    int schema_version;

    /* Transactions: depth 0 = none open. ev_mark[d] is the number of queued
     * events when level d+1 was opened, so a rollback of that level drops
     * what it queued. */
    int depth;
    size_t ev_mark[GH_STORE_MAX_DEPTH];
    struct gh_queued_event *events;
    size_t n_events, cap_events;

    gh_event_fn listener;
    void *listener_ud;

    struct gh_stmt_slot *stmts;
    size_t n_stmts, cap_stmts;

    /* Transaction control, prepared once each (on first use) instead of
     * parsed by sqlite3_exec on every begin/commit: BEGIN IMMEDIATE, COMMIT,
     * ROLLBACK, and per nesting level d SAVEPOINT gh_d, RELEASE gh_d,
     * ROLLBACK TO gh_d. See store.c. */
    sqlite3_stmt *tx_stmt[3];
    sqlite3_stmt *sp_stmt[GH_STORE_MAX_DEPTH][3];

    /* The site key (sitekey.c), loaded at open; sitekey_ok 0 with the
     * reason in sitekey_err when the file is missing or foreign. */
    unsigned char sitekey[32];
    int sitekey_ok;
    char sitekey_err[GH_STORE_ERRMSG_LEN];

    /* gh_settings_get returns a pointer into this. */
    char setting_buf[256];      /* kiosk_name: 60 characters of up to 4 bytes */
};

/* The connection, for what the helpers below do not cover. */
sqlite3 *gh_store_db(struct gh_store *st);
/* A reset, unbound statement for sql (cached per handle), or NULL with the
 * SQLite error on the handle (call gh_store_sqlfail). Pair with gh_store_done. */
sqlite3_stmt *gh_store_prepare(struct gh_store *st, const char *sql);
/* Resets and clears a statement from gh_store_prepare, or finalizes it if it
 * was an uncached one. NULL is fine. */
void gh_store_done(struct gh_store *st, sqlite3_stmt *stmt);
/* Maps the connection's last SQLite error: a UNIQUE or PRIMARY KEY violation
 * is GH_E_EXISTS, out of memory GH_E_NOMEM, a busy database GH_E_TRANSIENT,
 * anything else GH_E_STORE. errmsg becomes "WHAT: <sqlite3_errmsg>". */
enum gh_status gh_store_sqlfail(struct gh_store *st, const char *what);
/* Runs SQL without results and without parameters (migrations, pragmas). */
enum gh_status gh_store_exec(struct gh_store *st, const char *sql, const char *what);
/* Depth of open transactions (0: none). */
int gh_store_in_tx(const struct gh_store *st);

/* One statement, without the hand-written prepare/bind/step/done block.
 * Parameters are bound by position (?1, ?2 ...) from GH_INT / GH_TEXT ...:
 *
 *     s = gh_store_run(st, _("saving the account"),
 *                      "UPDATE accounts SET name = ?2 WHERE id = ?1",
 *                      GH_INT(id), GH_TEXT(name));
 *
 * Texts are bound without a copy: they must live until the call returns. */
enum gh_bind_type {
    GH_BIND_INT,               /* int64 */
    GH_BIND_INT_OR_NULL,       /* int64, NULL when 0 */
    GH_BIND_TEXT,              /* text, NULL when NULL */
    GH_BIND_TEXT_OR_NULL,      /* text, NULL when NULL or "" */
};
struct gh_bind {
    enum gh_bind_type type;
    int64_t i;
    const char *t;
};
#define GH_INT(v) ((struct gh_bind){GH_BIND_INT, (int64_t)(v), NULL})
#define GH_INT_OR_NULL(v) ((struct gh_bind){GH_BIND_INT_OR_NULL, (int64_t)(v), NULL})
#define GH_TEXT(v) ((struct gh_bind){GH_BIND_TEXT, 0, (v)})
#define GH_TEXT_OR_NULL(v) ((struct gh_bind){GH_BIND_TEXT_OR_NULL, 0, (v)})

/* Runs one statement that returns no rows (INSERT, UPDATE, DELETE) with
 * the binds; GH_OK, or gh_store_sqlfail(st, what). Use gh_store_changes or
 * sqlite3_last_insert_rowid afterwards as needed. At least one bind; for
 * none, gh_store_exec. */
#define gh_store_run(st, what, sql, ...)                                          \
    gh_store_run_n((st), (what), (sql), (const struct gh_bind[]){__VA_ARGS__},   \
                   sizeof((const struct gh_bind[]){__VA_ARGS__}) / sizeof(struct gh_bind))
enum gh_status gh_store_run_n(struct gh_store *st, const char *what, const char *sql,
                              const struct gh_bind *binds, size_t n);

/* Reads one row by one key (?1): row_fn fills *out from the row. GH_OK,
 * GH_E_NOTFOUND without a message (the caller knows what it looked for and
 * says it better), or gh_store_sqlfail(st, what). The loader of an
 * account, a group and a location. */
typedef void (*gh_store_row_fn)(struct gh_store *st, sqlite3_stmt *q, void *out);
enum gh_status gh_store_get_one(struct gh_store *st, const char *sql, struct gh_bind key,
                                gh_store_row_fn row_fn, void *out, const char *what);

/* Rows changed by the last statement. */
int64_t gh_store_changes(struct gh_store *st);

/* Small text helpers every module needs. */
/* Column text, "" for NULL. */
const char *gh_store_col_text(sqlite3_stmt *q, int col);
/* Copies src (NULL: "") into dst of size n, always terminated, never
 * cutting a UTF-8 character in half. */
void gh_store_copy(char *dst, size_t n, const char *src);

/* Migrations (migrate.c): brings the database to gh_store_schema_latest()
 * in one transaction; GH_E_SCHEMA if it is newer. Called by gh_store_open. */
enum gh_status gh_store_migrate(struct gh_store *st);
/* Loads (or, for a database that never had one, creates) the site key;
 * called by gh_store_open after migrating. See sitekey.c. */
enum gh_status gh_store_load_sitekey(struct gh_store *st);

#endif
