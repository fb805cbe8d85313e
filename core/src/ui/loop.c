/*
 * loop.c: what the program's loop turns: how long it may sleep, waiting for
 * input, the timers due now (pollers, ui->wake_in, the ticker, the toast and
 * busy animation, the idle time-out), and building and drawing a frame.
 */
#include <string.h>
#include <stdio.h>
#include <poll.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/oplog.h"

void gh_ui_set_idle_timeout(struct gh_ui *ui, int ms)
{
    if (ms > 0)
        ui->idle_timeout_ms = ms;
}

static int64_t min_deadline(int64_t a, int64_t b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

int gh_ui_timeout_ms(struct gh_ui *ui)
{
    if (ui->need_frame || ui->nav.op)
        return 0;
    int64_t now = gh_clock_mono_ms();
    int64_t at = -1;
    at = min_deadline(at, ui->poll_at);
    at = min_deadline(at, ui->wake_at);
    if (ui->ticker)
        at = min_deadline(at, ui->ticker_at);
    if (ui->toast[0])
        at = min_deadline(at, ui->toast_until);
    if (ui->busy)
        at = min_deadline(at, ui->busy_next);
    if (ui_idle_applies(ui))
        at = min_deadline(at, ui->last_input_ms + ui->idle_timeout_ms);
    if (at < 0)
        return -1;
    if (at <= now)
        return 0;
    return at - now > INT32_MAX ? INT32_MAX : (int)(at - now);
}

void gh_ui_tick(struct gh_ui *ui)
{
    int64_t now = gh_clock_mono_ms();
    if (ui->hooks.poll && ui->poll_at >= 0 && now >= ui->poll_at) {
        int r = ui->hooks.poll(ui->hooks.ud, now);
        ui->poll_at = r < 0 ? -1 : now + r;
    }
    if (ui->wake_at >= 0 && now >= ui->wake_at) {
        ui->wake_at = -1;
        ui->need_frame = 1;
    }
    if (ui->ticker && ui->ticker_at >= 0 && now >= ui->ticker_at) {
        int64_t r = ui->ticker(ui->ticker_ud, now);
        ui->ticker_at = r < 0 ? -1 : now + r;
    }
    if (ui->toast[0] && now >= ui->toast_until) {
        ui->toast[0] = 0;
        ui->toast_until = 0;
        ui->need_frame = 1;
    }
    if (ui->busy && now >= ui->busy_next) {
        ui->busy_phase++;
        ui->busy_next = now + 150;
        ui->need_frame = 1;
    }
    if (ui_idle_applies(ui) && now - ui->last_input_ms >= ui->idle_timeout_ms) {
        gh_oplog(GH_LOG_INFO, "idle for %d s: back to the home screen",
                 ui->idle_timeout_ms / 1000);
        if (ui->hooks.idle)
            ui->hooks.idle(ui->hooks.ud);
        ui_go_home(ui, 1);
        ui->last_input_ms = now;
    }
    ui_screens_apply_nav(ui);
}

void gh_ui_set_ticker(struct gh_ui *ui, int64_t (*fn)(void *ud, int64_t mono_now_ms),
                      void *ud)
{
    ui->ticker = fn;
    ui->ticker_ud = ud;
    ui->ticker_at = fn ? gh_clock_mono_ms() : -1;
}

int gh_ui_wait(struct gh_ui *ui, int timeout_ms)
{
    if (ui->headless) {
        /* The dummy driver has no event source of its own (SDL would poll
         * it every millisecond); only a signal can wake us, and it
         * interrupts poll(). */
        if (timeout_ms != 0 && !SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            poll(NULL, 0, timeout_ms);
    } else if (ui->native_wait) {
        /* Capped so that a SIGTERM, which SDL's X11 wait retries through,
         * is seen within half a second. */
        int t = timeout_ms < 0 || timeout_ms > 500 ? 500 : timeout_ms;
        SDL_WaitEventTimeout(NULL, t);
    } else {
        /* Drivers that can't sleep until input (KMSDRM with evdev): SDL's
         * own wait would look every millisecond; look every 16 ms instead
         * (a frame at 60 Hz), which costs next to nothing. */
        int64_t until = timeout_ms < 0 ? -1 : gh_clock_mono_ms() + timeout_ms;
        for (;;) {
            SDL_PumpEvents();
            if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
                break;
            int64_t left = until < 0 ? 16 : until - gh_clock_mono_ms();
            if (left <= 0 || poll(NULL, 0, left < 16 ? (int)left : 16) < 0)
                break;                   /* time is up, or a signal */
        }
    }
    ui_pump(ui);
    return ui->quit;
}

int gh_ui_update(struct gh_ui *ui)
{
    for (int i = 0; i < 8 && (ui->need_frame || ui->nav.op); i++) {
        ui_screens_apply_nav(ui);
        ui_build_frame(ui);
    }
    if (!ui->need_render)
        return 0;
    ui->need_render = 0;
    return ui_render(ui);
}
