/*
 * clock.h: the one source of time for rules and timers.
 *
 * Wall time (unix milliseconds) for records, expiries and lock-outs; a
 * monotonic clock for pulses and idle time-outs. Both can be made virtual:
 * the kiosk's --script harness advances them with `wait`, and tests of the
 * command line set the environment variable GH_CLOCK_OFFSET_S (seconds added
 * to the wall clock), read once at the first call.
 */
#ifndef GATEHOUSE_CLOCK_H
#define GATEHOUSE_CLOCK_H
#include <stdint.h>

int64_t gh_clock_now_ms(void);    /* wall clock, unix ms */
int64_t gh_clock_mono_ms(void);   /* monotonic ms */

/* Virtual time: once enabled, both clocks only move with gh_clock_advance. */
void gh_clock_set_virtual(int on);
int gh_clock_is_virtual(void);
void gh_clock_advance(int64_t ms);

#endif
