/*
 * doorcode.c: personal door codes (doorcode.h). Stub bodies for now.
 */
#include "gatehouse/doorcode.h"
#include "gatehouse/store.h"

enum gh_status gh_doorcode_issue(struct gh_store *st, const char *actor, int64_t account_id,
                                 char *code_out, size_t n)
{
    (void)actor; (void)account_id; (void)code_out; (void)n;
    return gh_store_fail(st, GH_E_INTERNAL, "%s", "door codes: not yet built");
}

enum gh_status gh_doorcode_revoke(struct gh_store *st, const char *actor, int64_t account_id)
{
    (void)actor; (void)account_id;
    return gh_store_fail(st, GH_E_INTERNAL, "%s", "door codes: not yet built");
}

int gh_doorcode_has(struct gh_store *st, int64_t account_id)
{
    (void)st; (void)account_id;
    return 0;
}

enum gh_status gh_doorcode_attempt(struct gh_store *st, const char *kiosk, const char *code,
                                   struct gh_account *out, int64_t *wait_ms)
{
    (void)kiosk; (void)code; (void)out;
    if (wait_ms) *wait_ms = 0;
    return gh_store_fail(st, GH_E_INTERNAL, "%s", "door codes: not yet built");
}

int gh_doorcode_shape_ok(const char *code)
{
    (void)code;
    return 0;
}
