/*
 * occupants.h: what the occupants plugin's files share (not installed).
 *
 * The plugin is the staff member's occupant management at the kiosk (seed
 * 000 "Managing occupants", "Occupant groups"): search with a state toggle,
 * an occupant's page with quick actions, editing, access, creating
 * occupants, and groups. Every rule lives in the core; the plugin calls it
 * through host->core with the logged-in staff member as the actor, checks
 * the permission an action needs before offering it, and shows the core's
 * refusal next to the field it names.
 *
 *   occupants.c  init, registration, the shared helpers below
 *   search.c     occupants.search   search as you type, state toggle
 *   person.c     occupants.person   details, quick actions, edit
 *                occupants.access   an occupant's location access
 *   create.c     occupants.new      a new occupant, active with a welcome
 *   groups.c     occupants.groups, occupants.group, occupants.group_new,
 *                occupants.group_edit
 *   units.c      occupants.units, occupants.unit: units, renting, vacating,
 *                sharing, the overlock (staff tile "Units")
 *   desk.c       occupants.desk (after New occupant) and
 *                occupants.desk.approved (pushed by name by the approvals
 *                plugin after an approval): "Let them set a PIN now"
 *   (the access chooser is the UI's one access picker, host->ui->picker_*)
 */
#ifndef OCCUPANTS_H
#define OCCUPANTS_H
#include "gatehouse/plugin.h"

#define OCC_SEARCH_LIMIT 50      /* rows shown under the search field */
#define OCC_COUNT_CAP 1000       /* beyond this the count says "more than" */
#define OCC_MAX_LOCATIONS 150    /* locations the chooser shows */
#define OCC_MAX_GROUPS 100
#define OCC_MSG 512

struct occ {
    const struct gh_host *host;
    const struct gh_core_api *core;
    const struct gh_ui_api *ui;
    struct gh_store *st;
    /* bumped whenever this plugin changed an account or a group, so lists
     * drawn from the database re-read it */
    unsigned generation;
};
extern struct occ occ;

/* Does the logged-in staff member hold `perm` (admin implies all)? */
int occ_can(struct gh_ui *ui, unsigned perm);
/* The staff member as the log's actor ("staff:<id>"). */
void occ_actor(struct gh_ui *ui, char *buf, size_t len);
/* "Active", "Pending"... translated. */
const char *occ_state_label(enum gh_state s);
/* A time (ms since the epoch) as the kiosk shows it; 0: "never". */
void occ_when(int64_t ms, char *buf, size_t len);
/* The field a core refusal names ("phone: must have ..." -> "phone"), as an
 * index into fields[], or -1. */
int occ_field_of(const char *msg, const char *const *fields, int n);
/* The core's message for the last refusal on the store. */
const char *occ_errmsg(void);
/* Something changed: lists read the database again. */
void occ_changed(void);

/* ---- screens ------------------------------------------------------------ */
extern const struct gh_screen occ_scr_search, occ_scr_person, occ_scr_access, occ_scr_new,
    occ_scr_groups, occ_scr_group, occ_scr_group_new, occ_scr_group_edit, occ_scr_staff,
    occ_scr_staffone, occ_scr_desk, occ_scr_desk_approved, occ_scr_units, occ_scr_unit;
/* "Let them set a PIN now": hands the kiosk to account id (desk.c). */
void occ_open_desk(struct gh_ui *ui, int64_t id);
/* Opens an occupant's page / a group's page. */
void occ_open_person(struct gh_ui *ui, int64_t id);
void occ_open_group(struct gh_ui *ui, int64_t id);
void occ_open_access(struct gh_ui *ui, int64_t id);

#endif
