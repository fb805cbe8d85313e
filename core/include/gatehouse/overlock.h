/*
 * overlock.h: a unit locked for an overdue balance (issue 18). The unit's
 * tenant is refused at its door with GH_OVERLOCK_SENTENCE; common doors
 * still open for them (so they can reach the office) unless the setting
 * overlock_gates is on. The lock holds for the tenant the unit had when it
 * was set: vacating or re-renting the unit ends it.
 */
#ifndef GATEHOUSE_OVERLOCK_H
#define GATEHOUSE_OVERLOCK_H
#include <stdint.h>
#include "gatehouse/i18n.h"
#include "gatehouse/status.h"

struct gh_store;

#define GH_OVERLOCK_SENTENCE \
    N_("Your unit is locked for an overdue balance; please see the office.")

/* Who set it: by hand (`unit overlock`) or an import's delinquent column. A
 * file's release (GH_OVERLOCK_IMPORT, on = 0) lifts only an import's lock. */
enum gh_overlock_source { GH_OVERLOCK_HAND = 0, GH_OVERLOCK_IMPORT = 1 };

/* Overlocks (on) or releases a rented unit; logged "unit.overlock". A vacant
 * unit or a location that is not a unit is refused (logged). *changed (may
 * be NULL) says whether anything changed: setting what is already so is a
 * no-op and writes no log entry. */
enum gh_status gh_overlock_set(struct gh_store *st, const char *actor, int64_t unit, int on,
                               enum gh_overlock_source src, int *changed);
/* Is this unit overlocked for its current tenant? */
enum gh_status gh_overlock_get(struct gh_store *st, int64_t unit, int *on);
/* Does this occupant (or their group) rent an overlocked unit? */
enum gh_status gh_overlock_any(struct gh_store *st, int64_t account_id, int64_t group_id,
                               int *on);

#endif
