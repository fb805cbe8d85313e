/*
 * plugin_internal.h: what the three files of the plugin host share (not
 * installed, not for plugins).
 *
 *   plugin_registry.c  the registry: what plugins register, its checks,
 *                      rollback, lookups, events and pollers
 *   plugin_load.c      admission: opening and checking a file, the
 *                      descriptor, init, the verdict (log, activity log)
 *   plugin_host.c      the host's life: new, shutdown, free
 *
 * Calls go one way: plugin_host.c and plugin_load.c call plugin_registry.c,
 * never back.
 */
#ifndef GATEHOUSE_PLUGIN_INTERNAL_H
#define GATEHOUSE_PLUGIN_INTERNAL_H
#include "gatehouse/plugin_host.h"


/* Offset just past member m: a struct of at least this size has m. */
#define END_OF(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))
/* The descriptor as ABI 1.0 defined it; anything smaller is refused. */
#define GH_PLUGIN_SIZE_1_0 END_OF(struct gh_plugin, shutdown)
/* No registered struct is near this big: a bigger .size is garbage (a
 * missing `.size = sizeof x` reads whatever is there). */
#define SANE_STRUCT_MAX 4096
#define CMD_MAX_WORDS 8
/* More declared commands than this is a broken list (no NULL at its end). */
#define DECLARED_MAX 64

enum phase {
    PH_INIT = 0,      /* init() is running: registration open */
    PH_LIVE = 1,      /* admitted */
    PH_REFUSED = 2,   /* init failed; kept so late calls through its ctx are safe */
    PH_DOWN = 3,      /* shutdown() called */
    PH_SCANNED = 4    /* scan only: descriptor checked, init never run */
};

struct gh_plugin_ctx {
    struct gh_plugin_host *h;
    struct gh_plugin desc;        /* our copy of the descriptor */
    char name[64];
    void *state;
    enum phase phase;
    struct gh_host host;          /* the table this plugin was given */
    char why[256];                /* last registration refused, for the log */
};

/* Every record starts with its owner, so rollback can treat them alike. */
struct screen_rec {
    struct gh_plugin_ctx *owner;
    struct gh_reg_screen reg;
    struct gh_screen s;
};

struct tile_rec {
    struct gh_plugin_ctx *owner;
    struct gh_reg_tile reg;
    struct gh_tile t;
    long seq;                     /* registration order, the tie-break */
};

struct cmd_rec {
    struct gh_plugin_ctx *owner;
    struct gh_reg_command reg;
    struct gh_command c;
    char *words[CMD_MAX_WORDS];
    int nwords;
};

struct hook_rec {
    struct gh_plugin_ctx *owner;
    enum gh_event_kind kind;
    gh_hook_fn fn;
};

struct poll_rec {
    struct gh_plugin_ctx *owner;
    gh_poll_fn fn;
    int64_t due;                  /* mono ms it wants to run; -1: on the next event */
};

/* A growable array of pointers; the pointed-to records never move, so the
 * pointers handed out (gh_reg_*) stay valid while the registry grows. */
struct vec {
    void **v;
    int n, cap;
};

struct gh_plugin_host {
    struct gh_store *st;
    const struct gh_config *cfg;  /* the program's, whole */
    struct gh_config plugin_cfg;  /* what plugins get: no mail credentials */
    struct gh_config_view view;   /* into plugin_cfg */
    const struct gh_ui_api *ui;
    int is_kiosk;
    struct vec ctxs;              /* struct gh_plugin_ctx *, in load order */
    struct vec infos;             /* struct gh_plugin_info *, every attempt */
    struct vec screens, tiles, cmds, hooks, polls;
    struct vec area[2];           /* tiles by area, sorted (pointers into tiles) */
    long tile_seq;
    int shut;
    int scan_only;                /* check and map, declare commands, no init */
    void (*on_due)(void *ud);     /* an event made an idle poller due */
    void *on_due_ud;
};

/* ---- plugin_registry.c -------------------------------------------------- */
int gh_plugin_vec_push(struct vec *a, void *p);
void gh_plugin_vec_free(struct vec *a);
/* Copies a caller's struct of `given` bytes into a zeroed one of `ours`. */
void gh_plugin_copy_sized(void *dst, size_t ours, const void *src, size_t given);
/* The live (not refused) plugin of that name, or NULL. */
struct gh_plugin_ctx *gh_plugin_find_ctx(const struct gh_plugin_host *h, const char *name);
/* Fills the registration members and log of a plugin's host table. */
void gh_plugin_fill_register(struct gh_host *t);
/* Scan only: the descriptor's command list goes into the registry. */
enum gh_status gh_plugin_declare_commands(struct gh_plugin_ctx *ctx);
/* Removes everything ctx registered; returns how many records. */
int gh_plugin_rollback(struct gh_plugin_ctx *ctx);
/* After a successful init: ctx's records get the state init set. */
void gh_plugin_adopt_state(struct gh_plugin_ctx *ctx);
/* Frees every record (not the contexts). */
void gh_plugin_registry_free(struct gh_plugin_host *h);

#endif
