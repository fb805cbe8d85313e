/*
 * rules.c: the helpers every product-rule module shares (rules_internal.h):
 * how a refusal is logged, how a name is keyed, how an actor and an account
 * are named in the log, which location a name means, and the keys of the
 * staff search.
 *
 * The first file above the store, the settings, the log and ident.c: every
 * rule module (account*, auth, group, location, access ...) may call it,
 * and it calls none of them.
 */
#include "gatehouse/audit.h"
#include "gatehouse/i18n.h"
#include "gatehouse/account.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- refusals and names in the log ----------------------------------- */

enum gh_status gh_rules_refuse(struct gh_store *st, int in_tx, const char *actor,
                               const char *action, const char *target,
                               enum gh_status s, const char *fmt, ...)
{
    char msg[GH_STORE_ERRMSG_LEN];
    va_list ap;
    enum gh_status as;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (in_tx)
        gh_store_rollback(st);
    as = gh_audit_append(st, actor ? actor : "system", action, target ? target : "",
                         GH_OUTCOME_REFUSED, msg);
    if (as != GH_OK)
        return as;               /* a refusal that can't be logged is a failure */
    return gh_store_fail(st, s, "%s", msg);
}

/* Lower-cases one code point of the scripts a name is likely to use here,
 * keeping its UTF-8 length (so keys fit the same buffers as names). */
void gh_rules_name_key(const char *name, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)(name ? name : "");
    size_t o = 0;

    if (!out || !outlen)
        return;
    while (*s && o + 1 < outlen) {
        unsigned char c = s[0];
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
            s++;
        } else if (c == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97 &&
                   o + 2 < outlen) {
            /* U+00C0..U+00DE except U+00D7 (multiplication sign) */
            out[o++] = (char)0xC3;
            out[o++] = (char)(s[1] + 0x20);
            s += 2;
        } else if (c == 0xD0 && s[1] >= 0x90 && s[1] <= 0xAF && o + 2 < outlen) {
            /* Cyrillic U+0410..U+042F -> U+0430..U+044F */
            out[o++] = (char)(s[1] <= 0x9F ? 0xD0 : 0xD1);
            out[o++] = (char)(s[1] <= 0x9F ? s[1] + 0x20 : s[1] - 0x20);
            s += 2;
        } else if (c == 0xD0 && s[1] >= 0x80 && s[1] <= 0x8F && o + 2 < outlen) {
            /* Cyrillic U+0400..U+040F -> U+0450..U+045F */
            out[o++] = (char)0xD1;
            out[o++] = (char)(s[1] + 0x10);
            s += 2;
        } else {
            out[o++] = (char)c;
            s++;
        }
    }
    out[o] = '\0';
}

/* Issue 16: a log entry names an account by kind and id only ("occupant:12"):
 * the hash chain covers what is stored, so a name or an email in it could
 * never be erased when the person is removed. `log` shows who it is at
 * display time (gh_audit_show). */
void gh_rules_target_of(const struct gh_account *a, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%lld", gh_kind_name(a->kind), (long long)a->id);
}

void gh_rules_account_target(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT kind FROM accounts WHERE id = ?1");

    snprintf(buf, len, "account:%lld", (long long)id);
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW)
        snprintf(buf, len, "%s:%lld", gh_store_col_text(q, 0), (long long)id);
    gh_store_done(st, q);
}

void gh_rules_tenant_ref(struct gh_store *st, int64_t account, int64_t group,
                         const char *group_name, char *buf, size_t len)
{
    if (account)
        gh_rules_account_target(st, account, buf, len);
    else if (group)
        snprintf(buf, len, "group:%lld:%s", (long long)group, group_name ? group_name : "");
    else
        snprintf(buf, len, "nobody");
}

void gh_rules_email_ref(struct gh_store *st, const char *email, char *buf, size_t len)
{
    char key[320];
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT kind, id FROM accounts WHERE email_key = ?1");

    snprintf(buf, len, "%s", email ? email : "");
    if (!q || !email || !*email) {
        gh_store_done(st, q);
        return;
    }
    gh_ident_email_key(email, key, sizeof key);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        snprintf(buf, len, "%s:%lld", gh_store_col_text(q, 0),
                 (long long)sqlite3_column_int64(q, 1));
    gh_store_done(st, q);
}

const char *gh_rules_actor(const char *actor)
{
    return actor && *actor ? actor : "system";
}

/* ---- locations by name ------------------------------------------------- */

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void row_id(struct gh_store *st, sqlite3_stmt *q, void *out)
{
    (void)st;
    *(int64_t *)out = sqlite3_column_int64(q, 0);
}

enum gh_status gh_rules_location_id(struct gh_store *st, const char *name_or_id, int64_t *id)
{
    char key[GH_NAME_BUF];
    enum gh_status s;

    *id = 0;
    if (!name_or_id || !*name_or_id)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("location: no location given"));
    /* By name first: units are often called "101". */
    gh_rules_name_key(name_or_id, key, sizeof key);
    s = gh_store_get_one(st, "SELECT id FROM locations WHERE name_key = ?1", GH_TEXT(key),
                         row_id, id, _("reading a location"));
    if (s == GH_E_NOTFOUND && all_digits(name_or_id) && strlen(name_or_id) <= 18)
        s = gh_store_get_one(st, "SELECT id FROM locations WHERE id = ?1",
                             GH_INT(strtoll(name_or_id, NULL, 10)), row_id, id,
                             _("reading a location"));
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("location: no location named \"%.100s\""), name_or_id);
    return s;
}

enum gh_status gh_rules_location_ids(struct gh_store *st, const char *const *names, int n,
                                     int64_t *ids)
{
    enum gh_status s;

    for (int i = 0; i < n; i++)
        if ((s = gh_rules_location_id(st, names[i], &ids[i])) != GH_OK)
            return s;
    return GH_OK;
}

/* ---- search keys --------------------------------------------------------- */

/* The exclusive upper bound of a prefix range: the prefix with its last byte
 * raised by one, so that key >= lo AND key < hi is exactly "starts with lo"
 * and SQLite can answer it from an index (LIKE can't, by default). */
int gh_rules_prefix_hi(const char *lo, char *hi, size_t len)
{
    size_t n = strlen(lo);

    if (n == 0 || n >= len)
        return -1;
    memcpy(hi, lo, n + 1);
    while (n > 0 && (unsigned char)hi[n - 1] == 0xFF)
        hi[--n] = '\0';
    if (n == 0)
        return -1;
    hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
    return 0;
}

static int raw_phone_prefix(const char *s, char *out, size_t len);

int gh_rules_phone_key(struct gh_store *st, const char *phone, char *out, size_t outlen,
                       char *err, size_t errlen)
{
    char cc[8];
    gh_store_copy(cc, sizeof cc, gh_settings_get(st, GH_SETTING_PHONE_COUNTRY));
    return gh_ident_phone_e164(phone, cc, out, outlen, err, errlen);
}

/* Phone search text: "+", digits and the usual separators; anything else
 * means the query is not a phone. */
int gh_rules_phone_prefix(const char *text, const char *country, char *out, size_t len)
{
    char typed[GH_PHONE_BUF], intl[2 * GH_PHONE_BUF];
    if (raw_phone_prefix(text, typed, sizeof typed) != 0)
        return -1;
    if (typed[0] == '+') {
        gh_store_copy(out, len, typed);
    } else {
        gh_rules_phone_intl(typed, country, intl, sizeof intl);
        if (strlen(intl) + 2 > len)
            return -1;
        snprintf(out, len, "+%s", intl);
    }
    return strlen(out) > 1 ? 0 : -1;
}

static int raw_phone_prefix(const char *s, char *out, size_t len)
{
    size_t o = 0;

    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (o + 1 >= len)
                return -1;
            out[o++] = *s;
        } else if (*s == '+' && o == 0) {
            out[o++] = '+';
        } else if (!strchr(" .-()", *s)) {
            return -1;
        }
    }
    out[o] = '\0';
    return (o == 0 || (o == 1 && out[0] == '+')) ? -1 : 0;
}

