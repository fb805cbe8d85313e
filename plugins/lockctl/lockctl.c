/*
 * lockctl.c: the lock control plugin: its descriptor, the relay manager's
 * life in the kiosk, and the manager's events in the activity log (SPEC
 * "Doors, units and who may open them", "Activity log").
 *
 * In the kiosk the manager is opened in init, which finds the boards and
 * switches every relay off (a door must not stay open because the previous
 * run died mid-pulse), and closed in shutdown, which switches everything off
 * again (SIGTERM included). Two pollers run the manager's poll (see
 * lc_poll_pulse for why two): pulse deadlines on host->mono_ms (the virtual
 * clock under --script), hotplug and rescans. In gatehousectl the manager is opened only by the commands that
 * need a board (commands.c), so other plugins' commands never touch USB.
 *
 * Door-to-relay bindings are the core's (location relay_board/relay_channel
 * and unlock_ms); this file only moves relays for decisions the core made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

struct lockctl lc_state;

/* ---- manager events -> activity log ------------------------------------- */

static void on_relay_event(void *user, enum gh_relay_event ev,
                           const struct gh_relay_board_info *b)
{
    struct lockctl *lc = user;
    const char *action = NULL;
    enum gh_outcome out = GH_OUTCOME_OK;
    enum gh_log_level lvl = GH_PLOG_INFO;

    switch (ev) {
    case GH_RELAY_EV_FOUND: action = "relay.found"; break;
    case GH_RELAY_EV_LOST: action = "relay.lost"; out = GH_OUTCOME_FAILED; lvl = GH_PLOG_WARN; break;
    case GH_RELAY_EV_FAILING: action = "relay.failing"; out = GH_OUTCOME_FAILED; lvl = GH_PLOG_ERR; break;
    case GH_RELAY_EV_DUPLICATE: action = "relay.duplicate"; out = GH_OUTCOME_REFUSED; lvl = GH_PLOG_WARN; break;
    case GH_RELAY_EV_RECOVERED: action = "relay.recovered"; break;
    case GH_RELAY_EV_RENAMED: action = "relay.renamed"; break;
    }
    if (!action)
        return;
    lc->host->log(lc->host->ctx, lvl, "%s: %s", action, b->line);
    /* gatehousectl takes the boards at every run: only problems and renames
     * are worth an entry there; the kiosk logs every change. */
    int quiet = lc->quiet_found && (ev == GH_RELAY_EV_FOUND || ev == GH_RELAY_EV_RECOVERED);
    if (lc->log_st && !quiet) {
        char target[GH_RELAY_ID_MAX + 16];
        snprintf(target, sizeof target, "board:%s", b->id);
        if (lc->core->audit_append(lc->log_st, lc->log_actor, action, target, out, b->line) != GH_OK)
            lc->host->log(lc->host->ctx, GH_PLOG_ERR, "activity log: %s",
                          lc->core->errmsg(lc->log_st));
    }
    /* A door's availability may have changed under the person's eyes. */
    if (lc->ui && lc->u)
        lc->u->invalidate(lc->ui);
}

enum gh_status lc_mgr_open(struct lockctl *lc, struct gh_store *st, const char *actor,
                           char *err, size_t errlen)
{
    struct gh_relay_config cfg = {
        .on_event = on_relay_event, .user = lc, .mono_ms = lc->host->mono_ms };
    lc->log_st = st;
    lc->log_actor = actor;
    enum gh_status s = gh_relay_mgr_open(&lc->mgr, &cfg);
    if (s != GH_OK) {
        snprintf(err, errlen, "USB relays: %s", gh_relay_mgr_errmsg(lc->mgr));
        gh_relay_mgr_close(lc->mgr);
        lc->mgr = NULL;
    }
    return s;
}

void lc_mgr_close(struct lockctl *lc)
{
    if (!lc->mgr)
        return;
    /* Everything off, then release: no door stays open after we stop. */
    gh_relay_mgr_close(lc->mgr);
    lc->mgr = NULL;
}

int lc_service(struct lockctl *lc, int64_t now)
{
    if (!lc->mgr)
        return -1;
    /* Cheap when nothing is due (no USB transfer): it also takes hotplug
     * events, which arrive whether or not a deadline is near. */
    enum gh_status s = gh_relay_mgr_poll(lc->mgr, now);
    if (s != GH_OK) {
        /* A failing switch-off is retried every 100 ms: say it once until
         * the message changes (the board events say the rest). */
        const char *e = gh_relay_mgr_errmsg(lc->mgr);
        if (strcmp(e, lc->last_poll_err) != 0)
            lc->host->log(lc->host->ctx, GH_PLOG_WARN, "relay poll: %s", e);
        snprintf(lc->last_poll_err, sizeof lc->last_poll_err, "%s", e);
    } else {
        lc->last_poll_err[0] = '\0';
    }
    int64_t due = gh_relay_mgr_next_deadline(lc->mgr);
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
        s = gh_relay_pulse(lc->mgr, door->relay_board, door->relay_channel, door->unlock_ms);
        if (s != GH_OK)
            snprintf(msg, msglen, "%s", gh_relay_mgr_errmsg(lc->mgr));
        int64_t end = lc->host->mono_ms() + door->unlock_ms;
        if (end > lc->pulses_end)
            lc->pulses_end = end;   /* armed even on a failure: the relay may be on */
    }
    if (s != GH_OK) {
        lc->host->log(lc->host->ctx, GH_PLOG_ERR, "relay.failed %s: %s", target, msg);
        if (lc->core->audit_append(st, actor, "relay.failed", target, GH_OUTCOME_FAILED, msg) !=
            GH_OK)
            lc->host->log(lc->host->ctx, GH_PLOG_ERR, "activity log: %s", lc->core->errmsg(st));
    }
    return s;
}

/* ---- the plugin --------------------------------------------------------- */

/* Two pollers. The steady one takes hotplug events and rescans at least
 * every LC_POLL_PERIOD_MS. The pulse one says "-1: only on events" while no
 * pulse runs, so the core's GH_EVENT_UNLOCK (emitted with every granted
 * unlock) makes it due at once: the host runs only due pollers, and the
 * steady one may not be due for up to a period after a pulse starts. From
 * then on it asks for the pulse's deadline itself. */
static int lc_poll(void *state, int64_t now)
{
    return lc_service(state, now);
}

static int lc_poll_pulse(void *state, int64_t now)
{
    struct lockctl *lc = state;
    if (!lc->pulses_end)
        return -1;
    int wait = lc_service(lc, now);
    if (now >= lc->pulses_end) {
        lc->pulses_end = 0;   /* a switch-off to retry is the steady poller's */
        return -1;
    }
    return wait;
}

static void lc_on_home(void *state, const struct gh_event *ev)
{
    (void)ev;
    lc_screens_wipe(state);
}

static enum gh_status lc_init(const struct gh_host *host, void **state, char *err,
                              size_t errlen)
{
    struct lockctl *lc = &lc_state;
    memset(lc, 0, sizeof *lc);
    lc->host = host;
    lc->core = host->core;
    lc->u = host->ui;
    *state = lc;

    if (lc_commands_register(lc) != 0)
        goto reg_fail;
    if (!host->is_kiosk)
        return GH_OK;   /* gatehousectl: commands open the manager themselves */
    if (host->register_poll(host->ctx, lc_poll) != 0 ||
        host->register_poll(host->ctx, lc_poll_pulse) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_HOME, lc_on_home) != 0)
        goto reg_fail;
    if (lc->u && lc_screens_register(lc) != 0)
        goto reg_fail;
    if (lc_cards_start(lc) != 0)   /* card readers (cards.c) */
        goto reg_fail;
    /* A kiosk without USB (or without boards yet) still runs: doors show as
     * unavailable, and the manager is what finds boards later. */
    if (lc_mgr_open(lc, host->store, "kiosk", err, errlen) != GH_OK) {
        host->log(host->ctx, GH_PLOG_ERR, "%s; doors cannot be opened", err);
        err[0] = '\0';
    } else {
        host->log(host->ctx, GH_PLOG_INFO, "relay manager started (%s); %d board(s)",
                  gh_relay_mgr_uses_hotplug(lc->mgr) ? "hotplug" : "periodic rescan",
                  gh_relay_list(lc->mgr, NULL, NULL));
    }
    return GH_OK;
reg_fail:
    snprintf(err, errlen, "could not register (see the log line above)");
    return GH_E_PLUGIN;
}

static void lc_shutdown(void *state)
{
    struct lockctl *lc = state;
    lc_screens_wipe(lc);
    lc_cards_stop(lc);
    lc_mgr_close(lc);
}

GH_PLUGIN_EXPORT(lockctl)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "lockctl", .version = "1.0",
        .description = "USB relay door locks: the Unlock screens and relay commands",
        .init = lc_init, .shutdown = lc_shutdown, .commands = lc_commands };
    return &p;
}
