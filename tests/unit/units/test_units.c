/*
 * test_units.c: the core under the Units screen and "Rent UNIT to them"
 * (issue 16). gh_unit_search finds units (and only units) by the unit's
 * name or the tenant's name, email or group, ignoring case;
 * gh_occupant_approve_rent approves and rents in one change: when either
 * step is refused neither happens, and the refusal is in the log.
 */
#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/group.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "store_internal.h"

struct fx {
    char dir[64], path[128];
    struct gh_store *st;
    int64_t b201, b202, b203, gate;
    int64_t hana, olive;
};

static int64_t loc(struct fx *f, const char *name, const char *parent, enum gh_door_kind d)
{
    struct gh_location_new in = { .name = name, .parent = parent, .door = d };
    int64_t id = 0;
    if (gh_location_add(f->st, "test", &in, &id) != GH_OK)
        fail_msg("location %s: %s", name, gh_store_errmsg(f->st));
    return id;
}

static int64_t occupant(struct fx *f, const char *email, const char *name)
{
    struct gh_account_new in = { .email = email, .name = name, .access = GH_ACCESS_ALL };
    int64_t id = 0;
    if (gh_occupant_create(f->st, "test", &in, &id) != GH_OK)
        fail_msg("occupant %s: %s", email, gh_store_errmsg(f->st));
    return id;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct gh_group_new g = { .name = "Acme Co", .all_locations = 1 };
    int64_t gid = 0;
    gh_test_store_open(f->dir, sizeof f->dir, f->path, sizeof f->path, "units", &f->st);
    loc(f, "Site", NULL, GH_DOOR_NONE);
    f->gate = loc(f, "Gate", "Site", GH_DOOR_COMMON);
    f->b201 = loc(f, "B201", "Site", GH_DOOR_UNIT);
    f->b202 = loc(f, "B202", "Site", GH_DOOR_UNIT);
    f->b203 = loc(f, "B203", "Site", GH_DOOR_UNIT);
    f->olive = occupant(f, "olive@example.com", "Olive Occupant");
    assert_int_equal(gh_group_add(f->st, "test", &g, &gid), GH_OK);
    assert_int_equal(gh_unit_rent_occupant(f->st, "test", f->b201, f->olive), GH_OK);
    assert_int_equal(gh_unit_rent_group(f->st, "test", f->b203, gid), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "test", GH_SETTING_SIGNUP_APPROVAL, "on"), GH_OK);
    struct gh_signup in = { .email = "hana@example.com", .name = "Hana Ito", .unit = "B202" };
    struct gh_signup_result r;
    assert_int_equal(gh_occupant_signup(f->st, "test", &in, &r), GH_OK);
    assert_int_equal(r.outcome, GH_SIGNUP_PENDING);
    f->hana = r.account_id;
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

struct found {
    char names[8][GH_NAME_BUF];
    int n;
};

static int collect(void *ud, const struct gh_location *l)
{
    struct found *x = ud;
    if (x->n < 8)
        snprintf(x->names[x->n++], GH_NAME_BUF, "%s", l->name);
    return 0;
}

/* The units text finds, joined with spaces: "B201 B203". */
static const char *search(struct fx *f, const char *text)
{
    static char out[256];
    struct found x = { .n = 0 };
    size_t o = 0;
    assert_int_equal(gh_unit_search(f->st, text, collect, &x), GH_OK);
    out[0] = 0;
    for (int i = 0; i < x.n; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? " " : "", x.names[i]);
    return out;
}

static void unit_search_finds_units_by_name_tenant_email_or_group(void **state)
{
    struct fx *f = *state;
    assert_string_equal(search(f, NULL), "B201 B202 B203");    /* not Site, not Gate */
    assert_string_equal(search(f, ""), "B201 B202 B203");
    assert_string_equal(search(f, "  b202 "), "B202");         /* trimmed, any case */
    assert_string_equal(search(f, "OLIVE"), "B201");           /* the tenant's name */
    assert_string_equal(search(f, "olive@example"), "B201");   /* and email */
    assert_string_equal(search(f, "acme"), "B203");            /* a group tenant */
    assert_string_equal(search(f, "gate"), "");                /* a common door is no unit */
    assert_string_equal(search(f, "nobody"), "");
}

static int64_t count_log(struct fx *f, const char *action, const char *outcome)
{
    sqlite3_stmt *q = gh_store_prepare(
        f->st, "SELECT count(*) FROM audit WHERE action = ?1 AND outcome = ?2");
    assert_non_null(q);
    sqlite3_bind_text(q, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, outcome, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    gh_store_done(f->st, q);
    return n;
}

static struct gh_account account(struct fx *f, int64_t id)
{
    struct gh_account a;
    assert_int_equal(gh_account_get(f->st, id, &a), GH_OK);
    return a;
}

static int64_t tenant(struct fx *f, int64_t unit)
{
    struct gh_location l;
    assert_int_equal(gh_location_get(f->st, unit, &l), GH_OK);
    return l.tenant_account;
}

static void approve_rent_does_both_in_one_change(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_occupant_approve_rent(f->st, "staff:9:sam@example.com", f->hana, f->b202),
                     GH_OK);
    assert_int_equal(account(f, f->hana).state, GH_STATE_ACTIVE);
    assert_int_equal(tenant(f, f->b202), f->hana);
    assert_int_equal(count_log(f, "account.approve", "ok"), 1);
    assert_int_equal(count_log(f, "unit.rent", "ok"), 3);       /* two in setup */
}

static void approve_rent_of_a_rented_unit_changes_nothing_and_logs_why(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_occupant_approve_rent(f->st, "staff:9:sam@example.com", f->hana, f->b201),
                     GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "already rented to Olive Occupant"));
    assert_non_null(strstr(gh_store_errmsg(f->st), "Nothing was changed."));
    assert_int_equal(account(f, f->hana).state, GH_STATE_PENDING);   /* not approved */
    assert_int_equal(tenant(f, f->b201), f->olive);
    assert_int_equal(count_log(f, "account.approve", "ok"), 0);
    assert_int_equal(count_log(f, "unit.rent", "refused"), 1);
    assert_int_equal(f->st->depth, 0);                    /* no transaction left */
}

static void approve_rent_of_someone_not_pending_rents_nothing(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_occupant_approve(f->st, "test", f->hana), GH_OK);
    assert_int_not_equal(gh_occupant_approve_rent(f->st, "test", f->hana, f->b202), GH_OK);
    assert_int_equal(tenant(f, f->b202), 0);                        /* still vacant */
    assert_int_equal(count_log(f, "account.approve", "refused"), 1);
    assert_int_equal(count_log(f, "unit.rent", "ok"), 2);          /* only setup's */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(unit_search_finds_units_by_name_tenant_email_or_group),
    T(approve_rent_does_both_in_one_change),
    T(approve_rent_of_a_rented_unit_changes_nothing_and_logs_why),
    T(approve_rent_of_someone_not_pending_rents_nothing),
};
GH_TEST_MAIN(tests)
