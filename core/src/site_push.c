/*
 * site_push.c: a kiosk's queued changes to the server.
 *
 * The queue (site_queue) is filled by triggers in the same transaction as
 * the kiosk's own writes. A push reads up to GH_SITE_BATCH rows in order,
 * with each row's content as it is now, and sends them in ONE server
 * transaction that takes the numbering lock first: num = max + 1 for each
 * change, so commit order is number order. A change whose change_id the
 * server already has (a push repeated after a crash between the server's
 * commit and the local delete) inserts nothing. Only after the server's
 * COMMIT are the rows deleted from the local queue.
 *
 * The server's rules for changes made while kiosks were cut off
 * (site_conflict.c) run inside that same transaction.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qrow {
    int64_t id, base_num;
    char change_id[40], gid[72], op[8];
    int t;
    char *json;               /* NULL: a delete, or the row is gone */
};

static void free_rows(struct qrow *rows, int n)
{
    for (int i = 0; i < n; i++)
        free(rows[i].json);
    free(rows);
}

/* Reads the next batch of the queue with each row's content. */
static enum gh_status read_batch(struct gh_site *site, struct qrow **out, int *n,
                                 int64_t *upto)
{
    *out = NULL;
    *n = 0;
    struct qrow *rows = calloc(GH_SITE_BATCH, sizeof *rows);
    if (!rows)
        return gh_store_fail(site->st, GH_E_NOMEM, "%s", _("out of memory"));
    sqlite3_stmt *q = gh_store_prepare(site->st, "SELECT id, change_id, tbl, gid, op, base_num "
                                       "FROM site_queue ORDER BY id LIMIT ?1");
    if (!q) {
        free(rows);
        return gh_store_sqlfail(site->st, _("reading the site queue"));
    }
    sqlite3_bind_int(q, 1, GH_SITE_BATCH);
    enum gh_status s = GH_OK;
    int k = 0;
    while (s == GH_OK && sqlite3_step(q) == SQLITE_ROW) {
        struct qrow *r = &rows[k];
        r->id = sqlite3_column_int64(q, 0);
        gh_store_copy(r->change_id, sizeof r->change_id, gh_store_col_text(q, 1));
        r->t = gh_site_table_index(gh_store_col_text(q, 2));
        gh_store_copy(r->gid, sizeof r->gid, gh_store_col_text(q, 3));
        gh_store_copy(r->op, sizeof r->op, gh_store_col_text(q, 4));
        r->base_num = sqlite3_column_int64(q, 5);
        *upto = r->id;
        if (r->t < 0)
            continue;         /* a table this program no longer replicates */
        k++;
        if (strcmp(r->op, "upsert") == 0)
            s = gh_site_row_json(site, r->t, r->gid, &r->json);
        if (s == GH_OK && !r->json)
            strcpy(r->op, "delete");
    }
    gh_store_done(site->st, q);
    if (s != GH_OK) {
        free_rows(rows, k);
        return s;
    }
    *out = rows;
    *n = k;
    return GH_OK;
}

/* 1 when the server already has this change (numbered or refused). */
static int seen_before(struct gh_site *site, const char *change_id, enum gh_status *s)
{
    const char *p[1] = { change_id };
    PGresult *r = gh_site_pgquery(site, "SELECT 1 FROM site_changes WHERE change_id = $1 "
                                  "UNION ALL SELECT 1 FROM site_conflicts WHERE change_id = $1",
                                  1, p, _("pushing to the site server"));
    if (!r) {
        *s = site->err;
        return 0;
    }
    int seen = PQntuples(r) > 0;
    PQclear(r);
    return seen;
}

static enum gh_status send_batch(struct gh_site *site, struct qrow *rows, int n)
{
    int64_t num = 0;
    enum gh_status s = gh_site_numbering_begin(site, &num);
    if (s != GH_OK)
        return s;
    const char *p[1] = { site->kiosk };
    PGresult *r = gh_site_pgquery(site, "INSERT INTO site_kiosks (name) VALUES ($1) ON CONFLICT "
                                  "(name) DO UPDATE SET last_seen = now()", 1, p,
                                  _("pushing to the site server"));
    s = r ? GH_OK : site->err;
    PQclear(r);
    for (int i = 0; i < n && s == GH_OK; i++) {
        if (seen_before(site, rows[i].change_id, &s) || s != GH_OK)
            continue;
        s = gh_site_decide(site, &num, rows[i].change_id, gh_site_tables[rows[i].t].name,
                           rows[i].gid, rows[i].op, rows[i].json, rows[i].base_num);
    }
    if (s == GH_OK)
        return gh_site_pgexec(site, "COMMIT", _("pushing to the site server"));
    PQclear(PQexec(site->pg, "ROLLBACK"));
    return s;
}

static enum gh_status forget_batch(struct gh_site *site, int64_t upto)
{
    sqlite3_stmt *q = gh_store_prepare(site->st, "DELETE FROM site_queue WHERE id <= ?1");
    if (!q)
        return gh_store_sqlfail(site->st, _("clearing the site queue"));
    sqlite3_bind_int64(q, 1, upto);
    int rc = sqlite3_step(q);
    gh_store_done(site->st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(site->st, _("clearing the site queue"));
}

/* Pushes one batch; *n rows were pushed, *more 0 when the queue was empty. */
static enum gh_status push_batch(struct gh_site *site, int *n, int *more)
{
    struct qrow *rows = NULL;
    int64_t upto = 0;
    enum gh_status s = read_batch(site, &rows, n, &upto);
    *more = upto != 0;
    if (s != GH_OK || upto == 0) {
        free(rows);
        *n = 0;
        return s;
    }
    s = send_batch(site, rows, *n);
    free_rows(rows, *n);
    if (s == GH_OK)
        s = forget_batch(site, upto);
    return s;
}

enum gh_status gh_site_push(struct gh_site *site, int64_t *pushed)
{
    enum gh_status s = gh_site_sql_build(site);
    int n = 0, more = 1;
    if (pushed)
        *pushed = 0;
    while (s == GH_OK && more && (s = push_batch(site, &n, &more)) == GH_OK)
        if (pushed)
            *pushed += n;
    gh_site_contact(site, s == GH_OK || PQstatus(site->pg) == CONNECTION_OK);
    return s;
}
