/*
 * imap.h: the mailbox the relay delivers replies to ([mail] imap), read
 * with libcurl's IMAP: the same library as the SMTP side, one connection
 * kept across the calls of one poll.
 *
 * Only three things are asked of the server: the UIDs of unseen messages
 * (UID SEARCH UNSEEN), a message's bytes without touching its flags (UID
 * FETCH n BODY.PEEK[], so a message nobody handled stays unread), and
 * marking one seen (UID STORE n +FLAGS.SILENT (\Seen)), which the caller
 * does only after it committed what the message meant.
 *
 * Failures: GH_E_CONFIG for what the deployment must fix (login refused,
 * TLS, a bad URL), GH_E_TRANSIENT for the rest (unreachable, time-out); the
 * sentence is gh_imap_problem()'s.
 */
#ifndef GATEHOUSE_IMAP_H
#define GATEHOUSE_IMAP_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_config;
struct gh_imap;

#define GH_IMAP_MAX_MESSAGE (256 * 1024)   /* bytes fetched of one message */

/* [mail] imap, imap_username, imap_password, imap_poll_s. Not in struct
 * gh_config, whose layout plugins see (ABI 1): read from the same file by
 * imap_config.c (config.c checked the values when it loaded the file). */
struct gh_imap_config {
    char url[512];               /* imaps://HOST/INBOX or imap:// (STARTTLS); "" none */
    char username[256];
    char password[256];
    int poll_s;                  /* default 60 */
};
enum gh_status gh_imap_config_read(const struct gh_config *cfg, struct gh_imap_config *out,
                                   char *err, size_t errlen);

/* A client for the mailbox ic, with cfg's [mail] cafile and time-outs.
 * imap:// requires STARTTLS; imaps:// is TLS from the start. */
enum gh_status gh_imap_new(const struct gh_config *cfg, const struct gh_imap_config *ic,
                           struct gh_imap **out, char *err, size_t errlen);
void gh_imap_free(struct gh_imap *h);
/* The UIDs of unseen messages, ascending (*uids malloc'd, free it). */
enum gh_status gh_imap_unseen(struct gh_imap *h, uint64_t **uids, size_t *n);
/* Message uid's bytes (at most GH_IMAP_MAX_MESSAGE; *raw malloc'd,
 * NUL-terminated), leaving its \Seen flag as it was. */
enum gh_status gh_imap_fetch(struct gh_imap *h, uint64_t uid, char **raw, size_t *len);
enum gh_status gh_imap_mark_seen(struct gh_imap *h, uint64_t uid);
/* The last failure in words, and a code that stays the same while the
 * problem does (for "changed?"). */
const char *gh_imap_problem(const struct gh_imap *h, long *code);

#endif
