/*
 * abi_layout.c: prints the layout of every struct a plugin sees (size, and
 * the offsets a plugin built against an older header relies on), one line
 * each, for abi_layout.sh to hold against tests/plugins/abi_layout.txt.
 * Compiled as a plugin is (plugin.h only, gatehouse_plugin), so it sees
 * exactly what a plugin sees. First line: the ABI version of the header.
 *
 * A new struct a plugin sees, or a member appended to a table: add its
 * line here, then follow the steps in abi_layout.txt.
 */
#include <gatehouse/plugin.h>

#define SIZE(T) printf("size %s %zu\n", #T, sizeof(struct T))
/* Tables only grow at their end: older sections check "grows" as >=. */
#define GROWS(T) printf("grows %s %zu\n", #T, sizeof(struct T))
#define OFF(T, m) printf("offset %s.%s %zu\n", #T, #m, offsetof(struct T, m))

static void data_structs(void)
{
    SIZE(gh_account); OFF(gh_account, kind); OFF(gh_account, email);
    OFF(gh_account, perms); OFF(gh_account, locked_until);
    SIZE(gh_account_query); OFF(gh_account_query, prefix); OFF(gh_account_query, offset);
    SIZE(gh_account_new);
    SIZE(gh_signup);
    SIZE(gh_signup_result); OFF(gh_signup_result, field);
    SIZE(gh_group); OFF(gh_group, members);
    SIZE(gh_group_new);
    SIZE(gh_location); OFF(gh_location, path); OFF(gh_location, relay_board);
    OFF(gh_location, shared);
    SIZE(gh_decision); OFF(gh_decision, reason);
    SIZE(gh_audit_entry); OFF(gh_audit_entry, outcome); OFF(gh_audit_entry, hash);
    SIZE(gh_opening);
    SIZE(gh_event); OFF(gh_event, text);
    SIZE(gh_config); OFF(gh_config, mail_password); OFF(gh_config, kiosk_door);
    /* ABI 1.3: requests (request.h, inbox.h) */
    SIZE(gh_request); OFF(gh_request, state); OFF(gh_request, last_by_staff);
    SIZE(gh_request_entry); OFF(gh_request_entry, text);
    SIZE(gh_request_new);
    SIZE(gh_request_query); OFF(gh_request_query, offset);
    SIZE(gh_inbox_result); OFF(gh_inbox_result, problem);
}

static void tables(void)
{
    GROWS(gh_plugin); OFF(gh_plugin, init); OFF(gh_plugin, shutdown); OFF(gh_plugin, commands);
    GROWS(gh_screen); OFF(gh_screen, draw); OFF(gh_screen, leave);
    GROWS(gh_tile); OFF(gh_tile, area); OFF(gh_tile, badge);
    GROWS(gh_cmd_ctx); OFF(gh_cmd_ctx, json); OFF(gh_cmd_ctx, host);
    GROWS(gh_command); OFF(gh_command, run);
    GROWS(gh_host); OFF(gh_host, config); OFF(gh_host, register_screen);
    OFF(gh_host, log); OFF(gh_host, core); OFF(gh_host, ui); OFF(gh_host, is_kiosk);
    GROWS(gh_core_api); OFF(gh_core_api, settings_get); OFF(gh_core_api, account_get);
    OFF(gh_core_api, outbox_count);        /* the last of ABI 1.0 */
    OFF(gh_core_api, group_unarchive); OFF(gh_core_api, auth_kiosk_login);
    OFF(gh_core_api, auth_forgot_pin);     /* the last of ABI 1.1 */
    OFF(gh_core_api, settings_read);       /* ABI 1.2 */
    OFF(gh_core_api, pin_format_ok);       /* the last of ABI 1.2 */
    OFF(gh_host, config_view);             /* ABI 1.2 */
    SIZE(gh_config_view); OFF(gh_config_view, kiosk_door); OFF(gh_config_view, scale);
    GROWS(gh_ui_api);
    OFF(gh_core_api, card_uid_normalize);  /* ABI 1.3: cards */
    OFF(gh_core_api, request_add); OFF(gh_core_api, inbox_fetch); /* ABI 1.3: requests */
    OFF(gh_core_api, group_member_leave);  /* ABI 1.3: removing a person */
    OFF(gh_core_api, auth_desk_setup);     /* ABI 1.3: staff, the last of 1.3 */
    OFF(gh_ui_api, current);               /* ABI 1.3 */
    OFF(gh_core_api, occupant_approve_rent); /* ABI 1.4: units, the last of 1.4 */
    OFF(gh_ui_api, picker_error);          /* ABI 1.4: screen_exists, the picker */
}

int main(void)
{
    printf("abi %d.%d\n", GH_PLUGIN_ABI_MAJOR, GH_PLUGIN_ABI_MINOR);
    data_structs();
    tables();
    return 0;
}
