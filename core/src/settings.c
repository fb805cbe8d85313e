/*
 * settings.c: the product settings staff change on the device (SPEC
 * "Settings"; declared in store.h).
 *
 * One table of known keys gives each its kind, default and limits, so get,
 * set, validation and listing can't disagree. A key never set has its
 * default; only changed keys are stored. Values are kept in one normal form
 * ("on"/"off" whatever spelling was typed, integers without leading zeros),
 * so what the log says and what is read back are the same text.
 *
 * Every attempt to change a setting is logged, including refused ones, and a
 * change raises GH_EVENT_SETTINGS (key in .text) after it commits.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/i18n.h"
#include "gatehouse/mail_format.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gatehouse/site.h"

enum kind { K_BOOL, K_ENUM, K_INT, K_TEXT, K_EMAILS, K_IMPORT_ACCESS };

struct def {
    const char *key;
    enum kind kind;
    const char *def;
    long long min, max;          /* K_INT: range; K_TEXT: length in characters */
    const char *const *choices;  /* K_ENUM */
};

static const char *const access_choices[] = { "none", "all", NULL };

static const struct def defs[] = {
    { GH_SETTING_SELF_SIGNUP, K_BOOL, "on", 0, 0, NULL },
    { GH_SETTING_SIGNUP_APPROVAL, K_BOOL, "on", 0, 0, NULL },
    { GH_SETTING_SIGNUP_ACCESS, K_ENUM, "none", 0, 0, access_choices },
    { GH_SETTING_UNLOCK_MS, K_INT, "5000", 100, 60000, NULL },
    { GH_SETTING_IDLE_TIMEOUT_S, K_INT, "60", 10, 3600, NULL },
    { GH_SETTING_PIN_ATTEMPTS, K_INT, "5", 1, 20, NULL },
    { GH_SETTING_LOCKOUT_MIN, K_INT, "15", 1, 1440, NULL },
    { GH_SETTING_KIOSK_NAME, K_TEXT, "Gatehouse", 1, 60, NULL },
    { GH_SETTING_DIGEST_TO, K_EMAILS, "", 0, 250, NULL },
    { GH_SETTING_DIGEST_HOUR, K_INT, "7", 0, 23, NULL },
    /* The site's calling code: phone numbers typed as 0... (national) or
     * 00... (international) become E.164 with it (ident.c). */
    { GH_SETTING_PHONE_COUNTRY, K_INT, "1", 1, 999, NULL },
    { GH_SETTING_DOOR_CODE_DIGITS, K_INT, "8", GH_DOORCODE_MIN_DIGITS, GH_DOORCODE_MAX_DIGITS,
      NULL },
    { GH_SETTING_OVERLOCK_GATES, K_BOOL, "off", 0, 0, NULL },
    { GH_SETTING_IMPORT_ACCESS, K_IMPORT_ACCESS, "all", 0, 100, NULL },
    /* Several kiosks, one site (site.h). */
    { GH_SETTING_SITE_STALE_AFTER_S, K_INT, "300", 10, 86400, NULL },
    { GH_SETTING_OFFLINE_DENY_AFTER_H, K_INT, "0", 0, 8760, NULL },
    /* Issue 16: 0 keeps the whole log (audit_retention.c). */
    { GH_SETTING_LOG_RETENTION_DAYS, K_INT, "0", 0, 36500, NULL },
};
#define N_DEFS (sizeof defs / sizeof defs[0])

static const struct def *find_def(const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < N_DEFS; i++)
        if (strcmp(defs[i].key, key) == 0)
            return &defs[i];
    return NULL;
}

/* Number of UTF-8 characters, or -1 if s is not valid UTF-8 or holds a
 * control character. */
static long text_chars(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int extra;
        if (c < 0x20 || c == 0x7f)
            return -1;
        if (c < 0x80) extra = 0;
        else if ((c & 0xE0) == 0xC0 && c >= 0xC2) extra = 1;
        else if ((c & 0xF0) == 0xE0) extra = 2;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4) extra = 3;
        else return -1;
        unsigned cp = c & (0x3F >> extra);
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (*p & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        /* C1 controls (U+0080..U+009F) are control characters too. */
        if (cp >= 0x80 && cp <= 0x9F)
            return -1;
        n++;
    }
    return n;
}

/* A comma list of plain addresses ("" for none), normalised to "a, b". */
static int emails(const struct def *d, const char *value, char *norm, size_t normlen,
                  char *err, size_t errlen)
{
    size_t used = 0;
    norm[0] = '\0';
    for (int n = 1; *value; n++) {
        while (*value == ' ' || *value == ',')
            value++;
        size_t len = strcspn(value, ",");
        while (len > 0 && value[len - 1] == ' ')
            len--;
        if (len == 0)
            break;
        char one[256];
        if (len >= sizeof one || used + len + 3 > normlen || (long long)(used + len) > d->max) {
            snprintf(err, errlen, _("%s: at most %lld characters of addresses"), d->key, d->max);
            return -1;
        }
        memcpy(one, value, len);
        one[len] = '\0';
        if (!gh_mail_format_addr_ok(one)) {
            snprintf(err, errlen, _("%s: address %d (%s) is not a plain email address"),
                     d->key, n, one);
            return -1;
        }
        used += (size_t)snprintf(norm + used, normlen - used, "%s%s", used ? ", " : "", one);
        value += strcspn(value, ",");
    }
    return 0;
}

/* all | none | site | group:NAME (the group need not exist yet: an import
 * names it when it is missing). */
static int import_access(const struct def *d, const char *value, char *norm, size_t normlen,
                         char *err, size_t errlen)
{
    static const char *const words[] = { "all", "none", "site", NULL };
    for (const char *const *w = words; *w; w++)
        if (!strcasecmp(value, *w)) {
            snprintf(norm, normlen, "%s", *w);
            return 0;
        }
    if (!strncasecmp(value, "group:", 6) && value[6] && text_chars(value + 6) > 0 &&
        (long long)strlen(value) <= d->max && strlen(value) < normlen) {
        snprintf(norm, normlen, "group:%s", value + 6);
        return 0;
    }
    snprintf(err, errlen, _("%s: must be all, none, site or group:NAME"), d->key);
    return -1;
}

/* Checks value for d and writes its normal form into norm. 0 or -1 with a
 * sentence in err naming the key. */
static int normalise(const struct def *d, const char *value, char *norm, size_t normlen,
                     char *err, size_t errlen)
{
    if (!value)
        value = "";
    switch (d->kind) {
    case K_BOOL:
        if (!strcasecmp(value, "on") || !strcasecmp(value, "true") || !strcmp(value, "1")) {
            snprintf(norm, normlen, "on");
            return 0;
        }
        if (!strcasecmp(value, "off") || !strcasecmp(value, "false") || !strcmp(value, "0")) {
            snprintf(norm, normlen, "off");
            return 0;
        }
        snprintf(err, errlen, _("%s: must be on or off"), d->key);
        return -1;
    case K_ENUM:
        for (const char *const *c = d->choices; *c; c++)
            if (!strcasecmp(value, *c)) {
                snprintf(norm, normlen, "%s", *c);
                return 0;
            }
        snprintf(err, errlen, _("%s: must be one of: none, all"), d->key);
        return -1;
    case K_INT: {
        const char *p = value;
        int digits = 0;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
        errno = 0;
        long long v = digits ? strtoll(value, NULL, 10) : 0;
        if (!digits || *p || digits > 12 || errno || v < d->min || v > d->max) {
            snprintf(err, errlen, _("%s: must be a whole number from %lld to %lld"),
                     d->key, d->min, d->max);
            return -1;
        }
        snprintf(norm, normlen, "%lld", v);
        return 0;
    }
    case K_TEXT: {
        long n = text_chars(value);
        if (n < 0) {
            snprintf(err, errlen, _("%s: must not contain control characters or invalid text"),
                     d->key);
            return -1;
        }
        if (n < d->min || n > d->max || strlen(value) >= normlen) {
            snprintf(err, errlen, _("%s: must be %lld to %lld characters long"),
                     d->key, d->min, d->max);
            return -1;
        }
        snprintf(norm, normlen, "%s", value);
        return 0;
    }
    case K_EMAILS:
        return emails(d, value, norm, normlen, err, errlen);
    case K_IMPORT_ACCESS:
        return import_access(d, value, norm, normlen, err, errlen);
    }
    return -1;
}

/* The stored value (or the default) into buf. */
static enum gh_status read_value(struct gh_store *st, const struct def *d, char *buf,
                                 size_t len)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT value FROM settings WHERE key = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the settings"));
    sqlite3_bind_text(q, 1, d->key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    if (rc == SQLITE_ROW) {
        /* A value edited into the file by hand that is no longer valid
         * reads as the default: the kiosk must not run on nonsense. */
        char norm[256], err[160];
        if (normalise(d, gh_store_col_text(q, 0), norm, sizeof norm, err, sizeof err) == 0)
            gh_store_copy(buf, len, norm);
        else
            gh_store_copy(buf, len, d->def);
    } else if (rc == SQLITE_DONE) {
        gh_store_copy(buf, len, d->def);
    } else {
        s = gh_store_sqlfail(st, _("reading the settings"));
        gh_store_copy(buf, len, d->def);
    }
    gh_store_done(st, q);
    return s;
}

const char *gh_settings_get(struct gh_store *st, const char *key)
{
    const struct def *d = find_def(key);
    if (!d)
        return NULL;
    read_value(st, d, st->setting_buf, sizeof st->setting_buf);
    return st->setting_buf;
}

int64_t gh_settings_get_int(struct gh_store *st, const char *key)
{
    const struct def *d = find_def(key);
    if (!d)
        return 0;
    char buf[256];
    read_value(st, d, buf, sizeof buf);
    if (d->kind == K_BOOL)
        return strcmp(buf, "on") == 0;
    return strtoll(buf, NULL, 10);
}

int gh_settings_get_bool(struct gh_store *st, const char *key)
{
    const struct def *d = find_def(key);
    if (!d)
        return 0;
    char buf[256];
    read_value(st, d, buf, sizeof buf);
    return strcmp(buf, "on") == 0;
}

/* What a change of the setting does besides being stored, inside the
 * transaction; `more` gets what the log entry adds about it. */
static enum gh_status after_change(struct gh_store *st, const struct def *d, char *more,
                                   size_t len)
{
    if (strcmp(d->key, GH_SETTING_PHONE_COUNTRY) == 0) {
        /* Numbers stored without their country code get it now. */
        long changed = 0, kept = 0;
        char cc[8];
        gh_store_copy(cc, sizeof cc, gh_settings_get(st, GH_SETTING_PHONE_COUNTRY));
        enum gh_status s = gh_rules_phones_to_e164(st, cc, &changed, &kept);
        if (s != GH_OK)
            return s;
        if (changed || kept)
            snprintf(more, len,
                     "; %ld stored phone number(s) put in E.164, %ld left as they were "
                     "(invalid, or the same number as another account's)", changed, kept);
    }
    return GH_OK;
}

enum gh_status gh_settings_set(struct gh_store *st, const char *actor, const char *key,
                               const char *value)
{
    const struct def *d = find_def(key);
    char norm[256], old[256], err[256];
    enum gh_status s;

    if (!d) {
        char known[256] = "";
        for (size_t i = 0; i < N_DEFS; i++) {
            strncat(known, defs[i].key, sizeof known - strlen(known) - 1);
            if (i + 1 < N_DEFS)
                strncat(known, ", ", sizeof known - strlen(known) - 1);
        }
        gh_store_fail(st, GH_E_INVALID, _("%s: no such setting (known: %s)"),
                      key ? key : "", known);
        goto refused;
    }
    if (normalise(d, value, norm, sizeof norm, err, sizeof err) != 0) {
        gh_store_fail(st, GH_E_INVALID, "%s", err);
        goto refused;
    }

    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = read_value(st, d, old, sizeof old);
    if (s != GH_OK)
        goto fail;
    s = gh_store_run(st, _("saving the setting"),
                     "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     GH_TEXT(d->key), GH_TEXT(norm));
    if (s != GH_OK)
        goto fail;
    char more[160] = "";
    if ((s = after_change(st, d, more, sizeof more)) != GH_OK)
        goto fail;
    s = gh_audit_appendf(st, actor, "settings.set", d->key, GH_OUTCOME_OK, "%s: %s -> %s%s",
                         d->key, old, norm, more);
    if (s != GH_OK)
        goto fail;
    if (strcmp(old, norm) != 0) {
        struct gh_event ev = { GH_EVENT_SETTINGS, 0, d->key };
        gh_store_emit(st, &ev);
    }
    return gh_store_commit(st);

fail:
    gh_store_rollback(st);
    return s;

refused: {
        /* Log the refusal with the value as typed, cut short: settings hold
         * nothing secret. The handle keeps the refusal's message. */
        char why[GH_STORE_ERRMSG_LEN];
        gh_store_copy(why, sizeof why, st->errmsg);
        char shown[64];
        gh_store_copy(shown, sizeof shown, value ? value : "");
        for (char *p = shown; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = '?';
        s = gh_audit_appendf(st, actor, "settings.set", key ? key : "", GH_OUTCOME_REFUSED,
                             "%s (value \"%s\")", why, shown);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_INVALID, "%s", why);
    }
}

enum gh_status gh_settings_each(struct gh_store *st, gh_settings_fn fn, void *ud)
{
    for (size_t i = 0; i < N_DEFS; i++) {
        char buf[256];
        enum gh_status s = read_value(st, &defs[i], buf, sizeof buf);
        if (s != GH_OK)
            return s;
        if (fn && fn(ud, defs[i].key, buf, defs[i].def))
            break;
    }
    return GH_OK;
}
