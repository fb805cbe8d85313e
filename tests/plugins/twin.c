/*
 * twin.c: ght_twin registers its own tile, then a screen whose id ght_good
 * already uses. A duplicate id is refused at registration; ght_twin checks
 * the result and fails its init, so its own tile must be rolled back too.
 */
#include "ght.h"

static void twin_draw(void *state, struct gh_ui *ui) {}

static enum gh_status twin_init(const struct gh_host *host, void **state, char *err,
                                size_t errlen)
{
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "ght.twin.tile", .label = "Twin tile",
        .screen = "ght.good" };
    static const struct gh_screen screen = {
        .size = sizeof screen, .id = "ght.good", .draw = twin_draw };
    ght_trace("init ght_twin");
    if (host->register_tile(host->ctx, &tile) != 0 ||
        host->register_screen(host->ctx, &screen) != 0) {
        snprintf(err, errlen, "screen ght.good is taken");
        return GH_E_EXISTS;
    }
    return GH_OK;
}

GHT_EXPORT(GHT_NAME)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .init = twin_init, .commands = no_commands };
    return &p;
}
