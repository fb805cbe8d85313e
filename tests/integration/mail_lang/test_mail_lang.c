/*
 * test_mail_lang.c: the language of a person's emails (issue 19), through
 * the real core: a real SQLite file, the configuration read from a file
 * ([kiosk] languages = en, es, fr), and .mo catalogues msgfmt built from
 * this folder's es.po and fr.po (test translations, not the product's),
 * found through $GH_MAIL_LANG_LOCALE. Run as gh_test.h says.
 */
#include "gh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "gatehouse/account.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

struct fx {
    char dir[256], db[300];
    struct gh_store *st;
};

/* 2026-12-05 14:05:00 UTC */
#define DEC5_1405 INT64_C(1796479500000)

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char conf[300], err[1600];
    const char *locale_dir = getenv("GH_MAIL_LANG_LOCALE");
    struct gh_config cfg;
    assert_non_null(f);
    assert_non_null(locale_dir);
    gh_test_store_open(f->dir, sizeof f->dir, f->db, sizeof f->db, "maillang", &f->st);
    snprintf(conf, sizeof conf, "%s/k.conf", f->dir);
    FILE *c = fopen(conf, "w");
    assert_non_null(c);
    fprintf(c, "[store]\npath = %s\n[kiosk]\nlanguages = en, es, fr\nlocale_dir = %s\n", f->db,
            locale_dir);
    fclose(c);
    assert_int_equal(gh_config_load(conf, &cfg, err, sizeof err), GH_OK);
    assert_int_equal(gh_languages_load(&cfg, err, sizeof err), GH_OK);
    setenv("TZ", "UTC", 1);
    tzset();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_test_store_close(f->dir, f->st);
    gh_i18n_use("en");
    gh_i18n_unload_all();
    free(f);
    return 0;
}

static void date_in(const char *lang, int64_t ms, int with_time, const char *want)
{
    char buf[160];
    struct gh_i18n_prev prev;
    gh_i18n_push(lang, &prev);
    gh_i18n_date(ms, with_time, buf, sizeof buf);
    gh_i18n_pop(&prev);
    assert_string_equal(buf, want);
}

static void dates_are_written_in_each_languages_own_form(void **state)
{
    (void)state;
    date_in("en", DEC5_1405, 0, "5 December 2026");
    date_in("es", DEC5_1405, 0, "5 de diciembre de 2026");
    date_in("fr", DEC5_1405, 0, "5 décembre 2026");
    date_in("en", DEC5_1405, 1, "5 December 2026 at 14:05");
    date_in("es", DEC5_1405, 1, "5 de diciembre de 2026 a las 14:05");
    date_in("fr", DEC5_1405, 1, "5 décembre 2026 à 14:05");
    /* 24-hour times, midnight as 00, and other months */
    date_in("en", INT64_C(1767225540000), 1, "31 December 2025 at 23:59");
    date_in("fr", INT64_C(1772323620000), 1, "1 mars 2026 à 00:07");
    date_in("es", INT64_C(1786095000000), 1, "7 de agosto de 2026 a las 09:30");
    char buf[8] = "x";
    assert_string_equal(gh_i18n_date(-1, 1, buf, sizeof buf), "");
}

static void composing_for_someone_leaves_the_screens_language_as_it_was(void **state)
{
    (void)state;
    struct gh_i18n_prev prev;
    assert_int_equal(gh_i18n_use("es"), 0);
    gh_i18n_push("fr", &prev);
    assert_string_equal(gh_i18n_current(), "fr");
    assert_string_equal(_("December"), "décembre");
    gh_i18n_pop(&prev);
    assert_string_equal(gh_i18n_current(), "es");
    gh_i18n_push("de", &prev);              /* not loaded: nothing changes */
    assert_string_equal(gh_i18n_current(), "es");
    gh_i18n_pop(&prev);
    assert_string_equal(gh_i18n_current(), "es");
}

struct last { char kind[32], to[256], subject[512]; char *body; };

static int keep_newest(void *ud, const struct gh_mail *m)
{
    struct last *l = ud;
    snprintf(l->kind, sizeof l->kind, "%s", m->kind);
    snprintf(l->to, sizeof l->to, "%s", m->to_addr);
    snprintf(l->subject, sizeof l->subject, "%s", m->subject);
    l->body = strdup(m->body);
    return 1;                                   /* newest first: stop */
}

static void newest_mail(struct fx *f, struct last *l)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(gh_outbox_list(f->st, -1, keep_newest, l), GH_OK);
    assert_non_null(l->body);
}

static void welcome_is_written_in_the_persons_language_not_the_screens(void **state)
{
    struct fx *f = *state;
    struct gh_account_new in = { .email = "elodie@example.com", .name = "Élodie" };
    struct last l;
    int64_t id;
    char lang[16];
    assert_int_equal(gh_i18n_use("es"), 0);     /* the kiosk shows Spanish */
    assert_int_equal(gh_occupant_create_lang(f->st, "cli", &in, "fr", &id), GH_OK);
    assert_string_equal(gh_i18n_current(), "es");
    assert_int_equal(gh_account_lang(f->st, id, lang, sizeof lang), GH_OK);
    assert_string_equal(lang, "fr");
    newest_mail(f, &l);
    assert_string_equal(l.kind, "welcome");
    assert_string_equal(l.subject, "Votre code de configuration pour Gatehouse");
    assert_non_null(strstr(l.body, "Bonjour Élodie,"));
    assert_non_null(strstr(l.body, " 2026 à ") ? strstr(l.body, " 2026 à ")
                                                : strstr(l.body, " 2027 à "));
    free(l.body);
    /* staff change it; the next code mail follows */
    assert_int_equal(gh_account_set_lang(f->st, "cli", id, "es"), GH_OK);
    assert_int_equal(gh_account_resend_welcome(f->st, "cli", id), GH_OK);
    newest_mail(f, &l);
    assert_string_equal(l.subject, "Su código de configuración para Gatehouse");
    assert_non_null(strstr(l.body, "Hola, Élodie:"));
    assert_non_null(strstr(l.body, " a las "));
    free(l.body);
}

static void no_language_stored_means_the_kiosks_first(void **state)
{
    struct fx *f = *state;
    struct gh_account_new in = { .email = "ann@example.com", .name = "Ann" };
    struct last l;
    int64_t id;
    char lang[16];
    assert_int_equal(gh_i18n_use("fr"), 0);
    assert_int_equal(gh_occupant_create(f->st, "cli", &in, &id), GH_OK);
    assert_int_equal(gh_account_lang(f->st, id, lang, sizeof lang), GH_OK);
    assert_string_equal(lang, "");
    assert_string_equal(gh_account_mail_lang(f->st, id, lang, sizeof lang), "en");
    newest_mail(f, &l);
    assert_string_equal(l.subject, "Your setup code for Gatehouse");
    assert_non_null(strstr(l.body, "Hello Ann,"));
    free(l.body);
    /* a language the kiosk stopped offering reads as the first one */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE accounts SET lang = 'de'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_string_equal(gh_account_mail_lang(f->st, id, lang, sizeof lang), "en");
    assert_int_equal(gh_account_resend_welcome(f->st, "cli", id), GH_OK);
    newest_mail(f, &l);
    assert_string_equal(l.subject, "Your setup code for Gatehouse");
    free(l.body);
}

static void approvers_read_the_first_language_whatever_the_person_used(void **state)
{
    struct fx *f = *state;
    struct gh_account_new sam = { .email = "sam@example.com", .name = "Sam" };
    struct gh_signup in = { .email = "ana@example.com", .name = "Ana" };
    struct gh_signup_result res;
    struct last l;
    int64_t sid;
    char lang[16];
    assert_int_equal(gh_staff_create(f->st, "cli", &sam, "2580", GH_PERM_APPROVE, &sid), GH_OK);
    assert_int_equal(gh_settings_set(f->st, "cli", "signup_approval", "on"), GH_OK);
    assert_int_equal(gh_i18n_use("es"), 0);     /* Ana signs up in Spanish */
    assert_int_equal(gh_occupant_signup_lang(f->st, "kiosk", &in, "es", &res), GH_OK);
    assert_int_equal(res.outcome, GH_SIGNUP_PENDING);
    assert_string_equal(gh_i18n_current(), "es");
    newest_mail(f, &l);
    assert_string_equal(l.kind, "signup_notify");
    assert_string_equal(l.to, "sam@example.com");
    assert_string_equal(l.subject, "Sign-up waiting for approval: Ana");
    assert_non_null(strstr(l.body, "Hello Sam,"));
    free(l.body);
    assert_int_equal(gh_account_lang(f->st, res.account_id, lang, sizeof lang), GH_OK);
    assert_string_equal(lang, "es");
    /* approved: her welcome is Spanish */
    assert_int_equal(gh_occupant_approve(f->st, "cli", res.account_id), GH_OK);
    newest_mail(f, &l);
    assert_string_equal(l.kind, "welcome");
    assert_string_equal(l.subject, "Su código de configuración para Gatehouse");
    free(l.body);
}

static void a_language_the_kiosk_does_not_offer_is_refused_naming_the_languages(void **s)
{
    struct fx *f = *s;
    struct gh_account_new in = { .email = "dora@example.com" };
    struct gh_signup su = { .email = "dora@example.com" };
    struct gh_signup_result res;
    struct gh_account a;
    int64_t id = 7;
    assert_int_equal(gh_occupant_create_lang(f->st, "cli", &in, "de", &id), GH_E_INVALID);
    assert_non_null(strstr(gh_store_errmsg(f->st), "lang: \"de\""));
    assert_non_null(strstr(gh_store_errmsg(f->st), "en, es, fr"));
    assert_int_equal(id, 0);
    assert_int_equal(gh_occupant_signup_lang(f->st, "kiosk", &su, "xx", &res), GH_E_INVALID);
    assert_string_equal(res.field, "lang");
    assert_int_equal(gh_account_find(f->st, "dora@example.com", &a), GH_E_NOTFOUND);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(dates_are_written_in_each_languages_own_form),
    T(composing_for_someone_leaves_the_screens_language_as_it_was),
    T(welcome_is_written_in_the_persons_language_not_the_screens),
    T(no_language_stored_means_the_kiosks_first),
    T(approvers_read_the_first_language_whatever_the_person_used),
    T(a_language_the_kiosk_does_not_offer_is_refused_naming_the_languages),
};

GH_TEST_MAIN(tests)
