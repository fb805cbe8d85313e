/*
 * screens.c: the screen stack, the kiosk's timers and the idle time-out.
 *
 * Screens are looked up by id in the plugin registry, so built-in and plugin
 * screens are the same thing. Navigation asked for during a draw() (push,
 * pop, home) is applied after that frame, never in the middle of one.
 * Leaving a screen wipes what was typed on it: the toolkit zeroes every
 * field buffer the screen showed and then calls its leave(). Going home
 * (Done, the idle time-out, popping back to home) also ends the staff
 * session and tells plugins with GH_EVENT_HOME. So does a staff account
 * that is no longer active, or lost a permission the screen needs: it is
 * re-read before every frame (staff_recheck).
 */
#include <string.h>
#include <stdio.h>
#include <poll.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/store.h"
#include "gatehouse/audit.h"

enum { NAV_NONE = 0, NAV_PUSH = 1, NAV_POP = 2, NAV_HOME = 3, NAV_REPLACE = 4 };

const char *ui_top_id(const struct gh_ui *ui)
{
    if (ui->depth == 0 || !ui->stack[ui->depth - 1].reg)
        return "";
    return ui->stack[ui->depth - 1].reg->screen->id;
}

const char *gh_ui_screen_id(const struct gh_ui *ui) { return ui_top_id(ui); }

void ui_touch(struct gh_ui *ui)
{
    ui->last_input_ms = gh_clock_mono_ms();
    if (ui->host)
        ui->poll_at = ui->last_input_ms;   /* pollers that wait for events */
}

void ui_field_seen(struct gh_ui *ui, char *buf, size_t cap)
{
    if (ui->depth == 0)
        return;
    struct ui_frame_entry *e = &ui->stack[ui->depth - 1];
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].buf == buf)
            return;
    if (e->nfields < UI_FIELDS_PER_SCREEN)
        e->fields[e->nfields++] = (struct ui_field_rec){ buf, cap };
}

/* Forget everything tied to the screen on top: focus, scrolling, pending
 * keys, dialogs, the pressed widget. */
static void reset_screen_state(struct gh_ui *ui)
{
    ui->focus = 0;
    ui->focus_id[0] = 0;
    ui->focus_request[0] = 0;
    ui->npending = 0;
    ui->next_focus = 0;
    ui->kb_shift = ui->kb_sym = 0;
    ui->dlg.open = 0;
    ui->pressed = 0;
    ui->clicked = 0;
    ui->dragging = 0;
    ui->drag_scroll = -1;
    memset(ui->scrolls, 0, sizeof ui->scrolls);
    ui->nlast = 0;
    ui->need_frame = 1;
}

static void leave_top(struct gh_ui *ui)
{
    struct ui_frame_entry *e = &ui->stack[ui->depth - 1];
    for (int i = 0; i < e->nfields; i++)
        explicit_bzero(e->fields[i].buf, e->fields[i].cap);
    e->nfields = 0;
    if (e->reg && e->reg->screen->leave)
        e->reg->screen->leave(e->reg->state);
}

/* Back to the bottom of the stack. keep_staff: the staff log-in moving on to
 * the staff menu; otherwise the staff session ends too. */
static void unwind(struct gh_ui *ui, int keep_staff)
{
    while (ui->depth > 1) {
        leave_top(ui);
        ui->depth--;
    }
    if (!keep_staff) {
        if (ui->depth == 1)
            leave_top(ui);               /* home wipes too (a plugin may keep state) */
        explicit_bzero(&ui->staff_acct, sizeof ui->staff_acct);
        ui->staff_on = 0;
        ui->toast[0] = 0;
        ui->toast_until = 0;
        ui->busy = 0;
    }
    reset_screen_state(ui);
}

void ui_go_home(struct gh_ui *ui, int emit)
{
    unwind(ui, 0);
    if (emit && ui->host) {
        struct gh_event ev = { .kind = GH_EVENT_HOME, .id = 0, .text = NULL };
        gh_plugin_host_emit(ui->host, &ev);
    }
}

static void do_push(struct gh_ui *ui, const char *id, const void *arg)
{
    const struct gh_reg_screen *reg = ui->host ? gh_plugin_host_screen(ui->host, id) : NULL;
    if (!reg) {
        gh_oplog(GH_LOG_WARN, "screen \"%s\" is not registered", id);
        snprintf(ui->toast, sizeof ui->toast, "%s", _("That isn't available right now."));
        ui->toast_until = gh_clock_mono_ms() + 4000;
        ui->need_frame = 1;
        return;
    }
    unsigned perm = reg->screen->staff_perm;
    if (perm && (!ui->staff_on || !gh_perms_has(ui->staff_acct.perms, perm))) {
        snprintf(ui->toast, sizeof ui->toast, "%s",
                 _("A staff member with the right permission must log in first."));
        ui->toast_until = gh_clock_mono_ms() + 4000;
        ui->need_frame = 1;
        return;
    }
    if (ui->depth >= UI_MAX_STACK) {
        gh_oplog(GH_LOG_WARN, "screen stack full; \"%s\" not opened", id);
        return;
    }
    reset_screen_state(ui);
    struct ui_frame_entry *e = &ui->stack[ui->depth++];
    memset(e, 0, sizeof *e);
    e->reg = reg;
    e->arg = arg;
    if (reg->screen->enter)
        reg->screen->enter(reg->state, ui, arg);
    gh_oplog(GH_LOG_DEBUG, "screen %s (from plugin %s)", id, reg->plugin);
}

/* Why the staff session can't go on with account a (read just now, status
 * s), or NULL: gone, not staff, not active, or without a permission that a
 * screen on the stack needs. */
static const char *staff_gone(const struct gh_ui *ui, enum gh_status s,
                              const struct gh_account *a)
{
    if (s != GH_OK && s != GH_E_NOTFOUND)
        return _("Your staff account could not be checked, so the staff session has ended. "
                 "Please log in again.");
    if (s == GH_E_NOTFOUND || a->kind != GH_KIND_STAFF || a->state != GH_STATE_ACTIVE)
        return _("Your staff account is no longer active. Ask an administrator.");
    for (int i = 0; i < ui->depth; i++) {
        const struct gh_reg_screen *reg = ui->stack[i].reg;
        unsigned perm = reg ? reg->screen->staff_perm : 0;
        if (perm && !gh_perms_has(a->perms, perm))
            return _("Your staff permissions have changed. Please log in again.");
    }
    return NULL;
}

/* A staff session re-reads the staff account (state, permissions) before
 * every action (issue 11): this runs before every frame, and a tap acts
 * only while a frame is built. A staff member switched off, blocked or
 * stripped of a permission from elsewhere (gatehousectl, another kiosk) is
 * sent home with the reason, before the tap that would have acted; the end
 * is logged. A failed read ends the session too (fail closed). */
static void staff_recheck(struct gh_ui *ui)
{
    if (!ui->staff_on || !ui->store)
        return;
    struct gh_account a;
    int64_t id = ui->staff_acct.id;
    enum gh_status s = gh_account_get(ui->store, id, &a);
    const char *why = staff_gone(ui, s, &a);
    if (!why) {
        ui->staff_acct = a;
        explicit_bzero(&a, sizeof a);
        return;
    }
    char target[64];
    snprintf(target, sizeof target, "staff:%lld", (long long)id);
    gh_oplog(GH_LOG_INFO, "staff session of account %lld ended: %s", (long long)id, why);
    gh_audit_append(ui->store, "kiosk", "staff.session", target, GH_OUTCOME_REFUSED,
                    s == GH_OK ? "staff account no longer active or permission removed"
                               : "staff account could not be read");
    explicit_bzero(&a, sizeof a);
    ui_go_home(ui, 1);
    ui->nav.op = NAV_NONE;               /* what the tap asked for is void */
    snprintf(ui->toast, sizeof ui->toast, "%s", why);
    ui->toast_until = gh_clock_mono_ms() + 8000;
    ui->need_frame = 1;
}

void ui_screens_apply_nav(struct gh_ui *ui)
{
    staff_recheck(ui);
    int op = ui->nav.op;
    if (op == NAV_NONE)
        return;
    ui->nav.op = NAV_NONE;
    char id[64];
    snprintf(id, sizeof id, "%s", ui->nav.id);
    switch (op) {
    case NAV_PUSH:
        do_push(ui, id, ui->nav.arg);
        break;
    case NAV_POP:
        if (ui->depth <= 1)
            break;
        if (ui->depth == 2) {            /* popping back home: a return home */
            ui_go_home(ui, 1);
            break;
        }
        leave_top(ui);
        ui->depth--;
        reset_screen_state(ui);          /* the screen below keeps its own state */
        break;
    case NAV_HOME:
        ui_go_home(ui, 1);
        break;
    case NAV_REPLACE:
        unwind(ui, 1);
        do_push(ui, id, ui->nav.arg);
        break;
    }
    ui->need_frame = 1;
}

void ui_screens_draw(struct gh_ui *ui)
{
    if (ui->depth == 0 || !ui->stack[ui->depth - 1].reg) {
        gh_ui_api_table()->heading(ui, _("Gatehouse"));
        gh_ui_api_table()->text(ui, "noscreen", _("This kiosk has no home screen."),
                                GH_UI_ERROR);
        return;
    }
    const struct gh_reg_screen *reg = ui->stack[ui->depth - 1].reg;
    reg->screen->draw(reg->state, ui);
}

/* ---- the api table's navigation members -------------------------------- */
void ui_api_push(struct gh_ui *ui, const char *screen_id, const void *arg)
{
    ui->nav.op = NAV_PUSH;
    snprintf(ui->nav.id, sizeof ui->nav.id, "%s", screen_id ? screen_id : "");
    ui->nav.arg = arg;
    ui->need_frame = 1;
}

void ui_api_pop(struct gh_ui *ui) { ui->nav.op = NAV_POP; ui->need_frame = 1; }
void ui_api_home(struct gh_ui *ui) { ui->nav.op = NAV_HOME; ui->need_frame = 1; }

void ui_api_focus(struct gh_ui *ui, const char *field_id)
{
    if (!field_id) {
        ui->focus = 0;
        ui->focus_request[0] = 0;
    } else {
        snprintf(ui->focus_request, sizeof ui->focus_request, "%s", field_id);
    }
    ui->need_frame = 1;
}

void ui_api_invalidate(struct gh_ui *ui) { ui->need_frame = 1; }

void ui_api_wake_in(struct gh_ui *ui, int ms)
{
    int64_t at = gh_clock_mono_ms() + (ms < 0 ? 0 : ms);
    if (ui->wake_at < 0 || at < ui->wake_at)
        ui->wake_at = at;
}

const struct gh_account *ui_api_staff(struct gh_ui *ui)
{
    return ui->staff_on ? &ui->staff_acct : NULL;
}

/* ---- the kiosk's side ----------------------------------------------------- */
void gh_ui_set_staff(struct gh_ui *ui, const struct gh_account *a)
{
    if (a) {
        ui->staff_acct = *a;
        ui->staff_on = 1;
    } else {
        explicit_bzero(&ui->staff_acct, sizeof ui->staff_acct);
        ui->staff_on = 0;
    }
    ui->need_frame = 1;
}

void gh_ui_replace(struct gh_ui *ui, const char *screen_id, const void *arg)
{
    ui->nav.op = NAV_REPLACE;
    snprintf(ui->nav.id, sizeof ui->nav.id, "%s", screen_id);
    ui->nav.arg = arg;
    ui->need_frame = 1;
}

void gh_ui_reload_settings(struct gh_ui *ui)
{
    if (!ui->store)
        return;
    int64_t s = gh_settings_get_int(ui->store, GH_SETTING_IDLE_TIMEOUT_S);
    if (s > 0 && s < 24 * 3600)
        ui->idle_timeout_ms = (int)(s * 1000);
}

void gh_ui_attach(struct gh_ui *ui, struct gh_plugin_host *h, struct gh_store *st,
                  const char *home_id)
{
    ui_set_current(ui);
    ui->host = h;
    ui->store = st;
    snprintf(ui->home_id, sizeof ui->home_id, "%s", home_id ? home_id : "home");
    gh_ui_reload_settings(ui);
    ui->depth = 0;
    ui->poll_at = gh_clock_mono_ms();
    ui->last_input_ms = ui->poll_at;
    do_push(ui, ui->home_id, NULL);
    ui->toast[0] = 0;
    ui->need_frame = 1;
}

/* Something is on screen that the idle time-out must clear. */
static int idle_applies(const struct gh_ui *ui)
{
    return ui->depth > 1 || ui->staff_on || ui->focus || ui->dlg.open;
}

static int64_t min_deadline(int64_t a, int64_t b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

int gh_ui_timeout_ms(struct gh_ui *ui)
{
    if (ui->need_frame || ui->nav.op)
        return 0;
    int64_t now = gh_clock_mono_ms();
    int64_t at = -1;
    at = min_deadline(at, ui->poll_at);
    at = min_deadline(at, ui->wake_at);
    if (ui->ticker)
        at = min_deadline(at, ui->ticker_at);
    if (ui->toast[0])
        at = min_deadline(at, ui->toast_until);
    if (ui->busy)
        at = min_deadline(at, ui->busy_next);
    if (idle_applies(ui))
        at = min_deadline(at, ui->last_input_ms + ui->idle_timeout_ms);
    if (at < 0)
        return -1;
    if (at <= now)
        return 0;
    return at - now > INT32_MAX ? INT32_MAX : (int)(at - now);
}

void gh_ui_tick(struct gh_ui *ui)
{
    int64_t now = gh_clock_mono_ms();
    if (ui->host && ui->poll_at >= 0 && now >= ui->poll_at) {
        int r = gh_plugin_host_poll(ui->host, now);
        ui->poll_at = r < 0 ? -1 : now + r;
    }
    if (ui->wake_at >= 0 && now >= ui->wake_at) {
        ui->wake_at = -1;
        ui->need_frame = 1;
    }
    if (ui->ticker && ui->ticker_at >= 0 && now >= ui->ticker_at) {
        int64_t r = ui->ticker(ui->ticker_ud, now);
        ui->ticker_at = r < 0 ? -1 : now + r;
    }
    if (ui->toast[0] && now >= ui->toast_until) {
        ui->toast[0] = 0;
        ui->toast_until = 0;
        ui->need_frame = 1;
    }
    if (ui->busy && now >= ui->busy_next) {
        ui->busy_phase++;
        ui->busy_next = now + 150;
        ui->need_frame = 1;
    }
    if (idle_applies(ui) && now - ui->last_input_ms >= ui->idle_timeout_ms) {
        gh_oplog(GH_LOG_INFO, "idle for %d s: back to the home screen",
                 ui->idle_timeout_ms / 1000);
        ui_go_home(ui, 1);
        ui->last_input_ms = now;
    }
    ui_screens_apply_nav(ui);
}

void gh_ui_set_ticker(struct gh_ui *ui, int64_t (*fn)(void *ud, int64_t mono_now_ms),
                      void *ud)
{
    ui->ticker = fn;
    ui->ticker_ud = ud;
    ui->ticker_at = fn ? gh_clock_mono_ms() : -1;
}

int gh_ui_wait(struct gh_ui *ui, int timeout_ms)
{
    if (ui->headless) {
        /* The dummy driver has no event source of its own (SDL would poll
         * it every millisecond); only a signal can wake us, and it
         * interrupts poll(). */
        if (timeout_ms != 0 && !SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            poll(NULL, 0, timeout_ms);
    } else if (ui->native_wait) {
        /* Capped so that a SIGTERM, which SDL's X11 wait retries through,
         * is seen within half a second. */
        int t = timeout_ms < 0 || timeout_ms > 500 ? 500 : timeout_ms;
        SDL_WaitEventTimeout(NULL, t);
    } else {
        /* Drivers that can't sleep until input (KMSDRM with evdev): SDL's
         * own wait would look every millisecond; look every 16 ms instead
         * (a frame at 60 Hz), which costs next to nothing. */
        int64_t until = timeout_ms < 0 ? -1 : gh_clock_mono_ms() + timeout_ms;
        for (;;) {
            SDL_PumpEvents();
            if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
                break;
            int64_t left = until < 0 ? 16 : until - gh_clock_mono_ms();
            if (left <= 0 || poll(NULL, 0, left < 16 ? (int)left : 16) < 0)
                break;                   /* time is up, or a signal */
        }
    }
    ui_pump(ui);
    return ui->quit;
}

int gh_ui_update(struct gh_ui *ui)
{
    for (int i = 0; i < 8 && (ui->need_frame || ui->nav.op); i++) {
        ui_screens_apply_nav(ui);
        ui_build_frame(ui);
    }
    if (!ui->need_render)
        return 0;
    ui->need_render = 0;
    return ui_render(ui);
}
