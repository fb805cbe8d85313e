/*
 * account_lang.c: the language of a person's emails (migration 0015).
 *
 * An account stores the language the person used at the kiosk when they
 * signed up, or the one staff gave (gatehousectl --lang); NULL means the
 * kiosk's first language. Every email addressed to the person is composed
 * in it at queue time (notices.c, request_mail.c); a stored language the
 * kiosk no longer offers falls back to the first one (languages.h).
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"

#include <stdio.h>
#include <string.h>

struct lang_row { char lang[GH_I18N_LANG_MAX]; };

static void row_lang(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    struct lang_row *r = out;
    (void)st;
    gh_store_copy(r->lang, sizeof r->lang, gh_store_col_text(q, 0));
}

enum gh_status gh_account_lang(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    struct lang_row r = { "" };
    enum gh_status s = gh_store_get_one(st, "SELECT lang FROM accounts WHERE id = ?1",
                                        GH_INT(id), row_lang, &r,
                                        _("reading the account's language"));
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("no account with id %lld"), (long long)id);
    if (s == GH_OK)
        gh_store_copy(buf, len, r.lang);
    return s;
}

const char *gh_account_mail_lang(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    char stored[GH_I18N_LANG_MAX] = "";
    if (id <= 0 || gh_account_lang(st, id, stored, sizeof stored) != GH_OK)
        stored[0] = '\0';
    gh_store_copy(buf, len, gh_languages_pick(stored));
    return buf;
}
