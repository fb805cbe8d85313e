/*
 * digest.h: the daily digest to the building's management (settings
 * digest_to, digest_hour): numbers read from the activity log since the
 * previous digest, and the log anchor (the newest entry's SEQ:HASH), so a
 * copy of the log's head leaves the building once a day by mail. A later
 * `gatehousectl log verify --anchor SEQ:HASH` then proves the log was not cut
 * after that mail left.
 */
#ifndef GATEHOUSE_DIGEST_H
#define GATEHOUSE_DIGEST_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;

struct gh_digest {
    int64_t since_seq;           /* entries after this one are counted */
    int64_t head_seq;            /* ... up to and including this one */
    char head_hash[65];
    int64_t signups, approvals, rejections, switched_off;
    int64_t doors_opened, doors_refused, wrong_codes, throttles;
    int64_t mail_sent, mail_failed, mail_cancelled, relay_problems;
    int64_t pending_now;
    char opened_by_door[512];    /* "Gate 12, Lobby 3" (most first) */
    char refused_by_door[512];
};

/* Counts what happened since the previous digest (the newest "log.digest"
 * entry; the whole log if none). */
enum gh_status gh_digest_count(struct gh_store *st, struct gh_digest *out);
/* Queues the digest to every address of digest_to and logs "log.digest"
 * (target "daily" or "on request") with the anchor. *queued: messages
 * queued (0 and GH_OK when digest_to is empty); anchor (may be NULL) gets
 * the "SEQ:HASH" the digest carries. */
enum gh_status gh_digest_queue(struct gh_store *st, const char *actor, int daily,
                               int *queued, char anchor[96]);
/* 1 when the daily digest is due at now_ms (local time): digest_to set, the
 * hour reached, and no daily digest yet on this local date. */
int gh_digest_due(struct gh_store *st, int64_t now_ms);

#endif
