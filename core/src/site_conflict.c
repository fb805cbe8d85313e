/*
 * site_conflict.c: the server decides what kiosks did while cut off.
 *
 * Run for each pushed change inside the numbering transaction, so the
 * decision and the numbers are one commit:
 *  - An account whose email or phone another live account already owns on
 *    the server (two kiosks signed the same person up offline) is refused:
 *    the first to reach the server wins. The refusal is a site_conflicts row
 *    and a server change that withdraws the loser's row (op delete, with the
 *    email and the winner in its data), which flows back to its kiosk.
 *  - An account change made without having seen the server's latest version
 *    of the row (base_num below the row's num) while that version is blocked
 *    or inactive keeps the server's state: block and switch-off win; the
 *    other fields of the change are kept. The merged row is recorded as the
 *    server's (kiosk 'server'), so it flows back to its kiosk too.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GH_SITE_SERVER "server"

/* The live account (other than gid) holding json's email or phone, or "". */
static enum gh_status owner_of(struct gh_site *site, const char *gid, const char *json,
                               char *owner, size_t n)
{
    const char *p[2] = { gid, json };
    PGresult *r = gh_site_pgquery(site,
        "SELECT gid FROM site_rows WHERE tbl = 'accounts' AND gid <> $1 AND "
        "(data->>'email_key' = $2::jsonb->>'email_key' OR "
        "(data->>'phone_key' = $2::jsonb->>'phone_key')) LIMIT 1", 2, p,
        _("checking a sign-up against the site"));
    if (!r)
        return site->err;
    gh_store_copy(owner, n, PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return GH_OK;
}

static enum gh_status withdraw(struct gh_site *site, int64_t *num, const char *change_id,
                               const char *gid, const char *json, const char *winner)
{
    const char *p[5] = { change_id, site->kiosk, gid, winner, json };
    PGresult *r = gh_site_pgquery(site,
        "INSERT INTO site_conflicts (change_id, kiosk, tbl, gid, winner_gid, reason, data) "
        "VALUES ($1, $2, 'accounts', $3, $4, 'email or phone already signed up at another "
        "kiosk', $5)", 5, p, _("recording a site conflict"));
    if (!r)
        return site->err;
    PQclear(r);
    r = gh_site_pgquery(site, "SELECT jsonb_build_object('withdrawn', true, 'email', "
                        "$1::jsonb->>'email', 'winner', $2::text, 'kiosk', $3::text)::text", 3,
                        (const char *[]){ json, winner, site->kiosk },
                        _("recording a site conflict"));
    if (!r)
        return site->err;
    char wid[64];
    snprintf(wid, sizeof wid, "w-%s", change_id);
    enum gh_status s = gh_site_record(site, num, wid, GH_SITE_SERVER, "accounts", gid,
                                      "delete", PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

/* 1 when the server already has this account (an edit, not a sign-up). */
static int known_row(struct gh_site *site, const char *gid)
{
    const char *p[1] = { gid };
    PGresult *r = gh_site_pgquery(site, "SELECT 1 FROM site_rows WHERE tbl = 'accounts' "
                                  "AND gid = $1", 1, p, _("checking an account change"));
    int yes = r && PQntuples(r) > 0;
    PQclear(r);
    return yes;
}

/* An existing account edited to another's email or phone: refused, and the
 * server's version is sent back (as the server's) so the kiosk reverts;
 * never a withdrawal, which would remove a live account everywhere. */
static enum gh_status revert(struct gh_site *site, int64_t *num, const char *change_id,
                             const char *gid, const char *json, const char *winner)
{
    const char *p[5] = { change_id, site->kiosk, gid, winner, json };
    PGresult *r = gh_site_pgquery(site,
        "INSERT INTO site_conflicts (change_id, kiosk, tbl, gid, winner_gid, reason, data) "
        "VALUES ($1, $2, 'accounts', $3, $4, 'email or phone already used by another "
        "account', $5)", 5, p, _("recording a site conflict"));
    if (!r)
        return site->err;
    PQclear(r);
    r = gh_site_pgquery(site, "SELECT data::text FROM site_rows WHERE tbl = 'accounts' "
                        "AND gid = $1", 1, (const char *[]){ gid }, _("recording a site conflict"));
    if (!r)
        return site->err;
    char rid[64];
    snprintf(rid, sizeof rid, "r-%s", change_id);
    enum gh_status s = gh_site_record(site, num, rid, "server", "accounts", gid, "upsert",
                                      PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

/* Block and switch-off win: *merged is json with the server's state, or NULL
 * when the change stands as it is. */
static enum gh_status keep_block(struct gh_site *site, const char *gid, const char *json,
                                 int64_t base_num, char **merged)
{
    char base[24];
    snprintf(base, sizeof base, "%" PRId64, base_num);
    const char *p[3] = { gid, json, base };
    *merged = NULL;
    PGresult *r = gh_site_pgquery(site,
        "SELECT jsonb_set($2::jsonb, '{state}', data->'state')::text FROM site_rows "
        "WHERE tbl = 'accounts' AND gid = $1 AND num > $3::bigint "
        "AND data->>'state' IN ('blocked', 'inactive') "
        "AND data->>'state' IS DISTINCT FROM $2::jsonb->>'state'", 3, p,
        _("checking an account change against the site"));
    if (!r)
        return site->err;
    if (PQntuples(r) && !(*merged = strdup(PQgetvalue(r, 0, 0)))) {
        PQclear(r);
        return gh_store_fail(site->st, GH_E_NOMEM, "%s", _("out of memory"));
    }
    PQclear(r);
    return GH_OK;
}

/* A card belongs to one account: a card another kiosk registered first (the
 * same keyed hash under another gid) is refused, and the loser's row is
 * withdrawn by a server change as a sign-up is (*refused 1). */
static enum gh_status card_taken(struct gh_site *site, int64_t *num, const char *change_id,
                                 const char *gid, const char *json, int *refused)
{
    const char *p[2] = { gid, json };
    *refused = 0;
    PGresult *r = gh_site_pgquery(site, "SELECT gid FROM site_rows WHERE tbl = 'cards' AND "
        "gid <> $1 AND data->>'card_hash' = $2::jsonb->>'card_hash' LIMIT 1", 2, p,
        _("checking a card against the site"));
    if (!r)
        return site->err;
    char winner[72];
    gh_store_copy(winner, sizeof winner, PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    if (!winner[0])
        return GH_OK;
    *refused = 1;
    const char *c[5] = { change_id, site->kiosk, gid, winner, json };
    r = gh_site_pgquery(site, "INSERT INTO site_conflicts (change_id, kiosk, tbl, gid, "
        "winner_gid, reason, data) VALUES ($1, $2, 'cards', $3, $4, 'card already registered "
        "at another kiosk', $5)", 5, c, _("recording a site conflict"));
    if (!r)
        return site->err;
    PQclear(r);
    r = gh_site_pgquery(site, "SELECT jsonb_build_object('withdrawn', true, 'what', 'card ...' "
                        "|| ($1::jsonb->>'last4'), 'winner', $2::text, 'kiosk', $3::text)::text",
                        3, (const char *[]){ json, winner, site->kiosk },
                        _("recording a site conflict"));
    if (!r)
        return site->err;
    char wid[64];
    snprintf(wid, sizeof wid, "w-%s", change_id);
    enum gh_status s = gh_site_record(site, num, wid, GH_SITE_SERVER, "cards", gid, "delete",
                                      PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

enum gh_status gh_site_decide(struct gh_site *site, int64_t *num, const char *change_id,
                              const char *tbl, const char *gid, const char *op,
                              const char *json, int64_t base_num)
{
    int refused = 0;
    if (strcmp(tbl, "cards") == 0 && strcmp(op, "upsert") == 0) {
        enum gh_status s = card_taken(site, num, change_id, gid, json, &refused);
        if (s != GH_OK || refused)
            return s;
    }
    if (strcmp(tbl, "accounts") != 0 || strcmp(op, "upsert") != 0)
        return gh_site_record(site, num, change_id, site->kiosk, tbl, gid, op, json);
    char owner[72];
    enum gh_status s = owner_of(site, gid, json, owner, sizeof owner);
    if (s != GH_OK)
        return s;
    if (owner[0])
        return known_row(site, gid) ? revert(site, num, change_id, gid, json, owner)
                                    : withdraw(site, num, change_id, gid, json, owner);
    char *merged = NULL;
    s = keep_block(site, gid, json, base_num, &merged);
    if (s != GH_OK)
        return s;
    if (merged)
        s = gh_site_record(site, num, change_id, GH_SITE_SERVER, tbl, gid, op, merged);
    else
        s = gh_site_record(site, num, change_id, site->kiosk, tbl, gid, op, json);
    free(merged);
    return s;
}
