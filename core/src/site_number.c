/*
 * site_number.c: numbering changes on the server.
 *
 * One server transaction per push takes pg_advisory_xact_lock first and then
 * gives each change max(num) + 1: commit order is number order, so a kiosk
 * that has applied change N never misses one below N committed later (a
 * sequence would hand out numbers at insert time, and a slow transaction
 * would commit a lower number after a higher one was pulled). site_rows, the
 * current state for snapshots, is updated in the same transaction; a trigger
 * on site_changes NOTIFYs listening kiosks at commit.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum gh_status gh_site_record(struct gh_site *site, int64_t *num, const char *change_id,
                              const char *kiosk, const char *tbl, const char *gid,
                              const char *op, const char *json)
{
    char nbuf[24];
    snprintf(nbuf, sizeof nbuf, "%" PRId64, ++*num);
    const char *p[7] = { nbuf, change_id, kiosk, tbl, gid, op, json };
    PGresult *r = gh_site_pgquery(site, "INSERT INTO site_changes (num, change_id, kiosk, tbl, "
                                  "gid, op, data) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, p,
                                  _("pushing to the site server"));
    if (!r)
        return site->err;
    PQclear(r);
    if (strcmp(op, "upsert") == 0) {
        const char *u[4] = { tbl, gid, json, nbuf };
        r = gh_site_pgquery(site, "INSERT INTO site_rows (tbl, gid, data, num) VALUES "
                            "($1, $2, $3, $4) ON CONFLICT (tbl, gid) DO UPDATE SET "
                            "data = EXCLUDED.data, num = EXCLUDED.num", 4, u,
                            _("pushing to the site server"));
    } else {
        const char *d[2] = { tbl, gid };
        r = gh_site_pgquery(site, "DELETE FROM site_rows WHERE tbl = $1 AND gid = $2", 2, d,
                            _("pushing to the site server"));
    }
    if (!r)
        return site->err;
    PQclear(r);
    return GH_OK;
}

/* Opens the numbering transaction; *num = the highest number so far. */
enum gh_status gh_site_numbering_begin(struct gh_site *site, int64_t *num)
{
    char sql[96];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d)", GH_SITE_LOCK_NUM);
    enum gh_status s = gh_site_pgexec(site, sql, _("pushing to the site server"));
    if (s != GH_OK)
        return s;
    PGresult *r = gh_site_pgquery(site, "SELECT coalesce(max(num), 0) FROM site_changes", 0,
                                  NULL, _("pushing to the site server"));
    if (!r) {
        PQclear(PQexec(site->pg, "ROLLBACK"));
        return site->err;
    }
    *num = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return GH_OK;
}

