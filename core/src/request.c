/*
 * request.c: requests and who may file, see and answer them (request.h;
 * SPEC "Requests", seed 000).
 *
 * Every function first works out who is asking (struct viewer): the
 * building itself (who = 0, gatehousectl), a staff member (who needs
 * `requests` or `admin`), or an occupant (active; their group counts only
 * while it is live). Visibility is then one rule in SQL, used for lists and
 * single requests alike, so a list can never show what `show` would refuse:
 * the building and staff see all, an occupant the requests filed by
 * themselves or by anyone now in their live group.
 *
 * Filing follows the occupant's state and location access: the same reading
 * of access as the unlock decision (all; the live group's locations or all;
 * the specific locations; each including everything below it), but for any
 * location, not only doors. A pending occupant may file "General" only;
 * that is how a sign-up can ask something before anyone approved it.
 *
 * The mail each change causes is composed in request_mail.c, inside the
 * same transaction, so a request never exists without its notices.
 */
#include "store_internal.h"
#include "rules_internal.h"
#include "request_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/group.h"
#include "gatehouse/i18n.h"
#include "gatehouse/location.h"
#include "gatehouse/request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DAY_MS (24LL * 3600 * 1000)

static const char *const state_names[] = { "open", "answered", "resolved" };

const char *gh_request_state_name(enum gh_request_state s)
{
    return (unsigned)s < 3 ? state_names[s] : "?";
}

int gh_request_state_parse(const char *s, enum gh_request_state *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcasecmp(s, state_names[i]) == 0) {
            *out = (enum gh_request_state)i;
            return 0;
        }
    return -1;
}

static void target_of(int64_t id, char *buf, size_t len)
{
    snprintf(buf, len, "request:%lld", (long long)id);
}

/* ---- who is asking ---------------------------------------------------------- */

enum gh_status gh_request_viewer(struct gh_store *st, int64_t who, struct gh_req_viewer *v)
{
    memset(v, 0, sizeof *v);
    v->id = who;
    if (who == 0) {
        v->staff = 1;
        return GH_OK;
    }
    enum gh_status s = gh_account_get(st, who, &v->a);
    if (s != GH_OK)
        return s;
    if (v->a.kind == GH_KIND_STAFF) {
        v->staff = 1;
        if (v->a.state != GH_STATE_ACTIVE)
            return gh_store_fail(st, GH_E_REFUSED, "%s", _("this staff account is not active"));
        if (!gh_perms_has(v->a.perms, GH_PERM_REQUESTS))
            return gh_store_fail(st, GH_E_REFUSED, "%s",
                                 _("requests: this staff account needs the requests "
                                   "permission"));
        return GH_OK;
    }
    switch (v->a.state) {
    case GH_STATE_ACTIVE: break;
    case GH_STATE_PENDING:
        return gh_store_fail(st, GH_E_REFUSED, "%s",
                             _("your account is waiting for approval: you can file a new "
                               "General request, but can't see or manage requests until it "
                               "is approved"));
    case GH_STATE_INACTIVE:
        return gh_store_fail(st, GH_E_REFUSED, "%s",
                             _("this account is not active, so it has no requests to see; "
                               "please ask the staff"));
    case GH_STATE_BLOCKED:
        return gh_store_fail(st, GH_E_REFUSED, "%s",
                             _("this account is blocked; please ask the staff"));
    case GH_STATE_REMOVED:
        return gh_store_fail(st, GH_E_REFUSED, "%s", _("this person was removed"));
    }
    if (v->a.group_id) {
        struct gh_group g;
        s = gh_group_get(st, v->a.group_id, &g);
        if (s == GH_OK && !g.archived)
            v->group = g.id;
        else if (s != GH_OK && s != GH_E_NOTFOUND)
            return s;
    }
    return GH_OK;
}

/* ---- reading ------------------------------------------------------------------ */

#define REQ_COLS \
    "SELECT r.id, r.account_id, a.name, a.email, COALESCE(r.location_id, 0), " \
    "COALESCE(l.name, ''), r.subject, r.body, r.state, r.created_at, r.updated_at, " \
    "COALESCE(r.resolved_at, 0), " \
    "(SELECT COUNT(*) FROM request_replies c WHERE c.request_id = r.id), " \
    "COALESCE(lr.at, 0), COALESCE(NULLIF(la.name, ''), la.email, ''), COALESCE(lr.body, ''), " \
    "CASE WHEN lr.id IS NULL THEN 0 WHEN la.id IS NULL THEN 1 ELSE la.kind = 'staff' END "
#define REQ_FROM \
    "FROM requests r JOIN accounts a ON a.id = r.account_id " \
    "LEFT JOIN locations l ON l.id = r.location_id " \
    "LEFT JOIN request_replies lr ON lr.id = (SELECT y.id FROM request_replies y " \
    "  WHERE y.request_id = r.id ORDER BY y.at DESC, y.id DESC LIMIT 1) " \
    "LEFT JOIN accounts la ON la.id = lr.author_id "
/* ?1 viewer (0: all), ?2 the viewer's live group (0: none) */
#define REQ_VISIBLE "(?1 = 0 OR r.account_id = ?1 OR (?2 > 0 AND a.group_id = ?2))"

static void row_to_request(sqlite3_stmt *q, struct gh_request *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    r->account_id = sqlite3_column_int64(q, 1);
    const char *name = gh_store_col_text(q, 2);
    gh_store_copy(r->filer_email, sizeof r->filer_email, gh_store_col_text(q, 3));
    gh_store_copy(r->filer, sizeof r->filer, name[0] ? name : r->filer_email);
    r->location_id = sqlite3_column_int64(q, 4);
    gh_store_copy(r->location, sizeof r->location, gh_store_col_text(q, 5));
    gh_store_copy(r->subject, sizeof r->subject, gh_store_col_text(q, 6));
    gh_store_copy(r->text, sizeof r->text, gh_store_col_text(q, 7));
    enum gh_request_state s = GH_REQUEST_OPEN;
    gh_request_state_parse(gh_store_col_text(q, 8), &s);
    r->state = s;
    r->created_at = sqlite3_column_int64(q, 9);
    r->updated_at = sqlite3_column_int64(q, 10);
    r->resolved_at = sqlite3_column_int64(q, 11);
    r->replies = sqlite3_column_int64(q, 12);
    r->last_at = sqlite3_column_int64(q, 13);
    gh_store_copy(r->last_by, sizeof r->last_by, gh_store_col_text(q, 14));
    gh_store_copy(r->last_text, sizeof r->last_text, gh_store_col_text(q, 15));
    r->last_by_staff = sqlite3_column_int(q, 16);
}

/* The request as the viewer may see it; GH_E_NOTFOUND also when hidden. */
enum gh_status gh_request_load(struct gh_store *st, const struct gh_req_viewer *v, int64_t id,
                               struct gh_request *out)
{
    sqlite3_stmt *q = gh_store_prepare(st, REQ_COLS REQ_FROM
                                           "WHERE r.id = ?3 AND " REQ_VISIBLE);
    if (!q)
        return gh_store_sqlfail(st, _("reading the request"));
    sqlite3_bind_int64(q, 1, v->staff ? 0 : v->id);
    sqlite3_bind_int64(q, 2, v->group);
    sqlite3_bind_int64(q, 3, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        row_to_request(q, out);
    gh_store_done(st, q);
    if (rc == SQLITE_DONE)
        return gh_store_fail(st, GH_E_NOTFOUND, _("request: no request #%lld that you may see"),
                             (long long)id);
    if (rc != SQLITE_ROW)
        return gh_store_sqlfail(st, _("reading the request"));
    return GH_OK;
}

enum gh_status gh_request_get(struct gh_store *st, int64_t who, int64_t id,
                              struct gh_request *out)
{
    struct gh_req_viewer v;
    enum gh_status s = gh_request_viewer(st, who, &v);
    return s != GH_OK ? s : gh_request_load(st, &v, id, out);
}

/* The location filter: -1 General, 0 any, else that location's id. */
static enum gh_status location_filter(struct gh_store *st, const char *name, int64_t *out)
{
    struct gh_location l;
    *out = 0;
    if (!name || !*name)
        return GH_OK;
    if (strcasecmp(name, "General") == 0 || strcasecmp(name, _("General")) == 0) {
        *out = -1;
        return GH_OK;
    }
    enum gh_status s = gh_location_find(st, name, &l);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, _("location: no location named \"%s\""), name);
    if (s == GH_OK)
        *out = l.id;
    return s;
}

/* ?3 state ('' any), ?4 location (0 any, -1 General, else within it) */
#define REQ_FILTER \
    "WHERE " REQ_VISIBLE " AND (?3 = '' OR r.state = ?3) AND (?4 = 0 " \
    "OR (?4 = -1 AND r.location_id IS NULL) OR r.location_id IN (WITH RECURSIVE " \
    "down(id) AS (SELECT ?4 UNION SELECT c.id FROM locations c JOIN down ON " \
    "c.parent_id = down.id) SELECT id FROM down)) "

static void bind_filter(sqlite3_stmt *q, const struct gh_req_viewer *v, int state, int64_t loc)
{
    sqlite3_bind_int64(q, 1, v->staff ? 0 : v->id);
    sqlite3_bind_int64(q, 2, v->group);
    sqlite3_bind_text(q, 3, state >= 0 ? gh_request_state_name(state) : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, loc);
}

static enum gh_status count_matching(struct gh_store *st, const struct gh_req_viewer *v,
                                     int state, int64_t loc, int64_t *total)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT COUNT(*) FROM requests r JOIN accounts a "
                                           "ON a.id = r.account_id " REQ_FILTER);
    if (!q)
        return gh_store_sqlfail(st, _("counting requests"));
    bind_filter(q, v, state, loc);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *total = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    return rc == SQLITE_ROW ? GH_OK : gh_store_sqlfail(st, _("counting requests"));
}

enum gh_status gh_request_list(struct gh_store *st, const struct gh_request_query *qy,
                               gh_request_fn fn, void *ud, int64_t *total)
{
    struct gh_req_viewer v;
    int64_t loc = 0;
    enum gh_status s = gh_request_viewer(st, qy->who, &v);
    if (s == GH_OK)
        s = location_filter(st, qy->location, &loc);
    if (s == GH_OK && total)
        s = count_matching(st, &v, qy->state, loc, total);
    if (s != GH_OK)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st, REQ_COLS REQ_FROM REQ_FILTER
        "ORDER BY CASE r.state WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, "
        "CASE WHEN ?5 THEN r.created_at ELSE -r.updated_at END, r.id LIMIT ?6 OFFSET ?7");
    if (!q)
        return gh_store_sqlfail(st, _("listing requests"));
    bind_filter(q, &v, qy->state, loc);
    sqlite3_bind_int(q, 5, qy->queue);
    sqlite3_bind_int(q, 6, qy->limit > 0 ? qy->limit : -1);
    sqlite3_bind_int(q, 7, qy->offset > 0 ? qy->offset : 0);
    int rc;
    struct gh_request r;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row_to_request(q, &r);
        if (fn && fn(ud, &r))
            break;
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("listing requests"));
    return GH_OK;
}

enum gh_status gh_request_thread(struct gh_store *st, int64_t who, int64_t id,
                                 gh_request_reply_fn fn, void *ud)
{
    struct gh_req_viewer v;
    struct gh_request r;
    enum gh_status s = gh_request_viewer(st, who, &v);
    if (s == GH_OK)
        s = gh_request_load(st, &v, id, &r);
    if (s != GH_OK)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT x.id, x.author_id, COALESCE(NULLIF(a.name, ''), a.email, ''), "
        "COALESCE(a.kind, 'staff') = 'staff', x.at, x.via, x.body FROM request_replies x "
        "LEFT JOIN accounts a ON a.id = x.author_id WHERE x.request_id = ?1 "
        "ORDER BY x.at, x.id");
    if (!q)
        return gh_store_sqlfail(st, _("reading the thread"));
    sqlite3_bind_int64(q, 1, id);
    int rc;
    struct gh_request_entry x;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&x, 0, sizeof x);
        x.id = sqlite3_column_int64(q, 0);
        x.request_id = id;
        x.author_id = sqlite3_column_int64(q, 1);
        gh_store_copy(x.author, sizeof x.author, gh_store_col_text(q, 2));
        x.by_staff = sqlite3_column_int(q, 3);
        x.at = sqlite3_column_int64(q, 4);
        gh_store_copy(x.via, sizeof x.via, gh_store_col_text(q, 5));
        gh_store_copy(x.text, sizeof x.text, gh_store_col_text(q, 6));
        if (fn && fn(ud, &x))
            break;
    }
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("reading the thread"));
    return GH_OK;
}

int64_t gh_request_count(struct gh_store *st, int state)
{
    struct gh_req_viewer all = { .staff = 1 };
    int64_t n = 0;
    if (count_matching(st, &all, state, 0, &n) != GH_OK)
        return -1;
    return n;
}

/* ---- location access --------------------------------------------------------- */

/* Is loc at or below a location listed for owner (a group or an account)? */
static enum gh_status listed_above(struct gh_store *st, int group, int64_t owner,
                                   int64_t loc, int *in)
{
    sqlite3_stmt *q = gh_store_prepare(
        st, group ? "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT l.parent_id"
                    " FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)"
                    " SELECT 1 FROM up JOIN group_locations x ON x.location_id = up.id"
                    " WHERE x.group_id = ?2 LIMIT 1"
                  : "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT l.parent_id"
                    " FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)"
                    " SELECT 1 FROM up JOIN account_locations x ON x.location_id = up.id"
                    " WHERE x.account_id = ?2 LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("checking location access"));
    sqlite3_bind_int64(q, 1, loc);
    sqlite3_bind_int64(q, 2, owner);
    int rc = sqlite3_step(q);
    *in = rc == SQLITE_ROW;
    gh_store_done(st, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("checking location access"));
    return GH_OK;
}

/* May active occupant a file for location loc (inside their access)? */
static enum gh_status within_access(struct gh_store *st, const struct gh_account *a,
                                    int64_t loc, int *in)
{
    struct gh_group g;
    enum gh_status s;
    *in = 0;
    switch (a->access) {
    case GH_ACCESS_ALL:
        *in = 1;
        return GH_OK;
    case GH_ACCESS_SPECIFIC:
        return listed_above(st, 0, a->id, loc, in);
    case GH_ACCESS_GROUP:
        if (!a->group_id)
            return GH_OK;
        s = gh_group_get(st, a->group_id, &g);
        if (s == GH_E_NOTFOUND || (s == GH_OK && g.archived))
            return GH_OK;
        if (s != GH_OK)
            return s;
        if (g.all_locations) {
            *in = 1;
            return GH_OK;
        }
        return listed_above(st, 1, g.id, loc, in);
    case GH_ACCESS_NONE:
        break;
    }
    return GH_OK;
}

struct pick {
    struct gh_store *st;
    const struct gh_account *a;
    int (*fn)(void *ud, int64_t id, const char *name, int depth);
    void *ud;
    enum gh_status s;
    int stop;
    int64_t *ids;
    size_t n, cap;
};

static int collect_location(void *ud, const struct gh_location *l)
{
    struct pick *p = ud;
    int in = 0;
    p->s = within_access(p->st, p->a, l->id, &in);
    if (p->s != GH_OK)
        return 1;
    if (in && p->fn(p->ud, l->id, l->name, l->depth)) {
        p->stop = 1;
        return 1;
    }
    return 0;
}

enum gh_status gh_request_locations(struct gh_store *st, int64_t who,
                                    int (*fn)(void *ud, int64_t id, const char *name,
                                              int depth),
                                    void *ud)
{
    struct gh_account a;
    enum gh_status s = gh_account_get(st, who, &a);
    if (s != GH_OK)
        return s;
    if (a.kind != GH_KIND_OCCUPANT || a.state != GH_STATE_ACTIVE)
        return GH_OK;           /* General only */
    struct pick p = { .st = st, .a = &a, .fn = fn, .ud = ud };
    s = gh_location_list(st, collect_location, &p);
    return s != GH_OK ? s : p.s;
}

/* ---- filing ------------------------------------------------------------------- */

/* The text of a request or reply: lines of text (no other control
 * characters, nothing invisible), 1 to 2,000 characters, trimmed. */
int gh_request_check_text(const char *field, const char *in, char *out, size_t outlen,
                          char *err, size_t errlen)
{
    size_t o = 0, chars = 0;
    const char *p = in ? in : "";
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    for (; *p && o + 1 < outlen; p++) {
        if (*p == '\r')
            continue;         /* CRLF from mail and Windows: LF only */
        out[o++] = *p == '\t' ? ' ' : *p;
        if (((unsigned char)*p & 0xC0) != 0x80)
            chars++;
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\n'))
        o--;
    out[o] = '\0';
    if (*p || chars > GH_REQUEST_TEXT_MAX) {
        snprintf(err, errlen, _("%s: at most %d characters"), field, GH_REQUEST_TEXT_MAX);
        return -1;
    }
    if (o == 0) {
        snprintf(err, errlen, _("%s: please write something"), field);
        return -1;
    }
    for (char *line = out; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        int bad = gh_ident_check_text(field, line, GH_REQUEST_TEXT_MAX, err, errlen);
        if (nl)
            *nl = '\n';
        if (bad)
            return -1;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static enum gh_status check_new(struct gh_store *st, const struct gh_request_new *in,
                                char *subject, char *text)
{
    char err[512];
    if (gh_ident_trim(in->subject, subject, GH_REQUEST_SUBJECT_BUF) != 0 ||
        gh_ident_check_text(_("subject"), subject, GH_REQUEST_SUBJECT_MAX, err, sizeof err))
        return gh_store_fail(st, GH_E_INVALID, _("subject: at most %d characters on one line"),
                             GH_REQUEST_SUBJECT_MAX);
    if (!subject[0])
        return gh_store_fail(st, GH_E_INVALID, "%s", _("subject: a subject is required"));
    if (gh_request_check_text(_("text"), in->text, text, GH_REQUEST_TEXT_BUF, err,
                              sizeof err))
        return gh_store_fail(st, GH_E_INVALID, "%s", err);
    return GH_OK;
}

/* The filing rule for account a and location loc (0 General); refusals
 * are logged. */
static enum gh_status may_file(struct gh_store *st, const char *actor,
                               const struct gh_account *a, const struct gh_location *loc)
{
    char target[128];
    int in = 0;
    gh_rules_account_target(st, a->id, target, sizeof target);
    if (a->kind != GH_KIND_OCCUPANT)
        return gh_rules_refuse(st, 0, actor, "request.file", target, GH_E_REFUSED, "%s",
                               _("requests are filed by occupants, not staff accounts"));
    if (a->state == GH_STATE_INACTIVE || a->state == GH_STATE_BLOCKED)
        return gh_rules_refuse(st, 0, actor, "request.file", target, GH_E_REFUSED, "%s",
                               a->state == GH_STATE_BLOCKED
                                   ? _("this account is blocked, so it can't file requests; "
                                       "please ask the staff")
                                   : _("this account is not active, so it can't file "
                                       "requests; please ask the staff"));
    if (!loc)
        return GH_OK;
    if (a->state == GH_STATE_PENDING)
        return gh_rules_refuse(st, 0, actor, "request.file", target, GH_E_REFUSED, "%s",
                               _("location: while your account waits for approval you can "
                                 "file General requests only"));
    enum gh_status s = within_access(st, a, loc->id, &in);
    if (s != GH_OK)
        return s;
    if (!in)
        return gh_rules_refuse(st, 0, actor, "request.file", target, GH_E_REFUSED,
                               _("location: %s is outside your access; choose one of your "
                                 "locations or General"), loc->name);
    return GH_OK;
}

static enum gh_status insert_request(struct gh_store *st, int64_t who, int64_t loc,
                                     const char *subject, const char *text, int64_t *id)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "INSERT INTO requests (account_id, location_id, subject, body, state, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?5)");
    if (!q)
        return gh_store_sqlfail(st, _("filing the request"));
    sqlite3_bind_int64(q, 1, who);
    if (loc)
        sqlite3_bind_int64(q, 2, loc);
    else
        sqlite3_bind_null(q, 2);
    sqlite3_bind_text(q, 3, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, gh_clock_now_ms());
    int rc = sqlite3_step(q);
    gh_store_done(st, q);
    if (rc != SQLITE_DONE)
        return gh_store_sqlfail(st, _("filing the request"));
    *id = sqlite3_last_insert_rowid(gh_store_db(st));
    return GH_OK;
}

enum gh_status gh_request_add(struct gh_store *st, const char *actor, int64_t who,
                              const struct gh_request_new *in, int64_t *id_out)
{
    char subject[GH_REQUEST_SUBJECT_BUF], text[GH_REQUEST_TEXT_BUF];
    struct gh_account a;
    struct gh_location l;
    int64_t loc = 0, id = 0;
    enum gh_status s = gh_account_get(st, who, &a);
    if (s == GH_E_NOTFOUND)
        return gh_store_fail(st, s, "%s", _("who: no such account"));
    if (s == GH_OK)
        s = location_filter(st, in->location, &loc);
    if (s == GH_OK && loc > 0)
        s = gh_location_get(st, loc, &l);
    if (s == GH_OK)
        s = may_file(st, actor, &a, loc > 0 ? &l : NULL);
    if (s == GH_OK)
        s = check_new(st, in, subject, text);
    if (s != GH_OK)
        return s;
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    s = insert_request(st, who, loc > 0 ? loc : 0, subject, text, &id);
    char target[64];
    target_of(id, target, sizeof target);
    if (s == GH_OK)
        s = gh_audit_appendf(st, actor, "request.filed", target, GH_OUTCOME_OK,
                             "by account %lld for %s", (long long)who,
                             loc > 0 ? l.name : "General");
    struct gh_req_viewer all = { .staff = 1 };
    struct gh_request r;
    if (s == GH_OK)
        s = gh_request_load(st, &all, id, &r);
    if (s == GH_OK)
        s = gh_request_mail_staff(st, &r, "request_new", NULL);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if ((s = gh_store_commit(st)) == GH_OK && id_out)
        *id_out = id;
    return s;
}
