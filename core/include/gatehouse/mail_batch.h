/*
 * mail_batch.h: one batch of the outbox delivered through a mailer and
 * marked in the store (SPEC "Mail"; the rules in mailer.h). Calls the
 * mailer (mailer.h) and the outbox (outbox.h); neither calls back.
 *
 * A batch holds the delivery lock ("<db>.mail-lock"), gives back claims a
 * killed deliverer left, claims its messages and re-checks them against
 * the database in one write transaction (gh_outbox_claim,
 * gh_outbox_recheck), sends them oldest first keeping order per recipient
 * (a large batch over up to [mail] connections connections at once, each
 * recipient's mail on one of them), and hands each accepted message to a committer thread that marks them
 * sent in groups; it returns only when every mark is in.
 */
#ifndef GATEHOUSE_MAIL_BATCH_H
#define GATEHOUSE_MAIL_BATCH_H
#include <stdint.h>
#include "gatehouse/mailer.h"
#include "gatehouse/status.h"

struct gh_store;

/* Messages taken from the outbox per batch (one claim, one wait for the
 * marks at its end). */
#define GH_MAILER_BATCH 500
/* Accepted messages are marked sent by a committer thread on its own store
 * connection, whatever has gathered in one transaction, at most this many:
 * the sender does not wait for an fsync per message. A crash resends at
 * most those accepted but not yet committed (same Message-IDs). */
#define GH_MAILER_MARK_GROUP 64
/* How long the committer waits for a fuller group before it commits (a
 * batch that ends, or waits for its marks, makes it commit at once). */
#define GH_MAILER_MARK_GATHER_MS 20
/* How long a batch waits for another deliverer's batch to end. */
#define GH_MAILER_LOCK_WAIT_MS 120000

/* What one batch did. */
struct gh_mail_batch {
    int tried;                /* sends attempted (0: the relay was not contacted) */
    int sent, deferred, failed;
    int held;                 /* due, left queued untouched (relay problem, cancel) */
    int waiting;              /* due, left queued behind an earlier message to the
                                 same recipient that is not due yet (order kept) */
    int more;                 /* 1: the batch limit was hit, more may be due */
    int64_t next_due;         /* wall ms when the next queued message that is not
                                 due yet falls due; 0 when none */
    enum gh_mail_verdict relay; /* CONFIG/TRANSIENT when the relay itself failed
                                   (not one message), else SENT */
    char problem[512];        /* the relay problem, "" when the relay worked */
    long problem_code;        /* the same problem, stable across retries:
                                 curl code * 1000 + SMTP reply code */
    int cancelled;            /* due, but no longer true: cancelled, not sent
                                 (gh_outbox_recheck) */
};

/* Delivers up to `limit` (<=0: GH_MAILER_BATCH) messages due at `now` (wall
 * ms), oldest first, over the mailer's connections (gh_mailer_lane; one
 * for fewer than 16 messages), and marks each in st: sent,
 * deferred or failed, writing "mail.sent" / "mail.failed" to the activity
 * log through the outbox functions. Keeps order per recipient: a message is
 * not sent while an earlier queued message to the same address waits for
 * its retry. When the relay cannot be reached at all, every due message of
 * the batch is deferred (each had its try); on a CONFIG problem the batch
 * stops with the messages untouched. Returns GH_OK unless the store failed
 * (detail in gh_store_errmsg(st)). */
enum gh_status gh_mail_batch_deliver(struct gh_mailer *m, struct gh_store *st,
                                     int64_t now, int limit, struct gh_mail_batch *out);

#endif
