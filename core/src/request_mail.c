/*
 * request_mail.c: the emails about requests (SPEC "Requests": a new request
 * notifies staff with `requests`; a reply or a state change notifies the
 * person who filed it).
 *
 * Each notice's subject starts with the request's tag "[#R<n>]", and its
 * Message-ID is "<r<n>.<random>.<time>@<kiosk>.gatehouse.local>": the
 * mailer (mail_thread.c) turns that into In-Reply-To and References naming
 * the request's thread root "<r<n>@<kiosk>.gatehouse.local>", so a mail
 * program shows every notice of one request as one conversation, and a
 * reply to any of them names the request twice over (tag and references;
 * inbox.c reads either).
 *
 * The outbox composes from templates whose values must be single lines (a
 * value can end up in a header). A request's text has lines, so the
 * template gets a marker for it and the text replaces the marker in the
 * stored body, in the same transaction; the Message-ID gets its r<n> prefix
 * the same way. Both happen before anything could send the message.
 */
#include "store_internal.h"
#include "request_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/outbox.h"
#include "gatehouse/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MARK "@@gatehouse-request-text@@"

/* Puts the text in place of the marker and the request into the
 * Message-ID of outbox message mid. */
static enum gh_status finish(struct gh_store *st, int64_t mid, int64_t id, const char *text)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "<r%lld.", (long long)id);
    sqlite3_stmt *q = gh_store_prepare(st,
        "UPDATE outbox SET body = replace(body, ?2, ?3), "
        "message_id = ?4 || substr(message_id, 2) WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("queueing the email"));
    sqlite3_bind_int64(q, 1, mid);
    sqlite3_bind_text(q, 2, TEXT_MARK, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, prefix, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("queueing the email"));
}

struct notice {
    const struct gh_request *r;
    const char *kind, *who, *text;
    char id[24], kiosk[256];
};

/* "open", "answered", "resolved" as the person reads them. */
static const char *state_words(enum gh_request_state s)
{
    switch (s) {
    case GH_REQUEST_OPEN: return _("open");
    case GH_REQUEST_ANSWERED: return _("answered");
    case GH_REQUEST_RESOLVED: return _("resolved");
    }
    return "?";
}

/* lang: the recipient's (the filer's own, or the kiosk's first for staff);
 * the words among the values are picked in it too. */
static enum gh_status send_one(struct gh_store *st, const struct notice *n, int64_t account,
                               const char *to, const char *to_name, const char *lang)
{
    struct gh_i18n_prev prev;
    gh_i18n_push(lang, &prev);
    const char *vars[] = {
        "id", n->id,
        "subject", n->r->subject,
        "location", n->r->location_id ? n->r->location : _("General"),
        "who", n->who,
        "name", n->r->filer,
        "staff_name", to_name[0] ? to_name : _("there"),
        "state", state_words(n->r->state),
        "kiosk", n->kiosk,
        "text", TEXT_MARK,
        NULL, NULL
    };
    int64_t mid = 0;
    enum gh_status s = gh_outbox_compose_in(st, lang, n->kind, account, to, to_name, vars,
                                            &mid);
    gh_i18n_pop(&prev);
    return s == GH_OK ? finish(st, mid, n->r->id, n->text) : s;
}

static void prepare(struct gh_store *st, const struct gh_request *r, struct notice *n)
{
    n->r = r;
    snprintf(n->id, sizeof n->id, "%lld", (long long)r->id);
    gh_store_copy(n->kiosk, sizeof n->kiosk, gh_settings_get(st, GH_SETTING_KIOSK_NAME));
}

enum gh_status gh_request_mail_staff(struct gh_store *st, const struct gh_request *r,
                                     const char *kind, const char *text)
{
    struct notice n = { .kind = kind, .who = r->filer, .text = text ? text : r->text };
    struct gh_staff_ref *to = NULL;
    size_t count = 0;
    prepare(st, r, &n);
    enum gh_status s = gh_staff_with_perms(st, GH_PERM_REQUESTS | GH_PERM_ADMIN, &to, &count);
    for (size_t i = 0; s == GH_OK && i < count; i++)
        s = send_one(st, &n, to[i].id, to[i].email, to[i].name, gh_languages_pick(NULL));
    free(to);
    return s;
}

enum gh_status gh_request_mail_filer(struct gh_store *st, const struct gh_request *r,
                                     const char *kind, const char *by, const char *text)
{
    struct notice n = { .kind = kind, .who = by, .text = text ? text : "" };
    prepare(st, r, &n);
    /* The stored name may be the email when there is no name: the greeting
     * then says the address, which is still right. */
    char lang[GH_I18N_LANG_MAX];
    gh_account_mail_lang(st, r->account_id, lang, sizeof lang);
    return send_one(st, &n, r->account_id, r->filer_email, r->filer, lang);
}
