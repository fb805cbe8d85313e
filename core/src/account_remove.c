/*
 * account_remove.c: removing a person (issue 16, account.h "removing a
 * person"). The account row stays, so the log, the outbox and the units'
 * history still point at an account, but as "removed occupant #N": every
 * personal detail in it and about it is erased in one transaction, and the
 * database file is then checkpointed so none of it stays in the WAL
 * (secure_delete, set by store_open.c, zeroes what was deleted).
 *
 * What goes: name, email, phone and their search keys; the sign-up request
 * and time; the PIN, setup code, door code, cards and log-in failures; location
 * access and group membership; the units they rent (vacated); queued mail
 * to or about them (cancelled) and the addresses, names and bodies of every
 * message to or about them. The log entries written here name the account
 * by id only. What stays: the id, kind, creation time and the log.
 */
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/i18n.h"
#include "gatehouse/store.h"
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* The units the account rents, "A, B" (cut at len), and how many. */
static int rented_units(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT name FROM locations WHERE tenant_account = ?1 "
                                           "ORDER BY name_key");
    int n = 0;
    size_t used = 0;

    buf[0] = '\0';
    if (!q)
        return 0;
    sqlite3_bind_int64(q, 1, id);
    while (sqlite3_step(q) == SQLITE_ROW) {
        int w = snprintf(buf + used, len - used, "%s%s", n ? ", " : "",
                         gh_store_col_text(q, 0));
        if (w > 0 && (size_t)w < len - used)
            used += (size_t)w;
        n++;
    }
    gh_store_done(st, q);
    return n;
}

/* The account's own rows: access, codes, failures, units, then the row. */
static enum gh_status erase_rows(struct gh_store *st, int64_t id, const char *label)
{
    char key[64], label_key[GH_NAME_BUF];
    int64_t now = gh_clock_now_ms();
    enum gh_status s;

    snprintf(key, sizeof key, "#removed:%lld", (long long)id);
    gh_rules_name_key(label, label_key, sizeof label_key);
    if ((s = gh_store_run(st, _("vacating the units"),
                          "UPDATE locations SET tenant_account = NULL, shared = 0 "
                          "WHERE tenant_account = ?1", GH_INT(id))) != GH_OK ||
        (s = gh_store_run(st, _("removing location access"),
                          "DELETE FROM account_locations WHERE account_id = ?1",
                          GH_INT(id))) != GH_OK ||
        (s = gh_store_run(st, _("voiding the setup code"),
                          "DELETE FROM setup_codes WHERE account_id = ?1", GH_INT(id))) != GH_OK ||
        (s = gh_store_run(st, _("removing log-in failures"),
                          "DELETE FROM auth_failures WHERE account_id = ?1", GH_INT(id))) != GH_OK ||
        (s = gh_store_run(st, _("removing their cards"),
                          "DELETE FROM cards WHERE account_id = ?1", GH_INT(id))) != GH_OK)
        return s;
    return gh_store_run(st, _("erasing the account"),
                        "UPDATE accounts SET email = '', email_key = ?2, name = ?3, "
                        "name_key = ?4, phone = NULL, phone_key = NULL, state = 'inactive', "
                        "access = 'none', group_id = NULL, domain_group = NULL, perms = 0, "
                        "pin_hash = NULL, req_org = '', req_unit = '', locked_until = 0, "
                        "signed_up_at = NULL, last_seen_at = NULL, updated_at = ?5, "
                        "removed_at = ?5 WHERE id = ?1",
                        GH_INT(id), GH_TEXT(key), GH_TEXT(label), GH_TEXT(label_key),
                        GH_INT(now));
}

/* Mail to or about the account: queued mail cancelled; addresses, names,
 * subjects and bodies erased, sent or not. Any other message that quotes
 * the address loses it too. */
static enum gh_status erase_mail(struct gh_store *st, const struct gh_account *a)
{
    char email_key[GH_EMAIL_MAX + 1];
    enum gh_status s;

    gh_ident_email_key(a->email, email_key, sizeof email_key);
    s = gh_store_run(st, _("erasing mail"),
                     "UPDATE outbox SET state = CASE state WHEN 'queued' THEN 'cancelled' "
                     "ELSE state END, last_error = CASE state WHEN 'queued' THEN "
                     "'account removed' ELSE last_error END, to_addr = '', to_name = '', "
                     "subject = '', body = '', secret = NULL "
                     "WHERE account_id = ?1 OR lower(to_addr) = ?2",
                     GH_INT(a->id), GH_TEXT(email_key));
    if (s != GH_OK || !a->email[0])
        return s;
    return gh_store_run(st, _("erasing mail"),
                        "UPDATE outbox SET body = replace(body, ?1, ''), "
                        "subject = replace(subject, ?1, '') "
                        "WHERE instr(body, ?1) > 0 OR instr(subject, ?1) > 0",
                        GH_TEXT(a->email));
}

/* Checks, in the open transaction, that `a` may be removed. */
static enum gh_status may_remove(struct gh_store *st, const char *actor, const struct gh_account *a,
                                 int force, const char *target)
{
    char units[512];
    int n;

    if (a->kind == GH_KIND_STAFF)
        return gh_rules_refuse(st, 1, actor, "account.remove", target, GH_E_REFUSED, "%s",
                               _("This is a staff account; staff accounts are switched off, "
                                 "not removed."));
    if (a->state == GH_STATE_REMOVED)
        return gh_rules_refuse(st, 1, actor, "account.remove", target, GH_E_REFUSED, "%s",
                               _("This person was already removed."));
    n = rented_units(st, a->id, units, sizeof units);
    if (n > 0 && !force)
        return gh_rules_refuse(st, 1, actor, "account.remove", target, GH_E_CONFIRM,
                               _("They rent %d unit(s) (%s); removing them vacates those "
                                 "(--force)."), n, units);
    return GH_OK;
}

enum gh_status gh_occupant_remove(struct gh_store *st, const char *actor, int64_t id, int force)
{
    char target[320], label[GH_NAME_BUF], units[512];
    struct gh_account a;
    enum gh_status s;
    int n;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, "account.remove", id, &a, target, sizeof target)) != GH_OK)
        return s;
    snprintf(target, sizeof target, "%s:%lld", gh_kind_name(a.kind), (long long)id);
    if ((s = may_remove(st, actor, &a, force, target)) != GH_OK)
        return s;
    n = rented_units(st, id, units, sizeof units);
    snprintf(label, sizeof label, _("removed occupant #%lld"), (long long)id);
    if ((s = erase_rows(st, id, label)) != GH_OK || (s = erase_mail(st, &a)) != GH_OK ||
        (s = gh_doorcode_void(st, actor, id, "removed", NULL)) != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, "account.remove", target, GH_OUTCOME_OK,
                         "personal details erased%s%s", n ? "; vacated " : "", n ? units : "");
    if (s != GH_OK)
        goto fail;
    gh_account_emit(st, GH_EVENT_ACCOUNT_STATE, id, "removed");
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    /* The erased values may still sit in the WAL's older frames: copy
     * them into the file (whose freed space secure_delete zeroes) and
     * empty the WAL. A busy reader can delay that; the next checkpoint
     * finishes it. */
    if (gh_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", _("checkpointing")) != GH_OK)
        st->errmsg[0] = '\0';
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}
