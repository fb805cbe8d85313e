/*
 * test_signup_rules.c: the sign-up plugin's form logic (plugins/signup/
 * rules.c), linked in from plugin_signup_static, against the real core
 * table (gh_core_api_table) and a real SQLite file in a temporary folder.
 *
 * These cover what a script on the on-screen keyboard cannot: the keyboard
 * has no CR or LF key, so whether the form refuses a name with a line break
 * is tested here, by putting one in the buffer as a hardware keyboard or a
 * paste might. Run one test per ctest entry (argv[1]); an unknown name fails.
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

#include "gatehouse/plugin_host.h"
#include "../../../plugins/signup/signup.h"

struct fx {
    char dir[64], path[128];
    struct gh_store *st;
    const struct gh_core_api *core;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    snprintf(f->dir, sizeof f->dir, "/tmp/gh-signup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(gh_store_open(f->path, &f->st, err, sizeof err), GH_OK);
    f->core = gh_core_api_table();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[160];
    gh_store_close(f->st);
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t count_accounts(struct fx *f)
{
    struct gh_account_query q = { .kind = -1, .state = -1 };
    int64_t n = -1;
    assert_int_equal(f->core->account_count(f->st, &q, &n), GH_OK);
    return n;
}

struct find { const char *action; int outcome; int n; };
static int find_fn(void *ud, const struct gh_audit_entry *e)
{
    struct find *x = ud;
    if (strcmp(e->action, x->action) == 0 && (x->outcome < 0 || (int)e->outcome == x->outcome))
        x->n++;
    return 0;
}

static int log_count(struct fx *f, const char *action, int outcome)
{
    struct find x = { action, outcome, 0 };
    assert_int_equal(f->core->audit_list(f->st, 0, find_fn, &x), GH_OK);
    return x.n;
}

/* SPEC: names have no control characters (CR/LF included). The form says so
 * under the name field, in words, and nothing is stored. */
static void test_name_with_cr_lf_refused_under_name_field(void **state)
{
    struct fx *f = *state;
    struct signup_form form;
    struct gh_signup_result res;
    int bad = -2;

    memset(&form, 0, sizeof form);
    snprintf(form.email, sizeof form.email, "ana@example.com");
    snprintf(form.name, sizeof form.name, "Ana\r\nBcc: victim@example.com");
    assert_int_equal(signup_form_check_field(f->core, &form, SF_NAME), -1);
    assert_string_equal(form.err[SF_NAME], "Must not contain control characters or line breaks.");
    form.err[SF_NAME][0] = 0;
    assert_int_equal(signup_form_submit(f->core, f->st, &form, &res, &bad), GH_E_INVALID);
    assert_int_equal(bad, SF_NAME);
    assert_string_equal(form.err[SF_NAME], "Must not contain control characters or line breaks.");
    assert_string_equal(form.err[SF_EMAIL], "");
    assert_int_equal(count_accounts(f), 0);
    /* a lone LF, and a CR in the organisation, too */
    snprintf(form.name, sizeof form.name, "Ana\nLima");
    assert_int_equal(signup_form_check_field(f->core, &form, SF_NAME), -1);
    snprintf(form.name, sizeof form.name, "Ana Lima");
    snprintf(form.org, sizeof form.org, "Acme\rLtd");
    assert_int_equal(signup_form_submit(f->core, f->st, &form, &res, &bad), GH_E_INVALID);
    assert_int_equal(bad, SF_ORG);
    assert_int_equal(count_accounts(f), 0);
    /* fixed: signed up, pending (approval is on by default) */
    snprintf(form.org, sizeof form.org, "Acme Ltd");
    assert_int_equal(signup_form_submit(f->core, f->st, &form, &res, &bad), GH_OK);
    assert_int_equal(res.outcome, GH_SIGNUP_PENDING);
    assert_int_equal(count_accounts(f), 1);
}

/* A refusal from the core about one field lands under that field, in the
 * core's words without the field's name; it is logged by the core. */
static void test_core_refusal_goes_under_its_field_and_is_logged(void **state)
{
    struct fx *f = *state;
    struct signup_form form;
    struct gh_signup_result res;
    int bad = -2;

    memset(&form, 0, sizeof form);
    snprintf(form.email, sizeof form.email, "ana@example.com");
    snprintf(form.phone, sizeof form.phone, "+44 7700 900111");
    assert_int_equal(signup_form_submit(f->core, f->st, &form, &res, &bad), GH_OK);
    memset(&form, 0, sizeof form);
    snprintf(form.email, sizeof form.email, "other@example.com");
    snprintf(form.phone, sizeof form.phone, "+44 (7700) 900-111");
    assert_int_equal(signup_form_submit(f->core, f->st, &form, &res, &bad), GH_E_EXISTS);
    assert_int_equal(bad, SF_PHONE);
    assert_non_null(strstr(form.err[SF_PHONE], "This phone number is already registered"));
    assert_string_equal(form.general, "");
    assert_int_equal(log_count(f, "account.signup", GH_OUTCOME_REFUSED), 1);
}

/* Messages for the screen: the field's name goes, a sentence remains. */
static void test_friendly_text_drops_field_name(void **state)
{
    char out[200];
    (void)state;
    signup_friendly("email: must contain one @", out, sizeof out);
    assert_string_equal(out, "Must contain one @.");
    signup_friendly("PIN: must not be a straight run of digits (like 1234 or 9876)", out,
                    sizeof out);
    assert_string_equal(out, "Must not be a straight run of digits (like 1234 or 9876).");
    signup_friendly("This account can't be re-activated here; please ask the staff.", out,
                    sizeof out);
    assert_string_equal(out, "This account can't be re-activated here; please ask the staff.");
    signup_friendly("Too many wrong attempts: log-in is locked for 15 more minutes.", out,
                    sizeof out);
    assert_string_equal(out, "Too many wrong attempts: log-in is locked for 15 more minutes.");
    signup_friendly(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

/* A PIN typed differently twice, or too weak, never reaches the core: no
 * attempt is spent and nothing is logged; the right code then works. */
static void test_setup_pin_mistakes_spend_no_attempt(void **state)
{
    struct fx *f = *state;
    struct gh_account_new a = { .email = "bo@example.com", .access = GH_ACCESS_ALL,
                                .no_welcome = 1 };
    struct signup_setup s;
    char code[GH_CODE_LEN + 1];
    int64_t id;
    int bad = -2;

    assert_int_equal(f->core->occupant_create(f->st, "test", &a, &id), GH_OK);
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    memset(&s, 0, sizeof s);
    snprintf(s.who, sizeof s.who, " BO@example.com ");
    snprintf(s.code, sizeof s.code, "%s", code);
    snprintf(s.pin, sizeof s.pin, "2468");
    snprintf(s.pin2, sizeof s.pin2, "2469");
    assert_int_equal(signup_setup_redeem(f->core, f->st, &s, &bad), GH_E_INVALID);
    assert_int_equal(bad, SU_PIN2);
    assert_string_equal(s.err[SU_PIN2], "The two PINs are not the same. Type the new PIN again.");
    snprintf(s.pin, sizeof s.pin, "1234");
    snprintf(s.pin2, sizeof s.pin2, "1234");
    assert_int_equal(signup_setup_redeem(f->core, f->st, &s, &bad), GH_E_INVALID);
    assert_int_equal(bad, SU_PIN);
    assert_non_null(strstr(s.err[SU_PIN], "straight run"));
    snprintf(s.code, sizeof s.code, "12345");
    assert_int_equal(signup_setup_check_field(f->core, &s, SU_CODE), -1);
    assert_int_equal(log_count(f, "auth.setup", -1), 0);
    snprintf(s.code, sizeof s.code, "%s", code);
    snprintf(s.pin, sizeof s.pin, "2468");
    snprintf(s.pin2, sizeof s.pin2, "2468");
    assert_int_equal(signup_setup_redeem(f->core, f->st, &s, &bad), GH_OK);
    assert_int_equal(log_count(f, "auth.setup", GH_OUTCOME_OK), 1);
}

/* An unknown address and a known one with a wrong code read the same. */
static void test_setup_unknown_address_reads_like_wrong_code(void **state)
{
    struct fx *f = *state;
    struct gh_account_new a = { .email = "bo@example.com", .access = GH_ACCESS_ALL,
                                .no_welcome = 1 };
    struct signup_setup s;
    char code[GH_CODE_LEN + 1], known[SIGNUP_MSG];
    int64_t id;
    int bad;

    assert_int_equal(f->core->occupant_create(f->st, "test", &a, &id), GH_OK);
    assert_int_equal(gh_auth_issue_code(f->st, id, code), GH_OK);
    memset(&s, 0, sizeof s);
    snprintf(s.who, sizeof s.who, "bo@example.com");
    snprintf(s.code, sizeof s.code, "%s", strcmp(code, "000000") ? "000000" : "000001");
    snprintf(s.pin, sizeof s.pin, "2468");
    snprintf(s.pin2, sizeof s.pin2, "2468");
    assert_int_equal(signup_setup_redeem(f->core, f->st, &s, &bad), GH_E_DENIED);
    assert_int_equal(bad, SU_CODE);
    snprintf(known, sizeof known, "%s", s.err[SU_CODE]);
    snprintf(s.who, sizeof s.who, "nobody@example.com");
    assert_int_equal(signup_setup_redeem(f->core, f->st, &s, &bad), GH_E_DENIED);
    assert_int_equal(bad, SU_CODE);
    assert_string_equal(s.err[SU_CODE], known);
    assert_string_equal(s.general, "");
}

static void test_wipe_zeroes_every_byte(void **state)
{
    struct signup_setup s;
    (void)state;
    memset(&s, 0x5a, sizeof s);
    signup_wipe(&s, sizeof s);
    for (size_t i = 0; i < sizeof s; i++)
        assert_int_equal(((unsigned char *)&s)[i], 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const struct CMUnitTest tests[] = {
    T(test_name_with_cr_lf_refused_under_name_field),
    T(test_core_refusal_goes_under_its_field_and_is_logged),
    T(test_friendly_text_drops_field_name),
    T(test_setup_pin_mistakes_spend_no_attempt),
    T(test_setup_unknown_address_reads_like_wrong_code),
    T(test_wipe_zeroes_every_byte),
};

GH_TEST_MAIN(tests)
