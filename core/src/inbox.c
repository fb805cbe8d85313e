/*
 * inbox.c: replies to requests by email (inbox.h; SPEC "Requests").
 *
 * A poll asks the mailbox for its unseen messages and takes them one at a
 * time: fetched without touching their flags, read (mail_parse.c), matched
 * to a request, checked against the sender, and handed to
 * gh_request_reply, which commits the reply, its state change and its
 * notices in one transaction. Only then is the message marked seen. If the
 * mark is lost (the mailbox went away, the kiosk stopped), the next poll
 * fetches the message again and the reply's Message-ID, kept UNIQUE with
 * the reply, says it is already there: the message is marked seen and
 * nothing is added twice. So a mailbox outage at any point loses nothing
 * and doubles nothing.
 *
 * Which request: the tag "[#R<n>]" in the subject, else a Message-ID of
 * ours in In-Reply-To or References (mail_thread.h) that we really sent
 * (it is in the outbox, or it is the thread root of one that is).
 * Who: the From address must be an account that may reply to it (the
 * filer, their live group, staff with `requests`); From is what the relay
 * delivered, and a building that needs more than that configures its relay
 * to check senders (SPF/DKIM), as for any helpdesk by email.
 *
 * Anything else is left unread, for a person to look at, and logged once
 * per poller ("inbox.ignored", naming the account by id, or "an unknown
 * address"): the poller remembers the UIDs it ignored so that it does not
 * log them again every minute.
 */
#include "store_internal.h"
#include "mail_parse.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/imap.h"
#include "gatehouse/inbox.h"
#include "gatehouse/mail_thread.h"
#include "gatehouse/request.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_IGNORED 1024

struct gh_inbox {
    struct gh_imap *imap;
    int poll_s;
    uint64_t ignored[MAX_IGNORED];
    size_t n_ignored;
};

static int ends_wrote(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    return n >= 6 && strncmp(s + n - 6, "wrote:", 6) == 0;
}

/* Where the quoted original begins: "On ... wrote:" (on one line or
 * wrapped onto the next), Outlook's separators, a signature. */
static int quote_starts(const char *line, size_t n, const char *next)
{
    if (strncmp(line, "On ", 3) == 0 &&
        (ends_wrote(line, n) || (next && ends_wrote(next, strcspn(next, "\n")))))
        return 1;
    return strncmp(line, "-----Original Message-----", 26) == 0 ||
           strncmp(line, "________________________________", 32) == 0 ||
           (n == 3 && strncmp(line, "-- ", 3) == 0);
}

char *gh_inbox_strip_quotes(char *text)
{
    char *o = text, *line = text;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        while (n && line[n - 1] == '\r')
            n--;
        if (quote_starts(line, n, nl ? nl + 1 : NULL))
            break;
        if (line[0] != '>') {
            memmove(o, line, n);
            o += n;
            if (nl)
                *o++ = '\n';    /* never past the end: the last line has none */
        }
        line = nl ? nl + 1 : NULL;
    }
    *o = '\0';
    while (o > text && (o[-1] == '\n' || o[-1] == ' '))
        *--o = '\0';
    return text;
}

/* The LIKE pattern of every notice in the thread root "<rN@HOST>":
 * "<rN.%@HOST>", with HOST's own % and _ escaped. */
static void root_pattern(int64_t n, const char *root, char *like, size_t len)
{
    const char *host = strchr(root, '@') + 1;          /* "HOST>" */
    size_t o = (size_t)snprintf(like, len, "<r%lld.%%@", (long long)n);
    for (const char *c = host; *c && o + 3 < len; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            like[o++] = '\\';
        like[o++] = *c;
    }
    like[o] = '\0';
}

/* Is id (one of ours by its form) a message we sent, or the thread root of
 * one we sent? A made-up "<rN.anything@host>" is neither. */
static int sent_by_us(struct gh_store *st, const char *id, int64_t n, const char *root)
{
    char like[300] = "";
    if (strcasecmp(id, root) == 0)
        root_pattern(n, root, like, sizeof like);
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT 1 FROM outbox WHERE message_id = ?1 OR "
                                           "(?2 <> '' AND message_id LIKE ?2 ESCAPE '\\') "
                                           "LIMIT 1");
    if (!q)
        return 0;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, like, -1, SQLITE_STATIC);
    int found = sqlite3_step(q) == SQLITE_ROW;
    gh_store_done(st, q);
    return found;
}

/* The request a message answers: its tag, else its references; 0 none. */
static int64_t request_of(struct gh_store *st, const struct gh_parsed_mail *m)
{
    for (const char *p = m->subject; (p = strstr(p, "[#")) != NULL; p++) {
        if (p[2] != 'R' && p[2] != 'r')
            continue;
        char *end = NULL;
        long long n = strtoll(p + 3, &end, 10);
        if (n > 0 && end && *end == ']')
            return n;
    }
    const char *lists[] = { m->in_reply_to, m->references };
    for (int i = 0; i < 2; i++) {
        for (const char *p = lists[i]; (p = strchr(p, '<')) != NULL; p++) {
            const char *gt = strchr(p, '>');
            char id[256], root[256];
            if (!gt || (size_t)(gt - p + 1) >= sizeof id)
                break;
            snprintf(id, sizeof id, "%.*s", (int)(gt - p + 1), p);
            int64_t n = gh_mail_thread_of(id, NULL, root, sizeof root);
            if (n > 0 && sent_by_us(st, id, n, root))
                return n;
        }
    }
    return 0;
}

/* A Message-ID for dedupe: the message's own, else a hash of its bytes. */
static void dedupe_id(const struct gh_parsed_mail *m, const char *raw, size_t len,
                      char *out, size_t outlen)
{
    if (m->message_id[0] == '<' && strlen(m->message_id) < outlen) {
        snprintf(out, outlen, "%s", m->message_id);
        return;
    }
    unsigned char h[16];
    char hex[33];
    crypto_generichash(h, sizeof h, (const unsigned char *)raw, len, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, outlen, "<%s@no-message-id>", hex);
}

/* Threads one message: 1 taken (mark it seen), 0 ignored, -1 store error. */
static int take(struct gh_store *st, const char *raw, size_t len, char *why, size_t wlen)
{
    struct gh_parsed_mail m;
    struct gh_account a;
    char msgid[256], actor[64];
    int64_t n = 0;
    int r = 0;
    if (gh_mail_parse(raw, len, &m) != 0) {
        snprintf(why, wlen, "no plain text in the message");
        goto out;
    }
    if ((n = request_of(st, &m)) <= 0) {
        snprintf(why, wlen, "not a reply to a request");
        goto out;
    }
    /* An address, never a phone number or an account id: account_find
     * takes those too, and a From header is anyone's to write. */
    if (gh_ident_check_email(m.from, NULL, 0) != 0 || gh_account_find(st, m.from, &a) != GH_OK) {
        snprintf(why, wlen, "request %lld: from an unknown address", (long long)n);
        goto out;
    }
    snprintf(actor, sizeof actor, "email:%lld", (long long)a.id);
    dedupe_id(&m, raw, len, msgid, sizeof msgid);
    enum gh_status s = gh_request_reply(st, actor, a.id, n, gh_inbox_strip_quotes(m.text),
                                        "email", msgid, NULL);
    if (s == GH_OK || s == GH_E_EXISTS)
        r = 1;
    else if (s == GH_E_STORE || s == GH_E_NOMEM || s == GH_E_TRANSIENT)
        r = -1;
    else
        snprintf(why, wlen, "request %lld: from account %lld: %s", (long long)n,
                 (long long)a.id, gh_store_errmsg(st));
out:
    gh_mail_parsed_free(&m);
    return r;
}

static int was_ignored(const struct gh_inbox *in, uint64_t uid)
{
    for (size_t i = 0; i < in->n_ignored; i++)
        if (in->ignored[i] == uid)
            return 1;
    return 0;
}

static void ignore(struct gh_inbox *in, struct gh_store *st, uint64_t uid, const char *why)
{
    char target[48];
    if (in->n_ignored < MAX_IGNORED)
        in->ignored[in->n_ignored++] = uid;
    snprintf(target, sizeof target, "mailbox uid %llu", (unsigned long long)uid);
    gh_audit_append(st, "inbox", "inbox.ignored", target, GH_OUTCOME_REFUSED, why);
}

enum gh_status gh_inbox_new(const struct gh_config *cfg, struct gh_inbox **out,
                            char *err, size_t errlen)
{
    struct gh_imap_config ic;
    *out = NULL;
    enum gh_status s = gh_imap_config_read(cfg, &ic, err, errlen);
    if (s == GH_OK && !ic.url[0]) {
        snprintf(err, errlen, "%s", _("no replies mailbox configured ([mail] imap)"));
        s = GH_E_UNAVAILABLE;
    }
    struct gh_inbox *in = s == GH_OK ? calloc(1, sizeof *in) : NULL;
    if (s == GH_OK && !in) {
        snprintf(err, errlen, "out of memory");
        s = GH_E_NOMEM;
    }
    if (s == GH_OK && (s = gh_imap_new(cfg, &ic, &in->imap, err, errlen)) == GH_OK) {
        in->poll_s = ic.poll_s;
        *out = in;
    } else {
        free(in);
    }
    sodium_memzero(ic.password, sizeof ic.password);
    return s;
}

int gh_inbox_poll_s(const struct gh_inbox *in)
{
    return in && in->poll_s > 0 ? in->poll_s : 60;
}

void gh_inbox_free(struct gh_inbox *in)
{
    if (!in)
        return;
    gh_imap_free(in->imap);
    free(in);
}

/* One message; GH_OK or a store failure. A mailbox failure stops the poll
 * with *stop and leaves the problem in out. */
static enum gh_status one(struct gh_inbox *in, struct gh_store *st, uint64_t uid,
                          struct gh_inbox_result *out, int *stop)
{
    char *raw = NULL, why[700];
    size_t len = 0;
    enum gh_status s = gh_imap_fetch(in->imap, uid, &raw, &len);
    if (s == GH_E_INVALID) {
        ignore(in, st, uid, gh_imap_problem(in->imap, NULL));
        out->ignored++;
        return GH_OK;
    }
    if (s != GH_OK) {
        *stop = 1;
        return GH_OK;
    }
    why[0] = '\0';
    int r = take(st, raw, len, why, sizeof why);
    free(raw);
    if (r < 0)
        return gh_store_fail(st, GH_E_STORE, "inbox: %s", gh_store_errmsg(st));
    if (r == 0) {
        ignore(in, st, uid, why);
        out->ignored++;
        return GH_OK;
    }
    out->threaded++;
    if (gh_imap_mark_seen(in->imap, uid) != GH_OK)
        *stop = 1;              /* fetched again next time; threaded once */
    return GH_OK;
}

enum gh_status gh_inbox_poll(struct gh_inbox *in, struct gh_store *st,
                             struct gh_inbox_result *out)
{
    uint64_t *uids = NULL;
    size_t n = 0;
    int stop = 0;
    memset(out, 0, sizeof *out);
    enum gh_status s = gh_imap_unseen(in->imap, &uids, &n);
    if (s == GH_OK) {
        out->unseen = (int)n;
        for (size_t i = 0; i < n && !stop && s == GH_OK; i++) {
            if (was_ignored(in, uids[i]))
                out->ignored++;
            else
                s = one(in, st, uids[i], out, &stop);
        }
    } else if (s != GH_E_NOMEM) {
        stop = 1;
        s = GH_OK;
    }
    free(uids);
    if (stop)
        snprintf(out->problem, sizeof out->problem, "%s",
                 gh_imap_problem(in->imap, &out->problem_code));
    return s;
}

enum gh_status gh_inbox_fetch(struct gh_store *st, const struct gh_config *cfg,
                              struct gh_inbox_result *out)
{
    struct gh_inbox *in = NULL;
    char err[512];
    memset(out, 0, sizeof *out);
    enum gh_status s = gh_inbox_new(cfg, &in, err, sizeof err);
    if (s != GH_OK)
        return gh_store_fail(st, s, "%s", err);
    s = gh_inbox_poll(in, st, out);
    gh_inbox_free(in);
    return s;
}
