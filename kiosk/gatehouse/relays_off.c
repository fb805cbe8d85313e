/*
 * relays_off.c: every relay off before anything else (see relays_off.h).
 */
#include "relays_off.h"
#include "gatehouse/oplog.h"
#include "lc_alloff.h"

#include <stdio.h>

static void log_board(void *user, const struct lc_alloff_board *b)
{
    (void)user;
    if (!b->ok) {
        gh_oplog(GH_LOG_ERR, "relay all-off: %s board %s NOT switched off: %s", b->family,
                 b->name, b->problem);
        return;
    }
    if (!b->was_on) {
        gh_oplog(GH_LOG_INFO, "relay all-off: %s board %s: %d relays off", b->family, b->name,
                 b->channels);
        return;
    }
    char on[64] = "";
    size_t o = 0;
    for (int c = 1; c <= 32 && o < sizeof on; c++)
        if ((b->was_on >> (c - 1)) & 1)
            o += (size_t)snprintf(on + o, sizeof on - o, "%s%d", o ? "," : "", c);
    /* A relay on at start-up is a door the previous run left open. */
    gh_oplog(GH_LOG_WARN, "relay all-off: %s board %s: relays %s were on at start-up: "
             "switched off", b->family, b->name, on);
}

int gh_kiosk_relays_off(void)
{
    char err[256];
    int bad = lc_relay_all_off(log_board, NULL, err, sizeof err);
    if (bad < 0)
        gh_oplog(GH_LOG_ERR, "relay all-off at start-up: %s", err);
    return bad;
}
