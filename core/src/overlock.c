/*
 * overlock.c: units locked for an overdue balance (overlock.h, issue 18).
 *
 * A row of unit_overlocks names the tenant the unit had when it was
 * overlocked; it is in force only while the unit is still rented to that
 * tenant, so a move-out (vacate) or a new tenant ends it without anyone
 * having to remember. The door rule itself is in access.c, which asks
 * gh_overlock_get / gh_overlock_any.
 */
#include "gatehouse/overlock.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* In force: the row's tenant is the unit's tenant now. */
#define IN_FORCE " o.tenant_account IS l.tenant_account AND o.tenant_group IS l.tenant_group" \
                 " AND (l.tenant_account IS NOT NULL OR l.tenant_group IS NOT NULL)"

enum gh_status gh_overlock_any(struct gh_store *st, int64_t account_id, int64_t group_id,
                               int *on)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT 1 FROM unit_overlocks o JOIN locations l"
                                           " ON l.id = o.location_id WHERE (o.tenant_account = ?1"
                                           " OR (?2 > 0 AND o.tenant_group = ?2)) AND" IN_FORCE
                                           " LIMIT 1");
    *on = 0;
    if (!q)
        return gh_store_sqlfail(st, _("reading the overlock"));
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_int64(q, 2, group_id);
    int rc = sqlite3_step(q);
    *on = rc == SQLITE_ROW;
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the overlock"));
    return GH_OK;
}

/* The source of the row in force for this unit: -1 none. */
static enum gh_status current_source(struct gh_store *st, int64_t unit, int *src)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT o.source FROM unit_overlocks o JOIN locations l"
                                           " ON l.id = o.location_id WHERE o.location_id = ?1"
                                           " AND" IN_FORCE);
    *src = -1;
    if (!q)
        return gh_store_sqlfail(st, _("reading the overlock"));
    sqlite3_bind_int64(q, 1, unit);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *src = strcmp(gh_store_col_text(q, 0), "import") == 0 ? GH_OVERLOCK_IMPORT
                                                               : GH_OVERLOCK_HAND;
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the overlock"));
    return GH_OK;
}

enum gh_status gh_overlock_get(struct gh_store *st, int64_t unit, int *on)
{
    int src;
    enum gh_status s = current_source(st, unit, &src);
    *on = src >= 0;
    return s;
}

static enum gh_status write_row(struct gh_store *st, const struct gh_location *l, int on,
                                enum gh_overlock_source src)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, on ? "INSERT OR REPLACE INTO unit_overlocks (location_id, tenant_account,"
                 " tenant_group, source, since) VALUES (?1, NULLIF(?2, 0), NULLIF(?3, 0), ?4, ?5)"
               : "DELETE FROM unit_overlocks WHERE location_id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("saving the overlock"));
    sqlite3_bind_int64(q, 1, l->id);
    if (on) {
        sqlite3_bind_int64(q, 2, l->tenant_account);
        sqlite3_bind_int64(q, 3, l->tenant_group);
        sqlite3_bind_text(q, 4, src == GH_OVERLOCK_IMPORT ? "import" : "hand", -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, gh_clock_now_ms());
    }
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("saving the overlock"));
}

enum gh_status gh_overlock_set(struct gh_store *st, const char *actor, int64_t unit, int on,
                               enum gh_overlock_source src, int *changed)
{
    const char *action = "unit.overlock";
    char target[600], tenant[320];
    struct gh_location l;
    int cur;
    enum gh_status s;

    if (changed)
        *changed = 0;
    actor = actor && *actor ? actor : "system";
    snprintf(target, sizeof target, "location:%lld", (long long)unit);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    if ((s = gh_location_get(st, unit, &l)) != GH_OK) {
        if (s == GH_E_NOTFOUND)
            return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        goto fail;
    }
    snprintf(target, sizeof target, "location:%lld:%s", (long long)unit, l.name);
    if (l.door != GH_DOOR_UNIT)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("%s is not a unit; only a unit can be overlocked"), l.name);
    if (on && !l.tenant_account && !l.tenant_group)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("%s is vacant; only a rented unit can be overlocked"), l.name);
    if ((s = current_source(st, unit, &cur)) != GH_OK)
        goto fail;
    /* Already so (or a file's release of a lock set by hand): nothing. */
    if ((on && cur >= 0) || (!on && cur < 0) ||
        (!on && src == GH_OVERLOCK_IMPORT && cur == GH_OVERLOCK_HAND)) {
        gh_store_rollback(st);
        return GH_OK;
    }
    if ((s = write_row(st, &l, on, src)) != GH_OK)
        goto fail;
    gh_rules_tenant_ref(st, l.tenant_account, l.tenant_group, l.tenant_name, tenant,
                        sizeof tenant);
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s: %s%s",
                         on ? "on" : "off", tenant,
                         src == GH_OVERLOCK_IMPORT ? " (import)" : "");
    if (s == GH_OK && (s = gh_store_commit(st)) == GH_OK && changed)
        *changed = 1;
    if (s != GH_OK)
        gh_store_rollback(st);
    return s;
fail:
    gh_store_rollback(st);
    return s;
}
