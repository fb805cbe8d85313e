/*
 * input.c: SDL's events, turned into presses, drags, clicks and edits.
 *
 * Touch rules (LVGL's): the widget under the finger-down is "pressed" and
 * looks it while the finger stays on it; it acts only when the finger lifts
 * inside it. A press that turns into a drag over a scrolling region (a list,
 * or content taller than the screen) scrolls instead and cancels the press.
 * Mouse buttons are treated exactly like a finger. Input is hit-tested
 * against the previous frame's widget table.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include "ui_internal.h"

static int top_layer(const struct gh_ui *ui)
{
    int top = 0;
    for (int i = 0; i < ui->nlast; i++)
        if (ui->last_widgets[i].layer >= 2 && ui->last_widgets[i].layer > top)
            top = ui->last_widgets[i].layer;
    return top;
}

static const struct ui_widget *hit(const struct gh_ui *ui, int x, int y)
{
    int top = top_layer(ui);
    const struct ui_widget *best = NULL;
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        SDL_Rect vis;
        if (!w->interactive || !w->enabled || !ui_widget_visible(w, &vis))
            continue;
        if (top >= 2 && w->layer < top)
            continue;                    /* a dialog or busy veil is modal */
        if (ui_inside(vis, x, y) && (!best || w->layer >= best->layer))
            best = w;
    }
    return best;
}

static void pointer_down(struct gh_ui *ui, int x, int y)
{
    ui_touch(ui);
    ui->ptr_down = 1;
    ui->ptr_x = ui->press_x = x;
    ui->ptr_y = ui->press_y = y;
    const struct ui_widget *w = hit(ui, x, y);
    ui->pressed = w ? w->hash : 0;
    ui->dragging = 0;
    ui->drag_scroll = -1;
    if (top_layer(ui) < 2) {
        /* the innermost scrolling region under the finger */
        for (int i = 1; i < UI_MAX_SCROLLS; i++) {
            struct ui_scroll *s = &ui->scrolls[i];
            if (s->used && ui_inside(s->view, x, y) && s->content_h > s->view.h)
                ui->drag_scroll = i;
        }
        if (ui->drag_scroll < 0 && ui_inside(ui->content_view, x, y) &&
            ui->scrolls[0].content_h > ui->content_view.h)
            ui->drag_scroll = 0;
        if (ui->drag_scroll >= 0)
            ui->drag_start_off = ui->scrolls[ui->drag_scroll].offset;
    }
    ui->need_frame = 1;
}

static void pointer_move(struct gh_ui *ui, int x, int y)
{
    if (!ui->ptr_down)
        return;
    ui_touch(ui);                        /* a long drag is not idleness */
    ui->ptr_x = x;
    ui->ptr_y = y;
    if (!ui->dragging && ui->drag_scroll >= 0 && abs(y - ui->press_y) > S(24)) {
        ui->dragging = 1;                /* a drag, not a tap: cancel the press */
        ui->pressed = 0;
    }
    if (ui->dragging) {
        struct ui_scroll *s = &ui->scrolls[ui->drag_scroll];
        int max = s->content_h - s->view.h;
        int off = ui->drag_start_off - (y - ui->press_y);
        s->offset = off < 0 ? 0 : off > max ? (max < 0 ? 0 : max) : off;
    }
    ui->need_frame = 1;
}

static void pointer_up(struct gh_ui *ui, int x, int y)
{
    if (!ui->ptr_down)
        return;
    ui_touch(ui);
    pointer_move(ui, x, y);
    ui->ptr_down = 0;
    if (!ui->dragging && ui->pressed) {
        const struct ui_widget *w = ui_last_by_hash(ui, ui->pressed);
        SDL_Rect vis;
        if (w && ui_widget_visible(w, &vis) && ui_inside(vis, x, y) && w->enabled) {
            if (w->kind == K_KEY)
                ui_keyboard_press(ui, w);
            else
                ui->clicked = w->hash;
        }
    }
    ui->pressed = 0;
    ui->dragging = 0;
    ui->drag_scroll = -1;
    ui->need_frame = 1;
}

/* Window (or touch panel) coordinates to canvas coordinates: undo the
 * mounting rotation and the fit-to-output scaling of present(). */
static void to_canvas(struct gh_ui *ui, double wx, double wy, int *cx, int *cy)
{
    if (ui->headless) {
        *cx = (int)wx;
        *cy = (int)wy;
        return;
    }
    int ow, oh;
    SDL_GetRendererOutputSize(ui->ren, &ow, &oh);
    int ww, wh;
    SDL_GetWindowSize(ui->win, &ww, &wh);
    if (ww > 0 && wh > 0) {              /* HiDPI: window points to pixels */
        wx = wx * ow / ww;
        wy = wy * oh / wh;
    }
    int rot = ui->opts.rotation;
    int rw = (rot == 90 || rot == 270) ? ui->H : ui->W;
    int rh = (rot == 90 || rot == 270) ? ui->W : ui->H;
    double s = (double)ow / rw < (double)oh / rh ? (double)ow / rw : (double)oh / rh;
    double dx = wx - ow / 2.0, dy = wy - oh / 2.0;
    double a = rot * M_PI / 180.0;
    double ux = dx * cos(a) + dy * sin(a), uy = -dx * sin(a) + dy * cos(a);
    *cx = (int)floor(ux / s + ui->W / 2.0);
    *cy = (int)floor(uy / s + ui->H / 2.0);
}

static SDL_FingerID finger = -1;

static void on_mouse(struct gh_ui *ui, const SDL_Event *ev)
{
    int x, y;
    if (ev->type == SDL_MOUSEMOTION) {
        if (ev->motion.which == SDL_TOUCH_MOUSEID)
            return;
        to_canvas(ui, ev->motion.x, ev->motion.y, &x, &y);
        pointer_move(ui, x, y);
        return;
    }
    if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
        return;
    to_canvas(ui, ev->button.x, ev->button.y, &x, &y);
    if (ev->type == SDL_MOUSEBUTTONDOWN)
        pointer_down(ui, x, y);
    else
        pointer_up(ui, x, y);
}

static void on_finger(struct gh_ui *ui, const SDL_Event *ev)
{
    int x, y;
    /* one finger drives the UI; others are ignored until it lifts */
    if (ev->type == SDL_FINGERDOWN && (finger == -1 || !ui->ptr_down))
        finger = ev->tfinger.fingerId;   /* (a lost finger-up must not lock us out) */
    if (ev->tfinger.fingerId != finger)
        return;
    double fw = ui->W, fh = ui->H;
    if (!ui->headless) {
        int ww, wh;
        SDL_GetWindowSize(ui->win, &ww, &wh);
        fw = ww;
        fh = wh;
    }
    to_canvas(ui, ev->tfinger.x * fw, ev->tfinger.y * fh, &x, &y);
    if (ev->type == SDL_FINGERDOWN)
        pointer_down(ui, x, y);
    else if (ev->type == SDL_FINGERMOTION)
        pointer_move(ui, x, y);
    else {
        pointer_up(ui, x, y);
        finger = -1;
    }
}

static void on_text(struct gh_ui *ui, const char *s)
{
    ui_touch(ui);
    if (!ui->focus)
        return;
    while (*s) {
        char ch[8] = { 0 };
        int n = 1;
        while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 6)
            n++;
        memcpy(ch, s, (size_t)n);
        ui_key_edit(ui, ED_CHAR, ch);
        s += n;
    }
}

/* Escape: cancel the dialog, else put the keyboard away, else go back. */
static void on_escape(struct gh_ui *ui)
{
    char cid[UI_ID_MAX + 8];
    if (ui->dlg.open) {
        snprintf(cid, sizeof cid, "%.40s.cancel", ui->dlg.id);
        ui->clicked = ui_id_hash(ui->dlg.cancel[0] ? cid : "");
        if (!ui->dlg.cancel[0]) {
            snprintf(cid, sizeof cid, "%.40s.ok", ui->dlg.id);
            ui->clicked = ui_id_hash(cid);
        }
    } else if (ui->focus) {
        ui->focus = 0;
    } else if (ui->depth > 1) {
        ui_api_pop(ui);
    }
    ui->need_frame = 1;
}

static void on_key(struct gh_ui *ui, SDL_Keycode sym)
{
    ui_touch(ui);
    switch (sym) {
    case SDLK_BACKSPACE:
        if (ui->focus)
            ui_key_edit(ui, ED_BACKSPACE, NULL);
        break;
    case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_TAB:
        if (ui->focus)
            ui_key_edit(ui, ED_NEXT, NULL);
        break;
    case SDLK_ESCAPE:
        on_escape(ui);
        break;
    default:
        break;
    }
}

static void handle_event(struct gh_ui *ui, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT:
        ui->quit = 1;
        break;
    case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEMOTION: case SDL_MOUSEBUTTONUP:
        on_mouse(ui, ev);
        break;
    case SDL_FINGERDOWN: case SDL_FINGERMOTION: case SDL_FINGERUP:
        on_finger(ui, ev);
        break;
    case SDL_TEXTINPUT:
        on_text(ui, ev->text.text);
        break;
    case SDL_KEYDOWN:
        on_key(ui, ev->key.keysym.sym);
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            ev->window.event == SDL_WINDOWEVENT_RESTORED) {
            ui_render_reset(ui);
            ui->need_frame = 1;
        }
        break;
    case SDL_RENDER_TARGETS_RESET: case SDL_RENDER_DEVICE_RESET:
        ui_render_reset(ui);
        ui->need_frame = 1;
        break;
    default:
        break;
    }
}

/* Handles every queued event, building a frame after each pointer-up or key
 * so that a click is consumed by exactly the frame that follows it. */
void ui_pump(struct gh_ui *ui)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        handle_event(ui, &ev);
        if (ev.type == SDL_MOUSEBUTTONUP || ev.type == SDL_FINGERUP ||
            ev.type == SDL_KEYDOWN || ev.type == SDL_TEXTINPUT ||
            ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_FINGERDOWN) {
            for (int i = 0; i < 8 && (ui->need_frame || ui->nav.op); i++) {
                ui_screens_apply_nav(ui);
                ui_build_frame(ui);
            }
        }
    }
}

/* Injects a pointer event at canvas coordinates, as a touch panel would
 * deliver it (normalised finger coordinates), through SDL's queue. */
void ui_inject(struct gh_ui *ui, int type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (Uint32)type;
    ev.tfinger.timestamp = SDL_GetTicks();
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = (float)((x + 0.5) / ui->W);
    ev.tfinger.y = (float)((y + 0.5) / ui->H);
    ev.tfinger.pressure = 1.0f;
    SDL_PushEvent(&ev);
}

void ui_inject_tap(struct gh_ui *ui, int x, int y)
{
    ui_inject(ui, SDL_FINGERDOWN, x, y);
    ui_pump(ui);
    ui_inject(ui, SDL_FINGERUP, x, y);
    ui_pump(ui);
}
