/*
 * audit.c: the activity log (SPEC "Activity log"; see audit.h).
 *
 * Each entry is chained to the one before it. Entries carry the version of
 * the hash that sealed them (column hash_version):
 *
 *   version 2 (every entry written since schema 8):
 *     hash = SHA-256( "gatehouse-audit-v2\n" prev_hash_hex "\n" field... )
 *     where each of seq, at, actor, action, target, outcome and reason is
 *     "<type tag><byte length>:<exact bytes>\n", the tag being i (integer),
 *     r (real), t (text), b (blob) or n (null), and the bytes those SQLite
 *     stores (sqlite3_column_bytes, so a NUL inside a field counts).
 *   version 1 (entries written before schema 8, kept verifiable):
 *     hash = SHA-256( prev_hash_hex "\n" canonical(entry) ), fields as
 *     "<length>:<bytes>\n" of their C-string text.
 *
 * The length prefix makes the encoding unambiguous: no choice of text in one
 * field can pretend to be the boundary of the next ("a|b" + "c" can't
 * collide with "a" + "b|c"). The type tag catches a value that reads the
 * same but is stored as another type (`at` as a REAL). The table is STRICT
 * (migration 0008), so SQLite itself refuses most such edits; the tag is
 * the proof for a file whose schema was changed too. A version 1 entry after
 * a version 2 one is tampering: nothing writes version 1 any more. The
 * first entry's prev_hash is 64 zeros.
 *
 * gh_audit_verify walks the entries by seq and reports the first one that
 * does not verify: a seq gap (an entry removed), a prev_hash that is not the
 * hash of the entry before (removed or reordered), or a hash that does not
 * match the content (edited). An empty log in a database that holds accounts
 * is tampering too: every account was created with a log entry, and nothing
 * legitimate removes entries.
 *
 * What a chain without a key can't show: someone with write access to the
 * file can delete the newest entries (the rest still verifies), or rewrite
 * an entry and recompute every hash after it. Only an anchor kept outside
 * the database catches that: gh_audit_head gives "SEQ:HASH" of the newest
 * entry, the kiosk writes it to the journal after each hour with activity
 * (gh_audit_anchor_tick), an operator keeps it elsewhere, and
 * gh_audit_check_anchor (`log verify --anchor`) says whether the log still
 * holds that exact entry. Keeping the anchor in this database would not
 * help: whoever can edit the log can edit the anchor.
 *
 * A pruned log (log_retention_days, audit_retention.c) starts with a
 * checkpoint: action "log.checkpoint", version 2, in the place (seq) of the
 * last entry pruned. Its hash column is that entry's hash, which the next
 * entry continues from; its prev_hash column is its seal, version 2's
 * encoding of its own fields under "gatehouse-audit-checkpoint\n" with that
 * hash in place of the previous one. gh_audit_verify checks the seal and
 * goes on from the checkpoint; a checkpoint anywhere else does not follow
 * the entry before it. An anchor older than it is GH_E_EXPIRED ("before the
 * retention window"), not tampering. Entries name accounts by id only
 * (issue 16); gh_audit_show (audit_show.c) names them at display time.
 */
#include "store_internal.h"
#include "audit_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
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

/* Version 1: the chain hash of one entry, as 64 lower-case hex digits. */
static void entry_hash_v1(const char *prev_hex, int64_t seq, int64_t at, const char *actor,
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

/* Version 2: one field as stored, with its SQLite type. */
#define NFIELDS 7
struct field {
    int type;                  /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
    const unsigned char *p;
    size_t len;
    char num[40];              /* an INTEGER or FLOAT written out */
};

static void field_int(struct field *f, int64_t v)
{
    f->type = SQLITE_INTEGER;
    f->len = (size_t)snprintf(f->num, sizeof f->num, "%lld", (long long)v);
    f->p = (const unsigned char *)f->num;
}

static void field_text(struct field *f, const char *s)
{
    f->type = SQLITE_TEXT;
    f->p = (const unsigned char *)s;
    f->len = strlen(s);
}

/* Column col of the current row, exactly: the bytes SQLite holds, not a
 * C string (a NUL inside stays part of the field). */
static void field_col(struct field *f, sqlite3_stmt *q, int col)
{
    f->type = sqlite3_column_type(q, col);
    switch (f->type) {
    case SQLITE_INTEGER:
        field_int(f, sqlite3_column_int64(q, col));
        return;
    case SQLITE_FLOAT:
        f->len = (size_t)snprintf(f->num, sizeof f->num, "%.17g", sqlite3_column_double(q, col));
        f->p = (const unsigned char *)f->num;
        return;
    case SQLITE_TEXT:
        f->p = sqlite3_column_text(q, col);
        f->len = (size_t)sqlite3_column_bytes(q, col);
        return;
    case SQLITE_BLOB:
        f->p = sqlite3_column_blob(q, col);
        f->len = (size_t)sqlite3_column_bytes(q, col);
        return;
    default:
        f->p = (const unsigned char *)"";
        f->len = 0;
    }
}

static char type_tag(int type)
{
    switch (type) {
    case SQLITE_INTEGER: return 'i';
    case SQLITE_FLOAT: return 'r';
    case SQLITE_TEXT: return 't';
    case SQLITE_BLOB: return 'b';
    }
    return 'n';
}

/* Version 2's encoding under a domain: "gatehouse-audit-v2\n" for an entry,
 * CHECKPOINT_DOMAIN for a checkpoint's seal (prev_hex then being the hash it
 * continues from). */
static const char V2_DOMAIN[] = "gatehouse-audit-v2\n";
static const char CHECKPOINT_DOMAIN[] = "gatehouse-audit-checkpoint\n";

static void entry_hash_in(const char *domain, const char *prev_hex, const struct field f[NFIELDS],
                          char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)domain, strlen(domain));
    crypto_hash_sha256_update(&h, (const unsigned char *)prev_hex, strlen(prev_hex));
    crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    for (int i = 0; i < NFIELDS; i++) {
        char pre[40];
        int n = snprintf(pre, sizeof pre, "%c%zu:", type_tag(f[i].type), f[i].len);
        crypto_hash_sha256_update(&h, (const unsigned char *)pre, (unsigned long long)n);
        if (f[i].len)
            crypto_hash_sha256_update(&h, f[i].p, f[i].len);
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    crypto_hash_sha256_final(&h, md);
    sodium_bin2hex(out, 65, md, sizeof md);
}

static void entry_hash_v2(const char *prev_hex, const struct field f[NFIELDS], char out[65])
{
    entry_hash_in(V2_DOMAIN, prev_hex, f, out);
}

void gh_audit_checkpoint_seal(const struct gh_audit_entry *e, const char *continues,
                              char out[65])
{
    struct field f[NFIELDS];
    field_int(&f[0], e->seq);
    field_int(&f[1], e->at);
    field_text(&f[2], e->actor);
    field_text(&f[3], e->action);
    field_text(&f[4], e->target);
    field_text(&f[5], gh_outcome_name(e->outcome));
    field_text(&f[6], e->reason);
    entry_hash_in(CHECKPOINT_DOMAIN, continues, f, out);
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
    struct field f[NFIELDS];
    field_int(&f[0], e.seq);
    field_int(&f[1], e.at);
    field_text(&f[2], e.actor);
    field_text(&f[3], e.action);
    field_text(&f[4], e.target);
    field_text(&f[5], oc);
    field_text(&f[6], e.reason);
    entry_hash_v2(prev, f, e.hash);

    q = gh_store_prepare(st, "INSERT INTO audit (seq, at, actor, action, target, outcome, "
                             "reason, prev_hash, hash, hash_version) "
                             "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,2)");
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

/* Is column col exactly the 64-hex text hex (type and every byte)? */
static int col_is_hash(sqlite3_stmt *q, int col, const char *hex)
{
    if (sqlite3_column_type(q, col) != SQLITE_TEXT)
        return 0;
    const unsigned char *t = sqlite3_column_text(q, col);
    return sqlite3_column_bytes(q, col) == 64 && t && memcmp(t, hex, 64) == 0;
}

static enum gh_status seq_gap(struct gh_store *st, int64_t expect, int64_t seq)
{
    if (seq == expect + 1)
        return gh_store_fail(st, GH_E_TAMPERED, _("entry %lld: missing (removed from the log)"),
                             (long long)expect);
    if (seq > expect)
        return gh_store_fail(st, GH_E_TAMPERED,
                             _("entry %lld: missing, with %lld more up to entry %lld "
                               "(removed from the log)"),
                             (long long)expect, (long long)(seq - 1 - expect),
                             (long long)(seq - 1));
    return gh_store_fail(st, GH_E_TAMPERED, _("entry %lld: out of sequence (found %lld)"),
                         (long long)expect, (long long)seq);
}

/* The hash this row's content gives under its own version, into h. */
static enum gh_status row_hash(struct gh_store *st, sqlite3_stmt *q, int64_t seq,
                               const char *prev, int *seen_v2, char h[65])
{
    int64_t version = sqlite3_column_int64(q, 9);
    if (sqlite3_column_type(q, 9) != SQLITE_INTEGER || (version != 1 && version != 2))
        return gh_store_fail(st, GH_E_TAMPERED, _("entry %lld: unknown hash version (changed)"),
                             (long long)seq);
    if (version == 1 && *seen_v2)
        return gh_store_fail(st, GH_E_TAMPERED,
                             _("entry %lld: sealed the old way after newer entries (changed)"),
                             (long long)seq);
    if (version == 1) {
        entry_hash_v1(prev, seq, sqlite3_column_int64(q, 1), gh_store_col_text(q, 2),
                      gh_store_col_text(q, 3), gh_store_col_text(q, 4),
                      gh_store_col_text(q, 5), gh_store_col_text(q, 6), h);
        return GH_OK;
    }
    struct field f[NFIELDS];
    for (int i = 0; i < NFIELDS; i++)
        field_col(&f[i], q, i);
    entry_hash_v2(prev, f, h);
    *seen_v2 = 1;
    return GH_OK;
}

/* Checks one row against the chain so far; GH_E_TAMPERED names it. */
static enum gh_status check_row(struct gh_store *st, sqlite3_stmt *q, int64_t expect,
                                char prev[65], int *seen_v2)
{
    int64_t seq = sqlite3_column_int64(q, 0);
    char h[65];
    if (sqlite3_column_type(q, 0) != SQLITE_INTEGER || seq != expect)
        return seq_gap(st, expect, seq);
    if (!col_is_hash(q, 7, prev))
        return gh_store_fail(st, GH_E_TAMPERED,
                             seq == 1 ? _("entry %lld: does not start the log (entries "
                                          "before it were removed)")
                                      : _("entry %lld: does not follow the entry before it "
                                          "(entries removed or reordered)"),
                             (long long)seq);
    enum gh_status s = row_hash(st, q, seq, prev, seen_v2, h);
    if (s != GH_OK)
        return s;
    if (!col_is_hash(q, 8, h))
        return gh_store_fail(st, GH_E_TAMPERED,
                             _("entry %lld: its content was changed (hash mismatch)"),
                             (long long)seq);
    memcpy(prev, h, 65);
    return GH_OK;
}

/* Is the row a checkpoint (audit_retention.c): action "log.checkpoint",
 * sealed with version 2's encoding? Only the first row may be one. */
static int is_checkpoint(sqlite3_stmt *q)
{
    return sqlite3_column_type(q, 3) == SQLITE_TEXT && sqlite3_column_type(q, 9) == SQLITE_INTEGER &&
           sqlite3_column_int64(q, 9) == 2 &&
           strcmp(gh_store_col_text(q, 3), GH_AUDIT_CHECKPOINT) == 0;
}

/* Is column col 64 lower-case hex digits? */
static int col_is_hex64(sqlite3_stmt *q, int col)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    if (sqlite3_column_type(q, col) != SQLITE_TEXT || sqlite3_column_bytes(q, col) != 64 || !t)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return 0;
    return 1;
}

/* The first row as a checkpoint: its seal (prev_hash) must match its
 * content and the hash it continues from (hash), which the next entry's
 * prev_hash must then be. */
static enum gh_status check_checkpoint(struct gh_store *st, sqlite3_stmt *q, char prev[65])
{
    int64_t seq = sqlite3_column_int64(q, 0);
    char seal[65];
    struct field f[NFIELDS];
    if (sqlite3_column_type(q, 0) != SQLITE_INTEGER || seq < 1 || !col_is_hex64(q, 8))
        return gh_store_fail(st, GH_E_TAMPERED, _("entry %lld: the checkpoint was changed"),
                             (long long)seq);
    for (int i = 0; i < NFIELDS; i++)
        field_col(&f[i], q, i);
    entry_hash_in(CHECKPOINT_DOMAIN, (const char *)sqlite3_column_text(q, 8), f, seal);
    if (!col_is_hash(q, 7, seal))
        return gh_store_fail(st, GH_E_TAMPERED,
                             _("entry %lld: the checkpoint was changed (seal mismatch)"),
                             (long long)seq);
    memcpy(prev, sqlite3_column_text(q, 8), 64);
    prev[64] = '\0';
    return GH_OK;
}

/* An empty log is only right in a database nobody has used yet. */
static enum gh_status check_empty(struct gh_store *st)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT count(*) FROM accounts");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    int64_t accounts = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    gh_store_done(st, q);
    if (accounts < 0)
        return gh_store_sqlfail(st, _("reading the activity log"));
    if (accounts == 0)
        return GH_OK;
    return gh_store_fail(st, GH_E_TAMPERED,
                         _("entry 1: missing: the log is empty but the database holds %lld "
                           "account(s) (entries removed from the log)"),
                         (long long)accounts);
}

enum gh_status gh_audit_verify(struct gh_store *st, int64_t *bad_seq, int64_t *count)
{
    int64_t n = 0, expect = 1;
    char prev[65] = GENESIS;
    int seen_v2 = 0;
    enum gh_status s = GH_OK;
    /* One read transaction, so entries appended meanwhile by another
     * process can't make a consistent log look broken. */
    int own_tx = !gh_store_in_tx(st);
    if (own_tx && (s = gh_store_exec(st, "BEGIN", _("reading the activity log"))) != GH_OK)
        return s;
    sqlite3_stmt *q = gh_store_prepare(st,
        "SELECT seq, at, actor, action, target, outcome, reason, prev_hash, hash, "
        "hash_version FROM audit ORDER BY seq ASC");
    if (!q) {
        s = gh_store_sqlfail(st, _("reading the activity log"));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        /* A pruned log starts at its checkpoint; the chain goes on from it. */
        if (n == 0 && is_checkpoint(q)) {
            expect = sqlite3_column_int64(q, 0);
            s = check_checkpoint(st, q, prev);
        } else {
            s = check_row(st, q, expect, prev, &seen_v2);
        }
        if (s != GH_OK)
            break;
        n++;
        expect++;
    }
    if (s == GH_OK && rc != SQLITE_DONE)
        s = gh_store_sqlfail(st, _("reading the activity log"));
    gh_store_done(st, q);
    if (s == GH_OK && n == 0)
        s = check_empty(st);
done:
    if (own_tx)
        gh_store_exec(st, "COMMIT", "end of read");
    if (bad_seq)
        *bad_seq = s == GH_E_TAMPERED ? expect : 0;
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

enum gh_status gh_audit_anchor_parse(const char *text, int64_t *seq, char hash[65])
{
    const char *colon = text ? strchr(text, ':') : NULL;
    char num[24];
    size_t n = colon ? (size_t)(colon - text) : 0;
    if (!colon || n == 0 || n >= sizeof num || strlen(colon + 1) != 64)
        return GH_E_INVALID;
    memcpy(num, text, n);
    num[n] = '\0';
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (num[i] < '0' || num[i] > '9' || v > (INT64_MAX - 9) / 10)
            return GH_E_INVALID;
        v = v * 10 + (num[i] - '0');
    }
    for (int i = 0; i < 64; i++) {
        char c = colon[1 + i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return GH_E_INVALID;
        hash[i] = c;
    }
    hash[64] = '\0';
    /* 0:000... is what `log head` prints for an empty log: it holds for any. */
    if (v < 1 && strcmp(hash, GENESIS) != 0)
        return GH_E_INVALID;
    *seq = v;
    return GH_OK;
}

enum gh_status gh_audit_checkpoint(struct gh_store *st, int64_t *seq, int64_t *at)
{
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT seq, at, action FROM audit ORDER BY seq LIMIT 1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    int rc = sqlite3_step(q);
    *seq = 0;
    if (at)
        *at = 0;
    if (rc == SQLITE_ROW && strcmp(gh_store_col_text(q, 2), GH_AUDIT_CHECKPOINT) == 0) {
        *seq = sqlite3_column_int64(q, 0);
        if (at)
            *at = sqlite3_column_int64(q, 1);
    }
    gh_store_done(st, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? GH_OK
                                                 : gh_store_sqlfail(st, _("reading the activity log"));
}

enum gh_status gh_audit_check_anchor(struct gh_store *st, int64_t seq, const char *hash)
{
    int64_t last = 0, cp = 0;
    if (seq == 0 && strcmp(hash, GENESIS) == 0)
        return GH_OK;
    enum gh_status s = gh_audit_head(st, &last, NULL);
    if (s == GH_OK)
        s = gh_audit_checkpoint(st, &cp, NULL);
    if (s != GH_OK)
        return s;
    /* Pruned (log_retention_days): not tampering, just no longer there. */
    if (seq < cp)
        return gh_store_fail(st, GH_E_EXPIRED,
                             _("anchor %lld:%s: entry %lld is before the retention window (the "
                               "log was pruned up to entry %lld, log_retention_days), so it can't "
                               "be checked any more"),
                             (long long)seq, hash, (long long)seq, (long long)cp);
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT hash FROM audit WHERE seq = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, seq);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && col_is_hash(q, 0, hash))
        s = GH_OK;
    else if (rc == SQLITE_ROW)
        s = gh_store_fail(st, GH_E_TAMPERED,
                          _("anchor %lld:%s: entry %lld is not the one anchored (its hash is %s): "
                            "the log was rewritten"),
                          (long long)seq, hash, (long long)seq, gh_store_col_text(q, 0));
    else if (rc == SQLITE_DONE)
        s = gh_store_fail(st, GH_E_TAMPERED,
                          _("anchor %lld:%s: entry %lld is missing (the log ends at entry %lld): "
                            "entries were removed"),
                          (long long)seq, hash, (long long)seq, (long long)last);
    else
        s = gh_store_sqlfail(st, _("reading the activity log"));
    gh_store_done(st, q);
    return s;
}

int64_t gh_audit_anchor_tick(struct gh_audit_anchor *a, struct gh_store *st,
                             int64_t mono_now_ms)
{
    int64_t seq = 0;
    char hash[65];
    if (!a->started) {
        /* What is in the log at start was there before: only what happens
         * while this kiosk runs is "activity". */
        if (gh_audit_head(st, &seq, NULL) == GH_OK)
            a->seq = seq;
        a->started = 1;
        a->next_ms = mono_now_ms + GH_AUDIT_ANCHOR_EVERY_MS;
    }
    if (mono_now_ms < a->next_ms)
        return a->next_ms - mono_now_ms;
    a->next_ms = mono_now_ms + GH_AUDIT_ANCHOR_EVERY_MS;
    if (gh_audit_head(st, &seq, hash) != GH_OK) {
        gh_oplog(GH_LOG_WARN, "log head: can't be read: %s", gh_store_errmsg(st));
        return GH_AUDIT_ANCHOR_EVERY_MS;
    }
    if (seq != a->seq) {
        gh_oplog(GH_LOG_INFO, "log head: %lld:%s", (long long)seq, hash);
        a->seq = seq;
    }
    return GH_AUDIT_ANCHOR_EVERY_MS;
}
