/*
 * location.c: the location tree, doors and units (location.h; SPEC
 * "Locations, groups and access" and "Doors, units and who may open them").
 *
 * Locations form a tree by parent_id; names are unique case-insensitively
 * (name_key), so a location can be named in the command line and in CSV
 * files without ids. A location may carry a door: "common" (entrance, gate)
 * or "unit" (a rentable storage unit or suite), wired to one relay channel
 * on one board named by the board's own ID. A unit is vacant or rented to
 * exactly one tenant (an occupant or a group), who may share it with
 * management.
 *
 * Tree walks are recursive CTEs: one query for the whole tree in
 * depth-first order (siblings by name), one up the parent chain for "is this
 * inside that". The tree of a building is small (hundreds of rows), so
 * clarity wins over caching.
 */
#include "gatehouse/location.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GH_UNLOCK_MS_MIN 100
#define GH_UNLOCK_MS_MAX 60000
#define PATH_SEP " \xE2\x80\xBA "      /* " › " */

/* ---- relay addresses -------------------------------------------------- */

int gh_relay_addr_parse(const char *s, char *board, size_t boardlen, int *channel,
                        char *err, size_t errlen)
{
    const char *colon, *p;
    size_t blen;
    long ch = 0;

#define FAIL(msg) do { if (err && errlen) snprintf(err, errlen, "%s", (msg)); return -1; } while (0)
    if (!s || !(colon = strchr(s, ':')) || strchr(colon + 1, ':'))
        FAIL(_("relay: write it as BOARD:CHANNEL, like QWERT:1"));
    blen = (size_t)(colon - s);
    if (blen < 1 || blen > 32)
        FAIL(_("relay: the board ID must be 1 to 32 characters, without spaces or colons"));
    for (p = s; p < colon; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
            FAIL(_("relay: the board ID must be 1 to 32 characters, without spaces or colons"));
    p = colon + 1;
    if (!*p || strlen(p) > 2)
        FAIL(_("relay: the channel must be a number from 1 to 64"));
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            FAIL(_("relay: the channel must be a number from 1 to 64"));
        ch = ch * 10 + (*p - '0');
    }
    if (ch < 1 || ch > 64)
        FAIL(_("relay: the channel must be a number from 1 to 64"));
    if (!board || boardlen <= blen)
        FAIL(_("relay: the board ID is too long"));
#undef FAIL
    memcpy(board, s, blen);
    board[blen] = '\0';
    if (channel)
        *channel = (int)ch;
    return 0;
}

/* ---- reading ---------------------------------------------------------- */

#define LOC_COLS                                                                     \
    "l.id, l.name, COALESCE(l.parent_id, 0), COALESCE(l.door_kind, ''), "            \
    "COALESCE(l.relay_board, ''), COALESCE(l.relay_channel, 0), "                    \
    "COALESCE(l.unlock_ms, 0), COALESCE(l.tenant_account, 0), "                      \
    "COALESCE(l.tenant_group, 0), l.shared, "                                        \
    "COALESCE(NULLIF(ta.name, ''), ta.email, tg.name, '')"
#define LOC_JOINS                                                                    \
    " LEFT JOIN accounts ta ON ta.id = l.tenant_account"                             \
    " LEFT JOIN groups tg ON tg.id = l.tenant_group"

/* The whole tree, depth first, siblings by name: each row's sort key is its
 * ancestors' keys joined by char(1), which sorts before any character a
 * name may hold, so a parent's subtree comes before its next sibling. */
#define TREE_CTE                                                                     \
    "WITH RECURSIVE t(id, depth, sk, path) AS ("                                     \
    " SELECT id, 0, name_key, name FROM locations WHERE parent_id IS NULL"           \
    " UNION ALL"                                                                     \
    " SELECT l.id, t.depth + 1, t.sk || char(1) || l.name_key,"                      \
    "        t.path || '" PATH_SEP "' || l.name"                                     \
    " FROM locations l JOIN t ON l.parent_id = t.id WHERE t.depth < 64) "

static void row_to_location(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    struct gh_location *l = out;
    const char *kind;

    memset(l, 0, sizeof *l);
    l->id = sqlite3_column_int64(q, 0);
    gh_store_copy(l->name, sizeof l->name, gh_store_col_text(q, 1));
    l->parent_id = sqlite3_column_int64(q, 2);
    kind = gh_store_col_text(q, 3);
    l->door = strcmp(kind, "common") == 0 ? GH_DOOR_COMMON
            : strcmp(kind, "unit") == 0   ? GH_DOOR_UNIT
                                          : GH_DOOR_NONE;
    gh_store_copy(l->relay_board, sizeof l->relay_board, gh_store_col_text(q, 4));
    l->relay_channel = sqlite3_column_int(q, 5);
    l->unlock_ms = sqlite3_column_int(q, 6);
    if (l->unlock_ms <= 0)
        l->unlock_ms = (int)gh_settings_get_int(st, GH_SETTING_UNLOCK_MS);
    l->tenant_account = sqlite3_column_int64(q, 7);
    l->tenant_group = sqlite3_column_int64(q, 8);
    l->shared = sqlite3_column_int(q, 9);
    gh_store_copy(l->tenant_name, sizeof l->tenant_name, gh_store_col_text(q, 10));
}

/* Fills path and depth by walking up the parent chain. */
static enum gh_status fill_path(struct gh_store *st, struct gh_location *l)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "WITH RECURSIVE up(id, name, parent_id, d) AS ("
            " SELECT id, name, parent_id, 0 FROM locations WHERE id = ?1"
            " UNION ALL"
            " SELECT l.id, l.name, l.parent_id, up.d + 1 FROM locations l"
            " JOIN up ON l.id = up.parent_id WHERE up.d < 64)"
            " SELECT name, d FROM up ORDER BY d DESC");
    size_t o = 0;
    int rc, first = 1;

    if (!q)
        return gh_store_sqlfail(st, _("reading a location"));
    sqlite3_bind_int64(q, 1, l->id);
    l->path[0] = '\0';
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (first)
            l->depth = sqlite3_column_int(q, 1);
        if (o < sizeof l->path)
            o += (size_t)snprintf(l->path + o, sizeof l->path - o, "%s%s",
                                  first ? "" : PATH_SEP, gh_store_col_text(q, 0));
        first = 0;
    }
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading a location"));
    return GH_OK;
}

#define LOC_BY_ID "SELECT " LOC_COLS " FROM locations l" LOC_JOINS " WHERE l.id = ?1"
#define LOC_BY_NAME "SELECT " LOC_COLS " FROM locations l" LOC_JOINS " WHERE l.name_key = ?1"

/* One location (LOC_BY_ID or LOC_BY_NAME) with its path. */
static enum gh_status load_loc(struct gh_store *st, const char *sql, struct gh_bind key,
                               struct gh_location *out)
{
    enum gh_status s = gh_store_get_one(st, sql, key, row_to_location, out,
                                        _("reading a location"));
    if (s == GH_OK)
        s = fill_path(st, out);
    return s;
}

enum gh_status gh_location_get(struct gh_store *st, int64_t id, struct gh_location *out)
{
    enum gh_status s = load_loc(st, LOC_BY_ID, GH_INT(id), out);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("no location with id %lld"), (long long)id);
    return s;
}

enum gh_status gh_location_find(struct gh_store *st, const char *name_or_id,
                                struct gh_location *out)
{
    int64_t id;
    enum gh_status s = gh_rules_location_id(st, name_or_id, &id);

    if (s != GH_OK)
        return s;
    s = load_loc(st, LOC_BY_ID, GH_INT(id), out);
    if (s == GH_E_NOTFOUND)          /* gone between the two reads */
        return gh_store_fail(st, s, _("location: no location named \"%.100s\""), name_or_id);
    return s;
}

/* bind: ?1 when not 0; text: ?2 when not NULL. */
static enum gh_status list_tree(struct gh_store *st, const char *sql, int64_t bind,
                                const char *text, gh_location_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    struct gh_location l;
    enum gh_status s = GH_OK;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("listing locations"));
    if (bind)
        sqlite3_bind_int64(q, 1, bind);
    if (text)
        sqlite3_bind_text(q, 2, text, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row_to_location(st, q, &l);
        l.depth = sqlite3_column_int(q, 11);
        gh_store_copy(l.path, sizeof l.path, gh_store_col_text(q, 12));
        if (fn && fn(ud, &l))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("listing locations"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_location_list(struct gh_store *st, gh_location_fn fn, void *ud)
{
    return list_tree(st, TREE_CTE "SELECT " LOC_COLS ", t.depth, t.path FROM t"
                         " JOIN locations l ON l.id = t.id" LOC_JOINS " ORDER BY t.sk",
                     0, NULL, fn, ud);
}

enum gh_status gh_unit_list_for(struct gh_store *st, int64_t account_id, gh_location_fn fn,
                                void *ud)
{
    /* Through the group only while the group is not archived: an archived
     * group grants nothing (SPEC "Locations, groups and access"). */
    return list_tree(st, TREE_CTE "SELECT " LOC_COLS ", t.depth, t.path FROM t"
                         " JOIN locations l ON l.id = t.id" LOC_JOINS
                         " WHERE l.door_kind = 'unit' AND (l.tenant_account = ?1"
                         " OR l.tenant_group = (SELECT a.group_id FROM accounts a"
                         " JOIN groups g ON g.id = a.group_id AND g.archived = 0"
                         " WHERE a.id = ?1)) ORDER BY t.sk",
                     account_id, NULL, fn, ud);
}

enum gh_status gh_unit_search(struct gh_store *st, const char *text, gh_location_fn fn,
                              void *ud)
{
    char t[GH_NAME_BUF], key[GH_NAME_BUF];

    /* The unit's name compares by its name_key (the case rule of location
     * names); the tenant's name, email and group name by SQLite's lower(),
     * which folds ASCII: enough for what staff type to find a tenant. */
    if (gh_ident_trim(text ? text : "", t, sizeof t) != 0)
        t[0] = '\0';
    gh_rules_name_key(t, key, sizeof key);
    return list_tree(st, TREE_CTE "SELECT " LOC_COLS ", t.depth, t.path FROM t"
                         " JOIN locations l ON l.id = t.id" LOC_JOINS
                         " WHERE l.door_kind = 'unit' AND (?2 = ''"
                         " OR instr(l.name_key, ?2) > 0"
                         " OR instr(lower(COALESCE(ta.name, '')), ?2) > 0"
                         " OR instr(lower(COALESCE(ta.email, '')), ?2) > 0"
                         " OR instr(lower(COALESCE(tg.name, '')), ?2) > 0) ORDER BY t.sk",
                     0, key, fn, ud);
}

int gh_location_within(struct gh_store *st, int64_t loc, int64_t ancestor)
{
    sqlite3_stmt *q;
    int in = 0;

    if (loc == ancestor)
        return 1;
    q = gh_store_prepare(st, "WITH RECURSIVE up(id) AS (SELECT ?1 UNION"
                             " SELECT l.parent_id FROM locations l JOIN up ON l.id = up.id"
                             " WHERE l.parent_id IS NOT NULL)"
                             " SELECT 1 FROM up WHERE id = ?2");
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, loc);
    sqlite3_bind_int64(q, 2, ancestor);
    in = sqlite3_step(q) == SQLITE_ROW;
    gh_store_done(st, q);
    return in;
}

/* ---- adding ----------------------------------------------------------- */

static const char *door_name(enum gh_door_kind d)
{
    return d == GH_DOOR_COMMON ? "common" : d == GH_DOOR_UNIT ? "unit" : NULL;
}

static void row_name(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    (void)st;
    gh_store_copy(out, GH_NAME_BUF, gh_store_col_text(q, 0));
}

/* The name of the location (other than `except`) wired to board:channel, or
 * "" in holder when the relay is free. */
static enum gh_status relay_holder(struct gh_store *st, const char *board, int channel,
                                   int64_t except, char holder[GH_NAME_BUF])
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT name FROM locations WHERE relay_board = ?1 "
                                           "AND relay_channel = ?2 AND id <> ?3");
    int rc;

    holder[0] = '\0';
    if (!q)
        return gh_store_sqlfail(st, _("checking the relay"));
    sqlite3_bind_text(q, 1, board, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, channel);
    sqlite3_bind_int64(q, 3, except);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        row_name(st, q, holder);
    gh_store_done(st, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK
                                                 : gh_store_sqlfail(st, _("checking the relay"));
}

/* A new location's input, checked. */
struct loc_in {
    char name[GH_NAME_BUF], key[GH_NAME_BUF], board[GH_BOARD_ID_BUF];
    int channel;
};

static enum gh_status check_loc_new(struct gh_store *st, const char *actor, const char *target,
                                    const struct gh_location_new *in, struct loc_in *v)
{
    const char *action = "location.add";
    char err[512];

    if (in->name && gh_ident_check_name(in->name, err, sizeof err) != 0)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    if (gh_ident_trim(in->name, v->name, sizeof v->name) != 0 || !*v->name)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               *v->name ? _("name: must be at most 100 characters long")
                                        : _("name: a location needs a name"));
    if (in->door != GH_DOOR_NONE && !door_name(in->door))
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               _("door: must be common or unit"));
    if (in->relay && *in->relay) {
        if (in->door == GH_DOOR_NONE)
            return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                                   _("relay: only a door (common or unit) can have a relay"));
        if (gh_relay_addr_parse(in->relay, v->board, sizeof v->board, &v->channel, err,
                                sizeof err))
            return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    if (in->unlock_ms != 0 &&
        (in->unlock_ms < GH_UNLOCK_MS_MIN || in->unlock_ms > GH_UNLOCK_MS_MAX))
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               _("unlock_ms: must be from 100 to 60000 milliseconds"));
    gh_rules_name_key(v->name, v->key, sizeof v->key);
    return GH_OK;
}

/* In the transaction: the name is free, the parent exists, the relay is
 * free. On anything but GH_OK the transaction is closed. */
static enum gh_status check_loc_place(struct gh_store *st, const char *actor, const char *target,
                                      const struct gh_location_new *in, const struct loc_in *v,
                                      struct gh_location *parent)
{
    const char *action = "location.add";
    char holder[GH_NAME_BUF];
    struct gh_location other;
    enum gh_status s = load_loc(st, LOC_BY_NAME, GH_TEXT(v->key), &other);

    if (s == GH_OK)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                               _("name: a location named \"%s\" already exists"), other.name);
    if (s != GH_E_NOTFOUND)
        goto fail;
    parent->id = 0;
    if (in->parent && *in->parent) {
        s = gh_location_find(st, in->parent, parent);
        if (s == GH_E_NOTFOUND)
            return gh_rules_refuse(st, 1, actor, action, target, s,
                                   _("parent: no location named \"%.100s\""), in->parent);
        if (s != GH_OK)
            goto fail;
    }
    if (!*v->board)
        return GH_OK;
    if ((s = relay_holder(st, v->board, v->channel, 0, holder)) != GH_OK)
        goto fail;
    if (*holder)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                               _("relay: %s:%d is already used by %s"), v->board, v->channel,
                               holder);
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_location_add(struct gh_store *st, const char *actor,
                               const struct gh_location_new *in, int64_t *id_out)
{
    const char *action = "location.add";
    const char *door;
    char target[600];
    struct loc_in v = { .channel = 0 };
    struct gh_location parent;
    int64_t id;
    enum gh_status s;

    if (id_out)
        *id_out = 0;
    actor = gh_rules_actor(actor);
    if (!in)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("name: a location needs a name"));
    snprintf(target, sizeof target, "location:%.200s", in->name ? in->name : "");
    if ((s = check_loc_new(st, actor, target, in, &v)) != GH_OK ||
        (s = gh_store_begin(st)) != GH_OK ||
        (s = check_loc_place(st, actor, target, in, &v, &parent)) != GH_OK)
        return s;
    door = door_name(in->door);
    s = gh_store_run(st, _("saving the location"),
                     "INSERT INTO locations(name, name_key, parent_id, door_kind, "
                     "relay_board, relay_channel, unlock_ms, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                     GH_TEXT(v.name), GH_TEXT(v.key), GH_INT_OR_NULL(parent.id), GH_TEXT(door),
                     GH_TEXT_OR_NULL(v.board), *v.board ? GH_INT(v.channel) : GH_TEXT(NULL),
                     GH_INT_OR_NULL(in->unlock_ms), GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    id = sqlite3_last_insert_rowid(gh_store_db(st));
    snprintf(target, sizeof target, "location:%lld:%s", (long long)id, v.name);
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s%s%s%s%s%s",
                         parent.id ? "under " : "at the top", parent.id ? parent.name : "",
                         door ? ", door " : "", door ? door : "",
                         *v.board ? ", relay " : "", *v.board ? in->relay : "");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    if (id_out)
        *id_out = id;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

/* ---- units ------------------------------------------------------------ */

/* Opens the transaction and loads location `id` for a change logged under
 * `action`; an unknown id is refused and logged. On GH_OK the transaction is
 * open and target names the location; otherwise nothing is left open. */
static enum gh_status begin_location(struct gh_store *st, const char *actor,
                                     const char *action, int64_t id, struct gh_location *l,
                                     char *target, size_t tlen)
{
    enum gh_status s;

    snprintf(target, tlen, "location:%lld", (long long)id);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = load_loc(st, LOC_BY_ID, GH_INT(id), l);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, _("no location with id %lld"),
                               (long long)id);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    snprintf(target, tlen, "location:%lld:%s", (long long)id, l->name);
    return GH_OK;
}

/* begin_location for a unit; "not a unit" is refused and logged too. */
static enum gh_status begin_unit(struct gh_store *st, const char *actor, const char *action,
                                 int64_t unit, struct gh_location *l, char *target,
                                 size_t tlen)
{
    enum gh_status s = begin_location(st, actor, action, unit, l, target, tlen);

    if (s != GH_OK)
        return s;
    if (l->door != GH_DOOR_UNIT)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("%s is not a unit; only a unit can be rented or shared"),
                               l->name);
    return GH_OK;
}

static enum gh_status set_tenant(struct gh_store *st, int64_t unit, int64_t account,
                                 int64_t group)
{
    return gh_store_run(st, _("saving the tenancy"),
                        "UPDATE locations SET tenant_account = ?2, tenant_group = ?3, "
                        "shared = 0 WHERE id = ?1",
                        GH_INT(unit), GH_INT_OR_NULL(account), GH_INT_OR_NULL(group));
}

static enum gh_status finish(struct gh_store *st, const char *actor, const char *action,
                             const char *target, const char *reason)
{
    enum gh_status s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, reason);
    if (s == GH_OK)
        s = gh_store_commit(st);
    if (s != GH_OK)
        gh_store_rollback(st);
    return s;
}

static enum gh_status rent(struct gh_store *st, const char *actor, int64_t unit,
                           int64_t account_id, int64_t group_id)
{
    const char *action = "unit.rent";
    char target[600], tenant[600];
    struct gh_location l;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = begin_unit(st, actor, action, unit, &l, target, sizeof target)) != GH_OK)
        return s;
    if (account_id) {
        struct gh_account a;
        s = gh_account_get(st, account_id, &a);
        if (s == GH_E_NOTFOUND)
            return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        if (s != GH_OK)
            goto fail;
        gh_rules_target_of(&a, tenant, sizeof tenant);
        /* Seed 004: an employee who rents a unit does so with a separate
         * tenant account. */
        if (a.kind == GH_KIND_STAFF)
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                                   _("A staff account can't rent a unit; rent it to the "
                                     "person's occupant account."));
    } else {
        struct gh_group g;
        s = gh_group_get(st, group_id, &g);
        if (s == GH_E_NOTFOUND)
            return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        if (s != GH_OK)
            goto fail;
        if (g.archived)
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                                   _("Group %s is archived; an archived group can't rent a "
                                     "unit."),
                                   g.name);
        snprintf(tenant, sizeof tenant, "group:%lld:%s", (long long)group_id, g.name);
    }
    if ((account_id && l.tenant_account == account_id) ||
        (group_id && l.tenant_group == group_id)) {
        gh_store_rollback(st);
        return GH_OK;            /* already theirs: nothing to change */
    }
    /* Renting an occupied unit to someone else would silently take a
     * tenant's unit away: staff vacate it first, on purpose. */
    if (l.tenant_account || l.tenant_group)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("Unit %s is already rented to %s; vacate it first."), l.name,
                               l.tenant_name);
    if ((s = set_tenant(st, unit, account_id, group_id)) != GH_OK)
        goto fail;
    {
        char reason[700];
        snprintf(reason, sizeof reason, "rented to %s", tenant);
        return finish(st, actor, action, target, reason);
    }
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_unit_rent_occupant(struct gh_store *st, const char *actor, int64_t unit,
                                     int64_t account_id)
{
    if (account_id <= 0)
        return gh_store_fail(st, GH_E_NOTFOUND, _("no account with id %lld"),
                             (long long)account_id);
    return rent(st, actor, unit, account_id, 0);
}

enum gh_status gh_unit_rent_group(struct gh_store *st, const char *actor, int64_t unit,
                                  int64_t group_id)
{
    if (group_id <= 0)
        return gh_store_fail(st, GH_E_NOTFOUND, _("no group with id %lld"),
                             (long long)group_id);
    return rent(st, actor, unit, 0, group_id);
}

enum gh_status gh_unit_vacate(struct gh_store *st, const char *actor, int64_t unit)
{
    const char *action = "unit.vacate";
    char target[600], reason[700], tenant[320];
    struct gh_location l;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = begin_unit(st, actor, action, unit, &l, target, sizeof target)) != GH_OK)
        return s;
    if (!l.tenant_account && !l.tenant_group)
        return finish(st, actor, action, target, "already vacant");
    if ((s = set_tenant(st, unit, 0, 0)) != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    gh_rules_tenant_ref(st, l.tenant_account, l.tenant_group, l.tenant_name, tenant,
                        sizeof tenant);
    snprintf(reason, sizeof reason, "was rented to %s%s", tenant,
             l.shared ? "; sharing with management ended" : "");
    return finish(st, actor, action, target, reason);
}

enum gh_status gh_unit_share(struct gh_store *st, const char *actor, int64_t unit, int on)
{
    const char *action = "unit.share";
    char target[600];
    struct gh_location l;
    enum gh_status s;
    sqlite3_stmt *q;

    actor = gh_rules_actor(actor);
    if ((s = begin_unit(st, actor, action, unit, &l, target, sizeof target)) != GH_OK)
        return s;
    if (!l.tenant_account && !l.tenant_group)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                               _("This unit is vacant; only a rented unit can be shared with "
                                 "management."));
    /* An occupant may only share their own unit (directly or through their
     * group); staff and the command line may set it for the tenant. */
    if (strncmp(actor, "occupant:", 9) == 0) {
        int64_t who = strtoll(actor + 9, NULL, 10);
        int tenant = who && who == l.tenant_account;
        if (!tenant && l.tenant_group) {
            q = gh_store_prepare(st, "SELECT 1 FROM accounts a JOIN groups g ON g.id = "
                                     "a.group_id WHERE a.id = ?1 AND g.id = ?2 "
                                     "AND g.archived = 0");
            if (!q) {
                s = gh_store_sqlfail(st, _("checking the tenant"));
                gh_store_rollback(st);
                return s;
            }
            sqlite3_bind_int64(q, 1, who);
            sqlite3_bind_int64(q, 2, l.tenant_group);
            tenant = sqlite3_step(q) == SQLITE_ROW;
            gh_store_done(st, q);
        }
        if (!tenant)
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                                   _("Only the tenant can share this unit with management."));
    }
    s = gh_store_run(st, _("saving the share setting"),
                     "UPDATE locations SET shared = ?2 WHERE id = ?1", GH_INT(unit),
                     GH_INT(on ? 1 : 0));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return finish(st, actor, action, target,
                  on ? "on: the tenant shares access with management"
                     : "off: the tenant no longer shares access with management");
}

/* ---- editing doors (appended to location.h) --------------------------- */

/* begin_location for a door; "no door here" is refused and logged too. */
static enum gh_status begin_door(struct gh_store *st, const char *actor, const char *action,
                                 int64_t id, struct gh_location *l, char *target, size_t tlen)
{
    enum gh_status s = begin_location(st, actor, action, id, l, target, tlen);

    if (s != GH_OK)
        return s;
    if (l->door == GH_DOOR_NONE)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("%s has no door; only a door has a relay and an unlock time"),
                               l->name);
    return GH_OK;
}

enum gh_status gh_location_set_relay(struct gh_store *st, const char *actor, int64_t id,
                                     const char *relay)
{
    const char *action = "location.relay";
    char target[600], err[512], board[GH_BOARD_ID_BUF] = "", reason[300];
    struct gh_location l;
    int channel = 0;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if (relay && *relay &&
        gh_relay_addr_parse(relay, board, sizeof board, &channel, err, sizeof err) != 0) {
        snprintf(target, sizeof target, "location:%lld", (long long)id);
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    if ((s = begin_door(st, actor, action, id, &l, target, sizeof target)) != GH_OK)
        return s;
    if (*board) {
        char holder[GH_NAME_BUF];
        if ((s = relay_holder(st, board, channel, id, holder)) != GH_OK) {
            gh_store_rollback(st);
            return s;
        }
        if (*holder)
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                                   _("relay: %s:%d is already used by %s"), board, channel,
                                   holder);
    }
    s = gh_store_run(st, _("saving the relay"),
                     "UPDATE locations SET relay_board = ?2, relay_channel = ?3 WHERE id = ?1",
                     GH_INT(id), GH_TEXT_OR_NULL(board),
                     *board ? GH_INT(channel) : GH_TEXT(NULL));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if (*l.relay_board)
        snprintf(reason, sizeof reason, "relay %s:%d -> %s", l.relay_board, l.relay_channel,
                 *board ? relay : "none");
    else
        snprintf(reason, sizeof reason, "relay none -> %s", *board ? relay : "none");
    return finish(st, actor, action, target, reason);
}

enum gh_status gh_location_set_unlock_ms(struct gh_store *st, const char *actor, int64_t id,
                                         int unlock_ms)
{
    const char *action = "location.unlock_ms";
    char target[600], reason[128];
    struct gh_location l;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if (unlock_ms != 0 && (unlock_ms < GH_UNLOCK_MS_MIN || unlock_ms > GH_UNLOCK_MS_MAX)) {
        snprintf(target, sizeof target, "location:%lld", (long long)id);
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               _("unlock_ms: must be from 100 to 60000 milliseconds"));
    }
    if ((s = begin_door(st, actor, action, id, &l, target, sizeof target)) != GH_OK)
        return s;
    s = gh_store_run(st, _("saving the unlock time"),
                     "UPDATE locations SET unlock_ms = ?2 WHERE id = ?1", GH_INT(id),
                     GH_INT_OR_NULL(unlock_ms));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if (unlock_ms)
        snprintf(reason, sizeof reason, "unlock time %d ms", unlock_ms);
    else
        snprintf(reason, sizeof reason, "unlock time: the unlock_ms setting");
    return finish(st, actor, action, target, reason);
}
