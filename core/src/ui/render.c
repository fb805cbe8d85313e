/*
 * render.c: the command list and the one renderer that turns it into pixels.
 *
 * Widgets append rectangles, outlines, circles and text to a fixed command
 * list; nothing is drawn while a screen's draw() runs. Afterwards the canvas
 * is cut into a grid of UI_GRID-px cells and each cell gets a hash of the
 * commands that touch it (rxi/lite's rencache idea). Cells whose hash
 * differs from the last rendered frame are merged into rectangles, and only
 * those are repainted, with the commands that touch them, clipped. A key tap
 * on the keyboard therefore repaints the key and the field, not 2 million
 * pixels. The first frame, and a frame after ui_render_reset(), is a full
 * repaint.
 */
#include <string.h>
#include <math.h>
#include "ui_internal.h"

static SDL_Rect isect(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect r;
    if (!SDL_IntersectRect(&a, &b, &r))
        r.x = r.y = r.w = r.h = 0;
    return r;
}

void ui_set_clip(struct gh_ui *ui, SDL_Rect clip) { ui->clip_now = clip; }
SDL_Rect ui_get_clip(struct gh_ui *ui) { return ui->clip_now; }

static struct ui_cmd *push(struct gh_ui *ui, int type, SDL_Rect r, SDL_Color c)
{
    struct ui_cmdlist *l = ui->cur;
    SDL_Rect vis = isect(r, ui->clip_now);
    if (vis.w <= 0 || vis.h <= 0)
        return NULL;                    /* off screen: costs nothing */
    if (l->n >= UI_MAX_CMDS) {
        l->overflow = 1;
        return NULL;
    }
    struct ui_cmd *cmd = &l->cmds[l->n++];
    memset(cmd, 0, sizeof *cmd);
    cmd->type = (uint8_t)type;
    cmd->rect = r;
    cmd->clip = ui->clip_now;
    cmd->color = c;
    return cmd;
}

void ui_cmd_rect(struct gh_ui *ui, SDL_Rect r, SDL_Color c) { push(ui, CMD_RECT, r, c); }
void ui_cmd_circle(struct gh_ui *ui, SDL_Rect r, SDL_Color c) { push(ui, CMD_CIRCLE, r, c); }
void ui_cmd_logo(struct gh_ui *ui, SDL_Rect r)
{
    push(ui, CMD_LOGO, r, (SDL_Color){ 255, 255, 255, 255 });
}

void ui_cmd_frame(struct gh_ui *ui, SDL_Rect r, SDL_Color c, int thick)
{
    struct ui_cmd *cmd = push(ui, CMD_FRAME, r, c);
    if (cmd)
        cmd->thick = (uint8_t)(thick < 1 ? 1 : thick);
}

void ui_cmd_text(struct gh_ui *ui, SDL_Rect r, int font, int align, SDL_Color c,
                 const char *s, int len)
{
    if (len < 0)
        len = (int)strlen(s);
    if (len == 0)
        return;
    struct ui_cmdlist *l = ui->cur;
    if (l->text_used + (uint32_t)len > UI_TEXT_ARENA) {
        l->overflow = 1;
        return;
    }
    struct ui_cmd *cmd = push(ui, CMD_TEXT, r, c);
    if (!cmd)
        return;
    cmd->font = (uint8_t)font;
    cmd->align = (uint8_t)align;
    cmd->text_off = l->text_used;
    cmd->text_len = (uint32_t)len;
    memcpy(l->text + l->text_used, s, (size_t)len);
    l->text_used += (uint32_t)len;
}

static uint32_t cmd_hash(const struct ui_cmdlist *l, const struct ui_cmd *c)
{
    uint32_t h = ui_hash(&c->type, 4, UI_HASH_INIT);
    h = ui_hash(&c->rect, sizeof c->rect, h);
    h = ui_hash(&c->clip, sizeof c->clip, h);
    h = ui_hash(&c->color, sizeof c->color, h);
    if (c->type == CMD_TEXT)
        h = ui_hash(l->text + c->text_off, c->text_len, h);
    return h;
}

static void fill_grid(struct gh_ui *ui, const struct ui_cmdlist *l, uint32_t *grid)
{
    for (int i = 0; i < ui->gw * ui->gh; i++)
        grid[i] = UI_HASH_INIT;
    for (int i = 0; i < l->n; i++) {
        const struct ui_cmd *c = &l->cmds[i];
        SDL_Rect b = isect(c->rect, c->clip);
        if (b.w <= 0 || b.h <= 0)
            continue;
        uint32_t h = cmd_hash(l, c);
        int x1 = b.x / UI_GRID, y1 = b.y / UI_GRID;
        int x2 = (b.x + b.w - 1) / UI_GRID, y2 = (b.y + b.h - 1) / UI_GRID;
        if (x1 < 0) x1 = 0;
        if (y1 < 0) y1 = 0;
        if (x2 >= ui->gw) x2 = ui->gw - 1;
        if (y2 >= ui->gh) y2 = ui->gh - 1;
        for (int y = y1; y <= y2; y++)
            for (int x = x1; x <= x2; x++) {
                uint32_t *g = &grid[y * ui->gw + x];
                *g = (*g ^ h) * 16777619u;
            }
    }
}

static void draw_circle(SDL_Renderer *ren, SDL_Rect r)
{
    double rad = r.w / 2.0, cx = r.x + rad, cy = r.y + r.h / 2.0;
    for (int y = 0; y < r.h; y++) {
        double dy = y + 0.5 - r.h / 2.0;
        double half = rad * rad - dy * dy;
        if (half <= 0)
            continue;
        double dx = sqrt(half);
        SDL_Rect row = { (int)lround(cx - dx), (int)(cy + dy - 0.5), (int)lround(2 * dx), 1 };
        SDL_RenderFillRect(ren, &row);
    }
}

static void draw_cmd(struct gh_ui *ui, const struct ui_cmdlist *l, const struct ui_cmd *c,
                     SDL_Rect dirty)
{
    SDL_Rect clip = isect(c->clip, dirty);
    if (clip.w <= 0 || clip.h <= 0)
        return;
    SDL_Rect b = isect(c->rect, clip);
    if (b.w <= 0 || b.h <= 0)
        return;
    SDL_Renderer *ren = ui->ren;
    SDL_RenderSetClipRect(ren, &clip);
    SDL_SetRenderDrawColor(ren, c->color.r, c->color.g, c->color.b, c->color.a);
    /* opaque fills take the software renderer's memset path, not the
     * per-pixel blend */
    SDL_SetRenderDrawBlendMode(ren, c->color.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    switch (c->type) {
    case CMD_RECT:
        SDL_RenderFillRect(ren, &b);
        break;
    case CMD_FRAME: {
        int t = c->thick;
        SDL_Rect r = c->rect;
        SDL_Rect s[4] = { { r.x, r.y, r.w, t }, { r.x, r.y + r.h - t, r.w, t },
                          { r.x, r.y, t, r.h }, { r.x + r.w - t, r.y, t, r.h } };
        SDL_RenderFillRects(ren, s, 4);
        break;
    }
    case CMD_CIRCLE:
        draw_circle(ren, c->rect);
        break;
    case CMD_LOGO:
        if (ui->logo)
            SDL_RenderCopy(ren, ui->logo, NULL, &c->rect);
        break;
    case CMD_TEXT: {
        struct ui_textent *e = ui_text_get(ui, c->font, l->text + c->text_off,
                                           (int)c->text_len);
        if (!e->tex)
            break;
        SDL_Rect d = { c->rect.x, c->rect.y + (c->rect.h - e->h) / 2, e->w, e->h };
        if (c->align == AL_CENTER)
            d.x = c->rect.x + (c->rect.w - e->w) / 2;
        else if (c->align == AL_RIGHT)
            d.x = c->rect.x + c->rect.w - e->w;
        SDL_Rect tclip = isect(clip, c->rect);
        SDL_RenderSetClipRect(ren, &tclip);
        SDL_SetTextureColorMod(e->tex, c->color.r, c->color.g, c->color.b);
        SDL_SetTextureAlphaMod(e->tex, c->color.a);
        SDL_RenderCopy(ren, e->tex, NULL, &d);
        break;
    }
    }
}

/* Dirty cells to rectangles: runs per grid row, merged downwards while a
 * run has the same span as the one above. */
static int dirty_rects(struct gh_ui *ui, SDL_Rect *out, int max)
{
    int n = 0;
    for (int y = 0; y < ui->gh; y++) {
        int x = 0;
        while (x < ui->gw) {
            if (ui->grid_cur[y * ui->gw + x] == ui->grid_prev[y * ui->gw + x]) {
                x++;
                continue;
            }
            int x0 = x;
            while (x < ui->gw && ui->grid_cur[y * ui->gw + x] != ui->grid_prev[y * ui->gw + x])
                x++;
            SDL_Rect r = { x0 * UI_GRID, y * UI_GRID, (x - x0) * UI_GRID, UI_GRID };
            int merged = 0;
            for (int i = n - 1; i >= 0; i--)
                if (out[i].x == r.x && out[i].w == r.w && out[i].y + out[i].h == r.y) {
                    out[i].h += UI_GRID;
                    merged = 1;
                    break;
                }
            if (!merged) {
                if (n == max) {          /* too many: one rectangle for all */
                    out[0] = (SDL_Rect){ 0, 0, ui->W, ui->H };
                    return 1;
                }
                out[n++] = r;
            }
        }
    }
    SDL_Rect canvas = { 0, 0, ui->W, ui->H };
    for (int i = 0; i < n; i++)
        out[i] = isect(out[i], canvas);
    return n;
}

void ui_render_reset(struct gh_ui *ui) { ui->rendered_once = 0; }

/* Shows the canvas in the window: rotated and scaled to fit the output. */
static void present(struct gh_ui *ui)
{
    if (ui->headless) {
        SDL_RenderFlush(ui->ren);
        return;
    }
    int ow, oh;
    SDL_SetRenderTarget(ui->ren, NULL);
    SDL_RenderSetClipRect(ui->ren, NULL);
    SDL_GetRendererOutputSize(ui->ren, &ow, &oh);
    int rot = ui->opts.rotation;
    int rw = (rot == 90 || rot == 270) ? ui->H : ui->W;
    int rh = (rot == 90 || rot == 270) ? ui->W : ui->H;
    double s = (double)ow / rw < (double)oh / rh ? (double)ow / rw : (double)oh / rh;
    SDL_Rect d = { 0, 0, (int)(ui->W * s), (int)(ui->H * s) };
    d.x = (ow - d.w) / 2;
    d.y = (oh - d.h) / 2;
    SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
    SDL_RenderClear(ui->ren);
    SDL_RenderCopyEx(ui->ren, ui->canvas, NULL, &d, rot, NULL, SDL_FLIP_NONE);
    SDL_RenderPresent(ui->ren);
    SDL_SetRenderTarget(ui->ren, ui->canvas);
}

int ui_render(struct gh_ui *ui)
{
    static SDL_Rect rects[256];
    int n;
    fill_grid(ui, ui->cur, ui->grid_cur);
    if (!ui->rendered_once) {
        rects[0] = (SDL_Rect){ 0, 0, ui->W, ui->H };
        n = 1;
        ui->rendered_once = 1;
    } else {
        n = dirty_rects(ui, rects, 256);
    }
    if (n > 0) {
        if (!ui->headless)
            SDL_SetRenderTarget(ui->ren, ui->canvas);
        for (int r = 0; r < n; r++)
            for (int i = 0; i < ui->cur->n; i++)
                draw_cmd(ui, ui->cur, &ui->cur->cmds[i], rects[r]);
        SDL_RenderSetClipRect(ui->ren, NULL);
        present(ui);
    }
    /* this frame becomes the reference for the next diff */
    struct ui_cmdlist *t = ui->prev;
    ui->prev = ui->cur;
    ui->cur = t;
    memcpy(ui->grid_prev, ui->grid_cur, sizeof(uint32_t) * (size_t)(ui->gw * ui->gh));
    return n > 0;
}
