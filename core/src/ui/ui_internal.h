/*
 * ui_internal.h: the toolkit's private state, shared by the files of
 * core/src/ui. Each file calls only the ones before it:
 *   text.c, render.c, png.c  fonts and the text cache; the command list and
 *                            dirty-rectangle renderer; screenshots
 *   ui.c                     the context: life cycle, the widget table, the
 *                            per-screen field records, pending edits
 *   keyboard.c               the on-screen keyboards
 *   screens.c                the screen stack and navigation
 *   widgets.c                layout and the widgets (the table plugins get)
 *   frame.c                  building a frame, the overlays
 *   input.c                  SDL events: touch, mouse, keys
 *   loop.c                   the program's loop: timers, idle time-out, wait
 *   contrast.c, fits.c       the harness's contrast, fit and reach checks
 *   script.c                 the test harness, --dump-ui, --bench-typing
 *
 * The toolkit knows neither plugins nor accounts: the program gives it
 * struct gh_ui_hooks (ui_host.h) to find screens, tell plugins, poll, and
 * keep the staff session.
 *
 * The model is microui's: a frame calls the top screen's draw(), widgets
 * append drawing commands to a fixed command list and record where they are
 * in a fixed widget table; input is resolved against the previous frame's
 * widget table. Nothing here allocates per frame: every array is sized once.
 */
#ifndef GH_UI_INTERNAL_H
#define GH_UI_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include <SDL.h>
#include <SDL_ttf.h>
#include "gatehouse/ui.h"
#include "gatehouse/ui_host.h"
#include "gatehouse/plugin.h"       /* struct gh_screen: what a screen is */

/* ---- sizes ------------------------------------------------------------ */
#define UI_MAX_CMDS      2048
#define UI_TEXT_ARENA    (64 * 1024)
#define UI_MAX_WIDGETS   512
#define UI_MAX_SCROLLS   16
#define UI_MAX_STACK     16
#define UI_MAX_PENDING   64
#define UI_CACHE_SLOTS   512
#define UI_CACHE_BYTES   (12 * 1024 * 1024)
#define UI_WRAP_SLOTS    64
#define UI_WRAP_LINES    24
#define UI_GRID          64          /* dirty-grid cell, canvas px */
#define UI_ID_MAX        48
#define UI_LABEL_MAX     320
#define UI_MIN_TARGET    64          /* smallest touch target, px */

/* fonts */
enum { F_SMALL, F_NORMAL, F_BOLD, F_HEAD, F_BIG, F_KEY, F_COUNT };
#define UI_FONT_SETS     2           /* the configured scale, and larger text */

/* drawing commands */
enum { CMD_RECT = 1, CMD_FRAME = 2, CMD_TEXT = 3, CMD_CIRCLE = 4, CMD_LOGO = 5 };
enum { AL_LEFT = 0, AL_CENTER = 1, AL_RIGHT = 2 };

struct ui_cmd {
    uint8_t type, font, align, thick;
    SDL_Rect rect;
    SDL_Rect clip;
    SDL_Color color;
    uint32_t text_off;        /* into the frame's text arena */
    uint32_t text_len;
};

struct ui_cmdlist {
    struct ui_cmd cmds[UI_MAX_CMDS];
    int n;
    char text[UI_TEXT_ARENA];
    uint32_t text_used;
    int overflow;
};

/* widget kinds (what --dump-ui prints) */
enum ui_kind {
    K_TEXT = 0, K_HEADING, K_BUTTON, K_FIELD, K_TOGGLE, K_LIST, K_ITEM,
    K_KEY, K_DIALOG, K_TILE, K_TOAST, K_BUSY, K_IMAGE
};

/* where a widget sits, for hit-testing next frame and for the harness */
struct ui_widget {
    uint32_t hash;
    char id[UI_ID_MAX];
    uint8_t kind, layer, enabled, interactive;
    uint8_t primary;              /* a filled button or tile: a screen's main action */
    int key_action;               /* K_KEY: what the key does */
    SDL_Rect rect;                /* canvas coordinates, after scrolling */
    SDL_Rect clip;                /* the visible region it is drawn in */
    int scroll;                   /* index into scrolls (-1: none) that moves it */
    char label[UI_LABEL_MAX];
    char value[UI_LABEL_MAX];     /* fields: what the box shows */
};

struct ui_scroll {
    uint32_t hash;                /* list id; 0 = the content area */
    int offset, content_h;
    SDL_Rect view;
    int used;
};

/* edits waiting for the focused field */
enum { ED_CHAR = 1, ED_BACKSPACE = 2, ED_NEXT = 3 };
struct ui_edit { uint8_t op; char ch[8]; };

/* key actions (>0: a character in the layout's key text) */
enum { KA_CHAR = 1, KA_SHIFT, KA_BACKSPACE, KA_MODE_SYM, KA_MODE_ABC, KA_NEXT,
       KA_HIDE, KA_STRING };

struct ui_textent {
    uint32_t hash;
    uint8_t font, used;
    int w, h;
    SDL_Texture *tex;             /* rendered lazily, white; tinted by color mod */
    size_t bytes;
    uint64_t last;                /* frame last drawn */
};

struct ui_wrap {
    uint32_t hash; int width; uint8_t font, used;
    int n; uint16_t start[UI_WRAP_LINES], len[UI_WRAP_LINES];
    uint64_t last;
};

struct ui_field_rec { char *buf; size_t cap; };

/* one screen on the stack, with the field buffers its frames showed (wiped
 * when it is left) */
#define UI_FIELDS_PER_SCREEN 16
struct ui_frame_entry {
    struct gh_ui_screen reg;      /* reg.screen NULL: none */
    const void *arg;
    struct ui_field_rec fields[UI_FIELDS_PER_SCREEN];
    int nfields;
};

struct gh_ui {
    struct gh_ui_opts opts;
    int W, H;                     /* canvas size */
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *surface;         /* headless canvas */
    void *pixels;                 /* its memory (ours: SDL would zero it first) */
    SDL_Texture *canvas;          /* windowed canvas (render target) */
    int headless, have_sdl;
    int native_wait;              /* the video driver can sleep until input */
    TTF_Font *font[F_COUNT];      /* the font set in use */
    int line_h[F_COUNT];
    double scale;                 /* in use: base_scale, times 1.3 for larger text */
    double base_scale;            /* [screen] scale */
    TTF_Font *fonts[UI_FONT_SETS][F_COUNT];   /* 0: base_scale; 1: larger text */
    int line_at[UI_FONT_SETS][F_COUNT];
    int font_set;

    /* frames */
    struct ui_cmdlist lists[2];   /* this frame's and the last rendered one */
    struct ui_cmdlist *cur, *prev;
    uint32_t grid_cur[(4096 / UI_GRID) * (4096 / UI_GRID)];
    uint32_t grid_prev[(4096 / UI_GRID) * (4096 / UI_GRID)];
    int gw, gh;
    int rendered_once;
    int need_frame, need_render;
    uint64_t frame_no;

    struct ui_widget widgets[UI_MAX_WIDGETS], last_widgets[UI_MAX_WIDGETS];
    int nwidgets, nlast;
    struct ui_scroll scrolls[UI_MAX_SCROLLS];
    int cur_scroll;               /* scroll widgets are placed in now */
    SDL_Rect clip_now;            /* clip given to new commands */

    /* layout */
    int x0, cw;                   /* content left and width */
    int y;                        /* next widget's top, in content (unscrolled) */
    int row_cols, row_i, row_h, row_y;
    int row_cmd0, row_wid0;       /* the row's first command and widget */
    /* Reach (issue 19): on a portrait screen whose content is shorter than
     * the view, everything from the anchor on moves down to the bottom of the
     * view (above the keyboard). The anchor is gh_ui_bottom(), or else the
     * first primary button or tile (its row's start). */
    int anchor_set, anchor_cmd, anchor_wid, anchor_y;   /* set 2: by gh_ui_bottom() */
    int fb_set, fb_cmd, fb_wid, fb_y;   /* no anchor: the first button (a keypad) */
    int primary_y, primary_h;     /* the last primary action drawn, content px (h 0: none) */
    struct { int on; char id[UI_ID_MAX]; char label[128]; } corner;   /* drawn last */
    int in_list; int list_scroll; int list_h; SDL_Rect list_view;
    int list_item_y;
    SDL_Rect content_view;        /* the content viewport (above the keyboard) */
    int content_h;
    int auto_id;

    /* input */
    int ptr_down, ptr_x, ptr_y, press_x, press_y;
    uint32_t pressed;             /* widget hash under the finger-down */
    int pressed_layer;
    uint32_t clicked;             /* released inside: consumed by the next frame */
    int drag_scroll, dragging, drag_start_off;
    struct ui_edit pending[UI_MAX_PENDING];
    int npending;
    int next_focus;               /* ED_NEXT seen: focus the next field drawn */
    uint32_t entered;             /* field where Next/Return was pressed */
    uint64_t entered_frame;
    uint32_t focus;               /* focused field */
    char focus_id[UI_ID_MAX];
    enum gh_kb focus_kb;
    int focus_seen, focus_rect_y, focus_rect_h, ensure_visible;
    int focus_max;               /* scroll room made past the content's end so the
                                    keyboard does not cover the focused field; kept
                                    while that keyboard is up, 0 when none */
    char focus_request[UI_ID_MAX];
    int kb_shift, kb_sym;
    int kb_h;                     /* height of the keyboard shown this frame */

    /* overlays */
    struct { int open; char id[UI_ID_MAX]; char title[UI_LABEL_MAX];
             char text[512]; char ok[64]; char cancel[64]; int seen; } dlg;
    char toast[256]; int64_t toast_until;
    int busy; int busy_phase; int64_t busy_next;

    /* screens */
    struct gh_ui_hooks hooks;     /* the program's side (gh_ui_attach) */
    int attached;
    struct ui_frame_entry stack[UI_MAX_STACK];
    int depth;
    struct { int op; char id[64]; const void *arg; int keep_staff; } nav;
    char home_id[64];

    /* time */
    int64_t last_input_ms;
    int idle_timeout_ms;
    int64_t wake_at;              /* ui->wake_in: earliest, -1 none */
    int64_t poll_at;              /* next plugin poll, -1 none */
    int64_t (*ticker)(void *ud, int64_t mono_now_ms);   /* gh_ui_set_ticker */
    void *ticker_ud;
    int64_t ticker_at;            /* next ticker call, -1 none */
    int quit;

    /* branding ([screen] logo and accent, issue 19) */
    SDL_Texture *logo;
    int logo_w, logo_h;
    SDL_Color accent, accent_pressed;   /* filled buttons and tiles */

    /* harness */
    int scripted;
};

/* text.c */
int ui_text_open(struct gh_ui *ui, char *err, size_t errlen);
void ui_text_close(struct gh_ui *ui);
/* Font set `set` (opened at `scale` the first time) becomes the one in use. */
int ui_text_use(struct gh_ui *ui, int set, double scale, char *err, size_t errlen);
int ui_text_width(struct gh_ui *ui, int font, const char *s, int len);
struct ui_textent *ui_text_get(struct gh_ui *ui, int font, const char *s, int len);
const struct ui_wrap *ui_text_wrap(struct gh_ui *ui, int font, const char *s, int width);
uint32_t ui_hash(const void *p, size_t n, uint32_t h);
#define UI_HASH_INIT 2166136261u

/* render.c */
void ui_cmd_rect(struct gh_ui *ui, SDL_Rect r, SDL_Color c);
void ui_cmd_frame(struct gh_ui *ui, SDL_Rect r, SDL_Color c, int thick);
void ui_cmd_circle(struct gh_ui *ui, SDL_Rect r, SDL_Color c);
void ui_cmd_logo(struct gh_ui *ui, SDL_Rect r);   /* ui->logo, scaled into r */
void ui_cmd_text(struct gh_ui *ui, SDL_Rect r, int font, int align, SDL_Color c,
                 const char *s, int len);
void ui_set_clip(struct gh_ui *ui, SDL_Rect clip);
SDL_Rect ui_get_clip(struct gh_ui *ui);
int ui_render(struct gh_ui *ui);           /* returns 1 if anything was drawn */
void ui_render_reset(struct gh_ui *ui);    /* next render is a full one */

/* png.c */
int ui_png_write(const char *path, SDL_Surface *s, char *err, size_t errlen);
SDL_Surface *ui_png_read(const char *path, int max_side, char *err, size_t errlen);

/* keyboard.c */
void ui_keyboard_layout(struct gh_ui *ui);  /* draws it, sets ui->kb_h */
int ui_keyboard_height(struct gh_ui *ui, enum gh_kb kb);
void ui_keyboard_press(struct gh_ui *ui, const struct ui_widget *key);
/* For the harness: the keys to tap for one character, as widget ids into
 * out (up to 3: mode switch, shift, key). Returns count, 0 if no key. */
int ui_keyboard_plan(struct gh_ui *ui, const char *ch, int chlen, char out[][UI_ID_MAX]);

/* ui.c: the context */
#define S(px) ui_px(ui, (px))
extern const SDL_Color UI_BG, UI_FG, UI_MUTED_C, UI_PRIMARY_C, UI_DANGER_C, UI_OK_C,
    UI_BTN, UI_BTN_PRESSED, UI_BORDER, UI_WHITE, UI_KB_BG, UI_KEY, UI_KEY_SPECIAL, UI_DIM;
int ui_px(const struct gh_ui *ui, int px);
int ui_target(const struct gh_ui *ui, int px);   /* ui_px, at least UI_MIN_TARGET */
SDL_Rect ui_isect(SDL_Rect a, SDL_Rect b);
int ui_inside(SDL_Rect r, int x, int y);
uint32_t ui_id_hash(const char *id);
struct ui_widget *ui_widget_add(struct gh_ui *ui, const char *id, enum ui_kind kind,
                                SDL_Rect r, int interactive, const char *label);
int ui_widget_visible(const struct ui_widget *w, SDL_Rect *vis);
const struct ui_widget *ui_widget_at(const struct gh_ui *ui, int x, int y);
const struct ui_widget *ui_last_by_hash(const struct gh_ui *ui, uint32_t h);
int ui_is_pressed(const struct gh_ui *ui, uint32_t hash);
int ui_take_click(struct gh_ui *ui, uint32_t hash);
void ui_key_edit(struct gh_ui *ui, int op, const char *ch);  /* queue an edit */
void ui_touch(struct gh_ui *ui);                             /* input: not idle */
void ui_field_seen(struct gh_ui *ui, char *buf, size_t cap); /* wiped on leave */
const char *ui_top_id(const struct gh_ui *ui);
void ui_show_toast(struct gh_ui *ui, const char *text, int ms);
/* ui.c: the ui the table's current() returns (gh_ui_attach sets it). */
void ui_set_current(struct gh_ui *ui);
struct gh_ui *ui_api_current(void);

/* screens.c: the stack, and the navigation members of the api table */
void ui_screens_apply_nav(struct gh_ui *ui);
void ui_go_home(struct gh_ui *ui, int emit);
void ui_screens_push_now(struct gh_ui *ui, const char *id);
int ui_idle_applies(const struct gh_ui *ui);
void ui_api_push(struct gh_ui *ui, const char *screen_id, const void *arg);
int ui_api_screen_exists(struct gh_ui *ui, const char *screen_id);
void ui_api_pop(struct gh_ui *ui);
void ui_api_home(struct gh_ui *ui);
void ui_api_focus(struct gh_ui *ui, const char *field_id);
void ui_api_invalidate(struct gh_ui *ui);
void ui_api_wake_in(struct gh_ui *ui, int ms);
const struct gh_account *ui_api_staff(struct gh_ui *ui);

/* widgets.c */
/* widgets.c: the widgets behind host->ui (api.c holds the table) */
void ui_w_row_begin(struct gh_ui *ui, int columns);
void ui_w_spacer(struct gh_ui *ui, int px);
void ui_w_heading(struct gh_ui *ui, const char *text);
void ui_w_text(struct gh_ui *ui, const char *id, const char *text, int style);
int ui_w_button(struct gh_ui *ui, const char *id, const char *label, int style);
int ui_w_tile(struct gh_ui *ui, const char *id, const char *label, int64_t badge);
int ui_w_field(struct gh_ui *ui, const char *id, const char *label, char *buf, size_t cap, enum gh_kb kb, const char *error);
int ui_w_entered(struct gh_ui *ui, const char *id);
int ui_w_toggle(struct gh_ui *ui, const char *id, const char *label, int *on);
void ui_w_list_begin(struct gh_ui *ui, const char *id, int height_px);
int ui_w_list_item(struct gh_ui *ui, const char *id, const char *title, const char *subtitle, int selected);
int ui_w_dialog(struct gh_ui *ui, const char *id, const char *title, const char *text, const char *ok, const char *cancel);
void ui_w_toast(struct gh_ui *ui, const char *text);
void ui_w_busy(struct gh_ui *ui, int on);
void ui_row_end(struct gh_ui *ui);
void ui_draw_corner(struct gh_ui *ui);     /* the corner button asked for this frame */
void ui_list_end(struct gh_ui *ui);
void ui_draw_button(struct gh_ui *ui, SDL_Rect r, const char *label, int style,
                    int pressed, int font, int64_t badge);

/* frame.c */
void ui_build_frame(struct gh_ui *ui);

/* contrast.c: the harness's contrast check on the last frame's pixels;
 * 0, or -1 with the first failure (naming the widget) in msg */
double ui_contrast_ratio(uint32_t argb_a, uint32_t argb_b);
int ui_contrast_check(struct gh_ui *ui, char *msg, size_t len);

/* fits.c: the harness's layout checks on the last frame; 0, or -1 with the
 * first failure (naming the widget and the screen) in msg */
int ui_fits_check(struct gh_ui *ui, char *msg, size_t len);
int ui_reach_check(struct gh_ui *ui, char *msg, size_t len);
int ui_reach_keyboard_check(struct gh_ui *ui, char *msg, size_t len);

/* input.c */
void ui_inject_tap(struct gh_ui *ui, int x, int y);
void ui_inject(struct gh_ui *ui, int type, int x, int y);
void ui_pump(struct gh_ui *ui);

/* picker.c: the one access picker (ui.h picker_*) */
struct gh_picker *ui_picker_new(struct gh_store *st, unsigned kinds);
void ui_picker_free(struct gh_picker *p);
void ui_picker_set(struct gh_picker *p, int access, const char *group,
                   const char *const *locations, int n);
void ui_picker_draw(struct gh_picker *p, struct gh_ui *ui, const char *id);
int ui_picker_get(struct gh_picker *p, int check, int *access, const char **group,
                  const char **names, int max);
void ui_picker_error(struct gh_picker *p, const char *msg);

#endif
