/*
 * perms.c: staff permissions (SPEC "Staff permissions"): their names, a
 * comma list of them, and whether a set of them allows something (admin
 * allows everything).
 */
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "names_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    unsigned bit;
} perm_names[] = {
    {"approve", GH_PERM_APPROVE},         {"manage", GH_PERM_MANAGE},
    {"open_common", GH_PERM_OPEN_COMMON}, {"open_vacant", GH_PERM_OPEN_VACANT},
    {"open_shared", GH_PERM_OPEN_SHARED}, {"admin", GH_PERM_ADMIN},
    {"requests", GH_PERM_REQUESTS},
};

int gh_perms_parse(const char *list, unsigned *out, char *err, size_t errlen)
{
    unsigned bits = 0;
    const char *p = list, *end;
    size_t i, n;

    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        end = p;
        while (*end && *end != ',' && *end != ' ')
            end++;
        n = (size_t)(end - p);
        if (n == 4 && strncasecmp(p, "none", 4) == 0) {
            p = end;
            continue;
        }
        for (i = 0; i < GH_NELEM(perm_names); i++)
            if (strlen(perm_names[i].name) == n && strncasecmp(perm_names[i].name, p, n) == 0)
                break;
        if (i == GH_NELEM(perm_names)) {
            if (err && errlen)
                snprintf(err, errlen,
                         _("permissions: unknown permission \"%.*s\" (known: approve, "
                           "manage, open_common, open_vacant, open_shared, admin, requests)"),
                         (int)(n > 64 ? 64 : n), p);
            return -1;
        }
        bits |= perm_names[i].bit;
        p = end;
    }
    *out = bits;
    return 0;
}

void gh_perms_format(unsigned perms, char *buf, size_t len)
{
    size_t i, o = 0;

    if (!buf || !len)
        return;
    buf[0] = '\0';
    for (i = 0; i < GH_NELEM(perm_names); i++) {
        if (!(perms & perm_names[i].bit))
            continue;
        int w = snprintf(buf + o, len - o, "%s%s", o ? "," : "", perm_names[i].name);
        if (w < 0 || (size_t)w >= len - o)
            return;
        o += (size_t)w;
    }
    if (o == 0)
        snprintf(buf, len, "none");
}

int gh_perms_has(unsigned perms, unsigned need)
{
    if (perms & GH_PERM_ADMIN)
        return 1;
    return (perms & need) == need;
}
