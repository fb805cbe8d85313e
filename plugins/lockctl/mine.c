/*
 * mine.c: what a person sees of their own after an email-or-phone + PIN
 * log-in at Unlock (issue 12), from buttons on their door list:
 *
 *   lockctl.mycode    "My door code": a new code voids the old one, so the
 *                     screen says so and asks first; then the new code,
 *                     large, until Done (or the idle time-out). Never shown
 *                     again after that: only its keyed hash is stored.
 *   lockctl.openings  "Recent openings": the last 20 openings of their units
 *                     and the doors they may open, who and when (the core's
 *                     openings_recent, from the activity log).
 *
 * Both come back to the door list, whose 10 s clock restarts; going home
 * ends the session and wipes the code.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lockctl.h"

static char new_code[GH_DOORCODE_BUF];
static char mycode_err[512];
static int mycode_asking;

static void mine_wipe(void)
{
    explicit_bzero(new_code, sizeof new_code);
    mycode_err[0] = '\0';
    mycode_asking = 0;
}

/* Back on the door list: its 10 s start again. */
static void back_to_list(struct lockctl *lc)
{
    lc->s.shown_at = lc->host->mono_ms();
}

/* ---- lockctl.mycode ------------------------------------------------------ */

static void mycode_enter(void *state, struct gh_ui *ui, const void *arg)
{
    (void)state; (void)ui; (void)arg;
    mine_wipe();
}

static void mycode_leave(void *state)
{
    mine_wipe();
    back_to_list(state);
}

static void mycode_issue(struct lockctl *lc)
{
    struct gh_store *st = lc->host->store;
    enum gh_status r = GH_HAS(lc->core, doorcode_issue)
        ? lc->core->doorcode_issue(st, lc->s.actor, lc->s.acct.id, new_code, sizeof new_code)
        : GH_E_UNAVAILABLE;
    if (r == GH_OK)
        return;
    explicit_bzero(new_code, sizeof new_code);
    if (r == GH_E_REFUSED)
        lc_sentence(mycode_err, sizeof mycode_err, lc->core->errmsg(st));
    else
        snprintf(mycode_err, sizeof mycode_err, "%s",
                 _("A door code can't be made right now. Please try again."));
}

static void mycode_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    if (!lc->s.active) {
        u->home(ui);
        return;
    }
    u->heading(ui, _("My door code"));
    if (new_code[0]) {
        u->text(ui, "lockctl.mycode.label", _("Your new door code:"), GH_UI_NORMAL);
        char grouped[GH_DOORCODE_BUF * 2];
        size_t n = strlen(new_code), g = n % 4 && !(n % 3) ? 3 : 4, k = 0;
        for (size_t i = 0; i < n; i++) {   /* "8291 4575": easier to read off */
            if (i && i % g == 0)
                grouped[k++] = ' ';
            grouped[k++] = new_code[i];
        }
        grouped[k] = '\0';
        u->text(ui, "lockctl.mycode.code", grouped, GH_UI_BIG);
        explicit_bzero(grouped, sizeof grouped);
        u->text(ui, "lockctl.mycode.hint",
                _("Type it on the keypad at a door to open it. Your old code no longer "
                  "works. Remember this one: it is shown only now and is never emailed."),
                GH_UI_NORMAL);
    } else {
        u->text(ui, "lockctl.mycode.hint",
                _("For your security your door code is not kept anywhere it could be "
                  "shown again. You can get a new one: your old code stops working at "
                  "once."), GH_UI_NORMAL);
        if (mycode_err[0])
            u->text(ui, "lockctl.mycode.err", mycode_err, GH_UI_ERROR);
        if (u->button(ui, "lockctl.mycode.new", _("Get a new door code"), GH_UI_PRIMARY))
            mycode_asking = 1;
    }
    u->spacer(ui, 24);
    if (u->button(ui, "lockctl.mycode.done", _("Done"), GH_UI_NORMAL))
        u->pop(ui);
    if (mycode_asking) {
        int r = u->dialog(ui, "lockctl.mycode.confirm", _("Get a new door code?"),
                          _("Your old door code stops working at once."),
                          _("Get a new code"), _("Cancel"));
        if (r != GH_UI_DIALOG_OPEN)
            mycode_asking = 0;
        if (r == GH_UI_DIALOG_OK)
            mycode_issue(lc);
        if (r != GH_UI_DIALOG_OPEN)
            u->invalidate(ui);
    }
}

/* ---- lockctl.openings ------------------------------------------------------ */

struct rows {
    struct gh_opening v[GH_OPENINGS_SHOWN];
    int n;
};
static struct rows rows;          /* one frame's worth; wiped after drawing */

static int one_opening(void *ud, const struct gh_opening *o)
{
    struct rows *r = ud;
    if (r->n < GH_OPENINGS_SHOWN)
        r->v[r->n++] = *o;
    return r->n == GH_OPENINGS_SHOWN;
}

static void draw_rows(struct lockctl *lc, struct gh_ui *ui, const struct rows *r)
{
    const struct gh_ui_api *u = lc->u;
    u->list_begin(ui, "lockctl.openings", (r->n < 6 ? r->n : 6) * 132);
    for (int i = 0; i < r->n; i++) {
        const struct gh_opening *o = &r->v[i];
        char id[64], when[64], sub[GH_NAME_BUF + 96];
        time_t t = (time_t)(o->at / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        snprintf(id, sizeof id, "lockctl.opening.%d", i);
        snprintf(sub, sizeof sub, _("%s \xC2\xB7 %s"), o->who, when);
        u->list_item(ui, id, o->door, sub, 0);
    }
    u->list_end(ui);
}

static void openings_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    if (!lc->s.active) {
        u->home(ui);
        return;
    }
    u->heading(ui, _("Recent openings"));
    u->text(ui, "lockctl.openings.hint",
            _("The last openings of your units and of the doors you may open."), GH_UI_MUTED);
    rows.n = 0;
    enum gh_status s = GH_HAS(lc->core, openings_recent)
        ? lc->core->openings_recent(lc->host->store, lc->s.acct.id, GH_OPENINGS_SHOWN,
                                    one_opening, &rows)
        : GH_E_UNAVAILABLE;
    if (s != GH_OK) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "recent openings: %s",
                      lc->core->errmsg(lc->host->store));
        u->text(ui, "lockctl.openings.err",
                _("The openings can't be shown right now. Please try again."), GH_UI_ERROR);
    } else if (!rows.n) {
        u->text(ui, "lockctl.openings.none", _("No openings yet."), GH_UI_MUTED);
    } else {
        draw_rows(lc, ui, &rows);
    }
    explicit_bzero(&rows, sizeof rows);
    u->spacer(ui, 24);
    if (u->button(ui, "lockctl.openings.done", _("Back"), GH_UI_NORMAL))
        u->pop(ui);
}

static void openings_leave(void *state)
{
    back_to_list(state);
}

void lc_mine_wipe(struct lockctl *lc)
{
    (void)lc;
    mine_wipe();
}

int lc_mine_register(struct lockctl *lc)
{
    static const struct gh_screen mycode = {
        .size = sizeof mycode, .id = "lockctl.mycode", .enter = mycode_enter,
        .draw = mycode_draw, .leave = mycode_leave };
    static const struct gh_screen openings = {
        .size = sizeof openings, .id = "lockctl.openings", .draw = openings_draw,
        .leave = openings_leave };
    const struct gh_host *h = lc->host;
    if (h->register_screen(h->ctx, &mycode) != 0 || h->register_screen(h->ctx, &openings) != 0)
        return -1;
    return 0;
}
