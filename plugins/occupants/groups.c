/*
 * groups.c: occupant groups at the kiosk (seed 000 "Occupant groups").
 *
 *   occupants.groups     every group with its member count, archived ones marked
 *   occupants.group      one group: access, email domains, members (tap one
 *                        to take them out), "Add members" (search and tap),
 *                        and Archive, which asks first when members would
 *                        lose access (the core answers GH_E_CONFIRM with the
 *                        count; the dialog's OK archives with force)
 *   occupants.group_new  name, all or specific locations, email domains typed
 *                        as a comma list; the result replaces the form
 *   occupants.group_edit a group's access and domains, changed and saved
 *                        (an archived group is unarchived from its page)
 */
#include <stdio.h>
#include <string.h>
#include "occupants.h"

#define MAX_MEMBERS 50
#define MAX_FOUND 6
#define MAX_DOMAINS 16

struct person {
    int64_t id;
    char title[GH_NAME_BUF];
    char sub[GH_EMAIL_MAX + GH_NAME_BUF + 32];
};

/* ---- occupants.groups ---------------------------------------------------- */
static struct {
    struct gh_group list[OCC_MAX_GROUPS];
    int n;
    unsigned gen;
    int loaded;
    char err[OCC_MSG];
} L;

static int add_group(void *ud, const struct gh_group *g)
{
    if (L.n >= OCC_MAX_GROUPS)
        return 1;
    L.list[L.n++] = *g;
    return 0;
}

static void groups_load(void)
{
    L.n = 0;
    L.err[0] = 0;
    if (occ.core->group_list(occ.st, 1, add_group, NULL) != GH_OK)
        snprintf(L.err, sizeof L.err, "%s", occ_errmsg());
    L.gen = occ.generation;
    L.loaded = 1;
}

static void groups_enter(void *state, struct gh_ui *ui, const void *arg)
{
    L.loaded = 0;
}

static void groups_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char sub[200], id[48];

    if (!L.loaded || L.gen != occ.generation)
        groups_load();
    u->heading(ui, _("Groups"));
    u->row_begin(ui, 2);
    int back = u->button(ui, "occupants.groups.back", _("Back"), GH_UI_NORMAL);
    int add = u->button(ui, "occupants.groups.new", _("New group"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (L.err[0])
        u->text(ui, "occupants.groups.error", L.err, GH_UI_ERROR);
    if (!L.n)
        u->text(ui, "occupants.groups.empty", _("There are no groups yet."), GH_UI_MUTED);
    else {
        u->list_begin(ui, "occupants.grouplist", L.n > 10 ? 1320 : L.n * 132);
        for (int i = 0; i < L.n; i++) {
            const struct gh_group *g = &L.list[i];
            snprintf(sub, sizeof sub, g->members == 1 ? _("%lld member · %s%s")
                                                      : _("%lld members · %s%s"),
                     (long long)g->members,
                     g->all_locations ? _("all locations") : _("specific locations"),
                     g->archived ? _(" · archived") : "");
            snprintf(id, sizeof id, "occupants.grouplist.%lld", (long long)g->id);
            if (u->list_item(ui, id, g->name, sub, 0))
                occ_open_group(ui, g->id);
        }
        u->list_end(ui);
    }
    if (back)
        u->pop(ui);
    else if (add)
        u->push(ui, "occupants.group_new", NULL);
}

const struct gh_screen occ_scr_groups = {
    .size = sizeof(struct gh_screen), .id = "occupants.groups",
    .staff_perm = GH_PERM_MANAGE, .enter = groups_enter, .draw = groups_draw };

/* ---- occupants.group ------------------------------------------------------ */
static struct {
    int64_t arg_id, id;
    struct gh_group g;
    int found;
    unsigned gen;
    char access[1024], domains[1024];
    struct person members[MAX_MEMBERS];
    int nmembers;
    char find[128];
    struct person found_p[MAX_FOUND];
    int nfound;
    char msg[OCC_MSG];
    int msg_style;
    int confirm_archive;
    int64_t losing;
    int confirm_remove;                 /* the "take out" panel is showing */
    struct person remove;
    struct gh_picker *leave_to;         /* their access after leaving (the UI's picker) */
} G;

static int join_name(void *ud, const char *name)
{
    char *buf = ud;
    size_t o = strlen(buf);
    if (o + 4 >= 1024)
        return 1;
    snprintf(buf + o, 1024 - o, "%s%s", o ? ", " : "", name);
    return 0;
}

static void fill_person(struct person *p, const struct gh_account *a, int with_group)
{
    p->id = a->id;
    snprintf(p->title, sizeof p->title, "%s", a->name[0] ? a->name : a->email);
    if (with_group && a->group_id == G.id)
        snprintf(p->sub, sizeof p->sub, _("%s · already in this group"), a->email);
    else if (with_group && a->group_id)
        snprintf(p->sub, sizeof p->sub, _("%s · now in %s"), a->email, a->group_name);
    else
        snprintf(p->sub, sizeof p->sub, "%s · %s", a->email, occ_state_label(a->state));
}

static int add_member(void *ud, const struct gh_account *a)
{
    fill_person(&G.members[G.nmembers++], a, 0);
    return G.nmembers >= MAX_MEMBERS;
}

static int add_found(void *ud, const struct gh_account *a)
{
    fill_person(&G.found_p[G.nfound++], a, 1);
    return G.nfound >= MAX_FOUND;
}

static void find(void)
{
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = -1, .prefix = G.find,
                                  .limit = MAX_FOUND };
    G.nfound = 0;
    if (!G.find[0] || strspn(G.find, " ") == strlen(G.find))
        return;
    int64_t total;
    if (occ.core->account_search(occ.st, &q, 100, add_found, NULL, &total) != GH_OK) {
        G.msg_style = GH_UI_ERROR;
        snprintf(G.msg, sizeof G.msg, "%s", occ_errmsg());
    }
}

static void group_load(void)
{
    G.found = occ.core->group_get(occ.st, G.id, &G.g) == GH_OK;
    G.gen = occ.generation;
    G.nmembers = 0;
    G.access[0] = G.domains[0] = 0;
    if (!G.found)
        return;
    if (G.g.all_locations)
        snprintf(G.access, sizeof G.access, "%s", _("all locations"));
    else
        occ.core->group_locations(occ.st, G.id, join_name, G.access);
    occ.core->group_domains(occ.st, G.id, join_name, G.domains);
    struct gh_account_query q = { .kind = GH_KIND_OCCUPANT, .state = -1, .group_id = G.id,
                                  .limit = MAX_MEMBERS };
    occ.core->account_list(occ.st, &q, add_member, NULL);
    find();
}

void occ_open_group(struct gh_ui *ui, int64_t id)
{
    G.arg_id = id;
    occ.ui->push(ui, "occupants.group", &G.arg_id);
}

static void group_enter(void *state, struct gh_ui *ui, const void *arg)
{
    G.id = arg ? *(const int64_t *)arg : 0;
    G.msg[0] = 0;
    G.find[0] = 0;
    G.nfound = 0;
    G.confirm_archive = G.confirm_remove = 0;
    group_load();
}

static void group_leave(void *state)
{
    explicit_bzero(G.members, sizeof G.members);
    explicit_bzero(G.found_p, sizeof G.found_p);
    G.nmembers = G.nfound = 0;
    G.confirm_archive = G.confirm_remove = 0;
    occ.ui->picker_free(G.leave_to);
    G.leave_to = NULL;
}

static void say(int style, const char *text)
{
    snprintf(G.msg, sizeof G.msg, "%s", text);
    G.msg_style = style;
}

static void archive(struct gh_ui *ui, int force)
{
    char actor[GH_EMAIL_MAX + 64];
    int64_t losing = 0;
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    enum gh_status rc = occ.core->group_archive(occ.st, actor, G.g.name, force, &losing);
    if (rc == GH_E_CONFIRM && !force) {
        G.confirm_archive = 1;           /* ask, with the count the core gave */
        G.losing = losing;
        return;
    }
    if (rc != GH_OK) {
        say(GH_UI_ERROR, occ_errmsg());
        return;
    }
    G.msg[0] = 0;                        /* the page's archived line says it */
    occ_changed();
    group_load();
}

static void unarchive(struct gh_ui *ui)
{
    char actor[GH_EMAIL_MAX + 64];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->group_unarchive(occ.st, actor, G.g.name) != GH_OK) {
        say(GH_UI_ERROR, occ_errmsg());
        return;
    }
    say(GH_UI_SUCCESS, _("Unarchived: members get access through the group again."));
    occ_changed();
    group_load();
}

static void member(struct gh_ui *ui, int64_t id, const char *who, int add)
{
    char actor[GH_EMAIL_MAX + 64], line[OCC_MSG];
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    const char *names[OCC_MAX_LOCATIONS], *group = NULL;
    int access = GH_ACCESS_NONE;
    int n = add ? 0 : occ.ui->picker_get(G.leave_to, 0, &access, &group, names,
                                         OCC_MAX_LOCATIONS);
    enum gh_status rc = add ? occ.core->group_member_add(occ.st, actor, G.g.name, id)
                      : GH_HAS(occ.core, group_member_leave) && n >= 0
                          ? occ.core->group_member_leave(occ.st, actor, G.g.name, id,
                                                         (enum gh_access)access, group, names, n)
                          : GH_E_UNAVAILABLE;
    if (rc != GH_OK) {
        say(GH_UI_ERROR, occ_errmsg());
        return;
    }
    snprintf(line, sizeof line, add ? _("%s added to the group.") : _("%s taken out of the group."),
             who);
    say(GH_UI_SUCCESS, line);
    occ_changed();
    group_load();
}

/* Access and sign-up domains, in words. */
static void group_facts(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[1200];
    if (G.g.archived)
        u->text(ui, "occupants.group.archived",
                _("Archived: the group keeps its members but grants no access."), GH_UI_ERROR);
    if (G.msg[0])
        u->text(ui, "occupants.group.msg", G.msg, G.msg_style);
    snprintf(line, sizeof line, G.g.archived ? _("Location access: %s (granted to no one while "
                                                 "archived)")
                                             : _("Location access: %s"),
             G.access[0] ? G.access : _("none"));
    u->text(ui, "occupants.group.access", line, GH_UI_NORMAL);
    snprintf(line, sizeof line, _("Email domains for sign-up: %s"),
             G.domains[0] ? G.domains : _("none"));
    u->text(ui, "occupants.group.domains", line, GH_UI_NORMAL);
}

/* The members; the index of the one tapped to take out, or -1. */
static int group_members(struct gh_ui *ui, int manage)
{
    const struct gh_ui_api *u = occ.ui;
    char line[256], id[64];
    int remove_i = -1;
    snprintf(line, sizeof line, _("Members (%lld)"), (long long)G.g.members);
    u->text(ui, "occupants.group.count", line, GH_UI_BIG);
    if (!G.nmembers) {
        u->text(ui, "occupants.group.nomembers", _("No members yet."), GH_UI_MUTED);
        return -1;
    }
    if (manage)
        u->text(ui, NULL, _("Tap a member to take them out of the group."), GH_UI_MUTED);
    u->list_begin(ui, "occupants.group.members", G.nmembers > 4 ? 4 * 132 : G.nmembers * 132);
    for (int i = 0; i < G.nmembers; i++) {
        snprintf(id, sizeof id, "occupants.group.member.%lld", (long long)G.members[i].id);
        if (u->list_item(ui, id, G.members[i].title, G.members[i].sub, 0) && manage)
            remove_i = i;
    }
    u->list_end(ui);
    if (G.nmembers < G.g.members) {
        snprintf(line, sizeof line, _("The first %d members are shown."), G.nmembers);
        u->text(ui, "occupants.group.more", line, GH_UI_MUTED);
    }
    return remove_i;
}

/* Search to add members; the id of the one tapped (who: their name), or 0. */
static int64_t group_find(struct gh_ui *ui, char *who, size_t wlen)
{
    const struct gh_ui_api *u = occ.ui;
    char id[64];
    int64_t add_id = 0;
    u->spacer(ui, 12);
    if (u->field(ui, "occupants.group.find", _("Add members: search by name, email or phone"),
                 G.find, sizeof G.find, GH_KB_EMAIL, NULL))
        find();
    if (G.nfound) {
        u->list_begin(ui, "occupants.group.found", G.nfound * 132);
        for (int i = 0; i < G.nfound; i++) {
            snprintf(id, sizeof id, "occupants.group.add.%lld", (long long)G.found_p[i].id);
            if (u->list_item(ui, id, G.found_p[i].title, G.found_p[i].sub, 0)) {
                add_id = G.found_p[i].id;
                snprintf(who, wlen, "%s", G.found_p[i].title);
            }
        }
        u->list_end(ui);
    } else if (G.find[0]) {
        u->text(ui, "occupants.group.nofound", _("No occupants match."), GH_UI_MUTED);
    }
    return add_id;
}

/* The open question (archive, take out): 1 when one is showing. */
static int group_dialogs(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[1200];
    if (G.confirm_archive) {
        snprintf(line, sizeof line,
                 G.losing == 1 ? _("%lld member will lose access. Archive anyway?")
                               : _("%lld members will lose access. Archive anyway?"),
                 (long long)G.losing);
        int r = u->dialog(ui, "occupants.confirmarchive", _("Archive this group?"), line,
                          _("Archive"), _("Cancel"));
        if (r != GH_UI_DIALOG_OPEN) {
            G.confirm_archive = 0;
            if (r == GH_UI_DIALOG_OK)
                archive(ui, 1);
            u->invalidate(ui);
        }
        return 1;
    }
    return 0;
}

/* Taking a member out asks for their access afterwards (none, all, a
 * group, specific locations), starting at none; 1 when it is showing. */
static int leave_panel(struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char title[GH_NAME_BUF * 2 + 64];
    const char *names[OCC_MAX_LOCATIONS];
    int access;
    if (!G.confirm_remove)
        return 0;
    snprintf(title, sizeof title, _("Take %s out of %s"), G.remove.title, G.g.name);
    u->heading(ui, title);
    u->text(ui, "occupants.leave.ask", _("What access do they have after leaving the group?"),
            GH_UI_NORMAL);
    u->picker_draw(G.leave_to, ui, "occupants.leave");
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.leave.cancel", _("Cancel"), GH_UI_NORMAL);
    int ok = u->button(ui, "occupants.leave.ok", _("Take out"), GH_UI_DANGER);
    u->row_end(ui);
    if (ok && u->picker_get(G.leave_to, 1, &access, NULL, names, OCC_MAX_LOCATIONS) < 0) {
        u->invalidate(ui);               /* the picker says what is missing */
    } else if (ok || cancel) {
        G.confirm_remove = 0;
        if (ok)
            member(ui, G.remove.id, G.remove.title, 0);
        u->invalidate(ui);
    }
    return 1;
}

static void group_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    int64_t add_id = 0;
    char add_who[GH_NAME_BUF] = "";

    (void)state;
    if (G.gen != occ.generation)
        group_load();
    if (!G.found) {
        u->heading(ui, _("Group"));
        u->text(ui, "occupants.group.missing", _("This group is not there any more."),
                GH_UI_ERROR);
        if (u->button(ui, "occupants.group.back", _("Back"), GH_UI_NORMAL))
            u->pop(ui);
        return;
    }
    int manage = occ_can(ui, GH_PERM_MANAGE);
    if (leave_panel(ui))
        return;
    u->heading(ui, G.g.name);
    int live = manage && !G.g.archived;
    u->row_begin(ui, live ? 3 : manage ? 2 : 1);
    int back = u->button(ui, "occupants.group.back", _("Back"), GH_UI_NORMAL);
    int edit = live && u->button(ui, "occupants.group.edit", _("Edit"), GH_UI_NORMAL);
    int arch = live && u->button(ui, "occupants.group.archive", _("Archive"), GH_UI_DANGER);
    int unarch = manage && G.g.archived &&
                 u->button(ui, "occupants.group.unarchive", _("Unarchive"), GH_UI_NORMAL);
    u->row_end(ui);
    group_facts(ui);
    int remove_i = group_members(ui, manage);
    if (live)
        add_id = group_find(ui, add_who, sizeof add_who);

    if (group_dialogs(ui)) {
        /* the question first */
    } else if (arch) {
        archive(ui, 0);
        u->invalidate(ui);
    } else if (unarch) {
        unarchive(ui);
        u->invalidate(ui);
    } else if (edit) {
        u->push(ui, "occupants.group_edit", NULL);
    } else if (remove_i >= 0) {
        G.remove = G.members[remove_i];
        u->picker_free(G.leave_to);
        G.leave_to = u->picker_new(occ.st, GH_PICK_GROUP | GH_PICK_NONE);
        u->picker_set(G.leave_to, GH_ACCESS_NONE, NULL, NULL, 0);
        G.confirm_remove = 1;
        u->invalidate(ui);
    } else if (add_id) {
        member(ui, add_id, add_who, 1);
        u->invalidate(ui);
    }
    if (back)
        u->pop(ui);
}

const struct gh_screen occ_scr_group = {
    .size = sizeof(struct gh_screen), .id = "occupants.group",
    .staff_perm = GH_PERM_MANAGE, .enter = group_enter, .draw = group_draw,
    .leave = group_leave };

/* ---- occupants.group_new ------------------------------------------------- */
static struct {
    char name[GH_NAME_BUF], domains[512];
    char name_err[OCC_MSG], domains_err[OCC_MSG], err[OCC_MSG];
    struct gh_picker *pick;             /* all or specific (the UI's picker) */
    int64_t made_id;
    char made_name[GH_NAME_BUF];
} N;

static void gnew_enter(void *state, struct gh_ui *ui, const void *arg)
{
    occ.ui->picker_free(N.pick);
    memset(&N, 0, sizeof N);
    N.pick = occ.ui->picker_new(occ.st, 0);
    occ.ui->focus(ui, "occupants.group_new.name");
}

static void gnew_leave(void *state)
{
    occ.ui->picker_free(N.pick);
    N.pick = NULL;
}

/* "a.com, b.org" -> pointers into buf, each trimmed; returns n. Only a
 * comma separates, so "a b.com" reaches the core whole and is refused there
 * with its own words. */
static int split_domains(char *buf, const char **out, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok && n < max;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = 0;
        if (*tok)
            out[n++] = tok;
    }
    return n;
}

static void gnew_create(struct gh_ui *ui)
{
    static const char *const fields[] = { "name", "domain", "location" };
    char actor[GH_EMAIL_MAX + 64], dbuf[sizeof N.domains];
    const char *locs[OCC_MAX_LOCATIONS], *doms[MAX_DOMAINS];

    int access;
    N.name_err[0] = N.domains_err[0] = N.err[0] = 0;
    int nl = occ.ui->picker_get(N.pick, 1, &access, NULL, locs, OCC_MAX_LOCATIONS);
    if (nl < 0)
        return;
    snprintf(dbuf, sizeof dbuf, "%s", N.domains);
    int nd = split_domains(dbuf, doms, MAX_DOMAINS);
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    struct gh_group_new in = { .name = N.name, .all_locations = access == GH_ACCESS_ALL,
                               .locations = locs, .n_locations = nl,
                               .domains = doms, .n_domains = nd };
    int64_t id = 0;
    occ_actor(ui, actor, sizeof actor);
    if (occ.core->group_add(occ.st, actor, &in, &id) != GH_OK) {
        const char *m = occ_errmsg();
        switch (occ_field_of(m, fields, 3)) {
        case 0: snprintf(N.name_err, sizeof N.name_err, "%s", m); break;
        case 1: snprintf(N.domains_err, sizeof N.domains_err, "%s", m); break;
        case 2: occ.ui->picker_error(N.pick, m); break;
        default: snprintf(N.err, sizeof N.err, "%s", m); break;
        }
        return;
    }
    N.made_id = id;
    snprintf(N.made_name, sizeof N.made_name, "%s", N.name);
    occ.ui->focus(ui, NULL);
    occ_changed();
}

static void gnew_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char line[OCC_MSG];

    if (N.made_id > 0) {
        u->heading(ui, _("Group created"));
        snprintf(line, sizeof line, _("Group %s is ready. Add members on its page."), N.made_name);
        u->text(ui, "occupants.group_new.done", line, GH_UI_SUCCESS);
        if (u->button(ui, "occupants.group_new.open", _("Open the group"), GH_UI_PRIMARY))
            occ_open_group(ui, N.made_id);
        else if (u->button(ui, "occupants.group_new.finish", _("Done"), GH_UI_NORMAL))
            u->pop(ui);
        return;
    }
    u->heading(ui, _("New group"));
    if (u->field(ui, "occupants.group_new.name", _("Group name"), N.name, sizeof N.name,
                 GH_KB_TEXT, N.name_err[0] ? N.name_err : NULL))
        N.name_err[0] = 0;
    u->picker_draw(N.pick, ui, "occupants.group_new.access");
    if (u->field(ui, "occupants.group_new.domains",
                 _("Email domains for sign-up (optional, comma-separated)"), N.domains,
                 sizeof N.domains, GH_KB_EMAIL, N.domains_err[0] ? N.domains_err : NULL))
        N.domains_err[0] = 0;
    if (N.err[0])
        u->text(ui, "occupants.group_new.error", N.err, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.group_new.cancel", _("Cancel"), GH_UI_NORMAL);
    int save = u->button(ui, "occupants.group_new.create", _("Create"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->pop(ui);
    else if (save) {
        gnew_create(ui);
        u->invalidate(ui);
    }
}

const struct gh_screen occ_scr_group_new = {
    .size = sizeof(struct gh_screen), .id = "occupants.group_new",
    .staff_perm = GH_PERM_MANAGE, .enter = gnew_enter, .draw = gnew_draw,
    .leave = gnew_leave };

/* ---- occupants.group_edit -------------------------------------------------- */
/* The group on occupants.group (below it on the stack): its location access
 * and sign-up domains, changed and saved (seed 000: "Make any desired changes
 * and click Save"). */
#define MAX_GROUP_LOCS 64

static struct {
    char domains[512];
    char domains_err[OCC_MSG], err[OCC_MSG];
    struct gh_picker *pick;             /* all or specific (the UI's picker) */
    char locs[MAX_GROUP_LOCS][GH_NAME_BUF];
    int nlocs;
} E;

static int edit_add_loc(void *ud, const char *name)
{
    if (E.nlocs >= MAX_GROUP_LOCS)
        return 1;
    snprintf(E.locs[E.nlocs++], sizeof E.locs[0], "%s", name);
    return 0;
}

static int edit_add_domain(void *ud, const char *name)
{
    size_t o = strlen(E.domains);
    snprintf(E.domains + o, sizeof E.domains - o, "%s%s", o ? ", " : "", name);
    return 0;
}

static void gedit_enter(void *state, struct gh_ui *ui, const void *arg)
{
    const char *names[MAX_GROUP_LOCS];
    occ.ui->picker_free(E.pick);
    memset(&E, 0, sizeof E);
    E.pick = occ.ui->picker_new(occ.st, 0);
    occ.core->group_locations(occ.st, G.id, edit_add_loc, NULL);
    occ.core->group_domains(occ.st, G.id, edit_add_domain, NULL);
    for (int i = 0; i < E.nlocs; i++)
        names[i] = E.locs[i];
    occ.ui->picker_set(E.pick, G.g.all_locations ? GH_ACCESS_ALL : GH_ACCESS_SPECIFIC, NULL,
                       names, E.nlocs);
}

static void gedit_leave(void *state)
{
    occ.ui->picker_free(E.pick);
    E.pick = NULL;
}

static void gedit_save(struct gh_ui *ui)
{
    char actor[GH_EMAIL_MAX + 64], dbuf[sizeof E.domains];
    const char *locs[OCC_MAX_LOCATIONS], *doms[MAX_DOMAINS];

    int access;
    E.domains_err[0] = E.err[0] = 0;
    int nl = occ.ui->picker_get(E.pick, 1, &access, NULL, locs, OCC_MAX_LOCATIONS);
    if (nl < 0)
        return;
    snprintf(dbuf, sizeof dbuf, "%s", E.domains);
    int nd = split_domains(dbuf, doms, MAX_DOMAINS);
    if (!occ_can(ui, GH_PERM_MANAGE))
        return;
    occ_actor(ui, actor, sizeof actor);
    /* the domains first: they are what another group may hold already, and
     * a refusal there leaves the access unchanged too */
    if (occ.core->group_set_domains(occ.st, actor, G.g.name, doms, nd) != GH_OK) {
        snprintf(E.domains_err, sizeof E.domains_err, "%s", occ_errmsg());
        return;
    }
    if (occ.core->group_set_access(occ.st, actor, G.g.name, access == GH_ACCESS_ALL, locs, nl) !=
        GH_OK) {
        occ.ui->picker_error(E.pick, occ_errmsg());
        occ_changed();                   /* the domains were saved */
        return;
    }
    say(GH_UI_SUCCESS, _("Group saved."));
    occ_changed();
    occ.ui->pop(ui);
}

static void gedit_draw(void *state, struct gh_ui *ui)
{
    const struct gh_ui_api *u = occ.ui;
    char title[GH_NAME_BUF + 32];

    snprintf(title, sizeof title, _("Edit %s"), G.g.name);
    u->heading(ui, title);
    u->picker_draw(E.pick, ui, "occupants.group_edit.access");
    if (u->field(ui, "occupants.group_edit.domains",
                 _("Email domains for sign-up (optional, comma-separated)"), E.domains,
                 sizeof E.domains, GH_KB_EMAIL, E.domains_err[0] ? E.domains_err : NULL))
        E.domains_err[0] = 0;
    if (E.err[0])
        u->text(ui, "occupants.group_edit.error", E.err, GH_UI_ERROR);
    u->row_begin(ui, 2);
    int cancel = u->button(ui, "occupants.group_edit.cancel", _("Cancel"), GH_UI_NORMAL);
    int save = u->button(ui, "occupants.group_edit.save", _("Save"), GH_UI_PRIMARY);
    u->row_end(ui);
    if (cancel)
        u->pop(ui);
    else if (save) {
        gedit_save(ui);
        u->invalidate(ui);
    }
}

const struct gh_screen occ_scr_group_edit = {
    .size = sizeof(struct gh_screen), .id = "occupants.group_edit",
    .staff_perm = GH_PERM_MANAGE, .enter = gedit_enter, .draw = gedit_draw,
    .leave = gedit_leave };
