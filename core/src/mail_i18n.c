/*
 * mail_i18n.c: mail templates in the recipient's language.
 *
 * A template (assets/mail/KIND.txt) is written in English. Its subject and
 * each paragraph of its body (lines between blank lines) are message ids
 * of the catalogue, so a translator translates a mail a paragraph at a
 * time, placeholders ({{name}}) and all, and a paragraph nobody has
 * translated yet stays English rather than blank. Paragraph breaks stay
 * where the template has them. The ids are listed for xgettext in
 * mail_msgids.c (scripts/mail_msgids.py writes it; a test checks it is up
 * to date), since xgettext does not read the templates themselves.
 */
#include "mail_i18n.h"
#include "gatehouse/i18n.h"

#include <stdlib.h>
#include <string.h>

/* Puts _(the n bytes at s). */
static void put_translated(struct gh_buf *out, const char *s, size_t n)
{
    char *id = malloc(n + 1);
    if (!id) {
        out->oom = 1;
        return;
    }
    memcpy(id, s, n);
    id[n] = '\0';
    gh_buf_puts(out, _(id));
    free(id);
}

void gh_mail_translate(const char *text, struct gh_buf *out)
{
    static const char subj[] = "Subject: ";
    size_t n = strlen(text), pos = 0;
    const char *eol = strchr(text, '\n');

    if (strncmp(text, subj, sizeof subj - 1) == 0 && eol) {
        size_t end = (size_t)(eol - text);
        if (end > sizeof subj - 1 && text[end - 1] == '\r')
            end--;
        gh_buf_puts(out, subj);
        put_translated(out, text + sizeof subj - 1, end - (sizeof subj - 1));
        pos = end;
    }
    while (pos < n) {
        if (text[pos] == '\n' || text[pos] == '\r') {
            gh_buf_putc(out, text[pos++]);
            continue;
        }
        const char *brk = strstr(text + pos, "\n\n");
        size_t end = brk ? (size_t)(brk - text) : n;
        while (end > pos && (text[end - 1] == '\n' || text[end - 1] == '\r'))
            end--;
        put_translated(out, text + pos, end - pos);
        pos = end;
    }
}
