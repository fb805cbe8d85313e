/*
 * test_i18n.c: the translation catalogues behind _() (i18n.h), read from
 * real .mo files that msgfmt built from es_test.po and fr_test.po.
 * Usage: test_i18n TEST_NAME LOCALE_DIR. An unknown name fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gatehouse/i18n.h"

static const char *locale_dir;

static void load_both(void)
{
    char err[512];
    assert_int_equal(gh_i18n_load_dir(locale_dir, "es", err, sizeof err), GH_I18N_OK);
    assert_int_equal(gh_i18n_load_dir(locale_dir, "fr", err, sizeof err), GH_I18N_OK);
}

static int teardown(void **state)
{
    (void)state;
    gh_i18n_unload_all();
    return 0;
}

static void a_loaded_language_translates_and_a_missing_string_falls_back_to_english(void **s)
{
    (void)s;
    load_both();
    assert_string_equal(_("Unlock"), "Unlock"); /* English until chosen */
    assert_int_equal(gh_i18n_use("es"), 0);
    assert_string_equal(gh_i18n_current(), "es");
    assert_string_equal(_("Unlock"), "Abrir");
    assert_string_equal(_("Sign up"), "Registrarse");
    assert_string_equal(_("Welcome, %s"), "Bienvenido, %s");
    /* untranslated (empty msgstr) and unknown strings stay English */
    assert_string_equal(_("Not yet translated"), "Not yet translated");
    assert_string_equal(_("Nowhere in the catalogue"), "Nowhere in the catalogue");
    assert_true(gh_i18n_translated("es", "Unlock"));
    assert_false(gh_i18n_translated("es", "Not yet translated"));
    assert_false(gh_i18n_translated("fr", "Sign up"));
    assert_string_equal(gh_i18n_lookup_in("fr", "Unlock"), "Ouvrir");
    /* an unloaded language is refused and the choice stays */
    assert_int_equal(gh_i18n_use("de"), -1);
    assert_string_equal(_("Unlock"), "Abrir");
    assert_int_equal(gh_i18n_use("en"), 0);
    assert_string_equal(_("Unlock"), "Unlock");
}

struct speaker {
    const char *lang;
    int rounds, wrong;
    const char *want;
};

static void *speak(void *arg)
{
    struct speaker *sp = arg;
    gh_i18n_use(sp->lang);
    for (int i = 0; i < sp->rounds; i++)
        if (strcmp(_("Unlock"), sp->want) != 0)
            sp->wrong++;
    return NULL;
}

static void each_thread_speaks_its_own_language(void **s)
{
    (void)s;
    load_both();
    gh_i18n_use("fr");
    struct speaker a = { "es", 100000, 0, "Abrir" }, b = { "en", 100000, 0, "Unlock" };
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, speak, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, speak, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.wrong, 0);
    assert_int_equal(b.wrong, 0);
    assert_string_equal(_("Unlock"), "Ouvrir"); /* this thread's choice held */
}

static void a_language_names_itself_in_its_own_words(void **s)
{
    (void)s;
    load_both();
    assert_string_equal(gh_i18n_name("es"), "Español");
    assert_string_equal(gh_i18n_name("fr"), "Français");
    assert_string_equal(gh_i18n_name("en"), "English");
}

static void a_missing_catalogue_is_a_clear_error_naming_the_file(void **s)
{
    (void)s;
    char err[512] = "";
    assert_int_equal(gh_i18n_load_dir(locale_dir, "de", err, sizeof err), GH_I18N_MISSING);
    assert_non_null(strstr(err, "de/LC_MESSAGES/gatehouse.mo"));
    assert_false(gh_i18n_has("de"));
}

/* Writes the first n bytes of the es catalogue to path (n < 0: all of it,
 * with byte `flip` changed when flip >= 0). */
static size_t copy_mo(const char *path, long n, long flip)
{
    char src[1024];
    snprintf(src, sizeof src, "%s/es/LC_MESSAGES/gatehouse.mo", locale_dir);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    static unsigned char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, in);
    fclose(in);
    if (flip >= 0 && (size_t)flip < len)
        buf[flip] ^= 0xff;
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    size_t want = n < 0 ? len : (size_t)n;
    assert_int_equal(fwrite(buf, 1, want, out), want);
    fclose(out);
    return len;
}

static void a_cut_short_or_damaged_catalogue_is_refused_not_read_past_its_end(void **s)
{
    (void)s;
    char path[] = "/tmp/gh-i18n-XXXXXX", err[512];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t len = copy_mo(path, -1, -1);
    /* every cut of the real file is either refused or, if it still holds
     * all it points at, reads right; never read past the end (ASan) */
    for (size_t cut = 0; cut < len; cut += 7) {
        copy_mo(path, (long)cut, -1);
        err[0] = '\0';
        enum gh_i18n_result r = gh_i18n_load("es", path, err, sizeof err);
        assert_int_equal(r, GH_I18N_BAD);
        assert_non_null(strstr(err, path));
        assert_false(gh_i18n_has("es"));
    }
    copy_mo(path, -1, 0); /* the magic number */
    assert_int_equal(gh_i18n_load("es", path, err, sizeof err), GH_I18N_BAD);
    assert_non_null(strstr(err, "not a .mo"));
    copy_mo(path, -1, 12); /* where the table of originals starts */
    assert_int_equal(gh_i18n_load("es", path, err, sizeof err), GH_I18N_BAD);
    copy_mo(path, -1, -1);
    assert_int_equal(gh_i18n_load("es", path, err, sizeof err), GH_I18N_OK);
    gh_i18n_use("es");
    assert_string_equal(_("Unlock"), "Abrir");
    unlink(path);
}

static void a_bad_language_code_is_refused(void **s)
{
    (void)s;
    char err[512];
    assert_int_equal(gh_i18n_load_dir(locale_dir, "../es", err, sizeof err), GH_I18N_BAD);
    assert_non_null(strstr(err, "not a language code"));
    assert_int_equal(gh_i18n_load_dir(locale_dir, "", err, sizeof err), GH_I18N_BAD);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        T(a_loaded_language_translates_and_a_missing_string_falls_back_to_english),
        T(each_thread_speaks_its_own_language),
        T(a_language_names_itself_in_its_own_words),
        T(a_missing_catalogue_is_a_clear_error_naming_the_file),
        T(a_cut_short_or_damaged_catalogue_is_refused_not_read_past_its_end),
        T(a_bad_language_code_is_refused),
    };
    if (argc < 3) {
        fprintf(stderr, "usage: test_i18n TEST_NAME LOCALE_DIR\n");
        return 2;
    }
    locale_dir = argv[2];
    int found = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        found |= strcmp(tests[i].name, argv[1]) == 0;
    if (!found) {
        fprintf(stderr, "test_i18n: no test named %s\n", argv[1]);
        return 2;
    }
    cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
