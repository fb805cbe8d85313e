/*
 * site_internal.h: what the files of the site sync module share (site.h is
 * the public side). Not installed.
 *
 *   site_tables.c  the replicated tables, and rows as JSON (SQLite side)
 *   site_server.c  the connection and the server's schema (PostgreSQL)
 *   site_push.c    local queue -> server, conflict rules
 *   site_pull.c    server -> local: snapshot and numbered changes
 *   site_join.c    joining a site, status
 * Calls go one way: join -> push/pull -> server, tables.
 */
#ifndef GATEHOUSE_SITE_INTERNAL_H
#define GATEHOUSE_SITE_INTERNAL_H
#include <libpq-fe.h>
#include "store_internal.h"
#include "gatehouse/site.h"

/* libpq is opened with dlopen (site_pq.c), not linked: every PQ* function
 * the module calls is listed here and reached through gh_pq. A new one is
 * a line in GH_PQ_FUNCS and a #define below (a missing one fails the link,
 * since no program links libpq). */
#define GH_PQ_FUNCS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQfinish) X(PQerrorMessage) X(PQsocket) \
    X(PQexec) X(PQexecParams) X(PQsendQueryParams) X(PQgetResult) X(PQresultStatus) \
    X(PQresultErrorField) X(PQresultErrorMessage) X(PQmakeEmptyPGresult) X(PQclear) \
    X(PQntuples) X(PQnfields) X(PQgetvalue) X(PQgetisnull) X(PQgetlength) X(PQcmdTuples) \
    X(PQconsumeInput) X(PQnotifies) X(PQfreemem) X(PQescapeLiteral) X(PQtransactionStatus)
struct gh_pq_api {
#define GH_PQ_MEMBER(f) __typeof__(f) *f;
    GH_PQ_FUNCS(GH_PQ_MEMBER)
#undef GH_PQ_MEMBER
};
extern struct gh_pq_api gh_pq;
/* Opens libpq once; GH_E_UNAVAILABLE naming the package libpq5 without it. */
enum gh_status gh_site_pq_load(struct gh_store *st);
#ifndef GH_SITE_PQ_NO_REDIRECT
#define PQconnectdbParams gh_pq.PQconnectdbParams
#define PQstatus gh_pq.PQstatus
#define PQfinish gh_pq.PQfinish
#define PQerrorMessage gh_pq.PQerrorMessage
#define PQsocket gh_pq.PQsocket
#define PQexec gh_pq.PQexec
#define PQexecParams gh_pq.PQexecParams
#define PQsendQueryParams gh_pq.PQsendQueryParams
#define PQgetResult gh_pq.PQgetResult
#define PQresultStatus gh_pq.PQresultStatus
#define PQresultErrorField gh_pq.PQresultErrorField
#define PQresultErrorMessage gh_pq.PQresultErrorMessage
#define PQmakeEmptyPGresult gh_pq.PQmakeEmptyPGresult
#define PQclear gh_pq.PQclear
#define PQntuples gh_pq.PQntuples
#define PQnfields gh_pq.PQnfields
#define PQgetvalue gh_pq.PQgetvalue
#define PQgetisnull gh_pq.PQgetisnull
#define PQgetlength gh_pq.PQgetlength
#define PQcmdTuples gh_pq.PQcmdTuples
#define PQconsumeInput gh_pq.PQconsumeInput
#define PQnotifies gh_pq.PQnotifies
#define PQfreemem gh_pq.PQfreemem
#define PQescapeLiteral gh_pq.PQescapeLiteral
#define PQtransactionStatus gh_pq.PQtransactionStatus
#endif

#define GH_SITE_MAX_FK 4
#define GH_SITE_BATCH 1000
#define GH_SITE_CONTACT_EVERY_MS 1000
/* pg_advisory_xact_lock key for numbering changes and for schema changes. */
#define GH_SITE_LOCK_NUM 0x67680014
#define GH_SITE_LOCK_SCHEMA 0x67680015

/* One foreign key column: its value on the wire is the referenced row's gid. */
struct gh_site_fk { const char *col, *ref; };
struct gh_site_table {
    const char *name;
    struct gh_site_fk fk[GH_SITE_MAX_FK];
};
/* The replicated tables, in dependency order (a table's references come
 * before it, except a table's references to itself). */
extern const struct gh_site_table gh_site_tables[];
extern const int gh_site_n_tables;
/* Index into gh_site_tables, or -1. */
int gh_site_table_index(const char *name);

/* The SQL made for one table from its columns, once per connection. */
struct gh_site_sql {
    char *export_row;   /* ?1 gid -> one row: the JSON object */
    char *ready;        /* ?1 JSON -> 1 when every referenced gid is here */
    char *upsert;       /* ?1 JSON, ?2 gid */
    char *del;          /* ?1 gid */
};

struct gh_site {
    struct gh_store *st;
    PGconn *pg;
    char kiosk[64];
    enum gh_status err;          /* of the last failed server call */
    int64_t contact_ms;          /* last good contact written (gh_site_contact) */
    struct gh_site_sql sql[32];     /* one per gh_site_tables[] entry */
};

/* Builds site->sql[] from the database's columns (no-op when built). */
enum gh_status gh_site_sql_build(struct gh_site *site);
void gh_site_sql_free(struct gh_site *site);
/* The row tbl/gid as JSON (malloc'd into *json), or *json NULL when the row
 * is gone. */
enum gh_status gh_site_row_json(struct gh_site *site, int t, const char *gid, char **json);
/* Applies one change inside the caller's transaction. GH_E_CONFIRM: a row
 * it references is not here yet (try again after the others). */
enum gh_status gh_site_row_apply(struct gh_site *site, int t, const char *gid,
                                 const char *op, const char *json);

/* Server side helpers (site_server.c). */
/* Fails the store with "WHAT: <server message>"; returns s. */
enum gh_status gh_site_pgfail(struct gh_site *site, enum gh_status s, const char *what);
/* r if it is a success, else NULL after gh_site_pgfail (r cleared). */
PGresult *gh_site_pgcheck(struct gh_site *site, PGresult *r, const char *what);
/* Runs a command without results; GH_OK or the failure. */
enum gh_status gh_site_pgexec(struct gh_site *site, const char *sql, const char *what);
/* A query with text parameters; NULL after gh_site_pgfail. PQclear it. */
PGresult *gh_site_pgquery(struct gh_site *site, const char *sql, int n,
                          const char *const *params, const char *what);
/* Numbering (site_push.c): opens the server transaction that holds the
 * numbering lock, *num = the highest number so far; gh_site_record numbers
 * one change (++*num) and updates the current rows. */
enum gh_status gh_site_numbering_begin(struct gh_site *site, int64_t *num);
enum gh_status gh_site_record(struct gh_site *site, int64_t *num, const char *change_id,
                              const char *kiosk, const char *tbl, const char *gid,
                              const char *op, const char *json);
/* The server's rules for one pushed change (site_conflict.c), inside the
 * numbering transaction: records it, changed or refused. */
enum gh_status gh_site_decide(struct gh_site *site, int64_t *num, const char *change_id,
                              const char *tbl, const char *gid, const char *op,
                              const char *json, int64_t base_num);
/* Pulling (site_pull.c): the first snapshot of a joining kiosk, applied in
 * one transaction that also turns the capture triggers on. */
enum gh_status gh_site_snapshot(struct gh_site *site, int64_t *rows);
/* A sign-up the server withdrew (site_withdraw.c): its held mail is
 * cancelled and, if the row is still here, what refers to it is cleared so
 * the row can go. Inside the applying transaction. */
enum gh_status gh_site_withdraw_local(struct gh_site *site, const char *gid, const char *json);
/* The offline periods (site_offline.c): ok 0, a failed contact: logs
 * "site.offline" when it is the first since a good one; ok 1, connected:
 * ends a period (site_offline row, "site.online" with its length). */
void gh_site_offline_note(struct gh_site *site, int ok);
/* Records a successful (ok 1) or failed (ok 0) contact with the server. */
void gh_site_contact(struct gh_site *site, int ok);

#endif
