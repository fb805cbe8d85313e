/*
 * phones.c: rewriting stored phone numbers into E.164 when the site's
 * phone_country changes (gh_rules_phones_to_e164, rules_internal.h).
 *
 * Called by settings.c inside the transaction that changes the setting, so
 * it is given the new calling code instead of reading the setting: it sits
 * below settings.c and calls only the store and ident.c.
 */
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdlib.h>

static void row_id(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    (void)st;
    *(int64_t *)out = sqlite3_column_int64(q, 0);
}

/* One stored number not in E.164 yet: rewritten, or counted in *kept when
 * its E.164 form is taken or it is not a number any more. */
static enum gh_status phone_to_e164(struct gh_store *st, const char *country, int64_t id,
                                    const char *phone, long *changed, long *kept)
{
    char key[GH_PHONE_BUF];
    int64_t other;
    if (gh_ident_phone_e164(phone, country, key, sizeof key, NULL, 0) != 0 || !*key) {
        (*kept)++;
        return GH_OK;
    }
    enum gh_status s = gh_store_get_one(st, "SELECT id FROM accounts WHERE phone_key = ?1",
                                        GH_TEXT(key), row_id, &other, _("reading an account"));
    if (s == GH_OK) {
        (*kept)++;
        return GH_OK;
    }
    if (s != GH_E_NOTFOUND)
        return s;
    s = gh_store_run(st, _("saving the account"),
                     "UPDATE accounts SET phone = ?2, phone_key = ?2 WHERE id = ?1", GH_INT(id),
                     GH_TEXT(key));
    if (s == GH_OK)
        (*changed)++;
    return s;
}

enum gh_status gh_rules_phones_to_e164(struct gh_store *st, const char *country, long *changed,
                                       long *kept)
{
    /* Keys not starting with '+' sort outside ['+', ','): read them all
     * first (the updates change the index being walked). */
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT id, phone FROM accounts WHERE phone_key IS "
                                           "NOT NULL AND (phone_key < '+' OR phone_key >= ',') "
                                           "ORDER BY id");
    int64_t *ids = NULL;
    char (*phones)[GH_PHONE_BUF] = NULL;
    size_t n = 0, cap = 0;
    enum gh_status s = GH_OK;
    int rc;

    *changed = *kept = 0;
    if (!q)
        return gh_store_sqlfail(st, _("reading the accounts"));
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *ni = realloc(ids, cap * sizeof *ids);
            char (*np)[GH_PHONE_BUF] = ni ? realloc(phones, cap * sizeof *phones) : NULL;
            if (ni)
                ids = ni;
            if (!ni || !np) {
                s = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
                break;
            }
            phones = np;
        }
        ids[n] = sqlite3_column_int64(q, 0);
        gh_store_copy(phones[n++], GH_PHONE_BUF, gh_store_col_text(q, 1));
    }
    if (s == GH_OK && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading the accounts"));
    gh_store_done(st, q);
    for (size_t i = 0; s == GH_OK && i < n; i++)
        s = phone_to_e164(st, country, ids[i], phones[i], changed, kept);
    free(ids);
    free(phones);
    return s;
}

