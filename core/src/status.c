/*
 * status.c: static English text for each enum gh_status (see status.h).
 *
 * A table indexed by the code, because codes are only ever appended; the text
 * is for logs and operators, so it is not translated. The detail of one
 * failure lives in the handle's errmsg, not here.
 */
#include "gatehouse/status.h"

#include <stddef.h>

static const char *const texts[] = {
    [GH_OK] = "ok",
    [GH_E_INVALID] = "invalid input",
    [GH_E_NOTFOUND] = "not found",
    [GH_E_EXISTS] = "already exists",
    [GH_E_REFUSED] = "refused by a rule",
    [GH_E_LOCKED] = "locked out",
    [GH_E_DENIED] = "wrong PIN or code",
    [GH_E_EXPIRED] = "expired or already used",
    [GH_E_CONFIRM] = "needs confirmation",
    [GH_E_STORE] = "database error",
    [GH_E_NOMEM] = "out of memory",
    [GH_E_IO] = "input/output error",
    [GH_E_CONFIG] = "configuration error",
    [GH_E_SCHEMA] = "database is newer than this program",
    [GH_E_TRANSIENT] = "temporary failure, try again later",
    [GH_E_PERMANENT] = "permanent failure",
    [GH_E_UNAVAILABLE] = "device or service not available",
    [GH_E_PLUGIN] = "plugin error",
    [GH_E_USAGE] = "usage error",
    [GH_E_TAMPERED] = "activity log tampered with",
    [GH_E_INTERNAL] = "internal error",
};

const char *gh_strerror(enum gh_status s)
{
    if ((size_t)s < sizeof texts / sizeof texts[0] && texts[s])
        return texts[s];
    return "unknown status";
}
