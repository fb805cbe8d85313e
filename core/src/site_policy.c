/*
 * site_policy.c: what site mode changes in a kiosk's own decisions, read
 * from its SQLite alone (no server call is ever made here).
 *
 *  - Offline policy: door decisions go on from the last known state. Only a
 *    site that sets offline_deny_after_h > 0 refuses unlocks once a kiosk
 *    has not reached the server for that long.
 *  - Mail: a welcome or sign-up notice for an account whose insert the
 *    server has not accepted yet is held (not sent, not cancelled): another
 *    kiosk may have signed the same person up first.
 */
#include "store_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/site.h"

#include <stdio.h>

int gh_site_offline_deny(struct gh_store *st, char *why, size_t n)
{
    int64_t hours = gh_settings_get_int(st, GH_SETTING_OFFLINE_DENY_AFTER_H);
    if (hours <= 0)
        return 0;
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT last_contact_ms FROM site_state "
                                       "WHERE enabled");
    if (!q)
        return 0;
    int64_t last = -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        last = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    if (last < 0 || gh_clock_now_ms() - last <= hours * 3600 * 1000)
        return 0;
    snprintf(why, n, _("this kiosk has not reached the site server for over %lld hour(s): "
                       "unlocks are refused until it does"), (long long)hours);
    return 1;
}

int gh_site_mail_held(struct gh_store *st, int64_t account_id)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT 1 FROM site_state s, accounts a, site_queue q WHERE s.enabled AND a.id = ?1 "
        "AND q.tbl = 'accounts' AND q.gid = a.gid AND q.ins = 1 LIMIT 1");
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, account_id);
    int held = sqlite3_step(q) == SQLITE_ROW;
    gh_store_done(st, q);
    return held;
}

int gh_site_stale(struct gh_store *st, const struct gh_site_status *s)
{
    int64_t after = gh_settings_get_int(st, GH_SETTING_SITE_STALE_AFTER_S);
    if (!s->joined)
        return 0;
    return s->offline_since_ms != 0 ||
           gh_clock_now_ms() - s->last_contact_ms > after * 1000;
}

enum gh_status gh_site_mail_hold(struct gh_store *st, int64_t mail_id, int *skipped)
{
    /* Unclaimed and due again in a few seconds: the kiosk's sync thread
     * pushes the sign-up meanwhile. */
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE outbox SET next_attempt_at = ?2 "
                                       "WHERE id = ?1 AND state = 'queued'");
    if (!q)
        return gh_store_sqlfail(st, _("holding an email for the site server"));
    sqlite3_bind_int64(q, 1, mail_id);
    sqlite3_bind_int64(q, 2, gh_clock_now_ms() + 5000);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("holding an email for the site server"));
    *skipped = 1;
    return GH_OK;
}
