/*
 * calls_core.c: a plugin that calls the core by name (gh_account_get)
 * instead of through host->core. It must not compile: the test
 * plugins.a_plugin_calling_the_core_by_name_does_not_compile compiles it
 * as a plugin is compiled and checks the error says what to call instead.
 * With -DGHT_THROUGH_TABLE the same call goes through the table and it
 * compiles (the test's control: the failure is the call, not the build).
 */
#include <gatehouse/plugin.h>

static enum gh_status calls_init(const struct gh_host *host, void **state, char *err,
                                 size_t errlen)
{
    struct gh_account a;
#ifdef GHT_THROUGH_TABLE
    return host->core->account_get(host->store, 1, &a);
#else
    return gh_account_get(host->store, 1, &a);
#endif
}

GH_PLUGIN_EXPORT(calls_core)
{
    static const struct gh_command *const no_commands[] = { NULL };
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = "calls_core", .init = calls_init,
        .commands = no_commands };
    return &p;
}
