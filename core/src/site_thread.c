/*
 * site_thread.c: the kiosk program's sync, on its own thread (never the
 * screen's), with its own database handle and server connection.
 *
 * It LISTENs on gatehouse_site before anything else, so no change numbered
 * after its last pull can go unnoticed; then it pulls at once on every
 * NOTIFY, pushes within GH_SITE_TICK_MS of a local change (site_queue not
 * empty), and pulls every GH_SITE_HEARTBEAT_MS anyway (which also records
 * the contact that `site status` and the offline policy read). A lost
 * connection is retried with a doubling wait up to GH_SITE_BACKOFF_MAX_MS.
 * Door decisions never wait for any of this: they read the local SQLite.
 */
#include "site_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/oplog.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GH_SITE_TICK_MS 200
#define GH_SITE_HEARTBEAT_MS 30000
#define GH_SITE_BACKOFF_MAX_MS 30000

static struct {
    pthread_t tid;
    int running;
    int wake[2];                 /* a byte on wake[1]: stop */
    volatile int stop;
    struct gh_config cfg;
} T = { .wake = { -1, -1 } };

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to ms for the server's socket (fd >= 0) or a stop; 1 if the
 * socket is readable. */
static int wait_for(int fd, int ms)
{
    struct pollfd p[2] = { { T.wake[0], POLLIN, 0 }, { fd, POLLIN, 0 } };
    int rc = poll(p, fd >= 0 ? 2 : 1, ms);
    return rc > 0 && fd >= 0 && (p[1].revents & POLLIN);
}

static int queue_waiting(struct gh_store *st)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT EXISTS (SELECT 1 FROM site_queue) "
                                       "AND (SELECT enabled FROM site_state)");
    int yes = q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
    gh_store_done(st, q);
    return yes;
}

static int log_waiting(struct gh_store *st)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT (SELECT max(seq) FROM audit) > "
                                       "log_pushed_seq FROM site_state");
    int yes = q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
    gh_store_done(st, q);
    return yes;
}

static struct gh_site *connect_listen(struct gh_store *st)
{
    struct gh_site *site = NULL;
    if (gh_site_connect(st, &T.cfg, &site) != GH_OK)
        return NULL;
    if (gh_site_check_schema(site) != GH_OK ||
        gh_site_pgexec(site, "LISTEN gatehouse_site", "LISTEN") != GH_OK) {
        gh_site_close(site);
        return NULL;
    }
    return site;
}

/* Drains notifications; 1 if there were any. */
static int drain(struct gh_site *site)
{
    int any = 0;
    PGnotify *n;
    PQconsumeInput(site->pg);
    while ((n = PQnotifies(site->pg)) != NULL) {
        any = 1;
        PQfreemem(n);
    }
    return any;
}

/* One connected session: until the connection fails or a stop. */
static void session(struct gh_store *st, struct gh_site *site)
{
    int64_t next_pull = 0;
    int joined = 0;
    while (!T.stop && PQstatus(site->pg) == CONNECTION_OK) {
        struct gh_site_status ss;
        joined = gh_site_status_read(st, &ss) == GH_OK && ss.joined;
        enum gh_status s = GH_OK;
        if (joined && queue_waiting(st))
            s = gh_site_push(site, NULL);
        if (s == GH_OK && joined && log_waiting(st))
            s = gh_site_log_push(site, NULL);
        if (s == GH_OK && joined && mono_ms() >= next_pull) {
            s = gh_site_pull(site, NULL);
            next_pull = mono_ms() + GH_SITE_HEARTBEAT_MS;
        }
        if (s != GH_OK) {
            gh_oplog(GH_LOG_WARN, "site sync: %s", gh_store_errmsg(st));
            if (PQstatus(site->pg) != CONNECTION_OK)
                return;
            wait_for(-1, 1000);
        }
        /* A NOTIFY that arrived with a query's answer is already in libpq's
         * queue, not on the socket: look there before sleeping on it. */
        if (drain(site) || (wait_for(PQsocket(site->pg), GH_SITE_TICK_MS) && drain(site)))
            next_pull = 0;
    }
}

static void *run(void *arg)
{
    struct gh_store *st = NULL;
    char err[512];
    (void)arg;
    if (gh_store_open(T.cfg.store_path, &st, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "site sync: %s", err);
        return NULL;
    }
    int backoff = 500;
    while (!T.stop) {
        struct gh_site *site = connect_listen(st);
        if (!site) {
            gh_oplog(GH_LOG_WARN, "site server: %s", gh_store_errmsg(st));
            wait_for(-1, backoff);
            backoff = backoff * 2 > GH_SITE_BACKOFF_MAX_MS ? GH_SITE_BACKOFF_MAX_MS : backoff * 2;
            continue;
        }
        backoff = 500;
        session(st, site);
        gh_site_contact(site, 0);
        gh_site_close(site);
    }
    gh_store_close(st);
    return NULL;
}

enum gh_status gh_site_thread_start(const struct gh_config *cfg, char *err, size_t errlen)
{
    if (!gh_config_site()->server[0] || T.running)
        return GH_OK;
    T.cfg = *cfg;
    T.stop = 0;
    if (pipe(T.wake) != 0) {
        snprintf(err, errlen, "site sync: pipe: %s", strerror(errno));
        return GH_E_IO;
    }
    if (pthread_create(&T.tid, NULL, run, NULL) != 0) {
        snprintf(err, errlen, "%s", "site sync: could not start its thread");
        close(T.wake[0]);
        close(T.wake[1]);
        return GH_E_NOMEM;
    }
    T.running = 1;
    return GH_OK;
}

void gh_site_thread_stop(void)
{
    if (!T.running)
        return;
    T.stop = 1;
    ssize_t w = write(T.wake[1], "x", 1);
    (void)w;
    pthread_join(T.tid, NULL);
    close(T.wake[0]);
    close(T.wake[1]);
    T.running = 0;
}
