/*
 * occupants.c: the occupants plugin's entry point, its registration (one
 * staff tile, "Occupants", for staff with the `manage` permission, one,
 * "Units" (units.c) for them too, one, "Staff", for staff with `admin`
 * (staff.c), and the
 * screens of occupants.h). The state and the small helpers every screen
 * shares are in common.c, so the screens never call back into this file.
 *
 * Every screen carries staff_perm GH_PERM_MANAGE, so the toolkit refuses to
 * open one for anybody else; each action checks again before it is offered,
 * because the staff session can end (idle time-out) between two frames.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "occupants.h"

static void on_home(void *state, const struct gh_event *ev)
{
    /* the kiosk went home: the next staff member starts from fresh lists */
    occ_changed();
}

static void on_account(void *state, const struct gh_event *ev)
{
    occ_changed();                       /* a sign-up or an approval elsewhere */
}

static enum gh_status occ_init(const struct gh_host *host, void **state, char *err,
                               size_t errlen)
{
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "occupants.tile", .label = N_("Occupants"),
        .screen = "occupants.search", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_MANAGE,
        .order = 20 };
    const struct gh_screen *screens[] = { &occ_scr_search, &occ_scr_person, &occ_scr_access,
                                          &occ_scr_new, &occ_scr_groups, &occ_scr_group,
                                          &occ_scr_group_new, &occ_scr_group_edit,
                                          &occ_scr_staff, &occ_scr_staffone, &occ_scr_desk };
    static const struct gh_tile units_tile = {
        .size = sizeof units_tile, .id = "occupants.units.tile", .label = N_("Units"),
        .screen = "occupants.units", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_MANAGE,
        .order = 25 };
    static const struct gh_tile staff_tile = {
        .size = sizeof staff_tile, .id = "occupants.staff.tile", .label = N_("Staff"),
        .screen = "occupants.staff", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_ADMIN,
        .order = 60 };

    memset(&occ, 0, sizeof occ);
    occ.host = host;
    occ.core = host->core;
    occ.ui = host->ui;
    occ.st = host->store;
    *state = &occ;
    if (!host->is_kiosk || !host->ui)
        return GH_OK;                    /* gatehousectl: nothing to show */
    if (!GH_HAS(host->core, trim)) {
        snprintf(err, errlen, "this program's core has no trim (built for an older "
                 "Gatehouse)");
        return GH_E_PLUGIN;
    }
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
        if (host->register_screen(host->ctx, screens[i]) != 0)
            goto fail;
    /* ABI 1.4: the Units screens and the desk set-up after an approval */
    const struct gh_screen *units[] = { &occ_scr_units, &occ_scr_unit, &occ_scr_desk_approved };
    for (size_t i = 0; GH_HAS(host->core, occupant_approve_rent) && i < 3; i++)
        if (host->register_screen(host->ctx, units[i]) != 0)
            goto fail;
    if (host->register_tile(host->ctx, &tile) != 0 ||
        (GH_HAS(host->core, occupant_approve_rent) &&
         host->register_tile(host->ctx, &units_tile) != 0) ||
        (GH_HAS(host->core, account_clear_lockout) &&
         host->register_tile(host->ctx, &staff_tile) != 0) ||
        host->register_hook(host->ctx, GH_EVENT_HOME, on_home) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_ACCOUNT_STATE, on_account) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_SIGNUP, on_account) != 0)
        goto fail;
    return GH_OK;
fail:
    snprintf(err, errlen, "could not register (see the log line above)");
    return GH_E_PLUGIN;
}

GH_PLUGIN_EXPORT(occupants)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "occupants", .version = "1.0",
        .description = "staff: occupant search, quick actions, access, groups, units",
        .init = occ_init, .commands = no_commands };
    return &p;
}
