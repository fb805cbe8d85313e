/*
 * card_commands.c: the card reader commands of gatehousectl (issue 13).
 *
 *   reader list              the readers of [readers] found now: kind,
 *                            vendor:product, device and name (keyboard-wedge)
 *                            or the PC/SC reader's name; or why none
 *   reader test [--seconds N]  waits up to N s (default 30) for one card on
 *                            those readers and prints the reader and the
 *                            card's last 4 hex digits (for installing a
 *                            reader; nothing is looked up or logged)
 *
 * Both open the readers themselves (the kiosk's threads are not running
 * here); `reader list` does not take keyboard-wedge readers from the
 * keyboard, `reader test` does for its wait, so a card's number is not typed
 * into the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cards.h"

/* The configured backends: how many (0: none configured). */
static int backends(const struct gh_host *h, const struct lc_reader_backend *b[2],
                    const char *arg[2])
{
    const char *keyboard;
    int pcsc, n = 0;
    lc_readers_config(h, &keyboard, &pcsc);
    if (keyboard[0]) {
        b[n] = &lc_reader_evdev;
        arg[n++] = keyboard;
    }
    if (pcsc) {
        b[n] = &lc_reader_pcsc;
        arg[n++] = "";
    }
    return n;
}

static int none(struct gh_cmd_ctx *ctx)
{
    fprintf(ctx->out, "%s\n", _("no card readers configured: set [readers] keyboard = "
                                "VENDOR:PRODUCT or pcsc = on (docs/readers.md)"));
    return 0;
}

static int cmd_reader_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const struct lc_reader_backend *b[2];
    const char *arg[2];
    char err[LC_READ_TEXT_BUF], desc[2048];
    struct lc_reader_event ev;
    (void)state; (void)argv;
    if (argc) {
        fprintf(ctx->err, "%s %s\n", _("usage: gatehousectl"), "reader list");
        return 2;
    }
    int n = backends(ctx->host, b, arg);
    if (!n)
        return none(ctx);
    for (int i = 0; i < n; i++) {
        err[0] = '\0';
        void *h = b[i]->open(arg[i], 0, err, sizeof err);
        if (!h) {
            fprintf(ctx->out, "%s: %s\n", b[i]->kind, err);
            continue;
        }
        /* PC/SC learns its readers on the first wait; the keyboard scan is done. */
        if (b[i] == &lc_reader_pcsc)
            b[i]->wait(h, 0, &ev, err, sizeof err);
        b[i]->describe(h, desc, sizeof desc);
        fprintf(ctx->out, "%s\n", desc);
        b[i]->close(h);
        explicit_bzero(&ev, sizeof ev);
    }
    return 0;
}

/* Waits for one card on the readers of cfg; prints it. 0, or 1 none. */
static int wait_card(struct gh_cmd_ctx *ctx, int seconds)
{
    struct lc_readers *r = lc_readers_new();
    struct lc_reader_event ev;
    const struct lc_reader_backend *b[2];
    const char *arg[2];
    int n = backends(ctx->host, b, arg), rc = 1;
    for (int i = 0; r && i < n; i++)
        lc_readers_add(r, b[i], arg[i]);
    int64_t end = lc_reader_now_us() + (int64_t)seconds * 1000000;
    while (r && rc && lc_reader_now_us() < end) {
        if (!lc_readers_take(r, &ev)) {
            struct timespec ts = { 0, 20 * 1000000L };
            nanosleep(&ts, NULL);
            continue;
        }
        if (ev.kind == LC_EV_CARD) {
            size_t k = strlen(ev.uid);
            fprintf(ctx->out, _("card read by %s: ...%s\n"), ev.text, ev.uid + (k > 4 ? k - 4 : 0));
            rc = 0;
        } else {
            fprintf(ctx->out, "%s\n", ev.text);
        }
        fflush(ctx->out);
        explicit_bzero(&ev, sizeof ev);
    }
    lc_readers_free(r);
    if (rc)
        fprintf(ctx->out, _("no card read in %d seconds\n"), seconds);
    return rc;
}

static int cmd_reader_test(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    const struct lc_reader_backend *b[2];
    const char *arg[2];
    int seconds = 30;
    (void)state;
    for (int i = 0; i < argc; i++) {
        char *end = NULL;
        long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
        if (strcmp(argv[i], "--seconds") != 0 || !end || *end || v < 1 || v > 3600) {
            fprintf(ctx->err, "%s %s\n", _("usage: gatehousectl"),
                    "reader test [--seconds N]   (N: 1 to 3600)");
            return 2;
        }
        seconds = (int)v;
        i++;
    }
    if (!backends(ctx->host, b, arg))
        return none(ctx);
    fprintf(ctx->out, _("hold a card to the reader (waiting %d seconds)\n"), seconds);
    fflush(ctx->out);
    return wait_card(ctx, seconds);
}

const struct gh_command lc_reader_cmds[2] = {
    {.size = sizeof(struct gh_command), .name = "reader list", .usage = "reader list",
     .summary = "card readers found now (keyboard-wedge and PC/SC)", .run = cmd_reader_list},
    {.size = sizeof(struct gh_command), .name = "reader test",
     .usage = "reader test [--seconds N]",
     .summary = "wait for one card and show its last 4 hex digits", .run = cmd_reader_test},
};
