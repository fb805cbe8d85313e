/*
 * gh_test.h: what every cmocka test program shares: the guarded main, and
 * the fixture of a fresh folder with a database in it.
 *
 * A program keeps its tests in one file-level table and ends with
 * GH_TEST_MAIN(tests):
 *
 *   #define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
 *   static const struct CMUnitTest tests[] = {
 *       T(a_rule_the_test_checks),
 *   };
 *   GH_TEST_MAIN(tests)
 *
 * Each T(name) line is the only place the name is written: the CMake
 * function gh_cmocka_tests (tests/lib/gh_test.cmake) reads the table and
 * registers one ctest per name, and checks that it read what `PROG --list`
 * prints. A test named after a rule rather than its function is a line
 * TN("area.rule", fn), with #define TN(rule, fn) {rule, fn, setup, teardown,
 * NULL} (tests/lockctl/test_relay.c).
 *
 *   PROG            runs every test
 *   PROG NAME       runs the test NAME (or the tests a cmocka pattern
 *                   matches); a name that matches none fails, exit 2
 *   PROG --list     prints every test's name, one a line
 *
 * A test that cannot run here calls gh_skip(why): the program exits with
 * GH_TEST_SKIPPED (77, ctest's SKIP_RETURN_CODE), so ctest shows "Skipped"
 * and not "Passed".
 */
#ifndef GH_TEST_H
#define GH_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

struct gh_store;

#define GH_TEST_SKIPPED 77

int gh_test_run(int argc, char **argv, const struct CMUnitTest *tests, size_t n);

#define GH_TEST_MAIN(table)                                                 \
    int main(int argc, char **argv)                                         \
    {                                                                       \
        return gh_test_run(argc, argv, table, sizeof table / sizeof table[0]); \
    }

/* Says why on stderr and skips the running test (see above). */
void gh_test_skipped(const char *why);
#define gh_skip(why)            \
    do {                        \
        gh_test_skipped(why);   \
        skip();                 \
    } while (0)

/* A fresh folder for one test, $TMPDIR (or /tmp)/gh-TAG-XXXXXX; fails the
 * test when it cannot be made. */
void gh_test_tmpdir(char *dir, size_t len, const char *tag);
/* Removes DIR and everything in it; says so on stderr when it cannot. */
void gh_test_rmdir(const char *dir);

/* The common fixture: a fresh folder (gh_test_tmpdir), DB its gatehouse.db,
 * and *ST that database opened (created, migrated); fails the test with the
 * store's message. */
void gh_test_store_open(char *dir, size_t dirlen, char *db, size_t dblen, const char *tag,
                        struct gh_store **st);
/* Closes ST (when not NULL) and removes DIR. */
void gh_test_store_close(const char *dir, struct gh_store *st);

#endif
