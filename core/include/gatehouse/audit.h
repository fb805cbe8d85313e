/*
 * audit.h: the activity log (SPEC "Activity log"). Append-only; each entry's
 * hash is SHA-256 over the previous entry's hash and its own content (every
 * field's exact bytes and type), so gh_audit_verify finds the first entry
 * changed, removed or reordered. Cutting the newest entries off leaves a
 * chain that verifies: that is what anchors are for ("SEQ:HASH" of an entry,
 * kept outside the database and checked with gh_audit_check_anchor).
 */
#ifndef GATEHOUSE_AUDIT_H
#define GATEHOUSE_AUDIT_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;

enum gh_outcome { GH_OUTCOME_OK = 0, GH_OUTCOME_REFUSED = 1, GH_OUTCOME_FAILED = 2 };

struct gh_audit_entry {
    int64_t seq;
    int64_t at;              /* unix ms */
    char actor[128];
    char action[64];         /* "account.create", "door.unlock", "mail.sent" ... */
    char target[256];
    enum gh_outcome outcome;
    char reason[512];
    char hash[65];
};

/* Appends inside the caller's transaction if one is open. Never fails
 * silently: an error is returned and set on the handle. */
enum gh_status gh_audit_append(struct gh_store *st, const char *actor, const char *action,
                               const char *target, enum gh_outcome outcome,
                               const char *reason);
/* printf-style reason. */
enum gh_status gh_audit_appendf(struct gh_store *st, const char *actor, const char *action,
                                const char *target, enum gh_outcome outcome,
                                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
typedef int (*gh_audit_fn)(void *ud, const struct gh_audit_entry *e);
/* Newest first, at most limit (0: all). */
enum gh_status gh_audit_list(struct gh_store *st, int limit, gh_audit_fn fn, void *ud);
/* GH_OK when intact (*bad_seq = 0, *count = entries). GH_E_TAMPERED with
 * *bad_seq = the first entry that does not verify, and errmsg explaining.
 * An empty log while the database holds accounts is GH_E_TAMPERED at entry 1
 * (every account was created with a log entry; nothing removes them). */
enum gh_status gh_audit_verify(struct gh_store *st, int64_t *bad_seq, int64_t *count);
const char *gh_outcome_name(enum gh_outcome o);

/* Issue 16: entries name accounts by kind and id only ("occupant:12",
 * "staff:3", "account:7"), never by name or email, so removing a person
 * erases them without touching the chain. gh_audit_show writes text (an
 * entry's actor, target or reason) into out with each such reference
 * followed by who it is now, "occupant:12 (Hana Z, hana@example.org)", or
 * replaced by "removed occupant #12" once removed. References followed by
 * ':' and a non-space (entries written before the change, "staff:3:sam@...")
 * and unknown ids are shown as stored. Display only: what is stored is not changed. */
void gh_audit_show(struct gh_store *st, const char *text, char *out, size_t len);

/* The newest entry's seq (0: empty log) and hash (64 zeros when empty): an
 * anchor to keep outside the database, since deleting the newest entries
 * leaves a chain that still verifies. */
enum gh_status gh_audit_head(struct gh_store *st, int64_t *count, char hash_out[65]);

/* "SEQ:HASH" (what `log head` prints) into seq and a lower-case hash.
 * GH_E_INVALID unless SEQ is a number >= 1 and HASH 64 hex digits, or the
 * empty log's "0:" and 64 zeros (an anchor that any log holds). */
enum gh_status gh_audit_anchor_parse(const char *text, int64_t *seq, char hash[65]);
/* GH_OK when entry seq is in the log with exactly this hash; GH_E_TAMPERED,
 * with errmsg naming the anchor, when it is missing (entries cut off the end)
 * or another (the log rewritten); GH_E_EXPIRED, errmsg saying "before the
 * retention window", when seq is older than the log's checkpoint (pruned by
 * log_retention_days: not tampering). An anchor at the checkpoint's own seq
 * still holds: the checkpoint keeps that entry's hash. */
enum gh_status gh_audit_check_anchor(struct gh_store *st, int64_t seq, const char *hash);

/* ---- retention (issue 16; audit_retention.c) ----------------------------
 * log_retention_days (store.h, default 0: keep everything). Pruning deletes
 * the entries older than that many days, in one transaction, and puts in
 * their place one checkpoint entry: action GH_AUDIT_CHECKPOINT, the seq of
 * the last entry pruned, its `hash` that entry's hash (so the entry after it
 * still chains, and an anchor at that seq still holds) and its `prev_hash`
 * a seal over its own content. gh_audit_verify verifies from the
 * checkpoint on; only the first entry may be one. Entries the site server
 * has not received yet are never pruned (site.h). */
#define GH_AUDIT_CHECKPOINT "log.checkpoint"
/* Prunes entries older than `days` days (days <= 0: nothing); *pruned is
 * how many entries went (0 when none was old enough). The WAL is
 * checkpointed afterwards so the pruned text leaves it too. */
enum gh_status gh_audit_prune(struct gh_store *st, const char *actor, int64_t days,
                              int64_t *pruned);
/* The checkpoint's seq and time (0, 0 when the log was never pruned). */
enum gh_status gh_audit_checkpoint(struct gh_store *st, int64_t *seq, int64_t *at);
/* The kiosk prunes once a day: call from its loop with the monotonic clock
 * and the setting's value; prunes at the first call and every 24 h after.
 * Returns the milliseconds until it wants to be called again. Zero the
 * struct first. */
#define GH_AUDIT_PRUNE_EVERY_MS (24 * 3600 * 1000LL)
struct gh_audit_retention {
    int started;
    int64_t next_ms;     /* monotonic ms of the next prune */
};
int64_t gh_audit_retention_tick(struct gh_audit_retention *r, struct gh_store *st,
                                int64_t days, int64_t mono_now_ms);

/* The kiosk's anchor in the journal: call from its loop with the monotonic
 * clock. An hour after the first call, and every hour after that, if the log
 * has grown since the last line (or since start), writes
 * "log head: SEQ:HASH" to the operational log (oplog.h, info). Returns the
 * milliseconds until it wants to be called again. Zero the struct first. */
#define GH_AUDIT_ANCHOR_EVERY_MS (3600 * 1000)
struct gh_audit_anchor {
    int started;
    int64_t next_ms;     /* monotonic ms of the next look */
    int64_t seq;         /* head at the last line written (or at start) */
};
int64_t gh_audit_anchor_tick(struct gh_audit_anchor *a, struct gh_store *st,
                             int64_t mono_now_ms);

#endif
