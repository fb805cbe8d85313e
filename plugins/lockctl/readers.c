/*
 * readers.c: the reader threads and their queue (readers.h).
 *
 * One thread a backend: open, then wait in steps of WAIT_MS (so a stop is
 * seen within that), queue what the backend reports; a failing backend is
 * closed, said once, and opened again every RETRY_MS. The queue is a small
 * ring under one mutex; when it is full the oldest event is dropped (a
 * kiosk that stopped draining has bigger problems than a lost card read).
 */
#define _GNU_SOURCE
#include "readers.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 100
#define RETRY_MS 1000
#define QUEUE 32
#define MAX_SLOTS 4

struct slot {
    struct lc_readers *r;
    const struct lc_reader_backend *b;
    char arg[256];
    pthread_t th;
    int started;
    int trouble;                  /* not open, or the last wait failed */
    char status[1024];
    char last_err[LC_READ_TEXT_BUF];
};

struct lc_readers {
    pthread_mutex_t mu;
    int stop;
    struct slot slots[MAX_SLOTS];
    int n;
    struct lc_reader_event q[QUEUE];
    int qh, qn;
};

int64_t lc_reader_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int lc_reader_parse_ids(const char *list, uint16_t (*ids)[2], int max)
{
    int n = 0;
    const char *s = list ? list : "";
    while (*s) {
        s += strspn(s, ", \t");
        if (!*s)
            break;
        unsigned v, p;
        int used = 0;
        if (sscanf(s, "%4x:%4x%n", &v, &p, &used) != 2 || used != 9 ||
            (s[used] && !strchr(", \t", s[used])))
            return -1;
        if (n < max) {
            ids[n][0] = (uint16_t)v;
            ids[n][1] = (uint16_t)p;
            n++;
        }
        s += used;
    }
    return n;
}

static void push(struct lc_readers *r, const struct lc_reader_event *ev)
{
    pthread_mutex_lock(&r->mu);
    if (r->qn == QUEUE) {
        r->qh = (r->qh + 1) % QUEUE;
        r->qn--;
    }
    r->q[(r->qh + r->qn) % QUEUE] = *ev;
    r->qn++;
    pthread_mutex_unlock(&r->mu);
}

static void push_text(struct lc_readers *r, enum lc_reader_ev kind, const char *kindname,
                      const char *text)
{
    struct lc_reader_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.at_us = lc_reader_now_us();
    snprintf(ev.text, sizeof ev.text, "%s readers: %s", kindname, text);
    push(r, &ev);
}

static int stopping(struct lc_readers *r)
{
    pthread_mutex_lock(&r->mu);
    int s = r->stop;
    pthread_mutex_unlock(&r->mu);
    return s;
}

/* A failure: said once until it changes; the slot shows it. */
static void trouble(struct slot *sl, const char *err)
{
    int again;
    pthread_mutex_lock(&sl->r->mu);
    again = strcmp(sl->last_err, err) == 0;
    snprintf(sl->last_err, sizeof sl->last_err, "%s", err);
    snprintf(sl->status, sizeof sl->status, "%s: %s", sl->b->kind, err);
    sl->trouble = 1;
    pthread_mutex_unlock(&sl->r->mu);
    if (!again)
        push_text(sl->r, LC_EV_ERROR, sl->b->kind, err);
}

static void pause_retry(struct lc_readers *r)
{
    for (int i = 0; i < RETRY_MS / WAIT_MS && !stopping(r); i++) {
        struct timespec ts = { 0, WAIT_MS * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* Waits on an open backend until it fails or the readers stop. The state
 * is described before every wait, the first time right after the open: the
 * staff screen says what the backend sees as soon as it knows. */
static void run_open(struct slot *sl, void *h)
{
    struct lc_reader_event ev;
    char err[LC_READ_TEXT_BUF], desc[1024];
    while (!stopping(sl->r)) {
        sl->b->describe(h, desc, sizeof desc);
        pthread_mutex_lock(&sl->r->mu);
        snprintf(sl->status, sizeof sl->status, "%s", desc);
        sl->trouble = 0;
        sl->last_err[0] = '\0';
        pthread_mutex_unlock(&sl->r->mu);
        memset(&ev, 0, sizeof ev);
        err[0] = '\0';
        int rc = sl->b->wait(h, WAIT_MS, &ev, err, sizeof err);
        if (rc < 0) {
            trouble(sl, err[0] ? err : "the reader failed");
            return;
        }
        if (rc > 0)
            push(sl->r, &ev);
    }
}

static void *slot_main(void *arg)
{
    struct slot *sl = arg;
    char err[LC_READ_TEXT_BUF];
    while (!stopping(sl->r)) {
        err[0] = '\0';
        void *h = sl->b->open(sl->arg, 1, err, sizeof err);
        if (!h) {
            trouble(sl, err[0] ? err : "could not start");
            pause_retry(sl->r);
            continue;
        }
        run_open(sl, h);
        sl->b->close(h);
        if (!stopping(sl->r))
            pause_retry(sl->r);
    }
    return NULL;
}

struct lc_readers *lc_readers_new(void)
{
    struct lc_readers *r = calloc(1, sizeof *r);
    if (r)
        pthread_mutex_init(&r->mu, NULL);
    return r;
}

int lc_readers_add(struct lc_readers *r, const struct lc_reader_backend *b, const char *arg)
{
    if (!r || r->n == MAX_SLOTS)
        return -1;
    struct slot *sl = &r->slots[r->n];
    memset(sl, 0, sizeof *sl);
    sl->r = r;
    sl->b = b;
    sl->trouble = 1;
    snprintf(sl->arg, sizeof sl->arg, "%s", arg ? arg : "");
    snprintf(sl->status, sizeof sl->status, "%s: starting", b->kind);
    if (pthread_create(&sl->th, NULL, slot_main, sl) != 0)
        return -1;
    sl->started = 1;
    r->n++;
    return 0;
}

int lc_readers_take(struct lc_readers *r, struct lc_reader_event *ev)
{
    int got = 0;
    if (!r)
        return 0;
    pthread_mutex_lock(&r->mu);
    if (r->qn) {
        *ev = r->q[r->qh];
        explicit_bzero(&r->q[r->qh], sizeof r->q[r->qh]);
        r->qh = (r->qh + 1) % QUEUE;
        r->qn--;
        got = 1;
    }
    pthread_mutex_unlock(&r->mu);
    return got;
}

int lc_readers_status(struct lc_readers *r, char *buf, size_t len)
{
    size_t k = 0;
    int bad = 0;
    buf[0] = '\0';
    if (!r)
        return 0;
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->n && k < len; i++) {
        bad += r->slots[i].trouble;
        k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? "\n" : "", r->slots[i].status);
    }
    pthread_mutex_unlock(&r->mu);
    return bad;
}

void lc_readers_free(struct lc_readers *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_mutex_unlock(&r->mu);
    for (int i = 0; i < r->n; i++)
        if (r->slots[i].started)
            pthread_join(r->slots[i].th, NULL);
    pthread_mutex_destroy(&r->mu);
    explicit_bzero(r->q, sizeof r->q);
    free(r);
}
