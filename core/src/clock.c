/*
 * clock.c: the one source of time for rules and timers (see clock.h).
 *
 * Wall time comes from CLOCK_REALTIME plus the GH_CLOCK_OFFSET_S environment
 * variable (read once, so command-line tests can pretend it is another day);
 * monotonic time from CLOCK_MONOTONIC. In virtual mode both clocks are frozen
 * at the moment virtual mode was switched on and move only with
 * gh_clock_advance(), which is what the --script harness and unit tests use to
 * make pulses, idle time-outs and lock-outs happen without sleeping. Leaving
 * virtual mode keeps the time that was reached (an adjustment is kept), so the
 * monotonic clock never goes backwards. One mutex guards the shared state:
 * timers may be read from the USB or mail threads while a test advances time.
 */
#include "gatehouse/clock.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static int64_t env_offset_ms;     /* GH_CLOCK_OFFSET_S, in ms */
static int virt;                  /* virtual mode on? */
static int64_t virt_wall, virt_mono;  /* frozen values while virtual */
static int64_t adj_wall, adj_mono;    /* added to the real clocks otherwise */

static void read_env(void)
{
    const char *s = getenv("GH_CLOCK_OFFSET_S");
    if (s && *s) {
        char *end = NULL;
        long long v = strtoll(s, &end, 10);
        if (end && *end == '\0')
            env_offset_ms = (int64_t)v * 1000;
    }
}

static int64_t read_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Both real readings with their adjustments; caller holds the lock. */
static int64_t real_wall(void) { return read_clock(CLOCK_REALTIME) + env_offset_ms + adj_wall; }
static int64_t real_mono(void) { return read_clock(CLOCK_MONOTONIC) + adj_mono; }

int64_t gh_clock_now_ms(void)
{
    pthread_once(&env_once, read_env);
    pthread_mutex_lock(&lock);
    int64_t v = virt ? virt_wall : real_wall();
    pthread_mutex_unlock(&lock);
    return v;
}

int64_t gh_clock_mono_ms(void)
{
    pthread_once(&env_once, read_env);
    pthread_mutex_lock(&lock);
    int64_t v = virt ? virt_mono : real_mono();
    pthread_mutex_unlock(&lock);
    return v;
}

void gh_clock_set_virtual(int on)
{
    pthread_once(&env_once, read_env);
    pthread_mutex_lock(&lock);
    if (on && !virt) {
        virt_wall = real_wall();
        virt_mono = real_mono();
        virt = 1;
    } else if (!on && virt) {
        /* Carry on from where virtual time got to. */
        adj_wall += virt_wall - real_wall();
        int64_t m = real_mono();
        if (virt_mono > m)
            adj_mono += virt_mono - m;
        virt = 0;
    }
    pthread_mutex_unlock(&lock);
}

int gh_clock_is_virtual(void)
{
    pthread_mutex_lock(&lock);
    int v = virt;
    pthread_mutex_unlock(&lock);
    return v;
}

void gh_clock_advance(int64_t ms)
{
    if (ms <= 0)
        return;
    pthread_mutex_lock(&lock);
    if (virt) {
        virt_wall += ms;
        virt_mono += ms;
    } else {
        adj_wall += ms;
        adj_mono += ms;
    }
    pthread_mutex_unlock(&lock);
}
