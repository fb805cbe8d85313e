/*
 * test_doorcode.c: door codes (doorcode.h) and the per-kiosk throttle
 * (throttle.h), against a real SQLite file and site key in a temporary
 * folder, with the real activity log and outbox underneath. The clock is
 * virtual, so the throttle's 30 s .. 10 min steps are exact.
 *
 * One ctest entry per rule (argv[1] is the test's name); a name that matches
 * no test is an error.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/outbox.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"
#include "gatehouse/throttle.h"
#include "store_internal.h"

#define OK(expr) assert_int_equal((expr), GH_OK)

struct fx {
    char dir[64], path[128];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    gh_clock_set_virtual(1);
    gh_test_store_open(f->dir, sizeof f->dir, f->path, sizeof f->path, "doorcode", &f->st);
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

static int64_t occupant(struct fx *f, const char *email, enum gh_access access)
{
    struct gh_account_new in = { .email = email, .name = "Test Person", .access = access,
                                 .no_welcome = 1 };
    int64_t id = 0;
    OK(gh_occupant_create(f->st, "test", &in, &id));
    return id;
}

static int64_t staff(struct fx *f, const char *email, const char *name, unsigned perms)
{
    struct gh_account_new in = { .email = email, .name = name, .access = GH_ACCESS_NONE };
    int64_t id = 0;
    OK(gh_staff_create(f->st, "test", &in, "2580", perms, &id));
    return id;
}

static int64_t one_int(struct fx *f, const char *sql)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st), sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Does any activity log entry contain `needle`, or (needle NULL) count the
 * entries whose action is `action`. */
struct scan { const char *needle, *action; int hits; };
static int scan_fn(void *ud, const struct gh_audit_entry *e)
{
    struct scan *s = ud;
    if (s->needle && (strstr(e->actor, s->needle) || strstr(e->target, s->needle) ||
                      strstr(e->reason, s->needle) || strstr(e->action, s->needle)))
        s->hits++;
    if (s->action && !strcmp(e->action, s->action))
        s->hits++;
    return 0;
}
static int log_has(struct fx *f, const char *needle)
{
    struct scan s = { needle, NULL, 0 };
    OK(gh_audit_list(f->st, 0, scan_fn, &s));
    return s.hits;
}
static int log_count(struct fx *f, const char *action)
{
    struct scan s = { NULL, action, 0 };
    OK(gh_audit_list(f->st, 0, scan_fn, &s));
    return s.hits;
}

static void issue(struct fx *f, int64_t id, char code[GH_DOORCODE_BUF])
{
    OK(gh_doorcode_issue(f->st, "test", id, code, GH_DOORCODE_BUF));
}

/* ---- the code itself ------------------------------------------------------- */

static void codes_have_the_settings_digits_never_one_digit_repeated_or_a_straight_run(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char code[GH_DOORCODE_BUF];
    static const char *const digits[] = { "6", "8", "12" };
    for (size_t d = 0; d < 3; d++) {
        OK(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, digits[d]));
        for (int i = 0; i < 200; i++) {
            issue(f, id, code);
            assert_int_equal(strlen(code), (size_t)atoi(digits[d]));
            assert_true(gh_doorcode_shape_ok(code));
            assert_int_equal(strspn(code, "0123456789"), strlen(code));
        }
    }
    /* the rule itself */
    assert_false(gh_doorcode_shape_ok("11111111"));
    assert_false(gh_doorcode_shape_ok("23456789"));
    assert_false(gh_doorcode_shape_ok("98765432"));
    assert_false(gh_doorcode_shape_ok("012345"));
    assert_false(gh_doorcode_shape_ok("12345"));          /* too short */
    assert_false(gh_doorcode_shape_ok("1234567890123"));  /* too long */
    assert_false(gh_doorcode_shape_ok("1234a678"));
    assert_false(gh_doorcode_shape_ok(""));
    assert_false(gh_doorcode_shape_ok(NULL));
    assert_true(gh_doorcode_shape_ok("11111112"));
    assert_true(gh_doorcode_shape_ok("12345670"));
}

static void door_code_digits_is_6_to_12_and_8_by_default(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_DOOR_CODE_DIGITS), 8);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "5"),
                     GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "door_code_digits"));
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "13"),
                     GH_E_INVALID);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "eight"),
                     GH_E_INVALID);
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_DOOR_CODE_DIGITS), 8);
    OK(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "6"));
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_DOOR_CODE_DIGITS), 6);
    OK(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "12"));
    assert_int_equal(gh_settings_get_int(f->st, GH_SETTING_DOOR_CODE_DIGITS), 12);
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void codes_are_unique_across_accounts(void **state)
{
    struct fx *f = *state;
    enum { N = 1500 };
    char (*codes)[GH_DOORCODE_BUF] = calloc(N, GH_DOORCODE_BUF);
    char email[64];
    OK(gh_settings_set(f->st, "test", GH_SETTING_DOOR_CODE_DIGITS, "6"));
    OK(gh_store_begin(f->st));
    for (int i = 0; i < N; i++) {
        snprintf(email, sizeof email, "p%d@example.com", i);
        issue(f, occupant(f, email, GH_ACCESS_ALL), codes[i]);
    }
    OK(gh_store_commit(f->st));
    qsort(codes, N, GH_DOORCODE_BUF, cmp_code);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(codes[i - 1], codes[i]);
    assert_int_equal(one_int(f, "SELECT count(DISTINCT code_hash) FROM door_codes"), N);
    /* and the database itself refuses a second account with the same hash */
    int rc = sqlite3_exec(gh_store_db(f->st),
                          "INSERT INTO door_codes (account_id, code_hash, issued_at) "
                          "SELECT 999999, code_hash, 0 FROM door_codes LIMIT 1", NULL, NULL, NULL);
    assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
    free(codes);
}

static void only_the_keyed_hash_of_a_code_is_stored(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char code[GH_DOORCODE_BUF], hash[GH_SITEKEY_HEX];
    issue(f, id, code);
    OK(gh_store_keyed_hash(f->st, "door-code", code, hash));
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st),
                                        "SELECT code_hash FROM door_codes WHERE account_id = ?1",
                                        -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, id);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), hash);
    assert_null(strstr((const char *)sqlite3_column_text(q, 0), code));
    sqlite3_finalize(q);
    /* a setup code with the same digits would not share the hash */
    char other[GH_SITEKEY_HEX];
    OK(gh_store_keyed_hash(f->st, "setup-code", code, other));
    assert_string_not_equal(hash, other);
    assert_int_equal(gh_doorcode_has(f->st, id), 1);
}

static void a_new_code_voids_the_old_one(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char c1[GH_DOORCODE_BUF], c2[GH_DOORCODE_BUF];
    struct gh_account a;
    issue(f, id, c1);
    do
        issue(f, id, c2);
    while (!strcmp(c1, c2));
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", c1, &a, NULL), GH_E_DENIED);
    OK(gh_doorcode_attempt(f->st, "Front", c2, &a, NULL));
    assert_int_equal(a.id, id);
    assert_int_equal(one_int(f, "SELECT count(*) FROM door_codes"), 1);
}

/* ---- who may hold one ---------------------------------------------------- */

static void issue_is_refused_for_pending_inactive_blocked_and_doorless_accounts(void **state)
{
    struct fx *f = *state;
    char code[GH_DOORCODE_BUF] = "x";
    int64_t id = 0;
    struct gh_signup su = { .email = "pat@example.com", .name = "Pat" };
    struct gh_signup_result r;
    OK(gh_occupant_signup(f->st, "kiosk", &su, &r));
    assert_int_equal(r.outcome, GH_SIGNUP_PENDING);
    assert_int_equal(gh_doorcode_issue(f->st, "cli", r.account_id, code, sizeof code),
                     GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "waiting for approval"));
    assert_string_equal(code, "");

    id = occupant(f, "ina@example.com", GH_ACCESS_ALL);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_INACTIVE));
    assert_int_equal(gh_doorcode_issue(f->st, "cli", id, code, sizeof code), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "inactive"));

    id = occupant(f, "bo@example.com", GH_ACCESS_ALL);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_BLOCKED));
    assert_int_equal(gh_doorcode_issue(f->st, "cli", id, code, sizeof code), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "blocked"));

    id = occupant(f, "none@example.com", GH_ACCESS_NONE);
    assert_int_equal(gh_doorcode_issue(f->st, "cli", id, code, sizeof code), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "may not open any door"));

    id = staff(f, "clerk@example.com", "Clerk", GH_PERM_APPROVE);
    assert_int_equal(gh_doorcode_issue(f->st, "cli", id, code, sizeof code), GH_E_REFUSED);
    id = staff(f, "keys@example.com", "Keys", GH_PERM_OPEN_COMMON);
    OK(gh_doorcode_issue(f->st, "cli", id, code, sizeof code));

    assert_int_equal(one_int(f, "SELECT count(*) FROM door_codes"), 1);
    assert_int_equal(one_int(f, "SELECT count(*) FROM audit WHERE action = 'doorcode.issue' "
                                "AND outcome = 'refused'"), 5);
}

static void blocking_or_deactivating_voids_the_code_and_reactivation_issues_none(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char code[GH_DOORCODE_BUF];
    struct gh_account a;
    issue(f, id, code);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_BLOCKED));
    assert_int_equal(gh_doorcode_has(f->st, id), 0);
    assert_int_equal(log_count(f, "doorcode.void"), 1);
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", code, &a, NULL), GH_E_DENIED);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_ACTIVE));
    assert_int_equal(gh_doorcode_has(f->st, id), 0);

    issue(f, id, code);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_INACTIVE));
    assert_int_equal(gh_doorcode_has(f->st, id), 0);
    assert_int_equal(log_count(f, "doorcode.void"), 2);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_ACTIVE));
    assert_int_equal(gh_doorcode_has(f->st, id), 0);
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", code, &a, NULL), GH_E_DENIED);
    /* without a code, a state change logs no void */
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_BLOCKED));
    assert_int_equal(log_count(f, "doorcode.void"), 2);
}

static void revoke_voids_the_code_and_says_when_there_was_none(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char code[GH_DOORCODE_BUF];
    struct gh_account a;
    issue(f, id, code);
    OK(gh_doorcode_revoke(f->st, "cli", id));
    assert_int_equal(gh_doorcode_has(f->st, id), 0);
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", code, &a, NULL), GH_E_DENIED);
    assert_int_equal(gh_doorcode_revoke(f->st, "cli", id), GH_E_NOTFOUND);
    assert_non_null(strstr(gh_store_errmsg(f->st), "no door code"));
}

/* ---- at the kiosk ------------------------------------------------------------ */

static void a_right_code_finds_its_owner_and_a_wrong_one_says_only_not_right(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    int64_t bo = occupant(f, "bo@example.com", GH_ACCESS_ALL);
    char ca[GH_DOORCODE_BUF], cb[GH_DOORCODE_BUF], wrong[GH_DOORCODE_BUF];
    struct gh_account a;
    int64_t wait = -1;
    issue(f, ana, ca);
    issue(f, bo, cb);
    OK(gh_doorcode_attempt(f->st, "Front", ca, &a, &wait));
    assert_int_equal(a.id, ana);
    assert_int_equal(wait, 0);
    OK(gh_doorcode_attempt(f->st, "Front", cb, &a, NULL));
    assert_int_equal(a.id, bo);
    /* a wrong code of the right shape, one of another shape, and garbage:
     * the same sentence for each */
    snprintf(wrong, sizeof wrong, "%s", ca);
    wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
    if (!strcmp(wrong, cb))
        wrong[1] = wrong[1] == '9' ? '0' : (char)(wrong[1] + 1);
    static const char *bad[3];
    bad[0] = wrong; bad[1] = "1234"; bad[2] = "abc";
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gh_doorcode_attempt(f->st, "Front", bad[i], &a, NULL), GH_E_DENIED);
        assert_string_equal(gh_store_errmsg(f->st), "That code is not right.");
    }
    assert_int_equal(one_int(f, "SELECT count(*) FROM audit WHERE action = 'door.code' "
                                "AND outcome = 'failed' AND reason LIKE 'wrong door code (hash %'"),
                     3);
}

static void the_lookup_is_one_indexed_search(void **state)
{
    struct fx *f = *state;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st),
                                        "EXPLAIN QUERY PLAN SELECT account_id FROM door_codes "
                                        "WHERE code_hash = ?1", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *detail = (const char *)sqlite3_column_text(q, 3);
    assert_non_null(strstr(detail, "SEARCH door_codes USING"));
    assert_non_null(strstr(detail, "INDEX"));
    sqlite3_finalize(q);
}

/* 5 wrong codes within 10 minutes: 30 s, then doubling while wrong codes
 * continue, at most 10 minutes; right codes refused meanwhile. */
static void five_wrong_codes_throttle_30s_doubling_to_at_most_10_min(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    char code[GH_DOORCODE_BUF];
    struct gh_account a;
    int64_t wait = -1;
    issue(f, ana, code);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, &wait), GH_E_DENIED);
        assert_int_equal(wait, 0);
        gh_clock_advance(60 * 1000);      /* 4 minutes in all: inside the window */
    }
    OK(gh_doorcode_attempt(f->st, "Front", code, &a, &wait));   /* right ones don't count */
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, &wait), GH_E_DENIED);
    assert_int_equal(wait, 30000);
    assert_int_equal(gh_throttle_wait_ms(f->st, "Front", GH_THROTTLE_CODE), 30000);
    /* the right code is refused too, with the time left */
    gh_clock_advance(1000);
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", code, &a, &wait), GH_E_LOCKED);
    assert_int_equal(wait, 29000);
    assert_string_equal(gh_store_errmsg(f->st), "Too many wrong codes. Try again in 29 seconds.");
    assert_int_equal(log_count(f, "throttle.start"), 1);
    /* another kiosk is not throttled */
    OK(gh_doorcode_attempt(f->st, "Back", code, &a, &wait));
    assert_int_equal(gh_throttle_wait_ms(f->st, "Front", GH_THROTTLE_LOGIN), 0);

    static const int64_t steps[] = { 60, 120, 240, 480, 600, 600 };
    int64_t left = 29000;
    for (size_t i = 0; i < 6; i++) {
        gh_clock_advance(left);
        assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, &wait), GH_E_DENIED);
        assert_int_equal(wait, steps[i] * 1000);
        left = wait;
    }
    assert_int_equal(log_count(f, "throttle.wait"), 6);
    /* ten quiet minutes after the wait: the count starts again */
    gh_clock_advance(left + 10 * 60 * 1000);
    assert_int_equal(gh_throttle_wait_ms(f->st, "Front", GH_THROTTLE_CODE), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, &wait), GH_E_DENIED);
        assert_int_equal(wait, 0);
    }
    OK(gh_doorcode_attempt(f->st, "Front", code, &a, &wait));
}

static void wrong_codes_spread_over_more_than_10_minutes_do_not_throttle(void **state)
{
    struct fx *f = *state;
    struct gh_account a;
    int64_t wait = -1;
    for (int i = 0; i < 12; i++) {
        assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, &wait), GH_E_DENIED);
        assert_int_equal(wait, 0);
        gh_clock_advance(150 * 1000 + 1000);   /* at most 4 in any 10 minutes */
    }
    assert_int_equal(log_count(f, "throttle.start"), 0);
}

static void ten_wrong_log_ins_throttle_the_kiosk_log_in(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    OK(gh_auth_set_pin(f->st, "test", id, "2580"));
    struct gh_account a;
    int64_t wait = -1;
    char who[64];
    for (int i = 0; i < 9; i++) {
        snprintf(who, sizeof who, "nobody%d@example.com", i);
        assert_int_equal(gh_throttle_kiosk_login(f->st, "Lobby", who, "1357", &a, &wait),
                         GH_E_DENIED);
        assert_int_equal(wait, 0);
        assert_non_null(strstr(gh_store_errmsg(f->st), "not right"));
    }
    /* a right log-in neither counts nor clears */
    OK(gh_throttle_kiosk_login(f->st, "Lobby", "ana@example.com", "2580", &a, &wait));
    assert_int_equal(a.id, id);
    assert_int_equal(gh_throttle_kiosk_login(f->st, "Lobby", "ana@example.com", "1357", &a, &wait),
                     GH_E_DENIED);
    assert_int_equal(wait, 30000);
    assert_int_equal(gh_throttle_kiosk_login(f->st, "Lobby", "ana@example.com", "2580", &a, &wait),
                     GH_E_LOCKED);
    assert_int_equal(wait, 30000);
    assert_string_equal(gh_store_errmsg(f->st), "Too many wrong log-ins. Try again in 30 seconds.");
    /* door codes at the same kiosk have their own count */
    assert_int_equal(gh_throttle_wait_ms(f->st, "Lobby", GH_THROTTLE_CODE), 0);
    gh_clock_advance(30000);
    assert_int_equal(gh_throttle_kiosk_login(f->st, "Lobby", "x@example.com", "1357", &a, &wait),
                     GH_E_DENIED);
    assert_int_equal(wait, 60000);
    gh_clock_advance(60000);
    OK(gh_throttle_kiosk_login(f->st, "Lobby", "ana@example.com", "2580", &a, &wait));
}

static int64_t security_mails(struct fx *f)
{
    return one_int(f, "SELECT count(*) FROM outbox WHERE kind = 'security_throttle'");
}

static void throttle(struct fx *f, const char *kiosk)
{
    struct gh_account a;
    int64_t wait = 0;
    for (int i = 0; i < 5; i++)
        assert_int_equal(gh_doorcode_attempt(f->st, kiosk, "90817263", &a, &wait), GH_E_DENIED);
    assert_int_equal(wait, 30000);
}

static void admins_get_one_security_email_an_hour_per_kiosk(void **state)
{
    struct fx *f = *state;
    staff(f, "boss@example.com", "Boss", GH_PERM_ADMIN);
    staff(f, "owner@example.com", "Owner", GH_PERM_ADMIN | GH_PERM_APPROVE);
    staff(f, "clerk@example.com", "Clerk", GH_PERM_APPROVE | GH_PERM_MANAGE);
    int64_t gone = staff(f, "gone@example.com", "Gone", GH_PERM_ADMIN);
    OK(gh_occupant_set_state(f->st, "cli", gone, GH_STATE_INACTIVE));
    int64_t before = security_mails(f);
    throttle(f, "Front");
    assert_int_equal(security_mails(f) - before, 2);
    assert_int_equal(one_int(f, "SELECT count(*) FROM outbox WHERE kind = 'security_throttle' "
                                "AND to_addr IN ('boss@example.com', 'owner@example.com') "
                                "AND subject LIKE '%Front%'"), 2);
    /* another episode 20 minutes later: logged, no second email */
    gh_clock_advance(20 * 60 * 1000);
    throttle(f, "Front");
    assert_int_equal(log_count(f, "throttle.start"), 2);
    assert_int_equal(security_mails(f) - before, 2);
    /* another kiosk: its own email */
    throttle(f, "Back");
    assert_int_equal(security_mails(f) - before, 4);
    /* log-ins at Front within the hour: none either */
    struct gh_account a;
    for (int i = 0; i < 10; i++)
        gh_throttle_kiosk_login(f->st, "Front", "nobody@example.com", "1357", &a, NULL);
    assert_int_equal(gh_throttle_wait_ms(f->st, "Front", GH_THROTTLE_LOGIN), 30000);
    assert_int_equal(security_mails(f) - before, 4);
    /* an hour after the first: again */
    gh_clock_advance(41 * 60 * 1000);
    throttle(f, "Front");
    assert_int_equal(security_mails(f) - before, 6);
}

/* ---- secrets stay secret ----------------------------------------------------- */

static void file_has(const char *path, const char *needle, int *hits)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return;               /* no WAL at this moment: nothing in it */
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    if (memmem(buf, (size_t)n, needle, strlen(needle)))
        (*hits)++;
    free(buf);
}

static void codes_never_reach_the_log_the_outbox_or_the_database_file_and_wal(void **state)
{
    struct fx *f = *state;
    enum { N = 20 };
    char codes[N][GH_DOORCODE_BUF], email[64], wal[160];
    struct gh_account a;
    staff(f, "boss@example.com", "Boss", GH_PERM_ADMIN);
    for (int i = 0; i < N; i++) {
        snprintf(email, sizeof email, "p%d@example.com", i);
        int64_t id = occupant(f, email, GH_ACCESS_ALL);
        issue(f, id, codes[i]);
        if (i % 2)
            issue(f, id, codes[i]);           /* replaced: both must be absent */
    }
    for (int i = 0; i < N; i++)
        OK(gh_doorcode_attempt(f->st, "Front", codes[i], &a, NULL));
    throttle(f, "Front");                      /* and a security email */
    OK(gh_doorcode_revoke(f->st, "cli", 1 + 1));
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    int hits = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(log_has(f, codes[i]), 0);
        file_has(f->path, codes[i], &hits);
        file_has(wal, codes[i], &hits);
    }
    assert_int_equal(hits, 0);
    assert_int_equal(one_int(f, "SELECT count(*) FROM outbox WHERE kind = 'security_throttle'"), 1);
    /* after a checkpoint and close, the main file alone */
    gh_store_close(f->st);
    f->st = NULL;
    for (int i = 0; i < N; i++)
        file_has(f->path, codes[i], &hits);
    assert_int_equal(hits, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(codes_have_the_settings_digits_never_one_digit_repeated_or_a_straight_run),
        T(door_code_digits_is_6_to_12_and_8_by_default),
        T(codes_are_unique_across_accounts),
        T(only_the_keyed_hash_of_a_code_is_stored),
        T(a_new_code_voids_the_old_one),
        T(issue_is_refused_for_pending_inactive_blocked_and_doorless_accounts),
        T(blocking_or_deactivating_voids_the_code_and_reactivation_issues_none),
        T(revoke_voids_the_code_and_says_when_there_was_none),
        T(a_right_code_finds_its_owner_and_a_wrong_one_says_only_not_right),
        T(the_lookup_is_one_indexed_search),
        T(five_wrong_codes_throttle_30s_doubling_to_at_most_10_min),
        T(wrong_codes_spread_over_more_than_10_minutes_do_not_throttle),
        T(ten_wrong_log_ins_throttle_the_kiosk_log_in),
        T(admins_get_one_security_email_an_hour_per_kiosk),
        T(codes_never_reach_the_log_the_outbox_or_the_database_file_and_wal),
};

GH_TEST_MAIN(tests)
