/*
 * notify.h: telling systemd how the kiosk is doing (sd_notify protocol).
 *
 * The units are Type=notify with WatchdogSec=: the main loop says READY=1
 * once the database is open and the screen (or the headless loop) is up,
 * then WATCHDOG=1 at least every half watchdog interval while the loop is
 * alive, and STOPPING=1 when it shuts down. A loop that stops turning (a
 * blocked call, a dead lock) stops pinging, and systemd restarts the service.
 *
 * The protocol is spoken directly (notify.c), without libsystemd. When not
 * started by systemd (no NOTIFY_SOCKET), every call is a cheap no-op.
 *
 * Main loop use:
 *     gh_notify_ready();
 *     for (;;) {
 *         ...wait for events, at most gh_notify_watchdog_interval_ms()/4...
 *         int64_t now = gh_notify_mono_ms();
 *         if (gh_notify_watchdog_due(now))
 *             gh_notify_watchdog_ping();
 *     }
 *     gh_notify_stopping();
 */
#ifndef GATEHOUSE_NOTIFY_H
#define GATEHOUSE_NOTIFY_H
#include <stdint.h>

/* READY=1 (and a STATUS= line). Returns 1 if sent, 0 if not under systemd,
 * -1 on a send error. */
int gh_notify_ready(void);
/* STOPPING=1. Same return values. */
int gh_notify_stopping(void);
/* STATUS=text, shown by `systemctl status`. Same return values. */
int gh_notify_status(const char *text);

/* The watchdog interval systemd asked for (WatchdogSec=), in ms; 0 when the
 * watchdog is off. Read once from the environment. */
int64_t gh_notify_watchdog_interval_ms(void);
/* 1 when a ping is due at now_mono_ms: never pinged yet, or half the interval
 * has passed since the last ping. Always 0 when the watchdog is off. The time
 * must be a real monotonic clock (gh_notify_mono_ms(), not the kiosk's
 * virtual clock), since systemd's watchdog runs on real time. */
int gh_notify_watchdog_due(int64_t now_mono_ms);
/* WATCHDOG=1, and remembers the time of the last gh_notify_watchdog_due()
 * call (or reads the clock) as the time of this ping. */
int gh_notify_watchdog_ping(void);
/* CLOCK_MONOTONIC in ms. */
int64_t gh_notify_mono_ms(void);

#endif
