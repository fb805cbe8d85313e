/*
 * mail_parse.c: just enough of RFC 5322 and MIME to read a reply
 * (mail_parse.h): the headers that thread it and the plain text someone
 * wrote. Unfolded headers; a text/plain body or the first text/plain part
 * of a multipart one; quoted-printable and base64 decoded; Latin-1 made
 * UTF-8. Anything stranger gives no text, and the message is ignored.
 */
#define _GNU_SOURCE 1            /* memmem */
#include "mail_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The value of header `name` in the header block [h, end), unfolded, into
 * out; 0 found, -1 not. */
static int header(const char *h, const char *end, const char *name, char *out, size_t len)
{
    size_t nl = strlen(name);
    for (const char *p = h; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            size_t o = 0;
            const char *v = p + nl + 1;
            for (;;) {
                for (; v < eol && o + 1 < len; v++)
                    if (*v != '\r')
                        out[o++] = *v == '\t' ? ' ' : *v;
                if (eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
                    v = eol + 1;
                    eol = memchr(v, '\n', (size_t)(end - v));
                    if (!eol)
                        eol = end;
                    continue;
                }
                break;
            }
            out[o] = '\0';
            char *s = out;
            while (*s == ' ')
                s++;
            memmove(out, s, strlen(s) + 1);
            return 0;
        }
        p = eol + 1;
    }
    return -1;
}

/* Where the header block ends: after the first empty line. */
static const char *body_of(const char *raw, const char *end)
{
    for (const char *p = raw; p < end; p++) {
        if (p[0] == '\n' && p + 1 < end && p[1] == '\n')
            return p + 2;
        if (p[0] == '\n' && p + 2 < end && p[1] == '\r' && p[2] == '\n')
            return p + 3;
    }
    return end;
}

/* A parameter of a header value: charset="utf-8", boundary=abc. */
static void param(const char *value, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *p = value; (p = strchr(p, ';')) != NULL; p++) {
        const char *q = p + 1;
        while (*q == ' ')
            q++;
        if (strncasecmp(q, name, nl) != 0 || q[nl] != '=')
            continue;
        q += nl + 1;
        int quoted = *q == '"';
        q += quoted;
        size_t o = 0;
        while (*q && o + 1 < len && (quoted ? *q != '"' : (*q != ';' && *q != ' ')))
            out[o++] = *q++;
        out[o] = '\0';
        return;
    }
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

static size_t decode_qp(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '=' && i + 1 < n && (in[i + 1] == '\n' || in[i + 1] == '\r')) {
            i += in[i + 1] == '\r' ? 2 : 1;           /* soft line break */
        } else if (in[i] == '=' && i + 2 < n && hexval(in[i + 1]) >= 0 &&
                   hexval(in[i + 2]) >= 0) {
            out[o++] = (char)(hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
            i += 2;
        } else {
            out[o++] = in[i];
        }
    }
    return o;
}

static size_t decode_b64(const char *in, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        const char *p = in[i] ? strchr(a, in[i]) : NULL;
        if (!p)
            continue;
        acc = (acc << 6) | (unsigned)(p - a);
        if ((bits += 6) >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    return o;
}

/* Decoded text of one part (headers [h, b), body [b, end)) if it is
 * text/plain, as malloc'd UTF-8; NULL otherwise. */
static char *plain_part(const char *h, const char *b, const char *end)
{
    char ct[256] = "text/plain", cte[64] = "", cs[64] = "";
    header(h, b, "Content-Type", ct, sizeof ct);
    header(h, b, "Content-Transfer-Encoding", cte, sizeof cte);
    if (strncasecmp(ct, "text/plain", 10) != 0)
        return NULL;
    param(ct, "charset", cs, sizeof cs);
    size_t n = (size_t)(end - b);
    char *raw = malloc(n + 1), *out;
    if (!raw)
        return NULL;
    if (strncasecmp(cte, "quoted-printable", 16) == 0)
        n = decode_qp(b, n, raw);
    else if (strncasecmp(cte, "base64", 6) == 0)
        n = decode_b64(b, n, raw);
    else
        memcpy(raw, b, n);
    raw[n] = '\0';
    if (strncasecmp(cs, "iso-8859-1", 10) != 0 && strncasecmp(cs, "latin1", 6) != 0)
        return raw;
    out = malloc(n * 2 + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < n; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xC0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    if (out)
        out[o] = '\0';
    free(raw);
    return out;
}

/* The first text/plain part of a multipart body. */
static char *multipart_text(const char *body, const char *end, const char *boundary)
{
    char delim[200];
    int dl = snprintf(delim, sizeof delim, "--%s", boundary);
    if (dl < 3 || (size_t)dl >= sizeof delim)
        return NULL;
    const char *p = body;
    while ((p = memmem(p, (size_t)(end - p), delim, (size_t)dl)) != NULL) {
        p += dl;
        if (p + 1 < end && p[0] == '-' && p[1] == '-')
            return NULL;                              /* the closing delimiter */
        const char *h = memchr(p, '\n', (size_t)(end - p));
        if (!h)
            return NULL;
        h++;
        const char *next = memmem(h, (size_t)(end - h), delim, (size_t)dl);
        const char *pend = next ? next : end;
        const char *b = body_of(h - 1, pend);
        if (b == pend)
            b = body_of(h, pend);
        char *t = plain_part(h, b, pend);
        if (t)
            return t;
        p = pend;
    }
    return NULL;
}

static void address_of(const char *from, char *out, size_t len)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    const char *a = lt && gt ? lt + 1 : from;
    size_t n = lt && gt ? (size_t)(gt - lt - 1) : strlen(from);
    while (n && (*a == ' ')) {
        a++;
        n--;
    }
    while (n && a[n - 1] == ' ')
        n--;
    snprintf(out, len, "%.*s", (int)n, a);
}

int gh_mail_parse(const char *raw, size_t len, struct gh_parsed_mail *m)
{
    const char *end = raw + len, *body = body_of(raw, end);
    char from[512] = "", ct[512] = "text/plain", boundary[128];
    memset(m, 0, sizeof *m);
    header(raw, body, "From", from, sizeof from);
    address_of(from, m->from, sizeof m->from);
    header(raw, body, "Subject", m->subject, sizeof m->subject);
    header(raw, body, "Message-ID", m->message_id, sizeof m->message_id);
    header(raw, body, "In-Reply-To", m->in_reply_to, sizeof m->in_reply_to);
    header(raw, body, "References", m->references, sizeof m->references);
    header(raw, body, "Content-Type", ct, sizeof ct);
    if (strncasecmp(ct, "multipart/", 10) == 0) {
        param(ct, "boundary", boundary, sizeof boundary);
        m->text = boundary[0] ? multipart_text(body, end, boundary) : NULL;
    } else {
        m->text = plain_part(raw, body, end);
    }
    return m->text ? 0 : -1;
}

void gh_mail_parsed_free(struct gh_parsed_mail *m)
{
    free(m->text);
    m->text = NULL;
}
