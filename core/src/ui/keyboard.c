/*
 * keyboard.c: the two on-screen keyboards.
 *
 * The full keyboard (names, email, free text) has a letters layer and a
 * digits-and-symbols layer; both share a bottom row with @ - ' space . .com
 * and Next, so an address needs no layer switch. Shift is one-shot. The
 * numeric pad serves PINs (digits only) and phone numbers (with +). Keys are
 * ordinary widgets (kind "key", ids "kb.<name>") on their own layer, so the
 * touch rules and the test harness treat them like buttons; a key acts on
 * release by queueing an edit for the focused field.
 *
 * Layouts are tables: a key is a width in twentieths of the keyboard (full)
 * or a column count (pad), a label, and what it types.
 */
#include <string.h>
#include <stdio.h>
#include "ui_internal.h"
#include "gatehouse/i18n.h"

struct kdef {
    const char *id, *label, *text;
    uint8_t action, w, row;
};

#define CH(id, t, r) { "kb." id, t, t, KA_CHAR, 2, r }
#define BOTTOM(mode_id, mode_label, mode_action) \
    { mode_id, mode_label, NULL, mode_action, 3, 3 }, \
    { "kb.at", "@", "@", KA_CHAR, 2, 3 }, { "kb.minus", "-", "-", KA_CHAR, 2, 3 }, \
    { "kb.apos", "'", "'", KA_CHAR, 2, 3 }, { "kb.space", " ", " ", KA_CHAR, 4, 3 }, \
    { "kb.dot", ".", ".", KA_CHAR, 2, 3 }, { "kb.dotcom", ".com", ".com", KA_STRING, 3, 3 }, \
    { "kb.next", "Next", NULL, KA_NEXT, 2, 3 }

static const struct kdef letters[] = {
    CH("q", "q", 0), CH("w", "w", 0), CH("e", "e", 0), CH("r", "r", 0), CH("t", "t", 0),
    CH("y", "y", 0), CH("u", "u", 0), CH("i", "i", 0), CH("o", "o", 0), CH("p", "p", 0),
    CH("a", "a", 1), CH("s", "s", 1), CH("d", "d", 1), CH("f", "f", 1), CH("g", "g", 1),
    CH("h", "h", 1), CH("j", "j", 1), CH("k", "k", 1), CH("l", "l", 1),
    { "kb.shift", "\xe2\x87\xa7", NULL, KA_SHIFT, 3, 2 },
    CH("z", "z", 2), CH("x", "x", 2), CH("c", "c", 2), CH("v", "v", 2), CH("b", "b", 2),
    CH("n", "n", 2), CH("m", "m", 2),
    { "kb.backspace", "\xe2\x8c\xab", NULL, KA_BACKSPACE, 3, 2 },
    BOTTOM("kb.sym", "123", KA_MODE_SYM),
};

static const struct kdef symbols[] = {
    CH("1", "1", 0), CH("2", "2", 0), CH("3", "3", 0), CH("4", "4", 0), CH("5", "5", 0),
    CH("6", "6", 0), CH("7", "7", 0), CH("8", "8", 0), CH("9", "9", 0), CH("0", "0", 0),
    CH("plus", "+", 1), CH("underscore", "_", 1), CH("amp", "&", 1), CH("lparen", "(", 1),
    CH("rparen", ")", 1), CH("slash", "/", 1), CH("hash", "#", 1), CH("comma", ",", 1),
    CH("excl", "!", 1), CH("quest", "?", 1),
    CH("tilde", "~", 2),
    CH("star", "*", 2), CH("colon", ":", 2), CH("semicolon", ";", 2), CH("quote", "\"", 2),
    CH("equals", "=", 2), CH("percent", "%", 2), CH("dollar", "$", 2),
    { "kb.backspace", "\xe2\x8c\xab", NULL, KA_BACKSPACE, 3, 2 },
    BOTTOM("kb.abc", "ABC", KA_MODE_ABC),
};

#define PADK(id, t, r) { "kb." id, t, t, KA_CHAR, 1, r }
static const struct kdef phone_pad[] = {
    PADK("1", "1", 0), PADK("2", "2", 0), PADK("3", "3", 0),
    PADK("4", "4", 1), PADK("5", "5", 1), PADK("6", "6", 1),
    PADK("7", "7", 2), PADK("8", "8", 2), PADK("9", "9", 2),
    PADK("plus", "+", 3), PADK("0", "0", 3),
    { "kb.backspace", "\xe2\x8c\xab", NULL, KA_BACKSPACE, 1, 3 },
    { "kb.next", "Next", NULL, KA_NEXT, 3, 4 },
};

static const struct kdef pin_pad[] = {
    PADK("1", "1", 0), PADK("2", "2", 0), PADK("3", "3", 0),
    PADK("4", "4", 1), PADK("5", "5", 1), PADK("6", "6", 1),
    PADK("7", "7", 2), PADK("8", "8", 2), PADK("9", "9", 2),
    { "kb.hide", "", NULL, KA_HIDE, 1, 3 },
    PADK("0", "0", 3),
    { "kb.backspace", "\xe2\x8c\xab", NULL, KA_BACKSPACE, 1, 3 },
    { "kb.next", "Next", NULL, KA_NEXT, 3, 4 },
};

#define N(a) ((int)(sizeof a / sizeof a[0]))

struct layout { const struct kdef *keys; int n, rows, pad; };

static struct layout layout_of(const struct gh_ui *ui, enum gh_kb kb, int sym)
{
    if (kb == GH_KB_PIN)
        return (struct layout){ pin_pad, N(pin_pad), 5, 1 };
    if (kb == GH_KB_PHONE)
        return (struct layout){ phone_pad, N(phone_pad), 5, 1 };
    if (sym)
        return (struct layout){ symbols, N(symbols), 4, 0 };
    return (struct layout){ letters, N(letters), 4, 0 };
}

static int gap(const struct gh_ui *ui) { return ui_px(ui, 10); }
/* 118 px at scale 1 (80 at least), but the keyboard takes 55% of the
 * screen's height at most (a landscape screen with larger text), keys never
 * under the smallest touch target. */
static int key_h(const struct gh_ui *ui, int rows)
{
    int h = ui_px(ui, 118);
    if (h < 80)
        h = 80;
    int most = (ui->H * 55 / 100 - (rows + 1) * gap(ui)) / rows;
    if (h > most)
        h = most;
    return h < UI_MIN_TARGET ? UI_MIN_TARGET : h;
}

int ui_keyboard_height(struct gh_ui *ui, enum gh_kb kb)
{
    struct layout L = layout_of(ui, kb, 0);
    return L.rows * key_h(ui, L.rows) + (L.rows + 1) * gap(ui);
}

/* Key index <-> widget: which layout and which key. */
static int encode(int layout_no, int i) { return layout_no * 256 + i; }

static const struct kdef *decode(int code)
{
    const struct kdef *tabs[] = { letters, symbols, phone_pad, pin_pad };
    const int counts[] = { N(letters), N(symbols), N(phone_pad), N(pin_pad) };
    int t = code / 256, i = code % 256;
    if (t < 0 || t > 3 || i >= counts[t])
        return NULL;
    return &tabs[t][i];
}

static int layout_no(const struct layout *L)
{
    return L->keys == letters ? 0 : L->keys == symbols ? 1 : L->keys == phone_pad ? 2 : 3;
}

/* Rectangles of every key of a layout, in canvas coordinates. */
static SDL_Rect key_rect(const struct gh_ui *ui, const struct layout *L, int i, int top)
{
    const struct kdef *k = &L->keys[i];
    int g = gap(ui), kh = key_h(ui, L->rows);
    int y = top + g + k->row * (kh + g);
    if (L->pad) {
        int cw = (ui->W - 4 * g) / 3;
        int max = ui_px(ui, 320);
        if (cw > max)
            cw = max;
        int x0 = (ui->W - (3 * cw + 2 * g)) / 2;
        int col = 0;
        for (int j = 0; j < i; j++)
            if (L->keys[j].row == k->row)
                col += L->keys[j].w;
        return (SDL_Rect){ x0 + col * (cw + g), y, k->w * cw + (k->w - 1) * g, kh };
    }
    int units = 0, before = 0;
    for (int j = 0; j < L->n; j++)
        if (L->keys[j].row == k->row) {
            if (j < i)
                before += L->keys[j].w;
            units += L->keys[j].w;
        }
    double u = (ui->W - g) / 20.0;
    double x0 = g + (20 - units) * u / 2;   /* short rows are centred */
    int x = (int)(x0 + before * u);
    int x2 = (int)(x0 + (before + k->w) * u);
    return (SDL_Rect){ x, y, x2 - x - g, kh };
}

static const char *shown_label(const struct gh_ui *ui, const struct kdef *k, char *buf,
                               size_t len)
{
    if (k->action == KA_NEXT)
        return _("Next");
    if (k->action == KA_CHAR && ui->kb_shift && k->text[0] >= 'a' && k->text[0] <= 'z' &&
        !k->text[1]) {
        snprintf(buf, len, "%c", k->text[0] - 'a' + 'A');
        return buf;
    }
    return k->label;
}

void ui_keyboard_layout(struct gh_ui *ui)
{
    struct layout L = layout_of(ui, ui->focus_kb, ui->kb_sym);
    int top = ui->H - ui->kb_h;
    SDL_Rect area = { 0, top, ui->W, ui->kb_h };
    SDL_Rect all = { 0, 0, ui->W, ui->H };
    ui_set_clip(ui, all);
    ui->cur_scroll = -1;
    ui_cmd_rect(ui, area, UI_KB_BG);
    for (int i = 0; i < L.n; i++) {
        const struct kdef *k = &L.keys[i];
        if (k->action == KA_HIDE)
            continue;                    /* the PIN pad's empty corner */
        SDL_Rect r = key_rect(ui, &L, i, top);
        uint32_t h = ui_id_hash(k->id);
        int pressed = ui_is_pressed(ui, h);
        int special = k->action != KA_CHAR && k->action != KA_STRING;
        SDL_Color bg = pressed ? UI_BTN_PRESSED : special ? UI_KEY_SPECIAL : UI_KEY;
        if (k->action == KA_SHIFT && ui->kb_shift)
            bg = ui->accent;
        if (k->action == KA_NEXT)
            bg = pressed ? UI_BTN_PRESSED : ui->accent;
        ui_cmd_rect(ui, r, bg);
        char buf[8];
        const char *label = shown_label(ui, k, buf, sizeof buf);
        int font = strlen(label) > 2 && special ? F_BOLD : F_KEY;
        if (k->action == KA_STRING)
            font = F_BOLD;
        if (ui_text_width(ui, font, label, -1) > r.w - ui_px(ui, 12))
            font = F_SMALL;              /* "Next" on a narrow key */
        SDL_Color fg = (k->action == KA_NEXT || (k->action == KA_SHIFT && ui->kb_shift))
                           ? UI_WHITE : UI_FG;
        if (k->action == KA_CHAR && k->text[0] == ' ')
            label = "";
        ui_cmd_text(ui, r, font, AL_CENTER, fg, label, -1);
        struct ui_widget *w = ui_widget_add(ui, k->id, K_KEY, r, 1,
                                            k->text && k->text[0] == ' ' ? "space" : label);
        w->layer = 1;
        w->key_action = encode(layout_no(&L), i);
    }
}

void ui_keyboard_press(struct gh_ui *ui, const struct ui_widget *w)
{
    const struct kdef *k = decode(w->key_action);
    if (!k)
        return;
    char ch[8];
    switch (k->action) {
    case KA_CHAR:
        snprintf(ch, sizeof ch, "%s", k->text);
        if (ui->kb_shift && ch[0] >= 'a' && ch[0] <= 'z' && !ch[1]) {
            ch[0] = (char)(ch[0] - 'a' + 'A');
            ui->kb_shift = 0;            /* one-shot */
        }
        ui_key_edit(ui, ED_CHAR, ch);
        break;
    case KA_STRING:
        for (const char *p = k->text; *p; p++) {
            ch[0] = *p;
            ch[1] = 0;
            ui_key_edit(ui, ED_CHAR, ch);
        }
        break;
    case KA_SHIFT:
        ui->kb_shift = !ui->kb_shift;
        break;
    case KA_BACKSPACE:
        ui_key_edit(ui, ED_BACKSPACE, NULL);
        break;
    case KA_MODE_SYM:
        ui->kb_sym = 1;
        ui->kb_shift = 0;
        break;
    case KA_MODE_ABC:
        ui->kb_sym = 0;
        break;
    case KA_NEXT:
        ui_key_edit(ui, ED_NEXT, NULL);
        break;
    default:
        break;
    }
    ui->need_frame = 1;
}

static int find_in(const struct layout *L, const char *ch, int chlen)
{
    for (int i = 0; i < L->n; i++) {
        const struct kdef *k = &L->keys[i];
        if ((k->action == KA_CHAR) && (int)strlen(k->text) == chlen &&
            memcmp(k->text, ch, (size_t)chlen) == 0)
            return i;
    }
    return -1;
}

int ui_keyboard_plan(struct gh_ui *ui, const char *ch, int chlen, char out[][UI_ID_MAX])
{
    int n = 0;
    if (!ui->focus)
        return 0;
    if (ui->focus_kb == GH_KB_PIN || ui->focus_kb == GH_KB_PHONE) {
        struct layout L = layout_of(ui, ui->focus_kb, 0);
        int i = find_in(&L, ch, chlen);
        if (i < 0)
            return 0;
        snprintf(out[n++], UI_ID_MAX, "%s", L.keys[i].id);
        return n;
    }
    char c = chlen == 1 ? ch[0] : 0;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        int upper = c >= 'A' && c <= 'Z';
        if (ui->kb_sym)
            snprintf(out[n++], UI_ID_MAX, "kb.abc");
        if (upper != (ui->kb_sym ? 0 : ui->kb_shift))
            snprintf(out[n++], UI_ID_MAX, "kb.shift");
        snprintf(out[n++], UI_ID_MAX, "kb.%c", upper ? c - 'A' + 'a' : c);
        return n;
    }
    struct layout here = layout_of(ui, ui->focus_kb, ui->kb_sym);
    struct layout there = layout_of(ui, ui->focus_kb, !ui->kb_sym);
    int i = find_in(&here, ch, chlen);
    if (i >= 0) {
        snprintf(out[n++], UI_ID_MAX, "%s", here.keys[i].id);
        return n;
    }
    i = find_in(&there, ch, chlen);
    if (i < 0)
        return 0;
    snprintf(out[n++], UI_ID_MAX, "%s", ui->kb_sym ? "kb.abc" : "kb.sym");
    snprintf(out[n++], UI_ID_MAX, "%s", there.keys[i].id);
    return n;
}
