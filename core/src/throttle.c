/*
 * throttle.c: the per-kiosk failure throttle (throttle.h).
 *
 * A per-account lock-out (auth.c) stops guessing one person's PIN; it does
 * nothing against guessing door codes, where every guess is tried against
 * all accounts at once, nor against trying one common PIN on many accounts.
 * So each kiosk also counts its failures of each kind across all accounts.
 *
 * State: kiosk_failures holds the failures of the last 10 minutes (older
 * rows are dropped as new ones come); kiosk_throttle holds, per kiosk and
 * kind, until when attempts are refused, the current wait, the last failure
 * and the last security email. A throttle "episode" lasts while failures
 * keep coming: the first wait is 30 s, and each failure within 10 minutes
 * of the end of the current wait doubles it, to at most 10 minutes. Ten
 * quiet minutes after a wait end the episode; the count then starts from
 * zero. A right code or PIN does not end it: across all
 * accounts, one person's success says nothing about the guesser.
 *
 * Every failure is recorded in one transaction with the throttle's state, so
 * two kiosks processes on one database can't both miss a start.
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/outbox.h"
#include "gatehouse/throttle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tstate {
    int64_t until_at, wait_ms, last_fail_at, mailed_at;
};

/* The kiosk's name copied into buf: a caller may pass gh_settings_get's
 * buffer, which a settings read during the attempt would overwrite. */
static const char *kiosk_or(const char *kiosk, char *buf, size_t len)
{
    gh_store_copy(buf, len, kiosk && *kiosk ? kiosk : "kiosk");
    return buf;
}

static const char *kind_words(enum gh_throttle_kind k)
{
    return k == GH_THROTTLE_LOGIN ? _("log-ins") : _("door codes");
}

static int secs_up(int64_t ms)
{
    return (int)((ms + 999) / 1000);
}

static enum gh_status load_state(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                 struct tstate *t)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT until_at, wait_ms, last_fail_at, mailed_at "
                                           "FROM kiosk_throttle WHERE kiosk = ?1 AND kind = ?2");
    memset(t, 0, sizeof *t);
    if (!q)
        return gh_store_sqlfail(st, _("reading the kiosk's throttle"));
    sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (int)k);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        t->until_at = sqlite3_column_int64(q, 0);
        t->wait_ms = sqlite3_column_int64(q, 1);
        t->last_fail_at = sqlite3_column_int64(q, 2);
        t->mailed_at = sqlite3_column_int64(q, 3);
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the kiosk's throttle"));
    return GH_OK;
}

int64_t gh_throttle_wait_ms(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k)
{
    struct tstate t;
    char name[128];
    /* Fail closed: a throttle that can't be read refuses, as if started. */
    if (load_state(st, kiosk_or(kiosk, name, sizeof name), k, &t) != GH_OK)
        return GH_THROTTLE_FIRST_MS;
    int64_t left = t.until_at - gh_clock_now_ms();
    return left > 0 ? left : 0;
}

/* Drops failures out of the window, adds this one, *n = failures in it. */
static enum gh_status count_failure(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                    int64_t now, int64_t *n)
{
    static const char *const sql[] = {
        "DELETE FROM kiosk_failures WHERE kiosk = ?1 AND kind = ?2 AND at <= ?3 - 600000",
        "INSERT INTO kiosk_failures (kiosk, kind, at) VALUES (?1, ?2, ?3)",
        "SELECT count(*) FROM kiosk_failures WHERE kiosk = ?1 AND kind = ?2 AND at > ?3 - 600000",
    };
    *n = 0;
    for (size_t i = 0; i < 3; i++) {
        sqlite3_stmt *q = gh_store_prepare(st, sql[i]);
        if (!q)
            return gh_store_sqlfail(st, _("recording a failed attempt"));
        sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, (int)k);
        sqlite3_bind_int64(q, 3, now);
        int rc = sqlite3_step(q);
        if (i == 2 && rc == SQLITE_ROW)
            *n = sqlite3_column_int64(q, 0);
        gh_store_done(st, q);
        if (rc != (i == 2 ? SQLITE_ROW : SQLITE_DONE))
            return gh_store_sqlfail(st, _("recording a failed attempt"));
    }
    return GH_OK;
}

static enum gh_status save_state(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                 const struct tstate *t)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO kiosk_throttle (kiosk, kind, until_at, wait_ms, last_fail_at, mailed_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kiosk, kind) DO UPDATE SET "
        "until_at = excluded.until_at, wait_ms = excluded.wait_ms, "
        "last_fail_at = excluded.last_fail_at, mailed_at = excluded.mailed_at");
    if (!q)
        return gh_store_sqlfail(st, _("saving the kiosk's throttle"));
    sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, (int)k);
    sqlite3_bind_int64(q, 3, t->until_at);
    sqlite3_bind_int64(q, 4, t->wait_ms);
    sqlite3_bind_int64(q, 5, t->last_fail_at);
    sqlite3_bind_int64(q, 6, t->mailed_at);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("saving the kiosk's throttle"));
}

/* The newest security email about this kiosk, any kind. */
static int64_t last_mail(struct gh_store *st, const char *kiosk)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT max(mailed_at) FROM kiosk_throttle "
                                           "WHERE kiosk = ?1");
    if (!q)
        return 0;
    sqlite3_bind_text(q, 1, kiosk, -1, SQLITE_STATIC);
    int64_t at = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return at;
}

/* One security email to each active admin, inside the caller's transaction. */
static enum gh_status mail_admins(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                  int64_t limit)
{
    struct gh_staff_ref *to = NULL;
    size_t n = 0;
    enum gh_status s = gh_staff_with_perms(st, GH_PERM_ADMIN, &to, &n);
    char count[24], wait[24], site[256];
    gh_store_copy(site, sizeof site, gh_settings_get(st, GH_SETTING_KIOSK_NAME));
    snprintf(count, sizeof count, "%lld", (long long)limit);
    snprintf(wait, sizeof wait, "%lld", (long long)(GH_THROTTLE_FIRST_MS / 1000));
    struct gh_i18n_prev prev;    /* staff read the kiosk's first language */
    gh_i18n_push(gh_languages_pick(NULL), &prev);
    for (size_t i = 0; s == GH_OK && i < n; i++) {
        const char *vars[] = { "staff_name", to[i].name[0] ? to[i].name : _("there"),
                               "kiosk", kiosk, "what", kind_words(k), "count", count,
                               "wait", wait, "site", site, NULL, NULL };
        s = gh_outbox_compose(st, "security_throttle", to[i].id, to[i].email, to[i].name,
                              vars, NULL);
    }
    gh_i18n_pop(&prev);
    free(to);
    return s;
}

/* The throttle's next state after a failure at now with n in the window;
 * logs a start or a longer wait, mails admins on a start. */
static enum gh_status step(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                           int64_t now, int64_t n, struct tstate *t)
{
    int64_t limit = k == GH_THROTTLE_LOGIN ? GH_THROTTLE_LOGIN_LIMIT : GH_THROTTLE_CODE_LIMIT;
    int episode = t->wait_ms > 0 && now - t->until_at < GH_THROTTLE_WINDOW_MS;
    char target[200];
    enum gh_status s = GH_OK;

    snprintf(target, sizeof target, "kiosk:%s", kiosk);
    t->last_fail_at = now;
    if (episode) {
        t->wait_ms = t->wait_ms * 2 > GH_THROTTLE_MAX_MS ? GH_THROTTLE_MAX_MS : t->wait_ms * 2;
        t->until_at = now + t->wait_ms;
        return gh_audit_appendf(st, "kiosk", "throttle.wait", target, GH_OUTCOME_OK,
                                "wrong %s continue: every attempt refused for %lld s",
                                kind_words(k), (long long)(t->wait_ms / 1000));
    }
    if (n < limit) {
        t->wait_ms = 0;
        return GH_OK;
    }
    t->wait_ms = GH_THROTTLE_FIRST_MS;
    t->until_at = now + t->wait_ms;
    int mail = now - last_mail(st, kiosk) >= GH_THROTTLE_MAIL_GAP_MS;
    s = gh_audit_appendf(st, "kiosk", "throttle.start", target, GH_OUTCOME_OK,
                         "%lld wrong %s within 10 min: every attempt refused for %lld s%s",
                         (long long)n, kind_words(k), (long long)(t->wait_ms / 1000),
                         mail ? ", admins emailed" : "");
    if (s == GH_OK && mail) {
        s = mail_admins(st, kiosk, k, limit);
        t->mailed_at = now;
    }
    return s;
}

enum gh_status gh_throttle_fail(struct gh_store *st, const char *kiosk, enum gh_throttle_kind k,
                                int64_t *wait_ms)
{
    struct tstate t;
    int64_t now = gh_clock_now_ms(), n = 0;
    char name[128];
    enum gh_status s;

    kiosk = kiosk_or(kiosk, name, sizeof name);
    if (wait_ms)
        *wait_ms = 0;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = count_failure(st, kiosk, k, now, &n);
    if (s == GH_OK)
        s = load_state(st, kiosk, k, &t);
    if (s == GH_OK)
        s = step(st, kiosk, k, now, n, &t);
    if (s == GH_OK)
        s = save_state(st, kiosk, k, &t);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if ((s = gh_store_commit(st)) != GH_OK)
        return s;
    if (wait_ms)
        *wait_ms = t.until_at > now ? t.until_at - now : 0;
    return GH_OK;
}

enum gh_status gh_throttle_kiosk_login(struct gh_store *st, const char *kiosk, const char *who,
                                   const char *pin, struct gh_account *out, int64_t *wait_ms)
{
    int64_t wait;
    char name[128];
    enum gh_status s;

    kiosk = kiosk_or(kiosk, name, sizeof name);
    if (wait_ms)
        *wait_ms = 0;
    if ((wait = gh_throttle_wait_ms(st, kiosk, GH_THROTTLE_LOGIN)) > 0) {
        char target[200];
        if (wait_ms)
            *wait_ms = wait;
        snprintf(target, sizeof target, "kiosk:%s", kiosk);
        s = gh_audit_appendf(st, "kiosk", "auth.login", target, GH_OUTCOME_REFUSED,
                             "kiosk throttled, %d s left (PIN not checked)", secs_up(wait));
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_LOCKED,
                             _("Too many wrong log-ins. Try again in %d seconds."), secs_up(wait));
    }
    s = gh_auth_login(st, "kiosk", who, pin, out);
    if (s != GH_E_DENIED)
        return s;
    char msg[GH_STORE_ERRMSG_LEN];
    gh_store_copy(msg, sizeof msg, gh_store_errmsg(st));
    enum gh_status f = gh_throttle_fail(st, kiosk, GH_THROTTLE_LOGIN, wait_ms);
    if (f != GH_OK)
        return f;
    return gh_store_fail(st, GH_E_DENIED, "%s", msg);
}
