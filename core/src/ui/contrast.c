/*
 * contrast.c: the harness's `contrast` check, measured on the rendered
 * pixels of the last frame (WCAG 2.2 1.4.3 and 1.4.11).
 *
 *   text      each text command of the frame: the background is the colour
 *             most of its box shows, the ink the pixel in the box furthest
 *             from it in contrast (the glyphs' cores are the text's full
 *             colour); >= 4.5:1, or >= 3:1 for the large faces (bold,
 *             heading, big, keys).
 *   controls  each field, button, tile and toggle: the pixel just inside
 *             its left edge (the border, or the fill of a button without
 *             one) against the pixel just outside it; a toggle's track
 *             against the row behind it; >= 3:1.
 *
 * What a dialog or the busy veil dims is not checked (it is not meant to be
 * read then), nor keyboard keys (white keys on grey, each with its label)
 * nor list items (text rows, checked as text).
 */
#include <stdio.h>
#include <string.h>
#include "ui_internal.h"
#include "gatehouse/config.h"

/* WCAG 2.2's contrast ratio: the core's, which also checks [screen] accent. */
double ui_contrast_ratio(uint32_t a, uint32_t b)
{
    return gh_config_contrast(a & 0xFFFFFFu, b & 0xFFFFFFu);
}

static uint32_t pixel(SDL_Surface *c, int x, int y)
{
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if (x >= c->w)
        x = c->w - 1;
    if (y >= c->h)
        y = c->h - 1;
    return ((const uint32_t *)((const uint8_t *)c->pixels + (size_t)y * (size_t)c->pitch))[x] &
           0xFFFFFFu;
}

/* The colour most of the box shows (sampled every 2 px), and the pixel
 * furthest from it in contrast. */
static void box_colours(SDL_Surface *c, SDL_Rect r, uint32_t *bg, uint32_t *ink)
{
    enum { N = 48 };
    uint32_t col[N];
    int cnt[N], n = 0;
    for (int y = r.y; y < r.y + r.h; y += 2)
        for (int x = r.x; x < r.x + r.w; x += 2) {
            uint32_t p = pixel(c, x, y);
            int i = 0;
            while (i < n && col[i] != p)
                i++;
            if (i == n && n < N) {
                col[n] = p;
                cnt[n++] = 0;
            }
            if (i < n)
                cnt[i]++;
        }
    int best = 0;
    for (int i = 1; i < n; i++)
        if (cnt[i] > cnt[best])
            best = i;
    *bg = n ? col[best] : 0;
    double far = 1.0;
    *ink = *bg;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            uint32_t p = pixel(c, x, y);
            double k = ui_contrast_ratio(p, *bg);
            if (k > far) {
                far = k;
                *ink = p;
            }
        }
}

/* Index of the first command not under a full-screen dimming veil. */
static int first_undimmed(const struct ui_cmdlist *l, int W, int H)
{
    int from = 0;
    for (int i = 0; i < l->n; i++) {
        const struct ui_cmd *k = &l->cmds[i];
        if (k->type == CMD_RECT && k->rect.w >= W && k->rect.h >= H && k->color.a < 255)
            from = i + 1;
    }
    return from;
}

static int check_text(struct gh_ui *ui, SDL_Surface *c, char *msg, size_t len)
{
    const struct ui_cmdlist *l = ui->prev;
    for (int i = first_undimmed(l, ui->W, ui->H); i < l->n; i++) {
        const struct ui_cmd *k = &l->cmds[i];
        if (k->type != CMD_TEXT || k->text_len == 0)
            continue;
        SDL_Rect r = ui_isect(ui_isect(k->rect, k->clip), (SDL_Rect){ 0, 0, ui->W, ui->H });
        if (r.w < 4 || r.h < k->rect.h)
            continue;                    /* partly scrolled or clipped out of view */
        const struct ui_widget *w = ui_widget_at(ui, r.x + r.w / 2, r.y + r.h / 2);
        if (w && (w->kind == K_KEY))
            continue;
        uint32_t bg, ink;
        box_colours(c, r, &bg, &ink);
        int large = k->font == F_BOLD || k->font == F_HEAD || k->font == F_BIG ||
                    k->font == F_KEY;
        double need = large ? 3.0 : 4.5, got = ui_contrast_ratio(bg, ink);
        if (got + 1e-9 < need) {
            snprintf(msg, len, "contrast: text of %s \"%.*s\" is %.2f:1 (#%06X on #%06X), "
                     "needs %.1f:1", w ? w->id : "?", (int)(k->text_len > 40 ? 40 : k->text_len),
                     l->text + k->text_off, got, (unsigned)ink, (unsigned)bg, need);
            return -1;
        }
    }
    return 0;
}

/* A control's edge (or a toggle's track) against what is around it. */
static int check_control(struct gh_ui *ui, SDL_Surface *c, const struct ui_widget *w,
                         char *msg, size_t len)
{
    SDL_Rect r = w->rect;
    int cy = r.y + r.h / 2, in_x = r.x + 1, out_x = r.x - S(6);
    const char *what = "boundary";
    if (w->kind == K_TOGGLE) {
        int sw = S(132);
        int tx = r.x + r.w - S(24) - sw;
        in_x = tx + sw / 2;              /* the track between knob places */
        out_x = tx - S(8);
        what = "switch track";
    }
    uint32_t in = pixel(c, in_x, cy), out = pixel(c, out_x, cy);
    double got = ui_contrast_ratio(in, out);
    if (got + 1e-9 < 3.0) {
        snprintf(msg, len, "contrast: %s of %s is %.2f:1 (#%06X against #%06X), needs 3.0:1",
                 what, w->id, got, (unsigned)in, (unsigned)out);
        return -1;
    }
    return 0;
}

int ui_contrast_check(struct gh_ui *ui, char *msg, size_t len)
{
    SDL_Surface *c = ui->surface;
    if (!c) {
        snprintf(msg, len, "contrast: needs --headless");
        return -1;
    }
    SDL_RenderFlush(ui->ren);
    if (check_text(ui, c, msg, len) != 0)
        return -1;
    int dimmed = ui->dlg.open || ui->busy;
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        int control = w->kind == K_FIELD || w->kind == K_BUTTON || w->kind == K_TILE ||
                      w->kind == K_TOGGLE;
        SDL_Rect v;
        if (!control || !ui_widget_visible(w, &v) || v.h < w->rect.h || v.w < w->rect.w)
            continue;                    /* partly scrolled out: its edge is not there */
        if (dimmed && w->layer < 2)
            continue;
        if (ui_is_pressed(ui, w->hash))
            continue;
        if (check_control(ui, c, w, msg, len) != 0)
            return -1;
    }
    return 0;
}
