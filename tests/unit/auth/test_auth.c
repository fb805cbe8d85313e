/*
 * test_auth.c: kiosk identity against issue 11, on real SQLite files in a
 * temporary folder: setup codes under the site key's keyed hash (and older
 * Argon2id codes still redeeming), attempts counted before the secret is
 * checked (20 processes at once can't check more than pin_attempts PINs; an
 * attempt that can't be recorded is refused unchecked), no log-in by account
 * id, and the dummy hash made at start. One ctest entry per rule; an unknown
 * name fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"
#include "store_internal.h"

struct fx {
    char dir[128], db[256];
    struct gh_store *st;
};

static struct gh_store *open_ok(const char *db)
{
    struct gh_store *st = NULL;
    char err[512];
    if (gh_store_open(db, &st, err, sizeof err) != GH_OK)
        fail_msg("open %s: %s", db, err);
    return st;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gh_clock_set_virtual(1);
    gh_test_store_open(f->dir, sizeof f->dir, f->db, sizeof f->db, "auth", &f->st);
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

static int64_t sql_int(struct gh_store *st, const char *s)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(st), s, -1, &q, NULL), SQLITE_OK);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return v;
}

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

static int64_t staff(struct gh_store *st, const char *email, const char *phone, const char *pin)
{
    struct gh_account_new in = { .email = email, .name = "Sam", .phone = phone };
    int64_t id = 0;
    if (gh_staff_create(st, "test", &in, pin, GH_PERM_APPROVE, &id) != GH_OK)
        fail_msg("staff %s: %s", email, gh_store_errmsg(st));
    return id;
}

static int64_t occupant(struct gh_store *st, const char *email)
{
    struct gh_account_new in = { .email = email, .name = "Oc", .access = GH_ACCESS_ALL };
    int64_t id = 0;
    if (gh_occupant_create(st, "test", &in, &id) != GH_OK)
        fail_msg("occupant %s: %s", email, gh_store_errmsg(st));
    return id;
}

/* ---- setup codes: the keyed hash ------------------------------------------ */

static void setup_codes_are_stored_as_the_site_keys_keyed_hash(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f->st, "ann@example.com");
    char code[GH_CODE_LEN + 1], want[GH_SITEKEY_HEX], q[128];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    assert_int_equal(gh_store_keyed_hash(f->st, "setup-code", code, want), GH_OK);
    snprintf(q, sizeof q, "SELECT code_hash FROM setup_codes WHERE account_id = %lld",
             (long long)id);
    assert_string_equal(sql_text(f->st, q), want);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ann@example.com", code, "4826"), GH_OK);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ann@example.com", "4826", &a), GH_OK);
}

static void argon2id_setup_codes_issued_before_still_redeem(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f->st, "bo@example.com");
    char code[GH_CODE_LEN + 1], old[crypto_pwhash_STRBYTES];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    /* as an older version stored it */
    assert_int_equal(crypto_pwhash_str_alg(old, "318204", 6, 2, 19u * 1024 * 1024,
                                           crypto_pwhash_ALG_ARGON2ID13), 0);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st),
        "UPDATE setup_codes SET code_hash = ?1 WHERE account_id = ?2", -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, old, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, id);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "bo@example.com", "318205", "4826"),
                     GH_E_DENIED);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "bo@example.com", "318204", "4826"), GH_OK);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "bo@example.com", "4826", &a), GH_OK);
}

static void a_missing_site_key_is_a_clear_error_naming_the_file(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f->st, "cy@example.com");
    char code[GH_CODE_LEN + 1], key[300];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    gh_store_close(f->st);
    assert_int_equal(gh_sitekey_path(f->db, key, sizeof key), GH_OK);
    assert_int_equal(unlink(key), 0);
    f->st = open_ok(f->db);
    assert_int_not_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    assert_non_null(strstr(gh_store_errmsg(f->st), key));
    assert_int_not_equal(gh_auth_redeem(f->st, "kiosk", "cy@example.com", code, "4826"), GH_OK);
    assert_non_null(strstr(gh_store_errmsg(f->st), key));
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM auth_failures"), 0);
}

/* ---- attempts counted before the check -------------------------------------- */

/* 20 processes, each with its own connection, try a PIN for the same account
 * at once; the one numbered `right` has the right PIN. */
static void burst(struct fx *f, int64_t id, int right)
{
    long before = gh_auth_checks();
    int64_t seq0 = sql_int(f->st, "SELECT max(seq) FROM audit");
    char q[256];
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t kids[20];
    for (int i = 0; i < 20; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            char pin[8];
            struct gh_store *st = NULL;
            char err[256];
            close(fds[0]);
            snprintf(pin, sizeof pin, "%04d", i == right ? 2580 : 7000 + i);
            if (gh_store_open(f->db, &st, err, sizeof err) != GH_OK)
                _exit(100);
            struct gh_account a;
            enum gh_status s = gh_auth_login(st, "kiosk", "bob@example.com", pin, &a);
            long n = gh_auth_checks() - before;
            if (write(fds[1], &n, sizeof n) != sizeof n)
                _exit(101);
            gh_store_close(st);
            _exit((int)s);
        }
    }
    close(fds[1]);
    int ok = 0, denied = 0, locked = 0, other = 0;
    long checked = 0, n;
    for (int i = 0; i < 20; i++) {
        int ws;
        assert_int_equal(waitpid(kids[i], &ws, 0), kids[i]);
        assert_true(WIFEXITED(ws));
        int s = WEXITSTATUS(ws);
        ok += s == GH_OK;
        denied += s == GH_E_DENIED;
        locked += s == GH_E_LOCKED;
        other += s != GH_OK && s != GH_E_DENIED && s != GH_E_LOCKED;
    }
    while (read(fds[0], &n, sizeof n) == sizeof n)
        checked += n;
    close(fds[0]);
    int64_t attempts = gh_settings_get_int(f->st, GH_SETTING_PIN_ATTEMPTS);
    print_message("ok %d denied %d locked %d other %d; PINs checked %ld\n", ok, denied, locked,
                  other, checked);
    assert_int_equal(other, 0);
    assert_true(ok <= 1);
    /* Without the right PIN: at most pin_attempts PINs checked (the log
     * agrees), the rest refused, and the lock-out holds. A right PIN starts
     * the window afresh, as it does one attempt at a time (wrong, right,
     * wrong...): then at most pin_attempts - 1 wrong ones before it and
     * pin_attempts after it. */
    int64_t bound = ok ? 2 * attempts : attempts;
    assert_true(checked <= bound);
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE seq > %lld AND action = "
             "'auth.login' AND (outcome = 'ok' OR reason LIKE 'wrong PIN%%')", (long long)seq0);
    assert_true(sql_int(f->st, q) <= bound);
    assert_true(locked >= 20 - bound);
    struct gh_account a;
    if (!ok) {
        assert_true(gh_auth_locked_ms(f->st, id) > 0);
        assert_int_equal(gh_auth_login(f->st, "kiosk", "bob@example.com", "2580", &a),
                         GH_E_LOCKED);
    }
}

static void concurrent_attempts_check_at_most_pin_attempts_pins(void **state)
{
    struct fx *f = *state;
    int64_t id = staff(f->st, "bob@example.com", NULL, "2580");
    burst(f, id, 19);                 /* the right PIN last: likely never checked */
    gh_clock_advance(16 * 60 * 1000); /* past any lock-out and its window */
    burst(f, id, 0);                  /* first: likely checked and right */
}

/* Another connection holds the write lock; our busy time-out is short. */
static void an_attempt_that_cannot_be_recorded_is_refused_unchecked(void **state)
{
    struct fx *f = *state;
    staff(f->st, "dee@example.com", NULL, "2580");
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(f->db, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(gh_store_db(f->st), 50);

    struct gh_account a;
    const char *pins[] = { "9999", "2580" };
    char first[512] = "";
    for (int i = 0; i < 2; i++) {
        long before = gh_auth_checks();
        enum gh_status s = gh_auth_login(f->st, "kiosk", "dee@example.com", pins[i], &a);
        assert_int_not_equal(s, GH_OK);
        assert_int_not_equal(s, GH_E_DENIED);
        assert_non_null(strstr(gh_store_errmsg(f->st), "could not be recorded"));
        assert_int_equal(gh_auth_checks(), before);       /* the PIN was never checked */
        /* the right and the wrong PIN can't be told apart */
        if (i == 0)
            snprintf(first, sizeof first, "%s", gh_store_errmsg(f->st));
        else
            assert_string_equal(gh_store_errmsg(f->st), first);
    }
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "dee@example.com", "2580", &a), GH_OK);
}

static void a_right_code_with_a_weak_pin_does_not_count_as_a_failure(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f->st, "eve@example.com");
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    for (int i = 0; i < 6; i++)
        assert_int_equal(gh_auth_redeem(f->st, "kiosk", "eve@example.com", code, "1111"),
                         GH_E_INVALID);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM auth_failures"), 0);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "eve@example.com", code, "4826"), GH_OK);
}

/* ---- email or phone, never an id -------------------------------------------- */

static void an_account_id_is_not_a_log_in(void **state)
{
    struct fx *f = *state;
    int64_t id = staff(f->st, "ada@example.com", "+44 7700 900123", "2580");
    char who[32], msg[512];
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "nobody@example.com", "2580", &a),
                     GH_E_DENIED);
    snprintf(msg, sizeof msg, "%s", gh_store_errmsg(f->st));
    snprintf(who, sizeof who, "%lld", (long long)id);
    assert_int_equal(gh_auth_login(f->st, "kiosk", who, "2580", &a), GH_E_DENIED);
    assert_string_equal(gh_store_errmsg(f->st), msg);        /* as for no such account */
    snprintf(who, sizeof who, " 00%lld ", (long long)id);
    assert_int_equal(gh_auth_login(f->st, "kiosk", who, "2580", &a), GH_E_DENIED);
    /* guesses by id neither count nor lock the account out */
    snprintf(who, sizeof who, "%lld", (long long)id);
    for (int i = 0; i < 6; i++)
        assert_int_equal(gh_auth_login(f->st, "kiosk", who, "9999", &a), GH_E_DENIED);
    assert_int_equal(gh_auth_locked_ms(f->st, id), 0);
    assert_int_equal(sql_int(f->st, "SELECT count(*) FROM auth_failures"), 0);
    /* a setup code can't be redeemed by id either */
    char code[GH_CODE_LEN + 1];
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", who, code, "4826"), GH_E_DENIED);
    /* email and phone still do */
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ada@example.com", "2580", &a), GH_OK);
    assert_int_equal(gh_auth_login(f->st, "kiosk", "+447700900123", "2580", &a), GH_OK);
    assert_int_equal(a.id, id);
}

/* ---- the dummy hash is made at start ------------------------------------------ */

/* A fresh process (this program run again with --fresh: pthread_once state
 * and the dummy are per process, and the tests before may have made it).
 * MODE "init": not there before gh_auth_init, there after. MODE "known": a
 * first attempt for a KNOWN account makes it too, so the first unknown
 * attempt after it costs no extra hash. Exit 0 when so. */
static int fresh(const char *mode, const char *db)
{
    if (gh_auth_dummy_ready())
        return 1;
    if (strcmp(mode, "init") == 0) {
        gh_auth_init();
        return gh_auth_dummy_ready() ? 0 : 2;
    }
    struct gh_store *st = NULL;
    char err[256];
    struct gh_account a;
    if (gh_store_open(db, &st, err, sizeof err) != GH_OK)
        return 3;
    if (gh_auth_login(st, "kiosk", "fay@example.com", "2580", &a) != GH_OK)
        return 4;
    int ready = gh_auth_dummy_ready();
    gh_store_close(st);
    return ready ? 0 : 5;
}

static void run_fresh(const char *mode, const char *db)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        execl("/proc/self/exe", "test_auth", "--fresh", mode, db, (char *)NULL);
        _exit(99);
    }
    int ws;
    assert_int_equal(waitpid(p, &ws, 0), p);
    assert_true(WIFEXITED(ws));
    if (WEXITSTATUS(ws) != 0)
        fail_msg("fresh process, %s: exit %d", mode, WEXITSTATUS(ws));
}

static void the_dummy_hash_is_made_at_start_not_at_the_first_unknown(void **state)
{
    struct fx *f = *state;
    staff(f->st, "fay@example.com", NULL, "2580");
    run_fresh("init", f->db);
    run_fresh("known", f->db);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(setup_codes_are_stored_as_the_site_keys_keyed_hash),
        T(argon2id_setup_codes_issued_before_still_redeem),
        T(a_missing_site_key_is_a_clear_error_naming_the_file),
        T(concurrent_attempts_check_at_most_pin_attempts_pins),
        T(an_attempt_that_cannot_be_recorded_is_refused_unchecked),
        T(a_right_code_with_a_weak_pin_does_not_count_as_a_failure),
        T(an_account_id_is_not_a_log_in),
        T(the_dummy_hash_is_made_at_start_not_at_the_first_unknown),
};

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--fresh") == 0)
        return fresh(argv[2], argv[3]);
    return gh_test_run(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
