/*
 * initfail.c: ght_initfail registers a screen, a home tile, a command, a hook
 * and a poller, then fails its init. The host must remove every one of them
 * (Redis modules style); its hook and poller trace a line if they ever run.
 */
#include "ght.h"

static void initfail_draw(void *state, struct gh_ui *ui) {}
static int initfail_cmd(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    fprintf(ctx->out, "must not run\n");
    return 0;
}
static void initfail_hook(void *state, const struct gh_event *ev)
{
    ght_trace("hook ght_initfail");
}
static int initfail_poll(void *state, int64_t now)
{
    ght_trace("poll ght_initfail");
    return 10;
}

static const struct gh_command cmd = {
    .size = sizeof cmd, .name = "initfail cmd", .run = initfail_cmd };
static const struct gh_command *const declared[] = { &cmd, NULL };

static enum gh_status initfail_init(const struct gh_host *host, void **state, char *err,
                                    size_t errlen)
{
    static const struct gh_screen screen = {
        .size = sizeof screen, .id = "initfail.screen", .draw = initfail_draw };
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "initfail.tile", .label = "Half-made tile",
        .screen = "initfail.screen" };
    ght_trace("init ght_initfail");
    if (host->register_screen(host->ctx, &screen) != 0 ||
        host->register_tile(host->ctx, &tile) != 0 ||
        host->register_command(host->ctx, &cmd) != 0 ||
        host->register_hook(host->ctx, GH_EVENT_SETTINGS, initfail_hook) != 0 ||
        host->register_poll(host->ctx, initfail_poll) != 0) {
        snprintf(err, errlen, "a registration was refused");
        return GH_E_PLUGIN;
    }
    snprintf(err, errlen, "deliberate failure after registering");
    return GH_E_UNAVAILABLE;
}

GHT_EXPORT(GHT_NAME)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .init = initfail_init,
        .commands = declared };
    return &p;
}
