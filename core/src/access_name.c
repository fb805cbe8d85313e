/*
 * access_name.c: the names of an occupant's location access (none, all,
 * group, specific). Deciding a door is access.c; the names sit low, where
 * every layer can read and write them.
 */
#include "gatehouse/account.h"
#include "names_internal.h"

static const char *const access_names[] = {
    [GH_ACCESS_NONE] = "none", [GH_ACCESS_ALL] = "all",
    [GH_ACCESS_GROUP] = "group", [GH_ACCESS_SPECIFIC] = "specific",
};

const char *gh_access_name(enum gh_access a)
{
    return (unsigned)a < GH_NELEM(access_names) ? access_names[a] : "?";
}

int gh_access_parse(const char *s, enum gh_access *out)
{
    int i = gh_names_find(access_names, GH_NELEM(access_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_access)i;
    return 0;
}
