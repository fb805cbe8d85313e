/*
 * site_tables.c: the replicated tables, and one row of them as JSON.
 *
 * Integer ids stay local to a kiosk. On the wire a row is a JSON object of
 * its columns (not its integer id, not its gid, which travels beside it),
 * each foreign key column replaced by the referenced row's gid. The SQL that
 * does this is made from the database's own columns (PRAGMA table_info), so
 * a column added by a later migration travels without a change here; only a
 * new table, or a new foreign key column, is a line below.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct gh_site_table gh_site_tables[] = {
    { "settings", { { NULL, NULL } } },
    { "groups", { { NULL, NULL } } },
    { "accounts", { { "group_id", "groups" }, { "domain_group", "groups" } } },
    { "locations", { { "parent_id", "locations" }, { "tenant_account", "accounts" },
                     { "tenant_group", "groups" } } },
    { "group_locations", { { "group_id", "groups" }, { "location_id", "locations" } } },
    { "group_domains", { { "group_id", "groups" } } },
    { "account_locations", { { "account_id", "accounts" }, { "location_id", "locations" } } },
    { "setup_codes", { { "account_id", "accounts" } } },
    { "door_codes", { { "account_id", "accounts" } } },
    { "cards", { { "account_id", "accounts" } } },
    { "requests", { { "account_id", "accounts" }, { "location_id", "locations" } } },
    { "request_replies", { { "request_id", "requests" }, { "author_id", "accounts" } } },
    { "import_tenants", { { "account_id", "accounts" } } },
    { "import_units", { { "location_id", "locations" }, { "account_id", "accounts" } } },
    { "unit_overlocks", { { "location_id", "locations" }, { "tenant_account", "accounts" },
                          { "tenant_group", "groups" } } },
    { "site_offline", { { NULL, NULL } } },
};
const int gh_site_n_tables = (int)(sizeof gh_site_tables / sizeof gh_site_tables[0]);

int gh_site_table_index(const char *name)
{
    for (int i = 0; i < gh_site_n_tables; i++)
        if (strcmp(gh_site_tables[i].name, name) == 0)
            return i;
    return -1;
}

/* A growing string; on allocation failure it stays NULL-text and ok = 0. */
struct sb { char *s; size_t len, cap; int ok; };

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *b, const char *fmt, ...)
{
    if (!b->ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->ok = 0;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *fk_ref(const struct gh_site_table *t, const char *col)
{
    for (int i = 0; i < GH_SITE_MAX_FK && t->fk[i].col; i++)
        if (strcmp(t->fk[i].col, col) == 0)
            return t->fk[i].ref;
    return NULL;
}

/* Adds one column's part to the four statements being built. */
static void add_column(const struct gh_site_table *t, const char *c, int first,
                       struct sb b[4])
{
    const char *ref = fk_ref(t, c);
    const char *sep = first ? "" : ", ";
    if (ref) {
        sb_add(&b[0], "%s'%s', (SELECT gid FROM %s WHERE rowid = t.%s)", sep, c, ref, c);
        sb_add(&b[1], " AND (json_extract(?1, '$.%s') IS NULL OR EXISTS "
               "(SELECT 1 FROM %s WHERE gid = json_extract(?1, '$.%s')))", c, ref, c);
        sb_add(&b[2], "%s(SELECT rowid FROM %s WHERE gid = json_extract(?1, '$.%s'))",
               sep, ref, c);
    } else {
        sb_add(&b[0], "%s'%s', t.%s", sep, c, c);
        sb_add(&b[2], "%sjson_extract(?1, '$.%s')", sep, c);
    }
    sb_add(&b[3], "%s%s", sep, c);
}

/* The columns that travel: all but gid and an integer primary key that is
 * only a local id (one that is a foreign key, as unit_overlocks.location_id,
 * travels as the referenced row's gid). */
static enum gh_status build_one(struct gh_site *site, int ti)
{
    const struct gh_site_table *t = &gh_site_tables[ti];
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT name, pk, type FROM pragma_table_info('%s')", t->name);
    sqlite3_stmt *q = gh_store_prepare(site->st, sql);
    if (!q)
        return gh_store_sqlfail(site->st, _("reading the replicated tables"));
    struct sb b[4] = { { NULL, 0, 0, 1 }, { NULL, 0, 0, 1 }, { NULL, 0, 0, 1 }, { NULL, 0, 0, 1 } };
    sb_add(&b[0], "SELECT json_object(");
    sb_add(&b[1], "SELECT 1 WHERE 1");
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *c = gh_store_col_text(q, 0);
        if (strcmp(c, "gid") == 0 || (sqlite3_column_int(q, 1) == 1 && !fk_ref(t, c) &&
                                      strcmp(gh_store_col_text(q, 2), "INTEGER") == 0))
            continue;
        add_column(t, c, n++ == 0, b);
    }
    gh_store_done(site->st, q);
    struct gh_site_sql *o = &site->sql[ti];
    struct sb up = { NULL, 0, 0, 1 }, set = { NULL, 0, 0, 1 }, del = { NULL, 0, 0, 1 };
    sb_add(&b[0], ") FROM %s t WHERE t.gid = ?1", t->name);
    for (const char *p = b[3].s; b[3].ok && p && *p;) {
        size_t len = strcspn(p, ",");
        sb_add(&set, "%.*s = excluded.%.*s, ", (int)len, p, (int)len, p);
        p += len;
        p += strspn(p, ", ");
    }
    sb_add(&up, "INSERT INTO %s (%s, gid) VALUES (%s, ?2) ON CONFLICT (gid) DO UPDATE SET "
           "%sgid = gid ON CONFLICT DO UPDATE SET %sgid = excluded.gid",
           t->name, b[3].s, b[2].s, set.s ? set.s : "", set.s ? set.s : "");
    sb_add(&del, "DELETE FROM %s WHERE gid = ?1", t->name);
    free(b[2].s);
    free(b[3].s);
    free(set.s);
    o->export_row = b[0].s;
    o->ready = b[1].s;
    o->upsert = up.s;
    o->del = del.s;
    if (!b[0].ok || !b[1].ok || !up.ok || !del.ok || n == 0)
        return gh_store_fail(site->st, GH_E_NOMEM, "%s", _("out of memory"));
    return GH_OK;
}

enum gh_status gh_site_sql_build(struct gh_site *site)
{
    if (site->sql[0].export_row)
        return GH_OK;
    if (gh_site_n_tables > (int)(sizeof site->sql / sizeof site->sql[0]))
        return gh_store_fail(site->st, GH_E_INVALID, "%s", "site: gh_site_tables[] outgrew "
                             "struct gh_site's sql[]");
    for (int i = 0; i < gh_site_n_tables; i++) {
        enum gh_status s = build_one(site, i);
        if (s != GH_OK) {
            gh_site_sql_free(site);
            return s;
        }
    }
    return GH_OK;
}

void gh_site_sql_free(struct gh_site *site)
{
    for (int i = 0; i < gh_site_n_tables; i++) {
        struct gh_site_sql *o = &site->sql[i];
        free(o->export_row);
        free(o->ready);
        free(o->upsert);
        free(o->del);
        memset(o, 0, sizeof *o);
    }
}

enum gh_status gh_site_row_json(struct gh_site *site, int t, const char *gid, char **json)
{
    *json = NULL;
    sqlite3_stmt *q = gh_store_prepare(site->st, site->sql[t].export_row);
    if (!q)
        return gh_store_sqlfail(site->st, _("reading a changed row"));
    sqlite3_bind_text(q, 1, gid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && !(*json = strdup(gh_store_col_text(q, 0))))
        rc = SQLITE_NOMEM;
    gh_store_done(site->st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_fail(site->st, GH_E_STORE, _("reading a changed row of %s"),
                             gh_site_tables[t].name);
    return GH_OK;
}

static enum gh_status run1(struct gh_site *site, const char *sql, const char *a,
                           const char *b, int *row)
{
    sqlite3_stmt *q = gh_store_prepare(site->st, sql);
    if (!q)
        return gh_store_sqlfail(site->st, _("applying a change from the site server"));
    sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (row)
        *row = rc == SQLITE_ROW;
    enum gh_status s = GH_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(site->st, _("applying a change from the site server"));
    gh_store_done(site->st, q);
    return s;
}

enum gh_status gh_site_row_apply(struct gh_site *site, int t, const char *gid,
                                 const char *op, const char *json)
{
    const struct gh_site_sql *o = &site->sql[t];
    if (strcmp(op, "delete") == 0)
        return run1(site, o->del, gid, NULL, NULL);
    int ready = 0;
    enum gh_status s = run1(site, o->ready, json, NULL, &ready);
    if (s != GH_OK)
        return s;
    if (!ready)
        return GH_E_CONFIRM;
    return run1(site, o->upsert, json, gid, NULL);
}
