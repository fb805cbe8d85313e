/*
 * mail_recheck.c: mail that is still true when it leaves (gh_outbox_recheck
 * in outbox.h).
 *
 * A message can wait in the outbox for hours while the relay is down, and
 * the building goes on meanwhile: a setup code is replaced or used, a person
 * is blocked, a sign-up is approved. Sending such a message later would hand
 * out a dead code or tell approvers about work already done. So, in the
 * transaction that claims a message for sending, what it says is checked
 * against the database as it is then, and a message that is no longer true
 * is cancelled with the reason instead. This is a product rule about the
 * SPEC's emails, so it sits above both the outbox (the queue) and the
 * accounts and setup codes it reads.
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/outbox.h"
#include "gatehouse/site.h"

#include <string.h>

/* Why a setup-code message (welcome, setup_code) is no longer true, or NULL.
 * Switching an account off voids its code and queuing a new code cancels the
 * older messages at once (gh_outbox_cancel_codes), so the code's own state
 * says almost everything; the account's state only names the reason. An
 * inactive account that staff sent a code to on purpose still gets it. */
static const char *code_untrue(struct gh_store *st, const struct gh_mail *m,
                               const struct gh_account *a, enum gh_status *s)
{
    if (a->state == GH_STATE_BLOCKED)
        return "account blocked";
    if (a->state == GH_STATE_PENDING)
        return "account waiting for approval";
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT used_at IS NOT NULL, expires_at FROM setup_codes WHERE account_id = ?1");
    if (!q) {
        *s = gh_store_sqlfail(st, _("reading the setup code"));
        return NULL;
    }
    sqlite3_bind_int64(q, 1, m->account_id);
    int rc = sqlite3_step(q);
    const char *why = NULL;
    if (rc == SQLITE_ROW && sqlite3_column_int(q, 0))
        why = "setup code already used";
    else if (rc == SQLITE_DONE || (rc == SQLITE_ROW &&
                                   sqlite3_column_int64(q, 1) <= gh_clock_now_ms()))
        why = a->state == GH_STATE_INACTIVE ? "account switched off; setup code voided"
                                            : "setup code voided or expired";
    else if (rc != SQLITE_ROW)
        *s = gh_store_sqlfail(st, _("reading the setup code"));
    gh_store_done(st, q);
    return why;
}

/* Why a sign-up notice to approvers is no longer true, or NULL. */
static const char *notice_untrue(const struct gh_account *a)
{
    switch (a->state) {
    case GH_STATE_PENDING: return NULL;
    case GH_STATE_ACTIVE: return "sign-up already approved";
    case GH_STATE_INACTIVE: return "sign-up already rejected";
    case GH_STATE_BLOCKED: return "account blocked";
    case GH_STATE_REMOVED: return "account removed";
    }
    return "sign-up no longer pending";
}

enum gh_status gh_outbox_recheck(struct gh_store *st, const struct gh_mail *m, int *cancelled)
{
    int code = strcmp(m->kind, "welcome") == 0 || strcmp(m->kind, "setup_code") == 0;
    int notice = strcmp(m->kind, "signup_notify") == 0;
    *cancelled = 0;
    if ((!code && !notice) || m->account_id <= 0)
        return GH_OK;
    /* Site mode: mail about a sign-up the site server has not accepted yet
     * waits (site.h); given back unclaimed, due again a little later. */
    if (gh_site_mail_held(st, m->account_id))
        return gh_site_mail_hold(st, m->id, cancelled);
    struct gh_account a;
    enum gh_status s = gh_account_get(st, m->account_id, &a);
    const char *why = NULL;
    if (s == GH_E_NOTFOUND)
        why = "account removed";
    else if (s != GH_OK)
        return s;
    else if (code)
        why = code_untrue(st, m, &a, &s);
    else
        why = notice_untrue(&a);
    if (s != GH_OK || !why)
        return s;
    s = gh_outbox_cancel(st, "mailer", m->id, why);
    if (s == GH_OK)
        *cancelled = 1;
    return s;
}
