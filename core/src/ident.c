/*
 * ident.c: the identifiers of an account (SPEC "Accounts and identifiers")
 * and the names of the account enums.
 *
 * Everything here is a pure function of its input: no store, no SQL. That is
 * on purpose: the same checks run on the kiosk's sign-up form while the person
 * types, in the command line, in the CSV import and in the account module
 * before anything is written, so they must agree and be cheap. Every
 * message names the field it is about ("email: ...") because it is shown
 * as-is next to that field on the screen.
 *
 * Email and phone are unique across all accounts; the keys that make them
 * comparable are made here too: an email's key is the address lower-cased
 * (ASCII letters only, as SQLite's lower() does, so keys made in C and in SQL
 * agree), a phone's key is its E.164 form ("+", the country code and the
 * number), worked out with the site's calling code (setting phone_country)
 * so that 07700 900123, 0044 7700 900123 and +44 7700 900123 are one number.
 */
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "rules_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Writes a message into a caller's buffer that may be NULL or empty. */
static int seterr(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* Decodes one UTF-8 sequence at s (len bytes left). Returns its length and
 * the code point, or 0 for an invalid sequence (overlong, surrogate, beyond
 * U+10FFFF, truncated). Strict, so that "one character" means the same in
 * the name rule, on the screen and in the mail headers. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t c;
    size_t n, i;

    if (len == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        c = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        c = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Control characters in any script: C0, DEL, C1, and the Unicode line and
 * paragraph separators, which break a line on screens and in mail headers
 * just as CR/LF do. */
static int is_control(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||
           c == 0x2028 || c == 0x2029;
}

/* Characters that show nothing or turn the text around: zero-width and
 * other invisible characters, and the bidirectional controls (U+202E makes
 * "txt.exe" of "exe.txt" on a screen). A name or address holding one looks
 * the same as another that doesn't. */
static const struct {
    uint32_t cp;
    const char *name;
} hidden_chars[] = {
    {0x00AD, "SOFT HYPHEN"},
    {0x034F, "COMBINING GRAPHEME JOINER"},
    {0x061C, "ARABIC LETTER MARK"},
    {0x115F, "HANGUL CHOSEONG FILLER"},
    {0x1160, "HANGUL JUNGSEONG FILLER"},
    {0x180E, "MONGOLIAN VOWEL SEPARATOR"},
    {0x200B, "ZERO WIDTH SPACE"},
    {0x200C, "ZERO WIDTH NON-JOINER"},
    {0x200D, "ZERO WIDTH JOINER"},
    {0x200E, "LEFT-TO-RIGHT MARK"},
    {0x200F, "RIGHT-TO-LEFT MARK"},
    {0x202A, "LEFT-TO-RIGHT EMBEDDING"},
    {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
    {0x202C, "POP DIRECTIONAL FORMATTING"},
    {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
    {0x202E, "RIGHT-TO-LEFT OVERRIDE"},
    {0x2060, "WORD JOINER"},
    {0x2061, "FUNCTION APPLICATION"},
    {0x2062, "INVISIBLE TIMES"},
    {0x2063, "INVISIBLE SEPARATOR"},
    {0x2064, "INVISIBLE PLUS"},
    {0x2066, "LEFT-TO-RIGHT ISOLATE"},
    {0x2067, "RIGHT-TO-LEFT ISOLATE"},
    {0x2068, "FIRST STRONG ISOLATE"},
    {0x2069, "POP DIRECTIONAL ISOLATE"},
    {0x3164, "HANGUL FILLER"},
    {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"},
    {0xFFA0, "HALFWIDTH HANGUL FILLER"},
};

static const char *hidden_name(uint32_t cp)
{
    for (size_t i = 0; i < sizeof hidden_chars / sizeof hidden_chars[0]; i++)
        if (hidden_chars[i].cp == cp)
            return hidden_chars[i].name;
    return NULL;
}

/* "U+200B ZERO WIDTH SPACE", "U+FF41 FULLWIDTH a", "U+0430": what a
 * person can look up, since the character itself may not show. */
static void describe_char(uint32_t cp, char *buf, size_t len)
{
    const char *name = hidden_name(cp);
    if (name)
        snprintf(buf, len, "U+%04X %s", (unsigned)cp, name);
    else if (cp >= 0xFF01 && cp <= 0xFF5E)
        snprintf(buf, len, "U+%04X FULLWIDTH %c", (unsigned)cp, (char)(cp - 0xFF01 + 0x21));
    else if (cp == 0x3000)
        snprintf(buf, len, "U+3000 IDEOGRAPHIC SPACE");
    else
        snprintf(buf, len, "U+%04X", (unsigned)cp);
}

/* ---- email ------------------------------------------------------------ */

/* Characters that are legal only inside quotes in RFC 5322. An address with
 * them is almost always a typing slip or an attempt to smuggle a second
 * recipient into a header, so the kiosk refuses them outright. */
static int is_email_special(unsigned char c)
{
    return c && strchr("()<>,;:\\\"[]", c) != NULL;
}

int gh_ident_check_email(const char *email, char *err, size_t errlen)
{
    const unsigned char *s = (const unsigned char *)email;
    const char *at, *dom, *p;
    size_t len, i, n;
    uint32_t cp;
    int ats = 0;
    size_t pos = 0;

    if (!email || !*email)
        return seterr(err, errlen, _("email: an email address is required"));
    len = strlen(email);
    if (len > GH_EMAIL_MAX)
        return seterr(err, errlen, _("email: must be at most 254 characters long"));
    for (i = 0; i < len; i += n) {
        n = utf8_next(s + i, len - i, &cp);
        if (n == 0)
            return seterr(err, errlen, _("email: contains a character that is not valid text"));
        pos++;
        if (cp == ' ' || cp == 0xA0 || cp == 0x3000 || is_control(cp)) {
            if (err && errlen)
                snprintf(err, errlen,
                         _("email: must not contain spaces or control characters "
                           "(character %zu is one)"), pos);
            return -1;
        }
        if (cp >= 0x80) {
            /* Only plain ASCII: look-alike letters (Cyrillic а, full-width
             * ａ) and invisible or text-direction characters would make a
             * second address that looks like the first. */
            char what[64];
            describe_char(cp, what, sizeof what);
            if (err && errlen)
                snprintf(err, errlen,
                         _("email: character %zu is not allowed (%s); type the address in "
                           "plain letters (an international domain in its xn-- form)"),
                         pos, what);
            return -1;
        }
        if (cp == '@')
            ats++;
        else if (cp < 0x80 && is_email_special((unsigned char)cp))
            return seterr(err, errlen,
                          _("email: must not contain ( ) < > , ; : \\ \" [ or ]"));
    }
    if (ats != 1)
        return seterr(err, errlen, _("email: must contain one @"));
    at = strchr(email, '@');
    if (at == email)
        return seterr(err, errlen, _("email: the part before the @ must not be empty"));
    dom = at + 1;
    if (!*dom || !strchr(dom, '.'))
        return seterr(err, errlen,
                      _("email: the part after the @ must be a domain with a dot, like example.com"));
    if (dom[0] == '.' || dom[strlen(dom) - 1] == '.')
        return seterr(err, errlen,
                      _("email: the domain must not begin or end with a dot"));
    for (p = dom; *p; p++)
        if (p[0] == '.' && p[1] == '.')
            return seterr(err, errlen, _("email: the domain must not contain two dots in a row"));
    return 0;
}

int gh_ident_check_domain(const char *domain, char *err, size_t errlen)
{
    const char *p;
    size_t len;

    if (!domain || !*domain)
        return seterr(err, errlen, _("domain: a domain is required, like example.com"));
    len = strlen(domain);
    if (len > 253)
        return seterr(err, errlen, _("domain: must be at most 253 characters long"));
    for (p = domain; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(isalnum(c) || c == '-' || c == '.'))
            return seterr(err, errlen,
                          _("domain: may contain only letters, digits, dashes and dots, like "
                            "example.com (an international domain in its xn-- form)"));
    }
    if (!strchr(domain, '.'))
        return seterr(err, errlen, _("domain: must contain a dot, like example.com"));
    if (domain[0] == '.' || domain[len - 1] == '.')
        return seterr(err, errlen, _("domain: must not begin or end with a dot"));
    if (strstr(domain, ".."))
        return seterr(err, errlen, _("domain: must not contain two dots in a row"));
    return 0;
}

void gh_ident_email_key(const char *email, char *out, size_t outlen)
{
    size_t i;

    if (!out || !outlen)
        return;
    for (i = 0; email && email[i] && i + 1 < outlen; i++) {
        unsigned char c = (unsigned char)email[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
    }
    out[i] = '\0';
}

void gh_ident_mask_email(const char *email, char *out, size_t outlen)
{
    const char *at;
    size_t first = 0;
    uint32_t cp;

    if (!out || !outlen)
        return;
    at = email ? strchr(email, '@') : NULL;
    if (!at || at == email) {
        /* Not an address we can show in part: show nothing of it. */
        snprintf(out, outlen, "\xE2\x80\xA6");
        return;
    }
    first = utf8_next((const unsigned char *)email, (size_t)(at - email), &cp);
    if (first == 0)
        first = 1;
    snprintf(out, outlen, "%.*s\xE2\x80\xA6%s", (int)first, email, at);
}

/* ---- name ------------------------------------------------------------- */

int gh_ident_check_text(const char *field, const char *text, size_t max_chars,
                        char *err, size_t errlen)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len, i, n, chars = 0;
    uint32_t cp;

    if (!text)
        return 0;                /* optional */
    len = strlen(text);
    for (i = 0; i < len; i += n) {
        n = utf8_next(s + i, len - i, &cp);
        if (n == 0) {
            if (err && errlen)
                snprintf(err, errlen, _("%s: contains a character that is not valid text"),
                         field);
            return -1;
        }
        if (is_control(cp)) {
            if (err && errlen)
                snprintf(err, errlen,
                         _("%s: must not contain control characters or line breaks"), field);
            return -1;
        }
        chars++;
        if (hidden_name(cp)) {
            char what[64];
            describe_char(cp, what, sizeof what);
            if (err && errlen)
                snprintf(err, errlen,
                         _("%s: character %zu is not allowed (%s): it is invisible or turns "
                           "the text around"),
                         field, chars, what);
            return -1;
        }
    }
    if (chars > max_chars) {
        if (err && errlen)
            snprintf(err, errlen, _("%s: must be at most %zu characters long"), field,
                     max_chars);
        return -1;
    }
    return 0;
}

int gh_ident_check_name(const char *name, char *err, size_t errlen)
{
    return gh_ident_check_text(_("name"), name, GH_NAME_MAX_CHARS, err, errlen);
}

/* ---- phone ------------------------------------------------------------ */

int gh_ident_normalize_phone(const char *phone, char *out, size_t outlen,
                             char *err, size_t errlen)
{
    char buf[GH_PHONE_BUF];
    size_t o = 0, digits = 0;
    const char *p;

    if (out && outlen)
        out[0] = '\0';
    if (!phone || !*phone)
        return 0;                /* optional: no phone, empty key */
    for (p = phone; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= '0' && c <= '9') {
            if (++digits > 15)
                return seterr(err, errlen, _("phone: must have 7 to 15 digits"));
            buf[o++] = (char)c;
        } else if (c == '+') {
            /* Only before the first digit, once: "+44 20 ..." */
            if (o != 0)
                return seterr(err, errlen, _("phone: a + may only come first"));
            buf[o++] = '+';
        } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')') {
            continue;
        } else {
            return seterr(err, errlen,
                          _("phone: may contain only digits, spaces, dots, dashes, brackets and a leading +"));
        }
    }
    buf[o] = '\0';
    if (digits < 7)
        return seterr(err, errlen, _("phone: must have 7 to 15 digits"));
    if (!out || outlen <= o)
        return seterr(err, errlen, _("phone: too long"));
    memcpy(out, buf, o + 1);
    return 0;
}

/* The digits of a calling code setting, "1" when it is not 1 to 3 digits. */
static const char *calling_code(const char *country)
{
    size_t n = country ? strlen(country) : 0;
    if (n < 1 || n > 3 || country[0] == '0' || strspn(country, "0123456789") != n)
        return "1";
    return country;
}

/* (rules_internal.h) "00" (and "011" in North America) is the
 * international prefix; a single leading 0 is the national trunk prefix; a
 * number that starts with the site's calling code already has it; any other
 * is a national number without its trunk 0. */
void gh_rules_phone_intl(const char *digits, const char *country, char *out, size_t outlen)
{
    const char *cc = calling_code(country);
    size_t ccn = strlen(cc), dn = strlen(digits);
    if (strncmp(digits, "00", 2) == 0)
        snprintf(out, outlen, "%s", digits + 2);
    else if (strcmp(cc, "1") == 0 && strncmp(digits, "011", 3) == 0)
        snprintf(out, outlen, "%s", digits + 3);
    else if (digits[0] == '0')
        snprintf(out, outlen, "%s%s", cc, digits + 1);
    else if (strncmp(digits, cc, dn < ccn ? dn : ccn) == 0)   /* a prefix may be shorter */
        snprintf(out, outlen, "%s", digits);
    else
        snprintf(out, outlen, "%s%s", cc, digits);
}

int gh_ident_phone_e164(const char *phone, const char *country, char *out, size_t outlen,
                        char *err, size_t errlen)
{
    char typed[GH_PHONE_BUF], full[2 * GH_PHONE_BUF], plain[GH_PHONE_BUF * 4];
    const char *zero;

    if (out && outlen)
        out[0] = '\0';
    /* "+44 (0)20 ...": the trunk 0 in brackets is not dialled after +44. */
    if (phone && phone[0] == '+' && (zero = strstr(phone, "(0)")) != NULL &&
        strlen(phone) < sizeof plain) {
        snprintf(plain, sizeof plain, "%.*s%s", (int)(zero - phone), phone, zero + 3);
        phone = plain;
    }
    if (gh_ident_normalize_phone(phone, typed, sizeof typed, err, errlen) != 0)
        return -1;
    if (!typed[0])
        return 0;                /* no phone */
    if (typed[0] == '+')
        snprintf(full, sizeof full, "%s", typed + 1);
    else
        gh_rules_phone_intl(typed, country, full, sizeof full);
    size_t n = strlen(full);
    if (n < 7 || n > 15 || full[0] == '0')
        return seterr(err, errlen,
                      _("phone: with its country code a number has 7 to 15 digits; type it "
                        "with + and the country code, like +44 7700 900123"));
    if (!out || outlen <= n + 1)
        return seterr(err, errlen, _("phone: too long"));
    out[0] = '+';
    memcpy(out + 1, full, n + 1);
    return 0;
}

/* ---- enum names ------------------------------------------------------- */

static const char *const state_names[] = {
    [GH_STATE_ACTIVE] = "active", [GH_STATE_PENDING] = "pending",
    [GH_STATE_INACTIVE] = "inactive", [GH_STATE_BLOCKED] = "blocked",
    [GH_STATE_REMOVED] = "removed",
};
static const char *const access_names[] = {
    [GH_ACCESS_NONE] = "none", [GH_ACCESS_ALL] = "all",
    [GH_ACCESS_GROUP] = "group", [GH_ACCESS_SPECIFIC] = "specific",
};
static const char *const kind_names[] = {
    [GH_KIND_OCCUPANT] = "occupant", [GH_KIND_STAFF] = "staff",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int parse_name(const char *const *names, size_t n, const char *s)
{
    size_t i;

    if (!s)
        return -1;
    for (i = 0; i < n; i++)
        if (names[i] && strcasecmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

const char *gh_state_name(enum gh_state s)
{
    return (unsigned)s < NELEM(state_names) ? state_names[s] : "?";
}

int gh_state_parse(const char *s, enum gh_state *out)
{
    int i = parse_name(state_names, NELEM(state_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_state)i;
    return 0;
}

const char *gh_access_name(enum gh_access a)
{
    return (unsigned)a < NELEM(access_names) ? access_names[a] : "?";
}

int gh_access_parse(const char *s, enum gh_access *out)
{
    int i = parse_name(access_names, NELEM(access_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_access)i;
    return 0;
}

const char *gh_kind_name(enum gh_kind k)
{
    return (unsigned)k < NELEM(kind_names) ? kind_names[k] : "?";
}

int gh_kind_parse(const char *s, enum gh_kind *out)
{
    int i = parse_name(kind_names, NELEM(kind_names), s);
    if (i < 0)
        return -1;
    *out = (enum gh_kind)i;
    return 0;
}

/* ---- permissions ------------------------------------------------------ */

static const struct {
    const char *name;
    unsigned bit;
} perm_names[] = {
    {"approve", GH_PERM_APPROVE},         {"manage", GH_PERM_MANAGE},
    {"open_common", GH_PERM_OPEN_COMMON}, {"open_vacant", GH_PERM_OPEN_VACANT},
    {"open_shared", GH_PERM_OPEN_SHARED}, {"admin", GH_PERM_ADMIN},
};

int gh_perms_parse(const char *list, unsigned *out, char *err, size_t errlen)
{
    unsigned bits = 0;
    const char *p = list, *end;
    size_t i, n;

    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        end = p;
        while (*end && *end != ',' && *end != ' ')
            end++;
        n = (size_t)(end - p);
        if (n == 4 && strncasecmp(p, "none", 4) == 0) {
            p = end;
            continue;
        }
        for (i = 0; i < NELEM(perm_names); i++)
            if (strlen(perm_names[i].name) == n && strncasecmp(perm_names[i].name, p, n) == 0)
                break;
        if (i == NELEM(perm_names)) {
            if (err && errlen)
                snprintf(err, errlen,
                         _("permissions: unknown permission \"%.*s\" (known: approve, "
                           "manage, open_common, open_vacant, open_shared, admin)"),
                         (int)(n > 64 ? 64 : n), p);
            return -1;
        }
        bits |= perm_names[i].bit;
        p = end;
    }
    *out = bits;
    return 0;
}

void gh_perms_format(unsigned perms, char *buf, size_t len)
{
    size_t i, o = 0;

    if (!buf || !len)
        return;
    buf[0] = '\0';
    for (i = 0; i < NELEM(perm_names); i++) {
        if (!(perms & perm_names[i].bit))
            continue;
        int w = snprintf(buf + o, len - o, "%s%s", o ? "," : "", perm_names[i].name);
        if (w < 0 || (size_t)w >= len - o)
            return;
        o += (size_t)w;
    }
    if (o == 0)
        snprintf(buf, len, "none");
}

int gh_perms_has(unsigned perms, unsigned need)
{
    if (perms & GH_PERM_ADMIN)
        return 1;
    return (perms & need) == need;
}

/* ---- trimming ------------------------------------------------------------ */

int gh_ident_trim(const char *s, char *out, size_t len)
{
    size_t n;

    if (!out || !len)
        return -1;
    if (!s) {
        out[0] = '\0';
        return 0;
    }
    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= len) {
        out[0] = '\0';
        return -1;
    }
    memmove(out, s, n);          /* out may be s itself */
    out[n] = '\0';
    return 0;
}
