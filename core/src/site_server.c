/*
 * site_server.c: the connection to the site server and its schema.
 *
 * The server's schema is core/sql-site/NNNN_*.sql, embedded at build time as
 * gh_site_migrations[] and applied by `gatehousectl site init` in one
 * transaction under an advisory lock, with site_schema.version recording the
 * last one applied: idempotent, and a newer server schema is refused.
 */
#include "site_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gh_embedded { const char *name; const char *text; size_t len; };
extern const struct gh_embedded gh_site_migrations[];

static int version_of(const char *name)
{
    int v = 0, digits = 0;
    for (; *name >= '0' && *name <= '9' && v < 100000; name++, digits++)
        v = v * 10 + (*name - '0');
    return digits > 0 && *name == '_' ? v : -1;
}

int gh_site_schema_latest(void)
{
    int latest = 0;
    for (const struct gh_embedded *m = gh_site_migrations; m->name; m++)
        if (version_of(m->name) > latest)
            latest = version_of(m->name);
    return latest;
}

enum gh_status gh_site_pgfail(struct gh_site *site, enum gh_status s, const char *what)
{
    char msg[512];
    gh_store_copy(msg, sizeof msg, site->pg ? PQerrorMessage(site->pg) : "");
    msg[strcspn(msg, "\n")] = '\0';
    return gh_store_fail(site->st, s, "%s: %s", what, msg[0] ? msg : _("no connection"));
}

PGresult *gh_site_pgquery(struct gh_site *site, const char *sql, int n,
                          const char *const *params, const char *what)
{
    return gh_site_pgcheck(site, PQexecParams(site->pg, sql, n, NULL, params, NULL, NULL, 0),
                           what);
}

PGresult *gh_site_pgcheck(struct gh_site *site, PGresult *r, const char *what)
{
    ExecStatusType rs = PQresultStatus(r);
    if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
        return r;
    enum gh_status s = PQstatus(site->pg) == CONNECTION_OK ? GH_E_STORE : GH_E_UNAVAILABLE;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23505") == 0)
        s = GH_E_EXISTS;
    site->err = s;
    gh_site_pgfail(site, s, what);
    PQclear(r);
    return NULL;
}

enum gh_status gh_site_pgexec(struct gh_site *site, const char *sql, const char *what)
{
    /* The simple protocol: sql may be several commands (a migration). */
    PGresult *r = PQexec(site->pg, sql);
    ExecStatusType rs = PQresultStatus(r);
    PQclear(r);
    if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
        return GH_OK;
    site->err = PQstatus(site->pg) == CONNECTION_OK ? GH_E_STORE : GH_E_UNAVAILABLE;
    return gh_site_pgfail(site, site->err, what);
}

/* A kiosk name: letters, digits, '-', '_' and '.', 1 to 63 of them. */
static int kiosk_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

static enum gh_status check_config(struct gh_store *st, const struct gh_config *cfg)
{
    if (!gh_config_site()->server[0])
        return gh_store_fail(st, GH_E_CONFIG, "%s", _("[site] server: not set in the "
                             "configuration (this kiosk is not part of a site)"));
    if (strncmp(gh_config_site()->server, "postgresql://", 13) != 0 &&
        strncmp(gh_config_site()->server, "postgres://", 11) != 0)
        return gh_store_fail(st, GH_E_CONFIG, "%s",
                             _("[site] server: must start with postgresql://"));
    if (!kiosk_name_ok(gh_config_site()->kiosk))
        return gh_store_fail(st, GH_E_CONFIG, "%s", _("[site] kiosk: must be this kiosk's "
                             "name, unique in the site (letters, digits, - _ . ; at most 63)"));
    return GH_OK;
}

enum gh_status gh_site_connect(struct gh_store *st, const struct gh_config *cfg,
                               struct gh_site **out)
{
    *out = NULL;
    enum gh_status s = check_config(st, cfg);
    if (s == GH_OK)
        s = gh_site_pq_load(st);
    if (s != GH_OK)
        return s;
    struct gh_site *site = calloc(1, sizeof *site);
    if (!site)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    site->st = st;
    gh_store_copy(site->kiosk, sizeof site->kiosk, gh_config_site()->kiosk);
    const char *keys[] = { "dbname", "passfile", "connect_timeout", "application_name", NULL };
    const char *vals[] = { gh_config_site()->server, gh_config_site()->password_file[0] ?
                           gh_config_site()->password_file : NULL, "5", "gatehouse", NULL };
    if (!vals[1]) {
        keys[1] = "connect_timeout", vals[1] = "5";
        keys[2] = "application_name", vals[2] = "gatehouse";
        keys[3] = NULL;
    }
    /* Applying a batch of changes: each upsert (ON CONFLICT, triggers) keeps
     * a statement journal; in SQLite's default temp file in /var/tmp that was
     * 28 page writes a change (measured), in memory it is none. */
    s = gh_store_exec(st, "PRAGMA temp_store = MEMORY", _("connecting to the site server"));
    if (s != GH_OK) {
        free(site);
        return s;
    }
    site->pg = PQconnectdbParams(keys, vals, 1);
    if (!site->pg || PQstatus(site->pg) != CONNECTION_OK) {
        s = gh_site_pgfail(site, GH_E_UNAVAILABLE, _("connecting to the site server"));
        gh_site_contact(site, 0);
        gh_site_close(site);
        return s;
    }
    gh_site_offline_note(site, 1);
    *out = site;
    return GH_OK;
}

void gh_site_close(struct gh_site *site)
{
    if (!site)
        return;
    gh_site_sql_free(site);
    if (site->pg)
        PQfinish(site->pg);
    free(site);
}

/* The server's schema version, 0 when it has none yet. -1 on failure. */
static int server_version(struct gh_site *site)
{
    PGresult *r = gh_site_pgquery(site, "SELECT to_regclass('site_schema') IS NOT NULL", 0,
                                  NULL, _("reading the site server's schema version"));
    if (!r)
        return -1;
    int exists = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists)
        return 0;
    r = gh_site_pgquery(site, "SELECT coalesce(max(version), 0) FROM site_schema", 0, NULL,
                        _("reading the site server's schema version"));
    if (!r)
        return -1;
    int v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static enum gh_status apply_migrations(struct gh_site *site, int have)
{
    enum gh_status s = GH_OK;
    for (const struct gh_embedded *m = gh_site_migrations; m->name && s == GH_OK; m++)
        if (version_of(m->name) > have)
            s = gh_site_pgexec(site, m->text, m->name);
    if (s != GH_OK)
        return s;
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS site_schema (version INTEGER NOT NULL);"
             "DELETE FROM site_schema; INSERT INTO site_schema VALUES (%d)",
             gh_site_schema_latest());
    return gh_site_pgexec(site, sql, _("recording the site server's schema version"));
}

enum gh_status gh_site_init_schema(struct gh_site *site, int *from, int *to)
{
    int latest = gh_site_schema_latest();
    char begin[96];
    snprintf(begin, sizeof begin, "BEGIN; SELECT pg_advisory_xact_lock(%d)", GH_SITE_LOCK_SCHEMA);
    enum gh_status s = gh_site_pgexec(site, begin, _("starting the schema change"));
    if (s != GH_OK)
        return s;
    int have = server_version(site);
    *from = have;
    *to = latest;
    if (have < 0)
        s = GH_E_STORE;
    else if (have > latest)
        s = gh_store_fail(site->st, GH_E_SCHEMA, _("the site server's schema is version %d, "
                          "newer than this program knows (%d): upgrade Gatehouse on this "
                          "kiosk"), have, latest);
    else if (have < latest)
        s = apply_migrations(site, have);
    if (s == GH_OK)
        return gh_site_pgexec(site, "COMMIT", _("committing the schema change"));
    PQclear(PQexec(site->pg, "ROLLBACK"));
    return s;
}

enum gh_status gh_site_check_schema(struct gh_site *site)
{
    int have = server_version(site), latest = gh_site_schema_latest();
    if (have < 0)
        return GH_E_STORE;
    if (have == 0)
        return gh_store_fail(site->st, GH_E_SCHEMA, "%s", _("the site server has no Gatehouse "
                             "schema yet: run `gatehousectl site init` first"));
    if (have < latest)
        return gh_store_fail(site->st, GH_E_SCHEMA, _("the site server's schema is version %d, "
                             "older than this program's (%d): run `gatehousectl site init`"),
                             have, latest);
    if (have > latest)
        return gh_store_fail(site->st, GH_E_SCHEMA, _("the site server's schema is version %d, "
                             "newer than this program knows (%d): upgrade Gatehouse on this "
                             "kiosk"), have, latest);
    return GH_OK;
}

void gh_site_contact(struct gh_site *site, int ok)
{
    if (!ok)
        gh_site_offline_note(site, 0);   /* logged once, when it starts */
    /* A good contact is written at most once a second (the offline policy
     * counts in minutes): the sync thread applying a stream of changes then
     * commits once per change, not twice, beside the door decisions. */
    int64_t now = gh_clock_now_ms();
    if (ok && site->contact_ms && now - site->contact_ms >= 0 &&
        now - site->contact_ms < GH_SITE_CONTACT_EVERY_MS)
        return;
    site->contact_ms = ok ? now : 0;
    sqlite3_stmt *q = gh_store_prepare(site->st, ok ?
        "UPDATE site_state SET last_contact_ms = ?1, offline_since_ms = 0" :
        "UPDATE site_state SET offline_since_ms = ?1 WHERE offline_since_ms = 0");
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, now);
    sqlite3_step(q);
    gh_store_done(site->st, q);
}
