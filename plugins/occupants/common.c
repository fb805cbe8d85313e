/*
 * common.c: the occupants plugin's state and the small helpers every screen
 * shares (permission check, actor, state labels, times, field of a message,
 * the list generation). The bottom layer of the plugin: the screens call it,
 * occupants.c registers the screens.
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
