/*
 * cmd_group.c: occupant groups: add, list, show, archive (with --force when
 * members would lose access, SPEC "Locations, groups and access") and
 * membership. Every WHO of a `member` command is looked up before anything
 * changes, so a typo in the third address does not leave the first two done.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int run_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *locs = NULL, *domains = NULL;
    int all = 0;
    const struct gh_cli_opt opts[] = {
        { "--all", NULL, &all }, { "--locations", &locs, NULL },
        { "--domains", &domains, NULL }, { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (all && locs)
        return gh_cli_usage_error(ctx, "%s", _("give either --all or --locations, not both"));
    char **lv = NULL, **dv = NULL;
    int nl = 0, nd = 0;
    if ((locs && !(lv = gh_cli_split(locs, &nl))) || (domains && !(dv = gh_cli_split(domains, &nd)))) {
        rc = gh_cli_fail(ctx, "%s", gh_strerror(GH_E_NOMEM));
        goto out;
    }
    struct gh_group_new in = {
        .name = pos[0], .all_locations = all,
        .locations = (const char *const *)lv, .n_locations = nl,
        .domains = (const char *const *)dv, .n_domains = nd,
    };
    int64_t id = 0;
    enum gh_status s = gh_group_add(ctx->store, ctx->actor, &in, &id);
    if (s != GH_OK) {
        rc = gh_cli_store_fail(ctx, s);
        goto out;
    }
    fprintf(ctx->out, "%s %lld: ", _("added group"), (long long)id);
    gh_cli_text(ctx->out, pos[0]);
    fputc('\n', ctx->out);
out:
    free(lv);
    free(dv);
    return rc;
}

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static void json_group(FILE *f, const struct gh_group *g)
{
    fprintf(f, "{\"id\":%lld,\"name\":", (long long)g->id);
    gh_cli_json_str(f, g->name);
    fprintf(f, ",\"access\":\"%s\",\"archived\":%s,\"members\":%lld,\"created_at\":%lld",
            g->all_locations ? "all" : "specific", g->archived ? "true" : "false",
            (long long)g->members, (long long)g->created_at);
}

static int list_one(void *ud, const struct gh_group *g)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        json_group(f, g);
        fputs("}", f);
    } else {
        if (!li->n)
            fprintf(f, "%-5s %-30s %-9s %-8s %s\n", "ID", _("NAME"), _("ACCESS"), _("MEMBERS"),
                    _("STATE"));
        fprintf(f, "%-5lld ", (long long)g->id);
        gh_cli_text(f, g->name);
        int w = 30 - (int)strlen(g->name);
        fprintf(f, "%*s %-9s %-8lld %s\n", w > 0 ? w : 1, "", g->all_locations ? "all" : "specific",
                (long long)g->members, g->archived ? _("archived") : _("active"));
    }
    li->n++;
    return 0;
}

static int run_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    struct list li = { ctx, 0 };
    enum gh_status s = gh_group_list(ctx->store, 1, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int find_group(struct gh_cmd_ctx *ctx, const char *name, struct gh_group *g)
{
    enum gh_status s = gh_group_find(ctx->store, name, g);
    if (s == GH_OK)
        return 0;
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
        fprintf(ctx->err, "gatehousectl: %s '", _("no group named"));
        gh_cli_text(ctx->err, name);
        fputs("'\n", ctx->err);
        return 1;
    }
    return gh_cli_store_fail(ctx, s);
}

struct names {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int name_one(void *ud, const char *name)
{
    struct names *nm = ud;
    if (nm->ctx->json) {
        fputs(nm->n ? "," : "", nm->ctx->out);
        gh_cli_json_str(nm->ctx->out, name);
    } else {
        fputs(nm->n ? ", " : "", nm->ctx->out);
        gh_cli_text(nm->ctx->out, name);
    }
    nm->n++;
    return 0;
}

static int member_one(void *ud, const struct gh_account *a)
{
    struct names *nm = ud;
    FILE *f = nm->ctx->out;
    if (nm->ctx->json) {
        fputs(nm->n ? "," : "", f);
        gh_cli_json_account(f, a);
    } else {
        fprintf(f, "  %-5lld %-9s ", (long long)a->id, gh_state_name(a->state));
        gh_cli_text(f, a->email);
        if (a->name[0]) {
            fputs("  ", f);
            gh_cli_text(f, a->name);
        }
        fputc('\n', f);
    }
    nm->n++;
    return 0;
}

static int run_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    struct gh_group g;
    if ((rc = find_group(ctx, pos[0], &g)) != 0)
        return rc;
    FILE *f = ctx->out;
    struct names nm = { ctx, 0 };
    enum gh_status s;
    struct gh_account_query q = { .kind = -1, .state = -1, .group_id = g.id };
    if (ctx->json) {
        json_group(f, &g);
        fputs(",\"locations\":[", f);
        if ((s = gh_group_locations(ctx->store, g.id, name_one, &nm)) != GH_OK)
            goto fail;
        fputs("],\"domains\":[", f);
        nm.n = 0;
        if ((s = gh_group_domains(ctx->store, g.id, name_one, &nm)) != GH_OK)
            goto fail;
        fputs("],\"member_list\":[", f);
        nm.n = 0;
        if ((s = gh_account_list(ctx->store, &q, member_one, &nm)) != GH_OK)
            goto fail;
        fputs("]}\n", f);
        return 0;
    }
    fprintf(f, "%-10s %lld\n%-10s ", "id:", (long long)g.id, _("name:"));
    gh_cli_text(f, g.name);
    fprintf(f, "\n%-10s %s\n", _("state:"), g.archived ? _("archived (grants no access)") : _("active"));
    fprintf(f, "%-10s ", _("access:"));
    if (g.all_locations)
        fputs(_("all locations"), f);
    else if ((s = gh_group_locations(ctx->store, g.id, name_one, &nm)) != GH_OK)
        goto fail;
    else if (!nm.n)
        fputs(_("(no locations)"), f);
    fprintf(f, "\n%-10s ", _("domains:"));
    nm.n = 0;
    if ((s = gh_group_domains(ctx->store, g.id, name_one, &nm)) != GH_OK)
        goto fail;
    if (!nm.n)
        fputs("-", f);
    fprintf(f, "\n%-10s %lld\n", _("members:"), (long long)g.members);
    nm.n = 0;
    if ((s = gh_account_list(ctx->store, &q, member_one, &nm)) != GH_OK)
        goto fail;
    return 0;
fail:
    if (ctx->json)
        fputc('\n', f);
    return gh_cli_store_fail(ctx, s);
}

static int run_archive(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    int force = 0;
    const struct gh_cli_opt opts[] = { { "--force", NULL, &force }, { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    int64_t losing = 0;
    enum gh_status s = gh_group_archive(ctx->store, ctx->actor, pos[0], force, &losing);
    if (s == GH_E_CONFIRM)
        return gh_cli_fail(ctx, _("group '%s': %lld member(s) get access through it and would "
                                  "lose it; run again with --force to archive"),
                           pos[0], (long long)losing);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("archived group"));
    gh_cli_text(ctx->out, pos[0]);
    fprintf(ctx->out, " (%lld %s)\n", (long long)losing, _("member(s) lost access"));
    return 0;
}

static int run_member(struct gh_cmd_ctx *ctx, int argc, char **argv, int add)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    struct gh_account *who = calloc((size_t)argc + 1, sizeof *who);
    int n = 0, rc = 1;
    if (!pos || !who) {
        gh_cli_fail(ctx, "%s", gh_strerror(GH_E_NOMEM));
        goto out;
    }
    if ((rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, argc, &n)) != 0)
        goto out;
    struct gh_group g;
    if ((rc = find_group(ctx, pos[0], &g)) != 0)
        goto out;
    for (int i = 1; i < n; i++)
        if ((rc = gh_cli_find_who(ctx, pos[i], &who[i])) != 0)
            goto out;
    for (int i = 1; i < n; i++) {
        enum gh_status s = add ? gh_group_member_add(ctx->store, ctx->actor, pos[0], who[i].id)
                               : gh_group_member_remove(ctx->store, ctx->actor, pos[0], who[i].id);
        if (s != GH_OK) {
            rc = gh_cli_store_fail(ctx, s);
            continue;
        }
        fprintf(ctx->out, "%s ", add ? _("added") : _("removed"));
        gh_cli_text(ctx->out, who[i].email);
        fprintf(ctx->out, " %s ", add ? _("to") : _("from"));
        gh_cli_text(ctx->out, g.name);
        fputc('\n', ctx->out);
    }
out:
    free(pos);
    free(who);
    return rc;
}

static int run_member_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    return run_member(ctx, argc, argv, 1);
}

/* The new access of those leaving a group: exactly one of the options. */
struct leave_to {
    int none, all;
    const char *group, *locs;
    enum gh_access access;
    char **locv;
    int n;
};

static int leave_access(struct gh_cmd_ctx *ctx, struct leave_to *t)
{
    if (t->none + t->all + !!t->group + !!t->locs != 1)
        return gh_cli_usage_error(ctx, "%s", _("say what access they have after leaving: give "
                                               "one of --none, --all, --group and --locations"));
    t->access = t->all ? GH_ACCESS_ALL : t->group ? GH_ACCESS_GROUP
              : t->locs ? GH_ACCESS_SPECIFIC : GH_ACCESS_NONE;
    if (t->locs && !(t->locv = gh_cli_split(t->locs, &t->n)))
        return gh_cli_fail(ctx, "%s", gh_strerror(GH_E_NOMEM));
    if (t->locs && t->n == 0)
        return gh_cli_usage_error(ctx, "%s", _("--locations: name at least one location"));
    return 0;
}

static int leave_one(struct gh_cmd_ctx *ctx, const struct gh_group *g, const struct gh_account *a,
                     const struct leave_to *t)
{
    enum gh_status s = gh_group_member_leave(ctx->store, ctx->actor, g->name, a->id, t->access,
                                             t->group, (const char *const *)t->locv, t->n);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s ", _("removed"));
    gh_cli_text(ctx->out, a->email);
    fprintf(ctx->out, " %s ", _("from"));
    gh_cli_text(ctx->out, g->name);
    fprintf(ctx->out, "; %s %s", _("access:"), gh_access_name(t->access));
    if (t->group || t->locs) {
        fputc(' ', ctx->out);
        gh_cli_text(ctx->out, t->group ? t->group : t->locs);
    }
    fputc('\n', ctx->out);
    return 0;
}

static int run_member_remove(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct leave_to t = { 0 };
    const struct gh_cli_opt opts[] = {
        { "--none", NULL, &t.none }, { "--all", NULL, &t.all }, { "--group", &t.group, NULL },
        { "--locations", &t.locs, NULL }, { NULL, NULL, NULL }
    };
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    struct gh_account *who = calloc((size_t)argc + 1, sizeof *who);
    struct gh_group g;
    int n = 0, rc = 1;
    if (!pos || !who) {
        gh_cli_fail(ctx, "%s", gh_strerror(GH_E_NOMEM));
        goto out;
    }
    if ((rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, argc, &n)) != 0 ||
        (rc = leave_access(ctx, &t)) != 0 || (rc = find_group(ctx, pos[0], &g)) != 0)
        goto out;
    for (int i = 1; i < n; i++)
        if ((rc = gh_cli_find_who(ctx, pos[i], &who[i])) != 0)
            goto out;
    for (int i = 1; i < n; i++)
        if (leave_one(ctx, &g, &who[i], &t) != 0)
            rc = 1;
out:
    free(t.locv);
    free(pos);
    free(who);
    return rc;
}

const struct gh_command gh_cli_cmds_group[] = {
    { sizeof(struct gh_command), "group add",
      "group add NAME [--all | --locations A,B] [--domains d1,d2]\n"
      "  --all            members get every location, including ones added later\n"
      "  --locations A,B  members get these locations (and everything inside them)\n"
      "  --domains D,E    a self sign-up with an address at one of these domains joins\n"
      "Without --all or --locations the group grants no location yet.",
      N_("Add a group of occupants."), run_add },
    { sizeof(struct gh_command), "group list", "group list",
      N_("Show every group, archived ones too."), run_list },
    { sizeof(struct gh_command), "group show", "group show NAME",
      N_("Show a group's access, domains and members."), run_show },
    { sizeof(struct gh_command), "group archive",
      "group archive NAME [--force]\n"
      "  --force  archive even though members get their access through the group",
      N_("Archive a group: it keeps its members but grants no access."), run_archive },
    { sizeof(struct gh_command), "group member add", "group member add NAME WHO...",
      N_("Put occupants in the group (moving them from another; their access becomes the group's)."),
      run_member_add },
    { sizeof(struct gh_command), "group member remove", "group member remove NAME WHO... (--none | --all | --group G | --locations A,B)\n"
      "  --none           they can open no door until given access\n"
      "  --all            every location\n"
      "  --group G        whatever group G grants (they join G)\n"
      "  --locations A,B  these locations and everything inside them\n"
      "One of these is required: leaving a group never takes access away silently.",
      N_("Take occupants out of the group, saying what access they have after."),
      run_member_remove },
    { 0, NULL, NULL, NULL, NULL }
};
