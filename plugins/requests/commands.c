/*
 * commands.c: the requests plugin's gatehousectl commands.
 *
 *   request add --as WHO [--location NAME] --subject S --text T
 *   request list [--as WHO] [--state open|answered|resolved] [--location NAME]
 *   request show N [--as WHO]
 *   request reply N --text T [--as WHO]
 *   request resolve N [--as WHO]
 *   request reopen N --as WHO
 *   inbox fetch
 *
 * Without --as, gatehousectl acts as the building itself: it sees every
 * request and answers as staff. With --as, exactly what that person may do
 * and see (the core's rules; a pending person may file General requests
 * and nothing else). --text - reads the text from standard input. Exit
 * codes: 0 done, 1 refused or failed, 2 usage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "requests.h"

struct opts {
    const char *as, *location, *subject, *text, *state;
    int64_t id;
    int has_id;
};

static int usage(struct gh_cmd_ctx *ctx, const char *u)
{
    fprintf(ctx->err, "%s %s\n", _("usage: gatehousectl"), u);
    return 2;
}

static int fail(struct gh_cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct gh_cmd_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fputs("gatehousectl: ", ctx->err);
    va_start(ap, fmt);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
    return 1;
}

/* Reads --text - from standard input (at most the text's size). */
static const char *stdin_text(void)
{
    static char buf[GH_REQUEST_TEXT_BUF + 2];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = '\0';
    return buf;
}

/* Options; -1 on a bad one (said), else 0. want_id: a number first. */
static int parse(struct gh_cmd_ctx *ctx, int argc, char **argv, int want_id, struct opts *o,
                 const char *u)
{
    memset(o, 0, sizeof *o);
    int i = 0;
    if (want_id) {
        char *end = NULL;
        if (argc < 1 || (o->id = strtoll(argv[0], &end, 10)) <= 0 || *end)
            return usage(ctx, u), -1;
        o->has_id = 1;
        i = 1;
    }
    for (; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--as") ? &o->as
                          : !strcmp(argv[i], "--location") ? &o->location
                          : !strcmp(argv[i], "--subject") ? &o->subject
                          : !strcmp(argv[i], "--text") ? &o->text
                          : !strcmp(argv[i], "--state") ? &o->state : NULL;
        if (!slot || i + 1 >= argc) {
            fprintf(ctx->err, _("gatehousectl: unknown or incomplete option \"%s\"\n"), argv[i]);
            return usage(ctx, u), -1;
        }
        *slot = argv[++i];
    }
    if (o->text && !strcmp(o->text, "-"))
        o->text = stdin_text();
    return 0;
}

/* --as WHO: the account's id (0 without --as); -1 after saying why. */
static int64_t who_of(struct requests *rq, struct gh_cmd_ctx *ctx, const char *as)
{
    struct gh_account a;
    if (!as)
        return 0;
    if (rq->core->account_find(ctx->store, as, &a) != GH_OK) {
        fail(ctx, _("--as: no account \"%s\""), as);
        return -1;
    }
    return a.id;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void when(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

static int cmd_add(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct requests *rq = state;
    const char *u = "request add --as WHO [--location NAME] --subject S --text T";
    struct opts o;
    if (parse(ctx, argc, argv, 0, &o, u) != 0)
        return 2;
    if (!o.as || !o.subject || !o.text)
        return usage(ctx, u);
    int64_t who = who_of(rq, ctx, o.as), id = 0;
    if (who < 0)
        return 1;
    struct gh_request_new in = { .location = o.location, .subject = o.subject, .text = o.text };
    if (rq->core->request_add(ctx->store, ctx->actor, who, &in, &id) != GH_OK)
        return fail(ctx, "%s", rq->core->errmsg(ctx->store));
    if (ctx->json)
        fprintf(ctx->out, "{\"id\": %lld}\n", (long long)id);
    else
        fprintf(ctx->out, "%lld\n", (long long)id);
    return 0;
}

struct lister {
    struct requests *rq;
    struct gh_cmd_ctx *ctx;
    int n;
};

static int list_one(void *ud, const struct gh_request *r)
{
    struct lister *l = ud;
    FILE *f = l->ctx->out;
    const char *loc = r->location_id ? r->location : "General";
    const char *st = l->rq->core->request_state_name(r->state);
    if (!l->ctx->json) {
        fprintf(f, "#%-5lld %-9s %-20s %-24s %s\n", (long long)r->id, st, loc, r->filer,
                r->subject);
        return 0;
    }
    fprintf(f, "%s{\"id\": %lld, \"state\": \"%s\", \"location\": ", l->n++ ? ",\n " : "",
            (long long)r->id, st);
    json_str(f, loc);
    fprintf(f, ", \"filer_id\": %lld, \"filer\": ", (long long)r->account_id);
    json_str(f, r->filer);
    fputs(", \"subject\": ", f);
    json_str(f, r->subject);
    fprintf(f, ", \"replies\": %lld, \"created_at\": %lld, \"updated_at\": %lld}",
            (long long)r->replies, (long long)r->created_at, (long long)r->updated_at);
    return 0;
}

static int cmd_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct requests *rq = state;
    const char *u = "request list [--as WHO] [--state open|answered|resolved] [--location NAME]";
    struct opts o;
    enum gh_request_state s = GH_REQUEST_OPEN;
    if (parse(ctx, argc, argv, 0, &o, u) != 0)
        return 2;
    if (o.state && rq->core->request_state_parse(o.state, &s) != 0) {
        fprintf(ctx->err, "%s\n", _("gatehousectl: --state: open, answered or resolved"));
        return 2;
    }
    struct gh_request_query q = { .who = who_of(rq, ctx, o.as), .state = o.state ? (int)s : -1,
                                  .location = o.location };
    if (q.who < 0)
        return 1;
    struct lister l = { rq, ctx, 0 };
    if (ctx->json)
        fputc('[', ctx->out);
    enum gh_status st = rq->core->request_list(ctx->store, &q, list_one, &l, NULL);
    if (ctx->json)
        fputs("]\n", ctx->out);
    if (st != GH_OK)
        return fail(ctx, "%s", rq->core->errmsg(ctx->store));
    return 0;
}

static int show_reply(void *ud, const struct gh_request_entry *x)
{
    struct lister *l = ud;
    FILE *f = l->ctx->out;
    char at[32];
    const char *by = x->author_id ? x->author : _("the building");
    if (l->ctx->json) {
        fprintf(f, "%s{\"id\": %lld, \"author_id\": %lld, \"author\": ", l->n++ ? ", " : "",
                (long long)x->id, (long long)x->author_id);
        json_str(f, by);
        fprintf(f, ", \"staff\": %s, \"at\": %lld, \"via\": \"%s\", \"text\": ",
                x->by_staff ? "true" : "false", (long long)x->at, x->via);
        json_str(f, x->text);
        fputc('}', f);
        return 0;
    }
    when(x->at, at, sizeof at);
    fprintf(f, "\n--- %s, %s%s (%s):\n%s\n", by, at, x->by_staff ? " [staff]" : "", x->via,
            x->text);
    return 0;
}

static void show_head(struct gh_cmd_ctx *ctx, struct requests *rq, const struct gh_request *r)
{
    FILE *f = ctx->out;
    const char *loc = r->location_id ? r->location : "General";
    char at[32];
    if (ctx->json) {
        fprintf(f, "{\"id\": %lld, \"state\": \"%s\", \"location\": ", (long long)r->id,
                rq->core->request_state_name(r->state));
        json_str(f, loc);
        fprintf(f, ", \"filer_id\": %lld, \"filer\": ", (long long)r->account_id);
        json_str(f, r->filer);
        fputs(", \"subject\": ", f);
        json_str(f, r->subject);
        fputs(", \"text\": ", f);
        json_str(f, r->text);
        fprintf(f, ", \"created_at\": %lld, \"resolved_at\": %lld, \"replies\": [",
                (long long)r->created_at, (long long)r->resolved_at);
        return;
    }
    when(r->created_at, at, sizeof at);
    fprintf(f, "Request #%lld [#R%lld]: %s\nState:    %s\nLocation: %s\nFiled by: %s, %s\n\n%s\n",
            (long long)r->id, (long long)r->id, r->subject,
            rq->core->request_state_name(r->state), loc, r->filer, at, r->text);
}

static int cmd_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct requests *rq = state;
    const char *u = "request show N [--as WHO]";
    struct opts o;
    struct gh_request *r = malloc(sizeof *r);
    int rc = 1;
    if (!r)
        return fail(ctx, "out of memory");
    if (parse(ctx, argc, argv, 1, &o, u) != 0) {
        free(r);
        return 2;
    }
    int64_t who = who_of(rq, ctx, o.as);
    if (who >= 0 && rq->core->request_get(ctx->store, who, o.id, r) != GH_OK)
        fail(ctx, "%s", rq->core->errmsg(ctx->store));
    else if (who >= 0) {
        struct lister l = { rq, ctx, 0 };
        show_head(ctx, rq, r);
        if (rq->core->request_thread(ctx->store, who, o.id, show_reply, &l) == GH_OK)
            rc = 0;
        if (ctx->json)
            fputs("]}\n", ctx->out);
    }
    free(r);
    return rc;
}

static int cmd_reply(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct requests *rq = state;
    const char *u = "request reply N --text T [--as WHO]";
    struct opts o;
    int64_t rid = 0;
    if (parse(ctx, argc, argv, 1, &o, u) != 0)
        return 2;
    if (!o.text)
        return usage(ctx, u);
    int64_t who = who_of(rq, ctx, o.as);
    if (who < 0)
        return 1;
    if (rq->core->request_reply(ctx->store, ctx->actor, who, o.id, o.text, "cli", NULL, &rid))
        return fail(ctx, "%s", rq->core->errmsg(ctx->store));
    if (ctx->json)
        fprintf(ctx->out, "{\"id\": %lld, \"reply\": %lld}\n", (long long)o.id, (long long)rid);
    return 0;
}

static int cmd_state(struct requests *rq, struct gh_cmd_ctx *ctx, int argc, char **argv,
                     int reopen)
{
    const char *u = reopen ? "request reopen N --as WHO" : "request resolve N [--as WHO]";
    struct opts o;
    if (parse(ctx, argc, argv, 1, &o, u) != 0)
        return 2;
    if (reopen && !o.as)
        return usage(ctx, u);
    int64_t who = who_of(rq, ctx, o.as);
    if (who < 0)
        return 1;
    enum gh_status s = reopen ? rq->core->request_reopen(ctx->store, ctx->actor, who, o.id)
                              : rq->core->request_resolve(ctx->store, ctx->actor, who, o.id);
    if (s != GH_OK)
        return fail(ctx, "%s", rq->core->errmsg(ctx->store));
    return 0;
}

static int cmd_resolve(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_state(state, ctx, argc, argv, 0);
}

static int cmd_reopen(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_state(state, ctx, argc, argv, 1);
}

static int cmd_inbox(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct requests *rq = state;
    struct gh_inbox_result r;
    (void)argv;
    if (argc != 0)
        return usage(ctx, "inbox fetch");
    if (rq->core->inbox_fetch(ctx->store, ctx->config, &r) != GH_OK)
        return fail(ctx, "%s", rq->core->errmsg(ctx->store));
    if (ctx->json) {
        fprintf(ctx->out, "{\"unseen\": %d, \"threaded\": %d, \"ignored\": %d, \"problem\": ",
                r.unseen, r.threaded, r.ignored);
        json_str(ctx->out, r.problem);
        fputs("}\n", ctx->out);
    } else {
        fprintf(ctx->out, _("%d unseen, %d threaded, %d ignored (left unread)\n"), r.unseen,
                r.threaded, r.ignored);
    }
    if (r.problem[0])
        return fail(ctx, "%s", r.problem);
    return 0;
}

#define CMD(nm, us, sm, fn) \
    { .size = sizeof(struct gh_command), .name = nm, .usage = us, .summary = sm, .run = fn }
static const struct gh_command cmds[] = {
    CMD("request add", "request add --as WHO [--location NAME] --subject S --text T",
        "file a request as an occupant (prints its number)", cmd_add),
    CMD("request list",
        "request list [--as WHO] [--state open|answered|resolved] [--location NAME]",
        "requests, or those WHO may see", cmd_list),
    CMD("request show", "request show N [--as WHO]", "a request and its thread", cmd_show),
    CMD("request reply", "request reply N --text T [--as WHO]",
        "reply (as the building, or as WHO)", cmd_reply),
    CMD("request resolve", "request resolve N [--as WHO]", "mark a request resolved",
        cmd_resolve),
    CMD("request reopen", "request reopen N --as WHO",
        "reopen a resolved request (its filer, within 14 days)", cmd_reopen),
    CMD("inbox fetch", "inbox fetch", "thread replies waiting in the [mail] imap mailbox once",
        cmd_inbox),
};
#define N_CMDS (sizeof cmds / sizeof cmds[0])

const struct gh_command *const rq_commands[] = {
    &cmds[0], &cmds[1], &cmds[2], &cmds[3], &cmds[4], &cmds[5], &cmds[6], NULL
};
_Static_assert(N_CMDS == 7, "every command in cmds goes in rq_commands");

int rq_commands_register(struct requests *rq)
{
    for (size_t i = 0; i < N_CMDS; i++)
        if (rq->host->register_command(rq->host->ctx, &cmds[i]) != 0)
            return -1;
    return 0;
}
