/*
 * staff_admin.c: what an admin does to staff accounts (account.h "staff
 * accounts"): change permissions, and the guard every change of a staff
 * account's admin permission or state passes (account_state.c calls it),
 * so that the building always keeps an active admin and no admin locks
 * themselves out by mistake. Also clearing a kiosk lock-out early.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_PERMS (GH_PERM_APPROVE | GH_PERM_MANAGE | GH_PERM_OPEN_COMMON | \
                   GH_PERM_OPEN_VACANT | GH_PERM_OPEN_SHARED | GH_PERM_ADMIN)

/* The staff account an actor "staff:<id>" (gh_account_actor; before issue 16
 * "staff:<id>:<email>") names,
 * 0 for any other actor (the command line, the system). */
static int64_t actor_staff_id(const char *actor)
{
    if (!actor || strncmp(actor, "staff:", 6) != 0)
        return 0;
    char *end = NULL;
    long long id = strtoll(actor + 6, &end, 10);
    return end && (*end == ':' || !*end) && id > 0 ? (int64_t)id : 0;
}

/* How many active admins there are besides account `id`. */
static enum gh_status other_admins(struct gh_store *st, int64_t id, int64_t *n)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT count(*) FROM accounts WHERE kind = 'staff' "
                                           "AND state = 'active' AND (perms & ?2) <> 0 AND id <> ?1");
    if (!q)
        return gh_store_sqlfail(st, _("counting the admins"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, GH_PERM_ADMIN);
    int rc = sqlite3_step(q);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return rc == SQLITE_ROW ? GH_OK : gh_store_sqlfail(st, _("counting the admins"));
}

enum gh_status gh_staff_admin_guard(struct gh_store *st, const char *actor,
                                    const struct gh_account *a, int losing_admin,
                                    int switching_off, char *why, size_t len)
{
    if (a->kind != GH_KIND_STAFF || (!losing_admin && !switching_off))
        return GH_OK;
    if (actor_staff_id(actor) == a->id) {
        snprintf(why, len, "%s",
                 switching_off ? _("You can't switch off your own account; ask another admin.")
                               : _("You can't remove your own admin permission; ask another "
                                   "admin."));
        return GH_E_REFUSED;
    }
    if (a->state != GH_STATE_ACTIVE || !(a->perms & GH_PERM_ADMIN))
        return GH_OK;
    int64_t n = 0;
    enum gh_status s = other_admins(st, a->id, &n);
    if (s != GH_OK)
        return s;
    if (n == 0) {
        snprintf(why, len, _("%s is the last active admin; make someone else an admin first."),
                 a->email);
        return GH_E_REFUSED;
    }
    return GH_OK;
}

enum gh_status gh_staff_set_perms(struct gh_store *st, const char *actor, int64_t id,
                                  unsigned perms)
{
    const char *action = "staff.perms";
    char target[320], why[512], before[128], after[128];
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (a.kind != GH_KIND_STAFF)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                               _("This is an occupant; only staff accounts have permissions."));
    if (perms & ~ALL_PERMS)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s",
                               _("permissions: unknown permission bits"));
    s = gh_staff_admin_guard(st, actor, &a, (a.perms & GH_PERM_ADMIN) && !(perms & GH_PERM_ADMIN),
                             0, why, sizeof why);
    if (s == GH_E_REFUSED)
        return gh_rules_refuse(st, 1, actor, action, target, s, "%s", why);
    if (s == GH_OK)
        s = gh_store_run(st, _("saving the permissions"),
                         "UPDATE accounts SET perms = ?2, updated_at = ?3 WHERE id = ?1",
                         GH_INT(id), GH_INT(perms), GH_INT(gh_clock_now_ms()));
    gh_perms_format(a.perms, before, sizeof before);
    gh_perms_format(perms, after, sizeof after);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s -> %s",
                             before[0] ? before : "-", after[0] ? after : "-");
    if (s == GH_OK)
        gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, gh_state_name(a.state));
    if (s == GH_OK && (s = gh_store_commit(st)) == GH_OK)
        return GH_OK;
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_account_clear_lockout(struct gh_store *st, const char *actor, int64_t id)
{
    const char *action = "auth.clear_lockout";
    char target[320];
    struct gh_account a;
    enum gh_status s;
    int64_t now = gh_clock_now_ms();

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (a.locked_until <= now)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                               _("This account is not locked out."));
    s = gh_store_run(st, _("clearing the lock-out"),
                     "UPDATE accounts SET locked_until = 0 WHERE id = ?1", GH_INT(id));
    if (s == GH_OK)
        s = gh_store_run(st, _("clearing the lock-out"),
                         "DELETE FROM auth_failures WHERE account_id = ?1 AND pending = 0",
                         GH_INT(id));
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK,
                             "lock-out cleared (%lld min early)",
                             (long long)((a.locked_until - now + 59999) / 60000));
    if (s == GH_OK && (s = gh_store_commit(st)) == GH_OK)
        return GH_OK;
    gh_store_rollback(st);
    return s;
}
