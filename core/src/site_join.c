/*
 * site_join.c: joining a site, one sync, and the kiosk's view of it.
 *
 * `site join` on an empty server makes this kiosk the site's first: every
 * row of every replicated table is queued (in table order, so references
 * come first) and pushed. On an empty kiosk database it loads the server's
 * snapshot. A kiosk that joined before just syncs. Both sides non-empty and
 * never joined is refused: merging two separate sites is not a join. The
 * site key's fingerprint must match the server's record (the first kiosk
 * writes it), since codes and card hashes are keyed with it.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"
#include "gatehouse/sitekey.h"

#include <stdio.h>
#include <string.h>

static int64_t local_int(struct gh_store *st, const char *sql)
{
    int64_t v = -1;
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    if (q && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    return v;
}

/* The site key: the server records the first kiosk's fingerprint; every
 * other kiosk's must be the same. */
static enum gh_status check_key(struct gh_site *site)
{
    const unsigned char *key = NULL;
    enum gh_status s = gh_store_sitekey(site->st, &key);
    if (s != GH_OK)
        return s;
    char fpr[GH_SITEKEY_FPR_HEX];
    gh_sitekey_fingerprint(key, fpr);
    const char *p[1] = { fpr };
    PGresult *r = gh_site_pgquery(site, "INSERT INTO site_meta (key, value) VALUES "
                                  "('sitekey', $1) ON CONFLICT (key) DO NOTHING", 1, p,
                                  _("checking the site key"));
    PQclear(r);
    r = r ? gh_site_pgquery(site, "SELECT value FROM site_meta WHERE key = 'sitekey'", 0, NULL,
                            _("checking the site key")) : NULL;
    if (!r)
        return site->err;
    int same = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), fpr) == 0;
    PQclear(r);
    if (!same)
        return gh_store_fail(site->st, GH_E_REFUSED, _("this kiosk's site key (%s.key) is not "
                             "the site's: copy the key file of a kiosk that joined (its "
                             "database path and .key, e.g. /var/lib/gatehouse/gatehouse.db.key) "
                             "here and run `gatehousectl site join --key FILE`"),
                             gh_store_path(site->st));
    return GH_OK;
}

/* Queues every row of every replicated table (the first kiosk of a site). */
static enum gh_status queue_everything(struct gh_site *site)
{
    enum gh_status s = gh_store_begin(site->st);
    for (int t = 0; s == GH_OK && t < gh_site_n_tables; t++) {
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO site_queue (change_id, tbl, gid, op, base_num, at) "
                 "SELECT lower(hex(randomblob(16))), '%s', gid, 'upsert', 0, 0 FROM %s "
                 "ORDER BY rowid", gh_site_tables[t].name, gh_site_tables[t].name);
        s = gh_store_exec(site->st, sql, _("queuing this kiosk's data for the site"));
    }
    if (s == GH_OK)
        s = gh_store_exec(site->st, "UPDATE site_state SET enabled = 1", _("joining the site"));
    if (s == GH_OK)
        return gh_store_commit(site->st);
    if (gh_store_in_tx(site->st))
        gh_store_rollback(site->st);
    return s;
}

static int server_empty(struct gh_site *site, enum gh_status *s)
{
    PGresult *r = gh_site_pgquery(site, "SELECT NOT EXISTS (SELECT 1 FROM site_changes)", 0,
                                  NULL, _("reading the site server"));
    if (!r) {
        *s = site->err;
        return 0;
    }
    int empty = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return empty;
}

enum gh_status gh_site_join(struct gh_site *site, enum gh_site_join_kind *kind)
{
    enum gh_status s = gh_site_check_schema(site);
    if (s == GH_OK)
        s = check_key(site);
    if (s != GH_OK)
        return s;
    if (local_int(site->st, "SELECT enabled FROM site_state") == 1) {
        *kind = GH_SITE_JOINED_AGAIN;
        return gh_site_sync(site, NULL);
    }
    int empty_here = local_int(site->st, "SELECT (SELECT count(*) FROM accounts) + "
                               "(SELECT count(*) FROM locations) + "
                               "(SELECT count(*) FROM groups)") == 0;
    int empty_there = server_empty(site, &s);
    if (s != GH_OK)
        return s;
    if (empty_there) {
        *kind = GH_SITE_JOINED_FIRST;
        s = queue_everything(site);
        return s == GH_OK ? gh_site_sync(site, NULL) : s;
    }
    if (!empty_here)
        return gh_store_fail(site->st, GH_E_REFUSED, "%s", _("both this kiosk's database and "
                             "the site server hold data: join with an empty database (gatehousectl "
                             "init on a new file), or make this kiosk the first of a new site"));
    *kind = GH_SITE_JOINED_SNAPSHOT;
    int64_t rows = 0;
    s = gh_site_snapshot(site, &rows);
    return s == GH_OK ? gh_site_sync(site, NULL) : s;
}

enum gh_status gh_site_sync(struct gh_site *site, struct gh_site_sync_result *r)
{
    struct gh_site_sync_result dummy;
    if (!r)
        r = &dummy;
    memset(r, 0, sizeof *r);
    if (local_int(site->st, "SELECT enabled FROM site_state") != 1)
        return gh_store_fail(site->st, GH_E_REFUSED, "%s", _("this kiosk has not joined the site "
                             "yet: run `gatehousectl site join` first"));
    enum gh_status s = gh_site_push(site, &r->pushed);
    if (s == GH_OK)
        s = gh_site_log_push(site, NULL);
    if (s == GH_OK)
        s = gh_site_pull(site, &r->pulled);
    r->last_num = local_int(site->st, "SELECT last_num FROM site_state");
    return s;
}

enum gh_status gh_site_status_read(struct gh_store *st, struct gh_site_status *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT enabled, last_num, last_contact_ms, "
        "offline_since_ms, (SELECT count(*) FROM site_queue), "
        "(SELECT count(*) FROM site_withdrawn) FROM site_state");
    if (!q)
        return gh_store_sqlfail(st, _("reading the site state"));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        out->joined = sqlite3_column_int(q, 0);
        out->last_num = sqlite3_column_int64(q, 1);
        out->last_contact_ms = sqlite3_column_int64(q, 2);
        out->offline_since_ms = sqlite3_column_int64(q, 3);
        out->queued = sqlite3_column_int64(q, 4);
        out->conflicts = sqlite3_column_int64(q, 5);
    }
    gh_store_done(st, q);
    return rc == SQLITE_ROW ? GH_OK : gh_store_sqlfail(st, _("reading the site state"));
}
