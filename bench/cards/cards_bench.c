/*
 * cards_bench.c: from a card reader's event to the relay-on transfer
 * completed (issue 13, "Speed": median at most 20 ms), side by side with the
 * door-code path, on the real plugin path: the plugin host, the lockctl
 * plugin linked in (plugin_lockctl_static), a real SQLite database in WAL
 * mode, and a board of the gh-relay-sim server through the real libusb (run
 * by run.sh).
 *
 *   cards-bench DB BOARD_ID ROUNDS [OCCUPANTS]
 *
 * DB is made once (OCCUPANTS occupants, default 10,000, each with a card
 * and a door code) and reused by later runs with the same file.
 *
 * One round, interleaved:
 *   reader  the kiosk's whole path after the device: a reader thread
 *           (readers.c, the same thread and queue the kiosk runs) reports a
 *           card at a random moment; its event time is the start. The main
 *           thread takes queued reads every LC_CARD_POLL_MS, as the kiosk's
 *           poller does, then gh_card_attempt (throttle check, keyed hash,
 *           one indexed lookup) and lc_unlock (logged decision, pulse) until
 *           the relay is on and read back;
 *   card    the same from gh_card_attempt on (no thread, no poll wait);
 *   code    a typed door code: gh_doorcode_attempt then the same lc_unlock;
 *   layer   lc_relay_set switching the same relay on.
 * Prints medians and 90th percentiles in microseconds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gatehouse/plugin_host.h"
#include "gatehouse/card.h"
#include "gatehouse/clock.h"
#include "gatehouse/doorcode.h"
#include "gatehouse/store.h"
#include "cards.h"

const struct gh_plugin *gh_plugin_lockctl(void);

#define UID "04a1b2c3d4e5f6"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[(n - 1) * p / 100];
}

/* ---- a reader that reports one card when asked, at a random moment ----- */
static int want_card;             /* under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *fk_open(const char *arg, int grab, char *err, size_t errlen)
{
    (void)arg; (void)grab; (void)err; (void)errlen;
    return &want_card;
}

static int fk_wait(void *h, int timeout_ms, struct lc_reader_event *ev, char *err, size_t n)
{
    (void)h; (void)err; (void)n;
    struct timespec ts = { 0, (long)(rand() % (timeout_ms * 1000)) * 1000L };
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&mu);
    int go = want_card;
    want_card = 0;
    pthread_mutex_unlock(&mu);
    if (!go)
        return 0;
    memset(ev, 0, sizeof *ev);
    ev->kind = LC_EV_CARD;
    snprintf(ev->uid, sizeof ev->uid, "%s", UID);
    ev->at_us = lc_reader_now_us();
    snprintf(ev->text, sizeof ev->text, "bench reader");
    return 1;
}

static void fk_describe(void *h, char *buf, size_t len) { (void)h; snprintf(buf, len, "bench"); }
static void fk_close(void *h) { (void)h; }
static const struct lc_reader_backend fake = {
    .kind = "bench", .open = fk_open, .wait = fk_wait, .describe = fk_describe,
    .close = fk_close };

/* ---- the site ------------------------------------------------------------ */
static int make_site(struct gh_store *st, const char *board, int n, char *code, size_t len)
{
    char relay[96], email[64], uid[32];
    snprintf(relay, sizeof relay, "%s:1", board);
    struct gh_location_new door = { .name = "Bench door", .door = GH_DOOR_COMMON,
                                    .relay = relay, .unlock_ms = 300 };
    int64_t id, door_id;
    if (gh_location_add(st, "bench", &door, &door_id) != GH_OK || gh_store_begin(st) != GH_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        char c[GH_DOORCODE_BUF];
        snprintf(email, sizeof email, "bench%d@example.com", i);
        snprintf(uid, sizeof uid, i == 0 ? UID : "0c%012x", i);
        struct gh_account_new occ = { .email = email, .access = GH_ACCESS_ALL, .no_welcome = 1 };
        if (gh_occupant_create(st, "bench", &occ, &id) != GH_OK ||
            gh_card_add(st, "bench", id, uid, NULL) != GH_OK ||
            gh_doorcode_issue(st, "bench", id, i == 0 ? code : c, i == 0 ? len : sizeof c) != GH_OK)
            return -1;
    }
    return gh_store_commit(st) == GH_OK ? 0 : -1;
}

struct run {
    struct gh_store *st;
    struct gh_plugin_host *host;
    struct lockctl *lc;
    struct gh_location door;
    const char *board;
};

static int pulse_off(struct run *r)
{
    gh_clock_advance(300);
    gh_plugin_host_poll(r->host, gh_clock_mono_ms());
    return lc_relay_channel_status(r->lc->mgr, r->board, 1) == GH_OK ? 0 : -1;
}

/* From t0_us (CLOCK_MONOTONIC us) to the relay on: the holder of a card
 * (code NULL) or of a door code, then the unlock. */
static double open_by(struct run *r, int64_t t0_us, const char *uid, const char *code)
{
    struct gh_account a;
    struct gh_decision d;
    char msg[256];
    enum gh_status s = code ? gh_doorcode_attempt(r->st, "Bench", code, &a, NULL)
                            : gh_card_attempt(r->st, "Bench", uid, &a, NULL);
    if (s == GH_OK)
        s = lc_unlock(r->lc, r->st, "kiosk", &a, &r->door, &d, msg, sizeof msg);
    double t = (double)(lc_reader_now_us() - t0_us);
    if (s != GH_OK || !d.allowed) {
        fprintf(stderr, "cards-bench: unlock: %s %s\n", gh_store_errmsg(r->st), msg);
        return -1;
    }
    return pulse_off(r) == 0 ? t : -1;
}

/* A card through the reader thread and the kiosk's poll cadence. */
static double by_reader(struct run *r, struct lc_readers *rd)
{
    struct lc_reader_event ev;
    struct timespec poll = { 0, LC_CARD_POLL_MS * 1000000L };
    pthread_mutex_lock(&mu);
    want_card = 1;
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 1000; i++) {
        nanosleep(&poll, NULL);
        if (lc_readers_take(rd, &ev) && ev.kind == LC_EV_CARD)
            return open_by(r, ev.at_us, ev.uid, NULL);
    }
    return -1;
}

static int measure(struct run *r, struct lc_readers *rd, const char *code, int rounds)
{
    double *v[4];
    for (int k = 0; k < 4; k++)
        if (!(v[k] = calloc((size_t)rounds, sizeof(double))))
            return -1;
    for (int i = 0; i < rounds; i++) {
        v[0][i] = by_reader(r, rd);
        v[1][i] = open_by(r, lc_reader_now_us(), UID, NULL);
        v[2][i] = open_by(r, lc_reader_now_us(), NULL, code);
        int64_t t0 = lc_reader_now_us();
        enum gh_status s = lc_relay_set(r->lc->mgr, r->board, 1, 1);
        v[3][i] = (double)(lc_reader_now_us() - t0);
        if (v[0][i] < 0 || v[1][i] < 0 || v[2][i] < 0 || s != GH_OK ||
            lc_relay_set(r->lc->mgr, r->board, 1, 0) != GH_OK)
            return -1;
    }
    static const char *const what[4] = {
        "card via reader thread + kiosk poll (event -> relay on)",
        "card read -> relay on (attempt + decision + pulse)",
        "right door code -> relay on (attempt + decision + pulse)",
        "relay on by the layer alone" };
    printf("rounds: %d\n", rounds);
    for (int k = 0; k < 4; k++) {
        printf("%s, median us: %.0f  p90: %.0f\n", what[k], pct(v[k], rounds, 50),
               pct(v[k], rounds, 90));
        free(v[k]);
    }
    return 0;
}

static int run_bench(struct gh_store *st, const char *board, const char *code, int rounds)
{
    struct gh_config cfg;
    char err[512];
    int rc = 1;
    gh_config_defaults(&cfg);
    struct gh_plugin_host *host = gh_plugin_host_new(st, &cfg, NULL, 1);
    struct lc_readers *rd = lc_readers_new();
    if (!host || !rd || lc_readers_add(rd, &fake, "") != 0)
        goto out;
    gh_plugin_host_listen(host);
    if (gh_plugin_host_add_static(host, gh_plugin_lockctl(), err, sizeof err) != GH_OK) {
        fprintf(stderr, "cards-bench: %s\n", err);
        goto out;
    }
    struct run r = { st, host, &lc_state, { 0 }, board };
    if (!r.lc->mgr || lc_relay_channel_status(r.lc->mgr, board, 1) != GH_OK ||
        gh_location_find(st, "Bench door", &r.door) != GH_OK) {
        fprintf(stderr, "cards-bench: board %s or the door not usable\n", board);
        goto out;
    }
    rc = measure(&r, rd, code, rounds) == 0 ? 0 : 1;
out:
    lc_readers_free(rd);
    if (host) {
        gh_plugin_host_shutdown(host);
        gh_plugin_host_free(host);
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct gh_store *st = NULL;
    char err[512], code[GH_DOORCODE_BUF] = "";
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: cards-bench DB BOARD_ID ROUNDS [OCCUPANTS]\n");
        return 2;
    }
    int rounds = atoi(argv[3]) > 0 ? atoi(argv[3]) : 1;
    int n = argc == 5 && atoi(argv[4]) > 0 ? atoi(argv[4]) : 10000;
    int fresh = access(argv[1], F_OK) != 0;
    gh_clock_set_virtual(1);
    if (gh_store_open(argv[1], &st, err, sizeof err) != GH_OK) {
        fprintf(stderr, "cards-bench: %s\n", err);
        return 1;
    }
    int bad = fresh ? make_site(st, argv[2], n, code, sizeof code)
                    : gh_doorcode_issue(st, "bench", 1, code, sizeof code) != GH_OK;
    if (bad) {
        fprintf(stderr, "cards-bench: site: %s\n", gh_store_errmsg(st));
        gh_store_close(st);
        return 1;
    }
    printf("occupants with a card and a door code: %d\n", n);
    int rc = run_bench(st, argv[2], code, rounds);
    gh_store_close(st);
    return rc;
}
