/*
 * access.h: the unlock decision (SPEC "Doors, units and who may open them").
 * Pure decision: it moves no relay. The reason is a sentence for the person
 * at the screen ("this unit is rented to someone else").
 */
#ifndef GATEHOUSE_ACCESS_H
#define GATEHOUSE_ACCESS_H
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/location.h"

enum gh_deny {
    GH_DENY_NONE = 0,            /* allowed */
    GH_DENY_PENDING,             /* "your account is waiting for approval" */
    GH_DENY_INACTIVE,
    GH_DENY_BLOCKED,
    GH_DENY_NOT_A_DOOR,
    GH_DENY_OUTSIDE_ACCESS,      /* door not inside the occupant's locations */
    GH_DENY_RENTED_OTHER,        /* "this unit is rented to someone else" */
    GH_DENY_VACANT,              /* occupant: unit not rented to you */
    GH_DENY_NO_PERMISSION,       /* staff lacks open_common/open_vacant/open_shared */
    GH_DENY_NOT_SHARED,          /* staff: occupied and not shared */
    GH_DENY_GROUP_ARCHIVED,
    GH_DENY_OVERLOCKED,          /* unit locked for an overdue balance (overlock.h) */
    GH_DENY_SITE_OFFLINE         /* offline_deny_after_h passed without the site server */
};

struct gh_decision {
    int allowed;
    enum gh_deny why;
    char reason[256];            /* "allowed" or the sentence */
};

/* Decides for account `who` and door `door`. Errors only for unknown ids. */
enum gh_status gh_access_decide(struct gh_store *st, int64_t who, int64_t door,
                                struct gh_decision *out);
/* Decides, and logs "door.check" or (log_as_unlock) "door.unlock" with the
 * outcome and reason. */
enum gh_status gh_access_decide_logged(struct gh_store *st, const char *actor,
                                       int64_t who, int64_t door, int log_as_unlock,
                                       struct gh_decision *out);
/* Every door `who` may open, nearest first (by tree order), for the unlock
 * screen. If none: *why says why in words (pending, inactive, no access). */
enum gh_status gh_access_doors(struct gh_store *st, int64_t who,
                               gh_location_fn fn, void *ud,
                               struct gh_decision *why);

#endif
