/*
 * cli.c: the small helpers every gatehousectl command file uses (see cli.h):
 * option parsing, error lines, lookups that print their own error, and
 * output that is safe for a terminal (no control characters from the
 * database reach it) and for JSON (always parses, UTF-8 passed through).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct gh_command *gh_cli_current;

static void vline(FILE *f, const char *fmt, va_list ap)
{
    fputs("gatehousectl: ", f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

static void usage_line(struct gh_cmd_ctx *ctx)
{
    if (!gh_cli_current || !gh_cli_current->usage)
        return;
    const char *u = gh_cli_current->usage;
    size_t n = strcspn(u, "\n");
    fprintf(ctx->err, "%s gatehousectl %.*s\n", _("usage:"), (int)n, u);
}

int gh_cli_usage_error(struct gh_cmd_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(ctx->err, fmt, ap);
    va_end(ap);
    usage_line(ctx);
    return 2;
}

int gh_cli_fail(struct gh_cmd_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(ctx->err, fmt, ap);
    va_end(ap);
    return 1;
}

int gh_cli_store_fail(struct gh_cmd_ctx *ctx, enum gh_status s)
{
    const char *m = ctx->store ? gh_store_errmsg(ctx->store) : NULL;
    if (!m || !*m)
        m = gh_strerror(s);
    /* The message can quote what the person typed; keep it on one line. */
    fputs("gatehousectl: ", ctx->err);
    gh_cli_text(ctx->err, m);
    fputc('\n', ctx->err);
    return 1;
}

int gh_cli_parse(struct gh_cmd_ctx *ctx, const struct gh_cli_opt *opts,
                 int argc, char **argv, char **pos, int minpos, int maxpos, int *npos)
{
    unsigned char seen[64] = {0};
    int n = 0, only_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (n >= maxpos)
                return gh_cli_usage_error(ctx, _("unexpected argument '%s'"), a);
            pos[n++] = argv[i];
            continue;
        }
        size_t klen = strcspn(a, "=");
        int k = -1;
        for (int j = 0; opts && opts[j].name; j++)
            if (strlen(opts[j].name) == klen && strncmp(opts[j].name, a, klen) == 0) {
                k = j;
                break;
            }
        if (k < 0)
            return gh_cli_usage_error(ctx, _("unknown option '%.*s'"), (int)klen, a);
        if (k < (int)sizeof seen) {
            if (seen[k])
                return gh_cli_usage_error(ctx, _("option %s given twice"), opts[k].name);
            seen[k] = 1;
        }
        if (opts[k].value) {
            if (a[klen] == '=')
                *opts[k].value = a + klen + 1;
            else if (i + 1 < argc)
                *opts[k].value = argv[++i];
            else
                return gh_cli_usage_error(ctx, _("option %s needs a value"), opts[k].name);
        } else {
            if (a[klen] == '=')
                return gh_cli_usage_error(ctx, _("option %s takes no value"), opts[k].name);
            *opts[k].flag = 1;
        }
    }
    if (n < minpos)
        return gh_cli_usage_error(ctx, "%s", _("missing argument"));
    if (npos)
        *npos = n;
    return 0;
}

char **gh_cli_split(const char *list, int *n)
{
    size_t len = strlen(list), items = 1;
    for (const char *p = list; *p; p++)
        items += *p == ',';
    /* One block: the pointer array, then a copy of the text. */
    char **v = malloc((items + 1) * sizeof *v + len + 1);
    if (!v)
        return NULL;
    char *text = (char *)(v + items + 1);
    memcpy(text, list, len + 1);
    int k = 0;
    for (char *s = text; s;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        while (*s == ' ')
            s++;
        char *e = s + strlen(s);
        while (e > s && e[-1] == ' ')
            *--e = '\0';
        if (*s)
            v[k++] = s;
        s = comma ? comma + 1 : NULL;
    }
    v[k] = NULL;
    if (n)
        *n = k;
    return v;
}

int gh_cli_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return -1;
    for (const char *p = s; *p; p++)
        if ((*p < '0' || *p > '9') && !(p == s && *p == '-'))
            return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int gh_cli_read_secret(struct gh_cmd_ctx *ctx, const char *what, char *buf, size_t len)
{
    if (!fgets(buf, (int)len, stdin)) {
        gh_cli_fail(ctx, _("%s: nothing on standard input"), what);
        return -1;
    }
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof(stdin)) {
        gh_cli_fail(ctx, _("%s: line on standard input too long"), what);
        return -1;
    }
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

int gh_cli_find_who(struct gh_cmd_ctx *ctx, const char *who, struct gh_account *out)
{
    enum gh_status s = gh_account_find(ctx->store, who, out);
    if (s == GH_OK)
        return 0;
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
        fprintf(ctx->err, "gatehousectl: %s '", _("no account matches WHO"));
        gh_cli_text(ctx->err, who);
        fputs("'\n", ctx->err);
        return 1;
    }
    return gh_cli_store_fail(ctx, s);
}

int gh_cli_find_location(struct gh_cmd_ctx *ctx, const char *name, struct gh_location *out)
{
    enum gh_status s = gh_location_find(ctx->store, name, out);
    if (s == GH_OK)
        return 0;
    if (s == GH_E_NOTFOUND || s == GH_E_INVALID) {
        fprintf(ctx->err, "gatehousectl: %s '", _("no location named"));
        gh_cli_text(ctx->err, name);
        fputs("'\n", ctx->err);
        return 1;
    }
    return gh_cli_store_fail(ctx, s);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. Strict:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void gh_cli_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            p++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c);
            }
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            int n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", f);
                p++;
            } else {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            }
        }
    }
    fputc('"', f);
}

void gh_cli_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        int n = utf8_len(p);
        /* C0, DEL, C1 (U+0080..U+009F, which some terminals obey) and
         * broken bytes all become '?'. */
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7F)) ||
            (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
            fputc('?', f);
            p += n ? n : 1;
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
}

void gh_cli_time(int64_t ms, char *buf, size_t len)
{
    if (ms <= 0) {
        snprintf(buf, len, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, len, "%lld", (long long)ms);
}

void gh_cli_json_account(FILE *f, const struct gh_account *a)
{
    fputc('{', f);
    gh_cli_json_account_fields(f, a);
    fputc('}', f);
}

void gh_cli_json_account_fields(FILE *f, const struct gh_account *a)
{
    char perms[128] = "";
    fprintf(f, "\"id\":%lld,\"kind\":", (long long)a->id);
    gh_cli_json_str(f, gh_kind_name(a->kind));
    fputs(",\"email\":", f);
    gh_cli_json_str(f, a->email);
    fputs(",\"name\":", f);
    gh_cli_json_str(f, a->name);
    fputs(",\"phone\":", f);
    gh_cli_json_str(f, a->phone[0] ? a->phone : NULL);
    fputs(",\"state\":", f);
    gh_cli_json_str(f, gh_state_name(a->state));
    fputs(",\"access\":", f);
    gh_cli_json_str(f, gh_access_name(a->access));
    fputs(",\"group\":", f);
    gh_cli_json_str(f, a->group_id ? a->group_name : NULL);
    fprintf(f, ",\"group_id\":%lld", (long long)a->group_id);
    if (a->kind == GH_KIND_STAFF) {
        gh_perms_format(a->perms, perms, sizeof perms);
        fputs(",\"perms\":", f);
        gh_cli_json_str(f, perms);
    }
    fprintf(f, ",\"has_pin\":%s", a->has_pin ? "true" : "false");
    fputs(",\"request_org\":", f);
    gh_cli_json_str(f, a->req_org);
    fputs(",\"request_unit\":", f);
    gh_cli_json_str(f, a->req_unit);
    fprintf(f, ",\"created_at\":%lld,\"updated_at\":%lld,\"signed_up_at\":%lld,"
               "\"last_seen_at\":%lld,\"locked_until\":%lld",
            (long long)a->created_at, (long long)a->updated_at,
            (long long)a->signed_up_at, (long long)a->last_seen_at,
            (long long)a->locked_until);
}
