/*
 * import_row.c: one row of an import (import_internal.h; the file-level
 * rules are in import.c's comment).
 *
 * Each row goes through the same core functions as the command line
 * (gh_occupant_create, gh_account_update, gh_group_member_add,
 * gh_unit_rent_occupant, gh_occupant_set_access, gh_overlock_set), so the
 * rules, the log entries and the welcome mail are the same as for an
 * occupant added by hand. A row is compared with what is stored first and
 * changes nothing when it already matches: that is what makes a second run
 * of the same file a no-op. An existing occupant keeps their state, access
 * and group unless the row names another group or access: the file adds
 * and corrects, it never takes away (an empty cell means "no information").
 *
 * New occupants get the access the row's access column names, else the
 * import_default_access setting: all (every common door; the unit rule
 * still keeps them out of other people's units), none, group:NAME, or site
 * (the top-level location holding their unit). A group column wins over
 * both, as before.
 */
#include "import_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_SITES 64

struct row {
    const char *email, *name, *phone, *unit, *group;
    struct gh_location loc;
    struct gh_group grp;
    int delinquent;              /* -1: no delinquent column */
    struct gh_import_access acc;
    int acc_given;               /* the row's access cell */
    struct gh_account a;
    int exists, rent;
    char what[512];              /* what changed, for the dry run's table */
};

static void what_add(struct row *r, const char *fmt, const char *arg)
{
    size_t n = strlen(r->what);
    if (n + 4 >= sizeof r->what)
        return;
    if (n)
        n += (size_t)snprintf(r->what + n, sizeof r->what - n, ", ");
    snprintf(r->what + n, sizeof r->what - n, fmt, arg);
}

static enum gh_status core_fail(struct gh_store *st, enum gh_status s, char *msg, size_t len)
{
    snprintf(msg, len, "%s", gh_store_errmsg(st));
    if (!msg[0])
        snprintf(msg, len, "%s", gh_strerror(s));
    return s;
}

/* The same number, once both are in E.164 with the site's calling code. */
static int same_phone(struct gh_store *st, const char *a, const char *b)
{
    char ka[GH_PHONE_BUF] = "", kb[GH_PHONE_BUF] = "";
    if (gh_rules_phone_key(st, a, ka, sizeof ka, NULL, 0) != 0)
        return 0;
    if (gh_rules_phone_key(st, b, kb, sizeof kb, NULL, 0) != 0)
        return 0;
    return strcmp(ka, kb) == 0;
}

/* The cells that need no database: email, name, phone, delinquent, access. */
static enum gh_status check_cells(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    char err[256], key[GH_PHONE_BUF];
    if (!*r->email) {
        snprintf(msg, len, "%s", _("email: required"));
        return GH_E_INVALID;
    }
    if (gh_ident_check_email(r->email, err, sizeof err) != 0 ||
        (*r->name && gh_ident_check_name(r->name, err, sizeof err) != 0) ||
        (*r->phone && gh_rules_phone_key(im->st, r->phone, key, sizeof key, err, sizeof err))) {
        snprintf(msg, len, "%s", err);
        return GH_E_INVALID;
    }
    const char *d = gh_import_cell(im, COL_DELINQUENT);
    r->delinquent = im->colidx[COL_DELINQUENT] < 0 ? -1 : gh_import_delinquent(d);
    if (im->colidx[COL_DELINQUENT] >= 0 && r->delinquent < 0) {
        snprintf(msg, len, _("delinquent: '%.60s' is not yes/no, 1/0, true/false or an amount"),
                 d);
        return GH_E_INVALID;
    }
    const char *ac = gh_import_cell(im, COL_ACCESS);
    r->acc_given = *ac != '\0';
    if (r->acc_given && gh_import_access_parse(ac, &r->acc) != 0) {
        snprintf(msg, len, _("access: '%.60s' is not all, none, site or group:NAME"), ac);
        return GH_E_INVALID;
    }
    return GH_OK;
}

static enum gh_status find_group(struct gh_store *st, const char *field, const char *name,
                                 struct gh_group *g, char *msg, size_t len)
{
    enum gh_status s = gh_group_find(st, name, g);
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
        snprintf(msg, len, _("%s: no group named '%.100s'"), field, name);
        return GH_E_NOTFOUND;
    }
    if (s != GH_OK)
        return core_fail(st, s, msg, len);
    if (g->archived) {
        snprintf(msg, len, _("%s: '%.100s' is archived"), field, name);
        return GH_E_REFUSED;
    }
    return GH_OK;
}

/* The unit and the group the row names. */
static enum gh_status resolve(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    enum gh_status s;
    if (*r->unit) {
        s = gh_location_find(im->st, r->unit, &r->loc);
        if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
            snprintf(msg, len, _("unit: no location named '%.100s'"), r->unit);
            return GH_E_NOTFOUND;
        }
        if (s != GH_OK)
            return core_fail(im->st, s, msg, len);
        if (r->loc.door != GH_DOOR_UNIT) {
            snprintf(msg, len, _("unit: '%.100s' is not a unit"), r->unit);
            return GH_E_INVALID;
        }
    }
    if (*r->group)
        return find_group(im->st, "group", r->group, &r->grp, msg, len);
    return GH_OK;
}

/* The occupant with this email, if any, and whether the unit is free for
 * them (vacant, or already theirs directly or through their group). */
static enum gh_status find_tenant(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    enum gh_status s = gh_account_find(im->st, r->email, &r->a);
    if (s != GH_OK && s != GH_E_NOTFOUND)
        return core_fail(im->st, s, msg, len);
    r->exists = s == GH_OK && strcasecmp(r->a.email, r->email) == 0;
    if (r->exists && r->a.kind != GH_KIND_OCCUPANT) {
        snprintf(msg, len, "%s", _("email: already used by a staff account"));
        return GH_E_EXISTS;
    }
    if (!*r->unit)
        return GH_OK;
    int64_t my_group = r->grp.id ? r->grp.id : r->exists ? r->a.group_id : 0;
    const struct gh_location *l = &r->loc;
    if ((l->tenant_account && (!r->exists || l->tenant_account != r->a.id)) ||
        (l->tenant_group && l->tenant_group != my_group)) {
        snprintf(msg, len, _("unit: '%.100s' is rented to someone else"), l->name);
        return GH_E_REFUSED;
    }
    r->rent = !l->tenant_account && !l->tenant_group;
    return GH_OK;
}

/* The name of the top-level location that holds loc. */
static enum gh_status site_of(struct gh_store *st, const struct gh_location *loc, char *out,
                              size_t len)
{
    struct gh_location l = *loc;
    enum gh_status s = GH_OK;
    for (int i = 0; i < 64 && l.parent_id && s == GH_OK; i++)
        s = gh_location_get(st, l.parent_id, &l);
    snprintf(out, len, "%s", l.name);
    return s;
}

/* The access spec that applies to this row: its cell, else the setting. */
static enum gh_status row_access(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    if (r->acc_given)
        return GH_OK;
    if (!im->dflt_ok) {
        snprintf(msg, len, _("%s: '%.100s' is not all, none, site or group:NAME"),
                 GH_SETTING_IMPORT_ACCESS, gh_settings_get(im->st, GH_SETTING_IMPORT_ACCESS));
        return GH_E_INVALID;
    }
    r->acc = im->dflt;
    return GH_OK;
}

static enum gh_status create_tenant(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    struct gh_store *st = im->st;
    char site[GH_NAME_BUF];
    const char *sites[1] = { site };
    struct gh_group ag = {0};
    enum gh_status s = row_access(im, r, msg, len);
    if (s != GH_OK || im->probe) {
        im->would = 1;
        return s;
    }
    struct gh_account_new in = {
        .email = r->email, .name = *r->name ? r->name : NULL,
        .phone = *r->phone ? r->phone : NULL, .access = GH_ACCESS_ALL,
        .no_welcome = im->opts ? im->opts->no_welcome : 0,
    };
    if (r->grp.id) {
        in.access = GH_ACCESS_GROUP;
        in.group = r->grp.name;
    } else if (r->acc.kind == IA_NONE || (r->acc.kind == IA_SITE && !*r->unit)) {
        in.access = GH_ACCESS_NONE;
    } else if (r->acc.kind == IA_GROUP) {
        if ((s = find_group(st, r->acc_given ? "access" : GH_SETTING_IMPORT_ACCESS,
                            r->acc.group, &ag, msg, len)) != GH_OK)
            return s;
        in.access = GH_ACCESS_GROUP;
        in.group = ag.name;
    } else if (r->acc.kind == IA_SITE) {
        if ((s = site_of(st, &r->loc, site, sizeof site)) != GH_OK)
            return core_fail(st, s, msg, len);
        in.access = GH_ACCESS_SPECIFIC;
        in.locations = sites;
        in.n_locations = 1;
    }
    int64_t id = 0;
    if ((s = gh_occupant_create(st, im->actor, &in, &id)) != GH_OK ||
        (s = gh_import_note_tenant(st, id)) != GH_OK)
        return core_fail(st, s, msg, len);
    r->a.id = id;
    if (*r->unit)
        what_add(r, "%s", r->loc.name);
    return GH_OK;
}

struct names {
    const char *v[MAX_SITES];
    char buf[MAX_SITES][GH_NAME_BUF];
    int n;
};

static int add_name(void *ud, const char *name)
{
    struct names *ns = ud;
    if (ns->n >= MAX_SITES - 1)
        return 1;
    snprintf(ns->buf[ns->n], sizeof ns->buf[0], "%s", name);
    ns->v[ns->n] = ns->buf[ns->n];
    ns->n++;
    return 0;
}

/* site for an existing occupant: adds the unit's site to their specific
 * locations (never takes one away). The setting's default only extends an
 * occupant who already has specific access; the row's cell sets it. */
static enum gh_status extend_site(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    struct gh_store *st = im->st;
    static struct names ns;      /* large; one import at a time per process */
    char site[GH_NAME_BUF];
    enum gh_status s;
    if (!*r->unit || (!r->acc_given && r->a.access != GH_ACCESS_SPECIFIC))
        return GH_OK;
    if ((s = site_of(st, &r->loc, site, sizeof site)) != GH_OK)
        return core_fail(st, s, msg, len);
    ns.n = 0;
    if (r->a.access == GH_ACCESS_SPECIFIC &&
        (s = gh_account_locations(st, r->a.id, add_name, &ns)) != GH_OK)
        return core_fail(st, s, msg, len);
    for (int i = 0; i < ns.n; i++)
        if (strcasecmp(ns.v[i], site) == 0)
            return GH_OK;
    if (im->probe) {
        im->would = 1;
        return GH_OK;
    }
    add_name(&ns, site);
    s = gh_occupant_set_access(st, im->actor, r->a.id, GH_ACCESS_SPECIFIC, NULL, ns.v, ns.n);
    if (s != GH_OK)
        return core_fail(st, s, msg, len);
    what_add(r, _("access adds %s"), site);
    return GH_OK;
}

/* An existing occupant's access, when the row's cell (or the site
 * default) says something new. */
static enum gh_status update_access(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    struct gh_group ag = {0};
    enum gh_access to;
    enum gh_status s;
    if (!r->acc_given && !(im->dflt_ok && im->dflt.kind == IA_SITE))
        return GH_OK;
    struct gh_import_access acc = r->acc_given ? r->acc : im->dflt;
    if (acc.kind == IA_SITE) {
        r->acc.kind = IA_SITE;
        return extend_site(im, r, msg, len);
    }
    if (acc.kind == IA_GROUP &&
        (s = find_group(im->st, "access", acc.group, &ag, msg, len)) != GH_OK)
        return s;
    to = acc.kind == IA_ALL ? GH_ACCESS_ALL : acc.kind == IA_NONE ? GH_ACCESS_NONE
                                                                   : GH_ACCESS_GROUP;
    if (r->a.access == to && (to != GH_ACCESS_GROUP || r->a.group_id == ag.id))
        return GH_OK;
    if (im->probe) {
        im->would = 1;
        return GH_OK;
    }
    s = gh_occupant_set_access(im->st, im->actor, r->a.id, to, ag.id ? ag.name : NULL, NULL, 0);
    if (s != GH_OK)
        return core_fail(im->st, s, msg, len);
    what_add(r, _("access %s"), gh_import_cell(im, COL_ACCESS));
    return GH_OK;
}

/* --adopt: an occupant the file lists (and their unit) becomes an
 * import's, so a later --sync may move them out. */
static enum gh_status adopt(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    int changed = 0;
    if (!im->opts || !im->opts->adopt)
        return GH_OK;
    enum gh_status s = gh_import_adopt(im->st, r->a.id, *r->unit ? r->loc.id : 0, im->probe,
                                       &changed);
    if (s != GH_OK)
        return core_fail(im->st, s, msg, len);
    if (changed && im->probe)
        im->would = 1;
    else if (changed)
        what_add(r, "%s", _("adopted"));
    return GH_OK;
}

static enum gh_status update_tenant(struct gh_imp *im, struct row *r, char *msg, size_t len)
{
    struct gh_store *st = im->st;
    int new_name = *r->name && strcmp(r->name, r->a.name) != 0;
    int new_phone = *r->phone && !same_phone(st, r->phone, r->a.phone);
    int again = 0;
    enum gh_status s = gh_import_move_in_again(st, im->actor, &r->a, im->probe, &again);
    if (s != GH_OK)
        return core_fail(st, s, msg, len);
    if (im->probe && (again || new_name || new_phone || r->rent ||
                      (r->grp.id && r->a.group_id != r->grp.id))) {
        im->would = 1;
        return GH_OK;
    }
    if (again)
        what_add(r, "%s", _("moved in again"));
    if (new_name || new_phone) {
        s = gh_account_update(st, im->actor, r->a.id, new_name ? r->name : NULL,
                              new_phone ? r->phone : NULL);
        if (s != GH_OK)
            return core_fail(st, s, msg, len);
        if (new_name)
            what_add(r, "%s", _("name"));
        if (new_phone)
            what_add(r, "%s", _("phone"));
    }
    if (r->grp.id && r->a.group_id != r->grp.id) {
        if ((s = gh_group_member_add(st, im->actor, r->grp.name, r->a.id)) != GH_OK)
            return core_fail(st, s, msg, len);
        what_add(r, _("group %s"), r->grp.name);
    }
    if (r->rent)
        what_add(r, _("unit %s"), r->loc.name);
    if ((s = adopt(im, r, msg, len)) != GH_OK || (im->probe && im->would))
        return s;
    return update_access(im, r, msg, len);
}

static void change(struct gh_imp *im, enum gh_import_change kind, const char *email,
                   const char *what)
{
    if (im->opts && im->opts->on_change)
        im->opts->on_change(im->opts->ud, kind, email, what);
}

enum gh_status gh_import_row(struct gh_imp *im, char *msg, size_t msglen, int *outcome)
{
    struct row r;
    memset(&r, 0, sizeof r);
    r.email = gh_import_cell(im, COL_EMAIL);
    r.name = gh_import_cell(im, COL_NAME);
    r.phone = gh_import_cell(im, COL_PHONE);
    r.unit = gh_import_cell(im, COL_UNIT);
    r.group = gh_import_cell(im, COL_GROUP);
    *outcome = 0;
    enum gh_status s;
    if ((s = check_cells(im, &r, msg, msglen)) != GH_OK ||
        (s = resolve(im, &r, msg, msglen)) != GH_OK ||
        (s = find_tenant(im, &r, msg, msglen)) != GH_OK)
        return s;
    s = r.exists ? update_tenant(im, &r, msg, msglen) : create_tenant(im, &r, msg, msglen);
    if (s != GH_OK || (im->probe && im->would))
        return s;
    if (im->probe)
        return r.delinquent < 0 ? GH_OK
                                : gh_import_overlock_tenant(im->st, im->actor, im->opts,
                                                            im->stats, r.a.id, r.email,
                                                            r.delinquent, 1, &im->would);
    if (r.rent && ((s = gh_unit_rent_occupant(im->st, im->actor, r.loc.id, r.a.id)) != GH_OK ||
                   (s = gh_import_note_unit(im->st, r.loc.id, r.a.id)) != GH_OK))
        return core_fail(im->st, s, msg, msglen);
    if (r.delinquent >= 0 &&
        (s = gh_import_overlock_tenant(im->st, im->actor, im->opts, im->stats, r.a.id, r.email,
                                       r.delinquent, 0, NULL)) != GH_OK)
        return core_fail(im->st, s, msg, msglen);
    *outcome = !r.exists ? 1 : r.what[0] ? 2 : 0;
    if (*outcome)
        change(im, r.exists ? GH_IMPORT_CHANGED : GH_IMPORT_ADDED, r.email, r.what);
    return GH_OK;
}
