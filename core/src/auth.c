/*
 * auth.c: kiosk identity (SPEC "Kiosk identity"; see auth.h): PINs, one-time
 * setup codes, and the lock-out after too many wrong attempts.
 *
 * Hashing. PINs and setup codes are stored only as Argon2id strings from
 * crypto_pwhash_str_alg ("$argon2id$v=19$m=19456,t=2,p=1$..."). libsodium's
 * INTERACTIVE preset (64 MiB, 2 passes) took ~315 ms a hash on the 2-core
 * build VM (more on a small kiosk board) and 64 MiB for every log-in; we use
 * t=2 and m=19 MiB, OWASP's recommended minimum for Argon2id, measured at
 * ~55 ms to verify and ~75 ms to hash on the same VM. Honest limit: a PIN has
 * at most 10^8 values and a code 10^6, so no hash makes an offline guess of a
 * stolen database hard; what protects a PIN is the lock-out at the kiosk and
 * the database's file permissions. The hash keeps PINs from being read in
 * clear from a backup or a glance at the file, which is what the SPEC asks.
 * The parameters live in the hash string, so they can be raised later and
 * old hashes still verify (and are re-hashed at the next good log-in).
 *
 * Lock-out. Each wrong PIN or code for an account is a row in auth_failures.
 * When the account has pin_attempts of them within lockout_min minutes, it is
 * locked (accounts.locked_until) for lockout_min minutes and its failures are
 * cleared, so after the lock it starts again with a full set of attempts. A
 * right PIN also clears them. While locked, the PIN is not even tried, so the
 * lock really stops guessing.
 *
 * Not giving things away. An unknown email/phone gets exactly the message of
 * a wrong PIN, after the same amount of hashing work. An occupant who is not
 * active is told so only after the right PIN. The log never holds a PIN or a
 * code; a failure for an unknown identifier is logged with target "unknown"
 * (what was typed might be a PIN in the wrong field).
 *
 * The slow hashing is done before the write transaction, so the database's
 * write lock is held only for the few rows that change.
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define PIN_MIN 4
#define PIN_MAX 8
#define HASH_OPS 2
#define HASH_MEM (19u * 1024 * 1024)
#define MAX_SECRET_LEN 64      /* longer input is wrong anyway; bounds the hashing */

/* ---- PIN rules ------------------------------------------------------------ */

int gh_auth_pin_format_ok(const char *pin, char *err, size_t errlen)
{
    size_t n = pin ? strlen(pin) : 0;
    int digits = n >= PIN_MIN && n <= PIN_MAX;
    for (size_t i = 0; digits && i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            digits = 0;
    if (!digits) {
        if (err && errlen)
            snprintf(err, errlen, _("PIN: must be %d to %d digits"), PIN_MIN, PIN_MAX);
        return -1;
    }
    return 0;
}

int gh_auth_pin_quality_ok(const char *pin, char *err, size_t errlen)
{
    if (gh_auth_pin_format_ok(pin, err, errlen) != 0)
        return -1;
    size_t n = strlen(pin);
    int same = 1, up = 1, down = 1;
    for (size_t i = 1; i < n; i++) {
        if (pin[i] != pin[0])
            same = 0;
        if (pin[i] != pin[i - 1] + 1)
            up = 0;
        if (pin[i] != pin[i - 1] - 1)
            down = 0;
    }
    if (same) {
        if (err && errlen)
            snprintf(err, errlen, "%s", _("PIN: must not be one digit repeated (like 1111)"));
        return -1;
    }
    if (up || down) {
        if (err && errlen)
            snprintf(err, errlen, "%s",
                     _("PIN: must not be a straight run of digits (like 1234 or 9876)"));
        return -1;
    }
    return 0;
}

/* ---- hashing -------------------------------------------------------------- */

static int hash_secret(const char *secret, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str_alg(out, secret, strlen(secret), HASH_OPS, HASH_MEM,
                                 crypto_pwhash_ALG_ARGON2ID13);
}

/* A hash to verify against when there is nothing real to check, so that an
 * unknown account costs the same time as a known one. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy(void)
{
    if (hash_secret("not-a-pin", dummy_hash) != 0)
        dummy_hash[0] = '\0';
}

/* 1 if secret matches the stored hash; stored NULL/"" does the same work and
 * says no. */
static int verify_secret(const char *stored, const char *secret)
{
    size_t len = secret ? strlen(secret) : 0;
    if (!secret || len > MAX_SECRET_LEN) {
        secret = "";
        len = 0;
    }
    if (!stored || !*stored) {
        pthread_once(&dummy_once, make_dummy);
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, secret, len) == 0)
            return 0;   /* equal work, same answer */
        return 0;
    }
    return crypto_pwhash_str_verify(stored, secret, len) == 0;
}

/* ---- small helpers -------------------------------------------------------- */

static void target_of(const struct gh_account *a, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%lld:%s", gh_kind_name(a->kind), (long long)a->id, a->email);
}

static int minutes_up(int64_t ms)
{
    return (int)((ms + 59999) / 60000);
}

/* The stored PIN hash of an account into buf ("" if none). */
static enum gh_status read_pin_hash(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT pin_hash FROM accounts WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the account"));
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    buf[0] = '\0';
    if (rc == SQLITE_ROW)
        gh_store_copy(buf, len, gh_store_col_text(q, 0));
    else if (rc == SQLITE_DONE)
        s = gh_store_fail(st, GH_E_NOTFOUND, "%s", _("no such account"));
    else
        s = gh_store_sqlfail(st, _("reading the account"));
    gh_store_done(st, q);
    return s;
}

static enum gh_status exec_id(struct gh_store *st, const char *sql, int64_t id, int64_t v,
                              const char *what)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    if (!q)
        return gh_store_sqlfail(st, what);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, v);
    enum gh_status s = sqlite3_step(q) == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, what);
    gh_store_done(st, q);
    return s;
}

/* A right PIN or code, or a PIN set by staff: the failure window and any
 * lock start afresh. (exec_id binds two values; ?2 is 0 here.) */
static enum gh_status clear_failures(struct gh_store *st, int64_t id)
{
    enum gh_status s = exec_id(st, "DELETE FROM auth_failures WHERE account_id = ?1 AND ?2 = 0",
                               id, 0, _("clearing failed attempts"));
    if (s != GH_OK)
        return s;
    return exec_id(st, "UPDATE accounts SET locked_until = ?2 WHERE id = ?1 AND locked_until <> 0",
                   id, 0, _("clearing the lock-out"));
}

int64_t gh_auth_locked_ms(struct gh_store *st, int64_t id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT locked_until FROM accounts WHERE id = ?1");
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, id);
    int64_t until = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    int64_t left = until - gh_clock_now_ms();
    return left > 0 ? left : 0;
}

/* Records one wrong PIN or code and starts the lock-out when the window is
 * full. Logs `action` failed with `what` ("wrong PIN"), and "auth.lockout"
 * when the lock starts. *locked_ms gets the lock's length if it started now. */
static enum gh_status record_failure(struct gh_store *st, const char *actor,
                                     const char *action, const struct gh_account *a,
                                     const char *what, int64_t *locked_ms)
{
    int64_t now = gh_clock_now_ms();
    int64_t attempts = gh_settings_get_int(st, GH_SETTING_PIN_ATTEMPTS);
    int64_t window = gh_settings_get_int(st, GH_SETTING_LOCKOUT_MIN) * 60000;
    char target[400];
    int64_t n = 0;
    enum gh_status s;
    sqlite3_stmt *q = NULL;

    *locked_ms = 0;
    target_of(a, target, sizeof target);
    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    /* Old failures no longer count; drop them so the table stays small. */
    s = exec_id(st, "DELETE FROM auth_failures WHERE account_id = ?1 AND at <= ?2", a->id,
                now - window, _("recording a failed attempt"));
    if (s != GH_OK)
        goto fail;
    s = exec_id(st, "INSERT INTO auth_failures (account_id, at) VALUES (?1, ?2)", a->id, now,
                _("recording a failed attempt"));
    if (s != GH_OK)
        goto fail;
    q = gh_store_prepare(st, "SELECT count(*) FROM auth_failures WHERE account_id = ?1 AND at > ?2");
    if (!q) {
        s = gh_store_sqlfail(st, _("recording a failed attempt"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, a->id);
    sqlite3_bind_int64(q, 2, now - window);
    if (sqlite3_step(q) != SQLITE_ROW) {
        s = gh_store_sqlfail(st, _("recording a failed attempt"));
        goto fail;
    }
    n = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    q = NULL;

    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_FAILED,
                         "%s (%lld of %lld within %lld min)", what, (long long)n,
                         (long long)attempts, (long long)(window / 60000));
    if (s != GH_OK)
        goto fail;
    if (n >= attempts) {
        s = exec_id(st, "UPDATE accounts SET locked_until = ?2 WHERE id = ?1", a->id,
                    now + window, _("starting the lock-out"));
        if (s == GH_OK)
            s = exec_id(st, "DELETE FROM auth_failures WHERE account_id = ?1 AND ?2 = 0", a->id,
                        0, _("starting the lock-out"));
        if (s == GH_OK)
            s = gh_audit_appendf(st, actor, "auth.lockout", target, GH_OUTCOME_OK,
                                 "%lld wrong PINs or codes within %lld min: locked for %lld min",
                                 (long long)n, (long long)(window / 60000),
                                 (long long)(window / 60000));
        if (s != GH_OK)
            goto fail;
        *locked_ms = window;
    }
    return gh_store_commit(st);

fail:
    gh_store_done(st, q);
    gh_store_rollback(st);
    return s;
}

/* Why an account that is not active can't log in, in words for the screen. */
static const char *not_active_reason(enum gh_state state)
{
    switch (state) {
    case GH_STATE_PENDING: return _("your account is waiting for approval");
    case GH_STATE_INACTIVE: return _("your account is not active; please ask the staff");
    case GH_STATE_BLOCKED: return _("your account can't be used here; please ask the staff");
    case GH_STATE_ACTIVE: break;
    }
    return "";
}

static enum gh_status locked_refusal(struct gh_store *st, const char *actor, const char *action,
                                     const struct gh_account *a, int64_t left)
{
    char target[400];
    target_of(a, target, sizeof target);
    enum gh_status s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_REFUSED,
                                        "locked out for %d min", minutes_up(left));
    if (s != GH_OK)
        return s;
    return gh_store_fail(st, GH_E_LOCKED,
                         _("Too many wrong attempts: log-in is locked for %d more minutes."),
                         minutes_up(left));
}

/* Looks WHO up; an unknown (or unparsable) identifier is GH_E_NOTFOUND and
 * anything else is a real error. */
static enum gh_status find_who(struct gh_store *st, const char *who, struct gh_account *a)
{
    if (!who || !*who)
        return GH_E_NOTFOUND;
    enum gh_status s = gh_account_find(st, who, a);
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID)
        return GH_E_NOTFOUND;
    return s;
}

/* ---- log-in ---------------------------------------------------------------- */

/* The start of every kiosk attempt (log-in, setup code): finds WHO; an
 * unknown one is refused with `denied` after the same hashing work a real
 * check does (so neither message nor timing tells), and a locked-out account
 * is refused with the minutes left. Both are logged under `action`. GH_OK:
 * go on with *a, whose log target is in target. */
static enum gh_status attempt_start(struct gh_store *st, const char *actor, const char *action,
                                    const char *who, const char *secret, const char *denied,
                                    struct gh_account *a, char *target, size_t tlen)
{
    enum gh_status s;

    memset(a, 0, sizeof *a);
    s = find_who(st, who, a);
    if (s == GH_E_NOTFOUND) {
        verify_secret(NULL, secret);
        s = gh_audit_append(st, actor, action, "unknown", GH_OUTCOME_FAILED, "no such account");
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_DENIED, "%s", denied);
    }
    if (s != GH_OK)
        return s;
    target_of(a, target, tlen);
    int64_t left = gh_auth_locked_ms(st, a->id);
    if (left > 0)
        return locked_refusal(st, actor, action, a, left);
    return GH_OK;
}

enum gh_status gh_auth_login(struct gh_store *st, const char *actor, const char *who,
                             const char *pin, struct gh_account *out)
{
    struct gh_account a;
    char stored[crypto_pwhash_STRBYTES + 8], target[400];
    const char *denied = _("That PIN is not right, or there is no account with that email or phone.");
    enum gh_status s;

    s = attempt_start(st, actor, "auth.login", who, pin, denied, &a, target,
                      sizeof target);
    if (s != GH_OK)
        return s;

    s = read_pin_hash(st, a.id, stored, sizeof stored);
    if (s != GH_OK)
        return s;
    if (!verify_secret(stored, pin)) {
        int64_t locked = 0;
        s = record_failure(st, actor, "auth.login", &a,
                           stored[0] ? "wrong PIN" : "no PIN set yet", &locked);
        if (s != GH_OK)
            return s;
        if (locked > 0)
            return gh_store_fail(st, GH_E_LOCKED,
                                 _("That PIN is not right. Too many wrong attempts: log-in is "
                                   "locked for %d minutes."), minutes_up(locked));
        return gh_store_fail(st, GH_E_DENIED, "%s", denied);
    }

    /* The right PIN: the window starts afresh, whatever comes next. */
    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = clear_failures(st, a.id);
    if (s != GH_OK)
        goto fail;
    if (a.state != GH_STATE_ACTIVE) {
        s = gh_audit_appendf(st, actor, "auth.login", target, GH_OUTCOME_REFUSED,
                             "not active: %s", gh_state_name(a.state));
        if (s != GH_OK)
            goto fail;
        s = gh_store_commit(st);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_REFUSED, "%s", not_active_reason(a.state));
    }
    /* Parameters raised since this PIN was set: store a fresh hash. */
    if (crypto_pwhash_str_needs_rehash(stored, HASH_OPS, HASH_MEM) != 0) {
        char fresh[crypto_pwhash_STRBYTES];
        if (hash_secret(pin, fresh) == 0) {
            sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET pin_hash = ?2 WHERE id = ?1");
            if (q) {
                sqlite3_bind_int64(q, 1, a.id);
                sqlite3_bind_text(q, 2, fresh, -1, SQLITE_STATIC);
                sqlite3_step(q);
                gh_store_done(st, q);
            }
        }
    }
    s = gh_audit_append(st, actor, "auth.login", target, GH_OUTCOME_OK, "");
    if (s != GH_OK)
        goto fail;
    s = gh_store_commit(st);
    if (s != GH_OK)
        return s;
    gh_account_touch(st, a.id);
    if (out) {
        s = gh_account_get(st, a.id, out);
        if (s != GH_OK)
            *out = a;
    }
    st->errmsg[0] = '\0';
    return GH_OK;

fail:
    gh_store_rollback(st);
    return s;
}

/* ---- setting a PIN -------------------------------------------------------- */

enum gh_status gh_auth_set_pin(struct gh_store *st, const char *actor, int64_t id,
                               const char *pin)
{
    char err[256], hash[crypto_pwhash_STRBYTES], target[400];
    struct gh_account a;
    enum gh_status s;

    s = gh_account_get(st, id, &a);
    if (s != GH_OK)
        return s;
    target_of(&a, target, sizeof target);
    if (gh_auth_pin_quality_ok(pin, err, sizeof err) != 0) {
        s = gh_audit_appendf(st, actor, "auth.pin", target, GH_OUTCOME_REFUSED, "%s", err);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_INVALID, "%s", err);
    }
    if (hash_secret(pin, hash) != 0)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("not enough memory to protect the PIN"));

    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET pin_hash = ?2, updated_at = ?3 "
                                           "WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("saving the PIN"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    if (sqlite3_step(q) != SQLITE_DONE) {
        gh_store_done(st, q);
        s = gh_store_sqlfail(st, _("saving the PIN"));
        goto fail;
    }
    gh_store_done(st, q);
    s = clear_failures(st, id);
    if (s == GH_OK)
        s = gh_audit_append(st, actor, "auth.pin", target, GH_OUTCOME_OK, "PIN set");
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);

fail:
    gh_store_rollback(st);
    return s;
}

/* ---- setup codes ------------------------------------------------------------ */

enum gh_status gh_auth_issue_code(struct gh_store *st, int64_t id,
                                  char code_out[GH_CODE_LEN + 1])
{
    char code[GH_CODE_LEN + 1], hash[crypto_pwhash_STRBYTES], target[400];
    struct gh_account a;
    enum gh_status s;

    s = gh_account_get(st, id, &a);
    if (s != GH_OK)
        return s;
    target_of(&a, target, sizeof target);
    for (int i = 0; i < GH_CODE_LEN; i++)
        code[i] = (char)('0' + randombytes_uniform(10));
    code[GH_CODE_LEN] = '\0';
    if (hash_secret(code, hash) != 0) {
        sodium_memzero(code, sizeof code);
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("not enough memory to protect the setup code"));
    }

    int64_t now = gh_clock_now_ms();
    s = gh_store_begin(st);
    if (s != GH_OK)
        goto out;
    /* One row per account: replacing it voids the previous code. */
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO setup_codes (account_id, code_hash, issued_at, expires_at, used_at) "
        "VALUES (?1, ?2, ?3, ?4, NULL) ON CONFLICT(account_id) DO UPDATE SET "
        "code_hash = excluded.code_hash, issued_at = excluded.issued_at, "
        "expires_at = excluded.expires_at, used_at = NULL");
    if (!q) {
        s = gh_store_sqlfail(st, _("saving the setup code"));
        gh_store_rollback(st);
        goto out;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, now + GH_CODE_TTL_MS);
    if (sqlite3_step(q) != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("saving the setup code"));
        gh_store_done(st, q);
        gh_store_rollback(st);
        goto out;
    }
    gh_store_done(st, q);
    s = gh_audit_append(st, "core", "auth.code", target, GH_OUTCOME_OK,
                        "setup code issued, valid 72 h (any earlier code voided)");
    if (s != GH_OK) {
        gh_store_rollback(st);
        goto out;
    }
    s = gh_store_commit(st);
    if (s == GH_OK)
        memcpy(code_out, code, sizeof code);
out:
    sodium_memzero(code, sizeof code);
    return s;
}

enum gh_status gh_auth_redeem(struct gh_store *st, const char *actor, const char *who,
                              const char *code, const char *pin)
{
    struct gh_account a;
    char stored[crypto_pwhash_STRBYTES + 8], target[400], err[256];
    char pin_hash[crypto_pwhash_STRBYTES];
    const char *denied = _("That code is not right. Check the newest welcome email, "
                           "or ask the staff to send a new one.");
    int64_t expires_at = 0, used_at = 0, now;
    int have_row = 0;
    enum gh_status s;
    sqlite3_stmt *q = NULL;

    s = attempt_start(st, actor, "auth.setup", who, code, denied, &a, target,
                      sizeof target);
    if (s != GH_OK)
        return s;

    q = gh_store_prepare(st, "SELECT code_hash, expires_at, used_at FROM setup_codes "
                             "WHERE account_id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the setup code"));
    sqlite3_bind_int64(q, 1, a.id);
    int rc = sqlite3_step(q);
    stored[0] = '\0';
    if (rc == SQLITE_ROW) {
        have_row = 1;
        gh_store_copy(stored, sizeof stored, gh_store_col_text(q, 0));
        expires_at = sqlite3_column_int64(q, 1);
        used_at = sqlite3_column_int64(q, 2);
    }
    gh_store_done(st, q);
    q = NULL;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the setup code"));

    size_t clen = code ? strlen(code) : 0;
    int code_shape = clen == GH_CODE_LEN;
    for (size_t i = 0; code_shape && i < clen; i++)
        if (code[i] < '0' || code[i] > '9')
            code_shape = 0;
    if (!have_row || !code_shape || !verify_secret(stored, code)) {
        int64_t locked = 0;
        s = record_failure(st, actor, "auth.setup", &a,
                           have_row ? "wrong setup code" : "wrong setup code (none issued)",
                           &locked);
        if (s != GH_OK)
            return s;
        if (locked > 0)
            return gh_store_fail(st, GH_E_LOCKED,
                                 _("That code is not right. Too many wrong attempts: log-in is "
                                   "locked for %d minutes."), minutes_up(locked));
        return gh_store_fail(st, GH_E_DENIED, "%s", denied);
    }

    now = gh_clock_now_ms();
    /* The state first: the code of an account that was switched off was
     * voided then (account.c), and its holder is better told why. */
    if (a.state != GH_STATE_ACTIVE) {
        s = gh_audit_appendf(st, actor, "auth.setup", target, GH_OUTCOME_REFUSED,
                             "not active: %s", gh_state_name(a.state));
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_REFUSED, "%s", not_active_reason(a.state));
    }
    if (used_at) {
        s = gh_audit_append(st, actor, "auth.setup", target, GH_OUTCOME_REFUSED,
                            "setup code already used");
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_EXPIRED,
                             "%s", _("That code has already been used. If you forgot your PIN, "
                                     "ask the staff to send a new code."));
    }
    if (now >= expires_at) {
        s = gh_audit_append(st, actor, "auth.setup", target, GH_OUTCOME_REFUSED,
                            "setup code expired");
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_EXPIRED,
                             "%s", _("That code has expired (codes last 72 hours). Ask the staff "
                                     "to send a new one."));
    }
    /* A weak PIN is the person's typo, not a guess: the code stays valid. */
    if (gh_auth_pin_quality_ok(pin, err, sizeof err) != 0) {
        s = gh_audit_appendf(st, actor, "auth.setup", target, GH_OUTCOME_REFUSED,
                             "%s (code kept)", err);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_INVALID, "%s", err);
    }
    if (hash_secret(pin, pin_hash) != 0)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("not enough memory to protect the PIN"));

    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    /* Marks the very code we checked as used; if another kiosk redeemed or
     * replaced it meanwhile, nothing matches and this attempt loses. */
    q = gh_store_prepare(st, "UPDATE setup_codes SET used_at = ?3 WHERE account_id = ?1 "
                             "AND code_hash = ?2 AND used_at IS NULL");
    if (!q) {
        s = gh_store_sqlfail(st, _("using the setup code"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, a.id);
    sqlite3_bind_text(q, 2, stored, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    if (sqlite3_step(q) != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("using the setup code"));
        goto fail;
    }
    gh_store_done(st, q);
    q = NULL;
    if (sqlite3_changes(st->db) != 1) {
        s = gh_store_fail(st, GH_E_EXPIRED, "%s", _("That code has already been used."));
        goto fail;
    }
    q = gh_store_prepare(st, "UPDATE accounts SET pin_hash = ?2, updated_at = ?3 WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("saving the PIN"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, a.id);
    sqlite3_bind_text(q, 2, pin_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    if (sqlite3_step(q) != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("saving the PIN"));
        goto fail;
    }
    gh_store_done(st, q);
    q = NULL;
    s = clear_failures(st, a.id);
    if (s == GH_OK)
        s = gh_audit_append(st, actor, "auth.setup", target, GH_OUTCOME_OK,
                            "PIN set with the setup code");
    if (s != GH_OK)
        goto fail;
    s = gh_store_commit(st);
    if (s == GH_OK)
        st->errmsg[0] = '\0';
    return s;

fail:
    gh_store_done(st, q);
    gh_store_rollback(st);
    return s;
}
