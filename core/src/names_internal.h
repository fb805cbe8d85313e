/*
 * names_internal.h: reading an enum's name back (state.c, kind.c,
 * access_name.c). Each enum has a table of names indexed by its values;
 * a name is matched without regard to case.
 */
#ifndef GATEHOUSE_NAMES_INTERNAL_H
#define GATEHOUSE_NAMES_INTERNAL_H
#include <stddef.h>
#include <strings.h>

#define GH_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The index of s in names[0..n), or -1. */
static inline int gh_names_find(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcasecmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

#endif
