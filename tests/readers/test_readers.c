/*
 * test_readers.c: the reader layer (plugins/lockctl/readers.h) driven
 * through its backend interface by a scripted backend: what the kiosk gets
 * from its reader threads when readers read, fail, go away and come back.
 * One ctest entry per rule (argv[1]); an unknown name fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "readers.h"

/* The scripted backend: open fails while fail_opens > 0; wait hands out
 * the queued UIDs one a call, then fails once when fail_wait is set. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int fail_opens, fail_wait, opens, closes;
static const char *uids[64];
static int nuids, next_uid;

static void *sc_open(const char *arg, int grab, char *err, size_t errlen)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    int fail = fail_opens > 0;
    fail_opens -= fail;
    opens += !fail;
    pthread_mutex_unlock(&mu);
    if (fail) {
        snprintf(err, errlen, "the service is not reachable");
        return NULL;
    }
    return grab ? &mu : NULL;   /* the threads always grab */
}

static int sc_wait(void *h, int timeout_ms, struct lc_reader_event *ev, char *err, size_t n)
{
    (void)h; (void)timeout_ms;
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&mu);
    int rc = 0;
    if (fail_wait) {
        fail_wait = 0;
        snprintf(err, n, "the reader went away");
        rc = -1;
    } else if (next_uid < nuids) {
        memset(ev, 0, sizeof *ev);
        ev->kind = LC_EV_CARD;
        snprintf(ev->uid, sizeof ev->uid, "%s", uids[next_uid++]);
        ev->at_us = lc_reader_now_us();
        rc = 1;
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

static void sc_describe(void *h, char *buf, size_t len) { (void)h; snprintf(buf, len, "scripted: ok"); }
static void sc_close(void *h) { (void)h; pthread_mutex_lock(&mu); closes++; pthread_mutex_unlock(&mu); }
static const struct lc_reader_backend scripted = {
    .kind = "scripted", .open = sc_open, .wait = sc_wait, .describe = sc_describe,
    .close = sc_close };

static void reset(void)
{
    fail_opens = fail_wait = opens = closes = nuids = next_uid = 0;
}

/* Waits (bounded, 5 s) for the next event. */
static int next_event(struct lc_readers *r, struct lc_reader_event *ev)
{
    for (int i = 0; i < 2500; i++) {
        if (lc_readers_take(r, ev))
            return 1;
        struct timespec ts = { 0, 2000000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void reads_arrive_in_order_with_their_time(void **state)
{
    (void)state;
    reset();
    uids[0] = "04a1b2c3";
    uids[1] = "0a0b0c0d";
    nuids = 2;
    int64_t t0 = lc_reader_now_us();
    struct lc_readers *r = lc_readers_new();
    struct lc_reader_event ev;
    assert_int_equal(lc_readers_add(r, &scripted, ""), 0);
    assert_true(next_event(r, &ev));
    assert_int_equal(ev.kind, LC_EV_CARD);
    assert_string_equal(ev.uid, "04a1b2c3");
    assert_true(ev.at_us >= t0 && ev.at_us <= lc_reader_now_us());
    assert_true(next_event(r, &ev));
    assert_string_equal(ev.uid, "0a0b0c0d");
    lc_readers_free(r);
    assert_int_equal(opens, closes);   /* closed (ungrabbed) at the end */
}

/* Not reachable at first: said once (not at every retry), shown in the
 * status as trouble; then it opens, and its reads come. */
static void a_backend_that_cannot_start_is_said_once_and_retried(void **state)
{
    char st[512];
    struct lc_reader_event ev;
    (void)state;
    reset();
    fail_opens = 2;
    uids[0] = "cafef00d";
    nuids = 1;
    struct lc_readers *r = lc_readers_new();
    assert_int_equal(lc_readers_add(r, &scripted, ""), 0);
    assert_true(next_event(r, &ev));
    assert_int_equal(ev.kind, LC_EV_ERROR);
    assert_non_null(strstr(ev.text, "scripted readers: the service is not reachable"));
    assert_true(lc_readers_status(r, st, sizeof st) >= 0);
    assert_true(next_event(r, &ev));            /* the second failure is not said again */
    assert_int_equal(ev.kind, LC_EV_CARD);
    assert_string_equal(ev.uid, "cafef00d");
    assert_int_equal(lc_readers_status(r, st, sizeof st), 0);
    assert_string_equal(st, "scripted: ok");
    lc_readers_free(r);
}

/* A wait that fails (a reader or pcscd gone): closed, said, opened again,
 * and reads continue without a restart. */
static void a_failing_reader_is_closed_and_opened_again(void **state)
{
    struct lc_reader_event ev;
    (void)state;
    reset();
    fail_wait = 1;
    uids[0] = "11223344";
    nuids = 1;
    struct lc_readers *r = lc_readers_new();
    assert_int_equal(lc_readers_add(r, &scripted, ""), 0);
    assert_true(next_event(r, &ev));
    assert_int_equal(ev.kind, LC_EV_ERROR);
    assert_non_null(strstr(ev.text, "the reader went away"));
    assert_true(next_event(r, &ev));
    assert_int_equal(ev.kind, LC_EV_CARD);
    assert_string_equal(ev.uid, "11223344");
    assert_true(opens >= 2);
    lc_readers_free(r);
}

static void vendor_product_lists_parse_and_bad_ones_are_refused(void **state)
{
    uint16_t ids[4][2];
    (void)state;
    assert_int_equal(lc_reader_parse_ids("08ff:0009, FFFF:0035", ids, 4), 2);
    assert_int_equal(ids[0][0], 0x08ff);
    assert_int_equal(ids[0][1], 0x0009);
    assert_int_equal(ids[1][0], 0xffff);
    assert_int_equal(ids[1][1], 0x0035);
    assert_int_equal(lc_reader_parse_ids("", ids, 4), 0);
    assert_int_equal(lc_reader_parse_ids("8ff:9", ids, 4), -1);
    assert_int_equal(lc_reader_parse_ids("08ff:0009x", ids, 4), -1);
    assert_int_equal(lc_reader_parse_ids("08ff-0009", ids, 4), -1);
}

#define T(name) cmocka_unit_test(name)

static const struct CMUnitTest tests[] = {
    T(reads_arrive_in_order_with_their_time),
    T(a_backend_that_cannot_start_is_said_once_and_retried),
    T(a_failing_reader_is_closed_and_opened_again),
    T(vendor_product_lists_parse_and_bad_ones_are_refused),
};

GH_TEST_MAIN(tests)
