/*
 * cmd_mail.c: the mail area's commands: `outbox flush` delivers everything
 * due now to the relay and says how it went; `outbox retry ID` makes a
 * deferred or failed message due again (the kiosk's mail thread, or the
 * next flush, sends it).
 *
 * flush runs batches over one connection (gh_mail_batch_deliver) until
 * nothing more is due. Each batch is claimed in the database before its
 * first send, so a write-locked database means nothing is sent (an error,
 * exit 1). A message is marked only after the relay's answer,
 * so killing flush half-way leaves at most the message on the wire
 * accepted-but-unmarked: the next flush sends it again with the same
 * Message-ID (at-least-once, SPEC "Mail").
 *
 * Exit code: 0 when everything due was delivered and nothing is left
 * queued; 1 when something is still queued (deferred, waiting, or held by a
 * relay problem) or failed during this run, or when the kiosk is running
 * (it holds the instance lock and delivers mail itself: two deliverers would
 * send the same messages twice) and --force was not given.
 */
#include "cli.h"

#include <string.h>

#include "gatehouse/backup.h"
#include "gatehouse/clock.h"
#include "gatehouse/mail_batch.h"

static int run_flush(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    int force = 0;
    const struct gh_cli_opt opts[] = { { "--force", NULL, &force }, { NULL, NULL, NULL } };
    struct gh_mailer *m = NULL;
    struct gh_mail_batch total = { 0 }, b;
    char err[512], problem[512] = "";
    enum gh_status s = GH_OK;
    int rc = gh_cli_parse(ctx, opts, argc, argv, NULL, 0, 0, NULL);
    if (rc)
        return rc;

    /* A running kiosk delivers on its own thread; two deliverers would
     * take the same due messages and send them twice. */
    long kiosk = gh_store_instance_holder(ctx->config->store_path);
    if (kiosk != 0 && !force)
        return gh_cli_fail(ctx, _("the kiosk (pid %ld) is running and delivers the mail "
                                  "itself; `outbox retry ID` makes a message due now, "
                                  "--force flushes anyway, taking turns with it"), kiosk);

    s = gh_mailer_new(ctx->config, &m, err, sizeof err);
    if (s != GH_OK)
        return gh_cli_fail(ctx, "%s", err);

    /* Each batch marks every message it takes (or stops at a relay
     * problem), and a deferred message is not due again for a minute, so
     * this ends; the bound is for safety, not for the normal case. */
    int64_t bound = gh_outbox_count(ctx->store, GH_MAIL_QUEUED) + 2;
    for (int64_t i = 0; i < bound; i++) {
        s = gh_mail_batch_deliver(m, ctx->store, gh_clock_now_ms(), 0, &b);
        total.tried += b.tried;
        total.sent += b.sent;
        total.deferred += b.deferred;
        total.failed += b.failed;
        total.held += b.held;
        total.waiting = b.waiting;       /* what is left behind, not a sum */
        if (b.relay != GH_MAILV_SENT)
            snprintf(problem, sizeof problem, "%s", b.problem);
        if (s != GH_OK || b.relay == GH_MAILV_CONFIG)
            break;
        if (!b.more && b.sent + b.deferred + b.failed == 0)
            break;
        if (!b.more && b.relay != GH_MAILV_SENT)
            break;                       /* relay unreachable: all deferred */
    }
    gh_mailer_free(m);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);

    if (problem[0]) {
        gh_audit_append(ctx->store, ctx->actor, "mail.relay_problem", "mail relay",
                        GH_OUTCOME_FAILED, problem);
    }
    int64_t queued = gh_outbox_count(ctx->store, GH_MAIL_QUEUED);
    if (ctx->json) {
        fprintf(ctx->out,
                "{\"sent\":%d,\"deferred\":%d,\"failed\":%d,\"held\":%d,\"queued\":%lld,"
                "\"problem\":",
                total.sent, total.deferred, total.failed, total.held, (long long)queued);
        gh_cli_json_str(ctx->out, problem[0] ? problem : NULL);
        fputs("}\n", ctx->out);
    } else {
        fprintf(ctx->out, _("outbox flush: %d sent, %d deferred, %d failed; %lld still queued"),
                total.sent, total.deferred, total.failed, (long long)queued);
        if (problem[0]) {
            fputs(_("; relay problem: "), ctx->out);
            gh_cli_text(ctx->out, problem);
        }
        fputc('\n', ctx->out);
    }
    return queued == 0 && total.failed == 0 ? 0 : 1;
}

static int run_retry(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    static const struct gh_cli_opt opts[] = { { NULL, NULL, NULL } };
    char *pos[1];
    int rc = gh_cli_parse(ctx, opts, argc, argv, pos, 1, 1, NULL);
    if (rc)
        return rc;
    int64_t id;
    if (gh_cli_int(pos[0], 1, INT64_MAX, &id) != 0)
        return gh_cli_usage_error(ctx, "%s", _("ID: must be a message number"));
    enum gh_status s = gh_outbox_retry(ctx->store, ctx->actor, id);
    if (s == GH_E_NOTFOUND)
        return gh_cli_fail(ctx, _("no message with id %lld"), (long long)id);
    if (s != GH_OK)
        return gh_cli_store_fail(ctx, s);
    if (ctx->json)
        fprintf(ctx->out, "{\"id\":%lld,\"state\":\"queued\"}\n", (long long)id);
    else
        fprintf(ctx->out, _("message %lld is queued and due now\n"), (long long)id);
    return 0;
}

const struct gh_command gh_cli_cmds_mail[] = {
    { sizeof(struct gh_command), "outbox flush", "outbox flush [--force]\n"
      "  --force   flush even while the kiosk runs (taking turns with its mail\n"
      "            thread)",
      N_("Deliver every message that is due now to the mail relay; exit 1 if any is "
         "left queued or failed."), run_flush },
    { sizeof(struct gh_command), "outbox retry", "outbox retry ID",
      N_("Make a deferred or failed message due again now."), run_retry },
    { 0, NULL, NULL, NULL, NULL }
};
