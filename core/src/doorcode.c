/*
 * doorcode.c: personal door codes (doorcode.h; issue 12 "Door codes").
 *
 * A code is drawn at random (libsodium's randombytes_uniform, one digit at
 * a time), rejected and drawn again while it is one digit repeated or a
 * straight run, and stored only as its keyed hash (gh_store_keyed_hash,
 * domain "door-code"). door_codes.code_hash is UNIQUE: a draw that hits
 * another account's code fails the insert with a constraint error and is
 * drawn again, so uniqueness is the database's, not a read-then-write race.
 *
 * The kiosk path (gh_doorcode_attempt) is the throttle check, one keyed hash
 * (microseconds) and one lookup through the code_hash index: no Argon2, no
 * write on success. A wrong code is logged with the first 8 hex digits of
 * its keyed hash (useful to see the same guess repeated, useless without the
 * site key) and counts toward the kiosk's throttle.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/i18n.h"
#include "gatehouse/sitekey.h"
#include "gatehouse/throttle.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define DOMAIN "door-code"
#define MAX_DRAWS 64             /* collisions: at 6 digits and 100,000 codes, 1 in 10 */

int gh_doorcode_shape_ok(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n < GH_DOORCODE_MIN_DIGITS || n > GH_DOORCODE_MAX_DIGITS)
        return 0;
    int same = 1, up = 1, down = 1;
    for (size_t i = 0; i < n; i++) {
        if (code[i] < '0' || code[i] > '9')
            return 0;
        if (i == 0)
            continue;
        same &= code[i] == code[0];
        up &= code[i] == code[i - 1] + 1;
        down &= code[i] == code[i - 1] - 1;
    }
    return !same && !up && !down;
}

static int digits_setting(struct gh_store *st)
{
    int64_t d = gh_settings_get_int(st, GH_SETTING_DOOR_CODE_DIGITS);
    if (d < GH_DOORCODE_MIN_DIGITS || d > GH_DOORCODE_MAX_DIGITS)
        d = 8;
    return (int)d;
}

static void draw(char *code, int digits)
{
    do {
        for (int i = 0; i < digits; i++)
            code[i] = (char)('0' + randombytes_uniform(10));
        code[digits] = '\0';
    } while (!gh_doorcode_shape_ok(code));
}

/* May this account hold a code? NULL, or the rule in words. */
static const char *refusal(const struct gh_account *a)
{
    switch (a->state) {
    case GH_STATE_PENDING:
        return _("A door code is only for active accounts: this account is waiting for approval.");
    case GH_STATE_INACTIVE:
        return _("A door code is only for active accounts: this account is inactive.");
    case GH_STATE_BLOCKED:
        return _("A door code is only for active accounts: this account is blocked.");
    case GH_STATE_REMOVED:
        return _("A door code is only for active accounts: this person was removed.");
    case GH_STATE_ACTIVE:
        break;
    }
    if (a->kind == GH_KIND_OCCUPANT && a->access == GH_ACCESS_NONE)
        return _("This account may not open any door (its access is none), so it gets no "
                 "door code.");
    if (a->kind == GH_KIND_STAFF &&
        !gh_perms_has(a->perms, GH_PERM_OPEN_COMMON) &&
        !gh_perms_has(a->perms, GH_PERM_OPEN_VACANT) &&
        !gh_perms_has(a->perms, GH_PERM_OPEN_SHARED))
        return _("This staff account may not open any door (no open permission), so it gets "
                 "no door code.");
    return NULL;
}

/* Stores hash as the account's one code. GH_E_EXISTS: another account holds it. */
static enum gh_status store_hash(struct gh_store *st, int64_t id, const char *hash)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO door_codes (account_id, code_hash, issued_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(account_id) DO UPDATE SET code_hash = excluded.code_hash, "
        "issued_at = excluded.issued_at");
    if (!q)
        return gh_store_sqlfail(st, _("saving the door code"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    enum gh_status s = sqlite3_step(q) == SQLITE_DONE ? GH_OK
                                                      : gh_store_sqlfail(st, _("saving the door code"));
    gh_store_done(st, q);
    return s;
}

/* Draws codes until one is free, stores its hash; code gets the digits. */
static enum gh_status store_fresh(struct gh_store *st, int64_t id, int digits, char *code)
{
    char hash[GH_SITEKEY_HEX];
    enum gh_status s = GH_E_EXISTS;

    for (int i = 0; i < MAX_DRAWS && s == GH_E_EXISTS; i++) {
        draw(code, digits);
        s = gh_store_keyed_hash(st, DOMAIN, code, hash);
        if (s == GH_OK)
            s = store_hash(st, id, hash);
    }
    if (s == GH_E_EXISTS)
        s = gh_store_fail(st, GH_E_REFUSED,
                          _("No free door code of %d digits was found; raise the "
                            "door_code_digits setting."), digits);
    sodium_memzero(hash, sizeof hash);
    return s;
}

enum gh_status gh_doorcode_issue(struct gh_store *st, const char *actor, int64_t account_id,
                                 char *code_out, size_t n)
{
    char code[GH_DOORCODE_BUF], target[320];
    struct gh_account a;
    const char *why;
    enum gh_status s;

    if (!code_out || n < GH_DOORCODE_BUF)
        return gh_store_fail(st, GH_E_INVALID, "%s", "door code: buffer too small");
    code_out[0] = '\0';
    actor = actor ? actor : "core";
    if ((s = gh_account_get(st, account_id, &a)) != GH_OK)
        return s;
    gh_rules_account_target(st, account_id, target, sizeof target);
    if ((why = refusal(&a)) != NULL)
        return gh_rules_refuse(st, 0, actor, "doorcode.issue", target, GH_E_REFUSED, "%s", why);
    int digits = digits_setting(st);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    int had = gh_doorcode_has(st, account_id);
    s = store_fresh(st, account_id, digits, code);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "doorcode.issue", target, GH_OUTCOME_OK,
                             "door code of %d digits issued%s", digits,
                             had ? " (the old one voided)" : "");
    if (s == GH_OK)
        s = gh_store_commit(st);
    else
        gh_store_rollback(st);
    if (s == GH_OK) {
        memcpy(code_out, code, strlen(code) + 1);
        st->errmsg[0] = '\0';
    }
    sodium_memzero(code, sizeof code);
    return s;
}

enum gh_status gh_doorcode_void(struct gh_store *st, const char *actor, int64_t account_id,
                                const char *why, int *voided)
{
    char target[320];
    sqlite3_stmt *q = gh_store_prepare(st, "DELETE FROM door_codes WHERE account_id = ?1");
    if (voided)
        *voided = 0;
    if (!q)
        return gh_store_sqlfail(st, _("voiding the door code"));
    sqlite3_bind_int64(q, 1, account_id);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("voiding the door code"));
    if (sqlite3_changes(gh_store_db(st)) == 0)
        return GH_OK;
    if (voided)
        *voided = 1;
    gh_rules_account_target(st, account_id, target, sizeof target);
    return gh_audit_appendf(st, actor ? actor : "core", "doorcode.void", target, GH_OUTCOME_OK,
                            "door code voided: %s", why ? why : "revoked");
}

enum gh_status gh_doorcode_revoke(struct gh_store *st, const char *actor, int64_t account_id)
{
    struct gh_account a;
    int voided = 0;
    enum gh_status s = gh_account_get(st, account_id, &a);
    if (s != GH_OK)
        return s;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_doorcode_void(st, actor, account_id, "revoked", &voided);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if ((s = gh_store_commit(st)) != GH_OK)
        return s;
    if (!voided)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("This account has no door code."));
    st->errmsg[0] = '\0';
    return GH_OK;
}

int gh_doorcode_has(struct gh_store *st, int64_t account_id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT 1 FROM door_codes WHERE account_id = ?1");
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, account_id);
    int has = sqlite3_step(q) == SQLITE_ROW;
    gh_store_done(st, q);
    return has;
}

/* The owner of a keyed hash: GH_OK and *id, GH_E_NOTFOUND, or a store error. */
static enum gh_status owner_of(struct gh_store *st, const char *hash, int64_t *id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT account_id FROM door_codes WHERE code_hash = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("looking up the door code"));
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    else if (rc == SQLITE_DONE)
        s = GH_E_NOTFOUND;
    else
        s = gh_store_sqlfail(st, _("looking up the door code"));
    gh_store_done(st, q);
    return s;
}

static int secs_up(int64_t ms)
{
    return (int)((ms + 999) / 1000);
}

/* A wrong code: logged with a short hash prefix, counted toward the throttle. */
static enum gh_status wrong_code(struct gh_store *st, const char *kiosk, const char *hash,
                                 int64_t *wait_ms)
{
    char target[200];
    int64_t wait = 0;
    snprintf(target, sizeof target, "kiosk:%s", kiosk);
    enum gh_status s = gh_audit_appendf(st, "kiosk", "door.code", target, GH_OUTCOME_FAILED,
                                        "wrong door code (hash %.8s)", hash[0] ? hash : "-");
    if (s == GH_OK)
        s = gh_throttle_fail(st, kiosk, GH_THROTTLE_CODE, &wait);
    if (wait_ms)
        *wait_ms = wait;
    if (s != GH_OK)
        return s;
    return gh_store_fail(st, GH_E_DENIED, "%s", _("That code is not right."));
}

enum gh_status gh_doorcode_attempt(struct gh_store *st, const char *kiosk, const char *code,
                                   struct gh_account *out, int64_t *wait_ms)
{
    char hash[GH_SITEKEY_HEX] = "", target[200];
    int64_t id = 0, wait;
    enum gh_status s;

    if (wait_ms)
        *wait_ms = 0;
    char name[128];
    gh_store_copy(name, sizeof name, kiosk && *kiosk ? kiosk : "kiosk");
    kiosk = name;               /* may have been gh_settings_get's buffer */
    if ((wait = gh_throttle_wait_ms(st, kiosk, GH_THROTTLE_CODE)) > 0) {
        if (wait_ms)
            *wait_ms = wait;
        snprintf(target, sizeof target, "kiosk:%s", kiosk);
        s = gh_audit_appendf(st, "kiosk", "door.code", target, GH_OUTCOME_REFUSED,
                             "throttled, %d s left (code not checked)", secs_up(wait));
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_LOCKED, _("Too many wrong codes. Try again in %d seconds."),
                             secs_up(wait));
    }
    if (!gh_doorcode_shape_ok(code))
        return wrong_code(st, kiosk, "", wait_ms);
    if ((s = gh_store_keyed_hash(st, DOMAIN, code, hash)) != GH_OK)
        return s;
    s = owner_of(st, hash, &id);
    if (s == GH_E_NOTFOUND)
        s = wrong_code(st, kiosk, hash, wait_ms);
    else if (s == GH_OK && out)
        s = gh_account_get(st, id, out);
    sodium_memzero(hash, sizeof hash);
    if (s == GH_OK)
        st->errmsg[0] = '\0';
    return s;
}
