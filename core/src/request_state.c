/*
 * request_state.c: the thread and the state of a request (request.h):
 * replies, resolving and reopening.
 *
 * open -> answered when staff reply; back to open when an occupant replies
 * (the ball is with the building again); resolved by staff or by the person
 * who filed it. Only that person reopens, and only within 14 days of the
 * resolution: after that a new request is the clearer record. An occupant's
 * reply to a resolved request is a reopen and follows the same rule (that is
 * what answering a "resolved" email does). Staff replying to a resolved
 * request add to the thread and leave it resolved.
 *
 * Who hears of it: the filer of anything someone else did; staff with
 * `requests` of what occupants did (a reply, a reopen). Group members who
 * see the request are not mailed: the filer is the one who asked.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "request_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"

#include <stdio.h>
#include <string.h>

#define REOPEN_MS ((int64_t)GH_REQUEST_REOPEN_DAYS * 24 * 3600 * 1000)

static void target_of(int64_t id, char *buf, size_t len)
{
    snprintf(buf, len, "request:%lld", (long long)id);
}

/* The name in a notice: the account's name or email; "the building". */
static const char *by_name(const struct gh_req_viewer *v)
{
    if (v->id == 0)
        return _("the building");
    return v->a.name[0] ? v->a.name : v->a.email;
}

/* Loads the viewer and the request; refusals to see are logged. */
static enum gh_status open_for(struct gh_store *st, const char *actor, const char *action,
                               int64_t who, int64_t id, struct gh_req_viewer *v,
                               struct gh_request *r)
{
    char target[64];
    target_of(id, target, sizeof target);
    enum gh_status s = gh_request_viewer(st, who, v);
    if (s == GH_OK)
        s = gh_request_load(st, v, id, r);
    if (s == GH_E_REFUSED || s == GH_E_NOTFOUND)
        return gh_rules_refuse(st, 0, actor, action, target, s, "%s", gh_store_errmsg(st));
    return s;
}

/* May a resolved request be reopened by v now? GH_OK, or the refusal. */
static enum gh_status reopen_rule(struct gh_store *st, const char *actor, const char *action,
                                  const struct gh_req_viewer *v, const struct gh_request *r)
{
    char target[64];
    target_of(r->id, target, sizeof target);
    if (v->staff || v->id != r->account_id)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_REFUSED, "%s",
                               _("only the person who filed a resolved request can reopen "
                                 "it"));
    if (gh_clock_now_ms() - r->resolved_at > REOPEN_MS)
        return gh_rules_refuse(st, 0, actor, action, target, GH_E_REFUSED,
                               _("this request was resolved more than %d days ago; please "
                                 "file a new request"), GH_REQUEST_REOPEN_DAYS);
    return GH_OK;
}

/* The request as it is now (state, last reply), for its notices. */
static enum gh_status reread(struct gh_store *st, int64_t id, struct gh_request *r)
{
    struct gh_req_viewer all = { .staff = 1 };
    return gh_request_load(st, &all, id, r);
}

static enum gh_status set_state(struct gh_store *st, int64_t id, enum gh_request_state to)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "UPDATE requests SET state = ?2, updated_at = ?3, "
        "resolved_at = CASE WHEN ?2 = 'resolved' THEN COALESCE(resolved_at, ?3) END "
        "WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("changing the request"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, gh_request_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    return rc == SQLITE_DONE ? GH_OK : gh_store_sqlfail(st, _("changing the request"));
}

static enum gh_status insert_reply(struct gh_store *st, int64_t id, int64_t who,
                                   const char *text, const char *via, const char *msgid,
                                   int64_t *reply_id)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO request_replies (request_id, author_id, at, body, via, message_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!q)
        return gh_store_sqlfail(st, _("adding the reply"));
    sqlite3_bind_int64(q, 1, id);
    if (who)
        sqlite3_bind_int64(q, 2, who);
    else
        sqlite3_bind_null(q, 2);
    sqlite3_bind_int64(q, 3, gh_clock_now_ms());
    sqlite3_bind_text(q, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, via, -1, SQLITE_STATIC);
    if (msgid && *msgid)
        sqlite3_bind_text(q, 6, msgid, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 6);
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE) {
        enum gh_status s = gh_store_sqlfail(st, _("adding the reply"));
        if (s == GH_E_EXISTS)
            gh_store_fail(st, s, "%s", _("this email is already in the thread"));
        return s;
    }
    if (reply_id)
        *reply_id = sqlite3_last_insert_rowid(gh_store_db(st));
    return GH_OK;
}

/* The reply's effects in the open transaction: state, log, notices. */
static enum gh_status after_reply(struct gh_store *st, const char *actor,
                                  const struct gh_req_viewer *v, const struct gh_request *r,
                                  const char *text, const char *via)
{
    char target[64];
    int filer = !v->staff && v->id == r->account_id;
    enum gh_request_state to = v->staff ? (r->state == GH_REQUEST_RESOLVED
                                               ? GH_REQUEST_RESOLVED : GH_REQUEST_ANSWERED)
                                        : GH_REQUEST_OPEN;
    target_of(r->id, target, sizeof target);
    enum gh_status s = set_state(st, r->id, to);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "request.reply", target, GH_OUTCOME_OK,
                             "by %s %lld via %s%s", v->staff ? "staff" : "occupant",
                             (long long)v->id, via,
                             r->state == GH_REQUEST_RESOLVED && !v->staff ? "; reopened"
                                                                          : "");
    struct gh_request now;
    if (s == GH_OK)
        s = reread(st, r->id, &now);
    if (s == GH_OK && !v->staff)
        s = gh_request_mail_staff(st, &now, "request_update", text);
    if (s == GH_OK && !filer)
        s = gh_request_mail_filer(st, &now, "request_reply", by_name(v), text);
    return s;
}

enum gh_status gh_request_reply(struct gh_store *st, const char *actor, int64_t who,
                                int64_t id, const char *text, const char *via,
                                const char *message_id, int64_t *reply_id)
{
    struct gh_req_viewer v;
    struct gh_request r;
    char body[GH_REQUEST_TEXT_BUF], err[512];
    if (!via || (strcmp(via, "kiosk") && strcmp(via, "cli") && strcmp(via, "email")))
        return gh_store_fail(st, GH_E_INVALID, "%s", _("via: kiosk, cli or email"));
    enum gh_status s = open_for(st, actor, "request.reply", who, id, &v, &r);
    if (s != GH_OK)
        return s;
    if (gh_request_check_text(_("text"), text, body, sizeof body, err, sizeof err))
        return gh_store_fail(st, GH_E_INVALID, "%s", err);
    if (!v.staff && r.state == GH_REQUEST_RESOLVED &&
        (s = reopen_rule(st, actor, "request.reply", &v, &r)) != GH_OK)
        return s;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = insert_reply(st, id, v.id, body, via, message_id, reply_id);
    if (s == GH_OK)
        s = after_reply(st, actor, &v, &r, body, via);
    if (s != GH_OK) {
        char keep[GH_STORE_ERRMSG_LEN];
        snprintf(keep, sizeof keep, "%s", gh_store_errmsg(st));
        gh_store_rollback(st);
        return gh_store_fail(st, s, "%s", keep);
    }
    return gh_store_commit(st);
}

enum gh_status gh_request_resolve(struct gh_store *st, const char *actor, int64_t who,
                                  int64_t id)
{
    struct gh_req_viewer v;
    struct gh_request r;
    char target[64];
    target_of(id, target, sizeof target);
    enum gh_status s = open_for(st, actor, "request.resolve", who, id, &v, &r);
    if (s != GH_OK)
        return s;
    int filer = !v.staff && v.id == r.account_id;
    if (!v.staff && !filer)
        return gh_rules_refuse(st, 0, actor, "request.resolve", target, GH_E_REFUSED, "%s",
                               _("only the person who filed a request, or the staff, can "
                                 "resolve it"));
    if (r.state == GH_REQUEST_RESOLVED)
        return gh_rules_refuse(st, 0, actor, "request.resolve", target, GH_E_REFUSED, "%s",
                               _("this request is already resolved"));
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = set_state(st, id, GH_REQUEST_RESOLVED);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "request.resolved", target, GH_OUTCOME_OK,
                             "by %s %lld", v.staff ? "staff" : "occupant", (long long)v.id);
    if (s == GH_OK)
        s = reread(st, id, &r);
    if (s == GH_OK && !filer)
        s = gh_request_mail_filer(st, &r, "request_state", by_name(&v), NULL);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}

enum gh_status gh_request_reopen(struct gh_store *st, const char *actor, int64_t who,
                                 int64_t id)
{
    struct gh_req_viewer v;
    struct gh_request r;
    char target[64];
    target_of(id, target, sizeof target);
    enum gh_status s = open_for(st, actor, "request.reopen", who, id, &v, &r);
    if (s != GH_OK)
        return s;
    if (r.state != GH_REQUEST_RESOLVED)
        return gh_rules_refuse(st, 0, actor, "request.reopen", target, GH_E_REFUSED, "%s",
                               _("this request is not resolved, so it is still open"));
    if ((s = reopen_rule(st, actor, "request.reopen", &v, &r)) != GH_OK)
        return s;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = set_state(st, id, GH_REQUEST_OPEN);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "request.reopened", target, GH_OUTCOME_OK,
                             "by occupant %lld", (long long)v.id);
    if (s == GH_OK)
        s = reread(st, id, &r);
    if (s == GH_OK)
        s = gh_request_mail_staff(st, &r, "request_update", _("(reopened)"));
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    return gh_store_commit(st);
}

int gh_request_may_reply(struct gh_store *st, int64_t who, int64_t id)
{
    struct gh_req_viewer v;
    struct gh_request r;
    return gh_request_viewer(st, who, &v) == GH_OK && gh_request_load(st, &v, id, &r) == GH_OK;
}
