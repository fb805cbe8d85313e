/*
 * group.h: occupant groups (SPEC "Locations, groups and access"). A group has
 * a name, location access (all or specific), email domains for sign-up
 * auto-join, and members (an occupant is in at most one group). Archiving
 * keeps members but the group grants nothing.
 */
#ifndef GATEHOUSE_GROUP_H
#define GATEHOUSE_GROUP_H
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_group {
    int64_t id;
    char name[GH_NAME_BUF];
    int all_locations;           /* 1: all, 0: specific */
    int archived;
    int64_t members;             /* count */
    int64_t created_at;
};

struct gh_group_new {
    const char *name;
    int all_locations;
    const char *const *locations; int n_locations;  /* names, when specific */
    const char *const *domains; int n_domains;      /* "example.com" */
};

/* ---- reading ------------------------------------------------------------ */
enum gh_status gh_group_find(struct gh_store *st, const char *name, struct gh_group *out);
enum gh_status gh_group_get(struct gh_store *st, int64_t id, struct gh_group *out);
typedef int (*gh_group_fn)(void *ud, const struct gh_group *g);
enum gh_status gh_group_list(struct gh_store *st, int include_archived,
                             gh_group_fn fn, void *ud);
/* Names of the group's locations and domains, for `group show`. */
typedef int (*gh_name_fn)(void *ud, const char *name);
enum gh_status gh_group_locations(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud);
enum gh_status gh_group_domains(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud);
/* ---- creating and editing ----------------------------------------------- */
enum gh_status gh_group_add(struct gh_store *st, const char *actor,
                            const struct gh_group_new *in, int64_t *id_out);
/* Replaces the group's location access (all, or these location names). */
enum gh_status gh_group_set_access(struct gh_store *st, const char *actor, const char *name,
                                   int all_locations, const char *const *locations, int n);
/* Replaces the group's sign-up domains (n = 0 clears them); a domain listed
 * by another live group: GH_E_EXISTS naming it. */
enum gh_status gh_group_set_domains(struct gh_store *st, const char *actor, const char *name,
                                    const char *const *domains, int n);

/* ---- archiving ------------------------------------------------------------ */
/* Archive. When members get access through the group and !force: GH_E_CONFIRM,
 * *losing = how many lose access, nothing changes. */
enum gh_status gh_group_archive(struct gh_store *st, const char *actor, const char *name,
                                int force, int64_t *losing);
/* Undoes an archive; refused when another group has taken one of its domains. */
enum gh_status gh_group_unarchive(struct gh_store *st, const char *actor, const char *name);

/* ---- members -------------------------------------------------------------- */
/* Adding sets the member's group (moving them from another group) and makes
 * their access "group". Removing clears group; access "group" becomes "none". */
enum gh_status gh_group_member_add(struct gh_store *st, const char *actor,
                                   const char *group, int64_t account_id);
enum gh_status gh_group_member_remove(struct gh_store *st, const char *actor,
                                      const char *group, int64_t account_id);
/* Removing with the member's new access (group_leave.c), so nobody is left
 * with none by accident: access NONE, ALL, GROUP (new_group: they join it)
 * or SPECIFIC (locations), as gh_occupant_set_access takes them. One
 * transaction: on a refusal of either step nothing changes (the refusal is
 * logged). */
enum gh_status gh_group_member_leave(struct gh_store *st, const char *actor, const char *group,
                                     int64_t account_id, enum gh_access access,
                                     const char *new_group, const char *const *locations,
                                     int n);

#endif
