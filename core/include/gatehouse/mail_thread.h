/*
 * mail_thread.h: how our Message-IDs name a conversation (request_mail.c
 * makes them, the mailer turns them into References, inbox.c reads them
 * back from replies).
 *
 * A notice about request n has the Message-ID "<rN.RANDOM.TIME@HOST>"; the
 * conversation's root is "<rN@HOST>", a Message-ID no message carries but
 * every notice of the request names in In-Reply-To and References.
 */
#ifndef GATEHOUSE_MAIL_THREAD_H
#define GATEHOUSE_MAIL_THREAD_H
#include <stddef.h>
#include <stdint.h>

/* The request a Message-ID of ours belongs to (n > 0) and, when root is not
 * NULL, its thread root "<rN@HOST>"; 0 for any other Message-ID (or when
 * root does not fit). host: when not NULL, the id's right side must be it. */
int64_t gh_mail_thread_of(const char *message_id, const char *host, char *root, size_t len);

#endif
