/*
 * ui_host.h: the kiosk program's side of the UI toolkit (plugins see only
 * ui.h through their host table).
 *
 * The kiosk creates one struct gh_ui (a window, or a headless canvas with
 * the SDL dummy driver and the software renderer), attaches the plugin
 * registry and the store, and turns its loop: wait for input or the next
 * deadline, gh_ui_tick() (pollers, ui->wake_in timers, idle time-out),
 * gh_ui_update() (build a frame if something changed, redraw only the
 * rectangles that differ). The screen stack lives here too: screens are
 * looked up by id in the registry (gh_plugin_host_screen).
 *
 * The test harness (--script), the widget dump (--dump-ui) and the typing
 * benchmark (--bench-typing) drive the same code through injected SDL
 * events.
 */
#ifndef GATEHOUSE_UI_HOST_H
#define GATEHOUSE_UI_HOST_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/status.h"
#include "gatehouse/ui.h"

struct gh_ui;
struct gh_plugin_host;
struct gh_store;
struct gh_account;

struct gh_ui_opts {
    int width, height;       /* canvas, portrait as the person sees it */
    int rotation;            /* 0, 90, 180, 270: how the panel is mounted */
    double scale;            /* UI scale (1.0 = sized for a 1080-wide screen) */
    int fullscreen;
    int headless;            /* dummy video driver, software canvas, no window */
    const char *font;        /* regular face; NULL/"" = find DejaVuSans.ttf */
    const char *title;       /* window title */
};

/* Opens SDL (video), the fonts and the canvas. err names what is missing
 * (no font file, no display). */
enum gh_status gh_ui_new(const struct gh_ui_opts *o, struct gh_ui **out,
                         char *err, size_t errlen);
void gh_ui_free(struct gh_ui *ui);
/* The toolkit table given to plugins (host->ui). */
const struct gh_ui_api *gh_ui_api_table(void);

/* Attaches the registry and store, and shows home_id (normally "home"). */
void gh_ui_attach(struct gh_ui *ui, struct gh_plugin_host *h, struct gh_store *st,
                  const char *home_id);
/* Re-reads idle_timeout_s from the store (on start and on a settings event). */
void gh_ui_reload_settings(struct gh_ui *ui);

/* ms until the next thing the toolkit must do (poll, timer, idle, toast,
 * busy animation); -1 when it only waits for input. */
int gh_ui_timeout_ms(struct gh_ui *ui);
/* Waits up to timeout_ms (-1: forever) for input and handles all pending
 * input. Returns 1 when a quit was asked for (window closed). */
int gh_ui_wait(struct gh_ui *ui, int timeout_ms);
/* Runs what is due now: pollers, timers, the idle time-out, the ticker. */
void gh_ui_tick(struct gh_ui *ui);
/* The program's own periodic work, run by gh_ui_tick (so also on a
 * script's virtual clock): fn returns the ms until it wants to run again
 * (< 0: never); gh_ui_timeout_ms counts that deadline. First run at the next
 * tick. The kiosk's hourly log anchor (audit.h) is one. */
void gh_ui_set_ticker(struct gh_ui *ui, int64_t (*fn)(void *ud, int64_t mono_now_ms),
                      void *ud);
/* Builds a frame if anything changed and draws what differs. Returns 1 if
 * pixels changed. */
int gh_ui_update(struct gh_ui *ui);
int gh_ui_frames(const struct gh_ui *ui);

/* The shell's controls beyond ui.h: */
/* The staff session (NULL ends it). */
void gh_ui_set_staff(struct gh_ui *ui, const struct gh_account *a);
/* Back to home without ending the staff session, then push screen_id. */
void gh_ui_replace(struct gh_ui *ui, const char *screen_id, const void *arg);
/* A small button at the bottom right of the screen, outside the scrolled
 * content (still >= 64 px). Returns 1 when tapped. */
int gh_ui_corner_button(struct gh_ui *ui, const char *id, const char *label);
/* The id of the screen on top of the stack. */
const char *gh_ui_screen_id(const struct gh_ui *ui);

/* Screenshot of the current frame as PNG. */
enum gh_status gh_ui_screenshot(struct gh_ui *ui, const char *path, char *err, size_t errlen);
/* Runs a test script (see TESTING.md / the kiosk's --script). Returns 0 when
 * every step held, 1 at the first failure (message on err_out as
 * "FILE:LINE: what failed"), 2 on a setup error. */
int gh_ui_run_script(struct gh_ui *ui, const char *path, const char *shots_dir, FILE *err_out);
/* Prints the current screen's widgets as JSON. */
void gh_ui_dump(struct gh_ui *ui, FILE *out);
/* Opens screen_id, focuses its first field and types n keys, printing the
 * median, p90 and max ms from a key's release to the frame drawn. */
int gh_ui_bench_typing(struct gh_ui *ui, const char *screen_id, int n, FILE *out);

#endif
