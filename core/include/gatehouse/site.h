/*
 * site.h: several kiosks, one site (issue 20; docs/site-server.md).
 *
 * A site's system of record is a PostgreSQL server; every kiosk keeps its
 * own SQLite database and decides from it alone, with or without the server.
 * What a kiosk changes is captured by SQLite triggers into a local queue
 * (site_queue, in the same transaction as the change) and pushed when the
 * server can be reached; what the server numbers is pulled and applied, one
 * SQLite transaction per batch. PostgreSQL SQL lives only in core/src/site_*.c
 * and core/sql-site/.
 *
 * No [site] in the configuration: none of this runs and the triggers do
 * nothing (site_state.enabled = 0), a single kiosk exactly as before.
 *
 * A struct gh_site is one connection to the server for one kiosk database,
 * used by one thread. Errors: the store's errmsg, as everywhere in the core.
 */
#ifndef GATEHOUSE_SITE_H
#define GATEHOUSE_SITE_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"

struct gh_store;
struct gh_config;
struct gh_site;

#define GH_SETTING_SITE_STALE_AFTER_S "site_stale_after_s"      /* 300 */
#define GH_SETTING_OFFLINE_DENY_AFTER_H "offline_deny_after_h"  /* 0 = never */

/* The newest server schema this program knows. */
int gh_site_schema_latest(void);

/* Connects to cfg's [site] server as kiosk cfg's [site] kiosk, for the
 * database st. GH_E_CONFIG when the configuration has no [site], or names no
 * kiosk; GH_E_UNAVAILABLE when the server can't be reached (errmsg says
 * why). The schema is not checked here (gh_site_check_schema). */
enum gh_status gh_site_connect(struct gh_store *st, const struct gh_config *cfg,
                               struct gh_site **out);
void gh_site_close(struct gh_site *site);

/* Creates or upgrades the server's schema (idempotent, under a lock: two
 * kiosks running it at once are fine). A server schema newer than this
 * program is refused with GH_E_SCHEMA. *from and *to: the versions. */
enum gh_status gh_site_init_schema(struct gh_site *site, int *from, int *to);
/* GH_OK when the server's schema is the one this program knows;
 * GH_E_SCHEMA (errmsg says which way) otherwise. */
enum gh_status gh_site_check_schema(struct gh_site *site);

/* What site join did. */
enum gh_site_join_kind { GH_SITE_JOINED_SNAPSHOT, GH_SITE_JOINED_FIRST, GH_SITE_JOINED_AGAIN };
/* Joins the kiosk to the site: an empty server gets this kiosk's data (the
 * first kiosk of a site); an empty kiosk database loads the server's
 * snapshot; a kiosk that already joined just syncs. Both non-empty and
 * never joined: refused (GH_E_REFUSED), nothing changed. The kiosk's site
 * key must be the site's (fingerprint checked; GH_E_REFUSED otherwise). */
enum gh_status gh_site_join(struct gh_site *site, enum gh_site_join_kind *kind);

/* `site join --key FILE` (site_keyfile.c): makes the site key in file this
 * kiosk's, before gh_site_join. Refused (GH_E_REFUSED) when file's
 * fingerprint is not the one the server recorded, or when this kiosk's own
 * key already hashed codes or cards (or it joined) and force is 0. The old
 * key is kept as "<db>.key.old-SECONDS". *replaced: 1 when the key changed,
 * 0 when the kiosk held it already. */
enum gh_status gh_site_key_install(struct gh_site *site, const char *file, int force,
                                   int *replaced);

/* What one sync did. */
struct gh_site_sync_result {
    int64_t pushed;          /* local changes the server accepted */
    int64_t pulled;          /* server changes applied here */
    int64_t last_num;        /* the last server change number applied */
};
/* Pushes every queued local change, then pulls and applies every server
 * change after the last one applied. Idempotent after a crash. */
enum gh_status gh_site_sync(struct gh_site *site, struct gh_site_sync_result *r);
/* Pushes only / pulls only (the kiosk's thread pulls on NOTIFY). */
enum gh_status gh_site_push(struct gh_site *site, int64_t *pushed);
enum gh_status gh_site_pull(struct gh_site *site, int64_t *pulled);

/* The site log (site_log.c): pushes this kiosk's activity log entries the
 * server lacks; checks every kiosk's chain and the site chain over them
 * (GH_E_TAMPERED naming the kiosk and entry). */
enum gh_status gh_site_log_push(struct gh_site *site, int64_t *pushed);
enum gh_status gh_site_log_verify(struct gh_site *site, int64_t *entries, int *kiosks);

/* ---- the kiosk program's sync thread (site_thread.c) ---------------------- */
/* Starts syncing continuously on a thread of its own, with its own database
 * handle (cfg's [store] path) and connection. No [site] server: GH_OK and
 * nothing started. The thread retries an unreachable server by itself. */
enum gh_status gh_site_thread_start(const struct gh_config *cfg, char *err, size_t errlen);
/* Stops it and waits for it (at most one exchange with the server). */
void gh_site_thread_stop(void);

/* ---- the kiosk's side, from its SQLite alone (no server needed) ---------- */
struct gh_site_status {
    int joined;              /* site join has run on this database */
    int64_t last_num;        /* last server change applied */
    int64_t last_contact_ms; /* last successful exchange with the server, 0 never */
    int64_t offline_since_ms;/* first failed contact since the last good one, 0 none */
    int64_t queued;          /* local changes waiting for the server */
    int64_t conflicts;       /* sign-ups withdrawn by the server */
};
enum gh_status gh_site_status_read(struct gh_store *st, struct gh_site_status *out);
/* 1 when the kiosk counts as offline: a failed contact since the last good
 * one, or none for site_stale_after_s. */
int gh_site_stale(struct gh_store *st, const struct gh_site_status *s);
/* 1 (and the sentence in why) when offline_deny_after_h > 0 and this kiosk
 * has not reached the server for that long: unlocks are refused. */
int gh_site_offline_deny(struct gh_store *st, char *why, size_t n);
/* The staff screen (site_notice.c). 1 and the sentence ("Working offline
 * since HH:MM: ...", local time) in out when the kiosk joined a site and
 * counts as offline (gh_site_stale); 0 and "" otherwise. */
int gh_site_offline_line(struct gh_store *st, int64_t now_ms, char *out, size_t n);
/* A local row the server withdrew (another kiosk's reached it first). */
struct gh_site_conflict {
    int64_t id, at;
    char tbl[32];
    char what[256];          /* the account's email */
};
typedef int (*gh_site_conflict_fn)(void *ud, const struct gh_site_conflict *c);
/* Conflicts, oldest first (unseen_only: those no staff member marked seen);
 * fn nonzero stops. */
enum gh_status gh_site_conflicts(struct gh_store *st, int unseen_only, gh_site_conflict_fn fn,
                                 void *ud);
/* One conflict as the sentence a staff member reads. */
void gh_site_conflict_text(const struct gh_site_conflict *c, char *out, size_t n);
/* Marks every conflict seen, logged ("site.conflict" seen) when any. */
enum gh_status gh_site_conflicts_seen(struct gh_store *st, const char *actor, int64_t *marked);
/* The digest's line (site_offline.c): each kiosk of the site and how long it
 * was offline between since_ms and now_ms ("A none; B 12 min (offline now,
 * since ...)"), this kiosk's current period included; "" when this kiosk
 * is not part of a site. */
enum gh_status gh_site_offline_summary(struct gh_store *st, int64_t since_ms, int64_t now_ms,
                                       char *out, size_t n);
/* 1 when mail about account_id waits for the server to accept its sign-up. */
int gh_site_mail_held(struct gh_store *st, int64_t account_id);
/* Gives a claimed held message back, due again in a few seconds; *skipped = 1
 * so the deliverer leaves it out of its batch. */
enum gh_status gh_site_mail_hold(struct gh_store *st, int64_t mail_id, int *skipped);

#endif
