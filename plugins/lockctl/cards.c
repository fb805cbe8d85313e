/*
 * cards.c: cards and fobs in the lock control plugin (issue 13).
 *
 * gatehousectl: `unlock DOOR --card UID` finds the holder through the core
 * (lc_card_who), behind the throttle of the kiosk "gatehousectl".
 *
 * The kiosk: the readers of [readers] run on their own threads (readers.h);
 * a poller takes what they queued every LC_CARD_POLL_MS on the main thread:
 *   - while the staff screen waits for a card ("Hold the card to the
 *     reader"), the read is attached to that person;
 *   - at a door kiosk, the holder of a known card is decided for this door
 *     and the door opens (lc_door_result: the same sentences, log and end of
 *     session as a door code); an unknown card says "This card is not
 *     registered."; unknown and refused cards count toward the throttle;
 *   - at a lobby kiosk, a card is a log-in: the person's doors (one opens
 *     at once).
 * Reader notes (found, lost) go to the operational log; errors too, and to
 * the staff screen (never to tenants).
 */
#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cards.h"

static struct lc_cards lc_cards_state;

enum gh_status lc_card_who(struct lockctl *lc, struct gh_store *st, const char *kiosk,
                           const char *uid, struct gh_account *a)
{
    if (!GH_HAS(lc->core, card_attempt))
        return GH_E_UNAVAILABLE;
    return lc->core->card_attempt(st, kiosk, uid, a, NULL);
}

void lc_card_refused(struct lockctl *lc, struct gh_store *st, const char *kiosk)
{
    if (GH_HAS(lc->core, card_refused) && lc->core->card_refused(st, kiosk, NULL) != GH_OK)
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "throttle: %s", lc->core->errmsg(st));
}

struct rd_cfg {
    char keyboard[256];
    int pcsc;
};

static int rd_key(void *user, const char *section, const char *name, const char *value)
{
    struct rd_cfg *c = user;
    if (strcmp(section, "readers") != 0)
        return 1;
    if (strcmp(name, "keyboard") == 0)
        snprintf(c->keyboard, sizeof c->keyboard, "%s", value);
    else if (strcmp(name, "pcsc") == 0)
        c->pcsc = !strcasecmp(value, "on") || !strcasecmp(value, "yes") ||
                  !strcasecmp(value, "true") || !strcmp(value, "1");
    return 1;
}

/* [readers] is read from the configuration file itself: the core checks it
 * when it loads the file (a mistake names its line) but struct gh_config,
 * part of plugin ABI 1, can't grow to keep it. */
void lc_readers_config(const struct gh_host *h, const char **keyboard, int *pcsc)
{
    static struct rd_cfg c;
    const struct gh_config_view *v = GH_HAS(h, config_view) ? h->config_view : NULL;
    memset(&c, 0, sizeof c);
    if (v && v->path && v->path[0])
        ini_parse(v->path, rd_key, &c);
    *keyboard = c.keyboard;
    *pcsc = c.pcsc;
}

int lc_cards_add_backends(struct lc_readers *r, const struct gh_host *h)
{
    const char *keyboard;
    int pcsc, n = 0;
    lc_readers_config(h, &keyboard, &pcsc);
    if (keyboard[0] && lc_readers_add(r, &lc_reader_evdev, keyboard) == 0)
        n++;
    if (pcsc && lc_readers_add(r, &lc_reader_pcsc, "") == 0)
        n++;
    return n;
}

/* A card at this door kiosk's door. */
static void card_at_door(struct lockctl *lc, struct gh_ui *ui, const struct gh_location *door,
                         const char *uid)
{
    struct gh_store *st = lc->host->store;
    struct gh_account a;
    char kiosk[160];
    int64_t wait = 0;
    memset(&a, 0, sizeof a);
    lc_kiosk_id(lc, kiosk, sizeof kiosk);
    enum gh_status r = lc->core->card_attempt(st, kiosk, uid, &a, &wait);
    if (lc_door_result(lc, ui, door, r, &a, wait, _("This card is not registered.")) ==
        GH_E_REFUSED)
        lc_card_refused(lc, st, kiosk);
    explicit_bzero(&a, sizeof a);
}

/* A card at a lobby kiosk: a log-in; the result on the screen shown. */
static void card_at_lobby(struct lockctl *lc, struct gh_ui *ui, const char *uid)
{
    struct gh_store *st = lc->host->store;
    struct gh_account a;
    char kiosk[160], msg[512];
    int64_t wait = 0;
    memset(&a, 0, sizeof a);
    lc_kiosk_id(lc, kiosk, sizeof kiosk);
    enum gh_status r = lc->core->card_attempt(st, kiosk, uid, &a, &wait);
    if (r == GH_OK) {             /* a log-in, logged as a PIN log-in is */
        char who[64], target[200];
        lc->core->account_actor(&a, who, sizeof who);
        snprintf(target, sizeof target, "kiosk:%s", kiosk);
        if (lc->core->audit_append(st, who, "auth.card", target, GH_OUTCOME_OK,
                                   "logged in with a card") != GH_OK)
            lc->host->log(lc->host->ctx, GH_LOG_ERR, "activity log: %s", lc->core->errmsg(st));
    }
    if (r == GH_OK && lc_session_start(lc, ui, &a, 0, msg, sizeof msg) != 0) {
        lc->u->toast(ui, msg);
        lc_card_refused(lc, st, kiosk);
    } else if (r == GH_E_DENIED || r == GH_E_LOCKED) {
        lc->u->toast(ui, lc->core->errmsg(st));
    } else if (r != GH_OK) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "card check: %s", lc->core->errmsg(st));
        lc->u->toast(ui, _("Doors can't be opened right now. Please try again."));
    }
    explicit_bzero(&a, sizeof a);
}

static void card_read(struct lockctl *lc, struct gh_ui *ui, const struct lc_reader_event *ev)
{
    struct lc_cards *c = lc->cards;
    struct gh_location door;
    const char *name = lc_kiosk_door(lc);
    if (c->enrol_account && lc->host->mono_ms() < c->enrol_until) {
        lc_card_enrol(lc, ui, ev->uid);
        return;
    }
    lc->host->log(lc->host->ctx, GH_LOG_DEBUG, "card read by %s", ev->text);
    if (!name[0]) {
        card_at_lobby(lc, ui, ev->uid);
        return;
    }
    if (lc->core->location_find(lc->host->store, name, &door) != GH_OK ||
        door.door == GH_DOOR_NONE) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "card read, but this kiosk's door \"%s\" "
                      "is not a door of the site", name);
        return;
    }
    card_at_door(lc, ui, &door, ev->uid);
}

static int cards_poll(void *state, int64_t now)
{
    struct lockctl *lc = state;
    struct lc_cards *c = lc->cards;
    struct lc_reader_event ev;
    struct gh_ui *ui = lc->u && GH_HAS(lc->u, current) ? lc->u->current() : NULL;
    (void)now;
    while (ui && lc_readers_take(c->readers, &ev)) {
        if (ev.kind == LC_EV_CARD) {
            card_read(lc, ui, &ev);
        } else {
            lc->host->log(lc->host->ctx, ev.kind == LC_EV_ERROR ? GH_LOG_WARN : GH_LOG_INFO,
                          "%s", ev.text);
            if (ev.kind == LC_EV_ERROR)
                snprintf(c->last_error, sizeof c->last_error, "%s", ev.text);
            lc->u->invalidate(ui);
        }
        explicit_bzero(&ev, sizeof ev);
    }
    /* the Cards screen shows the status: a change of the text (a reader
     * plugged in, the thread's first look) redraws it, not only trouble */
    char was[sizeof c->status];
    memcpy(was, c->status, sizeof was);
    int trouble = lc_readers_status(c->readers, c->status, sizeof c->status);
    if ((trouble != c->trouble || strcmp(was, c->status) != 0) && ui)
        lc->u->invalidate(ui);
    c->trouble = trouble;
    if (!trouble)
        c->last_error[0] = '\0';     /* every reader works again */
    return LC_CARD_POLL_MS;
}

int lc_cards_start(struct lockctl *lc)
{
    struct lc_cards *c = &lc_cards_state;
    memset(c, 0, sizeof *c);
    lc->cards = c;
    if (lc->u && lc_card_screens_register(lc) != 0)
        return -1;
    if (!GH_HAS(lc->core, card_attempt))
        return 0;
    c->readers = lc_readers_new();
    if (!c->readers)
        return -1;
    int n = lc_cards_add_backends(c->readers, lc->host);
    if (n == 0)
        return 0;                 /* no readers configured: no poller */
    lc->readers_on = 1;
    lc->host->log(lc->host->ctx, GH_LOG_INFO, "card readers: %d kind(s) started", n);
    return lc->host->register_poll(lc->host->ctx, cards_poll);
}

void lc_cards_stop(struct lockctl *lc)
{
    if (!lc->cards)
        return;
    lc_readers_free(lc->cards->readers);
    explicit_bzero(lc->cards, sizeof *lc->cards);
    lc->cards = NULL;
}
