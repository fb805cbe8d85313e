/*
 * ui.c: the toolkit's context: creating and freeing it, the widget table a
 * frame fills and the next frame's input is hit-tested against, the field
 * buffers each screen showed, the edits waiting for the focused field, and
 * screenshots.
 *
 * Touch rules (LVGL's): the widget under the finger-down is "pressed" and
 * looks it while the finger stays on it; it acts only when the finger lifts
 * inside it (input.c). A click is consumed by the next frame's widget of the
 * same id (ui_take_click), which is how an immediate-mode button() can
 * return 1.
 */
#include <string.h>
#include <stdio.h>
#include <math.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/oplog.h"

const SDL_Color UI_BG = { 244, 245, 247, 255 }, UI_FG = { 28, 33, 40, 255 },
    UI_MUTED_C = { 78, 86, 96, 255 }, UI_PRIMARY_C = { 28, 92, 186, 255 },
    UI_DANGER_C = { 184, 36, 36, 255 }, UI_OK_C = { 26, 122, 64, 255 },
    UI_BTN = { 224, 227, 232, 255 }, UI_BTN_PRESSED = { 168, 176, 188, 255 },
    UI_BORDER = { 118, 125, 136, 255 }, UI_WHITE = { 255, 255, 255, 255 },
    UI_KB_BG = { 206, 210, 217, 255 }, UI_KEY = { 255, 255, 255, 255 },
    UI_KEY_SPECIAL = { 174, 181, 192, 255 }, UI_DIM = { 0, 0, 0, 130 };

int ui_px(const struct gh_ui *ui, int px)
{
    int v = (int)lround(px * ui->scale);
    return v < 1 ? 1 : v;
}
int ui_target(const struct gh_ui *ui, int px)
{
    int v = S(px);
    return v < UI_MIN_TARGET ? UI_MIN_TARGET : v;
}

uint32_t ui_id_hash(const char *id)
{
    uint32_t h = ui_hash(id, strlen(id), UI_HASH_INIT);
    return h ? h : 1;
}

SDL_Rect ui_isect(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect r;
    if (!SDL_IntersectRect(&a, &b, &r))
        r.x = r.y = r.w = r.h = 0;
    return r;
}

int ui_inside(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int ui_widget_visible(const struct ui_widget *w, SDL_Rect *vis)
{
    SDL_Rect v = ui_isect(w->rect, w->clip);
    if (vis)
        *vis = v;
    return v.w > 0 && v.h > 0;
}

/* The widget a command at (x, y) of the last frame belongs to: the last
 * one drawn there (the contrast and fits checks). */
const struct ui_widget *ui_widget_at(const struct gh_ui *ui, int x, int y)
{
    for (int i = ui->nlast - 1; i >= 0; i--) {
        SDL_Rect v;
        if (ui_widget_visible(&ui->last_widgets[i], &v) && ui_inside(v, x, y))
            return &ui->last_widgets[i];
    }
    return NULL;
}

struct ui_widget *ui_widget_add(struct gh_ui *ui, const char *id, enum ui_kind kind,
                                SDL_Rect r, int interactive, const char *label)
{
    static struct ui_widget sink;
    if (ui->nwidgets >= UI_MAX_WIDGETS) {
        memset(&sink, 0, sizeof sink);
        return &sink;
    }
    struct ui_widget *w = &ui->widgets[ui->nwidgets++];
    memset(w, 0, sizeof *w);
    if (id && id[0]) {
        snprintf(w->id, sizeof w->id, "%s", id);
    } else {
        snprintf(w->id, sizeof w->id, "%s.%d", kind == K_HEADING ? "heading" : "text",
                 ui->auto_id++);
    }
    w->hash = ui_id_hash(w->id);
    w->kind = (uint8_t)kind;
    w->interactive = (uint8_t)interactive;
    w->enabled = (uint8_t)(!ui->busy);
    w->rect = r;
    w->clip = ui->clip_now;
    w->scroll = ui->cur_scroll;
    w->key_action = -1;
    if (label)
        snprintf(w->label, sizeof w->label, "%s", label);
    return w;
}

const struct ui_widget *ui_last_by_hash(const struct gh_ui *ui, uint32_t h)
{
    for (int i = 0; i < ui->nlast; i++)
        if (ui->last_widgets[i].hash == h)
            return &ui->last_widgets[i];
    return NULL;
}

int ui_is_pressed(const struct gh_ui *ui, uint32_t hash)
{
    if (!ui->ptr_down || ui->pressed != hash || ui->dragging)
        return 0;
    const struct ui_widget *w = ui_last_by_hash(ui, hash);
    SDL_Rect vis;
    return w && ui_widget_visible(w, &vis) && ui_inside(vis, ui->ptr_x, ui->ptr_y);
}

int ui_take_click(struct gh_ui *ui, uint32_t hash)
{
    if (ui->clicked && ui->clicked == hash) {
        ui->clicked = 0;
        ui->need_frame = 1;              /* what it changed shows next frame */
        return 1;
    }
    return 0;
}

void ui_key_edit(struct gh_ui *ui, int op, const char *ch)
{
    if (ui->npending >= UI_MAX_PENDING)
        return;
    struct ui_edit *e = &ui->pending[ui->npending++];
    e->op = (uint8_t)op;
    snprintf(e->ch, sizeof e->ch, "%s", ch ? ch : "");
    ui->need_frame = 1;
}

void ui_touch(struct gh_ui *ui)
{
    ui->last_input_ms = gh_clock_mono_ms();
    if (ui->hooks.poll)
        ui->poll_at = ui->last_input_ms;   /* pollers that wait for events */
}

void ui_field_seen(struct gh_ui *ui, char *buf, size_t cap)
{
    if (ui->depth == 0)
        return;
    struct ui_frame_entry *e = &ui->stack[ui->depth - 1];
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].buf == buf)
            return;
    if (e->nfields < UI_FIELDS_PER_SCREEN)
        e->fields[e->nfields++] = (struct ui_field_rec){ buf, cap };
}

const char *ui_top_id(const struct gh_ui *ui)
{
    if (ui->depth == 0 || !ui->stack[ui->depth - 1].reg.screen)
        return "";
    return ui->stack[ui->depth - 1].reg.screen->id;
}

const char *gh_ui_screen_id(const struct gh_ui *ui) { return ui_top_id(ui); }

void ui_show_toast(struct gh_ui *ui, const char *text, int ms)
{
    snprintf(ui->toast, sizeof ui->toast, "%s", text ? text : "");
    ui->toast_until = gh_clock_mono_ms() + ms;
    ui->need_frame = 1;
}

void gh_ui_invalidate(struct gh_ui *ui) { ui->need_frame = 1; }

/* ---- life cycle --------------------------------------------------------------- */
/* The context's fields before SDL is opened. */
static enum gh_status init_fields(struct gh_ui *ui, const struct gh_ui_opts *o, char *err,
                                  size_t errlen)
{
    ui->opts = *o;
    ui->W = o->width > 0 ? o->width : 1080;
    ui->H = o->height > 0 ? o->height : 1920;
    if (ui->W > 4096 || ui->H > 4096) {
        snprintf(err, errlen, "screen size %dx%d is larger than 4096", ui->W, ui->H);
        return GH_E_CONFIG;
    }
    ui->scale = ui->base_scale = o->scale > 0.1 ? o->scale : 1.0;
    ui->headless = o->headless;
    ui->cur = &ui->lists[0];
    ui->prev = &ui->lists[1];
    ui->gw = (ui->W + UI_GRID - 1) / UI_GRID;
    ui->gh = (ui->H + UI_GRID - 1) / UI_GRID;
    ui->in_list = -1;
    ui->drag_scroll = -1;
    ui->wake_at = ui->poll_at = ui->busy_next = -1;
    ui->idle_timeout_ms = 60000;
    ui->need_frame = 1;
    ui->accent = UI_PRIMARY_C;
    ui->accent_pressed = (SDL_Color){ 18, 62, 128, 255 };
    snprintf(ui->home_id, sizeof ui->home_id, "home");
    return GH_OK;
}

/* SDL's video and SDL_ttf, with the kiosk's hints. */
static int start_sdl(struct gh_ui *ui, char *err, size_t errlen)
{
    if (ui->headless)
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    /* the kiosk handles SIGTERM/SIGINT itself (clean plugin shutdown) */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* the software renderer unless SDL_RENDER_DRIVER says otherwise: no GL
     * stack to load, and measured fast enough with dirty rectangles */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "SDL video: %s", SDL_GetError());
        return -1;
    }
    ui->have_sdl = 1;
    if (!ui->headless) {
        /* With no display SDL falls back to an invisible driver; a kiosk
         * must say so rather than run unseen (unless asked for by name). */
        const char *drv = SDL_GetCurrentVideoDriver();
        const char *asked = SDL_getenv("SDL_VIDEODRIVER");
        if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
            !(asked && !strcmp(asked, drv))) {
            snprintf(err, errlen, "no display to show the kiosk on (SDL found only its %s "
                     "driver; is DISPLAY or WAYLAND_DISPLAY set?)", drv);
            return -1;
        }
        ui->native_wait = drv && (!strcmp(drv, "x11") || !strcmp(drv, "wayland") ||
                                  !strcmp(drv, "windows") || !strcmp(drv, "cocoa"));
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    return 0;
}

/* A window with a render-target canvas, mounted at o->rotation. */
static int open_window(struct gh_ui *ui, const struct gh_ui_opts *o, char *err, size_t errlen)
{
    int rot = o->rotation;
    int ww = (rot == 90 || rot == 270) ? ui->H : ui->W;
    int wh = (rot == 90 || rot == 270) ? ui->W : ui->H;
    Uint32 flags = o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0;
    ui->win = SDL_CreateWindow(o->title ? o->title : "Gatehouse", SDL_WINDOWPOS_CENTERED,
                               SDL_WINDOWPOS_CENTERED, ww, wh, flags);
    if (!ui->win) {
        snprintf(err, errlen, "window: %s", SDL_GetError());
        return -1;
    }
    if (o->fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    ui->ren = SDL_CreateRenderer(ui->win, -1, 0);
    if (ui->ren)
        ui->canvas = SDL_CreateTexture(ui->ren, SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_TARGET, ui->W, ui->H);
    if (ui->canvas)
        SDL_SetRenderTarget(ui->ren, ui->canvas);
    else if (ui->ren) {
        snprintf(err, errlen, "renderer has no render targets: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

/* The headless canvas: a software renderer over our own memory. */
static void open_headless(struct gh_ui *ui)
{
    /* The first frame paints every pixel, so the canvas is not zeroed
     * first (8 MB at 1080x1920: a measurable part of start-up). */
    ui->pixels = SDL_malloc((size_t)ui->W * (size_t)ui->H * 4);
    ui->surface = ui->pixels ? SDL_CreateRGBSurfaceWithFormatFrom(ui->pixels, ui->W, ui->H,
                                                                  32, ui->W * 4,
                                                                  SDL_PIXELFORMAT_ARGB8888)
                             : NULL;
    ui->ren = ui->surface ? SDL_CreateSoftwareRenderer(ui->surface) : NULL;
}

enum gh_status gh_ui_new(const struct gh_ui_opts *o, struct gh_ui **out, char *err,
                         size_t errlen)
{
    struct gh_ui *ui = SDL_calloc(1, sizeof *ui);
    *out = NULL;
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return GH_E_NOMEM;
    }
    enum gh_status s = init_fields(ui, o, err, errlen);
    if (s != GH_OK) {
        SDL_free(ui);
        return s;
    }
    if (start_sdl(ui, err, errlen) != 0)
        goto fail;
    if (ui->headless)
        open_headless(ui);
    else if (open_window(ui, o, err, errlen) != 0)
        goto fail;
    if (!ui->ren) {
        snprintf(err, errlen, "renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
    Uint64 t_fonts = SDL_GetPerformanceCounter();
    if (ui_text_open(ui, err, errlen) != 0)
        goto fail;
    gh_oplog(GH_LOG_DEBUG, "ui: %s video, fonts opened in %.1f ms", SDL_GetCurrentVideoDriver(),
             (SDL_GetPerformanceCounter() - t_fonts) * 1000.0 / SDL_GetPerformanceFrequency());
    ui->last_input_ms = gh_clock_mono_ms();
    *out = ui;
    return GH_OK;
fail:
    gh_ui_free(ui);
    return GH_E_UNAVAILABLE;
}

/* The kiosk's one screen, for pollers (a card read at the lobby's home):
 * the api table's current() (widgets.c). */
static struct gh_ui *the_ui;
void ui_set_current(struct gh_ui *ui) { the_ui = ui; }
struct gh_ui *ui_api_current(void) { return the_ui; }

void gh_ui_free(struct gh_ui *ui)
{
    if (!ui)
        return;
    if (the_ui == ui)
        the_ui = NULL;
    ui_text_close(ui);
    if (ui->logo)
        SDL_DestroyTexture(ui->logo);
    if (ui->canvas)
        SDL_DestroyTexture(ui->canvas);
    if (ui->ren)
        SDL_DestroyRenderer(ui->ren);
    if (ui->win)
        SDL_DestroyWindow(ui->win);
    if (ui->surface)
        SDL_FreeSurface(ui->surface);
    SDL_free(ui->pixels);
    if (TTF_WasInit())
        TTF_Quit();
    if (ui->have_sdl)
        SDL_Quit();
    SDL_free(ui);
}

int gh_ui_frames(const struct gh_ui *ui) { return (int)ui->frame_no; }

/* Larger text (issue 19): every size the toolkit derives from the scale
 * (faces, targets, gaps, the keyboard) grows by GH_UI_LARGE_TEXT from the
 * next frame, which repaints the whole screen. The larger faces are opened
 * the first time, from the fonts already in memory. */
enum gh_status gh_ui_set_large_text(struct gh_ui *ui, int on)
{
    char err[256];
    on = !!on;
    if (on == ui->font_set)
        return GH_OK;
    double scale = ui->base_scale * (on ? GH_UI_LARGE_TEXT : 1.0);
    if (ui_text_use(ui, on, scale, err, sizeof err) != 0) {
        gh_oplog(GH_LOG_WARN, "larger text not available: %s", err);
        return GH_E_UNAVAILABLE;
    }
    ui->scale = scale;
    if (ui->focus)
        ui->ensure_visible = 1;          /* the focused field stays clear of the keyboard */
    ui_render_reset(ui);
    ui->need_frame = 1;
    return GH_OK;
}

int gh_ui_large_text(const struct gh_ui *ui) { return ui->font_set == 1; }

/* [screen] accent: filled buttons, tiles and the keyboard's Next key (the
 * config refused a colour that fails the contrast rules); pressed, 65%. */
void gh_ui_set_accent(struct gh_ui *ui, unsigned char r, unsigned char g, unsigned char b)
{
    ui->accent = (SDL_Color){ r, g, b, 255 };
    ui->accent_pressed = (SDL_Color){ (Uint8)(r * 65 / 100), (Uint8)(g * 65 / 100),
                                      (Uint8)(b * 65 / 100), 255 };
    ui_render_reset(ui);
    ui->need_frame = 1;
}

enum gh_status gh_ui_set_logo(struct gh_ui *ui, const char *path, char *err, size_t errlen)
{
    SDL_Surface *s = ui_png_read(path, 4096, err, errlen);
    if (!s)
        return GH_E_IO;
    SDL_Texture *t = SDL_CreateTextureFromSurface(ui->ren, s);
    if (!t) {
        snprintf(err, errlen, "could not be shown: %s", SDL_GetError());
        SDL_FreeSurface(s);
        return GH_E_NOMEM;
    }
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    if (ui->logo)
        SDL_DestroyTexture(ui->logo);
    ui->logo = t;
    ui->logo_w = s->w;
    ui->logo_h = s->h;
    SDL_FreeSurface(s);
    ui->need_frame = 1;
    return GH_OK;
}

enum gh_status gh_ui_prepare_large_text(struct gh_ui *ui)
{
    char err[256];
    int set = ui->font_set;
    if (ui_text_use(ui, 1, ui->base_scale * GH_UI_LARGE_TEXT, err, sizeof err) != 0) {
        gh_oplog(GH_LOG_WARN, "larger text not available: %s", err);
        return GH_E_UNAVAILABLE;
    }
    char none[8];
    ui_text_use(ui, set, ui->scale, none, sizeof none);   /* opened already: back */
    return GH_OK;
}

enum gh_status gh_ui_screenshot(struct gh_ui *ui, const char *path, char *err, size_t errlen)
{
    SDL_Surface *s = ui->surface;
    SDL_Surface *tmp = NULL;
    if (!s) {
        tmp = SDL_CreateRGBSurfaceWithFormat(0, ui->W, ui->H, 32, SDL_PIXELFORMAT_ARGB8888);
        if (!tmp) {
            snprintf(err, errlen, "screenshot: %s", SDL_GetError());
            return GH_E_NOMEM;
        }
        SDL_SetRenderTarget(ui->ren, ui->canvas);
        if (SDL_RenderReadPixels(ui->ren, NULL, SDL_PIXELFORMAT_ARGB8888, tmp->pixels,
                                 tmp->pitch) != 0) {
            snprintf(err, errlen, "screenshot: %s", SDL_GetError());
            SDL_FreeSurface(tmp);
            return GH_E_IO;
        }
        s = tmp;
    } else {
        SDL_RenderFlush(ui->ren);
    }
    int rc = ui_png_write(path, s, err, errlen);
    if (tmp)
        SDL_FreeSurface(tmp);
    return rc == 0 ? GH_OK : GH_E_IO;
}

