/*
 * account.h: occupants and staff, their identifiers and every state change
 * of SPEC "Accounts and identifiers" and "Occupant states".
 *
 * Each function validates its input, does its work in one transaction, logs
 * what it did or refused (audit.h) with the given actor, queues the mails the
 * SPEC asks for (outbox.h), and emits events after commit. A refusal returns
 * a status and leaves a sentence in gh_store_errmsg() that names the field or
 * the rule; nothing in the database changes on a refusal except the log.
 *
 * Actors are short strings for the log: "cli", "kiosk", "import",
 * "staff:<id>" (gh_account_actor builds that), "occupant:<id>": by id only,
 * so removing a person leaves no name or email in the hash-chained log
 * (issue 16; `log` looks them up when it shows the entry, gh_audit_show).
 * Entries written before that change read "staff:<id>:<email>".
 */
#ifndef GATEHOUSE_ACCOUNT_H
#define GATEHOUSE_ACCOUNT_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;

#define GH_EMAIL_MAX 254
#define GH_NAME_MAX_CHARS 100
#define GH_NAME_BUF 404          /* 100 UTF-8 characters + NUL */
#define GH_PHONE_BUF 64
#define GH_REQ_BUF 404           /* organisation / unit request text */

enum gh_kind { GH_KIND_OCCUPANT = 0, GH_KIND_STAFF = 1 };
enum gh_state {
    GH_STATE_ACTIVE = 0, GH_STATE_PENDING = 1,
    GH_STATE_INACTIVE = 2, GH_STATE_BLOCKED = 3,
    GH_STATE_REMOVED = 4          /* removed (issue 16): personal details erased */
};
enum gh_access {
    GH_ACCESS_NONE = 0, GH_ACCESS_ALL = 1,
    GH_ACCESS_GROUP = 2, GH_ACCESS_SPECIFIC = 3
};

/* Staff permissions (bits); admin implies all. */
#define GH_PERM_APPROVE     0x01u
#define GH_PERM_MANAGE      0x02u
#define GH_PERM_OPEN_COMMON 0x04u
#define GH_PERM_OPEN_VACANT 0x08u
#define GH_PERM_OPEN_SHARED 0x10u
#define GH_PERM_ADMIN       0x20u
#define GH_PERM_REQUESTS    0x40u   /* see, answer and resolve requests */

struct gh_account {
    int64_t id;
    enum gh_kind kind;
    enum gh_state state;
    enum gh_access access;
    int64_t group_id;              /* 0 = none */
    char group_name[GH_NAME_BUF];
    char email[GH_EMAIL_MAX + 1];
    char name[GH_NAME_BUF];
    char phone[GH_PHONE_BUF];      /* E.164 ("+447700900123"), "" = none */
    unsigned perms;                /* staff */
    int has_pin;
    char req_org[GH_REQ_BUF];      /* sign-up request */
    char req_unit[GH_REQ_BUF];
    int64_t domain_group_id;       /* joined by email domain at sign-up */
    int64_t created_at, updated_at, signed_up_at, last_seen_at;
    int64_t locked_until;
};

/* ---- names of enum values, and parsing ------------------------------- */
const char *gh_state_name(enum gh_state s);           /* "active" ... */
int gh_state_parse(const char *s, enum gh_state *out); /* 0 ok, -1 bad */
const char *gh_access_name(enum gh_access a);
const char *gh_kind_name(enum gh_kind k);
int gh_access_parse(const char *s, enum gh_access *out); /* 0 ok, -1 bad */
int gh_kind_parse(const char *s, enum gh_kind *out);     /* 0 ok, -1 bad */
/* "approve,manage" <-> bits; unknown name: -1 and err names it */
int gh_perms_parse(const char *list, unsigned *out, char *err, size_t errlen);
void gh_perms_format(unsigned perms, char *buf, size_t len);
int gh_perms_has(unsigned perms, unsigned need);        /* admin implies all */

/* ---- identifiers (SPEC rules; messages name the field) -------------- */
/* 0 if valid, else -1 with a sentence in err ("email: ..."). */
int gh_ident_check_email(const char *email, char *err, size_t errlen);
int gh_ident_check_name(const char *name, char *err, size_t errlen);
/* Checks a phone number as typed (digits, spaces, dots, dashes, brackets,
 * a leading +; 7..15 digits) and copies its '+' and digits into out. No
 * country rules: a syntax check for forms. */
int gh_ident_normalize_phone(const char *phone, char *out, size_t outlen,
                             char *err, size_t errlen);
/* The E.164 form of a phone number ("+447700900123") for a site whose
 * calling code is country (the phone_country setting, 1-3 digits; NULL or
 * anything else reads as "1"): "+..." as given; "00..." (and "011..." for
 * 1) international; "0..." national, trunk 0 dropped; digits beginning with
 * the calling code taken as international; other digits national. This is
 * the stored form and the key of every lookup, search and uniqueness check.
 * "" for no phone; -1 with a sentence in err when invalid. */
int gh_ident_phone_e164(const char *phone, const char *country, char *out, size_t outlen,
                        char *err, size_t errlen);
void gh_ident_email_key(const char *email, char *out, size_t outlen);
/* Copies s without the spaces at either end (a kiosk keyboard makes them
 * easily): the one trim rule of every form. NULL gives "". out may be s
 * itself. -1 (and "") if it does not fit in len. */
int gh_ident_trim(const char *s, char *out, size_t len);
/* "a…@example.com": for showing an address on a public screen */
void gh_ident_mask_email(const char *email, char *out, size_t outlen);
/* A group's sign-up domain ("example.com"): 0 or -1 with err "domain: ...". */
int gh_ident_check_domain(const char *domain, char *err, size_t errlen);
/* Free text such as a sign-up's organisation or unit: valid UTF-8, at most
 * max_chars characters, no control characters; err names `field`. */
int gh_ident_check_text(const char *field, const char *text, size_t max_chars,
                        char *err, size_t errlen);

/* ---- lookup (account_query.c) ------------------------------------------ */
/* WHO: an email (any case), a phone (any format) or a numeric id. */
enum gh_status gh_account_find(struct gh_store *st, const char *who,
                               struct gh_account *out);
enum gh_status gh_account_get(struct gh_store *st, int64_t id,
                              struct gh_account *out);
void gh_account_actor(const struct gh_account *a, char *buf, size_t len);

struct gh_account_query {
    int kind;               /* -1 any, else enum gh_kind */
    int state;              /* -1 any, else enum gh_state */
    const char *prefix;     /* NULL/"": all; else prefix of name, email or phone,
                               case-insensitive, served by indexes */
    int64_t group_id;       /* 0: any */
    int oldest_first;       /* by sign-up time (the approval queue) */
    int limit;              /* 0: no limit */
    int offset;
};
typedef int (*gh_account_fn)(void *ud, const struct gh_account *a); /* !0 stops */
enum gh_status gh_account_list(struct gh_store *st, const struct gh_account_query *q,
                               gh_account_fn fn, void *ud);
enum gh_status gh_account_count(struct gh_store *st, const struct gh_account_query *q,
                                int64_t *out);
/* The EXPLAIN QUERY PLAN of the query gh_account_list runs for q, one step a
 * line ("SEARCH accounts USING INDEX ..."), so a test can check that a
 * search is served by indexes. */
enum gh_status gh_account_search_plan(struct gh_store *st, const struct gh_account_query *q,
                                      char *buf, size_t len);

/* ---- the staff search screen (occupants plugin) ------------------------ */
/* Up to q->limit (default 50) accounts matching q->prefix: name matches by
 * name, then email matches by email, then phone matches by phone, each
 * account once. Every step is an index range walk of at most cap+1 rows
 * (cap < 1: 1000), so the cost follows cap, not the number of accounts.
 * *total: how many match, exact up to cap; cap + 1 means "more than cap".
 * Without a prefix: everyone of q->kind and q->state by name, *total exact
 * (one index walk over them all; total NULL skips it).
 * q->group_id, oldest_first and offset are not used. */
enum gh_status gh_account_search(struct gh_store *st, const struct gh_account_query *q,
                                 int cap, gh_account_fn fn, void *ud, int64_t *total);
/* The EXPLAIN QUERY PLAN of gh_account_search's walks for q, a step a line. */
enum gh_status gh_account_search_plans(struct gh_store *st, const struct gh_account_query *q,
                                       char *buf, size_t len);
/* The names of an occupant's specific locations (access "specific"), by name. */
enum gh_status gh_account_locations(struct gh_store *st, int64_t id,
                                    int (*fn)(void *ud, const char *name), void *ud);
/* Records activity (log-in, unlock) for "last activity". */
void gh_account_touch(struct gh_store *st, int64_t id);

/* ---- creation (account.c) ---------------------------------------------- */
struct gh_account_new {
    const char *email;          /* required */
    const char *name;           /* optional */
    const char *phone;          /* optional */
    enum gh_access access;      /* occupants: ALL, GROUP, SPECIFIC (NONE ok) */
    const char *group;          /* for GH_ACCESS_GROUP: group name */
    const char *const *locations; /* for GH_ACCESS_SPECIFIC: names */
    int n_locations;
    int no_welcome;             /* import --no-welcome */
};
/* Staff-created occupant: active at once, welcome email queued. */
enum gh_status gh_occupant_create(struct gh_store *st, const char *actor,
                                  const struct gh_account_new *in, int64_t *id_out);
/* Staff account with a PIN (4-8 digits) and permissions. */
enum gh_status gh_staff_create(struct gh_store *st, const char *actor,
                               const struct gh_account_new *in, const char *pin,
                               unsigned perms, int64_t *id_out);

/* The same with the language of the person's emails (migration 0015): a
 * code of [kiosk] languages, or NULL/"" for the kiosk's first language.
 * A language the kiosk can't write mail in is refused (GH_E_INVALID, "lang:
 * ..." naming the languages). gh_occupant_create and gh_staff_create store
 * none. */
enum gh_status gh_occupant_create_lang(struct gh_store *st, const char *actor,
                                       const struct gh_account_new *in, const char *lang,
                                       int64_t *id_out);
enum gh_status gh_staff_create_lang(struct gh_store *st, const char *actor,
                                    const struct gh_account_new *in, const char *pin,
                                    unsigned perms, const char *lang, int64_t *id_out);

/* ---- self sign-up, signup.c (SPEC "Occupant states", "What a self sign-up may ask for") */
struct gh_signup {
    const char *email, *name, *phone;
    const char *org, *unit;     /* the request shown to the approver */
};
enum gh_signup_outcome {
    GH_SIGNUP_PENDING = 0,      /* new account, waiting for approval */
    GH_SIGNUP_ACTIVE = 1,       /* new account, active, welcome queued */
    GH_SIGNUP_REACTIVATED_PENDING = 2,
    GH_SIGNUP_REACTIVATED_ACTIVE = 3
};
struct gh_signup_result {
    enum gh_signup_outcome outcome;
    int64_t account_id;
    int64_t joined_group_id;    /* email-domain auto-join, 0 if none */
    char field[16];             /* on GH_E_INVALID/GH_E_EXISTS: "email", "phone", "name", ... */
};
/* Refusals: GH_E_REFUSED (self sign-up off; blocked: the neutral message),
 * GH_E_EXISTS (email/phone of an active, pending or staff account; field set),
 * GH_E_INVALID (field set). Message in gh_store_errmsg, fit for the screen. */
enum gh_status gh_occupant_signup(struct gh_store *st, const char *actor,
                                  const struct gh_signup *in,
                                  struct gh_signup_result *out);
/* The same, storing lang (as gh_occupant_create_lang) as the language of
 * the person's emails; a sign-up again replaces it. gh_occupant_signup
 * stores none (or keeps the one an account coming back has). */
enum gh_status gh_occupant_signup_lang(struct gh_store *st, const char *actor,
                                       const struct gh_signup *in, const char *lang,
                                       struct gh_signup_result *out);

/* ---- state changes (account_state.c) ------------------------------------ */
enum gh_status gh_occupant_approve(struct gh_store *st, const char *actor, int64_t id);
enum gh_status gh_occupant_reject(struct gh_store *st, const char *actor, int64_t id);
/* active | inactive | blocked, with the SPEC's allowed transitions
 * (blocked -> active is "unblock"; pending -> blocked allowed). */
enum gh_status gh_occupant_set_state(struct gh_store *st, const char *actor,
                                     int64_t id, enum gh_state to);

/* ---- removing a person (account_remove.c) ----------------------------- */
/* Removes an occupant: vacates the units they rent, voids their PIN, setup
 * code and door code, cancels mail queued to or about them, and erases
 * their name, email, phone and sign-up details everywhere but the log
 * entries written before. The row stays as "removed occupant #N" (state
 * GH_STATE_REMOVED): it can never log in, open a door or be changed, and
 * its email and phone are free for a new account. Refused for staff and
 * for someone already removed (GH_E_REFUSED); GH_E_CONFIRM, naming the
 * units, when they rent units and force is 0. Logged by id only. */
enum gh_status gh_occupant_remove(struct gh_store *st, const char *actor, int64_t id,
                                  int force);

/* ---- access and details (account.c) ------------------------------------- */
/* Access: ALL, GROUP (group name), SPECIFIC (location names) or NONE. */
enum gh_status gh_occupant_set_access(struct gh_store *st, const char *actor,
                                      int64_t id, enum gh_access access,
                                      const char *group,
                                      const char *const *locations, int n);
/* Name and phone; NULL leaves a field as it is, "" clears it. */
enum gh_status gh_account_update(struct gh_store *st, const char *actor, int64_t id,
                                 const char *name, const char *phone);
/* New setup code (old one voided) and a welcome email; active accounts only. */
enum gh_status gh_account_resend_welcome(struct gh_store *st, const char *actor,
                                         int64_t id);
/* A new email address for an account (the person changed it): validated,
 * unique across all accounts (GH_E_EXISTS), logged with old and new. */
enum gh_status gh_account_set_email(struct gh_store *st, const char *actor, int64_t id,
                                    const char *email);

/* ---- the language of a person's emails (account_lang.c, migration 0015) */
/* The stored code ("es"), "" when none (the kiosk's first language). */
enum gh_status gh_account_lang(struct gh_store *st, int64_t id, char *buf, size_t len);
/* The language their emails are composed in: the stored one if the kiosk
 * still offers it, else the kiosk's first (also for id 0 or an error). */
const char *gh_account_mail_lang(struct gh_store *st, int64_t id, char *buf, size_t len);
/* Staff change it (account_lang_set.c); NULL or "" = the kiosk's first
 * language. Refused (GH_E_INVALID, "lang: ...") for a language the kiosk
 * can't write mail in. Logged with before and after. */
enum gh_status gh_account_set_lang(struct gh_store *st, const char *actor, int64_t id,
                                   const char *lang);

/* ---- staff accounts and lock-outs (staff_admin.c) ----------------------- */
/* New permissions for a staff account, logged with before and after.
 * Refused (GH_E_REFUSED, sentence on the handle, logged): an occupant;
 * the acting admin (actor "staff:<id>") removing their own admin; the
 * last active admin losing admin. The same guard refuses switching off
 * oneself or the last active admin (gh_occupant_set_state). */
enum gh_status gh_staff_set_perms(struct gh_store *st, const char *actor, int64_t id,
                                  unsigned perms);
/* Ends a kiosk lock-out now (and forgets the failed attempts), logged;
 * GH_E_REFUSED when the account is not locked out. */
enum gh_status gh_account_clear_lockout(struct gh_store *st, const char *actor, int64_t id);

/* "Let them set a PIN now" (desk.c): the person, handed the kiosk by staff
 * (actor), sets their PIN (the kiosk's quality rule) and gets a door code
 * in code_out (n >= 13; "" when they may open no door). Active accounts
 * only. Logged as auth.pin and auth.desk_setup with the staff actor. */
enum gh_status gh_auth_desk_setup(struct gh_store *st, const char *actor, int64_t id,
                                  const char *pin, char *code_out, size_t n);

/* ---- staff to tell ------------------------------------------------------ */
/* The active staff accounts holding any of perms, by id (staff_list.c):
 * whom to mail about a sign-up or a security event. *out is malloc'd (free
 * it); *n may be 0. */
struct gh_staff_ref {
    int64_t id;
    char email[GH_EMAIL_MAX + 1];
    char name[GH_NAME_BUF];
};
enum gh_status gh_staff_with_perms(struct gh_store *st, unsigned perms,
                                   struct gh_staff_ref **out, size_t *n);

#endif
