/*
 * picker.c: the one access picker (ui.h picker_*; issue 16).
 *
 * Wherever staff choose what someone may open (approving a sign-up, the
 * person page, a new occupant, a group, someone leaving a group) the same
 * chooser shows: a row of buttons for the kind of access ("All", "Group",
 * "Specific", "None"; seed 000: "All locations", "Assign to group",
 * "Specific locations"), then the live groups as a list or a switch a
 * location. It only collects the choice; the core checks it when the form
 * is saved. The widgets are drawn through the plugins' own table, so the
 * picker looks and is tested like any screen's widgets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/store.h"

#define PICK_MAX_LOCATIONS 150   /* locations the picker shows */
#define PICK_MAX_GROUPS 100

struct pick_loc {
    int64_t id;
    char name[GH_NAME_BUF];
    int on;
};

struct gh_picker {
    int access;                  /* enum gh_access */
    unsigned kinds;              /* GH_PICK_* */
    struct pick_loc locs[PICK_MAX_LOCATIONS];
    int nlocs, more_locs;
    struct { int64_t id; char name[GH_NAME_BUF]; } groups[PICK_MAX_GROUPS];
    int ngroups;
    int group_sel;               /* index into groups, -1 none */
    char err[512];
};

static int add_loc(void *ud, const struct gh_location *l)
{
    struct gh_picker *p = ud;
    if (p->nlocs >= PICK_MAX_LOCATIONS) {
        p->more_locs = 1;
        return 1;
    }
    struct pick_loc *o = &p->locs[p->nlocs++];
    o->id = l->id;
    snprintf(o->name, sizeof o->name, "%s", l->name);
    o->on = 0;
    return 0;
}

static int add_group(void *ud, const struct gh_group *g)
{
    struct gh_picker *p = ud;
    if (g->archived)
        return 0;                        /* an archived group grants nothing */
    if (p->ngroups >= PICK_MAX_GROUPS)
        return 1;
    p->groups[p->ngroups].id = g->id;
    snprintf(p->groups[p->ngroups].name, sizeof p->groups[0].name, "%s", g->name);
    p->ngroups++;
    return 0;
}

struct gh_picker *ui_picker_new(struct gh_store *st, unsigned kinds)
{
    struct gh_picker *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->access = GH_ACCESS_ALL;
    p->kinds = kinds;
    p->group_sel = -1;
    if (st && gh_location_list(st, add_loc, p) != GH_OK)
        snprintf(p->err, sizeof p->err, "%s", gh_store_errmsg(st));
    if (st && (kinds & GH_PICK_GROUP) && gh_group_list(st, 0, add_group, p) != GH_OK)
        snprintf(p->err, sizeof p->err, "%s", gh_store_errmsg(st));
    return p;
}

void ui_picker_free(struct gh_picker *p)
{
    if (p)
        explicit_bzero(p, sizeof *p);
    free(p);
}

void ui_picker_set(struct gh_picker *p, int access, const char *group,
                   const char *const *locations, int n)
{
    if (!p)
        return;
    p->access = access;
    p->group_sel = -1;
    p->err[0] = 0;
    for (int i = 0; group && i < p->ngroups; i++)
        if (strcmp(p->groups[i].name, group) == 0)
            p->group_sel = i;
    for (int i = 0; i < p->nlocs; i++) {
        p->locs[i].on = 0;
        for (int j = 0; j < n; j++)
            if (locations[j] && strcmp(p->locs[i].name, locations[j]) == 0)
                p->locs[i].on = 1;
    }
}

/* The row of kinds: short labels, so all fit their column in one face. */
static void draw_kinds(struct gh_picker *p, struct gh_ui *ui, const char *id)
{
    const struct gh_ui_api *u = gh_ui_api_table();
    struct { int a; const char *label, *suffix; int on; } kinds[] = {
        { GH_ACCESS_ALL, _("All"), "all", 1 },
        { GH_ACCESS_GROUP, _("Group"), "group", !!(p->kinds & GH_PICK_GROUP) },
        { GH_ACCESS_SPECIFIC, _("Specific"), "specific", 1 },
        { GH_ACCESS_NONE, _("None"), "none", !!(p->kinds & GH_PICK_NONE) },
    };
    char wid[160];
    int cols = 0;
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
            u->invalidate(ui);
        }
    }
    u->row_end(ui);
}

static void draw_groups(struct gh_picker *p, struct gh_ui *ui, const char *id)
{
    const struct gh_ui_api *u = gh_ui_api_table();
    char wid[160];
    if (!p->ngroups) {
        u->text(ui, NULL, _("There are no groups yet. Make one under Groups."), GH_UI_MUTED);
        return;
    }
    u->text(ui, NULL, _("Whatever the group grants. Tap a group:"), GH_UI_MUTED);
    snprintf(wid, sizeof wid, "%s.groups", id);
    u->list_begin(ui, wid, p->ngroups > 4 ? 4 * 104 : p->ngroups * 104);
    for (int i = 0; i < p->ngroups; i++) {
        snprintf(wid, sizeof wid, "%s.group.%lld", id, (long long)p->groups[i].id);
        if (u->list_item(ui, wid, p->groups[i].name, NULL, p->group_sel == i)) {
            p->group_sel = i;
            p->err[0] = 0;
            u->invalidate(ui);
        }
    }
    u->list_end(ui);
}

static void draw_locations(struct gh_picker *p, struct gh_ui *ui, const char *id)
{
    const struct gh_ui_api *u = gh_ui_api_table();
    char wid[160];
    if (!p->nlocs) {
        u->text(ui, NULL, _("There are no locations yet."), GH_UI_MUTED);
        return;
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
}

void ui_picker_draw(struct gh_picker *p, struct gh_ui *ui, const char *id)
{
    const struct gh_ui_api *u = gh_ui_api_table();
    char wid[160];
    if (!p)
        return;
    draw_kinds(p, ui, id);
    switch (p->access) {
    case GH_ACCESS_ALL:
        u->text(ui, NULL, _("Every location, including ones added later."), GH_UI_MUTED);
        break;
    case GH_ACCESS_NONE:
        u->text(ui, NULL, _("No location until staff give access."), GH_UI_MUTED);
        break;
    case GH_ACCESS_GROUP:
        draw_groups(p, ui, id);
        break;
    case GH_ACCESS_SPECIFIC:
        draw_locations(p, ui, id);
        break;
    }
    if (p->err[0]) {
        snprintf(wid, sizeof wid, "%s.error", id);
        u->text(ui, wid, p->err, GH_UI_ERROR);
    }
}

int ui_picker_get(struct gh_picker *p, int check, int *access, const char **group,
                  const char **names, int max)
{
    int n = 0;
    if (!p)
        return -1;
    const char *g = p->access == GH_ACCESS_GROUP && p->group_sel >= 0 &&
                    p->group_sel < p->ngroups ? p->groups[p->group_sel].name : NULL;
    if (access)
        *access = p->access;
    if (group)
        *group = g;
    int chosen = 0;                      /* names[] may be too small, or NULL */
    for (int i = 0; p->access == GH_ACCESS_SPECIFIC && i < p->nlocs; i++) {
        if (!p->locs[i].on)
            continue;
        chosen++;
        if (names && n < max)
            names[n++] = p->locs[i].name;
    }
    if (check && p->access == GH_ACCESS_GROUP && !g) {
        snprintf(p->err, sizeof p->err, "%s", _("Choose a group."));
        return -1;
    }
    if (check && p->access == GH_ACCESS_SPECIFIC && !chosen) {
        snprintf(p->err, sizeof p->err, "%s", _("Choose at least one location."));
        return -1;
    }
    return n;
}

void ui_picker_error(struct gh_picker *p, const char *msg)
{
    if (p)
        snprintf(p->err, sizeof p->err, "%s", msg ? msg : "");
}
