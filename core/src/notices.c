/*
 * notices.c: the mails the SPEC asks the rules to send (notices.h): the
 * welcome and "new setup code" mails, each carrying a fresh setup code, and
 * the sign-up notice to the approvers.
 *
 * Languages (issue 19): a mail to a person is written in their language
 * (account_lang.c), its words and dates alike; the approvers' notice in the
 * kiosk's first language, whatever language the person signed up in.
 *
 * What goes into them and to whom is a product rule, so it lives here, above
 * the queue (outbox.c only stores and delivers what it is given) and above
 * auth.c, which issues the codes.
 */
#include "gatehouse/account.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/notices.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "store_internal.h"

#include <sodium.h>
#include <stdlib.h>

/* The mail with the setup code, in the person's language: its words, the
 * greeting's fallback and the code's expiry date alike. */
static enum gh_status compose_code_mail(struct gh_store *st, const struct gh_account *a,
                                        const char *kind, const char *code, const char *kiosk)
{
    char lang[GH_I18N_LANG_MAX], expires[160];
    struct gh_i18n_prev prev;

    gh_account_mail_lang(st, a->id, lang, sizeof lang);
    gh_i18n_push(lang, &prev);
    gh_i18n_date(gh_clock_now_ms() + GH_CODE_TTL_MS, 1, expires, sizeof expires);
    const char *vars[] = {
        "name", a->name[0] ? a->name : _("there"),
        "code", code,
        "kiosk", kiosk,
        "email", a->email,
        "expires", expires,
        /* the home screen's tile, as the kiosk shows it in their language */
        "first_time", _("First time here?"),
        NULL, NULL
    };
    enum gh_status s = gh_outbox_compose_in(st, lang, kind, a->id, a->email, a->name, vars,
                                            NULL);
    gh_i18n_pop(&prev);
    return s;
}

enum gh_status gh_notice_welcome(struct gh_store *st, int64_t account_id)
{
    return gh_notice_setup_code(st, account_id, "welcome");
}

enum gh_status gh_notice_setup_code(struct gh_store *st, int64_t account_id, const char *kind)
{
    struct gh_account a;
    char code[GH_CODE_LEN + 1];
    char kiosk[256];
    enum gh_status s = gh_account_get(st, account_id, &a);
    if (s != GH_OK)
        return s;
    gh_store_copy(kiosk, sizeof kiosk, gh_settings_get(st, GH_SETTING_KIOSK_NAME));

    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    /* Only the newest code's message may ever leave: older ones still
     * waiting for the relay would arrive as dead codes. */
    s = gh_outbox_cancel_codes(st, account_id, "superseded by a newer setup code");
    if (s != GH_OK)
        goto fail;
    s = gh_auth_issue_code(st, account_id, code);
    if (s != GH_OK)
        goto fail;
    s = compose_code_mail(st, &a, kind, code, kiosk);
    sodium_memzero(code, sizeof code);
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    sodium_memzero(code, sizeof code);
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_notice_approvers(struct gh_store *st, int64_t account_id)
{
    struct gh_account a;
    char kiosk[256];
    enum gh_status s = gh_account_get(st, account_id, &a);
    if (s != GH_OK)
        return s;
    gh_store_copy(kiosk, sizeof kiosk, gh_settings_get(st, GH_SETTING_KIOSK_NAME));

    struct gh_staff_ref *to = NULL;
    size_t n = 0;
    if ((s = gh_staff_with_perms(st, GH_PERM_APPROVE | GH_PERM_ADMIN, &to, &n)) != GH_OK)
        return s;
    if (n == 0) {
        free(to);
        return GH_OK;
    }

    if ((s = gh_store_begin(st)) != GH_OK) {
        free(to);
        return s;
    }
    /* Staff read the kiosk's first language, whatever the person used. */
    struct gh_i18n_prev prev;
    gh_i18n_push(gh_languages_pick(NULL), &prev);
    const char *none = _("(not given)");
    for (size_t i = 0; i < n; i++) {
        const char *vars[] = {
            "staff_name", to[i].name[0] ? to[i].name : _("there"),
            "who", a.name[0] ? a.name : a.email,
            "name", a.name[0] ? a.name : none,
            "email", a.email,
            "phone", a.phone[0] ? a.phone : none,
            "org", a.req_org[0] ? a.req_org : none,
            "unit", a.req_unit[0] ? a.req_unit : none,
            "group", a.group_name[0] ? a.group_name : none,
            "kiosk", kiosk,
            NULL, NULL
        };
        s = gh_outbox_compose(st, "signup_notify", account_id, to[i].email, to[i].name, vars,
                              NULL);
        if (s != GH_OK)
            break;
    }
    gh_i18n_pop(&prev);
    free(to);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}
