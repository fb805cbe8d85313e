/*
 * ui.c: the toolkit's context, input handling, layout and widgets.
 *
 * Touch rules (LVGL's): the widget under the finger-down is "pressed" and
 * looks it while the finger stays on it; it acts only when the finger lifts
 * inside it. A press that turns into a drag over a scrolling region (a list,
 * or content taller than the screen) scrolls instead and cancels the press.
 * Mouse buttons are treated exactly like a finger. Input is hit-tested
 * against the previous frame's widget table, and a click is consumed by the
 * next frame's widget of the same id, which is how an immediate-mode
 * button() can return 1.
 */
#include <string.h>
#include <stdio.h>
#include <math.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

const SDL_Color UI_BG = { 244, 245, 247, 255 }, UI_FG = { 28, 33, 40, 255 },
    UI_MUTED_C = { 96, 104, 114, 255 }, UI_PRIMARY_C = { 28, 92, 186, 255 },
    UI_DANGER_C = { 184, 36, 36, 255 }, UI_OK_C = { 26, 122, 64, 255 },
    UI_BTN = { 224, 227, 232, 255 }, UI_BTN_PRESSED = { 168, 176, 188, 255 },
    UI_BORDER = { 150, 157, 168, 255 }, UI_WHITE = { 255, 255, 255, 255 },
    UI_KB_BG = { 206, 210, 217, 255 }, UI_KEY = { 255, 255, 255, 255 },
    UI_KEY_SPECIAL = { 174, 181, 192, 255 };

static const SDL_Color PRIMARY_PRESSED = { 18, 62, 128, 255 },
    DANGER_PRESSED = { 120, 20, 20, 255 }, SELECTED = { 214, 228, 248, 255 },
    DIM = { 0, 0, 0, 130 };

int ui_px(const struct gh_ui *ui, int px)
{
    int v = (int)lround(px * ui->scale);
    return v < 1 ? 1 : v;
}
#define S(px) ui_px(ui, (px))

static int clamp_target(const struct gh_ui *ui, int px)
{
    int v = S(px);
    return v < UI_MIN_TARGET ? UI_MIN_TARGET : v;
}

uint32_t ui_id_hash(const char *id)
{
    uint32_t h = ui_hash(id, strlen(id), UI_HASH_INIT);
    return h ? h : 1;
}

static SDL_Rect isect(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect r;
    if (!SDL_IntersectRect(&a, &b, &r))
        r.x = r.y = r.w = r.h = 0;
    return r;
}

static int inside(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int ui_widget_visible(const struct ui_widget *w, SDL_Rect *vis)
{
    SDL_Rect v = isect(w->rect, w->clip);
    if (vis)
        *vis = v;
    return v.w > 0 && v.h > 0;
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

static const struct ui_widget *last_by_hash(const struct gh_ui *ui, uint32_t h)
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
    const struct ui_widget *w = last_by_hash(ui, hash);
    SDL_Rect vis;
    return w && ui_widget_visible(w, &vis) && inside(vis, ui->ptr_x, ui->ptr_y);
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

/* ---- layout ------------------------------------------------------------ */
static int scroll_slot(struct gh_ui *ui, uint32_t hash)
{
    int free_i = -1;
    for (int i = 0; i < UI_MAX_SCROLLS; i++) {
        if (ui->scrolls[i].used && ui->scrolls[i].hash == hash)
            return i;
        if (!ui->scrolls[i].used && free_i < 0)
            free_i = i;
    }
    if (free_i < 0)
        free_i = UI_MAX_SCROLLS - 1;
    memset(&ui->scrolls[free_i], 0, sizeof ui->scrolls[free_i]);
    ui->scrolls[free_i].used = 1;
    ui->scrolls[free_i].hash = hash;
    return free_i;
}

/* Where the next widget of height h goes, in canvas coordinates. */
static SDL_Rect place(struct gh_ui *ui, int h)
{
    SDL_Rect r;
    int gap = S(20);
    if (ui->row_cols > 0) {
        int cw = (ui->cw - gap * (ui->row_cols - 1)) / ui->row_cols;
        r = (SDL_Rect){ ui->x0 + ui->row_i * (cw + gap), ui->row_y, cw, h };
        if (h > ui->row_h)
            ui->row_h = h;
        if (++ui->row_i == ui->row_cols) {
            ui->y = ui->row_y + ui->row_h + gap;
            ui->row_i = 0;
            ui->row_y = ui->y;
            ui->row_h = 0;
        }
    } else {
        r = (SDL_Rect){ ui->x0, ui->y, ui->cw, h };
        ui->y += h + gap;
    }
    r.y -= ui->scrolls[0].offset;
    return r;
}

static void row_begin(struct gh_ui *ui, int columns)
{
    if (columns < 1)
        columns = 1;
    ui->row_cols = columns;
    ui->row_i = 0;
    ui->row_y = ui->y;
    ui->row_h = 0;
}

static void row_end(struct gh_ui *ui)
{
    if (ui->row_cols > 0 && ui->row_i > 0)
        ui->y = ui->row_y + ui->row_h + S(20);
    ui->row_cols = 0;
    ui->row_i = 0;
}

static void spacer(struct gh_ui *ui, int px)
{
    ui->y += S(px);
}

/* ---- text widgets -------------------------------------------------------- */
static void paragraph(struct gh_ui *ui, const char *id, enum ui_kind kind, const char *text,
                      int font, SDL_Color color)
{
    if (!text)
        text = "";
    int lh = ui->line_h[font];
    int width = ui->row_cols > 0 ? (ui->cw - S(20) * (ui->row_cols - 1)) / ui->row_cols : ui->cw;
    const struct ui_wrap *w = ui_text_wrap(ui, font, text, width);
    int n = w->n ? w->n : 1;
    SDL_Rect r = place(ui, lh * n);
    for (int i = 0; i < w->n; i++) {
        SDL_Rect line = { r.x, r.y + i * lh, r.w, lh };
        ui_cmd_text(ui, line, font, AL_LEFT, color, text + w->start[i], w->len[i]);
    }
    ui_widget_add(ui, id, kind, r, 0, text);
}

static void w_heading(struct gh_ui *ui, const char *text)
{
    paragraph(ui, NULL, K_HEADING, text, F_HEAD, UI_FG);
}

static void w_text(struct gh_ui *ui, const char *id, const char *text, int style)
{
    int font = F_NORMAL;
    SDL_Color c = UI_FG;
    switch (style) {
    case GH_UI_MUTED: font = F_SMALL; c = UI_MUTED_C; break;
    case GH_UI_ERROR: c = UI_DANGER_C; break;
    case GH_UI_DANGER: c = UI_DANGER_C; break;
    case GH_UI_SUCCESS: c = UI_OK_C; break;
    case GH_UI_BIG: font = F_BIG; break;
    case GH_UI_PRIMARY: c = UI_PRIMARY_C; break;
    default: break;
    }
    paragraph(ui, id, K_TEXT, text, font, c);
}

/* ---- buttons --------------------------------------------------------------- */
static void button_colors(int style, int pressed, SDL_Color *bg, SDL_Color *fg)
{
    switch (style) {
    case GH_UI_PRIMARY: case GH_UI_BIG: case GH_UI_SUCCESS:
        *bg = pressed ? PRIMARY_PRESSED : UI_PRIMARY_C; *fg = UI_WHITE; break;
    case GH_UI_DANGER: case GH_UI_ERROR:
        *bg = pressed ? DANGER_PRESSED : UI_DANGER_C; *fg = UI_WHITE; break;
    case GH_UI_MUTED:
        *bg = pressed ? UI_BTN_PRESSED : UI_BG; *fg = UI_MUTED_C; break;
    default:
        *bg = pressed ? UI_BTN_PRESSED : UI_BTN; *fg = UI_FG; break;
    }
}

/* A label that does not fit is drawn in the smaller face, then clipped. */
static int fit_font(struct gh_ui *ui, int font, const char *label, int width)
{
    if (ui_text_width(ui, font, label, -1) <= width)
        return font;
    if (ui_text_width(ui, F_BOLD, label, -1) <= width)
        return F_BOLD;
    return F_SMALL;
}

static void draw_button(struct gh_ui *ui, SDL_Rect r, const char *label, int style,
                        int pressed, int font, int64_t badge)
{
    SDL_Color bg, fg;
    button_colors(style, pressed, &bg, &fg);
    ui_cmd_rect(ui, r, bg);
    if (style == GH_UI_MUTED || style == GH_UI_NORMAL)
        ui_cmd_frame(ui, r, UI_BORDER, S(2));
    int pad = S(24);
    int bw = 0;
    char num[24] = "";
    if (badge > 0) {
        snprintf(num, sizeof num, "%lld", (long long)(badge > 999 ? 999 : badge));
        bw = ui_text_width(ui, F_BOLD, num, -1) + S(36);
        if (bw < S(64))
            bw = S(64);
    }
    SDL_Rect t = { r.x + pad, r.y, r.w - 2 * pad - (bw ? bw + S(12) : 0), r.h };
    int f = fit_font(ui, font, label, t.w);
    ui_cmd_text(ui, t, f, AL_CENTER, fg, label, -1);
    if (badge > 0) {
        SDL_Rect b = { r.x + r.w - pad - bw, r.y + (r.h - S(64)) / 2, bw, S(64) };
        SDL_Rect l = { b.x + S(32), b.y, b.w - S(64), b.h };
        ui_cmd_circle(ui, (SDL_Rect){ b.x, b.y, S(64), S(64) }, UI_DANGER_C);
        ui_cmd_circle(ui, (SDL_Rect){ b.x + b.w - S(64), b.y, S(64), S(64) }, UI_DANGER_C);
        if (l.w > 0)
            ui_cmd_rect(ui, l, UI_DANGER_C);
        ui_cmd_text(ui, b, F_BOLD, AL_CENTER, UI_WHITE, num, -1);
    }
}

static int w_button(struct gh_ui *ui, const char *id, const char *label, int style)
{
    uint32_t h = ui_id_hash(id);
    int big = style == GH_UI_BIG;
    SDL_Rect r = place(ui, clamp_target(ui, big ? 200 : 112));
    draw_button(ui, r, label, style, ui_is_pressed(ui, h), big ? F_BIG : F_BOLD, 0);
    ui_widget_add(ui, id, K_BUTTON, r, 1, label);
    return ui_take_click(ui, h);
}

static int w_tile(struct gh_ui *ui, const char *id, const char *label, int64_t badge)
{
    uint32_t h = ui_id_hash(id);
    SDL_Rect r = place(ui, clamp_target(ui, 200));
    draw_button(ui, r, label, GH_UI_PRIMARY, ui_is_pressed(ui, h), F_BIG, badge);
    struct ui_widget *w = ui_widget_add(ui, id, K_TILE, r, 1, label);
    if (badge > 0)
        snprintf(w->value, sizeof w->value, "%lld", (long long)badge);
    return ui_take_click(ui, h);
}

int gh_ui_corner_button(struct gh_ui *ui, const char *id, const char *label)
{
    uint32_t h = ui_id_hash(id);
    int hgt = clamp_target(ui, 88);
    int w = ui_text_width(ui, F_SMALL, label, -1) + S(64);
    if (w < hgt)
        w = hgt;
    SDL_Rect r = { ui->W - S(24) - w, ui->content_view.h - S(24) - hgt, w, hgt };
    SDL_Rect old = ui_get_clip(ui);
    int old_scroll = ui->cur_scroll;
    ui_set_clip(ui, ui->content_view);
    ui->cur_scroll = -1;
    int pressed = ui_is_pressed(ui, h);
    ui_cmd_rect(ui, r, pressed ? UI_BTN_PRESSED : UI_BG);
    ui_cmd_frame(ui, r, UI_BORDER, S(2));
    ui_cmd_text(ui, r, F_SMALL, AL_CENTER, UI_MUTED_C, label, -1);
    ui_widget_add(ui, id, K_BUTTON, r, 1, label);
    ui_set_clip(ui, old);
    ui->cur_scroll = old_scroll;
    return ui_take_click(ui, h);
}

/* ---- text fields ------------------------------------------------------------ */
static int utf8_pop(char *buf)
{
    size_t n = strlen(buf);
    if (!n)
        return 0;
    while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    buf[n] = 0;
    return 1;
}

static int utf8_count(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int apply_edits(struct gh_ui *ui, char *buf, size_t cap, enum gh_kb kb)
{
    int changed = 0;
    for (int i = 0; i < ui->npending; i++) {
        struct ui_edit *e = &ui->pending[i];
        if (e->op == ED_CHAR) {
            size_t len = strlen(buf), add = strlen(e->ch);
            if (kb == GH_KB_PIN && (add != 1 || e->ch[0] < '0' || e->ch[0] > '9'))
                continue;               /* a PIN is digits only */
            if (len + add < cap) {
                memcpy(buf + len, e->ch, add + 1);
                changed = 1;
            }
        } else if (e->op == ED_BACKSPACE) {
            changed |= utf8_pop(buf);
        } else if (e->op == ED_NEXT) {
            ui->next_focus = 1;
            ui->entered = ui->focus;
            ui->entered_frame = ui->frame_no;
        }
    }
    ui->npending = 0;
    return changed;
}

static void set_focus(struct gh_ui *ui, const char *id, enum gh_kb kb)
{
    uint32_t h = ui_id_hash(id);
    if (ui->focus != h || ui->focus_kb != kb) {
        ui->kb_shift = 0;
        ui->kb_sym = 0;
    }
    ui->focus = h;
    snprintf(ui->focus_id, sizeof ui->focus_id, "%s", id);
    ui->focus_kb = kb;
    ui->ensure_visible = 1;
    ui->need_frame = 1;
}

static int w_field(struct gh_ui *ui, const char *id, const char *label, char *buf, size_t cap,
                   enum gh_kb kb, const char *error)
{
    uint32_t h = ui_id_hash(id);
    int changed = 0;
    ui_field_seen(ui, buf, cap);
    if (ui->focus_request[0] && strcmp(ui->focus_request, id) == 0) {
        ui->focus_request[0] = 0;
        set_focus(ui, id, kb);
    } else if (ui->next_focus == 2 && ui->focus != h) {
        ui->next_focus = 0;              /* Return on the previous field */
        set_focus(ui, id, kb);
    }
    if (ui_take_click(ui, h))
        set_focus(ui, id, kb);
    int focused = ui->focus == h;
    if (focused) {
        ui->focus_kb = kb;
        ui->focus_seen = 1;
        if (ui->npending && (changed = apply_edits(ui, buf, cap, kb)))
            ui->need_frame = 1;
        if (ui->next_focus == 1)
            ui->next_focus = 2;          /* the next field drawn takes focus */
    }
    /* label, box, error: one block */
    int lh = ui->line_h[F_SMALL];
    int boxh = clamp_target(ui, 112);
    const struct ui_wrap *ew = error && error[0] ? ui_text_wrap(ui, F_SMALL, error, ui->cw) : NULL;
    int total = (label && label[0] ? lh + S(6) : 0) + boxh + (ew ? S(6) + lh * ew->n : 0);
    SDL_Rect blk = place(ui, total);
    int y = blk.y;
    if (label && label[0]) {
        ui_cmd_text(ui, (SDL_Rect){ blk.x, y, blk.w, lh }, F_SMALL, AL_LEFT, UI_MUTED_C,
                    label, -1);
        y += lh + S(6);
    }
    SDL_Rect box = { blk.x, y, blk.w, boxh };
    ui_cmd_rect(ui, box, UI_WHITE);
    ui_cmd_frame(ui, box, focused ? UI_PRIMARY_C : (ew ? UI_DANGER_C : UI_BORDER),
                 focused ? S(5) : S(2));
    char shown[UI_LABEL_MAX];
    if (kb == GH_KB_PIN) {
        int n = utf8_count(buf), o = 0;
        for (int i = 0; i < n && o + 4 < (int)sizeof shown; i++) {
            memcpy(shown + o, "\xe2\x80\xa2", 3);   /* a bullet per digit */
            o += 3;
        }
        shown[o] = 0;
    } else {
        snprintf(shown, sizeof shown, "%s", buf);
    }
    SDL_Rect tr = { box.x + S(24), box.y, box.w - S(48) - S(6), box.h };
    int tw = ui_text_width(ui, F_NORMAL, shown, -1);
    int align = tw > tr.w ? AL_RIGHT : AL_LEFT;   /* long text: show its end */
    ui_cmd_text(ui, tr, F_NORMAL, align, UI_FG, shown, -1);
    if (focused) {
        int cx = align == AL_RIGHT ? tr.x + tr.w + S(2) : tr.x + tw + S(2);
        int ch = ui->line_h[F_NORMAL];
        ui_cmd_rect(ui, (SDL_Rect){ cx, box.y + (box.h - ch) / 2, S(4), ch }, UI_PRIMARY_C);
        ui->focus_rect_y = blk.y + ui->scrolls[0].offset;
        ui->focus_rect_h = total;
    }
    if (ew) {
        y += boxh + S(6);
        for (int i = 0; i < ew->n; i++)
            ui_cmd_text(ui, (SDL_Rect){ blk.x, y + i * lh, blk.w, lh }, F_SMALL, AL_LEFT,
                        UI_DANGER_C, error + ew->start[i], ew->len[i]);
    }
    struct ui_widget *w = ui_widget_add(ui, id, K_FIELD, box, 1, label);
    snprintf(w->value, sizeof w->value, "%s", shown);
    if (ew) {
        /* the error is text the person reads: findable by `expect` */
        struct ui_widget *e = ui_widget_add(ui, NULL, K_TEXT,
            (SDL_Rect){ blk.x, y, blk.w, lh * ew->n }, 0, error);
        snprintf(e->id, sizeof e->id, "%.40s.error", id);
        e->hash = ui_id_hash(e->id);
    }
    return changed;
}

static int w_entered(struct gh_ui *ui, const char *id)
{
    if (ui->entered && ui->entered == ui_id_hash(id)) {
        ui->entered = 0;
        ui->need_frame = 1;
        return 1;
    }
    return 0;
}

static int w_toggle(struct gh_ui *ui, const char *id, const char *label, int *on)
{
    uint32_t h = ui_id_hash(id);
    int changed = 0;
    if (ui_take_click(ui, h)) {
        *on = !*on;
        changed = 1;
    }
    SDL_Rect r = place(ui, clamp_target(ui, 112));
    int pressed = ui_is_pressed(ui, h);
    ui_cmd_rect(ui, r, pressed ? UI_BTN_PRESSED : UI_WHITE);
    ui_cmd_frame(ui, r, UI_BORDER, S(2));
    int sw = S(132), sh = S(68);
    SDL_Rect track = { r.x + r.w - S(24) - sw, r.y + (r.h - sh) / 2, sw, sh };
    ui_cmd_text(ui, (SDL_Rect){ r.x + S(24), r.y, r.w - sw - S(72), r.h }, F_NORMAL, AL_LEFT,
                UI_FG, label, -1);
    SDL_Color tc = *on ? UI_PRIMARY_C : UI_BORDER;
    ui_cmd_circle(ui, (SDL_Rect){ track.x, track.y, sh, sh }, tc);
    ui_cmd_circle(ui, (SDL_Rect){ track.x + sw - sh, track.y, sh, sh }, tc);
    ui_cmd_rect(ui, (SDL_Rect){ track.x + sh / 2, track.y, sw - sh, sh }, tc);
    int kx = *on ? track.x + sw - sh + S(6) : track.x + S(6);
    ui_cmd_circle(ui, (SDL_Rect){ kx, track.y + S(6), sh - S(12), sh - S(12) }, UI_WHITE);
    struct ui_widget *w = ui_widget_add(ui, id, K_TOGGLE, r, 1, label);
    snprintf(w->value, sizeof w->value, "%s", *on ? "on" : "off");
    return changed;
}

/* ---- lists ------------------------------------------------------------------ */
static void w_list_begin(struct gh_ui *ui, const char *id, int height_px)
{
    row_end(ui);
    int slot = scroll_slot(ui, ui_id_hash(id));
    SDL_Rect view = place(ui, S(height_px));
    ui->in_list = slot;
    ui->list_view = view;
    ui->list_item_y = 0;
    ui->list_h = view.h;
    ui_cmd_rect(ui, view, UI_WHITE);
    struct ui_widget *w = ui_widget_add(ui, id, K_LIST, view, 0, NULL);
    (void)w;
    ui->scrolls[slot].view = isect(view, ui->clip_now);
    ui->list_scroll = ui->scrolls[slot].offset;
    ui_set_clip(ui, ui->scrolls[slot].view);
    ui->cur_scroll = slot;
}

static int w_list_item(struct gh_ui *ui, const char *id, const char *title,
                       const char *subtitle, int selected)
{
    if (ui->in_list < 0)
        return 0;
    uint32_t h = ui_id_hash(id);
    int ih = clamp_target(ui, subtitle && subtitle[0] ? 132 : 104);
    SDL_Rect r = { ui->list_view.x, ui->list_view.y + ui->list_item_y - ui->list_scroll,
                   ui->list_view.w, ih };
    ui->list_item_y += ih;
    int pressed = ui_is_pressed(ui, h);
    if (pressed || selected)
        ui_cmd_rect(ui, r, pressed ? UI_BTN_PRESSED : SELECTED);
    ui_cmd_rect(ui, (SDL_Rect){ r.x, r.y + r.h - S(2), r.w, S(2) }, UI_BTN);
    int pad = S(24);
    if (subtitle && subtitle[0]) {
        int lt = ui->line_h[F_NORMAL], ls = ui->line_h[F_SMALL];
        int top = r.y + (r.h - lt - ls) / 2;
        ui_cmd_text(ui, (SDL_Rect){ r.x + pad, top, r.w - 2 * pad, lt }, F_NORMAL, AL_LEFT,
                    UI_FG, title, -1);
        ui_cmd_text(ui, (SDL_Rect){ r.x + pad, top + lt, r.w - 2 * pad, ls }, F_SMALL,
                    AL_LEFT, UI_MUTED_C, subtitle, -1);
    } else {
        ui_cmd_text(ui, (SDL_Rect){ r.x + pad, r.y, r.w - 2 * pad, r.h }, F_NORMAL, AL_LEFT,
                    UI_FG, title, -1);
    }
    struct ui_widget *w = ui_widget_add(ui, id, K_ITEM, r, 1, title);
    if (subtitle)
        snprintf(w->value, sizeof w->value, "%s", subtitle);
    return ui_take_click(ui, h);
}

static void w_list_end(struct gh_ui *ui)
{
    if (ui->in_list < 0)
        return;
    struct ui_scroll *s = &ui->scrolls[ui->in_list];
    s->content_h = ui->list_item_y;
    int max = s->content_h - ui->list_h;
    if (max < 0)
        max = 0;
    if (s->offset > max)
        s->offset = max;
    if (s->offset < 0)
        s->offset = 0;
    if (max > 0) {
        /* a thin bar: where in the list the view is */
        int bh = ui->list_h * ui->list_h / s->content_h;
        if (bh < S(40))
            bh = S(40);
        int by = ui->list_view.y + (ui->list_h - bh) * s->offset / max;
        ui_cmd_rect(ui, (SDL_Rect){ ui->list_view.x + ui->list_view.w - S(10), by, S(8), bh },
                    UI_BORDER);
    }
    ui_set_clip(ui, ui->content_view);
    ui_cmd_frame(ui, ui->list_view, UI_BORDER, S(2));
    ui->in_list = -1;
    ui->cur_scroll = 0;
}

/* ---- overlays ---------------------------------------------------------------- */
static int w_dialog(struct gh_ui *ui, const char *id, const char *title, const char *text,
                    const char *ok, const char *cancel)
{
    char okid[UI_ID_MAX + 8], cid[UI_ID_MAX + 8];
    snprintf(okid, sizeof okid, "%.40s.ok", id);
    snprintf(cid, sizeof cid, "%.40s.cancel", id);
    if (ui->dlg.open && strcmp(ui->dlg.id, id) == 0) {
        if (ui_take_click(ui, ui_id_hash(okid))) {
            ui->dlg.open = 0;
            ui->need_frame = 1;
            return GH_UI_DIALOG_OK;
        }
        if (ui_take_click(ui, ui_id_hash(cid))) {
            ui->dlg.open = 0;
            ui->need_frame = 1;
            return GH_UI_DIALOG_CANCEL;
        }
    } else {
        ui->need_frame = 1;              /* first frame of this dialog */
    }
    ui->dlg.open = 1;
    ui->dlg.seen = 1;
    snprintf(ui->dlg.id, sizeof ui->dlg.id, "%s", id);
    snprintf(ui->dlg.title, sizeof ui->dlg.title, "%s", title ? title : "");
    snprintf(ui->dlg.text, sizeof ui->dlg.text, "%s", text ? text : "");
    snprintf(ui->dlg.ok, sizeof ui->dlg.ok, "%s", ok ? ok : _("OK"));
    snprintf(ui->dlg.cancel, sizeof ui->dlg.cancel, "%s", cancel ? cancel : "");
    return GH_UI_DIALOG_OPEN;
}

static void draw_dialog(struct gh_ui *ui)
{
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    ui_cmd_rect(ui, all, DIM);
    int pad = S(40), w = ui->W - 2 * S(60);
    /* copies: the second look-up may reuse the first one's cache slot */
    const struct ui_wrap twc = *ui_text_wrap(ui, F_HEAD, ui->dlg.title, w - 2 * pad);
    const struct ui_wrap bwc = *ui_text_wrap(ui, F_NORMAL, ui->dlg.text, w - 2 * pad);
    const struct ui_wrap *tw = &twc, *bw = &bwc;
    int th = ui->line_h[F_HEAD], bh = ui->line_h[F_NORMAL], btn = clamp_target(ui, 112);
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
        draw_button(ui, r, ui->dlg.cancel, GH_UI_NORMAL, ui_is_pressed(ui, ui_id_hash(id)),
                    F_BOLD, 0);
        ui_widget_add(ui, id, K_BUTTON, r, 1, ui->dlg.cancel)->layer = 2;
    }
    snprintf(id, sizeof id, "%.40s.ok", ui->dlg.id);
    SDL_Rect r = { box.x + box.w - pad - bwid, y, bwid, btn };
    draw_button(ui, r, ui->dlg.ok, GH_UI_PRIMARY, ui_is_pressed(ui, ui_id_hash(id)), F_BOLD, 0);
    ui_widget_add(ui, id, K_BUTTON, r, 1, ui->dlg.ok)->layer = 2;
}

static void w_toast(struct gh_ui *ui, const char *text)
{
    snprintf(ui->toast, sizeof ui->toast, "%s", text ? text : "");
    ui->toast_until = gh_clock_mono_ms() + 4000;
    ui->need_frame = 1;
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

static void w_busy(struct gh_ui *ui, int on)
{
    if (!!on != ui->busy) {
        ui->busy = !!on;
        ui->busy_next = on ? gh_clock_mono_ms() + 150 : -1;
        ui->need_frame = 1;
    }
}

static void draw_busy(struct gh_ui *ui)
{
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    ui_cmd_rect(ui, all, DIM);
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
void ui_build_frame(struct gh_ui *ui)
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
    ui->dlg.seen = 0;
    if (ui->next_focus == 2)
        ui->next_focus = 0;
    if (ui->entered && ui->frame_no > ui->entered_frame + 1)
        ui->entered = 0;                 /* nobody asked: it lapses */
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui_cmd_rect(ui, all, UI_BG);
    ui_set_clip(ui, ui->content_view);

    ui_screens_draw(ui);
    row_end(ui);
    if (ui->in_list >= 0)
        w_list_end(ui);

    /* content height, and keep the scroll inside it */
    struct ui_scroll *cs = &ui->scrolls[0];
    const int drawn_off = cs->offset, drawn_kb = ui->kb_h;   /* this frame's layout */
    cs->content_h = ui->y + margin - S(20);
    int max = cs->content_h - ui->content_view.h;
    if (max < 0)
        max = 0;
    if (ui->focus && !ui->focus_seen) {
        ui->focus = 0;                   /* its field is gone */
        ui->need_frame = 1;
    }
    if (ui->next_focus == 2) {           /* Return on the last field: done typing */
        ui->focus = 0;
        ui->next_focus = 0;
        ui->need_frame = 1;
    }
    if (ui->focus && ui->ensure_visible) {
        /* scroll so the keyboard never covers the focused field */
        int top = ui->focus_rect_y - S(24);
        int bottom = ui->focus_rect_y + ui->focus_rect_h + S(24);
        if (bottom - cs->offset > ui->content_view.h)
            cs->offset = bottom - ui->content_view.h;
        if (top - cs->offset < 0)
            cs->offset = top;
        ui->focus_max = 0;
        if (cs->offset > max && ui->kb_h == ui_keyboard_height(ui, ui->focus_kb))
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

/* ---- input ------------------------------------------------------------------ */
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
        if (inside(vis, x, y) && (!best || w->layer >= best->layer))
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
            if (s->used && inside(s->view, x, y) && s->content_h > s->view.h)
                ui->drag_scroll = i;
        }
        if (ui->drag_scroll < 0 && inside(ui->content_view, x, y) &&
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
        const struct ui_widget *w = last_by_hash(ui, ui->pressed);
        SDL_Rect vis;
        if (w && ui_widget_visible(w, &vis) && inside(vis, x, y) && w->enabled) {
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

static void push_edit(struct gh_ui *ui, int op, const char *ch)
{
    if (ui->npending >= UI_MAX_PENDING)
        return;
    struct ui_edit *e = &ui->pending[ui->npending++];
    e->op = (uint8_t)op;
    snprintf(e->ch, sizeof e->ch, "%s", ch ? ch : "");
    ui->need_frame = 1;
}

void ui_key_edit(struct gh_ui *ui, int op, const char *ch) { push_edit(ui, op, ch); }

static SDL_FingerID finger = -1;

static void handle_event(struct gh_ui *ui, const SDL_Event *ev)
{
    int x, y;
    switch (ev->type) {
    case SDL_QUIT:
        ui->quit = 1;
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        to_canvas(ui, ev->button.x, ev->button.y, &x, &y);
        pointer_down(ui, x, y);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID)
            break;
        to_canvas(ui, ev->motion.x, ev->motion.y, &x, &y);
        pointer_move(ui, x, y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        to_canvas(ui, ev->button.x, ev->button.y, &x, &y);
        pointer_up(ui, x, y);
        break;
    case SDL_FINGERDOWN: case SDL_FINGERMOTION: case SDL_FINGERUP: {
        /* one finger drives the UI; others are ignored until it lifts */
        if (ev->type == SDL_FINGERDOWN && (finger == -1 || !ui->ptr_down))
            finger = ev->tfinger.fingerId;   /* (a lost finger-up must not lock us out) */
        if (ev->tfinger.fingerId != finger)
            break;
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
        break;
    }
    case SDL_TEXTINPUT:
        ui_touch(ui);
        if (ui->focus) {
            const char *s = ev->text.text;
            while (*s) {
                char ch[8] = { 0 };
                int n = 1;
                while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 6)
                    n++;
                memcpy(ch, s, (size_t)n);
                push_edit(ui, ED_CHAR, ch);
                s += n;
            }
        }
        break;
    case SDL_KEYDOWN:
        ui_touch(ui);
        switch (ev->key.keysym.sym) {
        case SDLK_BACKSPACE:
            if (ui->focus)
                push_edit(ui, ED_BACKSPACE, NULL);
            break;
        case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_TAB:
            if (ui->focus)
                push_edit(ui, ED_NEXT, NULL);
            break;
        case SDLK_ESCAPE: {
            /* cancel the dialog, else put the keyboard away, else go back */
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
                ui->nav.op = 2;          /* pop */
            }
            ui->need_frame = 1;
            break;
        }
        default:
            break;
        }
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

/* ---- the table plugins get ------------------------------------------------ */
/* The kiosk's one screen, for pollers (a card read at the lobby's home). */
static struct gh_ui *the_ui;
static struct gh_ui *ui_api_current(void) { return the_ui; }
void ui_set_current(struct gh_ui *ui) { the_ui = ui; }

static const struct gh_ui_api api = {
    .size = sizeof(struct gh_ui_api),
    .heading = w_heading,
    .text = w_text,
    .button = w_button,
    .field = w_field,
    .toggle = w_toggle,
    .row_begin = row_begin,
    .row_end = row_end,
    .spacer = spacer,
    .list_begin = w_list_begin,
    .list_item = w_list_item,
    .list_end = w_list_end,
    .dialog = w_dialog,
    .toast = w_toast,
    .busy = w_busy,
    .push = ui_api_push,
    .pop = ui_api_pop,
    .home = ui_api_home,
    .focus = ui_api_focus,
    .invalidate = ui_api_invalidate,
    .wake_in = ui_api_wake_in,
    .staff = ui_api_staff,
    .tile = w_tile,
    .entered = w_entered,
    .current = ui_api_current,
};

const struct gh_ui_api *gh_ui_api_table(void) { return &api; }

/* ---- life cycle --------------------------------------------------------------- */
enum gh_status gh_ui_new(const struct gh_ui_opts *o, struct gh_ui **out, char *err,
                         size_t errlen)
{
    struct gh_ui *ui = SDL_calloc(1, sizeof *ui);
    *out = NULL;
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return GH_E_NOMEM;
    }
    ui->opts = *o;
    ui->W = o->width > 0 ? o->width : 1080;
    ui->H = o->height > 0 ? o->height : 1920;
    if (ui->W > 4096 || ui->H > 4096) {
        snprintf(err, errlen, "screen size %dx%d is larger than 4096", ui->W, ui->H);
        SDL_free(ui);
        return GH_E_CONFIG;
    }
    ui->scale = o->scale > 0.1 ? o->scale : 1.0;
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
    snprintf(ui->home_id, sizeof ui->home_id, "home");

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
        goto fail;
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
            goto fail;
        }
        ui->native_wait = drv && (!strcmp(drv, "x11") || !strcmp(drv, "wayland") ||
                                  !strcmp(drv, "windows") || !strcmp(drv, "cocoa"));
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
        goto fail;
    }
    if (ui->headless) {
        /* The first frame paints every pixel, so the canvas is not zeroed
         * first (8 MB at 1080x1920: a measurable part of start-up). */
        ui->pixels = SDL_malloc((size_t)ui->W * (size_t)ui->H * 4);
        ui->surface = ui->pixels ? SDL_CreateRGBSurfaceWithFormatFrom(ui->pixels, ui->W, ui->H,
                                                                      32, ui->W * 4,
                                                                      SDL_PIXELFORMAT_ARGB8888)
                                 : NULL;
        ui->ren = ui->surface ? SDL_CreateSoftwareRenderer(ui->surface) : NULL;
    } else {
        int rot = o->rotation;
        int ww = (rot == 90 || rot == 270) ? ui->H : ui->W;
        int wh = (rot == 90 || rot == 270) ? ui->W : ui->H;
        Uint32 flags = o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0;
        ui->win = SDL_CreateWindow(o->title ? o->title : "Gatehouse", SDL_WINDOWPOS_CENTERED,
                                   SDL_WINDOWPOS_CENTERED, ww, wh, flags);
        if (!ui->win) {
            snprintf(err, errlen, "window: %s", SDL_GetError());
            goto fail;
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
            goto fail;
        }
    }
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

void gh_ui_free(struct gh_ui *ui)
{
    if (!ui)
        return;
    if (the_ui == ui)
        the_ui = NULL;
    ui_text_close(ui);
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
