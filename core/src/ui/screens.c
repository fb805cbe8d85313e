/*
 * screens.c: the screen stack and navigation.
 *
 * Screens are found by id through the program's hooks (the kiosk looks in
 * the plugin registry, so built-in and plugin screens are the same thing).
 * Navigation asked for during a draw() (push, pop, home) is applied after
 * that frame, never in the middle of one. Leaving a screen wipes what was
 * typed on it: the toolkit zeroes every field buffer the screen showed and
 * then calls its leave(). Going home (Done, the idle time-out, popping back
 * to home) also ends the staff session (hooks.end) and tells the program
 * (hooks.went_home). Before every frame the program re-checks the staff
 * session (hooks.recheck); when it has ended, the kiosk goes home with the
 * reason, and what the tap asked for is dropped.
 */
#include <string.h>
#include <stdio.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

enum { NAV_NONE = 0, NAV_PUSH = 1, NAV_POP = 2, NAV_HOME = 3, NAV_REPLACE = 4 };

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
    if (e->reg.screen && e->reg.screen->leave)
        e->reg.screen->leave(e->reg.state);
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
        if (ui->hooks.end)
            ui->hooks.end(ui->hooks.ud);
        ui->toast[0] = 0;
        ui->toast_until = 0;
        ui->busy = 0;
    }
    reset_screen_state(ui);
}

void ui_go_home(struct gh_ui *ui, int emit)
{
    unwind(ui, 0);
    if (emit && ui->hooks.went_home)
        ui->hooks.went_home(ui->hooks.ud);
}

static void do_push(struct gh_ui *ui, const char *id, const void *arg)
{
    struct gh_ui_screen reg = { 0 };
    if (!ui->hooks.screen || !ui->hooks.screen(ui->hooks.ud, id, &reg) || !reg.screen) {
        gh_oplog(GH_LOG_WARN, "screen \"%s\" is not registered", id);
        ui_show_toast(ui, _("That isn't available right now."), 4000);
        return;
    }
    unsigned perm = reg.screen->staff_perm;
    if (perm) {
        const char *no = ui->hooks.may_open ? ui->hooks.may_open(ui->hooks.ud, perm)
                                            : _("A staff member with the right permission "
                                                "must log in first.");
        if (no) {
            ui_show_toast(ui, no, 4000);
            return;
        }
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
    if (reg.screen->enter)
        reg.screen->enter(reg.state, ui, arg);
    gh_oplog(GH_LOG_DEBUG, "screen %s (from plugin %s)", id, reg.plugin ? reg.plugin : "?");
}

void ui_screens_push_now(struct gh_ui *ui, const char *id) { do_push(ui, id, NULL); }

/* The program re-checks the staff session before every frame (a tap acts
 * only while a frame is built): when it has ended, home, with the reason,
 * before the tap that would have acted. */
static void staff_recheck(struct gh_ui *ui)
{
    if (!ui->hooks.recheck)
        return;
    unsigned perms[UI_MAX_STACK];
    for (int i = 0; i < ui->depth; i++)
        perms[i] = ui->stack[i].reg.screen ? ui->stack[i].reg.screen->staff_perm : 0;
    const char *why = ui->hooks.recheck(ui->hooks.ud, perms, ui->depth);
    if (!why)
        return;
    char text[sizeof ui->toast];
    snprintf(text, sizeof text, "%s", why);
    ui_go_home(ui, 1);
    ui->nav.op = NAV_NONE;               /* what the tap asked for is void */
    ui_show_toast(ui, text, 8000);
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

/* Something is on screen that the idle time-out must clear. */
int ui_idle_applies(const struct gh_ui *ui)
{
    return ui->depth > 1 || ui_api_staff((struct gh_ui *)ui) || ui->focus || ui->dlg.open ||
           (ui->hooks.personal && ui->hooks.personal(ui->hooks.ud));
}

/* ---- the api table's navigation members -------------------------------- */
void ui_api_push(struct gh_ui *ui, const char *screen_id, const void *arg)
{
    ui->nav.op = NAV_PUSH;
    snprintf(ui->nav.id, sizeof ui->nav.id, "%s", screen_id ? screen_id : "");
    ui->nav.arg = arg;
    ui->need_frame = 1;
}

int ui_api_screen_exists(struct gh_ui *ui, const char *screen_id)
{
    struct gh_ui_screen reg = { 0 };
    return ui && screen_id && ui->hooks.screen &&
           ui->hooks.screen(ui->hooks.ud, screen_id, &reg) && reg.screen;
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
    return ui->hooks.staff ? ui->hooks.staff(ui->hooks.ud) : NULL;
}

/* ---- the kiosk's side ----------------------------------------------------- */
void gh_ui_replace(struct gh_ui *ui, const char *screen_id, const void *arg)
{
    ui->nav.op = NAV_REPLACE;
    snprintf(ui->nav.id, sizeof ui->nav.id, "%s", screen_id);
    ui->nav.arg = arg;
    ui->need_frame = 1;
}

void gh_ui_attach(struct gh_ui *ui, const struct gh_ui_hooks *hooks, const char *home_id)
{
    ui_set_current(ui);
    static const struct gh_ui_hooks none;
    ui->hooks = hooks ? *hooks : none;
    snprintf(ui->home_id, sizeof ui->home_id, "%s", home_id ? home_id : "home");
    ui->depth = 0;
    ui->poll_at = gh_clock_mono_ms();
    ui->last_input_ms = ui->poll_at;
    do_push(ui, ui->home_id, NULL);
    ui->toast[0] = 0;
    ui->need_frame = 1;
}
