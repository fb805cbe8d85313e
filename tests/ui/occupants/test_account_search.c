/*
 * test_account_search.c: the query behind the occupants search screen,
 * gh_account_search, against a real SQLite file in a temporary folder.
 *
 * The screen runs it on every keystroke, so it must stay an index range walk
 * whatever the prefix and state (checked on its EXPLAIN QUERY PLAN: covering
 * index searches only, no table scan, no sort), find each account once
 * (name matches, then email, then phone), count exactly up to the cap and
 * say "more" beyond it, and never list staff among occupants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "gatehouse/store.h"
#include "gatehouse/account.h"

struct fx {
    char dir[256], path[300];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    const char *tmp = getenv("TMPDIR");
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/gh-search-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    if (gh_store_open(f->path, &f->st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[400];
    gh_store_close(f->st);
    const char *sfx[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t add(struct fx *f, const char *email, const char *name, const char *phone)
{
    struct gh_account_new in = { .email = email, .name = name, .phone = phone,
                                 .access = GH_ACCESS_ALL, .no_welcome = 1 };
    int64_t id = 0;
    if (gh_occupant_create(f->st, "test", &in, &id) != GH_OK)
        fail_msg("%s: %s", email, gh_store_errmsg(f->st));
    return id;
}

struct hits {
    int n;
    int64_t id[64];
    char name[64][64];
};

static int collect(void *ud, const struct gh_account *a)
{
    struct hits *h = ud;
    if (h->n < 64) {
        h->id[h->n] = a->id;
        snprintf(h->name[h->n], sizeof h->name[0], "%s", a->name);
        h->n++;
    }
    return 0;
}

static struct hits search(struct fx *f, int state, const char *prefix, int limit, int cap,
                          int64_t *total)
{
    struct hits h = { 0 };
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = state, .prefix = prefix,
                                  .limit = limit };
    if (gh_account_search(f->st, &q, cap, collect, &h, total) != GH_OK)
        fail_msg("search \"%s\": %s", prefix, gh_store_errmsg(f->st));
    return h;
}

static void test_search_walks_are_covering_index_ranges_for_every_state(void **state)
{
    struct fx *f = *state;
    char plan[4096];
    const char *prefixes[] = { "", "a", "ann@ex", "+1 555", "Zoë" };
    add(f, "ann@example.com", "Ann", "+1 555 0100");
    for (int st = -1; st <= GH_STATE_BLOCKED; st++)
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = st,
                                          .prefix = prefixes[i], .limit = 50 };
            assert_int_equal(gh_account_search_plans(f->st, &q, plan, sizeof plan), GH_OK);
            if (!plan[0] || strstr(plan, "SCAN") || strstr(plan, "TEMP B-TREE"))
                fail_msg("state %d, \"%s\": not index ranges only:\n%s", st, prefixes[i], plan);
            for (char *l = plan; *l; l = strchr(l, '\n') + 1)
                if (strncmp(l, "SEARCH accounts USING COVERING INDEX", 36) != 0)
                    fail_msg("state %d, \"%s\": a step reads table rows:\n%s", st, prefixes[i],
                             plan);
        }
}

static void test_search_finds_each_account_once_name_then_email_then_phone(void **state)
{
    struct fx *f = *state;
    int64_t total = 0;
    int64_t both = add(f, "amy@a.example", "Amy Adams", NULL);     /* name and email */
    int64_t name = add(f, "zz@z.example", "Amelia Zorn", NULL);    /* name only */
    int64_t mail = add(f, "amber@b.example", "Bob Brown", NULL);   /* email only */
    add(f, "carl@c.example", "Carl", "+44 7700 900000");
    struct hits h = search(f, -1, "AM", 50, 1000, &total);
    assert_int_equal(h.n, 3);
    assert_int_equal(total, 3);
    assert_int_equal(h.id[0], name);                /* "amelia zorn" < "amy adams" */
    assert_int_equal(h.id[1], both);
    assert_int_equal(h.id[2], mail);
    /* a phone in another format */
    h = search(f, -1, "+44 (7700) 90", 50, 1000, &total);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.name[0], "Carl");
    h = search(f, -1, "447700", 50, 1000, &total);   /* without the '+': not the same key */
    assert_int_equal(h.n, 0);
    assert_int_equal(total, 0);
}

static void test_search_counts_exactly_to_the_cap_then_says_more(void **state)
{
    struct fx *f = *state;
    char email[64], name[64];
    int64_t total = 0;
    for (int i = 0; i < 30; i++) {
        snprintf(email, sizeof email, "t%02d@t.example", i);
        snprintf(name, sizeof name, "Tess %02d", i);
        add(f, email, name, NULL);
    }
    struct hits h = search(f, -1, "t", 5, 100, &total);
    assert_int_equal(h.n, 5);
    assert_int_equal(total, 30);                   /* name and email match: counted once */
    assert_string_equal(h.name[0], "Tess 00");
    h = search(f, -1, "t", 5, 10, &total);
    assert_int_equal(h.n, 5);
    assert_int_equal(total, 11);                   /* cap + 1: more than 10 */
    h = search(f, -1, "tess 2", 50, 10, &total);
    assert_int_equal(h.n, 10);
    assert_int_equal(total, 10);                   /* exactly the cap is still exact */
}

static void test_search_state_filter_and_no_prefix_count(void **state)
{
    struct fx *f = *state;
    int64_t total = 0;
    add(f, "a1@x.example", "Al One", NULL);
    add(f, "a2@x.example", "Al Two", NULL);
    int64_t b = add(f, "a3@x.example", "Al Three", NULL);
    assert_int_equal(gh_occupant_set_state(f->st, "test", b, GH_STATE_BLOCKED), GH_OK);
    struct hits h = search(f, GH_STATE_BLOCKED, "al", 50, 1000, &total);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], b);
    h = search(f, GH_STATE_ACTIVE, "a", 50, 1000, &total);
    assert_int_equal(total, 2);
    h = search(f, -1, "", 2, 1, &total);           /* no prefix: exact whatever the cap */
    assert_int_equal(h.n, 2);
    assert_int_equal(total, 3);
    h = search(f, GH_STATE_PENDING, "", 50, 1000, &total);
    assert_int_equal(h.n, 0);
    assert_int_equal(total, 0);
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = -1, .limit = 50 };
    struct hits none = { 0 };
    assert_int_equal(gh_account_search(f->st, &q, 1000, collect, &none, NULL), GH_OK);
    assert_int_equal(none.n, 3);                   /* total NULL: the list without a count */
}

static void test_search_never_lists_staff_among_occupants(void **state)
{
    struct fx *f = *state;
    int64_t id, total = 0;
    struct gh_account_new s = { .email = "sally@staff.example", .name = "Sally Staff",
                                .phone = "+44 7700 900555" };
    assert_int_equal(gh_staff_create(f->st, "test", &s, "2580", GH_PERM_MANAGE, &id), GH_OK);
    add(f, "sam@occ.example", "Sam Occupant", NULL);
    struct hits h = search(f, -1, "s", 50, 1000, &total);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.name[0], "Sam Occupant");
    h = search(f, -1, "+4477009005", 50, 1000, &total);
    assert_int_equal(h.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_search_walks_are_covering_index_ranges_for_every_state,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_search_finds_each_account_once_name_then_email_then_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_counts_exactly_to_the_cap_then_says_more,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_state_filter_and_no_prefix_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_search_never_lists_staff_among_occupants, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
