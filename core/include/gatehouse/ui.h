/*
 * ui.h: the kiosk's immediate-mode UI toolkit, as plugins see it.
 *
 * A screen is a plain function of its state: the kiosk calls its draw()
 * whenever something changed, and draw() calls the widget functions below in
 * order. Widgets lay themselves out top to bottom in the content area (rows
 * split the width); each has a stable string id, unique on its screen, which
 * the test harness and --dump-ui use. A button returns 1 in the frame its
 * release happened inside it (pressed look on finger-down, action on
 * release). Text fields show the right on-screen keyboard when focused, and
 * the content scrolls so the keyboard never hides the focused field.
 *
 * Functions are reached through struct gh_ui_api (host->ui), so plugins need
 * no link-time symbols from the kiosk.
 */
#ifndef GATEHOUSE_UI_H
#define GATEHOUSE_UI_H
#include <stddef.h>
#include <stdint.h>

struct gh_ui;
struct gh_account;
struct gh_store;
struct gh_picker;

/* what picker_new offers besides "All" and "Specific" */
#define GH_PICK_GROUP 0x1u
#define GH_PICK_NONE  0x2u

enum gh_kb {
    GH_KB_TEXT = 0,     /* full keyboard, for names and free text */
    GH_KB_EMAIL = 1,    /* full keyboard with @ . .com first */
    GH_KB_PHONE = 2,    /* numeric pad with + */
    GH_KB_PIN = 3       /* numeric pad; field shows dots */
};

/* text styles */
enum gh_ui_style {
    GH_UI_NORMAL = 0, GH_UI_MUTED = 1, GH_UI_ERROR = 2, GH_UI_SUCCESS = 3,
    GH_UI_BIG = 4, GH_UI_PRIMARY = 5, GH_UI_DANGER = 6
};

/* dialog results */
enum { GH_UI_DIALOG_OPEN = 0, GH_UI_DIALOG_OK = 1, GH_UI_DIALOG_CANCEL = 2 };

struct gh_ui_api {
    size_t size;                 /* sizeof(struct gh_ui_api) of the host */
    /* content */
    /* A screen title, wrapped to the width. */
    void (*heading)(struct gh_ui *ui, const char *text);
    /* A paragraph, word-wrapped; style: GH_UI_NORMAL, MUTED (smaller, grey),
     * ERROR/DANGER (red), SUCCESS (green), BIG, PRIMARY (blue). */
    void (*text)(struct gh_ui *ui, const char *id, const char *text, int style);
    /* 112 px high (GH_UI_BIG: 200), full width or one column of a row;
     * style PRIMARY/DANGER filled, NORMAL grey, MUTED outlined. Returns 1
     * once, in the frame after a release inside it. */
    int (*button)(struct gh_ui *ui, const char *id, const char *label, int style);
    /* Edits buf in place; returns 1 in a frame where the text changed.
     * error: shown under the field in plain words (NULL = none). Tapping
     * the field focuses it and shows kb's keyboard; Next on the keyboard
     * (or Return) moves to the next field drawn, or puts the keyboard away
     * after the last. buf is zeroed by the toolkit when the screen is left
     * (pop, home, idle time-out), before leave() is called. */
    int (*field)(struct gh_ui *ui, const char *id, const char *label, char *buf,
                 size_t cap, enum gh_kb kb, const char *error);
    /* A labelled on/off switch row; flips *on and returns 1 when tapped. */
    int (*toggle)(struct gh_ui *ui, const char *id, const char *label, int *on);
    /* The next `columns` widgets share one row, equal widths. */
    void (*row_begin)(struct gh_ui *ui, int columns);
    void (*row_end)(struct gh_ui *ui);
    void (*spacer)(struct gh_ui *ui, int px);
    /* A list that scrolls by dragging; items return 1 when tapped (a drag
     * never taps). height_px at scale 1; items are 132 px with a subtitle,
     * 104 px without; selected draws it highlighted. */
    void (*list_begin)(struct gh_ui *ui, const char *id, int height_px);
    int (*list_item)(struct gh_ui *ui, const char *id, const char *title,
                     const char *subtitle, int selected);
    void (*list_end)(struct gh_ui *ui);
    /* A modal dialog drawn over the screen: call it every frame while it
     * should show; returns GH_UI_DIALOG_OPEN, then OK or CANCEL once (the
     * buttons' ids are "<id>.ok" and "<id>.cancel"; Escape cancels).
     * cancel_label NULL: an OK-only message. While open, only the dialog
     * can be tapped. */
    int (*dialog)(struct gh_ui *ui, const char *id, const char *title, const char *text,
                  const char *ok_label, const char *cancel_label);
    /* A short message near the bottom for 4 s (copied). */
    void (*toast)(struct gh_ui *ui, const char *text);
    /* A "please wait" veil that blocks input until busy(ui, 0). */
    void (*busy)(struct gh_ui *ui, int on);
    /* navigation: the screen stack. Applied after the current frame. push
     * refuses (with a toast) a screen whose staff_perm the logged-in staff
     * member lacks. Popping back to home is a return home. */
    void (*push)(struct gh_ui *ui, const char *screen_id, const void *arg);
    void (*pop)(struct gh_ui *ui);
    void (*home)(struct gh_ui *ui);
    /* Focus a field by id when it is next drawn (NULL: hide the keyboard). */
    void (*focus)(struct gh_ui *ui, const char *field_id);
    /* Ask for a redraw now, or after ms (countdowns, polling results). */
    void (*invalidate)(struct gh_ui *ui);
    void (*wake_in)(struct gh_ui *ui, int ms);
    /* The staff member logged in at the kiosk, or NULL. The shell owns the
     * staff session: it ends on Done, idle time-out and return home. */
    const struct gh_account *(*staff)(struct gh_ui *ui);
    /* A big tile (home and staff menu) with a count badge (<= 0: none);
     * returns 1 when tapped. */
    int (*tile)(struct gh_ui *ui, const char *id, const char *label, int64_t badge);
    /* 1 once, when Next on the keyboard (or Return) was pressed in field
     * field_id: lets a form submit from its last field. Call it after the
     * field's own field() call. */
    int (*entered)(struct gh_ui *ui, const char *field_id);
    /* appended (issue 13): the kiosk's screen, for a poller that must show
     * something without being drawn (a card read at a lobby's home); NULL
     * before the screen is attached. Main thread only. */
    struct gh_ui *(*current)(void);
    /* appended (ABI 1.4, issue 13): 1 when a screen with this id is
     * registered (by any plugin), so a screen offers a button that opens
     * another plugin's screen (push) only where it is there. */
    int (*screen_exists)(struct gh_ui *ui, const char *screen_id);
    /* appended (ABI 1.4, issue 16): the one access picker, used wherever
     * staff choose what someone may open (approval, the person page, a new
     * occupant, groups): a row of buttons for the kind of access (All,
     * Group, Specific, None; GH_PICK_* says which besides All and Specific
     * are offered), then the live groups as a list or a switch a location.
     * It only collects the choice; the core checks it when it is saved.
     * picker_new reads the locations and groups from st (NULL: out of
     * memory); the choice starts at "All". Widget ids under `id`:
     * id.all|group|specific|none, id.group.<group id>, id.loc.<location id>,
     * id.error. */
    struct gh_picker *(*picker_new)(struct gh_store *st, unsigned kinds);
    void (*picker_free)(struct gh_picker *p);
    /* Selects a choice (access: enum gh_access; group by name; locations by
     * name), e.g. what someone has now or the signup_default_access. */
    void (*picker_set)(struct gh_picker *p, int access, const char *group,
                       const char *const *locations, int n);
    void (*picker_draw)(struct gh_picker *p, struct gh_ui *ui, const char *id);
    /* The choice: *access, *group (the group's name when access is a group
     * and one is chosen, else NULL) and the chosen locations' names
     * (pointers into p, valid until picker_free) into names[max] (names
     * may be NULL with max 0); returns how many. With check, an incomplete choice (a group without a group,
     * specific without a location) returns -1 and says so under the picker. */
    int (*picker_get)(struct gh_picker *p, int check, int *access, const char **group,
                      const char **names, int max);
    /* Says msg (a core refusal) under the picker until the choice changes. */
    void (*picker_error)(struct gh_picker *p, const char *msg);
    /* appended members go here; check size before using them */
};

#endif
