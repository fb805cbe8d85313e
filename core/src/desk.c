/*
 * desk.c: "Let them set a PIN now" (issue 16): right after staff create or
 * approve someone at the kiosk, the staff member hands the screen over; the
 * person types a new PIN twice and is shown their door code. No email is
 * needed. Logged as `auth.desk_setup` with the staff member who handed
 * over as the actor.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "rules_internal.h"

#include <stdio.h>
#include <string.h>

enum gh_status gh_auth_desk_setup(struct gh_store *st, const char *actor, int64_t id,
                                  const char *pin, char *code_out, size_t n)
{
    const char *action = "auth.desk_setup";
    char target[400];
    struct gh_account a;
    enum gh_status s;

    if (code_out && n)
        code_out[0] = 0;
    actor = gh_rules_actor(actor);
    if ((s = gh_account_get(st, id, &a)) != GH_OK)
        return gh_store_fail(st, s, _("no account with id %lld"), (long long)id);
    gh_rules_target_of(&a, target, sizeof target);
    if (a.state != GH_STATE_ACTIVE)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_REFUSED,
                               _("This account is %s; a PIN is set at the desk only for an "
                                 "active account."), gh_state_name(a.state));
    if ((s = gh_auth_set_pin(st, actor, id, pin)) != GH_OK)
        return s;
    char code[GH_DOORCODE_BUF] = "";
    int coded = gh_doorcode_issue(st, actor, id, code, sizeof code) == GH_OK;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK,
                         "PIN set by the person at the desk, handed over by staff%s",
                         coded ? "; door code issued" : "; no door code (no door access)");
    if (s == GH_OK && coded && code_out)
        snprintf(code_out, n, "%s", code);
    memset(code, 0, sizeof code);
    return s;
}
