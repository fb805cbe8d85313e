/*
 * session.c: what every screen of the requests plugin shares: the person
 * at the kiosk (or the staff member in the queue), wiping it, a message
 * line, and a request as one line of a list.
 */
#include <stdio.h>
#include <string.h>

#include "requests.h"

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

void rq_wipe(struct requests *rq)
{
    wipe(&rq->who, sizeof rq->who);
    rq->logged_in = 0;
    wipe(rq->login_email, sizeof rq->login_email);
    wipe(rq->login_pin, sizeof rq->login_pin);
    wipe(rq->login_code, sizeof rq->login_code);
    rq->msg[0] = '\0';
    wipe(rq->items, sizeof rq->items);
    rq->nitems = 0;
    wipe(&rq->req, sizeof rq->req);
    wipe(rq->thread, sizeof rq->thread);
    rq->nthread = 0;
    wipe(rq->reply, sizeof rq->reply);
    wipe(rq->subject, sizeof rq->subject);
    wipe(rq->text, sizeof rq->text);
    rq->staff = 0;
}

void rq_say(struct requests *rq, const char *text)
{
    snprintf(rq->msg, sizeof rq->msg, "%s", text);
    if (rq->msg[0] >= 'a' && rq->msg[0] <= 'z')
        rq->msg[0] = (char)(rq->msg[0] - 'a' + 'A');
}

/* Who acts now: the staff member in the staff queue, else the occupant. */
int64_t rq_who(struct requests *rq)
{
    const struct gh_account *s = rq->staff && rq->ui ? rq->u->staff(rq->ui) : NULL;
    return s ? s->id : rq->who.id;
}

void rq_actor(struct requests *rq, char *buf, size_t len)
{
    const struct gh_account *s = rq->staff && rq->ui ? rq->u->staff(rq->ui) : NULL;
    if (s)
        rq->core->account_actor(s, buf, len);
    else
        snprintf(buf, len, "occupant:%lld", (long long)rq->who.id);
}

/* "answered · Unit 1 · Desk: Plumber on Monday." */
void rq_item_from(struct requests *rq, struct rq_item *it, const struct gh_request *r)
{
    it->id = r->id;
    it->state = r->state;
    snprintf(it->subject, sizeof it->subject, "#%lld  %s", (long long)r->id, r->subject);
    const char *loc = r->location_id ? r->location : _("General");
    const char *st = _(rq->core->request_state_name(r->state));
    /* Occupants see "the staff", not a staff member's name or address: the
     * screen is in a lobby. */
    const char *by = r->last_by_staff && !rq->staff ? _("the staff")
                   : r->last_by[0] ? r->last_by : _("the building");
    if (r->last_at)
        snprintf(it->line, sizeof it->line, "%s · %s · %s: %.120s", st, loc, by, r->last_text);
    else
        snprintf(it->line, sizeof it->line, "%s · %s · %s", st, loc, r->filer);
    for (char *c = it->line; *c; c++)
        if (*c == '\n')
            *c = ' ';
}

