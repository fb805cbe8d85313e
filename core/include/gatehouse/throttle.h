/*
 * throttle.h: a per-kiosk throttle on failures across all accounts
 * (issue 12 "Guessing", issue 11 "Sessions and attempts").
 *
 * Shared by door codes (GH_THROTTLE_CODE: after 5 failures within 10
 * minutes) and PIN log-ins (GH_THROTTLE_LOGIN: after 10 within 10 minutes).
 * Once started, the kiosk refuses every attempt of that kind (right ones
 * too) for 30 s; each further failure after a wait doubles it, to at most 10
 * minutes. The throttle ends when 10 minutes pass without a failure. Each
 * start is logged ("throttle.start"), and on a start every active staff
 * account with `admin` gets one security email through the outbox, at most
 * one an hour per kiosk and kind.
 */
#ifndef GATEHOUSE_THROTTLE_H
#define GATEHOUSE_THROTTLE_H
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_store;

enum gh_throttle_kind { GH_THROTTLE_CODE = 0, GH_THROTTLE_LOGIN = 1 };

#define GH_THROTTLE_WINDOW_MS   (10LL * 60 * 1000)
#define GH_THROTTLE_FIRST_MS    (30LL * 1000)
#define GH_THROTTLE_MAX_MS      (10LL * 60 * 1000)
#define GH_THROTTLE_CODE_LIMIT  5
#define GH_THROTTLE_LOGIN_LIMIT 10
#define GH_THROTTLE_MAIL_GAP_MS (60LL * 60 * 1000)

/* ms until kiosk may try again for kind k; 0 when not throttled. Fails
 * closed: when the throttle can't be read, 30 s (GH_THROTTLE_FIRST_MS). */
int64_t gh_throttle_wait_ms(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k);
/* Records one failure (in one transaction with the throttle's state). GH_OK;
 * *wait_ms (may be NULL) gets the wait now in force (0: none). A failure the
 * store can't record returns its status (the caller fails closed). */
enum gh_status gh_throttle_fail(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                int64_t *wait_ms);

/* gh_auth_login behind the kiosk's log-in throttle: while throttled,
 * GH_E_LOCKED with "Too many wrong log-ins. Try again in N seconds." and
 * *wait_ms set, and the PIN is not checked; a GH_E_DENIED counts one failure.
 * The actor of the log-in is "kiosk". wait_ms may be NULL. */
enum gh_status gh_throttle_kiosk_login(struct gh_store *st, const char *kiosk, const char *who,
                                   const char *pin, struct gh_account *out, int64_t *wait_ms);

#endif
