/*
 * doorcode_bench.c: from a right door code to the relay-on transfer
 * completed (issue 12, "Speed"), at 100,000 occupants who each hold a code,
 * side by side with today's email + PIN path (Argon2id) and the relay layer
 * alone, on the real plugin path: the plugin host, the lockctl plugin linked
 * in (plugin_lockctl_static), a real SQLite database in WAL mode, and a board
 * of the gh-relay-sim server through the real libusb (run by run.sh).
 *
 *   doorcode-bench DB BOARD_ID ROUNDS [OCCUPANTS [SITE_CONFIG]]
 *
 * With SITE_CONFIG (a configuration whose [store] path is DB and whose
 * [site] names a site server DB joined), the kiosk program's site sync
 * thread runs in the process during the rounds, as in the kiosk: it pushes
 * this kiosk's own writes (log-ins, codes used) and applies whatever the
 * server sends to the same database (run_sync.sh streams changes to it, or
 * none for the idle blocks). How far the last change number moved during
 * the rounds is printed.
 *
 * DB is made once (OCCUPANTS occupants, default 100,000, each with a door
 * code, in one transaction) and reused by later runs with the same file.
 *
 * One round, interleaved:
 *   code  the kiosk's path for a typed code: gh_doorcode_attempt (throttle
 *         check, keyed hash, one indexed lookup, the account) then lc_unlock
 *         (the core's logged decision, then the pulse) until it returns with
 *         the relay on and read back;
 *   pin   today's path: gh_auth_login (email lookup, Argon2id verify, the
 *         log-in's logged commit) then the same lc_unlock;
 *   layer lc_relay_set switching the same relay on (one write, one read-back).
 * Between the paths the pulse is ended by the pollers on the virtual clock.
 * Prints medians and 90th percentiles in microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gatehouse/plugin_host.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/store.h"
#include "gatehouse/auth.h"
#include "gatehouse/access.h"
#include "gatehouse/config.h"
#include "gatehouse/site.h"
#include "lockctl.h"

const struct gh_plugin *gh_plugin_lockctl(void);

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    int i = (n - 1) * p / 100;
    return v[i];
}

/* The site, once: a door on the board, n occupants with codes, and the one
 * whose code and PIN are typed (id 1 after the door). Its code in code. */
static int make_site(struct gh_store *st, const char *board, int n, char *code, size_t len)
{
    char relay[96], email[64];
    snprintf(relay, sizeof relay, "%s:1", board);
    struct gh_location_new door = { .name = "Bench door", .door = GH_DOOR_COMMON,
                                    .relay = relay, .unlock_ms = 300 };
    int64_t id, door_id;
    double t0 = now_us();
    if (gh_location_add(st, "bench", &door, &door_id) != GH_OK || gh_store_begin(st) != GH_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        char c[GH_DOORCODE_BUF];
        snprintf(email, sizeof email, "bench%d@example.com", i);
        struct gh_account_new occ = { .email = email, .access = GH_ACCESS_ALL, .no_welcome = 1 };
        if (gh_occupant_create(st, "bench", &occ, &id) != GH_OK ||
            gh_doorcode_issue(st, "bench", id, i == 0 ? code : c, i == 0 ? len : sizeof c) != GH_OK)
            return -1;
    }
    if (gh_store_commit(st) != GH_OK ||
        gh_auth_set_pin(st, "bench", 1, "4682") != GH_OK)
        return -1;
    fprintf(stderr, "doorcode-bench: made %d occupants with codes in %.1f s\n", n,
            (now_us() - t0) / 1e6);
    return 0;
}

/* The last site change applied to the database (0 outside a site). */
static int64_t site_num(struct gh_store *st)
{
    struct gh_site_status ss;
    return gh_site_status_read(st, &ss) == GH_OK ? ss.last_num : 0;
}

/* The kiosk's site sync thread, on the configuration at path. */
static int start_sync(const char *path)
{
    static struct gh_config cfg;
    char err[512];
    if (gh_config_load(path, &cfg, err, sizeof err) != GH_OK ||
        gh_site_thread_start(&cfg, err, sizeof err) != GH_OK) {
        fprintf(stderr, "doorcode-bench: site sync: %s\n", err);
        return -1;
    }
    return 0;
}

struct run {
    struct gh_store *st;
    struct gh_plugin_host *host;
    struct lockctl *lc;
    struct gh_location door;
    const char *board;
};

/* The pulse's end, on the virtual clock. */
static int pulse_off(struct run *r)
{
    gh_clock_advance(300);
    gh_plugin_host_poll(r->host, gh_clock_mono_ms());
    return lc_relay_channel_status(r->lc->mgr, r->board, 1) == GH_OK ? 0 : -1;
}

/* One unlock by code (pin NULL) or by email + PIN; us from the call to the
 * relay on, or -1. *who_us: the part that finds the account. */
static double one(struct run *r, const char *code, const char *email, const char *pin,
                  double *who_us)
{
    struct gh_account a;
    struct gh_decision d;
    char msg[256];
    double t0 = now_us();
    enum gh_status s = pin ? gh_auth_login(r->st, "kiosk", email, pin, &a)
                           : gh_doorcode_attempt(r->st, "Bench", code, &a, NULL);
    *who_us = now_us() - t0;
    if (s == GH_OK)
        s = lc_unlock(r->lc, r->st, "kiosk", &a, &r->door, &d, msg, sizeof msg);
    double t = now_us() - t0;
    if (s != GH_OK || !d.allowed) {
        fprintf(stderr, "doorcode-bench: unlock: %s %s\n", gh_store_errmsg(r->st), msg);
        return -1;
    }
    return pulse_off(r) == 0 ? t : -1;
}

static int measure(struct run *r, const char *code, int rounds)
{
    double *c = calloc((size_t)rounds, sizeof *c), *p = calloc((size_t)rounds, sizeof *p);
    double *l = calloc((size_t)rounds, sizeof *l), *cw = calloc((size_t)rounds, sizeof *cw);
    double *pw = calloc((size_t)rounds, sizeof *pw);
    if (!c || !p || !l || !cw || !pw)
        return -1;
    for (int i = 0; i < rounds; i++) {
        c[i] = one(r, code, NULL, NULL, &cw[i]);
        p[i] = one(r, NULL, "bench0@example.com", "4682", &pw[i]);
        double t0 = now_us();
        enum gh_status s = lc_relay_set(r->lc->mgr, r->board, 1, 1);
        l[i] = now_us() - t0;
        if (c[i] < 0 || p[i] < 0 || s != GH_OK || lc_relay_set(r->lc->mgr, r->board, 1, 0) != GH_OK)
            return -1;
    }
    printf("rounds: %d\n", rounds);
    printf("right code -> relay on (attempt + decision + pulse), median us: %.0f  p90: %.0f"
           "  p99: %.0f\n", pct(c, rounds, 50), pct(c, rounds, 90), pct(c, rounds, 99));
    printf("email + PIN -> relay on (Argon2id log-in + decision + pulse), median us: %.0f  p90: %.0f\n",
           pct(p, rounds, 50), pct(p, rounds, 90));
    printf("relay on by the layer alone, median us: %.0f  p90: %.0f\n",
           pct(l, rounds, 50), pct(l, rounds, 90));
    printf("of which finding the account: code median us: %.0f p99: %.0f; email + PIN median "
           "us: %.0f\n", pct(cw, rounds, 50), pct(cw, rounds, 99), pct(pw, rounds, 50));
    free(cw);
    free(pw);
    free(c);
    free(p);
    free(l);
    return 0;
}

int main(int argc, char **argv)
{
    struct gh_store *st = NULL;
    struct gh_plugin_host *host = NULL;
    struct gh_config cfg;
    char err[512], code[GH_DOORCODE_BUF] = "";
    int rc = 1;

    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: doorcode-bench DB BOARD_ID ROUNDS [OCCUPANTS [SITE_CONFIG]]\n");
        return 2;
    }
    const char *board = argv[2];
    int rounds = atoi(argv[3]) > 0 ? atoi(argv[3]) : 1;
    int n = argc >= 5 && atoi(argv[4]) > 0 ? atoi(argv[4]) : 100000;
    int fresh = access(argv[1], F_OK) != 0;
    gh_clock_set_virtual(1);   /* pulses end when the bench says, not by sleeping */
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "doorcode-bench: %s\n", err);
        return 1;
    }
    if (fresh && make_site(st, board, n, code, sizeof code) != 0) {
        fprintf(stderr, "doorcode-bench: site: %s\n", gh_store_errmsg(st));
        goto out;
    }
    if (!fresh && gh_doorcode_issue(st, "bench", 1, code, sizeof code) != GH_OK)
        goto out;      /* an earlier run's code is not known: a fresh one */
    gh_config_defaults(&cfg);
    host = gh_plugin_host_new(st, &cfg, NULL, 1);
    if (!host)
        goto out;
    gh_plugin_host_listen(host);
    if (gh_plugin_host_add_static(host, gh_plugin_lockctl(), err, sizeof err) != GH_OK) {
        fprintf(stderr, "doorcode-bench: %s\n", err);
        goto out;
    }
    struct run r = { st, host, &lc_state, { 0 }, board };
    if (!r.lc->mgr || lc_relay_channel_status(r.lc->mgr, board, 1) != GH_OK ||
        gh_location_find(st, "Bench door", &r.door) != GH_OK) {
        fprintf(stderr, "doorcode-bench: board %s or the door not usable\n", board);
        goto out;
    }
    struct gh_account_query q = { .kind = -1, .state = -1 };
    int64_t count = 0;
    gh_account_count(st, &q, &count);
    printf("accounts: %lld\n", (long long)count);
    int64_t num0 = site_num(st);
    if (argc == 6 && start_sync(argv[5]) != 0)
        goto out;
    if (argc == 6)
        sleep(1);             /* connected and listening before the rounds */
    int64_t num1 = site_num(st);
    int m = measure(&r, code, rounds);
    if (argc == 6) {
        printf("site sync running: the last change number moved by %lld during the rounds "
               "(this kiosk's own pushed writes included; %lld before)\n",
               (long long)(site_num(st) - num1), (long long)(num1 - num0));
        gh_site_thread_stop();
    }
    if (m != 0) {
        fprintf(stderr, "doorcode-bench: %s\n", lc_relay_mgr_errmsg(r.lc->mgr));
        goto out;
    }
    rc = 0;
out:
    if (host) {
        gh_plugin_host_shutdown(host);
        gh_plugin_host_free(host);
    }
    gh_store_close(st);
    return rc;
}
