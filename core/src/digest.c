/*
 * digest.c: the daily digest (see digest.h).
 *
 * Everything in it is counted from the activity log, between the previous
 * digest's own entry ("log.digest") and the newest entry, in one read
 * transaction, so the numbers and the anchor describe the same log. The
 * digest is queued through the outbox like any mail, one message per
 * address, and its own "log.digest" entry (with the anchor in its reason)
 * marks where the next one starts.
 */
#include "store_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/digest.h"
#include "gatehouse/i18n.h"
#include "gatehouse/outbox.h"
#include "gatehouse/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Which counter an (action, outcome) adds to; NULL: not counted. */
static int64_t *counter_for(struct gh_digest *d, const char *action, const char *outcome)
{
    static const struct { const char *action, *outcome; size_t off; } map[] = {
        { "account.signup", "ok", offsetof(struct gh_digest, signups) },
        { "account.approve", "ok", offsetof(struct gh_digest, approvals) },
        { "account.reject", "ok", offsetof(struct gh_digest, rejections) },
        { "account.deactivate", "ok", offsetof(struct gh_digest, switched_off) },
        { "account.block", "ok", offsetof(struct gh_digest, switched_off) },
        { "door.unlock", "ok", offsetof(struct gh_digest, doors_opened) },
        { "door.unlock", "refused", offsetof(struct gh_digest, doors_refused) },
        { "door.code", "failed", offsetof(struct gh_digest, wrong_codes) },
        { "door.card", "failed", offsetof(struct gh_digest, wrong_codes) },
        { "throttle.start", "ok", offsetof(struct gh_digest, throttles) },
        { "mail.sent", "ok", offsetof(struct gh_digest, mail_sent) },
        { "mail.failed", "failed", offsetof(struct gh_digest, mail_failed) },
        { "mail.cancelled", "ok", offsetof(struct gh_digest, mail_cancelled) },
        { "relay.lost", "failed", offsetof(struct gh_digest, relay_problems) },
        { "relay.failing", "failed", offsetof(struct gh_digest, relay_problems) },
        { "relay.duplicate", "refused", offsetof(struct gh_digest, relay_problems) },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].action, action) == 0 && strcmp(map[i].outcome, outcome) == 0)
            return (int64_t *)((char *)d + map[i].off);
    return NULL;
}

static enum gh_status last_digest(struct gh_store *st, const char *target, int64_t *seq,
                                  int64_t *at)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT seq, at FROM audit WHERE action = 'log.digest' AND outcome = 'ok' "
        "AND (?1 IS NULL OR target = ?1) ORDER BY seq DESC LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    if (target)
        sqlite3_bind_text(q, 1, target, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    *seq = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    *at = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : 0;
    gh_store_done(st, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK
                                                 : gh_store_sqlfail(st, _("reading the activity log"));
}

/* Adds "Name n" to a by-door list, as long as it fits. */
static void add_door(char *list, size_t n, const char *door, int64_t count)
{
    size_t used = strlen(list);
    if (used + 1 >= n)
        return;
    snprintf(list + used, n - used, "%s%s %lld", used ? ", " : "", door[0] ? door : "?",
             (long long)count);
}

static enum gh_status count_rows(struct gh_store *st, struct gh_digest *d)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT action, outcome, target, count(*) AS n FROM audit WHERE seq > ?1 AND seq <= ?2 "
        "GROUP BY action, outcome, target ORDER BY n DESC, target");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, d->since_seq);
    sqlite3_bind_int64(q, 2, d->head_seq);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *action = gh_store_col_text(q, 0), *outcome = gh_store_col_text(q, 1);
        int64_t n = sqlite3_column_int64(q, 3);
        int64_t *c = counter_for(d, action, outcome);
        if (!c)
            continue;
        *c += n;
        if (c == &d->doors_opened)
            add_door(d->opened_by_door, sizeof d->opened_by_door, gh_store_col_text(q, 2), n);
        else if (c == &d->doors_refused)
            add_door(d->refused_by_door, sizeof d->refused_by_door, gh_store_col_text(q, 2), n);
    }
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the activity log"));
    q = gh_store_prepare(st, "SELECT count(*) FROM accounts WHERE state = 'pending'");
    if (!q)
        return gh_store_sqlfail(st, _("counting sign-ups"));
    if (sqlite3_step(q) == SQLITE_ROW)
        d->pending_now = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    return GH_OK;
}

enum gh_status gh_digest_count(struct gh_store *st, struct gh_digest *out)
{
    memset(out, 0, sizeof *out);
    int64_t at;
    enum gh_status s = gh_store_begin(st);   /* one snapshot for counts and anchor */
    if (s != GH_OK)
        return s;
    s = last_digest(st, NULL, &out->since_seq, &at);
    if (s == GH_OK)
        s = gh_audit_head(st, &out->head_seq, out->head_hash);
    if (s == GH_OK)
        s = count_rows(st, out);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}

static void local_date(int64_t ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

/* The digest's numbers as template values, into a NULL-terminated list. */
struct digest_vars {
    char num[14][24], relay[24], anchor[96], date[16], kiosk[256], opened[520], refused[520];
    char site[1024];
    const char *v[48];
};

static void fill_vars(struct digest_vars *dv, const struct gh_digest *d, const char *kiosk)
{
    const int64_t nums[] = { d->since_seq + 1, d->head_seq, d->signups, d->approvals,
                             d->rejections, d->switched_off, d->pending_now, d->doors_opened,
                             d->doors_refused, d->wrong_codes, d->throttles, d->mail_sent,
                             d->mail_failed, d->mail_cancelled };
    static const char *const keys[] = { "from", "to", "signups", "approvals", "rejections",
                                        "switched_off", "pending", "opened", "refused",
                                        "wrong_codes", "throttles", "mail_sent", "mail_failed",
                                        "mail_cancelled" };
    size_t k = 0;
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        snprintf(dv->num[i], sizeof dv->num[i], "%lld", (long long)nums[i]);
        dv->v[k++] = keys[i];
        dv->v[k++] = dv->num[i];
    }
    snprintf(dv->relay, sizeof dv->relay, "%lld", (long long)d->relay_problems);
    snprintf(dv->anchor, sizeof dv->anchor, "%lld:%s", (long long)d->head_seq, d->head_hash);
    local_date(gh_clock_now_ms(), dv->date, sizeof dv->date);
    gh_store_copy(dv->kiosk, sizeof dv->kiosk, kiosk);
    snprintf(dv->opened, sizeof dv->opened, d->opened_by_door[0] ? "(%s)" : "%s",
             d->opened_by_door);
    snprintf(dv->refused, sizeof dv->refused, d->refused_by_door[0] ? "(%s)" : "%s",
             d->refused_by_door);
    const char *rest[] = { "relay_problems", dv->relay, "anchor", dv->anchor, "date", dv->date,
                           "kiosk", dv->kiosk, "opened_by_door", dv->opened,
                           "refused_by_door", dv->refused, "site_offline", dv->site };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        dv->v[k++] = rest[i];
    dv->v[k] = NULL;
}

/* Several kiosks, one site: how long each was offline since the previous
 * digest, one line (mail values are single lines). Empty for a single kiosk. */
static enum gh_status site_line(struct gh_store *st, struct digest_vars *dv)
{
    int64_t seq, at;
    char kiosks[900];
    enum gh_status s = last_digest(st, NULL, &seq, &at);
    if (s == GH_OK)
        s = gh_site_offline_summary(st, at, gh_clock_now_ms(), kiosks, sizeof kiosks);
    if (s == GH_OK && kiosks[0])
        snprintf(dv->site, sizeof dv->site, _("Time offline since the previous digest, "
                                               "per kiosk: %s"), kiosks);
    return s;
}

/* Queues one message per address of the comma list `to`. */
static enum gh_status queue_each(struct gh_store *st, const char *to, const char *const *vars,
                                 int *queued)
{
    char list[512], *save = NULL;
    gh_store_copy(list, sizeof list, to);
    for (char *a = strtok_r(list, ", ", &save); a; a = strtok_r(NULL, ", ", &save)) {
        enum gh_status s = gh_outbox_compose(st, "digest", 0, a, "", vars, NULL);
        if (s != GH_OK)
            return s;
        (*queued)++;
    }
    return GH_OK;
}

enum gh_status gh_digest_queue(struct gh_store *st, const char *actor, int daily, int *queued,
                               char anchor[96])
{
    struct gh_digest d;
    struct digest_vars *dv = NULL;
    char to[512], kiosk[256];
    *queued = 0;
    gh_store_copy(to, sizeof to, gh_settings_get(st, GH_SETTING_DIGEST_TO));
    gh_store_copy(kiosk, sizeof kiosk, gh_settings_get(st, GH_SETTING_KIOSK_NAME));
    if (!to[0])
        return GH_OK;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = gh_digest_count(st, &d);
    if (s != GH_OK)
        goto fail;
    if (!(dv = calloc(1, sizeof *dv))) {
        s = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
        goto fail;
    }
    fill_vars(dv, &d, kiosk);
    if ((s = site_line(st, dv)) != GH_OK)
        goto fail;
    s = queue_each(st, to, dv->v, queued);
    if (s != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor ? actor : "kiosk", "log.digest", daily ? "daily" : "on request",
                         GH_OUTCOME_OK, "anchor %lld:%s; entries %lld to %lld; %d message(s)",
                         (long long)d.head_seq, d.head_hash, (long long)d.since_seq + 1,
                         (long long)d.head_seq, *queued);
    if (s != GH_OK)
        goto fail;
    if (anchor)
        snprintf(anchor, 96, "%s", dv->anchor);
    free(dv);
    return gh_store_commit(st);
fail:
    free(dv);
    gh_store_rollback(st);
    *queued = 0;
    return s;
}

int gh_digest_due(struct gh_store *st, int64_t now_ms)
{
    const char *to = gh_settings_get(st, GH_SETTING_DIGEST_TO);
    if (!to || !to[0])
        return 0;
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (tm.tm_hour < gh_settings_get_int(st, GH_SETTING_DIGEST_HOUR))
        return 0;
    int64_t seq, at;
    if (last_digest(st, "daily", &seq, &at) != GH_OK)
        return 0;
    if (seq == 0)
        return 1;
    char last[16], today[16];
    local_date(at, last, sizeof last);
    local_date(now_ms, today, sizeof today);
    return strcmp(last, today) != 0;
}
