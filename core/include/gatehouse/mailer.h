/*
 * mailer.h: delivering the outbox to the central SMTP relay (SPEC "Mail").
 *
 * Two layers:
 *
 *  - struct gh_mailer, the SMTP client (mailer.c): one libcurl easy handle,
 *    reused for every message so that a batch travels over one connection
 *    (and one TLS handshake and one AUTH). It sends the RFC 5322 message
 *    composed from an outbox row (mail_format.h) with gh_mailer_send and
 *    says what the relay's answer means (enum gh_mail_verdict).
 *    gh_mail_batch_deliver (mail_batch.h) runs a batch against the store and
 *    marks each row. Used by `gatehousectl outbox flush` and by the worker
 *    below. One thread at a time, except gh_mailer_cancel.
 *
 *  - the mail worker (mail_worker.c): a background thread of the kiosk with its own store
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

enum gh_mail_verdict {
    GH_MAILV_SENT = 0,        /* the relay accepted it (2xx after DATA) */
    GH_MAILV_TRANSIENT = 1,   /* retry later with backoff */
    GH_MAILV_PERMANENT = 2,   /* will never be accepted: failed */
    GH_MAILV_CONFIG = 3,      /* relay configuration problem: stays queued */
    GH_MAILV_CANCELLED = 4    /* gh_mailer_cancel() during the send: stays queued */
};
const char *gh_mailer_verdict_name(enum gh_mail_verdict v);

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

/* From cfg's [mail] section (copied). cfg->mail_relay "" gives GH_E_CONFIG
 * ("no mail relay configured"); a URL that is not smtp:// or smtps://, or
 * a From that is not an address, likewise. libcurl is loaded on a thread
 * started here, while the caller goes on (reading the store); the first
 * send waits for it, and if libcurl can't be loaded or set up that send
 * (and so the batch) ends with GH_MAILV_CONFIG and the reason, its mail
 * left queued. */
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
/* 1 once gh_mailer_cancel was called (until gh_mailer_reset_cancel). */
int gh_mailer_cancelled(struct gh_mailer *m);
/* The From display name for a kiosk called `kiosk`: a name given in [mail]
 * from wins, then kiosk, then "Gatehouse". */
void gh_mailer_use_kiosk_name(struct gh_mailer *m, const char *kiosk);
/* What a batch keeps with the mailer from one batch to the next (its
 * committer, mail_batch.c): one object, freed with free_fn by the next
 * attach of another object or by gh_mailer_free. */
void gh_mailer_attach(struct gh_mailer *m, void *obj, void (*free_fn)(void *));
void *gh_mailer_attached(const struct gh_mailer *m);
/* Closes m's connection (it is otherwise kept open between sends); not its
 * lanes', which may be in use on other threads. */
void gh_mailer_disconnect(struct gh_mailer *m);
/* [mail] connections when m was made (1-4): how many connections to the
 * relay a batch may use at once (mail_batch.h). */
int gh_mailer_connections(const struct gh_mailer *m);
/* Connection k of m (0: m itself; 1..gh_mailer_connections(m)-1: a mailer of
 * its own, made on first use, freed and disconnected with m, cancelled by
 * m's cancel). NULL when k is out of range or there is no memory. Each lane
 * is used by one thread at a time. */
struct gh_mailer *gh_mailer_lane(struct gh_mailer *m, int k);

/* Sends one message and classifies the outcome; does not touch the store. */
enum gh_mail_verdict gh_mailer_send(struct gh_mailer *m, const struct gh_mail *mail,
                                    struct gh_mail_result *res);

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
