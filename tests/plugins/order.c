/*
 * order.c: a tiny plugin built under several names (ght_alpha, ght_beta,
 * ght_gamma, ght_writable, ght_newminor, and linked into the unit test as
 * ght_static). It traces its init and shutdown, so a test sees load and
 * shutdown order, and registers one home tile with order GHT_ORDER, so a
 * test sees tile sorting. GHT_MINOR overrides the ABI minor it claims;
 * GHT_ABI_1_0 builds it as an ABI 1.0 plugin (ght_legacy: no declared
 * commands).
 */
#include "ght.h"

#ifndef GHT_ORDER
#define GHT_ORDER 0
#endif
#ifndef GHT_MINOR
#define GHT_MINOR GH_PLUGIN_ABI_MINOR
#endif

static enum gh_status order_init(const struct gh_host *host, void **state, char *err,
                                 size_t errlen)
{
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "ght." GHT_STR(GHT_NAME) ".tile",
        .label = GHT_STR(GHT_NAME), .screen = "ght.good", .area = GH_TILE_HOME,
        .order = GHT_ORDER };
    ght_trace("init %s", GHT_STR(GHT_NAME));
    if (host->register_tile(host->ctx, &tile) != 0) {
        snprintf(err, errlen, "tile refused");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

static void order_shutdown(void *state)
{
    ght_trace("shutdown %s", GHT_STR(GHT_NAME));
}

GHT_EXPORT(GHT_NAME)
{
#ifdef GHT_ABI_1_0
    /* built as ABI 1.0 saw the descriptor: no commands member */
    static const struct gh_plugin p = {
        .size = offsetof(struct gh_plugin, commands), .abi_major = GH_PLUGIN_ABI_MAJOR,
        .abi_minor = 0, .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME),
        .version = "1.0", .init = order_init, .shutdown = order_shutdown };
#else
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GHT_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .version = "1.0",
        .init = order_init, .shutdown = order_shutdown, .commands = no_commands };
#endif
    return &p;
}
