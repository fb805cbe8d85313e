/*
 * test_core_infra.c: the core's infrastructure against real SQLite files.
 *
 * Each test gets a fresh temporary folder with its own database (WAL, as the
 * kiosk runs it) and the virtual clock, so lock-outs, code expiry and mail
 * backoff happen without sleeping. Test accounts are written with plain SQL
 * here (test code only), so these tests depend on nothing but the modules
 * they test plus gh_account_get/find for reading accounts back.
 *
 * Tests are named after the SPEC rule they check; ctest runs each one on its
 * own (the first argument is cmocka's name filter).
 */
#define _GNU_SOURCE   /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/notices.h"
#include "gatehouse/outbox.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"
#include "store_internal.h"

struct fx {
    char dir[256];
    char db[300];
    struct gh_store *st;
};

/* ---- helpers ---------------------------------------------------------------- */

static void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gh_clock_set_virtual(1);
    gh_test_store_open(f->dir, sizeof f->dir, f->db, sizeof f->db, "core-infra", &f->st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_test_store_close(f->dir, f->st);
    free(f);
    return 0;
}

static void sql(struct gh_store *st, const char *s)
{
    char *msg = NULL;
    int rc = sqlite3_exec(gh_store_db(st), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("SQL failed: %s: %s", s, msg ? msg : "?");
}

static int64_t sql_int(struct gh_store *st, const char *s)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(st), s, -1, &q, NULL), SQLITE_OK);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return v;
}

/* First column of the first row as text (static buffer). */
static const char *sql_text(struct gh_store *st, const char *s)
{
    static char buf[4096];
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(st), s, -1, &q, NULL), SQLITE_OK);
    buf[0] = '\0';
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return buf;
}

/* An account written directly (test code only). */
static int64_t add_account(struct gh_store *st, const char *kind, const char *email,
                           const char *name, const char *state, unsigned perms)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(st),
        "INSERT INTO accounts (kind, email, email_key, name, name_key, state, access, perms, "
        "created_at, updated_at) VALUES (?1, ?2, lower(?2), ?3, lower(?3), ?4, 'all', ?5, ?6, ?6)",
        -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, perms);
    sqlite3_bind_int64(q, 6, gh_clock_now_ms());
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    return sqlite3_last_insert_rowid(gh_store_db(st));
}

static int64_t audit_count(struct gh_store *st, const char *action, const char *outcome)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action = '%s' AND outcome = '%s'",
             action, outcome);
    return sql_int(st, q);
}

static const char *last_reason(struct gh_store *st, const char *action)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT reason FROM audit WHERE action = '%s' ORDER BY seq DESC LIMIT 1",
             action);
    return sql_text(st, q);
}

/* Whole file into memory ("" if missing). */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    *len = 0;
    if (!fp)
        return calloc(1, 1);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    *len = fread(b, 1, (size_t)n, fp);
    fclose(fp);
    return b;
}

/* Does any of the database's files (main, -wal) hold the bytes of s? */
static int db_files_contain(const char *db, const char *s)
{
    const char *sfx[] = { "", "-wal", "-journal" };
    for (size_t i = 0; i < 3; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s%s", db, sfx[i]);
        size_t len;
        char *b = slurp(p, &len);
        int hit = memmem(b, len, s, strlen(s)) != NULL;
        free(b);
        if (hit)
            return 1;
    }
    return 0;
}

struct pick { int64_t account; const char *kind; struct gh_mail m; int found; };
static int pick_fn(void *ud, const struct gh_mail *m)
{
    struct pick *p = ud;
    if (m->account_id == p->account && !strcmp(m->kind, p->kind)) {
        p->m = *m;
        p->m.body = strdup(m->body);
        p->found = 1;
        return 1;   /* newest first: the first match is the latest */
    }
    return 0;
}

/* The newest queued email of a kind for an account (body owned). */
static struct gh_mail latest_mail(struct gh_store *st, int64_t account, const char *kind)
{
    struct pick p = { account, kind, { 0 }, 0 };
    assert_int_equal(gh_outbox_list(st, -1, pick_fn, &p), GH_OK);
    assert_true(p.found);
    return p.m;
}

/* The setup code in the newest welcome email of an account. */
static void code_from_welcome(struct gh_store *st, int64_t account, char code[7])
{
    struct gh_mail m = latest_mail(st, account, "welcome");
    const char *p = strstr(m.body, "\n    ");
    assert_non_null(p);
    p += 5;
    for (int i = 0; i < 6; i++)
        assert_true(p[i] >= '0' && p[i] <= '9');
    memcpy(code, p, 6);
    code[6] = '\0';
    gh_mail_clear(&m);
}

/* ---- store and migrations ------------------------------------------------------ */

static void migrations_create_a_fresh_database_at_the_latest_schema(void **state)
{
    struct fx *f = *state;
    assert_true(gh_store_schema_latest() >= 2);
    assert_int_equal(gh_store_schema_version(f->st), gh_store_schema_latest());
    assert_int_equal(sql_int(f->st, "PRAGMA user_version"), gh_store_schema_latest());
    const char *tables[] = { "settings", "accounts", "locations", "groups", "audit",
                             "outbox", "setup_codes", "auth_failures" };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char q[128];
        snprintf(q, sizeof q, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'",
                 tables[i]);
        assert_int_equal(sql_int(f->st, q), 1);
    }
    /* migration 2 added the outbox secret column */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM pragma_table_info('outbox') "
                                    "WHERE name='secret'"), 1);
}

static void reopening_a_migrated_database_keeps_its_data(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_audit_append(f->st, "test", "test.mark", "x", GH_OUTCOME_OK, "kept"), GH_OK);
    gh_store_close(f->st);
    char err[256];
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
    assert_int_equal(gh_store_schema_version(f->st), gh_store_schema_latest());
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM audit WHERE reason='kept'"), 1);
}

static void a_database_from_a_newer_gatehouse_is_refused(void **state)
{
    struct fx *f = *state;
    char q[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", gh_store_schema_latest() + 1);
    sql(f->st, q);
    gh_store_close(f->st);
    f->st = NULL;
    char err[512] = "";
    struct gh_store *st = (struct gh_store *)1;
    assert_int_equal(gh_store_open(f->db, &st, err, sizeof err), GH_E_SCHEMA);
    assert_null(st);
    assert_non_null(strstr(err, "newer Gatehouse"));
    char ver[32];
    snprintf(ver, sizeof ver, "schema version %d", gh_store_schema_latest() + 1);
    assert_non_null(strstr(err, ver));
    /* and the file was not touched */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    sqlite3_step(s);
    assert_int_equal(sqlite3_column_int(s, 0), gh_store_schema_latest() + 1);
    sqlite3_finalize(s);
    sqlite3_close(db);
    /* teardown reopens nothing: put a handle back */
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    char set[64];
    snprintf(set, sizeof set, "PRAGMA user_version = %d", gh_store_schema_latest());
    sqlite3_exec(db, set, NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
}

static void *commit_later(void *db)
{
    usleep(200000);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return NULL;
}

static void store_is_wal_with_foreign_keys_and_full_sync(void **state)
{
    struct fx *f = *state;
    assert_string_equal(sql_text(f->st, "PRAGMA journal_mode"), "wal");
    assert_int_equal(sql_int(f->st, "PRAGMA foreign_keys"), 1);
    assert_int_equal(sql_int(f->st, "PRAGMA synchronous"), 2);   /* FULL */
    /* A busy database is waited for (the store's own busy handler, which
     * polls every millisecond for up to 5 s): another connection holds the
     * write lock for 200 ms, and begin gets it once that one commits. */
    sqlite3 *db2;
    pthread_t th;
    assert_int_equal(sqlite3_open(gh_store_path(f->st), &db2), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db2, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pthread_create(&th, NULL, commit_later, db2), 0);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    gh_store_rollback(f->st);
    pthread_join(th, NULL);
    sqlite3_close(db2);
    /* foreign keys really enforced */
    char *msg = NULL;
    int rc = sqlite3_exec(gh_store_db(f->st),
                          "INSERT INTO auth_failures (account_id, at) VALUES (999, 1)",
                          NULL, NULL, &msg);
    sqlite3_free(msg);
    assert_int_not_equal(rc, SQLITE_OK);
}

static void nested_transactions_commit_only_at_the_outermost(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    sql(f->st, "INSERT INTO settings (key, value) VALUES ('a', '1')");
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(gh_store_in_tx(f->st), 1);
    /* Another connection can't see it yet. */
    sqlite3 *other;
    assert_int_equal(sqlite3_open(f->db, &other), SQLITE_OK);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(other, "SELECT count(*) FROM settings WHERE key='a'", -1, &q, NULL);
    sqlite3_step(q);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_reset(q);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(gh_store_in_tx(f->st), 0);
    sqlite3_step(q);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(other);
}

/* Each level's SAVEPOINT, RELEASE and ROLLBACK TO is prepared once per handle
 * and reused (store.c): rounds down to the deepest level, each rolling back a
 * different level, must undo exactly that level and everything inside it. */
static void savepoints_reused_at_every_depth_keep_their_semantics(void **state)
{
    struct fx *f = *state;
    static const int rollback_at[] = { GH_STORE_MAX_DEPTH - 1, 20, 1, 20 };
    for (size_t r = 0; r < sizeof rollback_at / sizeof rollback_at[0]; r++) {
        sql(f->st, "DELETE FROM settings WHERE key LIKE 'sp%'");
        for (int d = 0; d < GH_STORE_MAX_DEPTH; d++) {
            char s[96];
            assert_int_equal(gh_store_begin(f->st), GH_OK);
            snprintf(s, sizeof s, "INSERT INTO settings (key, value) VALUES ('sp%d', '%zu')", d, r);
            sql(f->st, s);
        }
        assert_int_equal(gh_store_in_tx(f->st), GH_STORE_MAX_DEPTH);
        assert_int_equal(gh_store_begin(f->st), GH_E_INTERNAL);    /* one too deep */
        for (int d = GH_STORE_MAX_DEPTH - 1; d >= 1; d--) {
            if (d == rollback_at[r])
                gh_store_rollback(f->st);
            else
                assert_int_equal(gh_store_commit(f->st), GH_OK);
            assert_int_equal(gh_store_in_tx(f->st), d);
        }
        assert_int_equal(gh_store_commit(f->st), GH_OK);
        assert_int_equal(gh_store_in_tx(f->st), 0);
        assert_int_equal(sql_int(f->st, "SELECT count(*) FROM settings WHERE key LIKE 'sp%'"),
                         rollback_at[r]);
        char s[96];
        snprintf(s, sizeof s, "SELECT count(*) FROM settings WHERE key = 'sp%d'", rollback_at[r] - 1);
        assert_int_equal(sql_int(f->st, s), 1);
    }
    /* A whole transaction rolled back, then one committed, on the same handle. */
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    sql(f->st, "INSERT INTO settings (key, value) VALUES ('gone', '1')");
    gh_store_rollback(f->st);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    sql(f->st, "INSERT INTO settings (key, value) VALUES ('kept', '1')");
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM settings WHERE key IN ('gone', 'kept')"), 1);
    assert_int_equal(sqlite3_get_autocommit(gh_store_db(f->st)), 1);
}

struct evlog { int n; enum gh_event_kind kinds[16]; int64_t ids[16]; char texts[16][32]; };
static void on_event(void *ud, const struct gh_event *ev)
{
    struct evlog *l = ud;
    if (l->n < 16) {
        l->kinds[l->n] = ev->kind;
        l->ids[l->n] = ev->id;
        snprintf(l->texts[l->n], sizeof l->texts[0], "%s", ev->text ? ev->text : "");
        l->n++;
    }
}

static void inner_rollback_undoes_only_its_own_work_and_events(void **state)
{
    struct fx *f = *state;
    struct evlog l = { 0 };
    gh_store_set_listener(f->st, on_event, &l);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    sql(f->st, "INSERT INTO settings (key, value) VALUES ('outer', '1')");
    struct gh_event e1 = { GH_EVENT_SETTINGS, 1, "outer" };
    gh_store_emit(f->st, &e1);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    sql(f->st, "INSERT INTO settings (key, value) VALUES ('inner', '1')");
    struct gh_event e2 = { GH_EVENT_SETTINGS, 2, "inner" };
    gh_store_emit(f->st, &e2);
    gh_store_rollback(f->st);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM settings WHERE key='outer'"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM settings WHERE key='inner'"), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.ids[0], 1);
    assert_string_equal(l.texts[0], "outer");
}

static void events_are_delivered_after_commit_and_dropped_on_rollback(void **state)
{
    struct fx *f = *state;
    struct evlog l = { 0 };
    gh_store_set_listener(f->st, on_event, &l);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    char text[16] = "copied";
    struct gh_event e = { GH_EVENT_UNLOCK, 7, text };
    gh_store_emit(f->st, &e);
    strcpy(text, "changed");          /* the store kept its own copy */
    assert_int_equal(l.n, 0);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.kinds[0], GH_EVENT_UNLOCK);
    assert_string_equal(l.texts[0], "copied");

    assert_int_equal(gh_store_begin(f->st), GH_OK);
    gh_store_emit(f->st, &e);
    gh_store_rollback(f->st);
    assert_int_equal(l.n, 1);
    /* a later commit does not resurrect it */
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(l.n, 1);
}

static void emit_outside_a_transaction_delivers_at_once(void **state)
{
    struct fx *f = *state;
    struct evlog l = { 0 };
    gh_store_set_listener(f->st, on_event, &l);
    struct gh_event e = { GH_EVENT_HOME, 0, NULL };
    gh_store_emit(f->st, &e);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.kinds[0], GH_EVENT_HOME);
}

static void unique_violation_is_exists_with_sqlite_text(void **state)
{
    struct fx *f = *state;
    add_account(f->st, "occupant", "a@example.com", "A", "active", 0);
    sqlite3_stmt *q = gh_store_prepare(f->st,
        "INSERT INTO accounts (kind, email, email_key, state, created_at, updated_at) "
        "VALUES ('occupant', 'A@example.com', 'a@example.com', 'active', 0, 0)");
    assert_non_null(q);
    assert_int_not_equal(sqlite3_step(q), SQLITE_DONE);
    enum gh_status s = gh_store_sqlfail(f->st, "adding the account");
    gh_store_done(f->st, q);
    assert_int_equal(s, GH_E_EXISTS);
    assert_non_null(strstr(gh_store_errmsg(f->st), "adding the account: "));
    assert_non_null(strstr(gh_store_errmsg(f->st), "UNIQUE"));
}

static void statement_cache_survives_reentrant_use(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 3; i++)
        assert_int_equal(gh_audit_append(f->st, "t", "t.x", "", GH_OUTCOME_OK, "r"), GH_OK);
    const char *q_sql = "SELECT seq FROM audit ORDER BY seq";
    sqlite3_stmt *outer = gh_store_prepare(f->st, q_sql);
    assert_non_null(outer);
    int rows = 0;
    while (sqlite3_step(outer) == SQLITE_ROW) {
        /* the same SQL while the first is mid-way: a private statement */
        sqlite3_stmt *inner = gh_store_prepare(f->st, q_sql);
        assert_non_null(inner);
        assert_ptr_not_equal(inner, outer);
        assert_int_equal(sqlite3_step(inner), SQLITE_ROW);
        gh_store_done(f->st, inner);
        rows++;
    }
    gh_store_done(f->st, outer);
    assert_int_equal(rows, 3);
    /* and the cached one comes back, reset */
    sqlite3_stmt *again = gh_store_prepare(f->st, q_sql);
    assert_ptr_equal(again, outer);
    assert_int_equal(sqlite3_step(again), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(again, 0), 1);
    gh_store_done(f->st, again);
}


/* A second writer waits for the first (busy_timeout) instead of failing. */
struct holder { const char *db; int ok; };
static void *hold_write_lock(void *arg)
{
    struct holder *h = arg;
    struct gh_store *st;
    char err[256];
    if (gh_store_open(h->db, &st, err, sizeof err) != GH_OK)
        return NULL;
    if (gh_store_begin(st) == GH_OK) {
        h->ok = 1;
        usleep(300 * 1000);
        sqlite3_exec(gh_store_db(st), "INSERT INTO settings (key, value) VALUES ('held', '1')",
                     NULL, NULL, NULL);
        gh_store_commit(st);
    }
    gh_store_close(st);
    return NULL;
}

static void a_second_writer_waits_for_the_first(void **state)
{
    struct fx *f = *state;
    struct holder h = { f->db, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, hold_write_lock, &h), 0);
    for (int i = 0; i < 200 && !h.ok; i++)
        usleep(5 * 1000);
    assert_true(h.ok);
    assert_int_equal(gh_store_begin(f->st), GH_OK);   /* waits up to 5 s, gets it */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM settings WHERE key='held'"), 1);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    pthread_join(t, NULL);
}

static void an_unopenable_database_says_where_and_why(void **state)
{
    struct fx *f = *state;
    char path[400], err[512] = "";
    snprintf(path, sizeof path, "%s/no/such/folder/g.db", f->dir);
    struct gh_store *st = (struct gh_store *)1;
    assert_int_equal(gh_store_open(path, &st, err, sizeof err), GH_E_STORE);
    assert_null(st);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "can't open the database"));
    /* not a database at all */
    snprintf(path, sizeof path, "%s/junk.db", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is not sqlite. ", fp);
    fclose(fp);
    assert_int_not_equal(gh_store_open(path, &st, err, sizeof err), GH_OK);
    assert_null(st);
    assert_true(err[0] != '\0');
}

/* A listener may itself change things: its events come after, in order. */
struct chain { struct gh_store *st; int n; enum gh_event_kind seen[8]; };
static void chaining_listener(void *ud, const struct gh_event *ev)
{
    struct chain *c = ud;
    if (c->n < 8)
        c->seen[c->n++] = ev->kind;
    if (ev->kind == GH_EVENT_SIGNUP) {
        gh_store_begin(c->st);
        struct gh_event next = { GH_EVENT_MAIL_QUEUED, 2, NULL };
        gh_store_emit(c->st, &next);
        gh_store_commit(c->st);
    }
}

static void a_listener_may_open_transactions_and_emit(void **state)
{
    struct fx *f = *state;
    struct chain c = { f->st, 0, { 0 } };
    gh_store_set_listener(f->st, chaining_listener, &c);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    struct gh_event a = { GH_EVENT_SIGNUP, 1, NULL }, b = { GH_EVENT_ACCOUNT_STATE, 1, "pending" };
    gh_store_emit(f->st, &a);
    gh_store_emit(f->st, &b);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.seen[0], GH_EVENT_SIGNUP);
    assert_int_equal(c.seen[1], GH_EVENT_MAIL_QUEUED);
    assert_int_equal(c.seen[2], GH_EVENT_ACCOUNT_STATE);
    assert_int_equal(gh_store_in_tx(f->st), 0);
}

/* ---- config ----------------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void config_no_file_gives_defaults(void **state)
{
    char err[512] = "x";
    struct gh_config c;
    assert_int_equal(gh_config_load(NULL, &c, err, sizeof err), GH_OK);
    assert_string_equal(c.path, "");
    assert_string_equal(c.store_path, "./gatehouse.db");
    assert_string_equal(c.mail_relay, "");
    assert_int_equal(c.enable_set, 0);
    assert_int_equal(c.width, 1080);
    assert_int_equal(c.height, 1920);
    assert_int_equal(c.mail_connect_timeout_s, 10);
    assert_int_equal(c.mail_timeout_s, 30);
    assert_int_equal(gh_config_mail_connections(), 2);
    assert_true(c.scale == 1.0);
    assert_true(c.plugin_dir[0] != '\0');
    /* /dev/null: readable and empty, how scripts pin "no configuration" */
    assert_int_equal(gh_config_load("/dev/null", &c, err, sizeof err), GH_OK);
    assert_string_equal(c.store_path, "./gatehouse.db");
}

static void config_missing_file_is_an_error_naming_it(void **state)
{
    struct fx *f = *state;
    char path[400], err[512] = "";
    struct gh_config c;
    snprintf(path, sizeof path, "%s/gatehous.conf", f->dir);
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "can't be read"));
    assert_string_equal(c.store_path, "./gatehouse.db");
}

static void config_key_before_any_section_is_named(void **state)
{
    struct fx *f = *state;
    char path[400], err[512], want[460];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/k.conf", f->dir);
    write_file(path, "# site\npath = /x.db\n[store]\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:2: \"path\" is outside any [section]", path);
    assert_memory_equal(err, want, strlen(want));
    assert_string_equal(c.store_path, "./gatehouse.db");

    /* inih would take the header and drop the key without a word */
    write_file(path, "[mail]\nfrom = a@x.test\n[store] path = /x.db\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:3: \"path = /x.db\" after a [section] header", path);
    assert_memory_equal(err, want, strlen(want));

    /* a comment after the header is still fine */
    write_file(path, "[store] ; the database\npath = /x.db\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_OK);
    assert_string_equal(c.store_path, "/x.db");
}

static void config_full_file_is_read(void **state)
{
    struct fx *f = *state;
    char path[400], err[512];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/full.conf", f->dir);
    write_file(path,
               "# comment\n"
               "; another\n"
               "[store]\npath = /var/lib/gatehouse/gh.db\n\n"
               "[plugins]\ndir = /opt/plugins\nenable = signup, approvals lockctl\n"
               "[mail]\nrelay = smtps://relay.example.org:465\nfrom = Lobby <kiosk@example.org>\n"
               "username = kiosk@example.org\npassword = s3cret#x\nstarttls = yes\n"
               "cafile = /etc/ca.pem\nconnect_timeout_s = 5\ntimeout_s = 45\n"
               "connections = 3\n"
               "[screen]\nwidth = 800\nheight = 1280\nrotation = 90\nfullscreen = on\n"
               "scale = 1.5\nfont = /usr/share/fonts/x.ttf\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_OK);
    assert_string_equal(c.path, path);
    assert_string_equal(c.store_path, "/var/lib/gatehouse/gh.db");
    assert_string_equal(c.plugin_dir, "/opt/plugins");
    assert_int_equal(c.enable_set, 1);
    assert_int_equal(c.n_enable, 3);
    assert_string_equal(c.mail_relay, "smtps://relay.example.org:465");
    assert_string_equal(c.mail_from, "Lobby <kiosk@example.org>");
    assert_string_equal(c.mail_username, "kiosk@example.org");
    assert_string_equal(c.mail_password, "s3cret#x");
    assert_int_equal(c.mail_starttls, 1);
    assert_string_equal(c.mail_cafile, "/etc/ca.pem");
    assert_int_equal(c.mail_connect_timeout_s, 5);
    assert_int_equal(c.mail_timeout_s, 45);
    assert_int_equal(gh_config_mail_connections(), 3);
    assert_int_equal(c.width, 800);
    assert_int_equal(c.height, 1280);
    assert_int_equal(c.rotation, 90);
    assert_int_equal(c.fullscreen, 1);
    assert_true(c.scale == 1.5);
    assert_string_equal(c.font, "/usr/share/fonts/x.ttf");
}

static void config_malformed_line_is_named_with_file_and_line(void **state)
{
    struct fx *f = *state;
    char path[400], err[512], want[460];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/bad.conf", f->dir);
    write_file(path, "[store]\npath = /x.db\n\nthis line is wrong\n[mail]\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:4: ", path);
    assert_memory_equal(err, want, strlen(want));
    /* nothing half-read escapes */
    assert_string_equal(c.store_path, "./gatehouse.db");

    write_file(path, "[store\npath = /x.db\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:1: ", path);
    assert_memory_equal(err, want, strlen(want));
}

static void config_unknown_key_or_section_is_named(void **state)
{
    struct fx *f = *state;
    char path[400], err[512], want[460];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/k.conf", f->dir);
    write_file(path, "[mail]\nrelay = smtp://h:25\nrealy = smtp://typo:25\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:3: unknown key \"realy\" in [mail]", path);
    assert_string_equal(err, want);

    write_file(path, "[store]\npath = a\n[mial]\nrelay = smtp://h:25\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:4: unknown section [mial]", path);
    assert_memory_equal(err, want, strlen(want));
}

static void config_bad_value_is_named(void **state)
{
    struct fx *f = *state;
    char path[400], err[512];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/v.conf", f->dir);
    const struct { const char *text; const char *want; } cases[] = {
        { "[screen]\nrotation = 45\n", ":2: rotation: must be 0, 90, 180 or 270" },
        { "[screen]\nwidth = wide\n", ":2: width: must be a whole number" },
        { "[screen]\nfullscreen = maybe\n", ":2: fullscreen: must be yes or no" },
        { "[mail]\nrelay = http://x\n", ":2: relay: must start with smtp:// or smtps://" },
        { "[mail]\ntimeout_s = 0\n", ":2: timeout_s: must be a whole number" },
        { "[mail]\nconnections = 0\n", ":2: connections: must be a whole number from 1 to 4" },
        { "[mail]\nconnections = 5\n", ":2: connections: must be a whole number from 1 to 4" },
        { "[mail]\nconnections = two\n", ":2: connections: must be a whole number" },
        { "[screen]\nscale = 0\n", ":2: scale: must be a number" },
        { "[store]\npath = a\npath = b\n", ":3: path: set twice (first on line 2)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_file(path, cases[i].text);
        assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
        char want[600];
        snprintf(want, sizeof want, "%s%s", path, cases[i].want);
        assert_memory_equal(err, want, strlen(want));
    }
}

static void config_enable_is_an_ordered_list(void **state)
{
    struct fx *f = *state;
    char path[400], err[512];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/e.conf", f->dir);
    write_file(path, "[plugins]\nenable = lockctl,signup  approvals ,\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_OK);
    assert_int_equal(c.enable_set, 1);
    assert_int_equal(c.n_enable, 3);
    assert_string_equal(c.enable[0], "lockctl");
    assert_string_equal(c.enable[1], "signup");
    assert_string_equal(c.enable[2], "approvals");
    /* an empty list means "load none", not "load all" */
    write_file(path, "[plugins]\nenable =\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_OK);
    assert_int_equal(c.enable_set, 1);
    assert_int_equal(c.n_enable, 0);
    write_file(path, "[plugins]\nenable = a, b, a\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    assert_non_null(strstr(err, ":2: enable: plugin \"a\" is listed twice"));
    write_file(path, "[plugins]\nenable = ../evil\n");
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    assert_non_null(strstr(err, "is not a plugin name"));
}


static void config_overlong_line_is_named(void **state)
{
    struct fx *f = *state;
    char path[400], err[512], want[460];
    struct gh_config c;
    snprintf(path, sizeof path, "%s/long.conf", f->dir);
    char text[1200];
    snprintf(text, sizeof text, "[mail]\npassword = ");
    for (int i = 0; i < 600; i++)
        strcat(text, "x");
    strcat(text, "\nrelay = smtp://h:25\n");
    write_file(path, text);
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:2: line longer than", path);
    assert_memory_equal(err, want, strlen(want));
}

/* ---- settings ------------------------------------------------------------------------ */

static void settings_have_the_spec_defaults(void **state)
{
    struct fx *f = *state;
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_SELF_SIGNUP), "on");
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_SIGNUP_APPROVAL), "on");
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_SIGNUP_ACCESS), "none");
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_UNLOCK_MS), 5000);
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_IDLE_TIMEOUT_S), 60);
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_PIN_ATTEMPTS), 5);
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_LOCKOUT_MIN), 15);
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_KIOSK_NAME), "Gatehouse");
    assert_true(gh_settings_get_bool(f->st, GH_SETTING_SELF_SIGNUP));
    assert_null(gh_settings_get(f->st, "no_such_key"));
}

static void settings_validate_values_and_name_the_key(void **state)
{
    struct fx *f = *state;
    const struct { const char *key, *value; } bad[] = {
        { "unlock_ms", "99" }, { "unlock_ms", "60001" }, { "unlock_ms", "5s" },
        { "unlock_ms", "" }, { "unlock_ms", "-5" },
        { "idle_timeout_s", "9" }, { "idle_timeout_s", "3601" },
        { "pin_attempts", "0" }, { "pin_attempts", "21" },
        { "lockout_min", "0" }, { "lockout_min", "1441" },
        { "self_signup", "maybe" }, { "signup_default_access", "some" },
        { "kiosk_name", "" }, { "kiosk_name", "Line\nbreak" },
        { "kiosk_name", "0123456789012345678901234567890123456789012345678901234567890" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(gh_settings_set(f->st, "cli", bad[i].key, bad[i].value), GH_E_INVALID);
        char want[64];
        snprintf(want, sizeof want, "%s: ", bad[i].key);
        assert_memory_equal(gh_store_errmsg(f->st), want, strlen(want));
    }
    assert_int_equal(gh_settings_set(f->st, "cli", "colour", "red"), GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "colour: no such setting"));
    /* the edges are allowed */
    assert_int_equal(gh_settings_set(f->st, "cli", "unlock_ms", "100"), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "cli", "unlock_ms", "60000"), GH_OK);
    assert_int_equal(gh_settings_get_int(f->st, "unlock_ms"), 60000);
    /* 60 characters (not bytes) of name are fine */
    char name[300] = "";
    for (int i = 0; i < 60; i++)
        strcat(name, "\xc3\xa9");   /* é */
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", name), GH_OK);
    assert_string_equal(gh_settings_get(f->st, "kiosk_name"), name);
    /* 60 four-byte characters too (240 bytes) */
    name[0] = '\0';
    for (int i = 0; i < 60; i++)
        strcat(name, "\xf0\x9f\x9a\xaa");   /* U+1F6AA door */
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", name), GH_OK);
    assert_string_equal(gh_settings_get(f->st, "kiosk_name"), name);
    strcat(name, "!");
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", name), GH_E_INVALID);
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", "bad \xc3("), GH_E_INVALID);
    assert_int_equal(gh_settings_set(f->st, "cli", "signup_default_access", "ALL"), GH_OK);
    assert_string_equal(gh_settings_get(f->st, "signup_default_access"), "all");
}

static void settings_on_off_accept_true_false_1_0_stored_as_on_off(void **state)
{
    struct fx *f = *state;
    const struct { const char *in, *out; } v[] = {
        { "off", "off" }, { "true", "on" }, { "0", "off" }, { "1", "on" },
        { "FALSE", "off" }, { "On", "on" },
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        assert_int_equal(gh_settings_set(f->st, "cli", "signup_approval", v[i].in), GH_OK);
        assert_string_equal(gh_settings_get(f->st, "signup_approval"), v[i].out);
        assert_string_equal(sql_text(f->st, "SELECT value FROM settings WHERE key='signup_approval'"),
                            v[i].out);
        assert_int_equal(gh_settings_get_bool(f->st, "signup_approval"), !strcmp(v[i].out, "on"));
    }
}

static void settings_changes_and_refusals_are_logged(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "staff:1:boss@example.com", "unlock_ms", "8000"), GH_OK);
    assert_string_equal(last_reason(f->st, "settings.set"), "unlock_ms: 5000 -> 8000");
    assert_string_equal(sql_text(f->st, "SELECT actor FROM audit ORDER BY seq DESC LIMIT 1"),
                        "staff:1:boss@example.com");
    assert_string_equal(sql_text(f->st, "SELECT target FROM audit ORDER BY seq DESC LIMIT 1"),
                        "unlock_ms");
    assert_int_equal(audit_count(f->st, "settings.set", "ok"), 1);
    assert_int_equal(gh_settings_set(f->st, "cli", "unlock_ms", "1"), GH_E_INVALID);
    assert_int_equal(audit_count(f->st, "settings.set", "refused"), 1);
    assert_non_null(strstr(last_reason(f->st, "settings.set"), "unlock_ms: must be a whole number"));
    /* the refused value did not change anything */
    assert_int_equal(gh_settings_get_int(f->st, "unlock_ms"), 8000);
    int64_t bad = -1, n = 0;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    assert_int_equal(n, 2);
}

static void settings_change_emits_event_after_commit(void **state)
{
    struct fx *f = *state;
    struct evlog l = { 0 };
    gh_store_set_listener(f->st, on_event, &l);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", "Lobby A"), GH_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.kinds[0], GH_EVENT_SETTINGS);
    assert_string_equal(l.texts[0], "kiosk_name");
    /* refused: no event */
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", ""), GH_E_INVALID);
    assert_int_equal(l.n, 1);
}


struct each_acc { int n; char keys[16][32]; char vals[16][64]; char defs[16][64]; };
static int each_fn(void *ud, const char *key, const char *value, const char *def)
{
    struct each_acc *a = ud;
    if (a->n < 16) {
        snprintf(a->keys[a->n], sizeof a->keys[0], "%s", key);
        snprintf(a->vals[a->n], sizeof a->vals[0], "%s", value);
        snprintf(a->defs[a->n], sizeof a->defs[0], "%s", def);
        a->n++;
    }
    return 0;
}

static void settings_each_lists_every_key_with_value_and_default(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "cli", "idle_timeout_s", "120"), GH_OK);
    struct each_acc a = { 0 };
    assert_int_equal(gh_settings_each(f->st, each_fn, &a), GH_OK);
    assert_int_equal(a.n, 16);   /* + overlock_gates, import_default_access (issue 18), site_stale_after_s, offline_deny_after_h (site.h) */
    int found = 0;
    for (int i = 0; i < a.n; i++)
        if (!strcmp(a.keys[i], "idle_timeout_s")) {
            assert_string_equal(a.vals[i], "120");
            assert_string_equal(a.defs[i], "60");
            found = 1;
        }
    assert_true(found);
    /* a value edited into the file by hand that is not valid reads as the default */
    sql(f->st, "UPDATE settings SET value = 'lots' WHERE key = 'idle_timeout_s'");
    assert_int_equal(gh_settings_get_int(f->st, "idle_timeout_s"), 60);
}

/* ---- activity log ------------------------------------------------------------------- */

static void fill_log(struct gh_store *st, int n)
{
    for (int i = 1; i <= n; i++)
        assert_int_equal(gh_audit_appendf(st, "cli", "test.step", "thing", GH_OUTCOME_OK,
                                          "step %d", i), GH_OK);
}

static void expect_tampered(struct gh_store *st, int64_t want_seq, const char *phrase)
{
    int64_t bad = 0, n = 0;
    assert_int_equal(gh_audit_verify(st, &bad, &n), GH_E_TAMPERED);
    assert_int_equal(bad, want_seq);
    assert_int_equal(n, want_seq - 1);
    char pre[32];
    snprintf(pre, sizeof pre, "entry %lld: ", (long long)want_seq);
    assert_memory_equal(gh_store_errmsg(st), pre, strlen(pre));
    if (phrase)
        assert_non_null(strstr(gh_store_errmsg(st), phrase));
}

struct list_acc { int n; int64_t first_seq; char first_reason[512]; };
static int list_fn(void *ud, const struct gh_audit_entry *e)
{
    struct list_acc *a = ud;
    if (a->n++ == 0) {
        a->first_seq = e->seq;
        snprintf(a->first_reason, sizeof a->first_reason, "%s", e->reason);
    }
    return 0;
}

static void activity_log_chain_appends_and_verifies(void **state)
{
    struct fx *f = *state;
    int64_t bad = -1, n = -1;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    assert_int_equal(n, 0);
    fill_log(f->st, 10);
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(n, 10);
    assert_string_equal(sql_text(f->st, "SELECT prev_hash FROM audit WHERE seq=1"),
                        "0000000000000000000000000000000000000000000000000000000000000000");
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM audit a JOIN audit b ON b.seq = a.seq + 1 "
                                    "WHERE b.prev_hash = a.hash"), 9);
    assert_int_equal(sql_int(f->st, "SELECT min(length(hash)) FROM audit"), 64);
    struct list_acc acc = { 0 };
    assert_int_equal(gh_audit_list(f->st, 3, list_fn, &acc), GH_OK);
    assert_int_equal(acc.n, 3);
    assert_int_equal(acc.first_seq, 10);        /* newest first */
    assert_string_equal(acc.first_reason, "step 10");
    memset(&acc, 0, sizeof acc);
    assert_int_equal(gh_audit_list(f->st, 0, list_fn, &acc), GH_OK);
    assert_int_equal(acc.n, 10);
}

static void activity_log_verify_names_an_edited_entry(void **state)
{
    struct fx *f = *state;
    fill_log(f->st, 8);
    sql(f->st, "UPDATE audit SET reason = 'step 5 (nothing to see)' WHERE seq = 5");
    expect_tampered(f->st, 5, "changed");
    sql(f->st, "UPDATE audit SET reason = 'step 5', outcome = 'refused' WHERE seq = 5");
    expect_tampered(f->st, 5, "changed");
    sql(f->st, "UPDATE audit SET outcome = 'ok', at = at + 1 WHERE seq = 5");
    expect_tampered(f->st, 5, "changed");
}

static void activity_log_verify_names_a_moved_field_boundary(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_audit_append(f->st, "ab", "c", "t", GH_OUTCOME_OK, "r"), GH_OK);
    assert_int_equal(gh_audit_append(f->st, "x", "y", "t", GH_OUTCOME_OK, "r"), GH_OK);
    /* "ab"+"c" and "a"+"bc" concatenate the same: the encoding must tell them apart */
    sql(f->st, "UPDATE audit SET actor = 'a', action = 'bc' WHERE seq = 1");
    expect_tampered(f->st, 1, "changed");
    /* and a separator inside a field can't fake a boundary either */
    sql(f->st, "DELETE FROM audit");
    assert_int_equal(gh_audit_append(f->st, "x", "y", "a\nb", GH_OUTCOME_OK, "r"), GH_OK);
    assert_int_equal(gh_audit_append(f->st, "x", "y", "t", GH_OUTCOME_OK, "r"), GH_OK);
    sql(f->st, "UPDATE audit SET action = 'y' || char(10) || 'a', target = 'b' WHERE seq = 1");
    expect_tampered(f->st, 1, "changed");
}

static void activity_log_verify_names_a_removed_entry(void **state)
{
    struct fx *f = *state;
    fill_log(f->st, 8);
    sql(f->st, "DELETE FROM audit WHERE seq = 4");
    expect_tampered(f->st, 4, "removed");
    /* renumbering to hide the gap breaks the chain instead */
    sql(f->st, "UPDATE audit SET seq = seq - 1 WHERE seq > 4");
    expect_tampered(f->st, 4, "does not follow");
    /* removing the first entries is caught at the start */
    gh_store_close(f->st);
    rm_rf(f->dir);
    assert_non_null(mkdtemp(strcpy(f->dir, "/tmp/gh-core-infra-XXXXXX")));
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    char err[256];
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
    fill_log(f->st, 3);
    sql(f->st, "DELETE FROM audit WHERE seq = 1");
    expect_tampered(f->st, 1, "removed");
}

static void activity_log_verify_names_reordered_entries(void **state)
{
    struct fx *f = *state;
    fill_log(f->st, 8);
    /* swap the whole content of entries 3 and 6, keeping their seq */
    sql(f->st, "CREATE TEMP TABLE sw AS SELECT * FROM audit WHERE seq IN (3, 6);"
               "UPDATE audit SET (at, actor, action, target, outcome, reason, prev_hash, hash) = "
               "(SELECT at, actor, action, target, outcome, reason, prev_hash, hash FROM sw "
               " WHERE sw.seq = CASE audit.seq WHEN 3 THEN 6 ELSE 3 END) WHERE seq IN (3, 6);");
    assert_string_equal(sql_text(f->st, "SELECT reason FROM audit WHERE seq = 3"), "step 6");
    expect_tampered(f->st, 3, "reordered");
}

static void activity_log_verify_names_a_recomputed_hash_by_the_next_entry(void **state)
{
    struct fx *f = *state;
    fill_log(f->st, 5);
    /* someone edits entry 2 and puts a well-formed (but other) hash on it */
    sql(f->st, "UPDATE audit SET reason = 'edited', hash = (SELECT hash FROM audit WHERE seq = 4) "
               "WHERE seq = 2");
    int64_t bad = 0, n = 0;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_E_TAMPERED);
    assert_int_equal(bad, 2);
}

static void activity_log_append_joins_the_callers_transaction(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_audit_append(f->st, "cli", "test.x", "", GH_OUTCOME_OK, "undone"), GH_OK);
    gh_store_rollback(f->st);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_audit_append(f->st, "cli", "test.x", "", GH_OUTCOME_OK, "kept"), GH_OK);
    assert_int_equal(gh_store_commit(f->st), GH_OK);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM audit"), 1);
    int64_t bad, n;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    assert_int_equal(n, 1);
}

static void activity_log_head_is_an_outside_anchor(void **state)
{
    struct fx *f = *state;
    int64_t count = -1;
    char head[65];
    assert_int_equal(gh_audit_head(f->st, &count, head), GH_OK);
    assert_int_equal(count, 0);
    fill_log(f->st, 6);
    assert_int_equal(gh_audit_head(f->st, &count, head), GH_OK);
    assert_int_equal(count, 6);
    char saved[65];
    memcpy(saved, head, sizeof saved);
    /* deleting the newest entries still verifies (the documented limit) ... */
    sql(f->st, "DELETE FROM audit WHERE seq > 4");
    int64_t bad, n;
    assert_int_equal(gh_audit_verify(f->st, &bad, &n), GH_OK);
    /* ... but the anchor kept outside shows it */
    assert_int_equal(gh_audit_head(f->st, &count, head), GH_OK);
    assert_int_equal(count, 4);
    assert_string_not_equal(head, saved);
}

/* ---- kiosk identity --------------------------------------------------------------------- */

/* Issue 14: one trim rule, in the core, for the core and every form. */
static void trim_drops_end_spaces_in_place_and_refuses_what_does_not_fit(void **state)
{
    (void)state;
    char out[8], buf[16] = "  Ana Li  ";
    assert_int_equal(gh_ident_trim("  a b  ", out, sizeof out), 0);
    assert_string_equal(out, "a b");
    assert_int_equal(gh_ident_trim(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(gh_ident_trim(buf, buf, sizeof buf), 0);      /* in place */
    assert_string_equal(buf, "Ana Li");
    assert_int_equal(gh_ident_trim(" 12345678 ", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(gh_ident_trim(" 1234567 ", out, sizeof out), 0);
    assert_string_equal(out, "1234567");
    /* plugins reach the same two rules through the table */
    const struct gh_core_api *api = gh_core_api_table();
    assert_true(GH_HAS(api, trim) && GH_HAS(api, pin_format_ok));
    assert_ptr_equal(api->trim, gh_ident_trim);
    assert_ptr_equal(api->pin_format_ok, gh_auth_pin_format_ok);
}

static void row_text(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    (void)st;
    gh_store_copy(out, 64, sqlite3_column_type(q, 0) == SQLITE_NULL ? "(null)"
                                                                    : gh_store_col_text(q, 0));
}

/* Issue 14: gh_store_run binds by position (0 and "" as NULL on request),
 * gh_store_get_one reads one row or says GH_E_NOTFOUND, and a broken
 * statement is a store error that names what was being done. */
static void store_run_and_get_one_bind_by_position_and_name_failures(void **state)
{
    struct fx *f = *state;
    char got[64];
    assert_int_equal(gh_store_exec(f->st, "CREATE TABLE t(k INTEGER, a TEXT, b TEXT, n INTEGER)",
                                   "test table"), GH_OK);
    assert_int_equal(gh_store_run(f->st, "adding", "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
                                  GH_INT(7), GH_TEXT("x"), GH_TEXT_OR_NULL(""),
                                  GH_INT_OR_NULL(0)), GH_OK);
    assert_int_equal(gh_store_changes(f->st), 1);
    assert_int_equal(gh_store_get_one(f->st, "SELECT a FROM t WHERE k = ?1", GH_INT(7), row_text,
                                      got, "reading"), GH_OK);
    assert_string_equal(got, "x");
    assert_int_equal(gh_store_get_one(f->st, "SELECT b FROM t WHERE a = ?1", GH_TEXT("x"),
                                      row_text, got, "reading"), GH_OK);
    assert_string_equal(got, "(null)");
    assert_int_equal(gh_store_get_one(f->st, "SELECT n FROM t WHERE k = ?1", GH_INT(7), row_text,
                                      got, "reading"), GH_OK);
    assert_string_equal(got, "(null)");
    assert_int_equal(gh_store_get_one(f->st, "SELECT a FROM t WHERE k = ?1", GH_INT(8), row_text,
                                      got, "reading"), GH_E_NOTFOUND);
    assert_int_equal(gh_store_run(f->st, "changing the nowhere", "UPDATE nowhere SET a = ?1",
                                  GH_INT(1)), GH_E_STORE);
    assert_non_null(strstr(gh_store_errmsg(f->st), "changing the nowhere"));
}

static void pin_is_4_to_8_digits(void **state)
{
    (void)state;
    char err[128];
    assert_int_equal(gh_auth_pin_format_ok("2580", err, sizeof err), 0);
    assert_int_equal(gh_auth_pin_format_ok("25803691", err, sizeof err), 0);
    const char *bad[] = { "258", "258036914", "25a0", "", " 2580", "2580 ", "-258" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(gh_auth_pin_format_ok(bad[i], err, sizeof err), -1);
        assert_memory_equal(err, "PIN: ", 5);
    }
    assert_int_equal(gh_auth_pin_format_ok(NULL, err, sizeof err), -1);
}

static void pin_quality_refuses_repeats_and_straight_runs(void **state)
{
    (void)state;
    char err[128];
    const char *weak[] = { "1111", "00000000", "1234", "12345678", "9876", "3210", "4567" };
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        assert_int_equal(gh_auth_pin_quality_ok(weak[i], err, sizeof err), -1);
        assert_memory_equal(err, "PIN: ", 5);
    }
    const char *ok[] = { "2580", "1235", "1122", "0852", "97531", "13579246" };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_int_equal(gh_auth_pin_quality_ok(ok[i], err, sizeof err), 0);
}

static void pins_are_argon2id_hashes_never_in_clear_in_the_file(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "staff", "guard@example.com", "Guard", "active", GH_PERM_ADMIN);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "73051946"), GH_OK);
    const char *h = sql_text(f->st, "SELECT pin_hash FROM accounts WHERE email='guard@example.com'");
    assert_memory_equal(h, "$argon2id$", 10);
    assert_non_null(strstr(h, "m=19456,t=2,p=1"));
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "guard@example.com", "73051946", &a), GH_OK);
    assert_int_equal(db_files_contain(f->db, "73051946"), 0);
    sql(f->st, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_int_equal(db_files_contain(f->db, "73051946"), 0);
    /* the check can fail: the email is in the file */
    assert_int_equal(db_files_contain(f->db, "guard@example.com"), 1);
}

static void login_with_the_right_pin_succeeds_and_is_logged(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "Ann@Example.com", "Ann", "active", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    memset(&a, 0, sizeof a);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ann@example.com", "2580", &a), GH_OK);
    assert_int_equal(a.id, id);
    assert_int_equal(audit_count(f->st, "auth.login", "ok"), 1);
    char want[128];
    /* By id only (issue 16): no email in the entry. */
    snprintf(want, sizeof want, "SELECT count(*) FROM audit WHERE action='auth.login' AND "
             "target = 'occupant:%lld'", (long long)id);
    assert_int_equal(sql_int(f->st, want), 1);
}

static void wrong_pin_and_unknown_account_get_the_same_message(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "bo@example.com", "Bo", "active", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    char m1[512], m2[512];
    assert_int_equal(gh_auth_login(f->st, "kiosk", "bo@example.com", "0852", &a), GH_E_DENIED);
    snprintf(m1, sizeof m1, "%s", gh_store_errmsg(f->st));
    assert_int_equal(gh_auth_login(f->st, "kiosk", "nobody@example.com", "0852", &a), GH_E_DENIED);
    snprintf(m2, sizeof m2, "%s", gh_store_errmsg(f->st));
    assert_string_equal(m1, m2);
    assert_true(m1[0] != '\0');
    assert_int_equal(audit_count(f->st, "auth.login", "failed"), 2);
    assert_string_equal(sql_text(f->st, "SELECT target || '|' || reason FROM audit "
                                        "WHERE action='auth.login' ORDER BY seq DESC LIMIT 1"),
                        "unknown|no such account");
    assert_non_null(strstr(sql_text(f->st, "SELECT reason FROM audit WHERE action='auth.login' "
                                           "ORDER BY seq LIMIT 1"), "wrong PIN"));
}

static void lockout_after_5_wrong_pins_within_15_minutes_for_15_minutes(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "cy@example.com", "Cy", "active", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    for (int i = 1; i <= 4; i++) {
        assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "9999", &a), GH_E_DENIED);
        gh_clock_advance(60 * 1000);
    }
    assert_int_equal(gh_auth_locked_ms(f->st, id), 0);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "9999", &a), GH_E_LOCKED);
    assert_int_equal(gh_auth_locked_ms(f->st, id), 15 * 60 * 1000);
    assert_int_equal(audit_count(f->st, "auth.lockout", "ok"), 1);
    /* even the right PIN is refused while locked, and the refusal says how long */
    gh_clock_advance(60 * 1000);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "2580", &a), GH_E_LOCKED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "14 more minutes"));
    assert_string_equal(last_reason(f->st, "auth.login"), "locked out for 14 min");
    gh_clock_advance(14 * 60 * 1000 - 1);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "2580", &a), GH_E_LOCKED);
    gh_clock_advance(1);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "2580", &a), GH_OK);
    /* after the lock, a fresh set of attempts */
    for (int i = 1; i <= 4; i++)
        assert_int_equal(gh_auth_login(f->st, "kiosk", "cy@example.com", "9999", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_locked_ms(f->st, id), 0);
}

static void failures_older_than_the_window_do_not_count(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "di@example.com", "Di", "active", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    for (int i = 0; i < 4; i++)
        assert_int_equal(gh_auth_login(f->st, "kiosk", "di@example.com", "9999", &a), GH_E_DENIED);
    gh_clock_advance(15 * 60 * 1000);
    for (int i = 0; i < 4; i++)
        assert_int_equal(gh_auth_login(f->st, "kiosk", "di@example.com", "9999", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_locked_ms(f->st, id), 0);
    /* a right PIN clears the window too */
    assert_int_equal(gh_auth_login(f->st, "kiosk", "di@example.com", "2580", &a), GH_OK);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "di@example.com", "9999", &a), GH_E_DENIED);
    assert_non_null(strstr(last_reason(f->st, "auth.login"), "(1 of 5 within 15 min)"));
}

static void lockout_follows_the_pin_attempts_and_lockout_min_settings(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "cli", "pin_attempts", "3"), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "cli", "lockout_min", "2"), GH_OK);
    int64_t id = add_account(f->st, "occupant", "ed@example.com", "Ed", "active", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ed@example.com", "1", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ed@example.com", "2", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ed@example.com", "3", &a), GH_E_LOCKED);
    assert_int_equal(gh_auth_locked_ms(f->st, id), 2 * 60 * 1000);
    gh_clock_advance(2 * 60 * 1000);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ed@example.com", "2580", &a), GH_OK);
}

static void inactive_occupant_is_told_why_only_after_the_right_pin(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "fa@example.com", "Fa", "pending", 0);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "2580"), GH_OK);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "fa@example.com", "0852", &a), GH_E_DENIED);
    assert_null(strstr(gh_store_errmsg(f->st), "approval"));
    assert_int_equal(gh_auth_login(f->st, "kiosk", "fa@example.com", "2580", &a), GH_E_REFUSED);
    assert_string_equal(gh_store_errmsg(f->st), "your account is waiting for approval");
    assert_string_equal(last_reason(f->st, "auth.login"), "not active: pending");
    assert_int_equal(audit_count(f->st, "auth.login", "refused"), 1);
    sql(f->st, "UPDATE accounts SET state = 'blocked' WHERE email = 'fa@example.com'");
    assert_int_equal(gh_auth_login(f->st, "kiosk", "fa@example.com", "2580", &a), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "ask the staff"));
    assert_string_equal(last_reason(f->st, "auth.login"), "not active: blocked");
}

static void setup_code_is_6_digits_stored_only_as_a_hash(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "gi@example.com", "Gi", "active", 0);
    char code[GH_CODE_LEN + 1] = "";
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    assert_int_equal(strlen(code), 6);
    for (int i = 0; i < 6; i++)
        assert_true(code[i] >= '0' && code[i] <= '9');
    /* the site key's keyed hash (issue 11: no Argon2 inside an import) */
    char want[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(f->st, "setup-code", code, want), GH_OK);
    assert_string_equal(sql_text(f->st, "SELECT code_hash FROM setup_codes"), want);
    assert_int_equal(sql_int(f->st, "SELECT expires_at - issued_at FROM setup_codes"),
                     72LL * 3600 * 1000);
    sql(f->st, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_int_equal(db_files_contain(f->db, code), 0);
    /* codes differ from one issue to the next (10 tries: a repeat of all is ~impossible) */
    int differ = 0;
    for (int i = 0; i < 10 && !differ; i++) {
        char c2[GH_CODE_LEN + 1];
        assert_int_equal(gh_auth_issue_code(f->st, id, c2), GH_OK);
        differ = strcmp(c2, code) != 0;
    }
    assert_true(differ);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM setup_codes"), 1);
}

static void setup_code_sets_the_pin_and_is_single_use(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "ha@example.com", "Ha", "active", 0);
    assert_int_equal(gh_notice_welcome(f->st, id), GH_OK);
    char code[7];
    code_from_welcome(f->st, id, code);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ha@example.com", code, "4826"), GH_OK);
    assert_int_equal(audit_count(f->st, "auth.setup", "ok"), 1);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ha@example.com", "4826", &a), GH_OK);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ha@example.com", code, "9514"), GH_E_EXPIRED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "already been used"));
    /* the second redeem did not change the PIN */
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ha@example.com", "4826", &a), GH_OK);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ha@example.com", "9514", &a), GH_E_DENIED);
}

static void setup_code_expires_after_72_hours(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "ib@example.com", "Ib", "active", 0);
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    gh_clock_advance(GH_CODE_TTL_MS - 1);
    char code2[GH_CODE_LEN + 1];
    int64_t id2 = add_account(f->st, "occupant", "ic@example.com", "Ic", "active", 0);
    assert_int_equal(gh_auth_issue_code(f->st, id2, code2), GH_OK);
    gh_clock_advance(1);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ib@example.com", code, "4826"), GH_E_EXPIRED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "72 hours"));
    assert_string_equal(last_reason(f->st, "auth.setup"), "setup code expired");
    /* one just inside its 72 hours still works */
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ic@example.com", code2, "4826"), GH_OK);
}

static void resending_the_welcome_voids_the_old_code(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "jo@example.com", "Jo", "active", 0);
    char old[7], fresh[7];
    assert_int_equal(gh_notice_welcome(f->st, id), GH_OK);
    code_from_welcome(f->st, id, old);
    do {
        assert_int_equal(gh_notice_welcome(f->st, id), GH_OK);
        code_from_welcome(f->st, id, fresh);
    } while (!strcmp(old, fresh));   /* 1 in a million: issue again */
    /* only the newest code's mail may leave: the older one is cancelled */
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 1);
    assert_true(gh_outbox_count(f->st, GH_MAIL_CANCELLED) >= 1);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "jo@example.com", old, "4826"), GH_E_DENIED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "newest welcome email"));
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "jo@example.com", fresh, "4826"), GH_OK);
}

static void wrong_setup_codes_count_toward_the_lockout(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "ka@example.com", "Ka", "active", 0);
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    char wrong[16];
    snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
    struct gh_account a;
    /* mixed: 3 wrong codes, 1 wrong PIN, then a 5th wrong code locks */
    for (int i = 0; i < 3; i++)
        assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ka@example.com", wrong, "4826"), GH_E_DENIED);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ka@example.com", "4826", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ka@example.com", wrong, "4826"), GH_E_LOCKED);
    /* the right code is refused while locked and is not used up */
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ka@example.com", code, "4826"), GH_E_LOCKED);
    assert_int_equal(sql_int(f->st, "SELECT used_at IS NULL FROM setup_codes"), 1);
    gh_clock_advance(15 * 60 * 1000);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ka@example.com", code, "4826"), GH_OK);
}

static void weak_pin_at_redeem_is_refused_and_keeps_the_code(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "lu@example.com", "Lu", "active", 0);
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "lu@example.com", code, "1234"), GH_E_INVALID);
    assert_memory_equal(gh_store_errmsg(f->st), "PIN: ", 5);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "lu@example.com", code, "12"), GH_E_INVALID);
    assert_int_equal(sql_int(f->st, "SELECT used_at IS NULL FROM setup_codes"), 1);
    assert_int_equal(sql_int(f->st, "SELECT pin_hash IS NULL FROM accounts WHERE id = 1"), 1);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM auth_failures"), 0);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "lu@example.com", code, "4826"), GH_OK);
}

struct scan { const char *const *needles; int hits; };
static int scan_fn(void *ud, const struct gh_audit_entry *e)
{
    struct scan *s = ud;
    for (const char *const *n = s->needles; *n; n++)
        if (strstr(e->reason, *n) || strstr(e->target, *n) || strstr(e->actor, *n))
            s->hits++;
    return 0;
}

static void no_pin_or_code_is_ever_logged(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "mo@example.com", "Mo", "active", 0);
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    struct gh_account a;
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "mo@example.com", "000000", "73951"), GH_E_DENIED);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "mo@example.com", code, "73951"), GH_OK);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "mo@example.com", "73951", &a), GH_OK);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "mo@example.com", "86420", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "86420", "73951", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_set_pin(f->st, "cli", id, "62951"), GH_OK);
    const char *needles[] = { code, "73951", "86420", "62951", NULL };
    struct scan s = { needles, 0 };
    assert_int_equal(gh_audit_list(f->st, 0, scan_fn, &s), GH_OK);
    assert_int_equal(s.hits, 0);
    assert_true(sql_int(f->st, "SELECT count(*) FROM audit") >= 6);
}

/* ---- outbox ----------------------------------------------------------------------------- */

static void compose_renders_template_queues_and_logs(void **state)
{
    struct fx *f = *state;
    struct evlog l = { 0 };
    gh_store_set_listener(f->st, on_event, &l);
    assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", "Harbour View Lobby"), GH_OK);
    l.n = 0;
    const char *vars[] = { "name", "Zoë", "code", "123456", "kiosk", "Harbour View Lobby",
                           "email", "zoe@example.com", NULL, NULL };
    int64_t mid = 0;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "zoe@example.com", "Zoë", vars, &mid),
                     GH_OK);
    assert_true(mid > 0);
    struct gh_mail m;
    assert_int_equal(gh_outbox_get(f->st, mid, &m), GH_OK);
    assert_string_equal(m.kind, "welcome");
    assert_string_equal(m.to_addr, "zoe@example.com");
    assert_string_equal(m.to_name, "Zoë");
    assert_string_equal(m.subject, "Your setup code for Harbour View Lobby");
    assert_non_null(strstr(m.body, "Hello Zoë,"));
    assert_non_null(strstr(m.body, "    123456\n"));
    assert_null(strstr(m.body, "{{"));
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.next_attempt_at, m.created_at);
    {
        /* the default kiosk name gives the plain host */
        struct gh_mail d;
        int64_t did;
        assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", "Gatehouse"), GH_OK);
        assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "d@example.com", "", vars, &did), GH_OK);
        assert_int_equal(gh_outbox_get(f->st, did, &d), GH_OK);
        assert_non_null(strstr(d.message_id, "@gatehouse.local>"));
        assert_null(strstr(d.message_id, "gatehouse.gatehouse"));
        gh_mail_clear(&d);
        assert_int_equal(gh_settings_set(f->st, "cli", "kiosk_name", "Harbour View Lobby"), GH_OK);
    }
    /* <32 hex . created ms @ kiosk-slug.gatehouse.local> */
    char want_tail[128];
    snprintf(want_tail, sizeof want_tail, ".%lld@harbour-view-lobby.gatehouse.local>",
             (long long)m.created_at);
    assert_int_equal(m.message_id[0], '<');
    assert_int_equal(strspn(m.message_id + 1, "0123456789abcdef"), 32);
    assert_string_equal(m.message_id + 33, want_tail);
    gh_mail_clear(&m);
    /* the stored body does not hold the code */
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM outbox WHERE instr(body, '123456') > 0"), 0);
    assert_int_equal(audit_count(f->st, "mail.queued", "ok"), 2);
    assert_int_equal(l.kinds[0], GH_EVENT_MAIL_QUEUED);
    assert_int_equal(l.ids[0], mid);
    assert_int_equal(gh_outbox_compose(f->st, "no_such", 0, "zoe@example.com", "", vars, &mid),
                     GH_E_NOTFOUND);
}

static void welcome_email_says_code_72_hours_and_first_time_here(void **state)
{
    struct fx *f = *state;
    int64_t id = add_account(f->st, "occupant", "nia@example.com", "Nia", "active", 0);
    assert_int_equal(gh_notice_welcome(f->st, id), GH_OK);
    struct gh_mail m = latest_mail(f->st, id, "welcome");
    assert_string_equal(m.to_addr, "nia@example.com");
    assert_non_null(strstr(m.body, "Hello Nia,"));
    assert_non_null(strstr(m.body, "72 hours"));
    assert_non_null(strstr(m.body, "\"First time here?\""));
    assert_non_null(strstr(m.body, "nia@example.com"));
    assert_non_null(strstr(m.body, "Gatehouse"));
    gh_mail_clear(&m);
    char code[7];
    code_from_welcome(f->st, id, code);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "nia@example.com", code, "4826"), GH_OK);
    /* welcome and code are one transaction with the caller's */
    int64_t before = gh_outbox_count(f->st, -1);
    assert_int_equal(gh_store_begin(f->st), GH_OK);
    assert_int_equal(gh_notice_welcome(f->st, id), GH_OK);
    gh_store_rollback(f->st);
    assert_int_equal(gh_outbox_count(f->st, -1), before);
    assert_int_equal(sql_int(f->st, "SELECT used_at IS NOT NULL FROM setup_codes"), 1);
}

static void header_fields_with_cr_or_lf_are_refused(void **state)
{
    struct fx *f = *state;
    const char *ok[] = { "name", "Ann", NULL, NULL };
    const char *bad_name[] = { "name", "Ann\r\nBcc: victim@example.com", NULL, NULL };
    int64_t id;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com",
                                       "Ann\r\nBcc: victim@example.com", ok, &id), GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "line breaks"));
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann\n", ok, &id),
                     GH_E_INVALID);
    assert_int_equal(gh_outbox_compose(f->st, "signup_notify", 0, "a@example.com", "Ann",
                                       bad_name, &id), GH_E_INVALID);
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com\r\nBcc: x@y.z", "Ann",
                                       ok, &id), GH_E_INVALID);
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "not-an-address", "Ann", ok, &id),
                     GH_E_INVALID);
    assert_int_equal(gh_outbox_count(f->st, -1), 0);
    /* other control characters in a value become spaces, so the subject stays one line */
    const char *tabbed[] = { "who", "Ann\tB\x1d", NULL, NULL };
    assert_int_equal(gh_outbox_compose(f->st, "signup_notify", 0, "a@example.com", "Ann", tabbed,
                                       &id), GH_OK);
    struct gh_mail m;
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_string_equal(m.subject, "Sign-up waiting for approval: Ann B");   /* trailing space trimmed */
    assert_null(strpbrk(m.subject, "\r\n\t"));
    gh_mail_clear(&m);
}

static void backoff_doubles_from_1_minute_to_1_hour_with_jitter(void **state)
{
    struct fx *f = *state;
    const char *vars[] = { "name", "Ann", NULL, NULL };
    int64_t id;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", vars, &id), GH_OK);
    const int64_t expect_min[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
    int64_t first = gh_clock_now_ms();
    for (size_t i = 0; i < sizeof expect_min / sizeof *expect_min; i++) {
        int64_t now = gh_clock_now_ms();
        assert_int_equal(gh_outbox_mark_deferred(f->st, id, "451 4.3.0 try later"), GH_OK);
        struct gh_mail m;
        assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
        int64_t wait = m.next_attempt_at - now, base = expect_min[i] * 60000;
        assert_in_range(wait, base - base / 10, base + base / 10);
        assert_int_equal(m.attempts, (int)i + 1);
        assert_int_equal(m.first_fail_at, first);
        assert_int_equal(m.state, GH_MAIL_QUEUED);
        assert_string_equal(m.last_error, "451 4.3.0 try later");
        gh_mail_clear(&m);
        /* not due before its time, due at it */
        struct pick p = { 0, "welcome", { 0 }, 0 };
        assert_int_equal(gh_outbox_due(f->st, now + wait - 1, 0, pick_fn, &p), GH_OK);
        assert_int_equal(p.found, 0);
        assert_int_equal(gh_outbox_next_due(f->st), now + wait);
        gh_clock_advance(wait);
    }
    assert_int_equal(audit_count(f->st, "mail.deferred", "failed"), 9);
    assert_non_null(strstr(last_reason(f->st, "mail.deferred"), "attempt 9: 451 4.3.0 try later"));
}

static void transient_failures_for_72_hours_mark_the_message_failed(void **state)
{
    struct fx *f = *state;
    const char *vars[] = { "name", "Ann", "code", "654321", NULL, NULL };
    int64_t id;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", vars, &id), GH_OK);
    assert_int_equal(gh_outbox_mark_deferred(f->st, id, "connection refused"), GH_OK);
    gh_clock_advance(72LL * 3600 * 1000 - 1);
    assert_int_equal(gh_outbox_mark_deferred(f->st, id, "connection refused"), GH_OK);
    struct gh_mail m;
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    gh_mail_clear(&m);
    gh_clock_advance(1);
    assert_int_equal(gh_outbox_mark_deferred(f->st, id, "connection refused"), GH_OK);
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_int_equal(m.state, GH_MAIL_FAILED);
    assert_int_equal(m.attempts, 3);
    assert_non_null(strstr(m.last_error, "72 hours"));
    assert_non_null(strstr(m.body, "[code removed]"));
    gh_mail_clear(&m);
    assert_int_equal(audit_count(f->st, "mail.failed", "failed"), 1);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_FAILED), 1);
    assert_int_equal(gh_outbox_next_due(f->st), 0);
    /* a failed message is not marked again */
    assert_int_equal(gh_outbox_mark_deferred(f->st, id, "x"), GH_E_REFUSED);
}

static void message_id_stays_the_same_across_retries(void **state)
{
    struct fx *f = *state;
    const char *vars[] = { "name", "Ann", NULL, NULL };
    int64_t id, id2;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", vars, &id), GH_OK);
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", vars, &id2), GH_OK);
    struct gh_mail m, m2;
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_int_equal(gh_outbox_get(f->st, id2, &m2), GH_OK);
    assert_string_not_equal(m.message_id, m2.message_id);
    char mid[128];
    snprintf(mid, sizeof mid, "%s", m.message_id);
    gh_mail_clear(&m);
    gh_mail_clear(&m2);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gh_outbox_mark_deferred(f->st, id, "timeout"), GH_OK);
        gh_clock_advance(3600 * 1000);
    }
    /* across a restart too */
    gh_store_close(f->st);
    char err[256];
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
    assert_int_equal(gh_outbox_mark_sent(f->st, id), GH_OK);
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_string_equal(m.message_id, mid);
    assert_int_equal(m.state, GH_MAIL_SENT);
    assert_int_equal(m.attempts, 4);
    assert_true(m.sent_at > 0);
    gh_mail_clear(&m);
    assert_int_equal(audit_count(f->st, "mail.sent", "ok"), 1);
}

static void setup_code_leaves_the_outbox_once_sent(void **state)
{
    struct fx *f = *state;
    int64_t acc = add_account(f->st, "occupant", "ola@example.com", "Ola", "active", 0);
    assert_int_equal(gh_notice_welcome(f->st, acc), GH_OK);
    char code[7];
    code_from_welcome(f->st, acc, code);
    struct gh_mail m = latest_mail(f->st, acc, "welcome");
    int64_t id = m.id;
    gh_mail_clear(&m);
    assert_string_equal(sql_text(f->st, "SELECT secret FROM outbox"), code);
    sql(f->st, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_int_equal(db_files_contain(f->db, code), 1);   /* the file check below can fail */
    assert_int_equal(gh_outbox_mark_sent(f->st, id), GH_OK);
    assert_int_equal(sql_int(f->st, "SELECT secret IS NULL FROM outbox"), 1);
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_null(strstr(m.body, code));
    assert_non_null(strstr(m.body, "    [code removed]\n"));
    gh_mail_clear(&m);
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM outbox WHERE instr(body, '%s') > 0 "
             "OR instr(subject, '%s') > 0", code, code);
    assert_int_equal(sql_int(f->st, q), 0);
    /* the code was never written into the audit log either */
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE instr(reason, '%s') > 0", code);
    assert_int_equal(sql_int(f->st, q), 0);
    /* and not left behind in the file's free space once the WAL is checkpointed */
    sql(f->st, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_int_equal(db_files_contain(f->db, code), 0);
    /* sent twice is refused */
    assert_int_equal(gh_outbox_mark_sent(f->st, id), GH_E_REFUSED);
}

static void permanent_failure_marks_failed_redacts_and_logs(void **state)
{
    struct fx *f = *state;
    const char *vars[] = { "name", "Ann", "code", "112358", NULL, NULL };
    int64_t id;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", vars, &id), GH_OK);
    assert_int_equal(gh_outbox_mark_failed(f->st, id, "550 5.1.1 no such user"), GH_OK);
    struct gh_mail m;
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_int_equal(m.state, GH_MAIL_FAILED);
    assert_string_equal(m.last_error, "550 5.1.1 no such user");
    assert_null(strstr(m.body, "112358"));
    gh_mail_clear(&m);
    assert_int_equal(sql_int(f->st, "SELECT secret IS NULL FROM outbox"), 1);
    assert_int_equal(audit_count(f->st, "mail.failed", "failed"), 1);
    assert_non_null(strstr(last_reason(f->st, "mail.failed"), "550 5.1.1 no such user"));
    assert_int_equal(gh_outbox_get(f->st, 999, &m), GH_E_NOTFOUND);
}

static void retry_makes_a_failed_message_due_and_is_logged(void **state)
{
    struct fx *f = *state;
    const char *vars[] = { "who", "Ann", NULL, NULL };
    int64_t id;
    assert_int_equal(gh_outbox_compose(f->st, "signup_notify", 0, "s@example.com", "Sam", vars, &id),
                     GH_OK);
    assert_int_equal(gh_outbox_mark_deferred(f->st, id, "timeout"), GH_OK);
    assert_int_equal(gh_outbox_mark_failed(f->st, id, "550 no"), GH_OK);
    gh_clock_advance(5000);
    assert_int_equal(gh_outbox_retry(f->st, "cli", id), GH_OK);
    struct gh_mail m;
    assert_int_equal(gh_outbox_get(f->st, id, &m), GH_OK);
    assert_int_equal(m.state, GH_MAIL_QUEUED);
    assert_int_equal(m.next_attempt_at, gh_clock_now_ms());
    assert_int_equal(m.first_fail_at, 0);     /* a fresh 72 hours */
    gh_mail_clear(&m);
    assert_int_equal(audit_count(f->st, "mail.retry", "ok"), 1);
    assert_int_equal(gh_outbox_mark_sent(f->st, id), GH_OK);
    assert_int_equal(gh_outbox_retry(f->st, "cli", id), GH_E_REFUSED);
    assert_int_equal(audit_count(f->st, "mail.retry", "refused"), 1);
    /* a failed welcome lost its code: retrying it would send no code */
    const char *w[] = { "name", "Ann", "code", "112358", NULL, NULL };
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "Ann", w, &id), GH_OK);
    assert_int_equal(gh_outbox_mark_failed(f->st, id, "550 no"), GH_OK);
    assert_int_equal(gh_outbox_retry(f->st, "cli", id), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "new welcome email"));
}

static void approvers_get_one_notification_each_per_signup(void **state)
{
    struct fx *f = *state;
    int64_t s1 = add_account(f->st, "staff", "boss@example.com", "Boss", "active", GH_PERM_ADMIN);
    int64_t s2 = add_account(f->st, "staff", "desk@example.com", "Desk", "active", GH_PERM_APPROVE);
    add_account(f->st, "staff", "fix@example.com", "Fixer", "active", GH_PERM_OPEN_COMMON);
    add_account(f->st, "staff", "gone@example.com", "Gone", "inactive", GH_PERM_APPROVE);
    add_account(f->st, "occupant", "o@example.com", "Occ", "active", GH_PERM_APPROVE);
    int64_t p = add_account(f->st, "occupant", "new@example.com", "Newbie", "pending", 0);
    sql(f->st, "UPDATE accounts SET req_org = 'Acme Ltd', req_unit = 'Suite 4' "
               "WHERE email = 'new@example.com'");
    assert_int_equal(gh_notice_approvers(f->st, p), GH_OK);
    assert_int_equal(gh_outbox_count(f->st, -1), 2);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM outbox WHERE kind='signup_notify' AND "
                                    "to_addr IN ('boss@example.com','desk@example.com')"), 2);
    struct gh_mail m = latest_mail(f->st, p, "signup_notify");
    assert_string_equal(m.subject, "Sign-up waiting for approval: Newbie");
    assert_non_null(strstr(m.body, "new@example.com"));
    assert_non_null(strstr(m.body, "Acme Ltd"));
    assert_non_null(strstr(m.body, "Suite 4"));
    assert_non_null(strstr(m.body, "(not given)"));   /* no phone */
    gh_mail_clear(&m);
    (void)s1;
    (void)s2;
    /* with no approver, nothing is queued and that is fine */
    sql(f->st, "UPDATE accounts SET state = 'inactive' WHERE kind = 'staff'");
    assert_int_equal(gh_notice_approvers(f->st, p), GH_OK);
    assert_int_equal(gh_outbox_count(f->st, -1), 2);
}

struct order { int n; int64_t ids[8]; };
static int order_fn(void *ud, const struct gh_mail *m)
{
    struct order *o = ud;
    if (o->n < 8)
        o->ids[o->n++] = m->id;
    return 0;
}

static void due_lists_oldest_first_and_next_due(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_outbox_next_due(f->st), 0);
    const char *vars[] = { "name", "Ann", NULL, NULL };
    int64_t a, b, c;
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "a@example.com", "A", vars, &a), GH_OK);
    gh_clock_advance(10);
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "b@example.com", "B", vars, &b), GH_OK);
    gh_clock_advance(10);
    assert_int_equal(gh_outbox_compose(f->st, "welcome", 0, "c@example.com", "C", vars, &c), GH_OK);
    assert_int_equal(gh_outbox_mark_deferred(f->st, b, "timeout"), GH_OK);
    struct order o = { 0 };
    assert_int_equal(gh_outbox_due(f->st, gh_clock_now_ms(), 0, order_fn, &o), GH_OK);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.ids[0], a);
    assert_int_equal(o.ids[1], c);
    memset(&o, 0, sizeof o);
    assert_int_equal(gh_outbox_due(f->st, gh_clock_now_ms(), 1, order_fn, &o), GH_OK);
    assert_int_equal(o.n, 1);
    memset(&o, 0, sizeof o);
    assert_int_equal(gh_outbox_list(f->st, GH_MAIL_QUEUED, order_fn, &o), GH_OK);
    assert_int_equal(o.n, 3);
    assert_int_equal(o.ids[0], c);   /* newest first */
    assert_int_equal(gh_outbox_next_due(f->st), sql_int(f->st, "SELECT created_at FROM outbox "
                                                              "WHERE id = 1"));
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 3);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_SENT), 0);
}

static const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(migrations_create_a_fresh_database_at_the_latest_schema),
        T(reopening_a_migrated_database_keeps_its_data),
        T(a_database_from_a_newer_gatehouse_is_refused),
        T(store_is_wal_with_foreign_keys_and_full_sync),
        T(nested_transactions_commit_only_at_the_outermost),
        T(inner_rollback_undoes_only_its_own_work_and_events),
        T(savepoints_reused_at_every_depth_keep_their_semantics),
        T(events_are_delivered_after_commit_and_dropped_on_rollback),
        T(emit_outside_a_transaction_delivers_at_once),
        T(unique_violation_is_exists_with_sqlite_text),
        T(statement_cache_survives_reentrant_use),
        T(a_second_writer_waits_for_the_first),
        T(an_unopenable_database_says_where_and_why),
        T(a_listener_may_open_transactions_and_emit),
        T(config_no_file_gives_defaults),
        T(config_missing_file_is_an_error_naming_it),
        T(config_key_before_any_section_is_named),
        T(config_full_file_is_read),
        T(config_malformed_line_is_named_with_file_and_line),
        T(config_unknown_key_or_section_is_named),
        T(config_bad_value_is_named),
        T(config_enable_is_an_ordered_list),
        T(config_overlong_line_is_named),
        T(settings_have_the_spec_defaults),
        T(settings_validate_values_and_name_the_key),
        T(settings_on_off_accept_true_false_1_0_stored_as_on_off),
        T(settings_changes_and_refusals_are_logged),
        T(settings_change_emits_event_after_commit),
        T(settings_each_lists_every_key_with_value_and_default),
        T(activity_log_chain_appends_and_verifies),
        T(activity_log_verify_names_an_edited_entry),
        T(activity_log_verify_names_a_moved_field_boundary),
        T(activity_log_verify_names_a_removed_entry),
        T(activity_log_verify_names_reordered_entries),
        T(activity_log_verify_names_a_recomputed_hash_by_the_next_entry),
        T(activity_log_append_joins_the_callers_transaction),
        T(activity_log_head_is_an_outside_anchor),
        T(pin_is_4_to_8_digits),
        T(trim_drops_end_spaces_in_place_and_refuses_what_does_not_fit),
        T(store_run_and_get_one_bind_by_position_and_name_failures),
        T(pin_quality_refuses_repeats_and_straight_runs),
        T(pins_are_argon2id_hashes_never_in_clear_in_the_file),
        T(login_with_the_right_pin_succeeds_and_is_logged),
        T(wrong_pin_and_unknown_account_get_the_same_message),
        T(lockout_after_5_wrong_pins_within_15_minutes_for_15_minutes),
        T(failures_older_than_the_window_do_not_count),
        T(lockout_follows_the_pin_attempts_and_lockout_min_settings),
        T(inactive_occupant_is_told_why_only_after_the_right_pin),
        T(setup_code_is_6_digits_stored_only_as_a_hash),
        T(setup_code_sets_the_pin_and_is_single_use),
        T(setup_code_expires_after_72_hours),
        T(resending_the_welcome_voids_the_old_code),
        T(wrong_setup_codes_count_toward_the_lockout),
        T(weak_pin_at_redeem_is_refused_and_keeps_the_code),
        T(no_pin_or_code_is_ever_logged),
        T(compose_renders_template_queues_and_logs),
        T(welcome_email_says_code_72_hours_and_first_time_here),
        T(header_fields_with_cr_or_lf_are_refused),
        T(backoff_doubles_from_1_minute_to_1_hour_with_jitter),
        T(transient_failures_for_72_hours_mark_the_message_failed),
        T(message_id_stays_the_same_across_retries),
        T(setup_code_leaves_the_outbox_once_sent),
        T(permanent_failure_marks_failed_redacts_and_logs),
        T(retry_makes_a_failed_message_due_and_is_logged),
        T(approvers_get_one_notification_each_per_signup),
        T(due_lists_oldest_first_and_next_due),
};

GH_TEST_MAIN(tests)
