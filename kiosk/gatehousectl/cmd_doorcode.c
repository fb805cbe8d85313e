/*
 * cmd_doorcode.c: `door-code issue WHO` and `door-code revoke WHO` (issue 12,
 * "Door codes"; doorcode.h).
 *
 * `issue` is the only place the command line ever shows a code: on stdout,
 * once, for the person to be told in private. It is never logged, and never
 * sent by email. Refusals (a pending, inactive or blocked account, or one
 * that may not open any door) exit 1 with the rule in words.
 */
#include "cli.h"
#include "gatehouse/doorcode.h"

#include <sodium.h>

static int run_issue(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1], code[GH_DOORCODE_BUF];
    struct gh_account a;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    (void)state;
    if (rc)
        return rc;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    enum gh_status s = gh_doorcode_issue(ctx->store, ctx->actor, a.id, code, sizeof code);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fprintf(ctx->out, "{\"code\": \"%s\"}\n", code);
    else
        fprintf(ctx->out, "%s\n", code);
    sodium_memzero(code, sizeof code);
    return 0;
}

static int run_revoke(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    struct gh_account a;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    (void)state;
    if (rc)
        return rc;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    enum gh_status s = gh_doorcode_revoke(ctx->store, ctx->actor, a.id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fputs("{\"revoked\": true}\n", ctx->out);
    else
        fprintf(ctx->out, "%s\n", _("door code revoked"));
    return 0;
}

const struct gh_command gh_cli_cmds_doorcode[] = {
    { sizeof(struct gh_command), "door-code issue",
      "door-code issue WHO\n"
      "  WHO  the account's email, phone or id. Prints the new code (the old one is void);\n"
      "       this is the only place a code is shown: tell it to the person in private.",
      N_("Issue (or replace) an account's personal door code and print it."), run_issue },
    { sizeof(struct gh_command), "door-code revoke", "door-code revoke WHO",
      N_("Void an account's door code."), run_revoke },
    { 0, NULL, NULL, NULL, NULL }
};
