/*
 * mkdb.c: the site the lock control plugin's tests run against, made through
 * the core's own functions (real SQLite file, the kiosk's schema).
 *
 *   lockctl_mkdb DB
 *
 * Site
 *   Gate         common  ABCDE:1    300 ms
 *   Back door    common  GONE1:1    (a board that is never plugged in)
 *   Building A
 *     Unit 1     unit    FT0001:2   300 ms  rented to ann
 *     Unit 2     unit    ABCDE:2    300 ms  rented to bob (not shared)
 *     Unit 3     unit    ABCDE:3    300 ms  vacant
 *   Building B   (no doors)
 *
 * ann@example.com, bob@example.com: active occupants, all locations, PIN 4682.
 * dee@example.com: active, access to Building B only (nothing to open), PIN 4682.
 * pen@example.com: pending (self sign-up), PIN 4682.
 * new@example.com: pending (self sign-up), no PIN yet (its setup code
 *                  comes with the approval).
 * sam@example.com: staff, open_common + open_vacant + open_shared, PIN 2580.
 * nop@example.com: staff, approve only, PIN 2580.
 *
 *   lockctl_mkdb --code DB WHO      issues WHO a door code, printed on stdout
 *   lockctl_mkdb --revoke DB WHO    voids WHO's door code
 * (the core's gh_doorcode_issue / gh_doorcode_revoke, as gatehousectl's
 * door-code command does)
 */
#include <stdio.h>
#include <stdlib.h>
#include "gatehouse/store.h"
#include "gatehouse/account.h"
#include "gatehouse/auth.h"
#include "gatehouse/location.h"
#include "gatehouse/doorcode.h"

static struct gh_store *st;

static void check(enum gh_status s, const char *what)
{
    if (s == GH_OK)
        return;
    fprintf(stderr, "lockctl_mkdb: %s: %s\n", what, gh_store_errmsg(st));
    exit(1);
}

static int64_t loc(const char *name, const char *parent, enum gh_door_kind door,
                   const char *relay, int ms)
{
    struct gh_location_new in = {
        .name = name, .parent = parent, .door = door, .relay = relay, .unlock_ms = ms };
    int64_t id = 0;
    check(gh_location_add(st, "test", &in, &id), name);
    return id;
}

static int64_t occupant(const char *email, const char *name, enum gh_access access,
                        const char *const *locs, int nlocs)
{
    struct gh_account_new in = { .email = email, .name = name, .access = access,
                                 .locations = locs, .n_locations = nlocs, .no_welcome = 1 };
    int64_t id = 0;
    check(gh_occupant_create(st, "test", &in, &id), email);
    check(gh_auth_set_pin(st, "test", id, "4682"), email);
    return id;
}

/* --code / --revoke DB WHO */
static int door_code(int argc, char **argv)
{
    char err[512], code[GH_DOORCODE_BUF];
    struct gh_account a;
    if (argc != 4) {
        fprintf(stderr, "usage: lockctl_mkdb --code|--revoke DB WHO\n");
        return 2;
    }
    if (gh_store_open(argv[2], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "lockctl_mkdb: %s\n", err);
        return 1;
    }
    check(gh_account_find(st, argv[3], &a), argv[3]);
    if (argv[1][2] == 'r') {
        check(gh_doorcode_revoke(st, "test", a.id), "revoke");
    } else {
        check(gh_doorcode_issue(st, "test", a.id, code, sizeof code), "issue");
        printf("%s\n", code);
    }
    gh_store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-')
        return door_code(argc, argv);
    if (argc != 2) {
        fprintf(stderr, "usage: lockctl_mkdb DB\n");
        return 2;
    }
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "lockctl_mkdb: %s\n", err);
        return 1;
    }
    loc("Site", NULL, GH_DOOR_NONE, NULL, 0);
    loc("Gate", "Site", GH_DOOR_COMMON, "ABCDE:1", 300);
    loc("Back door", "Site", GH_DOOR_COMMON, "GONE1:1", 300);
    loc("Building A", "Site", GH_DOOR_NONE, NULL, 0);
    int64_t u1 = loc("Unit 1", "Building A", GH_DOOR_UNIT, "FT0001:2", 300);
    int64_t u2 = loc("Unit 2", "Building A", GH_DOOR_UNIT, "ABCDE:2", 300);
    loc("Unit 3", "Building A", GH_DOOR_UNIT, "ABCDE:3", 300);
    loc("Building B", "Site", GH_DOOR_NONE, NULL, 0);

    int64_t ann = occupant("ann@example.com", "Ann Able", GH_ACCESS_ALL, NULL, 0);
    int64_t bob = occupant("bob@example.com", "Bob Baker", GH_ACCESS_ALL, NULL, 0);
    static const char *const b_only[] = { "Building B" };
    occupant("dee@example.com", "Dee Dunn", GH_ACCESS_SPECIFIC, b_only, 1);
    check(gh_unit_rent_occupant(st, "test", u1, ann), "rent Unit 1");
    check(gh_unit_rent_occupant(st, "test", u2, bob), "rent Unit 2");

    struct gh_signup su = { .email = "pen@example.com", .name = "Pen Pending" };
    struct gh_signup_result sr;
    check(gh_occupant_signup(st, "test", &su, &sr), "signup pen");
    check(gh_auth_set_pin(st, "test", sr.account_id, "4682"), "pen pin");
    struct gh_signup su2 = { .email = "new@example.com", .name = "Nia New" };
    check(gh_occupant_signup(st, "test", &su2, &sr), "signup new");

    struct gh_account_new sam = { .email = "sam@example.com", .name = "Sam Staff" };
    struct gh_account_new nop = { .email = "nop@example.com", .name = "Nora Approver" };
    int64_t id;
    check(gh_staff_create(st, "test", &sam, "2580",
                          GH_PERM_OPEN_COMMON | GH_PERM_OPEN_VACANT | GH_PERM_OPEN_SHARED, &id),
          "staff sam");
    check(gh_staff_create(st, "test", &nop, "2580", GH_PERM_APPROVE, &id), "staff nop");
    gh_store_close(st);
    return 0;
}
