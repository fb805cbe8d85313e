/*
 * cmd_log.c: the activity log: `log` shows the newest entries, `log verify`
 * walks the hash chain and names the first entry that was changed, removed
 * or reordered (SPEC "Activity log").
 */
#include "cli.h"

#include <string.h>

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static int list_one(void *ud, const struct gh_audit_entry *e)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        fprintf(f, "{\"seq\":%lld,\"at\":%lld,\"actor\":", (long long)e->seq, (long long)e->at);
        gh_cli_json_str(f, e->actor);
        fputs(",\"action\":", f);
        gh_cli_json_str(f, e->action);
        fputs(",\"target\":", f);
        gh_cli_json_str(f, e->target);
        fputs(",\"outcome\":", f);
        gh_cli_json_str(f, gh_outcome_name(e->outcome));
        fputs(",\"reason\":", f);
        gh_cli_json_str(f, e->reason);
        fputs(",\"hash\":", f);
        gh_cli_json_str(f, e->hash);
        fputs("}", f);
    } else {
        char t[64];
        gh_cli_time(e->at, t, sizeof t);
        fprintf(f, "%-6lld %s  %-8s ", (long long)e->seq, t, gh_outcome_name(e->outcome));
        gh_cli_text(f, e->action);
        int w = 18 - (int)strlen(e->action);
        fprintf(f, "%*s ", w > 0 ? w : 0, "");
        gh_cli_text(f, e->actor);
        w = 12 - (int)strlen(e->actor);
        fprintf(f, "%*s", w > 0 ? w : 0, "");
        if (e->target[0]) {
            fputs("  ", f);
            gh_cli_text(f, e->target);
        }
        if (e->reason[0]) {
            fputs("  — ", f);
            gh_cli_text(f, e->reason);
        }
        fputc('\n', f);
    }
    li->n++;
    return 0;
}

static int run_log(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *limit = NULL;
    const struct gh_cli_opt opts[] = { { "--limit", &limit, NULL }, { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t n = 50;
    if (limit && gh_cli_int(limit, 0, 1000000000, &n) != 0)
        return gh_cli_usage_error(ctx, "%s", _("--limit: must be a number (0 for all)"));
    struct list li = { ctx, 0 };
    enum gh_status s = gh_audit_list(ctx->store, (int)n, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int run_verify(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t bad = 0, count = 0, n = 0;
    char head[65] = "";
    enum gh_status s = gh_audit_verify(ctx->store, &bad, &count);
    /* The newest entry's hash is the anchor an operator keeps elsewhere:
     * cutting entries off the end leaves a chain that verifies, but not
     * one that ends in the same hash. */
    if (s == GH_OK && gh_audit_head(ctx->store, &n, head) != GH_OK)
        head[0] = '\0';
    if (ctx->json) {
        fprintf(ctx->out, "{\"ok\":%s,\"entries\":%lld,\"first_bad\":%lld,\"head\":",
                s == GH_OK ? "true" : "false", (long long)count, (long long)bad);
        gh_cli_json_str(ctx->out, head[0] ? head : NULL);
        fputs(",\"message\":", ctx->out);
        gh_cli_json_str(ctx->out, s == GH_OK ? NULL : gh_store_errmsg(ctx->store));
        fputs("}\n", ctx->out);
    }
    if (s == GH_E_TAMPERED) {
        fprintf(ctx->err, "gatehousectl: %s #%lld: ", _("activity log tampered: first bad entry"),
                (long long)bad);
        gh_cli_text(ctx->err, gh_store_errmsg(ctx->store));
        fputc('\n', ctx->err);
        return 1;
    }
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (!ctx->json)
        fprintf(ctx->out, "%s: %lld %s; %s %s\n", _("activity log intact"), (long long)count,
                _("entries verified"), _("newest hash"), head[0] ? head : "-");
    return 0;
}

const struct gh_command gh_cli_cmds_log[] = {
    { sizeof(struct gh_command), "log",
      "log [--limit N]\n"
      "  --limit N  show the newest N entries (default 50, 0 for all)",
      N_("Show the activity log, newest first."), run_log },
    { sizeof(struct gh_command), "log verify", "log verify",
      N_("Check the log's hash chain; names the first entry changed, removed or reordered."),
      run_verify },
    { 0, NULL, NULL, NULL, NULL }
};
