/*
 * doorkiosk.c: opening a door with a personal door code (issue 12).
 *
 *   lockctl.keypad  a door kiosk's home ([kiosk] door = NAME; the shell draws
 *                   it as its home screen, with the other home tiles below):
 *                   the door's name, "Enter your door code", the keypad. The
 *                   code is checked as soon as its last digit is typed; a
 *                   right code for someone allowed at this door pulses its
 *                   relay at once (the core decides and logs, as a tap on
 *                   the door list does).
 *   lockctl.code    a lobby kiosk's Unlock tile: the same keypad; a right
 *                   code shows that person's doors (lockctl.doors), and with
 *                   only one door opens it at once. "Use email and PIN
 *                   instead" below the pad leads to lockctl.login.
 *   lockctl.opened  (opened.c) "Gate is open, Ana" for the door's unlock
 *                   time, then home by itself.
 *
 * The keys are buttons 112 px high and a third of the width; the digits typed
 * show as dots with a count ("5 of 8"). A wrong code says only "That code is
 * not right."; while the kiosk is throttled (the core's per-kiosk rule) the
 * pad says how long. The typed code is wiped at every check and at home.
 */
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

void lc_door_wipe(struct lockctl *lc)
{
    wipe(lc->code, sizeof lc->code);
    wipe(lc->code_msg, sizeof lc->code_msg);
}

/* door_code_digits, within the core's bounds (8 when unset). */
static int code_digits(struct lockctl *lc)
{
    int64_t n = lc->core->settings_get_int(lc->host->store, GH_SETTING_DOOR_CODE_DIGITS);
    if (n < GH_DOORCODE_MIN_DIGITS || n > GH_DOORCODE_MAX_DIGITS)
        return 8;
    return (int)n;
}

/* This kiosk's name for the throttle and the log: its door, or the kiosk
 * name setting. */
static void kiosk_id(struct lockctl *lc, char *buf, size_t len)
{
    const char *door = lc_kiosk_door(lc);
    char name[256];
    lc->core->settings_read(lc->host->store, GH_SETTING_KIOSK_NAME, name, sizeof name);
    snprintf(buf, len, "%s", door[0] ? door : name[0] ? name : "kiosk");
}

/* ---- checking a code ----------------------------------------------------------- */

static void code_say(struct lockctl *lc, const char *text)
{
    snprintf(lc->code_msg, sizeof lc->code_msg, "%s", text);
    lc->code_at = lc->host->mono_ms();
}

/* A door kiosk's home is never left, so the toolkit's idle time-out does not
 * reach it: a code half typed, or a result, is wiped here after the same
 * idle_timeout_s. */
static void code_idle(struct lockctl *lc, struct gh_ui *ui)
{
    if (!lc->code_at || (!lc->code[0] && !lc->code_msg[0]))
        return;
    int64_t s = lc->core->settings_get_int(lc->host->store, GH_SETTING_IDLE_TIMEOUT_S);
    int64_t idle = (s > 0 ? s : 60) * 1000, left = lc->code_at + idle - lc->host->mono_ms();
    if (left > 0) {
        lc->u->wake_in(ui, left > 3600000 ? 3600000 : (int)left);
        return;
    }
    wipe(lc->code, sizeof lc->code);
    lc->code_msg[0] = '\0';
    lc->code_at = 0;
}

/* A door kiosk: the owner of a right code at this door. */
static void open_here(struct lockctl *lc, struct gh_ui *ui, const struct gh_location *door,
                      const struct gh_account *a)
{
    struct gh_decision d;
    char why[512], line[GH_NAME_BUF + 600];
    const char *na = lc_door_unavailable(lc, door);
    if (na) {
        snprintf(line, sizeof line, _("%s can't be opened now: %s."), door->name, na);
        code_say(lc, line);
        return;
    }
    memset(&d, 0, sizeof d);
    enum gh_status r = lc_unlock(lc, lc->host->store, "kiosk", a, door, &d, why, sizeof why);
    if (r == GH_OK) {
        lc_opened_show(lc, ui, door, a);
    } else if (r == GH_E_REFUSED) {
        /* A right code, but not here or not now: the core's reason. */
        lc_sentence(line, sizeof line, d.reason);
        code_say(lc, line);
    } else if (!d.allowed) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "unlock decision: %s", why);
        code_say(lc, _("The door can't be opened right now. Please try again."));
    } else {
        snprintf(line, sizeof line, _("%s could not be opened: the lock did not respond. "
                                      "Please tell the staff."), door->name);
        code_say(lc, line);
    }
}

/* The last digit was typed. door: this door kiosk's door; NULL at a lobby
 * kiosk (the person's doors are shown). */
static void code_check(struct lockctl *lc, struct gh_ui *ui, const struct gh_location *door)
{
    struct gh_store *st = lc->host->store;
    struct gh_account a;
    char kiosk[160], msg[512];
    int64_t wait = 0;
    memset(&a, 0, sizeof a);
    kiosk_id(lc, kiosk, sizeof kiosk);
    enum gh_status r = lc->core->doorcode_attempt(st, kiosk, lc->code, &a, &wait);
    wipe(lc->code, sizeof lc->code);
    switch (r) {
    case GH_OK:
        if (door)
            open_here(lc, ui, door, &a);
        else if (lc_session_start(lc, ui, &a, 0, msg, sizeof msg) != 0)
            code_say(lc, msg);
        break;
    case GH_E_DENIED:
        /* Also the wrong code that starts the throttle (wait > 0). */
        code_say(lc, _("That code is not right."));
        if (wait > 0)
            lc->code_locked_until = lc->host->mono_ms() + wait;
        break;
    case GH_E_LOCKED:
        lc->code_locked_until = lc->host->mono_ms() + (wait > 0 ? wait : 1000);
        lc->code_msg[0] = '\0';
        break;
    default:
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "door code check: %s", lc->core->errmsg(st));
        code_say(lc, _("Door codes can't be checked right now. Please try again."));
        break;
    }
    wipe(&a, sizeof a);
    lc->u->invalidate(ui);
}

/* ---- the keypad ------------------------------------------------------------------- */

/* "● ● ● ○ ○ ○ ○ ○" and "3 of 8". */
static void draw_dots(struct lockctl *lc, struct gh_ui *ui, int digits)
{
    const struct gh_ui_api *u = lc->u;
    char dots[GH_DOORCODE_MAX_DIGITS * 4 + 1], line[64];
    int n = (int)strlen(lc->code);
    size_t k = 0;
    for (int i = 0; i < digits; i++)
        k += (size_t)snprintf(dots + k, sizeof dots - k, "%s%s", i ? " " : "",
                              i < n ? "\xE2\x97\x8F" : "\xE2\x97\x8B");   /* ● ○ */
    u->text(ui, "lockctl.code.dots", dots, GH_UI_BIG);
    snprintf(line, sizeof line, _("%d of %d"), n, digits);
    u->text(ui, "lockctl.code.count", line, GH_UI_MUTED);
}

/* Below the keys (so they never move under a finger): the last result and,
 * while the kiosk is throttled, how long. */
static void draw_result(struct lockctl *lc, struct gh_ui *ui)
{
    const struct gh_ui_api *u = lc->u;
    char line[128];
    if (lc->code_msg[0])
        u->text(ui, "lockctl.code.msg", lc->code_msg, GH_UI_ERROR);
    int64_t left = lc->code_locked_until - lc->host->mono_ms();
    if (!lc->code_locked_until || left <= 0) {
        lc->code_locked_until = 0;
        return;
    }
    long secs = (long)((left + 999) / 1000);
    snprintf(line, sizeof line, secs == 1 ? _("Too many wrong codes. Try again in %ld second.")
                                          : _("Too many wrong codes. Try again in %ld seconds."),
             secs);
    u->text(ui, "lockctl.code.wait", line, GH_UI_ERROR);
    int w = (int)(left % 1000);
    u->wake_in(ui, w ? w : 1000);
}

/* 1-9, then Clear 0 Backspace. Returns 1 in the frame the last digit was
 * typed. */
static int keypad(struct lockctl *lc, struct gh_ui *ui)
{
    static const char *const ids[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                         "clear", "0", "back" };
    const struct gh_ui_api *u = lc->u;
    int digits = code_digits(lc), full = 0;
    code_idle(lc, ui);
    draw_dots(lc, ui, digits);
    u->spacer(ui, 16);
    for (int r = 0; r < 4; r++) {
        u->row_begin(ui, 3);
        for (int c = 0; c < 3; c++) {
            int k = r * 3 + c;
            char id[32];
            const char *label = k == 9 ? _("Clear") : k == 11 ? "\xE2\x8C\xAB" : ids[k];
            snprintf(id, sizeof id, "lockctl.key.%s", ids[k]);
            if (!u->button(ui, id, label, k == 9 || k == 11 ? GH_UI_MUTED : GH_UI_NORMAL))
                continue;
            size_t n = strlen(lc->code);
            lc->code_msg[0] = '\0';
            lc->code_at = lc->host->mono_ms();
            if (k == 9)
                wipe(lc->code, sizeof lc->code);
            else if (k == 11 && n)
                lc->code[n - 1] = '\0';
            else if (k != 11 && n < (size_t)digits) {
                lc->code[n] = ids[k][0];
                lc->code[n + 1] = '\0';
                full = n + 1 == (size_t)digits;
            }
            u->invalidate(ui);
        }
        u->row_end(ui);
    }
    if (!full)
        draw_result(lc, ui);
    return full;
}

/* ---- lockctl.keypad: a door kiosk's home ------------------------------------------ */

static void keypad_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    struct gh_location door;
    char line[GH_NAME_BUF + 128];
    lc->ui = ui;
    const char *name = lc_kiosk_door(lc);
    if (!name[0] || lc->core->location_find(lc->host->store, name, &door) != GH_OK ||
        door.door == GH_DOOR_NONE) {
        u->heading(ui, _("Enter your door code"));
        snprintf(line, sizeof line, _("This kiosk's door \"%s\" is not a door of the site. "
                                      "Please tell the staff."), name);
        u->text(ui, "lockctl.code.nodoor", line, GH_UI_ERROR);
        return;
    }
    u->heading(ui, door.name);
    u->text(ui, "lockctl.code.hint", _("Enter your door code"), GH_UI_BIG);
    if (keypad(lc, ui))
        code_check(lc, ui, &door);
    if (u->button(ui, "lockctl.code.pin", _("Use email and PIN instead"), GH_UI_MUTED))
        u->push(ui, "lockctl.login", NULL);
    if (u->button(ui, "lockctl.code.forgot", _("Forgot your PIN?"), GH_UI_MUTED))
        u->push(ui, "lockctl.forgot", NULL);
}

/* ---- lockctl.code: a lobby kiosk's Unlock tile -------------------------------------- */

static void code_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct lockctl *lc = state;
    (void)arg;
    lc->ui = ui;
    wipe(lc->code, sizeof lc->code);
    lc->code_msg[0] = '\0';
}

static void code_leave(void *state)
{
    struct lockctl *lc = state;
    wipe(lc->code, sizeof lc->code);
    lc->code_msg[0] = '\0';
}

static void code_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    lc->ui = ui;
    u->heading(ui, _("Unlock a door"));
    u->text(ui, "lockctl.code.hint", _("Enter your door code"), GH_UI_BIG);
    if (keypad(lc, ui))
        code_check(lc, ui, NULL);
    if (u->button(ui, "lockctl.code.pin", _("Use email and PIN instead"), GH_UI_MUTED))
        u->push(ui, "lockctl.login", NULL);
    if (u->button(ui, "lockctl.code.forgot", _("Forgot your PIN?"), GH_UI_MUTED))
        u->push(ui, "lockctl.forgot", NULL);
    if (u->button(ui, "lockctl.code.cancel", _("Cancel"), GH_UI_NORMAL))
        u->home(ui);
}

int lc_door_register(struct lockctl *lc)
{
    static const struct gh_screen keypad_scr = {
        .size = sizeof keypad_scr, .id = "lockctl.keypad", .draw = keypad_draw };
    static const struct gh_screen code_scr = {
        .size = sizeof code_scr, .id = "lockctl.code", .enter = code_enter,
        .draw = code_draw, .leave = code_leave };
    const struct gh_host *h = lc->host;
    if (h->register_screen(h->ctx, &keypad_scr) != 0 ||
        h->register_screen(h->ctx, &code_scr) != 0)
        return -1;
    return 0;
}
