/*
 * inbox.h: replies to requests by email (SPEC "Requests"; issue 17).
 *
 * A message in the [mail] imap mailbox becomes a reply on request n when
 * its subject carries "[#R<n>]" (or its In-Reply-To/References name one of
 * our notices about n) and its From address is the filer, a member of
 * their live group, or a staff member with `requests`. Quoted text below
 * the reply ("On ... wrote:", "> " lines, a forwarded original) is dropped.
 * Anything else stays unread in the mailbox and is logged as ignored. A
 * message is marked seen only after its reply is committed; one fetched
 * again (the mark lost) is threaded once, by its Message-ID.
 */
#ifndef GATEHOUSE_INBOX_H
#define GATEHOUSE_INBOX_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;
struct gh_config;
struct gh_inbox;

struct gh_inbox_result {
    int unseen;                  /* unseen messages found */
    int threaded;                /* replies added (or found already there) */
    int ignored;                 /* left unread: not a reply we may take */
    long problem_code;           /* 0: the mailbox worked */
    char problem[512];           /* the mailbox's problem in words, "" none */
};

/* The reply part of a message's text: quoted lines and everything from an
 * "On ... wrote:" line or a forwarded original on dropped, trimmed. In
 * place; returns text. */
char *gh_inbox_strip_quotes(char *text);

/* A poller for cfg's mailbox; it keeps its connection and what it already
 * ignored between polls. GH_E_UNAVAILABLE when no [mail] imap is set. */
enum gh_status gh_inbox_new(const struct gh_config *cfg, struct gh_inbox **out,
                            char *err, size_t errlen);
void gh_inbox_free(struct gh_inbox *in);
/* Seconds between polls ([mail] imap_poll_s, default 60). */
int gh_inbox_poll_s(const struct gh_inbox *in);
/* One poll: every unseen message, threaded or ignored. GH_OK also when the
 * mailbox failed (out->problem says how; nothing is lost); a status for a
 * store failure. */
enum gh_status gh_inbox_poll(struct gh_inbox *in, struct gh_store *st,
                             struct gh_inbox_result *out);
/* One poll with a poller of its own (gatehousectl inbox fetch). */
enum gh_status gh_inbox_fetch(struct gh_store *st, const struct gh_config *cfg,
                              struct gh_inbox_result *out);

#endif
