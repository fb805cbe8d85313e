/*
 * units.c: occupants.units and occupants.unit, the Units screens (issue
 * 16: staff do everything on the device). The staff tile "Units" (manage)
 * opens the list: every unit with its state (vacant, rented to whom,
 * shared with management, overlocked), searchable by unit name or tenant
 * as the staff member types. A tap opens the unit: rent it to an occupant
 * or a group (the same search-and-tap picker as a group's "Add members"),
 * vacate it (asked first, naming who loses access), switch sharing with
 * management on or off, and set or lift an overlock (issue 18).
 *
 * Every rule is the core's (location.h gh_unit_*, overlock.h): renting an
 * occupied unit, a staff account or an archived group is refused there, and
 * the refusal is shown as the core says it. The list is read when the
 * screen opens, when the search changes and after any change this plugin
 * makes (occ.generation), not on every frame.
 */
#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include "occupants.h"

#define MAX_UNITS 200               /* rows the list shows */
#define MAX_PICK 20                 /* tenants the rent picker shows */

/* "Rented to Hana Ito · shared with management · overlocked", translated. */
static void state_words(const struct gh_location *l, int overlocked, char *buf, size_t len)
{
    size_t n;
    if (!l->tenant_account && !l->tenant_group) {
        snprintf(buf, len, "%s", _("Vacant"));
        return;
    }
    if (l->tenant_group)
        snprintf(buf, len, _("Rented to group %s"), l->tenant_name);
    else
        snprintf(buf, len, _("Rented to %s"), l->tenant_name);
    n = strlen(buf);
    if (l->shared && n < len)
        n += (size_t)snprintf(buf + n, len - n, " · %s", _("shared with management"));
    if (overlocked && n < len)
        snprintf(buf + n, len - n, " · %s", _("overlocked"));
}

/* ---- occupants.units: the list ---------------------------------------- */
struct unit_row {
    int64_t id;
    char name[GH_NAME_BUF];
    char sub[GH_NAME_BUF + 200];
};

static struct {
    char q[128];
    struct unit_row rows[MAX_UNITS];
    int n, more;
    unsigned gen;
    int loaded;
    int64_t open_id;
    char err[OCC_MSG];
} L;

static int add_unit(void *ud, const struct gh_location *l)
{
    int overlocked = 0;
    (void)ud;
    if (L.n >= MAX_UNITS) {
        L.more = 1;
        return 1;
    }
    struct unit_row *r = &L.rows[L.n++];
    r->id = l->id;
    snprintf(r->name, sizeof r->name, "%s", l->name);
    if (occ.core->overlock_get(occ.st, l->id, &overlocked) != GH_OK)
        overlocked = 0;
    state_words(l, overlocked, r->sub, sizeof r->sub);
    return 0;
}

static void units_query(void)
{
    L.n = L.more = 0;
    L.err[0] = 0;
    if (occ.core->unit_search(occ.st, L.q, add_unit, NULL) != GH_OK) {
        snprintf(L.err, sizeof L.err, "%s", occ_errmsg());
        L.n = 0;
    }
    L.gen = occ.generation;
    L.loaded = 1;
}

static void units_enter(void *state, struct gh_ui *ui, const void *arg)
{
    (void)state;
    (void)arg;
    L.q[0] = 0;
    L.loaded = 0;
    occ.ui->focus(ui, NULL);
}

static void units_leave(void *state)
{
    (void)state;
    explicit_bzero(L.rows, sizeof L.rows);
    L.n = 0;
    L.loaded = 0;
}

static void units_count(struct gh_ui *ui)
{
    char line[160];
    if (L.err[0]) {
        occ.ui->text(ui, "occupants.units.error", L.err, GH_UI_ERROR);
        return;
    }
    if (L.n == 0)
        snprintf(line, sizeof line, "%s",
                 L.q[0] ? _("No units match.") : _("There are no units yet. Add one with "
                                                   "gatehousectl location add."));
    else if (L.more)
        snprintf(line, sizeof line, _("The first %d units are shown; search to find others."),
                 L.n);
    else
        snprintf(line, sizeof line, L.n == 1 ? _("%d unit") : _("%d units"), L.n);
    occ.ui->text(ui, "occupants.units.count", line, GH_UI_MUTED);
}

static void units_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    (void)state;
    if (!L.loaded || L.gen != occ.generation)
        units_query();
    u->heading(ui, _("Units"));
    int back = u->button(ui, "occupants.units.back", _("Back"), GH_UI_NORMAL);
    if (u->field(ui, "occupants.units.q", _("Search by unit or tenant"), L.q, sizeof L.q,
                 GH_KB_EMAIL, NULL))
        units_query();                   /* on every change: results in this frame */
    units_count(ui);
    u->list_begin(ui, "occupants.units.list", 1040);
    for (int i = 0; i < L.n; i++) {
        char id[48];
        snprintf(id, sizeof id, "occupants.units.unit.%lld", (long long)L.rows[i].id);
        if (u->list_item(ui, id, L.rows[i].name, L.rows[i].sub, 0)) {
            L.open_id = L.rows[i].id;
            u->push(ui, "occupants.unit", &L.open_id);
        }
    }
    u->list_end(ui);
    if (back)
        u->pop(ui);
}

const struct gh_screen occ_scr_units = {
    .size = sizeof(struct gh_screen), .id = "occupants.units",
    .staff_perm = GH_PERM_MANAGE, .enter = units_enter, .draw = units_draw,
    .leave = units_leave };

/* ---- occupants.unit: one unit ------------------------------------------ */
struct pick {
    int64_t id;
    char title[GH_NAME_BUF];
    char sub[GH_EMAIL_MAX + 64];
};

static struct {
    int64_t id;
    struct gh_location l;
    int found, overlocked;
    int64_t members;                    /* a group tenant's members */
    unsigned gen;
    char msg[OCC_MSG];
    int msg_style;
    int confirm_vacate;
    int to_group;                       /* the rent picker looks for groups */
    char find[128], term[128];          /* typed; trimmed */
    struct pick picks[MAX_PICK];
    int npicks;
} U;

static void say(int style, const char *text)
{
    snprintf(U.msg, sizeof U.msg, "%s", text);
    U.msg_style = style;
}

static void unit_load(void)
{
    struct gh_group g;
    U.gen = occ.generation;
    U.found = occ.core->location_get(occ.st, U.id, &U.l) == GH_OK && U.l.door == GH_DOOR_UNIT;
    U.overlocked = 0;
    U.members = 0;
    if (!U.found)
        return;
    if (occ.core->overlock_get(occ.st, U.id, &U.overlocked) != GH_OK)
        U.overlocked = 0;
    if (U.l.tenant_group && occ.core->group_get(occ.st, U.l.tenant_group, &g) == GH_OK)
        U.members = g.members;
}

static int add_person(void *ud, const struct gh_account *a)
{
    (void)ud;
    if (a->state == GH_STATE_REMOVED)
        return 0;
    struct pick *p = &U.picks[U.npicks++];
    p->id = a->id;
    snprintf(p->title, sizeof p->title, "%s", a->name[0] ? a->name : a->email);
    snprintf(p->sub, sizeof p->sub, "%s · %s", a->email, occ_state_label(a->state));
    return U.npicks >= MAX_PICK;
}

/* Does s contain part, ignoring ASCII case (as the units search does)? */
static int contains(const char *s, const char *part)
{
    size_t n = strlen(part);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)part[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static int add_group(void *ud, const struct gh_group *g)
{
    (void)ud;
    if (g->archived || !contains(g->name, U.term))
        return 0;
    struct pick *p = &U.picks[U.npicks++];
    p->id = g->id;
    snprintf(p->title, sizeof p->title, "%s", g->name);
    snprintf(p->sub, sizeof p->sub,
             g->members == 1 ? _("%lld member") : _("%lld members"), (long long)g->members);
    return U.npicks >= MAX_PICK;
}

/* The rent picker's matches for what was typed (nothing typed: none). */
static void pick_find(void)
{
    U.npicks = 0;
    if (occ.core->trim(U.find, U.term, sizeof U.term) != 0 || !U.term[0])
        return;
    enum gh_status rc;
    if (U.to_group) {
        rc = occ.core->group_list(occ.st, 0, add_group, NULL);
    } else {
        struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = -1, .prefix = U.find,
                                      .limit = MAX_PICK };
        int64_t total;
        rc = occ.core->account_search(occ.st, &q, 100, add_person, NULL, &total);
    }
    if (rc != GH_OK)
        say(GH_UI_ERROR, occ_errmsg());
}

static void unit_enter(void *state, struct gh_ui *ui, const void *arg)
{
    (void)state;
    (void)ui;
    memset(&U, 0, sizeof U);
    U.id = arg ? *(const int64_t *)arg : 0;
    unit_load();
}

static void unit_leave(void *state)
{
    (void)state;
    explicit_bzero(&U, sizeof U);
}

/* After a change: the message, fresh lists everywhere, the unit re-read. */
static void changed(enum gh_status rc, const char *done)
{
    if (rc != GH_OK) {
        say(GH_UI_ERROR, occ_errmsg());
        return;
    }
    say(GH_UI_SUCCESS, done);
    occ_changed();
    unit_load();
}

static void rent(struct gh_ui *ui, const struct pick *p)
{
    char actor[GH_EMAIL_MAX + 64], line[OCC_MSG];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    enum gh_status rc = U.to_group ? occ.core->unit_rent_group(occ.st, actor, U.id, p->id)
                                   : occ.core->unit_rent_occupant(occ.st, actor, U.id, p->id);
    snprintf(line, sizeof line, U.to_group ? _("%s is rented to group %s.")
                                           : _("%s is rented to %s."), U.l.name, p->title);
    changed(rc, line);
    if (rc == GH_OK) {
        U.find[0] = 0;
        U.npicks = 0;
    }
}

static void vacate(struct gh_ui *ui)
{
    char actor[GH_EMAIL_MAX + 64], line[OCC_MSG];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    snprintf(line, sizeof line, _("%s is vacant now."), U.l.name);
    changed(occ.core->unit_vacate(occ.st, actor, U.id), line);
}

static void share(struct gh_ui *ui, int on)
{
    char actor[GH_EMAIL_MAX + 64];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    changed(occ.core->unit_share(occ.st, actor, U.id, on),
            on ? _("Shared with management: staff who may open shared units can open it.")
               : _("No longer shared with management."));
}

static void overlock(struct gh_ui *ui, int on)
{
    char actor[GH_EMAIL_MAX + 64];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    changed(occ.core->overlock_set(occ.st, actor, U.id, on, GH_OVERLOCK_HAND, NULL),
            on ? _("Overlocked: the tenant can't open this unit until it is lifted.")
               : _("The overlock is lifted: the tenant can open the unit again."));
}

/* Who loses access when the unit is vacated, in words. */
static void vacate_words(char *buf, size_t len)
{
    size_t n;
    if (U.l.tenant_group && U.members == 0)
        snprintf(buf, len, _("Group %s has no members: nobody loses access."), U.l.tenant_name);
    else if (U.l.tenant_group)
        snprintf(buf, len,
                 U.members == 1 ? _("The %lld member of group %s loses access to %s.")
                                : _("The %lld members of group %s lose access to %s."),
                 (long long)U.members, U.l.tenant_name, U.l.name);
    else
        snprintf(buf, len, _("%s loses access to %s."), U.l.tenant_name, U.l.name);
    n = strlen(buf);
    if (U.l.shared && n < len)
        n += (size_t)snprintf(buf + n, len - n, " %s", _("Sharing with management ends."));
    if (U.overlocked && n < len)
        snprintf(buf + n, len - n, " %s", _("The overlock ends with the tenancy."));
}

/* Vacating asks first: 1 while the question shows. */
static int vacate_dialog(struct gh_ui *ui)
{
    char title[GH_NAME_BUF + 32], text[OCC_MSG + GH_NAME_BUF * 2];
    if (!U.confirm_vacate)
        return 0;
    snprintf(title, sizeof title, _("Vacate %s?"), U.l.name);
    vacate_words(text, sizeof text);
    int r = occ.ui->dialog(ui, "occupants.unit.confirmvacate", title, text, _("Vacate"),
                           _("Cancel"));
    if (r != GH_UI_DIALOG_OPEN) {
        U.confirm_vacate = 0;
        if (r == GH_UI_DIALOG_OK)
            vacate(ui);
        occ.ui->invalidate(ui);
    }
    return 1;
}

/* The unit's state, its message, and its lines about sharing and the overlock. */
static void unit_facts(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[GH_NAME_BUF + 200];
    int rented = U.l.tenant_account || U.l.tenant_group;
    u->text(ui, "occupants.unit.path", U.l.path, GH_UI_MUTED);
    state_words(&U.l, 0, line, sizeof line);
    u->text(ui, "occupants.unit.state", line, GH_UI_BIG);
    if (rented)
        u->text(ui, "occupants.unit.shared",
                U.l.shared ? _("Shared with management: yes") : _("Shared with management: no"),
                GH_UI_NORMAL);
    if (U.overlocked)
        u->text(ui, "occupants.unit.overlocked",
                _("Overlocked for an overdue balance: the tenant can't open this unit."),
                GH_UI_ERROR);
    if (U.msg[0])
        u->text(ui, "occupants.unit.msg", U.msg, U.msg_style);
}

/* A rented unit's buttons: sharing, the overlock, vacate. */
static void rented_actions(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    u->row_begin(ui, 2);
    int sh = u->button(ui, "occupants.unit.share",
                       U.l.shared ? _("Stop sharing") : _("Share with management"),
                       GH_UI_NORMAL);
    int ol = u->button(ui, U.overlocked ? "occupants.unit.lift" : "occupants.unit.overlock",
                       U.overlocked ? _("Lift the overlock") : _("Overlock"),
                       U.overlocked ? GH_UI_PRIMARY : GH_UI_NORMAL);
    u->row_end(ui);
    int va = u->button(ui, "occupants.unit.vacate", _("Vacate"), GH_UI_DANGER);
    if (sh)
        share(ui, !U.l.shared);
    else if (ol)
        overlock(ui, !U.overlocked);
    else if (va)
        U.confirm_vacate = 1;
    if (sh || ol || va)
        u->invalidate(ui);
}

/* A vacant unit: rent it to an occupant or a group, by search and tap. */
static void rent_picker(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char id[64];
    u->text(ui, NULL, _("Rent it to:"), GH_UI_NORMAL);
    u->row_begin(ui, 2);
    int po = u->button(ui, "occupants.unit.to.occupant", _("An occupant"),
                       U.to_group ? GH_UI_MUTED : GH_UI_PRIMARY);
    int pg = u->button(ui, "occupants.unit.to.group", _("A group"),
                       U.to_group ? GH_UI_PRIMARY : GH_UI_MUTED);
    u->row_end(ui);
    if ((po && U.to_group) || (pg && !U.to_group)) {
        U.to_group = pg;
        pick_find();
    }
    if (u->field(ui, "occupants.unit.find",
                 U.to_group ? _("Search groups by name")
                            : _("Search occupants by name, email or phone"),
                 U.find, sizeof U.find, GH_KB_EMAIL, NULL))
        pick_find();
    if (!U.npicks) {
        if (U.find[0])
            u->text(ui, "occupants.unit.nofound",
                    U.to_group ? _("No groups match.") : _("No occupants match."), GH_UI_MUTED);
        return;
    }
    int tapped = -1;
    u->list_begin(ui, "occupants.unit.found", U.npicks > 4 ? 4 * 132 : U.npicks * 132);
    for (int i = 0; i < U.npicks; i++) {
        snprintf(id, sizeof id, "occupants.unit.pick.%lld", (long long)U.picks[i].id);
        if (u->list_item(ui, id, U.picks[i].title, U.picks[i].sub, 0))
            tapped = i;
    }
    u->list_end(ui);
    if (tapped >= 0) {
        struct pick p = U.picks[tapped];
        rent(ui, &p);
        u->focus(ui, NULL);
        u->invalidate(ui);
    }
}

static void unit_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    (void)state;
    if (U.gen != occ.generation)
        unit_load();
    if (!U.found) {
        u->heading(ui, _("Unit"));
        u->text(ui, "occupants.unit.missing", _("This unit is not there any more."),
                GH_UI_ERROR);
        if (u->button(ui, "occupants.unit.back", _("Back"), GH_UI_NORMAL))
            u->pop(ui);
        return;
    }
    u->heading(ui, U.l.name);
    int back = u->button(ui, "occupants.unit.back", _("Back"), GH_UI_NORMAL);
    unit_facts(ui);
    if (U.l.tenant_account || U.l.tenant_group)
        rented_actions(ui);
    else
        rent_picker(ui);
    vacate_dialog(ui);
    if (back)
        u->pop(ui);
}

const struct gh_screen occ_scr_unit = {
    .size = sizeof(struct gh_screen), .id = "occupants.unit",
    .staff_perm = GH_PERM_MANAGE, .enter = unit_enter, .draw = unit_draw,
    .leave = unit_leave };
