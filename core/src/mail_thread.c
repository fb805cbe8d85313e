/*
 * mail_thread.c: the request a Message-ID of ours belongs to (see
 * mail_thread.h). A pure function of the text, shared by the mailer (which
 * writes References) and the inbox (which reads them), so both agree.
 */
#include "gatehouse/mail_thread.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int64_t gh_mail_thread_of(const char *id, const char *host, char *root, size_t len)
{
    int64_t n = 0;
    const char *p = id;
    if (!p || p[0] != '<' || (p[1] != 'r' && p[1] != 'R'))
        return 0;
    p += 2;
    if (*p < '1' || *p > '9')
        return 0;
    for (int digits = 0; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 15)
            return 0;
        n = n * 10 + (*p - '0');
    }
    if (*p != '.' && *p != '@')
        return 0;
    const char *at = strchr(p, '@');
    const char *end = at ? strchr(at, '>') : NULL;
    if (!at || !end || end[1] != '\0' || end == at + 1 || strchr(at + 1, '@'))
        return 0;
    size_t hl = (size_t)(end - at - 1);
    if (host && (strlen(host) != hl || strncasecmp(at + 1, host, hl) != 0))
        return 0;
    if (root) {
        int w = snprintf(root, len, "<r%lld@%.*s>", (long long)n, (int)hl, at + 1);
        if (w < 0 || (size_t)w >= len)
            return 0;
    }
    return n;
}
