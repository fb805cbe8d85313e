/*
 * script.c: the test harness (--script), the widget dump (--dump-ui) and the
 * typing benchmark (--bench-typing).
 *
 * A script drives the kiosk as a person would: every tap is a finger-down
 * and a finger-up pushed into SDL's event queue and handled by the same code
 * as a real touch; `type` taps the on-screen keyboard's keys one by one
 * (switching layers and shift as needed). Time is virtual: `wait` advances
 * the clock deadline by deadline, running pollers, timers and the idle
 * time-out exactly as the main loop would.
 *
 * Commands (one a line, # comments):
 *   tap "LABEL" | tap #ID        press and release at the widget's centre
 *   click "LABEL" | click #ID    the same with mouse events
 *   mouse-down|mouse-move|mouse-up X Y | #ID   raw mouse events
 *   type "TEXT"                  tap the keyboard's keys for TEXT
 *   key NAME                     Return | Backspace | Tab | Escape
 *   expect "TEXT"                some visible widget shows TEXT
 *   expect-not "TEXT"            no visible widget shows TEXT
 *   value #ID "TEXT"             the field/widget #ID shows exactly TEXT
 *   focus #ID | focus none       which field has the keyboard
 *   pressed #ID | pressed none   which widget shows the pressed look
 *   screen NAME                  the current screen's id
 *   wait MS                      advance the virtual clock
 *   sleep MS                     real time passes (background threads)
 *   shot NAME                    NAME.png into --shots DIR
 *   drag #ID DX DY               press on #ID, move by DX,DY, release
 *   down X Y | down #ID, move X Y, up X Y   raw pointer events
 *   keyboard-covers-focus no     the keyboard hides neither the focused field nor
 *                                a primary action that fits above it with it
 *   no-redraw MS                 waiting MS draws no frame (event-driven)
 *   min-target PX                every interactive widget is >= PX both ways
 *   redraw-check                 the dirty-rectangle canvas equals a full repaint
 *   contrast                     text and control edges, measured (contrast.c)
 *   english-none                 no visible widget shows an English message id
 *                                that the current language translates
 *   fits                         nothing is cut off or off the screen (fits.c)
 *   reach                        primary actions in the lower part of a portrait
 *                                screen, never under the keyboard (fits.c)
 *   text-size large|normal       the text size in use (the home screen's "Aa")
 *   pixel #ID #RRGGBB            the rendered pixel an eighth of the way into the
 *                                widget from its left, half way down (clear of
 *                                a centred label)
 *   show #ID                     scroll the content, as a drag would, until the
 *                                widget is wholly in view (below the fold)
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include "ui_internal.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"

struct script {
    struct gh_ui *ui;
    const char *path;
    int line;
    const char *shots;
    FILE *err;
    char msg[512];
};

static int fail(struct script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct script *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Settles the UI as the main loop would after input: timers due now, then
 * a frame and its pixels. */
static void settle(struct gh_ui *ui)
{
    gh_ui_tick(ui);
    gh_ui_update(ui);
}

/* A quoted string with \" and \\ escapes, or a bare word. */
static int parse_arg(const char **p, char *out, size_t len)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = 0;
    if (*s == '"') {
        s++;
        while (*s && *s != '"') {
            if (*s == '\\' && s[1])
                s++;
            if (n + 1 < len)
                out[n++] = *s;
            s++;
        }
        if (*s != '"')
            return -1;
        s++;
    } else {
        if (!*s)
            return -1;
        while (*s && *s != ' ' && *s != '\t') {
            if (n + 1 < len)
                out[n++] = *s;
            s++;
        }
    }
    out[n] = 0;
    *p = s;
    return 0;
}

static const struct ui_widget *find_target(struct gh_ui *ui, const char *arg, int by_id)
{
    const struct ui_widget *best = NULL;
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (!ui_widget_visible(w, NULL))
            continue;
        if (by_id ? strcmp(w->id, arg) != 0 : strcmp(w->label, arg) != 0)
            continue;
        /* prefer a screen's widget over a keyboard key with the same label,
         * and an interactive one over plain text */
        if (!best || (best->kind == K_KEY && w->kind != K_KEY) ||
            (!best->interactive && w->interactive))
            best = w;
    }
    return best;
}

static void centre(const struct ui_widget *w, int *x, int *y)
{
    SDL_Rect v;
    ui_widget_visible(w, &v);
    *x = v.x + v.w / 2;
    *y = v.y + v.h / 2;
}

static int target_xy(struct script *s, const char *arg, int *x, int *y)
{
    int by_id = arg[0] == '#';
    const struct ui_widget *w = find_target(s->ui, by_id ? arg + 1 : arg, by_id);
    if (!w)
        return fail(s, "no visible widget %s \"%s\" on screen %s",
                    by_id ? "with id" : "shows", by_id ? arg + 1 : arg, ui_top_id(s->ui));
    centre(w, x, y);
    return 0;
}

static void tap_xy(struct gh_ui *ui, int x, int y)
{
    ui_inject(ui, SDL_FINGERDOWN, x, y);
    ui_pump(ui);
    settle(ui);
    ui_inject(ui, SDL_FINGERUP, x, y);
    ui_pump(ui);
    settle(ui);
}

/* The same through mouse events (a desk, or a panel that reports as a mouse). */
static void mouse(int type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (Uint32)type;
    if (type == SDL_MOUSEMOTION) {
        ev.motion.x = x;
        ev.motion.y = y;
        ev.motion.state = SDL_BUTTON_LMASK;
    } else {
        ev.button.button = SDL_BUTTON_LEFT;
        ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        ev.button.clicks = 1;
        ev.button.x = x;
        ev.button.y = y;
    }
    SDL_PushEvent(&ev);
}

static int shows(const struct ui_widget *w, const char *text)
{
    return strstr(w->label, text) || strstr(w->value, text);
}

static int cmd_type(struct script *s, const char *text)
{
    struct gh_ui *ui = s->ui;
    const char *p = text;
    while (*p) {
        int n = 1;
        while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
            n++;
        if (!ui->focus)
            return fail(s, "type: no field has focus (no keyboard shown)");
        char plan[4][UI_ID_MAX];
        int k = ui_keyboard_plan(ui, p, n, plan);
        if (k == 0)
            return fail(s, "type: the keyboard has no key for '%.*s'", n, p);
        for (int i = 0; i < k; i++) {
            const struct ui_widget *w = find_target(ui, plan[i], 1);
            if (!w || w->kind != K_KEY)
                return fail(s, "type: key %s is not on the keyboard shown", plan[i]);
            int x, y;
            centre(w, &x, &y);
            tap_xy(ui, x, y);
        }
        p += n;
    }
    return 0;
}

static int cmd_key(struct script *s, const char *name)
{
    static const struct { const char *name; SDL_Keycode sym; } keys[] = {
        { "Return", SDLK_RETURN }, { "Backspace", SDLK_BACKSPACE },
        { "Tab", SDLK_TAB }, { "Escape", SDLK_ESCAPE },
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(keys[i].name, name) != 0)
            continue;
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_KEYDOWN;
        ev.key.state = SDL_PRESSED;
        ev.key.keysym.sym = keys[i].sym;
        ev.key.keysym.scancode = SDL_GetScancodeFromKey(keys[i].sym);
        SDL_PushEvent(&ev);
        ev.type = SDL_KEYUP;
        ev.key.state = SDL_RELEASED;
        SDL_PushEvent(&ev);
        ui_pump(s->ui);
        settle(s->ui);
        return 0;
    }
    return fail(s, "key: unknown key %s (Return, Backspace, Tab, Escape)", name);
}

/* Advances virtual time to each deadline in turn, as the loop would sleep. */
static void wait_ms(struct gh_ui *ui, int64_t ms)
{
    for (int guard = 0; guard < 100000 && ms >= 0; guard++) {
        settle(ui);
        int t = gh_ui_timeout_ms(ui);
        if (ms == 0)
            break;
        int64_t step = (t < 0 || t > ms) ? ms : (t == 0 ? 1 : t);
        gh_clock_advance(step);
        ms -= step;
    }
    settle(ui);
}

static int parse_int(const char *a, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(a, &end, 10);
    return (errno || end == a || *end) ? -1 : 0;
}

/* ---- the commands: each gets the rest of its line ---------------------------- */
static int c_tap(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    int x, y;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "tap: needs \"LABEL\" or #ID");
    if (target_xy(s, a, &x, &y) != 0)
        return -1;
    tap_xy(s->ui, x, y);
    return 0;
}

static void mouse_settle(struct gh_ui *ui, int type, int x, int y)
{
    mouse(type, x, y);
    ui_pump(ui);
    settle(ui);
}

static int c_click(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    int x, y;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "click: needs \"LABEL\" or #ID");
    if (target_xy(s, a, &x, &y) != 0)
        return -1;
    mouse_settle(s->ui, SDL_MOUSEBUTTONDOWN, x, y);
    mouse_settle(s->ui, SDL_MOUSEBUTTONUP, x, y);
    return 0;
}

/* X Y, or a widget (#ID; ids_only 0: a "LABEL" too) to take the centre of. */
static int point_arg(struct script *s, const char *cmd, const char **p, int ids_only,
                     int *x, int *y)
{
    char a[512], b[512];
    long lx, ly;
    if (parse_arg(p, a, sizeof a) != 0)
        return fail(s, "%s: needs X Y or #ID", cmd);
    if (a[0] == '#' || (!ids_only && a[0] == '"'))
        return target_xy(s, a, x, y);
    if (parse_arg(p, b, sizeof b) != 0 || parse_int(a, &lx) || parse_int(b, &ly))
        return fail(s, "%s: needs X Y", cmd);
    *x = (int)lx;
    *y = (int)ly;
    return 0;
}

static int c_mouse(struct script *s, const char *cmd, const char *p)
{
    int x, y;
    if (point_arg(s, cmd, &p, 1, &x, &y) != 0)
        return -1;
    mouse_settle(s->ui, !strcmp(cmd, "mouse-down") ? SDL_MOUSEBUTTONDOWN
                        : !strcmp(cmd, "mouse-move") ? SDL_MOUSEMOTION : SDL_MOUSEBUTTONUP,
                 x, y);
    return 0;
}

static int c_type(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "type: needs \"TEXT\"");
    return cmd_type(s, a);
}

static int c_key(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "key: needs a key name");
    return cmd_key(s, a);
}

static int c_expect(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512];
    int want = !strcmp(cmd, "expect");
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "%s: needs \"TEXT\"", cmd);
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (ui_widget_visible(w, NULL) && shows(w, a)) {
            if (want)
                return 0;
            return fail(s, "expect-not \"%s\": widget %s shows it", a, w->id);
        }
    }
    return want ? fail(s, "expect \"%s\": no visible widget shows it (screen %s)", a,
                       ui_top_id(ui)) : 0;
}

static int c_value(struct script *s, const char *cmd, const char *p)
{
    char a[512], b[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_arg(&p, b, sizeof b) != 0 || a[0] != '#')
        return fail(s, "value: needs #ID \"TEXT\"");
    const struct ui_widget *w = find_target(s->ui, a + 1, 1);
    if (!w)
        return fail(s, "value: no visible widget with id \"%s\"", a + 1);
    if (strcmp(w->value, b) != 0)
        return fail(s, "value #%s: shows \"%s\", expected \"%s\"", a + 1, w->value, b);
    return 0;
}

static int c_focus(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "focus: needs #ID or none");
    if (!strcmp(a, "none"))
        return ui->focus ? fail(s, "focus: field %s has focus", ui->focus_id) : 0;
    if (!ui->focus || strcmp(ui->focus_id, a[0] == '#' ? a + 1 : a) != 0)
        return fail(s, "focus: expected %s, focus is on %s", a,
                    ui->focus ? ui->focus_id : "nothing");
    return 0;
}

/* Which widget shows the pressed look now (none: no widget). */
static int c_pressed(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "pressed: needs #ID or none");
    const struct ui_widget *shown = NULL;
    for (int i = 0; i < ui->nlast && !shown; i++)
        if (ui_is_pressed(ui, ui->last_widgets[i].hash))
            shown = &ui->last_widgets[i];
    if (!strcmp(a, "none"))
        return shown ? fail(s, "pressed none: %s looks pressed", shown->id) : 0;
    if (!shown || strcmp(shown->id, a[0] == '#' ? a + 1 : a) != 0)
        return fail(s, "pressed: expected %s, pressed is %s", a, shown ? shown->id : "none");
    return 0;
}

static int c_screen(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "screen: needs a screen id");
    if (strcmp(ui_top_id(s->ui), a) != 0)
        return fail(s, "screen: expected %s, showing %s", a, ui_top_id(s->ui));
    return 0;
}

/* wait MS, and no-redraw MS: the same, and no frame may be built. */
static int c_wait(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    long ms;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_int(a, &ms) != 0 || ms < 0)
        return fail(s, "%s: needs milliseconds", cmd);
    int before = gh_ui_frames(s->ui);
    wait_ms(s->ui, ms);
    if (!strcmp(cmd, "no-redraw") && gh_ui_frames(s->ui) != before)
        return fail(s, "no-redraw %ld: %d frame(s) were built while nothing changed", ms,
                    gh_ui_frames(s->ui) - before);
    return 0;
}

/* Real time, for background threads (the mail worker). */
static int c_sleep(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    long ms;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_int(a, &ms) != 0 || ms < 0 || ms > 60000)
        return fail(s, "sleep: needs milliseconds (at most 60000)");
    SDL_Delay((Uint32)ms);
    settle(s->ui);
    return 0;
}

static int c_shot(struct script *s, const char *cmd, const char *p)
{
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0)
        return fail(s, "shot: needs a name");
    if (!s->shots)
        return 0;
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s.png", s->shots, a);
    if (gh_ui_screenshot(s->ui, path, err, sizeof err) != GH_OK)
        return fail(s, "shot: %s", err);
    return 0;
}

static void finger_settle(struct gh_ui *ui, int type, int x, int y)
{
    ui_inject(ui, type, x, y);
    ui_pump(ui);
    settle(ui);
}

static int c_drag(struct script *s, const char *cmd, const char *p)
{
    char a[512], b[512], c[64];
    long dx, dy;
    int x, y;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_arg(&p, b, sizeof b) != 0 ||
        parse_arg(&p, c, sizeof c) != 0 || parse_int(b, &dx) || parse_int(c, &dy))
        return fail(s, "drag: needs #ID DX DY");
    if (target_xy(s, a, &x, &y) != 0)
        return -1;
    finger_settle(s->ui, SDL_FINGERDOWN, x, y);
    for (int i = 1; i <= 8; i++)
        finger_settle(s->ui, SDL_FINGERMOTION, x + (int)(dx * i / 8), y + (int)(dy * i / 8));
    finger_settle(s->ui, SDL_FINGERUP, x + (int)dx, y + (int)dy);
    return 0;
}

static int c_finger(struct script *s, const char *cmd, const char *p)
{
    int x, y;
    if (point_arg(s, cmd, &p, 0, &x, &y) != 0)
        return -1;
    finger_settle(s->ui, !strcmp(cmd, "down") ? SDL_FINGERDOWN
                         : !strcmp(cmd, "move") ? SDL_FINGERMOTION : SDL_FINGERUP, x, y);
    return 0;
}

static int c_covers(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    (void)cmd;
    (void)p;
    if (!ui->focus)
        return fail(s, "keyboard-covers-focus: no field has focus");
    const struct ui_widget *w = find_target(ui, ui->focus_id, 1);
    if (!w)
        return fail(s, "keyboard-covers-focus: focused field %s is not visible",
                    ui->focus_id);
    int kb_top = ui->H - ui->kb_h;
    if (w->rect.y < 0 || w->rect.y + w->rect.h > kb_top)
        return fail(s, "keyboard covers field %s (field %d..%d, keyboard from %d)",
                    ui->focus_id, w->rect.y, w->rect.y + w->rect.h, kb_top);
    return ui_reach_keyboard_check(ui, s->msg, sizeof s->msg);   /* and the form's button */
}

/* The dirty-rectangle canvas must equal a full repaint, pixel for pixel. */
static int c_redraw_check(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    SDL_Surface *c = ui->surface;
    (void)cmd;
    (void)p;
    if (!c)
        return fail(s, "redraw-check: needs --headless");
    SDL_RenderFlush(ui->ren);
    size_t n = (size_t)c->pitch * (size_t)c->h;
    unsigned char *before = malloc(n);
    if (!before)
        return fail(s, "redraw-check: out of memory");
    memcpy(before, c->pixels, n);
    ui_render_reset(ui);
    ui->need_frame = 1;
    gh_ui_update(ui);
    SDL_RenderFlush(ui->ren);
    long diff = 0, first = -1;
    for (size_t i = 0; i < n; i++)
        if (before[i] != ((unsigned char *)c->pixels)[i]) {
            if (first < 0)
                first = (long)i;
            diff++;
        }
    free(before);
    if (diff)
        return fail(s, "redraw-check: %ld bytes differ from a full repaint (first at x=%ld y=%ld)",
                    diff, (first % c->pitch) / 4, first / c->pitch);
    return 0;
}

static int c_min_target(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512];
    long px;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_int(a, &px))
        return fail(s, "min-target: needs PX");
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (w->interactive && ui_widget_visible(w, NULL) && (w->rect.w < px || w->rect.h < px))
            return fail(s, "min-target: %s is %dx%d px", w->id, w->rect.w, w->rect.h);
    }
    return 0;
}

static int c_contrast(struct script *s, const char *cmd, const char *p)
{
    (void)cmd;
    (void)p;
    return ui_contrast_check(s->ui, s->msg, sizeof s->msg);
}

/* The script's commands, as gatehousectl's are: name, what it takes, what
 * runs it (with the command's name, for the ones that share a function). */
/* In another language than English, a widget's words that are a message id
 * with a different translation are a string the code forgot to pass
 * through _() (names, emails and numbers are not message ids). */
static int c_english_none(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    const char *lang = gh_i18n_current();
    (void)cmd;
    (void)p;
    if (!strcmp(lang, "en"))
        return fail(s, "english-none: the kiosk is speaking English");
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        if (!ui_widget_visible(w, NULL) || !w->label[0])
            continue;
        const char *t = gh_i18n_lookup_in(lang, w->label);
        if (t != w->label && strcmp(t, w->label) != 0)
            return fail(s, "english-none: widget %s on screen %s shows \"%s\" in English "
                        "(%s: \"%s\")", w->id, ui_top_id(ui), w->label, lang, t);
    }
    return 0;
}

static int c_fits(struct script *s, const char *cmd, const char *p)
{
    (void)p;
    return !strcmp(cmd, "fits") ? ui_fits_check(s->ui, s->msg, sizeof s->msg)
                                : ui_reach_check(s->ui, s->msg, sizeof s->msg);
}

static int c_text_size(struct script *s, const char *cmd, const char *p)
{
    char a[32];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || (strcmp(a, "large") && strcmp(a, "normal")))
        return fail(s, "text-size: needs large or normal");
    int large = gh_ui_large_text(s->ui);
    if (large != !strcmp(a, "large"))
        return fail(s, "text-size: expected %s, the text is %s", a, large ? "large" : "normal");
    return 0;
}

/* The content scrolled (as dragging it would) so widget #ID is in view. */
static int c_show(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512];
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || a[0] != '#')
        return fail(s, "show: needs #ID");
    const struct ui_widget *w = NULL;
    for (int i = 0; i < ui->nlast && !w; i++)
        if (!strcmp(ui->last_widgets[i].id, a + 1))
            w = &ui->last_widgets[i];
    if (!w)
        return fail(s, "show: screen %s has no widget %s", ui_top_id(ui), a + 1);
    if (w->scroll != 0)
        return 0;                        /* it does not scroll with the content */
    struct ui_scroll *cs = &ui->scrolls[0];
    int view = ui->content_view.h, off = cs->offset;
    if (w->rect.y < 0 || w->rect.h + S(48) > view)
        off += w->rect.y - S(24);        /* its top, when it is taller than the view */
    else if (w->rect.y + w->rect.h > view)
        off += w->rect.y + w->rect.h + S(24) - view;
    cs->offset = off < 0 ? 0 : off;
    ui->need_frame = 1;
    settle(ui);
    if (!find_target(ui, a + 1, 1))
        return fail(s, "show: %s is still not visible on screen %s", a + 1, ui_top_id(ui));
    return 0;
}

/* The rendered colour inside a widget (the logo, an accent). */
static int c_pixel(struct script *s, const char *cmd, const char *p)
{
    struct gh_ui *ui = s->ui;
    char a[512], b[32];
    int x, y;
    (void)cmd;
    if (parse_arg(&p, a, sizeof a) != 0 || parse_arg(&p, b, sizeof b) != 0 || b[0] != '#' ||
        strlen(b) != 7)
        return fail(s, "pixel: needs #ID #RRGGBB");
    if (!ui->surface)
        return fail(s, "pixel: needs --headless");
    const struct ui_widget *w = a[0] == '#' ? find_target(ui, a + 1, 1) : NULL;
    if (!w)
        return fail(s, "pixel: no visible widget with id \"%s\" on screen %s", a + (a[0] == '#'),
                    ui_top_id(ui));
    SDL_Rect v;
    ui_widget_visible(w, &v);
    x = v.x + v.w / 8;
    y = v.y + v.h / 2;
    SDL_RenderFlush(ui->ren);
    uint32_t got = ((const uint32_t *)((const uint8_t *)ui->surface->pixels +
                                       (size_t)y * (size_t)ui->surface->pitch))[x] & 0xFFFFFFu;
    uint32_t want = (uint32_t)strtoul(b + 1, NULL, 16);
    if (got != want)
        return fail(s, "pixel %s: #%06X at (%d, %d), expected %s", a, (unsigned)got, x, y, b);
    return 0;
}

static const struct script_cmd {
    const char *name, *args;
    int (*fn)(struct script *s, const char *cmd, const char *rest);
} commands[] = {
    { "tap", "\"LABEL\" | #ID", c_tap },
    { "click", "\"LABEL\" | #ID", c_click },
    { "mouse-down", "X Y | #ID", c_mouse },
    { "mouse-move", "X Y | #ID", c_mouse },
    { "mouse-up", "X Y | #ID", c_mouse },
    { "type", "\"TEXT\"", c_type },
    { "key", "Return | Backspace | Tab | Escape", c_key },
    { "expect", "\"TEXT\"", c_expect },
    { "expect-not", "\"TEXT\"", c_expect },
    { "value", "#ID \"TEXT\"", c_value },
    { "focus", "#ID | none", c_focus },
    { "pressed", "#ID | none", c_pressed },
    { "screen", "NAME", c_screen },
    { "wait", "MS", c_wait },
    { "no-redraw", "MS", c_wait },
    { "sleep", "MS", c_sleep },
    { "shot", "NAME", c_shot },
    { "drag", "#ID DX DY", c_drag },
    { "down", "X Y | #ID | \"LABEL\"", c_finger },
    { "move", "X Y | #ID | \"LABEL\"", c_finger },
    { "up", "X Y | #ID | \"LABEL\"", c_finger },
    { "keyboard-covers-focus", "no", c_covers },
    { "redraw-check", "", c_redraw_check },
    { "min-target", "PX", c_min_target },
    { "contrast", "", c_contrast },
    { "english-none", "", c_english_none },
    { "fits", "", c_fits },
    { "reach", "", c_fits },
    { "text-size", "large | normal", c_text_size },
    { "show", "#ID", c_show },
    { "pixel", "#ID #RRGGBB", c_pixel },
};

static int run_line(struct script *s, const char *line)
{
    char cmd[32];
    const char *p = line;
    if (parse_arg(&p, cmd, sizeof cmd) != 0)
        return 0;                        /* blank */
    settle(s->ui);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, cmd))
            return commands[i].fn(s, cmd, p);
    return fail(s, "unknown command \"%s\"", cmd);
}

int gh_ui_run_script(struct gh_ui *ui, const char *path, const char *shots_dir, FILE *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(err, "%s: can't read the script\n", path);
        return 2;
    }
    struct script s = { .ui = ui, .path = path, .shots = shots_dir, .err = err };
    ui->scripted = 1;
    settle(ui);
    char line[2048];
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        s.line++;
        line[strcspn(line, "\r\n")] = 0;
        const char *t = line;
        while (isspace((unsigned char)*t))
            t++;
        if (!*t || *t == '#')
            continue;
        if (run_line(&s, t) != 0) {
            fprintf(err, "%s:%d: %s\n", path, s.line, s.msg);
            rc = 1;
            break;
        }
    }
    fclose(f);
    return rc;
}

/* ---- --dump-ui ---------------------------------------------------------- */
static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static const char *kind_name(int k)
{
    static const char *const names[] = { "text", "heading", "button", "field", "toggle",
                                         "list", "list_item", "key", "dialog", "tile",
                                         "toast", "busy", "image" };
    return k >= 0 && k < (int)(sizeof names / sizeof names[0]) ? names[k] : "?";
}

void gh_ui_dump(struct gh_ui *ui, FILE *out)
{
    settle(ui);
    fprintf(out, "{\"screen\": ");
    json_str(out, ui_top_id(ui));
    fprintf(out, ", \"width\": %d, \"height\": %d, \"widgets\": [\n", ui->W, ui->H);
    for (int i = 0; i < ui->nlast; i++) {
        const struct ui_widget *w = &ui->last_widgets[i];
        fprintf(out, "  {\"id\": ");
        json_str(out, w->id);
        fprintf(out, ", \"kind\": \"%s\", \"label\": ", kind_name(w->kind));
        json_str(out, w->label);
        fprintf(out, ", \"rect\": {\"x\": %d, \"y\": %d, \"w\": %d, \"h\": %d}, "
                "\"enabled\": %s, \"interactive\": %s, \"visible\": %s}%s\n",
                w->rect.x, w->rect.y, w->rect.w, w->rect.h, w->enabled ? "true" : "false",
                w->interactive ? "true" : "false",
                ui_widget_visible(w, NULL) ? "true" : "false", i + 1 < ui->nlast ? "," : "");
    }
    fprintf(out, "]}\n");
}

/* ---- --bench-typing ------------------------------------------------------- */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int gh_ui_bench_typing(struct gh_ui *ui, const char *screen_id, int n, FILE *out)
{
    settle(ui);
    ui_api_push(ui, screen_id, NULL);
    settle(ui);
    if (strcmp(ui_top_id(ui), screen_id) != 0) {
        fprintf(out, "bench-typing: screen %s did not open\n", screen_id);
        return 2;
    }
    /* focus the first field by tapping it */
    const struct ui_widget *f = NULL;
    for (int i = 0; i < ui->nlast && !f; i++)
        if (ui->last_widgets[i].kind == K_FIELD)
            f = &ui->last_widgets[i];
    if (!f) {
        fprintf(out, "bench-typing: screen %s has no field\n", screen_id);
        return 2;
    }
    int x, y;
    centre(f, &x, &y);
    tap_xy(ui, x, y);
    double *tap = calloc((size_t)n, sizeof *tap), *rel = calloc((size_t)n, sizeof *rel);
    if (!tap || !rel) {
        free(tap);
        free(rel);
        return 2;
    }
    static const char keys[] = "abcdefghijklmnopqrstuvwxyz";
    double freq = (double)SDL_GetPerformanceFrequency() / 1000.0;
    for (int i = 0; i < n; i++) {
        /* type up to 24 letters, then erase them, so the field stays short */
        const char *id = (i / 24) % 2 ? "kb.backspace" : NULL;
        char kid[UI_ID_MAX];
        if (!id) {
            snprintf(kid, sizeof kid, "kb.%c", keys[i % 26]);
            id = kid;
        }
        const struct ui_widget *k = find_target(ui, id, 1);
        if (!k) {
            fprintf(out, "bench-typing: key %s not shown\n", id);
            free(tap);
            free(rel);
            return 2;
        }
        centre(k, &x, &y);
        Uint64 t0 = SDL_GetPerformanceCounter();
        ui_inject(ui, SDL_FINGERDOWN, x, y);
        ui_pump(ui);
        settle(ui);
        Uint64 t1 = SDL_GetPerformanceCounter();
        ui_inject(ui, SDL_FINGERUP, x, y);
        ui_pump(ui);
        settle(ui);
        Uint64 t2 = SDL_GetPerformanceCounter();
        tap[i] = (double)(t2 - t0) / freq;
        rel[i] = (double)(t2 - t1) / freq;
    }
    qsort(tap, (size_t)n, sizeof *tap, cmp_d);
    qsort(rel, (size_t)n, sizeof *rel, cmp_d);
    fprintf(out, "bench-typing: %d keys at %dx%d, screen %s\n", n, ui->W, ui->H, screen_id);
    fprintf(out, "release-to-frame ms: median %.3f p90 %.3f max %.3f\n", rel[n / 2],
            rel[n * 9 / 10], rel[n - 1]);
    fprintf(out, "tap-to-frame ms (down+up, two frames): median %.3f p90 %.3f max %.3f\n",
            tap[n / 2], tap[n * 9 / 10], tap[n - 1]);
    free(tap);
    free(rel);
    return 0;
}
