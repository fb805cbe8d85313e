/*
 * audit_retention.c: log_retention_days (issue 16; audit.h "retention").
 *
 * Pruning keeps the log verifiable: in one transaction the entries older
 * than the window (up to entry K, the last one before the first entry still
 * inside it) are deleted, and one checkpoint entry takes entry K's place:
 *
 *   seq K, at = now, action "log.checkpoint", target "log", outcome ok,
 *   reason "entries F to K pruned ...", hash = entry K's hash (what entry
 *   K+1's prev_hash already holds), prev_hash = its seal
 *   (gh_audit_checkpoint_seal: its own fields and that hash, hashed).
 *
 * `log verify` then verifies from the checkpoint on: the seal catches an
 * edited checkpoint, the chain an edited entry after it, and an anchor
 * older than K is "before the retention window" (gh_audit_check_anchor).
 * A later prune replaces the checkpoint with a newer one.
 *
 * Never pruned: entries newer than the window (a clock set back does not
 * make the log older), and on a kiosk joined to a site, entries the site
 * server has not received yet (site_state.log_pushed_seq; site_log.c pushes
 * entries after it), so the site's copy of this kiosk's chain never has a
 * hole: it keeps every entry it received, and a checkpoint it receives
 * (a log pruned before the kiosk joined) starts its copy the same way.
 */
#include "store_internal.h"
#include "audit_internal.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/i18n.h"
#include "gatehouse/oplog.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

static enum gh_status read_int(struct gh_store *st, const char *sql, int64_t a, int64_t b,
                               int64_t *out)
{
    sqlite3_stmt *q = gh_store_prepare(st, sql);
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    gh_store_done(st, q);
    return rc == SQLITE_ROW ? GH_OK : gh_store_sqlfail(st, _("reading the activity log"));
}

/* The last entry to prune (0: none) and the first one there is now. */
static enum gh_status prune_upto(struct gh_store *st, int64_t cutoff, int64_t *k,
                                 int64_t *first)
{
    int64_t cp = 0, pushed = 0;
    enum gh_status s = gh_audit_checkpoint(st, &cp, NULL);
    if (s == GH_OK)
        s = read_int(st, "SELECT coalesce(min(seq), 0) FROM audit", 0, 0, first);
    /* The checkpoint's own time is when it was written: skip it. */
    if (s == GH_OK)
        s = read_int(st, "SELECT coalesce((SELECT min(seq) FROM audit WHERE at >= ?1 AND "
                         "seq > ?2) - 1, (SELECT max(seq) FROM audit), 0)",
                     cutoff, cp, k);
    if (s == GH_OK)
        s = read_int(st, "SELECT CASE WHEN enabled THEN log_pushed_seq ELSE -1 END "
                         "FROM site_state", 0, 0, &pushed);
    if (s != GH_OK)
        return s;
    if (pushed >= 0 && *k > pushed)
        *k = pushed;             /* the site server must get them first */
    if (*k <= cp)
        *k = 0;
    return GH_OK;
}

static enum gh_status write_checkpoint(struct gh_store *st, struct gh_audit_entry *e,
                                       const char *continues)
{
    char seal[65];
    gh_audit_checkpoint_seal(e, continues, seal);
    return gh_store_run(st, _("writing the activity log"),
                        "INSERT INTO audit (seq, at, actor, action, target, outcome, reason, "
                        "prev_hash, hash, hash_version) VALUES (?1, ?2, ?3, ?4, ?5, 'ok', ?6, "
                        "?7, ?8, 2)",
                        GH_INT(e->seq), GH_INT(e->at), GH_TEXT(e->actor), GH_TEXT(e->action),
                        GH_TEXT(e->target), GH_TEXT(e->reason), GH_TEXT(seal),
                        GH_TEXT(continues));
}

/* In the open transaction: entries first..k out, the checkpoint in. */
static enum gh_status replace(struct gh_store *st, const char *actor, int64_t days,
                              int64_t first, int64_t k)
{
    struct gh_audit_entry e;
    char continues[65] = "";
    sqlite3_stmt *q = gh_store_prepare(st, "SELECT hash FROM audit WHERE seq = ?1");
    if (!q)
        return gh_store_sqlfail(st, _("reading the activity log"));
    sqlite3_bind_int64(q, 1, k);
    if (sqlite3_step(q) == SQLITE_ROW)
        gh_store_copy(continues, sizeof continues, gh_store_col_text(q, 0));
    gh_store_done(st, q);
    if (strlen(continues) != 64)
        return gh_store_fail(st, GH_E_TAMPERED,
                             _("entry %lld: no hash to continue from; run `log verify`"),
                             (long long)k);
    enum gh_status s = gh_store_run(st, _("pruning the activity log"),
                                    "DELETE FROM audit WHERE seq <= ?1", GH_INT(k));
    if (s != GH_OK)
        return s;
    memset(&e, 0, sizeof e);
    e.seq = k;
    e.at = gh_clock_now_ms();
    gh_store_copy(e.actor, sizeof e.actor, actor && *actor ? actor : "system");
    gh_store_copy(e.action, sizeof e.action, GH_AUDIT_CHECKPOINT);
    gh_store_copy(e.target, sizeof e.target, "log");
    e.outcome = GH_OUTCOME_OK;
    snprintf(e.reason, sizeof e.reason,
             "entries %lld to %lld pruned (older than %lld days, log_retention_days); the log "
             "continues from entry %lld's hash",
             (long long)first, (long long)k, (long long)days, (long long)k);
    return write_checkpoint(st, &e, continues);
}

enum gh_status gh_audit_prune(struct gh_store *st, const char *actor, int64_t days,
                              int64_t *pruned)
{
    int64_t k = 0, first = 0, cp = 0;
    if (pruned)
        *pruned = 0;
    if (days <= 0)
        return GH_OK;
    enum gh_status s = gh_store_begin(st);
    if (s != GH_OK)
        return s;
    s = prune_upto(st, gh_clock_now_ms() - days * DAY_MS, &k, &first);
    if (s == GH_OK && k > 0 && (s = gh_audit_checkpoint(st, &cp, NULL)) == GH_OK)
        s = replace(st, actor, days, first, k);
    if (s != GH_OK) {
        gh_store_rollback(st);
        return s;
    }
    if ((s = gh_store_commit(st)) != GH_OK)
        return s;
    if (k > 0 && pruned)
        *pruned = k - first + 1 - (cp ? 1 : 0);   /* an old checkpoint is no entry */
    /* The pruned text may sit in the WAL's older frames: into the file
     * (freed space zeroed by secure_delete) and the WAL emptied. */
    if (k > 0 && !gh_store_in_tx(st) &&
        gh_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", _("checkpointing")) != GH_OK)
        st->errmsg[0] = '\0';
    return GH_OK;
}

int64_t gh_audit_retention_tick(struct gh_audit_retention *r, struct gh_store *st,
                                int64_t days, int64_t mono_now_ms)
{
    int64_t n = 0;
    if (r->started && mono_now_ms < r->next_ms)
        return r->next_ms - mono_now_ms;
    r->started = 1;
    r->next_ms = mono_now_ms + GH_AUDIT_PRUNE_EVERY_MS;
    if (days <= 0)
        return GH_AUDIT_PRUNE_EVERY_MS;
    if (gh_audit_prune(st, "kiosk", days, &n) != GH_OK)
        gh_oplog(GH_LOG_WARN, "log retention: pruning failed: %s", gh_store_errmsg(st));
    else if (n > 0)
        gh_oplog(GH_LOG_INFO, "log retention: %lld entries older than %lld days pruned",
                 (long long)n, (long long)days);
    return GH_AUDIT_PRUNE_EVERY_MS;
}
