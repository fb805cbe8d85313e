/*
 * test_gh_test.c: the shared main itself (gh_test.h): --list, a name that
 * matches nothing, and a skip that reaches ctest as exit 77.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

static void a_test_that_passes(void **state)
{
    (void)state;
    assert_int_equal(1 + 1, 2);
}

static void a_test_that_skips(void **state)
{
    (void)state;
    gh_skip("on purpose");
}

#define T(fn) cmocka_unit_test(fn)
static const struct CMUnitTest tests[] = {
    T(a_test_that_passes),
    T(a_test_that_skips),
};

GH_TEST_MAIN(tests)
