/*
 * create.c: occupants.new, a new occupant made by the staff member at the
 * kiosk (seed 000 "Creating new occupants"): email (required), name, phone
 * and location access (the one access picker: all, a group, specific
 * locations or none, starting from the signup_default_access setting as an
 * approval does). The core makes
 * the account active at once and queues the welcome email with its setup
 * code; the screen then says so, in place of the form.
 */
#include <stdio.h>
#include <string.h>
#include "occupants.h"

static struct {
    char email[GH_EMAIL_MAX + 1], name[GH_NAME_BUF], phone[GH_PHONE_BUF];
    char email_err[OCC_MSG], name_err[OCC_MSG], phone_err[OCC_MSG];
    char err[OCC_MSG];
    struct gh_picker *pick;             /* the one access picker (the UI's) */
    int64_t made_id;                    /* > 0: the result is shown */
    char made_email[GH_EMAIL_MAX + 1], made_name[GH_NAME_BUF];
} C;

static void clear(void)
{
    explicit_bzero(C.email, sizeof C.email);
    explicit_bzero(C.name, sizeof C.name);
    explicit_bzero(C.phone, sizeof C.phone);
    C.email_err[0] = C.name_err[0] = C.phone_err[0] = C.err[0] = 0;
}

/* The picker, starting from the signup_default_access setting (none|all),
 * as approving a sign-up does. */
static void load_picker(void)
{
    occ.ui->picker_free(C.pick);
    C.pick = occ.ui->picker_new(occ.st, GH_PICK_GROUP | GH_PICK_NONE);
    const char *d = occ.core->settings_get(occ.st, GH_SETTING_SIGNUP_ACCESS);
    occ.ui->picker_set(C.pick, d && strcmp(d, "all") == 0 ? GH_ACCESS_ALL : GH_ACCESS_NONE,
                       NULL, NULL, 0);
}

static void new_enter(void *state, struct gh_ui *ui, const void *arg)
{
    clear();
    C.made_id = 0;
    load_picker();
    occ.ui->focus(ui, "occupants.new.email");
}

static void new_leave(void *state)
{
    clear();
    explicit_bzero(C.made_email, sizeof C.made_email);
    explicit_bzero(C.made_name, sizeof C.made_name);
    C.made_id = 0;
    occ.ui->picker_free(C.pick);
    C.pick = NULL;
}

static void create(struct gh_ui *ui)
{
    static const char *const fields[] = { "email", "name", "phone", "location", "group" };
    char actor[GH_EMAIL_MAX + 64], err[OCC_MSG], norm[GH_PHONE_BUF];
    const char *names[OCC_MAX_LOCATIONS];

    C.email_err[0] = C.name_err[0] = C.phone_err[0] = C.err[0] = 0;
    occ.ui->picker_error(C.pick, NULL);
    /* the core's trim, in place (each buffer holds its own trimmed text) */
    occ.core->trim(C.email, C.email, sizeof C.email);
    occ.core->trim(C.name, C.name, sizeof C.name);
    occ.core->trim(C.phone, C.phone, sizeof C.phone);
    /* every field's own check first, so each shows its error at once */
    if (!C.email[0])
        snprintf(C.email_err, sizeof C.email_err, "%s", _("An email address is required."));
    else if (occ.core->check_email(C.email, err, sizeof err) != 0)
        snprintf(C.email_err, sizeof C.email_err, "%s", err);
    if (occ.core->check_name(C.name, err, sizeof err) != 0)
        snprintf(C.name_err, sizeof C.name_err, "%s", err);
    if (C.phone[0] && occ.core->normalize_phone(C.phone, norm, sizeof norm, err, sizeof err) != 0)
        snprintf(C.phone_err, sizeof C.phone_err, "%s", err);
    const char *group;
    int access;
    int n = occ.ui->picker_get(C.pick, 1, &access, &group, names, OCC_MAX_LOCATIONS);
    if (C.email_err[0] || C.name_err[0] || C.phone_err[0] || n < 0)
        return;
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;

    struct gh_account_new in = {
        .email = C.email, .name = C.name, .phone = C.phone[0] ? C.phone : NULL,
        .access = (enum gh_access)access, .group = group, .locations = names, .n_locations = n };
    int64_t id = 0;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->occupant_create(occ.st, actor, &in, &id) != GH_OK) {
        const char *m = occ_errmsg();
        switch (occ_field_of(m, fields, 5)) {
        case 0: snprintf(C.email_err, sizeof C.email_err, "%s", m); break;
        case 1: snprintf(C.name_err, sizeof C.name_err, "%s", m); break;
        case 2: snprintf(C.phone_err, sizeof C.phone_err, "%s", m); break;
        case 3: case 4: occ.ui->picker_error(C.pick, m); break;
        default: snprintf(C.err, sizeof C.err, "%s", m); break;
        }
        return;
    }
    C.made_id = id;
    snprintf(C.made_email, sizeof C.made_email, "%s", C.email);
    snprintf(C.made_name, sizeof C.made_name, "%s", C.name[0] ? C.name : C.email);
    clear();
    occ.ui->focus(ui, NULL);
    occ_changed();
}

static void draw_result(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[OCC_MSG + GH_EMAIL_MAX];

    u->heading(ui, _("Occupant created"));
    snprintf(line, sizeof line, _("%s is active now."), C.made_name);
    u->text(ui, "occupants.new.done", line, GH_UI_SUCCESS);
    snprintf(line, sizeof line, _("A welcome email with a setup code has been queued for %s. "
                                  "With the code they choose their PIN at the kiosk."),
             C.made_email);
    u->text(ui, "occupants.new.welcome", line, GH_UI_NORMAL);
    u->spacer(ui, 24);
    if (GH_HAS(occ.core, auth_desk_setup) &&
        u->button(ui, "occupants.new.desk", _("Let them set a PIN now"), GH_UI_PRIMARY)) {
        occ_open_desk(ui, C.made_id);
        return;
    }
    if (u->button(ui, "occupants.new.open", _("Open their page"), GH_UI_NORMAL)) {
        occ_open_person(ui, C.made_id);
        return;
    }
    if (u->button(ui, "occupants.new.another", _("Create another"), GH_UI_NORMAL)) {
        C.made_id = 0;
        load_picker();
        u->focus(ui, "occupants.new.email");
        u->invalidate(ui);
        return;
    }
    if (u->button(ui, "occupants.new.finish", _("Done"), GH_UI_NORMAL))
        u->pop(ui);
}

static void new_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;

    if (C.made_id > 0) {
        draw_result(ui);
        return;
    }
    u->heading(ui, _("New occupant"));
    u->text(ui, NULL, _("The account is active at once, and a welcome email goes out."),
            GH_UI_MUTED);
    if (u->field(ui, "occupants.new.email", _("Email (required)"), C.email, sizeof C.email,
                 GH_KB_EMAIL, C.email_err[0] ? C.email_err : NULL))
        C.email_err[0] = 0;
    if (u->field(ui, "occupants.new.name", _("Name"), C.name, sizeof C.name, GH_KB_TEXT,
                 C.name_err[0] ? C.name_err : NULL))
        C.name_err[0] = 0;
    if (u->field(ui, "occupants.new.phone", _("Mobile phone"), C.phone, sizeof C.phone,
                 GH_KB_PHONE, C.phone_err[0] ? C.phone_err : NULL))
        C.phone_err[0] = 0;
    occ.ui->picker_draw(C.pick, ui, "occupants.new.access");
    if (C.err[0])
        u->text(ui, "occupants.new.error", C.err, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.new.cancel", _("Cancel"), GH_UI_NORMAL);
    int save = u->button(ui, "occupants.new.create", _("Create"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->pop(ui);
    else if (save) {
        create(ui);
        u->invalidate(ui);
    }
}

const struct gh_screen occ_scr_new = {
    .size = sizeof(struct gh_screen), .id = "occupants.new",
    .staff_perm = GH_PERM_MANAGE, .enter = new_enter, .draw = new_draw, .leave = new_leave };
