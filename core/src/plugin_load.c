/*
 * plugin_load.c: admitting a plugin (see plugin_host.h, and docs/plugins.md
 * for the plugin writer's side).
 *
 * A plugin is admitted in two steps. First its descriptor is checked the way
 * nginx checks a module: size, ABI major, build signature, name, required
 * callbacks. A file on disk is first opened with O_NOFOLLOW and checked
 * for who could have changed it: the open file and every folder from / down
 * to it must be owned by root or us (the service user) and writable by no
 * one else (a folder writable by others only with the sticky bit, like
 * /tmp), with no symbolic link on the way; then that same open file is
 * dlopen()ed through /proc/self/fd/N, so what was checked is what runs.
 * Then its init() runs with a host table of its own (SQLite's loadext
 * model), through which it registers screens, tiles, commands, hooks and
 * pollers (plugin_registry.c). If init fails, everything it registered is
 * removed again, so a refused plugin leaves nothing behind but one
 * operational log line and one activity-log entry saying why.
 */
#define _GNU_SOURCE   /* O_PATH */
#include "plugin_internal.h"

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

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
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
    if (!in || gh_plugin_vec_push(&h->infos, in) != 0) {
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
    gh_plugin_copy_sized(out, sizeof *out, d, d->size);
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
    t->config = h->cfg ? &h->plugin_cfg : NULL;
    t->config_view = h->cfg ? &h->view : NULL;
    gh_plugin_fill_register(t);
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
    if (gh_plugin_declare_commands(ctx) != 0) {
        ctx->phase = PH_REFUSED;
        gh_plugin_rollback(ctx);
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
    if (dup || gh_plugin_find_ctx(h, name))
        return refuse(h, name, path, err, errlen, "a plugin named %s is already loaded%s%s",
                      name, dup && dup->path[0] ? " from " : "",
                      dup && dup->path[0] ? dup->path : "");

    struct gh_plugin_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx || gh_plugin_vec_push(&h->ctxs, ctx) != 0) {
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
        int n = gh_plugin_rollback(ctx);
        perr[sizeof perr - 1] = '\0';
        return refuse(h, name, path, err, errlen, "init failed (%s): %s%s%s%s",
                      gh_strerror(s), perr[0] ? perr : "no reason given",
                      ctx->why[0] ? "; last registration refused: " : "", ctx->why,
                      n ? "; its registrations were removed" : "");
    }
    ctx->phase = PH_LIVE;
    gh_plugin_adopt_state(ctx);
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

int gh_plugin_host_info_count(const struct gh_plugin_host *h)
{
    return h ? h->infos.n : 0;
}

const struct gh_plugin_info *gh_plugin_host_info(const struct gh_plugin_host *h, int i)
{
    return h && i >= 0 && i < h->infos.n ? h->infos.v[i] : NULL;
}

