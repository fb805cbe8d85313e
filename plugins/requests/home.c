/*
 * home.c: the "Requests" home tile (requests.home).
 *
 * Not logged in: email or phone and PIN, or a door code, as at the Unlock
 * tile (the core's kiosk log-in, behind its throttles). A person waiting for
 * approval can't log in; they type their email and may send one General
 * request ("pending occupants may file, but can't list or manage"). Every
 * other address gets the same sentence, so the tile tells nobody who has
 * an account.
 *
 * Logged in: the person's own and their group's requests, open first, each
 * with its state, location and last reply; "New request" and "Done". The
 * session lives here until Done, the idle time-out or any return home
 * (GH_EVENT_HOME), which wipe it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "requests.h"

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

static int add_item(void *ud, const struct gh_request *r)
{
    struct requests *rq = ud;
    if (rq->nitems >= RQ_PAGE)
        return 1;
    rq_item_from(rq, &rq->items[rq->nitems++], r);
    return 0;
}

static void load_mine(struct requests *rq)
{
    struct gh_request_query q = { .who = rq->who.id, .state = -1, .limit = RQ_PAGE };
    rq->nitems = 0;
    rq->total = 0;
    if (rq->core->request_list(rq->host->store, &q, add_item, rq, &rq->total) != GH_OK)
        rq_say(rq, rq->core->errmsg(rq->host->store));
    rq->dirty = 0;
}

/* ---- logging in ----------------------------------------------------------- */

static void start(struct requests *rq, const struct gh_account *a)
{
    rq->who = *a;
    rq->logged_in = 1;
    rq->msg[0] = '\0';
    wipe(rq->login_email, sizeof rq->login_email);
    rq->u->focus(rq->ui, NULL);
    load_mine(rq);
}

static void try_pin(struct requests *rq)
{
    struct gh_store *st = rq->host->store;
    struct gh_account a;
    const char *kiosk = rq->core->settings_get(st, GH_SETTING_KIOSK_NAME);
    enum gh_status r = rq->core->auth_kiosk_login(st, kiosk, rq->login_email, rq->login_pin,
                                                  &a, NULL);
    wipe(rq->login_pin, sizeof rq->login_pin);
    if (r == GH_OK && a.kind != GH_KIND_OCCUPANT)
        rq_say(rq, _("Staff: please use the Staff button for the request queue."));
    else if (r == GH_OK)
        start(rq, &a);
    else
        rq_say(rq, rq->core->errmsg(st));
    wipe(&a, sizeof a);
}

static void try_code(struct requests *rq)
{
    struct gh_store *st = rq->host->store;
    struct gh_account a;
    int64_t wait = 0;
    const char *kiosk = rq->core->settings_get(st, GH_SETTING_KIOSK_NAME);
    enum gh_status r = rq->core->doorcode_attempt(st, kiosk, rq->login_code, &a, &wait);
    wipe(rq->login_code, sizeof rq->login_code);
    if (r == GH_OK && a.kind == GH_KIND_OCCUPANT)
        start(rq, &a);
    else if (r == GH_OK || r == GH_E_DENIED)
        rq_say(rq, _("That code is not right."));
    else
        rq_say(rq, rq->core->errmsg(st));
    wipe(&a, sizeof a);
}

/* Waiting for approval: the email alone opens a General request. */
static void try_pending(struct requests *rq, struct gh_ui *ui)
{
    struct gh_account a;
    if (rq->core->account_find(rq->host->store, rq->login_email, &a) == GH_OK &&
        a.kind == GH_KIND_OCCUPANT && a.state == GH_STATE_PENDING) {
        rq->who = a;
        rq->logged_in = 2;
        rq->msg[0] = '\0';
        rq->u->push(ui, "requests.new", NULL);
    } else {
        rq_say(rq, _("Only an account waiting for approval can send a request this way. "
                     "Please log in with your PIN or door code."));
    }
    wipe(&a, sizeof a);
}

static void login_draw(struct requests *rq, struct gh_ui *ui)
{
    const struct gh_ui_api *u = rq->u;
    u->heading(ui, _("Requests"));
    u->text(ui, "requests.login.hint", _("Ask the building for something, or follow up on a "
                                         "request. Log in with your email or mobile number "
                                         "and PIN, or with your door code."), GH_UI_MUTED);
    u->field(ui, "requests.who", _("Email or phone"), rq->login_email, sizeof rq->login_email,
             GH_KB_EMAIL, NULL);
    u->field(ui, "requests.pin", _("PIN"), rq->login_pin, sizeof rq->login_pin, GH_KB_PIN, NULL);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "requests.login.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "requests.login.go", _("Log in"), GH_UI_PRIMARY);
    u->row_end(ui);
    u->field(ui, "requests.code", _("Or your door code"), rq->login_code,
             sizeof rq->login_code, GH_KB_PIN, NULL);
    int code = u->button(ui, "requests.login.code", _("Log in with the door code"), GH_UI_NORMAL);
    if (rq->msg[0])
        u->text(ui, "requests.msg", rq->msg, GH_UI_ERROR);
    u->text(ui, "requests.pending.hint", _("Waiting for approval? Type your email above to "
                                           "send a General request."), GH_UI_MUTED);
    int pending = u->button(ui, "requests.login.pending", _("Send a request while I wait"),
                            GH_UI_MUTED);
    if (cancel)
        u->home(ui);
    else if (go && rq->login_email[0] && rq->login_pin[0])
        try_pin(rq);
    else if (code && rq->login_code[0])
        try_code(rq);
    else if (pending && rq->login_email[0])
        try_pending(rq, ui);
    else if (go || code || pending)
        rq_say(rq, _("Type your email or phone and PIN, or your door code, first."));
    if (go || code || pending)
        u->invalidate(ui);
}

static void list_draw(struct requests *rq, struct gh_ui *ui)
{
    const struct gh_ui_api *u = rq->u;
    char line[256];
    if (rq->dirty)
        load_mine(rq);
    snprintf(line, sizeof line, _("Requests of %s"), rq->who.name[0] ? rq->who.name
                                                                       : rq->who.email);
    u->heading(ui, line);
    if (rq->msg[0])
        u->text(ui, "requests.msg", rq->msg, GH_UI_ERROR);
    if (!rq->nitems)
        u->text(ui, "requests.empty", _("No requests yet. Tap New request to ask the building "
                                        "for something."), GH_UI_MUTED);
    int open = -1;
    u->list_begin(ui, "requests.list", 132 * 7);
    for (int i = 0; i < rq->nitems; i++) {
        char id[48];
        snprintf(id, sizeof id, "requests.item.%lld", (long long)rq->items[i].id);
        if (u->list_item(ui, id, rq->items[i].subject, rq->items[i].line, 0))
            open = i;
    }
    u->list_end(ui);
    u->row_begin(ui, 2);
    int done = u->button(ui, "requests.done", _("Done"), GH_UI_NORMAL);
    int add = u->button(ui, "requests.new", _("New request"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (done)
        u->home(ui);
    else if (add)
        u->push(ui, "requests.new", NULL);
    else if (open >= 0)
        rq_open(rq, ui, rq->items[open].id);
}

static void home_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct requests *rq = state;
    (void)arg;
    if (!rq->logged_in || rq->staff)
        rq_wipe(rq);
    rq->ui = ui;
    rq->dirty = 1;
}

static void home_draw(void *state, struct gh_ui *ui)
{
    struct requests *rq = state;
    rq->ui = ui;
    if (rq->logged_in == 1)
        list_draw(rq, ui);
    else
        login_draw(rq, ui);
}

int rq_home_register(struct requests *rq)
{
    static const struct gh_screen home = {
        .size = sizeof home, .id = "requests.home", .enter = home_enter, .draw = home_draw };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "requests.tile", .label = N_("Requests"),
        .screen = "requests.home", .area = GH_TILE_HOME, .order = 20 };
    const struct gh_host *h = rq->host;
    return h->register_screen(h->ctx, &home) != 0 || h->register_tile(h->ctx, &tile) != 0
               ? -1 : 0;
}
