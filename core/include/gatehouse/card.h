/*
 * card.h: cards and fobs (issue 13, "Cards").
 *
 * An account may hold several cards. A card is known by its UID, written in
 * hex with case and separators ignored ("04:A1:B2:C3" = "04a1b2c3"); a
 * keyboard-wedge reader that types decimal digits gives a string of digits,
 * which is read the same way. A UID is stored only as its keyed hash with the
 * site key (sitekey.h, domain "card"), unique across accounts, plus its last
 * 4 hex digits to tell cards apart in lists. No UID is ever logged in full.
 *
 * At a door a card is what a door code is (doorcode.h): gh_card_attempt
 * checks the kiosk's throttle (the same one as door codes), finds the owner
 * with one indexed lookup, and the caller decides access for its door with
 * gh_access_decide_logged. Cards are refused at enrolment for pending,
 * inactive and blocked accounts; at the door the decision refuses them, so
 * a card stops working the moment its account's access is removed (and
 * works again if the account is re-activated, unless the card was removed).
 */
#ifndef GATEHOUSE_CARD_H
#define GATEHOUSE_CARD_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/account.h"

struct gh_store;

#define GH_CARD_UID_MIN 4        /* hex digits */
#define GH_CARD_UID_MAX 40       /* hex digits (10-byte ISO 14443 UIDs are 20) */
#define GH_CARD_UID_BUF 41
#define GH_CARD_LAST 5           /* last 4 hex digits and the terminator */

struct gh_card {
    int64_t id;
    int64_t account_id;
    char owner[GH_NAME_BUF];     /* the account's name, or its email */
    char email[GH_EMAIL_MAX + 1];
    char last4[GH_CARD_LAST];    /* "a1b2" */
    int64_t added_at;            /* unix ms */
};
typedef int (*gh_card_fn)(void *ud, const struct gh_card *c);

/* What another screen hands the kiosk's Cards screen ("lockctl.cards",
 * the lock control plugin) with the UI's push(): the person, and add = 1
 * to start "Add card" ("Hold the card to the reader") at once. */
struct gh_cards_open {
    int64_t account_id;
    int add;
};

/* A UID as typed or read, normalised: separators (':', '-', '.', space)
 * dropped, lower case, GH_CARD_UID_MIN..GH_CARD_UID_MAX hex digits. 0 and
 * out set, or -1 with a sentence naming the field in err. */
int gh_card_uid_normalize(const char *uid, char out[GH_CARD_UID_BUF], char *err, size_t errlen);

/* Attaches a card to the account. Refused (GH_E_REFUSED, the rule in words)
 * for pending, inactive and blocked accounts; GH_E_EXISTS "This card is
 * already registered." when any account (this one included) holds it;
 * GH_E_INVALID for a malformed UID. Logged ("card.add", the last 4 digits).
 * *card_id (may be NULL) gets the new card's id. */
enum gh_status gh_card_add(struct gh_store *st, const char *actor, int64_t account_id,
                           const char *uid, int64_t *card_id);
/* Removes the card with this UID: GH_E_NOTFOUND "This card is not
 * registered." when none. Logged ("card.remove"). */
enum gh_status gh_card_remove(struct gh_store *st, const char *actor, const char *uid);
/* Removes one card by its id (the kiosk's "Remove card", which never sees a
 * UID). account_id, when nonzero, must be its holder (GH_E_NOTFOUND). */
enum gh_status gh_card_remove_id(struct gh_store *st, const char *actor, int64_t account_id,
                                 int64_t card_id);
/* Cards, newest first; account_id 0: every account's. fn nonzero stops. */
enum gh_status gh_card_list(struct gh_store *st, int64_t account_id, gh_card_fn fn, void *ud);
/* How many cards the account holds (0 also when the store failed). */
int gh_card_count(struct gh_store *st, int64_t account_id);

/* A card read at kiosk `kiosk` (its name, for the throttle and the log):
 * while the kiosk is throttled GH_E_LOCKED ("Too many refused attempts. Try
 * again in N seconds.", *wait_ms set) and the card is not looked up; an
 * unknown (or malformed) UID is GH_E_DENIED "This card is not registered.",
 * logged ("door.card") with the first 8 hex digits of its keyed hash and
 * counted toward the throttle. Found: GH_OK and *out; the caller decides
 * access for its door (and counts a denial with gh_card_refused). wait_ms
 * may be NULL. */
enum gh_status gh_card_attempt(struct gh_store *st, const char *kiosk, const char *uid,
                               struct gh_account *out, int64_t *wait_ms);
/* A known card whose holder was refused at the door: one failure toward the
 * kiosk's throttle (as an unknown card). *wait_ms as gh_throttle_fail. */
enum gh_status gh_card_refused(struct gh_store *st, const char *kiosk, int64_t *wait_ms);

#endif
