/*
 * cmd_card.c: `card add WHO UID`, `card list [WHO]`, `card remove UID`
 * (issue 13, "Cards"; card.h).
 *
 * A UID is hex, case and separators ignored ("04:A1:B2:C3" = "04a1b2c3").
 * It is stored only as its keyed hash; `card list` shows the owner, when the
 * card was added and its last 4 hex digits, never more. Refusals (a card
 * another account holds: "This card is already registered."; a pending,
 * inactive or blocked account) exit 1 with the rule in words.
 */
#include "cli.h"
#include "gatehouse/card.h"

#include <string.h>

static int run_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[2];
    struct gh_account a;
    int64_t id = 0;
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 2, 2, NULL);
    (void)state;
    if (rc)
        return rc;
    if ((rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    enum gh_status s = gh_card_add(ctx->store, ctx->actor, a.id, pos[1], &id);
    explicit_bzero(pos[1], strlen(pos[1]));
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fprintf(ctx->out, "{\"card\": %lld, \"account\": %lld}\n", (long long)id,
                (long long)a.id);
    else
        fprintf(ctx->out, "%s\n", _("card added"));
    return 0;
}

static int run_remove(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    (void)state;
    if (rc)
        return rc;
    enum gh_status s = gh_card_remove(ctx->store, ctx->actor, pos[0]);
    explicit_bzero(pos[0], strlen(pos[0]));
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fputs("{\"removed\": true}\n", ctx->out);
    else
        fprintf(ctx->out, "%s\n", _("card removed"));
    return 0;
}

struct list_ctx {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int list_one(void *ud, const struct gh_card *c)
{
    struct list_ctx *l = ud;
    FILE *f = l->ctx->out;
    char when[32];
    gh_cli_time(c->added_at, when, sizeof when);
    if (l->ctx->json) {
        fprintf(f, "%s{\"id\": %lld, \"account\": %lld, \"owner\": ", l->n ? ",\n " : "",
                (long long)c->id, (long long)c->account_id);
        gh_cli_json_str(f, c->owner);
        fputs(", \"email\": ", f);
        gh_cli_json_str(f, c->email);
        fprintf(f, ", \"added\": \"%s\", \"last4\": \"%s\"}", when, c->last4);
    } else {
        fprintf(f, "...%-6s %s  ", c->last4, when);
        gh_cli_text(f, c->owner);
        if (strcmp(c->owner, c->email) != 0) {
            fputs(" <", f);
            gh_cli_text(f, c->email);
            fputc('>', f);
        }
        fputc('\n', f);
    }
    l->n++;
    return 0;
}

static int run_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1] = { NULL };
    int npos = 0;
    struct gh_account a;
    struct list_ctx l = { ctx, 0 };
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 0, 1, &npos);
    (void)state;
    if (rc)
        return rc;
    a.id = 0;
    if (npos && (rc = gh_cli_find_who(ctx, pos[0], &a)) != 0)
        return rc;
    if (ctx->json)
        fputs("[", ctx->out);
    enum gh_status s = gh_card_list(ctx->store, a.id, list_one, &l);
    if (ctx->json)
        fputs("]\n", ctx->out);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (!ctx->json && l.n == 0)
        fprintf(ctx->out, "%s\n", _("no cards"));
    return 0;
}

const struct gh_command gh_cli_cmds_card[] = {
    { sizeof(struct gh_command), "card add",
      "card add WHO UID\n"
      "  WHO  the account's email, phone or id\n"
      "  UID  the card's UID in hex (04:A1:B2:C3 = 04a1b2c3), or the number a\n"
      "       keyboard-wedge reader types",
      N_("Register a card or fob for an active account."), run_add },
    { sizeof(struct gh_command), "card list", "card list [WHO]",
      N_("Cards: owner, when added, the last 4 hex digits."), run_list },
    { sizeof(struct gh_command), "card remove", "card remove UID",
      N_("Remove a card: it stops opening doors at once."), run_remove },
    { 0, NULL, NULL, NULL, NULL }
};
