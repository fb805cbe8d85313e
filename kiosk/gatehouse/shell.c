/*
 * shell.c: the kiosk's own screens, written against the same toolkit table
 * (struct gh_ui_api) a plugin gets.
 *
 *   home         a tile per GH_TILE_HOME tile (configured order, hidden when
 *                its visible() says 0) and a discreet "Staff" corner button
 *   staff.login  email or phone on the full keyboard
 *   staff.pin    the PIN on the numeric pad; gh_auth_login; a non-staff
 *                account gets a neutral refusal, a lock-out its message
 *   staff.menu   the GH_TILE_STAFF tiles this staff member's permissions
 *                allow, with badges, the mail relay's problem line, the
 *                site's (working offline since when, conflicts to look at),
 *                and Done
 *
 * The staff session is the kiosk's (session.c; plugins see it as
 * ui->staff()); it ends on Done, on the idle time-out and whenever the
 * kiosk returns home.
 */
#include <string.h>
#include <stdio.h>
#include "shell.h"
#include "session.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/store.h"
#include "gatehouse/ui_host.h"
#include "gatehouse/oplog.h"
#include "gatehouse/mailer.h"
#include "gatehouse/i18n.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/site.h"

struct shell {
    struct gh_ui *ui;
    struct gh_plugin_host *host;
    struct gh_session *session;
    const struct gh_host *h;      /* our host table (store, config) */
    const struct gh_ui_api *api;
    int mail_on;
    char kiosk_name[128];
    /* staff.login / staff.pin: what was typed (wiped on leave) */
    char who[GH_EMAIL_MAX + 1];
    char who_err[256];
    char pin[16];
    char pin_err[256];
    char pin_who[GH_EMAIL_MAX + 1];
};

static struct shell shell;

static void load_settings(struct shell *s)
{
    const char *name = s->h && s->h->store ? gh_settings_get(s->h->store, GH_SETTING_KIOSK_NAME)
                                           : NULL;
    snprintf(s->kiosk_name, sizeof s->kiosk_name, "%s", name && *name ? name : "Gatehouse");
    if (s->session)
        gh_session_reload_settings(s->session);
}

/* ---- home ------------------------------------------------------------------ */
/* The person's own choices, at most four to a row: the configured
 * languages, each in its own name (the one in use looks selected; a tap
 * switches the whole kiosk from the next frame), then "Aa", larger text
 * (selected while on). Both last until the person goes (session.h). */
static void choice_button(struct shell *s, struct gh_ui *ui, int i, int n_lang)
{
    const struct gh_ui_api *u = s->api;
    if (i == n_lang) {
        int on = gh_ui_large_text(ui);
        if (u->button(ui, "home.textsize", "Aa", on ? GH_UI_PRIMARY : GH_UI_NORMAL))
            gh_session_set_large_text(s->session, !on);
        return;
    }
    const char *code = gh_config_langs()->languages[i];
    char id[48];
    snprintf(id, sizeof id, "home.lang.%s", code);
    int on = strcmp(gh_i18n_current(), code) == 0;
    if (u->button(ui, id, gh_i18n_name(code), on ? GH_UI_PRIMARY : GH_UI_NORMAL))
        gh_session_set_lang(s->session, code);
}

static void lang_row(struct shell *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->api;
    const struct gh_config_langs *c = gh_config_langs();
    if (!s->session)
        return;
    int n_lang = c->n_languages < 2 ? 0 : c->n_languages, n = n_lang + 1;
    for (int i = 0; i < n; i += 4) {
        int cols = n - i < 4 ? n - i : 4;
        u->row_begin(ui, n == 1 ? 4 : cols);   /* "Aa" alone: a quarter of the width */
        for (int j = i; j < i + cols; j++)
            choice_button(s, ui, j, n_lang);
        u->row_end(ui);
    }
    u->spacer(ui, 16);
}

/* A door kiosk ([kiosk] door = NAME): the lock plugin's door-code keypad is
 * the home screen, and the other home tiles (Sign up, First time here?) are
 * smaller buttons below it. 0: not a door kiosk (or no keypad loaded). */
static int door_home(struct shell *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->api;
    const struct gh_config *c = s->h ? s->h->config : NULL;
    const struct gh_reg_screen *pad =
        c && c->kiosk_door[0] ? gh_plugin_host_screen(s->host, "lockctl.keypad") : NULL;
    if (!pad)
        return 0;
    lang_row(s, ui);
    gh_ui_bottom(ui);                    /* the keypad and the tiles within reach */
    pad->screen->draw(pad->state, ui);
    u->spacer(ui, 48);
    const struct gh_reg_tile *shown[16];
    int n = gh_plugin_host_tile_count(s->host, GH_TILE_HOME), k = 0;
    for (int i = 0; i < n && k < 16; i++) {
        const struct gh_reg_tile *rt = gh_plugin_host_tile(s->host, GH_TILE_HOME, i);
        if (!rt->tile->visible || rt->tile->visible(rt->state))
            shown[k++] = rt;
    }
    for (int i = 0; i < k; i += 2) {     /* two to a row */
        int cols = k - i < 2 ? 1 : 2;
        u->row_begin(ui, cols);
        for (int j = i; j < i + cols; j++)
            if (u->button(ui, shown[j]->tile->id, _(shown[j]->tile->label), GH_UI_NORMAL))
                u->push(ui, shown[j]->tile->screen, NULL);
        u->row_end(ui);
    }
    u->spacer(ui, 120);                  /* room to scroll the last one above Staff */
    if (gh_ui_corner_button(ui, "home.staff", _("Staff")))
        u->push(ui, "staff.login", NULL);
    return 1;
}

static void home_draw(void *state, struct gh_ui *ui)
{
    struct shell *s = state;
    const struct gh_ui_api *u = s->api;
    if (door_home(s, ui))
        return;
    gh_ui_logo(ui, "home.logo");         /* [screen] logo, above the site's name */
    u->heading(ui, s->kiosk_name);
    u->text(ui, "home.hint", _("Welcome. Tap what you would like to do."), GH_UI_MUTED);
    u->spacer(ui, 24);
    gh_ui_bottom(ui);                    /* the choices and the tiles within reach */
    lang_row(s, ui);
    int shown = 0;
    int n = gh_plugin_host_tile_count(s->host, GH_TILE_HOME);
    for (int i = 0; i < n; i++) {
        const struct gh_reg_tile *rt = gh_plugin_host_tile(s->host, GH_TILE_HOME, i);
        const struct gh_tile *t = rt->tile;
        if (t->visible && !t->visible(rt->state))
            continue;
        int64_t badge = t->badge ? t->badge(rt->state) : 0;
        const char *sub = GH_HAS(t, subtitle) && t->subtitle ? _(t->subtitle) : NULL;
        if (gh_ui_home_tile(ui, t->id, _(t->label), sub, badge))
            u->push(ui, t->screen, NULL);
        shown++;
    }
    if (!shown)
        u->text(ui, "home.empty", _("Nothing can be done at this kiosk yet. Please ask the staff."),
                GH_UI_MUTED);
    u->spacer(ui, 120);                  /* room to scroll the last tile above Staff */
    if (gh_ui_corner_button(ui, "home.staff", _("Staff")))
        u->push(ui, "staff.login", NULL);
}

/* ---- staff log-in: who ------------------------------------------------------ */
static void login_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct shell *s = state;
    explicit_bzero(s->who, sizeof s->who);
    s->who_err[0] = 0;
    s->api->focus(ui, "staff.who");
}

static void login_leave(void *state)
{
    struct shell *s = state;
    explicit_bzero(s->who, sizeof s->who);
    s->who_err[0] = 0;
}

static void login_draw(void *state, struct gh_ui *ui)
{
    struct shell *s = state;
    const struct gh_ui_api *u = s->api;
    u->heading(ui, _("Staff log-in"));
    u->text(ui, "staff.login.hint", _("Enter your email address or mobile number."),
            GH_UI_MUTED);
    if (u->field(ui, "staff.who", _("Email or phone"), s->who, sizeof s->who, GH_KB_EMAIL,
                 s->who_err[0] ? s->who_err : NULL))
        s->who_err[0] = 0;
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "staff.login.cancel", _("Cancel"), GH_UI_NORMAL);
    int next = u->button(ui, "staff.login.next", _("Next"), GH_UI_PRIMARY);
    u->row_end(ui);
    next |= u->entered(ui, "staff.who");   /* Next on the keyboard too */
    if (cancel) {
        u->home(ui);
    } else if (next) {
        gh_ident_trim(s->who, s->who, sizeof s->who);
        if (!s->who[0]) {
            snprintf(s->who_err, sizeof s->who_err, "%s",
                     _("Type your email address or mobile number first."));
        } else {
            snprintf(s->pin_who, sizeof s->pin_who, "%s", s->who);
            u->push(ui, "staff.pin", s->pin_who);
        }
    }
}

/* ---- staff log-in: PIN ------------------------------------------------------- */
static void pin_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct shell *s = state;
    explicit_bzero(s->pin, sizeof s->pin);
    s->pin_err[0] = 0;
    s->api->focus(ui, "staff.pin");
}

static void pin_leave(void *state)
{
    struct shell *s = state;
    explicit_bzero(s->pin, sizeof s->pin);
    s->pin_err[0] = 0;
}

static void try_login(struct shell *s, struct gh_ui *ui)
{
    struct gh_store *st = s->h->store;
    struct gh_account a;
    memset(&a, 0, sizeof a);
    if (gh_auth_pin_format_ok(s->pin, NULL, 0) != 0) {   /* the core's one PIN rule */
        snprintf(s->pin_err, sizeof s->pin_err, "%s", _("A PIN has 4 to 8 digits."));
        return;
    }
    /* Behind the kiosk-wide log-in throttle (throttle.h). */
    enum gh_status rc = gh_throttle_kiosk_login(st, s->kiosk_name, s->pin_who, s->pin, &a, NULL);
    explicit_bzero(s->pin, sizeof s->pin);
    switch (rc) {
    case GH_OK:
        if (a.kind != GH_KIND_STAFF) {
            /* neutral: says nothing about the account that was found;
             * logged by id (issue 16), not by what was typed */
            char who[64];
            gh_account_actor(&a, who, sizeof who);
            gh_audit_append(st, "kiosk", "staff.login", who, GH_OUTCOME_REFUSED,
                            "not a staff account");
            snprintf(s->pin_err, sizeof s->pin_err, "%s", _("This log-in is for staff only."));
            explicit_bzero(&a, sizeof a);
            return;
        }
        gh_oplog(GH_LOG_INFO, "staff account %lld logged in at the kiosk", (long long)a.id);
        gh_session_begin(s->session, &a);
        explicit_bzero(&a, sizeof a);
        gh_ui_replace(ui, "staff.menu", NULL);
        return;
    case GH_E_REFUSED:
        snprintf(s->pin_err, sizeof s->pin_err, "%s", _("This log-in is for staff only."));
        return;
    case GH_E_LOCKED: case GH_E_DENIED:
        snprintf(s->pin_err, sizeof s->pin_err, "%s", gh_store_errmsg(st));
        return;
    default:
        gh_oplog(GH_LOG_ERR, "staff log-in failed: %s", gh_store_errmsg(st));
        snprintf(s->pin_err, sizeof s->pin_err, "%s",
                 _("Log-in is not available right now. Please try again."));
        return;
    }
}

static void pin_draw(void *state, struct gh_ui *ui)
{
    struct shell *s = state;
    const struct gh_ui_api *u = s->api;
    char line[512];
    u->heading(ui, _("Enter your PIN"));
    snprintf(line, sizeof line, _("Staff log-in as %s"), s->pin_who);
    u->text(ui, "staff.pin.who", line, GH_UI_MUTED);
    if (u->field(ui, "staff.pin", _("PIN"), s->pin, sizeof s->pin, GH_KB_PIN,
                 s->pin_err[0] ? s->pin_err : NULL))
        s->pin_err[0] = 0;
    u->row_begin(ui, 2);
    int back = u->button(ui, "staff.pin.back", _("Back"), GH_UI_NORMAL);
    int go = u->button(ui, "staff.pin.login", _("Log in"), GH_UI_PRIMARY);
    u->row_end(ui);
    go |= u->entered(ui, "staff.pin");
    if (back)
        u->pop(ui);
    else if (go)
        try_login(s, ui);
}

/* ---- staff menu ------------------------------------------------------------------ */
/* One line per site conflict not looked at yet (at most three, then how
 * many more). */
struct conflict_lines { struct shell *s; struct gh_ui *ui; int n; };

static int conflict_line(void *ud, const struct gh_site_conflict *c)
{
    struct conflict_lines *cl = ud;
    char id[48], line[512];
    if (cl->n++ >= 3)
        return 0;
    snprintf(id, sizeof id, "staff.menu.conflict.%lld", (long long)c->id);
    gh_site_conflict_text(c, line, sizeof line);
    cl->s->api->text(cl->ui, id, line, GH_UI_ERROR);
    return 0;
}

/* Several kiosks, one site: offline since when, and conflicts to look at
 * (site_notice.c; read from this kiosk's database only). */
static void site_lines(struct shell *s, struct gh_ui *ui, const struct gh_account *staff)
{
    const struct gh_ui_api *u = s->api;
    struct gh_store *st = s->h ? s->h->store : NULL;
    char line[512];
    if (!st || !gh_config_site()->server[0])
        return;
    if (gh_site_offline_line(st, gh_clock_now_ms(), line, sizeof line))
        u->text(ui, "staff.menu.site", line, GH_UI_ERROR);
    struct conflict_lines cl = { s, ui, 0 };
    if (gh_site_conflicts(st, 1, conflict_line, &cl) != GH_OK || cl.n == 0)
        return;
    if (cl.n > 3) {
        snprintf(line, sizeof line, _("... and %d more conflict(s): `gatehousectl site status`"),
                 cl.n - 3);
        u->text(ui, "staff.menu.conflict.more", line, GH_UI_MUTED);
    }
    if (u->button(ui, "staff.menu.conflicts_seen", _("Conflicts looked at"), GH_UI_NORMAL)) {
        int64_t marked = 0;
        char who[GH_EMAIL_MAX + 64];
        gh_account_actor(staff, who, sizeof who);
        if (gh_site_conflicts_seen(st, who, &marked) != GH_OK)
            gh_oplog(GH_LOG_ERR, "site conflicts: %s", gh_store_errmsg(st));
    }
}

static void menu_draw(void *state, struct gh_ui *ui)
{
    struct shell *s = state;
    const struct gh_ui_api *u = s->api;
    const struct gh_account *staff = u->staff(ui);
    if (!staff) {                        /* no session (it ended): nothing here */
        u->home(ui);
        return;
    }
    char line[512];
    u->heading(ui, _("Staff"));
    snprintf(line, sizeof line, _("Logged in as %s"), staff->name[0] ? staff->name : staff->email);
    u->text(ui, "staff.menu.who", line, GH_UI_MUTED);
    if (s->mail_on) {
        char problem[400];
        if (gh_mail_worker_problem(problem, sizeof problem)) {
            snprintf(line, sizeof line, _("Mail is not going out: %s"), problem);
            u->text(ui, "staff.menu.mail", line, GH_UI_ERROR);
        }
        if (gh_mail_worker_inbox_problem(problem, sizeof problem)) {
            snprintf(line, sizeof line, _("Replies by email are not coming in: %s"), problem);
            u->text(ui, "staff.menu.inbox", line, GH_UI_ERROR);
        }
    } else {
        u->text(ui, "staff.menu.mail", _("Mail is off: no mail relay is configured."),
                GH_UI_MUTED);
    }
    site_lines(s, ui, staff);
    u->spacer(ui, 16);
    int shown = 0;
    int n = gh_plugin_host_tile_count(s->host, GH_TILE_STAFF);
    for (int i = 0; i < n; i++) {
        const struct gh_reg_tile *rt = gh_plugin_host_tile(s->host, GH_TILE_STAFF, i);
        const struct gh_tile *t = rt->tile;
        if (t->staff_perm && !gh_perms_has(staff->perms, t->staff_perm))
            continue;
        if (t->visible && !t->visible(rt->state))
            continue;
        int64_t badge = t->badge ? t->badge(rt->state) : 0;
        const char *sub = GH_HAS(t, subtitle) && t->subtitle ? _(t->subtitle) : NULL;
        if (gh_ui_home_tile(ui, t->id, _(t->label), sub, badge))
            u->push(ui, t->screen, NULL);
        shown++;
    }
    if (!shown)
        u->text(ui, "staff.menu.empty", _("No staff tools are available to you here."),
                GH_UI_MUTED);
    u->spacer(ui, 16);
    if (u->button(ui, "staff.done", _("Done"), GH_UI_NORMAL))
        u->home(ui);
    u->wake_in(ui, 10000);               /* badges and the mail line refresh */
}

/* ---- events ------------------------------------------------------------------------ */
static void on_settings(void *state, const struct gh_event *ev)
{
    load_settings(state);
    if (shell.ui)
        shell.api->invalidate(shell.ui);
}

static void on_mail_queued(void *state, const struct gh_event *ev)
{
    struct shell *s = state;
    if (s->mail_on)
        gh_mail_worker_kick();
}

static const struct gh_screen scr_home = {
    .size = sizeof(struct gh_screen), .id = "home", .draw = home_draw };
static const struct gh_screen scr_login = {
    .size = sizeof(struct gh_screen), .id = "staff.login", .enter = login_enter,
    .draw = login_draw, .leave = login_leave };
static const struct gh_screen scr_pin = {
    .size = sizeof(struct gh_screen), .id = "staff.pin", .enter = pin_enter,
    .draw = pin_draw, .leave = pin_leave };
static const struct gh_screen scr_menu = {
    .size = sizeof(struct gh_screen), .id = "staff.menu", .draw = menu_draw };

static enum gh_status shell_init(const struct gh_host *h, void **state, char *err,
                                 size_t errlen)
{
    *state = &shell;
    shell.h = h;
    /* The dummy hash for unknown log-ins, now rather than at the first
     * unknown attempt (which would take twice as long and tell); beside the
     * first frame, not before it. */
    gh_auth_init_background();
    shell.api = h->ui ? h->ui : gh_ui_api_table();
    load_settings(&shell);
    if (h->register_screen(h->ctx, &scr_home) || h->register_screen(h->ctx, &scr_login) ||
        h->register_screen(h->ctx, &scr_pin) || h->register_screen(h->ctx, &scr_menu) ||
        h->register_hook(h->ctx, GH_EVENT_SETTINGS, on_settings) ||
        h->register_hook(h->ctx, GH_EVENT_MAIL_QUEUED, on_mail_queued)) {
        snprintf(err, errlen, "could not register the kiosk's screens");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

static void shell_shutdown(void *state)
{
    struct shell *s = state;
    explicit_bzero(s->who, sizeof s->who);
    explicit_bzero(s->pin, sizeof s->pin);
    explicit_bzero(s->pin_who, sizeof s->pin_who);
}

const struct gh_plugin *gh_shell_plugin(struct gh_ui *ui, struct gh_plugin_host *h,
                                        struct gh_session *session, int mail_on)
{
    static const struct gh_plugin desc = {
        .size = sizeof desc, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "kiosk", .version = "1", .description = "the kiosk's home and staff screens",
        .init = shell_init, .shutdown = shell_shutdown };
    shell.ui = ui;
    shell.host = h;
    shell.session = session;
    shell.mail_on = mail_on;
    return &desc;
}
