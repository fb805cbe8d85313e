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

#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

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

/* ---- marking accepted messages sent ------------------------------------------ */

/* Marking a message sent is a transaction with an fsync and an activity-log
 * entry: on this hardware several times what the SMTP exchange itself costs
 * the client. So the relay's acceptances go to a committer thread with its
 * own store connection, which marks whatever has gathered in one
 * transaction (group commit) while the sender goes on with the next
 * message; on two cores the marking costs the sender almost nothing.
 *
 * A batch waits for the committer before it returns, so a message is never
 * handed out as due while its mark is still pending (it would be sent
 * twice). A crash can lose the marks of what was accepted but not yet
 * committed, at most GH_MAILER_MARK_GROUP messages plus what arrived during
 * one commit: those go again with the same Message-IDs (at-least-once). The
 * store's write lock is only ever held for the marking, never across a
 * send. */
struct committer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, idle;
    struct gh_store *st;          /* the committer's own connection */
    char path[1024];
    int64_t q[GH_MAILER_MARK_GROUP];
    int n;                        /* queued ids */
    int busy, stop;
    int draining;                 /* a drain waits: commit what there is now */
    int marked;                   /* since the last drain */
    enum gh_status err;           /* first failure since the last drain */
    char errmsg[512];
};

/* A commit costs an fsync whether it marks one message or sixty-four, and
 * the relay accepts a message about as fast as a commit takes: committing
 * whatever is there at once made a group of one or two, an fsync a message.
 * So the committer waits a moment for a fuller group, unless the batch is
 * waiting for it (drain) or it is stopping. Called with c->mu held. */
static void gather(struct committer *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);        /* the condition's clock */
    long ns = until.tv_nsec + GH_MAILER_MARK_GATHER_MS * 1000000L;
    until.tv_sec += ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    while (c->n < GH_MAILER_MARK_GROUP && !c->stop && !c->draining)
        if (pthread_cond_timedwait(&c->work, &c->mu, &until) == ETIMEDOUT)
            break;
}

static void *committer_main(void *arg)
{
    struct committer *c = arg;
    int64_t ids[GH_MAILER_MARK_GROUP];
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->n == 0 && !c->stop)
            pthread_cond_wait(&c->work, &c->mu);
        if (c->n == 0)
            break;                /* stop, and nothing left to mark */
        gather(c);
        int k = c->n;
        memcpy(ids, c->q, (size_t)k * sizeof ids[0]);
        c->n = 0;
        c->busy = 1;
        pthread_cond_broadcast(&c->idle);      /* room in the queue again */
        pthread_mutex_unlock(&c->mu);

        int marked = 0;
        enum gh_status s = gh_store_begin(c->st);
        for (int i = 0; i < k && s == GH_OK; i++) {
            s = gh_outbox_mark_sent(c->st, ids[i]);
            if (s == GH_E_REFUSED) {
                /* already sent or failed: another deliverer (a flush
                 * beside the kiosk) got there first; ours was a duplicate */
                gh_oplog(GH_LOG_INFO, "mail %lld: %s", (long long)ids[i],
                         gh_store_errmsg(c->st));
                s = GH_OK;
                continue;
            }
            marked++;
        }
        if (s == GH_OK)
            s = gh_store_commit(c->st);
        else
            gh_store_rollback(c->st);
        char why[512] = "";
        if (s != GH_OK) {
            /* accepted but not marked: they will go again, same Message-IDs */
            snprintf(why, sizeof why, "%s", gh_store_errmsg(c->st));
            gh_oplog(GH_LOG_ERR, "%d mails accepted by the relay but not marked sent: %s", k,
                     why);
            marked = 0;
        }

        pthread_mutex_lock(&c->mu);
        c->busy = 0;
        c->marked += marked;
        if (s != GH_OK && c->err == GH_OK) {
            c->err = s;
            snprintf(c->errmsg, sizeof c->errmsg, "%s", why);
        }
        pthread_cond_broadcast(&c->idle);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static void committer_free(void *obj)
{
    struct committer *c = obj;
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->work);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    gh_store_close(c->st);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->idle);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* The committer for st's database, started on first use. NULL when it can't
 * be had (no file path, no second connection, no thread): the caller then
 * marks on st itself. */
static struct committer *committer_for(struct gh_mailer *m, struct gh_store *st)
{
    const char *path = gh_store_path(st);
    char err[256];
    struct committer *have = gh_mailer_attached(m);
    if (have && path && strcmp(have->path, path) == 0)
        return have;
    gh_mailer_attach(m, NULL, NULL);       /* frees the one for another database */
    if (!path || !*path || strcmp(path, ":memory:") == 0 || strlen(path) >= 1024)
        return NULL;
    struct committer *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    snprintf(c->path, sizeof c->path, "%s", path);
    if (gh_store_open(path, &c->st, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_WARN, "mail: marking sent on the sending thread: %s", err);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->idle, NULL);
    /* like the mail worker: no signal is ever delivered to this thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&c->thread, NULL, committer_main, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        gh_store_close(c->st);
        pthread_cond_destroy(&c->work);
        pthread_cond_destroy(&c->idle);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    gh_mailer_attach(m, c, committer_free);
    return c;
}

static void committer_add(struct committer *c, int64_t id)
{
    pthread_mutex_lock(&c->mu);
    while (c->n == GH_MAILER_MARK_GROUP)
        pthread_cond_wait(&c->idle, &c->mu);   /* the group is full: wait for a commit */
    c->q[c->n++] = id;
    /* the first starts the committer's gathering, a full group ends it;
     * waking it for every message in between would only cost switches */
    if (c->n == 1 || c->n == GH_MAILER_MARK_GROUP)
        pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
}

/* Waits until everything handed over is committed; adds the count to out
 * and returns the first failure (its text set on st). */
static enum gh_status committer_drain(struct committer *c, struct gh_store *st,
                                      struct gh_mail_batch *out)
{
    pthread_mutex_lock(&c->mu);
    c->draining = 1;
    pthread_cond_signal(&c->work);                /* stop gathering: commit now */
    while (c->n > 0 || c->busy)
        pthread_cond_wait(&c->idle, &c->mu);
    c->draining = 0;
    out->sent += c->marked;
    enum gh_status s = c->err;
    char why[512];
    snprintf(why, sizeof why, "%s", c->errmsg);
    c->marked = 0;
    c->err = GH_OK;
    c->errmsg[0] = '\0';
    pthread_mutex_unlock(&c->mu);
    if (s != GH_OK)
        return gh_store_fail(st, s, "%s", why);
    return GH_OK;
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
    c->claimed = calloc((size_t)due->n, 2);
    int64_t *ids = malloc((size_t)due->n * sizeof *ids);
    int *at = malloc((size_t)due->n * sizeof *at);
    unsigned char *got = malloc((size_t)due->n);
    if (!c->claimed || !ids || !at || !got) {
        s = gh_store_fail(st, GH_E_NOMEM, "out of memory claiming the outbox batch");
        goto out;
    }
    c->used = c->claimed + due->n;
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
    c->claimed = c->used = NULL;
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

struct batch {
    struct gh_mailer *m;
    struct gh_store *st;
    struct gh_mail_batch *out;
    struct due_list due;
    struct wait_list wait;
    struct claims claims;
    struct committer *com;
    char relay_down[512];         /* the relay did not answer: the rest is deferred */
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
        committer_add(b->com, mail->id);
        return GH_OK;
    }
    return mark_here(b->st, mail->id, b->out);
}

/* Deferred; when the relay itself failed, the rest of the batch is too. */
static enum gh_status on_transient(struct batch *b, const struct gh_mail *mail,
                                   const struct gh_mail_result *r)
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
        gh_mailer_disconnect(b->m);
    }
    return GH_OK;
}

/* A relay configuration problem or a cancel: message i and the rest stay
 * queued untouched (no attempt counted, their claims given back). */
static void on_stop(struct batch *b, int i, const struct gh_mail_result *r)
{
    struct gh_mail_batch *out = b->out;
    b->claims.used[i] = 0;
    out->held += b->due.n - i;
    if (r->verdict == GH_MAILV_CANCELLED && strcmp(r->step, "compose") != 0)
        out->tried--;             /* a send cut short tells nothing about the relay */
    if (r->verdict == GH_MAILV_CONFIG) {
        out->relay = GH_MAILV_CONFIG;
        snprintf(out->problem, sizeof out->problem, "%s", r->detail);
        out->problem_code = (long)r->curl_code * 1000 + r->smtp_code;
        gh_mailer_disconnect(b->m);
    }
    out->more = 0;
}

/* Message i of the batch: skipped, deferred without a try, or sent and its
 * outcome recorded. *stop set when the rest of the batch must wait. */
static enum gh_status deliver_one(struct batch *b, int i, int *stop)
{
    struct gh_mail *mail = &b->due.v[i];
    struct gh_mail_result r;
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
    gh_mailer_send(b->m, mail, &r);
    if (strcmp(r.step, "compose") != 0)
        b->out->tried++;          /* the relay was contacted (or tried) */
    switch (r.verdict) {
    case GH_MAILV_SENT:
        return on_sent(b, mail);
    case GH_MAILV_TRANSIENT:
        return on_transient(b, mail, &r);
    case GH_MAILV_PERMANENT: {
        gh_oplog(GH_LOG_WARN, "mail %lld failed: %s", (long long)mail->id, r.detail);
        enum gh_status s = gh_outbox_mark_failed(b->st, mail->id, r.detail);
        if (s == GH_OK)
            b->out->failed++;
        return s;
    }
    case GH_MAILV_CONFIG:
    case GH_MAILV_CANCELLED:
        on_stop(b, i, &r);
        *stop = 1;
        return GH_OK;
    }
    return GH_OK;
}

/* Every mark in, claims not used given back, the lock let go, the bodies
 * (a welcome carries a setup code) wiped. Returns s or the marks' failure. */
static enum gh_status finish(struct batch *b, enum gh_status s, int lock)
{
    if (b->com) {
        /* before anyone asks for due mail again, every mark is in */
        enum gh_status ms = committer_drain(b->com, b->st, b->out);
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
    return s;
}

enum gh_status gh_mail_batch_deliver(struct gh_mailer *m, struct gh_store *st,
                                     int64_t now, int limit, struct gh_mail_batch *out)
{
    struct batch b = { .m = m, .st = st, .out = out };
    enum gh_status s = GH_OK;
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
    b.com = committer_for(m, st);
    int stop = 0;
    for (int i = 0; i < b.due.n && s == GH_OK && !stop; i++)
        s = deliver_one(&b, i, &stop);
    return finish(&b, s, lock);
}
