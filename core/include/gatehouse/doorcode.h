/*
 * doorcode.h: personal door codes (issue 12, "Door codes").
 *
 * Every active account that may open doors can hold one numeric door code,
 * issued by the system (never chosen: choosing would reveal other people's
 * codes through "already taken"), unique across accounts, with
 * door_code_digits digits, never one digit repeated nor a straight run.
 * A code is stored only as its keyed hash with the site key (sitekey.h,
 * domain "door-code"), so the database alone never reveals it and the owner
 * of a typed code is found by one indexed lookup: no Argon2 on this path.
 * No code is ever logged, emailed or kept in clear.
 */
#ifndef GATEHOUSE_DOORCODE_H
#define GATEHOUSE_DOORCODE_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_store;

#define GH_SETTING_DOOR_CODE_DIGITS "door_code_digits"   /* default 8, allowed 6..12 */
#define GH_DOORCODE_MIN_DIGITS 6
#define GH_DOORCODE_MAX_DIGITS 12
#define GH_DOORCODE_BUF 13                               /* 12 digits + NUL */

/* Issues (or replaces) the account's door code: random, unique across
 * accounts, never one digit repeated or a straight run (ascending or
 * descending); stored only as gh_store_keyed_hash(st, "door-code", code).
 * Refused (GH_E_REFUSED, the rule in words) for pending, inactive, blocked
 * accounts and accounts that may not open doors. Logged (never the code).
 * code_out (n >= GH_DOORCODE_BUF) gets the digits. */
enum gh_status gh_doorcode_issue(struct gh_store *st, const char *actor, int64_t account_id,
                                 char *code_out, size_t n);
/* Voids the account's code (GH_OK also when there was none). Logged. */
enum gh_status gh_doorcode_revoke(struct gh_store *st, const char *actor, int64_t account_id);
/* 1: the account holds a live code; 0: none (or the store failed). */
int gh_doorcode_has(struct gh_store *st, int64_t account_id);

/* A code typed at kiosk `kiosk` (its name, for the throttle and the log):
 * checks the kiosk's throttle first (GH_E_LOCKED, errmsg "Too many wrong
 * codes. Try again in N seconds." and *wait_ms set), then finds the owner by
 * ONE indexed lookup of the keyed hash. Unknown: GH_E_DENIED "That code is
 * not right." (logged with a short hash prefix, never the code; counts toward
 * the throttle). Found: GH_OK and *out; the caller then decides access for
 * its door with gh_access_decide_logged and pulses (a pending, inactive or
 * blocked owner is refused by the decision, with its sentence).
 * wait_ms may be NULL. */
enum gh_status gh_doorcode_attempt(struct gh_store *st, const char *kiosk, const char *code,
                                   struct gh_account *out, int64_t *wait_ms);

/* Voids the account's code inside the caller's transaction, if it has one
 * (account.c calls it when an account becomes inactive or blocked); logs
 * "doorcode.void" with `why` only when a code was voided. *voided (may be
 * NULL) gets 1 then. */
enum gh_status gh_doorcode_void(struct gh_store *st, const char *actor, int64_t account_id,
                                const char *why, int *voided);

/* The code rule alone (digits only, length within bounds, not one digit
 * repeated, not a straight run): 1 acceptable, 0 not. For tests. */
int gh_doorcode_shape_ok(const char *code);

#endif
