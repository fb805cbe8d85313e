/*
 * buf.h: the core's one growable text buffer (internal to core/src).
 *
 * A NUL-terminated string that grows by doubling. An allocation failure
 * does not return an error from every call: it sets `oom`, after which
 * every write is a no-op, and the caller checks `oom` once at the end.
 * Start with `struct gh_buf b = { 0 };`; the text is b.p (NULL until the
 * first write, even an empty one), owned by the caller: gh_buf_free, or
 * take b.p and free() it later.
 */
#ifndef GATEHOUSE_BUF_H
#define GATEHOUSE_BUF_H
#include <stddef.h>

struct gh_buf {
    char *p;
    size_t len, cap;
    int oom;
};

/* Makes room for `more` bytes (and the NUL) after len; sets oom if it can't.
 * For callers that write into b->p + b->len themselves and then set len. */
void gh_buf_reserve(struct gh_buf *b, size_t more);
void gh_buf_putn(struct gh_buf *b, const char *s, size_t n);
void gh_buf_puts(struct gh_buf *b, const char *s);
void gh_buf_putc(struct gh_buf *b, char c);
void gh_buf_printf(struct gh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees the text and empties b (oom cleared). */
void gh_buf_free(struct gh_buf *b);

#endif
