/*
 * notify.c: READY, WATCHDOG and STOPPING for systemd (see notify.h).
 *
 * The watchdog interval comes from sd_watchdog_enabled(), which honours
 * WATCHDOG_USEC only when WATCHDOG_PID is unset or names this process. The
 * kiosk unit runs `cage -- gatehouse`, so the service's main process (and
 * WATCHDOG_PID) is cage, our parent; the unit sets NotifyAccess=all so that
 * our messages are accepted, and here a WATCHDOG_PID equal to our parent's
 * pid is taken as meant for us too. Any other pid means the variables were
 * inherited from somewhere else, and the watchdog stays off.
 *
 * Pings go out at half the interval, as sd_watchdog_enabled(3) advises, so
 * one slow frame does not get the kiosk killed.
 */
#include "notify.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef GH_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

static int probed;
static int64_t interval_ms;     /* 0: watchdog off */
static int64_t last_ping = -1;  /* mono ms of the last ping, -1: none yet */
static int64_t last_seen = -1;  /* now_mono_ms of the last due() call */

int64_t gh_notify_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifdef GH_HAVE_SYSTEMD
static int send_state(const char *state)
{
    int r = sd_notify(0, state);
    return r > 0 ? 1 : r == 0 ? 0 : -1;
}

/* The cage case described at the top: WATCHDOG_PID is our parent. */
static uint64_t parent_watchdog_usec(void)
{
    const char *pid = getenv("WATCHDOG_PID"), *usec = getenv("WATCHDOG_USEC");
    if (!pid || !usec)
        return 0;
    char *end = NULL;
    long long p = strtoll(pid, &end, 10);
    if (!end || *end || p != (long long)getppid())
        return 0;
    unsigned long long u = strtoull(usec, &end, 10);
    if (!end || *end || *usec == '-')
        return 0;
    return u;
}

static void probe(void)
{
    if (probed)
        return;
    probed = 1;
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0)
        usec = parent_watchdog_usec();
    interval_ms = (int64_t)(usec / 1000);
    if (usec > 0 && interval_ms == 0)
        interval_ms = 1;
}
#else
static int send_state(const char *state)
{
    (void)state;
    return 0;
}

static void probe(void)
{
    probed = 1;
}
#endif

int gh_notify_ready(void)
{
    return send_state("READY=1\nSTATUS=Running");
}

int gh_notify_stopping(void)
{
    return send_state("STOPPING=1\nSTATUS=Stopping");
}

int gh_notify_status(const char *text)
{
    char buf[256];
    size_t n = strlen(text);
    if (n > sizeof buf - 8)
        n = sizeof buf - 8;
    memcpy(buf, "STATUS=", 7);
    memcpy(buf + 7, text, n);
    buf[7 + n] = '\0';
    /* A newline would start another assignment; keep it one status. */
    for (char *p = buf + 7; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return send_state(buf);
}

int64_t gh_notify_watchdog_interval_ms(void)
{
    probe();
    return interval_ms;
}

int gh_notify_watchdog_due(int64_t now_mono_ms)
{
    probe();
    if (interval_ms <= 0)
        return 0;
    last_seen = now_mono_ms;
    /* A time before the last ping means another clock was passed: ping
     * rather than risk going silent. */
    return last_ping < 0 || now_mono_ms < last_ping ||
           now_mono_ms - last_ping >= interval_ms / 2;
}

int gh_notify_watchdog_ping(void)
{
    probe();
    if (interval_ms <= 0)
        return 0;
    last_ping = last_seen >= 0 ? last_seen : gh_notify_mono_ms();
    return send_state("WATCHDOG=1");
}
