/*
 * auth.h: kiosk identity (SPEC "Kiosk identity"): PINs as Argon2id hashes,
 * one-time setup codes (6 digits, 72 h, single use, hash only), and the
 * lock-out after pin_attempts failures within lockout_min minutes. Every
 * attempt is logged; no PIN or code is ever logged.
 */
#ifndef GATEHOUSE_AUTH_H
#define GATEHOUSE_AUTH_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

#define GH_CODE_LEN 6
#define GH_CODE_TTL_MS (72LL * 3600 * 1000)

/* 4-8 digits: 0 or -1 with err "PIN: ...". */
int gh_auth_pin_format_ok(const char *pin, char *err, size_t errlen);
/* Kiosk rule for a new PIN: format, and not all the same digit, not a
 * straight run (1234, 9876). */
int gh_auth_pin_quality_ok(const char *pin, char *err, size_t errlen);

/* Builds the dummy hash that an unknown account is checked against, so the
 * first unknown attempt costs what a known one does. Both programs call it
 * at start; every attempt calls it too (once per process, thread-safe). */
void gh_auth_init(void);
/* The same on a thread of its own, so a program's start (the kiosk's first
 * frame) does not wait ~50 ms for it; an attempt made before it is done
 * waits for it (pthread_once), so every attempt still costs the same. */
void gh_auth_init_background(void);
/* Test hooks: 1 once the dummy hash exists; secrets checked (hashed and
 * compared) by this process so far. */
int gh_auth_dummy_ready(void);
long gh_auth_checks(void);

/* Log-in with email or phone (never an account id: treated as unknown) and
 * PIN. The attempt is counted before the PIN is checked; one that can't be
 * recorded is refused (GH_E_STORE or GH_E_TRANSIENT, message says so). GH_OK fills *out. GH_E_DENIED wrong
 * PIN or unknown who (same message, to reveal nothing); GH_E_LOCKED while
 * locked out (message says for how long); GH_E_REFUSED when the account may
 * not log in (occupant not active: message says why). */
enum gh_status gh_auth_login(struct gh_store *st, const char *actor, const char *who,
                             const char *pin, struct gh_account *out);
/* The account a person at the kiosk names by email or phone (any format the
 * site's phone_country allows), never by account id: GH_OK and *a, or
 * GH_E_NOTFOUND for unknown, unparsable and id-only input. */
enum gh_status gh_auth_find_who(struct gh_store *st, const char *who, struct gh_account *a);
/* Sets a PIN directly (staff creation, admin). */
enum gh_status gh_auth_set_pin(struct gh_store *st, const char *actor, int64_t id,
                               const char *pin);
/* Issues a new setup code for the account (voiding the old); code_out gets
 * the 6 digits for the welcome email. Used by the account module. */
enum gh_status gh_auth_issue_code(struct gh_store *st, int64_t id,
                                  char code_out[GH_CODE_LEN + 1]);
/* Redeems the code and sets the PIN (quality rule applies). WHO as for
 * gh_auth_login. Wrong code: GH_E_DENIED and counts toward the lock-out;
 * expired/used: GH_E_EXPIRED. No site key: its error (the file named). */
enum gh_status gh_auth_redeem(struct gh_store *st, const char *actor, const char *who,
                              const char *code, const char *pin);
/* Is the account locked now? Returns ms remaining, 0 if not. */
int64_t gh_auth_locked_ms(struct gh_store *st, int64_t id);

#endif
