/*
 * import_sync.c: what an import remembers and what `import --sync` does
 * with it (import_internal.h, issue 18).
 *
 * Provenance: import_tenants lists the occupants an import created,
 * import_units the units an import rented and to whom (a row counts only
 * while the unit is still rented to that account). With --sync the file is
 * the complete list of current tenants, so before any row is applied:
 *   - a unit an import rented that the file no longer lists for its tenant
 *     is vacated;
 *   - a tenant an import made (or rented to) who is absent from the file is
 *     moved out: their units vacated and the account made inactive (not
 *     blocked: they may come back), but only when every unit they rent came
 *     from an import; one rented by hand keeps them.
 * Doing this first lets a unit pass from a leaving tenant to a new one in
 * the same file. Each step is logged (unit.vacate, occupant.state and one
 * import.move_out entry per tenant). A tenant moved out who is in a later
 * file again moves in again (active, units rented by the row).
 *
 * Overlock: a row's delinquent mark overlocks every unit rented to the
 * tenant (overlock.c); a row without it releases the locks an import set
 * (a lock set by hand stays until it is lifted by hand).
 */
#include "import_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/overlock.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS 64             /* units of one tenant handled at once */

static enum gh_status exec_ids(struct gh_store *st, const char *sql, int64_t a, int64_t b,
                               const char *what)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    if (!q)
        return gh_store_sqlfail(st, what);
    /* Parameters the statement does not use are simply not bound. */
    sqlite3_bind_int64(q, 1, a);
    if (sqlite3_bind_parameter_count(q) >= 2)
        sqlite3_bind_int64(q, 2, b);
    if (sqlite3_bind_parameter_count(q) >= 3)
        sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, what);
}

enum gh_status gh_import_note_tenant(struct gh_store *st, int64_t account_id)
{
    return exec_ids(st, "INSERT INTO import_tenants (account_id, created_at) VALUES (?1, ?3)"
                        " ON CONFLICT(account_id) DO UPDATE SET moved_out_at = NULL",
                    account_id, 0, _("recording the import"));
}

enum gh_status gh_import_note_unit(struct gh_store *st, int64_t unit, int64_t account_id)
{
    return exec_ids(st, "INSERT OR REPLACE INTO import_units (location_id, account_id, rented_at)"
                        " VALUES (?1, ?2, ?3)",
                    unit, account_id, _("recording the import"));
}

enum gh_status gh_import_move_in_again(struct gh_store *st, const char *actor,
                                       const struct gh_account *a, int probe, int *again)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT 1 FROM import_tenants WHERE account_id = ?1"
                                           " AND moved_out_at IS NOT NULL");
    *again = 0;
    if (!q)
        return gh_store_sqlfail(st, _("reading the import's records"));
    sqlite3_bind_int64(q, 1, a->id);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("reading the import's records"));
    if (probe) {
        *again = 1;
        return GH_OK;
    }
    enum gh_status s = gh_import_note_tenant(st, a->id);
    if (s == GH_OK && a->state == GH_STATE_INACTIVE)
        s = gh_occupant_set_state(st, actor, a->id, GH_STATE_ACTIVE);
    *again = s == GH_OK;
    return s;
}

/* --adopt: the tenant (and the row's unit, when it is theirs) count as an
 * import's from now on. *changed: something was not yet recorded. */
enum gh_status gh_import_adopt(struct gh_store *st, int64_t account_id, int64_t unit, int probe,
                               int *changed)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "SELECT (SELECT count(*) FROM import_tenants WHERE account_id = ?1),"
            " (SELECT count(*) FROM locations l WHERE l.id = ?2 AND l.tenant_account = ?1"
            "  AND NOT EXISTS (SELECT 1 FROM import_units u WHERE u.location_id = l.id"
            "  AND u.account_id = ?1))");
    *changed = 0;
    if (!q)
        return gh_store_sqlfail(st, _("reading the import's records"));
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_int64(q, 2, unit);
    int rc = sqlite3_step(q), tenant = 0, hand_unit = 0;
    if (rc == SQLITE_ROW) {
        tenant = sqlite3_column_int(q, 0) > 0;
        hand_unit = sqlite3_column_int(q, 1) > 0;
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW)
        return gh_store_sqlfail(st, _("reading the import's records"));
    *changed = !tenant || hand_unit;
    if (probe || !*changed)
        return GH_OK;
    enum gh_status s = tenant ? GH_OK : gh_import_note_tenant(st, account_id);
    if (s == GH_OK && hand_unit)
        s = gh_import_note_unit(st, unit, account_id);
    return s;
}

/* The units rented to the account directly: ids and names. */
struct units {
    int64_t id[MAX_UNITS];
    char name[MAX_UNITS][GH_NAME_BUF];
    int n;
};

static enum gh_status units_of(struct gh_store *st, int64_t account_id, struct units *u)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT id, name FROM locations WHERE"
                                           " tenant_account = ?1 AND door_kind = 'unit'"
                                           " ORDER BY name_key");
    int rc;
    u->n = 0;
    if (!q)
        return gh_store_sqlfail(st, _("reading the tenant's units"));
    sqlite3_bind_int64(q, 1, account_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && u->n < MAX_UNITS) {
        u->id[u->n] = sqlite3_column_int64(q, 0);
        gh_store_copy(u->name[u->n], sizeof u->name[0], gh_store_col_text(q, 1));
        u->n++;
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the tenant's units"));
    return GH_OK;
}

static void change(const struct gh_import_opts *opts, enum gh_import_change kind,
                   const char *email, const char *what)
{
    if (opts && opts->on_change)
        opts->on_change(opts->ud, kind, email, what);
}

enum gh_status gh_import_overlock_tenant(struct gh_store *st, const char *actor,
                                         const struct gh_import_opts *opts,
                                         struct gh_import_stats *stats, int64_t account_id,
                                         const char *email, int on, int probe, int *would)
{
    static struct units u;       /* one import at a time per process */
    enum gh_status s = units_of(st, account_id, &u);
    for (int i = 0; i < u.n && s == GH_OK; i++) {
        int cur = 0, changed = 0;
        if ((s = gh_overlock_get(st, u.id[i], &cur)) != GH_OK || cur == on)
            continue;
        if (probe) {
            *would = 1;
            return GH_OK;
        }
        s = gh_overlock_set(st, actor, u.id[i], on, GH_OVERLOCK_IMPORT, &changed);
        if (s != GH_OK || !changed)
            continue;
        if (on)
            stats->overlocked++;
        else
            stats->released++;
        change(opts, on ? GH_IMPORT_OVERLOCKED : GH_IMPORT_RELEASED, email, u.name[i]);
    }
    return s;
}

/* ---- the plan ------------------------------------------------------------ */

static int push_item(struct gh_sync_plan *p, int64_t account, int64_t unit, const char *email)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        struct gh_sync_item *nv = realloc(p->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        p->v = nv;
        p->cap = nc;
    }
    struct gh_sync_item *it = &p->v[p->n++];
    it->account_id = account;
    it->unit = unit;
    snprintf(it->email, sizeof it->email, "%s", email);
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Tenants an import made, and which of them the file no longer lists (and
 * who rent nothing by hand): move-outs, first in the plan. */
static enum gh_status plan_tenants(struct gh_store *st, const struct gh_import_keys *keys,
                                   struct gh_sync_plan *p)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "WITH imp(id) AS (SELECT account_id FROM import_tenants WHERE moved_out_at IS NULL"
            " UNION SELECT u.account_id FROM import_units u JOIN locations l"
            " ON l.id = u.location_id AND l.tenant_account = u.account_id)"
            " SELECT a.id, a.email, a.email_key, (SELECT count(*) FROM locations l"
            "  WHERE l.tenant_account = a.id AND NOT EXISTS (SELECT 1 FROM import_units u"
            "  WHERE u.location_id = l.id AND u.account_id = a.id))"
            " FROM imp JOIN accounts a ON a.id = imp.id WHERE a.kind = 'occupant'");
    int rc;
    if (!q)
        return gh_store_sqlfail(st, _("planning the sync"));
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        p->imported++;
        if (gh_import_keys_has_email(keys, gh_store_col_text(q, 2)) ||
            sqlite3_column_int64(q, 3) > 0)
            continue;
        if (push_item(p, sqlite3_column_int64(q, 0), 0, gh_store_col_text(q, 1)) != 0) {
            gh_store_done(st, q);
            return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
        }
        p->moving_out++;
    }
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("planning the sync"));
}

/* Units an import rented that the file no longer lists for their tenant
 * (tenants moving out vacate theirs themselves). */
static enum gh_status plan_units(struct gh_store *st, const struct gh_import_keys *keys,
                                 struct gh_sync_plan *p, const int64_t *out, size_t n_out)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "SELECT u.location_id, l.name, a.id, a.email, a.email_key FROM import_units u"
            " JOIN locations l ON l.id = u.location_id AND l.tenant_account = u.account_id"
            " JOIN accounts a ON a.id = u.account_id ORDER BY a.id, l.name_key");
    int rc;
    if (!q)
        return gh_store_sqlfail(st, _("planning the sync"));
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t acct = sqlite3_column_int64(q, 2);
        if ((n_out && bsearch(&acct, out, n_out, sizeof *out, cmp_id)) ||
            gh_import_keys_has_pair(keys, gh_store_col_text(q, 4), gh_store_col_text(q, 1)))
            continue;
        if (push_item(p, acct, sqlite3_column_int64(q, 0), gh_store_col_text(q, 3)) != 0) {
            gh_store_done(st, q);
            return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
        }
    }
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("planning the sync"));
}

enum gh_status gh_import_sync_plan(struct gh_store *st, const struct gh_import_keys *keys,
                                   struct gh_sync_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    enum gh_status s = plan_tenants(st, keys, plan);
    if (s != GH_OK)
        return s;
    int64_t *out = malloc((plan->n ? plan->n : 1) * sizeof *out);
    if (!out)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    for (size_t i = 0; i < plan->n; i++)
        out[i] = plan->v[i].account_id;
    qsort(out, plan->n, sizeof *out, cmp_id);
    s = plan_units(st, keys, plan, out, plan->n);
    free(out);
    return s;
}

void gh_import_sync_plan_free(struct gh_sync_plan *plan)
{
    free(plan->v);
    memset(plan, 0, sizeof *plan);
}

/* ---- applying it ----------------------------------------------------------- */

static enum gh_status vacate(struct gh_store *st, const char *actor, int64_t unit)
{
    enum gh_status s = gh_unit_vacate(st, actor, unit);
    if (s == GH_OK)
        s = exec_ids(st, "DELETE FROM import_units WHERE location_id = ?1",
                     unit, 0, _("recording the import"));
    return s;
}

static enum gh_status move_out(struct gh_store *st, const char *actor, const char *file,
                               const struct gh_import_opts *opts, struct gh_import_stats *stats,
                               const struct gh_sync_item *it)
{
    static struct units u;
    struct gh_account a;
    char list[1024] = "", target[400];
    size_t n = 0;
    enum gh_status s = units_of(st, it->account_id, &u);
    for (int i = 0; i < u.n && s == GH_OK; i++) {
        s = vacate(st, actor, u.id[i]);
        if (n < sizeof list)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", u.name[i]);
    }
    if (s == GH_OK)
        s = gh_account_get(st, it->account_id, &a);
    if (s == GH_OK && a.state == GH_STATE_ACTIVE)
        s = gh_occupant_set_state(st, actor, a.id, GH_STATE_INACTIVE);
    if (s == GH_OK)
        s = exec_ids(st, "INSERT INTO import_tenants (account_id, created_at, moved_out_at)"
                         " VALUES (?1, ?3, ?3) ON CONFLICT(account_id) DO UPDATE"
                         " SET moved_out_at = ?3",
                     it->account_id, 0, _("recording the import"));
    if (s != GH_OK)
        return s;
    gh_rules_account_target(st, it->account_id, target, sizeof target);
    s = gh_audit_appendf(st, actor, "import.move_out", target, GH_OUTCOME_OK,
                         "absent from %s: %s%s; account %s%s", file,
                         u.n ? "vacated " : "no units", list,
                         a.state == GH_STATE_ACTIVE ? "made inactive" : "left ",
                         a.state == GH_STATE_ACTIVE ? "" : gh_state_name(a.state));
    if (s == GH_OK) {
        stats->moved_out++;
        change(opts, GH_IMPORT_MOVED_OUT, it->email, list);
    }
    return s;
}

enum gh_status gh_import_sync_apply(struct gh_store *st, const char *actor, const char *file,
                                    const struct gh_import_opts *opts,
                                    struct gh_import_stats *stats,
                                    const struct gh_sync_item *it)
{
    if (!it->unit)
        return move_out(st, actor, file, opts, stats, it);
    struct gh_location l;
    enum gh_status s = gh_location_get(st, it->unit, &l);
    if (s == GH_OK)
        s = vacate(st, actor, it->unit);
    if (s == GH_OK) {
        char what[GH_NAME_BUF + 32];
        snprintf(what, sizeof what, _("vacated %s"), l.name);
        change(opts, GH_IMPORT_CHANGED, it->email, what);
    }
    return s;
}
