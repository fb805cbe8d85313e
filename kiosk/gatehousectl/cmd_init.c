/*
 * cmd_init.c: `gatehousectl init`, which creates the database (or brings an
 * existing one to the current schema) and says where it is. main opens, and
 * so creates and migrates, the store before this runs; what is left is to
 * report it, and to record in the activity log that someone initialised it.
 */
#include "cli.h"

static int run_init(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    enum gh_status s = gh_audit_appendf(ctx->store, ctx->actor, "store.init",
                                        gh_store_path(ctx->store), GH_OUTCOME_OK,
                                        "schema %d", gh_store_schema_version(ctx->store));
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json) {
        fputs("{\"path\":", ctx->out);
        gh_cli_json_str(ctx->out, gh_store_path(ctx->store));
        fprintf(ctx->out, ",\"schema\":%d}\n", gh_store_schema_version(ctx->store));
    } else
        fprintf(ctx->out, "%s %s (%s %d)\n", _("database ready:"), gh_store_path(ctx->store),
                _("schema"), gh_store_schema_version(ctx->store));
    return 0;
}

const struct gh_command gh_cli_cmds_init[] = {
    { sizeof(struct gh_command), "init", "init",
      N_("Create the database (or migrate it to this version) and its activity log."),
      run_init },
    { 0, NULL, NULL, NULL, NULL }
};
