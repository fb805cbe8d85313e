/*
 * group_leave.c: taking someone out of a group together with their new
 * access (issue 16, group.h "members"), so nobody is left with "none" by
 * accident: one transaction that removes the membership (group.c) and sets
 * the access (account.c), or changes nothing.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/group.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

enum gh_status gh_group_member_leave(struct gh_store *st, const char *actor, const char *group,
                                     int64_t account_id, enum gh_access access,
                                     const char *new_group, const char *const *locations, int n)
{
    char why[GH_STORE_ERRMSG_LEN], target[64];
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_group_member_remove(st, actor, group, account_id);
    if (s == GH_OK)
        s = gh_occupant_set_access(st, actor, account_id, access,
                                   access == GH_ACCESS_GROUP ? new_group : NULL,
                                   access == GH_ACCESS_SPECIFIC ? locations : NULL,
                                   access == GH_ACCESS_SPECIFIC ? n : 0);
    if (s == GH_OK)
        return gh_store_commit(st);
    /* The refusal was logged inside the transaction being undone: log it
     * again after, so the log keeps it. */
    snprintf(why, sizeof why, "%s", gh_store_errmsg(st));
    gh_store_rollback(st);
    snprintf(target, sizeof target, "account:%lld", (long long)account_id);
    if (gh_audit_append(st, actor, "group.member_remove", target, GH_OUTCOME_REFUSED, why) != GH_OK)
        return GH_E_STORE;
    return gh_store_fail(st, s, "%s", why);
}
