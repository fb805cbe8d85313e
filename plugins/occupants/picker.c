/*
 * picker.c: the location-access chooser of the new-occupant, access and
 * new-group forms (seed 000: "All locations", "Assign to group", "Specific
 * locations"): a row of buttons for the kind of access, then the group list
 * or a toggle per location. It only collects the choice; the core checks it
 * when the form is saved.
 */
#include <stdio.h>
#include <string.h>
#include "occupants.h"

static int add_loc(void *ud, const struct gh_location *l)
{
    struct occ_picker *p = ud;
    if (p->nlocs >= OCC_MAX_LOCATIONS) {
        p->more_locs = 1;
        return 1;
    }
    struct occ_loc *o = &p->locs[p->nlocs++];
    o->id = l->id;
    snprintf(o->name, sizeof o->name, "%s", l->name);
    o->depth = l->depth;
    o->on = 0;
    return 0;
}

static int add_group(void *ud, const struct gh_group *g)
{
    struct occ_picker *p = ud;
    if (g->archived)
        return 0;                        /* an archived group grants nothing */
    if (p->ngroups >= OCC_MAX_GROUPS)
        return 1;
    p->groups[p->ngroups].id = g->id;
    snprintf(p->groups[p->ngroups].name, sizeof p->groups[p->ngroups].name, "%s", g->name);
    p->ngroups++;
    return 0;
}

void occ_picker_load(struct occ_picker *p, int allow_group, int allow_none)
{
    memset(p, 0, sizeof *p);
    p->access = GH_ACCESS_ALL;
    p->allow_group = allow_group;
    p->allow_none = allow_none;
    p->group_sel = -1;
    if (occ.core->location_list(occ.st, add_loc, p) != GH_OK)
        snprintf(p->err, sizeof p->err, "%s", occ_errmsg());
    if (allow_group && occ.core->group_list(occ.st, 0, add_group, p) != GH_OK)
        snprintf(p->err, sizeof p->err, "%s", occ_errmsg());
}

void occ_picker_set(struct occ_picker *p, enum gh_access a, const char *group_name,
                    const char *const *locations, int n)
{
    p->access = a;
    p->group_sel = -1;
    for (int i = 0; group_name && i < p->ngroups; i++)
        if (strcmp(p->groups[i].name, group_name) == 0)
            p->group_sel = i;
    for (int i = 0; i < p->nlocs; i++) {
        p->locs[i].on = 0;
        for (int j = 0; j < n; j++)
            if (strcmp(p->locs[i].name, locations[j]) == 0)
                p->locs[i].on = 1;
    }
}

void occ_picker_draw(struct occ_picker *p, struct gh_ui *ui, const char *id)
{
    const struct gh_ui_api *u = occ.ui;
    struct { enum gh_access a; const char *label, *suffix; int on; } kinds[] = {
        { GH_ACCESS_ALL, _("All"), "all", 1 },
        { GH_ACCESS_GROUP, _("Group"), "group", p->allow_group },
        { GH_ACCESS_SPECIFIC, _("Specific"), "specific", 1 },
        { GH_ACCESS_NONE, _("None"), "none", p->allow_none },
    };
    char wid[96];
    int cols = 0;

    /* short labels, so that all of them fit their column in one face */
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        cols += kinds[i].on;
    u->text(ui, NULL, _("Location access"), GH_UI_MUTED);
    u->row_begin(ui, cols);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!kinds[i].on)
            continue;
        snprintf(wid, sizeof wid, "%s.%s", id, kinds[i].suffix);
        if (u->button(ui, wid, kinds[i].label,
                      p->access == kinds[i].a ? GH_UI_PRIMARY : GH_UI_MUTED)) {
            p->access = kinds[i].a;
            p->err[0] = 0;
        }
    }
    u->row_end(ui);

    switch (p->access) {
    case GH_ACCESS_ALL:
        u->text(ui, NULL, _("Every location, including ones added later."), GH_UI_MUTED);
        break;
    case GH_ACCESS_NONE:
        u->text(ui, NULL, _("No location until staff give access."), GH_UI_MUTED);
        break;
    case GH_ACCESS_GROUP:
        if (!p->ngroups) {
            u->text(ui, NULL, _("There are no groups yet. Make one under Groups."),
                    GH_UI_MUTED);
            break;
        }
        u->text(ui, NULL, _("Whatever the group grants. Tap a group:"), GH_UI_MUTED);
        snprintf(wid, sizeof wid, "%s.groups", id);
        u->list_begin(ui, wid, p->ngroups > 4 ? 4 * 104 : p->ngroups * 104);
        for (int i = 0; i < p->ngroups; i++) {
            snprintf(wid, sizeof wid, "%s.group.%lld", id, (long long)p->groups[i].id);
            if (u->list_item(ui, wid, p->groups[i].name, NULL, p->group_sel == i)) {
                p->group_sel = i;
                p->err[0] = 0;
            }
        }
        u->list_end(ui);
        break;
    case GH_ACCESS_SPECIFIC:
        if (!p->nlocs) {
            u->text(ui, NULL, _("There are no locations yet."), GH_UI_MUTED);
            break;
        }
        u->text(ui, NULL, _("These locations and everything inside them:"), GH_UI_MUTED);
        for (int i = 0; i < p->nlocs; i++) {
            snprintf(wid, sizeof wid, "%s.loc.%lld", id, (long long)p->locs[i].id);
            if (u->toggle(ui, wid, p->locs[i].name, &p->locs[i].on))
                p->err[0] = 0;
        }
        if (p->more_locs)
            u->text(ui, NULL, _("Only the first locations are shown here; use gatehousectl "
                                "for the others."), GH_UI_MUTED);
        break;
    }
    if (p->err[0]) {
        snprintf(wid, sizeof wid, "%s.error", id);
        u->text(ui, wid, p->err, GH_UI_ERROR);
    }
}

int occ_picker_locations(const struct occ_picker *p, const char **names, int max)
{
    int n = 0;
    for (int i = 0; i < p->nlocs && n < max; i++)
        if (p->locs[i].on)
            names[n++] = p->locs[i].name;
    return n;
}

const char *occ_picker_group(const struct occ_picker *p)
{
    return p->group_sel >= 0 && p->group_sel < p->ngroups ? p->groups[p->group_sel].name
                                                          : NULL;
}
