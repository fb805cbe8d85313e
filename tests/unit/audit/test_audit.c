/*
 * test_audit.c: the activity log can't be cut, emptied or retyped unnoticed
 * (issue 11): anchors, the empty-log rule, hash version 2 (exact bytes and
 * type of every field) beside version 1 entries kept from before, and the
 * kiosk's hourly anchor in the journal; and what restore refuses (a log that
 * does not verify, a schema that is not this version's) and the site key it
 * carries. Real SQLite files in a temporary folder; tampering is done with a
 * raw connection, as an attacker with the file would.
 * One ctest entry per rule; an unknown name fails (no test matched).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/backup.h"
#include "gatehouse/clock.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"

struct fx {
    char dir[128], db[256];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gh_test_tmpdir(f->dir, sizeof f->dir, "audit");
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_store_close(f->st);
    gh_test_rmdir(f->dir);
    free(f);
    return 0;
}

static struct gh_store *open_ok(const char *db)
{
    struct gh_store *st = NULL;
    char err[512];
    enum gh_status s = gh_store_open(db, &st, err, sizeof err);
    if (s != GH_OK)
        fail_msg("open %s: %s", db, err);
    return st;
}

/* SQL on a connection of its own, as someone with the file would. */
static void raw(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("SQL failed: %s: %s", sql, msg ? msg : "?");
    sqlite3_close(h);
}

/* The same, expecting SQLite to refuse it. */
static void raw_refused(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void add_account(struct gh_store *st, const char *email)
{
    struct gh_account_new n;
    memset(&n, 0, sizeof n);
    n.email = email;
    n.name = "Someone";
    n.no_welcome = 1;
    int64_t id = 0;
    enum gh_status s = gh_occupant_create(st, "cli", &n, &id);
    if (s != GH_OK)
        fail_msg("create %s: %s", email, gh_store_errmsg(st));
}

static void fill(struct gh_store *st, int n)
{
    for (int i = 1; i <= n; i++)
        assert_int_equal(gh_audit_appendf(st, "cli", "test.step", "thing", GH_OUTCOME_OK,
                                          "step %d", i), GH_OK);
}

static void expect_tampered_at(struct gh_store *st, int64_t seq, const char *phrase)
{
    int64_t bad = 0, n = -1;
    assert_int_equal(gh_audit_verify(st, &bad, &n), GH_E_TAMPERED);
    assert_int_equal(bad, seq);
    if (phrase && !strstr(gh_store_errmsg(st), phrase))
        fail_msg("expected '%s' in: %s", phrase, gh_store_errmsg(st));
}

static void expect_intact(struct gh_store *st, int64_t entries)
{
    int64_t bad = -1, n = -1;
    enum gh_status s = gh_audit_verify(st, &bad, &n);
    if (s != GH_OK)
        fail_msg("log verify: %s", gh_store_errmsg(st));
    assert_int_equal(n, entries);
}

/* ---- item 1: the log can't be emptied or cut unnoticed -------------------- */

static void an_empty_log_in_a_database_with_accounts_does_not_verify(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    expect_intact(f->st, 0);             /* a new database: nothing to show yet */
    add_account(f->st, "a@example.com");
    raw(f->db, "DELETE FROM audit");
    expect_tampered_at(f->st, 1, "empty");
}

static void a_log_starting_after_entry_1_does_not_verify(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    add_account(f->st, "a@example.com");
    fill(f->st, 4);
    raw(f->db, "DELETE FROM audit WHERE seq <= 2");
    expect_tampered_at(f->st, 1, "removed");
}

static void an_anchor_names_entries_cut_off_the_end(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    fill(f->st, 6);
    int64_t seq = 0;
    char head[65];
    assert_int_equal(gh_audit_head(f->st, &seq, head), GH_OK);
    assert_int_equal(seq, 6);
    assert_int_equal(gh_audit_check_anchor(f->st, seq, head), GH_OK);
    raw(f->db, "DELETE FROM audit WHERE seq > 4");
    expect_intact(f->st, 4);             /* the chain alone can't see it ... */
    assert_int_equal(gh_audit_check_anchor(f->st, seq, head), GH_E_TAMPERED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "anchor 6:"));
    assert_non_null(strstr(gh_store_errmsg(f->st), "missing"));
}

static void an_anchor_names_a_rewritten_log(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    fill(f->st, 3);
    int64_t seq = 0;
    char head[65], text[100];
    assert_int_equal(gh_audit_head(f->st, &seq, head), GH_OK);
    snprintf(text, sizeof text, "%lld:%s", (long long)seq, head);
    /* the log rebuilt from scratch (every hash recomputed) verifies ... */
    raw(f->db, "DELETE FROM audit");
    fill(f->st, 3);
    expect_intact(f->st, 3);
    /* ... but not against the anchor kept outside */
    int64_t aseq;
    char ahash[65];
    assert_int_equal(gh_audit_anchor_parse(text, &aseq, ahash), GH_OK);
    assert_int_equal(gh_audit_check_anchor(f->st, aseq, ahash), GH_E_TAMPERED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "not the one anchored"));
}

static void an_anchor_must_be_seq_colon_64_hex(void **state)
{
    (void)state;
    int64_t seq;
    char h[65];
    char ok[80], upper[80];
    snprintf(ok, sizeof ok, "12:%064d", 0);
    assert_int_equal(gh_audit_anchor_parse(ok, &seq, h), GH_OK);
    assert_int_equal(seq, 12);
    snprintf(upper, sizeof upper, "3:%s", "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789");
    assert_int_equal(gh_audit_anchor_parse(upper, &seq, h), GH_OK);
    assert_string_equal(h, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    char empty[80];
    snprintf(empty, sizeof empty, "0:%064d", 0);   /* `log head` of an empty log */
    assert_int_equal(gh_audit_anchor_parse(empty, &seq, h), GH_OK);
    assert_int_equal(seq, 0);
    const char *bad[] = { "", "12", "12:", ":abc", "0:" "0000000000000000000000000000000000000000000000000000000000000001",
                          "x:0000000000000000000000000000000000000000000000000000000000000000",
                          "1:000000000000000000000000000000000000000000000000000000000000000g",
                          "1:00000000000000000000000000000000000000000000000000000000000000000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(gh_audit_anchor_parse(bad[i], &seq, h), GH_E_INVALID);
}

/* ---- item 2: every field's exact bytes and type --------------------------- */

static void a_nul_byte_and_more_added_inside_a_field_is_caught(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    fill(f->st, 3);
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    static const char edited[] = "step 2\0 (and this was added)";
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "UPDATE audit SET reason = ?1 WHERE seq = 2", -1, &q,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, edited, (int)sizeof edited - 1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(h);
    expect_tampered_at(f->st, 2, "changed");
}

static void the_log_table_is_strict_so_at_cannot_become_text(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    fill(f->st, 2);
    raw_refused(f->db, "UPDATE audit SET at = 'yesterday' WHERE seq = 1");
    raw_refused(f->db, "UPDATE audit SET at = at + 0.5 WHERE seq = 1");
    raw_refused(f->db, "UPDATE audit SET actor = CAST(actor AS BLOB) WHERE seq = 1");
    expect_intact(f->st, 2);
}

/* STRICT undone by editing the schema itself: the type tag still tells. */
static void unstrict(const char *db)
{
    raw(db, "PRAGMA writable_schema = ON;"
            "UPDATE sqlite_master SET sql = replace(sql, ') STRICT', ')') WHERE name = 'audit';"
            "PRAGMA writable_schema = OFF;");
}

static void at_edited_to_a_real_or_text_value_is_caught_where_the_schema_allows_it(void **state)
{
    struct fx *f = *state;
    f->st = open_ok(f->db);
    fill(f->st, 4);
    gh_store_close(f->st);
    f->st = NULL;
    unstrict(f->db);
    /* the same number of milliseconds, read as an integer, as a REAL */
    raw(f->db, "UPDATE audit SET at = at + 0.25 WHERE seq = 2");
    f->st = open_ok(f->db);
    expect_tampered_at(f->st, 2, "changed");
    raw(f->db, "UPDATE audit SET at = CAST(at AS INTEGER) WHERE seq = 2");
    expect_intact(f->st, 4);
    /* ... as text that reads as the same number */
    raw(f->db, "UPDATE audit SET at = CAST(at AS TEXT) || 'x' WHERE seq = 3");
    expect_tampered_at(f->st, 3, "changed");
    raw(f->db, "UPDATE audit SET at = CAST(at AS INTEGER) WHERE seq = 3");
    expect_intact(f->st, 4);
    /* a text field as a blob of the same bytes */
    raw(f->db, "UPDATE audit SET actor = CAST(actor AS BLOB) WHERE seq = 4");
    expect_tampered_at(f->st, 4, "changed");
}

/* The version 1 hash (entries written before schema 8), as the old code did. */
static void put1(crypto_hash_sha256_state *h, const char *s)
{
    char pre[32];
    int n = snprintf(pre, sizeof pre, "%zu:", strlen(s));
    crypto_hash_sha256_update(h, (const unsigned char *)pre, (unsigned long long)n);
    crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void v1_hash(const char *prev, long long seq, long long at, const char *actor,
                    const char *reason, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char md[32];
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", seq);
    snprintf(b, sizeof b, "%lld", at);
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    put1(&h, a);
    put1(&h, b);
    put1(&h, actor);
    put1(&h, "test.old");
    put1(&h, "");
    put1(&h, "ok");
    put1(&h, reason);
    crypto_hash_sha256_final(&h, md);
    sodium_bin2hex(out, 65, md, sizeof md);
}

static void run_file(sqlite3 *h, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("can't read %s", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *msg = NULL;
    if (sqlite3_exec(h, buf, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", path, msg ? msg : "?");
}

/* A database as Gatehouse schema 4 left it (migrations 0001..0004 from the
 * source tree), with n version 1 entries. */
static void make_schema4_db(const char *db, int n)
{
    static const char *const files[] = { "0001_init.sql", "0002_outbox_secret.sql",
                                         "0003_search_by_state.sql", "0004_site_key.sql" };
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/core/sql/%s", GH_SOURCE_DIR, files[i]);
        run_file(h, path);
    }
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    for (int i = 1; i <= n; i++) {
        char hash[65], reason[32], sql[600];
        snprintf(reason, sizeof reason, "old %d", i);
        v1_hash(prev, i, 1700000000000LL + i, "cli", reason, hash);
        snprintf(sql, sizeof sql, "INSERT INTO audit VALUES (%d, %lld, 'cli', 'test.old', '', "
                 "'ok', '%s', '%s', '%s')", i, 1700000000000LL + i, reason, prev, hash);
        char *msg = NULL;
        if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
            fail_msg("%s: %s", sql, msg ? msg : "?");
        memcpy(prev, hash, sizeof prev);
    }
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 4", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static int64_t raw_int(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    sqlite3_close(h);
    return v;
}

static void entries_from_before_the_migration_still_verify_and_new_ones_are_version_2(void **state)
{
    struct fx *f = *state;
    make_schema4_db(f->db, 3);
    f->st = open_ok(f->db);
    assert_int_equal(gh_store_schema_version(f->st), gh_store_schema_latest());
    expect_intact(f->st, 3);
    fill(f->st, 2);
    expect_intact(f->st, 5);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit WHERE hash_version = 1"), 3);
    assert_int_equal(raw_int(f->db, "SELECT min(seq) FROM audit WHERE hash_version = 2"), 4);
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'audit' "
                                    "AND sql LIKE '%STRICT'"), 1);
    /* an old entry edited is still caught */
    raw(f->db, "UPDATE audit SET reason = 'old 2 (edited)' WHERE seq = 2");
    expect_tampered_at(f->st, 2, "changed");
}

static void an_old_style_entry_after_a_new_one_is_tampering(void **state)
{
    struct fx *f = *state;
    make_schema4_db(f->db, 2);
    f->st = open_ok(f->db);
    fill(f->st, 1);                      /* entry 3, version 2 */
    expect_intact(f->st, 3);
    /* entry 4 forged with the old algorithm (blind to NULs and types) */
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    char prev[65], hash[65];
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT hash FROM audit WHERE seq = 3", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    v1_hash(prev, 4, 1700000009999LL, "cli", "forged", hash);
    char sql[600];
    snprintf(sql, sizeof sql, "INSERT INTO audit VALUES (4, 1700000009999, 'cli', 'test.old', '', "
             "'ok', 'forged', '%s', '%s', 1)", prev, hash);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    expect_tampered_at(f->st, 4, "old way");
}

/* ---- item 3: the kiosk's hourly anchor in the journal --------------------- */

/* Runs gh_audit_anchor_tick with stderr captured into buf. */
static int64_t tick_captured(struct gh_audit_anchor *a, struct gh_store *st, char *buf,
                             size_t n)
{
    char path[] = "/tmp/gh-audit-err-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    int64_t r = gh_audit_anchor_tick(a, st, gh_clock_mono_ms());
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t got = pread(fd, buf, n - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
    close(fd);
    unlink(path);
    return r;
}

static void the_kiosk_writes_the_log_head_to_the_journal_after_an_hour_with_activity(void **state)
{
    struct fx *f = *state;
    char out[512], want[100], head[65];
    int64_t seq;
    gh_clock_set_virtual(1);
    f->st = open_ok(f->db);
    fill(f->st, 2);                      /* before the kiosk started */
    struct gh_audit_anchor a;
    memset(&a, 0, sizeof a);
    assert_int_equal(tick_captured(&a, f->st, out, sizeof out), GH_AUDIT_ANCHOR_EVERY_MS);
    assert_string_equal(out, "");
    /* activity, then the hour passes: one line with the head */
    fill(f->st, 1);
    gh_clock_advance(GH_AUDIT_ANCHOR_EVERY_MS - 1);
    tick_captured(&a, f->st, out, sizeof out);
    assert_string_equal(out, "");        /* not yet */
    gh_clock_advance(1);
    tick_captured(&a, f->st, out, sizeof out);
    assert_int_equal(gh_audit_head(f->st, &seq, head), GH_OK);
    snprintf(want, sizeof want, "log head: %lld:%s\n", (long long)seq, head);
    if (!strstr(out, want))
        fail_msg("expected '%s' on stderr, got '%s'", want, out);
    /* an hour with no activity: no line */
    gh_clock_advance(GH_AUDIT_ANCHOR_EVERY_MS);
    tick_captured(&a, f->st, out, sizeof out);
    assert_string_equal(out, "");
    /* activity again: the next hour says so */
    fill(f->st, 1);
    gh_clock_advance(GH_AUDIT_ANCHOR_EVERY_MS);
    tick_captured(&a, f->st, out, sizeof out);
    assert_non_null(strstr(out, "log head: 4:"));
}

/* ---- items 4 and 5: what restore refuses, and the site key it carries ------- */

static void path_in(const struct fx *f, char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

/* A database with an account and some log, and a backup of it (with key). */
static void site_with_backup(struct fx *f, const char *bak)
{
    char err[512];
    f->st = open_ok(f->db);
    add_account(f->st, "a@example.com");
    fill(f->st, 3);
    if (gh_backup_create(f->db, bak, NULL, err, sizeof err) != GH_OK)
        fail_msg("backup: %s", err);
}

static void expect_restore_refused(struct fx *f, const char *bak, const char *phrase)
{
    char err[1024];
    struct gh_backup_info info;
    int64_t before = raw_int(f->db, "SELECT count(*) FROM audit");
    enum gh_status s = gh_backup_restore(f->db, bak, &info, err, sizeof err);
    if (s == GH_OK)
        fail_msg("restore of %s was accepted", bak);
    if (!strstr(err, phrase))
        fail_msg("expected '%s' in: %s", phrase, err);
    /* nothing changed */
    assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit"), before);
    char prev[400];
    snprintf(prev, sizeof prev, "%s.pre-restore", f->db);
    assert_int_not_equal(access(prev, F_OK), 0);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

static void restore_refuses_a_backup_with_an_added_trigger_naming_it(void **state)
{
    struct fx *f = *state;
    char bak[300];
    path_in(f, bak, sizeof bak, "backup.db");
    site_with_backup(f, bak);
    raw(bak, "CREATE TRIGGER t AFTER INSERT ON audit BEGIN UPDATE accounts SET perms=63; END");
    expect_restore_refused(f, bak, "trigger t is not part of Gatehouse");
    assert_int_equal(raw_int(f->db, "SELECT max(perms) FROM accounts"), 0);
    char err[1024];
    assert_int_equal(gh_backup_check(bak, NULL, err, sizeof err), GH_E_INVALID);
    assert_non_null(strstr(err, "trigger t"));
    /* the backup itself is left as it was */
    assert_int_equal(raw_int(bak, "SELECT count(*) FROM sqlite_master WHERE name = 't'"), 1);
}

static void restore_refuses_a_backup_whose_schema_differs_in_any_way(void **state)
{
    struct fx *f = *state;
    char bak[300], b2[300];
    path_in(f, bak, sizeof bak, "backup.db");
    site_with_backup(f, bak);
    static const struct { const char *sql, *named; } cases[] = {
        { "CREATE VIEW v AS SELECT * FROM accounts", "view v is not part" },
        { "ALTER TABLE accounts ADD COLUMN note TEXT", "table accounts differs" },
        { "DROP INDEX accounts_group", "index accounts_group is missing" },
        { "CREATE INDEX extra ON audit(actor)", "index extra is not part" },
        { "DROP INDEX outbox_due; CREATE INDEX outbox_due ON outbox(state)",
          "index outbox_due differs" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        path_in(f, b2, sizeof b2, "changed.db");
        copy_file(bak, b2);
        char k1[320], k2[320];
        snprintf(k1, sizeof k1, "%s.key", bak);
        snprintf(k2, sizeof k2, "%s.key", b2);
        copy_file(k1, k2);
        raw(b2, cases[i].sql);
        expect_restore_refused(f, b2, cases[i].named);
    }
    /* the untouched backup restores */
    char err[1024];
    if (gh_backup_restore(f->db, bak, NULL, err, sizeof err) != GH_OK)
        fail_msg("restore: %s", err);
}

static void restore_refuses_a_backup_whose_log_is_empty_or_starts_after_1(void **state)
{
    struct fx *f = *state;
    char bak[300], b2[300], k1[320], k2[320];
    path_in(f, bak, sizeof bak, "backup.db");
    path_in(f, b2, sizeof b2, "cut.db");
    snprintf(k1, sizeof k1, "%s.key", bak);
    snprintf(k2, sizeof k2, "%s.key", b2);
    site_with_backup(f, bak);
    copy_file(bak, b2);
    copy_file(k1, k2);
    raw(b2, "DELETE FROM audit");
    expect_restore_refused(f, b2, "empty");
    copy_file(bak, b2);
    raw(b2, "DELETE FROM audit WHERE seq <= 2");
    expect_restore_refused(f, b2, "entry 1");
}

static void backup_writes_the_site_key_beside_it_readable_only_by_its_owner(void **state)
{
    struct fx *f = *state;
    char bak[300], key[320], err[512];
    path_in(f, bak, sizeof bak, "backup.db");
    snprintf(key, sizeof key, "%s.key", bak);
    struct gh_backup_info info;
    f->st = open_ok(f->db);
    if (gh_backup_create(f->db, bak, &info, err, sizeof err) != GH_OK)
        fail_msg("backup: %s", err);
    assert_true(info.has_key);
    struct stat sb;
    assert_int_equal(stat(key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    unsigned char a[GH_SITEKEY_BYTES], b[GH_SITEKEY_BYTES];
    char dbkey[320];
    snprintf(dbkey, sizeof dbkey, "%s.key", f->db);
    assert_int_equal(gh_sitekey_read(dbkey, a, err, sizeof err), GH_OK);
    assert_int_equal(gh_sitekey_read(key, b, err, sizeof err), GH_OK);
    assert_memory_equal(a, b, sizeof a);
    /* with the database's key gone, no backup that could never be restored */
    assert_int_equal(unlink(dbkey), 0);
    assert_int_equal(gh_backup_create(f->db, bak, &info, err, sizeof err), GH_E_NOTFOUND);
    assert_non_null(strstr(err, dbkey));
}

static void restore_requires_the_backups_own_key(void **state)
{
    struct fx *f = *state;
    char bak[300], key[320], other[300], okey[320];
    path_in(f, bak, sizeof bak, "backup.db");
    snprintf(key, sizeof key, "%s.key", bak);
    site_with_backup(f, bak);
    assert_int_equal(unlink(key), 0);
    expect_restore_refused(f, bak, "missing");
    /* another database's key is refused, naming both fingerprints */
    path_in(f, other, sizeof other, "other.db");
    snprintf(okey, sizeof okey, "%s.key", other);
    gh_store_close(open_ok(other));
    copy_file(okey, key);
    expect_restore_refused(f, bak, "is not this database's");
    char err[1024];
    assert_int_equal(gh_backup_check(bak, NULL, err, sizeof err), GH_E_INVALID);
}

static void restore_puts_the_backups_key_in_place_and_keeps_the_old_one(void **state)
{
    struct fx *f = *state;
    char bak[300], other[300], err[1024], h1[GH_SITEKEY_HEX], h2[GH_SITEKEY_HEX];
    path_in(f, bak, sizeof bak, "backup.db");
    path_in(f, other, sizeof other, "other.db");
    site_with_backup(f, bak);
    assert_int_equal(gh_store_keyed_hash(f->st, "setup-code", "123456", h1), GH_OK);
    gh_store_close(f->st);
    f->st = NULL;
    /* restored over another site's database (its own key) */
    struct gh_store *o = open_ok(other);
    add_account(o, "b@example.com");
    gh_store_close(o);
    struct gh_backup_info info;
    if (gh_backup_restore(other, bak, &info, err, sizeof err) != GH_OK)
        fail_msg("restore: %s", err);
    assert_true(info.has_key);
    o = open_ok(other);
    assert_int_equal(gh_store_keyed_hash(o, "setup-code", "123456", h2), GH_OK);
    assert_string_equal(h1, h2);         /* the backup's key came with it */
    gh_store_close(o);
    char k[400], pk[400];
    snprintf(k, sizeof k, "%s.key", other);
    snprintf(pk, sizeof pk, "%s.pre-restore.key", other);
    struct stat sb;
    assert_int_equal(stat(k, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(pk, &sb), 0);  /* the replaced database keeps its key */
    snprintf(k, sizeof k, "%s.pre-restore", other);
    o = open_ok(k);
    assert_int_equal(gh_store_keyed_hash(o, "setup-code", "123456", h2), GH_OK);
    assert_string_not_equal(h1, h2);
    gh_store_close(o);
}

static int dir_is_empty(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
    return system(cmd) == 0;
}

static void checking_an_old_backup_leaves_no_key_in_the_temporary_folder(void **state)
{
    struct fx *f = *state;
    char bak[300], tmpdir[300], err[1024];
    path_in(f, bak, sizeof bak, "old.db");
    path_in(f, tmpdir, sizeof tmpdir, "tmp");
    assert_int_equal(mkdir(tmpdir, 0700), 0);
    make_schema4_db(bak, 2);             /* records no key: opening it makes one */
    raw(bak, "DELETE FROM site_meta");
    char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", tmpdir, 1);
    enum gh_status s = gh_backup_check(bak, NULL, err, sizeof err);
    if (saved) {
        setenv("TMPDIR", saved, 1);
        free(saved);
    } else {
        unsetenv("TMPDIR");
    }
    if (s != GH_OK)
        fail_msg("check: %s", err);
    assert_true(dir_is_empty(tmpdir));
    /* restored, the database and the key made for it belong together */
    if (gh_backup_restore(f->db, bak, NULL, err, sizeof err) != GH_OK)
        fail_msg("restore: %s", err);
    f->st = open_ok(f->db);
    char h[GH_SITEKEY_HEX];
    assert_int_equal(gh_store_keyed_hash(f->st, "setup-code", "1", h), GH_OK);
    expect_intact(f->st, 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(an_empty_log_in_a_database_with_accounts_does_not_verify),
        T(a_log_starting_after_entry_1_does_not_verify),
        T(an_anchor_names_entries_cut_off_the_end),
        T(an_anchor_names_a_rewritten_log),
        T(an_anchor_must_be_seq_colon_64_hex),
        T(a_nul_byte_and_more_added_inside_a_field_is_caught),
        T(the_log_table_is_strict_so_at_cannot_become_text),
        T(at_edited_to_a_real_or_text_value_is_caught_where_the_schema_allows_it),
        T(entries_from_before_the_migration_still_verify_and_new_ones_are_version_2),
        T(an_old_style_entry_after_a_new_one_is_tampering),
        T(the_kiosk_writes_the_log_head_to_the_journal_after_an_hour_with_activity),
        T(restore_refuses_a_backup_with_an_added_trigger_naming_it),
        T(restore_refuses_a_backup_whose_schema_differs_in_any_way),
        T(restore_refuses_a_backup_whose_log_is_empty_or_starts_after_1),
        T(backup_writes_the_site_key_beside_it_readable_only_by_its_owner),
        T(restore_requires_the_backups_own_key),
        T(restore_puts_the_backups_key_in_place_and_keeps_the_old_one),
        T(checking_an_old_backup_leaves_no_key_in_the_temporary_folder),
};

GH_TEST_MAIN(tests)
