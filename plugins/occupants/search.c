/*
 * search.c: occupants.search, the first occupants screen: a search field
 * that finds occupants by name, email or phone as the staff member types,
 * the seed's state toggle (All / Active / Pending / Inactive / Blocked) as a
 * row of buttons, "N shown of M", and the results; a tap opens the person.
 *
 * The query runs in the frame in which the field (or the toggle) changed,
 * before the results are drawn, so each keystroke's frame already shows its
 * own results. It goes through the core's account_search, whose cost
 * follows the page size and the count cap rather than the number of
 * occupants (100,000 and more). Without a prefix the exact count of a state
 * is one index walk; it is kept per state until something changes.
 */
#include <stdio.h>
#include <string.h>
#include "occupants.h"

struct hit {
    int64_t id;
    char title[GH_NAME_BUF];
    char sub[GH_EMAIL_MAX + GH_PHONE_BUF + 64];
};

static struct {
    char q[128];
    int state;                          /* -1: all, else enum gh_state */
    struct hit hits[OCC_SEARCH_LIMIT];
    int n;
    int64_t total;
    int64_t all_count[5];               /* no prefix, by state + 1 */
    unsigned all_gen[5];
    int all_ok[5];
    unsigned gen;                       /* occ.generation the hits were read at */
    int loaded;
    char err[OCC_MSG];
} S;

static int add_hit(void *ud, const struct gh_account *a)
{
    struct hit *h = &S.hits[S.n++];
    h->id = a->id;
    snprintf(h->title, sizeof h->title, "%s", a->name[0] ? a->name : a->email);
    /* the state first: a long email and phone may be cut at the right */
    if (a->phone[0])
        snprintf(h->sub, sizeof h->sub, "%s · %s · %s", occ_state_label(a->state), a->email,
                 a->phone);
    else
        snprintf(h->sub, sizeof h->sub, "%s · %s", occ_state_label(a->state), a->email);
    return S.n >= OCC_SEARCH_LIMIT;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ')
            return 0;
    return 1;
}

static void query(void)
{
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = S.state,
                                  .prefix = S.q, .limit = OCC_SEARCH_LIMIT };
    int k = S.state + 1;
    int cached = blank(S.q) && S.all_ok[k] && S.all_gen[k] == occ.generation;

    S.n = 0;
    S.err[0] = 0;
    if (occ.core->account_search(occ.st, &q, OCC_COUNT_CAP, add_hit, NULL,
                                 cached ? NULL : &S.total) != GH_OK) {
        snprintf(S.err, sizeof S.err, "%s", occ_errmsg());
        S.n = 0;
        S.total = 0;
    } else if (cached) {
        S.total = S.all_count[k];
    } else if (blank(S.q)) {
        S.all_count[k] = S.total;
        S.all_gen[k] = occ.generation;
        S.all_ok[k] = 1;
    }
    S.gen = occ.generation;
    S.loaded = 1;
}

static void search_enter(void *state, struct gh_ui *ui, const void *arg)
{
    S.state = -1;
    S.q[0] = 0;
    S.loaded = 0;
    /* counts are kept only while the screen is open: gatehousectl or an
     * import may have changed the table since */
    memset(S.all_ok, 0, sizeof S.all_ok);
    occ.ui->focus(ui, "occupants.q");
}

static void search_leave(void *state)
{
    explicit_bzero(S.q, sizeof S.q);
    explicit_bzero(S.hits, sizeof S.hits);
    S.n = 0;
    S.loaded = 0;
}

static void search_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    static const struct { const char *id, *label; int state; } filters[] = {
        { "occupants.state.all", N_("All"), -1 },
        { "occupants.state.active", N_("Active"), GH_STATE_ACTIVE },
        { "occupants.state.pending", N_("Pending"), GH_STATE_PENDING },
        { "occupants.state.inactive", N_("Inactive"), GH_STATE_INACTIVE },
        { "occupants.state.blocked", N_("Blocked"), GH_STATE_BLOCKED },
    };
    char line[160];

    if (!S.loaded || S.gen != occ.generation)
        query();
    u->heading(ui, _("Occupants"));
    u->row_begin(ui, 3);
    int back = u->button(ui, "occupants.back", _("Back"), GH_UI_NORMAL);
    int groups = u->button(ui, "occupants.groups", _("Groups"), GH_UI_NORMAL);
    int add = u->button(ui, "occupants.add", _("New occupant"), GH_UI_PRIMARY);
    u->row_end(ui);

    /* the state toggle: the chosen state is the filled button */
    u->row_begin(ui, 5);
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (u->button(ui, filters[i].id, _(filters[i].label),
                      S.state == filters[i].state ? GH_UI_PRIMARY : GH_UI_MUTED) &&
            S.state != filters[i].state) {
            S.state = filters[i].state;
            query();
        }
    u->row_end(ui);

    if (u->field(ui, "occupants.q", _("Search by name, email or phone"), S.q, sizeof S.q,
                 GH_KB_EMAIL, NULL))
        query();                         /* on every change: results in this frame */

    if (S.err[0])
        u->text(ui, "occupants.error", S.err, GH_UI_ERROR);
    else if (S.total == 0)
        u->text(ui, "occupants.count",
                blank(S.q) ? _("No occupants in this state.") : _("No occupants match."),
                GH_UI_MUTED);
    else {
        if (!blank(S.q) && S.total > OCC_COUNT_CAP)   /* a capped count */
            snprintf(line, sizeof line, _("%d shown of more than %d"), S.n, OCC_COUNT_CAP);
        else
            snprintf(line, sizeof line, _("%d shown of %lld"), S.n, (long long)S.total);
        u->text(ui, "occupants.count", line, GH_UI_MUTED);
    }
    u->list_begin(ui, "occupants.results", 1040);
    for (int i = 0; i < S.n; i++) {
        char id[48];
        snprintf(id, sizeof id, "occupants.hit.%lld", (long long)S.hits[i].id);
        if (u->list_item(ui, id, S.hits[i].title, S.hits[i].sub, 0))
            occ_open_person(ui, S.hits[i].id);
    }
    u->list_end(ui);

    if (back)
        u->pop(ui);
    else if (groups)
        u->push(ui, "occupants.groups", NULL);
    else if (add)
        u->push(ui, "occupants.new", NULL);
}

const struct gh_screen occ_scr_search = {
    .size = sizeof(struct gh_screen), .id = "occupants.search",
    .staff_perm = GH_PERM_MANAGE, .enter = search_enter, .draw = search_draw,
    .leave = search_leave };
