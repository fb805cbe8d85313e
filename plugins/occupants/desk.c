/*
 * desk.c: occupants.desk, "Let them set a PIN now" (issue 16). Right after
 * the staff member creates someone (or approves a sign-up: the approvals
 * plugin pushes occupants.desk.approved), they hand the kiosk over: the person
 * types a new PIN twice, sees their door code, and "Done" ends the staff
 * session (home). No way back into the staff screens from here: Cancel
 * also goes home. The core logs it with the staff member who handed over.
 */
#include <stdio.h>
#include <string.h>
#include "occupants.h"

static struct {
    int64_t arg_id, id;
    char pin[16], again[16];
    char pin_err[OCC_MSG], again_err[OCC_MSG], err[OCC_MSG];
    char code[16];
    int done;
    char who[GH_NAME_BUF];
} D;

void occ_open_desk(struct gh_ui *ui, int64_t id)
{
    D.arg_id = id;
    occ.ui->push(ui, "occupants.desk", &D.arg_id);
}

static void desk_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct gh_account a;
    int64_t id = arg ? *(const int64_t *)arg : 0;   /* arg may point into D */
    memset(&D, 0, sizeof D);
    D.id = id;
    if (D.id && occ.core->account_get(occ.st, D.id, &a) == GH_OK)
        snprintf(D.who, sizeof D.who, "%s", a.name[0] ? a.name : a.email);
    occ.ui->focus(ui, "occupants.desk.pin");
}

static void desk_leave(void *state)
{
    explicit_bzero(&D, sizeof D);
}

static void set_pin(struct gh_ui *ui)
{
    char actor[GH_EMAIL_MAX + 64];
    D.pin_err[0] = D.again_err[0] = D.err[0] = 0;
    if (occ.core->pin_format_ok(D.pin, D.pin_err, sizeof D.pin_err) != 0)
        return;
    if (strcmp(D.pin, D.again) != 0) {
        snprintf(D.again_err, sizeof D.again_err, "%s", _("The two PINs are not the same."));
        return;
    }
    if (!occ.ui->staff(ui)) {
        snprintf(D.err, sizeof D.err, "%s", _("Please ask the staff to start again."));
        return;
    }
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->auth_desk_setup(occ.st, actor, D.id, D.pin, D.code, sizeof D.code) != GH_OK) {
        snprintf(D.pin_err, sizeof D.pin_err, "%s", occ_errmsg());
        return;
    }
    explicit_bzero(D.pin, sizeof D.pin);
    explicit_bzero(D.again, sizeof D.again);
    D.done = 1;
    occ.ui->focus(ui, NULL);
    occ_changed();
}

static void draw_done(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[OCC_MSG];
    u->heading(ui, _("Your PIN is set"));
    if (D.code[0]) {
        snprintf(line, sizeof line, _("Your door code is %s. Keep it to yourself."), D.code);
        u->text(ui, "occupants.desk.code", line, GH_UI_BIG);
    } else {
        u->text(ui, "occupants.desk.code", _("You have no door code yet: ask the staff."),
                GH_UI_NORMAL);
    }
    if (u->button(ui, "occupants.desk.finish", _("Done"), GH_UI_PRIMARY))
        u->home(ui);
}

static void desk_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[OCC_MSG];
    if (D.done) {
        draw_done(ui);
        return;
    }
    snprintf(line, sizeof line, _("Welcome, %s"), D.who);
    u->heading(ui, line);
    u->text(ui, NULL, _("Choose a PIN of 4 to 8 digits and type it twice."), GH_UI_MUTED);
    if (u->field(ui, "occupants.desk.pin", _("New PIN"), D.pin, sizeof D.pin, GH_KB_PIN,
                 D.pin_err[0] ? D.pin_err : NULL))
        D.pin_err[0] = 0;
    if (u->field(ui, "occupants.desk.again", _("The same PIN again"), D.again, sizeof D.again,
                 GH_KB_PIN, D.again_err[0] ? D.again_err : NULL))
        D.again_err[0] = 0;
    if (D.err[0])
        u->text(ui, "occupants.desk.error", D.err, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.desk.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "occupants.desk.set", _("Set my PIN"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->home(ui);
    else if (go) {
        set_pin(ui);
        u->invalidate(ui);
    }
}

const struct gh_screen occ_scr_desk = {
    .size = sizeof(struct gh_screen), .id = "occupants.desk",
    .staff_perm = GH_PERM_MANAGE, .enter = desk_enter, .draw = desk_draw,
    .leave = desk_leave };

/* The same screen after an approval: the approvals plugin pushes it by name
 * with a pointer to the account id, for a staff member with `approve` (who
 * may lack `manage`). One screen's code, two doors with their own
 * permission. */
const struct gh_screen occ_scr_desk_approved = {
    .size = sizeof(struct gh_screen), .id = "occupants.desk.approved",
    .staff_perm = GH_PERM_APPROVE, .enter = desk_enter, .draw = desk_draw,
    .leave = desk_leave };
