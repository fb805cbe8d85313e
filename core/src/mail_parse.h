/*
 * mail_parse.h: reading an incoming email (mail_parse.c), for the inbox.
 * Not for plugins.
 */
#ifndef GATEHOUSE_MAIL_PARSE_H
#define GATEHOUSE_MAIL_PARSE_H
#include <stddef.h>

struct gh_parsed_mail {
    char from[320];              /* the address only */
    char subject[1024];
    char message_id[256];
    char in_reply_to[1024];
    char references[4096];
    char *text;                  /* the text/plain body as UTF-8 (malloc'd) */
};
/* 0, or -1 when there is no plain text to read (m->text NULL). */
int gh_mail_parse(const char *raw, size_t len, struct gh_parsed_mail *m);
void gh_mail_parsed_free(struct gh_parsed_mail *m);
#endif
