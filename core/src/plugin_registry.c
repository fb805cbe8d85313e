/*
 * plugin_registry.c: what plugins register (screens, tiles, commands, hooks,
 * pollers), checked and copied, and everything read back from it.
 *
 * Each registered struct is copied, OBS style: min(its size, ours) bytes
 * into a zeroed struct, so a plugin built against an older header gets zeros
 * for members it did not know, and a newer one is cut to what we know. If
 * init fails, everything it registered is removed again (Redis modules):
 * gh_plugin_rollback. Registration is only accepted while the plugin's
 * init() runs, which keeps rollback exact and means the registry never
 * changes while the kiosk loop iterates hooks or pollers.
 */
#include "plugin_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatehouse/oplog.h"
#include "gatehouse/store.h"

/* ---- small helpers ------------------------------------------------------ */

int gh_plugin_vec_push(struct vec *a, void *p)
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

void gh_plugin_vec_free(struct vec *a)
{
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

/* Copies a caller's struct of `given` bytes into a zeroed one of `ours`. */
void gh_plugin_copy_sized(void *dst, size_t ours, const void *src, size_t given)
{
    memset(dst, 0, ours);
    memcpy(dst, src, given < ours ? given : ours);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}


struct gh_plugin_ctx *gh_plugin_find_ctx(const struct gh_plugin_host *h, const char *name)
{
    for (int i = 0; i < h->ctxs.n; i++) {
        struct gh_plugin_ctx *c = h->ctxs.v[i];
        if (c->phase != PH_REFUSED && strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

/* ---- registration (called by plugins through their host table) ---------- */

static enum gh_status reg_fail(struct gh_plugin_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records why a registration was refused (it ends up in the refusal reason
 * if init then fails) and logs it; returns GH_E_PLUGIN for the plugin. */
static enum gh_status reg_fail(struct gh_plugin_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->why, sizeof ctx->why, fmt, ap);
    va_end(ap);
    gh_oplog(GH_LOG_WARN, "plugin %s: %s", ctx->name, ctx->why);
    return GH_E_PLUGIN;
}

/* Every register_* starts here: a ctx whose init is running. */
static enum gh_status reg_phase(struct gh_plugin_ctx *ctx, const char *what)
{
    if (!ctx)
        return GH_E_PLUGIN;
    if (ctx->phase != PH_INIT)
        return reg_fail(ctx, "%s registered outside init (registration is only open "
                        "during init)", what);
    return GH_OK;
}

/* A struct a plugin hands over has a sane size. */
static enum gh_status sane_size(struct gh_plugin_ctx *ctx, const void *p, const char *what)
{
    if (!p)
        return reg_fail(ctx, "%s: NULL", what);
    size_t size = *(const size_t *)p;
    if (size < sizeof(size_t) || size > SANE_STRUCT_MAX)
        return reg_fail(ctx, "%s: size %zu is not a struct size (set .size = "
                        "sizeof(struct gh_%s))", what, size, what);
    return GH_OK;
}

/* ... both, for the struct ones registered during init. */
static enum gh_status reg_open(struct gh_plugin_ctx *ctx, const void *p, const char *what)
{
    if (reg_phase(ctx, what) != 0)
        return GH_E_PLUGIN;
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

static enum gh_status host_register_screen(struct gh_plugin_ctx *ctx, const struct gh_screen *s)
{
    if (reg_open(ctx, s, "screen") != 0)
        return GH_E_PLUGIN;
    struct gh_screen c;
    gh_plugin_copy_sized(&c, sizeof c, s, s->size);
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
    if (!r->s.id || gh_plugin_vec_push(&ctx->h->screens, r) != 0) {
        screen_free(r);
        return reg_fail(ctx, "screen %s: out of memory", c.id);
    }
    return GH_OK;
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
            if ((int)r->t.area == a && gh_plugin_vec_push(&h->area[a], r) != 0)
                gh_oplog(GH_LOG_ERR, "plugin host: out of memory sorting tiles");
        }
        if (h->area[a].n > 1)
            qsort(h->area[a].v, (size_t)h->area[a].n, sizeof(void *), tile_cmp);
    }
}

static enum gh_status host_register_tile(struct gh_plugin_ctx *ctx, const struct gh_tile *t)
{
    if (reg_open(ctx, t, "tile") != 0)
        return GH_E_PLUGIN;
    struct gh_tile c;
    gh_plugin_copy_sized(&c, sizeof c, t, t->size);
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
    if (!r->t.id || !r->t.label || !r->t.screen || gh_plugin_vec_push(&h->tiles, r) != 0) {
        tile_free(r);
        return reg_fail(ctx, "tile %s: out of memory", c.id);
    }
    tiles_sort(h);
    return GH_OK;
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
        gh_plugin_copy_sized(&c, sizeof c, d, d->size);
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
static enum gh_status add_command(struct gh_plugin_ctx *ctx, const struct gh_command *cm, int need_run)
{
    struct gh_command c;
    gh_plugin_copy_sized(&c, sizeof c, cm, cm->size);
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
        gh_plugin_vec_push(&h->cmds, r) != 0) {
        cmd_free(r);
        return reg_fail(ctx, "command %s: out of memory", c.name);
    }
    return GH_OK;
}

static enum gh_status host_register_command(struct gh_plugin_ctx *ctx, const struct gh_command *cm)
{
    if (reg_open(ctx, cm, "command") != 0)
        return GH_E_PLUGIN;
    return add_command(ctx, cm, 1);
}

enum gh_status gh_plugin_declare_commands(struct gh_plugin_ctx *ctx)
{
    const struct gh_command *const *list = ctx->desc.commands;
    for (int i = 0; list && list[i]; i++) {
        if (i == DECLARED_MAX)
            return reg_fail(ctx, "commands: more than %d (is the list NULL-terminated?)",
                            DECLARED_MAX);
        if (sane_size(ctx, list[i], "command") != 0 || add_command(ctx, list[i], 0) != 0)
            return GH_E_PLUGIN;
    }
    return GH_OK;
}

static enum gh_status host_register_hook(struct gh_plugin_ctx *ctx, enum gh_event_kind kind, gh_hook_fn fn)
{
    if (reg_phase(ctx, "hook") != 0)
        return GH_E_PLUGIN;
    if (!fn)
        return reg_fail(ctx, "hook for event %d: function missing", (int)kind);
    /* Unknown positive kinds are kept: a plugin built for a newer minor may
     * hook an event this host never raises, which is harmless. */
    if ((int)kind <= 0)
        return reg_fail(ctx, "hook: event kind %d is not an event", (int)kind);
    struct hook_rec *r = calloc(1, sizeof *r);
    if (!r || gh_plugin_vec_push(&ctx->h->hooks, r) != 0) {
        free(r);
        return reg_fail(ctx, "hook: out of memory");
    }
    r->kind = kind;
    r->fn = fn;
    r->owner = ctx;
    return GH_OK;
}

static enum gh_status host_register_poll(struct gh_plugin_ctx *ctx, gh_poll_fn fn)
{
    if (reg_phase(ctx, "poller") != 0)
        return GH_E_PLUGIN;
    if (!fn)
        return reg_fail(ctx, "poller: function missing");
    struct poll_rec *r = calloc(1, sizeof *r);
    if (!r || gh_plugin_vec_push(&ctx->h->polls, r) != 0) {
        free(r);
        return reg_fail(ctx, "poller: out of memory");
    }
    r->fn = fn;
    r->owner = ctx;
    r->due = 0;   /* run at the first poll */
    return GH_OK;
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
int gh_plugin_rollback(struct gh_plugin_ctx *ctx)
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

int gh_plugin_words_match(const char *name, int argc, char *const *argv, int *nwords)
{
    int words = 0, same = 0;
    const char *p = name ? name : "";
    for (;;) {
        p += strspn(p, " \t");
        if (!*p)
            break;
        size_t n = strcspn(p, " \t");
        if (same == words && words < argc && argv[words] && strlen(argv[words]) == n &&
            strncmp(argv[words], p, n) == 0)
            same++;
        words++;
        p += n;
    }
    if (nwords)
        *nwords = words;
    return same;
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
        int n = 0;
        if (gh_plugin_words_match(r->c.name, argc, argv, &n) == n && n > 0)
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

void gh_plugin_fill_register(struct gh_host *t)
{
    t->register_screen = host_register_screen;
    t->register_tile = host_register_tile;
    t->register_command = host_register_command;
    t->register_hook = host_register_hook;
    t->register_poll = host_register_poll;
    t->log = host_log;
}

/* Records made during init saw state before init set it. */
void gh_plugin_adopt_state(struct gh_plugin_ctx *ctx)
{
    struct gh_plugin_host *h = ctx->h;
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
}

void gh_plugin_registry_free(struct gh_plugin_host *h)
{
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
    gh_plugin_vec_free(&h->screens);
    gh_plugin_vec_free(&h->tiles);
    gh_plugin_vec_free(&h->cmds);
    gh_plugin_vec_free(&h->hooks);
    gh_plugin_vec_free(&h->polls);
    gh_plugin_vec_free(&h->area[0]);
    gh_plugin_vec_free(&h->area[1]);
}
