/*
 * site_withdraw.c: a local sign-up the site server refused (another kiosk
 * signed up the same email or phone first; site_conflict.c).
 *
 * The server's withdrawal arrives as a delete of the account's gid. By then
 * the row may already have been merged into the winner's (the winner's row
 * arrives first and takes over the local row holding the same email), or it
 * may still be here. Either way the mail queued for the loser's sign-up is
 * cancelled (the winner's kiosk sends its own), and a row still here is
 * cleared of what refers to it so the delete can go through.
 */
#include "site_internal.h"
#include "gatehouse/i18n.h"

static int64_t local_account(struct gh_site *site, const char *gid, const char *json, int *here)
{
    int64_t id = 0;
    sqlite3_stmt *q = gh_store_prepare(site->st, "SELECT id, gid = ?1 FROM accounts "
        "WHERE gid = ?1 OR email_key = lower(json_extract(?2, '$.email')) ORDER BY gid = ?1 DESC");
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, json, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        id = sqlite3_column_int64(q, 0);
        *here = sqlite3_column_int(q, 1);
    }
    gh_store_done(site->st, q);
    return id;
}

static enum gh_status run_id(struct gh_site *site, const char *sql, int64_t id)
{
    sqlite3_stmt *q = gh_store_prepare(site->st, sql);
    if (!q)
        return gh_store_sqlfail(site->st, _("withdrawing a sign-up"));
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    gh_store_done(site->st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(site->st, _("withdrawing a sign-up"));
}

enum gh_status gh_site_withdraw_local(struct gh_site *site, const char *gid, const char *json)
{
    static const char *const clear[] = {
        "DELETE FROM auth_failures WHERE account_id = ?1",
        "DELETE FROM setup_codes WHERE account_id = ?1",
        "DELETE FROM door_codes WHERE account_id = ?1",
        "DELETE FROM cards WHERE account_id = ?1",
        "DELETE FROM request_replies WHERE request_id IN "
        "(SELECT id FROM requests WHERE account_id = ?1)",
        "UPDATE request_replies SET author_id = NULL WHERE author_id = ?1",
        "DELETE FROM requests WHERE account_id = ?1",
        "DELETE FROM import_units WHERE account_id = ?1",
        "DELETE FROM import_tenants WHERE account_id = ?1",
        "DELETE FROM unit_overlocks WHERE tenant_account = ?1",
        "DELETE FROM account_locations WHERE account_id = ?1",
        "UPDATE locations SET tenant_account = NULL WHERE tenant_account = ?1",
        "UPDATE outbox SET account_id = NULL WHERE account_id = ?1",
    };
    int here = 0;
    int64_t id = local_account(site, gid, json, &here);
    if (id < 0)
        return gh_store_sqlfail(site->st, _("withdrawing a sign-up"));
    if (id == 0)
        return GH_OK;
    enum gh_status s = run_id(site, "UPDATE outbox SET state = 'cancelled', secret = NULL, "
                              "last_error = 'sign-up withdrawn by the site server' "
                              "WHERE account_id = ?1 AND state = 'queued'", id);
    for (size_t i = 0; here && s == GH_OK && i < sizeof clear / sizeof clear[0]; i++)
        s = run_id(site, clear[i], id);
    return s;
}
