/*
 * cmd_relay.c: `gatehousectl relay all-off`, every relay of every USB relay
 * board off (plugins/lockctl/lc_alloff.h).
 *
 * Built in, not a lock control plugin command, because it must work when
 * nothing else does: main runs it before reading the configuration, so a
 * missing or broken --config, a damaged database or a plugin that will not
 * load cannot stand between an operator and a door that stays open. The
 * systemd units run it as ExecStartPre= and ExecStopPost=. The other relay
 * commands (list, rename, test) and unlock come from the plugin.
 *
 * Exit: 0 every board found is off (also when there is none), 1 a board
 * could not be reached or did not read back off (named on stderr), 2 usage.
 */
#include "cli.h"
#include "lc_alloff.h"

#include <string.h>

static int run_all_off(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv);

const struct gh_command gh_cli_cmds_relay[] = {
    { sizeof(struct gh_command), "relay all-off", "relay all-off",
      N_("Switch every relay of every USB relay board off (needs no configuration "
         "or database)."),
      run_all_off },
    { 0, NULL, NULL, NULL, NULL }
};

static void one_board(void *user, const struct lc_alloff_board *b)
{
    struct gh_cmd_ctx *ctx = user;
    if (!b->ok) {
        fputs("gatehousectl: ", ctx->err);
        fprintf(ctx->err, _("%s board %s: NOT switched off: %s"), b->family, b->name,
                b->problem);
        fputc('\n', ctx->err);
        return;
    }
    fprintf(ctx->out, _("%s board %s: %d relays off"), b->family, b->name, b->channels);
    if (b->was_on) {
        fprintf(ctx->out, " (%s", _("on before:"));
        for (int c = 1; c <= 32; c++)
            if ((b->was_on >> (c - 1)) & 1)
                fprintf(ctx->out, " %d", c);
        fputc(')', ctx->out);
    }
    fputc('\n', ctx->out);
}

struct counter {
    struct gh_cmd_ctx *ctx;
    int boards;
};

static void count_board(void *user, const struct lc_alloff_board *b)
{
    struct counter *n = user;
    n->boards++;
    one_board(n->ctx, b);
}

static int run_all_off(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    (void)state;
    (void)argv;
    if (argc != 0)
        return gh_cli_usage_error(ctx, "%s", _("relay all-off takes no arguments"));
    char err[256];
    struct counter n = {ctx, 0};
    int bad = lc_relay_all_off(count_board, &n, err, sizeof err);
    if (bad < 0)
        return gh_cli_fail(ctx, "%s: %s", _("USB relays"), err);
    if (n.boards == 0)
        fprintf(ctx->out, "%s\n", _("no relay boards found"));
    if (bad > 0)
        return gh_cli_fail(ctx, _("%d board(s) could not be switched off: a door may be open"),
                           bad);
    return 0;
}

int gh_cli_relay_all_off(int argc, char **argv)
{
    const struct gh_command *cmd = &gh_cli_cmds_relay[0];
    struct gh_cmd_ctx ctx = {
        .size = sizeof ctx, .store = NULL, .config = NULL, .actor = NULL,
        .json = 0, .out = stdout, .err = stderr, .host = NULL,
    };
    gh_cli_current = cmd;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("%s gatehousectl %s\n\n%s\n", _("usage:"), cmd->usage, _(cmd->summary));
            return 0;
        }
    }
    int rc = cmd->run(NULL, &ctx, argc, argv);
    fflush(stdout);
    return ferror(stdout) && rc == 0 ? 1 : rc;
}
