/*
 * crash.c: ght_crash declares a command ("crash boom") and then crashes in
 * its init (SIGSEGV), as a broken plugin might. gatehousectl --help and a
 * mistyped command must still work: they read the declared commands from the
 * descriptor and run no init. It is built into its own folder (GHT_CRASH_DIR),
 * never next to the other test plugins, which the kiosk loads all at once.
 */
#include <signal.h>
#include "ght.h"

static int crash_cmd(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv)
{
    fprintf(ctx->out, "must not run\n");
    return 0;
}

static const struct gh_command cmd = {
    .size = sizeof cmd, .name = "crash boom", .usage = "crash boom",
    .summary = "a command whose plugin crashes at init", .run = crash_cmd };
static const struct gh_command *const declared[] = { &cmd, NULL };

static enum gh_status crash_init(const struct gh_host *host, void **state, char *err,
                                 size_t errlen)
{
    ght_trace("init ght_crash");
    raise(SIGSEGV);
    return GH_OK;
}

GHT_EXPORT(GHT_NAME)
{
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .init = crash_init,
        .commands = declared };
    return &p;
}
