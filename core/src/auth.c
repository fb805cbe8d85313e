/*
 * auth.c: kiosk identity (SPEC "Kiosk identity"; see auth.h): PINs, one-time
 * setup codes, and the lock-out after too many wrong attempts.
 *
 * Hashing. PINs are stored only as Argon2id strings from
 * crypto_pwhash_str_alg ("$argon2id$v=19$m=19456,t=2,p=1$..."). libsodium's
 * INTERACTIVE preset (64 MiB, 2 passes) took ~315 ms a hash on the 2-core
 * build VM (more on a small kiosk board) and 64 MiB for every log-in; we use
 * t=2 and m=19 MiB, OWASP's recommended minimum for Argon2id, measured at
 * ~55 ms to verify and ~75 ms to hash on the same VM. Honest limit: a PIN has
 * at most 10^8 values, so no hash makes an offline guess of a stolen
 * database hard; what protects a PIN is the lock-out at the kiosk and the
 * database's file permissions. The hash keeps PINs from being read in clear
 * from a backup or a glance at the file, which is what the SPEC asks. The
 * parameters live in the hash string, so they can be raised later and old
 * hashes still verify (and are re-hashed at the next good log-in).
 *
 * Setup codes (6 random digits, 72 h, guarded by the same lock-out) are
 * stored as the site key's keyed hash (sitekey.h, domain "setup-code"): a
 * microsecond instead of ~75 ms, so an import that mails thousands of codes
 * no longer holds the write lock for seconds (issue 11), and a database
 * copied off the device without its key file reveals no code. Codes issued
 * before (Argon2id strings) still redeem until they expire.
 *
 * Lock-out. Each wrong PIN or code for an account is a row in auth_failures.
 * The row is written before the secret is checked, in the transaction that
 * checks the lock (see reserve()): concurrent attempts can't check more
 * than pin_attempts secrets, and an attempt that can't be recorded (disk
 * full, database locked) is refused, never checked uncounted. A right secret
 * removes the row again. When the account has pin_attempts failures within
 * lockout_min minutes, it is locked (accounts.locked_until) for lockout_min
 * minutes and its failures are cleared, so after the lock it starts again
 * with a full set of attempts. A right PIN also clears them. While locked,
 * the PIN is not even tried, so the lock really stops guessing.
 *
 * Not giving things away. An unknown email/phone gets exactly the message of
 * a wrong PIN, after the same amount of hashing work (the dummy hash for
 * that is made at start, gh_auth_init). An account id is not a log-in: it is
 * treated as unknown. An occupant who is not active is told so only after
 * the right PIN. The log never holds a PIN or a code; a failure for an
 * unknown identifier is logged with target "unknown" (what was typed might
 * be a PIN in the wrong field).
 *
 * The slow hashing is done outside any write transaction, so the database's
 * write lock is held only for the few rows that change.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"
#include "gatehouse/sitekey.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Secrets checked by this process (the test hook gh_auth_checks). */
static _Atomic long checks;

/* A hash to verify against when there is nothing real to check, so that an
 * unknown account costs the same time as a known one. Built at start
 * (gh_auth_init, from the programs' start-up and at the top of every
 * attempt), never on the first unknown attempt: that one would cost twice
 * the work and tell. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static _Atomic int dummy_ready;
static void make_dummy(void)
{
    if (hash_secret("not-a-pin", dummy_hash) != 0)
        dummy_hash[0] = '\0';
    else
        dummy_ready = 1;
}

void gh_auth_init(void)
{
    pthread_once(&dummy_once, make_dummy);
}

static void *init_thread(void *arg)
{
    gh_auth_init();
    return arg;
}

void gh_auth_init_background(void)
{
    pthread_t t;
    pthread_attr_t at;
    if (pthread_attr_init(&at) == 0 &&
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) == 0 &&
        pthread_create(&t, &at, init_thread, NULL) == 0) {
        pthread_attr_destroy(&at);
        return;
    }
    gh_auth_init();                 /* no thread: do it here, still at start */
}

int gh_auth_dummy_ready(void)
{
    return dummy_ready;
}

long gh_auth_checks(void)
{
    return checks;
}

/* 1 if secret matches the Argon2id string stored; stored NULL/"" does the
 * same work against the dummy and says no. */
static int verify_argon(const char *stored, const char *secret)
{
    size_t len = secret ? strlen(secret) : 0;
    if (!secret || len > MAX_SECRET_LEN) {
        secret = "";
        len = 0;
    }
    checks++;
    if (!stored || !*stored) {
        gh_auth_init();
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, secret, len) == 0)
            return 0;   /* equal work, same answer */
        return 0;
    }
    return crypto_pwhash_str_verify(stored, secret, len) == 0;
}

#define ARGON_PREFIX "$argon2id$"
#define CODE_DOMAIN "setup-code"

/* 1 if code matches a stored setup-code hash: the keyed hash (64 hex
 * digits), or an Argon2id string from a version before it, so that codes
 * already mailed still redeem within their 72 hours. stored NULL does the
 * keyed hash's work and says no. */
static int verify_code(struct gh_store *st, const char *stored, const char *code)
{
    char hex[GH_SITEKEY_HEX];
    if (!code || strlen(code) > MAX_SECRET_LEN)
        code = "";
    if (stored && strncmp(stored, ARGON_PREFIX, strlen(ARGON_PREFIX)) == 0)
        return verify_argon(stored, code);
    checks++;
    if (gh_store_keyed_hash(st, CODE_DOMAIN, code, hex) != GH_OK)
        return 0;
    int ok = stored && strlen(stored) == GH_SITEKEY_HEX - 1 &&
             sodium_memcmp(hex, stored, GH_SITEKEY_HEX - 1) == 0;
    sodium_memzero(hex, sizeof hex);
    return ok;
}

/* ---- small helpers -------------------------------------------------------- */

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

/* The first row's two integer columns of sql (?1 = id, ?2 = v); 0 if none. */
static enum gh_status query2(struct gh_store *st, const char *sql, int64_t id, int64_t v,
                             int64_t *c0, int64_t *c1, const char *what)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    if (!q)
        return gh_store_sqlfail(st, what);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, v);
    int rc = sqlite3_step(q);
    *c0 = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (c1)
        *c1 = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : 0;
    enum gh_status s = rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, what);
    gh_store_done(st, q);
    return s;
}

/* A right PIN or code, or a PIN set by staff: the failure window and any
 * lock start afresh. Only failures finished before row `below` was added
 * go: attempts still being checked (pending), and failures finished while
 * the right one was being checked (re-added with a higher id, see
 * attempt_failed), keep their places, or concurrent guesses would get past
 * pin_attempts. */
static enum gh_status clear_failures(struct gh_store *st, int64_t id, int64_t below)
{
    enum gh_status s = gh_store_run(st, _("clearing failed attempts"),
                                    "DELETE FROM auth_failures WHERE account_id = ?1 "
                                    "AND pending = 0 AND id < ?2",
                                    GH_INT(id), GH_INT(below));
    if (s != GH_OK)
        return s;
    return gh_store_run(st, _("clearing the lock-out"),
                        "UPDATE accounts SET locked_until = ?2 WHERE id = ?1 AND locked_until <> 0",
                        GH_INT(id), GH_INT(0));
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

/* Why an account that is not active can't log in, in words for the screen. */
static const char *not_active_reason(enum gh_state state)
{
    switch (state) {
    case GH_STATE_PENDING: return _("your account is waiting for approval");
    case GH_STATE_INACTIVE: return _("your account is not active; please ask the staff");
    case GH_STATE_BLOCKED:
    case GH_STATE_REMOVED: return _("your account can't be used here; please ask the staff");
    case GH_STATE_ACTIVE: break;
    }
    return "";
}

/* 1 if WHO is an account id that found the account with that id. The
 * kiosk's log-in fields take an email or a phone number, never an id: an id
 * lets one guess common PINs across accounts 1..N and lock the admin out.
 * gh_account_find also takes ids (the CLI's `occupant show 12`), so this is
 * checked here: all digits, the number is the account's id, and it is not
 * that account's phone number either. */
static int typed_an_id(const char *who, const struct gh_account *a)
{
    char digits[32], phone[GH_PHONE_BUF];
    size_t n = 0, k = 0;
    while (*who == ' ')
        who++;
    for (; *who && *who != ' '; who++) {
        if (*who < '0' || *who > '9' || n + 1 >= sizeof digits)
            return 0;
        digits[n++] = *who;
    }
    while (*who == ' ')
        who++;
    if (*who || !n)
        return 0;
    digits[n] = '\0';
    if (strtoll(digits, NULL, 10) != a->id)
        return 0;
    for (const char *p = a->phone; *p && k + 1 < sizeof phone; p++)
        if (*p >= '0' && *p <= '9')
            phone[k++] = *p;
    phone[k] = '\0';
    const char *sig = digits + strspn(digits, "0");
    size_t sl = strlen(sig);
    return !(sl >= 6 && k >= sl && strcmp(phone + k - sl, sig) == 0);
}

/* Looks WHO up; an unknown (or unparsable) identifier, or an account id, is
 * GH_E_NOTFOUND and anything else is a real error. */
enum gh_status gh_auth_find_who(struct gh_store *st, const char *who, struct gh_account *a)
{
    if (!who || !*who)
        return GH_E_NOTFOUND;
    enum gh_status s = gh_account_find(st, who, a);
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID)
        return GH_E_NOTFOUND;
    if (s == GH_OK && typed_an_id(who, a)) {
        memset(a, 0, sizeof *a);
        return GH_E_NOTFOUND;
    }
    return s;
}

/* ---- attempts: counted before the secret is checked ------------------------ */

enum secret_kind { SECRET_PIN, SECRET_CODE };

struct attempt {
    const char *actor, *action;
    struct gh_account a;
    char target[400];
    int64_t slot;          /* the attempt's provisional failure row */
};

/* What an attempt that can't be recorded says: it is refused (fail closed;
 * an uncounted guess would slip past the lock-out), with the store's reason
 * for the operator's log. */
static enum gh_status unrecorded(struct gh_store *st, enum gh_status s, struct attempt *t)
{
    char why[GH_STORE_ERRMSG_LEN];
    snprintf(why, sizeof why, "%s", gh_store_errmsg(st));
    gh_oplog(GH_LOG_ERR, "%s for %s refused: the attempt could not be recorded: %s",
             t->action, t->target, why);
    return gh_store_fail(st, s == GH_OK ? GH_E_STORE : s,
                         _("The attempt could not be recorded, so it was refused; please try "
                           "again in a moment (%s)."), why);
}

/* Refuses inside the reservation's transaction, logged and committed. */
static enum gh_status refuse_locked(struct gh_store *st, struct attempt *t, int64_t left,
                                    const char *why)
{
    enum gh_status s = gh_audit_appendf(st, t->actor, t->action, t->target, GH_OUTCOME_REFUSED,
                                        "%s for %d min", why, minutes_up(left));
    if (s == GH_OK)
        s = gh_store_commit(st);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return unrecorded(st, s, t);
    }
    return gh_store_fail(st, GH_E_LOCKED,
                         _("Too many wrong attempts: log-in is locked for %d more minutes."),
                         minutes_up(left));
}

/* Counts the attempt before its secret is checked. In one write transaction
 * (BEGIN IMMEDIATE): a locked account is refused; so is one whose window
 * already holds pin_attempts failures, counting attempts still being
 * checked elsewhere; otherwise a provisional failure row is added, which a
 * wrong secret keeps and a right one removes. So concurrent attempts check
 * at most pin_attempts secrets, and the slow hash runs after the commit,
 * never under the write lock. */
static enum gh_status reserve(struct gh_store *st, struct attempt *t)
{
    int64_t now = gh_clock_now_ms();
    int64_t attempts = gh_settings_get_int(st, GH_SETTING_PIN_ATTEMPTS);
    int64_t window = gh_settings_get_int(st, GH_SETTING_LOCKOUT_MIN) * 60000;
    const char *what = _("recording the attempt");
    int64_t until = 0, n = 0, oldest = 0;

    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return unrecorded(st, s, t);
    s = query2(st, "SELECT locked_until, ?2 FROM accounts WHERE id = ?1", t->a.id, 0, &until,
               NULL, what);
    if (s == GH_OK && until > now)
        return refuse_locked(st, t, until - now, "locked out");
    if (s == GH_OK)
        s = gh_store_run(st, what,
                         "DELETE FROM auth_failures WHERE account_id = ?1 AND at <= ?2",
                         GH_INT(t->a.id), GH_INT(now - window));
    if (s == GH_OK)
        s = query2(st, "SELECT count(*), min(at) FROM auth_failures WHERE account_id = ?1 "
                       "AND at > ?2", t->a.id, now - window, &n, &oldest, what);
    if (s == GH_OK && n >= attempts)
        return refuse_locked(st, t, oldest + window - now,
                             "all attempts of the window taken (some may still be checked)");
    if (s == GH_OK)
        s = gh_store_run(st, what,
                         "INSERT INTO auth_failures (account_id, at, pending) VALUES (?1, ?2, 1)",
                         GH_INT(t->a.id), GH_INT(now));
    t->slot = sqlite3_last_insert_rowid(gh_store_db(st));
    if (s == GH_OK)
        s = gh_store_commit(st);
    else
        gh_store_rollback(st);
    return s == GH_OK ? GH_OK : unrecorded(st, s, t);
}

/* A right secret that still doesn't log in (weak new PIN, used code): the
 * attempt was no guess, so its provisional failure goes. */
static void release(struct gh_store *st, const struct attempt *t)
{
    gh_store_run(st, _("recording the attempt"),
                 "DELETE FROM auth_failures WHERE id = ?1 AND account_id = ?2",
                 GH_INT(t->slot), GH_INT(t->a.id));
}

/* A right secret: its own provisional failure goes, and the window starts
 * afresh (clear_failures). Inside the caller's transaction. */
static enum gh_status succeeded(struct gh_store *st, const struct attempt *t)
{
    enum gh_status s = gh_store_run(st, _("clearing failed attempts"),
                                    "DELETE FROM auth_failures WHERE id = ?1 AND account_id = ?2",
                                    GH_INT(t->slot), GH_INT(t->a.id));
    return s == GH_OK ? clear_failures(st, t->a.id, t->slot) : s;
}

/* A wrong secret: its failure row stays. Logs `what` ("wrong PIN") with the
 * count, and starts the lock-out when the window is full ("auth.lockout").
 * *locked_ms gets the lock's length if the account is locked now. */
static enum gh_status attempt_failed(struct gh_store *st, struct attempt *t, const char *what,
                                     int64_t *locked_ms)
{
    int64_t now = gh_clock_now_ms();
    int64_t attempts = gh_settings_get_int(st, GH_SETTING_PIN_ATTEMPTS);
    int64_t window = gh_settings_get_int(st, GH_SETTING_LOCKOUT_MIN) * 60000;
    const char *w = _("recording a failed attempt");
    int64_t n = 0, until = 0;

    *locked_ms = 0;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    /* Finished: re-added under a new, higher id (see clear_failures). */
    s = gh_store_run(st, w,
                     "DELETE FROM auth_failures WHERE id = ?1 AND account_id = ?2",
                     GH_INT(t->slot), GH_INT(t->a.id));
    if (s == GH_OK && sqlite3_changes(gh_store_db(st)) == 1)
        s = gh_store_run(st, w,
                         "INSERT INTO auth_failures (account_id, at, pending) VALUES (?1, ?2, 0)",
                         GH_INT(t->a.id), GH_INT(now));
    if (s == GH_OK)
        s = query2(st, "SELECT count(*), (SELECT locked_until FROM accounts WHERE id = ?1) "
                   "FROM auth_failures WHERE account_id = ?1 AND at > ?2 AND pending = 0",
               t->a.id, now - window, &n, &until, w);
    if (s == GH_OK)
        s = gh_audit_appendf(st, t->actor, t->action, t->target, GH_OUTCOME_FAILED,
                             "%s (%lld of %lld within %lld min)", what, (long long)n,
                             (long long)attempts, (long long)(window / 60000));
    if (s == GH_OK && until > now)
        *locked_ms = until - now;        /* locked meanwhile by another attempt */
    else if (s == GH_OK && n >= attempts) {
        s = gh_store_run(st, _("starting the lock-out"),
                         "UPDATE accounts SET locked_until = ?2 WHERE id = ?1",
                         GH_INT(t->a.id), GH_INT(now + window));
        if (s == GH_OK)
            s = gh_store_run(st, _("starting the lock-out"),
                             "DELETE FROM auth_failures WHERE account_id = ?1 AND ?2 = 0",
                             GH_INT(t->a.id), GH_INT(0));
        if (s == GH_OK)
            s = gh_audit_appendf(st, t->actor, "auth.lockout", t->target, GH_OUTCOME_OK,
                                 "%lld wrong PINs or codes within %lld min: locked for %lld min",
                                 (long long)n, (long long)(window / 60000),
                                 (long long)(window / 60000));
        *locked_ms = window;
    }
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}

/* The start of every kiosk attempt (log-in, setup code): finds WHO; an
 * unknown one (or an account id) is refused with `denied` after the same
 * hashing work a real check does (so neither message nor timing tells);
 * then the attempt is counted (reserve). GH_OK: go on with t->a. */
static enum gh_status attempt_start(struct gh_store *st, struct attempt *t, const char *who,
                                    const char *secret, enum secret_kind kind,
                                    const char *denied)
{
    gh_auth_init();
    enum gh_status s = gh_auth_find_who(st, who, &t->a);
    if (s == GH_E_NOTFOUND) {
        if (kind == SECRET_PIN)
            verify_argon(NULL, secret);
        else
            verify_code(st, NULL, secret);
        s = gh_audit_append(st, t->actor, t->action, "unknown", GH_OUTCOME_FAILED,
                            "no such account");
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_DENIED, "%s", denied);
    }
    if (s != GH_OK)
        return s;
    gh_rules_target_of(&t->a, t->target, sizeof t->target);
    return reserve(st, t);
}

/* A wrong secret's answer: `denied`, or the lock-out's minutes. */
static enum gh_status wrong_secret(struct gh_store *st, struct attempt *t, const char *what,
                                   const char *denied, const char *locked_fmt)
{
    int64_t locked = 0;
    enum gh_status s = attempt_failed(st, t, what, &locked);
    if (s != GH_OK)
        return s;
    if (locked > 0)
        return gh_store_fail(st, GH_E_LOCKED, locked_fmt, minutes_up(locked));
    return gh_store_fail(st, GH_E_DENIED, "%s", denied);
}

/* ---- log-in ---------------------------------------------------------------- */

/* A right PIN: the window starts afresh, whatever comes next; an account
 * that is not active is told why; a hash with older parameters is renewed. */
static enum gh_status login_ok(struct gh_store *st, struct attempt *t, const char *stored,
                               const char *pin)
{
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = succeeded(st, t);
    if (s == GH_OK && t->a.state != GH_STATE_ACTIVE) {
        s = gh_audit_appendf(st, t->actor, "auth.login", t->target, GH_OUTCOME_REFUSED,
                             "not active: %s", gh_state_name(t->a.state));
        if (s == GH_OK)
            s = gh_store_commit(st);
        else
            gh_store_rollback(st);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_REFUSED, "%s", not_active_reason(t->a.state));
    }
    if (s == GH_OK && crypto_pwhash_str_needs_rehash(stored, HASH_OPS, HASH_MEM) != 0) {
        char fresh[crypto_pwhash_STRBYTES];
        if (hash_secret(pin, fresh) == 0) {
            sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET pin_hash = ?2 WHERE id = ?1");
            if (q) {
                sqlite3_bind_int64(q, 1, t->a.id);
                sqlite3_bind_text(q, 2, fresh, -1, SQLITE_STATIC);
                sqlite3_step(q);
                gh_store_done(st, q);
            }
        }
    }
    if (s == GH_OK)
        s = gh_audit_append(st, t->actor, "auth.login", t->target, GH_OUTCOME_OK, "");
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}

enum gh_status gh_auth_login(struct gh_store *st, const char *actor, const char *who,
                             const char *pin, struct gh_account *out)
{
    struct attempt t = { .actor = actor, .action = "auth.login" };
    char stored[crypto_pwhash_STRBYTES + 8];
    const char *denied = _("That PIN is not right, or there is no account with that email or phone.");
    enum gh_status s;

    s = attempt_start(st, &t, who, pin, SECRET_PIN, denied);
    if (s != GH_OK)
        return s;
    s = read_pin_hash(st, t.a.id, stored, sizeof stored);
    if (s != GH_OK)
        return s;             /* the attempt stays counted: fail closed */
    if (!verify_argon(stored, pin)) {
        s = wrong_secret(st, &t, stored[0] ? "wrong PIN" : "no PIN set yet", denied,
                         _("That PIN is not right. Too many wrong attempts: log-in is "
                           "locked for %d minutes."));
        /* A pending sign-up has no PIN yet (its setup code comes with the
         * approval): it is told it waits for approval, which says no more
         * than the sign-up form's "already used" does. */
        if (s == GH_E_DENIED && !stored[0] && t.a.id && t.a.state == GH_STATE_PENDING)
            return gh_store_fail(st, GH_E_REFUSED, "%s", not_active_reason(t.a.state));
        return s;
    }
    s = login_ok(st, &t, stored, pin);
    if (s != GH_OK)
        return s;
    gh_account_touch(st, t.a.id);
    if (out) {
        s = gh_account_get(st, t.a.id, out);
        if (s != GH_OK)
            *out = t.a;
    }
    st->errmsg[0] = '\0';
    return GH_OK;
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
    gh_rules_target_of(&a, target, sizeof target);
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
    s = clear_failures(st, id, INT64_MAX);
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
    char code[GH_CODE_LEN + 1], hash[GH_SITEKEY_HEX], target[400];
    struct gh_account a;
    enum gh_status s;

    s = gh_account_get(st, id, &a);
    if (s != GH_OK)
        return s;
    gh_rules_target_of(&a, target, sizeof target);
    for (int i = 0; i < GH_CODE_LEN; i++)
        code[i] = (char)('0' + randombytes_uniform(10));
    code[GH_CODE_LEN] = '\0';
    /* The keyed hash, not Argon2id: microseconds, so an import that mails
     * thousands of codes holds no write lock for long (see the top). A
     * missing site key fails here, with the store's sentence naming it. */
    s = gh_store_keyed_hash(st, CODE_DOMAIN, code, hash);
    if (s != GH_OK) {
        sodium_memzero(code, sizeof code);
        return s;
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

struct code_row {
    char hash[crypto_pwhash_STRBYTES + 8];
    int64_t expires_at, used_at;
    int have;
};

static enum gh_status read_code(struct gh_store *st, int64_t id, struct code_row *c)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT code_hash, expires_at, used_at FROM "
                                           "setup_codes WHERE account_id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the setup code"));
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    memset(c, 0, sizeof *c);
    if (rc == SQLITE_ROW) {
        c->have = 1;
        gh_store_copy(c->hash, sizeof c->hash, gh_store_col_text(q, 0));
        c->expires_at = sqlite3_column_int64(q, 1);
        c->used_at = sqlite3_column_int64(q, 2);
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the setup code"));
    return GH_OK;
}

/* The right code, but no PIN comes of it: the account is not active, the
 * code is used or expired, or the new PIN is weak (the code stays valid).
 * Logged as refused; GH_OK when it may go on. */
static enum gh_status code_refusal(struct gh_store *st, struct attempt *t,
                                   const struct code_row *c, const char *pin)
{
    const char *why = NULL, *msg = NULL;
    char err[256];
    enum gh_status code = GH_E_EXPIRED;

    /* The state first: the code of an account that was switched off was
     * voided then (account.c), and its holder is better told why. */
    if (t->a.state != GH_STATE_ACTIVE) {
        why = gh_state_name(t->a.state);
        msg = not_active_reason(t->a.state);
        code = GH_E_REFUSED;
    } else if (c->used_at) {
        why = "setup code already used";
        msg = _("That code has already been used. If you forgot your PIN, "
                "ask the staff to send a new code.");
    } else if (gh_clock_now_ms() >= c->expires_at) {
        why = "setup code expired";
        msg = _("That code has expired (codes last 72 hours). Ask the staff "
                "to send a new one.");
    } else if (gh_auth_pin_quality_ok(pin, err, sizeof err) != 0) {
        /* A weak PIN is the person's typo, not a guess. */
        why = "(code kept)";
        msg = err;
        code = GH_E_INVALID;
    }
    if (!why)
        return GH_OK;
    release(st, t);
    enum gh_status s = code == GH_E_REFUSED
        ? gh_audit_appendf(st, t->actor, t->action, t->target, GH_OUTCOME_REFUSED,
                           "not active: %s", why)
        : code == GH_E_INVALID
        ? gh_audit_appendf(st, t->actor, t->action, t->target, GH_OUTCOME_REFUSED,
                           "%s %s", err, why)
        : gh_audit_append(st, t->actor, t->action, t->target, GH_OUTCOME_REFUSED, why);
    if (s != GH_OK)
        return s;
    return gh_store_fail(st, code, "%s", msg);
}

/* Marks the very code we checked as used and sets the PIN; if another kiosk
 * redeemed or replaced the code meanwhile, nothing matches and this attempt
 * loses. */
static enum gh_status code_use(struct gh_store *st, struct attempt *t, const char *stored,
                               const char *pin_hash)
{
    int64_t now = gh_clock_now_ms();
    sqlite3_stmt *q = NULL;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    q = gh_store_prepare(st, "UPDATE setup_codes SET used_at = ?3 WHERE account_id = ?1 "
                             "AND code_hash = ?2 AND used_at IS NULL");
    if (!q)
        goto sqlfail;
    sqlite3_bind_int64(q, 1, t->a.id);
    sqlite3_bind_text(q, 2, stored, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    if (sqlite3_step(q) != SQLITE_DONE)
        goto sqlfail;
    gh_store_done(st, q);
    q = NULL;
    if (sqlite3_changes(gh_store_db(st)) != 1) {
        s = gh_store_fail(st, GH_E_EXPIRED, "%s", _("That code has already been used."));
        goto fail;
    }
    q = gh_store_prepare(st, "UPDATE accounts SET pin_hash = ?2, updated_at = ?3 WHERE id = ?1");
    if (!q)
        goto sqlfail;
    sqlite3_bind_int64(q, 1, t->a.id);
    sqlite3_bind_text(q, 2, pin_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    if (sqlite3_step(q) != SQLITE_DONE)
        goto sqlfail;
    gh_store_done(st, q);
    q = NULL;
    s = succeeded(st, t);
    if (s == GH_OK)
        s = gh_audit_append(st, t->actor, t->action, t->target, GH_OUTCOME_OK,
                            "PIN set with the setup code");
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);

sqlfail:
    s = gh_store_sqlfail(st, _("using the setup code"));
fail:
    gh_store_done(st, q);
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_auth_redeem(struct gh_store *st, const char *actor, const char *who,
                              const char *code, const char *pin)
{
    struct attempt t = { .actor = actor, .action = "auth.setup" };
    struct code_row c;
    char pin_hash[crypto_pwhash_STRBYTES];
    const unsigned char *key;
    const char *denied = _("That code is not right. Check the newest welcome email, "
                           "or ask the staff to send a new one.");
    enum gh_status s;

    /* Without the site key no code can be checked: say so first, for
     * every WHO alike (the store's message names the missing file). */
    s = gh_store_sitekey(st, &key);
    if (s != GH_OK)
        return s;
    s = attempt_start(st, &t, who, code, SECRET_CODE, denied);
    if (s != GH_OK)
        return s;
    s = read_code(st, t.a.id, &c);
    if (s != GH_OK)
        return s;             /* the attempt stays counted: fail closed */

    size_t clen = code ? strlen(code) : 0;
    int code_shape = clen == GH_CODE_LEN;
    for (size_t i = 0; code_shape && i < clen; i++)
        if (code[i] < '0' || code[i] > '9')
            code_shape = 0;
    if (!verify_code(st, c.have && code_shape ? c.hash : NULL, code))
        return wrong_secret(st, &t, c.have ? "wrong setup code" : "wrong setup code (none issued)",
                            denied, _("That code is not right. Too many wrong attempts: log-in "
                                      "is locked for %d minutes."));

    s = code_refusal(st, &t, &c, pin);
    if (s != GH_OK)
        return s;
    if (hash_secret(pin, pin_hash) != 0)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("not enough memory to protect the PIN"));
    s = code_use(st, &t, c.hash, pin_hash);
    sodium_memzero(pin_hash, sizeof pin_hash);
    if (s == GH_OK)
        st->errmsg[0] = '\0';
    return s;
}
