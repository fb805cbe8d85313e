/*
 * frame.c: building a frame. The top screen's draw() runs with a fresh
 * command list and widget table, then the content's height and scroll are
 * settled (the keyboard never covers the focused field), then the keyboard
 * and the overlays (dialog, toast, busy veil) are drawn over it.
 */
#include <string.h>
#include <stdio.h>
#include <math.h>
#include "ui_internal.h"
#include "gatehouse/i18n.h"

/* ---- overlays --------------------------------------------------------------- */
static void draw_dialog(struct gh_ui *ui)
{
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    ui_cmd_rect(ui, all, UI_DIM);
    int pad = S(40), w = ui->W - 2 * S(60);
    /* copies: the second look-up may reuse the first one's cache slot */
    const struct ui_wrap twc = *ui_text_wrap(ui, F_HEAD, ui->dlg.title, w - 2 * pad);
    const struct ui_wrap bwc = *ui_text_wrap(ui, F_NORMAL, ui->dlg.text, w - 2 * pad);
    const struct ui_wrap *tw = &twc, *bw = &bwc;
    int th = ui->line_h[F_HEAD], bh = ui->line_h[F_NORMAL], btn = ui_target(ui, 112);
    int h = pad + tw->n * th + S(20) + bw->n * bh + S(40) + btn + pad;
    SDL_Rect box = { S(60), (ui->H - h) / 2, w, h };
    ui_cmd_rect(ui, box, UI_WHITE);
    int y = box.y + pad;
    for (int i = 0; i < tw->n; i++, y += th)
        ui_cmd_text(ui, (SDL_Rect){ box.x + pad, y, w - 2 * pad, th }, F_HEAD, AL_LEFT, UI_FG,
                    ui->dlg.title + tw->start[i], tw->len[i]);
    y += S(20);
    for (int i = 0; i < bw->n; i++, y += bh)
        ui_cmd_text(ui, (SDL_Rect){ box.x + pad, y, w - 2 * pad, bh }, F_NORMAL, AL_LEFT,
                    UI_FG, ui->dlg.text + bw->start[i], bw->len[i]);
    y += S(40);
    struct ui_widget *d = ui_widget_add(ui, ui->dlg.id, K_DIALOG, box, 0, ui->dlg.title);
    d->layer = 2;
    snprintf(d->value, sizeof d->value, "%.*s", (int)sizeof d->value - 1, ui->dlg.text);
    int has_cancel = ui->dlg.cancel[0] != 0;
    int bwid = has_cancel ? (w - 2 * pad - S(20)) / 2 : w - 2 * pad;
    char id[UI_ID_MAX + 8];
    if (has_cancel) {
        snprintf(id, sizeof id, "%.40s.cancel", ui->dlg.id);
        SDL_Rect r = { box.x + pad, y, bwid, btn };
        ui_draw_button(ui, r, ui->dlg.cancel, GH_UI_NORMAL, ui_is_pressed(ui, ui_id_hash(id)),
                    F_BOLD, 0);
        ui_widget_add(ui, id, K_BUTTON, r, 1, ui->dlg.cancel)->layer = 2;
    }
    snprintf(id, sizeof id, "%.40s.ok", ui->dlg.id);
    SDL_Rect r = { box.x + box.w - pad - bwid, y, bwid, btn };
    ui_draw_button(ui, r, ui->dlg.ok, GH_UI_PRIMARY, ui_is_pressed(ui, ui_id_hash(id)), F_BOLD, 0);
    ui_widget_add(ui, id, K_BUTTON, r, 1, ui->dlg.ok)->layer = 2;
}

static void draw_toast(struct gh_ui *ui)
{
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    int w = ui->W - 2 * S(80), pad = S(32);
    const struct ui_wrap *tw = ui_text_wrap(ui, F_NORMAL, ui->toast, w - 2 * pad);
    int lh = ui->line_h[F_NORMAL];
    int h = tw->n * lh + 2 * pad;
    SDL_Rect box = { S(80), ui->content_view.h - h - S(140), w, h };
    ui_cmd_rect(ui, box, (SDL_Color){ 40, 44, 52, 240 });
    for (int i = 0; i < tw->n; i++)
        ui_cmd_text(ui, (SDL_Rect){ box.x + pad, box.y + pad + i * lh, w - 2 * pad, lh },
                    F_NORMAL, AL_CENTER, UI_WHITE, ui->toast + tw->start[i], tw->len[i]);
    /* above the content but not modal: a toast never blocks a tap */
    ui_widget_add(ui, "toast", K_TOAST, box, 0, ui->toast)->layer = 1;
}

static void draw_busy(struct gh_ui *ui)
{
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    ui_cmd_rect(ui, all, UI_DIM);
    int R = S(90), d = S(30), cx = ui->W / 2, cy = ui->H / 2;
    for (int i = 0; i < 8; i++) {
        double a = i * M_PI / 4;
        int on = (i == ui->busy_phase % 8);
        SDL_Rect r = { cx + (int)(R * cos(a)) - d / 2, cy + (int)(R * sin(a)) - d / 2, d, d };
        ui_cmd_circle(ui, r, on ? UI_PRIMARY_C : UI_WHITE);
    }
    const char *msg = _("Please wait");
    ui_cmd_text(ui, (SDL_Rect){ 0, cy + R + S(40), ui->W, ui->line_h[F_BOLD] }, F_BOLD,
                AL_CENTER, UI_WHITE, msg, -1);
    ui_widget_add(ui, "busy", K_BUSY, (SDL_Rect){ 0, cy - R, ui->W, 2 * R }, 0, msg)->layer = 3;
}


/* ---- the frame -------------------------------------------------------------- */
/* The top screen's draw(), or a plain message when there is none. */
static void draw_screen(struct gh_ui *ui)
{
    const struct gh_ui_screen *reg = ui->depth ? &ui->stack[ui->depth - 1].reg : NULL;
    if (!reg || !reg->screen) {
        gh_ui_api_table()->heading(ui, _("Gatehouse"));
        gh_ui_api_table()->text(ui, "noscreen", _("This kiosk has no home screen."),
                                GH_UI_ERROR);
        return;
    }
    reg->screen->draw(reg->state, ui);
}

/* A fresh command list and widget table, the layout at the top. */
static void begin_frame(struct gh_ui *ui)
{
    struct ui_cmdlist *l = ui->cur;
    l->n = 0;
    l->text_used = 0;
    l->overflow = 0;
    ui->nwidgets = 0;
    ui->auto_id = 0;
    ui->frame_no++;
    ui->need_frame = 0;
    ui->need_render = 1;
    ui->kb_h = ui->focus ? ui_keyboard_height(ui, ui->focus_kb) : 0;
    ui->content_view = (SDL_Rect){ 0, 0, ui->W, ui->H - ui->kb_h };
    int margin = S(48);
    ui->x0 = margin;
    ui->cw = ui->W - 2 * margin;
    ui->y = margin;
    ui->row_cols = 0;
    ui->in_list = -1;
    ui->cur_scroll = 0;
    ui->scrolls[0].used = 1;
    ui->scrolls[0].hash = 0;
    ui->scrolls[0].view = ui->content_view;
    ui->focus_seen = 0;
    ui->anchor_set = 0;
    ui->fb_set = 0;
    ui->primary_h = 0;
    ui->corner.on = 0;
    ui->dlg.seen = 0;
    if (ui->next_focus == 2)
        ui->next_focus = 0;
    if (ui->entered && ui->frame_no > ui->entered_frame + 1)
        ui->entered = 0;                 /* nobody asked: it lapses */
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui_cmd_rect(ui, all, UI_BG);
    ui_set_clip(ui, ui->content_view);
}

/* The focus after the draw: a field that is gone, or Return on the last
 * one, puts the keyboard away. */
static void settle_focus(struct gh_ui *ui)
{
    if (ui->focus && !ui->focus_seen) {
        ui->focus = 0;                   /* its field is gone */
        ui->need_frame = 1;
    }
    if (ui->next_focus == 2) {           /* Return on the last field: done typing */
        ui->focus = 0;
        ui->next_focus = 0;
        ui->need_frame = 1;
    }
}

/* The content's height, and its scroll kept inside it; the focused field
 * scrolled clear of the keyboard. */
static void settle_scroll(struct gh_ui *ui)
{
    struct ui_scroll *cs = &ui->scrolls[0];
    const int drawn_off = cs->offset, drawn_kb = ui->kb_h;   /* this frame's layout */
    cs->content_h = ui->y + S(48) - S(20);
    int max = cs->content_h - ui->content_view.h;
    if (max < 0)
        max = 0;
    settle_focus(ui);
    if (ui->focus && ui->ensure_visible &&
        ui->kb_h != ui_keyboard_height(ui, ui->focus_kb)) {
        ui->need_frame = 1;              /* laid out with its keyboard first */
    } else if (ui->focus && ui->ensure_visible) {
        /* scroll so the keyboard never covers the focused field */
        int top = ui->focus_rect_y - S(24);
        int bottom = ui->focus_rect_y + ui->focus_rect_h + S(24);
        /* the screen's primary action above the keyboard too, where it fits
         * with the field (its label at the top of the view at most) */
        int view_h = ui->content_view.h;
        int pbottom = ui->primary_y + ui->primary_h + S(24);
        if (pbottom > ui->focus_rect_y + view_h)
            pbottom = ui->primary_y + ui->primary_h;
        if (ui->primary_h && pbottom > bottom && pbottom - ui->focus_rect_y <= view_h)
            bottom = pbottom;
        if (bottom - cs->offset > ui->content_view.h)
            cs->offset = bottom - ui->content_view.h;
        if (top - cs->offset < 0)
            cs->offset = top;
        ui->focus_max = 0;
        if (cs->offset > max)
            max = ui->focus_max = cs->offset;
        ui->ensure_visible = 0;
        ui->need_frame = 1;
    } else if (ui->focus && ui->focus_max > max &&
               ui->kb_h == ui_keyboard_height(ui, ui->focus_kb)) {
        max = ui->focus_max;             /* the room made for the field stays */
    }
    if (!ui->focus)
        ui->focus_max = 0;
    if (cs->offset > max && !ui->dragging)
        cs->offset = max;
    if (cs->offset < 0)
        cs->offset = 0;
    /* This frame was laid out with the scroll and keyboard it started with.
     * When either moved since (a field with a taller or shorter keyboard
     * took the focus, the content shrank), lay it out again now: shown as
     * it is, the next full repaint would jump by the difference. */
    if (cs->offset != drawn_off ||
        (ui->focus ? ui_keyboard_height(ui, ui->focus_kb) : 0) != drawn_kb)
        ui->need_frame = 1;
}

/* Reach (issue 19): on a portrait screen whose content is shorter than the
 * view (the part above the keyboard), what was drawn from the anchor on
 * (ui_internal.h; without one, the first button) moves down by the room
 * left, so the screen's actions sit at the bottom, where a short or seated
 * person reaches them. */
static void anchor_bottom(struct gh_ui *ui)
{
    if (!ui->anchor_set && ui->fb_set) {
        ui->anchor_set = 1;
        ui->anchor_cmd = ui->fb_cmd;
        ui->anchor_wid = ui->fb_wid;
        ui->anchor_y = ui->fb_y;
    }
    int room = ui->content_view.h - (ui->y + S(48) - S(20));
    if (!ui->anchor_set || ui->H <= ui->W || room <= 0 || ui->scrolls[0].offset != 0)
        return;
    SDL_Rect view = ui->content_view;
    struct ui_cmdlist *l = ui->cur;
    for (int i = ui->anchor_cmd; i < l->n; i++) {
        struct ui_cmd *c = &l->cmds[i];
        c->rect.y += room;
        if (!SDL_RectEquals(&c->clip, &view))   /* a list's own view moves with it */
            c->clip = ui_isect((SDL_Rect){ c->clip.x, c->clip.y + room, c->clip.w,
                                           c->clip.h }, view);
    }
    for (int i = ui->anchor_wid; i < ui->nwidgets; i++) {
        struct ui_widget *w = &ui->widgets[i];
        w->rect.y += room;
        if (!SDL_RectEquals(&w->clip, &view))
            w->clip = ui_isect((SDL_Rect){ w->clip.x, w->clip.y + room, w->clip.w,
                                           w->clip.h }, view);
    }
    for (int i = 1; i < UI_MAX_SCROLLS; i++)
        if (ui->scrolls[i].used && ui->scrolls[i].view.y >= ui->anchor_y)
            ui->scrolls[i].view.y += room;
    if (ui->focus_rect_y >= ui->anchor_y)
        ui->focus_rect_y += room;
    if (ui->primary_y >= ui->anchor_y)
        ui->primary_y += room;
    ui->y += room;
}

void ui_build_frame(struct gh_ui *ui)
{
    begin_frame(ui);
    draw_screen(ui);
    ui_row_end(ui);
    if (ui->in_list >= 0)
        ui_list_end(ui);
    anchor_bottom(ui);
    settle_scroll(ui);
    if (ui->corner.on)
        ui_draw_corner(ui);
    if (ui->focus && ui->kb_h)
        ui_keyboard_layout(ui);
    if (!ui->dlg.seen)
        ui->dlg.open = 0;
    if (ui->dlg.open)
        draw_dialog(ui);
    if (ui->toast[0])
        draw_toast(ui);
    if (ui->busy)
        draw_busy(ui);
    ui->clicked = 0;                     /* a click lives for one frame */
    memcpy(ui->last_widgets, ui->widgets, sizeof(struct ui_widget) * (size_t)ui->nwidgets);
    ui->nlast = ui->nwidgets;
}
