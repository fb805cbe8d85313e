/*
 * forgot.c: "Forgot your PIN?" (SPEC "Kiosk identity").
 *
 * A person at the kiosk types their email or phone; an active account gets a
 * new setup code by email (kind "setup_code"), at most 3 a day, and its PIN
 * keeps working until the new code is used. The kiosk always answers with
 * the same sentence, whatever happened, so the screen never tells a passer-by
 * whether an address has an account; only the log says (each request is
 * logged, a 4th in a day as refused, unknown ones under "unknown").
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/forgot.h"
#include "gatehouse/i18n.h"
#include "gatehouse/notices.h"

#include <stdio.h>
#include <string.h>

#define FORGOT_PER_DAY 3
#define DAY_MS (24LL * 3600 * 1000)

static enum gh_status sent_today(struct gh_store *st, int64_t id, int64_t *n)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT count(*) FROM outbox WHERE account_id = ?1 AND kind = 'setup_code' "
        "AND created_at > ?2");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, gh_clock_now_ms() - DAY_MS);
    int rc = sqlite3_step(q);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return rc == SQLITE_ROW ? GH_OK : gh_store_sqlfail(st, _("reading the outbox"));
}

static enum gh_status refuse(struct gh_store *st, const char *actor, const char *target,
                             const char *why)
{
    return gh_audit_append(st, actor, "auth.forgot", target, GH_OUTCOME_REFUSED, why);
}

enum gh_status gh_forgot_pin(struct gh_store *st, const char *actor, const char *who)
{
    struct gh_account a;
    char target[64];
    actor = actor && *actor ? actor : "kiosk";
    enum gh_status s = who && *who ? gh_auth_find_who(st, who, &a) : GH_E_NOTFOUND;
    if (s == GH_E_NOTFOUND)
        return refuse(st, actor, "unknown", "no account with that email or phone");
    if (s != GH_OK)
        return s;
    snprintf(target, sizeof target, "account #%lld", (long long)a.id);
    if (a.state != GH_STATE_ACTIVE)
        return refuse(st, actor, target, a.state == GH_STATE_PENDING ? "account pending"
                                         : a.state == GH_STATE_BLOCKED ? "account blocked"
                                                                       : "account inactive");
    int64_t n = 0;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    if ((s = sent_today(st, a.id, &n)) != GH_OK)
        goto fail;
    if (n >= FORGOT_PER_DAY) {
        gh_store_rollback(st);
        return refuse(st, actor, target, "3 new setup codes sent in the last 24 hours already");
    }
    if ((s = gh_notice_setup_code(st, a.id, "setup_code")) != GH_OK)
        goto fail;
    s = gh_audit_append(st, actor, "auth.forgot", target, GH_OUTCOME_OK,
                        "new setup code emailed (the PIN keeps working until it is used)");
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}
