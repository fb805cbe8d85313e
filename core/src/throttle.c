/*
 * throttle.c: the per-kiosk failure throttle (throttle.h). Stub bodies for now.
 */
#include "gatehouse/throttle.h"
#include "gatehouse/auth.h"
#include "gatehouse/store.h"

int64_t gh_throttle_wait_ms(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k)
{
    (void)st; (void)kiosk; (void)k;
    return 0;
}

enum gh_status gh_throttle_fail(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                int64_t *wait_ms)
{
    (void)kiosk; (void)k;
    if (wait_ms) *wait_ms = 0;
    return gh_store_fail(st, GH_E_INTERNAL, "%s", "throttle: not yet built");
}

enum gh_status gh_auth_kiosk_login(struct gh_store *st, const char *kiosk, const char *who,
                                   const char *pin, struct gh_account *out, int64_t *wait_ms)
{
    (void)kiosk;
    if (wait_ms) *wait_ms = 0;
    return gh_auth_login(st, "kiosk", who, pin, out);
}
