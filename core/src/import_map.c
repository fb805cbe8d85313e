/*
 * import_map.c: the import's header and cells (import_internal.h).
 *
 * The built-in header is today's: email, name, phone, unit, optionally
 * group, delinquent and access, in any order, nothing else. A site whose
 * property management software exports other headers maps them in the
 * configuration ([import] columns = email=Email Address, unit=Unit, ...):
 * then headers are matched case-insensitively, headers nobody asked for are
 * ignored (an export has many), and every column the mapping names, and
 * email, must be there (the error names it). The file's emails and
 * email+unit pairs, collected for --sync, are kept here too.
 */
#include "import_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "rules_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const gh_import_col_names[N_COLS] = {
    "email", "name", "phone", "unit", "group", "delinquent", "access"
};

static int col_of(const char *name, size_t len)
{
    for (int c = 0; c < N_COLS; c++)
        if (strlen(gh_import_col_names[c]) == len &&
            strncasecmp(gh_import_col_names[c], name, len) == 0)
            return c;
    return -1;
}

/* One "ours=theirs" entry of len bytes at e; 0 or -1 with err. */
static int map_entry(const char *e, size_t len, struct gh_import_map *m, char *err,
                     size_t errlen)
{
    const char *eq = memchr(e, '=', len);
    size_t ol = eq ? (size_t)(eq - e) : len;
    while (ol && e[ol - 1] == ' ')
        ol--;
    int c = eq ? col_of(e, ol) : -1;
    if (c < 0) {
        snprintf(err, errlen, _("[import] columns: '%.*s' is not ours=theirs with ours one of "
                                "email, name, phone, unit, group, delinquent, access"),
                 (int)(len > 80 ? 80 : len), e);
        return -1;
    }
    const char *t = eq + 1, *end = e + len;
    while (t < end && *t == ' ')
        t++;
    size_t tl = (size_t)(end - t);
    if (!tl || tl >= sizeof m->header[c] || m->header[c][0]) {
        snprintf(err, errlen, !tl ? _("[import] columns: %s has no header named")
                                  : m->header[c][0] ? _("[import] columns: %s is mapped twice")
                                                    : _("[import] columns: %s: header too long"),
                 gh_import_col_names[c]);
        return -1;
    }
    memcpy(m->header[c], t, tl);
    m->header[c][tl] = '\0';
    return 0;
}

int gh_import_map_parse(const char *spec, struct gh_import_map *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (!spec)
        return 0;
    while (*spec) {
        while (*spec == ' ' || *spec == ',')
            spec++;
        size_t len = strcspn(spec, ",");
        while (len && spec[len - 1] == ' ')
            len--;
        if (!len)
            break;
        if (map_entry(spec, len, m, err, errlen) != 0)
            return -1;
        m->custom = 1;
        spec += strcspn(spec, ",");
    }
    return 0;
}

static const char *wanted(const struct gh_import_map *m, int c)
{
    return m->header[c][0] ? m->header[c] : gh_import_col_names[c];
}

static int required(const struct gh_import_map *m, int c)
{
    if (m->custom)
        return c == COL_EMAIL || m->header[c][0];
    return c <= COL_UNIT;
}

int gh_import_map_header(const struct gh_import_map *m, char *const *fields, int n,
                         long line, int *colidx, char *msg, size_t msglen)
{
    for (int c = 0; c < N_COLS; c++)
        colidx[c] = -1;
    for (int i = 0; i < n; i++) {
        const char *f = fields[i] ? fields[i] : "";
        int c = -1;
        for (int k = 0; k < N_COLS && c < 0; k++)
            if (strcasecmp(f, wanted(m, k)) == 0)
                c = k;
        if (c < 0 && m->custom)
            continue;           /* a column of the export nobody asked for */
        if (c < 0) {
            snprintf(msg, msglen, _("line %ld: unknown column '%.64s' (expected email, name, "
                                    "phone, unit and optionally group, delinquent, access; "
                                    "or set [import] columns)"), line, f);
            return -1;
        }
        if (colidx[c] >= 0) {
            snprintf(msg, msglen, _("line %ld: column '%s' appears twice"), line, wanted(m, c));
            return -1;
        }
        colidx[c] = i;
    }
    for (int c = 0; c < N_COLS; c++)
        if (colidx[c] < 0 && required(m, c)) {
            if (m->header[c][0])
                snprintf(msg, msglen, _("line %ld: missing column '%s' (%s)"), line,
                         m->header[c], gh_import_col_names[c]);
            else
                snprintf(msg, msglen, _("line %ld: missing column '%s'"), line,
                         gh_import_col_names[c]);
            return -1;
        }
    return 0;
}

const char *gh_import_cell(const struct gh_imp *im, enum col c)
{
    int i = im->colidx[c];
    if (i < 0 || i >= im->nfields || i >= GH_IMPORT_MAX_FIELDS || !im->field[i])
        return "";
    return im->field[i];
}

/* yes/no, 1/0, true/false, y/n, or an amount: "$1,250.00", "12.5 USD",
 * "1 250,00 €", "0.00"; "-15.00" or "(15.00)" is a credit. Text around
 * the number may only be a sign, a currency symbol or code, and spaces. */
int gh_import_delinquent(const char *cell)
{
    static const char *const yes[] = { "yes", "y", "true", "1", NULL };
    static const char *const no[] = { "no", "n", "false", "0", "", NULL };
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(cell, yes[i]))
            return 1;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(cell, no[i]))
            return 0;
    const unsigned char *p = (const unsigned char *)cell;
    int neg = 0, digits = 0, nonzero = 0, after = 0;
    for (; *p; p++) {
        if (isdigit(*p)) {
            if (after)
                return -1;       /* "12 USD 3": two numbers */
            digits++;
            nonzero |= *p != '0';
        } else if (*p == '-' || *p == '(') {
            neg |= !digits;
        } else if ((*p == '.' || *p == ',' || *p == ' ') && digits) {
            /* decimal or thousands separator, or the space before a code */
        } else if (*p == ')' || *p == ' ' || *p >= 0x80 || strchr("$", *p) ||
                   isalpha(*p)) {
            after |= digits && (isalpha(*p) || *p >= 0x80 || *p == ')');
        } else {
            return -1;
        }
    }
    if (!digits)
        return -1;
    return nonzero && !neg;
}

int gh_import_access_parse(const char *s, struct gh_import_access *out)
{
    memset(out, 0, sizeof *out);
    if (!strcasecmp(s, "all"))
        out->kind = IA_ALL;
    else if (!strcasecmp(s, "none"))
        out->kind = IA_NONE;
    else if (!strcasecmp(s, "site"))
        out->kind = IA_SITE;
    else if (!strncasecmp(s, "group:", 6) && s[6] && strlen(s + 6) < sizeof out->group) {
        out->kind = IA_GROUP;
        snprintf(out->group, sizeof out->group, "%s", s + 6);
    } else
        return -1;
    return 0;
}

/* ---- the file's keys, for --sync ---------------------------------------- */

static int push(char ***v, size_t *n, size_t *cap, char *s)
{
    if (!s)
        return -1;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 1024;
        char **nv = realloc(*v, nc * sizeof *nv);
        if (!nv) {
            free(s);
            return -1;
        }
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = s;
    return 0;
}

static char *pair_key(const char *email_key, const char *unit)
{
    char ukey[GH_IMPORT_HEADER_BUF * 2];
    gh_rules_name_key(unit, ukey, sizeof ukey);
    size_t n = strlen(email_key) + strlen(ukey) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s\x1f%s", email_key, ukey);
    return s;
}

int gh_import_keys_add(struct gh_import_keys *k, const char *email, const char *unit)
{
    char key[GH_EMAIL_MAX + 1];
    if (!*email || strlen(email) > GH_EMAIL_MAX)
        return 0;
    gh_ident_email_key(email, key, sizeof key);
    if (push(&k->email, &k->n_email, &k->cap_email, strdup(key)) != 0)
        return -1;
    if (*unit && push(&k->pair, &k->n_pair, &k->cap_pair, pair_key(key, unit)) != 0)
        return -1;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void gh_import_keys_sort(struct gh_import_keys *k)
{
    if (k->n_email)
        qsort(k->email, k->n_email, sizeof *k->email, cmp);
    if (k->n_pair)
        qsort(k->pair, k->n_pair, sizeof *k->pair, cmp);
}

int gh_import_keys_has_email(const struct gh_import_keys *k, const char *email_key)
{
    return k->n_email && bsearch(&email_key, k->email, k->n_email, sizeof *k->email, cmp);
}

int gh_import_keys_has_pair(const struct gh_import_keys *k, const char *email_key,
                            const char *unit_name)
{
    char *key = pair_key(email_key, unit_name);
    int found = key && k->n_pair &&
                bsearch(&key, k->pair, k->n_pair, sizeof *k->pair, cmp) != NULL;
    free(key);
    return found;
}

void gh_import_keys_free(struct gh_import_keys *k)
{
    for (size_t i = 0; i < k->n_email; i++)
        free(k->email[i]);
    for (size_t i = 0; i < k->n_pair; i++)
        free(k->pair[i]);
    free(k->email);
    free(k->pair);
    memset(k, 0, sizeof *k);
}
