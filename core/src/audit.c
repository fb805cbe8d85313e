/*
 * audit.c: the activity log (SPEC "Activity log"; see audit.h).
 *
 * Each entry is chained to the one before it:
 *
 *     hash = SHA-256( prev_hash_hex "\n" canonical(entry) )
 *
 * where canonical() writes seq, at, actor, action, target, outcome and reason
 * each as "<byte length>:<bytes>\n". The length prefix makes the encoding
 * unambiguous: no choice of text in one field can pretend to be the boundary
 * of the next ("a|b" + "c" can't collide with "a" + "b|c"). The first entry's
 * prev_hash is 64 zeros.
 *
 * gh_audit_verify walks the entries by seq and reports the first one that
 * does not verify: a seq gap (an entry removed), a prev_hash that is not the
 * hash of the entry before (removed or reordered), or a hash that does not
 * match the content (edited).
 *
 * What a chain without a key can't show: someone with write access to the
 * file can delete the newest entries (the rest still verifies), or rewrite
 * an entry and recompute every hash after it. Only an anchor kept outside
 * the database catches that; gh_audit_head gives the count and the newest
 * hash for the kiosk to write to the operational log (the journal) now and
 * then, and an operator can compare. Keeping the anchor in this database
 * would not help: whoever can edit the log can edit the anchor.
 */
#include "store_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

const char *gh_outcome_name(enum gh_outcome o)
{
    switch (o) {
    case GH_OUTCOME_OK: return "ok";
    case GH_OUTCOME_REFUSED: return "refused";
    case GH_OUTCOME_FAILED: return "failed";
    }
    return "failed";
}

static int outcome_parse(const char *s, enum gh_outcome *out)
{
    if (strcmp(s, "ok") == 0) *out = GH_OUTCOME_OK;
    else if (strcmp(s, "refused") == 0) *out = GH_OUTCOME_REFUSED;
    else if (strcmp(s, "failed") == 0) *out = GH_OUTCOME_FAILED;
    else return -1;
    return 0;
}

static void put_field(crypto_hash_sha256_state *h, const char *s, size_t len)
{
    char pre[32];
    int n = snprintf(pre, sizeof pre, "%zu:", len);
    crypto_hash_sha256_update(h, (const unsigned char *)pre, (unsigned long long)n);
    crypto_hash_sha256_update(h, (const unsigned char *)s, len);
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void put_int(crypto_hash_sha256_state *h, int64_t v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    put_field(h, num, (size_t)n);
}

/* The chain hash of one entry, as 64 lower-case hex digits. */
static void entry_hash(const char *prev_hex, int64_t seq, int64_t at, const char *actor,
                       const char *action, const char *target, const char *outcome,
                       const char *reason, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)prev_hex, strlen(prev_hex));
    crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    put_int(&h, seq);
    put_int(&h, at);
    put_field(&h, actor, strlen(actor));
    put_field(&h, action, strlen(action));
    put_field(&h, target, strlen(target));
    put_field(&h, outcome, strlen(outcome));
    put_field(&h, reason, strlen(reason));
    crypto_hash_sha256_final(&h, md);
    sodium_bin2hex(out, 65, md, sizeof md);
}

enum gh_status gh_audit_append(struct gh_store *st, const char *actor, const char *action,
                               const char *target, enum gh_outcome outcome,
                               const char *reason)
{
    /* Cut to what struct gh_audit_entry can show, so what is listed is
     * exactly what was hashed. */
    struct gh_audit_entry e;
    gh_store_copy(e.actor, sizeof e.actor, actor && *actor ? actor : "unknown");
    gh_store_copy(e.action, sizeof e.action, action);
    gh_store_copy(e.target, sizeof e.target, target);
    gh_store_copy(e.reason, sizeof e.reason, reason);
    const char *oc = gh_outcome_name(outcome);
    char prev[65] = GENESIS;
    enum gh_status s;
    sqlite3_stmt *q = NULL;

    s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    q = gh_store_prepare(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!q) {
        s = gh_store_sqlfail(st, _("reading the activity log"));
        goto fail;
    }
    int rc = sqlite3_step(q);
    e.seq = 1;
    if (rc == SQLITE_ROW) {
        e.seq = sqlite3_column_int64(q, 0) + 1;
        gh_store_copy(prev, sizeof prev, gh_store_col_text(q, 1));
    } else if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("reading the activity log"));
        goto fail;
    }
    gh_store_done(st, q);

    e.at = gh_clock_now_ms();
    entry_hash(prev, e.seq, e.at, e.actor, e.action, e.target, oc, e.reason, e.hash);

    q = gh_store_prepare(st, "INSERT INTO audit (seq, at, actor, action, target, outcome, "
                             "reason, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!q) {
        s = gh_store_sqlfail(st, _("writing the activity log"));
        goto fail;
    }
    sqlite3_bind_int64(q, 1, e.seq);
    sqlite3_bind_int64(q, 2, e.at);
    sqlite3_bind_text(q, 3, e.actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, e.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, e.target, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, oc, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, e.reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, e.hash, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("writing the activity log"));
        goto fail;
    }
    gh_store_done(st, q);
    return gh_store_commit(st);

fail:
    gh_store_done(st, q);
    gh_store_rollback(st);
    return s;
}

enum gh_status gh_audit_appendf(struct gh_store *st, const char *actor, const char *action,
                                const char *target, enum gh_outcome outcome,
                                const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    /* vsnprintf may have cut a UTF-8 character; copy cuts cleanly. */
    char clean[512];
    gh_store_copy(clean, sizeof clean, reason);
    return gh_audit_append(st, actor, action, target, outcome, clean);
}

static void row_to_entry(sqlite3_stmt *q, struct gh_audit_entry *e)
{
    e->seq = sqlite3_column_int64(q, 0);
    e->at = sqlite3_column_int64(q, 1);
    gh_store_copy(e->actor, sizeof e->actor, gh_store_col_text(q, 2));
    gh_store_copy(e->action, sizeof e->action, gh_store_col_text(q, 3));
    gh_store_copy(e->target, sizeof e->target, gh_store_col_text(q, 4));
    if (outcome_parse(gh_store_col_text(q, 5), &e->outcome) != 0)
        e->outcome = GH_OUTCOME_FAILED;
    gh_store_copy(e->reason, sizeof e->reason, gh_store_col_text(q, 6));
    gh_store_copy(e->hash, sizeof e->hash, gh_store_col_text(q, 8));
}

enum gh_status gh_audit_list(struct gh_store *st, int limit, gh_audit_fn fn, void *ud)
{
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT seq, at, actor, action, target, outcome, reason, prev_hash, hash "
        "FROM audit ORDER BY seq DESC LIMIT ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, limit > 0 ? limit : -1);
    enum gh_status s = GH_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gh_audit_entry e;
        row_to_entry(q, &e);
        if (fn && fn(ud, &e))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading the activity log"));
    gh_store_done(st, q);
    return s;
}

enum gh_status gh_audit_verify(struct gh_store *st, int64_t *bad_seq, int64_t *count)
{
    int64_t bad = 0, n = 0, expect = 1;
    char prev[65] = GENESIS;
    enum gh_status s = GH_OK;
    /* One read transaction, so entries appended meanwhile by another
     * process can't make a consistent log look broken. */
    int own_tx = !gh_store_in_tx(st);
    if (own_tx && (s = gh_store_exec(st, "BEGIN", _("reading the activity log"))) != GH_OK)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT seq, at, actor, action, target, outcome, reason, prev_hash, hash "
        "FROM audit ORDER BY seq ASC");
    if (!q) {
        s = gh_store_sqlfail(st, _("reading the activity log"));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0);
        const char *stored_prev = gh_store_col_text(q, 7);
        const char *stored = gh_store_col_text(q, 8);
        char h[65];
        if (seq != expect) {
            bad = expect;
            if (seq > expect && expect == seq - 1)
                s = gh_store_fail(st, GH_E_TAMPERED,
                                  _("entry %lld: missing (removed from the log)"),
                                  (long long)expect);
            else if (seq > expect)
                s = gh_store_fail(st, GH_E_TAMPERED,
                                  _("entry %lld: missing, with %lld more up to entry %lld "
                                    "(removed from the log)"),
                                  (long long)expect, (long long)(seq - 1 - expect),
                                  (long long)(seq - 1));
            else
                s = gh_store_fail(st, GH_E_TAMPERED,
                                  _("entry %lld: out of sequence (found %lld)"),
                                  (long long)expect, (long long)seq);
            break;
        }
        if (strcmp(stored_prev, prev) != 0) {
            bad = seq;
            s = gh_store_fail(st, GH_E_TAMPERED,
                              seq == 1 ? _("entry %lld: does not start the log (entries "
                                           "before it were removed)")
                                       : _("entry %lld: does not follow the entry before it "
                                           "(entries removed or reordered)"),
                              (long long)seq);
            break;
        }
        entry_hash(prev, seq, sqlite3_column_int64(q, 1), gh_store_col_text(q, 2),
                   gh_store_col_text(q, 3), gh_store_col_text(q, 4),
                   gh_store_col_text(q, 5), gh_store_col_text(q, 6), h);
        if (strcmp(h, stored) != 0) {
            bad = seq;
            s = gh_store_fail(st, GH_E_TAMPERED,
                              _("entry %lld: its content was changed (hash mismatch)"),
                              (long long)seq);
            break;
        }
        memcpy(prev, h, sizeof prev);
        n++;
        expect++;
    }
    if (s == GH_OK && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading the activity log"));
done:
    gh_store_done(st, q);
    if (own_tx)
        gh_store_exec(st, "COMMIT", "end of read");
    if (bad_seq)
        *bad_seq = bad;
    if (count)
        *count = n;
    return s;
}

enum gh_status gh_audit_head(struct gh_store *st, int64_t *count, char hash_out[65])
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    int rc = sqlite3_step(q);
    enum gh_status s = GH_OK;
    if (count)
        *count = 0;
    if (hash_out)
        memcpy(hash_out, GENESIS, 65);
    if (rc == SQLITE_ROW) {
        if (count)
            *count = sqlite3_column_int64(q, 0);
        if (hash_out)
            gh_store_copy(hash_out, 65, gh_store_col_text(q, 1));
    } else if (rc != SQLITE_DONE) {
        s = gh_store_sqlfail(st, _("reading the activity log"));
    }
    gh_store_done(st, q);
    return s;
}
