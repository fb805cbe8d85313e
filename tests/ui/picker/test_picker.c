/*
 * test_picker.c: the one access picker (ui.h picker_*), through the table
 * plugins get, on a real database: locations Site > Lobby and Gym, groups
 * Acme (live) and Old (archived).
 */
#include <string.h>
#include "gh_test.h"
#include "gatehouse/account.h"
#include "gatehouse/group.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "gatehouse/ui.h"
#include "gatehouse/ui_host.h"

struct fx {
    char dir[256], db[300];
    struct gh_store *st;
};

static void add_loc(struct gh_store *st, const char *name, const char *parent)
{
    struct gh_location_new in = { .name = name, .parent = parent };
    int64_t id;
    if (gh_location_add(st, "test", &in, &id) != GH_OK)
        fail_msg("location %s: %s", name, gh_store_errmsg(st));
}

static void add_group(struct gh_store *st, const char *name)
{
    struct gh_group_new in = { .name = name, .all_locations = 1 };
    int64_t id;
    if (gh_group_add(st, "test", &in, &id) != GH_OK)
        fail_msg("group %s: %s", name, gh_store_errmsg(st));
}

static int setup(void **state)
{
    static struct fx f;
    int64_t losing = 0;
    memset(&f, 0, sizeof f);
    gh_test_store_open(f.dir, sizeof f.dir, f.db, sizeof f.db, "picker", &f.st);
    add_loc(f.st, "Site", NULL);
    add_loc(f.st, "Lobby", "Site");
    add_loc(f.st, "Gym", NULL);
    add_group(f.st, "Acme");
    add_group(f.st, "Old");
    if (gh_group_archive(f.st, "test", "Old", 1, &losing) != GH_OK)
        fail_msg("archive: %s", gh_store_errmsg(f.st));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_test_store_close(f->dir, f->st);
    return 0;
}

static void starts_at_all_and_all_needs_nothing_more(void **state)
{
    struct fx *f = *state;
    const struct gh_ui_api *u = gh_ui_api_table();
    struct gh_picker *p = u->picker_new(f->st, GH_PICK_GROUP | GH_PICK_NONE);
    const char *names[8], *group = "x";
    int access = -1;
    assert_non_null(p);
    assert_int_equal(u->picker_get(p, 1, &access, &group, names, 8), 0);
    assert_int_equal(access, GH_ACCESS_ALL);
    assert_null(group);
    u->picker_set(p, GH_ACCESS_NONE, NULL, NULL, 0);
    assert_int_equal(u->picker_get(p, 1, &access, &group, names, 8), 0);
    assert_int_equal(access, GH_ACCESS_NONE);
    u->picker_free(p);
}

static void a_group_must_be_chosen_and_archived_groups_are_not_offered(void **state)
{
    struct fx *f = *state;
    const struct gh_ui_api *u = gh_ui_api_table();
    struct gh_picker *p = u->picker_new(f->st, GH_PICK_GROUP);
    const char *group = NULL;
    int access;
    u->picker_set(p, GH_ACCESS_GROUP, NULL, NULL, 0);
    assert_int_equal(u->picker_get(p, 1, &access, &group, NULL, 0), -1);
    assert_int_equal(u->picker_get(p, 0, &access, &group, NULL, 0), 0);   /* unchecked */
    assert_null(group);
    u->picker_set(p, GH_ACCESS_GROUP, "Old", NULL, 0);                  /* archived */
    assert_int_equal(u->picker_get(p, 1, &access, &group, NULL, 0), -1);
    u->picker_set(p, GH_ACCESS_GROUP, "Acme", NULL, 0);
    assert_int_equal(u->picker_get(p, 1, &access, &group, NULL, 0), 0);
    assert_int_equal(access, GH_ACCESS_GROUP);
    assert_string_equal(group, "Acme");
    u->picker_free(p);
}

static void specific_needs_a_location_and_gives_their_names(void **state)
{
    struct fx *f = *state;
    const struct gh_ui_api *u = gh_ui_api_table();
    struct gh_picker *p = u->picker_new(f->st, 0);
    const char *names[8], *group;
    const char *const want[] = { "Gym", "Lobby", "Nowhere" };
    int access;
    u->picker_set(p, GH_ACCESS_SPECIFIC, NULL, NULL, 0);
    assert_int_equal(u->picker_get(p, 1, &access, &group, names, 8), -1);
    u->picker_set(p, GH_ACCESS_SPECIFIC, NULL, want, 3);
    int n = u->picker_get(p, 1, &access, &group, names, 8);
    assert_int_equal(n, 2);                  /* a name that is no location: none */
    assert_int_equal(access, GH_ACCESS_SPECIFIC);
    assert_true((!strcmp(names[0], "Gym") && !strcmp(names[1], "Lobby")) ||
                (!strcmp(names[0], "Lobby") && !strcmp(names[1], "Gym")));
    /* checked without an array: the chosen locations still count */
    assert_int_equal(u->picker_get(p, 1, NULL, NULL, NULL, 0), 0);
    /* another kind drops the locations from what it gives back */
    u->picker_set(p, GH_ACCESS_ALL, NULL, want, 3);
    assert_int_equal(u->picker_get(p, 1, &access, &group, names, 8), 0);
    u->picker_free(p);
}

static void a_null_picker_is_harmless(void **state)
{
    struct fx *f = *state;
    const struct gh_ui_api *u = gh_ui_api_table();
    (void)f;
    u->picker_error(NULL, "x");
    u->picker_set(NULL, GH_ACCESS_ALL, NULL, NULL, 0);
    u->picker_free(NULL);
    assert_int_equal(u->picker_get(NULL, 0, NULL, NULL, NULL, 0), -1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(starts_at_all_and_all_needs_nothing_more),
    T(a_group_must_be_chosen_and_archived_groups_are_not_offered),
    T(specific_needs_a_location_and_gives_their_names),
    T(a_null_picker_is_harmless),
};
GH_TEST_MAIN(tests)
