/*
 * mail_batch.c: one batch of the outbox through a mailer, marked in the
 * store (see mail_batch.h and the rules in mailer.h).
 *
 * Order of a batch: the delivery lock, claims a dead deliverer left given
 * back, the due messages read (and the not-yet-due ones that hold later
 * messages to the same recipient back), claimed and re-checked in one
 * write transaction, then sent one by one over the mailer's connection;
 * accepted ones go to the committer thread, which marks them sent in
 * groups, and the batch waits for it before it returns.
 */
#include "gatehouse/mail_batch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "mail_committer.h"

/* ---- a batch ------------------------------------------------------------------ */

struct due_list {
    struct gh_mail *v;
    int n, cap;
    int oom;
};

static int collect_due(void *ud, const struct gh_mail *m)
{
    struct due_list *d = ud;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 32;
        struct gh_mail *nv = realloc(d->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            d->oom = 1;
            return 1;
        }
        d->v = nv;
        d->cap = cap;
    }
    struct gh_mail *c = &d->v[d->n];
    *c = *m;
    c->body = strdup(m->body ? m->body : "");
    if (!c->body) {
        d->oom = 1;
        return 1;
    }
    d->n++;
    return 0;
}

/* Queued messages that are not due yet: they hold back later messages to
 * the same recipient, so that a retry never overtakes... or is overtaken. */
struct waiting {
    int64_t id, at;
    char addr[256];
};
struct wait_list {
    struct waiting *v;
    int n, cap;
    int64_t now, earliest;
    int oom;
};

static int collect_waiting(void *ud, const struct gh_mail *m)
{
    struct wait_list *w = ud;
    if (m->state != GH_MAIL_QUEUED || m->next_attempt_at <= w->now)
        return 0;
    if (!w->earliest || m->next_attempt_at < w->earliest)
        w->earliest = m->next_attempt_at;
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 32;
        struct waiting *nv = realloc(w->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            w->oom = 1;
            return 1;
        }
        w->v = nv;
        w->cap = cap;
    }
    w->v[w->n].id = m->id;
    w->v[w->n].at = m->next_attempt_at;
    snprintf(w->v[w->n].addr, sizeof w->v[w->n].addr, "%s", m->to_addr);
    w->n++;
    return 0;
}

static int add_waiting(struct wait_list *w, const struct gh_mail *m)
{
    int64_t saved = w->now;
    struct gh_mail tmp = *m;
    tmp.state = GH_MAIL_QUEUED;
    tmp.next_attempt_at = INT64_MAX; /* held back for the rest of this batch */
    w->now = 0;
    int64_t earliest = w->earliest;
    int r = collect_waiting(w, &tmp);
    w->earliest = earliest;
    w->now = saved;
    return r;
}

static int held_back(const struct wait_list *w, const struct gh_mail *m)
{
    for (int i = 0; i < w->n; i++)
        if (w->v[i].id < m->id && strcasecmp(w->v[i].addr, m->to_addr) == 0)
            return 1;
    return 0;
}

/* Without a committer: marks one message on the caller's connection. */
static enum gh_status mark_here(struct gh_store *st, int64_t id, struct gh_mail_batch *out)
{
    enum gh_status s = gh_outbox_mark_sent(st, id);
    if (s == GH_E_REFUSED) {
        gh_oplog(GH_LOG_INFO, "mail %lld: %s", (long long)id, gh_store_errmsg(st));
        return GH_OK;
    }
    if (s != GH_OK) {
        gh_oplog(GH_LOG_ERR, "mail %lld accepted by the relay but not marked sent: %s",
                 (long long)id, gh_store_errmsg(st));
        return s;
    }
    out->sent++;
    return GH_OK;
}

/* What each claimed message says is checked against the database now, in
 * the claiming transaction; the ones no longer true are cancelled (and so no
 * longer claimed) and skipped. */
static enum gh_status recheck_claimed(struct gh_store *st, struct due_list *due,
                                      const unsigned char *claimed, struct gh_mail_batch *out)
{
    enum gh_status s = GH_OK;
    for (int i = 0; i < due->n && s == GH_OK; i++) {
        int cancelled = 0;
        if (!claimed[i])
            continue;
        s = gh_outbox_recheck(st, &due->v[i], &cancelled);
        if (s == GH_OK && cancelled) {
            due->v[i].state = GH_MAIL_CANCELLED;
            out->cancelled++;
            gh_oplog(GH_LOG_INFO, "mail %lld cancelled: no longer true",
                     (long long)due->v[i].id);
        }
    }
    return s;
}

static int by_id(const void *a, const void *b)
{
    const struct gh_mail *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- one deliverer, and its batch claimed before sending ---------------------- */

/* One deliverer at a time per database (the kiosk's mail thread, `outbox
 * flush`): a flock on "<db>.mail-lock" held for a batch; a second deliverer
 * waits for the first one's batch (bounded: a batch stops at the first
 * relay failure), or gives up after GH_MAILER_LOCK_WAIT_MS or a cancel. It
 * is what makes a claim found at the start of a batch
 * (gh_outbox_unclaim_all) one that a deliverer killed mid-batch left
 * behind. Like the instance lock, a read-only descriptor does when the file
 * belongs to another user. Returns the fd; -1 when there is no file to lock
 * (an in-memory store), or with a status in *s when it can't be had. */
static int deliverer_lock(struct gh_mailer *m, struct gh_store *st, enum gh_status *s)
{
    const char *db = gh_store_path(st);
    char path[1100];
    *s = GH_OK;
    if (!db || !*db || strcmp(db, ":memory:") == 0 ||
        snprintf(path, sizeof path, "%s.mail-lock", db) >= (int)sizeof path)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && (errno == EACCES || errno == EROFS))
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        *s = gh_store_fail(st, GH_E_IO, "can't open the delivery lock %s: %s", path,
                           strerror(errno));
        return -1;
    }
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 20) {
        if (errno != EWOULDBLOCK)
            *s = gh_store_fail(st, GH_E_IO, "can't lock %s: %s", path, strerror(errno));
        else if (waited >= GH_MAILER_LOCK_WAIT_MS || gh_mailer_cancelled(m))
            *s = gh_store_fail(st, GH_E_TRANSIENT, "another deliverer has held %s for %d s "
                               "(or this one is stopping); nothing was sent, try again",
                               path, waited / 1000);
        if (*s != GH_OK) {
            close(fd);
            return -1;
        }
        struct timespec ts = { 0, 20 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return fd;
}

/* claimed[i] for due.v[i] taken for this batch (gh_outbox_claim), used[i]
 * once it was sent, deferred or failed. */
struct claims {
    unsigned char *claimed, *used;
    unsigned char *reached;       /* its lane came to it before the batch stopped */
};

/* Claims, in one write transaction and before anything is sent, every due
 * message that is not held back behind an earlier one. An error (the
 * database write-locked past the busy time-out) means nothing may be sent:
 * a message we could not mark we would send again later. */
static enum gh_status claim_batch(struct gh_store *st, struct due_list *due,
                                  const struct wait_list *wait, int64_t now, struct claims *c,
                                  struct gh_mail_batch *out)
{
    enum gh_status s = GH_OK;
    char why[512];
    c->claimed = calloc((size_t)due->n, 3);
    int64_t *ids = malloc((size_t)due->n * sizeof *ids);
    int *at = malloc((size_t)due->n * sizeof *at);
    unsigned char *got = malloc((size_t)due->n);
    if (!c->claimed || !ids || !at || !got) {
        s = gh_store_fail(st, GH_E_NOMEM, "out of memory claiming the outbox batch");
        goto out;
    }
    c->used = c->claimed + due->n;
    c->reached = c->used + due->n;
    int k = 0;
    for (int i = 0; i < due->n; i++)
        if (!held_back(wait, &due->v[i])) {
            ids[k] = due->v[i].id;
            at[k++] = i;
        }
    /* one write transaction claims and re-checks: what is sent is what was
     * true when it was claimed (SPEC "Mail") */
    if ((s = gh_store_begin(st)) != GH_OK) {
        snprintf(why, sizeof why, "%s", gh_store_errmsg(st));
        s = gh_store_fail(st, s, _("could not claim %d email(s) before sending, so none was "
                                   "sent: %s"), k, why);
        goto out;
    }
    s = gh_outbox_claim(st, ids, k, now, got);
    for (int j = 0; s == GH_OK && j < k; j++)
        c->claimed[at[j]] = got[j];
    if (s == GH_OK)
        s = recheck_claimed(st, due, c->claimed, out);
    if (s == GH_OK)
        s = gh_store_commit(st);
    else
        gh_store_rollback(st);
    if (s != GH_OK) {
        memset(c->claimed, 0, (size_t)due->n);
        out->cancelled = 0;
        for (int i = 0; i < due->n; i++)
            if (due->v[i].state == GH_MAIL_CANCELLED)
                due->v[i].state = GH_MAIL_QUEUED;
    }
out:
    free(ids);
    free(at);
    free(got);
    return s;
}

/* Gives back what was claimed but not used (a relay configuration problem,
 * a cancel, held back behind a deferred message): due again as before. */
static void release_claims(struct gh_store *st, const struct due_list *due, struct claims *c)
{
    for (int i = 0; c->claimed && i < due->n; i++)
        if (c->claimed[i] && !c->used[i] && gh_outbox_unclaim(st, due->v[i].id) != GH_OK)
            gh_oplog(GH_LOG_WARN, "mail %lld: claim not given back (the next batch gives "
                     "it back): %s", (long long)due->v[i].id, gh_store_errmsg(st));
    free(c->claimed);
    c->claimed = c->used = c->reached = NULL;
}

/* The start of a batch, holding the delivery lock: a claim still in the
 * outbox is a dead deliverer's (killed mid-batch); its messages are due. */
static enum gh_status take_over_claims(struct gh_store *st)
{
    int n = 0;
    enum gh_status s = gh_outbox_unclaim_all(st, &n);
    if (s == GH_OK && n > 0)
        gh_oplog(GH_LOG_WARN, "mail: %d email(s) claimed by a deliverer that stopped "
                 "mid-batch are due again", n);
    return s;
}


/* ---- the batch ------------------------------------------------------------------ */

/* A batch of enough messages goes over up to [mail] connections connections
 * at once ("lanes"): a relay answers each command in turn, so one
 * connection leaves it idle while the client reads, composes and hands the
 * next message over, and a second one keeps it busy meanwhile. Every
 * message to one recipient goes over the same lane, in order, so the order
 * per recipient holds as on one connection. A small batch (the kiosk's
 * usual one or two) uses one connection: a second costs a handshake. */
#define GH_MAILER_LANE_MIN 16     /* messages per lane before another is worth it */

struct batch {
    struct gh_mailer *m;
    struct gh_store *st;
    struct gh_mail_batch *out;
    struct due_list due;
    struct wait_list wait;
    struct claims claims;
    struct gh_mail_committer *com;
    char relay_down[512];         /* the relay did not answer: the rest is deferred */
    /* the lanes: everything above is shared, under mu; the sends are not */
    pthread_mutex_t mu;
    unsigned char *lane_of;       /* lane of due.v[i] */
    int lanes;
    int stop;                     /* a relay configuration problem, a cancel, a store failure */
    enum gh_status err;           /* the first store failure of any lane */
};

/* Reads what is due (oldest first) and, when more is queued than due, what
 * is queued but not due yet (it holds later messages back). */
static enum gh_status read_due(struct batch *b, int64_t now, int limit)
{
    struct gh_store *st = b->st;
    int64_t queued = gh_outbox_count(st, GH_MAIL_QUEUED);
    enum gh_status s = gh_outbox_due(st, now, limit, collect_due, &b->due);
    if (s == GH_OK && b->due.oom)
        s = gh_store_fail(st, GH_E_NOMEM, "out of memory reading the outbox");
    if (s != GH_OK)
        return s;
    b->out->more = b->due.n >= limit;
    if (queued > b->due.n) {
        b->wait.now = now;
        s = gh_outbox_list(st, GH_MAIL_QUEUED, collect_waiting, &b->wait);
        if (s == GH_OK && b->wait.oom)
            s = gh_store_fail(st, GH_E_NOMEM, "out of memory reading the outbox");
        if (s != GH_OK)
            return s;
        b->out->next_due = b->wait.earliest;
    }
    if (b->due.n > 1)
        qsort(b->due.v, (size_t)b->due.n, sizeof *b->due.v, by_id);
    return GH_OK;
}

/* The relay took it: to the committer, or marked here without one. */
static enum gh_status on_sent(struct batch *b, const struct gh_mail *mail)
{
    gh_oplog(GH_LOG_DEBUG, "mail %lld accepted for %s", (long long)mail->id, mail->to_addr);
    if (b->com) {
        gh_mail_committer_add(b->com, mail->id);
        return GH_OK;
    }
    return mark_here(b->st, mail->id, b->out);
}

/* Deferred; when the relay itself failed, the rest of the batch is too. */
static enum gh_status on_transient(struct batch *b, struct gh_mailer *lm,
                                   const struct gh_mail *mail, const struct gh_mail_result *r)
{
    gh_oplog(GH_LOG_WARN, "mail %lld deferred: %s", (long long)mail->id, r->detail);
    enum gh_status s = gh_outbox_mark_deferred(b->st, mail->id, r->detail);
    if (s != GH_OK)
        return s;
    b->out->deferred++;
    add_waiting(&b->wait, mail);
    if (r->relay) {
        snprintf(b->relay_down, sizeof b->relay_down, "%s", r->detail);
        b->out->relay = GH_MAILV_TRANSIENT;
        snprintf(b->out->problem, sizeof b->out->problem, "%s", r->detail);
        b->out->problem_code = (long)r->curl_code * 1000 + r->smtp_code;
        /* a connection that failed half-way is not worth keeping */
        gh_mailer_disconnect(lm);
    }
    return GH_OK;
}

/* A relay configuration problem or a cancel: message i and every message
 * no lane has come to stay queued untouched (no attempt counted, their
 * claims given back; counted as held when the lanes are done). */
static void on_stop(struct batch *b, struct gh_mailer *lm, int i, const struct gh_mail_result *r)
{
    struct gh_mail_batch *out = b->out;
    b->claims.used[i] = 0;
    b->claims.reached[i] = 0;
    if (r->verdict == GH_MAILV_CANCELLED && strcmp(r->step, "compose") != 0)
        out->tried--;             /* a send cut short tells nothing about the relay */
    if (r->verdict == GH_MAILV_CONFIG) {
        out->relay = GH_MAILV_CONFIG;
        snprintf(out->problem, sizeof out->problem, "%s", r->detail);
        out->problem_code = (long)r->curl_code * 1000 + r->smtp_code;
        gh_mailer_disconnect(lm);
    }
    out->more = 0;
    b->stop = 1;
}

/* Before message i is sent, with b->mu held: skipped, or deferred without
 * a try; *send set when it goes to the relay. */
static enum gh_status before_send(struct batch *b, int i, int *send)
{
    struct gh_mail *mail = &b->due.v[i];
    *send = 0;
    b->claims.reached[i] = 1;
    if (mail->state == GH_MAIL_CANCELLED)
        return GH_OK;
    if (held_back(&b->wait, mail)) {
        b->out->waiting++;
        return GH_OK;
    }
    if (!b->claims.claimed[i])
        return GH_OK;             /* another deliverer took it first */
    b->claims.used[i] = 1;
    if (b->relay_down[0]) {
        /* the relay did not answer for an earlier message of this batch:
         * this one had its try too */
        enum gh_status s = gh_outbox_mark_deferred(b->st, mail->id, b->relay_down);
        if (s == GH_OK) {
            b->out->deferred++;
            add_waiting(&b->wait, mail);
        }
        return s;
    }
    *send = 1;
    return GH_OK;
}

/* After message i was sent over lm, with b->mu held: its outcome recorded. */
static enum gh_status after_send(struct batch *b, struct gh_mailer *lm, int i,
                                 const struct gh_mail_result *r)
{
    struct gh_mail *mail = &b->due.v[i];
    if (strcmp(r->step, "compose") != 0)
        b->out->tried++;          /* the relay was contacted (or tried) */
    switch (r->verdict) {
    case GH_MAILV_SENT:
        return on_sent(b, mail);
    case GH_MAILV_TRANSIENT:
        return on_transient(b, lm, mail, r);
    case GH_MAILV_PERMANENT: {
        gh_oplog(GH_LOG_WARN, "mail %lld failed: %s", (long long)mail->id, r->detail);
        enum gh_status s = gh_outbox_mark_failed(b->st, mail->id, r->detail);
        if (s == GH_OK)
            b->out->failed++;
        return s;
    }
    case GH_MAILV_CONFIG:
    case GH_MAILV_CANCELLED:
        on_stop(b, lm, i, r);
        return GH_OK;
    }
    return GH_OK;
}

/* Message i over lane lm: everything but the send itself under b->mu. */
static enum gh_status deliver_one(struct batch *b, struct gh_mailer *lm, int i)
{
    struct gh_mail_result r;
    int send = 0;
    pthread_mutex_lock(&b->mu);
    enum gh_status s = b->stop ? GH_OK : before_send(b, i, &send);
    pthread_mutex_unlock(&b->mu);
    if (s != GH_OK || !send)
        return s;
    gh_mailer_send(lm, &b->due.v[i], &r);
    pthread_mutex_lock(&b->mu);
    s = after_send(b, lm, i, &r);
    pthread_mutex_unlock(&b->mu);
    return s;
}

struct lane {
    struct batch *b;
    struct gh_mailer *m;
    int k;
    pthread_t thread;
    int started;
};

/* Lane k's messages, in order, until they are done or the batch stops. */
static void *lane_main(void *arg)
{
    struct lane *l = arg;
    struct batch *b = l->b;
    for (int i = 0; i < b->due.n; i++) {
        if (b->lane_of[i] != l->k)
            continue;
        enum gh_status s = deliver_one(b, l->m, i);
        pthread_mutex_lock(&b->mu);
        if (s != GH_OK && b->err == GH_OK) {
            b->err = s;
            b->stop = 1;
        }
        int stop = b->stop;
        pthread_mutex_unlock(&b->mu);
        if (stop)
            break;
    }
    return NULL;
}

/* Each recipient to one lane (FNV-1a of the address, case ignored): how
 * many lanes this batch uses, given what is claimed and the mailer's
 * connections. */
static int assign_lanes(struct batch *b)
{
    int claimed = 0;
    for (int i = 0; i < b->due.n; i++)
        claimed += b->claims.claimed[i];
    int lanes = gh_mailer_connections(b->m);
    if (lanes > claimed / GH_MAILER_LANE_MIN)
        lanes = claimed / GH_MAILER_LANE_MIN;
    if (lanes < 1)
        lanes = 1;
    b->lane_of = calloc((size_t)b->due.n, 1);
    if (!b->lane_of)
        return 0;
    for (int i = 0; i < b->due.n; i++) {
        uint32_t h = 2166136261u;
        for (const char *c = b->due.v[i].to_addr; *c; c++)
            h = (h ^ (unsigned char)tolower((unsigned char)*c)) * 16777619u;
        b->lane_of[i] = (unsigned char)(h % (uint32_t)lanes);
    }
    return lanes;
}

/* Sends the claimed batch over its lanes: lane 0 on this thread, the others
 * on threads of their own (no signal is delivered to them, like the mail
 * worker's); a lane whose mailer or thread can't be had runs here after
 * lane 0. Then counts what no lane came to as held. */
static enum gh_status send_all(struct batch *b)
{
    struct lane lanes[GH_CONFIG_MAX_MAIL_CONNECTIONS];
    int n = assign_lanes(b);
    if (n == 0)
        return gh_store_fail(b->st, GH_E_NOMEM, "out of memory sharing out the outbox batch");
    sigset_t all, old;
    sigfillset(&all);
    for (int k = 0; k < n; k++) {
        lanes[k] = (struct lane){ .b = b, .m = gh_mailer_lane(b->m, k), .k = k };
        if (k == 0 || !lanes[k].m)
            continue;
        pthread_sigmask(SIG_SETMASK, &all, &old);
        lanes[k].started = pthread_create(&lanes[k].thread, NULL, lane_main, &lanes[k]) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    lane_main(&lanes[0]);
    for (int k = 1; k < n; k++) {
        if (lanes[k].started) {
            pthread_join(lanes[k].thread, NULL);
        } else {
            lanes[k].m = b->m;    /* after lane 0, over its connection */
            lane_main(&lanes[k]);
        }
    }
    for (int i = 0; i < b->due.n; i++)
        b->out->held += !b->claims.reached[i];
    return b->err;
}

/* Every mark in, claims not used given back, the lock let go, the bodies
 * (a welcome carries a setup code) wiped. Returns s or the marks' failure. */
static enum gh_status finish(struct batch *b, enum gh_status s, int lock)
{
    if (b->com) {
        /* before anyone asks for due mail again, every mark is in */
        enum gh_status ms = gh_mail_committer_drain(b->com, b->st, b->out);
        if (s == GH_OK)
            s = ms;
    }
    release_claims(b->st, &b->due, &b->claims);
    if (lock >= 0)
        close(lock);              /* the flock goes with it */
    for (int i = 0; i < b->due.n; i++) {
        sodium_memzero(b->due.v[i].body, strlen(b->due.v[i].body));
        free(b->due.v[i].body);
    }
    free(b->due.v);
    free(b->wait.v);
    free(b->lane_of);
    pthread_mutex_destroy(&b->mu);
    return s;
}

enum gh_status gh_mail_batch_deliver(struct gh_mailer *m, struct gh_store *st,
                                     int64_t now, int limit, struct gh_mail_batch *out)
{
    struct batch b = { .m = m, .st = st, .out = out };
    enum gh_status s = GH_OK;
    pthread_mutex_init(&b.mu, NULL);
    memset(out, 0, sizeof *out);
    out->relay = GH_MAILV_SENT;
    if (limit <= 0)
        limit = GH_MAILER_BATCH;
    int lock = deliverer_lock(m, st, &s);
    if (s != GH_OK || (s = take_over_claims(st)) != GH_OK)
        return finish(&b, s, lock);
    gh_mailer_use_kiosk_name(m, gh_settings_get(st, GH_SETTING_KIOSK_NAME));
    if ((s = read_due(&b, now, limit)) != GH_OK || b.due.n == 0)
        return finish(&b, s, lock);
    /* claimed before anything is sent: nothing sent that we could not mark */
    if ((s = claim_batch(st, &b.due, &b.wait, now, &b.claims, out)) != GH_OK)
        return finish(&b, s, lock);
    b.com = gh_mail_committer_for(m, st);
    return finish(&b, send_all(&b), lock);
}
