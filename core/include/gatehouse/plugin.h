/*
 * plugin.h: everything a Gatehouse plugin needs, and the only header it
 * includes.
 *
 * The core headers are included for their types (struct gh_account, ...),
 * not their functions: in a plugin build (GH_HOST_SIDE not defined) the
 * generated gatehouse/plugin_redirect.h, included at the end, turns every
 * core function named directly into a compile error that names the
 * host->core member to call instead (SQLite's sqlite3ext.h idea). The
 * programs and the core define GH_HOST_SIDE.
 *
 * A plugin is a shared object exporting one function, named after it:
 *
 *     GH_PLUGIN_EXPORT(hello) { static const struct gh_plugin p = {
 *         .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR,
 *         .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
 *         .name = "hello", .init = hello_init };  return &p; }
 *
 * The host checks the descriptor (size, ABI major, build signature, required
 * callbacks), then calls init() with a host table: registration functions for
 * screens, home tiles, gatehousectl commands, event hooks and pollers; the
 * operational log; the clock; the core's functions (struct gh_core_api) and
 * the UI toolkit (struct gh_ui_api, NULL in gatehousectl). Tables only grow
 * at their end; a plugin checks `size` before using a newer member. If init
 * fails, everything the plugin registered is rolled back. Plugins are never
 * unloaded.
 */
#ifndef GATEHOUSE_PLUGIN_H
#define GATEHOUSE_PLUGIN_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "gatehouse/status.h"
#include "gatehouse/i18n.h"
#include "gatehouse/event.h"
#include "gatehouse/store.h"
#include "gatehouse/config.h"
#include "gatehouse/account.h"
#include "gatehouse/group.h"
#include "gatehouse/location.h"
#include "gatehouse/access.h"
#include "gatehouse/auth.h"
#include "gatehouse/audit.h"
#include "gatehouse/outbox.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/throttle.h"
#include "gatehouse/openings.h"
#include "gatehouse/card.h"
#include "gatehouse/request.h"
#include "gatehouse/inbox.h"
#include "gatehouse/ui.h"
#include "gatehouse/oplog.h"
#include "gatehouse/overlock.h"

#define GH_PLUGIN_ABI_MAJOR 1
#define GH_PLUGIN_ABI_MINOR 4

#define GH_STR_(x) #x
#define GH_STR(x) GH_STR_(x)
#if defined(__SANITIZE_ADDRESS__)
#define GH_SIG_SAN "asan"
#else
#define GH_SIG_SAN "plain"
#endif
/* Build signature: what must match between host and plugin beyond the ABI
 * numbers (pointer size, int size, sanitizer runtime). */
#define GH_PLUGIN_SIGNATURE \
    "gatehouse-abi" GH_STR(GH_PLUGIN_ABI_MAJOR) ":ptr" GH_STR(__SIZEOF_POINTER__) \
    ":long" GH_STR(__SIZEOF_LONG__) ":" GH_SIG_SAN

struct gh_host;
struct gh_plugin_ctx;             /* the host's record of one plugin */
struct gh_command;                /* a gatehousectl command, below */

struct gh_plugin {
    size_t size;                  /* sizeof(struct gh_plugin) the plugin saw */
    unsigned abi_major, abi_minor;
    const char *signature;        /* GH_PLUGIN_SIGNATURE */
    const char *name;             /* must match the exported function's suffix */
    const char *version;
    const char *description;
    /* required: register things through host; *state is passed back to every
     * callback. Return GH_OK, or a status and a sentence in err. */
    enum gh_status (*init)(const struct gh_host *host, void **state,
                           char *err, size_t errlen);
    /* optional: on shutdown (SIGTERM/SIGINT included) */
    void (*shutdown)(void *state);
    /* ABI 1.1, optional: the gatehousectl commands init registers, as a
     * NULL-terminated list (name, usage and summary are read from it; run
     * may be NULL here). gatehousectl lists them in --help and matches a
     * typed command against them without running any plugin's init; a
     * plugin that sets this may register only commands listed here. NULL:
     * not declared (as in ABI 1.0), so gatehousectl must run every init to
     * find out. */
    const struct gh_command *const *commands;
};

#define GH_PLUGIN_ENTRY_PREFIX "gh_plugin_"
#define GH_PLUGIN_EXPORT(name) \
    __attribute__((visibility("default"))) const struct gh_plugin *gh_plugin_##name(void); \
    __attribute__((visibility("default"))) const struct gh_plugin *gh_plugin_##name(void)

/* ---- what a plugin registers ------------------------------------------- */
struct gh_screen {
    size_t size;
    const char *id;               /* "signup.form": unique across plugins */
    unsigned staff_perm;          /* 0: public; else the staff permission needed */
    void (*enter)(void *state, struct gh_ui *ui, const void *arg);
    void (*draw)(void *state, struct gh_ui *ui);      /* required */
    void (*leave)(void *state);   /* wipe what was typed */
};

enum gh_tile_area { GH_TILE_HOME = 0, GH_TILE_STAFF = 1 };
struct gh_tile {
    size_t size;
    const char *id;               /* "tile.signup" */
    const char *label;            /* English; the host translates */
    const char *screen;           /* screen id pushed on tap */
    enum gh_tile_area area;
    unsigned staff_perm;          /* staff area: the permission needed */
    int order;                    /* lower first; ties by load order */
    int (*visible)(void *state);  /* optional: 0 hides the tile now */
    int64_t (*badge)(void *state);/* optional: a count shown on the tile, <=0 none */
    /* ABI 1.2 (appended): one line under the label on the home tile saying
     * what it is for ("New here? Ask for access"); English, the host
     * translates; NULL none. Read with GH_HAS(tile, subtitle). */
    const char *subtitle;
};

struct gh_cmd_ctx {
    size_t size;
    struct gh_store *store;
    /* for a plugin's command, the copy without mail credentials (gh_host) */
    const struct gh_config *config;
    const char *actor;            /* "cli" */
    int json;
    FILE *out, *err;
    const struct gh_host *host;
};
struct gh_command {
    size_t size;
    const char *name;             /* "relay list": words matched against argv */
    const char *usage;            /* "relay list" */
    const char *summary;
    /* argv holds the words after the name. Exit code: 0, 1 refused/failed,
     * 2 usage. */
    int (*run)(void *state, struct gh_cmd_ctx *ctx, int argc, char **argv);
};

typedef void (*gh_hook_fn)(void *state, const struct gh_event *ev);
/* Called from the kiosk loop (and by gatehousectl commands that wait):
 * returns ms until it wants to be called again, or -1 for "only on events". */
typedef int (*gh_poll_fn)(void *state, int64_t mono_now_ms);

/* Log levels are oplog.h's enum gh_log_level (GH_LOG_ERR ... GH_LOG_DEBUG).
 * The names ABI 1.1 had here, kept so older sources compile: */
#define GH_PLOG_ERR GH_LOG_ERR
#define GH_PLOG_WARN GH_LOG_WARN
#define GH_PLOG_INFO GH_LOG_INFO
#define GH_PLOG_DEBUG GH_LOG_DEBUG

/* ABI 1.2: the deployment configuration a plugin may read (host->config_view):
 * no mail credentials. Strings point into the host's copy, valid while the
 * program runs. */
struct gh_config_view {
    size_t size;
    const char *path;             /* the file read, "" when defaults */
    const char *store_path;
    const char *plugin_dir;
    const char *kiosk_door;       /* a door kiosk at this location; "" = lobby */
    const char *mail_from;        /* "" = not set */
    int mail_enabled;             /* a mail relay is configured */
    int width, height, rotation, fullscreen;
    double scale;
};

/* ---- the core's functions, as a table ----------------------------------- */
struct gh_core_api {
    size_t size;
    const char *(*errmsg)(const struct gh_store *st);
    const char *(*strerror)(enum gh_status s);
    /* settings */
    /* The value, in a buffer the next call overwrites: use settings_read
     * (ABI 1.2), which copies into the caller's. */
    const char *(*settings_get)(struct gh_store *st, const char *key);
    int64_t (*settings_get_int)(struct gh_store *st, const char *key);
    int (*settings_get_bool)(struct gh_store *st, const char *key);
    enum gh_status (*settings_set)(struct gh_store *st, const char *actor,
                                   const char *key, const char *value);
    /* identifiers */
    int (*check_email)(const char *email, char *err, size_t errlen);
    int (*check_name)(const char *name, char *err, size_t errlen);
    int (*normalize_phone)(const char *phone, char *out, size_t outlen,
                           char *err, size_t errlen);
    void (*mask_email)(const char *email, char *out, size_t outlen);
    /* accounts */
    enum gh_status (*account_find)(struct gh_store *st, const char *who, struct gh_account *out);
    enum gh_status (*account_get)(struct gh_store *st, int64_t id, struct gh_account *out);
    void (*account_actor)(const struct gh_account *a, char *buf, size_t len);
    enum gh_status (*account_list)(struct gh_store *st, const struct gh_account_query *q,
                                   gh_account_fn fn, void *ud);
    enum gh_status (*account_count)(struct gh_store *st, const struct gh_account_query *q,
                                    int64_t *out);
    enum gh_status (*occupant_create)(struct gh_store *st, const char *actor,
                                      const struct gh_account_new *in, int64_t *id_out);
    enum gh_status (*occupant_signup)(struct gh_store *st, const char *actor,
                                      const struct gh_signup *in, struct gh_signup_result *out);
    enum gh_status (*occupant_approve)(struct gh_store *st, const char *actor, int64_t id);
    enum gh_status (*occupant_reject)(struct gh_store *st, const char *actor, int64_t id);
    enum gh_status (*occupant_set_state)(struct gh_store *st, const char *actor, int64_t id,
                                         enum gh_state to);
    enum gh_status (*occupant_set_access)(struct gh_store *st, const char *actor, int64_t id,
                                          enum gh_access access, const char *group,
                                          const char *const *locations, int n);
    enum gh_status (*account_update)(struct gh_store *st, const char *actor, int64_t id,
                                     const char *name, const char *phone);
    enum gh_status (*account_resend_welcome)(struct gh_store *st, const char *actor, int64_t id);
    void (*account_touch)(struct gh_store *st, int64_t id);
    /* groups */
    enum gh_status (*group_add)(struct gh_store *st, const char *actor,
                                const struct gh_group_new *in, int64_t *id_out);
    enum gh_status (*group_find)(struct gh_store *st, const char *name, struct gh_group *out);
    enum gh_status (*group_get)(struct gh_store *st, int64_t id, struct gh_group *out);
    enum gh_status (*group_list)(struct gh_store *st, int include_archived,
                                 gh_group_fn fn, void *ud);
    enum gh_status (*group_archive)(struct gh_store *st, const char *actor, const char *name,
                                    int force, int64_t *losing);
    enum gh_status (*group_member_add)(struct gh_store *st, const char *actor,
                                       const char *group, int64_t account_id);
    enum gh_status (*group_member_remove)(struct gh_store *st, const char *actor,
                                          const char *group, int64_t account_id);
    /* locations, doors, units */
    enum gh_status (*location_find)(struct gh_store *st, const char *name_or_id,
                                    struct gh_location *out);
    enum gh_status (*location_get)(struct gh_store *st, int64_t id, struct gh_location *out);
    enum gh_status (*location_list)(struct gh_store *st, gh_location_fn fn, void *ud);
    enum gh_status (*unit_share)(struct gh_store *st, const char *actor, int64_t unit, int on);
    enum gh_status (*unit_list_for)(struct gh_store *st, int64_t account_id,
                                    gh_location_fn fn, void *ud);
    /* access */
    enum gh_status (*access_decide)(struct gh_store *st, int64_t who, int64_t door,
                                    struct gh_decision *out);
    enum gh_status (*access_decide_logged)(struct gh_store *st, const char *actor, int64_t who,
                                           int64_t door, int log_as_unlock,
                                           struct gh_decision *out);
    enum gh_status (*access_doors)(struct gh_store *st, int64_t who, gh_location_fn fn,
                                   void *ud, struct gh_decision *why);
    /* auth */
    int (*pin_quality_ok)(const char *pin, char *err, size_t errlen);
    enum gh_status (*auth_login)(struct gh_store *st, const char *actor, const char *who,
                                 const char *pin, struct gh_account *out);
    enum gh_status (*auth_redeem)(struct gh_store *st, const char *actor, const char *who,
                                  const char *code, const char *pin);
    int64_t (*auth_locked_ms)(struct gh_store *st, int64_t id);
    /* activity log */
    enum gh_status (*audit_append)(struct gh_store *st, const char *actor, const char *action,
                                   const char *target, enum gh_outcome outcome,
                                   const char *reason);
    enum gh_status (*audit_list)(struct gh_store *st, int limit, gh_audit_fn fn, void *ud);
    /* outbox */
    int64_t (*outbox_count)(struct gh_store *st, int state);
    /* appended (occupants): search-as-you-type, an account's specific
     * locations, a group's locations and domains */
    enum gh_status (*account_search)(struct gh_store *st, const struct gh_account_query *q,
                                     int cap, gh_account_fn fn, void *ud, int64_t *total);
    enum gh_status (*account_locations)(struct gh_store *st, int64_t id,
                                        int (*fn)(void *ud, const char *name), void *ud);
    enum gh_status (*group_locations)(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud);
    enum gh_status (*group_domains)(struct gh_store *st, int64_t id, gh_name_fn fn, void *ud);
    /* appended (occupants): editing a group */
    enum gh_status (*group_set_access)(struct gh_store *st, const char *actor, const char *name,
                                       int all_locations, const char *const *locations, int n);
    enum gh_status (*group_set_domains)(struct gh_store *st, const char *actor, const char *name,
                                        const char *const *domains, int n);
    enum gh_status (*group_unarchive)(struct gh_store *st, const char *actor, const char *name);
    /* appended (issue 12): door codes and the per-kiosk throttle */
    enum gh_status (*doorcode_attempt)(struct gh_store *st, const char *kiosk, const char *code,
                                       struct gh_account *out, int64_t *wait_ms);
    enum gh_status (*doorcode_issue)(struct gh_store *st, const char *actor, int64_t account_id,
                                     char *code_out, size_t n);
    int (*doorcode_has)(struct gh_store *st, int64_t account_id);
    int64_t (*throttle_wait_ms)(struct gh_store *st, const char *kiosk,
                                enum gh_throttle_kind k);
    enum gh_status (*throttle_fail)(struct gh_store *st, const char *kiosk,
                                    enum gh_throttle_kind k, int64_t *wait_ms);
    enum gh_status (*auth_kiosk_login)(struct gh_store *st, const char *kiosk, const char *who,
                                       const char *pin, struct gh_account *out,
                                       int64_t *wait_ms);
    /* appended (issue 12): Recent openings (openings.h) */
    enum gh_status (*openings_recent)(struct gh_store *st, int64_t who, int limit,
                                      gh_opening_fn fn, void *ud);
    /* appended (issue 15): "Forgot your PIN?" (forgot.h) */
    enum gh_status (*auth_forgot_pin)(struct gh_store *st, const char *actor, const char *who);
    /* ABI 1.2: a setting copied into the caller's buf of len bytes: GH_OK,
     * GH_E_NOTFOUND (no such setting, buf ""), GH_E_INVALID (buf too small,
     * buf ""). */
    enum gh_status (*settings_read)(struct gh_store *st, const char *key, char *buf,
                                    size_t len);
    /* ABI 1.2 (issue 14): the one trim and the one PIN-format rule, so
     * forms check what the core will check (gh_ident_trim in account.h,
     * gh_auth_pin_format_ok in auth.h) */
    int (*trim)(const char *s, char *out, size_t len);
    int (*pin_format_ok)(const char *pin, char *err, size_t errlen);
    /* appended (issue 13): cards and fobs (card.h) */
    enum gh_status (*card_attempt)(struct gh_store *st, const char *kiosk, const char *uid,
                                   struct gh_account *out, int64_t *wait_ms);
    enum gh_status (*card_refused)(struct gh_store *st, const char *kiosk, int64_t *wait_ms);
    enum gh_status (*card_add)(struct gh_store *st, const char *actor, int64_t account_id,
                               const char *uid, int64_t *card_id);
    enum gh_status (*card_remove_id)(struct gh_store *st, const char *actor, int64_t account_id,
                                     int64_t card_id);
    enum gh_status (*card_list)(struct gh_store *st, int64_t account_id, gh_card_fn fn,
                                void *ud);
    int (*card_uid_normalize)(const char *uid, char out[GH_CARD_UID_BUF], char *err,
                              size_t errlen);
    /* ABI 1.3, appended (issue 17): requests (request.h) */
    enum gh_status (*request_add)(struct gh_store *st, const char *actor, int64_t who,
                                  const struct gh_request_new *in, int64_t *id_out);
    enum gh_status (*request_list)(struct gh_store *st, const struct gh_request_query *q,
                                   gh_request_fn fn, void *ud, int64_t *total);
    enum gh_status (*request_get)(struct gh_store *st, int64_t who, int64_t id,
                                  struct gh_request *out);
    enum gh_status (*request_thread)(struct gh_store *st, int64_t who, int64_t id,
                                     gh_request_reply_fn fn, void *ud);
    enum gh_status (*request_reply)(struct gh_store *st, const char *actor, int64_t who,
                                    int64_t id, const char *text, const char *via,
                                    const char *message_id, int64_t *reply_id);
    enum gh_status (*request_resolve)(struct gh_store *st, const char *actor, int64_t who,
                                      int64_t id);
    enum gh_status (*request_reopen)(struct gh_store *st, const char *actor, int64_t who,
                                     int64_t id);
    int64_t (*request_count)(struct gh_store *st, int state);
    enum gh_status (*request_locations)(struct gh_store *st, int64_t who,
                                        int (*fn)(void *ud, int64_t id, const char *name,
                                                  int depth),
                                        void *ud);
    const char *(*request_state_name)(enum gh_request_state s);
    int (*request_state_parse)(const char *s, enum gh_request_state *out);
    /* one look at the [mail] imap mailbox (inbox.h); its keys are read from
     * cfg->path, so a config copy without credentials is enough */
    enum gh_status (*inbox_fetch)(struct gh_store *st, const struct gh_config *cfg,
                                  struct gh_inbox_result *out);
    /* ABI 1.3 (issue 16): removing a person (account.h gh_occupant_remove) */
    enum gh_status (*occupant_remove)(struct gh_store *st, const char *actor, int64_t id,
                                      int force);
    /* ABI 1.3 (issue 16): leaving a group with the new access (group.h) */
    enum gh_status (*group_member_leave)(struct gh_store *st, const char *actor,
                                         const char *group, int64_t account_id,
                                         enum gh_access access, const char *new_group,
                                         const char *const *locations, int n);
    /* ABI 1.3 (issue 16): staff accounts and lock-outs at the kiosk
     * (account.h "staff accounts and lock-outs") */
    enum gh_status (*staff_create)(struct gh_store *st, const char *actor,
                                   const struct gh_account_new *in, const char *pin,
                                   unsigned perms, int64_t *id_out);
    enum gh_status (*staff_set_perms)(struct gh_store *st, const char *actor, int64_t id,
                                      unsigned perms);
    enum gh_status (*account_clear_lockout)(struct gh_store *st, const char *actor, int64_t id);
    enum gh_status (*auth_desk_setup)(struct gh_store *st, const char *actor, int64_t id,
                                      const char *pin, char *code_out, size_t n);
    /* ABI 1.4 (issue 16): units at the kiosk (location.h, overlock.h) */
    enum gh_status (*unit_search)(struct gh_store *st, const char *text, gh_location_fn fn,
                                  void *ud);
    enum gh_status (*unit_rent_occupant)(struct gh_store *st, const char *actor, int64_t unit,
                                         int64_t account_id);
    enum gh_status (*unit_rent_group)(struct gh_store *st, const char *actor, int64_t unit,
                                      int64_t group_id);
    enum gh_status (*unit_vacate)(struct gh_store *st, const char *actor, int64_t unit);
    enum gh_status (*overlock_get)(struct gh_store *st, int64_t unit, int *on);
    enum gh_status (*overlock_set)(struct gh_store *st, const char *actor, int64_t unit, int on,
                                   enum gh_overlock_source src, int *changed);
    enum gh_status (*occupant_approve_rent)(struct gh_store *st, const char *actor, int64_t id,
                                            int64_t unit);
    /* appended members go here; check size before using them */
};

/* ---- the host table ---------------------------------------------------- */
struct gh_host {
    size_t size;
    unsigned abi_major, abi_minor;
    struct gh_plugin_ctx *ctx;    /* for log(); register_* take NULL since 1.2 */
    struct gh_store *store;       /* the program's store handle (main thread) */
    /* Since ABI 1.2 a copy with the mail credentials (mail_username,
     * mail_password) empty; read config_view instead. */
    const struct gh_config *config;
    /* GH_OK, or GH_E_PLUGIN and a log line saying why (ABI 1.1 said 0 or
     * -1: test != GH_OK, which reads both right). */
    /* register_* (only during init): since ABI 1.2 ctx may be NULL, meaning
     * the plugin whose init is running; 1.1 plugins pass host->ctx. */
    enum gh_status (*register_screen)(struct gh_plugin_ctx *ctx, const struct gh_screen *s);
    enum gh_status (*register_tile)(struct gh_plugin_ctx *ctx, const struct gh_tile *t);
    enum gh_status (*register_command)(struct gh_plugin_ctx *ctx, const struct gh_command *c);
    enum gh_status (*register_hook)(struct gh_plugin_ctx *ctx, enum gh_event_kind kind,
                                    gh_hook_fn fn);
    enum gh_status (*register_poll)(struct gh_plugin_ctx *ctx, gh_poll_fn fn);
    void (*log)(struct gh_plugin_ctx *ctx, enum gh_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    int64_t (*now_ms)(void);      /* wall clock (virtual under --script) */
    int64_t (*mono_ms)(void);     /* monotonic (virtual under --script) */
    const struct gh_core_api *core;
    const struct gh_ui_api *ui;   /* NULL in gatehousectl */
    int is_kiosk;                 /* 1 in gatehouse, 0 in gatehousectl */
    /* ABI 1.2: the configuration without mail credentials */
    const struct gh_config_view *config_view;
    /* appended members go here; check size before using them */
};

/* Does a table have member m? (for members appended after ABI 1.0) */
#define GH_HAS(tbl, m) ((tbl) && (tbl)->size >= offsetof(__typeof__(*(tbl)), m) + sizeof((tbl)->m))

#ifndef GH_HOST_SIDE
#include "gatehouse/plugin_redirect.h"
#endif
#endif
