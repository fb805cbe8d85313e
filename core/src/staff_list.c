/*
 * staff_list.c: the active staff holding a permission, for the mails that
 * go to "whoever approves sign-ups" or "the admins" (account.h
 * gh_staff_with_perms).
 *
 * The list is read whole before anyone is mailed: composing a message while
 * the query is still stepping would write under a running read.
 */
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"

#include <stdlib.h>

enum gh_status gh_staff_with_perms(struct gh_store *st, unsigned perms,
                                   struct gh_staff_ref **out, size_t *n_out)
{
    struct gh_staff_ref *v = NULL;
    size_t n = 0, cap = 0;
    enum gh_status s = GH_OK;
    int rc;
    *out = NULL;
    *n_out = 0;
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT id, email, name FROM accounts WHERE kind = 'staff' AND state = 'active' "
        "AND (perms & ?1) <> 0 ORDER BY id");
    if (!q)
        return gh_store_sqlfail(st, _("finding the staff to tell"));
    sqlite3_bind_int64(q, 1, perms);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            struct gh_staff_ref *nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof *nv);
            if (!nv) {
                s = gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
                break;
            }
            v = nv;
        }
        v[n].id = sqlite3_column_int64(q, 0);
        gh_store_copy(v[n].email, sizeof v[n].email, gh_store_col_text(q, 1));
        gh_store_copy(v[n].name, sizeof v[n].name, gh_store_col_text(q, 2));
        n++;
    }
    gh_store_done(st, q);
    if (s == GH_OK && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("finding the staff to tell"));
    if (s != GH_OK) {
        free(v);
        return s;
    }
    *out = v;
    *n_out = n;
    return GH_OK;
}
