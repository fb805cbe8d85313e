/*
 * staff.c: staff accounts at the kiosk, for staff with `admin` (issue 16):
 * the list (occupants.staff) and one account (occupants.staffone): add one
 * (email, name, phone, permissions; they get a welcome email with a setup
 * code), change permissions, send a new setup code, switch off and on,
 * clear a lock-out. The rules are the core's (staff_admin.c): no admin
 * removes their own `admin` or switches themselves off, and the last
 * active admin stays; a refusal shows the core's sentence.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "occupants.h"

#define MAX_STAFF 50
#define NPERMS 6

static const unsigned perm_bits[NPERMS] = { GH_PERM_APPROVE, GH_PERM_MANAGE,
                                            GH_PERM_OPEN_COMMON, GH_PERM_OPEN_VACANT,
                                            GH_PERM_OPEN_SHARED, GH_PERM_ADMIN };
static const char *const perm_labels[NPERMS] = {
    N_("Approve sign-ups"), N_("Manage occupants"), N_("Open common doors"),
    N_("Open vacant units"), N_("Open shared units"), N_("Admin (everything)") };
static const char *const perm_ids[NPERMS] = {
    "occupants.staff.perm.approve", "occupants.staff.perm.manage", "occupants.staff.perm.open_common",
    "occupants.staff.perm.open_vacant", "occupants.staff.perm.open_shared", "occupants.staff.perm.admin" };

static struct {
    /* the list */
    struct { int64_t id; char title[GH_NAME_BUF]; char sub[GH_EMAIL_MAX + 64]; } rows[MAX_STAFF];
    int n;
    unsigned gen;
    /* one account; id 0: the add form */
    int64_t arg_id, id;
    struct gh_account a;
    int found;
    int on[NPERMS];
    char email[GH_EMAIL_MAX + 1], name[GH_NAME_BUF], phone[GH_PHONE_BUF];
    char email_err[OCC_MSG], name_err[OCC_MSG], phone_err[OCC_MSG];
    char msg[OCC_MSG];
    int msg_style;
} T;

/* ---- occupants.staff: the list ------------------------------------------ */

/* "approve, manage": the names gatehousectl uses, or "admin" alone. */
static void perms_text(unsigned perms, char *buf, size_t len)
{
    static const char *const names[NPERMS] = { "approve", "manage", "open_common",
                                               "open_vacant", "open_shared", "admin" };
    size_t o = 0;
    buf[0] = 0;
    if (perms & GH_PERM_ADMIN) {
        snprintf(buf, len, "admin");
        return;
    }
    for (int i = 0; i < NPERMS && o < len; i++)
        if (perms & perm_bits[i])
            o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", names[i]);
}

static int add_row(void *ud, const struct gh_account *a)
{
    char pf[128];
    perms_text(a->perms, pf, sizeof pf);
    T.rows[T.n].id = a->id;
    snprintf(T.rows[T.n].title, sizeof T.rows[0].title, "%s", a->name[0] ? a->name : a->email);
    snprintf(T.rows[T.n].sub, sizeof T.rows[0].sub, "%s · %s · %s", occ_state_label(a->state),
             a->email, pf[0] ? pf : "-");
    return ++T.n >= MAX_STAFF;
}

static void list_load(void)
{
    struct gh_account_query q = { .kind = GH_KIND_STAFF, .state = -1, .limit = MAX_STAFF };
    T.n = 0;
    T.gen = occ.generation;
    occ.core->account_search(occ.st, &q, MAX_STAFF, add_row, NULL, NULL);
}

static void list_enter(void *state, struct gh_ui *ui, const void *arg)
{
    list_load();
}

static void open_one(struct gh_ui *ui, int64_t id)
{
    T.arg_id = id;
    occ.ui->push(ui, "occupants.staffone", &T.arg_id);
}

static void list_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    if (T.gen != occ.generation)
        list_load();
    u->heading(ui, _("Staff"));
    u->row_begin(ui, 2);
    int back = u->button(ui, "occupants.staff.back", _("Back"), GH_UI_NORMAL);
    int add = u->button(ui, "occupants.staff.add", _("Add staff"), GH_UI_PRIMARY);
    u->row_end(ui);
    int64_t open = 0;
    u->list_begin(ui, "occupants.staff.list", 1300);
    for (int i = 0; i < T.n; i++) {
        char id[48];
        snprintf(id, sizeof id, "occupants.staff.row.%lld", (long long)T.rows[i].id);
        if (u->list_item(ui, id, T.rows[i].title, T.rows[i].sub, 0))
            open = T.rows[i].id;
    }
    u->list_end(ui);
    if (back)
        u->pop(ui);
    else if (add)
        open_one(ui, 0);
    else if (open)
        open_one(ui, open);
}

const struct gh_screen occ_scr_staff = {
    .size = sizeof(struct gh_screen), .id = "occupants.staff",
    .staff_perm = GH_PERM_ADMIN, .enter = list_enter, .draw = list_draw };

/* ---- occupants.staffone: one account, or a new one ---------------------- */

static void one_load(void)
{
    T.found = T.id && occ.core->account_get(occ.st, T.id, &T.a) == GH_OK &&
              T.a.kind == GH_KIND_STAFF;
    for (int i = 0; i < NPERMS; i++)
        T.on[i] = T.found && (T.a.perms & perm_bits[i]) == perm_bits[i];
}

static void one_enter(void *state, struct gh_ui *ui, const void *arg)
{
    T.id = arg ? *(const int64_t *)arg : 0;
    T.msg[0] = T.email_err[0] = T.name_err[0] = T.phone_err[0] = 0;
    T.email[0] = T.name[0] = T.phone[0] = 0;
    one_load();
}

static void one_leave(void *state)
{
    explicit_bzero(&T.a, sizeof T.a);
    T.found = 0;
    T.msg[0] = 0;
}

static unsigned chosen_perms(void)
{
    unsigned p = 0;
    for (int i = 0; i < NPERMS; i++)
        if (T.on[i])
            p |= perm_bits[i];
    return p;
}

static void say(int style, const char *fmt, const char *arg)
{
    snprintf(T.msg, sizeof T.msg, fmt, arg);
    T.msg_style = style;
}

static void perms_draw(struct gh_ui *ui)
{
    occ.ui->text(ui, NULL, _("Permissions"), GH_UI_MUTED);
    for (int i = 0; i < NPERMS; i++)
        occ.ui->toggle(ui, perm_ids[i], _(perm_labels[i]), &T.on[i]);
}

static void create(struct gh_ui *ui)
{
    static const char *const fields[] = { "email", "name", "phone" };
    char *errs[] = { T.email_err, T.name_err, T.phone_err };
    char actor[GH_EMAIL_MAX + 64];
    struct gh_account_new in = { .email = T.email, .name = T.name, .phone = T.phone };
    int64_t id = 0;

    T.email_err[0] = T.name_err[0] = T.phone_err[0] = T.msg[0] = 0;
    if (!occ_can(ui, GH_PERM_ADMIN))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->staff_create(occ.st, actor, &in, NULL, chosen_perms(), &id) != GH_OK) {
        const char *m = occ_errmsg();
        int f = occ_field_of(m, fields, 3);
        if (f >= 0)
            snprintf(errs[f], OCC_MSG, "%s", m);
        else
            say(GH_UI_ERROR, "%s", m);
        return;
    }
    occ_changed();
    T.id = id;
    one_load();
    say(GH_UI_SUCCESS, _("Staff account created. A welcome email with a setup code has been "
                         "queued for %s."), T.a.email);
}

static void new_draw(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    u->heading(ui, _("Add staff"));
    if (u->field(ui, "occupants.staff.new.email", _("Email"), T.email, sizeof T.email, GH_KB_EMAIL,
                 T.email_err[0] ? T.email_err : NULL))
        T.email_err[0] = 0;
    if (u->field(ui, "occupants.staff.new.name", _("Name"), T.name, sizeof T.name, GH_KB_TEXT,
                 T.name_err[0] ? T.name_err : NULL))
        T.name_err[0] = 0;
    if (u->field(ui, "occupants.staff.new.phone", _("Mobile phone"), T.phone, sizeof T.phone,
                 GH_KB_PHONE, T.phone_err[0] ? T.phone_err : NULL))
        T.phone_err[0] = 0;
    perms_draw(ui);
    if (T.msg[0])
        u->text(ui, "occupants.staff.msg", T.msg, T.msg_style);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.staff.new.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "occupants.staff.new.create", _("Create"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->pop(ui);
    else if (go)
        create(ui);
}

enum act { A_NONE, A_PERMS, A_RESEND, A_OFF, A_ON, A_UNLOCK };

static void run(struct gh_ui *ui, enum act what)
{
    char actor[GH_EMAIL_MAX + 64];
    enum gh_status rc = GH_OK;
    if (!occ_can(ui, GH_PERM_ADMIN))
        return;
    occ_actor(ui, actor, sizeof actor);
    switch (what) {
    case A_PERMS: rc = occ.core->staff_set_perms(occ.st, actor, T.id, chosen_perms()); break;
    case A_RESEND: rc = occ.core->account_resend_welcome(occ.st, actor, T.id); break;
    case A_OFF: rc = occ.core->occupant_set_state(occ.st, actor, T.id, GH_STATE_INACTIVE); break;
    case A_ON: rc = occ.core->occupant_set_state(occ.st, actor, T.id, GH_STATE_ACTIVE); break;
    case A_UNLOCK: rc = occ.core->account_clear_lockout(occ.st, actor, T.id); break;
    default: return;
    }
    if (rc != GH_OK) {
        say(GH_UI_ERROR, "%s", occ_errmsg());
        one_load();
        return;
    }
    static const char *const done[] = {
        [A_PERMS] = N_("Permissions saved for %s."),
        [A_RESEND] = N_("A new setup code has been emailed to %s. The old one no longer works."),
        [A_OFF] = N_("Switched off: %s can no longer log in."),
        [A_ON] = N_("Switched on. A welcome email has been queued for %s."),
        [A_UNLOCK] = N_("The lock-out of %s is cleared.") };
    say(GH_UI_SUCCESS, _(done[what]), T.a.email);
    occ_changed();
    one_load();
}

/* "Locked out until HH:MM" and its button, while the lock-out lasts. */
static int lockout_draw(struct gh_ui *ui)
{
    int64_t now = occ.host->now_ms();
    if (T.a.locked_until <= now)
        return 0;
    char hhmm[16], line[128];
    time_t t = (time_t)(T.a.locked_until / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(hhmm, sizeof hhmm, "%H:%M", &tm))
        snprintf(hhmm, sizeof hhmm, "?");
    snprintf(line, sizeof line, _("Locked out until %s"), hhmm);
    occ.ui->text(ui, "occupants.staff.one.locked", line, GH_UI_ERROR);
    return occ.ui->button(ui, "occupants.staff.one.unlock", _("Clear the lock-out"), GH_UI_NORMAL);
}

static void existing_draw(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[600];
    enum act chosen = A_NONE;
    u->heading(ui, T.a.name[0] ? T.a.name : T.a.email);
    snprintf(line, sizeof line, _("State: %s"), occ_state_label(T.a.state));
    u->text(ui, "occupants.staff.one.state", line, GH_UI_BIG);
    snprintf(line, sizeof line, "%s: %s", _("Email"), T.a.email);
    u->text(ui, "occupants.staff.one.email", line, GH_UI_NORMAL);
    if (lockout_draw(ui))
        chosen = A_UNLOCK;
    if (T.msg[0])
        u->text(ui, "occupants.staff.msg", T.msg, T.msg_style);
    perms_draw(ui);
    if (u->button(ui, "occupants.staff.one.save", _("Save permissions"), GH_UI_PRIMARY))
        chosen = A_PERMS;
    u->row_begin(ui, 2);
    if (u->button(ui, "occupants.staff.one.resend", _("Send a new setup code"), GH_UI_NORMAL))
        chosen = A_RESEND;
    int active = T.a.state == GH_STATE_ACTIVE;
    if (u->button(ui, active ? "occupants.staff.one.off" : "occupants.staff.one.on",
                  active ? _("Switch off") : _("Switch on"),
                  active ? GH_UI_DANGER : GH_UI_NORMAL))
        chosen = active ? A_OFF : A_ON;
    u->row_end(ui);
    if (u->button(ui, "occupants.staff.one.back", _("Back"), GH_UI_NORMAL)) {
        u->pop(ui);
        return;
    }
    if (chosen != A_NONE) {
        run(ui, chosen);
        u->invalidate(ui);
    }
}

static void one_draw(void *state, struct gh_ui *ui)
{
    if (!T.id)
        new_draw(ui);
    else if (T.found)
        existing_draw(ui);
    else {
        occ.ui->heading(ui, _("Staff"));
        occ.ui->text(ui, "occupants.staff.one.missing", _("This staff account is not there any more."),
                     GH_UI_ERROR);
        if (occ.ui->button(ui, "occupants.staff.one.back", _("Back"), GH_UI_NORMAL))
            occ.ui->pop(ui);
    }
}

const struct gh_screen occ_scr_staffone = {
    .size = sizeof(struct gh_screen), .id = "occupants.staffone",
    .staff_perm = GH_PERM_ADMIN, .enter = one_enter, .draw = one_draw, .leave = one_leave };
