/*
 * compose.c: a new request (requests.new): where (General, or one of the
 * locations inside the person's access, as the core lists them; a person
 * waiting for approval gets General only), a subject and the text on the
 * keyboard. The core checks everything again when it files.
 */
#include <stdio.h>
#include <string.h>

#include "requests.h"

static int add_loc(void *ud, int64_t id, const char *name, int depth)
{
    struct requests *rq = ud;
    if (rq->nlocs >= RQ_LOCATIONS)
        return 1;
    struct rq_loc *l = &rq->locs[rq->nlocs++];
    l->id = id;
    l->depth = depth;
    snprintf(l->name, sizeof l->name, "%s", name);
    return 0;
}

int rq_load_locations(struct requests *rq, int64_t who)
{
    rq->nlocs = 0;
    return rq->core->request_locations(rq->host->store, who, add_loc, rq) == GH_OK ? 0 : -1;
}

static void new_enter(void *state, struct gh_ui *ui, const void *arg)
{
    struct requests *rq = state;
    (void)arg;
    rq->ui = ui;
    rq->loc_pick = -1;
    rq->msg[0] = '\0';
    explicit_bzero(rq->subject, sizeof rq->subject);
    explicit_bzero(rq->text, sizeof rq->text);
    if (rq->logged_in != 1 || rq_load_locations(rq, rq->who.id) != 0)
        rq->nlocs = 0;
}

static void send(struct requests *rq, struct gh_ui *ui)
{
    struct gh_store *st = rq->host->store;
    char actor[64], done[128];
    int64_t id = 0;
    struct gh_request_new in = {
        .location = rq->loc_pick >= 0 ? rq->locs[rq->loc_pick].name : NULL,
        .subject = rq->subject, .text = rq->text };
    snprintf(actor, sizeof actor, "occupant:%lld", (long long)rq->who.id);
    if (rq->core->request_add(st, actor, rq->who.id, &in, &id) != GH_OK) {
        rq_say(rq, rq->core->errmsg(st));
        return;
    }
    snprintf(done, sizeof done, _("Request #%lld sent. The staff will answer by email."),
             (long long)id);
    rq->u->toast(ui, done);
    rq->dirty = 1;
    if (rq->logged_in == 1)
        rq->u->pop(ui);
    else
        rq->u->home(ui);             /* waiting for approval: one request, then home */
}

static void pick_draw(struct requests *rq, struct gh_ui *ui)
{
    const struct gh_ui_api *u = rq->u;
    int rows = rq->nlocs + 1 > 5 ? 5 : rq->nlocs + 1;
    u->list_begin(ui, "requests.where", 104 * rows);
    if (u->list_item(ui, "requests.where.general", _("General (the building as a whole)"),
                     NULL, rq->loc_pick < 0))
        rq->loc_pick = -1;
    for (int i = 0; i < rq->nlocs; i++) {
        char id[48], name[GH_NAME_BUF + 16];
        snprintf(id, sizeof id, "requests.where.%lld", (long long)rq->locs[i].id);
        snprintf(name, sizeof name, "%*s%s", rq->locs[i].depth * 2, "", rq->locs[i].name);
        if (u->list_item(ui, id, name, NULL, rq->loc_pick == i))
            rq->loc_pick = i;
    }
    u->list_end(ui);
}

static void new_draw(void *state, struct gh_ui *ui)
{
    struct requests *rq = state;
    const struct gh_ui_api *u = rq->u;
    rq->ui = ui;
    u->heading(ui, _("New request"));
    if (rq->logged_in == 2)
        u->text(ui, "requests.new.pending", _("Your account is waiting for approval: you can "
                                              "send a General request now, and follow it by "
                                              "email."), GH_UI_MUTED);
    u->text(ui, "requests.where.label", _("Where is it about?"), GH_UI_NORMAL);
    pick_draw(rq, ui);
    u->field(ui, "requests.subject", _("Subject"), rq->subject, sizeof rq->subject,
             GH_KB_TEXT, NULL);
    u->field(ui, "requests.text", _("What do you need?"), rq->text, sizeof rq->text,
             GH_KB_TEXT, NULL);
    if (rq->msg[0])
        u->text(ui, "requests.msg", rq->msg, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "requests.new.cancel", _("Cancel"), GH_UI_NORMAL);
    int go = u->button(ui, "requests.new.send", _("Send request"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel && rq->logged_in == 1)
        u->pop(ui);
    else if (cancel)
        u->home(ui);
    else if (go) {
        send(rq, ui);
        u->invalidate(ui);
    }
}

static void new_leave(void *state)
{
    struct requests *rq = state;
    explicit_bzero(rq->subject, sizeof rq->subject);
    explicit_bzero(rq->text, sizeof rq->text);
}

int rq_compose_register(struct requests *rq)
{
    static const struct gh_screen s = {
        .size = sizeof s, .id = "requests.new", .enter = new_enter, .draw = new_draw,
        .leave = new_leave };
    return rq->host->register_screen(rq->host->ctx, &s);
}
