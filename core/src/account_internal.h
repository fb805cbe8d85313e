/*
 * account_internal.h: what the account files share (account_query.c reads,
 * account.c creates and edits, signup.c and account_state.c build on
 * account.c). Not installed, not for plugins.
 */
#ifndef GATEHOUSE_ACCOUNT_INTERNAL_H
#define GATEHOUSE_ACCOUNT_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/account.h"
#include "gatehouse/event.h"
#include "gatehouse/status.h"

struct gh_store;

/* ---- account_query.c: one account by a key --------------------------- */
/* GH_E_NOTFOUND without a message (the caller says it better). */
enum gh_status gh_account_by_id(struct gh_store *st, int64_t id, struct gh_account *out);
enum gh_status gh_account_by_email_key(struct gh_store *st, const char *key,
                                       struct gh_account *out);
enum gh_status gh_account_by_phone_key(struct gh_store *st, const char *key,
                                       struct gh_account *out);

/* ---- account.c: validated input and the shared steps of a change ----- */
/* An email, name and phone as checked and keyed (phone in E.164). */
struct gh_account_ident {
    char email[GH_EMAIL_MAX + 1], email_key[GH_EMAIL_MAX + 1];
    char name[GH_NAME_BUF], name_key[GH_NAME_BUF];
    char phone[GH_PHONE_BUF], phone_key[GH_PHONE_BUF];
};
/* Validates email (required), name and phone (optional). On failure -1,
 * the sentence in err and *field naming the field. */
int gh_account_check_ident(struct gh_store *st, const char *email, const char *name,
                           const char *phone, struct gh_account_ident *v, char *err,
                           size_t errlen, const char **field);
/* Is the email or phone taken by an account other than `except`? GH_OK
 * with *field NULL when both are free, else *field names the one. */
enum gh_status gh_account_taken(struct gh_store *st, const struct gh_account_ident *v,
                                int64_t except, const char **field);
/* The sentence for an identifier someone else holds, the same whatever the
 * holder is, so the kiosk does not tell a stranger what kind of account an
 * address belongs to. */
const char *gh_account_taken_msg(const char *field);

/* A new row of accounts. */
struct gh_account_row {
    const char *kind, *state, *access;
    int64_t group_id, domain_group;
    unsigned perms;
    const char *req_org, *req_unit;
    int signed_up;
    const char *lang;            /* of their emails; NULL/"": the kiosk's first */
};
enum gh_status gh_account_insert(struct gh_store *st, const struct gh_account_ident *v,
                                 const struct gh_account_row *r, int64_t *id_out);

/* Opens the transaction and loads account `id` for a change logged under
 * `action`; an unknown id is refused and logged. On GH_OK the transaction is
 * open and target names the account; otherwise nothing is left open. */
enum gh_status gh_account_begin(struct gh_store *st, const char *actor, const char *action,
                                int64_t id, struct gh_account *a, char *target, size_t tlen);
/* Raises an event (delivered after commit). */
void gh_account_emit(struct gh_store *st, enum gh_event_kind kind, int64_t id,
                     const char *text);
/* The welcome mail with its setup code (when welcome), and the event of an
 * account that has just become active. Inside the caller's transaction. */
enum gh_status gh_account_became_active(struct gh_store *st, int64_t id, int welcome);

/* staff_admin.c: may this change of staff account a go ahead? losing_admin:
 * its admin permission goes; switching_off: it leaves active. GH_OK, or
 * GH_E_REFUSED with the sentence in why (oneself; the last active admin),
 * or a store error. Inside the caller's transaction. */
enum gh_status gh_staff_admin_guard(struct gh_store *st, const char *actor,
                                    const struct gh_account *a, int losing_admin,
                                    int switching_off, char *why, size_t len);

#endif
