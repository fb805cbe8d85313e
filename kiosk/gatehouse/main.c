/*
 * main.c: the `gatehouse` program, the kiosk.
 *
 * Opens the config, the database (holding the instance lock), the plugins
 * (the built-in screens first, through the same registry), the mail worker
 * and the screen, then turns an event-driven loop: it sleeps until input or
 * the next deadline (plugin poll, ui->wake_in timer, idle time-out, systemd
 * watchdog), so an idle kiosk uses next to no CPU. SIGTERM, SIGINT and SIGHUP
 * end the loop cleanly: plugins' shutdown (lock control: every relay off),
 * mail worker stopped, STOPPING=1. Before all of that, the first thing it
 * does is switch every relay of every board off (relays_off.h).
 *
 * Modes besides the screen:
 *   --no-screen     headless service: plugin pollers and mail delivery only
 *   --headless      SDL dummy driver + software renderer (tests, benchmarks)
 *   --script FILE   replay a test script on a virtual clock (exit 0/1/2)
 *   --dump-ui       print the home screen's widgets as JSON
 *   --bench-typing N, --first-frame   measurements for bench/kiosk
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <SDL.h>
#include "gatehouse/config.h"
#include "gatehouse/i18n.h"
#include "gatehouse/languages.h"
#include "gatehouse/store.h"
#include "gatehouse/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/oplog.h"
#include "gatehouse/backup.h"
#include "gatehouse/plugin_host.h"
#include "gatehouse/ui_host.h"
#include "gatehouse/mailer.h"
#include "gatehouse/site.h"
#include "notify.h"
#include "relays_off.h"
#include "shell.h"
#include "session.h"

#ifndef GH_VERSION
#error "GH_VERSION (the project version) must come from the build"
#endif

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

struct opts {
    const char *config, *script, *shots, *bench_screen, *first_screen;
    int headless, no_screen, dump_ui, bench_typing, first_frame;
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: gatehouse [--config FILE] [--no-screen | --headless]\n"
        "                 [--script FILE [--shots DIR]] [--dump-ui]\n"
        "                 [--bench-typing N [--bench-screen ID]] [--first-frame]\n"
        "  --config FILE   the INI config (default: built-in defaults); a file that\n"
        "                  can't be read is an error (exit 1)\n"
        "  --no-screen     no window: run plugin pollers and mail delivery only\n"
        "  --headless      draw off screen (SDL dummy driver, software renderer)\n"
        "  --script FILE   replay a test script on a virtual clock (needs --headless)\n"
        "  --shots DIR     where the script's `shot NAME` writes NAME.png\n"
        "  --dump-ui       print the home screen's widgets as JSON and exit\n"
        "  --bench-typing N  type N keys on a form; print the key-to-frame times\n"
        "  --first-frame   exit once the first frame is drawn (start-up benchmark)\n"
        "  --first-screen ID  open screen ID before the first frame (benchmarks)\n"
        "  --version, --help\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->bench_screen = "staff.login";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--config") && more) o->config = argv[++i];
        else if (!strcmp(a, "--script") && more) o->script = argv[++i];
        else if (!strcmp(a, "--shots") && more) o->shots = argv[++i];
        else if (!strcmp(a, "--bench-screen") && more) o->bench_screen = argv[++i];
        else if (!strcmp(a, "--first-screen") && more) o->first_screen = argv[++i];
        else if (!strcmp(a, "--bench-typing") && more) {
            o->bench_typing = atoi(argv[++i]);
            if (o->bench_typing < 1)
                return -1;
        }
        else if (!strcmp(a, "--headless")) o->headless = 1;
        else if (!strcmp(a, "--no-screen")) o->no_screen = 1;
        else if (!strcmp(a, "--dump-ui")) o->dump_ui = 1;
        else if (!strcmp(a, "--first-frame")) o->first_frame = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); exit(0); }
        else if (!strcmp(a, "--version")) { printf("gatehouse %s\n", GH_VERSION); exit(0); }
        else return -1;
    }
    if ((o->script || o->dump_ui || o->bench_typing) && !o->headless)
        o->headless = 1;                 /* the harness always draws off screen */
    if (o->no_screen && (o->headless || o->script || o->dump_ui))
        return -1;
    return 0;
}

static void on_mail_event(void *ud, const struct gh_event *ev)
{
    gh_plugin_host_emit(ud, ev);
}

/* Called on the mail worker's thread: only wakes the screen loop. */
static void mail_wakeup(void *ud)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_USEREVENT;
    SDL_PushEvent(&ev);
}

static double since_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000.0 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The activity log's head to the journal after each hour with activity:
 * an anchor outside the database (audit.h); and once a day, entries older
 * than log_retention_days pruned behind a checkpoint (issue 16). */
static struct gh_audit_anchor log_anchor;
static struct gh_audit_retention log_retention;
static int64_t anchor_tick(void *st, int64_t mono_now_ms)
{
    int64_t days = gh_settings_get_int(st, GH_SETTING_LOG_RETENTION_DAYS);
    int64_t prune_in = gh_audit_retention_tick(&log_retention, st, days, mono_now_ms);
    int64_t anchor_in = gh_audit_anchor_tick(&log_anchor, st, mono_now_ms);
    return prune_in < anchor_in ? prune_in : anchor_in;
}

/* Headless service: pollers and mail, no SDL at all. */
static void loop_no_screen(struct gh_plugin_host *host, struct gh_store *st, int mail_on)
{
    int64_t next_poll = gh_clock_mono_ms();
    while (!stop_signal) {
        int64_t now = gh_clock_mono_ms();
        int64_t anchor_in = anchor_tick(st, now);
        if (next_poll >= 0 && now >= next_poll) {
            int r = gh_plugin_host_poll(host, now);
            next_poll = r < 0 ? -1 : now + r;
        }
        if (mail_on)
            gh_mail_worker_take_events(on_mail_event, host);
        int64_t wd = gh_notify_watchdog_interval_ms();
        if (gh_notify_watchdog_due(gh_notify_mono_ms()))
            gh_notify_watchdog_ping();
        int timeout = next_poll < 0 ? -1 : (int)(next_poll - now > 0 ? next_poll - now : 0);
        if (mail_on && (timeout < 0 || timeout > 5000))
            timeout = 5000;              /* relay problem events for the log */
        if (wd > 0 && (timeout < 0 || timeout > wd / 4))
            timeout = (int)(wd / 4);
        if (timeout < 0 || timeout > anchor_in)
            timeout = (int)anchor_in;
        poll(NULL, 0, timeout);          /* a signal interrupts it */
    }
}

static void loop_screen(struct gh_ui *ui, struct gh_plugin_host *host, int mail_on)
{
    while (!stop_signal) {
        int timeout = gh_ui_timeout_ms(ui);
        int64_t wd = gh_notify_watchdog_interval_ms();
        if (wd > 0 && (timeout < 0 || timeout > wd / 4))
            timeout = (int)(wd / 4);
        if (gh_ui_wait(ui, timeout))
            break;                       /* window closed */
        gh_ui_tick(ui);
        if (mail_on)
            gh_mail_worker_take_events(on_mail_event, host);
        gh_ui_update(ui);
        if (gh_notify_watchdog_due(gh_notify_mono_ms()))
            gh_notify_watchdog_ping();
    }
}

/* Starts background delivery; 0 (and a log line) when it can't. */
static int start_mail(const struct gh_config *cfg, struct gh_ui *ui)
{
    char err[256];

    if (gh_mail_worker_start(cfg, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_WARN, "mail delivery not started: %s", err);
        return 0;
    }
    if (ui)
        gh_mail_worker_set_wakeup(mail_wakeup, NULL);
    return 1;
}

/* Several kiosks, one site: sync on a thread of its own (site.h); nothing
 * without [site]. */
static void start_site(const struct gh_config *cfg)
{
    char err[256];
    if (gh_site_thread_start(cfg, err, sizeof err) != GH_OK)
        gh_oplog(GH_LOG_WARN, "site sync not started: %s", err);
}

/* Everything main() opens, closed in reverse at the end. */
struct kiosk {
    struct timespec t_start;
    struct opts o;
    struct gh_config cfg;
    struct gh_store *st;
    struct gh_instance_lock *lock;
    struct gh_plugin_host *host;
    struct gh_ui *ui;
    struct gh_session session;
    int mail_on;
};

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;           /* no SA_RESTART: waits return at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);        /* a closed terminal: relays off too */
    signal(SIGPIPE, SIG_IGN);
}

/* [screen] accent and logo (issue 19). A logo that can't be shown is a
 * warning, and the home screen goes without it. */
static void brand(struct gh_ui *ui)
{
    const struct gh_config_screen *c = gh_config_screen();
    char err[300];
    if (c->accent_set)
        gh_ui_set_accent(ui, c->accent[0], c->accent[1], c->accent[2]);
    if (c->logo[0] && gh_ui_set_logo(ui, c->logo, err, sizeof err) != GH_OK)
        gh_oplog(GH_LOG_WARN, "[screen] logo %s %s: the home screen shows no logo", c->logo,
                 err);
}

/* The config, the instance lock, the database and the screen. 0: all
 * open; else the exit code (1: the config; 3: the lock, exit 2 before
 * anything else opened; 2: what opened is closed). */
static int open_basics(struct kiosk *k)
{
    char err[512];
    /* A --config that can't be read stops here (exit 1, the file named):
     * a typo must not start a kiosk on a fresh database without plugins. */
    if (gh_config_load(k->o.config, &k->cfg, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "%s", err);
        return 1;
    }
    /* Every configured language now, before any other thread runs (i18n.h);
     * a missing catalogue stops here, naming it. */
    if (gh_languages_load(&k->cfg, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "%s", err);
        return 1;
    }
    gh_i18n_use(gh_languages_default(&k->cfg));
    gh_oplog(GH_LOG_DEBUG, "start-up: config read at %.1f ms", since_ms(&k->t_start));
    if (gh_store_instance_lock(k->cfg.store_path, &k->lock, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "%s", err);
        return 3;
    }
    if (gh_store_open(k->cfg.store_path, &k->st, err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "database %s: %s", k->cfg.store_path, err);
        return 2;
    }
    gh_oplog(GH_LOG_DEBUG, "start-up: database open at %.1f ms", since_ms(&k->t_start));
    if (!k->o.no_screen) {
        const struct gh_config *c = &k->cfg;
        struct gh_ui_opts uo = {
            .width = c->width, .height = c->height, .rotation = c->rotation,
            .scale = c->scale, .fullscreen = k->o.headless ? 0 : c->fullscreen,
            .headless = k->o.headless, .font = c->font, .title = "Gatehouse" };
        if (gh_ui_new(&uo, &k->ui, err, sizeof err) != GH_OK) {
            gh_oplog(GH_LOG_ERR, "screen: %s", err);
            return 2;
        }
        brand(k->ui);
    }
    gh_oplog(GH_LOG_DEBUG, "start-up: screen open at %.1f ms", since_ms(&k->t_start));
    return 0;
}

/* The plugin host, the kiosk's own screens, then every plugin. */
static int open_plugins(struct kiosk *k)
{
    char err[512];
    k->host = gh_plugin_host_new(k->st, &k->cfg, gh_ui_api_table(), 1);
    if (!k->host) {
        gh_oplog(GH_LOG_ERR, "plugin host: out of memory");
        return -1;
    }
    gh_plugin_host_listen(k->host);
    /* Loading writes one activity-log entry a plugin; one transaction
     * around them all makes that one sync to disk instead of one each
     * (start-up time on a slow SD card). */
    int in_tx = gh_store_begin(k->st) == GH_OK;
    if (gh_plugin_host_add_static(k->host, gh_shell_plugin(k->ui, k->host, &k->session,
                                                           k->mail_on),
                                  err, sizeof err) != GH_OK) {
        gh_oplog(GH_LOG_ERR, "built-in screens: %s", err);
        if (in_tx)
            gh_store_rollback(k->st);
        return -1;
    }
    int loaded = gh_plugin_host_load_all(k->host);
    if (in_tx && gh_store_commit(k->st) != GH_OK)
        gh_oplog(GH_LOG_ERR, "start-up log entries not written: %s", gh_store_errmsg(k->st));
    gh_oplog(GH_LOG_DEBUG, "start-up: plugins loaded at %.1f ms", since_ms(&k->t_start));
    gh_oplog(GH_LOG_INFO, "started (%s): %d plugin(s), database %s, mail %s",
             k->o.no_screen ? "no screen" : k->o.headless ? "headless" : "screen", loaded,
             k->cfg.store_path, k->mail_on ? k->cfg.mail_relay : "off");
    return 0;
}

/* Home, the first frame, then the mode asked for: a measurement, the
 * widget dump, a script, or the kiosk's loop. Returns the exit code. */
static int run_screen(struct kiosk *k)
{
    struct gh_ui *ui = k->ui;
    snprintf(k->session.first_lang, sizeof k->session.first_lang, "%s",
             gh_languages_default(&k->cfg));
    gh_session_attach(&k->session, ui, k->host, k->st, "home");
    gh_ui_set_ticker(ui, anchor_tick, k->st);
    if (k->o.first_screen)
        gh_ui_api_table()->push(ui, k->o.first_screen, NULL);
    gh_oplog(GH_LOG_DEBUG, "start-up: home attached at %.1f ms", since_ms(&k->t_start));
    /* the first frame before the first round of pollers: what they find
     * (a relay board, mail) redraws a moment later */
    gh_ui_update(ui);
    gh_oplog(GH_LOG_DEBUG, "start-up: first frame at %.1f ms", since_ms(&k->t_start));
    if (k->o.first_frame) {
        printf("first-frame ms: %.1f\n", since_ms(&k->t_start));
        fflush(stdout);                  /* the benchmark reads it as it comes */
        return 0;
    }
    if (k->o.dump_ui) {
        gh_ui_dump(ui, stdout);
        return 0;
    }
    if (k->o.bench_typing)
        return gh_ui_bench_typing(ui, k->o.bench_screen, k->o.bench_typing, stdout);
    /* Mail starts after the first frame: setting up libcurl (loaded on
     * demand, kiosk/common/curl_lazy.c) and a second database connection
     * cost ~13 ms that the person at the screen should not wait for. */
    k->mail_on = k->mail_on && start_mail(&k->cfg, ui);
    start_site(&k->cfg);
    gh_ui_prepare_large_text(ui);        /* "Aa" then opens nothing (~6 ms here) */
    if (k->o.script)
        return gh_ui_run_script(ui, k->o.script, k->o.shots, stderr);
    gh_notify_ready();
    loop_screen(ui, k->host, k->mail_on);
    return 0;
}

static void close_all(struct kiosk *k)
{
    if (stop_signal)
        gh_oplog(GH_LOG_INFO, "signal %d: shutting down", (int)stop_signal);
    gh_notify_stopping();
    gh_site_thread_stop();
    if (k->mail_on)
        gh_mail_worker_stop();
    if (k->host) {
        gh_plugin_host_shutdown(k->host);
        gh_plugin_host_free(k->host);
    }
    gh_ui_free(k->ui);
    gh_store_close(k->st);
    gh_store_instance_unlock(k->lock);
    gh_i18n_unload_all();                /* every other thread has stopped */
}

int main(int argc, char **argv)
{
    static struct kiosk k;
    clock_gettime(CLOCK_MONOTONIC, &k.t_start);
    if (parse_args(argc, argv, &k.o) != 0) {
        usage(stderr);
        return 2;
    }
    gh_oplog_set_ident("gatehouse");
    /* The very first thing: no door stays open because start-up fails. */
    gh_kiosk_relays_off();
    if (k.o.script)
        gh_clock_set_virtual(1);         /* `wait` moves time, nothing else */
    catch_signals();
    int rc = open_basics(&k);
    if (rc == 1 || rc == 3)
        return rc == 1 ? 1 : 2;          /* nothing to close yet */
    if (rc == 0) {
        k.mail_on = k.cfg.mail_relay[0] != 0 && !k.o.dump_ui && !k.o.bench_typing &&
                    !k.o.first_frame;
        if (open_plugins(&k) != 0) {
            rc = 2;
        } else if (k.o.no_screen) {
            k.mail_on = k.mail_on && start_mail(&k.cfg, NULL);
            start_site(&k.cfg);
            gh_notify_ready();
            loop_no_screen(k.host, k.st, k.mail_on);
        } else {
            rc = run_screen(&k);
        }
    }
    close_all(&k);
    return rc;
}
