/*
 * mail_format.h: the message the mailer sends, composed from an outbox row
 * (SPEC "Mail"). Pure text work: no network, no store. The layers, each
 * calling only those before it: mail_format (this) -> mailer (the SMTP
 * client, mailer.h) -> mail_batch (a batch against the store, mail_batch.h)
 * -> mail_worker (the kiosk's thread).
 */
#ifndef GATEHOUSE_MAIL_FORMAT_H
#define GATEHOUSE_MAIL_FORMAT_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_mail;

/* Composes the RFC 5322 message (CRLF line ends, no dot-stuffing: libcurl
 * does that): Date (date_ms, UTC), From ("from_name" <from_addr>), To,
 * Subject, Message-ID (mail->message_id), MIME-Version, Content-Type
 * text/plain; charset=UTF-8, Content-Transfer-Encoding: quoted-printable
 * (7-bit safe: no need for the relay to offer 8BITMIME), Auto-Submitted.
 * Display names and subject: RFC 2047 encoded-words (UTF-8, base64, at most
 * 75 characters each, split on character boundaries) when not plain ASCII;
 * control characters (CR and LF included) are replaced by spaces, never
 * copied into a header. An address that is not a plain addr-spec is refused
 * (GH_E_INVALID). *out is malloc'd and NUL-terminated. */
enum gh_status gh_mail_format_message(const struct gh_mail *mail, const char *from_name,
                                      const char *from_addr, int64_t date_ms,
                                      char **out, size_t *outlen, char *err, size_t errlen);
/* 1 if addr is a plain addr-spec we put in an envelope and a header: one
 * '@', no spaces, no control characters, no <>(),;:\" and <= 254 bytes. */
int gh_mail_format_addr_ok(const char *addr);

#endif
