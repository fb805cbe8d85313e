/*
 * access.c: who may open which door (access.h; SPEC "Doors, units and who
 * may open them").
 *
 * Occupant O may unlock door D iff O is active, D is inside O's location
 * access, and D is common, or rented to O, or rented to O's group. Staff S
 * may unlock a common door with open_common, a vacant unit with
 * open_vacant, and an occupied unit only with open_shared while its tenant
 * shares it with management; an occupied unit that is not shared is never
 * opened by staff, whatever their permissions (admin included). Staff are
 * not limited by location access: their permissions are the whole rule.
 *
 * The decision is pure (it moves no relay) and every denial carries a
 * sentence for the person at the screen, because "denied" alone makes
 * people press the button again and again.
 */
#include "gatehouse/access.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/overlock.h"
#include "gatehouse/site.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *deny_text(enum gh_deny why)
{
    switch (why) {
    case GH_DENY_NONE: return _("allowed");
    case GH_DENY_PENDING: return _("your account is waiting for approval");
    case GH_DENY_INACTIVE: return _("your account is not active; please ask the staff");
    case GH_DENY_BLOCKED: return _("this account is blocked; please ask the staff");
    case GH_DENY_NOT_A_DOOR: return _("this location has no door to open");
    case GH_DENY_OUTSIDE_ACCESS: return _("this door is outside your access");
    case GH_DENY_RENTED_OTHER: return _("this unit is rented to someone else");
    case GH_DENY_VACANT: return _("this unit is not rented to you");
    case GH_DENY_NO_PERMISSION: return _("you don't have permission to open this door");
    case GH_DENY_NOT_SHARED: return _("the tenant has not shared this unit with management");
    case GH_DENY_GROUP_ARCHIVED:
        return _("your group no longer grants access; please ask the staff");
    case GH_DENY_OVERLOCKED: return _(GH_OVERLOCK_SENTENCE);
    case GH_DENY_SITE_OFFLINE:
        return _("this kiosk has been cut off from the site server too long; please ask the staff");
    }
    return "?";
}

static void set(struct gh_decision *d, enum gh_deny why, const char *text)
{
    d->allowed = why == GH_DENY_NONE;
    d->why = why;
    snprintf(d->reason, sizeof d->reason, "%s", text ? text : deny_text(why));
}

/* Is `door` equal to or below one of the locations listed for `owner` in
 * `table` (account_locations or group_locations)? One recursive walk up the
 * parent chain, joined with the list. */
static enum gh_status listed_above(struct gh_store *st, int group, int64_t owner,
                                   int64_t door, int *in)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, group ? "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT l.parent_id"
                    " FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)"
                    " SELECT 1 FROM up JOIN group_locations x ON x.location_id = up.id"
                    " WHERE x.group_id = ?2 LIMIT 1"
                  : "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT l.parent_id"
                    " FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)"
                    " SELECT 1 FROM up JOIN account_locations x ON x.location_id = up.id"
                    " WHERE x.account_id = ?2 LIMIT 1");
    int rc;

    *in = 0;
    if (!q)
        return gh_store_sqlfail(st, _("checking location access"));
    sqlite3_bind_int64(q, 1, door);
    sqlite3_bind_int64(q, 2, owner);
    rc = sqlite3_step(q);
    *in = rc == SQLITE_ROW;
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("checking location access"));
    return GH_OK;
}

/* The occupant's group, if it still grants anything (not archived). */
static enum gh_status live_group(struct gh_store *st, const struct gh_account *a,
                                 struct gh_group *g, int *live)
{
    enum gh_status s;

    *live = 0;
    if (!a->group_id)
        return GH_OK;
    s = gh_group_get(st, a->group_id, g);
    if (s == GH_E_NOTFOUND)
        return GH_OK;
    if (s != GH_OK)
        return s;
    *live = !g->archived;
    return GH_OK;
}

/* Who is asking: the account and, for an occupant, their group resolved
 * once (the door list decides for every door of the building). */
struct who {
    struct gh_account a;
    struct gh_group g;
    int live;                    /* the group exists and is not archived */
};

/* The tenant's own unit: open unless overlocked (issue 18). */
static enum gh_status overlock_unit(struct gh_store *st, const struct gh_location *l,
                                    struct gh_decision *out)
{
    int on = 0;
    enum gh_status s = gh_overlock_get(st, l->id, &on);
    set(out, on ? GH_DENY_OVERLOCKED : GH_DENY_NONE, NULL);
    return s;
}

/* A common door: open, even to an overlocked tenant (the way to the
 * office), unless the setting overlock_gates is on. */
static enum gh_status overlock_common(struct gh_store *st, const struct who *w,
                                      struct gh_decision *out)
{
    int on = 0;
    enum gh_status s = GH_OK;
    if (gh_settings_get_bool(st, GH_SETTING_OVERLOCK_GATES))
        s = gh_overlock_any(st, w->a.id, w->live ? w->a.group_id : 0, &on);
    set(out, on ? GH_DENY_OVERLOCKED : GH_DENY_NONE, NULL);
    return s;
}

static enum gh_status decide_occupant(struct gh_store *st, const struct who *w,
                                      const struct gh_location *l, struct gh_decision *out)
{
    const struct gh_account *a = &w->a;
    const struct gh_group *gp = &w->g;
    int live = w->live, in = 0;
    enum gh_status s;

    switch (a->access) {
    case GH_ACCESS_ALL:
        in = 1;
        break;
    case GH_ACCESS_GROUP:
        if (a->group_id && !live) {
            set(out, GH_DENY_GROUP_ARCHIVED, NULL);
            return GH_OK;
        }
        if (live && gp->all_locations)
            in = 1;
        else if (live && (s = listed_above(st, 1, gp->id, l->id, &in)) != GH_OK)
            return s;
        break;
    case GH_ACCESS_SPECIFIC:
        if ((s = listed_above(st, 0, a->id, l->id, &in)) != GH_OK)
            return s;
        break;
    case GH_ACCESS_NONE:
    default:
        in = 0;
        break;
    }
    if (!in) {
        set(out, GH_DENY_OUTSIDE_ACCESS, NULL);
        return GH_OK;
    }
    if (l->door == GH_DOOR_COMMON)
        return overlock_common(st, w, out);
    if (l->tenant_account && l->tenant_account == a->id) {
        return overlock_unit(st, l, out);
    } else if (l->tenant_group && l->tenant_group == a->group_id) {
        /* An archived group grants nothing, its units included. */
        if (live)
            return overlock_unit(st, l, out);
        set(out, GH_DENY_GROUP_ARCHIVED, NULL);
    } else if (l->tenant_account || l->tenant_group) {
        set(out, GH_DENY_RENTED_OTHER, NULL);
    } else {
        set(out, GH_DENY_VACANT, NULL);
    }
    return GH_OK;
}

static void decide_staff(const struct gh_account *a, const struct gh_location *l,
                         struct gh_decision *out)
{
    if (l->door == GH_DOOR_COMMON) {
        if (gh_perms_has(a->perms, GH_PERM_OPEN_COMMON))
            set(out, GH_DENY_NONE, NULL);
        else
            set(out, GH_DENY_NO_PERMISSION, _("you don't have permission to open common doors"));
    } else if (!l->tenant_account && !l->tenant_group) {
        if (gh_perms_has(a->perms, GH_PERM_OPEN_VACANT))
            set(out, GH_DENY_NONE, NULL);
        else
            set(out, GH_DENY_NO_PERMISSION, _("you don't have permission to open vacant units"));
    } else if (!l->shared) {
        /* Never, whatever the permissions: the tenant has not agreed. */
        set(out, GH_DENY_NOT_SHARED, NULL);
    } else if (gh_perms_has(a->perms, GH_PERM_OPEN_SHARED)) {
        set(out, GH_DENY_NONE, NULL);
    } else {
        set(out, GH_DENY_NO_PERMISSION,
            _("you don't have permission to open units shared with management"));
    }
}

static enum gh_status who_load(struct gh_store *st, int64_t id, struct who *w)
{
    enum gh_status s = gh_account_get(st, id, &w->a);

    memset(&w->g, 0, sizeof w->g);
    w->live = 0;
    if (s == GH_OK && w->a.kind == GH_KIND_OCCUPANT)
        s = live_group(st, &w->a, &w->g, &w->live);
    return s;
}

static enum gh_status decide(struct gh_store *st, const struct who *w,
                             const struct gh_location *l, struct gh_decision *out)
{
    const struct gh_account *a = &w->a;

    if (l->door == GH_DOOR_NONE) {
        set(out, GH_DENY_NOT_A_DOOR, NULL);
        return GH_OK;
    }
    switch (a->state) {
    case GH_STATE_ACTIVE: break;
    case GH_STATE_PENDING: set(out, GH_DENY_PENDING, NULL); return GH_OK;
    case GH_STATE_BLOCKED: set(out, GH_DENY_BLOCKED, NULL); return GH_OK;
    case GH_STATE_INACTIVE:
    default: set(out, GH_DENY_INACTIVE, NULL); return GH_OK;
    }
    if (a->kind == GH_KIND_STAFF) {
        decide_staff(a, l, out);
        return GH_OK;
    }
    return decide_occupant(st, w, l, out);
}

enum gh_status gh_access_decide(struct gh_store *st, int64_t who, int64_t door,
                                struct gh_decision *out)
{
    struct who w;
    struct gh_location l;
    enum gh_status s;

    memset(out, 0, sizeof *out);
    set(out, GH_DENY_NOT_A_DOOR, NULL);
    if ((s = who_load(st, who, &w)) != GH_OK)
        return s;
    if ((s = gh_location_get(st, door, &l)) != GH_OK)
        return s;
    s = decide(st, &w, &l, out);
    char why[sizeof out->reason];
    /* A site may refuse unlocks after a long time without its server (site.h). */
    if (s == GH_OK && out->allowed && gh_site_offline_deny(st, why, sizeof why))
        set(out, GH_DENY_SITE_OFFLINE, why);
    return s;
}

enum gh_status gh_access_decide_logged(struct gh_store *st, const char *actor, int64_t who,
                                       int64_t door, int log_as_unlock,
                                       struct gh_decision *out)
{
    const char *action = log_as_unlock ? "door.unlock" : "door.check";
    char target[1100], acct[320], err[1024];
    struct gh_decision dummy;
    struct gh_location l;
    struct who w;
    enum gh_status s, as;

    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    snprintf(target, sizeof target, "door:%lld", (long long)door);
    snprintf(acct, sizeof acct, "account:%lld", (long long)who);
    s = who_load(st, who, &w);
    if (s == GH_OK) {
        gh_account_actor(&w.a, acct, sizeof acct);
        s = gh_location_get(st, door, &l);
        if (s == GH_OK)
            snprintf(target, sizeof target, "door:%lld:%s", (long long)door, l.path);
    }
    if (!actor || !*actor)
        actor = acct;
    if (s != GH_OK) {
        set(out, GH_DENY_NOT_A_DOOR, NULL);
        snprintf(err, sizeof err, "%s", gh_store_errmsg(st));
        as = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_REFUSED, "%s", err);
        if (as != GH_OK)
            return as;
        return gh_store_fail(st, s, "%s", err);
    }
    if ((s = decide(st, &w, &l, out)) != GH_OK)
        return s;
    /* The account is named in the reason when the actor is a device ("kiosk"),
     * so the log always says whose door it was. */
    if (strcmp(actor, acct) == 0)
        as = gh_audit_append(st, actor, action, target,
                             out->allowed ? GH_OUTCOME_OK : GH_OUTCOME_REFUSED, out->reason);
    else
        as = gh_audit_appendf(st, actor, action, target,
                              out->allowed ? GH_OUTCOME_OK : GH_OUTCOME_REFUSED, "%s: %s",
                              acct, out->reason);
    if (as != GH_OK)
        return as;
    if (log_as_unlock && out->allowed) {
        struct gh_event ev = {GH_EVENT_UNLOCK, door, l.name};
        gh_account_touch(st, who);
        gh_store_emit(st, &ev);
    }
    return GH_OK;
}

struct door_list {
    struct gh_location *v;
    size_t n, cap;
    int nomem;
};

static int collect_door(void *ud, const struct gh_location *l)
{
    struct door_list *d = ud;

    if (l->door == GH_DOOR_NONE)
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        struct gh_location *nv = realloc(d->v, cap * sizeof *nv);
        if (!nv) {
            d->nomem = 1;
            return 1;
        }
        d->v = nv;
        d->cap = cap;
    }
    d->v[d->n++] = *l;
    return 0;
}

/* Nothing to open for a tenant whose units are overlocked: say so. */
static enum gh_status why_overlocked(struct gh_store *st, const struct who *w,
                                     struct gh_decision *why)
{
    int on = 0;
    enum gh_status s = gh_overlock_any(st, w->a.id, w->live ? w->a.group_id : 0, &on);
    if (s == GH_OK && on)
        set(why, GH_DENY_OVERLOCKED, NULL);
    return s;
}

enum gh_status gh_access_doors(struct gh_store *st, int64_t who, gh_location_fn fn, void *ud,
                               struct gh_decision *why)
{
    struct door_list doors = {0};
    struct gh_decision d;
    struct who w;
    const struct gh_account *a = &w.a;
    enum gh_status s;
    size_t i, allowed = 0;

    if (why)
        set(why, GH_DENY_OUTSIDE_ACCESS, _("you don't have access to any door yet"));
    if ((s = who_load(st, who, &w)) != GH_OK)
        return s;
    /* The tree first, decisions after: the caller's callback may use the
     * store freely without a list statement still running underneath. */
    if ((s = gh_location_list(st, collect_door, &doors)) != GH_OK)
        goto out;
    if (doors.nomem) {
        s = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
        goto out;
    }
    for (i = 0; i < doors.n; i++) {
        if ((s = decide(st, &w, &doors.v[i], &d)) != GH_OK)
            goto out;
        if (!d.allowed)
            continue;
        allowed++;
        if (fn && fn(ud, &doors.v[i]))
            break;
    }
    if (why) {
        if (allowed)
            set(why, GH_DENY_NONE, NULL);
        else if (a->state == GH_STATE_PENDING)
            set(why, GH_DENY_PENDING, NULL);
        else if (a->state == GH_STATE_BLOCKED)
            set(why, GH_DENY_BLOCKED, NULL);
        else if (a->state != GH_STATE_ACTIVE)
            set(why, GH_DENY_INACTIVE, NULL);
        else if (a->kind == GH_KIND_STAFF)
            set(why, GH_DENY_NO_PERMISSION, _("you don't have permission to open any door"));
        else if (a->access == GH_ACCESS_GROUP && a->group_id && !w.live)
            set(why, GH_DENY_GROUP_ARCHIVED, NULL);
        else
            s = why_overlocked(st, &w, why);
    }
out:
    free(doors.v);
    return s;
}
