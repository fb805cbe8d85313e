/*
 * test_digest.c: the daily digest to management (core/src/digest.c), on a
 * real SQLite file with the virtual clock. A scripted day is made of real
 * core calls (sign-ups, approvals, a block) plus log entries for what other
 * modules log (door decisions, wrong codes, mail, relay boards), and the
 * digest's numbers are read back from the queued email.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/digest.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "store_internal.h"

struct fx {
    char dir[128], db[256];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("TZ", "UTC", 1);
    tzset();
    gh_clock_set_virtual(1);
    gh_test_store_open(f->dir, sizeof f->dir, f->db, sizeof f->db, "digest", &f->st);
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

static int64_t signup(struct gh_store *st, const char *email)
{
    struct gh_signup in = { .email = email, .name = "Test Person" };
    struct gh_signup_result r;
    enum gh_status s = gh_occupant_signup(st, "kiosk", &in, &r);
    if (s != GH_OK)
        fail_msg("signup %s: %s", email, gh_store_errmsg(st));
    return r.account_id;
}

static void log_n(struct gh_store *st, int n, const char *action, const char *target,
                  enum gh_outcome o)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(gh_audit_append(st, "test", action, target, o, ""), GH_OK);
}

struct found { char *body; char subject[512]; int n; };

static int grab_digest(void *ud, const struct gh_mail *m)
{
    struct found *f = ud;
    if (strcmp(m->kind, "digest") != 0)
        return 0;
    if (!f->body) {          /* newest first: the first seen is the newest */
        f->body = strdup(m->body);
        snprintf(f->subject, sizeof f->subject, "%s", m->subject);
    }
    f->n++;
    return 0;
}

static struct found newest_digest(struct gh_store *st)
{
    struct found f = { 0 };
    assert_int_equal(gh_outbox_list(st, -1, grab_digest, &f), GH_OK);
    assert_non_null(f.body);
    return f;
}

/* The number after "label: " in body. */
static long number_after(const char *body, const char *label)
{
    const char *p = strstr(body, label);
    if (!p)
        fail_msg("no \"%s\" in the digest:\n%s", label, body);
    return strtol(p + strlen(label), NULL, 10);
}

/* A day: 3 sign-ups, 2 approved, 1 rejected... */
static void scripted_day(struct gh_store *st)
{
    int64_t a = signup(st, "ana@x.test"), b = signup(st, "ben@x.test");
    int64_t c = signup(st, "cy@x.test");
    signup(st, "dee@x.test");
    assert_int_equal(gh_occupant_approve(st, "staff", a), GH_OK);
    assert_int_equal(gh_occupant_approve(st, "staff", b), GH_OK);
    assert_int_equal(gh_occupant_reject(st, "staff", c), GH_OK);
    assert_int_equal(gh_occupant_set_state(st, "staff", b, GH_STATE_BLOCKED), GH_OK);
    log_n(st, 5, "door.unlock", "Gate", GH_OUTCOME_OK);
    log_n(st, 2, "door.unlock", "Lobby", GH_OUTCOME_OK);
    log_n(st, 3, "door.unlock", "Gate", GH_OUTCOME_REFUSED);
    log_n(st, 4, "door.code", "kiosk", GH_OUTCOME_FAILED);
    log_n(st, 1, "throttle.start", "kiosk", GH_OUTCOME_OK);
    log_n(st, 6, "mail.sent", "mail #1", GH_OUTCOME_OK);
    log_n(st, 1, "mail.failed", "mail #2", GH_OUTCOME_FAILED);
    log_n(st, 2, "relay.lost", "board", GH_OUTCOME_FAILED);
    log_n(st, 1, "relay.duplicate", "board", GH_OUTCOME_REFUSED);
}

static void digest_counts_match_the_log_for_a_scripted_day(void **state)
{
    struct fx *f = *state;
    scripted_day(f->st);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test"), GH_OK);
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, NULL), GH_OK);
    assert_int_equal(queued, 1);
    struct found d = newest_digest(f->st);
    assert_int_equal(number_after(d.body, "Sign-ups: "), 4);
    assert_int_equal(number_after(d.body, "Approved: "), 2);
    assert_int_equal(number_after(d.body, "Rejected: "), 1);
    assert_int_equal(number_after(d.body, "Switched off (inactive or blocked): "), 1);
    assert_int_equal(number_after(d.body, "Waiting for approval now: "), 1);
    assert_int_equal(number_after(d.body, "Doors opened: "), 7);
    assert_non_null(strstr(d.body, "(Gate 5, Lobby 2)"));
    assert_int_equal(number_after(d.body, "Doors refused: "), 3);
    assert_int_equal(number_after(d.body, "Wrong door codes: "), 4);
    assert_int_equal(number_after(d.body, "Keypad throttles: "), 1);
    assert_int_equal(number_after(d.body, "Mail sent: "), 6);
    assert_int_equal(number_after(d.body, "Mail failed: "), 1);
    assert_int_equal(number_after(d.body, "Relay board problems (lost or refused): "), 3);
    free(d.body);
}

static void digest_counts_only_what_happened_since_the_previous_digest(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test"), GH_OK);
    log_n(f->st, 5, "door.unlock", "Gate", GH_OUTCOME_OK);
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, NULL), GH_OK);
    log_n(f->st, 2, "door.unlock", "Gate", GH_OUTCOME_OK);
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, NULL), GH_OK);
    struct found d = newest_digest(f->st);
    assert_int_equal(d.n, 2);
    assert_int_equal(number_after(d.body, "Doors opened: "), 2);
    free(d.body);
}

static void digest_carries_the_anchor_of_the_newest_entry(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "a@x.test, b@x.test"),
                     GH_OK);
    log_n(f->st, 3, "door.unlock", "Gate", GH_OUTCOME_OK);
    int64_t seq = 0;
    char hash[65], want[96], anchor[96];
    assert_int_equal(gh_audit_head(f->st, &seq, hash), GH_OK);
    snprintf(want, sizeof want, "%lld:%s", (long long)seq, hash);
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, anchor), GH_OK);
    assert_int_equal(queued, 2);                 /* one message per address */
    assert_string_equal(anchor, want);
    struct found d = newest_digest(f->st);
    char line[128];
    snprintf(line, sizeof line, "Log anchor: %s", want);
    assert_non_null(strstr(d.body, line));
    free(d.body);
}

/* The anchor a digest carried proves the log was not cut after it left:
 * it checks out while the log is whole, and fails once the newest entries
 * (the digest's own and later ones) are deleted. */
static void digest_anchor_verifies_and_fails_once_the_newest_entries_are_cut(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test"), GH_OK);
    log_n(f->st, 4, "door.unlock", "Gate", GH_OUTCOME_OK);
    char anchor[96], hash[65];
    int64_t seq = 0, bad = 0, count = 0;
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, anchor), GH_OK);
    log_n(f->st, 2, "door.unlock", "Gate", GH_OUTCOME_OK);
    assert_int_equal(gh_audit_anchor_parse(anchor, &seq, hash), GH_OK);
    assert_int_equal(gh_audit_verify(f->st, &bad, &count), GH_OK);
    assert_int_equal(gh_audit_check_anchor(f->st, seq, hash), GH_OK);
    char cut[128];
    snprintf(cut, sizeof cut, "DELETE FROM audit WHERE seq >= %lld", (long long)seq);
    assert_int_equal(sqlite3_exec(gh_store_db(f->st), cut, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(gh_audit_verify(f->st, &bad, &count), GH_OK);   /* the chain alone can't tell */
    assert_int_not_equal(gh_audit_check_anchor(f->st, seq, hash), GH_OK);
}

static void digest_subject_names_the_kiosk_and_the_date(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_KIOSK_NAME, "Harbour Lobby"), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test"), GH_OK);
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "test", 0, &queued, NULL), GH_OK);
    struct found d = newest_digest(f->st);
    char date[16], want[128];
    time_t t = (time_t)(gh_clock_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(want, sizeof want, "Gatehouse daily digest \xe2\x80\x94 Harbour Lobby \xe2\x80\x94 %s",
             date);
    assert_string_equal(d.subject, want);
    free(d.body);
}

/* Moves the virtual clock to the next hh:00 UTC. */
static void advance_to_hour(int hour)
{
    int64_t now = gh_clock_now_ms();
    int64_t day = now / 86400000 * 86400000, at = day + (int64_t)hour * 3600000;
    if (at <= now)
        at += 86400000;
    gh_clock_advance(at - now);
}

static void digest_is_due_once_a_day_from_digest_hour(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test"), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_HOUR, "7"), GH_OK);
    advance_to_hour(6);
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 0);   /* before the hour */
    gh_clock_advance(3600000);                                       /* 07:00 */
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 1);
    int queued = 0;
    assert_int_equal(gh_digest_queue(f->st, "kiosk", 1, &queued, NULL), GH_OK);
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 0);   /* one a day */
    gh_clock_advance(10 * 3600000);                                  /* 17:00 */
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 0);
    advance_to_hour(7);                                              /* next day */
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 1);
    /* one asked for by hand does not stand in for the daily one */
    assert_int_equal(gh_digest_queue(f->st, "cli:root", 0, &queued, NULL), GH_OK);
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 1);
}

static void digest_to_must_be_plain_addresses(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO, "boss@x.test, nope"),
                     GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "address 2"));
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO,
                                     "boss@x.test\r\nBcc: evil@x.test"), GH_E_INVALID);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_TO,
                                     " a@x.test ,b@x.test,, "), GH_OK);
    assert_string_equal(gh_settings_get(f->st, GH_SETTING_DIGEST_TO), "a@x.test, b@x.test");
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_DIGEST_HOUR, "24"), GH_E_INVALID);
}

static void no_digest_without_digest_to(void **state)
{
    struct fx *f = *state;
    int queued = 7;
    assert_int_equal(gh_digest_due(f->st, gh_clock_now_ms()), 0);
    assert_int_equal(gh_digest_queue(f->st, "test", 1, &queued, NULL), GH_OK);
    assert_int_equal(queued, 0);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
        T(digest_counts_match_the_log_for_a_scripted_day),
        T(digest_counts_only_what_happened_since_the_previous_digest),
        T(digest_carries_the_anchor_of_the_newest_entry),
        T(digest_anchor_verifies_and_fails_once_the_newest_entries_are_cut),
        T(digest_subject_names_the_kiosk_and_the_date),
        T(digest_is_due_once_a_day_from_digest_hour),
        T(digest_to_must_be_plain_addresses),
        T(no_digest_without_digest_to),
};

GH_TEST_MAIN(tests)
