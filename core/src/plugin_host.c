/*
 * plugin_host.c: the program's side of plugins (see plugin_host.h, and
 * docs/plugins.md for the plugin writer's side).
 *
 * A plugin is admitted in two steps. First its descriptor is checked the way
 * nginx checks a module: size, ABI major, build signature, name, required
 * callbacks. A file on disk is first opened with O_NOFOLLOW and checked
 * for who could have changed it: the open file and every folder from / down
 * to it must be owned by root or us (the service user) and writable by no
 * one else (a folder writable by others only with the sticky bit, like
 * /tmp), with no symbolic link on the way; then that same open file is
 * dlopen()ed through /proc/self/fd/N, so what was checked is what runs.
 * Then its init() runs with a host table
 * of its own (SQLite's loadext model), through which it registers screens,
 * tiles, commands, hooks and pollers. Each registered struct is copied, OBS
 * style: min(its size, ours) bytes into a zeroed struct, so a plugin built
 * against an older header gets zeros for members it did not know, and a
 * newer one is cut to what we know. If init fails, everything it registered
 * is removed again (Redis modules), so a refused plugin leaves nothing behind
 * but one operational log line and one activity-log entry saying why.
 *
 * Registration is only accepted while the plugin's init() runs. That keeps
 * rollback exact (nothing can arrive after the verdict) and means the
 * registry never changes while the kiosk loop iterates hooks or pollers.
 *
 * Plugins are never dlclose()d: the kiosk keeps their function pointers and
 * strings (screens on the stack, tiles on the home screen), a failed init may
 * have started something that still points into the object, and glibc runs
 * a library's destructors at unload, which a half-initialised plugin may not
 * survive. A refused plugin therefore costs its mapping until exit, which is
 * the price OBS pays too.
 */
#define _GNU_SOURCE   /* O_PATH */
#include "gatehouse/plugin_host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/oplog.h"
#include "gatehouse/store.h"

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
    const struct gh_config *cfg;
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

/* ---- small helpers ------------------------------------------------------ */

static int vec_push(struct vec *a, void *p)
{
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 8;
        void **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = p;
    return 0;
}

static void vec_free(struct vec *a)
{
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Copies a caller's struct of `given` bytes into a zeroed one of `ours`. */
static void copy_sized(void *dst, size_t ours, const void *src, size_t given)
{
    memset(dst, 0, ours);
    memcpy(dst, src, given < ours ? given : ours);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A plugin name becomes part of a C identifier (gh_plugin_<name>). */
static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(((struct gh_plugin_info *)0)->name))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (c >= '0' && c <= '9' && i > 0)))
            return 0;
    }
    return 1;
}

static struct gh_plugin_ctx *find_ctx(const struct gh_plugin_host *h, const char *name)
{
    for (int i = 0; i < h->ctxs.n; i++) {
        struct gh_plugin_ctx *c = h->ctxs.v[i];
        if (c->phase != PH_REFUSED && strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static const struct gh_plugin_info *find_info(const struct gh_plugin_host *h,
                                              const char *name)
{
    for (int i = 0; i < h->infos.n; i++) {
        const struct gh_plugin_info *in = h->infos.v[i];
        if (in->state == GH_PLUGIN_LOADED && strcmp(in->name, name) == 0)
            return in;
    }
    return NULL;
}

/* ---- verdicts: one log line, one activity-log entry --------------------- */

static void record(struct gh_plugin_host *h, const char *name, const char *path,
                   enum gh_plugin_load_state state, const char *reason)
{
    struct gh_plugin_info *in = calloc(1, sizeof *in);
    if (!in || vec_push(&h->infos, in) != 0) {
        free(in);
        gh_oplog(GH_LOG_ERR, "plugin %s: out of memory recording its state", name);
        return;
    }
    copy_str(in->name, sizeof in->name, name);
    copy_str(in->path, sizeof in->path, path);
    in->state = state;
    copy_str(in->reason, sizeof in->reason, reason);
}

/* Only the kiosk writes plugin entries to the activity log. gatehousectl
 * loads the same folder on every run (cron jobs included), so it would add
 * the same entries again and again, and a read-only command like `log
 * verify` should not write at all; it prints refusals on stderr instead, and
 * the kiosk records them once at each start. */
static void audit(struct gh_plugin_host *h, const char *action, const char *name,
                  enum gh_outcome outcome, const char *reason)
{
    if (!h->st || !h->is_kiosk)
        return;
    if (gh_audit_append(h->st, "kiosk", action, name, outcome, reason) != GH_OK)
        gh_oplog(GH_LOG_ERR, "plugin %s: activity log entry %s not written: %s", name,
                 action, gh_store_errmsg(h->st));
}

static enum gh_status refuse(struct gh_plugin_host *h, const char *name, const char *path,
                             char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static enum gh_status refuse(struct gh_plugin_host *h, const char *name, const char *path,
                             char *err, size_t errlen, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    gh_oplog(h->scan_only ? GH_LOG_DEBUG : GH_LOG_WARN, "plugin %s refused: %s", name, why);
    record(h, name, path, GH_PLUGIN_REFUSED, why);
    audit(h, "plugin.refused", name, GH_OUTCOME_REFUSED, why);
    if (err && errlen)
        copy_str(err, errlen, why);
    return GH_E_PLUGIN;
}

/* ---- registration (called by plugins through their host table) ---------- */

static int reg_fail(struct gh_plugin_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records why a registration was refused (it ends up in the refusal reason
 * if init then fails) and logs it; returns -1 for the plugin. */
static int reg_fail(struct gh_plugin_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->why, sizeof ctx->why, fmt, ap);
    va_end(ap);
    gh_oplog(GH_LOG_WARN, "plugin %s: %s", ctx->name, ctx->why);
    return -1;
}

/* Every register_* starts here: a ctx whose init is running. */
static int reg_phase(struct gh_plugin_ctx *ctx, const char *what)
{
    if (!ctx)
        return -1;
    if (ctx->phase != PH_INIT)
        return reg_fail(ctx, "%s registered outside init (registration is only open "
                        "during init)", what);
    return 0;
}

/* A struct a plugin hands over has a sane size. */
static int sane_size(struct gh_plugin_ctx *ctx, const void *p, const char *what)
{
    if (!p)
        return reg_fail(ctx, "%s: NULL", what);
    size_t size = *(const size_t *)p;
    if (size < sizeof(size_t) || size > SANE_STRUCT_MAX)
        return reg_fail(ctx, "%s: size %zu is not a struct size (set .size = "
                        "sizeof(struct gh_%s))", what, size, what);
    return 0;
}

/* ... both, for the struct ones registered during init. */
static int reg_open(struct gh_plugin_ctx *ctx, const void *p, const char *what)
{
    if (reg_phase(ctx, what) != 0)
        return -1;
    return sane_size(ctx, p, what);
}

static const char *owner_name(const struct gh_plugin_ctx *c)
{
    return c ? c->name : "?";
}

static void screen_free(struct screen_rec *r)
{
    if (!r)
        return;
    free((char *)r->s.id);
    free(r);
}

static int host_register_screen(struct gh_plugin_ctx *ctx, const struct gh_screen *s)
{
    if (reg_open(ctx, s, "screen") != 0)
        return -1;
    struct gh_screen c;
    copy_sized(&c, sizeof c, s, s->size);
    if (!c.id || !*c.id)
        return reg_fail(ctx, "screen: id missing");
    if (!c.draw)
        return reg_fail(ctx, "screen %s: draw callback missing (required)", c.id);
    const struct gh_reg_screen *old = gh_plugin_host_screen(ctx->h, c.id);
    if (old)
        return reg_fail(ctx, "screen %s: id already registered by plugin %s", c.id,
                        old->plugin);
    struct screen_rec *r = calloc(1, sizeof *r);
    if (!r)
        return reg_fail(ctx, "screen %s: out of memory", c.id);
    r->s = c;
    r->s.size = sizeof r->s;
    r->s.id = strdup(c.id);
    r->owner = ctx;
    r->reg.screen = &r->s;
    r->reg.state = ctx->state;
    r->reg.plugin = ctx->name;
    if (!r->s.id || vec_push(&ctx->h->screens, r) != 0) {
        screen_free(r);
        return reg_fail(ctx, "screen %s: out of memory", c.id);
    }
    return 0;
}

static void tile_free(struct tile_rec *r)
{
    if (!r)
        return;
    free((char *)r->t.id);
    free((char *)r->t.label);
    free((char *)r->t.screen);
    free(r);
}

static int tile_cmp(const void *a, const void *b)
{
    const struct tile_rec *x = *(void *const *)a, *y = *(void *const *)b;
    if (x->t.order != y->t.order)
        return x->t.order < y->t.order ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Rebuilds the per-area lists; called whenever the tile set changes (only at
 * start-up), so the getters can stay const and cheap. */
static void tiles_sort(struct gh_plugin_host *h)
{
    for (int a = 0; a < 2; a++) {
        h->area[a].n = 0;
        for (int i = 0; i < h->tiles.n; i++) {
            struct tile_rec *r = h->tiles.v[i];
            if ((int)r->t.area == a && vec_push(&h->area[a], r) != 0)
                gh_oplog(GH_LOG_ERR, "plugin host: out of memory sorting tiles");
        }
        if (h->area[a].n > 1)
            qsort(h->area[a].v, (size_t)h->area[a].n, sizeof(void *), tile_cmp);
    }
}

static int host_register_tile(struct gh_plugin_ctx *ctx, const struct gh_tile *t)
{
    if (reg_open(ctx, t, "tile") != 0)
        return -1;
    struct gh_tile c;
    copy_sized(&c, sizeof c, t, t->size);
    if (!c.id || !*c.id)
        return reg_fail(ctx, "tile: id missing");
    if (!c.label || !*c.label)
        return reg_fail(ctx, "tile %s: label missing", c.id);
    if (!c.screen || !*c.screen)
        return reg_fail(ctx, "tile %s: screen missing", c.id);
    if (c.area != GH_TILE_HOME && c.area != GH_TILE_STAFF)
        return reg_fail(ctx, "tile %s: unknown area %d", c.id, (int)c.area);
    struct gh_plugin_host *h = ctx->h;
    for (int i = 0; i < h->tiles.n; i++) {
        struct tile_rec *o = h->tiles.v[i];
        if (strcmp(o->t.id, c.id) == 0)
            return reg_fail(ctx, "tile %s: id already registered by plugin %s", c.id,
                            owner_name(o->owner));
    }
    struct tile_rec *r = calloc(1, sizeof *r);
    if (!r)
        return reg_fail(ctx, "tile %s: out of memory", c.id);
    r->t = c;
    r->t.size = sizeof r->t;
    r->t.id = strdup(c.id);
    r->t.label = strdup(c.label);
    r->t.screen = strdup(c.screen);
    r->owner = ctx;
    r->seq = h->tile_seq++;
    r->reg.tile = &r->t;
    r->reg.state = ctx->state;
    r->reg.plugin = ctx->name;
    if (!r->t.id || !r->t.label || !r->t.screen || vec_push(&h->tiles, r) != 0) {
        tile_free(r);
        return reg_fail(ctx, "tile %s: out of memory", c.id);
    }
    tiles_sort(h);
    return 0;
}

static void cmd_free(struct cmd_rec *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nwords; i++)
        free(r->words[i]);
    free((char *)r->c.name);
    free((char *)r->c.usage);
    free((char *)r->c.summary);
    free(r);
}

/* Splits "relay  list" into words; returns the count, -1 if too many. */
static int split_words(const char *s, char *words[CMD_MAX_WORDS])
{
    int n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        if (n == CMD_MAX_WORDS)
            goto fail;
        words[n] = strndup(s, (size_t)(e - s));
        if (!words[n])
            goto fail;
        n++;
        s = e;
    }
    return n;
fail:
    while (n > 0)
        free(words[--n]);
    return -1;
}

static int same_words(char *const *a, int na, char *const *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

/* Is a command of these words in the plugin's declared list? (1 when the
 * plugin declares none: ABI 1.0.) */
static int is_declared(const struct gh_plugin_ctx *ctx, char *const *words, int n)
{
    if (!ctx->desc.commands)
        return 1;
    for (int i = 0; i < DECLARED_MAX && ctx->desc.commands[i]; i++) {
        const struct gh_command *d = ctx->desc.commands[i];
        struct gh_command c;
        if (d->size < sizeof(size_t) || d->size > SANE_STRUCT_MAX)
            continue;
        copy_sized(&c, sizeof c, d, d->size);
        char *dw[CMD_MAX_WORDS];
        int dn = c.name ? split_words(c.name, dw) : -1;
        int same = dn > 0 && same_words(dw, dn, words, n);
        while (dn > 0)
            free(dw[--dn]);
        if (same)
            return 1;
    }
    return 0;
}

/* Adds a command to the registry: registered during init (need_run), or
 * declared in a scanned plugin's descriptor (run not needed, never called). */
static int add_command(struct gh_plugin_ctx *ctx, const struct gh_command *cm, int need_run)
{
    struct gh_command c;
    copy_sized(&c, sizeof c, cm, cm->size);
    if (!c.name || !*c.name)
        return reg_fail(ctx, "command: name missing");
    if (need_run && !c.run)
        return reg_fail(ctx, "command %s: run callback missing (required)", c.name);
    struct cmd_rec *r = calloc(1, sizeof *r);
    if (!r)
        return reg_fail(ctx, "command %s: out of memory", c.name);
    r->nwords = split_words(c.name, r->words);
    if (r->nwords <= 0) {
        r->nwords = 0;
        cmd_free(r);
        return reg_fail(ctx, "command %s: name must be 1 to %d words", c.name,
                        CMD_MAX_WORDS);
    }
    if (need_run && !is_declared(ctx, r->words, r->nwords)) {
        cmd_free(r);
        return reg_fail(ctx, "command %s: not in the descriptor's commands list (gatehousectl "
                        "finds commands there without running init)", c.name);
    }
    struct gh_plugin_host *h = ctx->h;
    for (int i = 0; i < h->cmds.n; i++) {
        struct cmd_rec *o = h->cmds.v[i];
        if (same_words(o->words, o->nwords, r->words, r->nwords)) {
            cmd_free(r);
            return reg_fail(ctx, "command %s: name already registered by plugin %s",
                            c.name, owner_name(o->owner));
        }
    }
    r->c = c;
    r->c.size = sizeof r->c;
    r->c.name = strdup(c.name);
    r->c.usage = dup_or_null(c.usage ? c.usage : c.name);
    r->c.summary = dup_or_null(c.summary);
    r->owner = ctx;
    r->reg.cmd = &r->c;
    r->reg.state = ctx->state;
    r->reg.plugin = ctx->name;
    if (!r->c.name || !r->c.usage || (c.summary && !r->c.summary) ||
        vec_push(&h->cmds, r) != 0) {
        cmd_free(r);
        return reg_fail(ctx, "command %s: out of memory", c.name);
    }
    return 0;
}

static int host_register_command(struct gh_plugin_ctx *ctx, const struct gh_command *cm)
{
    if (reg_open(ctx, cm, "command") != 0)
        return -1;
    return add_command(ctx, cm, 1);
}

/* Scan only: the descriptor's command list goes into the registry. */
static int declare_commands(struct gh_plugin_ctx *ctx)
{
    const struct gh_command *const *list = ctx->desc.commands;
    for (int i = 0; list && list[i]; i++) {
        if (i == DECLARED_MAX)
            return reg_fail(ctx, "commands: more than %d (is the list NULL-terminated?)",
                            DECLARED_MAX);
        if (sane_size(ctx, list[i], "command") != 0 || add_command(ctx, list[i], 0) != 0)
            return -1;
    }
    return 0;
}

static int host_register_hook(struct gh_plugin_ctx *ctx, enum gh_event_kind kind, gh_hook_fn fn)
{
    if (reg_phase(ctx, "hook") != 0)
        return -1;
    if (!fn)
        return reg_fail(ctx, "hook for event %d: function missing", (int)kind);
    /* Unknown positive kinds are kept: a plugin built for a newer minor may
     * hook an event this host never raises, which is harmless. */
    if ((int)kind <= 0)
        return reg_fail(ctx, "hook: event kind %d is not an event", (int)kind);
    struct hook_rec *r = calloc(1, sizeof *r);
    if (!r || vec_push(&ctx->h->hooks, r) != 0) {
        free(r);
        return reg_fail(ctx, "hook: out of memory");
    }
    r->kind = kind;
    r->fn = fn;
    r->owner = ctx;
    return 0;
}

static int host_register_poll(struct gh_plugin_ctx *ctx, gh_poll_fn fn)
{
    if (reg_phase(ctx, "poller") != 0)
        return -1;
    if (!fn)
        return reg_fail(ctx, "poller: function missing");
    struct poll_rec *r = calloc(1, sizeof *r);
    if (!r || vec_push(&ctx->h->polls, r) != 0) {
        free(r);
        return reg_fail(ctx, "poller: out of memory");
    }
    r->fn = fn;
    r->owner = ctx;
    r->due = 0;   /* run at the first poll */
    return 0;
}

static void host_log(struct gh_plugin_ctx *ctx, enum gh_log_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* gh_log_level values are syslog priorities, like oplog's. */
    gh_oplog((int)level, "plugin %s: %s", owner_name(ctx), msg);
}

/* Removes every record owned by ctx from one list, keeping the order. */
static int drop_owned(struct vec *a, const struct gh_plugin_ctx *ctx, void (*del)(void *))
{
    int kept = 0, dropped = 0;
    for (int i = 0; i < a->n; i++) {
        void *p = a->v[i];
        if (*(struct gh_plugin_ctx **)p == ctx) {   /* the owner, first member */
            del(p);
            dropped++;
        } else {
            a->v[kept++] = p;
        }
    }
    a->n = kept;
    return dropped;
}

static void screen_del(void *p) { screen_free(p); }
static void tile_del(void *p) { tile_free(p); }
static void cmd_del(void *p) { cmd_free(p); }

/* Redis modules style: a plugin whose init failed leaves nothing behind. */
static int rollback(struct gh_plugin_ctx *ctx)
{
    struct gh_plugin_host *h = ctx->h;
    int n = 0;
    n += drop_owned(&h->screens, ctx, screen_del);
    n += drop_owned(&h->tiles, ctx, tile_del);
    n += drop_owned(&h->cmds, ctx, cmd_del);
    n += drop_owned(&h->hooks, ctx, free);
    n += drop_owned(&h->polls, ctx, free);
    tiles_sort(h);
    return n;
}

/* ---- admission ---------------------------------------------------------- */

/* The checks every descriptor passes, from a file or linked in. On success
 * *out is a zero-extended copy. */
static int check_desc(const struct gh_plugin *d, const char *name, struct gh_plugin *out,
                      char *why, size_t len)
{
    if (!d) {
        snprintf(why, len, "no descriptor: the entry point returned NULL");
        return -1;
    }
    /* size and abi_major come first in every ABI, so they can always be read */
    if (d->size < END_OF(struct gh_plugin, abi_minor)) {
        snprintf(why, len, "descriptor size %zu is smaller than ABI 1.0's %zu", d->size,
                 (size_t)GH_PLUGIN_SIZE_1_0);
        return -1;
    }
    if (d->abi_major != GH_PLUGIN_ABI_MAJOR) {
        snprintf(why, len, "built for plugin ABI %u.%u, this program has %d.%d "
                 "(major must match; rebuild the plugin)", d->abi_major, d->abi_minor,
                 GH_PLUGIN_ABI_MAJOR, GH_PLUGIN_ABI_MINOR);
        return -1;
    }
    if (d->size < GH_PLUGIN_SIZE_1_0 || d->size > SANE_STRUCT_MAX) {
        snprintf(why, len, "descriptor size %zu is not a valid size (ABI 1.0's is %zu; "
                 "set .size = sizeof(struct gh_plugin))", d->size, (size_t)GH_PLUGIN_SIZE_1_0);
        return -1;
    }
    copy_sized(out, sizeof *out, d, d->size);
    if (!out->signature || strcmp(out->signature, GH_PLUGIN_SIGNATURE) != 0) {
        snprintf(why, len, "build signature \"%s\" does not match this program's \"%s\"",
                 out->signature ? out->signature : "(none)", GH_PLUGIN_SIGNATURE);
        return -1;
    }
    if (!out->name || !*out->name) {
        snprintf(why, len, "descriptor has no name");
        return -1;
    }
    if (strcmp(out->name, name) != 0) {
        snprintf(why, len, "descriptor names it \"%s\", expected \"%s\"", out->name, name);
        return -1;
    }
    if (!out->init) {
        snprintf(why, len, "required callback init missing");
        return -1;
    }
    return 0;
}

static void fill_host(struct gh_plugin_ctx *ctx)
{
    struct gh_plugin_host *h = ctx->h;
    struct gh_host *t = &ctx->host;
    memset(t, 0, sizeof *t);
    t->size = sizeof *t;
    t->abi_major = GH_PLUGIN_ABI_MAJOR;
    t->abi_minor = GH_PLUGIN_ABI_MINOR;
    t->ctx = ctx;
    t->store = h->st;
    t->config = h->cfg;
    t->register_screen = host_register_screen;
    t->register_tile = host_register_tile;
    t->register_command = host_register_command;
    t->register_hook = host_register_hook;
    t->register_poll = host_register_poll;
    t->log = host_log;
    t->now_ms = gh_clock_now_ms;
    t->mono_ms = gh_clock_mono_ms;
    t->core = gh_core_api_table();
    t->ui = h->ui;
    t->is_kiosk = h->is_kiosk;
}

/* Scan only: what the descriptor declares is listed; init never runs. */
static enum gh_status admit_scanned(struct gh_plugin_ctx *ctx, const char *path, char *err,
                                    size_t errlen)
{
    struct gh_plugin_host *h = ctx->h;
    ctx->phase = PH_SCANNED;
    if (declare_commands(ctx) != 0) {
        ctx->phase = PH_REFUSED;
        rollback(ctx);
        return refuse(h, ctx->name, path, err, errlen, "its commands list: %s", ctx->why);
    }
    gh_oplog(GH_LOG_DEBUG, "plugin %s scanned: %s", ctx->name,
             ctx->desc.commands ? "commands declared" : "commands not declared (ABI 1.0)");
    record(h, ctx->name, path, GH_PLUGIN_LOADED, "");
    return GH_OK;
}

/* Runs the checks common to files and built-ins, then init(). */
static enum gh_status admit(struct gh_plugin_host *h, const char *name, const char *path,
                            const struct gh_plugin *d, char *err, size_t errlen)
{
    char why[256];
    struct gh_plugin desc;
    if (check_desc(d, name, &desc, why, sizeof why) != 0)
        return refuse(h, name, path, err, errlen, "%s", why);
    const struct gh_plugin_info *dup = find_info(h, name);
    if (dup || find_ctx(h, name))
        return refuse(h, name, path, err, errlen, "a plugin named %s is already loaded%s%s",
                      name, dup && dup->path[0] ? " from " : "",
                      dup && dup->path[0] ? dup->path : "");

    struct gh_plugin_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx || vec_push(&h->ctxs, ctx) != 0) {
        free(ctx);
        return refuse(h, name, path, err, errlen, "out of memory");
    }
    ctx->h = h;
    ctx->desc = desc;
    copy_str(ctx->name, sizeof ctx->name, name);
    ctx->phase = PH_INIT;
    fill_host(ctx);
    if (h->scan_only)
        return admit_scanned(ctx, path, err, errlen);
    if (desc.abi_minor > GH_PLUGIN_ABI_MINOR)
        gh_oplog(GH_LOG_INFO, "plugin %s: built for ABI %u.%u, this program has %d.%d; "
                 "it must test newer members with GH_HAS", name, desc.abi_major,
                 desc.abi_minor, GH_PLUGIN_ABI_MAJOR, GH_PLUGIN_ABI_MINOR);

    char perr[200] = "";
    enum gh_status s = desc.init(&ctx->host, &ctx->state, perr, sizeof perr);
    if (s != GH_OK) {
        ctx->phase = PH_REFUSED;
        int n = rollback(ctx);
        perr[sizeof perr - 1] = '\0';
        return refuse(h, name, path, err, errlen, "init failed (%s): %s%s%s%s",
                      gh_strerror(s), perr[0] ? perr : "no reason given",
                      ctx->why[0] ? "; last registration refused: " : "", ctx->why,
                      n ? "; its registrations were removed" : "");
    }
    ctx->phase = PH_LIVE;
    /* Records made during init saw state before init set it. */
    for (int i = 0; i < h->screens.n; i++) {
        struct screen_rec *r = h->screens.v[i];
        if (r->owner == ctx)
            r->reg.state = ctx->state;
    }
    for (int i = 0; i < h->tiles.n; i++) {
        struct tile_rec *r = h->tiles.v[i];
        if (r->owner == ctx)
            r->reg.state = ctx->state;
    }
    for (int i = 0; i < h->cmds.n; i++) {
        struct cmd_rec *r = h->cmds.v[i];
        if (r->owner == ctx)
            r->reg.state = ctx->state;
    }
    char detail[256];
    snprintf(detail, sizeof detail, "version %s%s%s", desc.version ? desc.version : "?",
             path && *path ? ", " : " (built in)", path && *path ? path : "");
    /* gatehousectl would say this before every command's output */
    gh_oplog(h->is_kiosk ? GH_LOG_INFO : GH_LOG_DEBUG, "plugin %s loaded: %s", name, detail);
    record(h, name, path, GH_PLUGIN_LOADED, "");
    audit(h, "plugin.loaded", name, GH_OUTCOME_OK, detail);
    return GH_OK;
}

/* ---- opening a plugin file: who could have changed it? ------------------ */

/* The open file or a folder on its path (sb from fstat of the open fd):
 * owned by root or us, and writable by no one else; a folder writable by
 * others only with the sticky bit (then only a file's owner may rename or
 * replace it, and the file's owner is checked in turn). */
static int trusted(const struct stat *sb, const char *what, char *why, size_t len)
{
    int dir = S_ISDIR(sb->st_mode);
    unsigned mode = (unsigned)(sb->st_mode & 07777);
    if (sb->st_uid != 0 && sb->st_uid != geteuid()) {
        snprintf(why, len, "%s%s is owned by uid %u, not root or this program's user (uid %u)",
                 dir ? "its folder " : "", what, (unsigned)sb->st_uid, (unsigned)geteuid());
        return -1;
    }
    if (!(sb->st_mode & (S_IWGRP | S_IWOTH)) || (dir && (sb->st_mode & S_ISVTX)))
        return 0;
    const char *who = (sb->st_mode & S_IWOTH) ? "world-writable" : "group-writable";
    if (dir)
        snprintf(why, len, "its folder %s is %s without the sticky bit (mode %04o); "
                 "others could replace the plugin", what, who, mode);
    else
        snprintf(why, len, "%s is %s (mode %03o); others could change it", what, who,
                 mode & 0777);
    return -1;
}

/* Why openat(dir, name) failed, in words: a symbolic link is named as one. */
static void open_failed(int dir, const char *name, const char *shown, char *why, size_t len)
{
    int e = errno;
    struct stat sb;
    if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
        snprintf(why, len, "%s is a symbolic link; plugins are loaded only from real files "
                 "in real folders", shown);
    else
        snprintf(why, len, "%s: %s", shown, strerror(e));
}

/* Opens path for dlopen: every folder from / down, then the file, each by
 * openat with O_NOFOLLOW from the one above and checked through its open
 * descriptor (no window between check and use). Returns the file's fd, or
 * -1 with the reason in why. */
static int open_plugin(const char *path, char *why, size_t len)
{
    char abs[PATH_MAX + 1];
    size_t used = 0;
    if (path[0] != '/') {
        if (!getcwd(abs, sizeof abs - 1)) {
            snprintf(why, len, "%s: the current folder: %s", path, strerror(errno));
            return -1;
        }
        used = strlen(abs);
        abs[used++] = '/';
    }
    if (used + strlen(path) >= sizeof abs) {
        snprintf(why, len, "%s: path too long", path);
        return -1;
    }
    memcpy(abs + used, path, strlen(path) + 1);

    struct stat sb;
    int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || fstat(dir, &sb) != 0 || trusted(&sb, "/", why, len) != 0) {
        if (dir < 0)
            snprintf(why, len, "/: %s", strerror(errno));
        goto fail;
    }
    char *name = abs + 1;
    for (;;) {
        char *slash = strchr(name, '/');
        if (!slash)
            break;                             /* name is the file's */
        *slash = '\0';
        if (*name && strcmp(name, ".") != 0) {
            int next = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0) {
                open_failed(dir, name, abs, why, len);
                goto fail;
            }
            close(dir);
            dir = next;
            if (fstat(dir, &sb) != 0 || trusted(&sb, abs, why, len) != 0)
                goto fail;
        }
        *slash = '/';
        name = slash + 1;
    }
    /* O_NONBLOCK: a FIFO planted under the name must not hang the program */
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        open_failed(dir, name, abs, why, len);
        goto fail;
    }
    close(dir);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(why, len, "%s is not a regular file", abs);
        close(fd);
        return -1;
    }
    if (trusted(&sb, abs, why, len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
fail:
    if (dir >= 0)
        close(dir);
    return -1;
}

/* ---- public ------------------------------------------------------------- */

struct gh_plugin_host *gh_plugin_host_new(struct gh_store *st, const struct gh_config *cfg,
                                          const struct gh_ui_api *ui, int is_kiosk)
{
    struct gh_plugin_host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->st = st;
    h->cfg = cfg;
    h->ui = ui;
    h->is_kiosk = is_kiosk;
    return h;
}

enum gh_status gh_plugin_host_load_file(struct gh_plugin_host *h, const char *path,
                                        char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!h || !path)
        return GH_E_INVALID;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char name[64];
    size_t bl = strlen(base);
    if (bl < 4 || strcmp(base + bl - 3, ".so") != 0)
        return refuse(h, base, path, err, errlen, "file name does not end in .so");
    snprintf(name, sizeof name, "%.*s", (int)(bl - 3), base);
    if (bl - 3 >= sizeof name || !name_ok(name))
        return refuse(h, base, path, err, errlen,
                      "name must be letters, digits and _ (it is part of gh_plugin_<name>)");
    /* Before dlopen, so a second copy's constructors never run. */
    const struct gh_plugin_info *dup = find_info(h, name);
    if (dup)
        return refuse(h, name, path, err, errlen, "a plugin named %s is already loaded%s%s",
                      name, dup->path[0] ? " from " : "", dup->path);

    char why[256];
    int fd = open_plugin(path, why, sizeof why);
    if (fd < 0)
        return refuse(h, name, path, err, errlen, "%s", why);

    /* The file checked is the file loaded: the loader opens the same inode
     * through the descriptor, whatever happens to the name meanwhile. The
     * descriptor stays open once loaded: the loader knows the object by
     * this name, and a number used again would hand back the old plugin. */
    char proc[48];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    void *dl = dlopen(proc, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        close(fd);
        return refuse(h, name, path, err, errlen, "cannot be loaded: %s%s",
                      e ? e : "unknown dlopen error",
                      access("/proc/self/fd", X_OK) != 0 ? " (is /proc mounted?)" : "");
    }
    /* The handle is never closed (see the top of the file). */
    char sym[sizeof GH_PLUGIN_ENTRY_PREFIX + 64];
    snprintf(sym, sizeof sym, "%s%s", GH_PLUGIN_ENTRY_PREFIX, name);
    dlerror();
    void *p = dlsym(dl, sym);
    if (!p)
        return refuse(h, name, path, err, errlen, "no entry point %s() exported", sym);
    const struct gh_plugin *(*entry)(void);
    memcpy(&entry, &p, sizeof entry);   /* POSIX: object to function pointer */
    return admit(h, name, path, entry(), err, errlen);
}

enum gh_status gh_plugin_host_add_static(struct gh_plugin_host *h, const struct gh_plugin *desc,
                                         char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!h)
        return GH_E_INVALID;
    /* The name is read only once the size says it is there. */
    const char *name = "(unnamed)";
    if (desc && desc->size >= END_OF(struct gh_plugin, name) && desc->name && *desc->name)
        name = desc->name;
    if (desc && strcmp(name, "(unnamed)") != 0 && !name_ok(name))
        return refuse(h, name, "", err, errlen,
                      "name must be letters, digits and _ (it is part of gh_plugin_<name>)");
    return admit(h, name, "", desc, err, errlen);
}

static int so_filter(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);   /* bytes, not the locale */
}

int gh_plugin_host_load_all(struct gh_plugin_host *h)
{
    if (!h || !h->cfg)
        return 0;
    const struct gh_config *cfg = h->cfg;
    const char *dir = cfg->plugin_dir[0] ? cfg->plugin_dir : ".";
    char path[1024];
    int loaded = 0;

    if (cfg->enable_set) {
        for (int i = 0; i < cfg->n_enable && i < GH_CONFIG_MAX_PLUGINS; i++) {
            char name[sizeof cfg->enable[i]];
            copy_str(name, sizeof name, cfg->enable[i]);
            size_t nl = strlen(name);
            if (nl > 3 && strcmp(name + nl - 3, ".so") == 0)
                name[nl - 3] = '\0';        /* "hello.so" listed: meant hello */
            if (!name_ok(name)) {
                refuse(h, name, "", NULL, 0, "name must be letters, digits and _");
                continue;
            }
            snprintf(path, sizeof path, "%s/%s.so", dir, name);
            if (access(path, F_OK) != 0) {
                refuse(h, name, path, NULL, 0, "enabled in the configuration but %s.so "
                       "is not in %s", name, dir);
                continue;
            }
            if (gh_plugin_host_load_file(h, path, NULL, 0) == GH_OK)
                loaded++;
        }
        return loaded;
    }

    struct dirent **list = NULL;
    int n = scandir(dir, &list, so_filter, by_name);
    if (n < 0) {
        /* No folder and no list: a kiosk without plugins, which is fine. */
        gh_oplog(errno == ENOENT ? GH_LOG_INFO : GH_LOG_WARN, "plugins: cannot read %s: %s",
                 dir, strerror(errno));
        return 0;
    }
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (gh_plugin_host_load_file(h, path, NULL, 0) == GH_OK)
            loaded++;
        free(list[i]);
    }
    free(list);
    return loaded;
}

void gh_plugin_host_shutdown(struct gh_plugin_host *h)
{
    if (!h || h->shut)
        return;
    h->shut = 1;
    for (int i = h->ctxs.n - 1; i >= 0; i--) {
        struct gh_plugin_ctx *c = h->ctxs.v[i];
        if (c->phase != PH_LIVE)
            continue;
        c->phase = PH_DOWN;
        if (c->desc.shutdown)
            c->desc.shutdown(c->state);
    }
}

void gh_plugin_host_free(struct gh_plugin_host *h)
{
    if (!h)
        return;
    gh_plugin_host_shutdown(h);
    for (int i = 0; i < h->screens.n; i++)
        screen_free(h->screens.v[i]);
    for (int i = 0; i < h->tiles.n; i++)
        tile_free(h->tiles.v[i]);
    for (int i = 0; i < h->cmds.n; i++)
        cmd_free(h->cmds.v[i]);
    for (int i = 0; i < h->hooks.n; i++)
        free(h->hooks.v[i]);
    for (int i = 0; i < h->polls.n; i++)
        free(h->polls.v[i]);
    for (int i = 0; i < h->ctxs.n; i++)
        free(h->ctxs.v[i]);
    for (int i = 0; i < h->infos.n; i++)
        free(h->infos.v[i]);
    vec_free(&h->screens);
    vec_free(&h->tiles);
    vec_free(&h->cmds);
    vec_free(&h->hooks);
    vec_free(&h->polls);
    vec_free(&h->ctxs);
    vec_free(&h->infos);
    vec_free(&h->area[0]);
    vec_free(&h->area[1]);
    free(h);
}

int gh_plugin_host_info_count(const struct gh_plugin_host *h)
{
    return h ? h->infos.n : 0;
}

const struct gh_plugin_info *gh_plugin_host_info(const struct gh_plugin_host *h, int i)
{
    return h && i >= 0 && i < h->infos.n ? h->infos.v[i] : NULL;
}

const struct gh_reg_screen *gh_plugin_host_screen(const struct gh_plugin_host *h,
                                                  const char *id)
{
    if (!h || !id)
        return NULL;
    for (int i = 0; i < h->screens.n; i++) {
        const struct screen_rec *r = h->screens.v[i];
        if (strcmp(r->s.id, id) == 0)
            return &r->reg;
    }
    return NULL;
}

int gh_plugin_host_tile_count(const struct gh_plugin_host *h, enum gh_tile_area area)
{
    if (!h || (area != GH_TILE_HOME && area != GH_TILE_STAFF))
        return 0;
    return h->area[area].n;
}

const struct gh_reg_tile *gh_plugin_host_tile(const struct gh_plugin_host *h,
                                              enum gh_tile_area area, int i)
{
    if (!h || (area != GH_TILE_HOME && area != GH_TILE_STAFF) || i < 0 || i >= h->area[area].n)
        return NULL;
    return &((const struct tile_rec *)h->area[area].v[i])->reg;
}

int gh_plugin_host_command_count(const struct gh_plugin_host *h)
{
    return h ? h->cmds.n : 0;
}

const struct gh_reg_command *gh_plugin_host_command(const struct gh_plugin_host *h, int i)
{
    if (!h || i < 0 || i >= h->cmds.n)
        return NULL;
    return &((const struct cmd_rec *)h->cmds.v[i])->reg;
}

const struct gh_reg_command *gh_plugin_host_match(const struct gh_plugin_host *h,
                                                  int argc, char **argv, int *consumed)
{
    const struct cmd_rec *best = NULL;
    if (consumed)
        *consumed = 0;
    if (!h || argc <= 0 || !argv)
        return NULL;
    for (int i = 0; i < h->cmds.n; i++) {
        const struct cmd_rec *r = h->cmds.v[i];
        if (r->nwords > argc || (best && r->nwords <= best->nwords))
            continue;
        int w = 0;
        while (w < r->nwords && argv[w] && strcmp(argv[w], r->words[w]) == 0)
            w++;
        if (w == r->nwords)
            best = r;
    }
    if (!best)
        return NULL;
    if (consumed)
        *consumed = best->nwords;
    return &best->reg;
}

void gh_plugin_host_emit(struct gh_plugin_host *h, const struct gh_event *ev)
{
    if (!h || !ev || h->shut)
        return;
    /* By index, re-reading the list each time: a hook may emit in turn. */
    for (int i = 0; i < h->hooks.n; i++) {
        const struct hook_rec *r = h->hooks.v[i];
        if (r->kind == ev->kind && r->owner->phase != PH_REFUSED && r->owner->phase != PH_DOWN)
            r->fn(r->owner->state, ev);
    }
    /* A poller that said "-1: only on events" gets its turn at the next poll. */
    int woke = 0;
    for (int i = 0; i < h->polls.n; i++) {
        struct poll_rec *r = h->polls.v[i];
        if (r->due < 0) {
            r->due = 0;
            woke = 1;
        }
    }
    if (woke && h->on_due)
        h->on_due(h->on_due_ud);
}

void gh_plugin_host_on_due(struct gh_plugin_host *h, void (*fn)(void *ud), void *ud)
{
    if (!h)
        return;
    h->on_due = fn;
    h->on_due_ud = ud;
}

int gh_plugin_host_poll(struct gh_plugin_host *h, int64_t now)
{
    if (!h || h->shut)
        return -1;
    int64_t next = -1;
    for (int i = 0; i < h->polls.n; i++) {
        struct poll_rec *r = h->polls.v[i];
        if (r->owner->phase == PH_REFUSED || r->owner->phase == PH_DOWN)
            continue;
        /* Only due pollers run: the kiosk loop also wakes for touches, and a
         * poller asking for 1 s must not run at touch rate. */
        if (r->due >= 0 && r->due <= now) {
            int ms = r->fn(r->owner->state, now);
            r->due = ms < 0 ? -1 : now + ms;
        }
        if (r->due >= 0) {
            int64_t wait = r->due > now ? r->due - now : 0;
            if (next < 0 || wait < next)
                next = wait;
        }
    }
    return next > INT32_MAX ? INT32_MAX : (int)next;
}

static void forward(void *ud, const struct gh_event *ev)
{
    gh_plugin_host_emit(ud, ev);
}

void gh_plugin_host_listen(struct gh_plugin_host *h)
{
    if (h && h->st)
        gh_store_set_listener(h->st, forward, h);
}

const struct gh_host *gh_plugin_host_table(const struct gh_plugin_host *h, const char *plugin)
{
    const struct gh_plugin_ctx *c = h && plugin ? find_ctx(h, plugin) : NULL;
    return c ? &c->host : NULL;
}

void gh_plugin_host_scan_only(struct gh_plugin_host *h)
{
    if (h)
        h->scan_only = 1;
}

int gh_plugin_host_undeclared(const struct gh_plugin_host *h)
{
    int n = 0;
    for (int i = 0; h && i < h->ctxs.n; i++) {
        const struct gh_plugin_ctx *c = h->ctxs.v[i];
        n += c->phase == PH_SCANNED && !c->desc.commands;
    }
    return n;
}
