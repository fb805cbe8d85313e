/*
 * approvals.c: the approval queue (SPEC "Occupant states": staff approve a
 * pending sign-up, reject it or block it; "What a self sign-up may ask for").
 *
 *   staff tile "Approvals"   (permission approve; badge = sign-ups waiting)
 *     approvals.queue   pending sign-ups, oldest first, a page at a time:
 *                       name, email, phone, the organisation and unit asked
 *                       for, when (relative and the date), an email-domain
 *                       group match; a Select switch each and "Approve
 *                       selected (N)"; "Nothing waiting" when empty
 *     approvals.detail  one sign-up: Approve (with the access shown, which
 *                       starts from the sign-up's email-domain group, else
 *                       the signup_default_access setting, as "New
 *                       occupant" does), Reject and Block (each confirmed)
 *     approvals.access  the one access picker (the UI's, as on the person
 *                       page, New occupant and groups): all, a group,
 *                       specific locations or none
 *
 * The rules live in the core: every change goes through host->core with the
 * logged-in staff member as the actor ("staff:<id>"), so the core
 * checks the state, writes the activity log and queues the welcome email.
 * This file only decides what to show and what to ask.
 *
 * The queue is read when its screen opens, after each action, after a
 * sign-up or state-change event, and every 30 s while it shows (other
 * kiosks and gatehousectl write the same database), not on every frame: a
 * drag draws many frames.
 */
#include <string.h>
#include <stdio.h>
#include <gatehouse/plugin.h>
#include "approvals.h"

#define PAGE 10                       /* entries per page of the queue */
#define MAX_SELECTED 64
#define MAX_LOCATIONS 150
#define REFRESH_MS 30000

struct entry {
    struct gh_account a;
    char group[GH_NAME_BUF];          /* domain_group_id's name, "" none */
};

enum confirm { CF_NONE = 0, CF_REJECT, CF_BLOCK, CF_BULK };

struct approvals {
    const struct gh_host *host;
    const struct gh_ui_api *u;
    const struct gh_core_api *core;

    /* approvals.queue */
    struct entry page[PAGE];
    int npage;
    int offset;                       /* of the first entry shown */
    int64_t total;                    /* pending sign-ups in all */
    int dirty;
    int64_t loaded_at;                /* mono ms */
    int64_t selected[MAX_SELECTED];
    int nselected;
    int bulk_confirm;
    int64_t open_id;                  /* the arg pushed to approvals.detail */
    int reflow;                       /* frames still to ask for after the page shrank */

    /* approvals.detail */
    int64_t id;
    struct entry d;
    int loaded;                       /* 0: the account could not be read */
    struct gh_picker *pick;           /* the access when approved (the UI's picker) */
    int saved_access;                 /* approvals.access: Cancel restores these */
    const char *saved_group;          /* (names point into pick) */
    const char *saved_locs[MAX_LOCATIONS];
    int saved_n;
    enum confirm confirm;
    char problem[512];                /* said above the buttons */
};

static struct approvals A;

static struct gh_store *store(const struct approvals *s) { return s->host->store; }

static void actor_of(const struct approvals *s, const struct gh_account *staff, char *buf,
                     size_t len)
{
    s->core->account_actor(staff, buf, len);
}

/* The name a person is shown by: their name, else their email. */
static const char *who(const struct gh_account *a)
{
    return a->name[0] ? a->name : a->email;
}

/* At most max characters of src, ending in "…" when cut (UTF-8 aware). A
 * list row is one line that the toolkit clips, so a long name is shortened
 * here and said in full in the wrapped lines under it. Returns 1 if cut. */
static int shorten(const char *src, size_t max, char *out, size_t outlen)
{
    size_t chars = 0, i = 0;
    for (; src[i]; i++) {
        if (((unsigned char)src[i] & 0xC0) == 0x80)
            continue;
        if (chars++ == max)
            break;
    }
    if (!src[i]) {
        snprintf(out, outlen, "%s", src);
        return 0;
    }
    /* keep max - 1 characters and the ellipsis */
    size_t keep = 0;
    chars = 0;
    for (; src[keep]; keep++) {
        if (((unsigned char)src[keep] & 0xC0) == 0x80)
            continue;
        if (chars++ == max - 1)
            break;
    }
    snprintf(out, outlen, "%.*s\xe2\x80\xa6", (int)keep, src);
    return 1;
}

static void pending_query(struct gh_account_query *q)
{
    memset(q, 0, sizeof *q);
    q->kind = GH_KIND_OCCUPANT;
    q->state = GH_STATE_PENDING;
    q->oldest_first = 1;
}

/* ---- the staff tile's badge --------------------------------------------- */
static int64_t badge(void *state)
{
    struct approvals *s = state;
    struct gh_account_query q;
    int64_t n = 0;
    pending_query(&q);
    if (s->core->account_count(store(s), &q, &n) != GH_OK)
        return 0;
    return n;
}

/* ---- loading -------------------------------------------------------------- */
static void fill_group(struct approvals *s, struct entry *e)
{
    struct gh_group g;
    e->group[0] = 0;
    if (e->a.domain_group_id &&
        s->core->group_get(store(s), e->a.domain_group_id, &g) == GH_OK)
        snprintf(e->group, sizeof e->group, "%s", g.name);
}

static int add_entry(void *ud, const struct gh_account *a)
{
    struct approvals *s = ud;
    if (s->npage >= PAGE)
        return 1;
    struct entry *e = &s->page[s->npage++];
    e->a = *a;
    fill_group(s, e);
    return 0;
}

static int is_selected(const struct approvals *s, int64_t id)
{
    for (int i = 0; i < s->nselected; i++)
        if (s->selected[i] == id)
            return 1;
    return 0;
}

static void set_selected(struct approvals *s, int64_t id, int on)
{
    for (int i = 0; i < s->nselected; i++) {
        if (s->selected[i] == id) {
            if (!on)
                s->selected[i] = s->selected[--s->nselected];
            return;
        }
    }
    if (on && s->nselected < MAX_SELECTED)
        s->selected[s->nselected++] = id;
}

/* Reads the page and drops selections of sign-ups no longer waiting. */
static void load_queue(struct approvals *s)
{
    struct gh_account_query q;
    pending_query(&q);
    s->total = 0;
    if (s->core->account_count(store(s), &q, &s->total) != GH_OK)
        s->host->log(s->host->ctx, GH_LOG_ERR, "approval queue: %s",
                     s->core->errmsg(store(s)));
    if (s->offset >= s->total)
        s->offset = s->total > 0 ? (int)((s->total - 1) / PAGE * PAGE) : 0;
    q.limit = PAGE;
    q.offset = s->offset;
    s->npage = 0;
    if (s->core->account_list(store(s), &q, add_entry, s) != GH_OK)
        s->host->log(s->host->ctx, GH_LOG_ERR, "approval queue: %s",
                     s->core->errmsg(store(s)));
    for (int i = 0; i < s->nselected;) {
        struct gh_account a;
        if (s->core->account_get(store(s), s->selected[i], &a) == GH_OK &&
            a.state == GH_STATE_PENDING && a.kind == GH_KIND_OCCUPANT)
            i++;
        else
            s->selected[i] = s->selected[--s->nselected];
    }
    s->dirty = 0;
    s->loaded_at = s->host->mono_ms();
    /* The toolkit pulls a scrolled-down page back inside a shorter content
     * only at the end of a frame, after the widgets were placed, and asks
     * for no frame after it: so two more, or a shrunk page stays blank. */
    s->reflow = 2;
}

/* ---- approvals.queue ------------------------------------------------------- */
static void queue_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct approvals *s = state;
    (void)ui;
    (void)arg;
    s->offset = 0;
    s->nselected = 0;
    s->bulk_confirm = 0;
    load_queue(s);
}

static void queue_leave(void *state)
{
    struct approvals *s = state;
    s->nselected = 0;
    s->bulk_confirm = 0;
    memset(s->page, 0, sizeof s->page);
    s->npage = 0;
    approvals_after_clear();
}

static void bulk_approve(struct approvals *s, struct gh_ui *ui, const struct gh_account *staff)
{
    char actor[400], msg[900], first_err[512] = "";
    int ok = 0, bad = 0;
    actor_of(s, staff, actor, sizeof actor);
    for (int i = 0; i < s->nselected; i++) {
        if (s->core->occupant_approve(store(s), actor, s->selected[i]) == GH_OK) {
            ok++;
        } else {
            if (!bad++)
                snprintf(first_err, sizeof first_err, "%s", s->core->errmsg(store(s)));
        }
    }
    s->nselected = 0;
    if (!bad)
        snprintf(msg, sizeof msg, ok == 1 ? _("Approved 1 sign-up. A welcome email with a "
                                               "setup code is queued for them.")
                                          : _("Approved %d sign-ups. A welcome email with "
                                              "a setup code is queued for each."), ok);
    else
        snprintf(msg, sizeof msg, _("Approved %d, %d could not be approved: %s"), ok, bad,
                 first_err);
    s->u->toast(ui, msg);
    load_queue(s);
}

static void draw_entry(struct approvals *s, struct gh_ui *ui, const struct entry *e, int64_t now)
{
    const struct gh_ui_api *u = s->u;
    const struct gh_account *a = &e->a;
    char id[48], line[1400], ago[64], date[64];
    int64_t at = a->signed_up_at ? a->signed_up_at : a->created_at;

    /* the entry's card: one tappable row, name over email */
    char title[GH_NAME_BUF + 4], sub[GH_EMAIL_MAX + 8];
    int cut = shorten(who(a), 34, title, sizeof title);
    cut |= shorten(a->name[0] ? a->email : _("No name given"), 52, sub, sizeof sub);
    snprintf(id, sizeof id, "approvals.card.%lld", (long long)a->id);
    u->list_begin(ui, id, 132);
    snprintf(id, sizeof id, "approvals.item.%lld", (long long)a->id);
    if (u->list_item(ui, id, title, sub, 0)) {
        s->open_id = a->id;
        u->push(ui, "approvals.detail", &s->open_id);
    }
    u->list_end(ui);
    if (cut) {
        /* the row was shortened: the name and email in full, wrapped */
        if (a->name[0])
            snprintf(line, sizeof line, "%s · %s", a->name, a->email);
        else
            snprintf(line, sizeof line, "%s", a->email);
        snprintf(id, sizeof id, "approvals.full.%lld", (long long)a->id);
        u->text(ui, id, line, GH_UI_NORMAL);
    }

    /* only what they gave: "not given" three times reads as noise */
    size_t n = 0;
    line[0] = 0;
    if (a->phone[0])
        n += (size_t)snprintf(line + n, sizeof line - n, _("Mobile: %s"), a->phone);
    if (a->req_org[0] && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, _("%sOrganisation: %s"),
                              n ? " · " : "", a->req_org);
    if (a->req_unit[0] && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, _("%sUnit or suite: %s"),
                              n ? " · " : "", a->req_unit);
    if (!line[0])
        snprintf(line, sizeof line, "%s", _("No mobile number, organisation or unit given."));
    snprintf(id, sizeof id, "approvals.req.%lld", (long long)a->id);
    u->text(ui, id, line, GH_UI_MUTED);

    approvals_ago(at, now, ago, sizeof ago);
    approvals_date(at, date, sizeof date);
    snprintf(line, sizeof line, _("Signed up %s · %s"), ago, date);
    snprintf(id, sizeof id, "approvals.when.%lld", (long long)a->id);
    u->text(ui, id, line, GH_UI_MUTED);

    if (e->group[0]) {
        snprintf(line, sizeof line, _("Email domain matches group %s"), e->group);
        snprintf(id, sizeof id, "approvals.match.%lld", (long long)a->id);
        u->text(ui, id, line, GH_UI_PRIMARY);
    }

    int on = is_selected(s, a->id);
    snprintf(id, sizeof id, "approvals.sel.%lld", (long long)a->id);
    if (u->toggle(ui, id, _("Select"), &on)) {
        set_selected(s, a->id, on);
        u->invalidate(ui);
    }
    u->spacer(ui, 40);                /* entries further apart than their lines */
}

/* Nobody waiting: says so, and Back. */
static void queue_empty(struct approvals *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->u;
    u->spacer(ui, 40);
    u->text(ui, "approvals.empty", _("Nothing waiting"), GH_UI_BIG);
    u->text(ui, "approvals.empty.hint",
            _("Nobody is waiting for approval. New sign-ups appear here, and staff "
              "with the approve permission get an email for each one."), GH_UI_NORMAL);
    u->spacer(ui, 40);
    if (u->button(ui, "approvals.back", _("Back"), GH_UI_NORMAL))
        u->pop(ui);
}

/* How many wait, and the bulk approve button (1 when tapped). */
static int queue_count(struct approvals *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->u;
    char line[512];
    if (s->total == 1)
        snprintf(line, sizeof line, "%s", _("1 sign-up is waiting."));
    else
        snprintf(line, sizeof line, _("%lld sign-ups are waiting."), (long long)s->total);
    if (s->total > PAGE) {
        size_t n = strlen(line);
        snprintf(line + n, sizeof line - n, _(" Showing %d to %d."), s->offset + 1,
                 s->offset + s->npage);
    }
    u->text(ui, "approvals.count", line, GH_UI_NORMAL);
    int bulk = 0;
    if (s->nselected > 0) {
        snprintf(line, sizeof line, _("Approve selected (%d)"), s->nselected);
        bulk = u->button(ui, "approvals.bulk", line, GH_UI_PRIMARY);
    } else {
        u->text(ui, "approvals.bulk.hint",
                _("Switch on Select for several people to approve them at once."),
                GH_UI_MUTED);
    }
    u->spacer(ui, 12);
    return bulk;
}

/* Previous and Next page, when there is more than one. */
static void queue_pager(struct approvals *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->u;
    if (s->total <= PAGE)
        return;
    u->row_begin(ui, 2);
    int prev = 0, next = 0;
    if (s->offset > 0)
        prev = u->button(ui, "approvals.prev", _("Previous page"), GH_UI_NORMAL);
    else
        u->text(ui, "approvals.prev.none", "", GH_UI_MUTED);   /* keeps Next right */
    if (s->offset + PAGE < s->total)
        next = u->button(ui, "approvals.next", _("Next page"), GH_UI_NORMAL);
    u->row_end(ui);
    if (prev || next) {
        s->offset += next ? PAGE : -PAGE;
        if (s->offset < 0)
            s->offset = 0;
        load_queue(s);
        u->invalidate(ui);
    }
}

/* Asks before approving the selected sign-ups at once. */
static void bulk_dialog(struct approvals *s, struct gh_ui *ui, const struct gh_account *staff)
{
    const struct gh_ui_api *u = s->u;
    char title[128], text[512];
    if (s->nselected == 1)
        snprintf(title, sizeof title, "%s", _("Approve 1 sign-up?"));
    else
        snprintf(title, sizeof title, _("Approve %d sign-ups?"), s->nselected);
    snprintf(text, sizeof text, "%s",
             _("Each keeps the access it has now (its email-domain group, or the "
               "sign-up default) and gets a welcome email with a setup code. To "
               "choose someone's access, approve them one at a time."));
    int r = u->dialog(ui, "approvals.bulkask", title, text,
                      s->nselected == 1 ? _("Approve") : _("Approve all"), _("Cancel"));
    if (r != GH_UI_DIALOG_OPEN) {
        s->bulk_confirm = 0;
        if (r == GH_UI_DIALOG_OK)
            bulk_approve(s, ui, staff);
        u->invalidate(ui);
    }
}

static void queue_draw(void *state, struct gh_ui *ui)
{
    struct approvals *s = state;
    const struct gh_ui_api *u = s->u;
    const struct gh_account *staff = u->staff(ui);
    char line[512];

    if (!staff) {                     /* the staff session ended */
        u->home(ui);
        return;
    }
    int64_t now = s->host->now_ms();
    if (s->dirty || s->host->mono_ms() - s->loaded_at >= REFRESH_MS)
        load_queue(s);

    if (s->reflow > 0) {
        s->reflow--;
        u->invalidate(ui);
    }
    u->heading(ui, _("Approvals"));
    u->text(ui, "approvals.hint",
            _("People who signed up at the kiosk wait here until a staff member approves "
              "them. Oldest first. Tap someone to see everything they gave, choose their "
              "access and approve, reject or block them."), GH_UI_MUTED);
    approvals_after_draw(s->host, ui);
    if (s->total == 0) {
        queue_empty(s, ui);
        u->wake_in(ui, REFRESH_MS);
        return;
    }
    int bulk = queue_count(s, ui);
    for (int i = 0; i < s->npage; i++)
        draw_entry(s, ui, &s->page[i], now);
    queue_pager(s, ui);
    if (s->nselected > 0 && s->npage > 2) {
        /* again at the end, where the last switch was flipped */
        snprintf(line, sizeof line, _("Approve selected (%d)"), s->nselected);
        bulk |= u->button(ui, "approvals.bulk.end", line, GH_UI_PRIMARY);
    }
    int back = u->button(ui, "approvals.back", _("Back"), GH_UI_NORMAL);
    if (bulk)
        s->bulk_confirm = 1;
    if (s->nselected == 0)
        s->bulk_confirm = 0;          /* all handled elsewhere meanwhile: nothing to ask */
    if (s->bulk_confirm)
        bulk_dialog(s, ui, staff);
    if (back)
        u->pop(ui);
    u->wake_in(ui, REFRESH_MS);
}

/* ---- approvals.detail ------------------------------------------------------- */
static void detail_wipe(struct approvals *s)
{
    memset(&s->d, 0, sizeof s->d);
    s->loaded = 0;
    s->u->picker_free(s->pick);
    s->pick = NULL;
    s->confirm = CF_NONE;
    s->problem[0] = 0;
    approvals_rent_clear();
}

/* The picker's start: the group the sign-up's email domain gave it, else
 * the signup_default_access setting (none|all), the same start as "New
 * occupant". */
static void pick_start(struct approvals *s)
{
    const struct gh_account *a = &s->d.a;
    s->pick = s->u->picker_new(store(s), GH_PICK_GROUP | GH_PICK_NONE);
    if (a->access == GH_ACCESS_GROUP && a->group_name[0]) {
        s->u->picker_set(s->pick, GH_ACCESS_GROUP, a->group_name, NULL, 0);
        return;
    }
    const char *d = s->core->settings_get(store(s), GH_SETTING_SIGNUP_ACCESS);
    s->u->picker_set(s->pick, d && strcmp(d, "all") == 0 ? GH_ACCESS_ALL : GH_ACCESS_NONE,
                     NULL, NULL, 0);
}

static void detail_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct approvals *s = state;
    (void)ui;
    detail_wipe(s);
    s->id = arg ? *(const int64_t *)arg : 0;
    if (s->core->account_get(store(s), s->id, &s->d.a) == GH_OK) {
        s->loaded = 1;
        fill_group(s, &s->d);
        approvals_rent_load(s->host, &s->d.a);
    }
    pick_start(s);
}

static void detail_leave(void *state)
{
    detail_wipe(state);
    /* the queue below shows what changed */
    ((struct approvals *)state)->dirty = 1;
}

/* Sets the chosen access (when it differs from what the sign-up has), then
 * approves. 0 done, -1 with s->problem. */
static int approve_one(struct approvals *s, const char *actor)
{
    enum gh_status rc = GH_OK;
    const char *names[MAX_LOCATIONS], *group;
    const struct gh_account *a = &s->d.a;
    int access;
    int n = s->u->picker_get(s->pick, 1, &access, &group, names, MAX_LOCATIONS);
    if (n < 0) {
        snprintf(s->problem, sizeof s->problem, "%s",
                 _("Choose access first: a group or at least one location."));
        return -1;
    }
    int same = access == (int)a->access && access != GH_ACCESS_SPECIFIC &&
               (access != GH_ACCESS_GROUP || strcmp(group, a->group_name) == 0);
    if (!same)
        rc = s->core->occupant_set_access(store(s), actor, a->id, (enum gh_access)access, group,
                                          names, n);
    if (rc == GH_OK)
        rc = (enum gh_status)approvals_rent_approve(s->host, actor, s->d.a.id);
    if (rc != GH_OK) {
        snprintf(s->problem, sizeof s->problem, "%s", s->core->errmsg(store(s)));
        return -1;
    }
    return 0;
}

/* Approve, reject or block; a toast says what happened, and back to the queue. */
static void act(struct approvals *s, struct gh_ui *ui, const struct gh_account *staff,
                enum confirm what)
{
    char actor[400], msg[900];
    enum gh_status rc = GH_OK;
    actor_of(s, staff, actor, sizeof actor);
    s->problem[0] = 0;
    switch (what) {
    case CF_NONE:                     /* approve */
        if (approve_one(s, actor) != 0) {
            s->u->invalidate(ui);
            return;
        }
        snprintf(msg, sizeof msg, _("%s approved. A welcome email with a setup code is "
                                    "queued for them."), who(&s->d.a));
        approvals_after_set(s->d.a.id, who(&s->d.a));
        break;
    case CF_REJECT:
        rc = s->core->occupant_reject(store(s), actor, s->d.a.id);
        snprintf(msg, sizeof msg, _("%s's sign-up was rejected. The account is inactive."),
                 who(&s->d.a));
        break;
    case CF_BLOCK:
        rc = s->core->occupant_set_state(store(s), actor, s->d.a.id, GH_STATE_BLOCKED);
        snprintf(msg, sizeof msg, _("%s is blocked and can't sign up again."), who(&s->d.a));
        break;
    default:
        return;
    }
    if (rc != GH_OK) {
        snprintf(s->problem, sizeof s->problem, "%s", s->core->errmsg(store(s)));
        s->u->invalidate(ui);
        return;
    }
    s->u->toast(ui, msg);
    s->u->pop(ui);
}

/* "Access when approved: ..." for the choice made so far. */
static void access_words(const struct approvals *s, char *buf, size_t len)
{
    char what[1000];
    const char *names[MAX_LOCATIONS], *group;
    int access;
    int n = s->u->picker_get(s->pick, 0, &access, &group, names, MAX_LOCATIONS);
    switch (access) {
    case GH_ACCESS_GROUP:
        snprintf(what, sizeof what, _("group %s"), group ? group : "?");
        break;
    case GH_ACCESS_ALL:
        snprintf(what, sizeof what, "%s", _("all locations"));
        break;
    case GH_ACCESS_SPECIFIC: {
        /* a few names, then a count: a summary, not the whole list */
        size_t o = 0;
        what[0] = 0;
        for (int i = 0; i < n && i < 6 && o + 4 < sizeof what; i++)
            o += (size_t)snprintf(what + o, sizeof what - o, "%s%s", o ? ", " : "", names[i]);
        if (n > 6 && o + 4 < sizeof what)
            snprintf(what + o, sizeof what - o, _(" and %d more"), n - 6);
        break;
    }
    default:
        snprintf(what, sizeof what, "%s", _("no access yet"));
        break;
    }
    snprintf(buf, len, _("Access when approved: %s"), what);
}

/* Everything the person gave when they signed up, and the domain match. */
static void detail_facts(struct approvals *s, struct gh_ui *ui)
{
    const struct gh_ui_api *u = s->u;
    const struct gh_account *a = &s->d.a;
    char line[1400], ago[64], date[64];
    u->heading(ui, who(a));
    int64_t at = a->signed_up_at ? a->signed_up_at : a->created_at;
    approvals_ago(at, s->host->now_ms(), ago, sizeof ago);
    approvals_date(at, date, sizeof date);
    snprintf(line, sizeof line, _("Signed up %s · %s. Waiting for approval."), ago, date);
    u->text(ui, "approvals.d.when", line, GH_UI_MUTED);
    snprintf(line, sizeof line, _("Email: %s"), a->email);
    u->text(ui, "approvals.d.email", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, _("Name: %s"), a->name[0] ? a->name : _("not given"));
    u->text(ui, "approvals.d.name", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, _("Mobile: %s"), a->phone[0] ? a->phone : _("not given"));
    u->text(ui, "approvals.d.phone", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, _("Organisation asked for: %s"),
             a->req_org[0] ? a->req_org : _("not given"));
    u->text(ui, "approvals.d.org", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, _("Unit or suite asked for: %s"),
             a->req_unit[0] ? a->req_unit : _("not given"));
    u->text(ui, "approvals.d.unit", line, GH_UI_NORMAL);
    if (s->d.group[0]) {
        snprintf(line, sizeof line, _("Email domain matches group %s"), s->d.group);
        u->text(ui, "approvals.d.match", line, GH_UI_PRIMARY);
    } else {
        u->text(ui, "approvals.d.match", _("Their email domain matches no group."),
                GH_UI_MUTED);
    }
}

/* Reject or block asks first: the dialog, and what it decided. */
static void detail_confirm(struct approvals *s, struct gh_ui *ui, const struct gh_account *staff)
{
    const struct gh_ui_api *u = s->u;
    int rej = s->confirm == CF_REJECT;
    char title[GH_NAME_BUF + 64];
    snprintf(title, sizeof title, rej ? _("Reject %s's sign-up?") : _("Block %s?"), who(&s->d.a));
    int r = u->dialog(ui, "approvals.confirm", title,
                      rej ? _("The account becomes inactive: no log-in, no access, no "
                              "email. They can sign up again later.")
                          : _("The account is blocked: no log-in, no access, and a new "
                              "sign-up with this email or phone is refused. Only staff "
                              "can unblock it."),
                      rej ? _("Reject sign-up") : _("Block account"), _("Cancel"));
    if (r != GH_UI_DIALOG_OPEN) {
        enum confirm what = s->confirm;
        s->confirm = CF_NONE;
        if (r == GH_UI_DIALOG_OK)
            act(s, ui, staff, what);
        u->invalidate(ui);
    }
}

static void detail_draw(void *state, struct gh_ui *ui)
{
    struct approvals *s = state;
    const struct gh_ui_api *u = s->u;
    const struct gh_account *staff = u->staff(ui);
    const struct gh_account *a = &s->d.a;
    char line[1400];

    if (!staff) {
        u->home(ui);
        return;
    }
    if (!s->loaded || a->state != GH_STATE_PENDING || a->kind != GH_KIND_OCCUPANT) {
        u->heading(ui, _("Sign-up"));
        u->text(ui, "approvals.gone", _("This sign-up is no longer waiting for approval."),
                GH_UI_NORMAL);
        if (u->button(ui, "approvals.detail.back", _("Back"), GH_UI_NORMAL))
            u->pop(ui);
        return;
    }

    detail_facts(s, ui);
    approvals_rent_draw(s->host, ui);
    u->spacer(ui, 16);
    access_words(s, line, sizeof line);
    u->text(ui, "approvals.d.access", line, GH_UI_NORMAL);
    int choose = u->button(ui, "approvals.choose", _("Choose access"), GH_UI_NORMAL);
    u->spacer(ui, 16);
    if (s->problem[0])
        u->text(ui, "approvals.problem", s->problem, GH_UI_ERROR);

    u->row_begin(ui, 3);
    int approve = u->button(ui, "approvals.approve", _("Approve"), GH_UI_PRIMARY);
    int reject = u->button(ui, "approvals.reject", _("Reject"), GH_UI_NORMAL);
    int block = u->button(ui, "approvals.block", _("Block"), GH_UI_DANGER);
    u->row_end(ui);
    int back = u->button(ui, "approvals.detail.back", _("Back"), GH_UI_NORMAL);

    if (reject)
        s->confirm = CF_REJECT;
    else if (block)
        s->confirm = CF_BLOCK;
    if (s->confirm == CF_REJECT || s->confirm == CF_BLOCK) {
        detail_confirm(s, ui, staff);
        return;
    }
    if (approve)
        act(s, ui, staff, CF_NONE);
    else if (choose)
        u->push(ui, "approvals.access", NULL);
    else if (back)
        u->pop(ui);
}

/* ---- approvals.access ------------------------------------------------------- */
static void access_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct approvals *s = state;
    (void)ui;
    (void)arg;
    s->saved_n = s->u->picker_get(s->pick, 0, &s->saved_access, &s->saved_group, s->saved_locs,
                                  MAX_LOCATIONS);
    if (s->saved_n < 0)
        s->saved_n = 0;
    s->problem[0] = 0;
}

static void access_draw(void *state, struct gh_ui *ui)
{
    struct approvals *s = state;
    const struct gh_ui_api *u = s->u;
    if (!u->staff(ui)) {
        u->home(ui);
        return;
    }
    char line[GH_NAME_BUF + 128];
    snprintf(line, sizeof line, _("Access for %s"), who(&s->d.a));
    u->heading(ui, line);
    u->text(ui, "approvals.access.hint",
            _("Choose what they may open once approved. It can be changed later too."),
            GH_UI_MUTED);
    u->picker_draw(s->pick, ui, "approvals.access");
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "approvals.access.cancel", _("Cancel"), GH_UI_NORMAL);
    int use = u->button(ui, "approvals.access.use", _("Use this access"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel) {
        u->picker_set(s->pick, s->saved_access, s->saved_group, s->saved_locs, s->saved_n);
        s->problem[0] = 0;
        u->pop(ui);
    } else if (use) {
        if (u->picker_get(s->pick, 1, NULL, NULL, NULL, 0) >= 0)
            u->pop(ui);             /* else the picker says what is missing */
        u->invalidate(ui);
    }
}

/* ---- events ----------------------------------------------------------------- */
static void on_change(void *state, const struct gh_event *ev)
{
    (void)ev;
    ((struct approvals *)state)->dirty = 1;
}

static void on_home(void *state, const struct gh_event *ev)
{
    struct approvals *s = state;
    (void)ev;
    queue_leave(s);
    detail_wipe(s);
}

static enum gh_status approvals_init(const struct gh_host *host, void **state, char *err,
                                     size_t errlen)
{
    static const struct gh_screen queue = {
        .size = sizeof queue, .id = "approvals.queue", .staff_perm = GH_PERM_APPROVE,
        .enter = queue_enter, .draw = queue_draw, .leave = queue_leave };
    static const struct gh_screen detail = {
        .size = sizeof detail, .id = "approvals.detail", .staff_perm = GH_PERM_APPROVE,
        .enter = detail_enter, .draw = detail_draw, .leave = detail_leave };
    static const struct gh_screen access = {
        .size = sizeof access, .id = "approvals.access", .staff_perm = GH_PERM_APPROVE,
        .enter = access_enter, .draw = access_draw };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "approvals.tile", .label = N_("Approvals"),
        .screen = "approvals.queue", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_APPROVE,
        .order = 10, .badge = badge };

    memset(&A, 0, sizeof A);
    A.host = host;
    A.core = host->core;
    A.u = host->ui;
    *state = &A;
    if (!host->is_kiosk)
        return GH_OK;                 /* no commands: gatehousectl has occupant approve */
    if (!A.u || !A.core) {
        snprintf(err, errlen, "the kiosk gave no UI or core table");
        return GH_E_PLUGIN;
    }
    if (host->register_screen(host->ctx, &queue) != 0 ||
        host->register_screen(host->ctx, &detail) != 0 ||
        host->register_screen(host->ctx, &access) != 0 ||
        host->register_tile(host->ctx, &tile) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_SIGNUP, on_change) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_ACCOUNT_STATE, on_change) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_HOME, on_home) != 0) {
        snprintf(err, errlen, "could not register the approval queue (see the log line above)");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

GH_PLUGIN_EXPORT(approvals)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
        .name = "approvals", .version = "1.0",
        .description = "the staff's approval queue for self sign-ups",
        .init = approvals_init, .commands = no_commands };
    return &p;
}
