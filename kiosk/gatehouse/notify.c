/*
 * notify.c: READY, WATCHDOG and STOPPING for systemd (see notify.h).
 *
 * The sd_notify protocol is small enough to speak here rather than link
 * libsystemd for it (one more library for the dynamic loader on every start,
 * and the kiosk's first frame is held to 1.5x a bare SDL2 program: issue 3,
 * bench/kiosk). A message is one datagram on an AF_UNIX SOCK_DGRAM socket to
 * $NOTIFY_SOCKET: a file system path, or an abstract socket when it starts
 * with '@' (the '@' standing for the leading NUL byte). No NOTIFY_SOCKET: not
 * started by systemd (or not Type=notify), and every message is a no-op.
 * MSG_NOSIGNAL, so a socket systemd has closed gives EPIPE, not SIGPIPE.
 *
 * The watchdog interval is what sd_watchdog_enabled() would say: WATCHDOG_USEC
 * (a positive number of microseconds), honoured only when WATCHDOG_PID is
 * unset or names this process. The kiosk unit runs `cage -- gatehouse`, so
 * the service's main process (and WATCHDOG_PID) is cage, our parent; the unit
 * sets NotifyAccess=all so that our messages are accepted, and here a
 * WATCHDOG_PID equal to our parent's pid is taken as meant for us too. Any
 * other pid means the variables were inherited from somewhere else, and the
 * watchdog stays off.
 *
 * Pings go out at half the interval, as sd_watchdog_enabled(3) advises, so
 * one slow frame does not get the kiosk killed.
 */
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

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

/* $NOTIFY_SOCKET as a socket address; 0 when unusable (relative path, too
 * long, or just "@"). */
static socklen_t notify_addr(const char *name, struct sockaddr_un *sa)
{
    size_t n = strlen(name);
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (n < 2 || n > sizeof sa->sun_path || (name[0] != '/' && name[0] != '@'))
        return 0;
    if (name[0] == '@') {
        /* abstract: the name is every byte after the NUL, no terminator */
        memcpy(sa->sun_path + 1, name + 1, n - 1);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    }
    if (n == sizeof sa->sun_path)
        return 0;               /* no room for the terminator */
    memcpy(sa->sun_path, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* sd_notify(0, state): 1 sent, 0 not under systemd, -1 error. */
static int send_state(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    if (!name || !*name)
        return 0;
    struct sockaddr_un sa;
    socklen_t salen = notify_addr(name, &sa);
    if (!salen)
        return -1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    size_t len = strlen(state);
    ssize_t n;
    do
        n = sendto(fd, state, len, MSG_NOSIGNAL, (const struct sockaddr *)&sa, salen);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n == (ssize_t)len ? 1 : -1;
}

/* A decimal number and nothing else: no sign, no space, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end)
        return 0;
    *out = v;
    return 1;
}

/* sd_watchdog_enabled(), plus the cage case described at the top. */
static uint64_t watchdog_usec(void)
{
    uint64_t usec = 0, pid = 0;
    if (!parse_u64(getenv("WATCHDOG_USEC"), &usec) || usec == 0)
        return 0;
    const char *p = getenv("WATCHDOG_PID");
    if (!p)
        return usec;
    if (!parse_u64(p, &pid) || pid == 0)
        return 0;
    if (pid == (uint64_t)getpid() || pid == (uint64_t)getppid())
        return usec;
    return 0;
}

static void probe(void)
{
    if (probed)
        return;
    probed = 1;
    uint64_t usec = watchdog_usec();
    interval_ms = (int64_t)(usec / 1000);
    if (usec > 0 && interval_ms == 0)
        interval_ms = 1;
}

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
