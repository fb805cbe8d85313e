/*
 * location.h: the location tree (site > building > floor > door), doors with
 * their relay binding, and units with their tenant and share-with-management
 * flag (SPEC "Locations, groups and access", "Doors, units and who may open
 * them").
 */
#ifndef GATEHOUSE_LOCATION_H
#define GATEHOUSE_LOCATION_H
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

enum gh_door_kind { GH_DOOR_NONE = 0, GH_DOOR_COMMON = 1, GH_DOOR_UNIT = 2 };

#define GH_BOARD_ID_BUF 64

struct gh_location {
    int64_t id;
    char name[GH_NAME_BUF];
    int64_t parent_id;            /* 0 = root */
    int depth;                    /* 0 for a root */
    char path[1024];              /* "Site › Building › Door" */
    enum gh_door_kind door;
    char relay_board[GH_BOARD_ID_BUF]; /* "" = no relay */
    int relay_channel;
    int unlock_ms;                /* effective: own value or the setting */
    int64_t tenant_account;       /* unit rented to an occupant, 0 = none */
    int64_t tenant_group;         /* or to a group, 0 = none */
    char tenant_name[GH_NAME_BUF];/* the tenant's name/email or group name */
    int shared;                   /* tenant shares with management */
};

struct gh_location_new {
    const char *name;
    const char *parent;           /* name, NULL = root */
    enum gh_door_kind door;
    const char *relay;            /* "BOARD:CHANNEL", NULL = none */
    int unlock_ms;                /* 0 = the setting */
};

/* ---- reading ------------------------------------------------------------ */
/* By name (case-insensitive) or numeric id. */
enum gh_status gh_location_find(struct gh_store *st, const char *name_or_id,
                                struct gh_location *out);
enum gh_status gh_location_get(struct gh_store *st, int64_t id, struct gh_location *out);
typedef int (*gh_location_fn)(void *ud, const struct gh_location *l);
/* Depth-first, parents before children, siblings by name. */
enum gh_status gh_location_list(struct gh_store *st, gh_location_fn fn, void *ud);
/* Is `loc` equal to or below `ancestor`? */
int gh_location_within(struct gh_store *st, int64_t loc, int64_t ancestor);

/* ---- creating, and editing doors ------------------------------------------ */
enum gh_status gh_location_add(struct gh_store *st, const char *actor,
                               const struct gh_location_new *in, int64_t *id_out);
/* Rewires a door to "BOARD:CHANNEL" (a board was renamed or replaced); NULL
 * or "" unwires it. Unique per board and channel; logged. */
enum gh_status gh_location_set_relay(struct gh_store *st, const char *actor, int64_t id,
                                     const char *relay);
/* A door's own unlock time (100..60000 ms), 0 = the unlock_ms setting. */
enum gh_status gh_location_set_unlock_ms(struct gh_store *st, const char *actor, int64_t id,
                                         int unlock_ms);

/* Parses "BOARD:CHANNEL" (channel 1..64); -1 with err on a bad one. */
int gh_relay_addr_parse(const char *s, char *board, size_t boardlen, int *channel,
                        char *err, size_t errlen);

/* ---- units: tenancy and sharing ------------------------------------ */
enum gh_status gh_unit_rent_occupant(struct gh_store *st, const char *actor,
                                     int64_t unit, int64_t account_id);
enum gh_status gh_unit_rent_group(struct gh_store *st, const char *actor,
                                  int64_t unit, int64_t group_id);
enum gh_status gh_unit_vacate(struct gh_store *st, const char *actor, int64_t unit);
/* Only meaningful for a rented unit; actor may be the tenant or staff. */
enum gh_status gh_unit_share(struct gh_store *st, const char *actor,
                             int64_t unit, int on);
/* Units rented to this occupant directly or through their group. */
enum gh_status gh_unit_list_for(struct gh_store *st, int64_t account_id,
                                gh_location_fn fn, void *ud);
/* Every unit, in tree order, whose name, tenant's name or email, or tenant
 * group's name contains text (case-insensitive; NULL or "" = every unit).
 * tenant_name says who rents it; the Units screen's query (issue 16). */
enum gh_status gh_unit_search(struct gh_store *st, const char *text, gh_location_fn fn,
                              void *ud);
/* Approves a pending sign-up and rents them a unit in one transaction
 * (issue 16: "Rent UNIT to them" at approval). Either both happen or
 * neither does; a refusal of either step is logged under that step's
 * action ("account.approve" or "unit.rent") and its message says why. */
enum gh_status gh_occupant_approve_rent(struct gh_store *st, const char *actor, int64_t id,
                                        int64_t unit);

#endif
