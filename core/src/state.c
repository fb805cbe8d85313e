/*
 * state.c: the names of an account's states (SPEC "States"), as the
 * command line, the log and the screens write them.
 */
#include "gatehouse/account.h"
#include "names_internal.h"

static const char *const state_names[] = {
    [GH_STATE_ACTIVE] = "active", [GH_STATE_PENDING] = "pending",
    [GH_STATE_INACTIVE] = "inactive", [GH_STATE_BLOCKED] = "blocked",
    [GH_STATE_REMOVED] = "removed",
};

const char *gh_state_name(enum gh_state s)
{
    return (unsigned)s < GH_NELEM(state_names) ? state_names[s] : "?";
}

int gh_state_parse(const char *s, enum gh_state *out)
{
    int i = gh_names_find(state_names, GH_NELEM(state_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_state)i;
    return 0;
}
