/*
 * direct.c: ght_direct calls a core function by its name (gh_strerror)
 * instead of through host->core. The programs do not export it, so dlopen
 * with RTLD_NOW fails and the plugin is refused before anything runs.
 */
#include "ght.h"

static enum gh_status direct_init(const struct gh_host *host, void **state, char *err,
                                  size_t errlen)
{
    ght_trace("init ght_direct %s", gh_strerror(GH_OK));
    return GH_OK;
}

GHT_EXPORT(GHT_NAME)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = GHT_STR(GHT_NAME), .init = direct_init, .commands = no_commands };
    return &p;
}
