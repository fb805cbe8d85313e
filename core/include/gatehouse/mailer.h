/*
 * mailer.h: delivering the outbox to the central SMTP relay (SPEC "Mail").
 *
 * Two layers:
 *
 *  - struct gh_mailer, the SMTP client: one libcurl easy handle, reused for
 *    every message so that a batch travels over one connection (and one TLS
 *    handshake and one AUTH). It composes the RFC 5322 message from an
 *    outbox row (gh_mail_format), sends it (gh_mailer_send) and says what the
 *    relay's answer means (enum gh_mail_verdict). gh_mailer_deliver_due runs
 *    a batch against the store and marks each row. Used by `gatehousectl
 *    outbox flush` and by the worker below. One thread at a time, except
 *    gh_mailer_cancel.
 *
 *  - the mail worker: a background thread of the kiosk with its own store
 *    connection, so that delivery never blocks the screen. It wakes at once
 *    on gh_mail_worker_kick() (the kiosk calls it on GH_EVENT_MAIL_QUEUED),
 *    polls the outbox on a timer for mail queued by other processes and for
 *    retries that fall due, and keeps a "current relay problem" sentence for
 *    the staff screen. It never calls back into the kiosk from its thread:
 *    events for the kiosk's plugins are collected and handed over on the
 *    kiosk's own thread by gh_mail_worker_take_events().
 *
 * What a relay's answer means (classified by the SMTP reply code libcurl
 * reports in CURLINFO_RESPONSE_CODE, and by the step it answered):
 *   2xx after DATA                       -> SENT (only then marked sent)
 *   4xx, no connection, time-out         -> TRANSIENT: gh_outbox_mark_deferred
 *   5xx to RCPT or DATA, bad recipient   -> PERMANENT: gh_outbox_mark_failed
 *   AUTH refused, TLS/certificate error,
 *   bad relay URL, 5xx to MAIL FROM or
 *   to the greeting/EHLO/STARTTLS step   -> CONFIG: the relay is misconfigured
 *     for every message alike, so the batch stops and the messages stay
 *     queued untouched (no attempt counted, their 72 h budget not spent);
 *     the problem is logged once per change and shown to staff.
 * One deliverer at a time per database: a batch holds a flock on
 * "<db>.mail-lock" (a second deliverer's batch waits for it, at most
 * GH_MAILER_LOCK_WAIT_MS, then returns GH_E_TRANSIENT having sent nothing). The batch is claimed in one write transaction before its
 * first send (gh_outbox_claim): a deliverer that can't write (the database
 * write-locked) sends nothing, since it could not mark what it sent. Claims
 * a deliverer killed mid-batch left behind are given back by the next batch.
 * Delivery is at-least-once: a crash between the relay's 250 and marking the
 * row sends the message again, with the same Message-ID. Marks are
 * committed in groups on a second connection while the next message is
 * sent (GH_MAILER_MARK_GROUP), and a batch returns only when they are all
 * in; the store's write lock is never held across a send.
 */
#ifndef GATEHOUSE_MAILER_H
#define GATEHOUSE_MAILER_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/event.h"

struct gh_config;
struct gh_store;
struct gh_mail;
struct gh_mailer;

/* Messages taken from the outbox per batch (one connection, one claim, one
 * wait for the marks at its end). */
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

enum gh_mail_verdict {
    GH_MAILV_SENT = 0,        /* the relay accepted it (2xx after DATA) */
    GH_MAILV_TRANSIENT = 1,   /* retry later with backoff */
    GH_MAILV_PERMANENT = 2,   /* will never be accepted: failed */
    GH_MAILV_CONFIG = 3,      /* relay configuration problem: stays queued */
    GH_MAILV_CANCELLED = 4    /* gh_mailer_cancel() during the send: stays queued */
};
const char *gh_mail_verdict_name(enum gh_mail_verdict v);

/* What one send did. */
struct gh_mail_result {
    enum gh_mail_verdict verdict;
    int curl_code;            /* CURLcode, 0 on success */
    long smtp_code;           /* last SMTP reply code, 0 when none */
    char step[16];            /* "connect", "starttls", "auth", "mail", "rcpt", "data" */
    int relay;                /* 1: the relay itself failed (unreachable, config),
                                 not this message: the rest of a batch would too */
    char detail[512];         /* a sentence for logs and last_error */
};

/* ---- the SMTP client ------------------------------------------------------ */

/* From cfg's [mail] section. cfg->mail_relay "" gives GH_E_CONFIG ("no mail
 * relay configured"); a URL that is not smtp:// or smtps:// likewise. */
enum gh_status gh_mailer_new(const struct gh_config *cfg, struct gh_mailer **out,
                             char *err, size_t errlen);
void gh_mailer_free(struct gh_mailer *m);
/* The From display name (the kiosk_name setting). Copied. */
void gh_mailer_set_from_name(struct gh_mailer *m, const char *name);
/* Makes the send in progress (if any) and the rest of the batch stop soon,
 * with GH_MAILV_CANCELLED. Safe from any thread. gh_mailer_reset_cancel
 * clears it. */
void gh_mailer_cancel(struct gh_mailer *m);
void gh_mailer_reset_cancel(struct gh_mailer *m);
/* Closes the connection (it is otherwise kept open between sends). */
void gh_mailer_disconnect(struct gh_mailer *m);

/* Sends one message and classifies the outcome; does not touch the store. */
enum gh_mail_verdict gh_mailer_send(struct gh_mailer *m, const struct gh_mail *mail,
                                    struct gh_mail_result *res);

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
 * ms), oldest first, over one connection, and marks each in st: sent,
 * deferred or failed, writing "mail.sent" / "mail.failed" to the activity
 * log through the outbox functions. Keeps order per recipient: a message is
 * not sent while an earlier queued message to the same address waits for
 * its retry. When the relay cannot be reached at all, every due message of
 * the batch is deferred (each had its try); on a CONFIG problem the batch
 * stops with the messages untouched. Returns GH_OK unless the store failed
 * (detail in gh_store_errmsg(st)). */
enum gh_status gh_mailer_deliver_due(struct gh_mailer *m, struct gh_store *st,
                                     int64_t now, int limit, struct gh_mail_batch *out);

/* ---- the message ---------------------------------------------------------- */

/* Composes the RFC 5322 message (CRLF line ends, no dot-stuffing: libcurl
 * does that): Date (date_ms, UTC), From ("from_name" <from_addr>), To,
 * Subject, Message-ID (mail->message_id), MIME-Version, Content-Type
 * text/plain; charset=UTF-8, Content-Transfer-Encoding: quoted-printable
 * (7-bit safe: no need for the relay to offer 8BITMIME), Auto-Submitted.
 * Display names and subject: RFC 2047 encoded-words (UTF-8, base64, at most
 * 75 characters each, split on character boundaries) when not plain ASCII;
 * control characters (CR and LF included) are replaced by spaces, never
 * copied into a header. An address that is not a plain addr-spec is refused
 * (GH_E_INVALID). *out is malloc'd and NUL-terminated. */
enum gh_status gh_mail_format(const struct gh_mail *mail, const char *from_name,
                              const char *from_addr, int64_t date_ms,
                              char **out, size_t *outlen, char *err, size_t errlen);
/* 1 if addr is a plain addr-spec we put in an envelope and a header: one
 * '@', no spaces, no control characters, no <>(),;:\" and <= 254 bytes. */
int gh_mail_addr_ok(const char *addr);

/* ---- the background worker (one per process) ------------------------------ */

/* Opens its own store connection on cfg->store_path, then starts the thread.
 * With no relay configured ([mail] relay empty) no thread is started, GH_OK
 * is returned and gh_mail_worker_problem says mail is off. */
enum gh_status gh_mail_worker_start(const struct gh_config *cfg, char *err, size_t errlen);
/* New mail was queued (or staff asked to retry): deliver now. Cheap, any thread. */
void gh_mail_worker_kick(void);
/* Cancels a send in progress, joins the thread, closes its store. Safe to
 * call when not started, and twice. */
void gh_mail_worker_stop(void);
/* Copies the current relay problem ("" when none) into buf; returns 1 when
 * there is one. Any thread. */
int gh_mail_worker_problem(char *buf, size_t len);
/* The replies mailbox's problem ([mail] imap: login, TLS, unreachable), the
 * same way; mail still goes out meanwhile. */
int gh_mail_worker_inbox_problem(char *buf, size_t len);
/* The kiosk may register a wake-up (e.g. one that pushes an SDL user event)
 * called from the worker thread whenever events are waiting; it must not
 * block and must not call into the store. */
void gh_mail_worker_set_wakeup(void (*fn)(void *ud), void *ud);
/* On the kiosk's thread: hands the events collected by the worker
 * (GH_EVENT_MAIL_PROBLEM with the problem text, "" when it cleared) to fn,
 * oldest first. Returns how many. */
int gh_mail_worker_take_events(gh_event_fn fn, void *ud);

struct gh_mail_worker_stats {
    int64_t batches, sent, deferred, failed;
    int running;
};
void gh_mail_worker_stats(struct gh_mail_worker_stats *out);

#endif
