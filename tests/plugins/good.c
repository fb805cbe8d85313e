/*
 * good.c: the well-behaved test plugin (ght_good). It registers one of each
 * thing a plugin can register, and lets a test observe them working:
 *   screen "ght.good"        heading + a button (when a UI is there)
 *   home tile "ght.good.tile" labelled "Plugin test tile"
 *   command "ght hello ..."   prints "hello from ght_good:" and its words
 *   command "ght events"      prints how many events its hook saw, and the last
 *   command "ght polls"       prints how many times its poller ran
 *   command "ght config"      prints what it sees of the configuration: the
 *                             mail password (must be empty) in host->config
 *                             and ctx->config, and config_view's store path
 *   hook on GH_EVENT_SETTINGS and GH_EVENT_HOME, poller every 250 ms
 * It also checks a return value of every registration, as plugins should.
 */
#include <string.h>
#include "ght.h"

struct good {
    const struct gh_host *host;
    int events, polls, taps;
    char last[64];
};
static struct good g;

static void good_draw(void *state, struct gh_ui *ui)
{
    struct good *s = state;
    const struct gh_ui_api *u = s->host->ui;
    if (!u)
        return;
    u->heading(ui, _("Plugin test screen"));
    char line[32];
    snprintf(line, sizeof line, "taps %d", s->taps);
    u->text(ui, "ght.good.taps", line, GH_UI_NORMAL);
    if (u->button(ui, "ght.good.tap", _("Tap"), GH_UI_PRIMARY)) {
        s->taps++;
        u->invalidate(ui);
    }
    if (u->button(ui, "ght.good.back", _("Back"), GH_UI_NORMAL))
        u->pop(ui);
}

static int good_hello(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    /* _() is the one function a plugin calls by name (the programs export it) */
    fprintf(ctx->out, "%s", _("hello from ght_good:"));
    for (int i = 0; i < argc; i++)
        fprintf(ctx->out, " %s", argv[i]);
    fprintf(ctx->out, "\n");
    return 0;
}

static int good_events(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct good *s = state;
    fprintf(ctx->out, "events %d last %s\n", s->events, s->last);
    return 0;
}

static int good_polls(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct good *s = state;
    fprintf(ctx->out, "polls %d\n", s->polls);
    return 0;
}

static int good_config(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    struct good *s = state;
    const struct gh_config_view *v = s->host->config_view;
    fprintf(ctx->out, "host password '%s' ctx password '%s' view store %s mail %d\n",
            s->host->config ? s->host->config->mail_password : "(none)",
            ctx->config ? ctx->config->mail_password : "(none)",
            v ? v->store_path : "(none)", v ? v->mail_enabled : -1);
    return 0;
}

static void good_hook(void *state, const struct gh_event *ev)
{
    struct good *s = state;
    s->events++;
    snprintf(s->last, sizeof s->last, "%s", ev->text ? ev->text : "-");
    ght_trace("hook ght_good %d", (int)ev->kind);
}

static int good_poll(void *state, int64_t now)
{
    struct good *s = state;
    s->polls++;
    ght_trace("poll ght_good");
    return 250;
}

static const struct gh_command cmds[] = {
    { .size = sizeof cmds[0], .name = "ght hello", .usage = "ght hello [WORD...]",
      .summary = "say hello", .run = good_hello },
    { .size = sizeof cmds[0], .name = "ght events", .run = good_events },
    { .size = sizeof cmds[0], .name = "ght polls", .run = good_polls },
    { .size = sizeof cmds[0], .name = "ght config", .run = good_config },
};
/* declared in the descriptor too (ABI 1.1) */
static const struct gh_command *const declared[] = { &cmds[0], &cmds[1], &cmds[2], &cmds[3],
                                                     NULL };

static enum gh_status good_init(const struct gh_host *host, void **state, char *err,
                                size_t errlen)
{
    memset(&g, 0, sizeof g);
    g.host = host;
    *state = &g;
    ght_trace("init ght_good");
    static const struct gh_screen screen = {
        .size = sizeof screen, .id = "ght.good", .draw = good_draw };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "ght.good.tile", .label = "Plugin test tile",
        .screen = "ght.good", .area = GH_TILE_HOME, .order = 50 };
    if (host->register_screen(host->ctx, &screen) != 0 ||
        host->register_tile(host->ctx, &tile) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_SETTINGS, good_hook) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_HOME, good_hook) != 0 ||
        host->register_poll(host->ctx, good_poll) != 0)
        goto fail;
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (host->register_command(host->ctx, &cmds[i]) != 0)
            goto fail;
    host->log(host->ctx, GH_LOG_DEBUG, "ready (core table of %zu bytes)", host->core->size);
    return GH_OK;
fail:
    snprintf(err, errlen, "a registration was refused");
    return GH_E_PLUGIN;
}

static void good_shutdown(void *state)
{
    ght_trace("shutdown ght_good");
}

GHT_EXPORT(GHT_NAME)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .version = "1.0",
        .description = "test plugin that does everything right",
        .init = good_init, .shutdown = good_shutdown, .commands = declared };
    return &p;
}
