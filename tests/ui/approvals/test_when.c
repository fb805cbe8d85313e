/*
 * test_when.c: the approval queue's times in words (plugins/approvals/when.c),
 * linked in from the plugin's static library. "12 min ago" is what an
 * approver reads first, so its boundaries are pinned here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "gh_test.h"
#include "approvals.h"

#define MIN 60000LL
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static const char *ago(int64_t then, int64_t now)
{
    static char buf[64];
    approvals_ago(then, now, buf, sizeof buf);
    return buf;
}

static void test_relative_time_boundaries(void **st)
{
    (void)st;
    int64_t now = 1795456924666LL;
    assert_string_equal(ago(now, now), "just now");
    assert_string_equal(ago(now + 5000, now), "just now");        /* clock skew */
    assert_string_equal(ago(now - 59999, now), "just now");
    assert_string_equal(ago(now - MIN, now), "1 min ago");
    assert_string_equal(ago(now - 12 * MIN - 5000, now), "12 min ago");
    assert_string_equal(ago(now - HOUR + 1, now), "59 min ago");
    assert_string_equal(ago(now - HOUR, now), "1 h ago");
    assert_string_equal(ago(now - DAY + 1, now), "23 h ago");
    assert_string_equal(ago(now - DAY, now), "yesterday");
    assert_string_equal(ago(now - 2 * DAY, now), "2 days ago");
    assert_string_equal(ago(now - 400 * DAY, now), "400 days ago");
}

static void test_date_in_local_time(void **st)
{
    (void)st;
    char buf[64];
    setenv("TZ", "UTC", 1);
    tzset();
    approvals_date(1795456924666LL, buf, sizeof buf);   /* 2026-11-23 18:02:04 UTC */
    assert_string_equal(buf, "23 Nov 2026, 18:02");
    setenv("TZ", "XST-1", 1);          /* POSIX rule, UTC+1: needs no tzdata */
    tzset();
    approvals_date(1795456924666LL, buf, sizeof buf);
    assert_string_equal(buf, "23 Nov 2026, 19:02");
    approvals_date(0, buf, sizeof buf);
    assert_string_equal(buf, "1 Jan 1970, 01:00");
}

#define T(fn) cmocka_unit_test(fn)

static const struct CMUnitTest tests[] = {
    T(test_relative_time_boundaries),
    T(test_date_in_local_time),
};

GH_TEST_MAIN(tests)
