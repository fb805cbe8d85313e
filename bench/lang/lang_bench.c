/*
 * lang_bench.c: what switching the kiosk's language costs (issue 19: no
 * more than one frame). A headless 1080x1920 screen like home (the language
 * row, a heading, a hint, three tiles, Staff) alternates between its Spanish
 * and French words N times each way:
 *   plain frame: the words looked up in the other language directly
 *                (gh_i18n_lookup_in), the kiosk's language unchanged: a frame
 *                that repaints exactly what a switch repaints;
 *   switch:      gh_i18n_use(other language), then the frame through _().
 * Then larger text ("Aa", issue 19): the same screen alternates between the
 * normal and the 1.3x text size (gh_ui_set_large_text, then the frame: the
 * whole screen repaints); the first switch, which opens the larger faces,
 * is measured apart.
 * Median and max of each, in microseconds.
 *
 *   lang_bench LOCALE_DIR [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gatehouse/i18n.h"
#include "gatehouse/plugin.h"
#include "gatehouse/ui_host.h"

static const char *const langs[] = { "en", "es", "fr" };
static const char *plain_lang;           /* NULL: the thread's language (_()) */

static const char *T(const char *msgid)
{
    return plain_lang ? gh_i18n_lookup_in(plain_lang, msgid) : _(msgid);
}

static void draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = gh_ui_api_table();
    (void)state;
    u->row_begin(ui, 3);
    for (int i = 0; i < 3; i++)
        u->button(ui, langs[i], gh_i18n_name(langs[i]), GH_UI_NORMAL);
    u->row_end(ui);
    u->heading(ui, "Gatehouse");
    u->text(ui, "hint", T("Welcome. Tap what you would like to do."), GH_UI_MUTED);
    u->tile(ui, "t1", T("Unlock"), 0);
    u->tile(ui, "t2", T("Sign up"), 0);
    u->tile(ui, "t3", T("First time here?"), 0);
    u->button(ui, "staff", T("Staff"), GH_UI_NORMAL);
}

static const struct gh_screen home = { .size = sizeof home, .id = "home", .draw = draw };

static int find(void *ud, const char *id, struct gh_ui_screen *out)
{
    (void)ud;
    if (strcmp(id, "home") != 0)
        return 0;
    *out = (struct gh_ui_screen){ &home, NULL, "bench" };
    return 1;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%-28s median %8.0f us   max %8.0f us   (n=%d)\n", what, v[n / 2], v[n - 1], n);
}

int main(int argc, char **argv)
{
    char err[512];
    int n = argc > 2 ? atoi(argv[2]) : 100;
    if (argc < 2 || n < 1) {
        fprintf(stderr, "usage: lang_bench LOCALE_DIR [N]\n");
        return 2;
    }
    for (int i = 1; i < 3; i++)
        if (gh_i18n_load_dir(argv[1], langs[i], err, sizeof err) != GH_I18N_OK) {
            fprintf(stderr, "lang_bench: %s\n", err);
            return 1;
        }
    struct gh_ui_opts o = { .width = 1080, .height = 1920, .scale = 1.0, .headless = 1,
                            .font = "", .title = "bench" };
    struct gh_ui *ui;
    if (gh_ui_new(&o, &ui, err, sizeof err) != GH_OK) {
        fprintf(stderr, "lang_bench: %s\n", err);
        return 1;
    }
    struct gh_ui_hooks hooks = { .screen = find };
    gh_ui_attach(ui, &hooks, "home");
    double *plain = calloc((size_t)n, sizeof *plain), *sw = calloc((size_t)n, sizeof *sw);
    gh_i18n_use("es");
    for (int i = 0; i < 10; i++) {           /* warm the glyph caches of both */
        gh_i18n_use(langs[1 + i % 2]);
        gh_ui_invalidate(ui);
        gh_ui_update(ui);
    }
    for (int i = 0; i < n; i++) {
        gh_i18n_use("en");
        plain_lang = langs[1 + i % 2];
        double t0 = now_us();
        gh_ui_invalidate(ui);
        gh_ui_update(ui);
        plain[i] = now_us() - t0;
        plain_lang = NULL;
        gh_i18n_use(langs[2 - i % 2]);   /* the other one: every word changes */
        gh_ui_invalidate(ui);
        gh_ui_update(ui);
        t0 = now_us();
        gh_i18n_use(langs[1 + i % 2]);
        gh_ui_invalidate(ui);
        gh_ui_update(ui);
        sw[i] = now_us() - t0;
    }
    report("plain frame", plain, n);
    report("language switch + frame", sw, n);
    double prep = now_us();
    gh_ui_prepare_large_text(ui);
    prep = now_us() - prep;
    double first = now_us();
    gh_ui_set_large_text(ui, 1);
    gh_ui_update(ui);
    first = now_us() - first;
    gh_ui_set_large_text(ui, 0);
    gh_ui_update(ui);
    for (int i = 0; i < 10; i++) {           /* warm both sizes' text caches */
        gh_ui_set_large_text(ui, i % 2 == 0);
        gh_ui_update(ui);
    }
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        gh_ui_set_large_text(ui, i % 2 == 0);
        gh_ui_update(ui);
        sw[i] = now_us() - t0;
    }
    gh_ui_set_large_text(ui, 0);
    gh_ui_update(ui);
    report("text size switch + frame", sw, n);
    printf("%-28s %8.0f us (after the first frame, at start)\n", "opening the larger faces", prep);
    printf("%-28s %8.0f us (every word drawn the first time)\n", "first switch to larger text",
           first);
    printf("%-28s %8.0f us\n", "one frame at 60 Hz", 1e6 / 60);
    free(plain);
    free(sw);
    gh_ui_free(ui);
    gh_i18n_unload_all();
    return 0;
}
