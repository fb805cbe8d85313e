/*
 * cmd_unit.c: units and doors: renting a unit to an occupant or a group,
 * vacating it, the tenant's share-with-management flag, and `door check`,
 * which says whether someone may open a door and why not, without moving a
 * relay (SPEC "Doors, units and who may open them"), and `unit overlock`,
 * locking a tenant out of their unit for an overdue balance (issue 18).
 *
 * `door check` is a question, not an attempt: it changes nothing, so it is
 * not written to the activity log (the kiosk's real unlocks are). That also
 * keeps it a read-only query, as cheap as the sqlite3 CLI's.
 */
#include "cli.h"
#include "gatehouse/overlock.h"

#include <string.h>

static int find_unit(struct gh_cmd_ctx *ctx, const char *name, struct gh_location *l)
{
    int rc = gh_cli_find_location(ctx, name, l);
    if (rc)
        return rc;
    if (l->door != GH_DOOR_UNIT)
        return gh_cli_fail(ctx, _("unit: '%s' is not a unit door"), l->name);
    return 0;
}

static int run_rent(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *who = NULL, *group = NULL;
    const struct gh_cli_opt opts[] = {
        { "--occupant", &who, NULL }, { "--group", &group, NULL }, { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (!who == !group)
        return gh_cli_usage_error(ctx, "%s", _("give either --occupant WHO or --group G"));
    struct gh_location l;
    if ((rc = find_unit(ctx, pos[0], &l)) != 0)
        return rc;
    enum gh_status s;
    const char *tenant;
    struct gh_account a;
    struct gh_group g;
    if (who) {
        if ((rc = gh_cli_find_who(ctx, who, &a)) != 0)
            return rc;
        s = gh_unit_rent_occupant(ctx->store, ctx->actor, l.id, a.id);
        tenant = a.email;
    } else {
        s = gh_group_find(ctx->store, group, &g);
        if (s == GH_E_NOTFOUND)
            return gh_cli_fail(ctx, _("no group named '%s'"), group);
        if (s == GH_OK)
            s = gh_unit_rent_group(ctx->store, ctx->actor, l.id, g.id);
        tenant = g.name;
    }
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fputs(_("rented"), ctx->out);
    fputc(' ', ctx->out);
    gh_cli_text(ctx->out, l.name);
    fprintf(ctx->out, " %s ", _("to"));
    gh_cli_text(ctx->out, tenant);
    fputc('\n', ctx->out);
    return 0;
}

static int run_vacate(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    struct gh_location l;
    if ((rc = find_unit(ctx, pos[0], &l)) != 0)
        return rc;
    enum gh_status s = gh_unit_vacate(ctx->store, ctx->actor, l.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    gh_cli_text(ctx->out, l.name);
    fprintf(ctx->out, " %s\n", _("is vacant"));
    return 0;
}

static int run_share(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[2];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, 2, NULL);
    if (rc)
        return rc;
    int on;
    if (strcmp(pos[1], "on") == 0)
        on = 1;
    else if (strcmp(pos[1], "off") == 0)
        on = 0;
    else
        return gh_cli_usage_error(ctx, "%s", _("share: must be 'on' or 'off'"));
    struct gh_location l;
    if ((rc = find_unit(ctx, pos[0], &l)) != 0)
        return rc;
    enum gh_status s = gh_unit_share(ctx->store, ctx->actor, l.id, on);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    gh_cli_text(ctx->out, l.name);
    fprintf(ctx->out, ": %s\n", on ? _("shared with management") : _("not shared with management"));
    return 0;
}

static int run_overlock(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[2];
    int npos = 0, on = -1, rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 2, &npos);
    if (rc)
        return rc;
    if (npos == 2 && strcmp(pos[1], "on") == 0)
        on = 1;
    else if (npos == 2 && strcmp(pos[1], "off") == 0)
        on = 0;
    else if (npos == 2)
        return gh_cli_usage_error(ctx, "%s", _("overlock: must be 'on' or 'off'"));
    struct gh_location l;
    if ((rc = find_unit(ctx, pos[0], &l)) != 0)
        return rc;
    enum gh_status s = GH_OK;
    if (on >= 0)
        s = gh_overlock_set(ctx->store, ctx->actor, l.id, on, GH_OVERLOCK_HAND, NULL);
    if (s == GH_OK)
        s = gh_overlock_get(ctx->store, l.id, &on);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json) {
        fputs("{\"unit\":", ctx->out);
        gh_cli_json_str(ctx->out, l.name);
        fprintf(ctx->out, ",\"overlocked\":%s}\n", on ? "true" : "false");
        return 0;
    }
    gh_cli_text(ctx->out, l.name);
    fprintf(ctx->out, ": %s\n",
            on ? _("overlocked (the tenant can't open it)") : _("not overlocked"));
    return 0;
}

static int run_check(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *who = NULL;
    const struct gh_cli_opt opts[] = { { "--as", &who, NULL }, { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    if (!who)
        return gh_cli_usage_error(ctx, "%s", _("--as WHO is required"));
    struct gh_location l;
    struct gh_account a;
    if ((rc = gh_cli_find_location(ctx, pos[0], &l)) != 0 ||
        (rc = gh_cli_find_who(ctx, who, &a)) != 0)
        return rc;
    struct gh_decision d = {0};
    enum gh_status s = gh_access_decide(ctx->store, a.id, l.id, &d);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json) {
        fprintf(ctx->out, "{\"allowed\":%s,\"reason\":", d.allowed ? "true" : "false");
        gh_cli_json_str(ctx->out, d.allowed ? NULL : d.reason);
        fprintf(ctx->out, ",\"door\":%lld,\"account\":%lld}\n", (long long)l.id, (long long)a.id);
    } else if (d.allowed)
        fprintf(ctx->out, "%s\n", _("allowed"));
    else {
        fprintf(ctx->out, "%s: ", _("denied"));
        gh_cli_text(ctx->out, d.reason);
        fputc('\n', ctx->out);
    }
    return d.allowed ? 0 : 1;
}

const struct gh_command gh_cli_cmds_unit[] = {
    { sizeof(struct gh_command), "unit rent", "unit rent UNIT (--occupant WHO | --group G)",
      N_("Rent a unit to one occupant or one group."), run_rent },
    { sizeof(struct gh_command), "unit vacate", "unit vacate UNIT",
      N_("Make a unit vacant."), run_vacate },
    { sizeof(struct gh_command), "unit share", "unit share UNIT on|off",
      N_("Set whether the tenant shares the unit's access with management."), run_share },
    { sizeof(struct gh_command), "unit overlock",
      "unit overlock UNIT [on|off]\n"
      "on: the tenant is refused at the unit's door (\"Your unit is locked for an overdue\n"
      "balance; please see the office.\"); common doors still open for them unless the\n"
      "setting overlock_gates is on. off lifts it. Without on|off, prints the state.\n"
      "Vacating the unit or renting it to someone else ends it.",
      N_("Lock a tenant out of their unit for an overdue balance, or lift it."), run_overlock },
    { sizeof(struct gh_command), "door check",
      "door check DOOR --as WHO\n"
      "Prints \"allowed\" (exit 0) or \"denied: <reason>\" (exit 1). Moves no relay and\n"
      "changes nothing.",
      N_("Say whether an account may open a door, and why not."), run_check },
    { 0, NULL, NULL, NULL, NULL }
};
