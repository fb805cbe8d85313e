/*
 * door.c: a door and its relay in the kiosk and gatehousectl: the relay
 * manager's life (opened in the kiosk's init, which finds the boards and
 * switches every relay off, and closed at shutdown, which switches
 * everything off again), the manager's events in the activity log, the poll
 * that ends pulses, and unlocking a door the core allowed (SPEC "Doors, units
 * and who may open them", "Activity log").
 *
 * Door-to-relay bindings are the core's (location relay_board/relay_channel
 * and unlock_ms); this file only moves relays for decisions the core made.
 * It calls nothing of the plugin's but the relay layer (relay.h): the
 * screens and commands call it, never the other way round.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

/* ---- manager events -> activity log ------------------------------------- */

static void on_relay_event(void *user, enum lc_relay_event ev,
                           const struct lc_relay_board_info *b)
{
    struct lockctl *lc = user;
    const char *action = NULL;
    enum gh_outcome out = GH_OUTCOME_OK;
    enum gh_log_level lvl = GH_LOG_INFO;

    switch (ev) {
    case LC_RELAY_EV_FOUND: action = "relay.found"; break;
    case LC_RELAY_EV_LOST: action = "relay.lost"; out = GH_OUTCOME_FAILED; lvl = GH_LOG_WARN; break;
    case LC_RELAY_EV_FAILING: action = "relay.failing"; out = GH_OUTCOME_FAILED; lvl = GH_LOG_ERR; break;
    case LC_RELAY_EV_DUPLICATE: action = "relay.duplicate"; out = GH_OUTCOME_REFUSED; lvl = GH_LOG_WARN; break;
    case LC_RELAY_EV_RECOVERED: action = "relay.recovered"; break;
    case LC_RELAY_EV_RENAMED: action = "relay.renamed"; break;
    }
    if (!action)
        return;
    lc->host->log(lc->host->ctx, lvl, "%s: %s", action, b->line);
    /* gatehousectl takes the boards at every run: only problems and renames
     * are worth an entry there; the kiosk logs every change. */
    int quiet = lc->quiet_found && (ev == LC_RELAY_EV_FOUND || ev == LC_RELAY_EV_RECOVERED);
    if (lc->log_st && !quiet) {
        char target[LC_RELAY_ID_MAX + 16];
        snprintf(target, sizeof target, "board:%s", b->id);
        if (lc->core->audit_append(lc->log_st, lc->log_actor, action, target, out, b->line) != GH_OK)
            lc->host->log(lc->host->ctx, GH_LOG_ERR, "activity log: %s",
                          lc->core->errmsg(lc->log_st));
    }
    /* A door's availability may have changed under the person's eyes. */
    if (lc->ui && lc->u)
        lc->u->invalidate(lc->ui);
}

enum gh_status lc_mgr_open(struct lockctl *lc, struct gh_store *st, const char *actor,
                           char *err, size_t errlen)
{
    struct lc_relay_config cfg = {
        .on_event = on_relay_event, .user = lc, .mono_ms = lc->host->mono_ms };
    lc->log_st = st;
    lc->log_actor = actor;
    enum gh_status s = lc_relay_mgr_open(&lc->mgr, &cfg);
    if (s != GH_OK) {
        snprintf(err, errlen, "USB relays: %s", lc_relay_mgr_errmsg(lc->mgr));
        lc_relay_mgr_close(lc->mgr);
        lc->mgr = NULL;
    }
    return s;
}

void lc_mgr_close(struct lockctl *lc)
{
    if (!lc->mgr)
        return;
    /* Everything off, then release: no door stays open after we stop. */
    lc_relay_mgr_close(lc->mgr);
    lc->mgr = NULL;
}

int lc_service(struct lockctl *lc, int64_t now)
{
    if (!lc->mgr)
        return -1;
    /* Cheap when nothing is due (no USB transfer): it also takes hotplug
     * events, which arrive whether or not a deadline is near. */
    enum gh_status s = lc_relay_mgr_poll(lc->mgr, now);
    if (s != GH_OK) {
        /* A failing switch-off is retried every 100 ms: say it once until
         * the message changes (the board events say the rest). */
        const char *e = lc_relay_mgr_errmsg(lc->mgr);
        if (strcmp(e, lc->last_poll_err) != 0)
            lc->host->log(lc->host->ctx, GH_LOG_WARN, "relay poll: %s", e);
        snprintf(lc->last_poll_err, sizeof lc->last_poll_err, "%s", e);
    } else {
        lc->last_poll_err[0] = '\0';
    }
    int64_t due = lc_relay_mgr_next_deadline(lc->mgr);
    int64_t wait = due == INT64_MAX ? LC_POLL_PERIOD_MS : due - now;
    if (wait < 0)
        wait = 0;
    return wait > LC_POLL_PERIOD_MS ? LC_POLL_PERIOD_MS : (int)wait;
}

void lc_relay_target(const struct gh_location *door, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%d door %s", door->relay_board[0] ? door->relay_board : "-",
             door->relay_channel, door->name);
}

enum gh_status lc_unlock(struct lockctl *lc, struct gh_store *st, const char *actor,
                         const struct gh_account *who, const struct gh_location *door,
                         struct gh_decision *d, char *msg, size_t msglen)
{
    char target[GH_BOARD_ID_BUF + GH_NAME_BUF + 32];
    enum gh_status s;

    msg[0] = '\0';
    s = lc->core->access_decide_logged(st, actor, who->id, door->id, 1, d);
    if (s != GH_OK) {
        snprintf(msg, msglen, "%s", lc->core->errmsg(st));
        return s;
    }
    if (!d->allowed)
        return GH_E_REFUSED;
    lc_relay_target(door, target, sizeof target);
    if (!door->relay_board[0]) {
        s = GH_E_NOTFOUND;
        snprintf(msg, msglen, "door %s has no relay wired", door->name);
    } else if (!lc->mgr) {
        s = GH_E_UNAVAILABLE;
        snprintf(msg, msglen, "USB relays are not available");
    } else {
        s = lc_relay_pulse(lc->mgr, door->relay_board, door->relay_channel, door->unlock_ms);
        if (s != GH_OK)
            snprintf(msg, msglen, "%s", lc_relay_mgr_errmsg(lc->mgr));
        int64_t end = lc->host->mono_ms() + door->unlock_ms;
        if (end > lc->pulses_end)
            lc->pulses_end = end;   /* armed even on a failure: the relay may be on */
    }
    if (s != GH_OK) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "relay.failed %s: %s", target, msg);
        if (lc->core->audit_append(st, actor, "relay.failed", target, GH_OUTCOME_FAILED, msg) !=
            GH_OK)
            lc->host->log(lc->host->ctx, GH_LOG_ERR, "activity log: %s", lc->core->errmsg(st));
    }
    return s;
}

/* ---- what a person is told about a door -------------------------------- */

const char *lc_kiosk_door(const struct lockctl *lc)
{
    const struct gh_config_view *c = lc->host ? lc->host->config_view : NULL;
    return c ? c->kiosk_door : "";
}

const char *lc_door_unavailable(struct lockctl *lc, const struct gh_location *l)
{
    if (!l->relay_board[0])
        return _("no lock is wired to this door");
    if (!lc->mgr)
        return _("the lock controller is not working");
    switch (lc_relay_channel_status(lc->mgr, l->relay_board, l->relay_channel)) {
    case GH_OK: return NULL;
    case GH_E_UNAVAILABLE: return _("its lock board is disconnected");
    case GH_E_NOTFOUND: return _("its lock board was not found");
    case GH_E_REFUSED: return _("two lock boards have the same ID (staff must rename one)");
    default: return _("its lock is wired to a relay its board does not have");
    }
}
