/*
 * signup.c: self sign-up at the kiosk (gh_occupant_signup in account.h;
 * SPEC "Occupant states", "What a self sign-up may ask for").
 *
 * A new person gets an account, pending or active by the signup_approval
 * setting, joining the group that lists their email's domain; an inactive
 * occupant signing up again is re-activated with what they typed. Blocked
 * accounts, staff and anyone active or pending are refused with sentences
 * that tell a stranger nothing about whose the address is.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/notices.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The non-archived group that lists the email's domain, if any. */
static void row_group(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    struct gh_account_row *r = out;
    (void)st;
    r->group_id = sqlite3_column_int64(q, 0);
}

/* One sign-up on its way: what was typed (checked) and what it became. */
struct signup {
    const char *actor;
    char target[320];
    struct gh_account_ident v;
    char org[GH_REQ_BUF], unit[GH_REQ_BUF];
    const char *state;           /* "pending" or "active" */
    int approval;
    const char *lang;            /* of their emails: NULL keeps / stores none */
    char reason[1400];
    struct gh_signup_result *out;
};

static const char *const action = "account.signup";

/* A refusal before the transaction, naming the field. */
static enum gh_status refuse_field(struct gh_store *st, struct signup *u, const char *field,
                                   enum gh_status s, const char *msg)
{
    gh_store_copy(u->out->field, sizeof u->out->field, field);
    return gh_rules_refuse(st, 0, u->actor, action, u->target, s, "%s", msg);
}

/* A sign-up's organisation or unit request: trimmed free text. */
static int check_request(const char *in, const char *label, const char *too_long, char *out,
                         size_t len, char *err, size_t errlen)
{
    if (gh_ident_trim(in, out, len) != 0 ||
        gh_ident_check_text(label, out, GH_NAME_MAX_CHARS, err, errlen) != 0) {
        if (*out == '\0')
            snprintf(err, errlen, "%s", too_long);
        return -1;
    }
    return 0;
}

/* The checks that need no transaction: sign-up on, and every field. */
static enum gh_status check_input(struct gh_store *st, struct signup *u,
                                  const struct gh_signup *in)
{
    char err[512];
    const char *field;

    if (!gh_settings_get_bool(st, GH_SETTING_SELF_SIGNUP))
        return gh_rules_refuse(st, 0, u->actor, action, u->target, GH_E_REFUSED, "%s",
                               _("Signing up here is turned off; please ask the staff."));
    if (gh_account_check_ident(st, in->email, in->name, in->phone, &u->v, err, sizeof err,
                               &field) != 0)
        return refuse_field(st, u, field, GH_E_INVALID, err);
    snprintf(u->target, sizeof u->target, "%s", u->v.email);
    if (check_request(in->org, _("organisation"),
                      _("organisation: must be at most 100 characters long"), u->org,
                      sizeof u->org, err, sizeof err) != 0)
        return refuse_field(st, u, "org", GH_E_INVALID, err);
    if (check_request(in->unit, _("unit"), _("unit: must be at most 100 characters long"),
                      u->unit, sizeof u->unit, err, sizeof err) != 0)
        return refuse_field(st, u, "unit", GH_E_INVALID, err);
    return GH_OK;
}

/* Who holds the email and the phone already. *e: an inactive occupant with
 * this email, who signs up again (e->id 0: none). On anything but GH_OK the
 * transaction is closed (refused, or rolled back). */
static enum gh_status check_holders(struct gh_store *st, struct signup *u, struct gh_account *e)
{
    struct gh_account h;
    enum gh_status s = gh_account_by_email_key(st, u->v.email_key, e);

    if (s == GH_E_NOTFOUND)
        e->id = 0;
    else if (s != GH_OK)
        goto fail;
    else if (e->kind == GH_KIND_STAFF || e->state == GH_STATE_ACTIVE ||
             e->state == GH_STATE_PENDING) {
        gh_store_copy(u->out->field, sizeof u->out->field, "email");
        return gh_rules_refuse(st, 1, u->actor, action, u->target, GH_E_EXISTS, "%s",
                               gh_account_taken_msg("email"));
    } else if (e->state == GH_STATE_BLOCKED) {
        char t[320];
        gh_rules_target_of(e, t, sizeof t);
        return gh_rules_refuse(st, 1, u->actor, action, t, GH_E_REFUSED, "%s",
                               _("This account can't be re-activated here; please ask "
                                 "the staff."));
    }
    if (!*u->v.phone_key)
        return GH_OK;
    s = gh_account_by_phone_key(st, u->v.phone_key, &h);
    if (s == GH_OK && h.id != e->id) {
        gh_store_copy(u->out->field, sizeof u->out->field, "phone");
        return gh_rules_refuse(st, 1, u->actor, action, u->target, GH_E_EXISTS, "%s",
                               gh_account_taken_msg("phone"));
    }
    if (s == GH_OK || s == GH_E_NOTFOUND)
        return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

/* An inactive occupant coming back. Groups, locations and units stay as
 * they were: staff set them and the person only asks to come back. */
static enum gh_status reactivate(struct gh_store *st, struct signup *u,
                                 const struct gh_account *e)
{
    char name_key[GH_NAME_BUF], phone_key[GH_PHONE_BUF];
    const char *name = *u->v.name ? u->v.name : e->name;

    gh_rules_name_key(name, name_key, sizeof name_key);
    if (*u->v.phone_key)
        gh_store_copy(phone_key, sizeof phone_key, u->v.phone_key);
    else if (gh_rules_phone_key(st, e->phone, phone_key, sizeof phone_key, NULL, 0) != 0)
        phone_key[0] = '\0';
    /* the phone is stored in E.164, as its key */
    enum gh_status s = gh_store_run(
        st, _("re-activating the account"),
        "UPDATE accounts SET state = ?2, name = ?3, name_key = ?4, phone = ?5, "
        "phone_key = ?6, req_org = ?7, req_unit = ?8, signed_up_at = ?9, "
        "updated_at = ?9, lang = coalesce(?10, lang) WHERE id = ?1",
        GH_INT(e->id), GH_TEXT(u->state), GH_TEXT(name), GH_TEXT(name_key),
        GH_TEXT_OR_NULL(phone_key), GH_TEXT_OR_NULL(phone_key), GH_TEXT(u->org),
        GH_TEXT(u->unit), GH_INT(gh_clock_now_ms()), GH_TEXT_OR_NULL(u->lang));
    if (s != GH_OK)
        return s;
    u->out->outcome = u->approval ? GH_SIGNUP_REACTIVATED_PENDING : GH_SIGNUP_REACTIVATED_ACTIVE;
    u->out->account_id = e->id;
    snprintf(u->reason, sizeof u->reason, "re-activated: inactive -> %s", u->state);
    return GH_OK;
}

/* The language of the person's emails: one the kiosk can write mail in. */
static enum gh_status check_lang(struct gh_store *st, struct signup *u)
{
    char err[300];
    if (gh_languages_check(u->lang, err, sizeof err) == 0)
        return GH_OK;
    gh_store_copy(u->out->field, sizeof u->out->field, "lang");
    return gh_rules_refuse(st, 0, u->actor, action, u->target, GH_E_INVALID, "%s", err);
}

/* A new account: in the group that lists the email's domain, else with
 * the signup_access setting's access. */
static enum gh_status create_new(struct gh_store *st, struct signup *u)
{
    struct gh_account_row r = { .kind = "occupant", .state = u->state, .req_org = u->org,
                                .req_unit = u->unit, .signed_up = 1, .lang = u->lang };
    char gname[GH_NAME_BUF] = "";
    const char *at = strrchr(u->v.email_key, '@');
    enum gh_status s = GH_OK;
    int64_t id;

    if (at)
        s = gh_store_get_one(st, "SELECT g.id FROM group_domains d JOIN groups g "
                                 "ON g.id = d.group_id WHERE d.domain = ?1 AND g.archived = 0 "
                                 "ORDER BY g.id LIMIT 1",
                             GH_TEXT(at + 1), row_group, &r,
                             _("finding the group of an email domain"));
    if (s != GH_OK && s != GH_E_NOTFOUND)
        return s;
    if (r.group_id) {
        struct gh_group g;
        if ((s = gh_group_get(st, r.group_id, &g)) != GH_OK)
            return s;
        gh_store_copy(gname, sizeof gname, g.name);
        r.access = "group";
        r.domain_group = r.group_id;
    } else {
        const char *def = gh_settings_get(st, GH_SETTING_SIGNUP_ACCESS);
        r.access = def && strcmp(def, "all") == 0 ? "all" : "none";
    }
    if ((s = gh_account_insert(st, &u->v, &r, &id)) != GH_OK)
        return s;
    u->out->outcome = u->approval ? GH_SIGNUP_PENDING : GH_SIGNUP_ACTIVE;
    u->out->joined_group_id = r.group_id;
    u->out->account_id = id;
    if (r.group_id)
        snprintf(u->reason, sizeof u->reason, "new account, %s, joined group %s by email domain",
                 u->state, gname);
    else
        snprintf(u->reason, sizeof u->reason, "new account, %s, access %s", u->state, r.access);
    return GH_OK;
}

/* The log entry, the mail (approvers, or the welcome) and the events. */
static enum gh_status finish(struct gh_store *st, struct signup *u)
{
    int64_t id = u->out->account_id;
    enum gh_status s;

    if (*u->org || *u->unit) {
        size_t o = strlen(u->reason);
        snprintf(u->reason + o, sizeof u->reason - o,
                 "; asks for %s%s%s (shown with the account)", *u->org ? "an organisation" : "",
                 *u->org && *u->unit ? " and " : "", *u->unit ? "a unit" : "");
    }
    snprintf(u->target, sizeof u->target, "occupant:%lld", (long long)id);
    s = gh_audit_append(st, u->actor, action, u->target, GH_OUTCOME_OK, u->reason);
    if (s != GH_OK)
        return s;
    s = u->approval ? gh_notice_approvers(st, id) : gh_account_became_active(st, id, 1);
    if (s != GH_OK)
        return s;
    gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, u->state);
    gh_account_emit(st, GH_EVENT_SIGNUP, id, u->state);
    return gh_store_commit(st);
}

enum gh_status gh_occupant_signup(struct gh_store *st, const char *actor,
                                  const struct gh_signup *in, struct gh_signup_result *out)
{
    return gh_occupant_signup_lang(st, actor, in, NULL, out);
}

enum gh_status gh_occupant_signup_lang(struct gh_store *st, const char *actor,
                                       const struct gh_signup *in, const char *lang,
                                       struct gh_signup_result *out)
{
    struct gh_signup_result dummy;
    struct signup *u = calloc(1, sizeof *u);
    struct gh_account e;
    enum gh_status s;

    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    if (!u)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    u->out = out;
    u->actor = actor && *actor ? actor : "kiosk";
    u->lang = lang && *lang ? lang : NULL;
    if (!in) {
        s = gh_store_fail(st, GH_E_INVALID, "%s", _("email: an email address is required"));
        goto out;
    }
    snprintf(u->target, sizeof u->target, "%.300s", in->email ? in->email : "");
    if ((s = check_input(st, u, in)) != GH_OK || (s = check_lang(st, u)) != GH_OK ||
        (s = gh_store_begin(st)) != GH_OK)
        goto out;
    u->approval = gh_settings_get_bool(st, GH_SETTING_SIGNUP_APPROVAL);
    u->state = u->approval ? "pending" : "active";
    if ((s = check_holders(st, u, &e)) != GH_OK)
        goto out;                /* closed already */
    s = e.id ? reactivate(st, u, &e) : create_new(st, u);
    if (s == GH_OK)
        s = finish(st, u);
    if (s != GH_OK) {
        gh_store_rollback(st);
        out->account_id = 0;
    }
out:
    free(u);
    return s;
}
