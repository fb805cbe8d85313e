/*
 * account.c: occupants and staff (account.h): creation, self sign-up, the
 * state machine of SPEC "Occupant states", access, lookups and the search
 * behind the staff screens.
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
 *
 * The helpers of rules_internal.h shared by group.c, location.c and access.c
 * live at the top of this file.
 */
#include "gatehouse/account.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/audit.h"
#include "gatehouse/auth.h"
#include "gatehouse/clock.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"
#include "rules_internal.h"
#include "store_internal.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared rule helpers (rules_internal.h) -------------------------- */

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

void gh_rules_account_target(struct gh_store *st, int64_t id, char *buf, size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT kind, email FROM accounts WHERE id = ?1");

    snprintf(buf, len, "account:%lld", (long long)id);
    if (!q)
        return;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW)
        snprintf(buf, len, "%s:%lld:%s", gh_store_col_text(q, 0), (long long)id,
                 gh_store_col_text(q, 1));
    gh_store_done(st, q);
}

/* ---- reading accounts ------------------------------------------------ */

#define ACCOUNT_COLS                                                              \
    "a.id, a.kind, a.state, a.access, COALESCE(a.group_id, 0), COALESCE(g.name, ''), " \
    "a.email, a.name, COALESCE(a.phone, ''), a.perms, a.pin_hash IS NOT NULL, "    \
    "a.req_org, a.req_unit, COALESCE(a.domain_group, 0), a.created_at, a.updated_at, " \
    "COALESCE(a.signed_up_at, 0), COALESCE(a.last_seen_at, 0), a.locked_until"
#define ACCOUNT_FROM " FROM accounts a LEFT JOIN groups g ON g.id = a.group_id"

static void row_to_account(sqlite3_stmt *q, struct gh_account *a)
{
    enum gh_kind k = GH_KIND_OCCUPANT;
    enum gh_state s = GH_STATE_INACTIVE;
    enum gh_access x = GH_ACCESS_NONE;

    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(q, 0);
    gh_kind_parse(gh_store_col_text(q, 1), &k);
    gh_state_parse(gh_store_col_text(q, 2), &s);
    gh_access_parse(gh_store_col_text(q, 3), &x);
    a->kind = k;
    a->state = s;
    a->access = x;
    a->group_id = sqlite3_column_int64(q, 4);
    gh_store_copy(a->group_name, sizeof a->group_name, gh_store_col_text(q, 5));
    gh_store_copy(a->email, sizeof a->email, gh_store_col_text(q, 6));
    gh_store_copy(a->name, sizeof a->name, gh_store_col_text(q, 7));
    gh_store_copy(a->phone, sizeof a->phone, gh_store_col_text(q, 8));
    a->perms = (unsigned)sqlite3_column_int64(q, 9);
    a->has_pin = sqlite3_column_int(q, 10);
    gh_store_copy(a->req_org, sizeof a->req_org, gh_store_col_text(q, 11));
    gh_store_copy(a->req_unit, sizeof a->req_unit, gh_store_col_text(q, 12));
    a->domain_group_id = sqlite3_column_int64(q, 13);
    a->created_at = sqlite3_column_int64(q, 14);
    a->updated_at = sqlite3_column_int64(q, 15);
    a->signed_up_at = sqlite3_column_int64(q, 16);
    a->last_seen_at = sqlite3_column_int64(q, 17);
    a->locked_until = sqlite3_column_int64(q, 18);
}

/* One account by a key column. GH_E_NOTFOUND without a message: callers
 * know what they looked for and say it better. */
static enum gh_status load_by(struct gh_store *st, const char *sql, const char *text,
                              int64_t id, struct gh_account *out)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    enum gh_status s;
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("reading an account"));
    if (text)
        sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        row_to_account(q, out);
        s = GH_OK;
    } else if (rc == SQLITE_DONE) {
        s = GH_E_NOTFOUND;
    } else {
        s = gh_store_sqlfail(st, _("reading an account"));
    }
    gh_store_done(st, q);
    return s;
}

static enum gh_status load_id(struct gh_store *st, int64_t id, struct gh_account *out)
{
    return load_by(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.id = ?1", NULL, id, out);
}

/* Opens the transaction and loads account `id` for a change logged under
 * `action`; an unknown id is refused and logged. On GH_OK the transaction is
 * open and target names the account; otherwise nothing is left open. */
static enum gh_status begin_account(struct gh_store *st, const char *actor, const char *action,
                                    int64_t id, struct gh_account *a, char *target, size_t tlen)
{
    enum gh_status s;

    snprintf(target, tlen, "account:%lld", (long long)id);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = load_id(st, id, a);
    if (s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 1, actor, action, target, s, _("no account with id %lld"),
                               (long long)id);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    snprintf(target, tlen, "%s:%lld:%s", gh_kind_name(a->kind), (long long)id, a->email);
    return GH_OK;
}

static enum gh_status load_email_key(struct gh_store *st, const char *key,
                                     struct gh_account *out)
{
    return load_by(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.email_key = ?1", key, 0,
                   out);
}

static enum gh_status load_phone_key(struct gh_store *st, const char *key,
                                     struct gh_account *out)
{
    return load_by(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.phone_key = ?1", key, 0,
                   out);
}

enum gh_status gh_account_get(struct gh_store *st, int64_t id, struct gh_account *out)
{
    enum gh_status s = load_id(st, id, out);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("no account with id %lld"), (long long)id);
    return s;
}

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

enum gh_status gh_account_find(struct gh_store *st, const char *who, struct gh_account *out)
{
    char key[GH_EMAIL_MAX + 1], phone[GH_PHONE_BUF];
    enum gh_status s = GH_E_NOTFOUND;
    size_t len;

    if (!who || !*who)
        return gh_store_fail(st, GH_E_NOTFOUND, "%s", _("no account given"));
    while (*who == ' ')
        who++;
    len = strlen(who);
    while (len && who[len - 1] == ' ')
        len--;
    if (strchr(who, '@')) {
        if (len > GH_EMAIL_MAX)
            goto notfound;
        memcpy(key, who, len);
        key[len] = '\0';
        gh_ident_email_key(key, key, sizeof key);
        s = load_email_key(st, key, out);
    } else {
        /* A phone first, so that a 7-digit local number is not taken for
         * an id; short numbers can only be ids. */
        if (gh_rules_phone_key(st, who, phone, sizeof phone, NULL, 0) == 0 && *phone)
            s = load_phone_key(st, phone, out);
        /* A number stored before phone_country was set may still have the
         * key it was typed with (see gh_rules_phones_to_e164). */
        if (s == GH_E_NOTFOUND &&
            gh_ident_normalize_phone(who, phone, sizeof phone, NULL, 0) == 0 && *phone &&
            phone[0] != '+')
            s = load_phone_key(st, phone, out);
        if (s == GH_E_NOTFOUND && all_digits(who) && len <= 18)
            s = load_id(st, strtoll(who, NULL, 10), out);
    }
    if (s != GH_E_NOTFOUND)
        return s;
notfound:
    return gh_store_fail(st, GH_E_NOTFOUND, _("no account for \"%.80s\""), who);
}

void gh_account_actor(const struct gh_account *a, char *buf, size_t len)
{
    if (!buf || !len)
        return;
    if (!a)
        snprintf(buf, len, "unknown");
    else if (a->kind == GH_KIND_STAFF)
        snprintf(buf, len, "staff:%lld:%s", (long long)a->id, a->email);
    else
        snprintf(buf, len, "occupant:%lld", (long long)a->id);
}

/* ---- list and search ------------------------------------------------- */

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

/* One stored number not in E.164 yet: rewritten, or counted in *kept when
 * its E.164 form is taken or it is not a number any more. */
static enum gh_status phone_to_e164(struct gh_store *st, int64_t id, const char *phone,
                                    long *changed, long *kept)
{
    char key[GH_PHONE_BUF];
    struct gh_account other;
    if (gh_rules_phone_key(st, phone, key, sizeof key, NULL, 0) != 0 || !*key) {
        (*kept)++;
        return GH_OK;
    }
    enum gh_status s = load_phone_key(st, key, &other);
    if (s == GH_OK) {
        (*kept)++;
        return GH_OK;
    }
    if (s != GH_E_NOTFOUND)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET phone = ?2, phone_key = ?2 "
                                           "WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("saving the account"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("saving the account"));
    (*changed)++;
    return GH_OK;
}

enum gh_status gh_rules_phones_to_e164(struct gh_store *st, long *changed, long *kept)
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
        s = phone_to_e164(st, ids[i], phones[i], changed, kept);
    free(ids);
    free(phones);
    return s;
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

struct search {
    char sql[2048];
    char email_lo[GH_EMAIL_MAX + 1], email_hi[GH_EMAIL_MAX + 1];
    char name_lo[GH_NAME_BUF], name_hi[GH_NAME_BUF];
    char phone_lo[GH_PHONE_BUF], phone_hi[GH_PHONE_BUF];
    int has_prefix, has_email, has_name, has_phone;
};

/* Builds the SQL for a query. Parameters have fixed numbers (?1..?11) so
 * one binder serves every variant; each variant is its own cached
 * statement. `what`: the select list. */
static void build_search(struct gh_store *st, const struct gh_account_query *q,
                         const char *what, int ordered, struct search *s)
{
    char where[512] = "";
    const char *prefix = q && q->prefix ? q->prefix : "";
    char trimmed[GH_NAME_BUF];
    size_t n;
    int w = 0;

    memset(s, 0, offsetof(struct search, has_prefix));
    s->has_prefix = s->has_email = s->has_name = s->has_phone = 0;
    while (*prefix == ' ')
        prefix++;
    n = strlen(prefix);
    while (n && prefix[n - 1] == ' ')
        n--;
    if (n >= sizeof trimmed)
        n = sizeof trimmed - 1;
    memcpy(trimmed, prefix, n);
    trimmed[n] = '\0';

    if (*trimmed) {
        s->has_prefix = 1;
        if (strlen(trimmed) <= GH_EMAIL_MAX) {
            gh_ident_email_key(trimmed, s->email_lo, sizeof s->email_lo);
            s->has_email = gh_rules_prefix_hi(s->email_lo, s->email_hi, sizeof s->email_hi) == 0;
        }
        gh_rules_name_key(trimmed, s->name_lo, sizeof s->name_lo);
        s->has_name = gh_rules_prefix_hi(s->name_lo, s->name_hi, sizeof s->name_hi) == 0;
        char cc[8];
        gh_store_copy(cc, sizeof cc, gh_settings_get(st, GH_SETTING_PHONE_COUNTRY));
        s->has_phone = gh_rules_phone_prefix(trimmed, cc, s->phone_lo, sizeof s->phone_lo) == 0 &&
                       gh_rules_prefix_hi(s->phone_lo, s->phone_hi, sizeof s->phone_hi) == 0;
    }

    /* With a prefix the matching ids come from the three indexes; the other
     * conditions are then checked on those rows only ("+" keeps SQLite from
     * walking a whole index for them instead). */
    const char *p = s->has_prefix ? "+" : "";
    if (q && q->kind >= 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.kind = ?7", p);
    if (q && q->state >= 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.state = ?8", p);
    if (q && q->group_id > 0)
        w += snprintf(where + w, sizeof where - w, " AND %sa.group_id = ?9", p);

    char from[1024];
    if (s->has_prefix) {
        char parts[900] = "";
        int pw = 0;
        if (s->has_email)
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "SELECT id FROM accounts WHERE email_key >= ?1 AND email_key < ?2");
        if (s->has_name)
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "%sSELECT id FROM accounts WHERE kind %s AND name_key >= ?3 "
                           "AND name_key < ?4",
                           pw ? " UNION " : "",
                           q && q->kind >= 0 ? "= ?7" : "IN ('occupant', 'staff')");
        if (s->has_phone)
            pw += snprintf(parts + pw, sizeof parts - pw,
                           "%sSELECT id FROM accounts WHERE phone_key >= ?5 AND phone_key < ?6",
                           pw ? " UNION " : "");
        if (!pw)
            snprintf(parts, sizeof parts, "SELECT id FROM accounts WHERE 0");
        snprintf(from, sizeof from,
                 " FROM (%s) m JOIN accounts a ON a.id = m.id"
                 " LEFT JOIN groups g ON g.id = a.group_id",
                 parts);
    } else {
        snprintf(from, sizeof from, "%s", ACCOUNT_FROM);
    }

    snprintf(s->sql, sizeof s->sql, "SELECT %s%s WHERE 1%s%s%s", what, from, where,
             !ordered ? ""
             : (q && q->oldest_first) ? " ORDER BY a.signed_up_at, a.id"
                                      : " ORDER BY a.name_key, a.id",
             ordered ? " LIMIT ?10 OFFSET ?11" : "");
}

static void bind_search(sqlite3_stmt *st, const struct gh_account_query *q,
                        const struct search *s)
{
    int n = sqlite3_bind_parameter_count(st);

#define BT(i, v) do { if ((i) <= n) sqlite3_bind_text(st, (i), (v), -1, SQLITE_STATIC); } while (0)
#define BI(i, v) do { if ((i) <= n) sqlite3_bind_int64(st, (i), (v)); } while (0)
    if (s->has_email) { BT(1, s->email_lo); BT(2, s->email_hi); }
    if (s->has_name) { BT(3, s->name_lo); BT(4, s->name_hi); }
    if (s->has_phone) { BT(5, s->phone_lo); BT(6, s->phone_hi); }
    if (q && q->kind >= 0)
        BT(7, gh_kind_name((enum gh_kind)q->kind));
    if (q && q->state >= 0)
        BT(8, gh_state_name((enum gh_state)q->state));
    if (q && q->group_id > 0)
        BI(9, q->group_id);
    BI(10, q && q->limit > 0 ? q->limit : -1);
    BI(11, q && q->offset > 0 ? q->offset : 0);
#undef BT
#undef BI
}

enum gh_status gh_account_list(struct gh_store *st, const struct gh_account_query *q,
                               gh_account_fn fn, void *ud)
{
    struct search *s = malloc(sizeof *s);
    sqlite3_stmt *stmt = NULL;
    struct gh_account a;
    enum gh_status rs = GH_OK;
    int rc;

    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, ACCOUNT_COLS, 1, s);
    stmt = gh_store_prepare(st, s->sql);
    if (!stmt) {
        rs = gh_store_sqlfail(st, _("listing accounts"));
        goto out;
    }
    bind_search(stmt, q, s);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        row_to_account(stmt, &a);
        if (fn && fn(ud, &a))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rs = gh_store_sqlfail(st, _("listing accounts"));
out:
    gh_store_done(st, stmt);
    free(s);
    return rs;
}

enum gh_status gh_account_count(struct gh_store *st, const struct gh_account_query *q,
                                int64_t *out)
{
    struct search *s = malloc(sizeof *s);
    sqlite3_stmt *stmt = NULL;
    enum gh_status rs = GH_OK;

    *out = 0;
    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, "count(*)", 0, s);
    stmt = gh_store_prepare(st, s->sql);
    if (!stmt) {
        rs = gh_store_sqlfail(st, _("counting accounts"));
        goto out;
    }
    bind_search(stmt, q, s);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        rs = gh_store_sqlfail(st, _("counting accounts"));
out:
    gh_store_done(st, stmt);
    free(s);
    return rs;
}

enum gh_status gh_account_search_plan(struct gh_store *st, const struct gh_account_query *q,
                                      char *buf, size_t len)
{
    struct search *s = malloc(sizeof *s);
    char sql[2100];
    sqlite3_stmt *stmt = NULL;
    enum gh_status rs = GH_OK;
    size_t o = 0;

    if (buf && len)
        buf[0] = '\0';
    if (!s)
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    build_search(st, q, ACCOUNT_COLS, 1, s);
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", s->sql);
    if (sqlite3_prepare_v2(gh_store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
        rs = gh_store_sqlfail(st, _("explaining the search"));
        goto out;
    }
    bind_search(stmt, q, s);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        int w = snprintf(buf + o, len - o, "%s\n", gh_store_col_text(stmt, 3));
        if (w < 0 || (size_t)w >= len - o)
            break;
        o += (size_t)w;
    }
out:
    sqlite3_finalize(stmt);
    free(s);
    return rs;
}

/* ---- validated input ------------------------------------------------- */

struct ident {
    char email[GH_EMAIL_MAX + 1], email_key[GH_EMAIL_MAX + 1];
    char name[GH_NAME_BUF], name_key[GH_NAME_BUF];
    char phone[GH_PHONE_BUF], phone_key[GH_PHONE_BUF];
};

int gh_rules_trim_copy(const char *s, char *out, size_t len)
{
    size_t n;

    out[0] = '\0';
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= len)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* Validates email (required), name and phone (optional). On failure the
 * sentence is in err and *field names the field. */
static int check_ident(struct gh_store *st, const char *email, const char *name,
                       const char *phone, struct ident *v, char *err, size_t errlen,
                       const char **field)
{
    memset(v, 0, sizeof *v);
    *field = "email";
    if (gh_rules_trim_copy(email, v->email, sizeof v->email) != 0) {
        snprintf(err, errlen, "%s", _("email: must be at most 254 characters long"));
        return -1;
    }
    if (gh_ident_check_email(v->email, err, errlen) != 0)
        return -1;
    gh_ident_email_key(v->email, v->email_key, sizeof v->email_key);
    *field = "name";
    if (name && gh_ident_check_name(name, err, errlen) != 0)
        return -1;
    if (gh_rules_trim_copy(name, v->name, sizeof v->name) != 0) {
        snprintf(err, errlen, "%s", _("name: must be at most 100 characters long"));
        return -1;
    }
    gh_rules_name_key(v->name, v->name_key, sizeof v->name_key);
    *field = "phone";
    if (gh_rules_trim_copy(phone, v->phone, sizeof v->phone) != 0) {
        snprintf(err, errlen, "%s", _("phone: must have 7 to 15 digits"));
        return -1;
    }
    if (gh_rules_phone_key(st, v->phone, v->phone_key, sizeof v->phone_key, err, errlen))
        return -1;
    memcpy(v->phone, v->phone_key, sizeof v->phone);   /* stored in E.164 */
    *field = "";
    return 0;
}

static const char *who_or(const char *actor)
{
    return actor && *actor ? actor : "system";
}

/* Is the email or phone taken by an account other than `except`? Returns
 * GH_OK with *field NULL when both are free, else *field names the one. */
static enum gh_status taken(struct gh_store *st, const struct ident *v, int64_t except,
                            const char **field)
{
    struct gh_account h;
    enum gh_status s;

    *field = NULL;
    s = load_email_key(st, v->email_key, &h);
    if (s == GH_OK && h.id != except) {
        *field = "email";
        return GH_OK;
    }
    if (s != GH_OK && s != GH_E_NOTFOUND)
        return s;
    if (*v->phone_key) {
        s = load_phone_key(st, v->phone_key, &h);
        if (s == GH_OK && h.id != except) {
            *field = "phone";
            return GH_OK;
        }
        if (s != GH_OK && s != GH_E_NOTFOUND)
            return s;
    }
    return GH_OK;
}

static void emit(struct gh_store *st, enum gh_event_kind kind, int64_t id, const char *text)
{
    struct gh_event ev = {kind, id, text};
    gh_store_emit(st, &ev);
}

/* The welcome mail with its setup code, and the events of an account that
 * has just become active. Inside the caller's transaction. */
static enum gh_status became_active(struct gh_store *st, int64_t id, int welcome)
{
    if (welcome) {
        enum gh_status s = gh_outbox_welcome(st, id);
        if (s != GH_OK)
            return s;
    }
    emit(st, GH_EVENT_ACCOUNT_ACTIVE, id, "active");
    return GH_OK;
}

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
    sqlite3_stmt *q;
    int i;

    if (replace) {
        q = gh_store_prepare(st, "DELETE FROM account_locations WHERE account_id = ?1");
        if (!q)
            return gh_store_sqlfail(st, _("changing location access"));
        sqlite3_bind_int64(q, 1, id);
        int rc = sqlite3_step(q);
        gh_store_done(st, q);
        if (rc != SQLITE_DONE)
            return gh_store_sqlfail(st, _("changing location access"));
    }
    for (i = 0; i < n; i++) {
        q = gh_store_prepare(st, "INSERT OR IGNORE INTO account_locations(account_id, "
                                 "location_id) VALUES (?1, ?2)");
        if (!q)
            return gh_store_sqlfail(st, _("changing location access"));
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, ids[i]);
        int rc = sqlite3_step(q);
        gh_store_done(st, q);
        if (rc != SQLITE_DONE)
            return gh_store_sqlfail(st, _("changing location access"));
    }
    return GH_OK;
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

struct new_row {
    const char *kind, *state, *access;
    int64_t group_id, domain_group;
    unsigned perms;
    const char *req_org, *req_unit;
    int signed_up;
};

static enum gh_status insert_account(struct gh_store *st, const struct ident *v,
                                     const struct new_row *r, int64_t *id_out)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, "INSERT INTO accounts(kind, email, email_key, name, name_key, phone, phone_key, "
            "state, access, group_id, perms, req_org, req_unit, domain_group, created_at, "
            "updated_at, signed_up_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
            "?12, ?13, ?14, ?15, ?15, ?16)");
    int64_t now = gh_clock_now_ms();
    int rc;

    if (!q)
        return gh_store_sqlfail(st, _("saving the account"));
    sqlite3_bind_text(q, 1, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, v->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, v->email_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, v->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, v->name_key, -1, SQLITE_STATIC);
    if (*v->phone_key) {
        sqlite3_bind_text(q, 6, v->phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 7, v->phone_key, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(q, 8, r->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, r->access, -1, SQLITE_STATIC);
    if (r->group_id)
        sqlite3_bind_int64(q, 10, r->group_id);
    sqlite3_bind_int64(q, 11, r->perms);
    sqlite3_bind_text(q, 12, r->req_org ? r->req_org : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 13, r->req_unit ? r->req_unit : "", -1, SQLITE_STATIC);
    if (r->domain_group)
        sqlite3_bind_int64(q, 14, r->domain_group);
    sqlite3_bind_int64(q, 15, now);
    if (r->signed_up)
        sqlite3_bind_int64(q, 16, now);
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("saving the account"));
    *id_out = sqlite3_last_insert_rowid(gh_store_db(st));
    return GH_OK;
}

/* The sentence for an identifier that someone else holds. Deliberately the
 * same whatever the holder is (staff, blocked ...), so that the kiosk does
 * not tell a stranger what kind of account an address belongs to. */
static const char *taken_msg(const char *field)
{
    if (strcmp(field, "phone") == 0)
        return _("phone: this phone number is already registered; use Unlock to log in, "
                 "or ask the staff");
    return _("email: this email address is already registered; use Unlock to log in, "
             "or ask the staff");
}

/* ---- creation by staff ----------------------------------------------- */

static enum gh_status create_account(struct gh_store *st, const char *actor,
                                     const struct gh_account_new *in, int staff,
                                     const char *pin, unsigned perms, int64_t *id_out)
{
    const char *action = staff ? "staff.create" : "account.create";
    char err[512], target[320], access_text[600];
    struct ident v;
    struct new_row r;
    const char *field;
    int64_t *ids = NULL, id = 0, group_id = 0;
    int n = 0, welcome;
    enum gh_status s;

    if (id_out)
        *id_out = 0;
    if (!in)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("email: an email address is required"));
    actor = who_or(actor);
    snprintf(target, sizeof target, "%.300s", in->email ? in->email : "");
    if (check_ident(st, in->email, in->name, in->phone, &v, err, sizeof err, &field) != 0)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    snprintf(target, sizeof target, "%s", v.email);
    if (staff) {
        if (pin && *pin && gh_auth_pin_format_ok(pin, err, sizeof err) != 0)
            return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
        if (perms & ~(GH_PERM_APPROVE | GH_PERM_MANAGE | GH_PERM_OPEN_COMMON |
                      GH_PERM_OPEN_VACANT | GH_PERM_OPEN_SHARED | GH_PERM_ADMIN | GH_PERM_REQUESTS))
            return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s",
                                   _("permissions: unknown permission bits"));
    } else if (in->access == GH_ACCESS_SPECIFIC && in->n_locations > 0) {
        n = in->n_locations;
        ids = calloc((size_t)n, sizeof *ids);
        if (!ids)
            return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    }

    if ((s = gh_store_begin(st)) != GH_OK)
        goto out;
    if ((s = taken(st, &v, 0, &field)) != GH_OK)
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
    memset(&r, 0, sizeof r);
    r.state = "active";
    if (staff) {
        r.kind = "staff";
        r.access = "none";
        r.perms = perms;
        snprintf(access_text, sizeof access_text, "permissions ");
        gh_perms_format(perms, access_text + strlen(access_text),
                        sizeof access_text - strlen(access_text));
    } else {
        s = resolve_access(st, in->access, in->group, in->locations, n, &group_id, ids);
        if (s != GH_OK) {
            s = gh_rules_refuse(st, 1, actor, action, target, s, "%s", gh_store_errmsg(st));
            goto out;
        }
        r.kind = "occupant";
        r.access = gh_access_name(in->access);
        r.group_id = group_id;
        describe_access(in->access, in->group, in->locations, n, access_text,
                        sizeof access_text);
    }
    if ((s = insert_account(st, &v, &r, &id)) != GH_OK)
        goto fail;
    if (n && (s = store_locations(st, id, ids, n, 0)) != GH_OK)
        goto fail;
    if (staff && pin && *pin && (s = gh_auth_set_pin(st, actor, id, pin)) != GH_OK)
        goto fail;
    /* Staff given a PIN need no setup code; everyone else gets the welcome
     * that carries one, unless an import asked for none. */
    welcome = !in->no_welcome && !(staff && pin && *pin);
    snprintf(target, sizeof target, "%s:%lld:%s", r.kind, (long long)id, v.email);
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "active, %s%s",
                         access_text, welcome ? ", welcome queued" : ", no welcome email");
    if (s != GH_OK)
        goto fail;
    if ((s = became_active(st, id, welcome)) != GH_OK)
        goto fail;
    emit(st, GH_EVENT_ACCOUNT_STATE, id, "active");
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
    return create_account(st, actor, in, 0, NULL, 0, id_out);
}

enum gh_status gh_staff_create(struct gh_store *st, const char *actor,
                               const struct gh_account_new *in, const char *pin,
                               unsigned perms, int64_t *id_out)
{
    return create_account(st, actor, in, 1, pin, perms, id_out);
}

/* ---- self sign-up ---------------------------------------------------- */

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
                                     const struct ident *v, const char *state,
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
    struct ident v;
    struct gh_account e, h;
    struct new_row r;
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
    if (check_ident(st, in->email, in->name, in->phone, &v, err, sizeof err, &field) != 0) {
        gh_store_copy(out->field, sizeof out->field, field);
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    snprintf(target, sizeof target, "%s", v.email);
    if (gh_rules_trim_copy(in->org, org, sizeof org) != 0 ||
        gh_ident_check_text(_("organisation"), org, GH_NAME_MAX_CHARS, err, sizeof err) != 0) {
        if (*org == '\0')
            snprintf(err, sizeof err, "%s", _("organisation: must be at most 100 characters long"));
        gh_store_copy(out->field, sizeof out->field, "org");
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_INVALID, "%s", err);
    }
    if (gh_rules_trim_copy(in->unit, unit, sizeof unit) != 0 ||
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

    s = load_email_key(st, v.email_key, &e);
    if (s != GH_OK && s != GH_E_NOTFOUND)
        goto fail;
    if (s == GH_OK) {
        if (e.kind == GH_KIND_STAFF || e.state == GH_STATE_ACTIVE ||
            e.state == GH_STATE_PENDING) {
            gh_store_copy(out->field, sizeof out->field, "email");
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                                   taken_msg("email"));
        }
        if (e.state == GH_STATE_BLOCKED) {
            char t[320];
            snprintf(t, sizeof t, "occupant:%lld:%s", (long long)e.id, e.email);
            return gh_rules_refuse(st, 1, actor, action, t, GH_E_REFUSED, "%s",
                                   _("This account can't be re-activated here; please ask "
                                     "the staff."));
        }
        reactivate = 1;           /* an inactive occupant signing up again */
        id = e.id;
    }
    if (*v.phone_key) {
        s = load_phone_key(st, v.phone_key, &h);
        if (s != GH_OK && s != GH_E_NOTFOUND)
            goto fail;
        if (s == GH_OK && h.id != id) {
            gh_store_copy(out->field, sizeof out->field, "phone");
            return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                                   taken_msg("phone"));
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
        if ((s = insert_account(st, &v, &r, &id)) != GH_OK)
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
        if ((s = gh_outbox_notify_approvers(st, id)) != GH_OK)
            goto fail;
    } else if ((s = became_active(st, id, 1)) != GH_OK) {
        goto fail;
    }
    emit(st, GH_EVENT_ACCOUNT_STATE, id, state);
    emit(st, GH_EVENT_SIGNUP, id, state);
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    out->account_id = 0;
    return s;
}

/* ---- state changes --------------------------------------------------- */

enum op { OP_APPROVE, OP_REJECT, OP_SET };

/* The one state machine of SPEC "Occupant states". Returns the log action
 * of an allowed move, or NULL with a sentence in why. */
static const char *transition(enum op op, const struct gh_account *a, enum gh_state to,
                              char *why, size_t len)
{
    enum gh_state from = a->state;
    const char *fromname = gh_state_name(from);

    if (op == OP_APPROVE || op == OP_REJECT) {
        if (from != GH_STATE_PENDING) {
            snprintf(why, len,
                     op == OP_APPROVE
                         ? _("This account is %s, not pending; only a pending account can be "
                             "approved.")
                         : _("This account is %s, not pending; only a pending account can be "
                             "rejected."),
                     fromname);
            return NULL;
        }
        return op == OP_APPROVE ? "account.approve" : "account.reject";
    }
    if (from == to) {
        snprintf(why, len, _("This account is already %s."), fromname);
        return NULL;
    }
    switch (to) {
    case GH_STATE_ACTIVE:
        if (from == GH_STATE_PENDING)
            return "account.approve";
        return from == GH_STATE_BLOCKED ? "account.unblock" : "account.activate";
    case GH_STATE_INACTIVE:
        if (from == GH_STATE_BLOCKED) {
            snprintf(why, len, "%s",
                     _("This account is blocked; a blocked account can only be unblocked "
                       "(made active)."));
            return NULL;
        }
        return from == GH_STATE_PENDING ? "account.reject" : "account.deactivate";
    case GH_STATE_BLOCKED:
        return "account.block";
    case GH_STATE_PENDING:
    default:
        snprintf(why, len, "%s",
                 _("state: staff can set an account to active, inactive or blocked; pending "
                   "is only for a sign-up waiting for approval."));
        return NULL;
    }
}

static enum gh_status change_state(struct gh_store *st, const char *actor, int64_t id,
                                   enum op op, enum gh_state to)
{
    char why[512], target[320];
    const char *action;
    struct gh_account a;
    enum gh_status s;
    sqlite3_stmt *q;
    int rc;

    actor = who_or(actor);
    if (op == OP_APPROVE)
        to = GH_STATE_ACTIVE;
    else if (op == OP_REJECT)
        to = GH_STATE_INACTIVE;
    if ((s = begin_account(st, actor, "account.state", id, &a, target, sizeof target)) != GH_OK)
        return s;
    /* Staff are never pending, so approve and reject do not apply to them;
     * they can still be made inactive or blocked (someone who left) and
     * active again. */
    if (a.kind == GH_KIND_STAFF && op != OP_SET)
        return gh_rules_refuse(st, 1, actor, op == OP_APPROVE ? "account.approve"
                                                               : "account.reject",
                               target, GH_E_REFUSED, "%s",
                               _("This is a staff account; only occupants' sign-ups are "
                                 "approved or rejected."));
    action = transition(op, &a, to, why, sizeof why);
    if (!action)
        return gh_rules_refuse(st, 1, actor,
                               op == OP_APPROVE  ? "account.approve"
                               : op == OP_REJECT ? "account.reject"
                                                 : "account.state",
                               target, GH_E_REFUSED, "%s", why);
    q = gh_store_prepare(st, "UPDATE accounts SET state = ?2, updated_at = ?3 WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("changing the account's state"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, gh_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("changing the account's state"));
        goto fail;
    }
    /* Leaving active or pending voids a live setup code: a welcome email
     * sent earlier (perhaps to an old address, or read by someone else)
     * must not let anyone set a PIN after a later re-activation, which
     * issues a new code anyway. Voiding makes the code expire now rather
     * than deleting it: its holder, typing it while the account is off, is
     * still recognised and told "not active" (gh_auth_redeem checks the
     * state first), instead of "wrong code" counted toward the lock-out. */
    int voided = 0;
    if (to == GH_STATE_INACTIVE || to == GH_STATE_BLOCKED) {
        q = gh_store_prepare(st, "UPDATE setup_codes SET expires_at = ?2 WHERE account_id = ?1 "
                                 "AND used_at IS NULL AND expires_at > ?2");
        if (!q) {
            s = gh_store_sqlfail(st, _("voiding the setup code"));
            goto fail;
        }
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, gh_clock_now_ms());
        rc = sqlite3_step(q);
        gh_store_done(st, q);
        if (rc != SQLITE_DONE) {
            s = gh_store_sqlfail(st, _("voiding the setup code"));
            goto fail;
        }
        voided = sqlite3_changes(gh_store_db(st)) > 0;
        /* And the door code: a person switched off must not open doors by
         * it, and re-activation does not bring it back (doorcode.h). */
        s = gh_doorcode_void(st, actor, id, gh_state_name(to), NULL);
        if (s != GH_OK)
            goto fail;
    }
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "%s -> %s%s",
                         gh_state_name(a.state), gh_state_name(to),
                         to == GH_STATE_ACTIVE ? ", welcome queued"
                         : voided              ? ", setup code voided"
                                               : "");
    if (s != GH_OK)
        goto fail;
    if (to == GH_STATE_ACTIVE && (s = became_active(st, id, 1)) != GH_OK)
        goto fail;
    emit(st, GH_EVENT_ACCOUNT_STATE, id, gh_state_name(to));
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_occupant_approve(struct gh_store *st, const char *actor, int64_t id)
{
    return change_state(st, actor, id, OP_APPROVE, GH_STATE_ACTIVE);
}

enum gh_status gh_occupant_reject(struct gh_store *st, const char *actor, int64_t id)
{
    return change_state(st, actor, id, OP_REJECT, GH_STATE_INACTIVE);
}

enum gh_status gh_occupant_set_state(struct gh_store *st, const char *actor, int64_t id,
                                     enum gh_state to)
{
    return change_state(st, actor, id, OP_SET, to);
}

/* ---- access, details, welcome ---------------------------------------- */

enum gh_status gh_occupant_set_access(struct gh_store *st, const char *actor, int64_t id,
                                      enum gh_access access, const char *group,
                                      const char *const *locations, int n)
{
    const char *action = "account.access";
    char target[320], text[600];
    struct gh_account a;
    int64_t *ids = NULL, gid = 0;
    enum gh_status s;
    sqlite3_stmt *q;
    int rc;

    actor = who_or(actor);
    if (n < 0)
        n = 0;
    if (n > 0 && !(ids = calloc((size_t)n, sizeof *ids)))
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    if ((s = begin_account(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
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
    q = gh_store_prepare(st, "UPDATE accounts SET access = ?2, updated_at = ?3, "
                             "group_id = CASE WHEN ?4 > 0 THEN ?4 ELSE group_id END "
                             "WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("changing location access"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, gh_access_name(access), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    sqlite3_bind_int64(q, 4, gid);
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("changing location access"));
        goto fail;
    }
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
    struct ident v;
    const char *field;
    enum gh_status s;
    sqlite3_stmt *q;
    int rc;

    actor = who_or(actor);
    if ((s = begin_account(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (check_ident(st, a.email, name ? name : a.name, phone ? phone : a.phone, &v, err,
                    sizeof err, &field) != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s", err);
    if ((s = taken(st, &v, id, &field)) != GH_OK)
        goto fail;
    if (field)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                               _("phone: this phone number is already registered to another "
                                 "account"));
    q = gh_store_prepare(st, "UPDATE accounts SET name = ?2, name_key = ?3, phone = ?4, "
                             "phone_key = ?5, updated_at = ?6 WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("saving the account"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, v.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, v.name_key, -1, SQLITE_STATIC);
    if (*v.phone_key) {
        sqlite3_bind_text(q, 4, v.phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, v.phone_key, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(q, 6, gh_clock_now_ms());
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("saving the account"));
        goto fail;
    }
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

    actor = who_or(actor);
    if ((s = begin_account(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    /* SPEC: staff can resend it "at any time": an inactive person may be
     * coming back. Not before approval, and never to a blocked account. */
    if (a.state == GH_STATE_PENDING || a.state == GH_STATE_BLOCKED)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_REFUSED,
                               _("This account is %s; a welcome email can be sent to an "
                                 "active or inactive account."),
                               gh_state_name(a.state));
    if ((s = gh_outbox_welcome(st, id)) != GH_OK)
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

void gh_account_touch(struct gh_store *st, int64_t id)
{
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE accounts SET last_seen_at = ?2 WHERE id = ?1");

    if (!q)
        return;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, gh_clock_now_ms());
    sqlite3_step(q);             /* "last activity" is a hint: a failure is not worth more */
    gh_store_done(st, q);
}

/* ---- appended to account.h ------------------------------------------- */

enum gh_status gh_account_set_email(struct gh_store *st, const char *actor, int64_t id,
                                    const char *email)
{
    const char *action = "account.email";
    char target[320], err[512], old[GH_EMAIL_MAX + 1];
    struct gh_account a;
    struct ident v;
    const char *field;
    enum gh_status s;
    sqlite3_stmt *q;
    int rc;

    actor = who_or(actor);
    if ((s = begin_account(st, actor, action, id, &a, target, sizeof target)) != GH_OK)
        return s;
    if (check_ident(st, email, a.name, NULL, &v, err, sizeof err, &field) != 0)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_INVALID, "%s", err);
    if ((s = taken(st, &v, id, &field)) != GH_OK)
        goto fail;
    if (field)
        return gh_rules_refuse(st, 1, actor, action, target, GH_E_EXISTS, "%s",
                               _("email: this email address is already registered to another "
                                 "account"));
    q = gh_store_prepare(st, "UPDATE accounts SET email = ?2, email_key = ?3, updated_at = ?4 "
                             "WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("saving the account"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, v.email, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, v.email_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, gh_clock_now_ms());
    rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("saving the account"));
        goto fail;
    }
    gh_store_copy(old, sizeof old, a.email);
    s = gh_audit_appendf(st, actor, action, target, GH_OUTCOME_OK, "email %s -> %s", old,
                         v.email);
    if (s != GH_OK)
        goto fail;
    if ((s = gh_store_commit(st)) != GH_OK)
        goto fail;
    return GH_OK;
fail:
    gh_store_rollback(st);
    return s;
}
