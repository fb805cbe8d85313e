/*
 * request.h: requests (SPEC "Requests"; seed 000): occupants ask the
 * building for something, staff answer, the thread goes on by kiosk,
 * gatehousectl or email.
 *
 * A request has a number, the occupant who filed it, a location (0:
 * "General", the building as a whole), a subject (<= 120 characters), a text
 * (<= 2,000) and a state: open -> answered (staff replied) -> resolved
 * (closed by staff or by the person who filed it), reopened by that person
 * within 14 days of being resolved.
 *
 * Who may file: active occupants, for "General" or a location inside their
 * location access; pending occupants only "General"; inactive and blocked
 * occupants not at all. Who may see: an occupant sees their own requests and
 * those of every member of their live (not archived) group; a pending
 * occupant sees none; staff with `requests` (or `admin`) see all.
 *
 * `who` in every function below is the account acting, and 0 means the
 * building itself (gatehousectl without --as): it sees all and answers as
 * staff. A request that `who` may not see is GH_E_NOTFOUND, so its
 * existence is not revealed. Every change is one transaction, logged, and
 * queues the notifications the SPEC asks for (request_mail.c).
 */
#ifndef GATEHOUSE_REQUEST_H
#define GATEHOUSE_REQUEST_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_store;

#define GH_REQUEST_SUBJECT_MAX 120           /* characters */
#define GH_REQUEST_TEXT_MAX 2000             /* characters */
#define GH_REQUEST_SUBJECT_BUF (GH_REQUEST_SUBJECT_MAX * 4 + 1)
#define GH_REQUEST_TEXT_BUF (GH_REQUEST_TEXT_MAX * 4 + 1)
#define GH_REQUEST_REOPEN_DAYS 14

enum gh_request_state {
    GH_REQUEST_OPEN = 0, GH_REQUEST_ANSWERED = 1, GH_REQUEST_RESOLVED = 2
};
const char *gh_request_state_name(enum gh_request_state s);     /* "open" ... */
int gh_request_state_parse(const char *s, enum gh_request_state *out); /* 0 ok, -1 bad */

struct gh_request {
    int64_t id;
    int64_t account_id;                      /* who filed it */
    char filer[GH_NAME_BUF];                 /* their name, else their email */
    char filer_email[GH_EMAIL_MAX + 1];
    int64_t location_id;                     /* 0: General */
    char location[GH_NAME_BUF];              /* "" for General */
    char subject[GH_REQUEST_SUBJECT_BUF];
    char text[GH_REQUEST_TEXT_BUF];
    enum gh_request_state state;
    int64_t created_at, updated_at, resolved_at;
    int64_t replies;                         /* how many in the thread */
    int64_t last_at;                         /* the last reply's time, 0: none */
    char last_by[GH_NAME_BUF];               /* its author ("" the building) */
    int last_by_staff;                       /* by staff or the building */
    char last_text[GH_REQUEST_TEXT_BUF];
};

struct gh_request_entry {
    int64_t id, request_id;
    int64_t author_id;                       /* 0: the building (gatehousectl) */
    char author[GH_NAME_BUF];                /* name, else email; "" the building */
    int by_staff;                            /* staff account or the building */
    int64_t at;
    char via[8];                             /* "kiosk", "cli", "email" */
    char text[GH_REQUEST_TEXT_BUF];
};

struct gh_request_new {
    const char *location;                    /* NULL, "" or "General": General */
    const char *subject;
    const char *text;
};

/* Files a request as account `who` (an occupant; see the rules above), and
 * notifies every staff member with `requests`. Refusals name the field or
 * the rule. */
enum gh_status gh_request_add(struct gh_store *st, const char *actor, int64_t who,
                              const struct gh_request_new *in, int64_t *id_out);

struct gh_request_query {
    int64_t who;                 /* 0: all; else what this account may see */
    int state;                   /* -1 any, else enum gh_request_state */
    const char *location;        /* NULL any, "General", or a location's name */
    int queue;                   /* 1: oldest first (staff queue); 0: open first,
                                    then answered, resolved; newest activity first */
    int limit, offset;           /* limit 0: no limit */
};
typedef int (*gh_request_fn)(void *ud, const struct gh_request *r);  /* !0 stops */
/* The requests q->who may see, filtered. *total (may be NULL): how many
 * match in all. A pending, inactive or blocked occupant, or staff without
 * `requests`: GH_E_REFUSED with the rule in words. */
enum gh_status gh_request_list(struct gh_store *st, const struct gh_request_query *q,
                               gh_request_fn fn, void *ud, int64_t *total);
enum gh_status gh_request_get(struct gh_store *st, int64_t who, int64_t id,
                              struct gh_request *out);
typedef int (*gh_request_reply_fn)(void *ud, const struct gh_request_entry *r);
/* The thread, oldest first. */
enum gh_status gh_request_thread(struct gh_store *st, int64_t who, int64_t id,
                                 gh_request_reply_fn fn, void *ud);

/* A reply by `who` (staff, the building, the filer or a member of their
 * group). Staff: the request becomes answered (a resolved one stays
 * resolved). An occupant: it becomes open again; on a resolved request only
 * the filer may, within 14 days, and it is reopened. via: "kiosk", "cli" or
 * "email"; message_id (email only, else NULL): the message it came in, a
 * second reply with the same id is GH_E_EXISTS and changes nothing. The
 * filer is notified of a reply by someone else, staff of an occupant's. */
enum gh_status gh_request_reply(struct gh_store *st, const char *actor, int64_t who,
                                int64_t id, const char *text, const char *via,
                                const char *message_id, int64_t *reply_id);
/* Staff, the building, or the filer close it; the filer is notified (unless
 * they did it themselves). */
enum gh_status gh_request_resolve(struct gh_store *st, const char *actor, int64_t who,
                                  int64_t id);
/* Only the filer, within 14 days of its resolution; staff are notified. */
enum gh_status gh_request_reopen(struct gh_store *st, const char *actor, int64_t who,
                                 int64_t id);
/* Requests in a state (-1: all), for the staff tile's badge. */
int64_t gh_request_count(struct gh_store *st, int state);

/* Locations `who` may file a request for (inside their location access,
 * tree order), for the kiosk's picker; "General" is not among them. */
enum gh_status gh_request_locations(struct gh_store *st, int64_t who,
                                    int (*fn)(void *ud, int64_t id, const char *name,
                                              int depth),
                                    void *ud);
/* May `who` reply to request id (the inbox's sender check)? 1 yes, 0 no. */
int gh_request_may_reply(struct gh_store *st, int64_t who, int64_t id);

#endif
