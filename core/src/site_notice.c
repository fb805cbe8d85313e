/*
 * site_notice.c: what the kiosk's staff screen says about the site, read from
 * its SQLite alone (no server call is ever made here, so the screen never
 * waits for the network).
 *
 *  - "Working offline since HH:MM": the kiosk has not heard from the server
 *    for site_stale_after_s, or its last contact failed (gh_site_stale), as
 *    `site status` says it.
 *  - Conflicts to look at: local rows the server withdrew (a sign-up another
 *    kiosk made first), until a staff member marks them seen (logged).
 */
#include "store_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/site.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* HH:MM local time, with the date when it is not today. */
static void clock_text(int64_t ms, int64_t now_ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000), now = (time_t)(now_ms / 1000);
    struct tm tm, today;
    localtime_r(&t, &tm);
    localtime_r(&now, &today);
    int same_day = tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday;
    strftime(out, n, same_day ? "%H:%M" : "%Y-%m-%d %H:%M", &tm);
}

int gh_site_offline_line(struct gh_store *st, int64_t now_ms, char *out, size_t n)
{
    struct gh_site_status s;
    out[0] = '\0';
    if (gh_site_status_read(st, &s) != GH_OK || !s.joined || !gh_site_stale(st, &s))
        return 0;
    int64_t since = s.offline_since_ms ? s.offline_since_ms : s.last_contact_ms;
    char when[32];
    if (since <= 0) {
        snprintf(out, n, "%s", _("Working offline: this kiosk has not reached the site "
                                 "server yet. Doors still open from what it knows."));
        return 1;
    }
    clock_text(since, now_ms, when, sizeof when);
    snprintf(out, n, _("Working offline since %s: the site server can't be reached. Doors "
                       "still open from what this kiosk knows."), when);
    return 1;
}

enum gh_status gh_site_conflicts(struct gh_store *st, int unseen_only, gh_site_conflict_fn fn,
                                 void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT id, at, tbl, what FROM site_withdrawn "
                                       "WHERE seen = 0 OR ?1 = 0 ORDER BY id");
    if (!q)
        return gh_store_sqlfail(st, _("reading the site's conflicts"));
    sqlite3_bind_int(q, 1, unseen_only);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gh_site_conflict c;
        memset(&c, 0, sizeof c);
        c.id = sqlite3_column_int64(q, 0);
        c.at = sqlite3_column_int64(q, 1);
        gh_store_copy(c.tbl, sizeof c.tbl, gh_store_col_text(q, 2));
        gh_store_copy(c.what, sizeof c.what, gh_store_col_text(q, 3));
        if (fn(ud, &c)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("reading the site's conflicts"));
}

void gh_site_conflict_text(const struct gh_site_conflict *c, char *out, size_t n)
{
    if (strcmp(c->tbl, "accounts") == 0)
        snprintf(out, n, _("Conflict: %s was signed up at another kiosk first; this kiosk's "
                           "sign-up was withdrawn and no mail went out for it. Check that "
                           "the person's account is right."), c->what[0] ? c->what : "?");
    else if (strcmp(c->tbl, "cards") == 0)
        snprintf(out, n, _("Conflict: %s was registered at another kiosk first, for someone "
                           "else; this kiosk's registration was withdrawn. Check who holds "
                           "the card."), c->what[0] ? c->what : "?");
    else
        snprintf(out, n, _("Conflict: %s (%s) was made at another kiosk first; this kiosk's "
                           "copy was withdrawn."), c->what[0] ? c->what : "?", c->tbl);
}

enum gh_status gh_site_conflicts_seen(struct gh_store *st, const char *actor, int64_t *marked)
{
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    *marked = 0;
    s = gh_store_exec(st, "UPDATE site_withdrawn SET seen = 1 WHERE seen = 0",
                      _("marking the site's conflicts seen"));
    if (s == GH_OK)
        *marked = sqlite3_changes(gh_store_db(st));
    if (s == GH_OK && *marked > 0)
        s = gh_audit_appendf(st, actor, "site.conflict", "seen", GH_OUTCOME_OK,
                             "%lld conflict(s) looked at", (long long)*marked);
    if (s == GH_OK)
        return gh_store_commit(st);
    gh_store_rollback(st);
    return s;
}
