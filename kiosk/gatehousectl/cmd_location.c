/*
 * cmd_location.c: `location add` and `location list`, the location tree
 * (site > building > floor > door) with each door's kind, relay channel and
 * unlock time, and for units their tenant and share flag.
 */
#include "cli.h"

#include <string.h>

static int run_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *parent = NULL, *door = NULL, *relay = NULL, *unlock = NULL;
    const struct gh_cli_opt opts[] = {
        { "--parent", &parent, NULL }, { "--door", &door, NULL },
        { "--relay", &relay, NULL }, { "--unlock-ms", &unlock, NULL },
        { NULL, NULL, NULL }
    };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    struct gh_location_new in = { .name = pos[0], .parent = parent, .relay = relay };
    if (!door)
        in.door = GH_DOOR_NONE;
    else if (strcmp(door, "common") == 0)
        in.door = GH_DOOR_COMMON;
    else if (strcmp(door, "unit") == 0)
        in.door = GH_DOOR_UNIT;
    else
        return gh_cli_usage_error(ctx, "%s", _("--door: must be 'common' or 'unit'"));
    if (unlock) {
        int64_t v;
        if (gh_cli_int(unlock, 1, 600000, &v) != 0)
            return gh_cli_usage_error(ctx, "%s", _("--unlock-ms: must be a number of milliseconds, 1 to 600000"));
        in.unlock_ms = (int)v;
    }
    if ((relay || unlock) && in.door == GH_DOOR_NONE)
        return gh_cli_usage_error(ctx, "%s", _("--relay and --unlock-ms need --door common|unit"));
    int64_t id = 0;
    enum gh_status s = gh_location_add(ctx->store, ctx->actor, &in, &id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    fprintf(ctx->out, "%s %lld: ", _("added location"), (long long)id);
    gh_cli_text(ctx->out, pos[0]);
    fputc('\n', ctx->out);
    return 0;
}

static const char *door_name(enum gh_door_kind k)
{
    return k == GH_DOOR_COMMON ? "common" : k == GH_DOOR_UNIT ? "unit" : NULL;
}

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int list_one(void *ud, const struct gh_location *l)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    char relay[GH_BOARD_ID_BUF + 16] = "";
    if (l->relay_board[0])
        snprintf(relay, sizeof relay, "%s:%d", l->relay_board, l->relay_channel);
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        fprintf(f, "{\"id\":%lld,\"name\":", (long long)l->id);
        gh_cli_json_str(f, l->name);
        fprintf(f, ",\"parent_id\":%lld,\"depth\":%d,\"path\":", (long long)l->parent_id, l->depth);
        gh_cli_json_str(f, l->path);
        fputs(",\"door\":", f);
        gh_cli_json_str(f, door_name(l->door));
        fputs(",\"relay\":", f);
        gh_cli_json_str(f, relay[0] ? relay : NULL);
        fprintf(f, ",\"unlock_ms\":%d", l->unlock_ms);
        if (l->door == GH_DOOR_UNIT) {
            fprintf(f, ",\"tenant_account\":%lld,\"tenant_group\":%lld,\"tenant\":",
                    (long long)l->tenant_account, (long long)l->tenant_group);
            gh_cli_json_str(f, (l->tenant_account || l->tenant_group) ? l->tenant_name : NULL);
            fprintf(f, ",\"shared\":%s", l->shared ? "true" : "false");
        }
        fputs("}", f);
    } else {
        if (!li->n)
            fprintf(f, "%-5s %-36s %-7s %-14s %s\n", "ID", _("NAME"), _("DOOR"), _("RELAY"),
                    _("UNIT"));
        fprintf(f, "%-5lld %*s", (long long)l->id, l->depth * 2, "");
        gh_cli_text(f, l->name);
        int w = 36 - l->depth * 2 - (int)strlen(l->name);
        fprintf(f, "%*s %-7s %-14s", w > 0 ? w : 1, "", door_name(l->door) ? door_name(l->door) : "-",
                relay[0] ? relay : "-");
        if (l->door == GH_DOOR_UNIT) {
            if (l->tenant_account || l->tenant_group) {
                fprintf(f, " %s ", l->tenant_group ? _("rented to group") : _("rented to"));
                gh_cli_text(f, l->tenant_name);
                if (l->shared)
                    fprintf(f, " (%s)", _("shared with management"));
            } else
                fprintf(f, " %s", _("vacant"));
        }
        fputc('\n', f);
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
    enum gh_status s = gh_location_list(ctx->store, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

const struct gh_command gh_cli_cmds_location[] = {
    { sizeof(struct gh_command), "location add",
      "location add NAME [--parent NAME] [--door common|unit] [--relay BOARD:CHANNEL] [--unlock-ms N]\n"
      "  --parent NAME    the location it is inside (default: a new root, e.g. a site)\n"
      "  --door KIND      it is a door: common (entrance, gate, corridor) or unit (rentable)\n"
      "  --relay B:C      the relay channel C (1-64) on the board whose ID is B\n"
      "  --unlock-ms N    how long the lock stays open (default: the unlock_ms setting)",
      N_("Add a location (a site, building, floor or door)."), run_add },
    { sizeof(struct gh_command), "location list", "location list",
      N_("Show the location tree with doors, relays and tenants."), run_list },
    { 0, NULL, NULL, NULL, NULL }
};
