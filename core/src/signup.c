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
#include "gatehouse/i18n.h"
#include "gatehouse/notices.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* The non-archived group that lists the email's domain, if any. */
static enum gh_status domain_group(struct gh_store *st, const char *email_key, int64_t *id,
                                   char *name, size_t len)
{
    const char *at = strrchr(email_key, '@');
    sqlite3_stmt *q;
    enum gh_status s = GH_OK;
    int rc;

    *id = 0;
    if (!at)
        return GH_OK;
    q = gh_store_prepare(st, "SELECT g.id, g.name FROM group_domains d JOIN groups g "
                             "ON g.id = d.group_id WHERE d.domain = ?1 AND g.archived = 0 "
                             "ORDER BY g.id LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("finding the group of an email domain"));
    sqlite3_bind_text(q, 1, at + 1, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        gh_store_copy(name, len, gh_store_col_text(q, 1));
    } else if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("finding the group of an email domain"));
    }
    gh_store_done(st, q);
    return s;
}

static enum gh_status reactivate_row(struct gh_store *st, const struct gh_account *e,
                                     const struct gh_account_ident *v, const char *state,
                                     const char *org, const char *unit)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "UPDATE accounts SET state = ?2, name = ?3, name_key = ?4, phone = ?5, "
            "phone_key = ?6, req_org = ?7, req_unit = ?8, signed_up_at = ?9, "
            "updated_at = ?9 WHERE id = ?1");
    char name_key[GH_NAME_BUF], phone_key[GH_PHONE_BUF];
    const char *name = *v->name ? v->name : e->name;
    const char *phone = *v->phone_key ? v->phone : e->phone;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("re-activating the account"));
    gh_rules_name_key(name, name_key, sizeof name_key);
    if (*v->phone_key)
        gh_store_copy(phone_key, sizeof phone_key, v->phone_key);
    else if (gh_rules_phone_key(st, e->phone, phone_key, sizeof phone_key, NULL, 0) != 0)
        phone_key[0] = '\0';
    sqlite3_bind_int64(q, 1, e->id);
    sqlite3_bind_text(q, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, name_key, -1, SQLITE_STATIC);
    if (*phone_key) {
        (void)phone;             /* stored in E.164, as its key */
        sqlite3_bind_text(q, 5, phone_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, phone_key, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(q, 7, org, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 9, gh_clock_now_ms());
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("re-activating the account"));
    return GH_OK;
}

enum gh_status gh_occupant_signup(struct gh_store *st, const char *actor,
                                  const struct gh_signup *in, struct gh_signup_result *out)
{
    const char *action = "account.signup";
    struct gh_signup_result dummy;
    char err[512], target[320], org[GH_REQ_BUF], unit[GH_REQ_BUF], gname[GH_NAME_BUF] = "";
    char reason[1400];
    struct gh_account_ident v;
    struct gh_account e, h;
    struct gh_account_row r;
    const char *field, *state;
    int64_t id = 0, gid = 0;
    int approval, reactivate = 0;
    enum gh_status s;

    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    actor = actor && *actor ? actor : "kiosk";
    if (!in)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("email: an email address is required"));
    snprintf(target, sizeof target, "%.300s", in->email ? in->email : "");

    if (!gh_settings_get_bool(st, GH_SETTING_SELF_SIGNUP))
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_REFUSED, "%s",
                               _("Signing up here is turned off; please ask the staff."));
    if (gh_account_check_ident(st, in->email, in->name, in->phone, &v, err, sizeof err, &field) != 0) {
        gh_store_copy(out->field, sizeof out->field, field);
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    snprintf(target, sizeof target, "%s", v.email);
    if (gh_ident_trim(in->org, org, sizeof org) != 0 ||
        gh_ident_check_text(_("organisation"), org, GH_NAME_MAX_CHARS, err, sizeof err) != 0) {
        if (*org == '\0')
            snprintf(err, sizeof err, "%s", _("organisation: must be at most 100 characters long"));
        gh_store_copy(out->field, sizeof out->field, "org");
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    if (gh_ident_trim(in->unit, unit, sizeof unit) != 0 ||
        gh_ident_check_text(_("unit"), unit, GH_NAME_MAX_CHARS, err, sizeof err) != 0) {
        if (*unit == '\0')
            snprintf(err, sizeof err, "%s", _("unit: must be at most 100 characters long"));
        gh_store_copy(out->field, sizeof out->field, "unit");
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }

    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    approval = gh_settings_get_bool(st, GH_SETTING_SIGNUP_APPROVAL);
    state = approval ? "pending" : "active";

    s = gh_account_by_email_key(st, v.email_key, &e);
    if (s != GH_OK && s != GH_E_NOTFOUND)
        goto fail;
    if (s == GH_OK) {
        if (e.kind == GH_KIND_STAFF || e.state == GH_STATE_ACTIVE ||
            e.state == GH_STATE_PENDING) {
            gh_store_copy(out->field, sizeof out->field, "email");
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                                   gh_account_taken_msg("email"));
        }
        if (e.state == GH_STATE_BLOCKED) {
            char t[320];
            gh_rules_target_of(&e, t, sizeof t);
            return gh_rules_refuse(st, 1, actor, action, t, GH_E_REFUSED, "%s",
                                   _("This account can't be re-activated here; please ask "
                                     "the staff."));
        }
        reactivate = 1;           /* an inactive occupant signing up again */
        id = e.id;
    }
    if (*v.phone_key) {
        s = gh_account_by_phone_key(st, v.phone_key, &h);
        if (s != GH_OK && s != GH_E_NOTFOUND)
            goto fail;
        if (s == GH_OK && h.id != id) {
            gh_store_copy(out->field, sizeof out->field, "phone");
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                                   gh_account_taken_msg("phone"));
        }
    }

    if (reactivate) {
        /* Groups, locations and units stay as they were: staff set them
         * and the person only asks to come back. */
        if ((s = reactivate_row(st, &e, &v, state, org, unit)) != GH_OK)
            goto fail;
        out->outcome = approval ? GH_SIGNUP_REACTIVATED_PENDING : GH_SIGNUP_REACTIVATED_ACTIVE;
        snprintf(reason, sizeof reason, "re-activated: inactive -> %s", state);
    } else {
        if ((s = domain_group(st, v.email_key, &gid, gname, sizeof gname)) != GH_OK)
            goto fail;
        memset(&r, 0, sizeof r);
        r.kind = "occupant";
        r.state = state;
        if (gid) {
            r.access = "group";
            r.group_id = gid;
            r.domain_group = gid;
        } else {
            const char *def = gh_settings_get(st, GH_SETTING_SIGNUP_ACCESS);
            r.access = def && strcmp(def, "all") == 0 ? "all" : "none";
        }
        r.req_org = org;
        r.req_unit = unit;
        r.signed_up = 1;
        if ((s = gh_account_insert(st, &v, &r, &id)) != GH_OK)
            goto fail;
        out->outcome = approval ? GH_SIGNUP_PENDING : GH_SIGNUP_ACTIVE;
        out->joined_group_id = gid;
        if (gid)
            snprintf(reason, sizeof reason, "new account, %s, joined group %s by email domain",
                     state, gname);
        else
            snprintf(reason, sizeof reason, "new account, %s, access %s", state, r.access);
    }
    if (*org || *unit) {
        size_t o = strlen(reason);
        snprintf(reason + o, sizeof reason - o, "; asks for organisation \"%s\", unit \"%s\"",
                 org, unit);
    }
    out->account_id = id;
    snprintf(target, sizeof target, "occupant:%lld:%s", (long long)id, v.email);
    if ((s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, reason)) != GH_OK)
        goto fail;
    if (approval) {
        if ((s = gh_notice_approvers(st, id)) != GH_OK)
            goto fail;
    } else if ((s = gh_account_became_active(st, id, 1)) != GH_OK) {
        goto fail;
    }
    gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, state);
    gh_account_emit(st, GH_EVENT_SIGNUP, id, state);
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    out->account_id = 0;
    return s;
}

