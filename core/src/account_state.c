/*
 * account_state.c: the one state machine of SPEC "Occupant states":
 * approve, reject and the staff's active / inactive / blocked
 * (account.h "state changes").
 *
 * Leaving active or pending voids the setup code and the door code;
 * becoming active queues the welcome with a new setup code.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

enum op { OP_APPROVE, OP_REJECT, OP_SET };

/* The one state machine of SPEC "Occupant states". Returns the log action
 * of an allowed move, or NULL with a sentence in why. */
static const char *transition(enum op op, const struct gh_account *a, enum gh_state to,
                              char *why, size_t len)
{
    enum gh_state from = a->state;
    const char *fromname = gh_state_name(from);

    if (op == OP_APPROVE || op == OP_REJECT) {
        if (from != GH_STATE_PENDING) {
            snprintf(why, len,
                     op == OP_APPROVE
                         ? _("This account is %s, not pending; only a pending account can be "
                             "approved.")
                         : _("This account is %s, not pending; only a pending account can be "
                             "rejected."),
                     fromname);
            return NULL;
        }
        return op == OP_APPROVE ? "account.approve" : "account.reject";
    }
    if (from == to) {
        snprintf(why, len, _("This account is already %s."), fromname);
        return NULL;
    }
    switch (to) {
    case GH_STATE_ACTIVE:
        if (from == GH_STATE_PENDING)
            return "account.approve";
        return from == GH_STATE_BLOCKED ? "account.unblock" : "account.activate";
    case GH_STATE_INACTIVE:
        if (from == GH_STATE_BLOCKED) {
            snprintf(why, len, "%s",
                     _("This account is blocked; a blocked account can only be unblocked "
                       "(made active)."));
            return NULL;
        }
        return from == GH_STATE_PENDING ? "account.reject" : "account.deactivate";
    case GH_STATE_BLOCKED:
        return "account.block";
    case GH_STATE_PENDING:
    default:
        snprintf(why, len, "%s",
                 _("state: staff can set an account to active, inactive or blocked; pending "
                   "is only for a sign-up waiting for approval."));
        return NULL;
    }
}

/* Leaving active or pending voids a live setup code: a welcome email
 * sent earlier (perhaps to an old address, or read by someone else)
 * must not let anyone set a PIN after a later re-activation, which
 * issues a new code anyway. Voiding makes the code expire now rather
 * than deleting it: its holder, typing it while the account is off, is
 * still recognised and told "not active" (gh_auth_redeem checks the
 * state first), instead of "wrong code" counted toward the lock-out.
 * And the door code: a person switched off must not open doors by it,
 * and re-activation does not bring it back (doorcode.h). */
static enum gh_status void_codes(struct gh_store *st, const char *actor, int64_t id,
                                 enum gh_state to, int *voided)
{
    int64_t now = gh_clock_now_ms();
    enum gh_status s = gh_store_run(st, _("voiding the setup code"),
                                    "UPDATE setup_codes SET expires_at = ?2 WHERE account_id = ?1 "
                                    "AND used_at IS NULL AND expires_at > ?2",
                                    GH_INT(id), GH_INT(now));
    if (s != GH_OK)
        return s;
    *voided = gh_store_changes(st) > 0;
    return gh_doorcode_void(st, actor, id, gh_state_name(to), NULL);
}

static enum gh_status change_state(struct gh_store *st, const char *actor, int64_t id,
                                   enum op op, enum gh_state to)
{
    char why[512], target[320];
    const char *action;
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if (op == OP_APPROVE)
        to = GH_STATE_ACTIVE;
    else if (op == OP_REJECT)
        to = GH_STATE_INACTIVE;
    if ((s = gh_account_begin(st, actor, "account.state", id, &a, target, sizeof target)) != GH_OK)
        return s;
    /* Staff are never pending, so approve and reject do not apply to them;
     * they can still be made inactive or blocked (someone who left) and
     * active again. */
    if (a.kind == GH_KIND_STAFF && op != OP_SET)
        return gh_rules_refuse(st, 1, actor, op == OP_APPROVE ? "account.approve"
                                                               : "account.reject",
                               target, GH_E_REFUSED, "%s",
                               _("This is a staff account; only occupants' sign-ups are "
                                 "approved or rejected."));
    action = transition(op, &a, to, why, sizeof why);
    if (!action)
        return gh_rules_refuse(st, 1, actor,
                               op == OP_APPROVE  ? "account.approve"
                               : op == OP_REJECT ? "account.reject"
                                                 : "account.state",
                               target, GH_E_REFUSED, "%s", why);
    s = gh_staff_admin_guard(st, actor, &a, 0, to != GH_STATE_ACTIVE, why, sizeof why);
    if (s == GH_E_REFUSED)
        return gh_rules_refuse(st, 1, actor, "account.state", target, s, "%s", why);
    if (s != GH_OK)
        goto fail;
    s = gh_store_run(st, _("changing the account's state"),
                     "UPDATE accounts SET state = ?2, updated_at = ?3 WHERE id = ?1", GH_INT(id),
                     GH_TEXT(gh_state_name(to)), GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    int voided = 0;
    if ((to == GH_STATE_INACTIVE || to == GH_STATE_BLOCKED) &&
        (s = void_codes(st, actor, id, to, &voided)) != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s -> %s%s",
                         gh_state_name(a.state), gh_state_name(to),
                         to == GH_STATE_ACTIVE ? ", welcome queued"
                         : voided              ? ", setup code voided"
                                               : "");
    if (s != GH_OK)
        goto fail;
    if (to == GH_STATE_ACTIVE && (s = gh_account_became_active(st, id, 1)) != GH_OK)
        goto fail;
    gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, gh_state_name(to));
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_occupant_approve(struct gh_store *st, const char *actor, int64_t id)
{
    return change_state(st, actor, id, OP_APPROVE, GH_STATE_ACTIVE);
}

enum gh_status gh_occupant_reject(struct gh_store *st, const char *actor, int64_t id)
{
    return change_state(st, actor, id, OP_REJECT, GH_STATE_INACTIVE);
}

enum gh_status gh_occupant_set_state(struct gh_store *st, const char *actor, int64_t id,
                                     enum gh_state to)
{
    return change_state(st, actor, id, OP_SET, to);
}

