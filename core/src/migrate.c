/*
 * migrate.c: brings a database up to the schema this program was built with.
 *
 * The migrations are core/sql/NNNN_*.sql, embedded at build time (in name
 * order) as gh_migrations[]. The number in front of each name is its schema
 * version; PRAGMA user_version holds the last one applied. Every pending
 * migration runs in one IMMEDIATE transaction with the new user_version, so a
 * crash or a failing script leaves the database exactly as it was, and two
 * programs starting at once (kiosk and gatehousectl) cannot both migrate.
 *
 * A database whose user_version is above the newest migration known here was
 * written by a newer Gatehouse; it is refused (GH_E_SCHEMA) rather than used,
 * because this program can't know what the newer columns mean.
 */
#include "store_internal.h"
#include "gatehouse/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gh_embedded { const char *name; const char *text; size_t len; };
extern const struct gh_embedded gh_migrations[];

/* The version a migration's file name carries ("0002_outbox.sql" -> 2), or
 * -1 if the name does not start with digits and '_'. */
static int version_of(const char *name)
{
    int v = 0, digits = 0;
    for (; *name >= '0' && *name <= '9'; name++, digits++) {
        if (v > 100000)
            return -1;
        v = v * 10 + (*name - '0');
    }
    return digits > 0 && *name == '_' ? v : -1;
}

int gh_store_schema_latest(void)
{
    int latest = 0;
    for (const struct gh_embedded *m = gh_migrations; m->name; m++) {
        int v = version_of(m->name);
        if (v > latest)
            latest = v;
    }
    return latest;
}

static enum gh_status read_version(struct gh_store *st, int *out)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return gh_store_sqlfail(st, _("reading the schema version"));
    }
    *out = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return GH_OK;
}

enum gh_status gh_store_migrate(struct gh_store *st)
{
    enum gh_status s;
    int latest = gh_store_schema_latest();
    int have = 0;

    /* The embedded list must be 1, 2, 3 ... with no gap or duplicate, else a
     * database could skip a step. A build mistake, caught on first open. */
    int expect = 1;
    for (const struct gh_embedded *m = gh_migrations; m->name; m++, expect++)
        if (version_of(m->name) != expect)
            return gh_store_fail(st, GH_E_INTERNAL,
                                 "migration %s is out of sequence (expected number %d)",
                                 m->name, expect);

    s = read_version(st, &have);
    if (s != GH_OK)
        return s;
    if (have > latest)
        return gh_store_fail(st, GH_E_SCHEMA,
                             _("%s was written by a newer Gatehouse (schema version %d; "
                               "this program knows up to %d): upgrade Gatehouse or "
                               "restore a backup"), st->path, have, latest);
    if (have == latest) {
        st->schema_version = have;
        return GH_OK;
    }

    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    /* Read again inside the write lock: another process may have migrated
     * while we waited for it. */
    s = read_version(st, &have);
    if (s != GH_OK)
        goto fail;
    if (have > latest) {
        s = gh_store_fail(st, GH_E_SCHEMA,
                          _("%s was written by a newer Gatehouse (schema version %d; "
                            "this program knows up to %d)"), st->path, have, latest);
        goto fail;
    }
    for (const struct gh_embedded *m = gh_migrations; m->name; m++) {
        if (version_of(m->name) <= have)
            continue;
        char what[160];
        snprintf(what, sizeof what, _("applying migration %s"), m->name);
        s = gh_store_exec(st, m->text, what);
        if (s != GH_OK) {
            if (s == GH_E_EXISTS || s == GH_E_TRANSIENT)
                s = GH_E_STORE;
            goto fail;
        }
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
    s = gh_store_exec(st, sql, _("recording the schema version"));
    if (s != GH_OK)
        goto fail;
    s = gh_store_commit(st);
    if (s != GH_OK)
        return s;
    st->schema_version = latest;
    return GH_OK;

fail:
    gh_store_rollback(st);
    return s;
}
