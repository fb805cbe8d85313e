/*
 * fits.c: the harness's layout checks on the last frame (issue 19).
 *
 *   fits   nothing is cut off: every visible widget lies within the screen's
 *          width and within the box it is drawn in (a list, the content);
 *          what does not scroll (keys, the corner button, a dialog, a toast)
 *          lies wholly on the screen; and every piece of text is as wide as
 *          its box at most (a label that does not fit even in the smaller
 *          face is clipped: a failure). Content taller than the screen
 *          scrolls, which is not clipping. The text a field shows is exempt
 *          (a long entry shows its end on purpose).
 *   reach  on a portrait screen: with a keyboard up, no primary action
 *          (filled button or tile) that fits above it together with the
 *          focused field is covered by it; without one, the last primary
 *          action of the screen is not in the top half (off the screen
 *          below, reached by scrolling, is the lower part).
 */
#include <stdio.h>
#include <string.h>
#include "ui_internal.h"

static int check_text(struct gh_ui *ui, char *msg, size_t len)
{
    const struct ui_cmdlist *l = ui->prev;
    for (int i = 0; i < l->n; i++) {
        const struct ui_cmd *k = &l->cmds[i];
        if (k->type != CMD_TEXT || k->text_len == 0)
            continue;
        SDL_Rect v = ui_isect(k->rect, k->clip);
        if (v.w <= 0 || v.h <= 0)
            continue;                    /* scrolled out of view */
        const char *t = l->text + k->text_off;
        const struct ui_widget *w = ui_widget_at(ui, v.x + v.w / 2, v.y + v.h / 2);
        if (w && w->kind == K_FIELD)
            continue;
        int tw = ui_text_width(ui, k->font, t, (int)k->text_len);
        int x0 = k->align == AL_CENTER ? k->rect.x + (k->rect.w - tw) / 2
               : k->align == AL_RIGHT ? k->rect.x + k->rect.w - tw : k->rect.x;
        const char *why = NULL;
        if (tw > k->rect.w)
            why = "is wider than its box";
        else if (x0 < k->clip.x || x0 + tw > k->clip.x + k->clip.w)
            why = "runs out of the area it is drawn in";
        else if (x0 < 0 || x0 + tw > ui->W)
            why = "runs off the screen";
        if (why) {
            snprintf(msg, len, "fits: text \"%.*s\" of %s on screen %s %s (%d px, box %d px "
                     "at x=%d, screen %dx%d)", (int)(k->text_len > 48 ? 48 : k->text_len), t,
                     w ? w->id : "(no widget)", ui_top_id(ui), why, tw, k->rect.w, k->rect.x,
                     ui->W, ui->H);
            return -1;
        }
    }
    return 0;
}

static int check_widget(struct gh_ui *ui, const struct ui_widget *w, char *msg, size_t len)
{
    SDL_Rect r = w->rect, c = w->clip;
    const char *why = NULL;
    if (r.x < 0 || r.x + r.w > ui->W)
        why = "is wider than the screen or off its side";
    else if (r.x < c.x || r.x + r.w > c.x + c.w)
        why = "is cut off at the side of the area it is drawn in";
    else if (w->scroll < 0 && (r.y < 0 || r.y + r.h > ui->H))
        why = "does not scroll and is off the top or bottom of the screen";
    if (!why)
        return 0;
    snprintf(msg, len, "fits: %s on screen %s %s (x=%d y=%d %dx%d, screen %dx%d)", w->id,
             ui_top_id(ui), why, r.x, r.y, r.w, r.h, ui->W, ui->H);
    return -1;
}

int ui_fits_check(struct gh_ui *ui, char *msg, size_t len)
{
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (w->kind == K_BUSY || !ui_widget_visible(w, NULL))
            continue;
        if (check_widget(ui, w, msg, len) != 0)
            return -1;
    }
    return check_text(ui, msg, len);
}

/* With the keyboard up: a primary action that fits above it with the
 * focused field (label and box) is not under it. */
int ui_reach_keyboard_check(struct gh_ui *ui, char *msg, size_t len)
{
    int kb_top = ui->H - ui->kb_h;
    int field_top = ui->focus_rect_y - ui->scrolls[0].offset;
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *b = &ui->last_widgets[i];
        if (!b->primary || b->layer)
            continue;
        int fits = b->rect.y + b->rect.h - field_top <= kb_top;
        if (fits && (b->rect.y < 0 || b->rect.y + b->rect.h > kb_top)) {
            snprintf(msg, len, "reach: on screen %s the keyboard covers %s (%d..%d, keyboard "
                     "from %d)", ui_top_id(ui), b->id, b->rect.y, b->rect.y + b->rect.h, kb_top);
            return -1;
        }
    }
    return 0;
}

int ui_reach_check(struct gh_ui *ui, char *msg, size_t len)
{
    if (ui->H <= ui->W)
        return 0;                        /* landscape: no rule */
    if (ui->focus && ui->kb_h)
        return ui_reach_keyboard_check(ui, msg, len);
    const struct ui_widget *last = NULL;
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (w->primary && !w->layer && (!last || w->rect.y >= last->rect.y))
            last = w;
    }
    if (last && last->rect.y + last->rect.h / 2 < ui->H / 2) {
        snprintf(msg, len, "reach: on screen %s the primary action %s is in the top half "
                 "(centre at y=%d of %d)", ui_top_id(ui), last->id,
                 last->rect.y + last->rect.h / 2, ui->H);
        return -1;
    }
    return 0;
}
