/*
 * account.c: creating and editing accounts (account.h): staff-created
 * occupants and staff, access, name and phone, email, the welcome resend,
 * and the steps every account change shares (account_internal.h), on which
 * self sign-up (signup.c) and the state machine (account_state.c) build.
 * Reading is account_query.c.
 *
 * Each public function that writes does so in one transaction, together with
 * its log entries and the mails it queues, so a crash leaves either all of it
 * or none. A refusal rolls back and is then logged on its own (the log must
 * keep it although nothing else happened), with the same sentence that the
 * person sees in gh_store_errmsg().
 *
 * Email and phone are unique across every account whatever its state, which
 * the schema enforces with UNIQUE keys; the checks here come first only to
 * give the person a sentence that names the field instead of a SQL error.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
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

/* ---- validated input ------------------------------------------------- */

/* Validates email (required), name and phone (optional). On failure the
 * sentence is in err and *field names the field. */
int gh_account_check_ident(struct gh_store *st, const char *email, const char *name,
                           const char *phone, struct gh_account_ident *v, char *err,
                           size_t errlen, const char **field)
{
    memset(v, 0, sizeof *v);
    *field = "email";
    if (gh_ident_trim(email, v->email, sizeof v->email) != 0) {
        snprintf(err, errlen, "%s", _("email: must be at most 254 characters long"));
        return -1;
    }
    if (gh_ident_check_email(v->email, err, errlen) != 0)
        return -1;
    gh_ident_email_key(v->email, v->email_key, sizeof v->email_key);
    *field = "name";
    if (name && gh_ident_check_name(name, err, errlen) != 0)
        return -1;
    if (gh_ident_trim(name, v->name, sizeof v->name) != 0) {
        snprintf(err, errlen, "%s", _("name: must be at most 100 characters long"));
        return -1;
    }
    gh_rules_name_key(v->name, v->name_key, sizeof v->name_key);
    *field = "phone";
    if (gh_ident_trim(phone, v->phone, sizeof v->phone) != 0) {
        snprintf(err, errlen, "%s", _("phone: must have 7 to 15 digits"));
        return -1;
    }
    if (gh_rules_phone_key(st, v->phone, v->phone_key, sizeof v->phone_key, err, errlen))
        return -1;
    memcpy(v->phone, v->phone_key, sizeof v->phone);   /* stored in E.164 */
    *field = "";
    return 0;
}

/* Is the email or phone taken by an account other than `except`? Returns
 * GH_OK with *field NULL when both are free, else *field names the one. */
enum gh_status gh_account_taken(struct gh_store *st, const struct gh_account_ident *v,
                                int64_t except, const char **field)
{
    struct gh_account h;
    enum gh_status s;

    *field = NULL;
    s = gh_account_by_email_key(st, v->email_key, &h);
    if (s == GH_OK && h.id != except) {
        *field = "email";
        return GH_OK;
    }
    if (s != GH_OK && s != GH_E_NOTFOUND)
        return s;
    if (*v->phone_key) {
        s = gh_account_by_phone_key(st, v->phone_key, &h);
        if (s == GH_OK && h.id != except) {
            *field = "phone";
            return GH_OK;
        }
        if (s != GH_OK && s != GH_E_NOTFOUND)
            return s;
    }
    return GH_OK;
}

const char *gh_account_taken_msg(const char *field)
{
    if (strcmp(field, "phone") == 0)
        return _("phone: this phone number is already registered; use Unlock to log in, "
                 "or ask the staff");
    return _("email: this email address is already registered; use Unlock to log in, "
             "or ask the staff");
}

/* ---- the shared steps of a change ---------------------------------- */

/* Opens the transaction and loads account `id` for a change logged under
 * `action`; an unknown id is refused and logged. On GH_OK the transaction is
 * open and target names the account; otherwise nothing is left open. */
enum gh_status gh_account_begin(struct gh_store *st, const char *actor, const char *action,
                                int64_t id, struct gh_account *a, char *target, size_t tlen)
{
    enum gh_status s;

    snprintf(target, tlen, "account:%lld", (long long)id);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = gh_account_by_id(st, id, a);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, _("no account with id %lld"),
                               (long long)id);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    gh_rules_target_of(a, target, tlen);
    if (a->state == GH_STATE_REMOVED && strcmp(action, "account.remove") != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                               _("This person was removed; a removed account can't be "
                                 "changed."));
    return GH_OK;
}

void gh_account_emit(struct gh_store *st, enum gh_event_kind kind, int64_t id,
                     const char *text)
{
    struct gh_event ev = {kind, id, text};
    gh_store_emit(st, &ev);
}

/* The welcome mail with its setup code, and the events of an account that
 * has just become active. Inside the caller's transaction. */
enum gh_status gh_account_became_active(struct gh_store *st, int64_t id, int welcome)
{
    if (welcome) {
        enum gh_status s = gh_notice_welcome(st, id);
        if (s != GH_OK)
            return s;
    }
    gh_account_emit(st, GH_EVENT_ACCOUNT_ACTIVE, id, "active");
    return GH_OK;
}

enum gh_status gh_account_insert(struct gh_store *st, const struct gh_account_ident *v,
                                 const struct gh_account_row *r, int64_t *id_out)
{
    int64_t now = gh_clock_now_ms();
    int has_phone = *v->phone_key != '\0';
    enum gh_status s = gh_store_run(
        st, _("saving the account"),
        "INSERT INTO accounts(kind, email, email_key, name, name_key, phone, phone_key, "
        "state, access, group_id, perms, req_org, req_unit, domain_group, created_at, "
        "updated_at, signed_up_at, lang) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17)",
        GH_TEXT(r->kind), GH_TEXT(v->email), GH_TEXT(v->email_key), GH_TEXT(v->name),
        GH_TEXT(v->name_key), GH_TEXT(has_phone ? v->phone : NULL),
        GH_TEXT(has_phone ? v->phone_key : NULL), GH_TEXT(r->state), GH_TEXT(r->access),
        GH_INT_OR_NULL(r->group_id), GH_INT(r->perms), GH_TEXT(r->req_org ? r->req_org : ""),
        GH_TEXT(r->req_unit ? r->req_unit : ""), GH_INT_OR_NULL(r->domain_group), GH_INT(now),
        r->signed_up ? GH_INT(now) : GH_TEXT(NULL), GH_TEXT_OR_NULL(r->lang));

    if (s == GH_OK)
        *id_out = sqlite3_last_insert_rowid(gh_store_db(st));
    return s;
}

/* ---- access ----------------------------------------------------------- */

/* Resolves an access request to a group id or location ids; refusals name
 * the group or location. ids must hold n entries. */
static enum gh_status resolve_access(struct gh_store *st, enum gh_access access,
                                     const char *group, const char *const *locations, int n,
                                     int64_t *group_id, int64_t *ids)
{
    struct gh_group g;
    enum gh_status s;

    *group_id = 0;
    if (access == GH_ACCESS_GROUP) {
        if (!group || !*group)
            return gh_store_fail(st, GH_E_INVALID, "%s",
                                 _("group: a group is needed for access through a group"));
        s = gh_group_find(st, group, &g);
        if (s != GH_OK)
            return s;
        if (g.archived)
            return gh_store_fail(st, GH_E_REFUSED,
                                 _("group: %s is archived and can't get new members"), g.name);
        *group_id = g.id;
    } else if (access == GH_ACCESS_SPECIFIC) {
        if (n > 0 && !locations)
            return gh_store_fail(st, GH_E_INVALID, "%s", _("locations: none given"));
        return gh_rules_location_ids(st, locations, n, ids);
    } else if (access != GH_ACCESS_ALL && access != GH_ACCESS_NONE) {
        return gh_store_fail(st, GH_E_INVALID, "%s",
                             _("access: must be none, all, group or specific"));
    }
    return GH_OK;
}

static enum gh_status store_locations(struct gh_store *st, int64_t id, const int64_t *ids, int n,
                                      int replace)
{
    const char *what = _("changing location access");
    enum gh_status s = GH_OK;

    if (replace)
        s = gh_store_run(st, what, "DELETE FROM account_locations WHERE account_id = ?1",
                         GH_INT(id));
    for (int i = 0; s == GH_OK && i < n; i++)
        s = gh_store_run(st, what, "INSERT OR IGNORE INTO account_locations(account_id, "
                                   "location_id) VALUES (?1, ?2)",
                         GH_INT(id), GH_INT(ids[i]));
    return s;
}

/* A sentence that says what an access setting is, for the log. */
static void describe_access(enum gh_access access, const char *group,
                            const char *const *locations, int n, char *buf, size_t len)
{
    size_t o;
    int i;

    if (access == GH_ACCESS_GROUP) {
        snprintf(buf, len, "access group %s", group ? group : "");
        return;
    }
    o = (size_t)snprintf(buf, len, "access %s", gh_access_name(access));
    for (i = 0; access == GH_ACCESS_SPECIFIC && i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : ": ", locations[i]);
}

/* ---- creation by staff ----------------------------------------------- */

/* The checks of a new account that need no transaction; on GH_OK target
 * is the checked email (for a refusal: nobody's account yet), or the
 * account that already holds it ("occupant:12"). */
static enum gh_status check_new(struct gh_store *st, const char *actor, const char *action,
                                const struct gh_account_new *in, int staff, const char *pin,
                                unsigned perms, struct gh_account_ident *v, char *target,
                                size_t tlen)
{
    char err[512];
    const char *field;

    snprintf(target, tlen, "%.300s", in->email ? in->email : "");
    if (gh_account_check_ident(st, in->email, in->name, in->phone, v, err, sizeof err,
                               &field) != 0)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    gh_rules_email_ref(st, v->email, target, tlen);  /* a taken address: its account */
    if (!staff)
        return GH_OK;
    if (pin && *pin && gh_auth_pin_format_ok(pin, err, sizeof err) != 0)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    if (perms & ~(GH_PERM_APPROVE | GH_PERM_MANAGE | GH_PERM_OPEN_COMMON |
                  GH_PERM_OPEN_VACANT | GH_PERM_OPEN_SHARED | GH_PERM_ADMIN |
                  GH_PERM_REQUESTS))
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                               _("permissions: unknown permission bits"));
    return GH_OK;
}

/* The row of a new account, and what its access is in words for the log.
 * An occupant's group or locations are resolved here (ids: n entries);
 * an unknown one is an error with the sentence on the handle. */
static enum gh_status new_row(struct gh_store *st, const struct gh_account_new *in, int staff,
                              unsigned perms, int n, int64_t *ids, struct gh_account_row *r,
                              char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->state = "active";
    if (staff) {
        r->kind = "staff";
        r->access = "none";
        r->perms = perms;
        snprintf(text, len, "permissions ");
        gh_perms_format(perms, text + strlen(text), len - strlen(text));
        return GH_OK;
    }
    enum gh_status s = resolve_access(st, in->access, in->group, in->locations, n,
                                      &r->group_id, ids);
    if (s != GH_OK)
        return s;
    r->kind = "occupant";
    r->access = gh_access_name(in->access);
    describe_access(in->access, in->group, in->locations, n, text, len);
    return GH_OK;
}

static enum gh_status create_account(struct gh_store *st, const char *actor,
                                     const struct gh_account_new *in, int staff,
                                     const char *pin, unsigned perms, const char *lang,
                                     int64_t *id_out)
{
    const char *action = staff ? "staff.create" : "account.create";
    char target[320], access_text[600];
    struct gh_account_ident v;
    struct gh_account_row r;
    const char *field;
    int64_t *ids = NULL, id = 0;
    int n = 0, welcome;
    enum gh_status s;

    if (id_out)
        *id_out = 0;
    if (!in)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("email: an email address is required"));
    actor = gh_rules_actor(actor);
    s = check_new(st, actor, action, in, staff, pin, perms, &v, target, sizeof target);
    if (s == GH_OK && gh_languages_check(lang, access_text, sizeof access_text) != 0)
        s = gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", access_text);
    if (s != GH_OK)
        return s;
    if (!staff && in->access == GH_ACCESS_SPECIFIC && in->n_locations > 0) {
        n = in->n_locations;
        ids = calloc((size_t)n, sizeof *ids);
        if (!ids)
            return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    }

    if ((s = gh_store_begin(st)) != GH_OK)
        goto out;
    if ((s = gh_account_taken(st, &v, 0, &field)) != GH_OK)
        goto fail;
    if (field) {
        s = gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                            strcmp(field, "phone") == 0
                                ? _("phone: this phone number is already registered to "
                                    "another account")
                                : _("email: this email address is already registered to "
                                    "another account"));
        goto out;
    }
    s = new_row(st, in, staff, perms, n, ids, &r, access_text, sizeof access_text);
    if (s != GH_OK) {
        s = gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        goto out;
    }
    r.lang = lang;
    if ((s = gh_account_insert(st, &v, &r, &id)) != GH_OK)
        goto fail;
    if (n && (s = store_locations(st, id, ids, n, 0)) != GH_OK)
        goto fail;
    if (staff && pin && *pin && (s = gh_auth_set_pin(st, actor, id, pin)) != GH_OK)
        goto fail;
    /* Staff given a PIN need no setup code; everyone else gets the welcome
     * that carries one, unless an import asked for none. */
    welcome = !in->no_welcome && !(staff && pin && *pin);
    snprintf(target, sizeof target, "%s:%lld", r.kind, (long long)id);
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "active, %s%s",
                         access_text, welcome ? ", welcome queued" : ", no welcome email");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_account_became_active(st, id, welcome)) != GH_OK)
        goto fail;
    gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, "active");
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    if (id_out)
        *id_out = id;
out:
    free(ids);
    return s;
fail:
    gh_store_rollback(st);
    goto out;
}

enum gh_status gh_occupant_create(struct gh_store *st, const char *actor,
                                  const struct gh_account_new *in, int64_t *id_out)
{
    return create_account(st, actor, in, 0, NULL, 0, NULL, id_out);
}

enum gh_status gh_occupant_create_lang(struct gh_store *st, const char *actor,
                                       const struct gh_account_new *in, const char *lang,
                                       int64_t *id_out)
{
    return create_account(st, actor, in, 0, NULL, 0, lang, id_out);
}

enum gh_status gh_staff_create(struct gh_store *st, const char *actor,
                               const struct gh_account_new *in, const char *pin,
                               unsigned perms, int64_t *id_out)
{
    return create_account(st, actor, in, 1, pin, perms, NULL, id_out);
}

enum gh_status gh_staff_create_lang(struct gh_store *st, const char *actor,
                                    const struct gh_account_new *in, const char *pin,
                                    unsigned perms, const char *lang, int64_t *id_out)
{
    return create_account(st, actor, in, 1, pin, perms, lang, id_out);
}

/* ---- access, details, email, welcome --------------------------------- */

enum gh_status gh_occupant_set_access(struct gh_store *st, const char *actor, int64_t id,
                                      enum gh_access access, const char *group,
                                      const char *const *locations, int n)
{
    const char *action = "account.access";
    char target[320], text[600];
    struct gh_account a;
    int64_t *ids = NULL, gid = 0;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if (n < 0)
        n = 0;
    if (n > 0 && !(ids = calloc((size_t)n, sizeof *ids)))
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        goto out;
    if (a.kind == GH_KIND_STAFF) {
        s = gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED, "%s",
                            _("access: location access is for occupants; staff open doors "
                              "by their permissions"));
        goto out;
    }
    s = resolve_access(st, access, group, locations, access == GH_ACCESS_SPECIFIC ? n : 0,
                       &gid, ids);
    if (s != GH_OK) {
        s = gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
        goto out;
    }
    /* Membership is only changed by access "group": someone given access to
     * all locations stays in their group (they still see its requests). */
    s = gh_store_run(st, _("changing location access"),
                     "UPDATE accounts SET access = ?2, updated_at = ?3, "
                     "group_id = CASE WHEN ?4 > 0 THEN ?4 ELSE group_id END WHERE id = ?1",
                     GH_INT(id), GH_TEXT(gh_access_name(access)), GH_INT(gh_clock_now_ms()),
                     GH_INT(gid));
    if (s != GH_OK)
        goto fail;
    s = store_locations(st, id, ids, access == GH_ACCESS_SPECIFIC ? n : 0, 1);
    if (s != GH_OK)
        goto fail;
    describe_access(access, group, locations, n, text, sizeof text);
    if ((s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, text)) != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
out:
    free(ids);
    return s;
fail:
    gh_store_rollback(st);
    goto out;
}

enum gh_status gh_account_update(struct gh_store *st, const char *actor, int64_t id,
                                 const char *name, const char *phone)
{
    const char *action = "account.update";
    char target[320], err[512];
    struct gh_account a;
    struct gh_account_ident v;
    const char *field;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (gh_account_check_ident(st, a.email, name ? name : a.name, phone ? phone : a.phone, &v, err,
                    sizeof err, &field) != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s", err);
    if ((s = gh_account_taken(st, &v, id, &field)) != GH_OK)
        goto fail;
    if (field)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                               _("phone: this phone number is already registered to another "
                                 "account"));
    s = gh_store_run(st, _("saving the account"),
                     "UPDATE accounts SET name = ?2, name_key = ?3, phone = ?4, "
                     "phone_key = ?5, updated_at = ?6 WHERE id = ?1",
                     GH_INT(id), GH_TEXT(v.name), GH_TEXT(v.name_key),
                     GH_TEXT(*v.phone_key ? v.phone : NULL), GH_TEXT_OR_NULL(v.phone_key),
                     GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s%s%s",
                         name ? "name changed" : "", name && phone ? ", " : "",
                         phone ? "phone changed" : "");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_account_resend_welcome(struct gh_store *st, const char *actor, int64_t id)
{
    const char *action = "account.welcome";
    char target[320];
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    /* SPEC: staff can resend it "at any time": an inactive person may be
     * coming back. Not before approval, and never to a blocked account. */
    if (a.state == GH_STATE_PENDING || a.state == GH_STATE_BLOCKED)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("This account is %s; a welcome email can be sent to an "
                                 "active or inactive account."),
                               gh_state_name(a.state));
    if ((s = gh_notice_welcome(st, id)) != GH_OK)
        goto fail;
    s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK,
                        "welcome email queued with a new setup code (the old one is void)");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_account_set_email(struct gh_store *st, const char *actor, int64_t id,
                                    const char *email)
{
    const char *action = "account.email";
    char target[320], err[512];
    struct gh_account a;
    struct gh_account_ident v;
    const char *field;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (gh_account_check_ident(st, email, a.name, NULL, &v, err, sizeof err, &field) != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s", err);
    if ((s = gh_account_taken(st, &v, id, &field)) != GH_OK)
        goto fail;
    if (field)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                               _("email: this email address is already registered to another "
                                 "account"));
    s = gh_store_run(st, _("saving the account"),
                     "UPDATE accounts SET email = ?2, email_key = ?3, updated_at = ?4 "
                     "WHERE id = ?1",
                     GH_INT(id), GH_TEXT(v.email), GH_TEXT(v.email_key),
                     GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    /* By id only (issue 16): the old and new addresses are not logged. */
    s = gh_audit_append(st, actor, action, target, GH_OUTCOME_OK, "email changed");
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}
