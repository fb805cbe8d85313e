/*
 * widgets.c: layout (top to bottom, rows split the width) and the widgets
 * of struct gh_ui_api: text, buttons, tiles, fields, toggles, lists, and
 * the overlays' calls (dialog, toast, busy; frame.c draws them). Each
 * widget appends drawing commands and records itself in the widget table.
 */
#include <string.h>
#include <stdio.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"

static const SDL_Color DANGER_PRESSED = { 120, 20, 20, 255 }, SELECTED = { 214, 228, 248, 255 };

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
    ui->row_cmd0 = ui->cur->n;
    ui->row_wid0 = ui->nwidgets;
}

/* Everything drawn from here on sits at the bottom of a portrait screen
 * (frame.c), unless an anchor is set already. */
static void anchor_here(struct gh_ui *ui)
{
    if (ui->anchor_set || ui->in_list >= 0 || ui->cur_scroll != 0)
        return;
    int in_row = ui->row_cols > 0 && ui->row_i > 0;
    ui->anchor_set = 1;
    ui->anchor_cmd = in_row ? ui->row_cmd0 : ui->cur->n;
    ui->anchor_wid = in_row ? ui->row_wid0 : ui->nwidgets;
    ui->anchor_y = in_row ? ui->row_y : (ui->row_cols > 0 ? ui->row_y : ui->y);
}

/* A screen without a primary action (a keypad): its first button is where
 * the bottom part starts (frame.c uses it when no anchor is set). */
static void fallback_here(struct gh_ui *ui)
{
    if (ui->fb_set || ui->anchor_set || ui->in_list >= 0 || ui->cur_scroll != 0)
        return;
    int anchor = ui->anchor_set;
    anchor_here(ui);
    ui->fb_set = 1;
    ui->fb_cmd = ui->anchor_cmd;
    ui->fb_wid = ui->anchor_wid;
    ui->fb_y = ui->anchor_y;
    ui->anchor_set = anchor;
}

/* The screen says where: that overrides a primary button drawn above it
 * (a selected language). */
void gh_ui_bottom(struct gh_ui *ui)
{
    if (ui->anchor_set == 2)
        return;
    ui->anchor_set = 0;
    anchor_here(ui);
    if (ui->anchor_set)
        ui->anchor_set = 2;
}

/* A primary action: the anchor if none is set yet, and remembered (the
 * keyboard scrolls it into view with the focused field: frame.c). */
static void primary_action(struct gh_ui *ui, struct ui_widget *w)
{
    if (ui->in_list >= 0 || ui->cur_scroll != 0)
        return;
    w->primary = 1;
    ui->primary_y = w->rect.y + ui->scrolls[0].offset;
    ui->primary_h = w->rect.h;
}

void ui_row_end(struct gh_ui *ui)
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
static void button_colors(const struct gh_ui *ui, int style, int pressed, SDL_Color *bg,
                          SDL_Color *fg)
{
    switch (style) {
    case GH_UI_PRIMARY: case GH_UI_BIG: case GH_UI_SUCCESS:   /* [screen] accent */
        *bg = pressed ? ui->accent_pressed : ui->accent; *fg = UI_WHITE; break;
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

/* A button's label: on one line in the first face that fits it, else
 * wrapped on two lines or more in the bold face, then the smaller one (a
 * narrow column with larger text). */
static void label_text(struct gh_ui *ui, SDL_Rect t, int font, SDL_Color fg, const char *label)
{
    int f = fit_font(ui, font, label, t.w);
    if (ui_text_width(ui, f, label, -1) <= t.w) {
        ui_cmd_text(ui, t, f, AL_CENTER, fg, label, -1);
        return;
    }
    SDL_Rect wide = { t.x - S(16), t.y, t.w + S(32), t.h };   /* most of the padding */
    if (ui_text_width(ui, F_SMALL, label, -1) <= wide.w) {
        ui_cmd_text(ui, wide, F_SMALL, AL_CENTER, fg, label, -1);
        return;
    }
    f = F_BOLD;
    const struct ui_wrap *w = ui_text_wrap(ui, f, label, t.w);
    if (w->n * ui->line_h[f] > t.h) {
        f = F_SMALL;
        w = ui_text_wrap(ui, f, label, t.w);
    }
    if (w->n * ui->line_h[f] > t.h) {    /* it can't fit: clipped (the harness's `fits`) */
        ui_cmd_text(ui, t, F_SMALL, AL_CENTER, fg, label, -1);
        return;
    }
    const struct ui_wrap wc = *w;        /* a copy: drawing may reuse its slot */
    int lh = ui->line_h[f], top = t.y + (t.h - wc.n * lh) / 2;
    for (int i = 0; i < wc.n; i++)
        ui_cmd_text(ui, (SDL_Rect){ t.x, top + i * lh, t.w, lh }, f, AL_CENTER, fg,
                    label + wc.start[i], wc.len[i]);
}

void ui_draw_button(struct gh_ui *ui, SDL_Rect r, const char *label, int style,
                    int pressed, int font, int64_t badge)
{
    SDL_Color bg, fg;
    button_colors(ui, style, pressed, &bg, &fg);
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
    label_text(ui, t, font, fg, label);
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
    int primary = big || style == GH_UI_PRIMARY || style == GH_UI_SUCCESS;
    if (primary)
        anchor_here(ui);
    else
        fallback_here(ui);
    SDL_Rect r = place(ui, ui_target(ui, big ? 200 : 112));
    ui_draw_button(ui, r, label, style, ui_is_pressed(ui, h), big ? F_BIG : F_BOLD, 0);
    struct ui_widget *w = ui_widget_add(ui, id, K_BUTTON, r, 1, label);
    if (primary)
        primary_action(ui, w);
    return ui_take_click(ui, h);
}

static int w_tile(struct gh_ui *ui, const char *id, const char *label, int64_t badge)
{
    uint32_t h = ui_id_hash(id);
    anchor_here(ui);
    SDL_Rect r = place(ui, ui_target(ui, 200));
    ui_draw_button(ui, r, label, GH_UI_PRIMARY, ui_is_pressed(ui, h), F_BIG, badge);
    struct ui_widget *w = ui_widget_add(ui, id, K_TILE, r, 1, label);
    primary_action(ui, w);
    if (badge > 0)
        snprintf(w->value, sizeof w->value, "%lld", (long long)badge);
    return ui_take_click(ui, h);
}

/* A home tile: the label in the large face and, under it, what the tile
 * is for in the normal face, or wrapped in the smaller one when it does
 * not fit on a line (the tile grows to hold it: larger text); both white on
 * the primary colour. */
int gh_ui_home_tile(struct gh_ui *ui, const char *id, const char *label,
                    const char *subtitle, int64_t badge)
{
    if (!subtitle || !subtitle[0])
        return w_tile(ui, id, label, badge);
    uint32_t h = ui_id_hash(id);
    anchor_here(ui);
    int pad = S(24) + (badge > 0 ? S(100) : 0);   /* room for the badge, both sides */
    int tw = (ui->row_cols > 0 ? (ui->cw - S(20) * (ui->row_cols - 1)) / ui->row_cols
                               : ui->cw) - 2 * pad;
    int lf = fit_font(ui, F_BIG, label, tw);
    int sf = ui_text_width(ui, F_NORMAL, subtitle, -1) <= tw ? F_NORMAL : F_SMALL;
    const struct ui_wrap sw = *ui_text_wrap(ui, sf, subtitle, tw);
    int lb = ui->line_h[lf], ls = ui->line_h[sf], gap = S(8), n = sw.n ? sw.n : 1;
    int need = lb + gap + n * ls + 2 * S(20);
    SDL_Rect r = place(ui, need > ui_target(ui, 200) ? need : ui_target(ui, 200));
    int top = r.y + (r.h - lb - n * ls - gap) / 2;
    ui_draw_button(ui, r, "", GH_UI_PRIMARY, ui_is_pressed(ui, h), F_BIG, badge);
    ui_cmd_text(ui, (SDL_Rect){ r.x + pad, top, tw, lb }, lf, AL_CENTER, UI_WHITE, label, -1);
    for (int i = 0; i < sw.n; i++)
        ui_cmd_text(ui, (SDL_Rect){ r.x + pad, top + lb + gap + i * ls, tw, ls }, sf, AL_CENTER,
                    UI_WHITE, subtitle + sw.start[i], sw.len[i]);
    struct ui_widget *w = ui_widget_add(ui, id, K_TILE, r, 1, label);
    primary_action(ui, w);
    snprintf(w->value, sizeof w->value, "%s", subtitle);
    return ui_take_click(ui, h);
}

/* The logo ([screen] logo), centred, as large as fits 180 px high (at the
 * scale) and the content's width, never larger than the image itself at the
 * scale. Nothing when there is none. */
void gh_ui_logo(struct gh_ui *ui, const char *id)
{
    if (!ui->logo)
        return;
    double k = ui->scale;
    if (ui->logo_h * k > S(180))
        k = (double)S(180) / ui->logo_h;
    if (ui->logo_w * k > ui->cw)
        k = (double)ui->cw / ui->logo_w;
    int w = (int)(ui->logo_w * k), h = (int)(ui->logo_h * k);
    SDL_Rect box = place(ui, h < 1 ? 1 : h);
    SDL_Rect r = { box.x + (box.w - w) / 2, box.y, w < 1 ? 1 : w, box.h };
    ui_cmd_logo(ui, r);
    ui_widget_add(ui, id, K_IMAGE, r, 0, NULL);
}

/* The corner button is drawn after the screen (frame.c): outside the
 * scrolled content, and not moved with what sits at the bottom. */
int gh_ui_corner_button(struct gh_ui *ui, const char *id, const char *label)
{
    ui->corner.on = 1;
    snprintf(ui->corner.id, sizeof ui->corner.id, "%s", id);
    snprintf(ui->corner.label, sizeof ui->corner.label, "%s", label);
    return ui_take_click(ui, ui_id_hash(id));
}

void ui_draw_corner(struct gh_ui *ui)
{
    const char *id = ui->corner.id, *label = ui->corner.label;
    uint32_t h = ui_id_hash(id);
    int hgt = ui_target(ui, 88);
    int w = ui_text_width(ui, F_SMALL, label, -1) + S(64);
    if (w < hgt)
        w = hgt;
    SDL_Rect r = { ui->W - S(24) - w, ui->content_view.h - S(24) - hgt, w, hgt };
    ui_set_clip(ui, ui->content_view);
    ui->cur_scroll = -1;
    int pressed = ui_is_pressed(ui, h);
    ui_cmd_rect(ui, r, pressed ? UI_BTN_PRESSED : UI_BG);
    ui_cmd_frame(ui, r, UI_BORDER, S(2));
    ui_cmd_text(ui, r, F_SMALL, AL_CENTER, UI_MUTED_C, label, -1);
    ui_widget_add(ui, id, K_BUTTON, r, 1, label);
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
    int boxh = ui_target(ui, 112);
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
    SDL_Rect r = place(ui, ui_target(ui, 112));
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
    ui_row_end(ui);
    int slot = scroll_slot(ui, ui_id_hash(id));
    SDL_Rect view = place(ui, S(height_px));
    ui->in_list = slot;
    ui->list_view = view;
    ui->list_item_y = 0;
    ui->list_h = view.h;
    ui_cmd_rect(ui, view, UI_WHITE);
    struct ui_widget *w = ui_widget_add(ui, id, K_LIST, view, 0, NULL);
    (void)w;
    ui->scrolls[slot].view = ui_isect(view, ui->clip_now);
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
    int ih = ui_target(ui, subtitle && subtitle[0] ? 132 : 104);
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

void ui_list_end(struct gh_ui *ui)
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

static void w_toast(struct gh_ui *ui, const char *text)
{
    ui_show_toast(ui, text, 4000);
}

static void w_busy(struct gh_ui *ui, int on)
{
    if (!!on != ui->busy) {
        ui->busy = !!on;
        ui->busy_next = on ? gh_clock_mono_ms() + 150 : -1;
        ui->need_frame = 1;
    }
}
/* ---- the table plugins get ------------------------------------------------ */
static const struct gh_ui_api api = {
    .size = sizeof(struct gh_ui_api),
    .heading = w_heading,
    .text = w_text,
    .button = w_button,
    .field = w_field,
    .toggle = w_toggle,
    .row_begin = row_begin,
    .row_end = ui_row_end,
    .spacer = spacer,
    .list_begin = w_list_begin,
    .list_item = w_list_item,
    .list_end = ui_list_end,
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
    .screen_exists = ui_api_screen_exists,
    .picker_new = ui_picker_new,
    .picker_free = ui_picker_free,
    .picker_set = ui_picker_set,
    .picker_draw = ui_picker_draw,
    .picker_get = ui_picker_get,
    .picker_error = ui_picker_error,
};

const struct gh_ui_api *gh_ui_api_table(void) { return &api; }
