/*
 * gh_relay_tool.c: a small command-line front end to the relay layer, for
 * tests that need our side as a separate process (interoperability with
 * Debian's usbrelay CLI against the gh-relay-sim server) and for poking at
 * boards by hand. Not the product's CLI: gatehousectl gets its relay
 * commands in phase 2.
 *
 *   gh-relay-tool list
 *   gh-relay-tool on|off ID CHANNEL
 *   gh-relay-tool pulse ID CHANNEL MS     (polls until the relay is off again)
 *   gh-relay-tool alloff
 *   gh-relay-tool rename FROM TO
 *   gh-relay-tool watch SECONDS           (prints board events as they come)
 *
 * Opening the manager switches every relay off (the rule at start-up); "list"
 * shows what was on before that (found=). "on", "off" and "rename" leave the
 * relays as they are when the tool exits (lc_relay_mgr_close_keep), so
 * another program can see them; everything else switches all off at exit.
 * Exit status 0 on success, 1 on a relay error, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gatehouse/clock.h"
#include "relay.h"

static void print_event(void *user, enum lc_relay_event ev, const struct lc_relay_board_info *b)
{
    static const char *const names[] = {"found", "lost", "failing", "duplicate", "recovered",
                                        "renamed"};
    if (!*(int *)user)
        return;
    printf("event %s %s | %s\n", (unsigned)ev < 6 ? names[ev] : "?", b->id, b->line);
    fflush(stdout);
}

static void print_board(void *user, const struct lc_relay_board_info *b)
{
    (void)user;
    static const char *const st[] = {"ok", "duplicate", "unavailable", "failing"};
    printf("%s %s channels=%d state=0x%02x found=0x%02x status=%s | %s\n", b->family, b->id,
           b->channels, (unsigned)b->state, (unsigned)b->found_state, st[b->status], b->line);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gh-relay-tool list|on|off|pulse|alloff|rename ...\n");
        return 2;
    }
    struct lc_relay_mgr *m = NULL;
    int watching = strcmp(argv[1], "watch") == 0;
    struct lc_relay_config cfg = {.on_event = print_event, .user = &watching};
    enum gh_status st = lc_relay_mgr_open(&m, &cfg);
    if (st != GH_OK) {
        fprintf(stderr, "gh-relay-tool: %s: %s\n", gh_strerror(st), lc_relay_mgr_errmsg(m));
        lc_relay_mgr_close(m);
        return 1;
    }
    const char *cmd = argv[1];
    int keep_state = 0;
    if (strcmp(cmd, "list") == 0) {
        lc_relay_list(m, print_board, NULL);
    } else if ((strcmp(cmd, "on") == 0 || strcmp(cmd, "off") == 0) && argc == 4) {
        st = lc_relay_set(m, argv[2], atoi(argv[3]), strcmp(cmd, "on") == 0);
        keep_state = 1;
    } else if (strcmp(cmd, "pulse") == 0 && argc == 5) {
        st = lc_relay_pulse(m, argv[2], atoi(argv[3]), atoi(argv[4]));
        /* Bounded wait: the pulse time plus one second. */
        int64_t end = gh_clock_mono_ms() + atoi(argv[4]) + 1000;
        while (st == GH_OK && lc_relay_mgr_next_deadline(m) != INT64_MAX &&
               gh_clock_mono_ms() < end) {
            struct timespec ts = {0, 5 * 1000000};
            nanosleep(&ts, NULL);   /* a test tool may wait; the layer never does */
            st = lc_relay_mgr_poll(m, gh_clock_mono_ms());
            if (lc_relay_mgr_next_deadline(m) > gh_clock_mono_ms() + 500)
                break;   /* only the periodic rescan left */
        }
    } else if (watching && argc == 3) {
        /* Hotplug (or rescans) for a while; a bounded loop, for tests. */
        printf("watching\n");
        fflush(stdout);
        int64_t end = gh_clock_mono_ms() + 1000 * (int64_t)atoi(argv[2]);
        while (gh_clock_mono_ms() < end) {
            struct timespec ts = {0, 10 * 1000000};
            nanosleep(&ts, NULL);
            lc_relay_mgr_poll(m, gh_clock_mono_ms());
        }
        st = GH_OK;
    } else if (strcmp(cmd, "alloff") == 0) {
        st = lc_relay_mgr_all_off(m);
    } else if (strcmp(cmd, "rename") == 0 && argc == 4) {
        st = lc_relay_rename(m, argv[2], argv[3]);
        keep_state = 1;
    } else {
        fprintf(stderr, "gh-relay-tool: bad command\n");
        lc_relay_mgr_close(m);
        return 2;
    }
    if (st != GH_OK)
        fprintf(stderr, "gh-relay-tool: %s: %s\n", gh_strerror(st), lc_relay_mgr_errmsg(m));
    if (keep_state) {
        /* Leave the relay as set, for the other program to see. */
        lc_relay_mgr_close_keep(m);
    } else {
        lc_relay_mgr_close(m);
    }
    return st == GH_OK ? 0 : 1;
}
