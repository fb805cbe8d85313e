/*
 * person.c: one occupant's page (occupants.person) and their location
 * access (occupants.access).
 *
 * The page opens with the seed's "Quick actions": only the state changes
 * that are valid from the current state, and only those the staff member's
 * permissions allow (activating or declining a pending sign-up is approving
 * it, so it needs `approve`; everything else needs `manage`). Blocking asks
 * first. Then the details (email, name, phone, state, group, location
 * access, rented units with their share-with-management flag, last
 * activity), and the name and phone form, whose refusals show under the
 * field the core names.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "occupants.h"

#define MAX_UNITS 16
#define MAX_LOCS 64

enum act { A_NONE, A_ACTIVATE, A_APPROVE, A_DECLINE, A_DEACTIVATE, A_BLOCK, A_UNBLOCK,
           A_RESEND, A_REMOVE };

static struct {
    int64_t arg_id;                     /* what push() hands to enter() */
    int64_t id;
    struct gh_account a;
    int found;
    unsigned gen;
    char group_line[GH_NAME_BUF + 64];
    char access_line[1024];
    char units[MAX_UNITS][GH_NAME_BUF + 96];
    int nunits;
    char locs[MAX_LOCS][GH_NAME_BUF];
    int nlocs;
    char name[GH_NAME_BUF], phone[GH_PHONE_BUF];
    char name_err[OCC_MSG], phone_err[OCC_MSG];
    char msg[OCC_MSG];
    int msg_style;
    enum act confirm;                   /* A_BLOCK or A_REMOVE: its dialog is open */
    /* occupants.access: the one access picker (the UI's) */
    struct gh_picker *pick;
} P;

static int add_unit(void *ud, const struct gh_location *l)
{
    if (P.nunits >= MAX_UNITS)
        return 1;
    const char *share = l->shared ? _("shared with management") : _("not shared with management");
    if (l->tenant_group)
        snprintf(P.units[P.nunits], sizeof P.units[0], _("%s (through the group): %s"),
                 l->name, share);
    else
        snprintf(P.units[P.nunits], sizeof P.units[0], "%s: %s", l->name, share);
    P.nunits++;
    return 0;
}

static int add_loc(void *ud, const char *name)
{
    if (P.nlocs >= MAX_LOCS)
        return 1;
    snprintf(P.locs[P.nlocs++], sizeof P.locs[0], "%s", name);
    return 0;
}

static void load(void)
{
    P.found = occ.core->account_get(occ.st, P.id, &P.a) == GH_OK &&
              P.a.kind == GH_KIND_OCCUPANT;
    P.gen = occ.generation;
    P.nunits = P.nlocs = 0;
    P.group_line[0] = P.access_line[0] = 0;
    if (!P.found)
        return;
    occ.core->unit_list_for(occ.st, P.id, add_unit, NULL);
    if (P.a.access == GH_ACCESS_SPECIFIC)
        occ.core->account_locations(occ.st, P.id, add_loc, NULL);
    struct gh_group g;
    int archived = P.a.group_id && occ.core->group_get(occ.st, P.a.group_id, &g) == GH_OK &&
                   g.archived;
    if (!P.a.group_id)
        snprintf(P.group_line, sizeof P.group_line, "%s", _("none"));
    else if (archived)
        snprintf(P.group_line, sizeof P.group_line, _("%s (archived)"), P.a.group_name);
    else
        snprintf(P.group_line, sizeof P.group_line, "%s", P.a.group_name);
    switch (P.a.access) {
    case GH_ACCESS_ALL:
        snprintf(P.access_line, sizeof P.access_line, "%s", _("all locations"));
        break;
    case GH_ACCESS_GROUP:
        snprintf(P.access_line, sizeof P.access_line,
                 archived ? _("through group %s, which is archived: none")
                          : _("through group %s"), P.a.group_name);
        break;
    case GH_ACCESS_SPECIFIC: {
        size_t o = (size_t)snprintf(P.access_line, sizeof P.access_line, "%s",
                                    _("these locations: "));
        for (int i = 0; i < P.nlocs && o < sizeof P.access_line; i++)
            o += (size_t)snprintf(P.access_line + o, sizeof P.access_line - o, "%s%s",
                                  i ? ", " : "", P.locs[i]);
        break;
    }
    default:
        snprintf(P.access_line, sizeof P.access_line, "%s", _("none"));
        break;
    }
}

static void fill_form(void)
{
    snprintf(P.name, sizeof P.name, "%s", P.found ? P.a.name : "");
    snprintf(P.phone, sizeof P.phone, "%s", P.found ? P.a.phone : "");
    P.name_err[0] = P.phone_err[0] = 0;
}

void occ_open_person(struct gh_ui *ui, int64_t id)
{
    P.arg_id = id;
    occ.ui->push(ui, "occupants.person", &P.arg_id);
}

static void person_enter(void *state, struct gh_ui *ui, const void *arg)
{
    P.id = arg ? *(const int64_t *)arg : 0;
    P.msg[0] = 0;
    P.confirm = A_NONE;
    load();
    fill_form();
}

static void person_leave(void *state)
{
    explicit_bzero(&P.a, sizeof P.a);
    explicit_bzero(P.name, sizeof P.name);
    explicit_bzero(P.phone, sizeof P.phone);
    P.msg[0] = P.name_err[0] = P.phone_err[0] = 0;
    P.confirm = A_NONE;
    P.found = 0;
}

static void say(int style, const char *fmt, const char *arg)
{
    snprintf(P.msg, sizeof P.msg, fmt, arg);
    P.msg_style = style;
}

static void run(struct gh_ui *ui, enum act what)
{
    char actor[GH_EMAIL_MAX + 64];
    enum gh_status rc;
    const char *who = P.a.email;
    /* approving or declining a sign-up needs `approve`; the rest `manage` */
    unsigned need = what == A_APPROVE || what == A_DECLINE ? GH_PERM_APPROVE : GH_PERM_MANAGE;

    if (what == A_NONE)
        return;
    if (!occ_can(ui, need)) {
        say(GH_UI_ERROR, "%s", !occ.ui->staff(ui) ? _("Please log in as staff again.")
                                                  : _("Your staff account may not do that."));
        return;
    }
    occ_actor(ui, actor, sizeof actor);
    switch (what) {
    case A_APPROVE: rc = occ.core->occupant_approve(occ.st, actor, P.id); break;
    case A_DECLINE: rc = occ.core->occupant_reject(occ.st, actor, P.id); break;
    case A_ACTIVATE: case A_UNBLOCK:
        rc = occ.core->occupant_set_state(occ.st, actor, P.id, GH_STATE_ACTIVE);
        break;
    case A_DEACTIVATE:
        rc = occ.core->occupant_set_state(occ.st, actor, P.id, GH_STATE_INACTIVE);
        break;
    case A_BLOCK:
        rc = occ.core->occupant_set_state(occ.st, actor, P.id, GH_STATE_BLOCKED);
        break;
    case A_RESEND: rc = occ.core->account_resend_welcome(occ.st, actor, P.id); break;
    case A_REMOVE:
        rc = GH_HAS(occ.core, occupant_remove)
                 ? occ.core->occupant_remove(occ.st, actor, P.id, 1) : GH_E_UNAVAILABLE;
        break;
    default: return;
    }
    if (rc != GH_OK) {
        say(GH_UI_ERROR, "%s", occ_errmsg());
        load();
        return;
    }
    switch (what) {
    case A_APPROVE: case A_ACTIVATE:
        say(GH_UI_SUCCESS, _("Active. A welcome email has been queued for %s."), who);
        break;
    case A_UNBLOCK:
        say(GH_UI_SUCCESS, _("Unblocked and active. A welcome email has been queued for %s."),
            who);
        break;
    case A_DECLINE: case A_DEACTIVATE:
        say(GH_UI_SUCCESS, _("Inactive: %s can no longer log in or open doors."), who);
        break;
    case A_BLOCK:
        say(GH_UI_SUCCESS, _("Blocked: %s can't log in, and can't re-activate by signing up "
                             "again."), who);
        break;
    case A_RESEND:
        say(GH_UI_SUCCESS, _("A new setup code has been emailed to %s. The old one no longer "
                             "works."), who);
        break;
    case A_REMOVE:
        say(GH_UI_SUCCESS, "%s", _("Removed: their personal details are erased, their codes "
                                   "no longer work and their units are vacant."));
        break;
    default:
        break;
    }
    occ_changed();
    load();
}

/* The quick actions valid from the current state that this staff member
 * may take, in the seed's order. */
static int actions(struct gh_ui *ui, enum act *out)
{
    int n = 0, manage = occ_can(ui, GH_PERM_MANAGE), approve = occ_can(ui, GH_PERM_APPROVE);
    switch (P.a.state) {
    case GH_STATE_ACTIVE:
        if (manage) {
            out[n++] = A_DEACTIVATE;
            out[n++] = A_BLOCK;
            out[n++] = A_RESEND;
        }
        break;
    case GH_STATE_PENDING:
        if (approve) {
            out[n++] = A_APPROVE;
            out[n++] = A_DECLINE;
        }
        if (manage)
            out[n++] = A_BLOCK;
        break;
    case GH_STATE_INACTIVE:
        if (manage) {
            out[n++] = A_ACTIVATE;
            out[n++] = A_BLOCK;
            out[n++] = A_RESEND;       /* SPEC: staff can resend it at any time */
        }
        break;
    case GH_STATE_BLOCKED:
        if (manage)
            out[n++] = A_UNBLOCK;
        break;
    case GH_STATE_REMOVED:
        return 0;                      /* nothing can change any more */
    }
    if (manage)
        out[n++] = A_REMOVE;
    return n;
}

static void detail(struct gh_ui *ui, const char *id, const char *label, const char *value)
{
    char line[1200];
    snprintf(line, sizeof line, "%s: %s", label, value && *value ? value : _("none"));
    occ.ui->text(ui, id, line, GH_UI_NORMAL);
}

static void save_form(struct gh_ui *ui)
{
    static const char *const fields[] = { "name", "phone" };
    char actor[GH_EMAIL_MAX + 64], err[OCC_MSG], norm[GH_PHONE_BUF];

    P.name_err[0] = P.phone_err[0] = 0;
    P.msg[0] = 0;
    /* the same checks the core makes, first, so both fields get their error */
    if (occ.core->check_name(P.name, err, sizeof err) != 0)
        snprintf(P.name_err, sizeof P.name_err, "%s", err);
    if (P.phone[0] && occ.core->normalize_phone(P.phone, norm, sizeof norm, err, sizeof err) != 0)
        snprintf(P.phone_err, sizeof P.phone_err, "%s", err);
    if (P.name_err[0] || P.phone_err[0])
        return;
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->account_update(occ.st, actor, P.id, P.name, P.phone) != GH_OK) {
        const char *m = occ_errmsg();
        switch (occ_field_of(m, fields, 2)) {
        case 0: snprintf(P.name_err, sizeof P.name_err, "%s", m); break;
        case 1: snprintf(P.phone_err, sizeof P.phone_err, "%s", m); break;
        default: say(GH_UI_ERROR, "%s", m); break;
        }
        return;
    }
    occ_changed();
    load();
    fill_form();
    say(GH_UI_SUCCESS, "%s", _("Saved."));
}

/* The quick actions this staff member may take; the one tapped, or A_NONE. */
static enum act person_actions(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    static const char *const labels[] = {
        [A_ACTIVATE] = N_("Activate"), [A_APPROVE] = N_("Activate"),
        [A_DECLINE] = N_("Deactivate"), [A_DEACTIVATE] = N_("Deactivate"),
        [A_BLOCK] = N_("Block"), [A_UNBLOCK] = N_("Unblock"),
        [A_RESEND] = N_("Send a new setup code"), [A_REMOVE] = N_("Remove") };
    static const char *const ids[] = {
        [A_ACTIVATE] = "occupants.activate", [A_APPROVE] = "occupants.activate",
        [A_DECLINE] = "occupants.deactivate", [A_DEACTIVATE] = "occupants.deactivate",
        [A_BLOCK] = "occupants.block", [A_UNBLOCK] = "occupants.unblock",
        [A_RESEND] = "occupants.resend", [A_REMOVE] = "occupants.remove" };
    enum act acts[5], chosen = A_NONE;
    int n = actions(ui, acts);
    if (!n)
        return A_NONE;
    /* state changes share a row; the longer "Send a new setup code" and
     * "Remove" have their own, so no label is cut */
    int nstate = n;
    while (nstate > 0 && (acts[nstate - 1] == A_RESEND || acts[nstate - 1] == A_REMOVE))
        nstate--;
    u->text(ui, NULL, _("Quick actions"), GH_UI_MUTED);
    if (nstate)
        u->row_begin(ui, nstate);
    for (int i = 0; i < n; i++) {
        if (i == nstate && nstate)
            u->row_end(ui);
        if (u->button(ui, ids[acts[i]], _(labels[acts[i]]),
                      acts[i] == A_BLOCK || acts[i] == A_REMOVE ? GH_UI_DANGER
                                                                : GH_UI_NORMAL))
            chosen = acts[i];
    }
    if (nstate == n)
        u->row_end(ui);
    return chosen;
}

/* What the account holds: contact, group, access, units, dates. */
static void person_details(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[600];
    u->spacer(ui, 12);
    detail(ui, "occupants.person.email", _("Email"), P.a.email);
    detail(ui, "occupants.person.name", _("Name"), P.a.name);
    detail(ui, "occupants.person.phone", _("Phone"), P.a.phone);
    detail(ui, "occupants.person.group", _("Group"), P.group_line);
    detail(ui, "occupants.person.accessline", _("Location access"), P.access_line);
    if (!P.nunits) {
        detail(ui, "occupants.person.units", _("Rented units"), _("none"));
    } else {
        u->text(ui, NULL, _("Rented units:"), GH_UI_NORMAL);
        for (int i = 0; i < P.nunits; i++) {
            char id[48];
            snprintf(id, sizeof id, "occupants.person.unit.%d", i);
            u->text(ui, id, P.units[i], GH_UI_NORMAL);
        }
    }
    occ_when(P.a.last_seen_at, line, sizeof line);
    detail(ui, "occupants.person.seen", _("Last activity"), line);
    occ_when(P.a.created_at, line, sizeof line);
    detail(ui, "occupants.person.created", _("Account created"), line);
}

/* ---- cards (issue 13) --------------------------------------------------- */
#define MAX_CARDS 20

struct cards_shown {
    struct gh_card v[MAX_CARDS];
    int n;
};

static int keep_card(void *ud, const struct gh_card *c)
{
    struct cards_shown *sh = ud;
    if (sh->n == MAX_CARDS)
        return 1;
    sh->v[sh->n++] = *c;
    return 0;
}

static void remove_card(struct gh_ui *ui, int64_t card_id)
{
    char actor[GH_EMAIL_MAX + 64];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->card_remove_id(occ.st, actor, P.id, card_id) == GH_OK)
        say(GH_UI_SUCCESS, "%s", _("Card removed."));
    else
        say(GH_UI_ERROR, "%s", occ_errmsg());
    occ.ui->invalidate(ui);
}

/* The person's cards (last 4 hex digits), "Remove card" each, and "Add
 * card", which opens the kiosk's Cards screen (the lock control plugin)
 * holding for this person's card; offered only where that screen is. Read
 * at each draw: the Cards screen changes them while this page is below it. */
static void person_cards(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    static struct gh_cards_open cards_arg;    /* push() keeps the pointer */
    struct cards_shown sh;
    char line[96], id[48];
    if (!occ_can(ui, GH_PERM_MANAGE) || P.a.state == GH_STATE_REMOVED ||
        !GH_HAS(occ.core, card_list))
        return;
    sh.n = 0;
    occ.core->card_list(occ.st, P.id, keep_card, &sh);
    u->spacer(ui, 12);
    u->text(ui, NULL, _("Cards"), GH_UI_MUTED);
    if (!sh.n)
        u->text(ui, "occupants.person.cards.none", _("No cards yet."), GH_UI_NORMAL);
    for (int i = 0; i < sh.n; i++) {
        snprintf(line, sizeof line, _("Card ending %s"), sh.v[i].last4);
        snprintf(id, sizeof id, "occupants.person.card.%d", i);
        u->text(ui, id, line, GH_UI_NORMAL);
        snprintf(id, sizeof id, "occupants.person.card.remove.%d", i);
        if (u->button(ui, id, _("Remove card"), GH_UI_DANGER))
            remove_card(ui, sh.v[i].id);
    }
    explicit_bzero(&sh, sizeof sh);
    if (!GH_HAS(u, screen_exists) || !u->screen_exists(ui, "lockctl.cards"))
        return;
    if (u->button(ui, "occupants.person.addcard", _("Add card"), GH_UI_NORMAL)) {
        cards_arg.account_id = P.id;
        cards_arg.add = 1;
        u->push(ui, "lockctl.cards", &cards_arg);
    }
}

/* Name and phone, for staff who manage occupants. */
static void person_edit(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    if (!occ_can(ui, GH_PERM_MANAGE) || P.a.state == GH_STATE_REMOVED)
        return;
    u->spacer(ui, 12);
    u->text(ui, NULL, _("Edit name and phone"), GH_UI_MUTED);
    if (u->field(ui, "occupants.person.editname", _("Name"), P.name, sizeof P.name,
                 GH_KB_TEXT, P.name_err[0] ? P.name_err : NULL))
        P.name_err[0] = 0;
    if (u->field(ui, "occupants.person.editphone", _("Mobile phone"), P.phone,
                 sizeof P.phone, GH_KB_PHONE, P.phone_err[0] ? P.phone_err : NULL))
        P.phone_err[0] = 0;
    if (u->button(ui, "occupants.person.save", _("Save"), GH_UI_PRIMARY))
        save_form(ui);
}

/* What the confirmation of a Block or a Remove says. */
static void confirm_text(enum act what, char *line, size_t len)
{
    const char *who = P.a.name[0] ? P.a.name : P.a.email;
    if (what == A_BLOCK) {
        snprintf(line, len, _("%s will not be able to log in or open doors, and can't "
                              "re-activate the account by signing up again. Only staff "
                              "can unblock it."), who);
        return;
    }
    size_t o = (size_t)snprintf(line, len, _("%s's name, email, phone and sign-up details "
                                             "will be erased and their codes stop working. "
                                             "This can't be undone."), who);
    for (int i = 0; i < P.nunits && o < len; i++)
        o += (size_t)snprintf(line + o, len - o, "%s%s", i ? "; " : _(" Vacated: "),
                              P.units[i]);
}

/* Block and Remove ask first; the other actions run at once. */
static void person_act(struct gh_ui *ui, enum act chosen)
{
    const struct gh_ui_api *u = occ.ui;
    char line[1200];
    if (P.confirm != A_NONE) {
        int block = P.confirm == A_BLOCK;
        confirm_text(P.confirm, line, sizeof line);
        int r = u->dialog(ui, block ? "occupants.confirmblock" : "occupants.confirmremove",
                          block ? _("Block this occupant?") : _("Remove this person?"), line,
                          block ? _("Block") : _("Remove"), _("Cancel"));
        if (r != GH_UI_DIALOG_OPEN) {
            enum act what = P.confirm;
            P.confirm = A_NONE;
            if (r == GH_UI_DIALOG_OK)
                run(ui, what);
            u->invalidate(ui);
        }
    } else if (chosen == A_BLOCK || chosen == A_REMOVE) {
        P.confirm = chosen;
        u->invalidate(ui);
    } else if (chosen != A_NONE) {
        run(ui, chosen);
        u->invalidate(ui);
    }
}

/* "Locked out until HH:MM" and "Clear the lock-out" (issue 16), while a
 * lock-out lasts and the core can clear one. */
static void person_lockout(struct gh_ui *ui)
{
    char hhmm[16], line[128], actor[GH_EMAIL_MAX + 64];
    if (!GH_HAS(occ.core, account_clear_lockout) || P.a.locked_until <= occ.host->now_ms())
        return;
    time_t t = (time_t)(P.a.locked_until / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(hhmm, sizeof hhmm, "%H:%M", &tm))
        snprintf(hhmm, sizeof hhmm, "?");
    snprintf(line, sizeof line, _("Locked out until %s"), hhmm);
    occ.ui->text(ui, "occupants.person.locked", line, GH_UI_ERROR);
    if (!occ.ui->button(ui, "occupants.person.unlock", _("Clear the lock-out"), GH_UI_NORMAL) ||
        !occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->account_clear_lockout(occ.st, actor, P.id) != GH_OK)
        say(GH_UI_ERROR, "%s", occ_errmsg());
    else
        say(GH_UI_SUCCESS, _("The lock-out of %s is cleared."), P.a.email);
    occ_changed();
    load();
    occ.ui->invalidate(ui);
}

static void person_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[600];

    (void)state;
    if (P.gen != occ.generation)
        load();
    if (!P.found) {
        u->heading(ui, _("Occupant"));
        u->text(ui, "occupants.person.missing", _("This occupant is not there any more."),
                GH_UI_ERROR);
        if (u->button(ui, "occupants.person.back", _("Back"), GH_UI_NORMAL))
            u->pop(ui);
        return;
    }
    u->heading(ui, P.a.name[0] ? P.a.name : P.a.email);
    int removed = P.a.state == GH_STATE_REMOVED, access = 0;
    u->row_begin(ui, removed ? 1 : 2);
    int back = u->button(ui, "occupants.person.back", _("Back"), GH_UI_NORMAL);
    if (!removed)
        access = u->button(ui, "occupants.person.access", _("Change access"), GH_UI_NORMAL);
    u->row_end(ui);
    snprintf(line, sizeof line, _("State: %s"), occ_state_label(P.a.state));
    u->text(ui, "occupants.person.state", line, GH_UI_BIG);
    person_lockout(ui);
    enum act chosen = person_actions(ui);
    if (P.msg[0])
        u->text(ui, "occupants.person.msg", P.msg, P.msg_style);
    person_details(ui);
    person_cards(ui);
    person_edit(ui);
    person_act(ui, chosen);
    if (back)
        u->pop(ui);
    else if (access)
        occ_open_access(ui, P.id);
}

const struct gh_screen occ_scr_person = {
    .size = sizeof(struct gh_screen), .id = "occupants.person",
    .staff_perm = GH_PERM_MANAGE, .enter = person_enter, .draw = person_draw,
    .leave = person_leave };

/* ---- occupants.access -------------------------------------------------- */
void occ_open_access(struct gh_ui *ui, int64_t id)
{
    P.arg_id = id;
    occ.ui->push(ui, "occupants.access", &P.arg_id);
}

static void access_enter(void *state, struct gh_ui *ui, const void *arg)
{
    const char *names[MAX_LOCS];
    occ.ui->picker_free(P.pick);
    P.pick = occ.ui->picker_new(occ.st, GH_PICK_GROUP | GH_PICK_NONE);
    for (int i = 0; i < P.nlocs; i++)
        names[i] = P.locs[i];
    occ.ui->picker_set(P.pick, P.a.access,
                       P.a.access == GH_ACCESS_GROUP ? P.a.group_name : NULL, names, P.nlocs);
}

static void access_leave(void *state)
{
    occ.ui->picker_free(P.pick);
    P.pick = NULL;
}

static void access_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char title[GH_NAME_BUF + 64], actor[GH_EMAIL_MAX + 64];

    snprintf(title, sizeof title, _("Location access for %s"),
             P.a.name[0] ? P.a.name : P.a.email);
    u->heading(ui, title);
    u->picker_draw(P.pick, ui, "occupants.access");
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.access.cancel", _("Cancel"), GH_UI_NORMAL);
    int save = u->button(ui, "occupants.access.save", _("Save"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel) {
        u->pop(ui);
        return;
    }
    if (!save)
        return;
    const char *names[OCC_MAX_LOCATIONS], *group;
    int access;
    int n = u->picker_get(P.pick, 1, &access, &group, names, OCC_MAX_LOCATIONS);
    if (n < 0 || !occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->occupant_set_access(occ.st, actor, P.id, (enum gh_access)access, group,
                                      names, n) != GH_OK) {
        u->picker_error(P.pick, occ_errmsg());
        return;
    }
    occ_changed();
    say(GH_UI_SUCCESS, "%s", _("Location access saved."));
    u->pop(ui);
}

const struct gh_screen occ_scr_access = {
    .size = sizeof(struct gh_screen), .id = "occupants.access",
    .staff_perm = GH_PERM_MANAGE, .enter = access_enter, .draw = access_draw,
    .leave = access_leave };
