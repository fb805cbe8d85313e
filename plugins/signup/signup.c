/*
 * signup.c: the sign-up plugin's screens (SPEC "Occupant states", "What a
 * self sign-up may ask for", "Kiosk identity").
 *
 *   home tile "Sign up"           (only while the self_signup setting is on)
 *     signup.form     email, name, mobile phone, organisation, unit or suite
 *     signup.done     what happens next: waiting for approval, or the setup
 *                     code on its way; "Welcome back" for a re-activation
 *   home tile "First time here?"
 *     signup.setup    email or phone, the 6-digit setup code, the new PIN twice
 *     signup.ready    "Your PIN is saved", and the person's new door code, large
 *                     (issued here through core->doorcode_issue: the only
 *                     time it is shown, besides "My door code" at Unlock)
 *
 * The person at the screen is alone in a lobby, perhaps in a hurry, perhaps
 * reading a second language. So each field gets the keyboard it needs, a
 * problem is said in plain words under the field it concerns as soon as the
 * person starts typing in another field (and at every change once they have
 * tried to send), and the first field in error gets the keyboard back.
 * (The toolkit does not tell a screen which field has the focus, so "left
 * a field" is seen at the first key typed elsewhere, or at "Sign up".)
 *
 * Everything typed lives in this file's state only while its screen is
 * open: each screen's leave() wipes it, sending a form wipes it, and the
 * GH_EVENT_HOME hook (Done, Cancel, the idle time-out) wipes it all again.
 */
#include <string.h>
#include <stdio.h>
#include "signup.h"

struct done_info {
    int outcome;                      /* enum gh_signup_outcome */
    char name[GH_NAME_BUF];
    char email[GH_EMAIL_MAX + 8];     /* in full: the person checks it for typos */
    char group[GH_NAME_BUF];          /* joined by email domain, "" none */
};

struct signup {
    const struct gh_host *host;
    const struct gh_ui_api *u;
    const struct gh_core_api *core;

    struct signup_form form;
    int form_tried;                   /* "Sign up" was tapped once */
    int form_last;                    /* the field typed in last, -1 none */
    int confirming;                   /* "Is this right?" is open over the form */
    struct done_info done;

    struct signup_setup setup;
    int setup_tried;
    int setup_last;
    char door_code[GH_DOORCODE_BUF];  /* signup.ready shows it; wiped on leave */
};

static struct signup S;

static const char *const form_ids[SF_COUNT] = {
    "signup.email", "signup.name", "signup.phone", "signup.org", "signup.unit" };
static const char *const setup_ids[SU_COUNT] = {
    "setup.who", "setup.code", "setup.pin", "setup.pin2" };

static void wipe_form(struct signup *s)
{
    signup_wipe(&s->form, sizeof s->form);
    s->form_tried = 0;
    s->form_last = -1;
    s->confirming = 0;
}

static void wipe_setup(struct signup *s)
{
    signup_wipe(&s->setup, sizeof s->setup);
    s->setup_tried = 0;
    s->setup_last = -1;
}

static void wipe_all(struct signup *s)
{
    wipe_form(s);
    wipe_setup(s);
    signup_wipe(s->door_code, sizeof s->door_code);
    signup_wipe(&s->done, sizeof s->done);
}

static const char *err_or_null(const char *e) { return e[0] ? e : NULL; }

/* ---- tiles ----------------------------------------------------------------- */
static int signup_visible(void *state)
{
    struct signup *s = state;
    return s->core->settings_get_bool(s->host->store, GH_SETTING_SELF_SIGNUP);
}

/* ---- signup.form ----------------------------------------------------------- */
static void form_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct signup *s = state;
    (void)arg;
    wipe_form(s);
    s->u->focus(ui, form_ids[SF_EMAIL]);  /* the keyboard is up at once */
}

static void form_leave(void *state)
{
    wipe_form(state);
}

/* Field i changed. The field typed in before it has been left: check that
 * one now. The changed one is checked while it shows a problem (so the
 * message goes as soon as it is fixed) and, after a first try to send, at
 * every change. */
static void form_changed(struct signup *s, int i)
{
    s->form.general[0] = '\0';
    if (s->form_last >= 0 && s->form_last != i)
        signup_form_check_field(s->core, &s->form, s->form_last);
    s->form_last = i;
    if (s->form_tried || s->form.err[i][0])
        signup_form_check_field(s->core, &s->form, i);
}

static void form_submit(struct signup *s, struct gh_ui *ui)
{
    struct gh_signup_result res;
    struct gh_account a;
    struct gh_group g;
    int bad = -1;

    s->form_tried = 1;
    enum gh_status rc = signup_form_submit(s->core, s->host->store, &s->form, &res, &bad);
    if (rc != GH_OK) {
        /* the keyboard back on the field to fix, scrolled into view with
         * its message; a refusal about no field: the keyboard away so the
         * message above the buttons shows */
        s->u->focus(ui, bad >= 0 ? form_ids[bad] : NULL);
        s->u->invalidate(ui);
        if (rc != GH_E_INVALID && rc != GH_E_EXISTS && rc != GH_E_REFUSED)
            s->host->log(s->host->ctx, GH_LOG_ERR, "sign-up failed: %s",
                         s->core->errmsg(s->host->store));
        return;
    }
    signup_wipe(&s->done, sizeof s->done);
    s->done.outcome = (int)res.outcome;
    /* The account as stored: trimmed, and after a re-activation with the
     * name field left empty, the name the account already had. */
    if (s->core->account_get(s->host->store, res.account_id, &a) == GH_OK) {
        snprintf(s->done.name, sizeof s->done.name, "%s", a.name);
        snprintf(s->done.email, sizeof s->done.email, "%s", a.email);
    } else {
        s->core->trim(s->form.email, s->done.email, sizeof s->done.email);
    }
    signup_wipe(&a, sizeof a);
    if (res.joined_group_id &&
        s->core->group_get(s->host->store, res.joined_group_id, &g) == GH_OK)
        snprintf(s->done.group, sizeof s->done.group, "%s", g.name);
    /* what was typed is kept no longer than needed */
    wipe_form(s);
    s->u->push(ui, "signup.done", NULL);
}

/* "Sign up" tapped: a form that passes the checks is shown back first,
 * the email in full, so a typo in the address the setup code goes to is
 * seen before anything is stored; "No, fix it" returns to the form as it
 * was. A form with a problem gets the keyboard on the first field to fix. */
static void form_confirm(struct signup *s, struct gh_ui *ui)
{
    s->form_tried = 1;
    s->form.general[0] = '\0';
    int bad = signup_form_check(s->core, &s->form);
    s->u->focus(ui, bad >= 0 ? form_ids[bad] : NULL);
    s->confirming = bad < 0;
    s->u->invalidate(ui);
}

static void confirm_dialog(struct signup *s, struct gh_ui *ui)
{
    char email[GH_EMAIL_MAX + 8], text[GH_EMAIL_MAX + 400];
    s->core->trim(s->form.email, email, sizeof email);
    snprintf(text, sizeof text, _("Your setup code and news about your access will be "
                                  "emailed to:\n%s"), email);
    int r = s->u->dialog(ui, "signup.confirm", _("Is this right?"), text,
                         _("Yes, sign me up"), _("No, fix it"));
    signup_wipe(text, sizeof text);
    signup_wipe(email, sizeof email);
    if (r == GH_UI_DIALOG_OPEN)
        return;
    s->confirming = 0;
    if (r == GH_UI_DIALOG_OK)
        form_submit(s, ui);
    else
        s->u->focus(ui, form_ids[SF_EMAIL]);   /* everything typed is still there */
}

static void form_draw(void *state, struct gh_ui *ui)
{
    struct signup *s = state;
    const struct gh_ui_api *u = s->u;
    struct signup_form *f = &s->form;
    static const int kbs[SF_COUNT] = { GH_KB_EMAIL, GH_KB_TEXT, GH_KB_PHONE, GH_KB_TEXT,
                                       GH_KB_TEXT };
    const char *labels[SF_COUNT] = {
        _("Email address"), _("Name (optional)"), _("Mobile phone (optional)"),
        _("Organisation (optional)"), _("Unit or suite (optional)") };

    u->heading(ui, _("Sign up"));
    u->text(ui, "signup.hint",
            _("Tell us who you are. The building staff use this to give you access."),
            GH_UI_MUTED);
    for (int i = 0; i < SF_COUNT; i++) {
        size_t cap;
        char *buf = signup_form_buf(f, i, &cap);
        if (i == SF_ORG)
            u->text(ui, "signup.req.hint",
                    _("Which organisation and unit you belong to is a request to the "
                      "staff; it does not give access by itself."), GH_UI_MUTED);
        if (u->field(ui, form_ids[i], labels[i], buf, cap, (enum gh_kb)kbs[i],
                     err_or_null(f->err[i])))
            form_changed(s, i);
    }
    if (f->general[0])
        u->text(ui, "signup.error", f->general, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "signup.cancel", _("Cancel"), GH_UI_NORMAL);
    int send = u->button(ui, "signup.submit", _("Sign up"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->home(ui);
    else if (send)
        form_confirm(s, ui);
    else if (s->confirming)
        confirm_dialog(s, ui);
}

/* ---- signup.done -------------------------------------------------------------- */
static void done_leave(void *state)
{
    struct signup *s = state;
    signup_wipe(&s->done, sizeof s->done);
}

static void done_draw(void *state, struct gh_ui *ui)
{
    struct signup *s = state;
    const struct gh_ui_api *u = s->u;
    const struct done_info *d = &s->done;
    char line[1200], thanks[GH_NAME_BUF + 64];
    int back = d->outcome == GH_SIGNUP_REACTIVATED_PENDING ||
               d->outcome == GH_SIGNUP_REACTIVATED_ACTIVE;
    int pending = d->outcome == GH_SIGNUP_PENDING || d->outcome == GH_SIGNUP_REACTIVATED_PENDING;

    if (back)
        snprintf(thanks, sizeof thanks, d->name[0] ? _("Welcome back, %s.") : _("Welcome back."),
                 d->name);
    else
        snprintf(thanks, sizeof thanks, d->name[0] ? _("Thanks, %s.") : _("Thank you."), d->name);
    u->heading(ui, back ? _("Welcome back") : pending ? _("Request sent") : _("You're signed up"));
    if (pending) {
        snprintf(line, sizeof line,
                 back ? _("%s The building staff will review your request to use this kiosk "
                          "again; you'll get an email at %s when it's approved.")
                      : _("%s The building staff will review your request; you'll get an "
                          "email at %s when it's approved."),
                 thanks, d->email);
        u->text(ui, "signup.done.text", line, GH_UI_NORMAL);
        u->text(ui, "signup.done.next",
                _("That email has a 6-digit setup code. Then tap \"First time here?\" on the "
                  "home screen and enter it to choose your PIN."), GH_UI_MUTED);
    } else {
        snprintf(line, sizeof line,
                 back ? _("%s Your account is active again. Check your email at %s for a "
                          "6-digit setup code.")
                      : _("%s Your account is ready. Check your email at %s for a 6-digit "
                          "setup code."),
                 thanks, d->email);
        u->text(ui, "signup.done.text", line, GH_UI_NORMAL);
        u->text(ui, "signup.done.next",
                _("Then tap \"First time here?\" on the home screen and enter the code to "
                  "choose your PIN."), GH_UI_MUTED);
    }
    if (d->group[0]) {
        snprintf(line, sizeof line, _("Your email address makes you a member of %s."),
                 d->group);
        u->text(ui, "signup.done.group", line, GH_UI_MUTED);
    }
    u->spacer(ui, 24);
    if (u->button(ui, "signup.done.ok", _("Done"), GH_UI_PRIMARY))
        u->home(ui);
}

/* ---- signup.setup ---------------------------------------------------------------- */
static void setup_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct signup *s = state;
    (void)arg;
    wipe_setup(s);
    s->u->focus(ui, setup_ids[SU_WHO]);
}

static void setup_leave(void *state)
{
    wipe_setup(state);
}

static void setup_changed(struct signup *s, int i)
{
    s->setup.general[0] = '\0';
    if (i == SU_CODE) {
        /* the phone pad also has "+": a code is digits only */
        char *w = s->setup.code;
        for (const char *r = s->setup.code; *r; r++)
            if (*r >= '0' && *r <= '9')
                *w++ = *r;
        *w = '\0';
    }
    if (s->setup_last >= 0 && s->setup_last != i)
        signup_setup_check_field(s->core, &s->setup, s->setup_last);
    s->setup_last = i;
    if (s->setup_tried || s->setup.err[i][0])
        signup_setup_check_field(s->core, &s->setup, i);
}

/* The PIN is set: the person gets their door code now (a new one voids any
 * old one). Not issued (an account that may open no door, or the store
 * failed): signup.ready shows none, and the log says why. */
static void issue_door_code(struct signup *s)
{
    struct gh_store *st = s->host->store;
    struct gh_account a;
    char who[GH_EMAIL_MAX + 66], actor[64];
    signup_wipe(s->door_code, sizeof s->door_code);
    if (!GH_HAS(s->core, doorcode_issue))
        return;
    snprintf(who, sizeof who, "%s", s->setup.who);
    size_t n = strlen(who), k = strspn(who, " ");
    while (n > k && who[n - 1] == ' ')
        who[--n] = '\0';
    enum gh_status rc = s->core->account_find(st, who + k, &a);
    signup_wipe(who, sizeof who);
    if (rc != GH_OK)
        return;
    s->core->account_actor(&a, actor, sizeof actor);
    rc = s->core->doorcode_issue(st, actor, a.id, s->door_code, sizeof s->door_code);
    if (rc != GH_OK) {
        s->host->log(s->host->ctx, GH_LOG_INFO, "no door code issued for account %lld: %s",
                     (long long)a.id, s->core->errmsg(st));
        signup_wipe(s->door_code, sizeof s->door_code);
    }
    signup_wipe(&a, sizeof a);
}

static void setup_submit(struct signup *s, struct gh_ui *ui)
{
    int bad = -1;
    s->setup_tried = 1;
    enum gh_status rc = signup_setup_redeem(s->core, s->host->store, &s->setup, &bad);
    if (rc == GH_OK) {
        issue_door_code(s);
        wipe_setup(s);
        s->u->push(ui, "signup.ready", NULL);
        return;
    }
    s->u->focus(ui, bad >= 0 ? setup_ids[bad] : NULL);
    s->u->invalidate(ui);
}

static void setup_draw(void *state, struct gh_ui *ui)
{
    struct signup *s = state;
    const struct gh_ui_api *u = s->u;
    struct signup_setup *p = &s->setup;
    static const int kbs[SU_COUNT] = { GH_KB_EMAIL, GH_KB_PHONE, GH_KB_PIN, GH_KB_PIN };
    const char *labels[SU_COUNT] = {
        _("Your email address or mobile number"), _("Setup code (6 digits, from the email)"),
        _("New PIN (4 to 8 digits)"), _("New PIN again") };

    u->heading(ui, _("Choose your PIN"));
    u->text(ui, "setup.hint",
            _("Your welcome email has a 6-digit setup code. Enter it here with a PIN of your "
              "own; you'll use that PIN to log in."), GH_UI_MUTED);
    for (int i = 0; i < SU_COUNT; i++) {
        size_t cap;
        char *buf = signup_setup_buf(p, i, &cap);
        if (u->field(ui, setup_ids[i], labels[i], buf, cap, (enum gh_kb)kbs[i],
                     err_or_null(p->err[i])))
            setup_changed(s, i);
    }
    if (p->general[0])
        u->text(ui, "setup.error", p->general, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "setup.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "setup.submit", _("Set PIN"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->home(ui);
    else if (go)
        setup_submit(s, ui);
}

/* "7567 9863": groups of 4 (of 3 for 6 or 9 digits), easier to read off. */
static void group_digits(const char *code, char *out, size_t len)
{
    size_t n = strlen(code), g = n % 4 && !(n % 3) ? 3 : 4, k = 0;
    for (size_t i = 0; i < n && k + 2 < len; i++) {
        if (i && i % g == 0)
            out[k++] = ' ';
        out[k++] = code[i];
    }
    out[k] = '\0';
}

/* ---- signup.ready ---------------------------------------------------------------- */
static void ready_draw(void *state, struct gh_ui *ui)
{
    struct signup *s = state;
    const struct gh_ui_api *u = s->u;
    u->heading(ui, _("Your PIN is saved"));
    if (s->door_code[0]) {
        u->text(ui, "ready.code.label", _("Your door code:"), GH_UI_NORMAL);
        char grouped[GH_DOORCODE_BUF * 2];
        group_digits(s->door_code, grouped, sizeof grouped);
        u->text(ui, "ready.code", grouped, GH_UI_BIG);
        signup_wipe(grouped, sizeof grouped);
        u->text(ui, "ready.code.hint",
                _("Type it on the keypad at a door to open it. Remember it: it is shown "
                  "only now and is never emailed. You can get a new one with \"My door "
                  "code\" after logging in with your email and PIN."), GH_UI_NORMAL);
    } else {
        u->text(ui, "ready.text", _("You're set. Use Unlock with your PIN."), GH_UI_NORMAL);
    }
    u->spacer(ui, 24);
    if (u->button(ui, "ready.ok", _("Done"), GH_UI_PRIMARY))
        u->home(ui);
}

static void ready_leave(void *state)
{
    struct signup *s = state;
    signup_wipe(s->door_code, sizeof s->door_code);
}

/* ---- events -------------------------------------------------------------------- */
static void on_home(void *state, const struct gh_event *ev)
{
    (void)ev;
    wipe_all(state);
}

static enum gh_status signup_init(const struct gh_host *host, void **state, char *err,
                                  size_t errlen)
{
    static const struct gh_screen scr_form = {
        .size = sizeof scr_form, .id = "signup.form", .enter = form_enter,
        .draw = form_draw, .leave = form_leave };
    static const struct gh_screen scr_done = {
        .size = sizeof scr_done, .id = "signup.done", .draw = done_draw,
        .leave = done_leave };
    static const struct gh_screen scr_setup = {
        .size = sizeof scr_setup, .id = "signup.setup", .enter = setup_enter,
        .draw = setup_draw, .leave = setup_leave };
    static const struct gh_screen scr_ready = {
        .size = sizeof scr_ready, .id = "signup.ready", .draw = ready_draw,
        .leave = ready_leave };
    static const struct gh_tile tile_signup = {
        .size = sizeof tile_signup, .id = "tile.signup", .label = N_("Sign up"),
        .screen = "signup.form", .area = GH_TILE_HOME, .order = 20,
        .visible = signup_visible, .subtitle = N_("New here? Ask for access") };
    static const struct gh_tile tile_setup = {
        .size = sizeof tile_setup, .id = "tile.firsttime", .label = N_("First time here?"),
        .screen = "signup.setup", .area = GH_TILE_HOME, .order = 30,
        .subtitle = N_("Set your PIN with the code from your welcome email") };

    memset(&S, 0, sizeof S);
    S.host = host;
    S.core = host->core;
    S.u = host->ui;
    S.form_last = S.setup_last = -1;
    *state = &S;
    if (!host->is_kiosk || !host->ui)
        return GH_OK;                /* gatehousectl: nothing to show */
    if (!GH_HAS(host->core, trim)) {
        snprintf(err, errlen, "this program's core has no trim (built for an older "
                 "Gatehouse)");
        return GH_E_PLUGIN;
    }
    if (host->register_screen(host->ctx, &scr_form) != 0 ||
        host->register_screen(host->ctx, &scr_done) != 0 ||
        host->register_screen(host->ctx, &scr_setup) != 0 ||
        host->register_screen(host->ctx, &scr_ready) != 0 ||
        host->register_tile(host->ctx, &tile_signup) != 0 ||
        host->register_tile(host->ctx, &tile_setup) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_HOME, on_home) != 0) {
        snprintf(err, errlen, "could not register the sign-up screens (see the log)");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

static void signup_shutdown(void *state)
{
    wipe_all(state);
}

GH_PLUGIN_EXPORT(signup)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "signup", .version = "1.0",
        .description = "self sign-up and the first-time PIN from the setup code",
        .init = signup_init, .shutdown = signup_shutdown, .commands = no_commands };
    return &p;
}
