/*
 * thread.c: one request (requests.thread), for the occupant and for staff
 * alike: what was asked, the thread oldest first, a reply field, and
 * Resolve or Reopen where the core's rules allow them (the buttons only
 * show what the person may do; the core decides again and says why not).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "requests.h"

static int add_reply(void *ud, const struct gh_request_entry *x)
{
    struct requests *rq = ud;
    if (rq->nthread >= RQ_THREAD)
        memmove(rq->thread, rq->thread + 1, (RQ_THREAD - 1) * sizeof rq->thread[0]);
    else
        rq->nthread++;
    rq->thread[rq->nthread - 1] = *x;
    return 0;
}

static int load(struct requests *rq)
{
    struct gh_store *st = rq->host->store;
    rq->nthread = 0;
    if (rq->core->request_get(st, rq_who(rq), rq->open_id, &rq->req) != GH_OK ||
        rq->core->request_thread(st, rq_who(rq), rq->open_id, add_reply, rq) != GH_OK) {
        rq_say(rq, rq->core->errmsg(st));
        return -1;
    }
    return 0;
}

void rq_open(struct requests *rq, struct gh_ui *ui, int64_t id)
{
    rq->open_id = id;
    rq->msg[0] = '\0';
    if (load(rq) == 0)
        rq->u->push(ui, "requests.thread", NULL);
}

/* "05 Dec 18:02" in the kiosk's language: month names through _() (as the
 * approvals queue does), not strftime's %b, which follows the C locale. */
static void when(int64_t ms, char *buf, size_t len)
{
    static const char *const months[12] = {
        N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
        N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec") };
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        snprintf(buf, len, "?");
        return;
    }
    snprintf(buf, len, "%02d %s %02d:%02d", tm.tm_mday, _(months[tm.tm_mon]), tm.tm_hour,
             tm.tm_min);
}

static void act(struct requests *rq, int what)
{
    struct gh_store *st = rq->host->store;
    char actor[600];
    enum gh_status s;
    rq_actor(rq, actor, sizeof actor);
    if (what == 0)
        s = rq->core->request_reply(st, actor, rq_who(rq), rq->open_id, rq->reply, "kiosk",
                                    NULL, NULL);
    else if (what == 1)
        s = rq->core->request_resolve(st, actor, rq_who(rq), rq->open_id);
    else
        s = rq->core->request_reopen(st, actor, rq_who(rq), rq->open_id);
    if (s != GH_OK) {
        rq_say(rq, rq->core->errmsg(st));
        return;
    }
    explicit_bzero(rq->reply, sizeof rq->reply);
    rq->msg[0] = '\0';
    rq->dirty = 1;
    rq->u->focus(rq->ui, NULL);        /* done typing: the keyboard goes away */
    rq->u->toast(rq->ui, what == 0 ? _("Reply sent.") : what == 1 ? _("Marked resolved.")
                                                                 : _("Reopened."));
    load(rq);
}

static void draw_thread(struct requests *rq, struct gh_ui *ui)
{
    const struct gh_ui_api *u = rq->u;
    char line[600], at[32];
    for (int i = 0; i < rq->nthread; i++) {
        const struct gh_request_entry *x = &rq->thread[i];
        char id[48];
        when(x->at, at, sizeof at);
        if (x->by_staff && !rq->staff)          /* a lobby screen: no staff names */
            snprintf(line, sizeof line, "%s · %s", _("the staff"), at);
        else
            snprintf(line, sizeof line, "%s%s · %s", x->author_id ? x->author : _("the building"),
                     x->by_staff ? _(" (staff)") : "", at);
        snprintf(id, sizeof id, "requests.reply.%lld.by", (long long)x->id);
        u->text(ui, id, line, GH_UI_MUTED);
        snprintf(id, sizeof id, "requests.reply.%lld", (long long)x->id);
        u->text(ui, id, x->text, GH_UI_NORMAL);
    }
}

static void thread_draw(void *state, struct gh_ui *ui)
{
    struct requests *rq = state;
    const struct gh_ui_api *u = rq->u;
    const struct gh_request *r = &rq->req;
    char line[800], at[32];
    rq->ui = ui;
    snprintf(line, sizeof line, "#%lld  %s", (long long)r->id, r->subject);
    u->heading(ui, line);
    when(r->created_at, at, sizeof at);
    snprintf(line, sizeof line, _("%s · %s · asked by %s, %s"),
             _(rq->core->request_state_name(r->state)),
             r->location_id ? r->location : _("General"), r->filer, at);
    u->text(ui, "requests.thread.state", line, GH_UI_PRIMARY);
    u->text(ui, "requests.thread.text", r->text, GH_UI_NORMAL);
    draw_thread(rq, ui);
    if (rq->msg[0])
        u->text(ui, "requests.msg", rq->msg, GH_UI_ERROR);
    u->field(ui, "requests.reply", _("Your reply"), rq->reply, sizeof rq->reply, GH_KB_TEXT,
             NULL);
    int filer = !rq->staff && r->account_id == rq->who.id;
    int can_close = r->state != GH_REQUEST_RESOLVED && (rq->staff || filer);
    int can_open = r->state == GH_REQUEST_RESOLVED && filer;
    u->row_begin(ui, can_close || can_open ? 3 : 2);
    int back = u->button(ui, "requests.thread.back", _("Back"), GH_UI_NORMAL);
    int close = can_close && u->button(ui, "requests.resolve", _("Resolve"), GH_UI_NORMAL);
    int reopen = can_open && u->button(ui, "requests.reopen", _("Reopen"), GH_UI_NORMAL);
    int send = u->button(ui, "requests.send", _("Send reply"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (back)
        u->pop(ui);
    else if (send && rq->reply[0])
        act(rq, 0);
    else if (send)
        rq_say(rq, _("Type your reply first."));
    else if (close)
        act(rq, 1);
    else if (reopen)
        act(rq, 2);
    if (send || close || reopen)
        u->invalidate(ui);
}

static void thread_leave(void *state)
{
    struct requests *rq = state;
    explicit_bzero(rq->reply, sizeof rq->reply);
    rq->msg[0] = '\0';
}

int rq_thread_register(struct requests *rq)
{
    static const struct gh_screen s = {
        .size = sizeof s, .id = "requests.thread", .draw = thread_draw, .leave = thread_leave };
    return rq->host->register_screen(rq->host->ctx, &s);
}
