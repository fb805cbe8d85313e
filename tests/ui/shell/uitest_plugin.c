/*
 * uitest_plugin.c: a plugin for the shell's script tests. It exercises the
 * toolkit the way the sign-up and staff plugins will: home tiles in a given
 * order (one hidden by visible()), a long form with every keyboard kind, a
 * list of 100 items that scrolls by dragging, a dialog, a toast, the busy
 * indicator, staff tiles with permissions and a badge, a poller, and a
 * GH_EVENT_HOME hook whose count is shown so a script can see it fired.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gatehouse/plugin.h"

struct st {
    const struct gh_host *h;
    char email[256], name[128], phone[64], pin[16], org[128], unit[128];
    char car[32], contact[128], notes[256];
    char email_err[128];
    int share;
    int selected;
    char result[64];
    int home_events;
    int polls;
    int64_t busy_until;
};
static struct st S;

static int hidden_visible(void *state) { return 0; }
static int64_t approvals_badge(void *state) { return 3; }

static void form_leave(void *state)
{
    struct st *s = state;
    /* the toolkit zeroes the buffers too; the error is ours to clear */
    s->email_err[0] = 0;
    s->share = 0;
}

static void form_draw(void *state, struct gh_ui *ui)
{
    struct st *s = state;
    const struct gh_ui_api *u = s->h->ui;
    u->heading(ui, "Test form");
    if (u->field(ui, "f.email", "Email", s->email, sizeof s->email, GH_KB_EMAIL,
                 s->email_err[0] ? s->email_err : NULL))
        s->email_err[0] = 0;
    u->field(ui, "f.name", "Name", s->name, sizeof s->name, GH_KB_TEXT, NULL);
    u->field(ui, "f.phone", "Mobile phone", s->phone, sizeof s->phone, GH_KB_PHONE, NULL);
    u->field(ui, "f.org", "Organisation", s->org, sizeof s->org, GH_KB_TEXT, NULL);
    u->field(ui, "f.unit", "Unit or suite", s->unit, sizeof s->unit, GH_KB_TEXT, NULL);
    u->field(ui, "f.pin", "PIN", s->pin, sizeof s->pin, GH_KB_PIN, NULL);
    u->toggle(ui, "f.share", "Share access with management", &s->share);
    u->field(ui, "f.car", "Vehicle registration", s->car, sizeof s->car, GH_KB_TEXT, NULL);
    u->field(ui, "f.contact", "Emergency contact", s->contact, sizeof s->contact, GH_KB_TEXT,
             NULL);
    u->field(ui, "f.notes", "Notes for the staff", s->notes, sizeof s->notes, GH_KB_TEXT, NULL);
    u->row_begin(ui, 2);
    int back = u->button(ui, "f.back", "Back", GH_UI_NORMAL);
    int submit = u->button(ui, "f.submit", "Submit", GH_UI_PRIMARY);
    u->row_end(ui);
    if (back)
        u->pop(ui);
    if (submit) {
        if (!strchr(s->email, '@')) {
            snprintf(s->email_err, sizeof s->email_err, "Email: must contain one @");
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "Thanks, %s", s->name[0] ? s->name : s->email);
            u->toast(ui, msg);
        }
    }
}

static void list_draw(void *state, struct gh_ui *ui)
{
    struct st *s = state;
    const struct gh_ui_api *u = s->h->ui;
    char line[64], id[32], sub[64];
    u->heading(ui, "Long list");
    snprintf(line, sizeof line, "Selected: %d", s->selected);
    u->text(ui, "l.selected", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, "Polls: %d", s->polls);
    u->text(ui, "l.polls", line, GH_UI_MUTED);
    u->list_begin(ui, "l.items", 900);
    for (int i = 1; i <= 100; i++) {
        snprintf(line, sizeof line, "Item %d", i);
        snprintf(id, sizeof id, "l.item.%d", i);
        snprintf(sub, sizeof sub, "Unit %d, floor %d", 100 + i, 1 + i / 20);
        if (u->list_item(ui, id, line, sub, s->selected == i))
            s->selected = i;
    }
    u->list_end(ui);
    if (u->button(ui, "l.back", "Back", GH_UI_NORMAL))
        u->pop(ui);
}

static void dialog_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct st *s = state;
    s->result[0] = 0;
}

static void dialog_draw(void *state, struct gh_ui *ui)
{
    struct st *s = state;
    const struct gh_ui_api *u = s->h->ui;
    char line[64];
    u->heading(ui, "Dialog test");
    snprintf(line, sizeof line, "Home events: %d", s->home_events);
    u->text(ui, "d.home", line, GH_UI_NORMAL);
    if (s->result[0])
        u->text(ui, "d.result", s->result, GH_UI_SUCCESS);
    static int asking;
    if (u->button(ui, "d.delete", "Delete", GH_UI_DANGER))
        asking = 1;
    if (u->button(ui, "d.busy", "Be busy", GH_UI_NORMAL)) {
        s->busy_until = s->h->mono_ms() + 1000;
        u->busy(ui, 1);
        u->wake_in(ui, 1000);
    }
    if (s->busy_until && s->h->mono_ms() >= s->busy_until) {
        s->busy_until = 0;
        u->busy(ui, 0);
        snprintf(s->result, sizeof s->result, "Result: done waiting");
    }
    if (u->button(ui, "d.idle10", "Idle after 10 s", GH_UI_NORMAL))
        s->h->core->settings_set(s->h->store, "test", "idle_timeout_s", "10");
    if (u->button(ui, "d.back", "Back", GH_UI_NORMAL))
        u->pop(ui);
    if (u->button(ui, "d.bad", "Bad layout", GH_UI_NORMAL))
        u->push(ui, "uitest.bad", NULL);
    if (asking) {
        int r = u->dialog(ui, "d.confirm", "Delete this?",
                          "The test record will be removed. This can't be undone.",
                          "Delete", "Keep");
        if (r == GH_UI_DIALOG_OK) {
            snprintf(s->result, sizeof s->result, "Result: deleted");
            asking = 0;
        } else if (r == GH_UI_DIALOG_CANCEL) {
            snprintf(s->result, sizeof s->result, "Result: kept");
            asking = 0;
        }
    }
}

/* What the harness's `fits` and `reach` must catch: the primary action at
 * the top of a screen taller than the view, a label that can't fit. */
static void bad_draw(void *state, struct gh_ui *ui)
{
    struct st *s = state;
    const struct gh_ui_api *u = s->h->ui;
    u->heading(ui, "Bad layout");
    if (u->button(ui, "bad.go", "Go", GH_UI_PRIMARY))
        u->pop(ui);
    u->row_begin(ui, 4);
    u->button(ui, "bad.long", "Supercalifragilisticexpialidocious-and-then-some-more",
              GH_UI_NORMAL);
    u->button(ui, "bad.b", "B", GH_UI_NORMAL);
    u->button(ui, "bad.c", "C", GH_UI_NORMAL);
    u->button(ui, "bad.d", "D", GH_UI_NORMAL);
    u->row_end(ui);
    u->list_begin(ui, "bad.list", 2000);
    u->list_end(ui);
}

static void staffonly_draw(void *state, struct gh_ui *ui)
{
    struct st *s = state;
    const struct gh_ui_api *u = s->h->ui;
    const struct gh_account *a = u->staff(ui);
    char line[300];
    u->heading(ui, "Approvals");
    snprintf(line, sizeof line, "Staff: %s", a ? a->email : "(none)");
    u->text(ui, "a.who", line, GH_UI_NORMAL);
    if (u->button(ui, "a.back", "Back", GH_UI_NORMAL))
        u->pop(ui);
}

static void on_home(void *state, const struct gh_event *ev)
{
    struct st *s = state;
    s->home_events++;
}

static int poll_fn(void *state, int64_t now)
{
    struct st *s = state;
    s->polls++;
    return 1000;
}

static const struct gh_screen screens[] = {
    { .size = sizeof(struct gh_screen), .id = "uitest.form", .draw = form_draw,
      .leave = form_leave },
    { .size = sizeof(struct gh_screen), .id = "uitest.list", .draw = list_draw },
    { .size = sizeof(struct gh_screen), .id = "uitest.dialog", .enter = dialog_enter,
      .draw = dialog_draw },
    { .size = sizeof(struct gh_screen), .id = "uitest.bad", .draw = bad_draw },
    { .size = sizeof(struct gh_screen), .id = "uitest.staffonly", .draw = staffonly_draw,
      .staff_perm = GH_PERM_APPROVE },
};

static const struct gh_tile tiles[] = {
    { .size = sizeof(struct gh_tile), .id = "tile.form", .label = "Sign up (test form)",
      .screen = "uitest.form", .area = GH_TILE_HOME, .order = 10 },
    { .size = sizeof(struct gh_tile), .id = "tile.list", .label = "Long list",
      .screen = "uitest.list", .area = GH_TILE_HOME, .order = 20 },
    { .size = sizeof(struct gh_tile), .id = "tile.hidden", .label = "Hidden tile",
      .screen = "uitest.list", .area = GH_TILE_HOME, .order = 5, .visible = hidden_visible },
    { .size = sizeof(struct gh_tile), .id = "tile.first", .label = "Dialog test",
      .screen = "uitest.dialog", .area = GH_TILE_HOME, .order = 1 },
    { .size = sizeof(struct gh_tile), .id = "tile.approvals", .label = "Approvals",
      .screen = "uitest.staffonly", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_APPROVE,
      .order = 1, .badge = approvals_badge },
    { .size = sizeof(struct gh_tile), .id = "tile.doors", .label = "Open a door",
      .screen = "uitest.staffonly", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_OPEN_COMMON,
      .order = 2 },
};

static enum gh_status init(const struct gh_host *h, void **state, char *err, size_t errlen)
{
    *state = &S;
    S.h = h;
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
        if (h->register_screen(h->ctx, &screens[i]))
            return GH_E_PLUGIN;
    for (size_t i = 0; i < sizeof tiles / sizeof tiles[0]; i++)
        if (h->register_tile(h->ctx, &tiles[i]))
            return GH_E_PLUGIN;
    if (h->register_hook(h->ctx, GH_EVENT_HOME, on_home) || h->register_poll(h->ctx, poll_fn))
        return GH_E_PLUGIN;
    return GH_OK;
}

/* The signal test checks that a clean shutdown reached the plugins. */
static void shutdown_fn(void *state)
{
    const char *path = getenv("UITEST_SHUTDOWN_FILE");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f) {
        fputs("shutdown\n", f);
        fclose(f);
    }
}

GH_PLUGIN_EXPORT(uitest)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = "uitest", .version = "1",
        .description = "toolkit test screens", .init = init,
        .shutdown = shutdown_fn, .commands = no_commands };
    return &p;
}
