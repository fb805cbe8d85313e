/*
 * cmd_log.c: the activity log: `log` shows the newest entries, `log verify`
 * walks the hash chain and names the first entry that was changed, removed
 * or reordered, and checks anchors kept elsewhere (`--anchor SEQ:HASH`);
 * `log head` prints the anchor of the newest entry (SPEC "Activity log").
 * One function a subcommand, listed in gh_cli_cmds_log at the end.
 * `log --door NAME` and `log --account WHO` show only the entries about one
 * door or one account (issue 12). Entries name accounts by id only; the
 * listing shows who they are now (gh_audit_show), "removed occupant #N"
 * once removed; --json keeps the stored fields and adds *_shown ones.
 */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
    int limit;              /* with a filter: matches to show, 0 all */
    char tok[2][64];        /* with a filter: "door:7", or "occupant:12" and "staff:12" */
};

/* Does s hold tok as a whole token ("door:7" in "door:7:Site/Gate", not in
 * "door:71")? */
static int has_token(const char *s, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = s; tok[0] && (p = strstr(p, tok)) != NULL; p++)
        if ((p == s || !isalnum((unsigned char)p[-1])) && !isdigit((unsigned char)p[n]))
            return 1;
    return 0;
}

/* log --door/--account: an entry about the door (its target), or by or about
 * the account (actor, target, or the reason of a kiosk's door entry). */
static int matches(const struct list *li, const struct gh_audit_entry *e)
{
    for (int i = 0; i < 2; i++)
        if (li->tok[i][0] && (has_token(e->actor, li->tok[i]) ||
                              has_token(e->target, li->tok[i]) ||
                              (strncmp(li->tok[i], "door:", 5) != 0 &&
                               has_token(e->reason, li->tok[i]))))
            return 1;
    return 0;
}

/* The entry's actor, target and reason with the accounts they name looked
 * up now (gh_audit_show): display only, the stored text is what is hashed. */
struct shown {
    char actor[512], target[1024], reason[2048];
};

static void json_shown(FILE *f, const struct shown *sh)
{
    fputs(",\"actor_shown\":", f);
    gh_cli_json_str(f, sh->actor);
    fputs(",\"target_shown\":", f);
    gh_cli_json_str(f, sh->target);
    fputs(",\"reason_shown\":", f);
    gh_cli_json_str(f, sh->reason);
}

static void text_one(FILE *f, const struct gh_audit_entry *e, const struct shown *sh)
{
    char t[64];
    gh_cli_time(e->at, t, sizeof t);
    fprintf(f, "%-6lld %s  %-8s ", (long long)e->seq, t, gh_outcome_name(e->outcome));
    gh_cli_text(f, e->action);
    int w = 18 - (int)strlen(e->action);
    fprintf(f, "%*s ", w > 0 ? w : 0, "");
    gh_cli_text(f, sh->actor);
    w = 12 - (int)strlen(sh->actor);
    fprintf(f, "%*s", w > 0 ? w : 0, "");
    if (sh->target[0]) {
        fputs("  ", f);
        gh_cli_text(f, sh->target);
    }
    if (sh->reason[0]) {
        fputs("  — ", f);
        gh_cli_text(f, sh->reason);
    }
    fputc('\n', f);
}

static int list_one(void *ud, const struct gh_audit_entry *e)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    struct shown sh;
    if (li->tok[0][0] && !matches(li, e))
        return 0;
    gh_audit_show(li->ctx->store, e->actor, sh.actor, sizeof sh.actor);
    gh_audit_show(li->ctx->store, e->target, sh.target, sizeof sh.target);
    gh_audit_show(li->ctx->store, e->reason, sh.reason, sizeof sh.reason);
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
        json_shown(f, &sh);
        fputs("}", f);
    } else {
        text_one(f, e, &sh);
    }
    li->n++;
    return li->limit && li->n >= li->limit;
}

/* --door NAME / --account WHO into the list's tokens; 0, or the exit code. */
static int filter_of(struct gh_cmd_ctx *ctx, const char *door, const char *who, struct list *li)
{
    if (door && who)
        return gh_cli_usage_error(ctx, "%s", _("--door and --account: give one of them"));
    if (door) {
        struct gh_location l;
        if (gh_cli_find_location(ctx, door, &l) != 0)
            return 1;
        snprintf(li->tok[0], sizeof li->tok[0], "door:%lld", (long long)l.id);
    } else if (who) {
        struct gh_account a;
        if (gh_cli_find_who(ctx, who, &a) != 0)
            return 1;
        snprintf(li->tok[0], sizeof li->tok[0], "%s:%lld", gh_kind_name(a.kind), (long long)a.id);
    }
    return 0;
}

static int run_log(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *limit = NULL, *door = NULL, *who = NULL;
    const struct gh_cli_opt opts[] = { { "--limit", &limit, NULL }, { "--door", &door, NULL },
                                       { "--account", &who, NULL }, { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t n = 50;
    if (limit && gh_cli_int(limit, 0, 1000000000, &n) != 0)
        return gh_cli_usage_error(ctx, "%s", _("--limit: must be a number (0 for all)"));
    struct list li = { ctx, 0, (int)n, { "", "" } };
    if ((rc = filter_of(ctx, door, who, &li)) != 0)
        return rc;
    /* With a filter, the whole log is walked and the limit counts matches. */
    enum gh_status s = gh_audit_list(ctx->store, li.tok[0][0] ? 0 : (int)n, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

/* --anchor may be given many times, which gh_cli_parse refuses for an
 * option: take those out first (each checked for its form, a usage error
 * naming it), leaving the rest for gh_cli_parse. */
#define MAX_ANCHORS 64
struct anchor {
    const char *text;
    int64_t seq;
    char hash[65];
};

static int take_anchors(struct gh_cmd_ctx *ctx, int *argc, char **argv, struct anchor *anchors,
                        int *n)
{
    int out = 0;
    *n = 0;
    for (int i = 0; i < *argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--anchor") == 0) {
            if (i + 1 >= *argc)
                return gh_cli_usage_error(ctx, "%s", _("--anchor: needs SEQ:HASH"));
            v = argv[++i];
        } else if (strncmp(argv[i], "--anchor=", 9) == 0) {
            v = argv[i] + 9;
        }
        if (!v) {
            argv[out++] = argv[i];
            continue;
        }
        if (*n >= MAX_ANCHORS)
            return gh_cli_usage_error(ctx, _("--anchor: at most %d"), MAX_ANCHORS);
        struct anchor *a = &anchors[(*n)++];
        a->text = v;
        if (gh_audit_anchor_parse(v, &a->seq, a->hash) != GH_OK)
            return gh_cli_usage_error(ctx, _("--anchor %s: must be SEQ:HASH, as printed by "
                                             "`log head` (a number, a colon, 64 hex digits)"), v);
    }
    *argc = out;
    return 0;
}

/* Every anchor, after the chain: 0 all hold, 1 (named on stderr) not. An
 * anchor older than the checkpoint (log_retention_days) is said on stdout
 * and counted in *old: not tampering. */
static int check_anchors(struct gh_cmd_ctx *ctx, const struct anchor *anchors, int n, int *bad,
                         int *old)
{
    for (int i = 0; i < n; i++) {
        enum gh_status s = gh_audit_check_anchor(ctx->store, anchors[i].seq, anchors[i].hash);
        if (s == GH_E_EXPIRED) {
            (*old)++;
            if (!ctx->json) {
                gh_cli_text(ctx->out, gh_store_errmsg(ctx->store));
                fputc('\n', ctx->out);
            }
        } else if (s == GH_E_TAMPERED) {
            *bad = 1;
            fprintf(ctx->err, "gatehousectl: %s ", _("activity log tampered:"));
            gh_cli_text(ctx->err, gh_store_errmsg(ctx->store));
            fputc('\n', ctx->err);
        } else if (s != GH_OK) {
            return gh_cli_store_fail(ctx, s);
        }
    }
    return 0;
}

static int run_verify(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    struct anchor anchors[MAX_ANCHORS];
    int nanchors = 0, anchor_bad = 0, anchor_old = 0;
    int rc = take_anchors(ctx, &argc, argv, anchors, &nanchors);
    if (rc == 0)
        rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t bad = 0, count = 0, n = 0, cp = 0;
    char head[65] = "";
    enum gh_status s = gh_audit_verify(ctx->store, &bad, &count);
    if (s == GH_OK &&
        (rc = check_anchors(ctx, anchors, nanchors, &anchor_bad, &anchor_old)) != 0)
        return rc;
    if (s == GH_OK && gh_audit_head(ctx->store, &n, head) != GH_OK)
        head[0] = '\0';
    if (s == GH_OK && gh_audit_checkpoint(ctx->store, &cp, NULL) != GH_OK)
        cp = 0;
    if (ctx->json) {
        fprintf(ctx->out, "{\"ok\":%s,\"entries\":%lld,\"first_bad\":%lld,\"anchors_ok\":%s,"
                "\"head\":", s == GH_OK && !anchor_bad ? "true" : "false", (long long)count,
                (long long)bad, s == GH_OK && !anchor_bad ? "true" : "false");
        gh_cli_json_str(ctx->out, head[0] ? head : NULL);
        fprintf(ctx->out, ",\"checkpoint\":%lld,\"anchors_before_retention\":%d",
                (long long)cp, anchor_old);
        fputs(",\"message\":", ctx->out);
        gh_cli_json_str(ctx->out, s == GH_OK && !anchor_bad ? NULL : gh_store_errmsg(ctx->store));
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
    if (anchor_bad)
        return 1;
    if (ctx->json)
        return 0;
    if (cp > 0)
        fprintf(ctx->out, _("activity log pruned up to entry %lld (log_retention_days): "
                            "verified from its checkpoint on\n"), (long long)cp);
    fprintf(ctx->out, "%s: %lld %s, %d %s; %s %lld:%s\n", _("activity log intact"),
            (long long)count, _("entries verified"), nanchors - anchor_old, _("anchor(s) held"),
            _("head"), (long long)n, head[0] ? head : "-");
    return 0;
}

/* The newest entry as SEQ:HASH: the anchor to keep outside the database. */
static int run_head(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t seq = 0;
    char hash[65];
    enum gh_status s = gh_audit_head(ctx->store, &seq, hash);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fprintf(ctx->out, "{\"seq\":%lld,\"hash\":\"%s\",\"anchor\":\"%lld:%s\"}\n",
                (long long)seq, hash, (long long)seq, hash);
    else
        fprintf(ctx->out, "%lld:%s\n", (long long)seq, hash);
    return 0;
}

/* What the kiosk does once a day (log_retention_days), now. */
static int run_prune(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *days_text = NULL;
    const struct gh_cli_opt opts[] = { { "--days", &days_text, NULL }, { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int64_t days = 0, pruned = 0, cp = 0;
    if (days_text && gh_cli_int(days_text, 1, 36500, &days) != 0)
        return gh_cli_usage_error(ctx, "%s", _("--days: must be a whole number from 1 to 36500"));
    if (!days_text)
        days = gh_settings_get_int(ctx->store, GH_SETTING_LOG_RETENTION_DAYS);
    enum gh_status s = gh_audit_prune(ctx->store, ctx->actor, days, &pruned);
    if (s == GH_OK)
        s = gh_audit_checkpoint(ctx->store, &cp, NULL);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fprintf(ctx->out, "{\"days\":%lld,\"pruned\":%lld,\"checkpoint\":%lld}\n",
                (long long)days, (long long)pruned, (long long)cp);
    else if (days <= 0)
        fprintf(ctx->out, "%s\n", _("log_retention_days is 0 (keep everything): nothing pruned"));
    else if (pruned == 0)
        fprintf(ctx->out, _("nothing to prune: no entry older than %lld days (or not yet sent "
                            "to the site server)\n"), (long long)days);
    else
        fprintf(ctx->out, _("%lld entries older than %lld days pruned; the log starts at its "
                            "checkpoint, entry %lld\n"), (long long)pruned, (long long)days,
                (long long)cp);
    return 0;
}

const struct gh_command gh_cli_cmds_log[] = {
    { sizeof(struct gh_command), "log",
      "log [--limit N] [--door NAME | --account WHO]\n"
      "  --limit N       show the newest N entries (default 50, 0 for all)\n"
      "  --door NAME     only entries about that door (who opened it, refusals)\n"
      "  --account WHO   only entries by or about that account (email, phone or id)",
      N_("Show the activity log, newest first."), run_log },
    { sizeof(struct gh_command), "log verify",
      "log verify [--anchor SEQ:HASH]...\n"
      "  --anchor SEQ:HASH  also check that entry SEQ is still in the log with this hash\n"
      "                     (as printed by `log head`; repeatable)",
      N_("Check the log's hash chain; names the first entry changed, removed or reordered."),
      run_verify },
    { sizeof(struct gh_command), "log prune",
      "log prune [--days N]\n"
      "  --days N   prune entries older than N days (default: the log_retention_days\n"
      "             setting; 0 there keeps everything)",
      N_("Prune old entries behind one checkpoint entry, as the kiosk does daily."),
      run_prune },
    { sizeof(struct gh_command), "log head", "log head",
      N_("Print the newest entry as SEQ:HASH, an anchor to keep outside the database."),
      run_head },
    { 0, NULL, NULL, NULL, NULL }
};
