/*
 * group.c: occupant groups (group.h; SPEC "Locations, groups and access",
 * "What a self sign-up may ask for").
 *
 * A group grants location access to its members (all locations, or a list
 * of locations and everything below them), may list email domains so that
 * a sign-up from that domain joins it, and may rent units. An occupant is in
 * at most one group (accounts.group_id). Archiving keeps the members but the
 * group then grants nothing; because that silently takes doors away from
 * people, archiving a group whose members get their access through it
 * needs confirmation, and the confirmation says how many people it hits.
 */
#include "gatehouse/group.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_COLS                                                              \
    "g.id, g.name, g.access, g.archived, "                                      \
    "(SELECT count(*) FROM accounts a WHERE a.group_id = g.id), g.created_at"

static void row_to_group(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    struct gh_group *g = out;

    (void)st;
    memset(g, 0, sizeof *g);
    g->id = sqlite3_column_int64(q, 0);
    gh_store_copy(g->name, sizeof g->name, gh_store_col_text(q, 1));
    g->all_locations = strcmp(gh_store_col_text(q, 2), "all") == 0;
    g->archived = sqlite3_column_int(q, 3);
    g->members = sqlite3_column_int64(q, 4);
    g->created_at = sqlite3_column_int64(q, 5);
}

static enum gh_status load_group(struct gh_store *st, const char *sql, struct gh_bind key,
                                 struct gh_group *out)
{
    return gh_store_get_one(st, sql, key, row_to_group, out, _("reading a group"));
}

enum gh_status gh_group_get(struct gh_store *st, int64_t id, struct gh_group *out)
{
    enum gh_status s = load_group(st, "SELECT " GROUP_COLS " FROM groups g WHERE g.id = ?1",
                                  GH_INT(id), out);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("group: no group with id %lld"), (long long)id);
    return s;
}

enum gh_status gh_group_find(struct gh_store *st, const char *name, struct gh_group *out)
{
    char key[GH_NAME_BUF];
    enum gh_status s;
    const char *p;

    if (!name || !*name)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("group: no group given"));
    gh_rules_name_key(name, key, sizeof key);
    s = load_group(st, "SELECT " GROUP_COLS " FROM groups g WHERE g.name_key = ?1", GH_TEXT(key),
                   out);
    if (s == GH_E_NOTFOUND) {
        for (p = name; *p >= '0' && *p <= '9'; p++)
            ;
        if (!*p && strlen(name) <= 18)
            s = load_group(st, "SELECT " GROUP_COLS " FROM groups g WHERE g.id = ?1",
                           GH_INT(strtoll(name, NULL, 10)), out);
    }
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("group: no group named \"%.100s\""), name);
    return s;
}

enum gh_status gh_group_list(struct gh_store *st, int include_archived, gh_group_fn fn,
                             void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT " GROUP_COLS " FROM groups g "
                                           "WHERE ?1 OR g.archived = 0 ORDER BY g.name_key");
    struct gh_group g;
    enum gh_status s = GH_OK;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("listing groups"));
    sqlite3_bind_int(q, 1, include_archived ? 1 : 0);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row_to_group(st, q, &g);
        if (fn && fn(ud, &g))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("listing groups"));
    gh_store_done(st, q);
    return s;
}

static enum gh_status each_name(struct gh_store *st, const char *sql, int64_t id,
                                gh_name_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    enum gh_status s = GH_OK;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("reading a group"));
    sqlite3_bind_int64(q, 1, id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn && fn(ud, gh_store_col_text(q, 0)))
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading a group"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_group_locations(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud)
{
    return each_name(st, "SELECT l.name FROM group_locations x JOIN locations l "
                         "ON l.id = x.location_id WHERE x.group_id = ?1 ORDER BY l.name_key",
                     id, fn, ud);
}

enum gh_status gh_group_domains(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud)
{
    return each_name(st, "SELECT domain FROM group_domains WHERE group_id = ?1 "
                         "ORDER BY domain",
                     id, fn, ud);
}

/* ---- adding ----------------------------------------------------------- */

/* A domain as staff type it ("@Example.COM ") in the form it is matched in:
 * lower-cased, without the @. */
static int domain_norm(const char *in, char *out, size_t len, char *err, size_t errlen)
{
    if (gh_ident_trim(in, out, len) != 0) {
        snprintf(err, errlen, "%s", _("domain: must be at most 253 characters long"));
        return -1;
    }
    if (out[0] == '@')
        memmove(out, out + 1, strlen(out));
    gh_ident_email_key(out, out, len);
    return gh_ident_check_domain(out, err, errlen);
}

static enum gh_status domain_holder(struct gh_store *st, const char *domain, int64_t except,
                                    char *holder, size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT g.name FROM group_domains d JOIN groups g "
                                           "ON g.id = d.group_id WHERE d.domain = ?1 "
                                           "AND g.archived = 0 AND g.id <> ?2");
    int rc;

    holder[0] = '\0';
    if (!q)
        return gh_store_sqlfail(st, _("checking the domains"));
    sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, except);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        gh_store_copy(holder, len, gh_store_col_text(q, 0));
    gh_store_done(st, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK
                                                 : gh_store_sqlfail(st, _("checking the domains"));
}

/* A new group's input, checked: name and key, domains normalised, room
 * for the location ids. */
struct group_in {
    char name[GH_NAME_BUF], key[GH_NAME_BUF];
    char (*doms)[256];
    int64_t *ids;
    int nl, nd;
};

static enum gh_status check_group_new(struct gh_store *st, const char *actor, const char *target,
                                      const struct gh_group_new *in, struct group_in *g)
{
    const char *action = "group.add";
    char err[512];

    if (in->name && gh_ident_check_name(in->name, err, sizeof err) != 0)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    if (gh_ident_trim(in->name, g->name, sizeof g->name) != 0 || !*g->name)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               *g->name ? _("name: must be at most 100 characters long")
                                        : _("name: a group needs a name"));
    gh_rules_name_key(g->name, g->key, sizeof g->key);
    g->nl = in->all_locations || in->n_locations < 0 || !in->locations ? 0 : in->n_locations;
    g->nd = in->n_domains < 0 || !in->domains ? 0 : in->n_domains;
    if ((g->nl && !(g->ids = calloc((size_t)g->nl, sizeof *g->ids))) ||
        (g->nd && !(g->doms = calloc((size_t)g->nd, sizeof *g->doms))))
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    for (int i = 0; i < g->nd; i++)
        if (domain_norm(in->domains[i], g->doms[i], sizeof g->doms[i], err, sizeof err) != 0)
            return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    return GH_OK;
}

/* The rows of a new group, and what it is in words for the log. */
static enum gh_status save_group(struct gh_store *st, const struct gh_group_new *in,
                                 const struct group_in *g, int64_t *id, char *reason,
                                 size_t len)
{
    const char *access = in->all_locations ? "all" : "specific";
    enum gh_status s = gh_store_run(st, _("saving the group"),
                                    "INSERT INTO groups(name, name_key, access, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4)",
                                    GH_TEXT(g->name), GH_TEXT(g->key), GH_TEXT(access),
                                    GH_INT(gh_clock_now_ms()));
    size_t o;

    if (s != GH_OK)
        return s;
    *id = sqlite3_last_insert_rowid(gh_store_db(st));
    o = (size_t)snprintf(reason, len, "access %s", access);
    for (int i = 0; i < g->nl; i++) {
        s = gh_store_run(st, _("saving the group's locations"),
                         "INSERT OR IGNORE INTO group_locations(group_id, location_id) "
                         "VALUES (?1, ?2)", GH_INT(*id), GH_INT(g->ids[i]));
        if (s != GH_OK)
            return s;
        if (o < len)
            o += (size_t)snprintf(reason + o, len - o, "%s%s", i ? ", " : ": ",
                                  in->locations[i]);
    }
    for (int i = 0; i < g->nd; i++) {
        s = gh_store_run(st, _("saving the group's domains"),
                         "INSERT OR IGNORE INTO group_domains(group_id, domain) VALUES (?1, ?2)",
                         GH_INT(*id), GH_TEXT(g->doms[i]));
        if (s != GH_OK)
            return s;
        if (o < len)
            o += (size_t)snprintf(reason + o, len - o, "%s%s", i ? ", " : "; domains ",
                                  g->doms[i]);
    }
    return GH_OK;
}

enum gh_status gh_group_add(struct gh_store *st, const char *actor,
                            const struct gh_group_new *in, int64_t *id_out)
{
    const char *action = "group.add";
    char target[600], reason[1500], holder[GH_NAME_BUF];
    struct group_in *g = calloc(1, sizeof *g);
    int64_t id = 0;
    struct gh_group other;
    enum gh_status s;

    if (id_out)
        *id_out = 0;
    actor = gh_rules_actor(actor);
    if (!g)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if (!in) {
        s = gh_store_fail(st, GH_E_INVALID, "%s", _("name: a group needs a name"));
        goto out;
    }
    snprintf(target, sizeof target, "group:%.200s", in->name ? in->name : "");
    if ((s = check_group_new(st, actor, target, in, g)) != GH_OK ||
        (s = gh_store_begin(st)) != GH_OK)
        goto out;
    s = load_group(st, "SELECT " GROUP_COLS " FROM groups g WHERE g.name_key = ?1",
                   GH_TEXT(g->key), &other);
    if (s == GH_OK) {
        s = gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                            _("name: a group named \"%s\" already exists"), other.name);
        goto out;
    }
    if (s != GH_E_NOTFOUND)
        goto fail;
    if ((s = gh_rules_location_ids(st, in->locations, g->nl, g->ids)) != GH_OK) {
        s = gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        goto out;
    }
    /* A domain may lead to one group only, or a sign-up would not know
     * which one to join. */
    for (int i = 0; i < g->nd; i++) {
        if ((s = domain_holder(st, g->doms[i], 0, holder, sizeof holder)) != GH_OK)
            goto fail;
        if (*holder) {
            s = gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                                _("domain: %s is already listed by group %s"), g->doms[i],
                                holder);
            goto out;
        }
    }
    if ((s = save_group(st, in, g, &id, reason, sizeof reason)) != GH_OK)
        goto fail;
    snprintf(target, sizeof target, "group:%lld:%s", (long long)id, g->name);
    if ((s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, reason)) != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    if (id_out)
        *id_out = id;
out:
    free(g->ids);
    free(g->doms);
    free(g);
    return s;
fail:
    gh_store_rollback(st);
    goto out;
}

/* ---- archiving -------------------------------------------------------- */

enum gh_status gh_group_archive(struct gh_store *st, const char *actor, const char *name,
                                int force, int64_t *losing)
{
    const char *action = "group.archive";
    char target[600];
    struct gh_group g;
    int64_t n = 0;
    enum gh_status s;
    sqlite3_stmt *q;

    if (losing)
        *losing = 0;
    actor = gh_rules_actor(actor);
    snprintf(target, sizeof target, "group:%.200s", name ? name : "");
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_group_find(st, name, &g);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
    if (s != GH_OK)
        goto fail;
    snprintf(target, sizeof target, "group:%lld:%s", (long long)g.id, g.name);
    if (g.archived)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("Group %s is already archived."), g.name);
    /* Who loses doors: the members whose access is "group". Members with
     * access "all" or a list of their own keep it. */
    q = gh_store_prepare(st, "SELECT count(*) FROM accounts WHERE group_id = ?1 "
                             "AND access = 'group'");
    if (!q) {
        s = gh_store_sqlfail(st, _("counting the group's members"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, g.id);
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    if (losing)
        *losing = n;
    if (n > 0 && !force)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_CONFIRM,
                               _("Archiving group %s takes access away from %lld member(s) "
                                 "who get their access through it; confirm to go ahead "
                                 "(--force)."),
                               g.name, (long long)n);
    s = gh_store_run(st, _("archiving the group"), "UPDATE groups SET archived = 1 WHERE id = ?1",
                     GH_INT(g.id));
    if (s != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK,
                         "archived%s; %lld member(s) lose access", n && force ? " (confirmed)" : "",
                         (long long)n);
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

/* ---- members ---------------------------------------------------------- */

/* Opens the transaction and loads group and account; refusals logged. */
static enum gh_status begin_member(struct gh_store *st, const char *actor, const char *action,
                                   const char *group, int64_t account_id, struct gh_group *g,
                                   struct gh_account *a, char *target, size_t tlen)
{
    enum gh_status s;

    snprintf(target, tlen, "account:%lld", (long long)account_id);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_group_find(st, group, g);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
    if (s != GH_OK)
        goto fail;
    s = gh_account_get(st, account_id, a);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
    if (s != GH_OK)
        goto fail;
    gh_rules_target_of(a, target, tlen);
    if (a->kind != GH_KIND_OCCUPANT)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                               _("Only occupants can be members of a group."));
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_group_member_add(struct gh_store *st, const char *actor, const char *group,
                                   int64_t account_id)
{
    const char *action = "group.member_add";
    char target[600], reason[1000];
    struct gh_group g;
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    s = begin_member(st, actor, action, group, account_id, &g, &a, target, sizeof target);
    if (s != GH_OK)
        return s;
    if (g.archived)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("Group %s is archived and can't get new members."), g.name);
    if (a.group_id == g.id && a.access == GH_ACCESS_GROUP) {
        gh_store_rollback(st);
        return GH_OK;            /* already a member with access through it */
    }
    s = gh_store_run(st, _("adding the member"),
                     "UPDATE accounts SET group_id = ?2, access = 'group', updated_at = ?3 "
                     "WHERE id = ?1",
                     GH_INT(a.id), GH_INT(g.id), GH_INT(gh_clock_now_ms()));
    /* Their own list of locations no longer applies: access is the group's. */
    if (s == GH_OK)
        s = gh_store_run(st, _("adding the member"),
                         "DELETE FROM account_locations WHERE account_id = ?1", GH_INT(a.id));
    if (s != GH_OK)
        goto fail;
    if (a.group_id && a.group_id != g.id)
        snprintf(reason, sizeof reason, "joined group %s (moved from group %s); access group",
                 g.name, a.group_name);
    else
        snprintf(reason, sizeof reason, "joined group %s; access group (was %s)", g.name,
                 gh_access_name(a.access));
    if ((s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, reason)) != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_group_member_remove(struct gh_store *st, const char *actor,
                                      const char *group, int64_t account_id)
{
    const char *action = "group.member_remove";
    char target[600];
    struct gh_group g;
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    s = begin_member(st, actor, action, group, account_id, &g, &a, target, sizeof target);
    if (s != GH_OK)
        return s;
    if (a.group_id != g.id)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("%s is not a member of group %s."), a.email, g.name);
    s = gh_store_run(st, _("removing the member"),
                     "UPDATE accounts SET group_id = NULL, updated_at = ?2, "
                     "access = CASE access WHEN 'group' THEN 'none' ELSE access END "
                     "WHERE id = ?1",
                     GH_INT(a.id), GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "left group %s%s", g.name,
                         a.access == GH_ACCESS_GROUP ? "; access none" : "");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

/* ---- editing (appended to group.h) ------------------------------------ */

/* Opens the transaction and finds the group by name; a refusal is logged
 * under `action`. On GH_OK the transaction is open and target names it. */
static enum gh_status begin_edit(struct gh_store *st, const char *actor, const char *action,
                                 const char *name, struct gh_group *g, char *target,
                                 size_t tlen)
{
    enum gh_status s;

    snprintf(target, tlen, "group:%.200s", name ? name : "");
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_group_find(st, name, g);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    snprintf(target, tlen, "group:%lld:%s", (long long)g->id, g->name);
    return GH_OK;
}

/* The name of another live group that lists `domain`, or "" if none. */

static enum gh_status finish_edit(struct gh_store *st, const char *actor, const char *action,
                                  const char *target, const char *reason)
{
    enum gh_status s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, reason);
    if (s == GH_OK)
        s = gh_store_commit(st);
    if (s != GH_OK)
        gh_store_rollback(st);
    return s;
}

enum gh_status gh_group_set_access(struct gh_store *st, const char *actor, const char *name,
                                   int all_locations, const char *const *locations, int n)
{
    const char *action = "group.access";
    char target[600], reason[1500];
    struct gh_group g;
    int64_t *ids = NULL;
    enum gh_status s;
    size_t o;
    int i;

    actor = gh_rules_actor(actor);
    if (all_locations || n < 0 || !locations)
        n = 0;
    if (n && !(ids = calloc((size_t)n, sizeof *ids)))
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if ((s = begin_edit(st, actor, action, name, &g, target, sizeof target)) != GH_OK)
        goto out;
    if ((s = gh_rules_location_ids(st, locations, n, ids)) != GH_OK) {
        s = gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        goto out;
    }
    s = gh_store_run(st, _("saving the group"), "UPDATE groups SET access = ?2 WHERE id = ?1",
                     GH_INT(g.id), GH_TEXT(all_locations ? "all" : "specific"));
    if (s == GH_OK)
        s = gh_store_run(st, _("saving the group's locations"),
                         "DELETE FROM group_locations WHERE group_id = ?1", GH_INT(g.id));
    o = (size_t)snprintf(reason, sizeof reason, "access %s", all_locations ? "all" : "specific");
    for (i = 0; s == GH_OK && i < n; i++) {
        s = gh_store_run(st, _("saving the group's locations"),
                         "INSERT OR IGNORE INTO group_locations(group_id, location_id) "
                         "VALUES (?1, ?2)", GH_INT(g.id), GH_INT(ids[i]));
        if (o < sizeof reason)
            o += (size_t)snprintf(reason + o, sizeof reason - o, "%s%s", i ? ", " : ": ",
                                  locations[i]);
    }
    if (s != GH_OK) {
        gh_store_rollback(st);
        goto out;
    }
    s = finish_edit(st, actor, action, target, reason);
out:
    free(ids);
    return s;
}

enum gh_status gh_group_set_domains(struct gh_store *st, const char *actor, const char *name,
                                    const char *const *domains, int n)
{
    const char *action = "group.domains";
    char target[600], reason[1500], err[512], holder[GH_NAME_BUF];
    char (*doms)[256] = NULL;
    struct gh_group g;
    enum gh_status s;
    size_t o;
    int i;

    actor = gh_rules_actor(actor);
    if (n < 0 || !domains)
        n = 0;
    if (n && !(doms = calloc((size_t)n, sizeof *doms)))
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    snprintf(target, sizeof target, "group:%.200s", name ? name : "");
    for (i = 0; i < n; i++) {
        if (domain_norm(domains[i], doms[i], sizeof doms[i], err, sizeof err) != 0) {
            s = gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
            goto out;
        }
    }
    if ((s = begin_edit(st, actor, action, name, &g, target, sizeof target)) != GH_OK)
        goto out;
    for (i = 0; i < n; i++) {
        if ((s = domain_holder(st, doms[i], g.id, holder, sizeof holder)) != GH_OK) {
            gh_store_rollback(st);
            goto out;
        }
        if (*holder) {
            s = gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                                _("domain: %s is already listed by group %s"), doms[i], holder);
            goto out;
        }
    }
    s = gh_store_run(st, _("saving the group's domains"),
                     "DELETE FROM group_domains WHERE group_id = ?1", GH_INT(g.id));
    o = (size_t)snprintf(reason, sizeof reason, "domains:");
    for (i = 0; s == GH_OK && i < n; i++) {
        s = gh_store_run(st, _("saving the group's domains"),
                         "INSERT OR IGNORE INTO group_domains(group_id, domain) VALUES (?1, ?2)",
                         GH_INT(g.id), GH_TEXT(doms[i]));
        if (o < sizeof reason)
            o += (size_t)snprintf(reason + o, sizeof reason - o, " %s", doms[i]);
    }
    if (s != GH_OK) {
        gh_store_rollback(st);
        goto out;
    }
    s = finish_edit(st, actor, action, target, n ? reason : "domains: none");
out:
    free(doms);
    return s;
}

enum gh_status gh_group_unarchive(struct gh_store *st, const char *actor, const char *name)
{
    const char *action = "group.unarchive";
    char target[600], holder[GH_NAME_BUF], domain[256];
    struct gh_group g;
    enum gh_status s;
    sqlite3_stmt *q;
    int rc;

    actor = gh_rules_actor(actor);
    if ((s = begin_edit(st, actor, action, name, &g, target, sizeof target)) != GH_OK)
        return s;
    if (!g.archived)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("Group %s is not archived."), g.name);
    /* While it was archived another group may have taken one of its
     * domains; two live groups on one domain would make sign-ups ambiguous. */
    q = gh_store_prepare(st, "SELECT domain FROM group_domains WHERE group_id = ?1 "
                             "ORDER BY domain");
    if (!q) {
        s = gh_store_sqlfail(st, _("checking the domains"));
        gh_store_rollback(st);
        return s;
    }
    sqlite3_bind_int64(q, 1, g.id);
    holder[0] = '\0';
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        gh_store_copy(domain, sizeof domain, gh_store_col_text(q, 0));
        if ((s = domain_holder(st, domain, g.id, holder, sizeof holder)) != GH_OK || *holder)
            break;
    }
    gh_store_done(st, q);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if (*holder)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS,
                               _("domain: %s is now listed by group %s; remove it there first"),
                               domain, holder);
    s = gh_store_run(st, _("un-archiving the group"),
                     "UPDATE groups SET archived = 0 WHERE id = ?1", GH_INT(g.id));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return finish_edit(st, actor, action, target, "un-archived; its members' group access is back");
}
