/*
 * lockctl.c: the lock control plugin: its descriptor, init and shutdown,
 * and what it registers with the host. The top of the plugin's files, which
 * call one way: relay layer (relay.h) -> door.c -> opened.c, screens.c,
 * mine.c, forgot.c, doorkiosk.c, commands.c -> lockctl.c.
 *
 * In the kiosk the relay manager is opened in init, which finds the boards
 * and switches every relay off (a door must not stay open because the
 * previous run died mid-pulse), and closed in shutdown, which switches
 * everything off again (SIGTERM included). Two pollers run the manager's
 * poll (see lc_poll_pulse for why two): pulse deadlines on host->mono_ms (the
 * virtual clock under --script), hotplug and rescans. In gatehousectl the
 * manager is opened only by the commands that need a board (commands.c), so
 * other plugins' commands never touch USB.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lockctl.h"

struct lockctl lc_state;

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

/* What was typed or shown on any of the plugin's screens. */
static void lc_wipe(struct lockctl *lc)
{
    lc_screens_wipe(lc);
    lc_door_wipe(lc);
    lc_opened_wipe(lc);
    lc_mine_wipe(lc);
}

static void lc_on_home(void *state, const struct gh_event *ev)
{
    (void)ev;
    lc_wipe(state);
}

static int lc_screens_all_register(struct lockctl *lc)
{
    if (lc_screens_register(lc) != 0 || lc_door_register(lc) != 0 ||
        lc_opened_register(lc) != 0 || lc_mine_register(lc) != 0 ||
        lc_forgot_register(lc) != 0)
        return -1;
    return 0;
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
    if (!GH_HAS(host->core, pin_format_ok)) {   /* the log-in form's rules (ABI 1.2) */
        snprintf(err, errlen, "this program's core has no trim and PIN rule (built for an "
                 "older Gatehouse)");
        return GH_E_PLUGIN;
    }
    if (host->register_poll(host->ctx, lc_poll) != 0 ||
        host->register_poll(host->ctx, lc_poll_pulse) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_HOME, lc_on_home) != 0)
        goto reg_fail;
    if (lc->u && lc_screens_all_register(lc) != 0)
        goto reg_fail;
    /* A kiosk without USB (or without boards yet) still runs: doors show as
     * unavailable, and the manager is what finds boards later. */
    if (lc_mgr_open(lc, host->store, "kiosk", err, errlen) != GH_OK) {
        host->log(host->ctx, GH_LOG_ERR, "%s; doors cannot be opened", err);
        err[0] = '\0';
    } else {
        host->log(host->ctx, GH_LOG_INFO, "relay manager started (%s); %d board(s)",
                  lc_relay_mgr_uses_hotplug(lc->mgr) ? "hotplug" : "periodic rescan",
                  lc_relay_list(lc->mgr, NULL, NULL));
    }
    return GH_OK;
reg_fail:
    snprintf(err, errlen, "could not register (see the log line above)");
    return GH_E_PLUGIN;
}

static void lc_shutdown(void *state)
{
    struct lockctl *lc = state;
    lc_wipe(lc);
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
