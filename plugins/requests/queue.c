/*
 * queue.c: the staff's request queue (requests.queue; staff tile
 * "Requests", permission requests, badge = open requests).
 *
 * Every request, open first and oldest first within a state (the queue
 * order), a page at a time, with a count; two buttons cycle the filters
 * (state: all, open, answered, resolved; location: all, General, then each
 * location by tree order). Tapping one opens requests.thread as staff.
 * The list is read when the screen opens, after a filter changes, when an
 * action in the thread changed something, and every 30 s while it shows.
 */
#include <stdio.h>
#include <string.h>

#include "requests.h"

#define REFRESH_MS 30000

static int add_any_loc(void *ud, const struct gh_location *l)
{
    struct requests *rq = ud;
    if (rq->nlocs >= RQ_LOCATIONS)
        return 1;
    struct rq_loc *x = &rq->locs[rq->nlocs++];
    x->id = l->id;
    x->depth = l->depth;
    snprintf(x->name, sizeof x->name, "%s", l->name);
    return 0;
}

static int add_item(void *ud, const struct gh_request *r)
{
    struct requests *rq = ud;
    if (rq->nitems >= RQ_PAGE)
        return 1;
    rq_item_from(rq, &rq->items[rq->nitems++], r);
    return 0;
}

static void load(struct requests *rq)
{
    const struct gh_account *s = rq->u->staff(rq->ui);
    struct gh_request_query q = {
        .who = s ? s->id : -1, .state = rq->filter_state, .queue = 1, .limit = RQ_PAGE,
        .location = rq->filter_loc == -2 ? "General"
                  : rq->filter_loc >= 0 ? rq->locs[rq->filter_loc].name : NULL };
    rq->nitems = 0;
    rq->total = 0;
    rq->msg[0] = '\0';
    if (!s || rq->core->request_list(rq->host->store, &q, add_item, rq, &rq->total) != GH_OK)
        rq_say(rq, s ? rq->core->errmsg(rq->host->store) : _("Please log in as staff."));
    rq->dirty = 0;
    rq->loaded_at = rq->host->mono_ms();
}

static void queue_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct requests *rq = state;
    (void)arg;
    rq_wipe(rq);
    rq->ui = ui;
    rq->staff = 1;
    rq->filter_state = -1;
    rq->filter_loc = -1;
    rq->nlocs = 0;
    rq->core->location_list(rq->host->store, add_any_loc, rq);
    rq->dirty = 1;
}

static void filters(struct requests *rq, struct gh_ui *ui)
{
    const struct gh_ui_api *u = rq->u;
    char st[96], loc[GH_NAME_BUF + 32];
    snprintf(st, sizeof st, _("State: %s"), rq->filter_state < 0 ? _("all")
             : _(rq->core->request_state_name(rq->filter_state)));
    snprintf(loc, sizeof loc, _("Where: %s"), rq->filter_loc == -1 ? _("all")
             : rq->filter_loc == -2 ? _("General") : rq->locs[rq->filter_loc].name);
    u->row_begin(ui, 2);
    if (u->button(ui, "requests.filter.state", st, GH_UI_MUTED)) {
        rq->filter_state = rq->filter_state >= GH_REQUEST_RESOLVED ? -1 : rq->filter_state + 1;
        rq->dirty = 1;
    }
    if (u->button(ui, "requests.filter.where", loc, GH_UI_MUTED)) {
        rq->filter_loc = rq->filter_loc == -1 ? -2 : rq->filter_loc + (rq->filter_loc == -2 ? 2 : 1);
        if (rq->filter_loc >= rq->nlocs)
            rq->filter_loc = -1;
        rq->dirty = 1;
    }
    u->row_end(ui);
}

static void queue_draw(void *state, struct gh_ui *ui)
{
    struct requests *rq = state;
    const struct gh_ui_api *u = rq->u;
    char line[128];
    rq->ui = ui;
    rq->staff = 1;
    if (rq->dirty || rq->host->mono_ms() - rq->loaded_at >= REFRESH_MS)
        load(rq);
    u->heading(ui, _("Requests"));
    snprintf(line, sizeof line, _("%lld open · %lld shown of %lld"),
             (long long)rq->core->request_count(rq->host->store, GH_REQUEST_OPEN),
             (long long)rq->nitems, (long long)rq->total);
    u->text(ui, "requests.queue.count", line, GH_UI_MUTED);
    filters(rq, ui);
    if (rq->msg[0])
        u->text(ui, "requests.msg", rq->msg, GH_UI_ERROR);
    if (!rq->nitems)
        u->text(ui, "requests.queue.empty", _("No requests here."), GH_UI_MUTED);
    int open = -1;
    u->list_begin(ui, "requests.queue.list", 132 * 8);
    for (int i = 0; i < rq->nitems; i++) {
        char id[48];
        snprintf(id, sizeof id, "requests.item.%lld", (long long)rq->items[i].id);
        if (u->list_item(ui, id, rq->items[i].subject, rq->items[i].line, 0))
            open = i;
    }
    u->list_end(ui);
    if (u->button(ui, "requests.queue.back", _("Back"), GH_UI_NORMAL))
        u->pop(ui);
    else if (open >= 0)
        rq_open(rq, ui, rq->items[open].id);
    if (rq->dirty)
        u->invalidate(ui);
    u->wake_in(ui, REFRESH_MS);
}

static int64_t queue_badge(void *state)
{
    struct requests *rq = state;
    return rq->core->request_count(rq->host->store, GH_REQUEST_OPEN);
}

int rq_queue_register(struct requests *rq)
{
    static const struct gh_screen s = {
        .size = sizeof s, .id = "requests.queue", .staff_perm = GH_PERM_REQUESTS,
        .enter = queue_enter, .draw = queue_draw };
    static const struct gh_tile t = {
        .size = sizeof t, .id = "requests.staff", .label = N_("Requests"),
        .screen = "requests.queue", .area = GH_TILE_STAFF, .staff_perm = GH_PERM_REQUESTS,
        .order = 30, .badge = queue_badge };
    const struct gh_host *h = rq->host;
    return h->register_screen(h->ctx, &s) != 0 || h->register_tile(h->ctx, &t) != 0 ? -1 : 0;
}
