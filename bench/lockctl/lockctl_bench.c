/*
 * lockctl_bench.c: how long the lock control plugin takes from a granted
 * decision to the relay-on transfer completing (the speed item), on
 * the real plugin path: the real plugin host, the lockctl plugin linked in
 * (plugin_lockctl_static), a real SQLite database in WAL mode, and a board
 * of the gh-relay-sim server through the real libusb (run by run.sh).
 *
 *   lockctl-bench DB BOARD_ID ROUNDS
 *
 * One round is one unlock through the plugin (lc_unlock: the core's logged
 * decision, then the pulse), then the poll that ends the pulse on the
 * virtual clock. A second, built-in plugin hooks GH_EVENT_UNLOCK, which the
 * core emits once the granted decision is committed to the activity log:
 * that hook's timestamp is "decided", the return of lc_unlock (relay on,
 * read back) is "relay on". Interleaved with each round, the peer: the relay
 * layer alone switching the same relay on (lc_relay_set, one write plus its
 * read-back) and off, twice: once on its own, and once right after a
 * logged decision of the core (door.check, the same commit), so that the
 * cache and scheduler state after the database's fsync weighs on both
 * sides alike. Prints medians (us) and the ratios plugin path / layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gatehouse/plugin_host.h"
#include "gatehouse/clock.h"
#include "gatehouse/store.h"
#include "gatehouse/auth.h"
#include "gatehouse/access.h"
#include "lockctl.h"

const struct gh_plugin *gh_plugin_lockctl(void);

static double t_decided;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void on_unlock(void *state, const struct gh_event *ev)
{
    (void)state;
    (void)ev;
    t_decided = now_us();
}

static enum gh_status probe_init(const struct gh_host *host, void **state, char *err,
                                 size_t errlen)
{
    *state = NULL;
    if (host->register_hook(host->ctx, GH_EVENT_UNLOCK, on_unlock) != 0) {
        snprintf(err, errlen, "hook refused");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

GH_PLUGIN_EXPORT(probe)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = "probe", .init = probe_init };
    return &p;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    struct gh_store *st = NULL;
    struct gh_plugin_host *host = NULL;
    struct gh_config cfg;
    char err[512], relay[96];
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: lockctl-bench DB BOARD_ID ROUNDS\n");
        return 2;
    }
    const char *board = argv[2];
    int rounds = atoi(argv[3]);
    if (rounds < 1)
        rounds = 1;
    gh_clock_set_virtual(1);   /* pulses end when the bench says, not by sleeping */
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "lockctl-bench: %s\n", err);
        return 1;
    }
    /* The site: one common door on the board, one active occupant. */
    snprintf(relay, sizeof relay, "%s:1", board);
    struct gh_location_new door = { .name = "Bench door", .door = GH_DOOR_COMMON,
                                    .relay = relay, .unlock_ms = 300 };
    struct gh_account_new occ = { .email = "bench@example.com", .access = GH_ACCESS_ALL,
                                  .no_welcome = 1 };
    int64_t door_id, who_id;
    if (gh_location_add(st, "bench", &door, &door_id) != GH_OK ||
        gh_occupant_create(st, "bench", &occ, &who_id) != GH_OK) {
        fprintf(stderr, "lockctl-bench: site: %s\n", gh_store_errmsg(st));
        goto out;
    }
    gh_config_defaults(&cfg);
    host = gh_plugin_host_new(st, &cfg, NULL, 1);
    if (!host)
        goto out;
    gh_plugin_host_listen(host);
    if (gh_plugin_host_add_static(host, gh_plugin_probe(), err, sizeof err) != GH_OK ||
        gh_plugin_host_add_static(host, gh_plugin_lockctl(), err, sizeof err) != GH_OK) {
        fprintf(stderr, "lockctl-bench: %s\n", err);
        goto out;
    }
    struct lockctl *lc = &lc_state;
    if (!lc->mgr || lc_relay_channel_status(lc->mgr, board, 1) != GH_OK) {
        fprintf(stderr, "lockctl-bench: board %s not usable\n", board);
        goto out;
    }
    struct gh_account a;
    struct gh_location l;
    if (gh_account_get(st, who_id, &a) != GH_OK || gh_location_get(st, door_id, &l) != GH_OK)
        goto out;

    double *path = calloc((size_t)rounds, sizeof *path);
    double *dec = calloc((size_t)rounds, sizeof *dec);
    double *raw = calloc((size_t)rounds, sizeof *raw);
    double *raw2 = calloc((size_t)rounds, sizeof *raw2);
    if (!path || !dec || !raw || !raw2)
        goto out;
    uint64_t x0 = lc_relay_mgr_transfers(lc->mgr);
    int bad = 0;
    for (int i = 0; i < rounds && !bad; i++) {
        struct gh_decision d;
        char msg[256];
        t_decided = 0;
        double t0 = now_us();
        enum gh_status s = lc_unlock(lc, st, "bench", &a, &l, &d, msg, sizeof msg);
        double t_on = now_us();
        if (s != GH_OK || !t_decided) {
            fprintf(stderr, "lockctl-bench: unlock: %s %s\n", d.reason, msg);
            bad = 1;
            break;
        }
        path[i] = t_on - t_decided;
        dec[i] = t_decided - t0;
        gh_clock_advance(300);
        gh_plugin_host_poll(host, gh_clock_mono_ms());   /* the pollers switch it off */
        if (lc_relay_channel_status(lc->mgr, board, 1) != GH_OK)
            bad = 1;
        /* the peer: the layer alone, same relay */
        double r0 = now_us();
        s = lc_relay_set(lc->mgr, board, 1, 1);
        raw[i] = now_us() - r0;
        if (s != GH_OK || lc_relay_set(lc->mgr, board, 1, 0) != GH_OK)
            bad = 1;
        /* the peer after the same kind of commit */
        struct gh_decision d2;
        if (gh_access_decide_logged(st, "bench", who_id, door_id, 0, &d2) != GH_OK ||
            !d2.allowed)
            bad = 1;
        r0 = now_us();
        s = lc_relay_set(lc->mgr, board, 1, 1);
        raw2[i] = now_us() - r0;
        if (s != GH_OK || lc_relay_set(lc->mgr, board, 1, 0) != GH_OK)
            bad = 1;
    }
    if (bad) {
        fprintf(stderr, "lockctl-bench: %s\n", lc_relay_mgr_errmsg(lc->mgr));
        goto out;
    }
    uint64_t xfers = lc_relay_mgr_transfers(lc->mgr) - x0;
    double mp = median(path, rounds), mr = median(raw, rounds), md = median(dec, rounds);
    double mr2 = median(raw2, rounds);
    printf("rounds: %d\n", rounds);
    printf("decision (core: rules + activity-log commit), median us: %.0f\n", md);
    printf("granted decision -> relay-on transfer done (plugin), median us: %.0f\n", mp);
    printf("relay on by the layer alone (peer), median us: %.0f\n", mr);
    printf("relay on by the layer alone right after a logged decision (peer 2), median us: %.0f\n",
           mr2);
    printf("ratio plugin path / layer alone: %.2f; / layer after a decision: %.2f\n", mp / mr,
           mp / mr2);
    printf("USB transfers per round (on + off: plugin, peer, peer 2): %.1f\n",
           (double)xfers / rounds);
    free(path);
    free(dec);
    free(raw);
    free(raw2);
    rc = 0;
out:
    if (host) {
        gh_plugin_host_shutdown(host);
        gh_plugin_host_free(host);
    }
    gh_store_close(st);
    return rc;
}
