/*
 * commands.c: the lock control plugin's gatehousectl commands.
 *
 *   relay list                       boards found: family, ID, channels, each
 *                                    relay's state and the doors bound to it
 *   relay rename FROM TO             a HID relay board's new ID
 *   relay test BOARD:CHANNEL [--ms N]  pulse one relay (admin use)
 *   unlock DOOR --as WHO --pin PIN   what the kiosk does: log-in, the core's
 *                                    decision (logged as an unlock), the pulse,
 *                                    and waiting until the relay is off again
 *   unlock DOOR --code CODE|-        the same with a personal door code, behind
 *                                    the door-code throttle of the kiosk
 *                                    "gatehousectl" (issue 12)
 *
 * gatehousectl has no event loop, so these commands open their own relay
 * manager (which switches every relay it finds off, as the kiosk does at
 * start-up) and, where a pulse runs, wait in real time with a bounded loop
 * that sleeps until the manager's next deadline. A board held by the running
 * kiosk cannot be claimed by a second program: the commands then say the
 * board could not be taken over, with the USB error.
 *
 * `unlock` decides before it opens the manager, so a denied unlock sends
 * nothing to any board. Exit codes: 0 done, 1 denied or failed, 2 usage.
 *
 * A relay must not stay on because the command was stopped: from before
 * the manager opens until it is closed, `relay test` and `unlock` catch
 * SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGTSTP (the handler only sets a
 * flag; the wait wakes at once, since nothing restarts the sleep), switch
 * every relay off, say so and exit 1. SIGKILL cannot be caught: docs/relay-boards.md says what
 * covers that (the next start's all-off, and the hardware).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lockctl.h"

#define PULSE_SLACK_MS 3000   /* past its end, a pulse that is still on is a failure */
#define TEST_PULSE_MS 1000

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

/* ---- stopping signals while a relay may be on --------------------------- */

static volatile sig_atomic_t stop_sig;
/* SIGQUIT (Ctrl-\\) would dump core and SIGTSTP (Ctrl-Z) would freeze the
 * command with the door open: both end it like the other three. */
static const int stop_sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGTSTP};
#define N_STOP_SIGS (sizeof stop_sigs / sizeof stop_sigs[0])

static void on_stop(int sig)
{
    stop_sig = sig;   /* async-signal-safe: the wait loop does the rest */
}

/* Catches the stopping signals (saving what was there) until guard_off. */
static void guard_on(struct sigaction old[N_STOP_SIGS])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;   /* no SA_RESTART: a sleep returns at once */
    sigemptyset(&sa.sa_mask);
    stop_sig = 0;
    for (size_t i = 0; i < N_STOP_SIGS; i++)
        sigaction(stop_sigs[i], &sa, &old[i]);
}

static void guard_off(const struct sigaction old[N_STOP_SIGS])
{
    for (size_t i = 0; i < N_STOP_SIGS; i++)
        sigaction(stop_sigs[i], &old[i], NULL);
}

static const char *sig_name(int sig)
{
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGTSTP: return "SIGTSTP";
    }
    return "a signal";
}

/* Stopped by a signal: every relay off now, and say so. Returns 1. */
static int stopped(struct lockctl *lc, struct gh_cmd_ctx *ctx)
{
    enum gh_status s = lc->mgr ? lc_relay_mgr_all_off(lc->mgr) : GH_OK;
    if (s != GH_OK)
        return fail(ctx, _("stopped by %s; switching every relay off FAILED: %s"),
                    sig_name(stop_sig), lc_relay_mgr_errmsg(lc->mgr));
    return fail(ctx, _("stopped by %s: every relay switched off"), sig_name(stop_sig));
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_sig)
        ;
}

/* A board another program holds (the running kiosk) cannot be claimed: say
 * so in words next to libusb's "Resource busy". */
static void busy_hint(struct lockctl *lc, FILE *f)
{
    if (lc->open_busy)
        fprintf(f, "  %s\n", _("(a board in use by another program, such as the running kiosk, "
                                "cannot be taken over: stop that program first)"));
}

/* Opens the manager for a command; 0, or 1 after saying why. */
static int open_mgr(struct lockctl *lc, struct gh_cmd_ctx *ctx, int log_events)
{
    char err[600];
    if (lc->mgr)
        return 0;
    lc->quiet_found = 1;
    if (lc_mgr_open(lc, log_events ? ctx->store : NULL, ctx->actor, err, sizeof err) != GH_OK)
        return fail(ctx, "%s", err);
    /* What the first scan ran into; later calls overwrite the message. */
    lc->open_busy = lc_relay_mgr_scan_status(lc->mgr) == GH_E_TRANSIENT;
    return 0;
}

/* The relay's state as last read back, for the board called id. */
struct state_q {
    const char *id;
    int found;
    uint32_t state;
    enum lc_relay_board_status status;
};

static void state_cb(void *user, const struct lc_relay_board_info *b)
{
    struct state_q *q = user;
    if (strcmp(b->id, q->id) == 0 && (!q->found || b->status != LC_RELAY_BOARD_UNAVAILABLE)) {
        q->found = 1;
        q->state = b->state;
        q->status = b->status;
    }
}

/* Polls the manager until BOARD's CHANNEL is off after end (host->mono_ms),
 * sleeping until each deadline: no busy loop, bounded by PULSE_SLACK_MS. */
static int wait_off(struct lockctl *lc, struct gh_cmd_ctx *ctx, const char *board, int channel,
                    int64_t end)
{
    const struct gh_host *h = lc->host;
    for (;;) {
        if (stop_sig)
            return stopped(lc, ctx);
        int64_t now = h->mono_ms();
        lc_relay_mgr_poll(lc->mgr, now);
        struct state_q q = {.id = board};
        lc_relay_list(lc->mgr, state_cb, &q);
        if (!q.found || q.status == LC_RELAY_BOARD_UNAVAILABLE)
            return fail(ctx, _("board %s went away during the pulse (it lost power: relays off)"),
                        board);
        now = h->mono_ms();
        if (now >= end && !(q.state & (1u << (channel - 1))))
            return 0;
        if (now >= end + PULSE_SLACK_MS)
            return fail(ctx, _("relay %s:%d did not switch off: %s"), board, channel,
                        lc_relay_mgr_errmsg(lc->mgr));
        int64_t next = lc_relay_mgr_next_deadline(lc->mgr);
        int64_t wait = next == INT64_MAX ? 100 : next - now;
        if (wait > 100)
            wait = 100;   /* also notices an unplug within 0.1 s */
        sleep_ms(wait < 1 ? 1 : wait);
    }
}

/* ---- relay list ------------------------------------------------------- */

struct bound {
    char board[GH_BOARD_ID_BUF];
    int channel;
    char name[GH_NAME_BUF];
    int seen;
};

struct listing {
    struct lockctl *lc;
    struct gh_cmd_ctx *ctx;
    struct bound *b;
    int n, cap;
    int boards;
    int oom;
};

static int collect_bound(void *ud, const struct gh_location *l)
{
    struct listing *ls = ud;
    if (!l->relay_board[0])
        return 0;
    if (ls->n == ls->cap) {
        int cap = ls->cap ? ls->cap * 2 : 16;
        struct bound *n = realloc(ls->b, (size_t)cap * sizeof *n);
        if (!n) {
            ls->oom = 1;
            return 1;
        }
        ls->b = n;
        ls->cap = cap;
    }
    struct bound *b = &ls->b[ls->n++];
    snprintf(b->board, sizeof b->board, "%s", l->relay_board);
    b->channel = l->relay_channel;
    snprintf(b->name, sizeof b->name, "%s", l->name);
    b->seen = 0;
    return 0;
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

static const char *status_word(enum lc_relay_board_status s)
{
    switch (s) {
    case LC_RELAY_BOARD_OK: return "ok";
    case LC_RELAY_BOARD_DUPLICATE: return "duplicate";
    case LC_RELAY_BOARD_UNAVAILABLE: return "unavailable";
    case LC_RELAY_BOARD_FAILING: return "failing";
    }
    return "?";
}

static void list_board(void *user, const struct lc_relay_board_info *b)
{
    struct listing *ls = user;
    FILE *f = ls->ctx->out;
    if (ls->ctx->json) {
        fprintf(f, "%s{\"family\":", ls->boards ? ",\n " : "");
        json_str(f, b->family);
        fprintf(f, ",\"id\":");
        json_str(f, b->id);
        fprintf(f, ",\"channels\":%d,\"status\":\"%s\",\"found_on\":%u,\"line\":",
                b->channels, status_word(b->status), (unsigned)b->found_state);
        json_str(f, b->line);
        fprintf(f, ",\"relays\":[");
    } else {
        fprintf(f, "%s\n", b->line);
        if (b->found_state) {
            /* Taking the board switched them off: say what it was doing. */
            fprintf(f, "  %s", _("relays on when found (switched off):"));
            for (int c = 1; c <= b->channels; c++)
                if ((b->found_state >> (c - 1)) & 1)
                    fprintf(f, " %d", c);
            fputc('\n', f);
        }
    }
    for (int c = 1; c <= b->channels; c++) {
        int on = (b->state >> (c - 1)) & 1;
        const char *door = NULL;
        for (int i = 0; i < ls->n; i++)
            if (ls->b[i].channel == c && strcmp(ls->b[i].board, b->id) == 0) {
                door = ls->b[i].name;
                ls->b[i].seen = 1;
            }
        if (ls->ctx->json) {
            fprintf(f, "%s{\"channel\":%d,\"on\":%s,\"door\":", c > 1 ? "," : "", c,
                    on ? "true" : "false");
            if (door)
                json_str(f, door);
            else
                fputs("null", f);
            fputc('}', f);
        } else {
            fprintf(f, "  %s:%d  %-3s  %s%s\n", b->id, c, on ? _("on") : _("off"),
                    door ? _("door ") : "", door ? door : "-");
        }
    }
    if (ls->ctx->json)
        fputs("]}", f);
    ls->boards++;
}

static int cmd_list(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct lockctl *lc = state;
    struct listing ls = {.lc = lc, .ctx = ctx};
    int rc = 1;
    (void)argv;
    if (argc != 0)
        return usage(ctx, "relay list");
    /* Listing changes nothing worth an activity-log entry (the all-off of
     * start-up aside, which any program taking the boards does). */
    if (open_mgr(lc, ctx, 0) != 0)
        return 1;
    if (lc->core->location_list(ctx->store, collect_bound, &ls) != GH_OK || ls.oom) {
        fail(ctx, "%s", ls.oom ? "out of memory" : lc->core->errmsg(ctx->store));
        goto out;
    }
    if (ctx->json)
        fputs("[", ctx->out);
    lc_relay_list(lc->mgr, list_board, &ls);
    if (ctx->json) {
        fputs("]\n", ctx->out);
    } else {
        if (ls.boards == 0) {
            fprintf(ctx->out, "%s\n", _("no relay boards found"));
            if (lc_relay_mgr_errmsg(lc->mgr)[0])
                fprintf(ctx->out, "  %s %s\n", _("last problem:"), lc_relay_mgr_errmsg(lc->mgr));
            busy_hint(lc, ctx->out);
        }
        int header = 0;
        for (int i = 0; i < ls.n; i++) {
            if (ls.b[i].seen)
                continue;
            if (!header++)
                fprintf(ctx->out, "%s\n", _("doors wired to relays not found:"));
            fprintf(ctx->out, "  %s:%d  %s%s\n", ls.b[i].board, ls.b[i].channel, _("door "),
                    ls.b[i].name);
        }
    }
    rc = 0;
out:
    free(ls.b);
    lc_mgr_close(lc);
    return rc;
}

/* ---- relay rename ----------------------------------------------------- */

static int cmd_rename(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct lockctl *lc = state;
    if (argc != 2)
        return usage(ctx, "relay rename FROM TO");
    if (open_mgr(lc, ctx, 1) != 0)
        return 1;
    enum gh_status s = lc_relay_rename(lc->mgr, argv[0], argv[1]);
    int rc = 0;
    char target[LC_RELAY_ID_MAX + 8];
    snprintf(target, sizeof target, "board:%s", argv[0]);
    if (s != GH_OK) {
        /* The manager logs renames that happen; a refused one is logged here. */
        lc->core->audit_append(ctx->store, ctx->actor, "relay.rename", target,
                               GH_OUTCOME_REFUSED, lc_relay_mgr_errmsg(lc->mgr));
        rc = fail(ctx, "%s", lc_relay_mgr_errmsg(lc->mgr));
    } else {
        fprintf(ctx->out, _("board %s is now called %s\n"), argv[0], argv[1]);
        /* Doors follow IDs, not boards: say which doors this moves. */
        struct listing ls = {.lc = lc, .ctx = ctx};
        if (lc->core->location_list(ctx->store, collect_bound, &ls) == GH_OK && !ls.oom) {
            for (int k = 0; k < 2; k++) {
                int header = 0;
                for (int i = 0; i < ls.n; i++) {
                    if (strcmp(ls.b[i].board, argv[k]) != 0)
                        continue;
                    if (!header++)
                        fprintf(ctx->out, k == 0 ? _("doors still wired to %s (no longer this board):\n")
                                                 : _("doors wired to %s (now this board):\n"),
                                argv[k]);
                    fprintf(ctx->out, "  %s:%d  %s%s\n", ls.b[i].board, ls.b[i].channel,
                            _("door "), ls.b[i].name);
                }
            }
        }
        free(ls.b);
    }
    lc_mgr_close(lc);
    return rc;
}

/* ---- relay test ------------------------------------------------------- */

static int parse_relay(const char *s, char *board, size_t len, int *channel)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= len)
        return -1;
    char *end;
    errno = 0;
    long c = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || c < 1 || c > LC_RELAY_MAX_CHANNELS)
        return -1;
    memcpy(board, s, (size_t)(colon - s));
    board[colon - s] = '\0';
    *channel = (int)c;
    return 0;
}

static int cmd_test(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct lockctl *lc = state;
    static const char *u = "relay test BOARD:CHANNEL [--ms N]";
    char board[LC_RELAY_ID_MAX], target[LC_RELAY_ID_MAX + 16];
    int channel = 0;
    long ms = TEST_PULSE_MS;
    if (argc != 1 && argc != 3)
        return usage(ctx, u);
    if (argc == 3) {
        char *end;
        if (strcmp(argv[1], "--ms") != 0)
            return usage(ctx, u);
        ms = strtol(argv[2], &end, 10);
        if (*end || ms < 100 || ms > 60000) {
            fprintf(ctx->err, "gatehousectl: %s\n", _("--ms: 100 to 60000"));
            return 2;
        }
    }
    if (parse_relay(argv[0], board, sizeof board, &channel) != 0) {
        fprintf(ctx->err, "gatehousectl: %s\n", _("BOARD:CHANNEL: a board ID, ':', a relay number 1-8"));
        return 2;
    }
    snprintf(target, sizeof target, "%s:%d", board, channel);
    struct sigaction old[N_STOP_SIGS];
    guard_on(old);
    int rc = open_mgr(lc, ctx, 1);
    if (rc != 0 || stop_sig) {
        rc = rc ? rc : stopped(lc, ctx);
        lc_mgr_close(lc);
        guard_off(old);
        return rc;
    }
    enum gh_status s = lc_relay_pulse(lc->mgr, board, channel, (int)ms);
    if (s != GH_OK) {
        lc->core->audit_append(ctx->store, ctx->actor, "relay.failed", target,
                               GH_OUTCOME_FAILED, lc_relay_mgr_errmsg(lc->mgr));
        rc = fail(ctx, "%s", lc_relay_mgr_errmsg(lc->mgr));
    } else {
        lc->core->audit_append(ctx->store, ctx->actor, "relay.test", target, GH_OUTCOME_OK,
                               "pulse");
        fprintf(ctx->out, _("relay %s on for %ld ms\n"), target, ms);
        fflush(ctx->out);
        rc = wait_off(lc, ctx, board, channel, lc->host->mono_ms() + ms);
        if (rc == 0)
            fprintf(ctx->out, _("relay %s off\n"), target);
    }
    lc_mgr_close(lc);
    guard_off(old);
    return rc;
}

/* ---- unlock ----------------------------------------------------------- */

/* The granted door's pulse, and the wait until it is off again: 0 done, 1
 * failed or stopped by a signal (every relay switched off then). */
static int pulse_door(struct lockctl *lc, struct gh_cmd_ctx *ctx, const struct gh_location *l)
{
    struct sigaction old_sa[N_STOP_SIGS];
    char msg[600];
    enum gh_status s;
    int rc = 1;

    guard_on(old_sa);
    if (open_mgr(lc, ctx, 1) == 0) {
        if (stop_sig) {
            rc = stopped(lc, ctx);
            goto out;
        }
        s = l->relay_board[0] ? lc_relay_pulse(lc->mgr, l->relay_board, l->relay_channel,
                                               l->unlock_ms)
                              : GH_E_NOTFOUND;
        snprintf(msg, sizeof msg, "%s", l->relay_board[0] ? lc_relay_mgr_errmsg(lc->mgr)
                                                            : "no relay wired to this door");
    } else {
        s = GH_E_UNAVAILABLE;
        snprintf(msg, sizeof msg, "USB relays are not available");
    }
    if (s != GH_OK) {
        char target[GH_BOARD_ID_BUF + GH_NAME_BUF + 32];
        lc_relay_target(l, target, sizeof target);
        lc->core->audit_append(ctx->store, ctx->actor, "relay.failed", target,
                               GH_OUTCOME_FAILED, msg);
        fprintf(ctx->out, _("granted, but the relay failed: %s\n"), msg);
        busy_hint(lc, ctx->out);
        goto out;
    }
    fprintf(ctx->out, _("granted: %s open for %d ms\n"), l->name, l->unlock_ms);
    fflush(ctx->out);
    if (wait_off(lc, ctx, l->relay_board, l->relay_channel,
                 lc->host->mono_ms() + l->unlock_ms) == 0) {
        fprintf(ctx->out, _("%s locked again\n"), l->name);
        rc = 0;
    }
out:
    lc_mgr_close(lc);
    guard_off(old_sa);
    return rc;
}

/* `--as WHO --pin PIN` or `--code CODE` (either secret "-": one line from
 * stdin) to the account, as the kiosk does: the log-in, or the door code
 * behind the throttle. GH_OK, or the refusal in the store's errmsg. */
static enum gh_status who_is(struct lockctl *lc, struct gh_cmd_ctx *ctx, const char *who,
                             const char *pin, const char *code, struct gh_account *a)
{
    char buf[64] = "";
    const char *secret = code ? code : pin;
    enum gh_status s;
    if (strcmp(secret, "-") == 0) {
        if (!fgets(buf, sizeof buf, stdin))
            return GH_E_USAGE;
        buf[strcspn(buf, "\r\n")] = '\0';
        secret = buf;
    }
    if (!code)
        s = lc->core->auth_login(ctx->store, ctx->actor, who, secret, a);
    else if (GH_HAS(lc->core, doorcode_attempt))
        s = lc->core->doorcode_attempt(ctx->store, "gatehousectl", secret, a, NULL);
    else
        s = GH_E_UNAVAILABLE;
    explicit_bzero(buf, sizeof buf);
    return s;
}

static int cmd_unlock(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct lockctl *lc = state;
    static const char *u = "unlock DOOR --as WHO --pin PIN | --code CODE";
    const char *door = NULL, *who = NULL, *pin = NULL, *code = NULL;
    struct gh_account a;
    struct gh_location l;
    struct gh_decision d;
    int rc = 1;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--as") == 0 && i + 1 < argc)
            who = argv[++i];
        else if (strcmp(argv[i], "--pin") == 0 && i + 1 < argc)
            pin = argv[++i];
        else if (strcmp(argv[i], "--code") == 0 && i + 1 < argc && !code)
            code = argv[++i];
        else if (argv[i][0] != '-' && !door)
            door = argv[i];
        else
            return usage(ctx, u);
    }
    if (!door || (code ? who || pin : !who || !pin))
        return usage(ctx, u);
    if (lc->core->location_find(ctx->store, door, &l) != GH_OK) {
        rc = fail(ctx, "%s", lc->core->errmsg(ctx->store));
        goto out;
    }
    /* The kiosk's log-in, counted toward the lock-out like a kiosk attempt,
     * or its door code, counted toward the throttle. */
    enum gh_status s = who_is(lc, ctx, who, pin, code, &a);
    if (s == GH_E_USAGE) {
        rc = fail(ctx, "%s", code ? _("door code: nothing on standard input")
                                  : _("PIN: nothing on standard input"));
        goto out;
    }
    if (s != GH_OK) {
        fprintf(ctx->out, "denied: %s\n", lc->core->errmsg(ctx->store));
        goto out;
    }
    /* Decide first: a denied unlock opens no board and sends nothing. */
    s = lc->core->access_decide_logged(ctx->store, ctx->actor, a.id, l.id, 1, &d);
    if (s != GH_OK) {
        rc = fail(ctx, "%s", lc->core->errmsg(ctx->store));
        goto out;
    }
    if (!d.allowed) {
        fprintf(ctx->out, "denied: %s\n", d.reason);
        goto out;
    }
    rc = pulse_door(lc, ctx, &l);
out:
    explicit_bzero(&a, sizeof a);
    lc_mgr_close(lc);
    return rc;
}

static const struct gh_command cmds[] = {
    {.size = sizeof cmds[0], .name = "relay list", .usage = "relay list",
     .summary = "USB relay boards found, each relay's state and its door", .run = cmd_list},
    {.size = sizeof cmds[0], .name = "relay rename", .usage = "relay rename FROM TO",
     .summary = "give a HID relay board a new ID", .run = cmd_rename},
    {.size = sizeof cmds[0], .name = "relay test",
     .usage = "relay test BOARD:CHANNEL [--ms N]",
     .summary = "pulse one relay (admin use)", .run = cmd_test},
    {.size = sizeof cmds[0], .name = "unlock",
     .usage = "unlock DOOR --as WHO --pin PIN | --code CODE",
     .summary = "open a door as the kiosk would (decision, pulse, activity log)",
     .run = cmd_unlock},
};

/* The same commands for the descriptor (lockctl.c): gatehousectl lists and
 * matches them without running init. */
const struct gh_command *const lc_commands[] = { &cmds[0], &cmds[1], &cmds[2], &cmds[3], NULL };
_Static_assert(sizeof cmds / sizeof cmds[0] == 4, "every command in cmds goes in lc_commands");

int lc_commands_register(struct lockctl *lc)
{
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (lc->host->register_command(lc->host->ctx, &cmds[i]) != 0)
            return -1;
    return 0;
}
