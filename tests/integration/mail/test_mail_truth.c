/*
 * test_mail_truth.c: mail that is still true when it leaves (SPEC "Mail":
 * a message is checked again when it is claimed for sending), and "Forgot
 * your PIN?". Real parts: the outbox in a real SQLite file, the real
 * libcurl, and the real SMTP sink (smtpd.py / aiosmtpd) on loopback, which
 * is down while the building goes on and then comes back. What arrived is
 * counted at the sink and read back by decode.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/config.h"
#include "gatehouse/forgot.h"
#include "gatehouse/mail_batch.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "mailtest.h"
#include "store_internal.h"

struct fx {
    char dir[256], db[300];
    struct gh_store *st;
    struct gh_config cfg;
    struct mt_server srv;
    struct gh_mailer *m;
    int port;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    assert_non_null(f);
    assert_int_equal(mt_tmpdir(f->dir, sizeof f->dir), 0);
    snprintf(f->db, sizeof f->db, "%s/gatehouse.db", f->dir);
    gh_clock_set_virtual(1);
    assert_int_equal(gh_store_open(f->db, &f->st, err, sizeof err), GH_OK);
    gh_config_defaults(&f->cfg);
    snprintf(f->cfg.store_path, sizeof f->cfg.store_path, "%s", f->db);
    snprintf(f->cfg.mail_from, sizeof f->cfg.mail_from, "kiosk@lobby.example.org");
    f->cfg.mail_connect_timeout_s = 2;
    f->cfg.mail_timeout_s = 5;
    /* reserve a port, then leave the relay down until relay_up() */
    assert_int_equal(mt_server_start(&f->srv, f->dir, "relay", 0, NULL), 0);
    f->port = f->srv.port;
    mt_server_stop(&f->srv);
    snprintf(f->cfg.mail_relay, sizeof f->cfg.mail_relay, "smtp://127.0.0.1:%d", f->port);
    assert_int_equal(gh_mailer_new(&f->cfg, &f->m, err, sizeof err), GH_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_mailer_free(f->m);
    mt_server_stop(&f->srv);
    gh_store_close(f->st);
    if (!getenv("GH_KEEP_TMP"))
        mt_rm_rf(f->dir);
    free(f);
    return 0;
}

static void relay_up(struct fx *f)
{
    const char *none[] = { NULL };
    f->srv.port = f->port;
    assert_int_equal(mt_server_start(&f->srv, f->dir, "relay", f->port, none), 0);
}

/* Delivers until nothing is due (advancing past every retry). */
static struct gh_mail_batch drain(struct fx *f)
{
    struct gh_mail_batch total = { 0 }, b;
    for (int i = 0; i < 12; i++) {
        assert_int_equal(gh_mail_batch_deliver(f->m, f->st, gh_clock_now_ms(), 0, &b), GH_OK);
        total.sent += b.sent;
        total.cancelled += b.cancelled;
        total.deferred += b.deferred;
        if (gh_outbox_count(f->st, GH_MAIL_QUEUED) == 0)
            break;
        gh_clock_advance(60 * 60 * 1000);
    }
    return total;
}

static int64_t occupant(struct fx *f, const char *email)
{
    struct gh_account_new in = { .email = email, .name = "Hana Kim", .access = GH_ACCESS_ALL };
    int64_t id = 0;
    if (gh_occupant_create(f->st, "staff", &in, &id) != GH_OK)
        fail_msg("create %s: %s", email, gh_store_errmsg(f->st));
    return id;
}

static int64_t count_where(struct fx *f, const char *sql)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(gh_store_db(f->st), sql, -1, &q, NULL), SQLITE_OK);
    int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return n;
}

/* Messages at the sink addressed to `to`; the last one's setup code into code. */
static int arrived_for(struct fx *f, const char *to, char code[7])
{
    int n = 0, total = mt_spool_count(f->srv.spool);
    for (int i = 1; i <= total; i++) {
        char path[700], addr[256];
        mt_spool_path(f->srv.spool, i, "eml", path, sizeof path);
        char *r = mt_decode(path), *raw = mt_read_file(path);
        assert_non_null(r);
        assert_non_null(raw);
        if (mt_line(r, "ADDR To:", addr, sizeof addr) == 0 && strcmp(addr, to) == 0) {
            n++;
            char *p = strstr(raw, "\n    ");          /* the indented code line */
            if (code && p) {
                memcpy(code, p + 5, 6);
                code[6] = '\0';
            }
        }
        free(r);
        free(raw);
    }
    return n;
}

static void superseded_setup_code_mail_is_cancelled_and_only_the_newest_arrives(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "hana@example.org");
    drain(f);                                              /* relay down: deferred */
    assert_int_equal(gh_account_resend_welcome(f->st, "staff", id), GH_OK);
    assert_int_equal(gh_account_resend_welcome(f->st, "staff", id), GH_OK);
    /* older code mails are cancelled at once, not at send time */
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_QUEUED), 1);
    assert_int_equal(gh_outbox_count(f->st, GH_MAIL_CANCELLED), 2);
    relay_up(f);
    drain(f);
    char code[7] = "";
    assert_int_equal(arrived_for(f, "hana@example.org", code), 1);
    /* the code that arrived is the one that works */
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "hana@example.org", code, "2580"), GH_OK);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'mail.cancelled' "
                                    "AND reason LIKE '%superseded by a newer setup code%'"), 2);
}

static void welcome_to_someone_blocked_meanwhile_is_cancelled_not_delivered(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "bo@example.org");
    occupant(f, "cy@example.org");
    drain(f);
    assert_int_equal(gh_occupant_set_state(f->st, "staff", id, GH_STATE_BLOCKED), GH_OK);
    relay_up(f);
    struct gh_mail_batch b = drain(f);
    assert_int_equal(b.cancelled, 1);
    assert_int_equal(arrived_for(f, "bo@example.org", NULL), 0);
    assert_int_equal(arrived_for(f, "cy@example.org", NULL), 1);
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox WHERE state = 'cancelled' "
                                    "AND last_error = 'account blocked' AND secret IS NULL"), 1);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'mail.cancelled' "
                                    "AND reason LIKE '%account blocked%'"), 1);
}

static void welcome_to_someone_switched_off_meanwhile_is_cancelled(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "di@example.org");
    drain(f);
    assert_int_equal(gh_occupant_set_state(f->st, "staff", id, GH_STATE_INACTIVE), GH_OK);
    relay_up(f);
    struct gh_mail_batch b = drain(f);
    assert_int_equal(b.cancelled, 1);
    assert_int_equal(arrived_for(f, "di@example.org", NULL), 0);
    /* staff may still send one on purpose to an inactive person: it goes */
    assert_int_equal(gh_account_resend_welcome(f->st, "staff", id), GH_OK);
    drain(f);
    assert_int_equal(arrived_for(f, "di@example.org", NULL), 1);
}

static void approver_notice_for_a_sign_up_already_handled_is_cancelled(void **state)
{
    struct fx *f = *state;
    struct gh_account_new boss = { .email = "boss@example.org", .name = "Boss" };
    int64_t staff = 0;
    assert_int_equal(gh_staff_create(f->st, "cli", &boss, "2580", GH_PERM_APPROVE, &staff), GH_OK);
    struct gh_signup in = { .email = "eve@example.org", .name = "Eve" };
    struct gh_signup in2 = { .email = "fay@example.org", .name = "Fay" };
    struct gh_signup_result r, r2;
    assert_int_equal(gh_occupant_signup(f->st, "kiosk", &in, &r), GH_OK);
    assert_int_equal(gh_occupant_signup(f->st, "kiosk", &in2, &r2), GH_OK);
    drain(f);
    assert_int_equal(gh_occupant_approve(f->st, "boss", r.account_id), GH_OK);
    relay_up(f);
    struct gh_mail_batch b = drain(f);
    assert_int_equal(b.cancelled, 1);
    /* Fay's notice (still pending) and Eve's welcome arrive; Eve's notice does not */
    assert_int_equal(arrived_for(f, "boss@example.org", NULL), 1);
    assert_int_equal(arrived_for(f, "eve@example.org", NULL), 1);
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox WHERE state = 'cancelled' "
                                    "AND last_error = 'sign-up already approved'"), 1);
}

static void a_cancelled_message_is_never_sent_even_when_retried(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "gus@example.org");
    assert_int_equal(gh_account_resend_welcome(f->st, "staff", id), GH_OK);
    int64_t first = count_where(f, "SELECT min(id) FROM outbox WHERE state = 'cancelled'");
    assert_true(first > 0);
    assert_int_equal(gh_outbox_retry(f->st, "cli", first), GH_E_REFUSED);
    assert_non_null(strstr(gh_store_errmsg(f->st), "cancelled"));
    relay_up(f);
    drain(f);
    assert_int_equal(arrived_for(f, "gus@example.org", NULL), 1);
}

static void forgot_pin_sends_a_new_code_at_most_3_a_day_and_the_pin_keeps_working(void **state)
{
    struct fx *f = *state;
    int64_t id = occupant(f, "ivy@example.org");
    assert_int_equal(gh_auth_set_pin(f->st, "test", id, "2580"), GH_OK);
    relay_up(f);
    drain(f);                                              /* the welcome */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(gh_forgot_pin(f->st, "kiosk", "IVY@example.org"), GH_OK);
        drain(f);
    }
    char code[7] = "";
    assert_int_equal(arrived_for(f, "ivy@example.org", code), 1 + 3);
    struct gh_account a;
    assert_int_equal(gh_auth_login(f->st, "kiosk", "ivy@example.org", "2580", &a), GH_OK);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'auth.forgot' "
                                    "AND outcome = 'ok'"), 3);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'auth.forgot' "
                                    "AND outcome = 'refused' AND reason LIKE '%24 hours%'"), 1);
    /* the newest code sets a new PIN; a day later the allowance is back */
    assert_int_equal(gh_auth_redeem(f->st, "kiosk", "ivy@example.org", code, "4713"), GH_OK);
    gh_clock_advance(25LL * 3600 * 1000);
    assert_int_equal(gh_forgot_pin(f->st, "kiosk", "ivy@example.org"), GH_OK);
    drain(f);
    assert_int_equal(arrived_for(f, "ivy@example.org", NULL), 5);
}

static void forgot_pin_sends_nothing_for_pending_inactive_blocked_unknown_or_an_id(void **state)
{
    struct fx *f = *state;
    struct gh_signup in = { .email = "pat@example.org", .phone = "+15550100123" };
    struct gh_signup_result r;
    assert_int_equal(gh_occupant_signup(f->st, "kiosk", &in, &r), GH_OK);
    int64_t off = occupant(f, "off@example.org"), blk = occupant(f, "blk@example.org");
    assert_int_equal(gh_occupant_set_state(f->st, "staff", off, GH_STATE_INACTIVE), GH_OK);
    assert_int_equal(gh_occupant_set_state(f->st, "staff", blk, GH_STATE_BLOCKED), GH_OK);
    int64_t before = count_where(f, "SELECT count(*) FROM outbox");
    const char *who[] = { "pat@example.org", "+15550100123", "off@example.org",
                          "blk@example.org", "nobody@example.org", "1", "" };
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)off);
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
        assert_int_equal(gh_forgot_pin(f->st, "kiosk", who[i]), GH_OK);
    assert_int_equal(gh_forgot_pin(f->st, "kiosk", idtext), GH_OK);
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox"), before);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'auth.forgot' "
                                    "AND outcome = 'refused'"), 8);
}

/* The phone as people type it: a national number with the site's calling
 * code finds the account stored in E.164; a bare account id never does. */
static void forgot_pin_finds_a_national_phone_number_never_an_id(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_settings_set(f->st, "test", "phone_country", "44"), GH_OK);
    struct gh_account_new in = { .email = "uma@example.org", .phone = "+447700900777",
                                 .access = GH_ACCESS_ALL };
    int64_t id = 0;
    assert_int_equal(gh_occupant_create(f->st, "staff", &in, &id), GH_OK);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    assert_int_equal(gh_forgot_pin(f->st, "kiosk", idtext), GH_OK);
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox WHERE kind = 'setup_code'"), 0);
    assert_int_equal(gh_forgot_pin(f->st, "kiosk", "07700 900777"), GH_OK);
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox WHERE kind = 'setup_code' "
                                    "AND to_addr = 'uma@example.org'"), 1);
}

/* The kiosk's mail thread queues the day's digest by itself once the hour is
 * reached, and delivers it to every digest_to address; only one a day. */
static void mail_worker_queues_and_delivers_the_daily_digest_once(void **state)
{
    struct fx *f = *state;
    char err[256];
    assert_int_equal(gh_settings_set(f->st, "test", "digest_to", "boss@example.org, sec@example.org"),
                     GH_OK);
    assert_int_equal(gh_settings_set(f->st, "test", "digest_hour", "0"), GH_OK);
    relay_up(f);
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    int got = mt_spool_wait(f->srv.spool, 2, 10000);
    gh_mail_worker_stop();
    assert_int_equal(got, 2);
    assert_int_equal(arrived_for(f, "boss@example.org", NULL), 1);
    assert_int_equal(arrived_for(f, "sec@example.org", NULL), 1);
    assert_int_equal(count_where(f, "SELECT count(*) FROM audit WHERE action = 'log.digest' "
                                    "AND target = 'daily' AND reason LIKE 'anchor %'"), 1);
    /* started again the same day: no second digest */
    assert_int_equal(gh_mail_worker_start(&f->cfg, err, sizeof err), GH_OK);
    usleep(500000);
    gh_mail_worker_stop();
    assert_int_equal(count_where(f, "SELECT count(*) FROM outbox WHERE kind = 'digest'"), 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
    T(superseded_setup_code_mail_is_cancelled_and_only_the_newest_arrives),
    T(welcome_to_someone_blocked_meanwhile_is_cancelled_not_delivered),
    T(welcome_to_someone_switched_off_meanwhile_is_cancelled),
    T(approver_notice_for_a_sign_up_already_handled_is_cancelled),
    T(a_cancelled_message_is_never_sent_even_when_retried),
    T(forgot_pin_sends_a_new_code_at_most_3_a_day_and_the_pin_keeps_working),
    T(forgot_pin_sends_nothing_for_pending_inactive_blocked_unknown_or_an_id),
    T(forgot_pin_finds_a_national_phone_number_never_an_id),
    T(mail_worker_queues_and_delivers_the_daily_digest_once),
};

GH_TEST_MAIN(tests)
