/*
 * account_search.c: the staff search screen's query, and an account's
 * specific locations (both for the occupants plugin; appended to account.h).
 *
 * gh_account_list answers any query exactly, but with a short prefix at
 * 100,000 accounts it must gather and sort every match (one letter can match
 * them all), and its count walks them all again: hundreds of milliseconds,
 * too slow to run on every keystroke. gh_account_search trades exactness the
 * screen does not need for a cost that follows the limit, not the table:
 *
 *   - three ordered walks over an index alone (ids only, no table row
 *     read), each stopped after cap+1 rows: name matches (by name), then
 *     email matches not found already (by email), then phone matches found
 *     by neither (by phone);
 *   - the first `limit` of those, in that order, are the results;
 *   - the count is exact up to cap; past it the caller hears "more".
 *
 * Every walk is served by an index that starts with (kind, key), or
 * (kind, state, key) with a state filter (migration 0003), so a rare state
 * costs no more than a common one. Without a prefix, the accounts are listed by name and counted
 * exactly from the (kind, state) index (a count is one index walk).
 */
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W_NAME = 0, W_EMAIL = 1, W_PHONE = 2, W_ALL = 3 };

struct keys {
    char lo[3][GH_NAME_BUF], hi[3][GH_NAME_BUF];
    int on[3];
    int any;
};

static void make_keys(struct gh_store *st, const char *prefix, struct keys *k)
{
    char t[GH_NAME_BUF];
    size_t n;

    memset(k, 0, sizeof *k);
    while (prefix && *prefix == ' ')
        prefix++;
    n = prefix ? strlen(prefix) : 0;
    while (n && prefix[n - 1] == ' ')
        n--;
    if (n >= sizeof t)
        n = sizeof t - 1;
    if (n)
        memcpy(t, prefix, n);
    t[n] = '\0';
    if (!t[0])
        return;
    k->any = 1;
    gh_rules_name_key(t, k->lo[W_NAME], sizeof k->lo[W_NAME]);
    k->on[W_NAME] = gh_rules_prefix_hi(k->lo[W_NAME], k->hi[W_NAME], sizeof k->hi[W_NAME]) == 0;
    if (strlen(t) <= GH_EMAIL_MAX) {
        gh_ident_email_key(t, k->lo[W_EMAIL], sizeof k->lo[W_EMAIL]);
        k->on[W_EMAIL] = gh_rules_prefix_hi(k->lo[W_EMAIL], k->hi[W_EMAIL], sizeof k->hi[W_EMAIL]) == 0;
    }
    char cc[8];
    gh_store_copy(cc, sizeof cc, gh_settings_get(st, GH_SETTING_PHONE_COUNTRY));
    k->on[W_PHONE] = gh_rules_phone_prefix(t, cc, k->lo[W_PHONE], GH_PHONE_BUF) == 0 &&
                     gh_rules_prefix_hi(k->lo[W_PHONE], k->hi[W_PHONE], GH_PHONE_BUF) == 0;
}

/* One walk's SQL: it selects only the id, so that every walk is served by an
 * index alone ((kind, key) or (kind, state, key), whose entries carry the
 * rowid) and reads no table row. Parameters: ?1 kind, ?2 state, ?3 lo,
 * ?4 hi, ?5 limit. */
static void walk_sql(int which, int has_kind, int has_state, char *sql, size_t len)
{
    static const char *const col[] = { "name_key", "email_key", "phone_key", "name_key" };
    char where[256] = "";
    int w = 0;

    if (has_kind)
        w += snprintf(where + w, sizeof where - w, " AND kind = ?1");
    else if (which == W_NAME || which == W_ALL)
        w += snprintf(where + w, sizeof where - w, " AND kind IN ('occupant', 'staff')");
    if (has_state)
        w += snprintf(where + w, sizeof where - w, " AND state = ?2");
    if (which == W_ALL)
        snprintf(sql, len, "SELECT id FROM accounts WHERE 1%s ORDER BY name_key, id LIMIT ?5",
                 where);
    else
        snprintf(sql, len, "SELECT id FROM accounts WHERE %s >= ?3 AND %s < ?4%s "
                 "ORDER BY %s LIMIT ?5", col[which], col[which], where, col[which]);
}

/* The ids the walks kept: the first `cap` in order (the results), and an
 * open-addressing set of all of them, so that a later walk skips an
 * account an earlier one found (a name and an email can both match). */
struct found {
    int64_t *ids;
    int n, cap;
    int64_t *set;
    size_t mask;
};

static int seen(struct found *f, int64_t id, int add)
{
    size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & f->mask;
    while (f->set[h]) {
        if (f->set[h] == id)
            return 1;
        h = (h + 1) & f->mask;
    }
    if (add)
        f->set[h] = id;
    return 0;
}

/* Walks one range (at most `take` rows), keeping rows not already found by
 * an earlier walk. Returns the number of rows the walk visited, or -1. */
static int walk(struct gh_store *st, const struct gh_account_query *q, const struct keys *k,
                int which, int take, struct found *f, int64_t *kept)
{
    char sql[512];
    sqlite3_stmt *s;
    int rc, visited = 0;

    walk_sql(which, q->kind >= 0, q->state >= 0, sql, sizeof sql);
    s = gh_store_prepare(st, sql);
    if (!s)
        return -1;
    if (q->kind >= 0)
        sqlite3_bind_text(s, 1, gh_kind_name((enum gh_kind)q->kind), -1, SQLITE_STATIC);
    if (q->state >= 0)
        sqlite3_bind_text(s, 2, gh_state_name((enum gh_state)q->state), -1, SQLITE_STATIC);
    if (which != W_ALL) {
        sqlite3_bind_text(s, 3, k->lo[which], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, k->hi[which], -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(s, 5, take);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        visited++;
        if (f->set && seen(f, id, 1))
            continue;                    /* found by an earlier walk */
        (*kept)++;
        if (f->n < f->cap)
            f->ids[f->n++] = id;
    }
    gh_store_done(st, s);
    return rc == SQLITE_DONE ? visited : -1;
}

/* Everyone of the kind and state, counted from the (kind, state) index. */
static int count_all(struct gh_store *st, const struct gh_account_query *q, int64_t *out)
{
    char sql[160];
    sqlite3_stmt *s;
    int rc;

    snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE 1%s%s",
             q->kind >= 0 ? " AND kind = ?1" : "", q->state >= 0 ? " AND state = ?2" : "");
    s = gh_store_prepare(st, sql);
    if (!s)
        return -1;
    if (q->kind >= 0)
        sqlite3_bind_text(s, 1, gh_kind_name((enum gh_kind)q->kind), -1, SQLITE_STATIC);
    if (q->state >= 0)
        sqlite3_bind_text(s, 2, gh_state_name((enum gh_state)q->state), -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    gh_store_done(st, s);
    return rc == SQLITE_ROW ? 0 : -1;
}

enum gh_status gh_account_search(struct gh_store *st, const struct gh_account_query *q,
                                 int cap, gh_account_fn fn, void *ud, int64_t *total)
{
    struct keys k;
    struct found f = { 0 };
    struct gh_account a;
    enum gh_status rs = GH_OK;
    int64_t kept = 0;
    int more = 0;
    const struct gh_account_query any = { .kind = -1, .state = -1 };

    if (!q)
        q = &any;
    if (total)
        *total = 0;
    if (cap < 1)
        cap = 1000;
    make_keys(st, q->prefix, &k);
    f.cap = q->limit > 0 ? q->limit : 50;
    f.ids = calloc((size_t)f.cap, sizeof *f.ids);
    if (!f.ids)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if (!k.any) {
        /* everyone (of the kind and state): the first page by name, and the
         * exact count from the index, unless the caller has it already */
        if (walk(st, q, &k, W_ALL, f.cap, &f, &kept) < 0)
            goto sqlfail;
        if (total && count_all(st, q, &kept) != 0)
            goto sqlfail;
    } else {
        /* a set at most half full for the 3 * (cap + 1) ids the walks visit */
        size_t size = 1024;
        while (size < (size_t)cap * 6 + 6)
            size <<= 1;
        f.set = calloc(size, sizeof *f.set);
        if (!f.set) {
            rs = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
            goto out;
        }
        f.mask = size - 1;
        for (int w = W_NAME; w <= W_PHONE; w++) {
            if (!k.on[w])
                continue;
            int v = walk(st, q, &k, w, cap + 1, &f, &kept);
            if (v < 0)
                goto sqlfail;
            if (v > cap)
                more = 1;
        }
        if (more || kept > cap)
            kept = (int64_t)cap + 1;
    }
    if (total)
        *total = kept;
    for (int i = 0; i < f.n; i++) {
        rs = gh_account_get(st, f.ids[i], &a);
        if (rs == GH_E_NOTFOUND) {
            rs = GH_OK;                  /* gone since the walk: skip it */
            continue;
        }
        if (rs != GH_OK)
            goto out;
        if (fn && fn(ud, &a))
            break;
    }
    goto out;
sqlfail:
    rs = gh_store_sqlfail(st, _("searching accounts"));
out:
    free(f.set);
    free(f.ids);
    return rs;
}

enum gh_status gh_account_search_plans(struct gh_store *st, const struct gh_account_query *q,
                                       char *buf, size_t len)
{
    struct keys k;
    size_t o = 0;
    enum gh_status rs = GH_OK;
    const struct gh_account_query any = { .kind = -1, .state = -1 };

    if (!q)
        q = &any;
    if (buf && len)
        buf[0] = '\0';
    make_keys(st, q->prefix, &k);
    for (int w = k.any ? W_NAME : W_ALL; w <= W_ALL; w++) {
        char sql[512], ex[600];
        sqlite3_stmt *s = NULL;
        if ((k.any && w == W_ALL) || (w < W_ALL && !k.on[w]))
            continue;
        walk_sql(w, q->kind >= 0, q->state >= 0, sql, sizeof sql);
        snprintf(ex, sizeof ex, "EXPLAIN QUERY PLAN %s", sql);
        if (sqlite3_prepare_v2(gh_store_db(st), ex, -1, &s, NULL) != SQLITE_OK) {
            sqlite3_finalize(s);
            return gh_store_sqlfail(st, _("explaining the search"));
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            int n = snprintf(buf + o, len - o, "%s\n", gh_store_col_text(s, 3));
            if (n < 0 || (size_t)n >= len - o)
                break;
            o += (size_t)n;
        }
        sqlite3_finalize(s);
    }
    return rs;
}

enum gh_status gh_account_locations(struct gh_store *st, int64_t id,
                                    int (*fn)(void *ud, const char *name), void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT l.name FROM account_locations x JOIN "
                                           "locations l ON l.id = x.location_id "
                                           "WHERE x.account_id = ?1 ORDER BY l.name_key");
    enum gh_status s = GH_OK;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("reading an account's locations"));
    sqlite3_bind_int64(q, 1, id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn && fn(ud, gh_store_col_text(q, 0)))
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading an account's locations"));
    gh_store_done(st, q);
    return s;
}
