/*
 * test_staff_admin.c: the staff-account rules with a staff actor (as the
 * kiosk acts: "staff:<id>", gh_account_actor), which the command
 * line can't be: self-demotion and switching oneself off are refused,
 * logged, and change nothing.
 */
#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/store.h"
#include "store_internal.h"

struct fx {
    char dir[64], path[128];
    struct gh_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    gh_test_store_open(f->dir, sizeof f->dir, f->path, sizeof f->path, "staffadm", &f->st);
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

static int64_t staff(struct fx *f, const char *email, unsigned perms)
{
    struct gh_account_new in = {.email = email};
    int64_t id = 0;
    if (gh_staff_create(f->st, "test", &in, "2580", perms, &id) != GH_OK)
        fail_msg("create %s: %s", email, gh_store_errmsg(f->st));
    return id;
}

static void actor_of(struct fx *f, int64_t id, char *buf, size_t len)
{
    struct gh_account a;
    assert_int_equal(gh_account_get(f->st, id, &a), GH_OK);
    gh_account_actor(&a, buf, len);
}

static struct gh_account get(struct fx *f, int64_t id)
{
    struct gh_account a;
    assert_int_equal(gh_account_get(f->st, id, &a), GH_OK);
    return a;
}

static void an_admin_cannot_remove_their_own_admin_permission(void **state)
{
    struct fx *f = *state;
    int64_t me = staff(f, "me@example.com", GH_PERM_ADMIN);
    int64_t other = staff(f, "other@example.com", GH_PERM_ADMIN);
    char actor[320];
    actor_of(f, me, actor, sizeof actor);
    /* Even with another admin there, not oneself. */
    assert_int_equal(gh_staff_set_perms(f->st, actor, me, GH_PERM_APPROVE), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "your own admin permission"));
    assert_int_equal(get(f, me).perms, GH_PERM_ADMIN);
    /* Adding to one's own permissions while keeping admin is fine. */
    assert_int_equal(gh_staff_set_perms(f->st, actor, me, GH_PERM_ADMIN | GH_PERM_MANAGE), GH_OK);
    /* The other admin may take it away. */
    actor_of(f, other, actor, sizeof actor);
    assert_int_equal(gh_staff_set_perms(f->st, actor, me, GH_PERM_APPROVE), GH_OK);
    assert_int_equal(get(f, me).perms, GH_PERM_APPROVE);
}

static void an_admin_cannot_switch_themselves_off(void **state)
{
    struct fx *f = *state;
    int64_t me = staff(f, "me@example.com", GH_PERM_ADMIN);
    int64_t other = staff(f, "other@example.com", GH_PERM_ADMIN);
    char actor[320];
    actor_of(f, me, actor, sizeof actor);
    assert_int_equal(gh_occupant_set_state(f->st, actor, me, GH_STATE_INACTIVE), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "switch off your own account"));
    assert_int_equal(gh_occupant_set_state(f->st, actor, me, GH_STATE_BLOCKED), GH_E_REFUSED);
    assert_int_equal(get(f, me).state, GH_STATE_ACTIVE);
    /* Switching the other admin off is fine; then me is the last. */
    assert_int_equal(gh_occupant_set_state(f->st, actor, other, GH_STATE_INACTIVE), GH_OK);
    actor_of(f, other, actor, sizeof actor);
    assert_int_equal(gh_occupant_set_state(f->st, "cli:root", me, GH_STATE_INACTIVE),
                     GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "last active admin"));
}

static void refusals_are_logged(void **state)
{
    struct fx *f = *state;
    int64_t me = staff(f, "me@example.com", GH_PERM_ADMIN);
    char actor[320];
    actor_of(f, me, actor, sizeof actor);
    assert_int_equal(gh_staff_set_perms(f->st, actor, me, 0), GH_E_REFUSED);
    sqlite3_stmt *q = gh_store_prepare(
        f->st, "SELECT count(*) FROM audit WHERE action = 'staff.perms' AND outcome = 'refused'");
    assert_non_null(q);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), 1);
    gh_store_done(f->st, q);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(an_admin_cannot_remove_their_own_admin_permission),
    T(an_admin_cannot_switch_themselves_off),
    T(refusals_are_logged),
};
GH_TEST_MAIN(tests)
