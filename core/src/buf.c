/*
 * buf.c: the growable text buffer (see buf.h). Used by the outbox for
 * rendering templates and by the mailer for composing messages.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gh_buf_reserve(struct gh_buf *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
        b->oom = 1;
        return;
    }
    b->p = np;
    b->cap = cap;
}

void gh_buf_putn(struct gh_buf *b, const char *s, size_t n)
{
    gh_buf_reserve(b, n);
    if (b->oom)
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void gh_buf_puts(struct gh_buf *b, const char *s) { gh_buf_putn(b, s, strlen(s)); }

void gh_buf_putc(struct gh_buf *b, char c) { gh_buf_putn(b, &c, 1); }

void gh_buf_printf(struct gh_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        gh_buf_putn(b, tmp, (size_t)n);
        return;
    }
    gh_buf_reserve(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void gh_buf_free(struct gh_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
