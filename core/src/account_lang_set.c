/*
 * account_lang_set.c: staff change the language of a person's emails
 * (gatehousectl occupant set-lang), logged with before and after.
 */
#include "account_internal.h"
#include "rules_internal.h"
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"

#include <stdio.h>

enum gh_status gh_account_set_lang(struct gh_store *st, const char *actor, int64_t id,
                                   const char *lang)
{
    const char *action = "account.lang";
    char target[320], err[300], was[GH_I18N_LANG_MAX] = "";
    struct gh_account a;
    enum gh_status s;

    actor = gh_rules_actor(actor);
    if ((s = gh_account_begin(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (gh_languages_check(lang, err, sizeof err) != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s", err);
    if ((s = gh_account_lang(st, id, was, sizeof was)) != GH_OK)
        goto fail;
    s = gh_store_run(st, _("saving the account's language"),
                     "UPDATE accounts SET lang = ?2, updated_at = ?3 WHERE id = ?1",
                     GH_INT(id), GH_TEXT_OR_NULL(lang), GH_INT(gh_clock_now_ms()));
    if (s != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "language %s -> %s",
                         was[0] ? was : "(kiosk's first)",
                         lang && *lang ? lang : "(kiosk's first)");
    if (s == GH_OK)
        s = gh_store_commit(st);
    if (s == GH_OK)
        return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}
