/*
 * bad.c: plugins the host must refuse before their init runs, one fault
 * each, chosen by GHT_BAD at build time:
 *   1 ght_noentry  exports gh_plugin_ght_other instead of its own entry point
 *   2 ght_abi      claims ABI major GH_PLUGIN_ABI_MAJOR + 1
 *   3 ght_sig      carries another build signature (a 32-bit build's)
 *   4 ght_small    descriptor .size smaller than ABI 1.0's (stops before init)
 *   5 ght_noinit   no init callback
 *   6 ght_misname  descriptor names itself "someone_else"
 * Their init, if it ever ran, would leave a trace line and register a tile,
 * which the tests check never happens.
 */
#include <stddef.h>
#include "ght.h"

__attribute__((unused)) static enum gh_status bad_init(const struct gh_host *host, void **state, char *err,
                               size_t errlen)
{
    static const struct gh_tile tile = {
        .size = sizeof tile, .id = "ght.bad.tile", .label = "must not appear",
        .screen = "ght.good" };
    ght_trace("init %s", GHT_STR(GHT_NAME));
    host->register_tile(host->ctx, &tile);
    return GH_OK;
}

#if GHT_BAD == 1
GHT_EXPORT(ght_other)
#else
GHT_EXPORT(GHT_NAME)
#endif
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
#if GHT_BAD == 4
        .size = offsetof(struct gh_plugin, init),
#else
        .size = sizeof p,
#endif
#if GHT_BAD == 2
        .abi_major = GH_PLUGIN_ABI_MAJOR + 1,
#else
        .abi_major = GH_PLUGIN_ABI_MAJOR,
#endif
        .abi_minor = GH_PLUGIN_ABI_MINOR,
#if GHT_BAD == 3
        .signature = "gatehouse-abi1:ptr4:long4:plain",
#else
        .signature = GH_PLUGIN_SIGNATURE,
#endif
#if GHT_BAD == 6
        .name = "someone_else",
#else
        .name = GHT_STR(GHT_NAME),
#endif
#if GHT_BAD != 5
        .init = bad_init,
#endif
        .commands = no_commands,
    };
    return &p;
}
