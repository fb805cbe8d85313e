/*
 * notices.h: the SPEC's mails about an account (notices.c), queued in the
 * caller's transaction or in their own: the welcome with its setup code, a
 * new setup code, and the sign-up notice to the approvers.
 */
#ifndef GATEHOUSE_NOTICES_H
#define GATEHOUSE_NOTICES_H
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;

/* Issues a new setup code (gh_auth_issue_code, voiding the old one) and
 * queues the welcome email carrying it, in one transaction. */
enum gh_status gh_notice_welcome(struct gh_store *st, int64_t account_id);
/* The same with another template: "setup_code" for "Forgot your PIN?" and
 * staff's "Send a new setup code". Older queued code messages are cancelled. */
enum gh_status gh_notice_setup_code(struct gh_store *st, int64_t account_id, const char *kind);
/* Queues one "signup_notify" email to each active staff account with the
 * approve (or admin) permission, about the pending account. None such: GH_OK. */
enum gh_status gh_notice_approvers(struct gh_store *st, int64_t account_id);

#endif
