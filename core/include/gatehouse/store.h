/*
 * store.h: the one SQLite database of a kiosk, and its settings.
 *
 * A struct gh_store is a connection (WAL, foreign keys on, busy timeout) with
 * its own error message, like sqlite3's errmsg: a function that returns
 * something other than GH_OK leaves a sentence for a person in
 * gh_store_errmsg(), naming the field or rule ("email: must contain one @").
 * A handle is used by one thread at a time; a second thread opens its own.
 *
 * Every core module takes the store as its first argument and does its SQL
 * through it; nothing outside core/src sees SQL.
 */
#ifndef GATEHOUSE_STORE_H
#define GATEHOUSE_STORE_H
#include <stddef.h>
#include <stdint.h>
#include "gatehouse/status.h"
#include "gatehouse/event.h"

struct gh_store;

/* Opens (creating if needed) and migrates the database at path. On failure
 * *out is NULL and err holds the reason. A database written by a newer
 * Gatehouse is refused with GH_E_SCHEMA. */
enum gh_status gh_store_open(const char *path, struct gh_store **out,
                             char *err, size_t errlen);
void gh_store_close(struct gh_store *st);
const char *gh_store_path(const struct gh_store *st);
const char *gh_store_errmsg(const struct gh_store *st);
/* Sets the handle's message (printf-style); returns s, for `return gh_store_fail(...)`.
 * fmt is never a translation on its own: gh_store_fail(st, s, "%s", _("...")).
 * A translated format with its own placeholders, _("no account with id %lld"),
 * is fine: the literal is inside _() and the arguments match it (checked by
 * building with _() defined as the identity and -Wformat=2). */
enum gh_status gh_store_fail(struct gh_store *st, enum gh_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int gh_store_schema_version(const struct gh_store *st);
int gh_store_schema_latest(void);

/* Transactions nest: only the outermost begin/commit touches SQLite. */
enum gh_status gh_store_begin(struct gh_store *st);
enum gh_status gh_store_commit(struct gh_store *st);
void gh_store_rollback(struct gh_store *st);

/* Events raised by core functions after they commit (see event.h). One
 * listener per handle; the kiosk's plugin host fans them out. */
void gh_store_set_listener(struct gh_store *st, gh_event_fn fn, void *ud);
void gh_store_emit(struct gh_store *st, const struct gh_event *ev);

/* ---- Settings (SPEC "Settings"), validated, changes logged ---------------- */
#define GH_SETTING_SELF_SIGNUP      "self_signup"           /* on|off, default on */
#define GH_SETTING_SIGNUP_APPROVAL  "signup_approval"       /* on|off, default on */
#define GH_SETTING_SIGNUP_ACCESS    "signup_default_access" /* none|all */
#define GH_SETTING_UNLOCK_MS        "unlock_ms"             /* 5000 */
#define GH_SETTING_IDLE_TIMEOUT_S   "idle_timeout_s"        /* 60 */
#define GH_SETTING_PIN_ATTEMPTS     "pin_attempts"          /* 5 */
#define GH_SETTING_LOCKOUT_MIN      "lockout_min"           /* 15 */
#define GH_SETTING_KIOSK_NAME       "kiosk_name"            /* "Gatehouse" */
#define GH_SETTING_DIGEST_TO        "digest_to"             /* "a@x, b@y"; "" no digest */
#define GH_SETTING_DIGEST_HOUR      "digest_hour"           /* 0-23 local, default 7 */
#define GH_SETTING_PHONE_COUNTRY    "phone_country"         /* calling code, "1" */
/* issue 18: an overlocked tenant is refused at common doors too (on|off, off) */
#define GH_SETTING_OVERLOCK_GATES   "overlock_gates"
/* issue 18: access of occupants an import creates: all|none|site|group:NAME */
#define GH_SETTING_IMPORT_ACCESS    "import_default_access"
/* issue 16: days of activity log kept, 0-36500, default 0 (keep everything);
 * older entries are pruned daily behind a checkpoint (audit.h) */
#define GH_SETTING_LOG_RETENTION_DAYS "log_retention_days"

/* Current value as text (default if unset); NULL for an unknown key. The
 * pointer stays valid until the next settings call on this handle. */
const char *gh_settings_get(struct gh_store *st, const char *key);
int64_t gh_settings_get_int(struct gh_store *st, const char *key);
int gh_settings_get_bool(struct gh_store *st, const char *key);
/* Validates (unknown key, bad value: GH_E_INVALID naming the key), stores,
 * logs "settings.set" with actor. */
enum gh_status gh_settings_set(struct gh_store *st, const char *actor,
                               const char *key, const char *value);
/* Iterates every known key with its current value and default. */
typedef int (*gh_settings_fn)(void *ud, const char *key, const char *value,
                              const char *def);
enum gh_status gh_settings_each(struct gh_store *st, gh_settings_fn fn, void *ud);

#endif
