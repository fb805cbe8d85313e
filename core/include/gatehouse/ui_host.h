/*
 * ui_host.h: the kiosk program's side of the UI toolkit (plugins see only
 * ui.h through their host table).
 *
 * The kiosk creates one struct gh_ui (a window, or a headless canvas with
 * the SDL dummy driver and the software renderer), attaches its hooks
 * (struct gh_ui_hooks) and turns its loop: wait for input or the next
 * deadline, gh_ui_tick() (pollers, ui->wake_in timers, idle time-out),
 * gh_ui_update() (build a frame if something changed, redraw only the
 * rectangles that differ). The screen stack lives here too; the toolkit
 * knows neither plugins nor accounts: the program looks screens up by id
 * (in the plugin registry), and keeps the staff session, through the hooks.
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
struct gh_screen;
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

/* A screen as the toolkit calls it: its callbacks and their state. */
struct gh_ui_screen {
    const struct gh_screen *screen;
    void *state;
    const char *plugin;          /* who registered it, for the log */
};

/* What the toolkit asks of the program around it. Every member may be NULL
 * (no screens, no pollers, no staff session). */
struct gh_ui_hooks {
    void *ud;                    /* passed back to every member */
    /* The screen registered as id: 1 and *out, or 0 when there is none. */
    int (*screen)(void *ud, const char *id, struct gh_ui_screen *out);
    /* The kiosk went home (Done, the idle time-out, popping back home). */
    void (*went_home)(void *ud);
    /* Runs the pollers due now; ms until the next one (< 0: none). */
    int (*poll)(void *ud, int64_t mono_now_ms);
    /* The staff session. may_open: may a screen needing staff permission
     * perm (non-zero) open now? NULL: yes; else the sentence the person
     * reads. */
    const char *(*may_open)(void *ud, unsigned perm);
    /* Run before every frame: perms are the staff_perm of every screen on
     * the stack. NULL: the session goes on (or there is none); else it has
     * ended, and why: the toolkit goes home, drops what the tap asked for
     * and shows the sentence. */
    const char *(*recheck)(void *ud, const unsigned *perms, int n);
    /* The staff member logged in, or NULL (ui->staff()). */
    const struct gh_account *(*staff)(void *ud);
    /* Going home: the session ends. */
    void (*end)(void *ud);
    /* 1 while the program keeps something of the current person's (the
     * language they chose) that the idle time-out must clear, even on the
     * home screen; NULL: nothing. */
    int (*personal)(void *ud);
    /* The idle time-out fired: the person has gone (before going home). */
    void (*idle)(void *ud);
};

/* Attaches the program's hooks (copied) and shows home_id (normally
 * "home"). */
void gh_ui_attach(struct gh_ui *ui, const struct gh_ui_hooks *hooks, const char *home_id);
/* After this long without input, any screen but home, a staff session, the
 * keyboard or a dialog is cleared: back home (default 60 s). */
void gh_ui_set_idle_timeout(struct gh_ui *ui, int ms);

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
/* Ask for a frame (the staff session changed). */
void gh_ui_invalidate(struct gh_ui *ui);
/* Back to home without ending the staff session, then push screen_id. */
void gh_ui_replace(struct gh_ui *ui, const char *screen_id, const void *arg);
/* A small button at the bottom right of the screen, outside the scrolled
 * content (still >= 64 px). Returns 1 when tapped. */
int gh_ui_corner_button(struct gh_ui *ui, const char *id, const char *label);
/* Reach: on a portrait screen whose content is shorter than the screen,
 * what the screen draws after this call sits at the bottom of the screen
 * (above the keyboard). Without it, a screen's first primary button or tile
 * (its row) is where the bottom part starts. */
void gh_ui_bottom(struct gh_ui *ui);
/* A home tile: the label large and, below it, one line saying what it is
 * for (subtitle may be NULL). Returns 1 when tapped. */
int gh_ui_home_tile(struct gh_ui *ui, const char *id, const char *label,
                    const char *subtitle, int64_t badge);
/* Larger text (the home screen's "Aa"): on makes every text and target
 * GH_UI_LARGE_TEXT times the configured scale from the next frame; off
 * returns to the configured scale. GH_E_UNAVAILABLE (logged) when the larger
 * faces can't be opened: the screen stays as it was. */
#define GH_UI_LARGE_TEXT 1.3
enum gh_status gh_ui_set_large_text(struct gh_ui *ui, int on);
int gh_ui_large_text(const struct gh_ui *ui);
/* Opens the larger faces now (the kiosk does it after its first frame), so
 * the first "Aa" costs no more than any other switch. */
enum gh_status gh_ui_prepare_large_text(struct gh_ui *ui);
/* Branding ([screen] accent and logo, issue 19): the colour of filled
 * buttons and tiles (the config checked its contrast); the PNG the home
 * screen shows above the site name (gh_ui_logo). set_logo: GH_E_IO and err
 * saying why (unreadable, not a PNG, larger than 4096 px) — nothing shown. */
void gh_ui_set_accent(struct gh_ui *ui, unsigned char r, unsigned char g, unsigned char b);
enum gh_status gh_ui_set_logo(struct gh_ui *ui, const char *path, char *err, size_t errlen);
/* The logo, centred, at most 180 px high (at the scale); nothing without one. */
void gh_ui_logo(struct gh_ui *ui, const char *id);
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
