/*
 * card.c: cards and fobs (card.h; issue 13 "Cards").
 *
 * A UID is normalised (separators dropped, lower case), then stored only as
 * its keyed hash (gh_store_keyed_hash, domain "card") with its last 4 hex
 * digits. cards.card_hash is UNIQUE, so "already registered" is the
 * database's answer, not a read-then-write race, and a read card's owner is
 * one lookup through that index: no Argon2, no write on success.
 *
 * The door path shares the door codes' per-kiosk throttle
 * (GH_THROTTLE_CODE): an unknown card, and a known card refused at the door,
 * each count as one failure, so trying cards is no faster than guessing
 * codes.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/card.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/throttle.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define DOMAIN "card"

int gh_card_uid_normalize(const char *uid, char out[GH_CARD_UID_BUF], char *err, size_t errlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = uid ? uid : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ':' || c == '-' || c == '.' || c == ' ')
            continue;
        if (!isxdigit(c)) {
            snprintf(err, errlen, _("card UID: \"%c\" is not a hex digit (0-9, a-f; ':' and "
                                    "'-' may separate them)"), isprint(c) ? c : '?');
            return -1;
        }
        if (n == GH_CARD_UID_MAX) {
            snprintf(err, errlen, _("card UID: more than %d hex digits"), GH_CARD_UID_MAX);
            return -1;
        }
        out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
    if (n < GH_CARD_UID_MIN) {
        snprintf(err, errlen, _("card UID: at least %d hex digits are needed"), GH_CARD_UID_MIN);
        return -1;
    }
    return 0;
}

/* Normalises and hashes uid; GH_E_INVALID with the sentence in errmsg. */
static enum gh_status uid_hash(struct gh_store *st, const char *uid, char norm[GH_CARD_UID_BUF],
                               char hash[GH_SITEKEY_HEX])
{
    char err[160];
    if (gh_card_uid_normalize(uid, norm, err, sizeof err) != 0)
        return gh_store_fail(st, GH_E_INVALID, "%s", err);
    return gh_store_keyed_hash(st, DOMAIN, norm, hash);
}

/* May this account get a card? NULL, or the rule in words. */
static const char *refusal(const struct gh_account *a)
{
    switch (a->state) {
    case GH_STATE_PENDING:
        return _("A card is only for active accounts: this account is waiting for approval.");
    case GH_STATE_INACTIVE:
        return _("A card is only for active accounts: this account is inactive.");
    case GH_STATE_BLOCKED:
        return _("A card is only for active accounts: this account is blocked.");
    case GH_STATE_REMOVED:
        return _("A card is only for active accounts: this person was removed.");
    case GH_STATE_ACTIVE:
        break;
    }
    return NULL;
}

static enum gh_status insert_card(struct gh_store *st, int64_t account_id, const char *hash,
                                  const char *norm, int64_t *card_id)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO cards (account_id, card_hash, last4, added_at) VALUES (?1, ?2, ?3, ?4)");
    if (!q)
        return gh_store_sqlfail(st, _("saving the card"));
    size_t n = strlen(norm);
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, norm + (n > 4 ? n - 4 : 0), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, gh_clock_now_ms());
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc == SQLITE_CONSTRAINT)
        return gh_store_fail(st, GH_E_EXISTS, "%s", _("This card is already registered."));
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("saving the card"));
    if (card_id)
        *card_id = sqlite3_last_insert_rowid(gh_store_db(st));
    return GH_OK;
}

enum gh_status gh_card_add(struct gh_store *st, const char *actor, int64_t account_id,
                           const char *uid, int64_t *card_id)
{
    char norm[GH_CARD_UID_BUF], hash[GH_SITEKEY_HEX], target[320];
    struct gh_account a;
    const char *why;
    enum gh_status s;

    actor = actor ? actor : "core";
    if ((s = gh_account_get(st, account_id, &a)) != GH_OK)
        return s;
    gh_rules_account_target(st, account_id, target, sizeof target);
    if ((why = refusal(&a)) != NULL)
        return gh_rules_refuse(st, 0, actor, "card.add", target, GH_E_REFUSED, "%s", why);
    if ((s = uid_hash(st, uid, norm, hash)) != GH_OK)
        return s;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = insert_card(st, account_id, hash, norm, card_id);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "card.add", target, GH_OUTCOME_OK,
                             "card ...%s added", norm + strlen(norm) - 4);
    if (s == GH_OK)
        s = gh_store_commit(st);
    else
        gh_store_rollback(st);
    if (s == GH_E_EXISTS)
        gh_audit_appendf(st, actor, "card.add", target, GH_OUTCOME_REFUSED,
                         "card ...%s is already registered", norm + strlen(norm) - 4);
    sodium_memzero(norm, sizeof norm);
    if (s == GH_E_EXISTS)
        return gh_store_fail(st, GH_E_EXISTS, "%s", _("This card is already registered."));
    if (s == GH_OK)
        st->errmsg[0] = '\0';
    return s;
}

/* Deletes card card_id (of account_id, when nonzero) and logs it.
 * GH_E_NOTFOUND when there is no such card. */
static enum gh_status delete_card(struct gh_store *st, const char *actor, int64_t card_id,
                                  int64_t account_id)
{
    char target[320], last4[GH_CARD_LAST] = "";
    int64_t holder = 0;
    sqlite3_stmt *q = gh_store_prepare(st, "DELETE FROM cards WHERE id = ?1 AND "
                                           "(?2 = 0 OR account_id = ?2) "
                                           "RETURNING account_id, last4");
    if (!q)
        return gh_store_sqlfail(st, _("removing the card"));
    sqlite3_bind_int64(q, 1, card_id);
    sqlite3_bind_int64(q, 2, account_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        holder = sqlite3_column_int64(q, 0);
        gh_store_copy(last4, sizeof last4, gh_store_col_text(q, 1));
        rc = sqlite3_step(q);
    }
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("removing the card"));
    if (!holder)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("This card is not registered."));
    gh_rules_account_target(st, holder, target, sizeof target);
    return gh_audit_appendf(st, actor ? actor : "core", "card.remove", target, GH_OUTCOME_OK,
                            "card ...%s removed", last4);
}

enum gh_status gh_card_remove_id(struct gh_store *st, const char *actor, int64_t account_id,
                                 int64_t card_id)
{
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = delete_card(st, actor, card_id, account_id);
    if (s != GH_OK) {
        char msg[GH_STORE_ERRMSG_LEN];
        gh_store_copy(msg, sizeof msg, gh_store_errmsg(st));
        gh_store_rollback(st);
        return gh_store_fail(st, s, "%s", msg);
    }
    if ((s = gh_store_commit(st)) == GH_OK)
        st->errmsg[0] = '\0';
    return s;
}

/* The card of a keyed hash: GH_OK and *id / *account, GH_E_NOTFOUND, or a
 * store error. */
static enum gh_status card_of(struct gh_store *st, const char *hash, int64_t *id,
                              int64_t *account)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT id, account_id FROM cards "
                                           "WHERE card_hash = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("looking up the card"));
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        *account = sqlite3_column_int64(q, 1);
    } else if (rc == SQLITE_DONE) {
        s = GH_E_NOTFOUND;
    } else {
        s = gh_store_sqlfail(st, _("looking up the card"));
    }
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_card_remove(struct gh_store *st, const char *actor, const char *uid)
{
    char norm[GH_CARD_UID_BUF], hash[GH_SITEKEY_HEX];
    int64_t id = 0, account = 0;
    enum gh_status s = uid_hash(st, uid, norm, hash);
    sodium_memzero(norm, sizeof norm);
    if (s != GH_OK)
        return s;
    s = card_of(st, hash, &id, &account);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("This card is not registered."));
    if (s != GH_OK)
        return s;
    return gh_card_remove_id(st, actor, 0, id);
}

enum gh_status gh_card_list(struct gh_store *st, int64_t account_id, gh_card_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT c.id, c.account_id, a.name, a.email, c.last4, c.added_at "
        "FROM cards c JOIN accounts a ON a.id = c.account_id "
        "WHERE ?1 = 0 OR c.account_id = ?1 ORDER BY c.added_at DESC, c.id DESC");
    if (!q)
        return gh_store_sqlfail(st, _("listing cards"));
    sqlite3_bind_int64(q, 1, account_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gh_card c;
        memset(&c, 0, sizeof c);
        c.id = sqlite3_column_int64(q, 0);
        c.account_id = sqlite3_column_int64(q, 1);
        gh_store_copy(c.owner, sizeof c.owner, gh_store_col_text(q, 2));
        gh_store_copy(c.email, sizeof c.email, gh_store_col_text(q, 3));
        if (!c.owner[0])
            gh_store_copy(c.owner, sizeof c.owner, c.email);
        gh_store_copy(c.last4, sizeof c.last4, gh_store_col_text(q, 4));
        c.added_at = sqlite3_column_int64(q, 5);
        if (fn(ud, &c)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("listing cards"));
}

int gh_card_count(struct gh_store *st, int64_t account_id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT count(*) FROM cards WHERE account_id = ?1");
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, account_id);
    int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    gh_store_done(st, q);
    return n;
}

static int secs_up(int64_t ms)
{
    return (int)((ms + 999) / 1000);
}

/* An unknown card: logged with a short hash prefix, counted toward the
 * throttle. */
static enum gh_status unknown_card(struct gh_store *st, const char *kiosk, const char *hash,
                                   int64_t *wait_ms)
{
    char target[200];
    int64_t wait = 0;
    snprintf(target, sizeof target, "kiosk:%s", kiosk);
    enum gh_status s = gh_audit_appendf(st, "kiosk", "door.card", target, GH_OUTCOME_FAILED,
                                        "unknown card (hash %.8s)", hash[0] ? hash : "-");
    if (s == GH_OK)
        s = gh_throttle_fail(st, kiosk, GH_THROTTLE_CODE, &wait);
    if (wait_ms)
        *wait_ms = wait;
    if (s != GH_OK)
        return s;
    return gh_store_fail(st, GH_E_DENIED, "%s", _("This card is not registered."));
}

/* GH_E_LOCKED while the kiosk is throttled (logged), else GH_OK. */
static enum gh_status throttled(struct gh_store *st, const char *kiosk, int64_t *wait_ms)
{
    char target[200];
    int64_t wait = gh_throttle_wait_ms(st, kiosk, GH_THROTTLE_CODE);
    if (wait <= 0)
        return GH_OK;
    if (wait_ms)
        *wait_ms = wait;
    snprintf(target, sizeof target, "kiosk:%s", kiosk);
    enum gh_status s = gh_audit_appendf(st, "kiosk", "door.card", target, GH_OUTCOME_REFUSED,
                                        "throttled, %d s left (card not checked)", secs_up(wait));
    if (s != GH_OK)
        return s;
    return gh_store_fail(st, GH_E_LOCKED, _("Too many refused attempts. Try again in %d seconds."),
                         secs_up(wait));
}

enum gh_status gh_card_attempt(struct gh_store *st, const char *kiosk, const char *uid,
                               struct gh_account *out, int64_t *wait_ms)
{
    char norm[GH_CARD_UID_BUF], hash[GH_SITEKEY_HEX] = "", name[128], err[160];
    int64_t id = 0, account = 0;
    enum gh_status s;

    if (wait_ms)
        *wait_ms = 0;
    gh_store_copy(name, sizeof name, kiosk && *kiosk ? kiosk : "kiosk");
    if ((s = throttled(st, name, wait_ms)) != GH_OK)
        return s;
    if (gh_card_uid_normalize(uid, norm, err, sizeof err) != 0)
        return unknown_card(st, name, "", wait_ms);
    s = gh_store_keyed_hash(st, DOMAIN, norm, hash);
    sodium_memzero(norm, sizeof norm);
    if (s != GH_OK)
        return s;
    s = card_of(st, hash, &id, &account);
    if (s == GH_E_NOTFOUND)
        s = unknown_card(st, name, hash, wait_ms);
    else if (s == GH_OK && out)
        s = gh_account_get(st, account, out);
    sodium_memzero(hash, sizeof hash);
    if (s == GH_OK)
        st->errmsg[0] = '\0';
    return s;
}

enum gh_status gh_card_refused(struct gh_store *st, const char *kiosk, int64_t *wait_ms)
{
    char name[128];
    gh_store_copy(name, sizeof name, kiosk && *kiosk ? kiosk : "kiosk");
    return gh_throttle_fail(st, name, GH_THROTTLE_CODE, wait_ms);
}
