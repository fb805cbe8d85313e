/*
 * site_pull.c: the server's changes into the kiosk's SQLite.
 *
 * Changes are read in number order, GH_SITE_PULL_BATCH at a time, and each
 * batch is applied in ONE SQLite transaction that also records the last number
 * applied, so a crash leaves either the whole batch or none of it. Inside
 * it site_state.applying is 1 (set first, cleared last): the capture
 * triggers see it and queue nothing, and no other connection ever sees it.
 *
 * A change this kiosk made itself is already here and is skipped (applying
 * it again could undo a later local change not pushed yet); so is another
 * kiosk's change to a row with a local change still queued (the server
 * decides when that change is pushed). Changes the server made (kiosk
 * 'server': a withdrawal, block-wins) always apply. A row whose referenced
 * rows are not here yet waits until the rest of the batch is in.
 *
 * A new kiosk's first contact is a snapshot (site_rows and the highest
 * number, in one REPEATABLE READ transaction), then the changes after it.
 */
#define _GNU_SOURCE 1   /* qsort_r */
#include "site_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Changes read and applied per SQLite transaction. 10,000 changes of
 * accounts are about 5 MB of answer; fewer, larger transactions are fewer
 * fsyncs. */
#define GH_SITE_PULL_BATCH 5000

/* Where the columns are in a result: tbl, gid, op (-1: upsert), data,
 * kiosk (-1: none). */
struct cols { int tbl, gid, op, data, kiosk; };

static int queued_here(struct gh_site *site, const char *tbl, const char *gid)
{
    sqlite3_stmt *q = gh_store_prepare(site->st,
        "SELECT 1 FROM site_queue WHERE tbl = ?1 AND gid = ?2 LIMIT 1");
    if (!q)
        return 0;
    sqlite3_bind_text(q, 1, tbl, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, gid, -1, SQLITE_STATIC);
    int yes = sqlite3_step(q) == SQLITE_ROW;
    gh_store_done(site->st, q);
    return yes;
}

/* A withdrawn sign-up: remembered for the staff screen and `site status`. */
static enum gh_status note_withdrawn(struct gh_site *site, const char *tbl, const char *gid,
                                     const char *json)
{
    sqlite3_stmt *q = gh_store_prepare(site->st,
        "INSERT INTO site_withdrawn (at, tbl, gid, what) VALUES "
        "(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), ?1, ?2, "
        "coalesce(json_extract(?3, '$.email'), json_extract(?3, '$.what'), ''))");
    if (!q)
        return gh_store_sqlfail(site->st, _("recording a withdrawn sign-up"));
    sqlite3_bind_text(q, 1, tbl, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, json, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    gh_store_done(site->st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(site->st, _("recording a withdrawn sign-up"));
    return strcmp(tbl, "accounts") == 0 ? gh_site_withdraw_local(site, gid, json) : GH_OK;
}

/* 1 when a server withdrawal is of this kiosk's row. */
static int withdrawn_here(struct gh_site *site, const char *json)
{
    sqlite3_stmt *q = gh_store_prepare(site->st, "SELECT json_extract(?1, '$.kiosk') = ?2");
    if (!q)
        return 0;
    sqlite3_bind_text(q, 1, json, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, site->kiosk, -1, SQLITE_STATIC);
    int yes = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 1;
    gh_store_done(site->st, q);
    return yes;
}

/* Applies row i of r; GH_E_CONFIRM when it must wait for its references. */
static enum gh_status apply_one(struct gh_site *site, PGresult *r, int i, const struct cols *c,
                                int64_t *applied)
{
    const char *tbl = PQgetvalue(r, i, c->tbl), *gid = PQgetvalue(r, i, c->gid);
    const char *op = c->op >= 0 ? PQgetvalue(r, i, c->op) : "upsert";
    const char *json = PQgetisnull(r, i, c->data) ? NULL : PQgetvalue(r, i, c->data);
    const char *kiosk = c->kiosk >= 0 ? PQgetvalue(r, i, c->kiosk) : "";
    int t = gh_site_table_index(tbl);
    if (t < 0 || strcmp(kiosk, site->kiosk) == 0)
        return GH_OK;
    if (strcmp(kiosk, "server") != 0 && queued_here(site, tbl, gid))
        return GH_OK;
    if (strcmp(op, "delete") == 0 && json && strcmp(kiosk, "server") == 0 &&
        withdrawn_here(site, json)) {
        enum gh_status s = note_withdrawn(site, tbl, gid, json);
        if (s != GH_OK)
            return s;
    }
    enum gh_status s = gh_site_row_apply(site, t, gid, op, json ? json : "{}");
    if (s == GH_OK)
        (*applied)++;
    return s;
}

static enum gh_status set_applying(struct gh_site *site, int on, int64_t last_num)
{
    sqlite3_stmt *q = gh_store_prepare(site->st, on ?
        "UPDATE site_state SET applying = 1" :
        "UPDATE site_state SET applying = 0, last_num = max(last_num, ?1)");
    if (!q)
        return gh_store_sqlfail(site->st, _("applying changes from the site server"));
    if (!on)
        sqlite3_bind_int64(q, 1, last_num);
    int rc = sqlite3_step(q);
    gh_store_done(site->st, q);
    return rc == SQLITE_DONE ? GH_OK
                             : gh_store_sqlfail(site->st, _("applying changes from the site server"));
}

/* Applies rows order[0..n) of r, those waiting for references after the
 * others, until none can go in. Rows whose references never come are
 * skipped (a row deleted meanwhile on the server). */
static enum gh_status apply_rows(struct gh_site *site, PGresult *r, int *order, int n,
                                 const struct cols *c, int64_t *applied)
{
    int left = n, progress = 1;
    while (left > 0 && progress) {
        int k = 0;
        progress = 0;
        for (int j = 0; j < left; j++) {
            enum gh_status s = apply_one(site, r, order[j], c, applied);
            if (s == GH_E_CONFIRM)
                order[k++] = order[j];
            else if (s != GH_OK)
                return s;
            else
                progress = 1;
        }
        left = k;
    }
    return GH_OK;
}

/* One SQLite transaction: the rows, then last_num. */
static enum gh_status apply_batch(struct gh_site *site, PGresult *r, int *order, int n,
                                  const struct cols *c, int64_t last_num, int enable,
                                  int64_t *applied)
{
    enum gh_status s = gh_store_begin(site->st);
    if (s != GH_OK)
        return s;
    s = set_applying(site, 1, 0);
    if (s == GH_OK)
        s = apply_rows(site, r, order, n, c, applied);
    if (s == GH_OK)
        s = set_applying(site, 0, last_num);
    if (s == GH_OK && enable)
        s = gh_store_exec(site->st, "UPDATE site_state SET enabled = 1", _("joining the site"));
    if (s == GH_OK && (s = gh_store_commit(site->st)) == GH_OK)
        gh_oplog(GH_LOG_DEBUG, "site sync: changes up to %" PRId64 " committed at %" PRId64
                 " ms", last_num, gh_clock_now_ms());   /* bench/site reads it */
    if (s == GH_OK)
        return s;
    if (gh_store_in_tx(site->st))
        gh_store_rollback(site->st);
    return s;
}

static int64_t local_last_num(struct gh_site *site)
{
    int64_t n = -1;
    sqlite3_stmt *q = gh_store_prepare(site->st, "SELECT last_num FROM site_state");
    if (q && sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    gh_store_done(site->st, q);
    return n;
}

/* Sends the query for the changes after number `after`, without waiting. */
static enum gh_status ask(struct gh_site *site, int64_t after)
{
    char last[24], limit[16];
    snprintf(last, sizeof last, "%" PRId64, after);
    snprintf(limit, sizeof limit, "%d", GH_SITE_PULL_BATCH);
    const char *p[2] = { last, limit };
    if (PQsendQueryParams(site->pg, "SELECT num, tbl, gid, op, data::text, kiosk FROM "
                          "site_changes WHERE num > $1::bigint ORDER BY num LIMIT $2::int",
                          2, NULL, p, NULL, NULL, 0))
        return GH_OK;
    site->err = PQstatus(site->pg) == CONNECTION_OK ? GH_E_STORE : GH_E_UNAVAILABLE;
    return gh_site_pgfail(site, site->err, _("pulling from the site server"));
}

/* The answer to ask(); NULL after a failure (site->err). */
static PGresult *answer(struct gh_site *site)
{
    PGresult *r = PQgetResult(site->pg), *extra;
    while ((extra = PQgetResult(site->pg)) != NULL)
        PQclear(extra);
    if (!r)
        r = PQmakeEmptyPGresult(site->pg, PGRES_FATAL_ERROR);
    return gh_site_pgcheck(site, r, _("pulling from the site server"));
}

/* Applies the n rows of r (changes up to number last) in one transaction. */
static enum gh_status apply_result(struct gh_site *site, PGresult *r, int n, int64_t last,
                                   int64_t *applied)
{
    int *order = malloc(sizeof *order * (size_t)n);
    if (!order)
        return gh_store_fail(site->st, GH_E_NOMEM, "%s", _("out of memory"));
    for (int i = 0; i < n; i++)
        order[i] = i;
    static const struct cols c = { 1, 2, 3, 4, 5 };
    enum gh_status s = apply_batch(site, r, order, n, &c, last, 0, applied);
    free(order);
    return s;
}

/* Batches until one comes back short (the kiosk is up to date): the query
 * for the next batch is sent before this one is applied, so the server
 * reads and sends it meanwhile. */
static enum gh_status pull_all(struct gh_site *site, int64_t have, int64_t *applied)
{
    enum gh_status s = ask(site, have);
    PGresult *r = s == GH_OK ? answer(site) : NULL;
    if (s == GH_OK && !r)
        s = site->err;
    while (r) {
        int n = PQntuples(r), more = n == GH_SITE_PULL_BATCH;
        int64_t last = n ? strtoll(PQgetvalue(r, n - 1, 0), NULL, 10) : have;
        if (more && (s = ask(site, last)) != GH_OK)
            more = 0;
        enum gh_status a = n > 0 ? apply_result(site, r, n, last, applied) : GH_OK;
        PQclear(r);
        r = more ? answer(site) : NULL;
        if (more && !r && s == GH_OK)
            s = site->err;
        if (s == GH_OK && a != GH_OK)
            s = a;
        if (s != GH_OK) {
            PQclear(r);
            r = NULL;
        }
    }
    return s;
}

enum gh_status gh_site_pull(struct gh_site *site, int64_t *pulled)
{
    enum gh_status s = gh_site_sql_build(site);
    int64_t applied = 0, have = s == GH_OK ? local_last_num(site) : 0;
    if (s == GH_OK && have < 0)
        s = gh_store_sqlfail(site->st, _("reading the site state"));
    if (s == GH_OK)
        s = pull_all(site, have, &applied);
    if (pulled)
        *pulled = applied;
    gh_site_contact(site, s == GH_OK || PQstatus(site->pg) == CONNECTION_OK);
    return s;
}

/* Rows of a snapshot by table order, then number (qsort_r). */
static int by_table(const void *a, const void *b, void *ctx)
{
    PGresult *r = ctx;
    int ia = *(const int *)a, ib = *(const int *)b;
    int ta = gh_site_table_index(PQgetvalue(r, ia, 0));
    int tb = gh_site_table_index(PQgetvalue(r, ib, 0));
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

enum gh_status gh_site_snapshot(struct gh_site *site, int64_t *rows)
{
    enum gh_status s = gh_site_sql_build(site);
    if (s == GH_OK)
        s = gh_site_pgexec(site, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                           _("reading the site's snapshot"));
    if (s != GH_OK)
        return s;
    PGresult *m = gh_site_pgquery(site, "SELECT coalesce(max(num), 0) FROM site_changes", 0,
                                  NULL, _("reading the site's snapshot"));
    PGresult *r = m ? gh_site_pgquery(site, "SELECT tbl, gid, data::text FROM site_rows "
                                      "ORDER BY num", 0, NULL,
                                      _("reading the site's snapshot")) : NULL;
    PQclear(PQexec(site->pg, "COMMIT"));
    if (!r) {
        PQclear(m);
        return site->err;
    }
    int n = PQntuples(r);
    int *order = malloc(sizeof *order * (size_t)(n ? n : 1));
    s = order ? GH_OK : gh_store_fail(site->st, GH_E_NOMEM, "%s", _("out of memory"));
    for (int i = 0; s == GH_OK && i < n; i++)
        order[i] = i;
    if (s == GH_OK)
        qsort_r(order, (size_t)n, sizeof *order, by_table, r);
    static const struct cols c = { 0, 1, -1, 2, -1 };
    *rows = 0;
    if (s == GH_OK)
        s = apply_batch(site, r, order, n, &c, strtoll(PQgetvalue(m, 0, 0), NULL, 10), 1, rows);
    free(order);
    PQclear(r);
    PQclear(m);
    return s;
}
