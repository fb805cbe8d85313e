/*
 * site_offline.c: how long each kiosk of a site was offline, in the log and
 * in the daily digest.
 *
 * A kiosk that loses the server logs "site.offline" once (the first failed
 * contact after a good one); when it reaches the server again it logs
 * "site.online" with how long it was away, and writes the period into
 * site_offline (migration 0016), a replicated table: every kiosk of the site
 * learns every kiosk's periods, so each one's digest can give a line for each
 * kiosk. A kiosk writes a zero-length row once, at its first contact, so a
 * kiosk never offline is listed too. The period is recorded in the same
 * transaction that ends it (offline_since_ms cleared), before anything is
 * pushed, so it travels with the same sync.
 */
#include "site_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* "1 h 12 min", "12 min", "under a minute", "none". */
static void duration_text(int64_t ms, char *out, size_t n)
{
    int64_t min = ms / 60000;
    if (ms <= 0)
        snprintf(out, n, "%s", _("none"));
    else if (min == 0)
        snprintf(out, n, "%s", _("under a minute"));
    else if (min < 60)
        snprintf(out, n, _("%lld min"), (long long)min);
    else
        snprintf(out, n, _("%lld h %lld min"), (long long)(min / 60), (long long)(min % 60));
}

static void utc_text(int64_t ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M UTC", &tm);
}

/* enabled and offline_since_ms of site_state; -1 on failure. */
static int site_state(struct gh_store *st, int64_t *since)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT enabled, offline_since_ms FROM site_state");
    int enabled = -1;
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        enabled = sqlite3_column_int(q, 0);
        *since = sqlite3_column_int64(q, 1);
    }
    gh_store_done(st, q);
    return enabled;
}

static enum gh_status add_period(struct gh_store *st, const char *kiosk, int64_t from,
                                 int64_t to, int marker_only)
{
    sqlite3_stmt *q = gh_store_prepare(st, marker_only ?
        "INSERT INTO site_offline (kiosk, since_ms, until_ms) SELECT ?1, ?2, ?3 "
        "WHERE NOT EXISTS (SELECT 1 FROM site_offline WHERE kiosk = ?1)" :
        "INSERT INTO site_offline (kiosk, since_ms, until_ms) VALUES (?1, ?2, ?3)");
    if (!q)
        return gh_store_sqlfail(st, _("recording this kiosk's time offline"));
    sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, from);
    sqlite3_bind_int64(q, 3, to);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("recording this kiosk's time offline"));
}

/* Back online: the period, its log entry and the cleared state, one commit. */
static enum gh_status back_online(struct gh_site *site, int64_t since, int64_t now)
{
    char took[48], from[40];
    duration_text(now - since, took, sizeof took);
    utc_text(since, from, sizeof from);
    enum gh_status s = gh_store_begin(site->st);
    if (s != GH_OK)
        return s;
    s = add_period(site->st, site->kiosk, since, now, 0);
    if (s == GH_OK)
        s = gh_audit_appendf(site->st, "kiosk", "site.online", site->kiosk, GH_OUTCOME_OK,
                             "the site server answers again after %s offline (since %s)",
                             took, from);
    if (s == GH_OK)
        s = gh_store_exec(site->st, "UPDATE site_state SET offline_since_ms = 0",
                          _("recording this kiosk's time offline"));
    if (s == GH_OK)
        return gh_store_commit(site->st);
    gh_store_rollback(site->st);
    return s;
}

void gh_site_offline_note(struct gh_site *site, int ok)
{
    int64_t since = 0, now = gh_clock_now_ms();
    int enabled = site_state(site->st, &since);
    enum gh_status s = GH_OK;
    if (enabled != 1)
        return;
    if (!ok && since == 0) {
        char from[40];
        utc_text(now, from, sizeof from);
        s = gh_audit_appendf(site->st, "kiosk", "site.offline", site->kiosk, GH_OUTCOME_FAILED,
                             "the site server can't be reached (since %s); doors go on from "
                             "this kiosk's own data", from);
    } else if (ok && since > 0) {
        s = back_online(site, since, now);
    }
    if (s == GH_OK && ok)
        s = add_period(site->st, site->kiosk, now, now, 1);
    (void)s;   /* the store's errmsg has it; sync goes on regardless */
}

/* Appends "NAME DURATION[ (offline now, since ...)]" to out. */
static void add_kiosk(char *out, size_t n, const char *name, int64_t ms, int64_t now_since)
{
    char took[48], from[40], part[256];
    size_t used = strlen(out);
    duration_text(ms, took, sizeof took);
    if (now_since > 0) {
        utc_text(now_since, from, sizeof from);
        snprintf(part, sizeof part, _("%s %s (offline now, since %s)"), name, took, from);
    } else {
        snprintf(part, sizeof part, "%s %s", name, took);
    }
    if (used + 1 < n)
        snprintf(out + used, n - used, "%s%s", used ? "; " : "", part);
}

enum gh_status gh_site_offline_summary(struct gh_store *st, int64_t since_ms, int64_t now_ms,
                                       char *out, size_t n)
{
    int64_t off = 0;
    const char *me = gh_config_site()->kiosk;
    out[0] = '\0';
    if (site_state(st, &off) != 1)
        return GH_OK;
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT kiosk, sum(max(0, min(until_ms, ?2) - "
        "max(since_ms, ?1))) FROM site_offline GROUP BY kiosk "
        "UNION ALL SELECT ?3, 0 WHERE ?3 <> '' AND NOT EXISTS "
        "(SELECT 1 FROM site_offline WHERE kiosk = ?3) ORDER BY 1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the kiosks' time offline"));
    sqlite3_bind_int64(q, 1, since_ms);
    sqlite3_bind_int64(q, 2, now_ms);
    sqlite3_bind_text(q, 3, me, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = gh_store_col_text(q, 0);
        int mine = strcmp(k, me) == 0 && off > 0;
        int64_t ms = sqlite3_column_int64(q, 1);
        if (mine)
            ms += now_ms - (off > since_ms ? off : since_ms);
        add_kiosk(out, n, k, ms, mine ? off : 0);
    }
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("reading the kiosks' time offline"));
}
