/*
 * screens.c: the Unlock screens (SPEC "Kiosk identity", "Doors, units and
 * who may open them").
 *
 *   home tile "Unlock"
 *     lockctl.login   email or phone and PIN (host->core->auth_login; the
 *                     lock-out and refusal messages are the core's)
 *     lockctl.doors   the doors this person may open, nearest first (the
 *                     core's access_doors, tree order). Tap one: the core
 *                     decides and logs the unlock, the relay goes on for the
 *                     door's unlock time, a countdown shows, the poller (or
 *                     this screen's next frame, whichever comes first)
 *                     switches it off. A door whose board is missing or
 *                     refused shows as unavailable and says why. Nothing
 *                     allowed: the core's reason in words. Occupants get a
 *                     "share with management" switch per unit they rent;
 *                     staff get a search box over their (longer) list.
 *
 * The session (account, door list, what was typed) lives here only while
 * the screens are open: Done, the idle time-out and every return home wipe
 * it (GH_EVENT_HOME hook), and the PIN is wiped after every attempt.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockctl.h"

#define LIST_ROWS_SHOWN 6
#define LIST_ROW_PX 132

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

static void session_free(struct lc_session *s)
{
    if (s->doors)
        wipe(s->doors, (size_t)s->capdoors * sizeof *s->doors);
    if (s->units)
        wipe(s->units, (size_t)s->capunits * sizeof *s->units);
    free(s->doors);
    free(s->units);
    free(s->shared);
    wipe(s, sizeof *s);
}

void lc_screens_wipe(struct lockctl *lc)
{
    session_free(&lc->s);
    wipe(lc->who, sizeof lc->who);
    wipe(lc->pin, sizeof lc->pin);
    wipe(lc->search, sizeof lc->search);
    lc->login_err[0] = '\0';
    lc->refused[0] = '\0';
}

/* ---- loading what the person may do ------------------------------------- */

static int add_door(void *ud, const struct gh_location *l)
{
    struct lc_session *s = ud;
    if (s->ndoors == s->capdoors) {
        int cap = s->capdoors ? s->capdoors * 2 : 16;
        struct lc_door *n = realloc(s->doors, (size_t)cap * sizeof *n);
        if (!n) {
            s->oom = 1;
            return 1;
        }
        s->doors = n;
        s->capdoors = cap;
    }
    s->doors[s->ndoors].loc = *l;
    s->doors[s->ndoors].open_until = 0;
    s->ndoors++;
    return 0;
}

static int add_unit(void *ud, const struct gh_location *l)
{
    struct lc_session *s = ud;
    if (s->nunits == s->capunits) {
        int cap = s->capunits ? s->capunits * 2 : 4;
        /* Both arrays grow before capunits says so. */
        int *sh = realloc(s->shared, (size_t)cap * sizeof *sh);
        if (sh)
            s->shared = sh;
        struct gh_location *n = sh ? realloc(s->units, (size_t)cap * sizeof *n) : NULL;
        if (!n) {
            s->oom = 1;
            return 1;
        }
        s->units = n;
        s->capunits = cap;
    }
    s->shared[s->nunits] = l->shared;
    s->units[s->nunits++] = *l;
    return 0;
}

static enum gh_status session_load(struct lockctl *lc)
{
    struct lc_session *s = &lc->s;
    struct gh_store *st = lc->host->store;
    enum gh_status r;

    s->ndoors = 0;
    s->nunits = 0;
    r = lc->core->access_doors(st, s->acct.id, add_door, s, &s->why);
    if (r == GH_OK && s->acct.kind == GH_KIND_OCCUPANT)
        r = lc->core->unit_list_for(st, s->acct.id, add_unit, s);
    return r == GH_OK && s->oom ? GH_E_NOMEM : r;
}

/* ---- lockctl.login ----------------------------------------------------- */

static void login_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct lockctl *lc = state;
    (void)arg;
    lc_screens_wipe(lc);
    lc->ui = ui;
    lc->u->focus(ui, "lockctl.who");
}

static void login_leave(void *state)
{
    struct lockctl *lc = state;
    wipe(lc->pin, sizeof lc->pin);
    lc->login_err[0] = '\0';
    lc->refused[0] = '\0';
}

/* The core's reasons are sentence fragments ("your account is waiting for
 * approval"); on their own line they start with a capital and end with a
 * full stop. */
void lc_sentence(char *out, size_t len, const char *in)
{
    snprintf(out, len, "%s", in);
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
    size_t n = strlen(out);
    if (n && n + 1 < len && !strchr(".!?", out[n - 1])) {
        out[n] = '.';
        out[n + 1] = '\0';
    }
}

static void try_login(struct lockctl *lc, struct gh_ui *ui)
{
    struct gh_store *st = lc->host->store;
    struct gh_account a;

    lc->refused[0] = '\0';
    lc->core->trim(lc->who, lc->who, sizeof lc->who);
    if (!lc->who[0]) {
        snprintf(lc->login_err, sizeof lc->login_err, "%s",
                 _("Type your email address or mobile number first."));
        lc->u->focus(ui, "lockctl.who");
        return;
    }
    if (lc->core->pin_format_ok(lc->pin, NULL, 0) != 0) {   /* the core's one PIN rule */
        snprintf(lc->login_err, sizeof lc->login_err, "%s", _("A PIN has 4 to 8 digits."));
        lc->u->focus(ui, "lockctl.pin");
        return;
    }
    /* Behind the kiosk-wide log-in throttle when the core has it (throttle.h). */
    char kiosk[256];
    lc->core->settings_read(st, GH_SETTING_KIOSK_NAME, kiosk, sizeof kiosk);
    enum gh_status r = GH_HAS(lc->core, auth_kiosk_login)
        ? lc->core->auth_kiosk_login(st, kiosk, lc->who, lc->pin, &a, NULL)
        : lc->core->auth_login(st, "kiosk", lc->who, lc->pin, &a);
    wipe(lc->pin, sizeof lc->pin);
    switch (r) {
    case GH_OK:
        break;
    case GH_E_DENIED:
        /* The core's sentence (wrong PIN or unknown person, revealing
         * nothing): under the PIN, with the keypad back for another try. */
        lc_sentence(lc->login_err, sizeof lc->login_err, lc->core->errmsg(st));
        lc->u->focus(ui, "lockctl.pin");
        return;
    case GH_E_LOCKED: case GH_E_REFUSED:
        /* Locked out (for how long), or why this account may not log in
         * (pending, inactive, blocked): no use typing the PIN again now. */
        lc_sentence(lc->refused, sizeof lc->refused, lc->core->errmsg(st));
        lc->u->focus(ui, NULL);
        return;
    default:
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "unlock log-in failed: %s",
                      lc->core->errmsg(st));
        snprintf(lc->login_err, sizeof lc->login_err, "%s",
                 _("Log-in is not available right now. Please try again."));
        return;
    }
    int bad = lc_session_start(lc, ui, &a, 1, lc->login_err, sizeof lc->login_err);
    wipe(&a, sizeof a);
    if (!bad)
        wipe(lc->who, sizeof lc->who);
}

static void login_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    const struct gh_ui_api *u = lc->u;
    lc->ui = ui;
    u->heading(ui, _("Unlock a door"));
    u->text(ui, "lockctl.login.hint",
            _("Log in with your email address or mobile number and your PIN."), GH_UI_MUTED);
    if (u->field(ui, "lockctl.who", _("Email or phone"), lc->who, sizeof lc->who, GH_KB_EMAIL,
                 NULL)) {
        lc->login_err[0] = '\0';
        lc->refused[0] = '\0';
    }
    if (u->field(ui, "lockctl.pin", _("PIN"), lc->pin, sizeof lc->pin, GH_KB_PIN,
                 lc->login_err[0] ? lc->login_err : NULL))
        lc->login_err[0] = '\0';
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "lockctl.login.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "lockctl.login.go", _("Log in"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (lc->refused[0])
        u->text(ui, "lockctl.refused", lc->refused, GH_UI_ERROR);
    if (u->button(ui, "lockctl.login.forgot", _("Forgot your PIN?"), GH_UI_MUTED))
        u->push(ui, "lockctl.forgot", NULL);
    if (cancel)
        u->home(ui);
    else if (go) {
        try_login(lc, ui);
        u->invalidate(ui);
    }
}

/* ---- lockctl.doors ----------------------------------------------------- */

/* Case-insensitive substring, ASCII letters folded. */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n)
        return 1;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i]) {
            char a = hay[i], b = needle[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b)
                break;
            i++;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

static void set_msg(struct lc_session *s, int style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_msg(struct lc_session *s, int style, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->msg_style = style;
}

/* The door opens (relay on): lockctl.opened says so for the unlock time
 * and the session ends; 1. Not opened: the reason under the list; 0. */
static int open_door(struct lockctl *lc, struct gh_ui *ui, struct lc_door *door)
{
    struct lc_session *s = &lc->s;
    const struct gh_location *l = &door->loc;
    lc->u->focus(ui, NULL);   /* the search keyboard would hide the message */
    s->shown_at = lc->host->mono_ms();
    struct gh_decision d;
    char why[512];
    const char *na = lc_door_unavailable(lc, l);
    if (na) {
        set_msg(s, GH_UI_ERROR, _("%s can't be opened now: %s."), l->name, na);
        return 0;
    }
    memset(&d, 0, sizeof d);
    enum gh_status r = lc_unlock(lc, lc->host->store, "kiosk", &s->acct, l, &d, why,
                                 sizeof why);
    if (r == GH_OK) {
        lc_opened_show(lc, ui, l, &s->acct);
        s->active = 0;            /* the session ends with the unlock */
        return 1;
    } else if (r == GH_E_REFUSED) {
        /* The rules changed since the list was made: the core's reason. */
        size_t n = strlen(d.reason);
        set_msg(s, GH_UI_ERROR, _("%s was not opened: %s%s"), l->name, d.reason,
                n && strchr(".!?", d.reason[n - 1]) ? "" : ".");
    } else if (!d.allowed) {
        /* The decision itself failed (database): nothing was tried. */
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "unlock decision: %s", why);
        set_msg(s, GH_UI_ERROR, _("%s can't be opened right now. Please try again."), l->name);
    } else {
        set_msg(s, GH_UI_ERROR, _("%s could not be opened: the lock did not respond. "
                                  "Please tell the staff."), l->name);
    }
    lc->u->invalidate(ui);
    return 0;
}

/* "Site › Building A" for "Site › Building A › Unit 1": where the door is. */
static void parent_path(const struct gh_location *l, char *buf, size_t len)
{
    static const char sep[] = " \xE2\x80\xBA ";   /* " › ", as the core writes paths */
    snprintf(buf, len, "%s", l->path);
    char *last = NULL, *p = buf;
    while ((p = strstr(p, sep))) {
        last = p;
        p += sizeof sep - 1;
    }
    if (last)
        *last = '\0';
    else
        buf[0] = '\0';
}

static int door_shown(struct lockctl *lc, const struct gh_location *l)
{
    /* Staff look a unit up by its name or by its tenant's. */
    return lc->s.acct.kind != GH_KIND_STAFF || contains_ci(l->name, lc->search) ||
           (l->door == GH_DOOR_UNIT && contains_ci(l->tenant_name, lc->search));
}

/* Doors that can be opened now, as a list to tap, nearest first; below it,
 * the ones that can't (board missing or refused), as plain lines that say
 * why: they are not buttons, so nobody taps and waits. */
static void draw_doors_list(struct lockctl *lc, struct gh_ui *ui)
{
    struct lc_session *s = &lc->s;
    const struct gh_ui_api *u = lc->u;
    int staff = s->acct.kind == GH_KIND_STAFF;
    int avail = 0, unavail = 0;

    for (int i = 0; i < s->ndoors; i++) {
        if (!door_shown(lc, &s->doors[i].loc))
            continue;
        if (lc_door_unavailable(lc, &s->doors[i].loc))
            unavail++;
        else
            avail++;
    }
    if (avail + unavail == 0) {
        u->text(ui, "lockctl.nomatch", _("No door matches your search."), GH_UI_MUTED);
        return;
    }
    if (avail) {
        int rows = avail < LIST_ROWS_SHOWN ? avail : LIST_ROWS_SHOWN;
        u->text(ui, "lockctl.hint", _("Tap a door to open it."), GH_UI_MUTED);
        u->list_begin(ui, "lockctl.list", rows * LIST_ROW_PX);
        for (int i = 0; i < s->ndoors; i++) {
            const struct gh_location *l = &s->doors[i].loc;
            if (!door_shown(lc, l) || lc_door_unavailable(lc, l))
                continue;
            char id[64], where[sizeof l->path], sub[sizeof l->path + GH_NAME_BUF + 64];
            snprintf(id, sizeof id, "lockctl.door.%lld", (long long)l->id);
            parent_path(l, where, sizeof where);
            if (staff && l->door == GH_DOOR_UNIT && l->tenant_name[0])
                snprintf(sub, sizeof sub, _("%s \xC2\xB7 rented to %s"), where, l->tenant_name);
            else if (staff && l->door == GH_DOOR_UNIT)
                snprintf(sub, sizeof sub, _("%s \xC2\xB7 vacant unit"), where);
            else
                snprintf(sub, sizeof sub, "%s", where);
            if (u->list_item(ui, id, l->name, sub, 0) && open_door(lc, ui, &s->doors[i]))
                break;            /* the session is over */
        }
        u->list_end(ui);
    }
    if (unavail) {
        u->spacer(ui, 16);
        u->text(ui, "lockctl.na", _("Not available now:"), GH_UI_NORMAL);
        for (int i = 0; i < s->ndoors; i++) {
            const struct gh_location *l = &s->doors[i].loc;
            const char *na = door_shown(lc, l) ? lc_door_unavailable(lc, l) : NULL;
            if (!na)
                continue;
            char id[64], line[GH_NAME_BUF + 200];
            snprintf(id, sizeof id, "lockctl.na.%lld", (long long)l->id);
            snprintf(line, sizeof line, _("%s: %s."), l->name, na);
            u->text(ui, id, line, GH_UI_MUTED);
        }
    }
}

static void draw_shares(struct lockctl *lc, struct gh_ui *ui)
{
    struct lc_session *s = &lc->s;
    const struct gh_ui_api *u = lc->u;
    if (s->acct.kind != GH_KIND_OCCUPANT || s->nunits == 0)
        return;
    u->spacer(ui, 24);
    u->text(ui, "lockctl.share.hint",
            _("Share access with management: staff with permission may then open the unit "
              "for you."), GH_UI_MUTED);
    for (int i = 0; i < s->nunits; i++) {
        char id[64], label[GH_NAME_BUF + 64];
        snprintf(id, sizeof id, "lockctl.share.%lld", (long long)s->units[i].id);
        snprintf(label, sizeof label, _("Share %s with management"), s->units[i].name);
        if (!u->toggle(ui, id, label, &s->shared[i]))
            continue;
        s->shown_at = lc->host->mono_ms();
        struct gh_store *st = lc->host->store;
        /* Logged by the core, with the occupant as the actor. */
        if (lc->core->unit_share(st, s->actor, s->units[i].id, s->shared[i]) != GH_OK) {
            s->shared[i] = !s->shared[i];
            set_msg(s, GH_UI_ERROR, _("%s: sharing not changed: %s"), s->units[i].name,
                    lc->core->errmsg(st));
        } else {
            set_msg(s, GH_UI_MUTED, s->shared[i] ? _("%s is now shared with management.")
                                                 : _("%s is no longer shared with management."),
                    s->units[i].name);
        }
        u->invalidate(ui);
    }
}

static void doors_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct lockctl *lc = state;
    (void)arg;
    lc->ui = ui;
    lc->search[0] = '\0';
    lc->s.shown_at = lc->host->mono_ms();
}

static void doors_leave(void *state)
{
    struct lockctl *lc = state;
    /* Back to the log-in or home: the session is over (a relay still on is
     * the poller's to switch off). */
    session_free(&lc->s);
    wipe(lc->search, sizeof lc->search);
    lc->ui = NULL;
}

static void doors_draw(void *state, struct gh_ui *ui)
{
    struct lockctl *lc = state;
    struct lc_session *s = &lc->s;
    const struct gh_ui_api *u = lc->u;
    char line[GH_NAME_BUF + GH_EMAIL_MAX + 64];
    lc->ui = ui;
    if (!s->active) {            /* the session ended (home hook): nothing to show */
        u->home(ui);
        return;
    }
    int64_t now = lc->host->mono_ms();
    if (now - s->shown_at >= LC_LIST_IDLE_MS) {
        u->home(ui);             /* nothing tapped: the session ends */
        return;
    }
    u->wake_in(ui, (int)(LC_LIST_IDLE_MS - (now - s->shown_at)));

    u->heading(ui, _("Your doors"));
    snprintf(line, sizeof line, _("Logged in as %s"),
             s->acct.name[0] ? s->acct.name : s->acct.email);
    u->text(ui, "lockctl.who", line, GH_UI_MUTED);
    if (s->msg[0])
        u->text(ui, "lockctl.msg", s->msg, s->msg_style);

    if (s->ndoors == 0) {
        /* The core's reason says it all ("your account is waiting for
         * approval", "you don't have access to any door yet"). */
        lc_sentence(line, sizeof line, s->why.reason);
        u->text(ui, "lockctl.why", line, GH_UI_ERROR);
        u->text(ui, "lockctl.why.hint",
                s->acct.kind == GH_KIND_STAFF
                    ? _("An administrator can give you the permissions to open doors.")
                    : _("Please ask the staff if you think this is wrong."),
                GH_UI_MUTED);
    } else {
        if (s->acct.kind == GH_KIND_STAFF &&
            u->field(ui, "lockctl.search", _("Search doors"), lc->search, sizeof lc->search,
                     GH_KB_TEXT, NULL)) {
            s->shown_at = now;
            u->invalidate(ui);
        }
        draw_doors_list(lc, ui);
    }
    draw_shares(lc, ui);
    u->spacer(ui, 24);
    if (s->via_pin) {            /* a door code alone shows nothing of the account */
        u->row_begin(ui, 2);
        if (u->button(ui, "lockctl.mycode", _("My door code"), GH_UI_NORMAL))
            u->push(ui, "lockctl.mycode", NULL);
        if (u->button(ui, "lockctl.openings", _("Recent openings"), GH_UI_NORMAL))
            u->push(ui, "lockctl.openings", NULL);
        u->row_end(ui);
    }
    if (u->button(ui, "lockctl.done", _("Done"), GH_UI_PRIMARY))
        u->home(ui);
}

/* A person is known: their doors, and at once the only one (door code). */
int lc_session_start(struct lockctl *lc, struct gh_ui *ui, const struct gh_account *a,
                     int via_pin, char *msg, size_t msglen)
{
    struct gh_store *st = lc->host->store;
    struct lc_session *s = &lc->s;
    session_free(s);
    s->acct = *a;
    lc->core->account_actor(&s->acct, s->actor, sizeof s->actor);
    if (session_load(lc) != GH_OK) {
        lc->host->log(lc->host->ctx, GH_LOG_ERR, "door list: %s", lc->core->errmsg(st));
        session_free(s);
        snprintf(msg, msglen, "%s", _("Your doors can't be shown right now. Please try again."));
        return -1;
    }
    s->active = 1;
    s->via_pin = via_pin;
    lc->u->focus(ui, NULL);
    /* A door code stands for "open my door": with one door, no list. (After
     * a PIN log-in the list stays: My door code and Recent openings are there.) */
    if (!via_pin && s->ndoors == 1 && open_door(lc, ui, &s->doors[0])) {
        session_free(s);
        return 0;
    }
    lc->u->push(ui, "lockctl.doors", NULL);
    return 0;
}

static int tile_visible(void *state)
{
    return !lc_kiosk_door(state)[0];   /* a door kiosk's home is the keypad */
}

int lc_screens_register(struct lockctl *lc)
{
    static const struct gh_screen login = {
        .size = sizeof login, .id = "lockctl.login", .enter = login_enter,
        .draw = login_draw, .leave = login_leave };
    static const struct gh_screen doors = {
        .size = sizeof doors, .id = "lockctl.doors", .enter = doors_enter,
        .draw = doors_draw, .leave = doors_leave };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "lockctl.tile", .label = N_("Unlock"),
        .screen = "lockctl.code", .area = GH_TILE_HOME, .order = 5,
        .visible = tile_visible, .subtitle = N_("Open a door") };
    const struct gh_host *h = lc->host;
    if (h->register_screen(h->ctx, &login) != 0 || h->register_screen(h->ctx, &doors) != 0 ||
        h->register_tile(h->ctx, &tile) != 0)
        return -1;
    return 0;
}
