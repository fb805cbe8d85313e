/*
 * gh_test.c: the guarded main and the fixture every cmocka test program
 * shares (see gh_test.h).
 */
#include "gh_test.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int skipped;

void gh_test_skipped(const char *why)
{
    fprintf(stderr, "skipped: %s\n", why);
    skipped = 1;
}

static int matches(const char *pattern, const struct CMUnitTest *tests, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(pattern, tests[i].name) == 0 || fnmatch(pattern, tests[i].name, 0) == 0)
            return 1;
    return 0;
}

int gh_test_run(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (argc > 2) {
        fprintf(stderr, "usage: %s [--list | NAME]\n", prog);
        return 2;
    }
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    if (argc == 2) {
        /* A filter that names no test would pass by running nothing. */
        if (!matches(argv[1], tests, n)) {
            fprintf(stderr, "%s: no test named %s\n", prog, argv[1]);
            return 2;
        }
        cmocka_set_test_filter(argv[1]);
    }
    int failed = _cmocka_run_group_tests(prog, tests, n, NULL, NULL);
    if (failed)
        return failed;
    return skipped ? GH_TEST_SKIPPED : 0;
}

void gh_test_tmpdir(char *dir, size_t len, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, len, "%s/gh-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(dir))
        fail_msg("cannot make a folder %s", dir);
}

void gh_test_rmdir(const char *dir)
{
    char cmd[600];
    if (!dir[0])
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
