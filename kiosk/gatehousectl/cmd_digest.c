/*
 * cmd_digest.c: `gatehousectl log digest`, which queues the management
 * digest now (the kiosk queues one a day by itself; see core/src/digest.c).
 * It prints the log anchor the digest carries, so the operator sees what the
 * mail will prove.
 */
#include "cli.h"
#include "gatehouse/digest.h"

static int run_digest(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    (void)state;
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    if (!gh_settings_get(ctx->store, GH_SETTING_DIGEST_TO)[0]) {
        fprintf(ctx->err, "gatehousectl: %s\n",
                _("no digest: the setting digest_to is empty (gatehousectl settings set "
                  "digest_to ADDRESS)"));
        return 1;
    }
    int queued = 0;
    char anchor[96] = "";
    enum gh_status s = gh_digest_queue(ctx->store, ctx->actor, 0, &queued, anchor);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json) {
        fprintf(ctx->out, "{\"queued\":%d,\"anchor\":", queued);
        gh_cli_json_str(ctx->out, anchor);
        fputs("}\n", ctx->out);
    } else {
        fprintf(ctx->out, "%s %d\n%s %s\n", _("digest queued, messages:"), queued,
                _("Log anchor:"), anchor);
    }
    return 0;
}

const struct gh_command gh_cli_cmds_digest[] = {
    { sizeof(struct gh_command), "log digest", "log digest",
      N_("Queue the management digest now (to the digest_to addresses), with the log anchor."),
      run_digest },
    { 0, NULL, NULL, NULL, NULL }
};
