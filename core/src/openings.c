/*
 * openings.c: the newest door openings a person may know about (openings.h),
 * from the activity log's granted door.unlock entries. The entry's target is
 * "door:<id>:<path>"; its actor is the account ("occupant:12"), or a device
 * ("kiosk", "cli") with the account at the start of the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/openings.h"
#include "gatehouse/access.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "store_internal.h"

struct door_ref {
    int64_t id;
    int rented;                   /* a unit the person rents */
    char name[GH_NAME_BUF];
};

struct doorset {
    struct door_ref *v;
    int n, cap, oom, rented;
};

static int add_door(void *ud, const struct gh_location *l)
{
    struct doorset *d = ud;
    for (int i = 0; i < d->n; i++)
        if (d->v[i].id == l->id) {
            d->v[i].rented |= d->rented;
            return 0;
        }
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        struct door_ref *nv = realloc(d->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            d->oom = 1;
            return 1;
        }
        d->v = nv;
        d->cap = cap;
    }
    d->v[d->n].id = l->id;
    d->v[d->n].rented = d->rented;
    gh_store_copy(d->v[d->n].name, sizeof d->v[d->n].name, l->name);
    d->n++;
    return 0;
}

static const struct door_ref *find_door(const struct doorset *d, const char *target)
{
    long long id;
    if (sscanf(target, "door:%lld:", &id) != 1)
        return NULL;
    for (int i = 0; i < d->n; i++)
        if (d->v[i].id == id)
            return &d->v[i];
    return NULL;
}

/* Who opened it, in words (openings.h). */
static void opener(struct gh_store *st, int64_t self, const struct door_ref *door,
                   const char *actor, const char *reason, struct gh_opening *o)
{
    const char *tok = strncmp(actor, "occupant:", 9) == 0 || strncmp(actor, "staff:", 6) == 0
                          ? actor : reason;
    long long id = 0;
    struct gh_account a;
    o->by_self = o->by_staff = 0;
    if (sscanf(tok, "occupant:%lld", &id) == 1 && id == self) {
        o->by_self = 1;
        gh_store_copy(o->who, sizeof o->who, _("You"));
    } else if (sscanf(tok, "occupant:%lld", &id) == 1) {
        if (door->rented && gh_account_get(st, id, &a) == GH_OK)
            gh_store_copy(o->who, sizeof o->who, a.name[0] ? a.name : a.email);
        else
            gh_store_copy(o->who, sizeof o->who, _("Another occupant"));
    } else {
        o->by_staff = 1;          /* staff, or a program run by them */
        gh_store_copy(o->who, sizeof o->who, _("Management"));
    }
}

static enum gh_status scan_log(struct gh_store *st, int64_t who, const struct doorset *d,
                               int limit, gh_opening_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT at, actor, target, reason FROM audit "
        "WHERE action = 'door.unlock' AND outcome = 'ok' ORDER BY seq DESC");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    enum gh_status s = GH_OK;
    int rc, found = 0;
    char actor[128], reason[512];
    while (found < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const struct door_ref *door = find_door(d, gh_store_col_text(q, 2));
        if (!door)
            continue;
        struct gh_opening o;
        memset(&o, 0, sizeof o);
        o.at = sqlite3_column_int64(q, 0);
        o.door_id = door->id;
        gh_store_copy(o.door, sizeof o.door, door->name);
        gh_store_copy(actor, sizeof actor, gh_store_col_text(q, 1));
        gh_store_copy(reason, sizeof reason, gh_store_col_text(q, 3));
        opener(st, who, door, actor, reason, &o);
        found++;
        if (fn(ud, &o))
            break;
    }
    if (found < limit && rc != SQLITE_DONE && rc != SQLITE_ROW)
        s = gh_store_sqlfail(st, _("reading the activity log"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_openings_recent(struct gh_store *st, int64_t who, int limit,
                                  gh_opening_fn fn, void *ud)
{
    struct doorset d;
    struct gh_decision why;
    memset(&d, 0, sizeof d);
    if (limit < 1 || limit > 200)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("limit: must be 1 to 200"));
    enum gh_status s = gh_access_doors(st, who, add_door, &d, &why);
    if (s == GH_OK) {
        d.rented = 1;
        s = gh_unit_list_for(st, who, add_door, &d);
    }
    if (s == GH_OK && d.oom)
        s = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if (s == GH_OK)
        s = scan_log(st, who, &d, limit, fn, ud);
    free(d.v);
    return s;
}
