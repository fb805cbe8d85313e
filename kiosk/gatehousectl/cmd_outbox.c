/*
 * cmd_outbox.c: the mail waiting for (or already given to) the relay:
 * `outbox list` and `outbox show ID`. Sending and retrying are the mail
 * area's commands (gh_cli_cmds_mail).
 *
 * `outbox show` prints the body as stored: while a welcome message is
 * queued it holds the setup code in clear (the core redacts it once sent or
 * failed). Whoever can run this can read the database anyway.
 */
#include "cli.h"

#include <string.h>

struct list {
    struct gh_cmd_ctx *ctx;
    int n;
};

static void json_mail(FILE *f, const struct gh_mail *m, int body)
{
    fprintf(f, "{\"id\":%lld,\"created_at\":%lld,\"kind\":", (long long)m->id,
            (long long)m->created_at);
    gh_cli_json_str(f, m->kind);
    fprintf(f, ",\"account_id\":%lld,\"to\":", (long long)m->account_id);
    gh_cli_json_str(f, m->to_addr);
    fputs(",\"to_name\":", f);
    gh_cli_json_str(f, m->to_name);
    fputs(",\"subject\":", f);
    gh_cli_json_str(f, m->subject);
    fputs(",\"message_id\":", f);
    gh_cli_json_str(f, m->message_id);
    fputs(",\"state\":", f);
    gh_cli_json_str(f, gh_mail_state_name(m->state));
    fprintf(f, ",\"attempts\":%d,\"next_attempt_at\":%lld,\"first_fail_at\":%lld,"
               "\"sent_at\":%lld,\"last_error\":",
            m->attempts, (long long)m->next_attempt_at, (long long)m->first_fail_at,
            (long long)m->sent_at);
    gh_cli_json_str(f, m->last_error);
    if (body) {
        fputs(",\"body\":", f);
        gh_cli_json_str(f, m->body);
    }
    fputc('}', f);
}

static int list_one(void *ud, const struct gh_mail *m)
{
    struct list *li = ud;
    FILE *f = li->ctx->out;
    if (li->ctx->json) {
        fputs(li->n ? ",\n " : "[", f);
        json_mail(f, m, 0);
    } else {
        char t[64];
        gh_cli_time(m->created_at, t, sizeof t);
        if (!li->n)
            fprintf(f, "%-6s %-7s %-19s %-14s %-8s %-32s %s\n", "ID", _("STATE"), _("QUEUED"),
                    _("KIND"), _("TRIES"), _("TO"), _("SUBJECT"));
        fprintf(f, "%-6lld %-7s %-19s %-14s %-8d ", (long long)m->id,
                gh_mail_state_name(m->state), t, m->kind, m->attempts);
        gh_cli_text(f, m->to_addr);
        int w = 32 - (int)strlen(m->to_addr);
        fprintf(f, "%*s ", w > 0 ? w : 0, "");
        gh_cli_text(f, m->subject);
        fputc('\n', f);
    }
    li->n++;
    return 0;
}

static int run_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const char *st = NULL;
    const struct gh_cli_opt opts[] = { { "--state", &st, NULL }, { NULL, NULL, NULL } };
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;
    int state_v = -1;
    if (st) {
        if (strcmp(st, "queued") == 0)
            state_v = GH_MAIL_QUEUED;
        else if (strcmp(st, "sent") == 0)
            state_v = GH_MAIL_SENT;
        else if (strcmp(st, "failed") == 0)
            state_v = GH_MAIL_FAILED;
        else if (strcmp(st, "cancelled") == 0)
            state_v = GH_MAIL_CANCELLED;
        else
            return gh_cli_usage_error(ctx, "%s",
                                      _("--state: must be queued, sent, failed or cancelled"));
    }
    struct list li = { ctx, 0 };
    enum gh_status s = gh_outbox_list(ctx->store, state_v, list_one, &li);
    if (ctx->json)
        fputs(li.n ? "]\n" : "[]\n", ctx->out);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

static int run_show(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    int64_t id;
    if (gh_cli_int(pos[0], 1, INT64_MAX, &id) != 0)
        return gh_cli_usage_error(ctx, "%s", _("ID: must be a message number"));
    struct gh_mail m = {0};
    enum gh_status s = gh_outbox_get(ctx->store, id, &m);
    if (s == GH_E_NOTFOUND)
        return gh_cli_fail(ctx, _("no message with id %lld"), (long long)id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    FILE *f = ctx->out;
    if (ctx->json) {
        json_mail(f, &m, 1);
        fputc('\n', f);
    } else {
        char t[64];
        fprintf(f, "%-12s %lld\n%-12s %s\n%-12s %s\n", "id:", (long long)m.id, _("state:"),
                gh_mail_state_name(m.state), _("kind:"), m.kind);
        fprintf(f, "%-12s ", _("to:"));
        gh_cli_text(f, m.to_name);
        fputs(m.to_name[0] ? " <" : "<", f);
        gh_cli_text(f, m.to_addr);
        fprintf(f, ">\n%-12s ", _("subject:"));
        gh_cli_text(f, m.subject);
        fprintf(f, "\n%-12s ", "message-id:");
        gh_cli_text(f, m.message_id);
        gh_cli_time(m.created_at, t, sizeof t);
        fprintf(f, "\n%-12s %s\n%-12s %d\n", _("queued:"), t, _("attempts:"), m.attempts);
        if (m.state == GH_MAIL_QUEUED && m.next_attempt_at) {
            gh_cli_time(m.next_attempt_at, t, sizeof t);
            fprintf(f, "%-12s %s\n", _("next try:"), t);
        }
        if (m.sent_at) {
            gh_cli_time(m.sent_at, t, sizeof t);
            fprintf(f, "%-12s %s\n", _("sent:"), t);
        }
        if (m.last_error[0]) {
            fprintf(f, "%-12s ", _("last error:"));
            gh_cli_text(f, m.last_error);
            fputc('\n', f);
        }
        /* The body is UTF-8 text with line breaks; other control characters
         * are still masked, line by line. */
        fputc('\n', f);
        const char *b = m.body ? m.body : "";
        while (*b) {
            size_t n = strcspn(b, "\n");
            char line[1024];
            size_t k = n < sizeof line - 1 ? n : sizeof line - 1;
            memcpy(line, b, k);
            line[k] = '\0';
            if (k && line[k - 1] == '\r')
                line[k - 1] = '\0';
            gh_cli_text(f, line);
            fputc('\n', f);
            b += n + (b[n] == '\n');
        }
    }
    gh_mail_clear(&m);
    return 0;
}

const struct gh_command gh_cli_cmds_outbox[] = {
    { sizeof(struct gh_command), "outbox list", "outbox list [--state queued|sent|failed|cancelled]",
      N_("Show the mail in the outbox, newest first."), run_list },
    { sizeof(struct gh_command), "outbox show", "outbox show ID",
      N_("Show one message with its body and delivery attempts."), run_show },
    { 0, NULL, NULL, NULL, NULL }
};
