/*
 * audit_show.c: who a log entry's account references are, at display time
 * (issue 16; audit.h gh_audit_show).
 *
 * Entries name accounts by kind and id only ("occupant:12", "staff:3",
 * "account:7"), so that removing a person can erase their name and email
 * without touching the hash-chained log. Showing an entry looks each
 * reference up now: "occupant:12 (Hana Zebrowski, hana@example.org)", or
 * "removed occupant #12" once the person was removed. A reference followed
 * by ':' and more than a space is an entry written before the change
 * ("occupant:12:hana@...") and is shown as stored; "occupant:12: allowed"
 * (a door entry's reason) is looked up. What is stored, and so what the chain verifies, never
 * changes.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KINDS[] = { "occupant:", "staff:", "account:" };

/* The length of the reference at p ("staff:3"), 0 if none starts there. */
static size_t ref_at(const char *start, const char *p, int64_t *id)
{
    if (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == ':'))
        return 0;
    for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++) {
        size_t n = strlen(KINDS[k]);
        if (strncmp(p, KINDS[k], n) != 0 || !isdigit((unsigned char)p[n]))
            continue;
        char *end = NULL;
        long long v = strtoll(p + n, &end, 10);
        /* "occupant:12:ann@..." is the old form; "occupant:12: allowed" is not */
        if (v <= 0 || isalnum((unsigned char)*end) ||
            (*end == ':' && end[1] && end[1] != ' '))
            return 0;
        *id = (int64_t)v;
        return (size_t)(end - p);
    }
    return 0;
}

/* Appends the shown form of reference ref (len n) for account id. */
static size_t put_ref(struct gh_store *st, const char *ref, size_t n, int64_t id, char *out,
                      size_t o, size_t len)
{
    struct gh_account a;
    int w;
    if (gh_account_get(st, id, &a) != GH_OK)
        w = snprintf(out + o, len - o, "%.*s", (int)n, ref);
    else if (a.state == GH_STATE_REMOVED)
        w = snprintf(out + o, len - o, _("removed occupant #%lld"), (long long)id);
    else if (a.name[0] && a.email[0])
        w = snprintf(out + o, len - o, "%.*s (%s, %s)", (int)n, ref, a.name, a.email);
    else
        w = snprintf(out + o, len - o, "%.*s (%s)", (int)n, ref, a.name[0] ? a.name : a.email);
    return w < 0 ? o : (size_t)w >= len - o ? len - 1 : o + (size_t)w;
}

void gh_audit_show(struct gh_store *st, const char *text, char *out, size_t len)
{
    size_t o = 0;
    if (!out || !len)
        return;
    out[0] = '\0';
    for (const char *p = text ? text : ""; *p && o + 1 < len;) {
        int64_t id = 0;
        size_t n = st ? ref_at(text, p, &id) : 0;
        if (n) {
            o = put_ref(st, p, n, id, out, o, len);
            p += n;
        } else {
            out[o++] = *p++;
            out[o] = '\0';
        }
    }
}
