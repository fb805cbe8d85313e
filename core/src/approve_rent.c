/*
 * approve_rent.c: approving a sign-up and renting them the unit they asked
 * for, as one change (issue 16: "Rent UNIT to them" on the approval
 * screen; location.h gh_occupant_approve_rent).
 *
 * Both steps are the core's own (gh_occupant_approve, gh_unit_rent_occupant)
 * nested in one transaction (nested transactions are savepoints), so
 * a unit rented by someone else meanwhile leaves the sign-up pending rather
 * than approved without the unit the staff member chose. A step's refusal
 * is logged inside the transaction that is rolled back here, so it is
 * logged again afterwards, under that step's action, with the reason.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* Rolls the whole change back and logs why (action: the step that failed). */
static enum gh_status undo(struct gh_store *st, const char *actor, const char *action,
                           const char *target, enum gh_status s)
{
    char msg[GH_STORE_ERRMSG_LEN];
    snprintf(msg, sizeof msg, "%s", gh_store_errmsg(st));
    gh_store_rollback(st);
    if (s == GH_E_STORE || s == GH_E_NOMEM || s == GH_E_IO || s == GH_E_INTERNAL)
        return gh_store_fail(st, s, "%s", msg);
    return gh_rules_refuse(st, 0, actor, action, target, s, _("%s Nothing was changed."), msg);
}

enum gh_status gh_occupant_approve_rent(struct gh_store *st, const char *actor, int64_t id,
                                        int64_t unit)
{
    char target[600], unit_target[600];
    struct gh_account a;
    struct gh_location l;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_get(st, id, &a)) != GH_OK)
        return gh_store_fail(st, s, _("no account with id %lld"), (long long)id);
    if ((s = gh_location_get(st, unit, &l)) != GH_OK)
        return s;
    gh_rules_target_of(&a, target, sizeof target);
    snprintf(unit_target, sizeof unit_target, "location:%lld:%s", (long long)unit, l.name);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    if ((s = gh_occupant_approve(st, actor, id)) != GH_OK)
        return undo(st, actor, "account.approve", target, s);
    if ((s = gh_unit_rent_occupant(st, actor, unit, id)) != GH_OK)
        return undo(st, actor, "unit.rent", unit_target, s);
    return gh_store_commit(st);
}
