/*
 * bench_search.c: search as you type at 100,000 occupants, from keystroke to
 * results drawn.
 *
 *   bench_search DB [ROUNDS]
 *
 * The kiosk's own toolkit (headless: SDL dummy driver, the software
 * renderer the kiosk uses) and the occupants plugin, linked in, open
 * occupants.search for the staff account sam@example.com. Each keystroke is
 * an SDL event as a keyboard delivers it (SDL_TEXTINPUT for a character,
 * Backspace to erase), handled by the same code as on the kiosk: the frame
 * that applies it runs the query (host->core->account_search) and lays out
 * the results, and the renderer draws the pixels that changed. The time
 * from pushing the event to gh_ui_update() returning is one sample.
 *
 * Queries are typed character by character and erased again: names, an
 * email prefix in upper case, phone prefixes in another format, and one-
 * and two-letter prefixes that match thousands. The same keystrokes typed
 * into the new-occupant form's email field (no query) give the frame's own
 * cost, so the difference is what searching adds. Last, the toolkit's own
 * typing benchmark (gh_ui_bench_typing) taps the on-screen keys into the
 * search field: the touch path, key release to frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL.h>
#include "gatehouse/config.h"
#include "gatehouse/store.h"
#include "gatehouse/account.h"
#include "gatehouse/plugin.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/ui_host.h"
#include "../../kiosk/gatehouse/session.h"

const struct gh_plugin *gh_plugin_occupants(void);

/* A blank bottom screen, so that no other plugin is needed. */
static void home_draw(void *state, struct gh_ui *ui)
{
    gh_ui_api_table()->heading(ui, "bench");
}

static enum gh_status home_init(const struct gh_host *h, void **state, char *err,
                                size_t errlen)
{
    static const struct gh_screen s = { .size = sizeof s, .id = "bench.home",
                                        .draw = home_draw };
    return h->register_screen(h->ctx, &s) == 0 ? GH_OK : GH_E_PLUGIN;
}

static const struct gh_plugin home_plugin = {
    .size = sizeof home_plugin, .abi_major = GH_PLUGIN_ABI_MAJOR,
    .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
    .name = "benchhome", .version = "1", .init = home_init };

static double *samples;
static int nsamples, cap;

static double now_ms(void)
{
    return (double)SDL_GetPerformanceCounter() * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

static void key_event(int backspace, char ch)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    if (backspace) {
        ev.type = SDL_KEYDOWN;
        ev.key.state = SDL_PRESSED;
        ev.key.keysym.sym = SDLK_BACKSPACE;
        ev.key.keysym.scancode = SDL_SCANCODE_BACKSPACE;
    } else {
        ev.type = SDL_TEXTINPUT;
        ev.text.text[0] = ch;
    }
    SDL_PushEvent(&ev);
}

/* One keystroke, timed from the event to the frame drawn. */
static void stroke(struct gh_ui *ui, int backspace, char ch, int record)
{
    double t0 = now_ms();
    key_event(backspace, ch);
    gh_ui_wait(ui, 0);
    gh_ui_update(ui);
    double t = now_ms() - t0;
    if (record && nsamples < cap)
        samples[nsamples++] = t;
}

static void type_word(struct gh_ui *ui, const char *w, int record)
{
    for (const char *p = w; *p; p++)
        stroke(ui, 0, *p, record);
    for (const char *p = w; *p; p++)
        stroke(ui, 1, 0, record);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, const char *screen)
{
    qsort(samples, (size_t)nsamples, sizeof *samples, cmp_d);
    printf("%-34s %-18s keys %5d  median %6.3f ms  p90 %6.3f  p99 %6.3f  max %7.3f\n", what,
           screen, nsamples, samples[nsamples / 2], samples[nsamples * 9 / 10],
           samples[nsamples * 99 / 100], samples[nsamples - 1]);
}

int main(int argc, char **argv)
{
    static const char *const words[] = {
        "anna adams", "olive o", "IVY@EXAMPLE", "+1(555)0042", "zoltan zeller", "k", "mo",
        "grace.h", "+1 555 00999", "peter", "x", "victor vogel", "tenant", "ben@", "sven s",
    };
    const int nwords = (int)(sizeof words / sizeof words[0]);
    struct gh_config cfg;
    struct gh_store *st = NULL;
    struct gh_ui *ui = NULL;
    struct gh_plugin_host *host = NULL;
    struct gh_account sam;
    char err[512];
    int rounds = argc > 2 ? atoi(argv[2]) : 4, rc = 1;

    if (argc < 2 || rounds < 1) {
        fprintf(stderr, "usage: bench_search DB [ROUNDS]\n");
        return 2;
    }
    gh_config_defaults(&cfg);
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "bench_search: %s\n", err);
        return 1;
    }
    int64_t n = 0;
    struct gh_account_query all = { .kind = GH_KIND_OCCUPANT, .state = -1 };
    gh_account_count(st, &all, &n);
    if (gh_account_find(st, "sam@example.com", &sam) != GH_OK) {
        fprintf(stderr, "bench_search: no staff account sam@example.com in %s\n", argv[1]);
        goto out;
    }
    struct gh_ui_opts uo = { .width = 1080, .height = 1920, .scale = 1.0, .headless = 1 };
    if (gh_ui_new(&uo, &ui, err, sizeof err) != GH_OK) {
        fprintf(stderr, "bench_search: screen: %s\n", err);
        goto out;
    }
    host = gh_plugin_host_new(st, &cfg, gh_ui_api_table(), 1);
    if (!host || gh_plugin_host_add_static(host, &home_plugin, err, sizeof err) != GH_OK ||
        gh_plugin_host_add_static(host, gh_plugin_occupants(), err, sizeof err) != GH_OK) {
        fprintf(stderr, "bench_search: plugins: %s\n", err);
        goto out;
    }
    static struct gh_session session;   /* the kiosk's staff session */
    gh_session_attach(&session, ui, host, st, "bench.home");
    gh_session_begin(&session, &sam);
    cap = rounds * nwords * 40;
    samples = calloc((size_t)cap, sizeof *samples);
    if (!samples)
        goto out;
    printf("bench-search: %lld occupants, 1080x1920, software renderer, %d rounds of %d queries "
           "typed and erased\n", (long long)n, rounds, nwords);

    const char *screens[] = { "occupants.search", "occupants.new" };
    const char *what[] = { "search as you type (query+frame)", "same keys, form field (frame)" };
    for (int s = 0; s < 2; s++) {
        gh_ui_api_table()->push(ui, screens[s], NULL);   /* focuses its first field */
        gh_ui_update(ui);
        gh_ui_update(ui);
        if (strcmp(gh_ui_screen_id(ui), screens[s]) != 0) {
            fprintf(stderr, "bench_search: screen %s did not open\n", screens[s]);
            goto out;
        }
        type_word(ui, words[0], 0);                     /* warm the caches */
        nsamples = 0;
        for (int r = 0; r < rounds; r++)
            for (int w = 0; w < nwords; w++)
                type_word(ui, words[w], 1);
        report(what[s], screens[s]);
        gh_ui_api_table()->pop(ui);       /* back home: that ends the session */
        gh_ui_update(ui);
        gh_session_begin(&session, &sam);
    }
    /* the touch path too: the toolkit's own typing benchmark taps the
     * on-screen keys (a, b, c ... then Backspace) into the search field */
    printf("on-screen keyboard, occupants.search (toolkit's --bench-typing loop):\n");
    fflush(stdout);
    if (gh_ui_bench_typing(ui, "occupants.search", rounds * 96, stdout) != 0)
        goto out;
    rc = 0;
out:
    free(samples);
    if (host) {
        gh_plugin_host_shutdown(host);
        gh_plugin_host_free(host);
    }
    gh_ui_free(ui);
    gh_store_close(st);
    return rc;
}
