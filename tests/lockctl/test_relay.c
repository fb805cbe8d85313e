/*
 * test_relay.c: the relay layer (plugins/lockctl) against the real libusb and
 * simulated boards (tests/sim) in this process, under libumockdev-preload.
 *
 * Each test builds its own testbed and manager, so tests do not share board
 * state. Time is virtual (gatehouse/clock.h): a pulse ends because the test
 * advances the monotonic clock and polls, never because anything slept. The
 * checks read the boards' state from the simulator side, i.e. what the
 * hardware would show, not what the manager believes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gh_test.h"

#include "gatehouse/clock.h"
#include "gh_sim.h"
#include "lc_alloff.h"
#include "relay.h"

#define MAX_EVENTS 64

struct seen {
    enum lc_relay_event ev;
    char id[LC_RELAY_ID_MAX];
    enum lc_relay_board_status status;
    char line[400];
};

struct fx {
    struct gh_sim *sim;
    struct lc_relay_mgr *m;
    struct lc_relay_config cfg;
    struct seen ev[MAX_EVENTS];
    int nev;
};

static void on_event(void *user, enum lc_relay_event ev, const struct lc_relay_board_info *b)
{
    struct fx *f = user;
    if (f->nev >= MAX_EVENTS)
        return;
    struct seen *s = &f->ev[f->nev++];
    s->ev = ev;
    snprintf(s->id, sizeof s->id, "%s", b->id);
    s->status = b->status;
    snprintf(s->line, sizeof s->line, "%s", b->line);
}

static int count_events(const struct fx *f, enum lc_relay_event ev, const char *id)
{
    int n = 0;
    for (int i = 0; i < f->nev; i++)
        if (f->ev[i].ev == ev && (!id || strcmp(f->ev[i].id, id) == 0))
            n++;
    return n;
}

struct listing {
    int n;
    struct lc_relay_board_info b[16];
    char ids[16][LC_RELAY_ID_MAX];
    char fams[16][16];
    char lines[16][400];
};

static void collect(void *user, const struct lc_relay_board_info *b)
{
    struct listing *l = user;
    if (l->n >= 16)
        return;
    l->b[l->n] = *b;
    snprintf(l->ids[l->n], sizeof l->ids[0], "%s", b->id);
    snprintf(l->fams[l->n], sizeof l->fams[0], "%s", b->family);
    snprintf(l->lines[l->n], sizeof l->lines[0], "%s", b->line);
    l->n++;
}

/* The listed board with this ID (and status, -1 = any), or -1. */
static int find_listed(const struct listing *l, const char *id, int status)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->ids[i], id) == 0 && (status < 0 || (int)l->b[i].status == status))
            return i;
    return -1;
}

static int setup(void **state)
{
    static int checked;
    if (!checked) {
        /* Without the preload libusb would look at the real (empty) bus and
         * every test would fail for the wrong reason: say so once, loudly. */
        if (!gh_sim_preload_active()) {
            fprintf(stderr, "test_relay: run with LD_PRELOAD=libumockdev-preload.so.0\n");
            return -1;
        }
        checked = 1;
    }
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    f->sim = gh_sim_new(err, sizeof err);
    if (!f->sim) {
        fprintf(stderr, "gh_sim_new: %s\n", err);
        free(f);
        return -1;
    }
    f->cfg.on_event = on_event;
    f->cfg.user = f;
    gh_clock_set_virtual(1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    lc_relay_mgr_close(f->m);
    gh_sim_free(f->sim);
    gh_clock_set_virtual(0);
    free(f);
    return 0;
}

static void open_mgr(struct fx *f)
{
    enum gh_status st = lc_relay_mgr_open(&f->m, &f->cfg);
    if (st != GH_OK)
        fail_msg("lc_relay_mgr_open: %s: %s", gh_strerror(st), lc_relay_mgr_errmsg(f->m));
}

static enum gh_status poll_now(struct fx *f)
{
    return lc_relay_mgr_poll(f->m, gh_clock_mono_ms());
}

/* Polls (advancing virtual time by step ms each round, and real time a
 * little so libusb's hotplug thread can run) until pred holds; bounded. */
static int poll_until(struct fx *f, int (*pred)(struct fx *, const void *), const void *arg,
                      int64_t step)
{
    for (int i = 0; i < 1000; i++) {   /* at most ~5 s even on a busy machine */
        if (pred(f, arg))
            return 1;
        gh_clock_advance(step);
        poll_now(f);
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
    }
    return pred(f, arg);
}

struct want_status {
    const char *id;
    enum gh_status st;
};

static int channel_is(struct fx *f, const void *arg)
{
    const struct want_status *w = arg;
    return lc_relay_channel_status(f->m, w->id, 1) == w->st;
}

/* ---- discovery ---------------------------------------------------------- */

/* SPEC "Doors": boards are known by their own ID (dcttech ID, FTDI serial);
 * both families are found; relays found on are switched off at start. */
static void test_discovery_both_families_all_off_at_start(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "ABCDE", 2);
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FT000042", 8);
    assert_non_null(d);
    assert_non_null(t);
    gh_sim_set_state(d, 0x3);          /* as a crashed kiosk might leave them */
    gh_sim_set_state(t, 0x81);
    open_mgr(f);

    struct listing l = {0};
    assert_int_equal(lc_relay_list(f->m, collect, &l), 2);
    int i = find_listed(&l, "ABCDE", LC_RELAY_BOARD_OK);
    int k = find_listed(&l, "FT000042", LC_RELAY_BOARD_OK);
    assert_true(i >= 0 && k >= 0);
    assert_string_equal(l.fams[i], "dcttech");
    assert_string_equal(l.fams[k], "ftdi");
    assert_int_equal(l.b[i].channels, 2);
    assert_int_equal(l.b[k].channels, 8);
    assert_int_equal(l.b[i].found_state, 0x3);
    assert_int_equal(l.b[k].found_state, 0x81);
    assert_int_equal(l.b[i].state, 0);
    assert_int_equal(l.b[k].state, 0);
    /* What the hardware shows: everything off. */
    assert_int_equal(gh_sim_state(d), 0);
    assert_int_equal(gh_sim_state(t), 0);
    assert_int_equal(count_events(f, LC_RELAY_EV_FOUND, "ABCDE"), 1);
    assert_int_equal(count_events(f, LC_RELAY_EV_FOUND, "FT000042"), 1);
    assert_non_null(strstr(l.lines[i], "ABCDE"));
    /* The FOUND event tells the log that relays were on and were switched off. */
    int announced = 0;
    for (int e = 0; e < f->nev; e++)
        if (f->ev[e].ev == LC_RELAY_EV_FOUND && strcmp(f->ev[e].id, "ABCDE") == 0)
            announced = strstr(f->ev[e].line, "were on when found: switched off") != NULL;
    assert_true(announced);
    /* The kernel driver had to be detached for us to claim. */
    assert_false(gh_sim_driver_bound(d));
    assert_false(gh_sim_driver_bound(t));
    assert_int_equal(lc_relay_channel_status(f->m, "ABCDE", 2), GH_OK);
    assert_int_equal(lc_relay_channel_status(f->m, "ABCDE", 3), GH_E_INVALID);
    assert_int_equal(lc_relay_channel_status(f->m, "NOSUCH", 1), GH_E_NOTFOUND);
}

/* TESTING.md: 16c0:05df and 0403:6001 are shared IDs; a device is ours only
 * when its strings say so. Others are left alone: not claimed, their kernel
 * driver not detached, their state not touched. */
static void test_match_strings_not_ids_alone(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *vusb = gh_sim_add_custom(f->sim, GH_SIM_DCTTECH, "GADGT", 2,
                                                  "example.org", "USBRelay2");
    struct gh_sim_board *odd = gh_sim_add_custom(f->sim, GH_SIM_DCTTECH, "ODDNR", 2,
                                                 NULL, "USBRelay3");
    struct gh_sim_board *uart = gh_sim_add_custom(f->sim, GH_SIM_FTDI, "A600XYZ", 8,
                                                  NULL, "FT232R USB UART");
    struct gh_sim_board *real = gh_sim_add_dcttech(f->sim, "REAL1", 8);
    assert_non_null(vusb);
    assert_non_null(odd);
    assert_non_null(uart);
    gh_sim_set_state(vusb, 0x3);
    gh_sim_set_state(uart, 0x5);
    gh_sim_set_state(real, 0x80);
    open_mgr(f);
    struct listing l = {0};
    assert_int_equal(lc_relay_list(f->m, collect, &l), 1);
    assert_string_equal(l.ids[0], "REAL1");
    assert_int_equal(l.b[0].channels, 8);
    assert_int_equal(gh_sim_state(real), 0);
    assert_int_equal(gh_sim_state(vusb), 0x3);
    assert_int_equal(gh_sim_state(uart), 0x5);
    assert_true(gh_sim_driver_bound(vusb));
    assert_true(gh_sim_driver_bound(odd));
    assert_true(gh_sim_driver_bound(uart));
    assert_int_equal(lc_relay_channel_status(f->m, "GADGT", 1), GH_E_NOTFOUND);
    assert_int_equal(lc_relay_channel_status(f->m, "A600XYZ", 1), GH_E_NOTFOUND);
    /* A rescan does not reopen them either. */
    struct gh_sim_counts c0, c1;
    gh_sim_counts(uart, &c0);
    assert_int_equal(lc_relay_mgr_rescan(f->m), GH_OK);
    gh_sim_counts(uart, &c1);
    assert_int_equal(c1.urbs, c0.urbs);
}

/* With a list of configured FTDI serials, other FT245R boards are left to
 * ftdi_sio (the packaging's udev rule relies on it). */
static void test_ftdi_only_configured_serials(void **state)
{
    struct fx *f = *state;
    static const char *const serials[] = {"FTDOOR1", NULL};
    f->cfg.ftdi_serials = serials;
    struct gh_sim_board *mine = gh_sim_add_ftdi(f->sim, "FTDOOR1", 8);
    struct gh_sim_board *other = gh_sim_add_ftdi(f->sim, "FTOTHER", 8);
    gh_sim_set_state(other, 0x3);
    open_mgr(f);
    struct listing l = {0};
    assert_int_equal(lc_relay_list(f->m, collect, &l), 1);
    assert_string_equal(l.ids[0], "FTDOOR1");
    assert_false(gh_sim_driver_bound(mine));
    assert_true(gh_sim_driver_bound(other));
    assert_int_equal(gh_sim_state(other), 0x3);
}

/* Closing gives the interface back to usbhid/ftdi_sio and leaves all off. */
static void test_shutdown_all_off_and_driver_back(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "SHUT1", 4);
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FTSHUT", 4);
    open_mgr(f);
    assert_int_equal(lc_relay_set(f->m, "SHUT1", 3, 1), GH_OK);
    assert_int_equal(lc_relay_set(f->m, "FTSHUT", 4, 1), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x4);
    assert_int_equal(gh_sim_state(t), 0x8);
    lc_relay_mgr_close(f->m);
    f->m = NULL;
    assert_int_equal(gh_sim_state(d), 0);
    assert_int_equal(gh_sim_state(t), 0);
    assert_true(gh_sim_driver_bound(d));
    assert_true(gh_sim_driver_bound(t));
}

/* ---- pulses ------------------------------------------------------------- */

/* SPEC "Doors": unlocking switches the relay on for the unlock time, then
 * off; one write + one read-back per switch. */
static void test_pulse_on_then_off_after_unlock_ms(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "DOOR1", 2);
    open_mgr(f);
    struct gh_sim_counts c0, c1;
    gh_sim_counts(d, &c0);
    uint64_t t0 = lc_relay_mgr_transfers(f->m);

    assert_int_equal(lc_relay_pulse(f->m, "DOOR1", 2, 5000), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x2);
    gh_sim_counts(d, &c1);
    assert_int_equal(c1.relay_transfers - c0.relay_transfers, 2);   /* SET + GET_REPORT */
    assert_int_equal(c1.urbs - c0.urbs, 2);
    assert_int_equal(lc_relay_mgr_transfers(f->m) - t0, 2);
    assert_int_equal(lc_relay_mgr_next_deadline(f->m) <= gh_clock_mono_ms() + 5000, 1);

    poll_now(f);
    assert_int_equal(gh_sim_state(d), 0x2);
    gh_clock_advance(4999);
    poll_now(f);
    assert_int_equal(gh_sim_state(d), 0x2);   /* not a millisecond early */
    gh_clock_advance(1);
    poll_now(f);
    assert_int_equal(gh_sim_state(d), 0);
}

/* The plugin runs pulses on the host's clock (host->mono_ms): a configured
 * clock is the one deadlines follow, not gh_clock_*. */
static int64_t host_clock_ms = 1000000;
static int64_t host_clock(void)
{
    return host_clock_ms;
}

static void test_pulse_follows_configured_clock(void **state)
{
    struct fx *f = *state;
    f->cfg.mono_ms = host_clock;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "HOSTC", 1);
    open_mgr(f);
    assert_int_equal(lc_relay_pulse(f->m, "HOSTC", 1, 2000), GH_OK);
    assert_int_equal(lc_relay_mgr_next_deadline(f->m), host_clock_ms + 2000);
    gh_clock_advance(5000);                 /* the core's clock: not ours */
    lc_relay_mgr_poll(f->m, host_clock_ms + 1999);
    assert_int_equal(gh_sim_state(d), 0x1);
    host_clock_ms += 2000;
    lc_relay_mgr_poll(f->m, host_clock_ms);
    assert_int_equal(gh_sim_state(d), 0);
}

static void test_pulse_ftdi_keeps_other_relays(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FTDOOR", 8);
    open_mgr(f);
    assert_int_equal(lc_relay_set(f->m, "FTDOOR", 1, 1), GH_OK);
    assert_int_equal(lc_relay_pulse(f->m, "FTDOOR", 8, 3000), GH_OK);
    assert_int_equal(gh_sim_state(t), 0x81);
    gh_clock_advance(3000);
    poll_now(f);
    assert_int_equal(gh_sim_state(t), 0x01);   /* only the pulsed relay went off */
    /* A second pulse during the first extends it. */
    assert_int_equal(lc_relay_pulse(f->m, "FTDOOR", 5, 1000), GH_OK);
    gh_clock_advance(500);
    assert_int_equal(lc_relay_pulse(f->m, "FTDOOR", 5, 1000), GH_OK);
    gh_clock_advance(600);
    poll_now(f);
    assert_int_equal(gh_sim_state(t), 0x11);
    gh_clock_advance(400);
    poll_now(f);
    assert_int_equal(gh_sim_state(t), 0x01);
    assert_int_equal(lc_relay_pulse(f->m, "FTDOOR", 9, 1000), GH_E_INVALID);
    assert_int_equal(lc_relay_pulse(f->m, "FTDOOR", 1, 0), GH_E_INVALID);
}

/* ---- duplicates and rename ---------------------------------------------- */

/* SPEC "Doors": two boards with the same ID are both refused until one is
 * renamed; the message says how. */
static void test_duplicate_ids_both_refused(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *a = gh_sim_add_dcttech(f->sim, "TWINS", 2);
    struct gh_sim_board *b = gh_sim_add_dcttech(f->sim, "TWINS", 2);
    open_mgr(f);
    struct listing l = {0};
    lc_relay_list(f->m, collect, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.b[0].status, LC_RELAY_BOARD_DUPLICATE);
    assert_int_equal(l.b[1].status, LC_RELAY_BOARD_DUPLICATE);
    assert_non_null(strstr(l.lines[0], "rename"));
    assert_int_equal(count_events(f, LC_RELAY_EV_DUPLICATE, "TWINS"), 2);

    assert_int_equal(lc_relay_pulse(f->m, "TWINS", 1, 1000), GH_E_REFUSED);
    assert_non_null(strstr(lc_relay_mgr_errmsg(f->m), "gatehousectl relay rename TWINS"));
    assert_int_equal(gh_sim_state(a), 0);
    assert_int_equal(gh_sim_state(b), 0);
    assert_int_equal(lc_relay_rename(f->m, "TWINS", "SOLO1"), GH_E_REFUSED);
    assert_int_equal(lc_relay_channel_status(f->m, "TWINS", 1), GH_E_REFUSED);

    /* Unplug one: the other is the only TWINS now, and usable. */
    gh_sim_unplug(b);
    assert_int_equal(lc_relay_mgr_rescan(f->m), GH_OK);
    assert_int_equal(lc_relay_channel_status(f->m, "TWINS", 1), GH_OK);
    assert_int_equal(lc_relay_pulse(f->m, "TWINS", 1, 1000), GH_OK);
    assert_int_equal(gh_sim_state(a), 0x1);
    memset(&l, 0, sizeof l);
    assert_int_equal(lc_relay_list(f->m, collect, &l), 1);

    /* Rename it, plug the other back: two boards, two names, both fine. */
    assert_int_equal(lc_relay_rename(f->m, "TWINS", "SOLO1"), GH_OK);
    gh_sim_replug(b);
    assert_int_equal(lc_relay_mgr_rescan(f->m), GH_OK);
    assert_int_equal(lc_relay_channel_status(f->m, "SOLO1", 1), GH_OK);
    assert_int_equal(lc_relay_channel_status(f->m, "TWINS", 1), GH_OK);
}

/* FTDI boards are named by their USB serial, which we cannot change: the
 * message says so instead of suggesting a rename. */
static void test_duplicate_ftdi_serials_refused(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *a = gh_sim_add_ftdi(f->sim, "FTSAME", 4);
    struct gh_sim_board *b = gh_sim_add_ftdi(f->sim, "FTSAME", 8);
    open_mgr(f);
    struct listing l = {0};
    assert_int_equal(lc_relay_list(f->m, collect, &l), 2);
    assert_int_equal(l.b[0].status, LC_RELAY_BOARD_DUPLICATE);
    assert_int_equal(l.b[1].status, LC_RELAY_BOARD_DUPLICATE);
    assert_non_null(strstr(l.lines[0], "cannot be changed here"));
    assert_int_equal(lc_relay_pulse(f->m, "FTSAME", 1, 1000), GH_E_REFUSED);
    assert_int_equal(gh_sim_state(a), 0);
    assert_int_equal(gh_sim_state(b), 0);
    assert_int_equal(lc_relay_rename(f->m, "FTSAME", "OTHER"), GH_E_REFUSED);
}

static void test_rename_dcttech_board(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "OLDID", 4);
    gh_sim_add_dcttech(f->sim, "TAKEN", 1);
    gh_sim_add_ftdi(f->sim, "FTSER1", 4);
    open_mgr(f);
    char id[16];

    assert_int_equal(lc_relay_rename(f->m, "OLDID", "AB"), GH_E_INVALID);
    assert_int_equal(lc_relay_rename(f->m, "OLDID", "ABCDEF"), GH_E_INVALID);
    assert_int_equal(lc_relay_rename(f->m, "OLDID", "AB CD"), GH_E_INVALID);
    assert_int_equal(lc_relay_rename(f->m, "OLDID", "AB\tCD"), GH_E_INVALID);
    assert_int_equal(lc_relay_rename(f->m, "OLDID", "TAKEN"), GH_E_EXISTS);
    assert_int_equal(lc_relay_rename(f->m, "NOSUCH", "NEWID"), GH_E_NOTFOUND);
    assert_int_equal(lc_relay_rename(f->m, "FTSER1", "NEWID"), GH_E_REFUSED);
    gh_sim_id(d, id, sizeof id);
    assert_string_equal(id, "OLDID");

    assert_int_equal(lc_relay_rename(f->m, "OLDID", "NEW-1"), GH_OK);
    gh_sim_id(d, id, sizeof id);
    assert_string_equal(id, "NEW-1");          /* in the board's EEPROM */
    assert_int_equal(count_events(f, LC_RELAY_EV_RENAMED, "NEW-1"), 1);
    assert_int_equal(lc_relay_channel_status(f->m, "OLDID", 1), GH_E_NOTFOUND);
    assert_int_equal(lc_relay_pulse(f->m, "NEW-1", 4, 100), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x8);

    /* A new manager (the next start) finds it under its new name. */
    lc_relay_mgr_close(f->m);
    f->m = NULL;
    open_mgr(f);
    assert_int_equal(lc_relay_channel_status(f->m, "NEW-1", 1), GH_OK);
}

/* ---- unplug and replug -------------------------------------------------- */

/* SPEC "Doors": a board that goes away marks its doors unavailable until it
 * comes back; it must not crash anything mid-pulse, and when it comes back
 * every relay is switched off. Without hotplug: NO_DEVICE and rescans. */
static void test_unplug_mid_pulse_then_replug_periodic_rescan(void **state)
{
    struct fx *f = *state;
    f->cfg.no_hotplug = 1;
    f->cfg.rescan_ms = 1000;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "GONE1", 2);
    open_mgr(f);
    assert_false(lc_relay_mgr_uses_hotplug(f->m));
    assert_int_equal(lc_relay_pulse(f->m, "GONE1", 1, 5000), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x1);

    gh_sim_unplug(d);
    /* The next transfer meets NO_DEVICE: unavailable at once. */
    assert_int_equal(lc_relay_pulse(f->m, "GONE1", 2, 5000), GH_E_UNAVAILABLE);
    assert_int_equal(lc_relay_channel_status(f->m, "GONE1", 1), GH_E_UNAVAILABLE);
    assert_int_equal(count_events(f, LC_RELAY_EV_LOST, "GONE1"), 1);
    gh_clock_advance(6000);   /* the pulse's end passes while it is away */
    assert_int_equal(poll_now(f), GH_OK);
    struct listing l = {0};
    lc_relay_list(f->m, collect, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.b[0].status, LC_RELAY_BOARD_UNAVAILABLE);
    assert_non_null(strstr(l.lines[0], "unavailable"));

    /* It comes back with a relay stuck on (a reset mid-pulse): off it goes. */
    gh_sim_set_state(d, 0x3);
    assert_int_equal(gh_sim_replug(d), 0);
    struct want_status w = {"GONE1", GH_OK};
    assert_true(poll_until(f, channel_is, &w, 250));
    assert_int_equal(gh_sim_state(d), 0);
    assert_int_equal(count_events(f, LC_RELAY_EV_FOUND, "GONE1"), 2);
    assert_int_equal(lc_relay_pulse(f->m, "GONE1", 2, 1000), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x2);
    gh_clock_advance(1000);
    poll_now(f);
    assert_int_equal(gh_sim_state(d), 0);
}

/* The same with libusb hotplug (udev events from the testbed), no transfer
 * needed to notice the unplug. */
static void test_unplug_and_replug_hotplug(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FTHOT1", 4);
    open_mgr(f);
    if (!lc_relay_mgr_uses_hotplug(f->m))
        gh_skip("libusb has no hotplug here");
    assert_int_equal(lc_relay_pulse(f->m, "FTHOT1", 2, 5000), GH_OK);
    gh_sim_unplug(t);
    struct want_status gone = {"FTHOT1", GH_E_UNAVAILABLE};
    assert_true(poll_until(f, channel_is, &gone, 0));
    assert_int_equal(count_events(f, LC_RELAY_EV_LOST, "FTHOT1"), 1);
    gh_sim_set_state(t, 0xf);
    gh_sim_replug(t);
    struct want_status back = {"FTHOT1", GH_OK};
    assert_true(poll_until(f, channel_is, &back, 0));
    assert_int_equal(gh_sim_state(t), 0);
}

/* A board that cannot be taken over at first (here its first GET_REPORT
 * stalls) is tried again after rescan_ms, hotplug or not: it sends no second
 * "arrived" event. */
static void test_board_failing_at_discovery_retried(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "SLOW1", 2);
    gh_sim_set_state(d, 0x2);
    gh_sim_fault_stall(d, 1);
    open_mgr(f);
    assert_non_null(strstr(lc_relay_mgr_errmsg(f->m), "cannot take it over"));
    assert_int_equal(lc_relay_channel_status(f->m, "SLOW1", 1), GH_E_NOTFOUND);
    assert_true(lc_relay_mgr_next_deadline(f->m) <= gh_clock_mono_ms() + 1000);
    gh_clock_advance(1000);
    poll_now(f);
    assert_int_equal(lc_relay_channel_status(f->m, "SLOW1", 1), GH_OK);
    assert_int_equal(gh_sim_state(d), 0);

    /* One that cannot even tell its name at first is not written off as
     * "not a relay board": it is looked at again too. */
    struct gh_sim_board *e = gh_sim_add_dcttech(f->sim, "SLOW2", 2);
    gh_sim_set_state(e, 0x1);
    lc_relay_mgr_close(f->m);
    f->m = NULL;
    gh_sim_fault_stall_strings(e, 2);
    open_mgr(f);
    assert_non_null(strstr(lc_relay_mgr_errmsg(f->m), "cannot read its name"));
    assert_int_equal(lc_relay_channel_status(f->m, "SLOW2", 1), GH_E_NOTFOUND);
    assert_int_equal(gh_sim_state(e), 0x1);
    gh_clock_advance(1000);
    poll_now(f);
    assert_int_equal(lc_relay_channel_status(f->m, "SLOW2", 1), GH_OK);
    assert_int_equal(gh_sim_state(e), 0);
}

/* A long random run of pulses, polls, unplugs and replugs (fixed seed, so a
 * failure repeats): no crash, and after every poll each board the manager
 * calls usable shows exactly the relays whose pulses are still running. */
struct soak_board {
    struct gh_sim_board *b;
    const char *id;
    int channels;
    int64_t until[LC_RELAY_MAX_CHANNELS + 1];
};

static struct soak_board *soak_boards;

static void soak_event(void *user, enum lc_relay_event ev, const struct lc_relay_board_info *b)
{
    on_event(user, ev, b);
    /* Found (again): the manager switched everything off. */
    for (int i = 0; ev == LC_RELAY_EV_FOUND && i < 3; i++)
        if (strcmp(soak_boards[i].id, b->id) == 0)
            memset(soak_boards[i].until, 0, sizeof soak_boards[i].until);
}

static void test_random_pulses_unplugs_replugs(void **state)
{
    struct fx *f = *state;
    struct soak_board sb[3] = {{.id = "SOAKA", .channels = 2}, {.id = "SOAKB", .channels = 4},
                               {.id = "FTSOAK", .channels = 8}};
    soak_boards = sb;
    sb[0].b = gh_sim_add_dcttech(f->sim, sb[0].id, 2);
    sb[1].b = gh_sim_add_dcttech(f->sim, sb[1].id, 4);
    sb[2].b = gh_sim_add_ftdi(f->sim, sb[2].id, 8);
    f->cfg.no_hotplug = 1;   /* deterministic: rescans follow the virtual clock */
    f->cfg.rescan_ms = 100;
    f->cfg.on_event = soak_event;
    open_mgr(f);
    unsigned seed = 7;
    int pulses = 0, unplugs = 0, replugs = 0;
    for (int step = 0; step < 400; step++) {
        int r = (int)(rand_r(&seed) % 100);
        struct soak_board *x = &sb[rand_r(&seed) % 3];
        int64_t now = gh_clock_mono_ms();
        if (r < 35) {
            int ch = 1 + (int)(rand_r(&seed) % (unsigned)x->channels);
            int ms = 100 + (int)(rand_r(&seed) % 1900);
            if (lc_relay_pulse(f->m, x->id, ch, ms) == GH_OK) {
                if (now + ms > x->until[ch])
                    x->until[ch] = now + ms;
                pulses++;
            }
        } else if (r < 42) {
            if (gh_sim_present(x->b)) {
                gh_sim_unplug(x->b);
                memset(x->until, 0, sizeof x->until);   /* power gone */
                unplugs++;
            }
        } else if (r < 49) {
            if (!gh_sim_present(x->b)) {
                gh_sim_set_state(x->b, rand_r(&seed) & 0xff);   /* any state */
                gh_sim_replug(x->b);
                replugs++;
            }
        } else {
            gh_clock_advance(rand_r(&seed) % 400);
            assert_true(poll_now(f) != GH_E_INTERNAL);
            now = gh_clock_mono_ms();
            for (int i = 0; i < 3; i++) {
                if (!gh_sim_present(sb[i].b) || lc_relay_channel_status(f->m, sb[i].id, 1) != GH_OK)
                    continue;
                uint32_t hw = gh_sim_state(sb[i].b), expect = 0;
                for (int c = 1; c <= sb[i].channels; c++)
                    if (sb[i].until[c] > now)
                        expect |= 1u << (c - 1);
                if (hw != expect)
                    fail_msg("step %d: %s shows 0x%02x, pulses running 0x%02x", step, sb[i].id,
                             (unsigned)hw, (unsigned)expect);
            }
        }
    }
    assert_true(pulses > 50 && unplugs > 5 && replugs > 5);
    /* Everything back, time passes: every board known, usable, all off. */
    for (int i = 0; i < 3; i++)
        if (!gh_sim_present(sb[i].b))
            gh_sim_replug(sb[i].b);
    gh_clock_advance(3000);
    poll_now(f);
    gh_clock_advance(200);
    poll_now(f);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lc_relay_channel_status(f->m, sb[i].id, 1), GH_OK);
        assert_int_equal(gh_sim_state(sb[i].b), 0);
    }
    struct listing l = {0};
    assert_int_equal(lc_relay_list(f->m, collect, &l), 3);
}

/* ---- faults ------------------------------------------------------------- */

/* A protocol error (stall) is retried once; the second failure is reported
 * and the board marked failing; the next good switch recovers it. */
static void test_stall_retried_once_then_reported(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "STALL", 2);
    open_mgr(f);

    gh_sim_fault_stall(d, 1);
    assert_int_equal(lc_relay_pulse(f->m, "STALL", 1, 1000), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x1);
    assert_int_equal(count_events(f, LC_RELAY_EV_FAILING, NULL), 0);
    gh_clock_advance(1000);
    poll_now(f);
    assert_int_equal(gh_sim_state(d), 0);

    /* The dcttech write and its read-back go out together, so one failed
     * attempt takes two stalled transfers: four fail both attempts. */
    gh_sim_fault_stall(d, 4);
    assert_int_equal(lc_relay_pulse(f->m, "STALL", 2, 1000), GH_E_IO);
    assert_int_equal(gh_sim_state(d), 0);
    assert_non_null(strstr(lc_relay_mgr_errmsg(f->m), "retry"));
    assert_int_equal(count_events(f, LC_RELAY_EV_FAILING, "STALL"), 1);
    struct listing l = {0};
    lc_relay_list(f->m, collect, &l);
    assert_int_equal(l.b[0].status, LC_RELAY_BOARD_FAILING);
    /* Still usable: the next pulse is tried, works, and recovers the board. */
    assert_int_equal(lc_relay_channel_status(f->m, "STALL", 2), GH_OK);
    assert_int_equal(lc_relay_pulse(f->m, "STALL", 2, 1000), GH_OK);
    assert_int_equal(gh_sim_state(d), 0x2);
    assert_int_equal(count_events(f, LC_RELAY_EV_RECOVERED, "STALL"), 1);

    /* A switch-off that fails twice is tried again until the door is shut. */
    gh_sim_fault_stall(d, 4);
    gh_clock_advance(1000);
    assert_int_equal(poll_now(f), GH_E_IO);
    assert_int_equal(gh_sim_state(d), 0x2);
    gh_clock_advance(100);
    assert_int_equal(poll_now(f), GH_OK);
    assert_int_equal(gh_sim_state(d), 0);
}

/* The same on an FTDI board, whose write (bulk) and read-back (control) go
 * one after the other: two stalled writes fail both attempts. */
static void test_stall_retried_once_then_reported_ftdi(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FTSTALL", 4);
    open_mgr(f);
    gh_sim_fault_stall(t, 1);
    assert_int_equal(lc_relay_pulse(f->m, "FTSTALL", 3, 1000), GH_OK);
    assert_int_equal(gh_sim_state(t), 0x4);
    gh_sim_fault_stall(t, 2);
    assert_int_equal(lc_relay_pulse(f->m, "FTSTALL", 4, 1000), GH_E_IO);
    assert_int_equal(gh_sim_state(t), 0x4);
    assert_int_equal(count_events(f, LC_RELAY_EV_FAILING, "FTSTALL"), 1);
    gh_clock_advance(1000);
    assert_int_equal(poll_now(f), GH_OK);
    assert_int_equal(gh_sim_state(t), 0);
    assert_int_equal(count_events(f, LC_RELAY_EV_RECOVERED, "FTSTALL"), 1);
}

static void test_wrong_readback_retried_once_then_reported(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "BADRB", 2);
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FTBADRB", 8);
    open_mgr(f);

    /* One lying read-back: the write is repeated, the second read agrees. */
    gh_sim_fault_readback(d, 1, 0x1);
    struct gh_sim_counts c0, c1;
    gh_sim_counts(d, &c0);
    assert_int_equal(lc_relay_pulse(f->m, "BADRB", 1, 1000), GH_OK);
    gh_sim_counts(d, &c1);
    assert_int_equal(c1.relay_transfers - c0.relay_transfers, 4);
    assert_int_equal(gh_sim_state(d), 0x1);

    /* Two: reported, with what the board said. */
    gh_sim_fault_readback(d, 2, 0x2);
    assert_int_equal(lc_relay_pulse(f->m, "BADRB", 2, 1000), GH_E_IO);
    assert_non_null(strstr(lc_relay_mgr_errmsg(f->m), "read-back"));
    assert_int_equal(count_events(f, LC_RELAY_EV_FAILING, "BADRB"), 1);

    /* FTDI: a read-back showing an extra relay on must not make the retry
     * switch that relay on for real (writes carry all eight pins). */
    gh_sim_fault_readback(t, 1, 0x40);
    assert_int_equal(lc_relay_pulse(f->m, "FTBADRB", 1, 1000), GH_OK);
    assert_int_equal(gh_sim_state(t), 0x01);
    gh_sim_fault_readback(t, 2, 0x01);
    assert_int_equal(lc_relay_pulse(f->m, "FTBADRB", 2, 1000), GH_E_IO);
    assert_int_equal(gh_sim_state(t), 0x03);   /* it did switch; the read lied */
    gh_clock_advance(1000);
    poll_now(f);
    assert_int_equal(gh_sim_state(t), 0);      /* the timer still ran */
}

/* ---- all-off without a manager (lc_alloff.h) ----------------------------- */

struct alloff_seen {
    int n;
    char names[8][LC_RELAY_ID_MAX];
    uint32_t was_on[8];
    int ok[8];
    char problem[8][200];
};

static void alloff_collect(void *user, const struct lc_alloff_board *b)
{
    struct alloff_seen *a = user;
    if (a->n >= 8)
        return;
    snprintf(a->names[a->n], sizeof a->names[0], "%s", b->name);
    a->was_on[a->n] = b->was_on;
    a->ok[a->n] = b->ok;
    snprintf(a->problem[a->n], sizeof a->problem[0], "%s", b->problem ? b->problem : "");
    a->n++;
}

static int alloff_find(const struct alloff_seen *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->names[i], name) == 0)
            return i;
    return -1;
}

/* Issue 11: every relay of every board off with no manager or config; the
 * boards are given back to their kernel driver; other devices on the shared
 * IDs (a V-USB gadget, an FT232R serial adapter) are not touched. */
static void test_all_off_boards_only_given_back(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *vusb = gh_sim_add_custom(f->sim, GH_SIM_DCTTECH, "GADGT", 2,
                                                  "example.org", "USBRelay2");
    struct gh_sim_board *uart = gh_sim_add_custom(f->sim, GH_SIM_FTDI, "A600XYZ", 8,
                                                  NULL, "FT232R USB UART");
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "REAL1", 8);
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FT0007", 8);
    assert_true(vusb && uart && d && t);
    gh_sim_set_state(vusb, 0x3);
    gh_sim_set_state(uart, 0x5);
    gh_sim_set_state(d, 0x81);
    gh_sim_set_state(t, 0xff);

    struct alloff_seen a = {0};
    char err[256];
    assert_int_equal(lc_relay_all_off(alloff_collect, &a, err, sizeof err), 0);
    assert_int_equal(a.n, 2);
    int i = alloff_find(&a, "REAL1"), k = alloff_find(&a, "FT0007");
    assert_true(i >= 0 && k >= 0);
    assert_true(a.ok[i] && a.ok[k]);
    assert_int_equal(a.was_on[i], 0x81);
    assert_int_equal(a.was_on[k], 0xff);
    assert_int_equal(gh_sim_state(d), 0);
    assert_int_equal(gh_sim_state(t), 0);
    assert_true(gh_sim_driver_bound(d));
    assert_true(gh_sim_driver_bound(t));
    /* Not boards: their state and their kernel driver as they were. */
    assert_int_equal(gh_sim_state(vusb), 0x3);
    assert_int_equal(gh_sim_state(uart), 0x5);
    assert_true(gh_sim_driver_bound(vusb));
    assert_true(gh_sim_driver_bound(uart));
}

/* A board that does not read back off is reported by name, and the others
 * are switched off all the same. */
static void test_all_off_reports_failing_board(void **state)
{
    struct fx *f = *state;
    struct gh_sim_board *d = gh_sim_add_dcttech(f->sim, "BADRB", 4);
    struct gh_sim_board *t = gh_sim_add_ftdi(f->sim, "FT0008", 8);
    gh_sim_set_state(d, 0x1);
    gh_sim_set_state(t, 0x2);
    gh_sim_fault_readback(d, 10, 0x4);

    struct alloff_seen a = {0};
    char err[256];
    assert_int_equal(lc_relay_all_off(alloff_collect, &a, err, sizeof err), 1);
    int i = alloff_find(&a, "BADRB"), k = alloff_find(&a, "FT0008");
    assert_true(i >= 0 && k >= 0);
    assert_false(a.ok[i]);
    assert_non_null(strstr(a.problem[i], "read-back"));
    assert_true(a.ok[k]);
    assert_int_equal(gh_sim_state(t), 0);
    assert_int_equal(gh_sim_state(d), 0);   /* it did switch; the read lied */
}

/* With an argument, runs only the tests whose names match it (a cmocka
 * filter, '*' and '?' allowed): ctest registers each test on its own. */
/* Each test under the rule it checks; ctest runs it as lockctl.RULE
 * (gh_cmocka_tests reads the TN lines). */
#define TN(rule, fn) {rule, fn, setup, teardown, NULL}
static const struct CMUnitTest tests[] = {
    TN("doors.boards_found_by_id_both_families_all_off_at_start",
       test_discovery_both_families_all_off_at_start),
    TN("relay.boards_matched_by_strings_not_shared_usb_ids", test_match_strings_not_ids_alone),
    TN("relay.ftdi_only_configured_serials_taken_from_ftdi_sio", test_ftdi_only_configured_serials),
    TN("doors.shutdown_switches_all_off_and_returns_board_to_kernel",
       test_shutdown_all_off_and_driver_back),
    TN("doors.unlock_pulse_on_then_off_after_unlock_ms", test_pulse_on_then_off_after_unlock_ms),
    TN("doors.unlock_pulse_runs_on_host_clock", test_pulse_follows_configured_clock),
    TN("doors.ftdi_pulse_leaves_other_relays", test_pulse_ftdi_keeps_other_relays),
    TN("doors.duplicate_board_ids_both_refused_until_renamed", test_duplicate_ids_both_refused),
    TN("doors.duplicate_ftdi_serials_refused_no_rename", test_duplicate_ftdi_serials_refused),
    TN("doors.rename_dcttech_board_id", test_rename_dcttech_board),
    TN("doors.unplug_mid_pulse_unavailable_replug_all_off_rescan",
       test_unplug_mid_pulse_then_replug_periodic_rescan),
    TN("doors.unplug_replug_hotplug", test_unplug_and_replug_hotplug),
    TN("relay.board_failing_at_discovery_tried_again", test_board_failing_at_discovery_retried),
    TN("doors.random_pulses_unplugs_replugs_doors_close_on_time",
       test_random_pulses_unplugs_replugs),
    TN("relay.stall_retried_once_then_reported", test_stall_retried_once_then_reported),
    TN("relay.ftdi_stall_retried_once_then_reported", test_stall_retried_once_then_reported_ftdi),
    TN("relay.wrong_readback_retried_once_then_reported",
       test_wrong_readback_retried_once_then_reported),
    TN("doors.all_off_switches_boards_only_and_gives_them_back",
       test_all_off_boards_only_given_back),
    TN("doors.all_off_names_a_board_that_does_not_read_back_off",
       test_all_off_reports_failing_board),
};

GH_TEST_MAIN(tests)
