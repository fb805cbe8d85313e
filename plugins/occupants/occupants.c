/*
 * occupants.c: the occupants plugin's entry point, its registration (one
 * staff tile, "Occupants", for staff with the `manage` permission, one,
 * "Staff", for staff with `admin` (staff.c), and the
 * screens of occupants.h) and the small helpers every screen shares.
 *
 * Every screen carries staff_perm GH_PERM_MANAGE, so the toolkit refuses to
 * open one for anybody else; each action checks again before it is offered,
 * because the staff session can end (idle time-out) between two frames.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "occupants.h"

struct occ occ;

int occ_can(struct gh_ui *ui, unsigned perm)
{
    const struct gh_account *s = occ.ui->staff(ui);
    if (!s || s->kind != GH_KIND_STAFF)
        return 0;
    if (s->perms & GH_PERM_ADMIN)
        return 1;
    return (s->perms & perm) == perm;
}

void occ_actor(struct gh_ui *ui, char *buf, size_t len)
{
    occ.core->account_actor(occ.ui->staff(ui), buf, len);
}

const char *occ_state_label(enum gh_state s)
{
    switch (s) {
    case GH_STATE_ACTIVE: return _("Active");
    case GH_STATE_PENDING: return _("Pending");
    case GH_STATE_INACTIVE: return _("Inactive");
    case GH_STATE_BLOCKED: return _("Blocked");
    case GH_STATE_REMOVED: return _("Removed");
    }
    return "?";
}

void occ_when(int64_t ms, char *buf, size_t len)
{
    if (ms <= 0) {
        snprintf(buf, len, "%s", _("never"));
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
        snprintf(buf, len, "%s", _("unknown"));
}

int occ_field_of(const char *msg, const char *const *fields, int n)
{
    if (!msg)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(fields[i]);
        if (strncmp(msg, fields[i], k) == 0 && msg[k] == ':')
            return i;
    }
    return -1;
}

const char *occ_errmsg(void)
{
    const char *m = occ.core->errmsg(occ.st);
    return m && *m ? m : _("That did not work. Please try again.");
}

void occ_changed(void)
{
    occ.generation++;
}

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
        .size = sizeof tile, .id = "occupants.tile", .label = "Occupants",
        .screen = "occupants.search", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_MANAGE,
        .order = 20 };
    const struct gh_screen *screens[] = { &occ_scr_search, &occ_scr_person, &occ_scr_access,
                                          &occ_scr_new, &occ_scr_groups, &occ_scr_group,
                                          &occ_scr_group_new, &occ_scr_group_edit,
                                          &occ_scr_staff, &occ_scr_staffone, &occ_scr_desk };
    static const struct gh_tile staff_tile = {
        .size = sizeof staff_tile, .id = "occupants.staff.tile", .label = "Staff",
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
    if (host->register_tile(host->ctx, &tile) != 0 ||
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
        .description = "staff: occupant search, quick actions, access, groups",
        .init = occ_init, .commands = no_commands };
    return &p;
}
