/*
 * account_query.c: reading accounts (account.h "lookup"): one account by
 * id, email or phone, the list and count of the staff screens, and the
 * search behind the staff search screen.
 *
 * One query builder serves them all: the keys of a search prefix (name,
 * email and phone ranges, make_keys) are made once here, for
 * gh_account_list's single statement and for gh_account_search's walks.
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
 * costs no more than a common one. Without a prefix, the accounts are listed
 * by name and counted exactly from the (kind, state) index (a count is one
 * index walk).
 */
#include "gatehouse/account.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one account ------------------------------------------------------- */

#define ACCOUNT_COLS                                                              \
    "a.id, a.kind, a.state, a.access, COALESCE(a.group_id, 0), COALESCE(g.name, ''), " \
    "a.email, a.name, COALESCE(a.phone, ''), a.perms, a.pin_hash IS NOT NULL, "    \
    "a.req_org, a.req_unit, COALESCE(a.domain_group, 0), a.created_at, a.updated_at, " \
    "COALESCE(a.signed_up_at, 0), COALESCE(a.last_seen_at, 0), a.locked_until, a.removed_at IS NOT NULL"
#define ACCOUNT_FROM " FROM accounts a LEFT JOIN groups g ON g.id = a.group_id"

static void row_to_account(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    struct gh_account *a = out;
    enum gh_kind k = GH_KIND_OCCUPANT;
    enum gh_state s = GH_STATE_INACTIVE;
    enum gh_access x = GH_ACCESS_NONE;

    (void)st;

    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(q, 0);
    gh_kind_parse(gh_store_col_text(q, 1), &k);
    gh_state_parse(gh_store_col_text(q, 2), &s);
    gh_access_parse(gh_store_col_text(q, 3), &x);
    a->kind = k;
    a->state = s;
    a->access = x;
    a->group_id = sqlite3_column_int64(q, 4);
    gh_store_copy(a->group_name, sizeof a->group_name, gh_store_col_text(q, 5));
    gh_store_copy(a->email, sizeof a->email, gh_store_col_text(q, 6));
    gh_store_copy(a->name, sizeof a->name, gh_store_col_text(q, 7));
    gh_store_copy(a->phone, sizeof a->phone, gh_store_col_text(q, 8));
    a->perms = (unsigned)sqlite3_column_int64(q, 9);
    a->has_pin = sqlite3_column_int(q, 10);
    gh_store_copy(a->req_org, sizeof a->req_org, gh_store_col_text(q, 11));
    gh_store_copy(a->req_unit, sizeof a->req_unit, gh_store_col_text(q, 12));
    a->domain_group_id = sqlite3_column_int64(q, 13);
    a->created_at = sqlite3_column_int64(q, 14);
    a->updated_at = sqlite3_column_int64(q, 15);
    a->signed_up_at = sqlite3_column_int64(q, 16);
    a->last_seen_at = sqlite3_column_int64(q, 17);
    a->locked_until = sqlite3_column_int64(q, 18);
    if (sqlite3_column_int(q, 19))
        a->state = GH_STATE_REMOVED;   /* stored inactive (migration 0010) */
}

/* One account by a key column. GH_E_NOTFOUND without a message: callers
 * know what they looked for and say it better. */
enum gh_status gh_account_by_id(struct gh_store *st, int64_t id, struct gh_account *out)
{
    return gh_store_get_one(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.id = ?1",
                            GH_INT(id), row_to_account, out, _("reading an account"));
}

enum gh_status gh_account_by_email_key(struct gh_store *st, const char *key,
                                       struct gh_account *out)
{
    return gh_store_get_one(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.email_key = ?1",
                            GH_TEXT(key), row_to_account, out, _("reading an account"));
}

enum gh_status gh_account_by_phone_key(struct gh_store *st, const char *key,
                                       struct gh_account *out)
{
    return gh_store_get_one(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.phone_key = ?1",
                            GH_TEXT(key), row_to_account, out, _("reading an account"));
}

enum gh_status gh_account_get(struct gh_store *st, int64_t id, struct gh_account *out)
{
    enum gh_status s = gh_account_by_id(st, id, out);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("no account with id %lld"), (long long)id);
    return s;
}

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* By phone: first as E.164 with this site's calling code, so that a 7-digit
 * local number is not taken for an id; then as typed. */
static enum gh_status find_phone(struct gh_store *st, const char *who, struct gh_account *out)
{
    char phone[GH_PHONE_BUF];
    enum gh_status s = GH_E_NOTFOUND;

    if (gh_rules_phone_key(st, who, phone, sizeof phone, NULL, 0) == 0 && *phone)
        s = gh_account_by_phone_key(st, phone, out);
    /* A number stored before phone_country was set may still have the
     * key it was typed with (see gh_rules_phones_to_e164). */
    if (s == GH_E_NOTFOUND && gh_ident_normalize_phone(who, phone, sizeof phone, NULL, 0) == 0 &&
        *phone && phone[0] != '+')
        s = gh_account_by_phone_key(st, phone, out);
    return s;
}

enum gh_status gh_account_find(struct gh_store *st, const char *who, struct gh_account *out)
{
    char t[GH_NAME_BUF], key[GH_EMAIL_MAX + 1];
    enum gh_status s = GH_E_NOTFOUND;

    if (!who || !*who)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("no account given"));
    if (gh_ident_trim(who, t, sizeof t) != 0)
        goto notfound;
    if (strchr(t, '@')) {
        if (strlen(t) > GH_EMAIL_MAX)
            goto notfound;
        gh_ident_email_key(t, key, sizeof key);
        s = gh_account_by_email_key(st, key, out);
    } else {
        s = find_phone(st, t, out);
        /* short numbers can only be ids */
        if (s == GH_E_NOTFOUND && all_digits(t) && strlen(t) <= 18)
            s = gh_account_by_id(st, strtoll(t, NULL, 10), out);
    }
    if (s != GH_E_NOTFOUND)
        return s;
notfound:
    while (*who == ' ')
        who++;
    return gh_store_fail(st, GH_E_NOTFOUND, _("no account for \"%.80s\""), who);
}

void gh_account_actor(const struct gh_account *a, char *buf, size_t len)
{
    if (!buf || !len)
        return;
    if (!a)
        snprintf(buf, len, "unknown");
    else if (a->kind == GH_KIND_STAFF)
        snprintf(buf, len, "staff:%lld", (long long)a->id);
    else
        snprintf(buf, len, "occupant:%lld", (long long)a->id);
}

void gh_account_touch(struct gh_store *st, int64_t id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET last_seen_at = ?2 WHERE id = ?1");

    if (!q)
        return;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, gh_clock_now_ms());
    sqlite3_step(q);             /* "last activity" is a hint: a failure is not worth more */
    gh_store_done(st, q);
}

/* ---- the keys of a search prefix ---------------------------------------- */

enum { W_NAME = 0, W_EMAIL = 1, W_PHONE = 2, W_ALL = 3 };

struct keys {
    char lo[3][GH_NAME_BUF], hi[3][GH_NAME_BUF];
    int on[3];
    int any;
};

/* The index ranges of a search prefix: name, email and phone keys from lo
 * (inclusive) to hi (exclusive); on[w] when the prefix can be one. */
static void make_keys(struct gh_store *st, const char *prefix, struct keys *k)
{
    char t[GH_NAME_BUF];

    memset(k, 0, sizeof *k);
    if (gh_ident_trim(prefix, t, sizeof t) != 0) {
        k->any = 1;              /* longer than any key: matches nothing */
        return;
    }
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

/* ---- list and count (exact) --------------------------------------------- */

struct search {
    char sql[2048];
    struct keys k;
};

/* Builds the SQL for a query. Parameters have fixed numbers (?1..?11) so
 * one binder serves every variant; each variant is its own cached
 * statement. `what`: the select list. */
static void build_search(struct gh_store *st, const struct gh_account_query *q,
                         const char *what, int ordered, struct search *s)
{
    char where[512] = "";
    int w = 0;

    make_keys(st, q ? q->prefix : NULL, &s->k);

    /* With a prefix the matching ids come from the three indexes; the other
     * conditions are then checked on those rows only ("+" keeps SQLite from
     * walking a whole index for them instead). */
    const char *p = s->k.any ? "+" : "";
    if (q && q->kind >= 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.kind = ?7", p);
    if (q && q->state >= 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.state = ?8", p);
    if (q && q->group_id > 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.group_id = ?9", p);

    char from[1024];
    if (s->k.any) {
        char parts[900] = "";
        int pw = 0;
        if (s->k.on[W_EMAIL])
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "SELECT id FROM accounts WHERE email_key >= ?1 AND email_key < ?2");
        if (s->k.on[W_NAME])
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "%sSELECT id FROM accounts WHERE kind %s AND name_key >= ?3 "
                           "AND name_key < ?4",
                           pw ? " UNION " : "",
                           q && q->kind >= 0 ? "= ?7" : "IN ('occupant', 'staff')");
        if (s->k.on[W_PHONE])
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "%sSELECT id FROM accounts WHERE phone_key >= ?5 AND phone_key < ?6",
                           pw ? " UNION " : "");
        if (!pw)
            snprintf(parts, sizeof parts, "SELECT id FROM accounts WHERE 0");
        snprintf(from, sizeof from,
                 " FROM (%s) m JOIN accounts a ON a.id = m.id"
                 " LEFT JOIN groups g ON g.id = a.group_id",
                 parts);
    } else {
        snprintf(from, sizeof from, "%s", ACCOUNT_FROM);
    }

    snprintf(s->sql, sizeof s->sql, "SELECT %s%s WHERE 1%s%s%s", what, from, where,
             !ordered ? ""
             : (q && q->oldest_first) ? " ORDER BY a.signed_up_at, a.id"
                                      : " ORDER BY a.name_key, a.id",
             ordered ? " LIMIT ?10 OFFSET ?11" : "");
}

static void bind_search(sqlite3_stmt *st, const struct gh_account_query *q,
                        const struct search *s)
{
    int n = sqlite3_bind_parameter_count(st);

#define BT(i, v) do { if ((i) <= n) sqlite3_bind_text(st, (i), (v), -1, SQLITE_STATIC); } while (0)
#define BI(i, v) do { if ((i) <= n) sqlite3_bind_int64(st, (i), (v)); } while (0)
    if (s->k.on[W_EMAIL]) { BT(1, s->k.lo[W_EMAIL]); BT(2, s->k.hi[W_EMAIL]); }
    if (s->k.on[W_NAME]) { BT(3, s->k.lo[W_NAME]); BT(4, s->k.hi[W_NAME]); }
    if (s->k.on[W_PHONE]) { BT(5, s->k.lo[W_PHONE]); BT(6, s->k.hi[W_PHONE]); }
    if (q && q->kind >= 0)
        BT(7, gh_kind_name((enum gh_kind)q->kind));
    if (q && q->state >= 0)
        BT(8, gh_state_name((enum gh_state)q->state));
    if (q && q->group_id > 0)
        BI(9, q->group_id);
    BI(10, q && q->limit > 0 ? q->limit : -1);
    BI(11, q && q->offset > 0 ? q->offset : 0);
#undef BT
#undef BI
}

enum gh_status gh_account_list(struct gh_store *st, const struct gh_account_query *q,
                               gh_account_fn fn, void *ud)
{
    struct search *s = malloc(sizeof *s);
    sqlite3_stmt *stmt = NULL;
    struct gh_account a;
    enum gh_status rs = GH_OK;
    int rc;

    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, ACCOUNT_COLS, 1, s);
    stmt = gh_store_prepare(st, s->sql);
    if (!stmt) {
        rs = gh_store_sqlfail(st, _("listing accounts"));
        goto out;
    }
    bind_search(stmt, q, s);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        row_to_account(st, stmt, &a);
        if (fn && fn(ud, &a))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rs = gh_store_sqlfail(st, _("listing accounts"));
out:
    gh_store_done(st, stmt);
    free(s);
    return rs;
}

enum gh_status gh_account_count(struct gh_store *st, const struct gh_account_query *q,
                                int64_t *out)
{
    struct search *s = malloc(sizeof *s);
    sqlite3_stmt *stmt = NULL;
    enum gh_status rs = GH_OK;

    *out = 0;
    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, "count(*)", 0, s);
    stmt = gh_store_prepare(st, s->sql);
    if (!stmt) {
        rs = gh_store_sqlfail(st, _("counting accounts"));
        goto out;
    }
    bind_search(stmt, q, s);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        rs = gh_store_sqlfail(st, _("counting accounts"));
out:
    gh_store_done(st, stmt);
    free(s);
    return rs;
}

enum gh_status gh_account_search_plan(struct gh_store *st, const struct gh_account_query *q,
                                      char *buf, size_t len)
{
    struct search *s = malloc(sizeof *s);
    char sql[2100];
    sqlite3_stmt *stmt = NULL;
    enum gh_status rs = GH_OK;
    size_t o = 0;

    if (buf && len)
        buf[0] = '\0';
    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, ACCOUNT_COLS, 1, s);
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", s->sql);
    if (sqlite3_prepare_v2(gh_store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
        rs = gh_store_sqlfail(st, _("explaining the search"));
        goto out;
    }
    bind_search(stmt, q, s);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        int w = snprintf(buf + o, len - o, "%s\n", gh_store_col_text(stmt, 3));
        if (w < 0 || (size_t)w >= len - o)
            break;
        o += (size_t)w;
    }
out:
    sqlite3_finalize(stmt);
    free(s);
    return rs;
}

/* ---- search (the staff search screen) ----------------------------------- */

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
