/*
 * card_screens.c: the staff screen "Cards" (lockctl.cards; issue 13).
 *
 * Staff with `manage` tap the Cards tile, type a person's email or phone
 * (or another screen, the person page, pushes it with struct
 * gh_cards_open: the person, and "Add card" at once) and see that
 * person's cards: the last 4 hex digits and when each was added, each with
 * "Remove card"; "Add card" then says "Hold the card to the reader" and
 * attaches the next card read (the core's refusals are said here), or gives
 * up after 30 s. The readers' state is shown below, with their last error:
 * reader errors are for staff, never shown to tenants.
 */
#include <stdio.h>
#include <string.h>

#include "cards.h"

#define MAX_SHOWN 20

static void say(struct lc_cards *c, int style, const char *text)
{
    snprintf(c->msg, sizeof c->msg, "%s", text);
    c->msg_style = style;
}

static void staff_actor(struct lockctl *lc, struct gh_ui *ui, char *buf, size_t len)
{
    const struct gh_account *s = lc->u->staff(ui);
    if (s)
        lc->core->account_actor(s, buf, len);
    else
        snprintf(buf, len, "kiosk");
}

void lc_card_enrol(struct lockctl *lc, struct gh_ui *ui, const char *uid)
{
    struct lc_cards *c = lc->cards;
    char actor[64];
    staff_actor(lc, ui, actor, sizeof actor);
    enum gh_status s = lc->core->card_add(lc->host->store, actor, c->enrol_account, uid, NULL);
    c->enrol_account = 0;
    c->enrol_until = 0;
    if (s == GH_OK)
        say(c, GH_UI_SUCCESS, _("Card added."));
    else
        say(c, GH_UI_ERROR, lc->core->errmsg(lc->host->store));
    lc->u->invalidate(ui);
}

struct shown {
    struct gh_card v[MAX_SHOWN];
    int n;
};

static int keep(void *ud, const struct gh_card *card)
{
    struct shown *sh = ud;
    if (sh->n == MAX_SHOWN)
        return 1;
    sh->v[sh->n++] = *card;
    return 0;
}

static void find_person(struct lockctl *lc)
{
    struct lc_cards *c = lc->cards;
    c->have_person = lc->core->account_find(lc->host->store, c->who, &c->person) == GH_OK;
    if (!c->have_person)
        say(c, GH_UI_ERROR, _("No account with this email or phone."));
    else
        c->msg[0] = '\0';
}

/* The person's cards, each with "Remove card". */
static void draw_cards(struct lockctl *lc, struct gh_ui *ui)
{
    const struct gh_ui_api *u = lc->u;
    struct lc_cards *c = lc->cards;
    struct shown sh;
    char line[160], id[48], actor[64];
    sh.n = 0;
    if (lc->core->card_list(lc->host->store, c->person.id, keep, &sh) != GH_OK)
        say(c, GH_UI_ERROR, lc->core->errmsg(lc->host->store));
    if (!sh.n)
        u->text(ui, "lockctl.cards.none", _("No cards yet."), GH_UI_MUTED);
    for (int i = 0; i < sh.n; i++) {
        snprintf(line, sizeof line, _("Card ending %s"), sh.v[i].last4);
        u->text(ui, "lockctl.cards.card", line, GH_UI_NORMAL);
        snprintf(id, sizeof id, "lockctl.cards.remove.%d", i);
        if (u->button(ui, id, _("Remove card"), GH_UI_DANGER)) {
            staff_actor(lc, ui, actor, sizeof actor);
            if (lc->core->card_remove_id(lc->host->store, actor, c->person.id, sh.v[i].id) ==
                GH_OK)
                say(c, GH_UI_SUCCESS, _("Card removed."));
            else
                say(c, GH_UI_ERROR, lc->core->errmsg(lc->host->store));
            u->invalidate(ui);
        }
    }
    explicit_bzero(&sh, sizeof sh);
}

/* "Hold the card to the reader" with the seconds left, until a card or the
 * time-out; 1 while waiting. */
static int draw_waiting(struct lockctl *lc, struct gh_ui *ui)
{
    const struct gh_ui_api *u = lc->u;
    struct lc_cards *c = lc->cards;
    char line[96];
    if (!c->enrol_account)
        return 0;
    int64_t left = c->enrol_until - lc->host->mono_ms();
    if (left <= 0) {
        c->enrol_account = 0;
        say(c, GH_UI_ERROR, _("No card was read. Tap Add card to try again."));
        return 0;
    }
    u->text(ui, "lockctl.cards.hold", _("Hold the card to the reader"), GH_UI_BIG);
    snprintf(line, sizeof line, _("Waiting %ld more seconds."), (long)((left + 999) / 1000));
    u->text(ui, "lockctl.cards.left", line, GH_UI_MUTED);
    if (u->button(ui, "lockctl.cards.stop", _("Cancel"), GH_UI_NORMAL)) {
        c->enrol_account = 0;
        u->invalidate(ui);
    }
    int w = (int)(left % 1000);
    u->wake_in(ui, w ? w : 1000);
    return 1;
}

/* "Add card": the next card read goes to the person, for LC_ENROL_MS. */
static void start_enrol(struct lockctl *lc)
{
    struct lc_cards *c = lc->cards;
    c->enrol_account = c->person.id;
    c->enrol_until = lc->host->mono_ms() + LC_ENROL_MS;
    c->msg[0] = '\0';
}

static void draw_person(struct lockctl *lc, struct gh_ui *ui)
{
    const struct gh_ui_api *u = lc->u;
    struct lc_cards *c = lc->cards;
    u->text(ui, "lockctl.cards.person", c->person.name[0] ? c->person.name : c->person.email,
            GH_UI_BIG);
    if (draw_waiting(lc, ui))
        return;
    draw_cards(lc, ui);
    if (u->button(ui, "lockctl.cards.add", _("Add card"), GH_UI_PRIMARY)) {
        start_enrol(lc);
        u->invalidate(ui);
    }
}

static void cards_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    struct lc_cards *c = lc->cards;
    u->heading(ui, _("Cards"));
    if (!c->have_person) {
        u->field(ui, "lockctl.cards.who", _("Email or phone"), c->who, sizeof c->who,
                 GH_KB_EMAIL, NULL);
        if (u->button(ui, "lockctl.cards.find", _("Find"), GH_UI_PRIMARY) ||
            u->entered(ui, "lockctl.cards.who"))
            find_person(lc);
    } else {
        draw_person(lc, ui);
    }
    if (c->msg[0])
        u->text(ui, "lockctl.cards.msg", c->msg, c->msg_style);
    u->text(ui, "lockctl.cards.readers", c->status[0] ? c->status : _("No card readers are "
            "configured ([readers] in the configuration file)."), GH_UI_MUTED);
    if (c->last_error[0])
        u->text(ui, "lockctl.cards.error", c->last_error, GH_UI_ERROR);
    if (u->button(ui, "lockctl.cards.done", _("Done"), GH_UI_NORMAL))
        u->pop(ui);
}

static void cards_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct lockctl *lc = state;
    struct lc_cards *c = lc->cards;
    (void)ui;
    c->have_person = 0;
    c->enrol_account = 0;
    c->msg[0] = '\0';
    /* from another screen (the person page): that person, maybe "Add card"
     * at once (struct gh_cards_open, card.h) */
    const struct gh_cards_open *o = arg;
    if (o)
        c->have_person = lc->core->account_get(lc->host->store, o->account_id,
                                               &c->person) == GH_OK;
    if (o && o->add && c->have_person)
        start_enrol(lc);
}

static void cards_leave(void *state)
{
    struct lockctl *lc = state;
    struct lc_cards *c = lc->cards;
    c->enrol_account = 0;
    c->have_person = 0;
    explicit_bzero(c->who, sizeof c->who);
    explicit_bzero(&c->person, sizeof c->person);
    c->msg[0] = '\0';
}

static int64_t cards_badge(void *state)
{
    struct lockctl *lc = state;
    return lc->cards ? lc->cards->trouble : 0;
}

int lc_card_screens_register(struct lockctl *lc)
{
    static const struct gh_screen scr = {
        .size = sizeof scr, .id = "lockctl.cards", .staff_perm = GH_PERM_MANAGE,
        .enter = cards_enter, .draw = cards_draw, .leave = cards_leave };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "lockctl.cards.tile", .label = N_("Cards"),
        .screen = "lockctl.cards", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_MANAGE,
        .order = 40, .badge = cards_badge };
    const struct gh_host *h = lc->host;
    if (h->register_screen(h->ctx, &scr) != 0 || h->register_tile(h->ctx, &tile) != 0)
        return -1;
    return 0;
}
