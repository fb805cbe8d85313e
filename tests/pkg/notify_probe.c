/*
 * notify_probe.c: a stand-in for the kiosk's main loop, for the watchdog
 * tests. It links the real kiosk/gatehouse/notify.c and turns a loop of 5 ms
 * "frames" the way gatehouse does: READY=1 once, WATCHDOG=1 whenever
 * gh_notify_watchdog_due() says so, STOPPING=1 at the end.
 *
 *   notify_probe RUN_MS HANG_AFTER_MS
 *
 * With HANG_AFTER_MS >= 0 the loop blocks at that point (as a dead lock or a
 * stuck device call would) until RUN_MS is over, so it stops pinging while
 * the process stays alive. Prints "interval_ms=N" first, so the test can see
 * whether the watchdog was taken as on.
 */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: notify_probe RUN_MS HANG_AFTER_MS\n");
        return 2;
    }
    int64_t run_ms = atoll(argv[1]), hang_after = atoll(argv[2]);
    printf("interval_ms=%lld\n", (long long)gh_notify_watchdog_interval_ms());
    fflush(stdout);

    int64_t start = gh_notify_mono_ms();
    if (gh_notify_ready() < 0)
        return 1;
    for (;;) {
        int64_t now = gh_notify_mono_ms();
        if (now - start >= run_ms)
            break;
        if (hang_after >= 0 && now - start >= hang_after) {
            sleep_ms(run_ms - (now - start));   /* the loop is stuck */
            continue;
        }
        if (gh_notify_watchdog_due(now) && gh_notify_watchdog_ping() < 0)
            return 1;
        sleep_ms(5);
    }
    gh_notify_stopping();
    return 0;
}
