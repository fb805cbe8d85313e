/*
 * mail_worker.c: the kiosk's background mail thread (see mailer.h).
 *
 * The screen must never wait for the relay, so delivery runs here, on a
 * thread with its own store connection (a gh_store handle is used by one
 * thread at a time) and its own mailer. The thread sleeps on a condition
 * variable and wakes:
 *   - at once on gh_mail_worker_kick() (the kiosk forwards
 *     GH_EVENT_MAIL_QUEUED: the core raises that event on the kiosk's own
 *     connection, which this thread does not listen to);
 *   - every GH_MAIL_WORKER_POLL_MS, to look at gh_outbox_next_due(): mail
 *     queued by another process (gatehousectl) and retries falling due are
 *     found that way, whatever the clock (the virtual clock of the kiosk's
 *     --script harness only moves between polls).
 * A relay configuration problem (refused login, untrusted certificate) is
 * not retried in a tight loop: the relay is tried again after a backoff
 * (30 s doubling to 10 min) or on the next kick.
 *
 * The thread never calls into the kiosk: the relay problem is kept as a
 * sentence behind a mutex (gh_mail_worker_problem) and as events the kiosk
 * collects on its own thread (gh_mail_worker_take_events), after an
 * optional wake-up callback. A changed problem is written once to the
 * operational log and to the activity log ("mail.relay_problem", and
 * "mail.relay_ok" when it clears).
 *
 * One worker per process: the state is file-static.
 */
#include "gatehouse/mail_batch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/digest.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

#define GH_MAIL_WORKER_POLL_MS 2000
#define GH_MAIL_WORKER_EVENTS 16
#define RELAY_BACKOFF_MIN_MS 30000
#define RELAY_BACKOFF_MAX_MS 600000

struct queued_event {
    enum gh_event_kind kind;
    char text[512];
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* CLOCK_MONOTONIC */
    pthread_t thread;
    int running, stopping, kicked;
    struct gh_config cfg;
    struct gh_store *st;
    struct gh_mailer *mailer;
    char problem[512];
    long problem_code;            /* what set_problem compares */
    struct queued_event ev[GH_MAIL_WORKER_EVENTS];
    int ev_head, ev_n;
    void (*wakeup)(void *ud);
    void *wakeup_ud;
    struct gh_mail_worker_stats stats;
} W = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int64_t mono_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Caller holds W.mu. */
static void push_event(enum gh_event_kind kind, const char *text)
{
    if (W.ev_n == GH_MAIL_WORKER_EVENTS) {
        /* the kiosk is not collecting: the newest state is what matters */
        W.ev_head = (W.ev_head + 1) % GH_MAIL_WORKER_EVENTS;
        W.ev_n--;
    }
    struct queued_event *e = &W.ev[(W.ev_head + W.ev_n) % GH_MAIL_WORKER_EVENTS];
    e->kind = kind;
    snprintf(e->text, sizeof e->text, "%s", text ? text : "");
    W.ev_n++;
}

/* Records the relay's state after a batch that talked to it (or tried to);
 * logs and raises an event only when it changed. "Changed" goes by the
 * problem's code (curl code and SMTP reply), not its text, which carries
 * timings ("timed out after 3001 ms") that differ on every retry. */
static void set_problem(const char *problem, long code)
{
    void (*wake)(void *) = NULL;
    void *wake_ud = NULL;
    pthread_mutex_lock(&W.mu);
    int changed = code != W.problem_code || (W.problem[0] != '\0') != (problem[0] != '\0');
    snprintf(W.problem, sizeof W.problem, "%s", problem);
    W.problem_code = code;
    if (changed) {
        push_event(GH_EVENT_MAIL_PROBLEM, problem);
        wake = W.wakeup;
        wake_ud = W.wakeup_ud;
    }
    pthread_mutex_unlock(&W.mu);
    if (!changed)
        return;
    if (*problem) {
        gh_oplog(GH_LOG_WARN, "mail relay problem: %s", problem);
        if (gh_audit_append(W.st, "mailer", "mail.relay_problem", "mail relay",
                            GH_OUTCOME_FAILED, problem) != GH_OK)
            gh_oplog(GH_LOG_ERR, "activity log: %s", gh_store_errmsg(W.st));
    } else {
        gh_oplog(GH_LOG_INFO, "mail relay working again");
        if (gh_audit_append(W.st, "mailer", "mail.relay_ok", "mail relay", GH_OUTCOME_OK,
                            "the relay accepted mail again") != GH_OK)
            gh_oplog(GH_LOG_ERR, "activity log: %s", gh_store_errmsg(W.st));
    }
    if (wake)
        wake(wake_ud);
}

/* The daily digest (digest.c) is queued from here, on the mail thread's own
 * connection: looked at once a minute, so the screen's thread never counts
 * the log. 1 when one was queued (deliver now). */
static int maybe_digest(int64_t mono, int64_t *next_look)
{
    if (mono < *next_look)
        return 0;
    *next_look = mono + 60 * 1000;
    if (!gh_digest_due(W.st, gh_clock_now_ms()))
        return 0;
    int queued = 0;
    if (gh_digest_queue(W.st, "kiosk", 1, &queued, NULL) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "mail: daily digest: %s", gh_store_errmsg(W.st));
        return 0;
    }
    gh_oplog(GH_LOG_INFO, "mail: daily digest queued (%d message(s))", queued);
    return queued > 0;
}

/* What the worker keeps from one round to the next. */
struct round {
    int64_t digest_look;             /* real mono ms: next look at the digest */
    int64_t relay_retry_at;          /* real mono ms; relay config backoff */
    int64_t backoff;
    int64_t hold_until;              /* wall ms: nothing sendable before this */
    int64_t hold_count;              /* queued count when the hold was set */
};

/* One batch and what it says about the relay; 1 when another batch should
 * follow at once. */
static int run_batch(struct round *r, int64_t now)
{
    struct gh_mail_batch b;
    /* the cancel flag is only ever set by stop, and never cleared:
     * clearing it here could undo a stop that came in between */
    enum gh_status s = gh_mail_batch_deliver(W.mailer, W.st, now, 0, &b);
    pthread_mutex_lock(&W.mu);
    W.stats.batches++;
    W.stats.sent += b.sent;
    W.stats.deferred += b.deferred;
    W.stats.failed += b.failed;
    pthread_mutex_unlock(&W.mu);
    if (s != GH_OK)
        gh_oplog(GH_LOG_ERR, "mail: outbox: %s", gh_store_errmsg(W.st));
    if (b.relay != GH_MAILV_SENT && (b.tried > 0 || b.relay == GH_MAILV_CONFIG))
        set_problem(b.problem, b.problem_code);
    else if (b.tried > 0 && (b.sent > 0 || b.failed > 0 || b.deferred > 0))
        set_problem("", 0);
    if (b.relay == GH_MAILV_CONFIG) {
        r->backoff = r->backoff ? r->backoff * 2 : RELAY_BACKOFF_MIN_MS;
        if (r->backoff > RELAY_BACKOFF_MAX_MS)
            r->backoff = RELAY_BACKOFF_MAX_MS;
        r->relay_retry_at = mono_real_ms() + r->backoff;
    } else if (b.tried > 0) {
        r->backoff = 0;
        r->relay_retry_at = 0;
    }
    if (b.sent + b.deferred + b.failed == 0 && b.waiting > 0) {
        /* everything due waits behind a retry: sleep until it */
        r->hold_until = b.next_due;
        r->hold_count = gh_outbox_count(W.st, GH_MAIL_QUEUED);
    } else {
        r->hold_until = 0;
        r->hold_count = -1;
    }
    return s == GH_OK && b.relay == GH_MAILV_SENT &&
           (b.more || b.sent + b.deferred + b.failed > 0);
}

/* 1 when a batch is worth running now: kicked, or something is due that
 * is not held behind a retry, and the relay's backoff has run out. */
static int worth_a_batch(struct round *r, int kicked, int64_t now, int64_t mono)
{
    if (maybe_digest(mono, &r->digest_look))
        kicked = 1;
    if (kicked) {
        r->relay_retry_at = 0;       /* new mail: worth one more try at once */
        return 1;
    }
    if (mono < r->relay_retry_at)
        return 0;
    int64_t nd = gh_outbox_next_due(W.st);
    if (nd <= 0 || nd > now)
        return 0;
    return now >= r->hold_until || gh_outbox_count(W.st, GH_MAIL_QUEUED) != r->hold_count;
}

static void *worker_main(void *arg)
{
    struct round r = { .hold_count = -1 };
    pthread_mutex_lock(&W.mu);
    while (!W.stopping) {
        int kicked = W.kicked;
        W.kicked = 0;
        pthread_mutex_unlock(&W.mu);

        int64_t now = gh_clock_now_ms(), mono = mono_real_ms();
        int again = worth_a_batch(&r, kicked, now, mono) ? run_batch(&r, now) : 0;

        pthread_mutex_lock(&W.mu);
        if (again || W.kicked || W.stopping)
            continue;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = (int64_t)ts.tv_nsec + (int64_t)GH_MAIL_WORKER_POLL_MS * 1000000;
        ts.tv_sec += (time_t)(ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        while (!W.kicked && !W.stopping) {
            if (pthread_cond_timedwait(&W.cv, &W.mu, &ts) == ETIMEDOUT)
                break;
        }
    }
    pthread_mutex_unlock(&W.mu);
    return arg;
}

enum gh_status gh_mail_worker_start(const struct gh_config *cfg, char *err, size_t errlen)
{
    struct gh_store *st = NULL;
    struct gh_mailer *mailer = NULL;
    enum gh_status s;
    pthread_condattr_t ca;

    pthread_mutex_lock(&W.mu);
    int busy = W.running;
    pthread_mutex_unlock(&W.mu);
    if (busy) {
        snprintf(err, errlen, "the mail worker is already running");
        return GH_E_INVALID;
    }
    if (!cfg->mail_relay[0]) {
        pthread_mutex_lock(&W.mu);
        snprintf(W.problem, sizeof W.problem, "%s",
                 _("Mail is off: no relay is configured ([mail] relay)."));
        pthread_mutex_unlock(&W.mu);
        gh_oplog(GH_LOG_INFO, "mail: no relay configured; queued mail stays queued");
        return GH_OK;
    }
    s = gh_mailer_new(cfg, &mailer, err, errlen);
    if (s != GH_OK) {
        pthread_mutex_lock(&W.mu);
        snprintf(W.problem, sizeof W.problem, "%s", err);
        pthread_mutex_unlock(&W.mu);
        return s;
    }
    s = gh_store_open(cfg->store_path, &st, err, errlen);
    if (s != GH_OK)
        goto fail;

    pthread_mutex_lock(&W.mu);
    W.cfg = *cfg;
    W.st = st;
    W.mailer = mailer;
    W.stopping = 0;
    W.kicked = 1;                /* look at the outbox once at start */
    W.problem[0] = '\0';
    W.problem_code = 0;
    W.ev_head = W.ev_n = 0;
    memset(&W.stats, 0, sizeof W.stats);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&W.cv, &ca);
    pthread_condattr_destroy(&ca);
    /* The thread (and libcurl's resolver threads it starts) runs with every
     * signal blocked, so SIGTERM and SIGINT always land on the kiosk's own
     * thread, whose wait they must interrupt. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&W.thread, NULL, worker_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&W.cv);
        W.st = NULL;
        W.mailer = NULL;
        pthread_mutex_unlock(&W.mu);
        snprintf(err, errlen, "could not start the mail thread: %s", strerror(rc));
        s = GH_E_INTERNAL;
        goto fail;
    }
    W.running = 1;
    W.stats.running = 1;
    pthread_mutex_unlock(&W.mu);
    return GH_OK;
fail:
    gh_store_close(st);
    gh_mailer_free(mailer);
    return s;
}

void gh_mail_worker_kick(void)
{
    pthread_mutex_lock(&W.mu);
    if (W.running) {
        W.kicked = 1;
        pthread_cond_signal(&W.cv);
    }
    pthread_mutex_unlock(&W.mu);
}

void gh_mail_worker_stop(void)
{
    pthread_mutex_lock(&W.mu);
    if (!W.running) {
        pthread_mutex_unlock(&W.mu);
        return;
    }
    W.stopping = 1;
    gh_mailer_cancel(W.mailer);  /* a send in progress gives up within ~1 s */
    pthread_cond_signal(&W.cv);
    pthread_mutex_unlock(&W.mu);

    pthread_join(W.thread, NULL);

    pthread_mutex_lock(&W.mu);
    gh_mailer_free(W.mailer);
    gh_store_close(W.st);
    W.mailer = NULL;
    W.st = NULL;
    pthread_cond_destroy(&W.cv);
    W.running = 0;
    W.stats.running = 0;
    pthread_mutex_unlock(&W.mu);
}

int gh_mail_worker_problem(char *buf, size_t len)
{
    pthread_mutex_lock(&W.mu);
    int has = W.problem[0] != '\0';
    if (buf && len)
        snprintf(buf, len, "%s", W.problem);
    pthread_mutex_unlock(&W.mu);
    return has;
}

void gh_mail_worker_set_wakeup(void (*fn)(void *ud), void *ud)
{
    pthread_mutex_lock(&W.mu);
    W.wakeup = fn;
    W.wakeup_ud = ud;
    pthread_mutex_unlock(&W.mu);
}

int gh_mail_worker_take_events(gh_event_fn fn, void *ud)
{
    struct queued_event copy[GH_MAIL_WORKER_EVENTS];
    pthread_mutex_lock(&W.mu);
    int n = W.ev_n;
    for (int i = 0; i < n; i++)
        copy[i] = W.ev[(W.ev_head + i) % GH_MAIL_WORKER_EVENTS];
    W.ev_head = W.ev_n = 0;
    pthread_mutex_unlock(&W.mu);
    /* outside the lock: fn may well ask for the problem again */
    for (int i = 0; i < n; i++) {
        struct gh_event ev = { .kind = copy[i].kind, .id = 0, .text = copy[i].text };
        if (fn)
            fn(ud, &ev);
    }
    return n;
}

void gh_mail_worker_stats(struct gh_mail_worker_stats *out)
{
    pthread_mutex_lock(&W.mu);
    *out = W.stats;
    pthread_mutex_unlock(&W.mu);
}
