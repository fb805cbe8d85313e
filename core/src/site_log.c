/*
 * site_log.c: one log for the site.
 *
 * Each kiosk keeps its own hash-chained activity log (audit.c) and pushes
 * its entries unchanged (seq, content, prev_hash, hash) to site_log. The
 * server appends them in arrival order under the numbering lock with a site
 * chain over all kiosks:
 *     site_hash = hex SHA-256(prev site_hash "|" kiosk "|" seq "|" hash)
 * (the first prev is ""). A repeated push inserts nothing ((kiosk, seq) is
 * the key). `site log verify` checks the site chain, and each kiosk's chain
 * by loading its entries into a scratch in-memory database and running the
 * core's own gh_audit_verify on it, so the hashing rule lives in one place.
 */
#include "site_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t pushed_upto(struct gh_store *st)
{
    int64_t v = -1;
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT log_pushed_seq FROM site_state");
    if (q && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    return v;
}

static enum gh_status send_entry(struct gh_site *site, sqlite3_stmt *q)
{
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)sqlite3_column_int64(q, 0));
    const char *p[4] = { site->kiosk, seq, gh_store_col_text(q, 1), gh_store_col_text(q, 2) };
    PGresult *r = gh_site_pgquery(site,
        "INSERT INTO site_log (kiosk, seq, entry, hash, site_seq, site_hash) "
        "SELECT $1, $2::bigint, $3::jsonb, $4, coalesce(max(site_seq), 0) + 1, "
        "encode(sha256(convert_to(coalesce((SELECT site_hash FROM site_log ORDER BY site_seq "
        "DESC LIMIT 1), '') || '|' || $1 || '|' || $2 || '|' || $4, 'UTF8')), 'hex') "
        "FROM site_log ON CONFLICT (kiosk, seq) DO NOTHING", 4, p,
        _("pushing the activity log to the site server"));
    if (!r)
        return site->err;
    PQclear(r);
    return GH_OK;
}

static enum gh_status log_batch(struct gh_site *site, int64_t from, int64_t *last, int *n)
{
    sqlite3_stmt *q = gh_store_prepare(site->st,
        "SELECT seq, json_object('seq', seq, 'at', at, 'actor', actor, 'action', action, "
        "'target', target, 'outcome', outcome, 'reason', reason, 'prev_hash', prev_hash, "
        "'hash', hash, 'hash_version', hash_version), hash FROM audit WHERE seq > ?1 "
        "ORDER BY seq LIMIT 1000");
    if (!q)
        return gh_store_sqlfail(site->st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, from);
    int64_t num = 0;
    enum gh_status s = gh_site_numbering_begin(site, &num);
    *n = 0;
    while (s == GH_OK && sqlite3_step(q) == SQLITE_ROW) {
        s = send_entry(site, q);
        *last = sqlite3_column_int64(q, 0);
        (*n)++;
    }
    gh_store_done(site->st, q);
    if (s == GH_OK)
        return gh_site_pgexec(site, "COMMIT", _("pushing the activity log to the site server"));
    PQclear(PQexec(site->pg, "ROLLBACK"));
    return s;
}

enum gh_status gh_site_log_push(struct gh_site *site, int64_t *pushed)
{
    int64_t from = pushed_upto(site->st), total = 0;
    if (from < 0)
        return gh_store_sqlfail(site->st, _("reading the site state"));
    int n = 1;
    enum gh_status s = GH_OK;
    while (s == GH_OK && n > 0) {
        int64_t last = from;
        s = log_batch(site, from, &last, &n);
        if (s == GH_OK && n > 0) {
            sqlite3_stmt *q = gh_store_prepare(site->st,
                                               "UPDATE site_state SET log_pushed_seq = ?1");
            if (!q)
                return gh_store_sqlfail(site->st, _("recording the pushed log"));
            sqlite3_bind_int64(q, 1, last);
            sqlite3_step(q);
            gh_store_done(site->st, q);
            from = last;
            total += n;
        }
    }
    if (pushed)
        *pushed = total;
    return s;
}

/* Row i's site hash as it should be, from the previous one. */
static void site_hash(const char *prev, PGresult *r, int i, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    const char *parts[4] = { prev, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 3) };
    for (int k = 0; k < 4; k++) {
        if (k)
            crypto_hash_sha256_update(&s, (const unsigned char *)"|", 1);
        crypto_hash_sha256_update(&s, (const unsigned char *)parts[k], strlen(parts[k]));
    }
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static enum gh_status check_site_chain(struct gh_site *site, PGresult *r)
{
    char prev[65] = "", want[65];
    for (int i = 0; i < PQntuples(r); i++) {
        site_hash(prev, r, i, want);
        if (strcmp(want, PQgetvalue(r, i, 5)) != 0 || atoll(PQgetvalue(r, i, 4)) != i + 1)
            return gh_store_fail(site->st, GH_E_TAMPERED, _("site log: the site chain breaks at "
                                 "site entry %d (kiosk %s, entry %s)"), i + 1,
                                 PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        memcpy(prev, want, sizeof prev);
    }
    return GH_OK;
}

/* One kiosk's entries, checked by the core's own log check on a copy. */
static enum gh_status check_kiosk(struct gh_site *site, PGresult *r, const char *kiosk)
{
    struct gh_store *mem = NULL;
    char err[256];
    if (gh_store_open(":memory:", &mem, err, sizeof err) != GH_OK)
        return gh_store_fail(site->st, GH_E_STORE, "%s", err);
    enum gh_status s = gh_store_begin(mem);
    for (int i = 0; s == GH_OK && i < PQntuples(r); i++) {
        if (strcmp(PQgetvalue(r, i, 0), kiosk) != 0)
            continue;
        sqlite3_stmt *q = gh_store_prepare(mem, "INSERT INTO audit (seq, at, actor, action, "
            "target, outcome, reason, prev_hash, hash, hash_version) SELECT ?2, "
            "json_extract(?1, '$.at'), json_extract(?1, '$.actor'), json_extract(?1, '$.action'), "
            "json_extract(?1, '$.target'), json_extract(?1, '$.outcome'), "
            "json_extract(?1, '$.reason'), json_extract(?1, '$.prev_hash'), ?3, "
            "json_extract(?1, '$.hash_version')");
        if (!q) {
            s = gh_store_sqlfail(mem, "site log");
            break;
        }
        sqlite3_bind_text(q, 1, PQgetvalue(r, i, 2), -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, atoll(PQgetvalue(r, i, 1)));
        sqlite3_bind_text(q, 3, PQgetvalue(r, i, 3), -1, SQLITE_STATIC);
        s = sqlite3_step(q) == SQLITE_DONE ? GH_OK : GH_E_TAMPERED;
        gh_store_done(mem, q);
    }
    int64_t bad = 0, count = 0;
    if (s == GH_OK && (s = gh_store_commit(mem)) == GH_OK)
        s = gh_audit_verify(mem, &bad, &count);
    if (s != GH_OK)
        s = gh_store_fail(site->st, GH_E_TAMPERED, _("site log: kiosk %s's log does not verify "
                          "at entry %" PRId64 ": %s"), kiosk, bad, gh_store_errmsg(mem));
    gh_store_close(mem);
    return s;
}

enum gh_status gh_site_log_verify(struct gh_site *site, int64_t *entries, int *kiosks)
{
    PGresult *r = gh_site_pgquery(site, "SELECT kiosk, seq, entry::text, hash, site_seq, "
                                  "site_hash FROM site_log ORDER BY site_seq", 0, NULL,
                                  _("reading the site log"));
    PGresult *k = r ? gh_site_pgquery(site, "SELECT DISTINCT kiosk FROM site_log ORDER BY 1", 0,
                                      NULL, _("reading the site log")) : NULL;
    if (!k) {
        PQclear(r);
        return site->err;
    }
    *entries = PQntuples(r);
    *kiosks = PQntuples(k);
    enum gh_status s = check_site_chain(site, r);
    for (int i = 0; s == GH_OK && i < PQntuples(k); i++)
        s = check_kiosk(site, r, PQgetvalue(k, i, 0));
    PQclear(k);
    PQclear(r);
    return s;
}
