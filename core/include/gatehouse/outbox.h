/*
 * outbox.h: mail waiting for the relay (SPEC "Mail"). The core composes
 * messages from the templates in assets/mail/ (embedded at build time) and
 * queues them in the same transaction as the change that caused them; the
 * mailer (mailer.h) delivers them. State: queued -> sent | failed |
 * cancelled (no longer true when its turn came: see gh_outbox_recheck).
 */
#ifndef GATEHOUSE_OUTBOX_H
#define GATEHOUSE_OUTBOX_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;

enum gh_mail_state { GH_MAIL_QUEUED = 0, GH_MAIL_SENT = 1, GH_MAIL_FAILED = 2,
                     GH_MAIL_CANCELLED = 3 };

struct gh_mail {
    int64_t id;
    int64_t created_at;
    char kind[32];               /* "welcome", "signup_notify" */
    int64_t account_id;
    char to_addr[256];
    char to_name[404];
    char subject[512];
    char *body;                  /* owned; free with gh_mail_clear */
    char message_id[128];        /* "<...@host>", fixed at queue time */
    enum gh_mail_state state;
    int attempts;
    int64_t next_attempt_at, first_fail_at, sent_at;
    char last_error[512];
};
void gh_mail_clear(struct gh_mail *m);
const char *gh_mail_state_name(enum gh_mail_state s);

/* Composes from template `kind` ("welcome.txt": first line "Subject: ...",
 * a blank line, then the body; {{name}}, {{code}}, {{kiosk}}, {{email}},
 * {{org}}, {{unit}} are replaced) and queues. vars: NULL-terminated
 * key,value,key,value,...
 * The subject and each paragraph of the body go through the catalogue of
 * language lang (gh_outbox_compose_in; NULL, "" or a language the kiosk
 * does not offer: its first language), whatever language the calling
 * thread shows. gh_outbox_compose writes in the kiosk's first language:
 * mail to staff, the digest. Values are used as given: a caller with
 * words among them picks them in the same language (gh_i18n_push). */
enum gh_status gh_outbox_compose(struct gh_store *st, const char *kind, int64_t account_id,
                                 const char *to_addr, const char *to_name,
                                 const char *const *vars, int64_t *id_out);
enum gh_status gh_outbox_compose_in(struct gh_store *st, const char *lang, const char *kind,
                                    int64_t account_id, const char *to_addr,
                                    const char *to_name, const char *const *vars,
                                    int64_t *id_out);

typedef int (*gh_mail_fn)(void *ud, const struct gh_mail *m);
/* state -1: all. Newest first. */
enum gh_status gh_outbox_list(struct gh_store *st, int state, gh_mail_fn fn, void *ud);
enum gh_status gh_outbox_get(struct gh_store *st, int64_t id, struct gh_mail *out);
/* Queued messages due at `now`, oldest first (keeps order per recipient). */
enum gh_status gh_outbox_due(struct gh_store *st, int64_t now, int limit,
                             gh_mail_fn fn, void *ud);
/* Earliest next_attempt_at of a queued message, or 0 if none. */
int64_t gh_outbox_next_due(struct gh_store *st);
/* Claims messages for the one deliverer (see mailer.h) before anything is
 * sent, in one write transaction: each of ids[0..n) that is still queued and
 * due at `now` gets next_attempt_at = GH_OUTBOX_CLAIMED + its due time, so
 * it is no longer due, and claimed[i] = 1. A deliverer that can't have the
 * write lock (the database busy past the busy time-out) gets an error and
 * must send nothing: what it could not mark it would send again. A claim
 * ends with mark_sent, mark_deferred or mark_failed, or gh_outbox_unclaim;
 * one left by a deliverer that died is given back by gh_outbox_unclaim_all. */
#define GH_OUTBOX_CLAIMED INT64_C(1000000000000000)   /* the year 33658 in ms */
enum gh_status gh_outbox_claim(struct gh_store *st, const int64_t *ids, int n, int64_t now,
                               unsigned char *claimed);
/* Gives back a claim that was not used: due again as before. */
enum gh_status gh_outbox_unclaim(struct gh_store *st, int64_t id);
/* Gives back every claim (*n_out of them); only for the deliverer that holds
 * the delivery lock, when a claim can only be a dead deliverer's. */
enum gh_status gh_outbox_unclaim_all(struct gh_store *st, int *n_out);
enum gh_status gh_outbox_mark_sent(struct gh_store *st, int64_t id);
/* Transient failure: attempts++, next attempt by backoff (1 min doubling,
 * cap 1 h, jitter); after 72 h of failures -> failed. Logged. */
enum gh_status gh_outbox_mark_deferred(struct gh_store *st, int64_t id, const char *why);
enum gh_status gh_outbox_mark_failed(struct gh_store *st, int64_t id, const char *why);
/* Queued -> cancelled with the reason (in last_error), the secret cleared,
 * logged "mail.cancelled". A cancelled message is never sent. */
enum gh_status gh_outbox_cancel(struct gh_store *st, const char *actor, int64_t id,
                                const char *why);
/* Cancels every queued setup-code message (welcome, setup_code) of an
 * account: a new code is about to replace theirs. */
enum gh_status gh_outbox_cancel_codes(struct gh_store *st, int64_t account_id, const char *why);
/* Checks a queued message against the database as it is now; if what it
 * says is no longer true (its setup code replaced, voided or used, its
 * account no longer active; for a sign-up notice, the sign-up no longer
 * pending), cancels it with the reason and sets *cancelled. Call inside the
 * transaction that claims the message for sending. */
enum gh_status gh_outbox_recheck(struct gh_store *st, const struct gh_mail *m, int *cancelled);
/* Makes a failed or deferred message due now. */
enum gh_status gh_outbox_retry(struct gh_store *st, const char *actor, int64_t id);
int64_t gh_outbox_count(struct gh_store *st, int state);

#endif
