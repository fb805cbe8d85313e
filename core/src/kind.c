/*
 * kind.c: the names of the two kinds of account, occupant and staff.
 */
#include "gatehouse/account.h"
#include "names_internal.h"

static const char *const kind_names[] = {
    [GH_KIND_OCCUPANT] = "occupant", [GH_KIND_STAFF] = "staff",
};

const char *gh_kind_name(enum gh_kind k)
{
    return (unsigned)k < GH_NELEM(kind_names) ? kind_names[k] : "?";
}

int gh_kind_parse(const char *s, enum gh_kind *out)
{
    int i = gh_names_find(kind_names, GH_NELEM(kind_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_kind)i;
    return 0;
}
