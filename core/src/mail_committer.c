/*
 * mail_committer.c: marking the messages the relay accepted as sent, in
 * groups, on a thread of its own (see mail_committer.h).
 *
 * Marking a message sent is a transaction with an fsync and an activity-log
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
 * send.
 */
#include "mail_committer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gatehouse/mail_batch.h"
#include "gatehouse/oplog.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

struct gh_mail_committer {
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
static void gather(struct gh_mail_committer *c)
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
    struct gh_mail_committer *c = arg;
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
    struct gh_mail_committer *c = obj;
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
struct gh_mail_committer *gh_mail_committer_for(struct gh_mailer *m, struct gh_store *st)
{
    const char *path = gh_store_path(st);
    char err[256];
    struct gh_mail_committer *have = gh_mailer_attached(m);
    if (have && path && strcmp(have->path, path) == 0)
        return have;
    gh_mailer_attach(m, NULL, NULL);       /* frees the one for another database */
    if (!path || !*path || strcmp(path, ":memory:") == 0 || strlen(path) >= 1024)
        return NULL;
    struct gh_mail_committer *c = calloc(1, sizeof *c);
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

void gh_mail_committer_add(struct gh_mail_committer *c, int64_t id)
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
enum gh_status gh_mail_committer_drain(struct gh_mail_committer *c, struct gh_store *st,
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

