/*
 * core_api.c: the core's functions as one table (struct gh_core_api in
 * plugin.h), handed to every plugin through host->core.
 *
 * This is SQLite's sqlite3_api_routines idea: a plugin calls the core through
 * pointers it was given, so it needs no link-time symbols from the program
 * (the programs are not linked with -rdynamic, and plugins are loaded
 * RTLD_LOCAL). The table is static and const; its members are only ever
 * appended, in the same order as the struct, and `size` tells a plugin built
 * against a newer header which members exist (GH_HAS).
 */
#include "gatehouse/forgot.h"
#include "gatehouse/languages.h"
#include "gatehouse/plugin_host.h"

#include <string.h>

/* People created at the kiosk (a self sign-up; staff adding someone there)
 * get their emails in the language the kiosk shows at that moment: the one
 * the person chose with the language button, or, for staff at the desk, the
 * one they set for the person in front of them. gatehousectl stores a
 * language only when given --lang. */
static const char *shown(void)
{
    const char *lang = gh_i18n_current();
    return gh_languages_usable(lang) ? lang : NULL;
}

static enum gh_status kiosk_signup(struct gh_store *st, const char *actor,
                                   const struct gh_signup *in, struct gh_signup_result *out)
{
    return gh_occupant_signup_lang(st, actor, in, shown(), out);
}

static enum gh_status kiosk_occupant_create(struct gh_store *st, const char *actor,
                                            const struct gh_account_new *in, int64_t *id_out)
{
    return gh_occupant_create_lang(st, actor, in, shown(), id_out);
}

static enum gh_status kiosk_staff_create(struct gh_store *st, const char *actor,
                                         const struct gh_account_new *in, const char *pin,
                                         unsigned perms, int64_t *id_out)
{
    return gh_staff_create_lang(st, actor, in, pin, perms, shown(), id_out);
}

/* settings_read (ABI 1.2): gh_settings_get's value copied into the
 * caller's buffer, so a plugin holds no pointer the next call overwrites. */
static enum gh_status settings_read(struct gh_store *st, const char *key, char *buf,
                                    size_t len)
{
    if (!buf || len == 0)
        return GH_E_INVALID;
    buf[0] = '\0';
    const char *v = gh_settings_get(st, key);
    if (!v)
        return GH_E_NOTFOUND;
    size_t n = strlen(v);
    if (n >= len)
        return GH_E_INVALID;
    memcpy(buf, v, n + 1);
    return GH_OK;
}

static const struct gh_core_api table = {
    .size = sizeof(struct gh_core_api),
    .errmsg = gh_store_errmsg,
    .strerror = gh_strerror,
    /* settings */
    .settings_get = gh_settings_get,
    .settings_get_int = gh_settings_get_int,
    .settings_get_bool = gh_settings_get_bool,
    .settings_set = gh_settings_set,
    /* identifiers */
    .check_email = gh_ident_check_email,
    .check_name = gh_ident_check_name,
    .normalize_phone = gh_ident_normalize_phone,
    .mask_email = gh_ident_mask_email,
    /* accounts */
    .account_find = gh_account_find,
    .account_get = gh_account_get,
    .account_actor = gh_account_actor,
    .account_list = gh_account_list,
    .account_count = gh_account_count,
    .occupant_create = kiosk_occupant_create,
    .occupant_signup = kiosk_signup,
    .occupant_approve = gh_occupant_approve,
    .occupant_reject = gh_occupant_reject,
    .occupant_set_state = gh_occupant_set_state,
    .occupant_set_access = gh_occupant_set_access,
    .account_update = gh_account_update,
    .account_resend_welcome = gh_account_resend_welcome,
    .account_touch = gh_account_touch,
    /* groups */
    .group_add = gh_group_add,
    .group_find = gh_group_find,
    .group_get = gh_group_get,
    .group_list = gh_group_list,
    .group_archive = gh_group_archive,
    .group_member_add = gh_group_member_add,
    .group_member_remove = gh_group_member_remove,
    /* locations, doors, units */
    .location_find = gh_location_find,
    .location_get = gh_location_get,
    .location_list = gh_location_list,
    .unit_share = gh_unit_share,
    .unit_list_for = gh_unit_list_for,
    /* access */
    .access_decide = gh_access_decide,
    .access_decide_logged = gh_access_decide_logged,
    .access_doors = gh_access_doors,
    /* auth */
    .pin_quality_ok = gh_auth_pin_quality_ok,
    .auth_login = gh_auth_login,
    .auth_redeem = gh_auth_redeem,
    .auth_locked_ms = gh_auth_locked_ms,
    /* activity log */
    .audit_append = gh_audit_append,
    .audit_list = gh_audit_list,
    /* outbox */
    .outbox_count = gh_outbox_count,
    /* appended (occupants) */
    .account_search = gh_account_search,
    .account_locations = gh_account_locations,
    .group_locations = gh_group_locations,
    .group_domains = gh_group_domains,
    .group_set_access = gh_group_set_access,
    .group_set_domains = gh_group_set_domains,
    .group_unarchive = gh_group_unarchive,
    /* appended (issue 12) */
    .doorcode_attempt = gh_doorcode_attempt,
    .doorcode_issue = gh_doorcode_issue,
    .doorcode_has = gh_doorcode_has,
    .throttle_wait_ms = gh_throttle_wait_ms,
    .throttle_fail = gh_throttle_fail,
    .auth_kiosk_login = gh_throttle_kiosk_login,
    /* appended (issue 12): Recent openings */
    .openings_recent = gh_openings_recent,
    .auth_forgot_pin = gh_forgot_pin,
    /* ABI 1.2 */
    .settings_read = settings_read,
    /* ABI 1.2 (issue 14): one trim, one PIN-format rule */
    .trim = gh_ident_trim,
    .pin_format_ok = gh_auth_pin_format_ok,
    /* appended (issue 13): cards and fobs */
    .card_attempt = gh_card_attempt,
    .card_refused = gh_card_refused,
    .card_add = gh_card_add,
    .card_remove_id = gh_card_remove_id,
    .card_list = gh_card_list,
    .card_uid_normalize = gh_card_uid_normalize,
    /* ABI 1.3 (issue 17): requests */
    .request_add = gh_request_add,
    .request_list = gh_request_list,
    .request_get = gh_request_get,
    .request_thread = gh_request_thread,
    .request_reply = gh_request_reply,
    .request_resolve = gh_request_resolve,
    .request_reopen = gh_request_reopen,
    .request_count = gh_request_count,
    .request_locations = gh_request_locations,
    .request_state_name = gh_request_state_name,
    .request_state_parse = gh_request_state_parse,
    .inbox_fetch = gh_inbox_fetch,
    /* ABI 1.3 (issue 16): removing a person */
    .occupant_remove = gh_occupant_remove,
    .group_member_leave = gh_group_member_leave,
    /* ABI 1.3 (issue 16): staff accounts and lock-outs */
    .staff_create = kiosk_staff_create,
    .staff_set_perms = gh_staff_set_perms,
    .account_clear_lockout = gh_account_clear_lockout,
    .auth_desk_setup = gh_auth_desk_setup,
    /* ABI 1.4 (issue 16): units at the kiosk */
    .unit_search = gh_unit_search,
    .unit_rent_occupant = gh_unit_rent_occupant,
    .unit_rent_group = gh_unit_rent_group,
    .unit_vacate = gh_unit_vacate,
    .overlock_get = gh_overlock_get,
    .overlock_set = gh_overlock_set,
    .occupant_approve_rent = gh_occupant_approve_rent,
};

const struct gh_core_api *gh_core_api_table(void)
{
    return &table;
}
