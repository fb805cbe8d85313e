/*
 * mail_i18n.h: a mail template in this thread's language (internal to
 * core/src; see mail_i18n.c).
 */
#ifndef GATEHOUSE_MAIL_I18N_H
#define GATEHOUSE_MAIL_I18N_H
#include "buf.h"

/* Writes template text ("Subject: ...", a blank line, the body) to out with
 * the subject and each paragraph of the body through _(). */
void gh_mail_translate(const char *text, struct gh_buf *out);

/* Every message id of the templates (mail_msgids.c, written by
 * scripts/mail_msgids.py), NULL-terminated: the list xgettext reads. */
extern const char *const gh_mail_msgids[];

#endif
