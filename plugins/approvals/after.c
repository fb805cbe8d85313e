/*
 * after.c: what the approval of one sign-up can bring with it (issue 16),
 * kept apart from approvals.c's queue and access chooser:
 *
 *  - "Rent UNIT to them": when the unit or suite the person asked for is
 *    the name of an existing vacant unit, the approval screen offers a
 *    switch; with it on, the approval and the rent are one change in the
 *    core (gh_occupant_approve_rent: both or neither, logged).
 *  - "Let them set a PIN now": once approved, the queue offers to hand the
 *    kiosk to the person. The screen is the occupants plugin's desk set-up
 *    (occupants.desk.approved, pushed by name; the core's auth_desk_setup
 *    logs it with the staff member who handed over), so this plugin has no
 *    copy of it. Without the occupants plugin the push says "That isn't
 *    available right now."
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <gatehouse/plugin.h>
#include "approvals.h"

static struct {
    /* the offer on approvals.detail */
    int64_t account;                   /* whose sign-up it was read for */
    int64_t unit;                      /* 0: nothing to offer */
    char unit_name[GH_NAME_BUF];
    int on;
    int recheck;                       /* an approval with the rent was refused */
    /* the hand-over on approvals.queue, after an approval */
    int64_t approved;
    char who[GH_NAME_BUF];
    char rented[GH_NAME_BUF];          /* the unit rented with it, "" none */
} R;

void approvals_rent_load(const struct gh_host *h, const struct gh_account *a)
{
    struct gh_location l;
    R.account = a->id;
    R.unit = 0;
    R.on = R.recheck = 0;
    R.unit_name[0] = 0;
    if (!GH_HAS(h->core, occupant_approve_rent) || !a->req_unit[0])
        return;
    /* by its name only: "12" is not location id 12 here */
    if (h->core->location_find(h->store, a->req_unit, &l) != GH_OK ||
        strcasecmp(l.name, a->req_unit) != 0 || l.door != GH_DOOR_UNIT || l.tenant_account ||
        l.tenant_group)
        return;                        /* not a unit, or not vacant: nothing to offer */
    R.unit = l.id;
    snprintf(R.unit_name, sizeof R.unit_name, "%s", l.name);
}

void approvals_rent_draw(const struct gh_host *h, struct gh_ui *ui)
{
    char label[GH_NAME_BUF + 64];
    struct gh_location l;
    if (R.unit && R.recheck) {
        /* refused: rented meanwhile (or gone), so no longer offered */
        R.recheck = 0;
        if (h->core->location_get(h->store, R.unit, &l) != GH_OK || l.tenant_account ||
            l.tenant_group)
            R.unit = 0;
    }
    if (!R.unit)
        return;
    snprintf(label, sizeof label, _("Rent %s to them"), R.unit_name);
    if (h->ui->toggle(ui, "approvals.rent", label, &R.on))
        h->ui->invalidate(ui);
    h->ui->text(ui, "approvals.rent.hint",
                R.on ? _("The unit is rented to them with the approval, and their unit's door "
                         "opens for them.")
                     : _("The unit they asked for is vacant."), GH_UI_MUTED);
}

int approvals_rent_approve(const struct gh_host *h, const char *actor, int64_t id)
{
    enum gh_status rc;
    R.rented[0] = 0;
    if (R.unit && R.on && R.account == id) {
        rc = h->core->occupant_approve_rent(h->store, actor, id, R.unit);
        if (rc == GH_OK) {
            snprintf(R.rented, sizeof R.rented, "%s", R.unit_name);
        } else {
            R.recheck = 1;             /* at the next draw: errmsg is the caller's now */
        }
    } else {
        rc = h->core->occupant_approve(h->store, actor, id);
    }
    return (int)rc;
}

void approvals_after_set(int64_t id, const char *who)
{
    R.approved = id;
    snprintf(R.who, sizeof R.who, "%s", who);
}

void approvals_rent_clear(void)
{
    R.account = R.unit = 0;
    R.unit_name[0] = 0;
    R.on = R.recheck = 0;
}

void approvals_after_clear(void)
{
    explicit_bzero(&R, sizeof R);
}

void approvals_after_draw(const struct gh_host *h, struct gh_ui *ui)
{
    const struct gh_ui_api *u = h->ui;
    char line[GH_NAME_BUF * 2 + 128];
    if (!R.approved)
        return;
    if (R.rented[0])
        snprintf(line, sizeof line, _("%s is approved and rents %s."), R.who, R.rented);
    else
        snprintf(line, sizeof line, _("%s is approved."), R.who);
    u->text(ui, "approvals.after", line, GH_UI_SUCCESS);
    if (!GH_HAS(h->core, auth_desk_setup))
        return;
    u->text(ui, "approvals.after.hint",
            _("Is the person here? Hand them the screen: they choose a PIN and see their door "
              "code, and the staff session ends."), GH_UI_MUTED);
    if (u->button(ui, "approvals.desk", _("Let them set a PIN now"), GH_UI_PRIMARY))
        u->push(ui, "occupants.desk.approved", &R.approved);
    u->spacer(ui, 24);
}
