/*
 * test_card.c: cards and fobs (card.h) and the per-kiosk throttle
 * (throttle.h), against a real SQLite file and site key in a temporary
 * folder, with the real activity log and outbox underneath. The clock is
 * virtual, so the throttle's 30 s .. 10 min steps are exact.
 *
 * One ctest entry per rule (tests/lib: each name is written once, in the
 * table at the end); a name that matches no test is an error.
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
#include "gatehouse/config.h"
#include "gatehouse/access.h"
#include "gatehouse/card.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/location.h"
#include "gatehouse/outbox.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/store.h"
#include "gatehouse/throttle.h"
#include "store_internal.h"

#define OK(expr) assert_int_equal((expr), GH_OK)

struct fx {
    char dir[512], path[600];
    struct gh_store *st;
};

/* The common fixture (tests/lib): a fresh folder and its database. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gh_clock_set_virtual(1);
    gh_test_store_open(f->dir, sizeof f->dir, f->path, sizeof f->path, "card", &f->st);
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

/* ---- the UID as written --------------------------------------------------- */

static void uids_are_hex_with_case_and_separators_ignored(void **state)
{
    char out[GH_CARD_UID_BUF], err[160];
    (void)state;
    assert_int_equal(gh_card_uid_normalize("04:A1:B2:C3", out, err, sizeof err), 0);
    assert_string_equal(out, "04a1b2c3");
    assert_int_equal(gh_card_uid_normalize("04-a1 B2.c3", out, err, sizeof err), 0);
    assert_string_equal(out, "04a1b2c3");
    assert_int_equal(gh_card_uid_normalize("0004567890", out, err, sizeof err), 0);
    assert_string_equal(out, "0004567890");
    assert_int_equal(gh_card_uid_normalize("04:G1:B2", out, err, sizeof err), -1);
    assert_non_null(strstr(err, "card UID: \"G\" is not a hex digit"));
    assert_int_equal(gh_card_uid_normalize("a1b", out, err, sizeof err), -1);
    assert_non_null(strstr(err, "card UID: at least 4"));
    assert_int_equal(gh_card_uid_normalize("", out, err, sizeof err), -1);
    char big[64];
    memset(big, 'a', 41);
    big[41] = '\0';
    assert_int_equal(gh_card_uid_normalize(big, out, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 40"));
    big[40] = '\0';
    assert_int_equal(gh_card_uid_normalize(big, out, err, sizeof err), 0);
}

/* ---- who may hold one, and how it is stored -------------------------------- */

static void an_account_holds_several_cards_stored_only_as_keyed_hashes(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL), c1 = 0, c2 = 0;
    char hash[GH_SITEKEY_HEX];
    OK(gh_card_add(f->st, "cli", ana, "04:A1:B2:C3", &c1));
    OK(gh_card_add(f->st, "cli", ana, "0A0B0C0D0E", &c2));
    assert_true(c1 > 0 && c2 > c1);
    assert_int_equal(gh_card_count(f->st, ana), 2);
    OK(gh_store_keyed_hash(f->st, "card", "04a1b2c3", hash));
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st), "SELECT card_hash, last4 FROM cards "
                                        "ORDER BY id", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), hash);
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "b2c3");
    sqlite3_finalize(q);
    /* The door-code domain gives another hash for the same digits. */
    char other[GH_SITEKEY_HEX];
    OK(gh_store_keyed_hash(f->st, "door-code", "04a1b2c3", other));
    assert_string_not_equal(hash, other);
    assert_true(log_has(f, "card ...b2c3 added") == 1);
    assert_int_equal(log_has(f, "04a1b2c3"), 0);
}

static void a_card_held_by_anyone_is_refused_already_registered(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    int64_t bob = occupant(f, "bob@example.com", GH_ACCESS_ALL);
    OK(gh_card_add(f->st, "cli", ana, "04a1b2c3", NULL));
    assert_int_equal(gh_card_add(f->st, "cli", bob, "04:A1:B2:C3", NULL), GH_E_EXISTS);
    assert_string_equal(gh_store_errmsg(f->st), "This card is already registered.");
    assert_int_equal(gh_card_add(f->st, "cli", ana, "04A1B2C3", NULL), GH_E_EXISTS);
    assert_int_equal(gh_card_count(f->st, bob), 0);
    assert_int_equal(one_int(f, "SELECT count(*) FROM cards"), 1);
    assert_int_equal(gh_card_add(f->st, "cli", bob, "04:G1", NULL), GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "card UID"));
}

static void add_is_refused_for_pending_inactive_and_blocked_accounts(void **state)
{
    struct fx *f = *state;
    struct gh_signup su = { .email = "pat@example.com", .name = "Pat" };
    struct gh_signup_result r;
    OK(gh_occupant_signup(f->st, "kiosk", &su, &r));
    assert_int_equal(gh_card_add(f->st, "cli", r.account_id, "11223344", NULL), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "waiting for approval"));
    int64_t id = occupant(f, "ina@example.com", GH_ACCESS_ALL);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_INACTIVE));
    assert_int_equal(gh_card_add(f->st, "cli", id, "11223344", NULL), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "inactive"));
    id = occupant(f, "bo@example.com", GH_ACCESS_ALL);
    OK(gh_occupant_set_state(f->st, "cli", id, GH_STATE_BLOCKED));
    assert_int_equal(gh_card_add(f->st, "cli", id, "11223344", NULL), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "blocked"));
    assert_int_equal(one_int(f, "SELECT count(*) FROM cards"), 0);
}

/* ---- at the door ------------------------------------------------------------ */

static void a_card_finds_its_holder_and_an_unknown_one_is_not_registered(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    struct gh_account a;
    OK(gh_card_add(f->st, "cli", ana, "04a1b2c3", NULL));
    OK(gh_card_attempt(f->st, "Front", "04:A1:B2:C3", &a, NULL));
    assert_int_equal(a.id, ana);
    assert_int_equal(gh_card_attempt(f->st, "Front", "cafef00d", &a, NULL), GH_E_DENIED);
    assert_string_equal(gh_store_errmsg(f->st), "This card is not registered.");
    assert_int_equal(gh_card_attempt(f->st, "Front", "not hex", &a, NULL), GH_E_DENIED);
    assert_int_equal(log_has(f, "unknown card (hash "), 2);
    assert_int_equal(log_has(f, "cafef00d"), 0);
    /* Removed: unknown from then on. */
    OK(gh_card_remove(f->st, "cli", "04A1B2C3"));
    assert_int_equal(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, NULL), GH_E_DENIED);
    assert_int_equal(gh_card_remove(f->st, "cli", "04A1B2C3"), GH_E_NOTFOUND);
    assert_string_equal(gh_store_errmsg(f->st), "This card is not registered.");
}

static void removing_access_stops_the_card_at_once(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL), gate = 0;
    struct gh_location_new ln = { .name = "Gate", .door = GH_DOOR_COMMON };
    struct gh_account a;
    struct gh_decision d;
    OK(gh_location_add(f->st, "cli", &ln, &gate));
    OK(gh_card_add(f->st, "cli", ana, "04a1b2c3", NULL));
    OK(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, NULL));
    OK(gh_access_decide(f->st, a.id, gate, &d));
    assert_true(d.allowed);
    OK(gh_occupant_set_state(f->st, "cli", ana, GH_STATE_BLOCKED));
    OK(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, NULL));
    OK(gh_access_decide(f->st, a.id, gate, &d));
    assert_false(d.allowed);
    OK(gh_occupant_set_state(f->st, "cli", ana, GH_STATE_ACTIVE));
    OK(gh_occupant_set_access(f->st, "cli", ana, GH_ACCESS_NONE, NULL, NULL, 0));
    OK(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, NULL));
    OK(gh_access_decide(f->st, a.id, gate, &d));
    assert_false(d.allowed);
}

static void the_lookup_is_one_indexed_search(void **state)
{
    struct fx *f = *state;
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st),
                                        "EXPLAIN QUERY PLAN SELECT id, account_id FROM cards "
                                        "WHERE card_hash = ?1", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *detail = (const char *)sqlite3_column_text(q, 3);
    assert_non_null(strstr(detail, "SEARCH cards USING"));
    assert_non_null(strstr(detail, "INDEX"));
    sqlite3_finalize(q);
}

/* Unknown and refused cards count with wrong door codes: five start the
 * kiosk's 30 s throttle, during which a right card is not even looked up. */
static void unknown_and_refused_cards_share_the_door_code_throttle(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL), wait = -1;
    struct gh_account a;
    char code[GH_DOORCODE_BUF];
    OK(gh_card_add(f->st, "cli", ana, "04a1b2c3", NULL));
    OK(gh_doorcode_issue(f->st, "cli", ana, code, sizeof code));
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", "90817263", &a, NULL), GH_E_DENIED);
    assert_int_equal(gh_card_attempt(f->st, "Front", "cafef00d", &a, &wait), GH_E_DENIED);
    OK(gh_card_refused(f->st, "Front", &wait));
    assert_int_equal(gh_card_attempt(f->st, "Front", "cafef00e", &a, &wait), GH_E_DENIED);
    assert_int_equal(wait, 0);
    assert_int_equal(gh_card_attempt(f->st, "Front", "cafef00f", &a, &wait), GH_E_DENIED);
    assert_int_equal(wait, GH_THROTTLE_FIRST_MS);
    assert_int_equal(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, &wait), GH_E_LOCKED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "Try again in 30 seconds"));
    assert_int_equal(gh_doorcode_attempt(f->st, "Front", code, &a, NULL), GH_E_LOCKED);
    /* Another kiosk is not throttled. */
    OK(gh_card_attempt(f->st, "Back", "04a1b2c3", &a, NULL));
    gh_clock_advance(GH_THROTTLE_FIRST_MS);
    OK(gh_card_attempt(f->st, "Front", "04a1b2c3", &a, NULL));
    assert_int_equal(a.id, ana);
}

struct seen {
    int n;
    struct gh_card v[4];
};
static int keep_card(void *ud, const struct gh_card *c)
{
    struct seen *s = ud;
    if (s->n < 4)
        s->v[s->n++] = *c;
    return 0;
}

static void list_shows_owner_when_and_last_four_and_remove_by_id_checks_holder(void **state)
{
    struct fx *f = *state;
    int64_t ana = occupant(f, "ana@example.com", GH_ACCESS_ALL);
    int64_t bob = occupant(f, "bob@example.com", GH_ACCESS_ALL), c1 = 0;
    struct seen s = { 0 };
    OK(gh_card_add(f->st, "cli", ana, "04a1b2c3", &c1));
    gh_clock_advance(1000);
    OK(gh_card_add(f->st, "cli", bob, "0a0b0c0d", NULL));
    OK(gh_card_list(f->st, 0, keep_card, &s));
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0].last4, "0c0d");          /* newest first */
    assert_string_equal(s.v[0].email, "bob@example.com");
    assert_string_equal(s.v[1].last4, "b2c3");
    assert_int_equal(s.v[1].added_at + 1000, s.v[0].added_at);
    s.n = 0;
    OK(gh_card_list(f->st, ana, keep_card, &s));
    assert_int_equal(s.n, 1);
    assert_int_equal(gh_card_remove_id(f->st, "kiosk", bob, c1), GH_E_NOTFOUND);
    assert_int_equal(gh_card_count(f->st, ana), 1);
    OK(gh_card_remove_id(f->st, "kiosk", ana, c1));
    assert_int_equal(gh_card_count(f->st, ana), 0);
    assert_int_equal(gh_card_count(f->st, bob), 1);
    assert_true(log_has(f, "card ...b2c3 removed") == 1);
}

/* [readers]: keyboard = vendor:product pairs (4 hex digits each), pcsc =
 * yes/no; a wrong entry is named with its line. */
static void readers_config_ids_are_checked_and_named_by_line(void **state)
{
    struct fx *f = *state;
    char path[200], err[512], want[300];
    struct gh_config c;
    FILE *fp;
    snprintf(path, sizeof path, "%s/r.conf", f->dir);
    fp = fopen(path, "w");
    fputs("[readers]\nkeyboard = 08ff:0009, FFFF:0035\npcsc = on\n", fp);
    fclose(fp);
    OK(gh_config_load(path, &c, err, sizeof err));      /* the plugin reads the values */
    fp = fopen(path, "w");
    fputs("[readers]\n\nkeyboard = 08ff:0009, 8ff:9\n", fp);
    fclose(fp);
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:3: keyboard: \"8ff:9\" is not a USB vendor:product", path);
    assert_memory_equal(err, want, strlen(want));
    fp = fopen(path, "w");
    fputs("[readers]\npcsc = maybe\n", fp);
    fclose(fp);
    assert_int_equal(gh_config_load(path, &c, err, sizeof err), GH_E_CONFIG);
    snprintf(want, sizeof want, "%s:2: pcsc: must be yes or no", path);
    assert_memory_equal(err, want, strlen(want));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
    T(uids_are_hex_with_case_and_separators_ignored),
    T(an_account_holds_several_cards_stored_only_as_keyed_hashes),
    T(a_card_held_by_anyone_is_refused_already_registered),
    T(add_is_refused_for_pending_inactive_and_blocked_accounts),
    T(a_card_finds_its_holder_and_an_unknown_one_is_not_registered),
    T(removing_access_stops_the_card_at_once),
    T(the_lookup_is_one_indexed_search),
    T(unknown_and_refused_cards_share_the_door_code_throttle),
    T(list_shows_owner_when_and_last_four_and_remove_by_id_checks_holder),
    T(readers_config_ids_are_checked_and_named_by_line),
};

GH_TEST_MAIN(tests)
