/*
 * openings.h: "Recent openings" (issue 12, "Seeing who opened what"): the
 * newest door openings a person may know about, read from the activity log
 * (the granted door.unlock entries).
 *
 * Which openings: those of the units the person rents and of the doors they
 * may open now (gh_access_doors). Who, in words: "You"; "Management" for
 * staff and for a program (gatehousectl); the opener's name on a unit the
 * person rents (it is theirs); "Another occupant" elsewhere (a common door's
 * other users are not told to everyone).
 */
#ifndef GATEHOUSE_OPENINGS_H
#define GATEHOUSE_OPENINGS_H
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_store;

#define GH_OPENINGS_SHOWN 20      /* what the kiosk shows */

struct gh_opening {
    int64_t at;                   /* unix ms */
    int64_t door_id;
    char door[GH_NAME_BUF];       /* the door's name now */
    char who[GH_NAME_BUF];        /* in words, see above */
    int by_self, by_staff;
};
typedef int (*gh_opening_fn)(void *ud, const struct gh_opening *o);

/* Newest first, at most limit (1..200), for account `who`. fn returning
 * nonzero stops early. */
enum gh_status gh_openings_recent(struct gh_store *st, int64_t who, int limit,
                                  gh_opening_fn fn, void *ud);

#endif
