/*
 * relay_bench.c: per-switch cost of our relay layer on the door-unlock path,
 * against a board of the gh-relay-sim server (run by run.sh, which compares
 * it with Debian's usbrelay CLI switching the same board).
 *
 *   relay-bench BOARD_ID CHANNEL ROUNDS
 *
 * One round is one unlock: lc_relay_pulse() (switch on) and the
 * lc_relay_mgr_poll() that switches off when the pulse time has passed; the
 * time is virtual, so nothing waits and only the switching is measured. It
 * prints the mean time per switch (wall and this process's CPU) and the USB
 * transfers per switch counted by the layer (target: 1 write + 1 read-back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gatehouse/clock.h"
#include "relay.h"

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: relay-bench BOARD_ID CHANNEL ROUNDS\n");
        return 2;
    }
    const char *id = argv[1];
    int ch = atoi(argv[2]), rounds = atoi(argv[3]);
    struct lc_relay_mgr *m = NULL;
    struct lc_relay_config cfg = {.no_hotplug = 1, .rescan_ms = 1 << 30};
    gh_clock_set_virtual(1);
    double t_open = now_us();
    enum gh_status st = lc_relay_mgr_open(&m, &cfg);
    t_open = now_us() - t_open;
    if (st != GH_OK || lc_relay_channel_status(m, id, ch) != GH_OK) {
        fprintf(stderr, "relay-bench: board %s channel %d: %s\n", id, ch, lc_relay_mgr_errmsg(m));
        lc_relay_mgr_close(m);
        return 1;
    }
    uint64_t x0 = lc_relay_mgr_transfers(m);
    double on_us = 0, off_us = 0;
    /* CPU time of this process (all threads): steadier than wall time on a
     * busy machine; run.sh adds the simulator's share. */
    double cpu0 = clock_us(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < rounds; i++) {
        double t = now_us();
        st = lc_relay_pulse(m, id, ch, 1000);
        on_us += now_us() - t;
        if (st != GH_OK)
            break;
        gh_clock_advance(1000);
        t = now_us();
        st = lc_relay_mgr_poll(m, gh_clock_mono_ms());
        off_us += now_us() - t;
        if (st != GH_OK)
            break;
    }
    double cpu = clock_us(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    uint64_t xfers = lc_relay_mgr_transfers(m) - x0;
    if (st != GH_OK) {
        fprintf(stderr, "relay-bench: %s: %s\n", gh_strerror(st), lc_relay_mgr_errmsg(m));
        lc_relay_mgr_close(m);
        return 1;
    }
    int switches = 2 * rounds;
    printf("ours_open_ms=%.2f\n", t_open / 1e3);
    printf("ours_switches=%d\n", switches);
    printf("ours_us_per_switch=%.1f\n", (on_us + off_us) / switches);
    printf("ours_on_us=%.1f ours_off_us=%.1f\n", on_us / rounds, off_us / rounds);
    printf("ours_transfers_per_switch=%.2f\n", (double)xfers / switches);
    printf("ours_cpu_us_per_switch=%.1f\n", cpu / switches);
    lc_relay_mgr_close(m);
    return 0;
}
