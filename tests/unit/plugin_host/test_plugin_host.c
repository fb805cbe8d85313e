/*
 * test_plugin_host.c: the plugin host against real plugins.
 *
 * Each test makes a temporary folder with a real SQLite store and a plugin
 * folder, copies in the test plugins built by tests/plugins (with the modes
 * the test needs) and loads them with the real host: dlopen, descriptor
 * checks, init with the host table, registration, rollback, hooks, pollers,
 * shutdown. The plugins write what ran into a trace file (GHT_TRACE), and the
 * activity log is read back through gh_audit_list.
 *
 * Run one test with: test_plugin_host <name-pattern> (cmocka's filter); ctest
 * registers one entry per rule.
 */
#define _GNU_SOURCE   /* nftw, open_memstream, setenv */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gh_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gatehouse/audit.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/store.h"

#ifndef GHT_SO_DIR
#error "GHT_SO_DIR (the built test plugins) must be defined by the build"
#endif

/* From static_plugin.c: tests/plugins/order.c linked in as ght_static. */
const struct gh_plugin *gh_plugin_ght_static(void);

struct fx {
    char root[256];
    char plugdir[320];
    char trace[320];
    struct gh_store *st;
    struct gh_config cfg;
    struct gh_plugin_host *h;
};

/* ---- fixture ------------------------------------------------------------ */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->root, sizeof f->root, "%s/ght.XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->plugdir, sizeof f->plugdir, "%s/plugins", f->root);
    assert_int_equal(mkdir(f->plugdir, 0755), 0);
    assert_int_equal(chmod(f->plugdir, 0755), 0);   /* whatever the umask */
    snprintf(f->trace, sizeof f->trace, "%s/trace", f->root);
    setenv("GHT_TRACE", f->trace, 1);

    char db[400], err[256] = "";
    snprintf(db, sizeof db, "%s/gh.db", f->root);
    enum gh_status s = gh_store_open(db, &f->st, err, sizeof err);
    if (s != GH_OK)
        fail_msg("gh_store_open: %s", err);

    memset(&f->cfg, 0, sizeof f->cfg);
    snprintf(f->cfg.plugin_dir, sizeof f->cfg.plugin_dir, "%s", f->plugdir);
    f->h = gh_plugin_host_new(f->st, &f->cfg, NULL, 1);
    assert_non_null(f->h);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gh_plugin_host_free(f->h);
    gh_store_close(f->st);
    chmod(f->plugdir, 0755);
    nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("GHT_TRACE");
    free(f);
    return 0;
}

/* Copies GHT_SO_DIR/<name>.so into dir with mode; returns the new path. */
static const char *copy_plugin_to(const char *dir, const char *name, mode_t mode)
{
    static char dst[512];
    char src[512];
    snprintf(src, sizeof src, "%s/%s.so", GHT_SO_DIR, name);
    snprintf(dst, sizeof dst, "%s/%s.so", dir, name);
    FILE *in = fopen(src, "rb");
    if (!in)
        fail_msg("%s: %s (is the ght_plugins target built?)", src, strerror(errno));
    FILE *out = fopen(dst, "wb");
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(dst, mode), 0);
    return dst;
}

static const char *copy_plugin(struct fx *f, const char *name)
{
    return copy_plugin_to(f->plugdir, name, 0644);
}

static enum gh_status load(struct fx *f, const char *name, char *err, size_t errlen)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.so", f->plugdir, name);
    return gh_plugin_host_load_file(f->h, path, err, errlen);
}

/* The whole trace file ("" when nothing was traced). */
static const char *trace(struct fx *f)
{
    static char buf[8192];
    buf[0] = '\0';
    FILE *t = fopen(f->trace, "r");
    if (!t)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, t);
    buf[n] = '\0';
    fclose(t);
    return buf;
}

struct want {
    const char *action, *target, *reason;
    enum gh_outcome outcome;
    int found;
};

static int audit_cb(void *ud, const struct gh_audit_entry *e)
{
    struct want *w = ud;
    if (strcmp(e->action, w->action) == 0 && strcmp(e->target, w->target) == 0 &&
        e->outcome == w->outcome && (!w->reason || strstr(e->reason, w->reason)))
        w->found++;
    return 0;
}

/* How many activity-log entries match (reason: a substring, or NULL). */
static int audit_count(struct fx *f, const char *action, const char *target,
                       enum gh_outcome outcome, const char *reason)
{
    struct want w = { action, target, reason, outcome, 0 };
    assert_int_equal(gh_audit_list(f->st, 0, audit_cb, &w), GH_OK);
    return w.found;
}

/* Runs a registered command found from argv; returns its output. */
static const char *run(struct fx *f, int argc, char **argv, int *rc)
{
    static char *out;
    static size_t outlen;
    free(out);
    out = NULL;
    int used = 0;
    const struct gh_reg_command *c = gh_plugin_host_match(f->h, argc, argv, &used);
    if (!c)
        return NULL;
    FILE *o = open_memstream(&out, &outlen);
    assert_non_null(o);
    struct gh_cmd_ctx ctx = {
        .size = sizeof ctx, .store = f->st, .config = &f->cfg, .actor = "cli",
        .out = o, .err = o, .host = gh_plugin_host_table(f->h, c->plugin) };
    int r = c->cmd->run(c->state, &ctx, argc - used, argv + used);
    fclose(o);
    if (rc)
        *rc = r;
    return out;
}

static int home_has(struct fx *f, const char *label)
{
    for (int i = 0; i < gh_plugin_host_tile_count(f->h, GH_TILE_HOME); i++)
        if (strcmp(gh_plugin_host_tile(f->h, GH_TILE_HOME, i)->tile->label, label) == 0)
            return 1;
    return 0;
}

static const struct gh_plugin_info *last_info(struct fx *f)
{
    int n = gh_plugin_host_info_count(f->h);
    assert_true(n > 0);
    return gh_plugin_host_info(f->h, n - 1);
}

/* ---- a good plugin ------------------------------------------------------ */

static void good_plugin_loads_and_everything_it_registers_works(void **state)
{
    struct fx *f = *state;
    char err[256];
    copy_plugin(f, "ght_good");
    assert_int_equal(load(f, "ght_good", err, sizeof err), GH_OK);
    assert_string_equal(err, "");
    assert_int_equal(last_info(f)->state, GH_PLUGIN_LOADED);
    assert_string_equal(last_info(f)->name, "ght_good");
    assert_string_equal(trace(f), "init ght_good\n");

    /* screen */
    const struct gh_reg_screen *s = gh_plugin_host_screen(f->h, "ght.good");
    assert_non_null(s);
    assert_string_equal(s->plugin, "ght_good");
    assert_non_null(s->screen->draw);
    assert_null(s->screen->enter);
    s->screen->draw(s->state, NULL);   /* no UI here: the plugin must cope */

    /* tile */
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_HOME), 1);
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_STAFF), 0);
    const struct gh_reg_tile *t = gh_plugin_host_tile(f->h, GH_TILE_HOME, 0);
    assert_string_equal(t->tile->label, "Plugin test tile");
    assert_string_equal(t->tile->screen, "ght.good");
    assert_non_null(gh_plugin_host_screen(f->h, t->tile->screen));

    /* commands, matched by words */
    assert_int_equal(gh_plugin_host_command_count(f->h), 4);   /* hello, events, polls, config */
    char *hello[] = { "ght", "hello", "big", "world" };
    int rc = -1;
    assert_string_equal(run(f, 4, hello, &rc), "hello from ght_good: big world\n");
    assert_int_equal(rc, 0);
    char *nope[] = { "ght", "goodbye" };
    assert_null(run(f, 2, nope, NULL));

    /* hooks: only their kind, with the event's detail */
    struct gh_event ev = { .kind = GH_EVENT_SETTINGS, .id = 0, .text = "kiosk_name" };
    gh_plugin_host_emit(f->h, &ev);
    struct gh_event other = { .kind = GH_EVENT_UNLOCK, .id = 3 };
    gh_plugin_host_emit(f->h, &other);
    char *events[] = { "ght", "events" };
    assert_string_equal(run(f, 2, events, NULL), "events 1 last kiosk_name\n");

    /* poller: runs when due, says 250 ms */
    char *polls[] = { "ght", "polls" };
    assert_int_equal(gh_plugin_host_poll(f->h, 1000), 250);
    assert_string_equal(run(f, 2, polls, NULL), "polls 1\n");
    assert_int_equal(gh_plugin_host_poll(f->h, 1100), 150);   /* not due: not run */
    assert_string_equal(run(f, 2, polls, NULL), "polls 1\n");
    assert_int_equal(gh_plugin_host_poll(f->h, 1250), 250);
    assert_string_equal(run(f, 2, polls, NULL), "polls 2\n");

    assert_int_equal(audit_count(f, "plugin.loaded", "ght_good", GH_OUTCOME_OK, "version 1.0"), 1);
}

static void store_events_reach_hooks_once_the_host_listens(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_good");
    assert_int_equal(load(f, "ght_good", NULL, 0), GH_OK);
    struct gh_event ev = { .kind = GH_EVENT_HOME };
    gh_store_emit(f->st, &ev);     /* no listener yet */
    gh_plugin_host_listen(f->h);
    gh_store_emit(f->st, &ev);
    char *events[] = { "ght", "events" };
    assert_string_equal(run(f, 2, events, NULL), "events 1 last -\n");
    assert_string_equal(trace(f), "init ght_good\nhook ght_good 8\n");
}

/* ---- refusals: one reason each, nothing left behind --------------------- */

static void refused_case(struct fx *f, const char *name, mode_t mode, const char *why)
{
    char err[256] = "x";
    copy_plugin(f, "ght_good");
    assert_int_equal(load(f, "ght_good", NULL, 0), GH_OK);
    int tiles = gh_plugin_host_tile_count(f->h, GH_TILE_HOME);
    int cmds = gh_plugin_host_command_count(f->h);

    copy_plugin_to(f->plugdir, name, mode);
    assert_int_equal(load(f, name, err, sizeof err), GH_E_PLUGIN);
    if (!strstr(err, why))
        fail_msg("%s: reason \"%s\" does not say \"%s\"", name, err, why);
    const struct gh_plugin_info *in = last_info(f);
    assert_string_equal(in->name, name);
    assert_int_equal(in->state, GH_PLUGIN_REFUSED);
    assert_string_equal(in->reason, err);
    assert_int_equal(audit_count(f, "plugin.refused", name, GH_OUTCOME_REFUSED, why), 1);
    assert_int_equal(audit_count(f, "plugin.loaded", name, GH_OUTCOME_OK, NULL), 0);

    /* its init never ran (or was rolled back): nothing of it is registered */
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_HOME), tiles);
    assert_int_equal(gh_plugin_host_command_count(f->h), cmds);
    assert_false(home_has(f, "must not appear"));
    /* the good plugin is untouched */
    assert_non_null(gh_plugin_host_screen(f->h, "ght.good"));
    assert_true(home_has(f, "Plugin test tile"));
}

#define REFUSED(fn, name, mode, why) \
    static void fn(void **state) { refused_case(*state, name, mode, why); \
        assert_null(strstr(trace(*state), "init " name "\n")); }

REFUSED(refuses_plugin_without_entry_point, "ght_noentry", 0644,
        "no entry point gh_plugin_ght_noentry() exported")
REFUSED(refuses_other_abi_major, "ght_abi", 0644, "built for plugin ABI 2.")
REFUSED(refuses_other_build_signature, "ght_sig", 0644,
        "build signature \"gatehouse-abi1:ptr4:long4:plain\" does not match")
REFUSED(refuses_descriptor_smaller_than_abi_1_0, "ght_small", 0644, "descriptor size")
REFUSED(refuses_descriptor_without_init, "ght_noinit", 0644, "required callback init missing")
REFUSED(refuses_descriptor_name_other_than_file, "ght_misname", 0644,
        "descriptor names it \"someone_else\", expected \"ght_misname\"")
REFUSED(refuses_plugin_calling_core_by_name, "ght_direct", 0644,
        "undefined symbol: gh_strerror")
REFUSED(refuses_world_writable_file, "ght_writable", 0666, "is world-writable")
REFUSED(refuses_group_writable_file, "ght_writable", 0664, "is group-writable")

/* Loads f->plugdir/<name>.so expecting a refusal that says why. */
static void refused_with(struct fx *f, const char *path, const char *why)
{
    char err[256] = "";
    assert_int_equal(gh_plugin_host_load_file(f->h, path, err, sizeof err), GH_E_PLUGIN);
    if (!strstr(err, why))
        fail_msg("%s: reason \"%s\" does not say \"%s\"", path, err, why);
}

static void refuses_a_symlink_to_the_plugin_or_its_folder(void **state)
{
    struct fx *f = *state;
    char ww[320], link[400], via[400];
    /* the real file in a world-writable folder without the sticky bit */
    snprintf(ww, sizeof ww, "%s/ww", f->root);
    assert_int_equal(mkdir(ww, 0777), 0);
    assert_int_equal(chmod(ww, 0777), 0);
    const char *real = copy_plugin_to(ww, "ght_alpha", 0644);
    snprintf(link, sizeof link, "%s/ght_alpha.so", f->plugdir);
    assert_int_equal(symlink(real, link), 0);
    refused_with(f, link, "ght_alpha.so is a symbolic link");
    /* even to a trustworthy file: the name is not what gets checked */
    copy_plugin(f, "ght_beta");
    snprintf(via, sizeof via, "%s/via", f->root);
    assert_int_equal(symlink(f->plugdir, via), 0);
    snprintf(link, sizeof link, "%s/ght_beta.so", via);
    refused_with(f, link, "/via is a symbolic link");
    assert_string_equal(trace(f), "");
}

static void refuses_a_group_writable_folder_and_a_world_writable_parent(void **state)
{
    struct fx *f = *state;
    char path[400];
    copy_plugin(f, "ght_alpha");
    snprintf(path, sizeof path, "%s/ght_alpha.so", f->plugdir);
    assert_int_equal(chmod(f->plugdir, 0775), 0);
    refused_with(f, path, "/plugins is group-writable without the sticky bit");
    assert_int_equal(chmod(f->plugdir, 0755), 0);
    /* the folder above the plugin folder */
    assert_int_equal(chmod(f->root, 0777), 0);
    refused_with(f, path, "is world-writable without the sticky bit");
    assert_int_equal(chmod(f->root, 0757), 0);
    refused_with(f, path, "is world-writable without the sticky bit (mode 0757)");
    /* with the sticky bit (like /tmp) only a file's owner may replace it */
    assert_int_equal(chmod(f->root, 01777), 0);
    assert_int_equal(gh_plugin_host_load_file(f->h, path, NULL, 0), GH_OK);
    assert_string_equal(trace(f), "init ght_alpha\n");
    assert_int_equal(chmod(f->root, 0700), 0);
}

static void refuses_a_plugin_or_folder_owned_by_another_user(void **state)
{
    struct fx *f = *state;
    if (geteuid() != 0)
        gh_skip("only root can give a file away");
    char path[400];
    copy_plugin(f, "ght_alpha");
    snprintf(path, sizeof path, "%s/ght_alpha.so", f->plugdir);
    assert_int_equal(chown(path, 4242, 4242), 0);
    refused_with(f, path, "ght_alpha.so is owned by uid 4242, not root or this program's user");
    assert_int_equal(chown(path, 0, 0), 0);
    assert_int_equal(chown(f->plugdir, 4242, 4242), 0);
    refused_with(f, path, "/plugins is owned by uid 4242");
    assert_int_equal(chown(f->plugdir, 0, 0), 0);
    assert_int_equal(gh_plugin_host_load_file(f->h, path, NULL, 0), GH_OK);
}

static void a_scan_lists_declared_commands_and_runs_no_init(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_good");
    copy_plugin(f, "ght_initfail");
    copy_plugin(f, "ght_legacy");
    copy_plugin(f, "ght_noinit");
    gh_plugin_host_scan_only(f->h);
    assert_int_equal(gh_plugin_host_load_all(f->h), 3);
    assert_string_equal(trace(f), "");
    /* ght_good's four and ght_initfail's one, from their descriptors */
    assert_int_equal(gh_plugin_host_command_count(f->h), 5);
    char *argv[] = { "ght", "hello", "x" };
    int used = 0;
    const struct gh_reg_command *r = gh_plugin_host_match(f->h, 3, argv, &used);
    assert_non_null(r);
    assert_int_equal(used, 2);
    assert_string_equal(r->plugin, "ght_good");
    assert_string_equal(r->cmd->usage, "ght hello [WORD...]");
    assert_string_equal(r->cmd->summary, "say hello");
    char *other[] = { "initfail", "cmd" };
    assert_non_null(gh_plugin_host_match(f->h, 2, other, &used));
    /* the ABI 1.0 plugin declares nothing: its commands need its init */
    assert_int_equal(gh_plugin_host_undeclared(f->h), 1);
    /* the descriptor checks still apply */
    assert_int_equal(last_info(f)->state, GH_PLUGIN_REFUSED);
    assert_non_null(strstr(last_info(f)->reason, "required callback init missing"));
    /* nothing registered but commands; nothing to shut down */
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_HOME), 0);
    assert_null(gh_plugin_host_screen(f->h, "ght.good"));
    gh_plugin_host_shutdown(f->h);
    assert_string_equal(trace(f), "");
    assert_int_equal(audit_count(f, "plugin.loaded", "ght_good", GH_OUTCOME_OK, NULL), 0);
}

/* A plugin whose init registers a command its descriptor does not list. */
static int run_listed(void *st, struct gh_cmd_ctx *c, int argc, char **argv) { return 0; }
static const struct gh_command listed_cmd = {
    .size = sizeof listed_cmd, .name = "listed one", .run = run_listed };
static const struct gh_command unlisted_cmd = {
    .size = sizeof unlisted_cmd, .name = "listed two", .run = run_listed };
static const struct gh_command *const listed[] = { &listed_cmd, NULL };
static enum gh_status register_unlisted(const struct gh_host *host, void **state, char *err,
                                        size_t errlen)
{
    if (host->register_command(host->ctx, &listed_cmd) != 0 ||
        host->register_command(host->ctx, &unlisted_cmd) != 0) {
        snprintf(err, errlen, "a registration was refused");
        return GH_E_PLUGIN;
    }
    return GH_OK;
}

static void a_command_missing_from_the_declared_list_is_refused(void **state)
{
    struct fx *f = *state;
    char err[256];
    static const struct gh_plugin p = {
        .size = sizeof p, .abi_major = GH_PLUGIN_ABI_MAJOR, .abi_minor = GH_PLUGIN_ABI_MINOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = "ght_unlisted", .init = register_unlisted,
        .commands = listed };
    assert_int_equal(gh_plugin_host_add_static(f->h, &p, err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "command listed two: not in the descriptor's commands list"));
    assert_int_equal(gh_plugin_host_command_count(f->h), 0);   /* rolled back */
}

static void failed_init_is_rolled_back(void **state)
{
    struct fx *f = *state;
    refused_case(f, "ght_initfail", 0644, "deliberate failure after registering");
    const struct gh_plugin_info *in = last_info(f);
    assert_non_null(strstr(in->reason, "init failed (device or service not available)"));
    assert_non_null(strstr(in->reason, "its registrations were removed"));
    /* it registered a screen, a tile, a command, a hook, a poller: all gone */
    assert_null(gh_plugin_host_screen(f->h, "initfail.screen"));
    assert_false(home_has(f, "Half-made tile"));
    char *cmd[] = { "initfail", "cmd" };
    assert_null(run(f, 2, cmd, NULL));
    struct gh_event ev = { .kind = GH_EVENT_SETTINGS, .text = "x" };
    gh_plugin_host_emit(f->h, &ev);
    gh_plugin_host_poll(f->h, 0);
    gh_plugin_host_poll(f->h, 100000);
    assert_string_equal(trace(f), "init ght_good\ninit ght_initfail\n"
                                  "hook ght_good 5\npoll ght_good\npoll ght_good\n");
    /* and it is not "loaded": shutdown skips it */
    gh_plugin_host_shutdown(f->h);
    assert_null(strstr(trace(f), "shutdown ght_initfail"));
}

static void duplicate_screen_id_refuses_the_second_plugin_and_rolls_it_back(void **state)
{
    struct fx *f = *state;
    refused_case(f, "ght_twin", 0644, "screen ght.good is taken");
    const struct gh_plugin_info *in = last_info(f);
    assert_non_null(strstr(in->reason, "screen ght.good: id already registered by plugin ght_good"));
    assert_false(home_has(f, "Twin tile"));
    assert_string_equal(gh_plugin_host_screen(f->h, "ght.good")->plugin, "ght_good");
}

static void refuses_a_file_that_is_not_a_shared_object(void **state)
{
    struct fx *f = *state;
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/ght_junk.so", f->plugdir);
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    fputs("not an ELF file\n", o);
    fclose(o);
    assert_int_equal(gh_plugin_host_load_file(f->h, path, err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "cannot be loaded:"));
    assert_int_equal(audit_count(f, "plugin.refused", "ght_junk", GH_OUTCOME_REFUSED,
                                 "cannot be loaded"), 1);
}

static void refuses_a_world_writable_folder_without_sticky_bit(void **state)
{
    struct fx *f = *state;
    char err[256];
    copy_plugin(f, "ght_alpha");
    copy_plugin(f, "ght_beta");
    assert_int_equal(chmod(f->plugdir, 0777), 0);
    assert_int_equal(load(f, "ght_alpha", err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "world-writable without the sticky bit"));
    /* with the sticky bit only the owner may replace the file: accepted */
    assert_int_equal(chmod(f->plugdir, 01777), 0);
    assert_int_equal(load(f, "ght_beta", err, sizeof err), GH_OK);
    assert_string_equal(trace(f), "init ght_beta\n");
}

static void refuses_a_second_plugin_of_the_same_name(void **state)
{
    struct fx *f = *state;
    char other[400], err[256];
    copy_plugin(f, "ght_good");
    assert_int_equal(load(f, "ght_good", NULL, 0), GH_OK);
    snprintf(other, sizeof other, "%s/other", f->root);
    assert_int_equal(mkdir(other, 0755), 0);
    assert_int_equal(chmod(other, 0755), 0);
    const char *p = copy_plugin_to(other, "ght_good", 0644);
    assert_int_equal(gh_plugin_host_load_file(f->h, p, err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "a plugin named ght_good is already loaded from"));
    assert_int_equal(audit_count(f, "plugin.refused", "ght_good", GH_OUTCOME_REFUSED,
                                 "already loaded"), 1);
    assert_string_equal(trace(f), "init ght_good\n");   /* the copy never ran */
}

static void newer_abi_minor_is_accepted(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_newminor");
    assert_int_equal(load(f, "ght_newminor", NULL, 0), GH_OK);
    assert_true(home_has(f, "ght_newminor"));
}

/* ---- load order --------------------------------------------------------- */

static void configured_plugins_load_in_configured_order(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_alpha");
    copy_plugin(f, "ght_beta");
    copy_plugin(f, "ght_gamma");
    copy_plugin(f, "ght_good");          /* in the folder, not enabled */
    f->cfg.enable_set = 1;
    const char *names[] = { "ght_gamma", "ght_alpha", "ght_missing", "ght_beta", "ght_alpha" };
    const char *listed[] = { "ght_gamma", "ght_alpha", "ght_missing", "ght_beta.so", "ght_alpha" };
    f->cfg.n_enable = 5;
    for (int i = 0; i < 5; i++)
        snprintf(f->cfg.enable[i], sizeof f->cfg.enable[i], "%s", listed[i]);
    assert_int_equal(gh_plugin_host_load_all(f->h), 3);
    assert_string_equal(trace(f), "init ght_gamma\ninit ght_alpha\ninit ght_beta\n");
    assert_int_equal(gh_plugin_host_info_count(f->h), 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(gh_plugin_host_info(f->h, i)->name, names[i]);
    assert_non_null(strstr(gh_plugin_host_info(f->h, 2)->reason, "ght_missing.so is not in"));
    assert_non_null(strstr(gh_plugin_host_info(f->h, 4)->reason, "already loaded"));
    assert_null(gh_plugin_host_screen(f->h, "ght.good"));

    /* tiles: by order (beta 10, gamma 10, alpha 20), ties by load order */
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_HOME), 3);
    assert_string_equal(gh_plugin_host_tile(f->h, GH_TILE_HOME, 0)->tile->label, "ght_gamma");
    assert_string_equal(gh_plugin_host_tile(f->h, GH_TILE_HOME, 1)->tile->label, "ght_beta");
    assert_string_equal(gh_plugin_host_tile(f->h, GH_TILE_HOME, 2)->tile->label, "ght_alpha");
    assert_null(gh_plugin_host_tile(f->h, GH_TILE_HOME, 3));
}

static void without_a_list_every_plugin_in_the_folder_loads_sorted(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_gamma");
    copy_plugin(f, "ght_alpha");
    copy_plugin(f, "ght_beta");
    copy_plugin(f, "ght_abi");
    char readme[400];
    snprintf(readme, sizeof readme, "%s/README", f->plugdir);
    FILE *o = fopen(readme, "w");
    assert_non_null(o);
    fclose(o);
    assert_int_equal(gh_plugin_host_load_all(f->h), 3);
    assert_string_equal(trace(f), "init ght_alpha\ninit ght_beta\ninit ght_gamma\n");
    assert_int_equal(gh_plugin_host_info_count(f->h), 4);
    assert_string_equal(gh_plugin_host_info(f->h, 0)->name, "ght_abi");
    assert_int_equal(gh_plugin_host_info(f->h, 0)->state, GH_PLUGIN_REFUSED);
}

static void a_missing_plugin_folder_loads_nothing(void **state)
{
    struct fx *f = *state;
    snprintf(f->cfg.plugin_dir, sizeof f->cfg.plugin_dir, "%s/nowhere", f->root);
    assert_int_equal(gh_plugin_host_load_all(f->h), 0);
    assert_int_equal(gh_plugin_host_info_count(f->h), 0);
}

/* ---- static plugins and the registry's rules ---------------------------- */

static void static_descriptor_registers_like_a_file(void **state)
{
    struct fx *f = *state;
    char err[256];
    assert_int_equal(gh_plugin_host_add_static(f->h, gh_plugin_ght_static(), err, sizeof err),
                     GH_OK);
    assert_true(home_has(f, "ght_static"));
    assert_string_equal(last_info(f)->path, "");
    assert_int_equal(audit_count(f, "plugin.loaded", "ght_static", GH_OUTCOME_OK,
                                 "built in"), 1);
    /* same name again */
    assert_int_equal(gh_plugin_host_add_static(f->h, gh_plugin_ght_static(), err, sizeof err),
                     GH_E_PLUGIN);
    assert_non_null(strstr(err, "already loaded"));
    /* the descriptor checks apply to built-ins too */
    static const struct gh_plugin old = {
        .size = sizeof old, .abi_major = 0, .signature = GH_PLUGIN_SIGNATURE,
        .name = "ght_old" };
    assert_int_equal(gh_plugin_host_add_static(f->h, &old, err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "built for plugin ABI 0.0"));
    assert_int_equal(gh_plugin_host_add_static(f->h, NULL, err, sizeof err), GH_E_PLUGIN);
    assert_non_null(strstr(err, "no descriptor"));
}

/* A static plugin that tries the registry's edges, and keeps its host. */
static const struct gh_host *kept;
static int edge_results[16];
static void draw_nothing(void *st, struct gh_ui *ui) {}
static void leave_garbage(void *st) {}
static int run_nothing(void *st, struct gh_cmd_ctx *c, int argc, char **argv) { return 0; }
static int poll_fast(void *st, int64_t now) { return 30; }
static int poll_slow(void *st, int64_t now) { return 100; }
static int idle_runs;
static int poll_idle(void *st, int64_t now) { idle_runs++; return -1; }

/* A screen struct as a newer header might make it: a member we lack. */
struct screen_v2 { struct gh_screen s; void (*newer)(void *); };

static enum gh_status edge_init(const struct gh_host *host, void **state, char *err,
                                size_t errlen)
{
    int i = 0;
    kept = host;
    *state = (void *)&kept;
    /* an older header's screen: .size ends at draw; leave lies beyond it */
    struct gh_screen older = { .size = offsetof(struct gh_screen, leave), .id = "edge.old",
                               .draw = draw_nothing, .leave = leave_garbage };
    edge_results[i++] = host->register_screen(host->ctx, &older);            /* 0 */
    struct screen_v2 newer = { { .size = sizeof newer, .id = "edge.new",
                                 .draw = draw_nothing }, leave_garbage };
    edge_results[i++] = host->register_screen(host->ctx, &newer.s);          /* 1 */
    struct gh_screen nodraw = { .size = sizeof nodraw, .id = "edge.nodraw" };
    edge_results[i++] = host->register_screen(host->ctx, &nodraw);          /* 2 */
    struct gh_screen nosize = { .id = "edge.nosize", .draw = draw_nothing };
    edge_results[i++] = host->register_screen(host->ctx, &nosize);          /* 3 */
    struct gh_tile nolabel = { .size = sizeof nolabel, .id = "edge.t", .screen = "edge.old" };
    edge_results[i++] = host->register_tile(host->ctx, &nolabel);           /* 4 */
    char label[32];
    snprintf(label, sizeof label, "Staff edge");    /* on the stack: must be copied */
    struct gh_tile staff = { .size = sizeof staff, .id = "edge.t", .label = label,
                             .screen = "edge.old", .area = GH_TILE_STAFF };
    edge_results[i++] = host->register_tile(host->ctx, &staff);             /* 5 */
    memset(label, 'x', sizeof label - 1);
    edge_results[i++] = host->register_tile(host->ctx, &staff);             /* 6 dup */
    struct gh_command relay = { .size = sizeof relay, .name = "relay", .run = run_nothing };
    struct gh_command list = { .size = sizeof list, .name = "relay  list", .run = run_nothing };
    struct gh_command dup = { .size = sizeof dup, .name = "relay list", .run = run_nothing };
    struct gh_command norun = { .size = sizeof norun, .name = "relay off" };
    edge_results[i++] = host->register_command(host->ctx, &relay);          /* 7 */
    edge_results[i++] = host->register_command(host->ctx, &list);           /* 8 */
    edge_results[i++] = host->register_command(host->ctx, &dup);            /* 9 */
    edge_results[i++] = host->register_command(host->ctx, &norun);          /* 10 */
    edge_results[i++] = host->register_poll(host->ctx, poll_slow);          /* 11 */
    edge_results[i++] = host->register_poll(host->ctx, poll_fast);          /* 12 */
    edge_results[i++] = host->register_poll(host->ctx, poll_idle);          /* 13 */
    edge_results[i++] = host->register_hook(host->ctx, GH_EVENT_HOME, NULL); /* 14 */
    return GH_OK;
}

static void count_wake(void *ud)
{
    ++*(int *)ud;
}

static const struct gh_plugin edge = {
    .size = sizeof edge, .abi_major = GH_PLUGIN_ABI_MAJOR,
    .abi_minor = GH_PLUGIN_ABI_MINOR, .signature = GH_PLUGIN_SIGNATURE,
    .name = "ght_edge", .init = edge_init };

static void registration_copies_checks_and_closes_after_init(void **state)
{
    struct fx *f = *state;
    assert_int_equal(gh_plugin_host_add_static(f->h, &edge, NULL, 0), GH_OK);
    /* register_* return GH_OK or GH_E_PLUGIN (ABI 1.2: one return convention) */
    enum { OK = GH_OK, NO = GH_E_PLUGIN };
    const int want[] = { OK, OK, NO, NO, NO, OK, NO, OK, OK, NO, NO, OK, OK, OK, NO };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (edge_results[i] != want[i])
            fail_msg("registration %zu returned %d, expected %d", i, edge_results[i], want[i]);

    /* OBS copy: the bytes beyond .size read as zero, a bigger struct is cut */
    const struct gh_reg_screen *old = gh_plugin_host_screen(f->h, "edge.old");
    assert_non_null(old);
    assert_null(old->screen->leave);
    assert_int_equal(old->screen->size, sizeof(struct gh_screen));
    assert_non_null(gh_plugin_host_screen(f->h, "edge.new"));
    assert_null(gh_plugin_host_screen(f->h, "edge.nodraw"));
    assert_null(gh_plugin_host_screen(f->h, "edge.nosize"));
    /* strings are the host's own copies */
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_STAFF), 1);
    assert_string_equal(gh_plugin_host_tile(f->h, GH_TILE_STAFF, 0)->tile->label, "Staff edge");
    assert_int_equal(gh_plugin_host_tile_count(f->h, GH_TILE_HOME), 0);

    /* longest word match wins */
    int used = -1;
    char *a1[] = { "relay", "list", "--json" };
    const struct gh_reg_command *c = gh_plugin_host_match(f->h, 3, a1, &used);
    assert_non_null(c);
    assert_string_equal(c->cmd->name, "relay  list");
    assert_int_equal(used, 2);
    char *a2[] = { "relay", "lis" };
    c = gh_plugin_host_match(f->h, 2, a2, &used);
    assert_string_equal(c->cmd->name, "relay");
    assert_int_equal(used, 1);
    assert_string_equal(c->plugin, "ght_edge");
    char *a3[] = { "user", "list" };
    assert_null(gh_plugin_host_match(f->h, 2, a3, &used));
    assert_int_equal(used, 0);
    assert_int_equal(gh_plugin_host_command_count(f->h), 2);

    /* after init, registration is closed */
    static const struct gh_screen late = { .size = sizeof late, .id = "edge.late",
                                           .draw = draw_nothing };
    assert_int_equal(kept->register_screen(kept->ctx, &late), GH_E_PLUGIN);
    assert_null(gh_plugin_host_screen(f->h, "edge.late"));

    /* the host table is complete */
    assert_int_equal(kept->size, sizeof(struct gh_host));
    assert_int_equal(kept->abi_major, GH_PLUGIN_ABI_MAJOR);
    assert_ptr_equal(kept->store, f->st);
    /* the configuration: the host's copy without mail credentials, and its view */
    assert_non_null(kept->config);
    assert_string_equal(kept->config->plugin_dir, f->cfg.plugin_dir);
    assert_non_null(kept->config_view);
    assert_string_equal(kept->config_view->plugin_dir, f->cfg.plugin_dir);
    assert_ptr_equal(kept->core, gh_core_api_table());
    assert_null(kept->ui);
    assert_int_equal(kept->is_kiosk, 1);
    assert_true(kept->now_ms() > 1600000000000LL);
    assert_true(kept->mono_ms() >= 0);
    assert_non_null(kept->log);
    kept->log(kept->ctx, GH_LOG_DEBUG, "a line from %s", "the test");
    assert_ptr_equal(gh_plugin_host_table(f->h, "ght_edge"), kept);
    assert_null(gh_plugin_host_table(f->h, "nobody"));
}

static void pollers_run_when_due_and_idle_ones_after_an_event(void **state)
{
    struct fx *f = *state;
    idle_runs = 0;
    assert_int_equal(gh_plugin_host_add_static(f->h, &edge, NULL, 0), GH_OK);
    /* pollers: the soonest wins; -1 runs again only after an event */
    assert_int_equal(gh_plugin_host_poll(f->h, 0), 30);
    assert_int_equal(idle_runs, 1);
    assert_int_equal(gh_plugin_host_poll(f->h, 30), 30);
    assert_int_equal(gh_plugin_host_poll(f->h, 60), 30);
    assert_int_equal(gh_plugin_host_poll(f->h, 90), 10);
    assert_int_equal(idle_runs, 1);
    int woken = 0;
    gh_plugin_host_on_due(f->h, count_wake, &woken);
    struct gh_event ev = { .kind = GH_EVENT_UNLOCK, .id = 1 };
    gh_plugin_host_emit(f->h, &ev);
    assert_int_equal(woken, 1);
    gh_plugin_host_emit(f->h, &ev);       /* already due: no second wake-up */
    assert_int_equal(woken, 1);
    gh_plugin_host_poll(f->h, 95);
    assert_int_equal(idle_runs, 2);
}

static void hooker_hook(void *st, const struct gh_event *ev)
{
    FILE *t = fopen(getenv("GHT_TRACE"), "a");
    if (t) {
        fprintf(t, "hook ght_hooker %d\n", (int)ev->kind);
        fclose(t);
    }
}

static enum gh_status hooker_init(const struct gh_host *host, void **state, char *err,
                                  size_t errlen)
{
    return host->register_hook(host->ctx, GH_EVENT_SETTINGS, hooker_hook) == 0 &&
           host->register_hook(host->ctx, GH_EVENT_SETTINGS, hooker_hook) == 0
               ? GH_OK : GH_E_PLUGIN;
}

static void hooks_run_in_load_order(void **state)
{
    struct fx *f = *state;
    static const struct gh_plugin hooker = {
        .size = sizeof hooker, .abi_major = GH_PLUGIN_ABI_MAJOR,
        .signature = GH_PLUGIN_SIGNATURE, .name = "ght_hooker", .init = hooker_init };
    assert_int_equal(gh_plugin_host_add_static(f->h, &hooker, NULL, 0), GH_OK);
    copy_plugin(f, "ght_good");
    assert_int_equal(load(f, "ght_good", NULL, 0), GH_OK);
    struct gh_event ev = { .kind = GH_EVENT_SETTINGS, .text = "unlock_ms" };
    gh_plugin_host_emit(f->h, &ev);
    assert_string_equal(trace(f), "init ght_good\nhook ght_hooker 5\nhook ght_hooker 5\n"
                                  "hook ght_good 5\n");
}

static void core_table_is_complete(void **state)
{
    const struct gh_core_api *c = gh_core_api_table();
    assert_int_equal(c->size, sizeof *c);
    /* every member after size is a function pointer, and none is missing */
    const unsigned char *p = (const unsigned char *)c + sizeof c->size;
    size_t n = (sizeof *c - sizeof c->size) / sizeof(void (*)(void));
    for (size_t i = 0; i < n; i++) {
        void (*fn)(void);
        memcpy(&fn, p + i * sizeof fn, sizeof fn);
        if (!fn)
            fail_msg("core table member %zu is NULL", i);
    }
    assert_string_equal(c->strerror(GH_E_PLUGIN), gh_strerror(GH_E_PLUGIN));
}

/* ---- shutdown ----------------------------------------------------------- */

static void shutdown_runs_once_last_loaded_first(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_alpha");
    copy_plugin(f, "ght_good");
    copy_plugin(f, "ght_abi");
    assert_int_equal(load(f, "ght_alpha", NULL, 0), GH_OK);
    assert_int_equal(gh_plugin_host_add_static(f->h, gh_plugin_ght_static(), NULL, 0), GH_OK);
    assert_int_equal(load(f, "ght_abi", NULL, 0), GH_E_PLUGIN);
    assert_int_equal(load(f, "ght_good", NULL, 0), GH_OK);
    gh_plugin_host_shutdown(f->h);
    gh_plugin_host_shutdown(f->h);
    /* after shutdown no hook or poller runs */
    struct gh_event ev = { .kind = GH_EVENT_SETTINGS };
    gh_plugin_host_emit(f->h, &ev);
    assert_int_equal(gh_plugin_host_poll(f->h, 0), -1);
    assert_string_equal(trace(f), "init ght_alpha\ninit ght_static\ninit ght_good\n"
                                  "shutdown ght_good\nshutdown ght_static\nshutdown ght_alpha\n");
}

static void free_shuts_down_what_was_not(void **state)
{
    struct fx *f = *state;
    copy_plugin(f, "ght_beta");
    assert_int_equal(load(f, "ght_beta", NULL, 0), GH_OK);
    gh_plugin_host_free(f->h);
    f->h = NULL;
    assert_string_equal(trace(f), "init ght_beta\nshutdown ght_beta\n");
}

/* ---- gatehousectl's host ------------------------------------------------ */

static void command_line_host_writes_no_activity_entries(void **state)
{
    struct fx *f = *state;
    gh_plugin_host_free(f->h);
    f->h = gh_plugin_host_new(f->st, &f->cfg, NULL, 0);
    copy_plugin(f, "ght_good");
    copy_plugin(f, "ght_noinit");
    assert_int_equal(gh_plugin_host_load_all(f->h), 1);
    assert_int_equal(audit_count(f, "plugin.loaded", "ght_good", GH_OUTCOME_OK, NULL), 0);
    assert_int_equal(audit_count(f, "plugin.refused", "ght_noinit", GH_OUTCOME_REFUSED, NULL), 0);
    assert_string_equal(last_info(f)->reason, "required callback init missing");
    char *hello[] = { "ght", "hello" };
    assert_string_equal(run(f, 2, hello, NULL), "hello from ght_good:\n");
}

/* ---- the example in docs/plugins.md ------------------------------------- */

static void docs_example_plugin_loads_and_works(void **state)
{
    struct fx *f = *state;
    char err[256];
    copy_plugin(f, "hello");
    assert_int_equal(load(f, "hello", err, sizeof err), GH_OK);
    assert_true(home_has(f, "Hello"));
    const struct gh_reg_screen *s = gh_plugin_host_screen(f->h, "hello.main");
    assert_non_null(s);
    assert_non_null(s->screen->enter);
    char *argv[] = { "hello", "Ada" };
    int rc = -1;
    assert_string_equal(run(f, 2, argv, &rc), "Hello, Ada, from Gatehouse.\n");
    assert_int_equal(rc, 0);
    char *bad[] = { "hello", "a", "b" };
    run(f, 3, bad, &rc);
    assert_int_equal(rc, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const struct CMUnitTest tests[] = {
    T(good_plugin_loads_and_everything_it_registers_works),
    T(store_events_reach_hooks_once_the_host_listens),
    T(refuses_plugin_without_entry_point),
    T(refuses_other_abi_major),
    T(refuses_other_build_signature),
    T(refuses_descriptor_smaller_than_abi_1_0),
    T(refuses_descriptor_without_init),
    T(refuses_descriptor_name_other_than_file),
    T(refuses_world_writable_file),
    T(refuses_a_world_writable_folder_without_sticky_bit),
    T(refuses_group_writable_file),
    T(refuses_a_symlink_to_the_plugin_or_its_folder),
    T(refuses_a_group_writable_folder_and_a_world_writable_parent),
    T(refuses_a_plugin_or_folder_owned_by_another_user),
    T(a_scan_lists_declared_commands_and_runs_no_init),
    T(a_command_missing_from_the_declared_list_is_refused),
    T(refuses_a_file_that_is_not_a_shared_object),
    T(refuses_plugin_calling_core_by_name),
    T(refuses_a_second_plugin_of_the_same_name),
    T(failed_init_is_rolled_back),
    T(duplicate_screen_id_refuses_the_second_plugin_and_rolls_it_back),
    T(newer_abi_minor_is_accepted),
    T(configured_plugins_load_in_configured_order),
    T(without_a_list_every_plugin_in_the_folder_loads_sorted),
    T(a_missing_plugin_folder_loads_nothing),
    T(static_descriptor_registers_like_a_file),
    T(registration_copies_checks_and_closes_after_init),
    T(pollers_run_when_due_and_idle_ones_after_an_event),
    T(hooks_run_in_load_order),
    T(shutdown_runs_once_last_loaded_first),
    T(free_shuts_down_what_was_not),
    T(command_line_host_writes_no_activity_entries),
    T(docs_example_plugin_loads_and_works),
    T(core_table_is_complete),
};

GH_TEST_MAIN(tests)
