/*
 * outbox.c: mail waiting for the relay (SPEC "Mail"; see outbox.h).
 *
 * Composing. A template (assets/mail/<kind>.txt, embedded at build time) is a
 * "Subject: ..." line, a blank line and the body; {{key}} placeholders are
 * replaced by the caller's values, unknown ones by nothing. Values are
 * single-line: a CR or LF in one, in the recipient's name or address is
 * refused (GH_E_INVALID), because the subject and names become headers and a
 * header can never be allowed to carry a line break. Other control
 * characters in values become spaces.
 *
 * The setup code. The value of "code" is never written into the stored body:
 * the body holds the byte 0x1D where it goes and the code waits in the
 * `secret` column (migration 0002) until the message is sent or has failed,
 * when it is cleared. Every reader here (get, due, list) puts the code back
 * into the body it hands out, or "[code removed]" once it is gone. Because
 * control characters in values become spaces, no value can forge the marker.
 *
 * Retries. A transient failure moves next_attempt_at by 1 minute doubling per
 * attempt, capped at 1 hour, with +-10% jitter so that messages deferred
 * together (relay down) don't all come back in the same second. All of it is
 * in the table, so the schedule survives a restart. 72 hours after the first
 * failure, the next transient failure marks the message failed.
 *
 * The Message-ID is made once, at queue time, from 128 random bits and the
 * creation time, so it stays the same across retries and restarts.
 */
#include "buf.h"
#include "rules_internal.h"
#include "store_internal.h"
#include "gatehouse/account.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "mail_i18n.h"
#include "gatehouse/outbox.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gh_embedded { const char *name; const char *text; size_t len; };
extern const struct gh_embedded gh_mail_templates[];

#define CODE_MARK '\x1d'
#define CODE_GONE "[code removed]"
#define BACKOFF_FIRST_MS (60LL * 1000)
#define BACKOFF_CAP_MS (3600LL * 1000)
#define GIVE_UP_MS (72LL * 3600 * 1000)

void gh_mail_clear(struct gh_mail *m)
{
    if (!m)
        return;
    free(m->body);
    m->body = NULL;
}

const char *gh_mail_state_name(enum gh_mail_state s)
{
    switch (s) {
    case GH_MAIL_QUEUED: return "queued";
    case GH_MAIL_SENT: return "sent";
    case GH_MAIL_FAILED: return "failed";
    case GH_MAIL_CANCELLED: return "cancelled";
    }
    return "queued";
}

static enum gh_mail_state state_parse(const char *s)
{
    if (strcmp(s, "sent") == 0) return GH_MAIL_SENT;
    if (strcmp(s, "failed") == 0) return GH_MAIL_FAILED;
    if (strcmp(s, "cancelled") == 0) return GH_MAIL_CANCELLED;
    return GH_MAIL_QUEUED;
}

/* ---- templates --------------------------------------------------------------- */

static const char *var_get(const char *const *vars, const char *key, size_t klen)
{
    for (const char *const *v = vars; v && v[0] && v[1]; v += 2)
        if (strlen(v[0]) == klen && memcmp(v[0], key, klen) == 0)
            return v[1];
    return NULL;
}

/* Writes a value with control characters turned into spaces (see above). */
static void put_value(struct gh_buf *b, const char *v)
{
    for (const char *c = v; *c; c++) {
        char ch = ((unsigned char)*c < 0x20 || *c == 0x7f) ? ' ' : *c;
        gh_buf_putn(b, &ch, 1);
    }
}

/* Renders text (n bytes) with vars. code_mark: write the marker for
 * {{code}} (the body) instead of nothing (the subject). */
static void render(struct gh_buf *b, const char *text, size_t n, const char *const *vars,
                   int code_mark)
{
    size_t i = 0;
    while (i < n) {
        if (i + 4 <= n && text[i] == '{' && text[i + 1] == '{') {
            size_t k = i + 2;
            while (k < n && (islower((unsigned char)text[k]) || text[k] == '_'))
                k++;
            if (k > i + 2 && k + 1 < n && text[k] == '}' && text[k + 1] == '}') {
                const char *key = text + i + 2;
                size_t klen = k - (i + 2);
                if (klen == 4 && memcmp(key, "code", 4) == 0) {
                    if (code_mark) {
                        char m = CODE_MARK;
                        gh_buf_putn(b, &m, 1);
                    }
                } else {
                    const char *v = var_get(vars, key, klen);
                    if (v)
                        put_value(b, v);
                }
                i = k + 2;
                continue;
            }
        }
        gh_buf_putn(b, text + i, 1);
        i++;
    }
}

static const struct gh_embedded *find_template(const char *kind)
{
    char want[64];
    snprintf(want, sizeof want, "%s.txt", kind);
    for (const struct gh_embedded *t = gh_mail_templates; t->name; t++)
        if (strcmp(t->name, want) == 0)
            return t;
    return NULL;
}

static int has_line_break(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* The host part of Message-IDs: the kiosk's name as a DNS label. */
static void id_host(struct gh_store *st, char *out, size_t len)
{
    const char *name = gh_settings_get(st, GH_SETTING_KIOSK_NAME);
    size_t o = 0;
    int dash = 0;
    for (const char *c = name ? name : ""; *c && o + 1 < len && o < 40; c++) {
        if (isalnum((unsigned char)*c) && !((unsigned char)*c & 0x80)) {
            out[o++] = (char)tolower((unsigned char)*c);
            dash = 0;
        } else if (o > 0 && !dash) {
            out[o++] = '-';
            dash = 1;
        }
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
    if (o == 0)
        snprintf(out, len, "gatehouse");
}

static void mail_target(int64_t id, char *buf, size_t len)
{
    snprintf(buf, len, "mail:%lld", (long long)id);
}

/* What a message is built from must be fit for headers: an address, a
 * name and values without line breaks, a code of digits. */
static enum gh_status check_compose(struct gh_store *st, const char *to_addr,
                                    const char *to_name, const char *const *vars,
                                    const char *secret)
{
    if (!to_addr || !*to_addr || strlen(to_addr) > GH_EMAIL_MAX || !strchr(to_addr, '@'))
        return gh_store_fail(st, GH_E_INVALID, "%s", _("to: not an email address"));
    for (const char *c = to_addr; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '<' || *c == '>' || *c == ',')
            return gh_store_fail(st, GH_E_INVALID,
                                 "%s", _("to: an email address can't contain spaces, control "
                                         "characters, <, > or commas"));
    if (has_line_break(to_name))
        return gh_store_fail(st, GH_E_INVALID,
                             "%s", _("name: line breaks are not allowed (it goes into a mail header)"));
    if (to_name && strlen(to_name) >= sizeof ((struct gh_mail *)0)->to_name)
        return gh_store_fail(st, GH_E_INVALID, "%s", _("name: too long for an email"));
    for (const char *const *v = vars; v && v[0] && v[1]; v += 2)
        if (has_line_break(v[1]))
            return gh_store_fail(st, GH_E_INVALID,
                                 _("%s: line breaks are not allowed in an email's details"), v[0]);
    for (const char *c = secret; c && *c; c++)
        if (*c < '0' || *c > '9')
            return gh_store_fail(st, GH_E_INVALID, "%s", _("code: must be digits"));
    return GH_OK;
}

/* Template: "Subject: ..." line, blank line, body; subject cut to fit. */
static enum gh_status render_template(struct gh_store *st, const struct gh_embedded *t,
                                      const char *const *vars, char *subject, size_t slen,
                                      struct gh_buf *body)
{
    struct gh_buf subj = { 0 }, tr = { 0 };
    gh_mail_translate(t->text, &tr);
    if (tr.oom || !tr.p) {
        free(tr.p);
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    }
    const char *text = tr.p;
    size_t tlen = tr.len;
    const char *eol = memchr(text, '\n', tlen);

    if (tlen < 9 || strncmp(text, "Subject: ", 9) != 0 || !eol) {
        free(tr.p);
        return gh_store_fail(st, GH_E_INTERNAL, "mail template %s: first line must be "
                             "\"Subject: ...\"", t->name);
    }
    render(&subj, text + 9, (size_t)(eol - text - 9), vars, 0);
    const char *b0 = eol + 1;
    if (*b0 == '\n')
        b0++;
    render(body, b0, tlen - (size_t)(b0 - text), vars, 1);
    free(tr.p);
    if (subj.oom || body->oom || !subj.p || !body->p) {
        free(subj.p);
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    }
    /* The template's own subject line may end in CR (edited on Windows). */
    while (subj.len > 0 && (subj.p[subj.len - 1] == '\r' || subj.p[subj.len - 1] == ' '))
        subj.p[--subj.len] = '\0';
    gh_store_copy(subject, slen, subj.p);
    free(subj.p);
    return GH_OK;
}

/* A Message-ID made once, at queue time: 128 random bits and the time. */
static void make_msgid(struct gh_store *st, int64_t now, char *msgid, size_t len)
{
    unsigned char rnd[16];
    char rhex[33], host[64];

    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(rhex, sizeof rhex, rnd, sizeof rnd);
    id_host(st, host, sizeof host);
    /* "@gatehouse.local", or "@lobby-a.gatehouse.local" for a kiosk named
     * "Lobby A": the right side only has to be stable and ours. */
    if (strcmp(host, "gatehouse") == 0)
        snprintf(msgid, len, "<%s.%lld@gatehouse.local>", rhex, (long long)now);
    else
        snprintf(msgid, len, "<%s.%lld@%s.gatehouse.local>", rhex, (long long)now, host);
}

/* The row, its log entry and its event, in one transaction. */
static enum gh_status queue_row(struct gh_store *st, const char *kind, int64_t account_id,
                                const char *to_addr, const char *to_name, const char *subject,
                                const struct gh_buf *body, const char *secret, int64_t *id_out)
{
    int64_t now = gh_clock_now_ms();
    char msgid[128], target[32], to_ref[320];
    enum gh_status s;
    sqlite3_stmt *q;

    make_msgid(st, now, msgid, sizeof msgid);
    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    q = gh_store_prepare(st,
        "INSERT INTO outbox (created_at, kind, account_id, to_addr, to_name, subject, body, "
        "message_id, state, attempts, next_attempt_at, secret) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?1, ?9)");
    if (!q)
        goto sqlfail;
    sqlite3_bind_int64(q, 1, now);
    sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
    if (account_id > 0)
        sqlite3_bind_int64(q, 3, account_id);
    sqlite3_bind_text(q, 4, to_addr, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, to_name ? to_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, body->p, (int)body->len, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, msgid, -1, SQLITE_STATIC);
    if (secret)
        sqlite3_bind_text(q, 9, secret, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        gh_store_done(st, q);
        goto sqlfail;
    }
    gh_store_done(st, q);
    int64_t id = sqlite3_last_insert_rowid(st->db);
    mail_target(id, target, sizeof target);
    gh_rules_email_ref(st, to_addr, to_ref, sizeof to_ref);
    s = gh_audit_appendf(st, "core", "mail.queued", target, GH_OUTCOME_OK, "%s email to %s",
                         kind, to_ref);
    if (s != GH_OK)
        goto fail;
    struct gh_event ev = { GH_EVENT_MAIL_QUEUED, id, kind };
    gh_store_emit(st, &ev);
    s = gh_store_commit(st);
    if (s == GH_OK && id_out)
        *id_out = id;
    if (s != GH_OK)
        goto fail;
    return GH_OK;
sqlfail:
    s = gh_store_sqlfail(st, _("queueing the email"));
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_outbox_compose(struct gh_store *st, const char *kind, int64_t account_id,
                                 const char *to_addr, const char *to_name,
                                 const char *const *vars, int64_t *id_out)
{
    return gh_outbox_compose_in(st, NULL, kind, account_id, to_addr, to_name, vars, id_out);
}

enum gh_status gh_outbox_compose_in(struct gh_store *st, const char *lang, const char *kind,
                                    int64_t account_id, const char *to_addr,
                                    const char *to_name, const char *const *vars,
                                    int64_t *id_out)
{
    struct gh_buf body = { 0 };
    char subject[sizeof ((struct gh_mail *)0)->subject];
    const char *secret = var_get(vars, "code", 4);
    enum gh_status s;

    if (!kind || !*kind || strlen(kind) >= sizeof ((struct gh_mail *)0)->kind)
        return gh_store_fail(st, GH_E_INVALID, _("mail: no such kind of email \"%s\""),
                             kind ? kind : "");
    const struct gh_embedded *t = find_template(kind);
    if (!t)
        return gh_store_fail(st, GH_E_NOTFOUND, _("mail: no template for \"%s\" emails"), kind);
    if ((s = check_compose(st, to_addr, to_name, vars, secret)) != GH_OK)
        return s;
    struct gh_i18n_prev prev;
    gh_i18n_push(gh_languages_pick(lang), &prev);   /* the mail's words only */
    s = render_template(st, t, vars, subject, sizeof subject, &body);
    gh_i18n_pop(&prev);
    if (s == GH_OK)
        s = queue_row(st, kind, account_id, to_addr, to_name, subject, &body, secret, id_out);
    if (body.p)
        sodium_memzero(body.p, body.cap);
    free(body.p);
    return s;
}

/* ---- reading -------------------------------------------------------------------- */

#define MAIL_COLS "id, created_at, kind, account_id, to_addr, to_name, subject, body, " \
                  "message_id, state, attempts, next_attempt_at, first_fail_at, sent_at, " \
                  "last_error, secret"

/* Fills m from a row; the body gets the code (or CODE_GONE) back. */
static enum gh_status row_to_mail(struct gh_store *st, sqlite3_stmt *q, struct gh_mail *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(q, 0);
    m->created_at = sqlite3_column_int64(q, 1);
    gh_store_copy(m->kind, sizeof m->kind, gh_store_col_text(q, 2));
    m->account_id = sqlite3_column_int64(q, 3);
    gh_store_copy(m->to_addr, sizeof m->to_addr, gh_store_col_text(q, 4));
    gh_store_copy(m->to_name, sizeof m->to_name, gh_store_col_text(q, 5));
    gh_store_copy(m->subject, sizeof m->subject, gh_store_col_text(q, 6));
    gh_store_copy(m->message_id, sizeof m->message_id, gh_store_col_text(q, 8));
    m->state = state_parse(gh_store_col_text(q, 9));
    m->attempts = sqlite3_column_int(q, 10);
    m->next_attempt_at = sqlite3_column_int64(q, 11);
    m->first_fail_at = sqlite3_column_int64(q, 12);
    m->sent_at = sqlite3_column_int64(q, 13);
    gh_store_copy(m->last_error, sizeof m->last_error, gh_store_col_text(q, 14));

    const char *raw = gh_store_col_text(q, 7);
    const char *secret = sqlite3_column_type(q, 15) == SQLITE_NULL ? NULL
                                                                   : gh_store_col_text(q, 15);
    struct gh_buf b = { 0 };
    const char *seg = raw;
    for (const char *c = raw;; c++) {
        if (*c == CODE_MARK || *c == '\0') {
            gh_buf_putn(&b, seg, (size_t)(c - seg));
            if (*c == '\0')
                break;
            const char *code = secret ? secret : CODE_GONE;
            gh_buf_putn(&b, code, strlen(code));
            seg = c + 1;
        }
    }
    if (!b.p && !b.oom)
        gh_buf_putn(&b, "", 0);
    if (b.oom) {
        free(b.p);
        return gh_store_fail(st, GH_E_NOMEM, "%s", _("out of memory"));
    }
    m->body = b.p;
    return GH_OK;
}

/* Runs q, handing each row to fn; stops when fn returns nonzero. */
static enum gh_status each_row(struct gh_store *st, sqlite3_stmt *q, gh_mail_fn fn, void *ud)
{
    enum gh_status s = GH_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gh_mail m;
        s = row_to_mail(st, q, &m);
        if (s != GH_OK)
            break;
        int stop = fn ? fn(ud, &m) : 0;
        if (m.body)
            sodium_memzero(m.body, strlen(m.body));
        gh_mail_clear(&m);
        if (stop)
            break;
    }
    if (s == GH_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading the outbox"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_outbox_list(struct gh_store *st, int state, gh_mail_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT " MAIL_COLS " FROM outbox "
                                           "WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    if (state >= 0)
        sqlite3_bind_text(q, 1, gh_mail_state_name((enum gh_mail_state)state), -1, SQLITE_STATIC);
    return each_row(st, q, fn, ud);
}

enum gh_status gh_outbox_get(struct gh_store *st, int64_t id, struct gh_mail *out)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT " MAIL_COLS " FROM outbox WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    enum gh_status s;
    if (rc == SQLITE_ROW)
        s = row_to_mail(st, q, out);
    else if (rc == SQLITE_DONE)
        s = gh_store_fail(st, GH_E_NOTFOUND, _("no email with id %lld in the outbox"),
                          (long long)id);
    else
        s = gh_store_sqlfail(st, _("reading the outbox"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_outbox_due(struct gh_store *st, int64_t now, int limit, gh_mail_fn fn,
                             void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT " MAIL_COLS " FROM outbox "
                                           "WHERE state = 'queued' AND next_attempt_at <= ?1 "
                                           "ORDER BY id LIMIT ?2");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, now);
    sqlite3_bind_int64(q, 2, limit > 0 ? limit : -1);
    return each_row(st, q, fn, ud);
}

int64_t gh_outbox_next_due(struct gh_store *st)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT min(next_attempt_at) FROM outbox "
                                           "WHERE state = 'queued'");
    if (!q)
        return 0;
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return v;
}

int64_t gh_outbox_count(struct gh_store *st, int state)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT count(*) FROM outbox "
                                           "WHERE ?1 IS NULL OR state = ?1");
    if (!q)
        return 0;
    if (state >= 0)
        sqlite3_bind_text(q, 1, gh_mail_state_name((enum gh_mail_state)state), -1, SQLITE_STATIC);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return v;
}

/* ---- delivery results ------------------------------------------------------------ */

/* The row facts a state change needs. */
struct facts {
    enum gh_mail_state state;
    int attempts;
    int64_t first_fail_at;
    char kind[32];
    char to_addr[320];     /* as the log names it: "occupant:12" (gh_rules_email_ref) */
    int has_mark, has_secret;
};

static enum gh_status load_facts(struct gh_store *st, int64_t id, struct facts *f)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT state, attempts, first_fail_at, kind, to_addr, "
                                           "instr(body, char(29)) > 0, secret IS NOT NULL "
                                           "FROM outbox WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    if (rc == SQLITE_ROW) {
        f->state = state_parse(gh_store_col_text(q, 0));
        f->attempts = sqlite3_column_int(q, 1);
        f->first_fail_at = sqlite3_column_int64(q, 2);
        gh_store_copy(f->kind, sizeof f->kind, gh_store_col_text(q, 3));
        gh_store_copy(f->to_addr, sizeof f->to_addr, gh_store_col_text(q, 4));
        f->has_mark = sqlite3_column_int(q, 5);
        f->has_secret = sqlite3_column_int(q, 6);
    } else if (rc == SQLITE_DONE) {
        s = gh_store_fail(st, GH_E_NOTFOUND, _("no email with id %lld in the outbox"),
                          (long long)id);
    } else {
        s = gh_store_sqlfail(st, _("reading the outbox"));
    }
    gh_store_done(st, q);
    if (s == GH_OK) {
        char addr[320];
        gh_store_copy(addr, sizeof addr, f->to_addr);
        gh_rules_email_ref(st, addr, f->to_addr, sizeof f->to_addr);
    }
    return s;
}

static enum gh_status not_queued(struct gh_store *st, int64_t id, const struct facts *f)
{
    return gh_store_fail(st, GH_E_REFUSED, _("email %lld is already %s"), (long long)id,
                         gh_mail_state_name(f->state));
}

/* Sets the final state (sent or failed), clearing the secret. */
static enum gh_status finish(struct gh_store *st, int64_t id, enum gh_mail_state to,
                             int attempts, int64_t first_fail_at, const char *why)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "UPDATE outbox SET state = ?2, attempts = ?3, first_fail_at = ?4, last_error = ?5, "
        "sent_at = ?6, secret = NULL WHERE id = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("updating the outbox"));
    char err[512];
    gh_store_copy(err, sizeof err, why);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, gh_mail_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, attempts);
    if (first_fail_at)
        sqlite3_bind_int64(q, 4, first_fail_at);
    else
        sqlite3_bind_null(q, 4);
    sqlite3_bind_text(q, 5, err, -1, SQLITE_TRANSIENT);
    if (to == GH_MAIL_SENT)
        sqlite3_bind_int64(q, 6, gh_clock_now_ms());
    else
        sqlite3_bind_null(q, 6);
    enum gh_status s = sqlite3_step(q) == SQLITE_DONE ? GH_OK
                                                      : gh_store_sqlfail(st, _("updating the outbox"));
    gh_store_done(st, q);
    return s;
}

/* ---- claims: a deliverer's batch, taken before anything is sent -------- */

enum gh_status gh_outbox_claim(struct gh_store *st, const int64_t *ids, int n, int64_t now,
                               unsigned char *claimed)
{
    char why[512];
    memset(claimed, 0, (size_t)(n > 0 ? n : 0));
    if (n <= 0)
        return GH_OK;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        goto busy;
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE outbox SET next_attempt_at = "
                                           "next_attempt_at + ?2 WHERE id = ?1 "
                                           "AND state = 'queued' AND next_attempt_at <= ?3");
    if (!q) {
        s = gh_store_sqlfail(st, _("claiming emails before sending"));
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, ids[i]);
        sqlite3_bind_int64(q, 2, GH_OUTBOX_CLAIMED);
        sqlite3_bind_int64(q, 3, now);
        if (sqlite3_step(q) != SQLITE_DONE) {
            s = gh_store_sqlfail(st, _("claiming emails before sending"));
            gh_store_done(st, q);
            goto fail;
        }
        /* 0 rows: no longer queued, or no longer due */
        claimed[i] = sqlite3_changes(gh_store_db(st)) == 1;
    }
    gh_store_done(st, q);
    if ((s = gh_store_commit(st)) == GH_OK)
        return GH_OK;
busy:
    memset(claimed, 0, (size_t)n);
    gh_store_copy(why, sizeof why, gh_store_errmsg(st));
    return gh_store_fail(st, s, _("could not claim %d email(s) before sending, so none was "
                                  "sent: %s"), n, why);
fail:
    gh_store_rollback(st);
    memset(claimed, 0, (size_t)n);
    return s;
}

/* id 0: every claimed message. */
static enum gh_status unclaim(struct gh_store *st, int64_t id, int *n_out)
{
    sqlite3_stmt *q = gh_store_prepare(st, "UPDATE outbox SET next_attempt_at = "
                                           "next_attempt_at - ?2 WHERE (?1 = 0 OR id = ?1) "
                                           "AND state = 'queued' AND next_attempt_at >= ?2");
    if (!q)
        return gh_store_sqlfail(st, _("giving back claimed emails"));
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, GH_OUTBOX_CLAIMED);
    enum gh_status s = sqlite3_step(q) == SQLITE_DONE
                           ? GH_OK : gh_store_sqlfail(st, _("giving back claimed emails"));
    if (n_out)
        *n_out = s == GH_OK ? sqlite3_changes(gh_store_db(st)) : 0;
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_outbox_unclaim(struct gh_store *st, int64_t id)
{
    return id > 0 ? unclaim(st, id, NULL) : GH_E_INVALID;
}

enum gh_status gh_outbox_unclaim_all(struct gh_store *st, int *n_out)
{
    if (n_out)
        *n_out = 0;
    /* a read first: the usual answer is "none", and costs no write */
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT 1 FROM outbox WHERE state = 'queued' "
                                           "AND next_attempt_at >= ?1 LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, GH_OUTBOX_CLAIMED);
    int rc = sqlite3_step(q);
    enum gh_status s = rc == SQLITE_ROW || rc == SQLITE_DONE
                           ? GH_OK : gh_store_sqlfail(st, _("reading the outbox"));
    gh_store_done(st, q);
    return s == GH_OK && rc == SQLITE_ROW ? unclaim(st, 0, n_out) : s;
}

/* The start of every change to one queued message: a transaction, its
 * facts, and the refusal when it is no longer queued. GH_OK: inside the
 * transaction, which the caller commits or rolls back; else rolled back. */
static enum gh_status begin_queued(struct gh_store *st, int64_t id, struct facts *f)
{
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    if ((s = load_facts(st, id, f)) == GH_OK && f->state != GH_MAIL_QUEUED)
        s = not_queued(st, id, f);
    if (s != GH_OK)
        gh_store_rollback(st);
    return s;
}

enum gh_status gh_outbox_mark_sent(struct gh_store *st, int64_t id)
{
    struct facts f;
    char target[32];
    enum gh_status s = begin_queued(st, id, &f);
    if (s != GH_OK)
        return s;
    if ((s = finish(st, id, GH_MAIL_SENT, f.attempts + 1, f.first_fail_at, "")) != GH_OK)
        goto fail;
    mail_target(id, target, sizeof target);
    s = gh_audit_appendf(st, "mailer", "mail.sent", target, GH_OUTCOME_OK,
                         "%s email to %s accepted by the relay (attempt %d)", f.kind,
                         f.to_addr, f.attempts + 1);
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}

static enum gh_status fail_now(struct gh_store *st, int64_t id, const struct facts *f,
                               int attempts, int64_t first_fail_at, const char *why)
{
    char target[32];
    enum gh_status s = finish(st, id, GH_MAIL_FAILED, attempts, first_fail_at, why);
    if (s != GH_OK)
        return s;
    mail_target(id, target, sizeof target);
    return gh_audit_appendf(st, "mailer", "mail.failed", target, GH_OUTCOME_FAILED,
                            "%s email to %s: %s", f->kind, f->to_addr, why);
}

/* The wait before attempt n+1 after n failures: 1 min doubling, capped at
 * 1 h, then +-10% jitter. */
static int64_t backoff_ms(int failures)
{
    int64_t base = BACKOFF_FIRST_MS;
    for (int i = 1; i < failures && base < BACKOFF_CAP_MS; i++)
        base *= 2;
    if (base > BACKOFF_CAP_MS)
        base = BACKOFF_CAP_MS;
    int64_t span = base / 10;                         /* 10% */
    int64_t r = (int64_t)randombytes_uniform((uint32_t)(2 * span + 1));
    return base - span + r;
}

enum gh_status gh_outbox_mark_deferred(struct gh_store *st, int64_t id, const char *why)
{
    struct facts f;
    char target[32], reason[400];
    int64_t now = gh_clock_now_ms();
    gh_store_copy(reason, sizeof reason, why && *why ? why : "temporary failure");

    enum gh_status s = begin_queued(st, id, &f);
    if (s != GH_OK)
        return s;
    int attempts = f.attempts + 1;
    int64_t first = f.first_fail_at ? f.first_fail_at : now;
    if (now - first >= GIVE_UP_MS) {
        char final[512];
        snprintf(final, sizeof final, "%s (still failing after 72 hours; gave up)", reason);
        s = fail_now(st, id, &f, attempts, first, final);
        if (s != GH_OK)
            goto fail;
        return gh_store_commit(st);
    }
    int64_t wait = backoff_ms(attempts);
    sqlite3_stmt *q = gh_store_prepare(st,
        "UPDATE outbox SET attempts = ?2, first_fail_at = ?3, next_attempt_at = ?4, "
        "last_error = ?5 WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("updating the outbox"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int(q, 2, attempts);
    sqlite3_bind_int64(q, 3, first);
    sqlite3_bind_int64(q, 4, now + wait);
    sqlite3_bind_text(q, 5, reason, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        gh_store_done(st, q);
        s = gh_store_sqlfail(st, _("updating the outbox"));
        goto fail;
    }
    gh_store_done(st, q);
    mail_target(id, target, sizeof target);
    s = gh_audit_appendf(st, "mailer", "mail.deferred", target, GH_OUTCOME_FAILED,
                         "%s email to %s, attempt %d: %s; next try in %lld s", f.kind,
                         f.to_addr, attempts, reason, (long long)((wait + 999) / 1000));
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_outbox_cancel(struct gh_store *st, const char *actor, int64_t id,
                                const char *why)
{
    struct facts f;
    char target[32];
    enum gh_status s = begin_queued(st, id, &f);
    if (s != GH_OK)
        return s;
    if ((s = finish(st, id, GH_MAIL_CANCELLED, f.attempts, f.first_fail_at, why)) != GH_OK)
        goto fail;
    mail_target(id, target, sizeof target);
    s = gh_audit_appendf(st, actor ? actor : "core", "mail.cancelled", target, GH_OUTCOME_OK,
                         "%s email to %s not sent: %s", f.kind, f.to_addr, why);
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_outbox_cancel_codes(struct gh_store *st, int64_t account_id, const char *why)
{
    int64_t ids[64];
    int n = 0;
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT id FROM outbox WHERE account_id = ?1 AND state = 'queued' "
        "AND kind IN ('welcome', 'setup_code') ORDER BY id LIMIT 64");
    if (!q)
        return gh_store_sqlfail(st, _("reading the outbox"));
    sqlite3_bind_int64(q, 1, account_id);
    while (n < 64 && sqlite3_step(q) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(q, 0);
    gh_store_done(st, q);
    for (int i = 0; i < n; i++) {
        enum gh_status s = gh_outbox_cancel(st, "core", ids[i], why);
        if (s != GH_OK)
            return s;
    }
    return GH_OK;
}

enum gh_status gh_outbox_mark_failed(struct gh_store *st, int64_t id, const char *why)
{
    struct facts f;
    enum gh_status s = begin_queued(st, id, &f);
    if (s != GH_OK)
        return s;
    s = fail_now(st, id, &f, f.attempts + 1,
                 f.first_fail_at ? f.first_fail_at : gh_clock_now_ms(),
                 why && *why ? why : "refused by the relay");
    if (s != GH_OK)
        goto fail;
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_outbox_retry(struct gh_store *st, const char *actor, int64_t id)
{
    struct facts f;
    char target[32];
    enum gh_status s = load_facts(st, id, &f);
    if (s != GH_OK)
        return s;
    mail_target(id, target, sizeof target);
    const char *refusal = NULL;
    if (f.state == GH_MAIL_SENT)
        refusal = _("this email was already sent");
    else if (f.state == GH_MAIL_CANCELLED)
        refusal = _("this email was cancelled because it was no longer true; a cancelled "
                    "email is never sent");
    else if (f.has_mark && !f.has_secret)
        refusal = _("this email's setup code was removed when it failed; send a new welcome "
                    "email instead");
    if (refusal) {
        s = gh_audit_appendf(st, actor, "mail.retry", target, GH_OUTCOME_REFUSED, "%s", refusal);
        if (s != GH_OK)
            return s;
        return gh_store_fail(st, GH_E_REFUSED, "%s", refusal);
    }

    if ((s = gh_store_begin(st)) != GH_OK)
        return s;
    /* A failed message starts a fresh 72-hour allowance. */
    sqlite3_stmt *q = gh_store_prepare(st,
        "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, "
        "first_fail_at = CASE WHEN state = 'failed' THEN NULL ELSE first_fail_at END "
        "WHERE id = ?1");
    if (!q) {
        s = gh_store_sqlfail(st, _("updating the outbox"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, gh_clock_now_ms());
    if (sqlite3_step(q) != SQLITE_DONE) {
        gh_store_done(st, q);
        s = gh_store_sqlfail(st, _("updating the outbox"));
        goto fail;
    }
    gh_store_done(st, q);
    s = gh_audit_appendf(st, actor, "mail.retry", target, GH_OUTCOME_OK,
                         "%s email to %s (was %s) due now", f.kind, f.to_addr,
                         f.state == GH_MAIL_FAILED ? "failed" : "waiting to retry");
    if (s != GH_OK)
        goto fail;
    struct gh_event ev = { GH_EVENT_MAIL_QUEUED, id, f.kind };
    gh_store_emit(st, &ev);
    return gh_store_commit(st);
fail:
    gh_store_rollback(st);
    return s;
}
