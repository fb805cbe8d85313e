/*
 * opened.c: lockctl.opened, "Gate is open, Ana" for the door's unlock time,
 * then home by itself: the session ends with the unlock. Shown after an
 * unlock from the door list (screens.c) or the door-code keypad
 * (doorkiosk.c).
 */
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

void lc_opened_wipe(struct lockctl *lc)
{
    wipe(&lc->opened, sizeof lc->opened);
    wipe(lc->opened_who, sizeof lc->opened_who);
}

/* ---- lockctl.opened -------------------------------------------------------- */

void lc_opened_show(struct lockctl *lc, struct gh_ui *ui, const struct gh_location *door,
                    const struct gh_account *a)
{
    lc->opened.loc = *door;
    lc->opened.open_until = lc->host->mono_ms() + door->unlock_ms;
    /* The first name only: enough to say it worked, little for onlookers. */
    snprintf(lc->opened_who, sizeof lc->opened_who, "%s", a->name);
    lc->opened_who[strcspn(lc->opened_who, " ")] = '\0';
    lc->u->focus(ui, NULL);
    lc->u->push(ui, "lockctl.opened", NULL);
}

static void opened_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    const struct gh_location *l = &lc->opened.loc;
    char line[GH_NAME_BUF * 2 + 64];
    lc->ui = ui;
    int64_t now = lc->host->mono_ms();
    lc_service(lc, now);                 /* a pulse that ended switches off now */
    int64_t left = lc->opened.open_until - now;
    if (!lc->opened.open_until || left <= 0) {
        u->home(ui);                     /* the session ends with the unlock */
        return;
    }
    u->spacer(ui, 240);
    if (lc->opened_who[0])
        snprintf(line, sizeof line, _("%s is open, %s"), l->name, lc->opened_who);
    else
        snprintf(line, sizeof line, _("%s is open."), l->name);
    u->text(ui, "lockctl.opened", line, GH_UI_BIG);
    if (lc_door_unavailable(lc, l)) {
        /* The board went away mid-pulse (and lost power). */
        snprintf(line, sizeof line,
                 _("%s: its lock board was disconnected. Please try again when it is back."),
                 l->name);
        u->text(ui, "lockctl.opened.lost", line, GH_UI_ERROR);
    } else {
        long secs = (long)((left + 999) / 1000);
        snprintf(line, sizeof line, secs == 1 ? _("It locks again in %ld second.")
                                              : _("It locks again in %ld seconds."), secs);
        u->text(ui, "lockctl.opened.left", line, GH_UI_MUTED);
    }
    int w = (int)(left % 1000);
    u->wake_in(ui, w ? w : 1000);
}

static void opened_leave(void *state)
{
    lc_opened_wipe(state);
}

int lc_opened_register(struct lockctl *lc)
{
    static const struct gh_screen opened_scr = {
        .size = sizeof opened_scr, .id = "lockctl.opened", .draw = opened_draw,
        .leave = opened_leave };
    return lc->host->register_screen(lc->host->ctx, &opened_scr) != 0 ? -1 : 0;
}
