/*
 * gh_sim_reader.c: keyboard-wedge card readers in the simulator's testbed
 * (issue 13), so that one program sees the relay boards and the readers.
 *
 *   reader plug VID:PID EVENTS   a USB keyboard with that vendor:product
 *                                appears as /dev/input/eventN (sysfs records,
 *                                its evdev ioctls as an umockdev ioctl tree,
 *                                and EVENTS, an evemu events file, replayed
 *                                from when the program opens it); answers
 *                                "ok /dev/input/eventN"
 *   reader unplug N              that device leaves (its reader sees ENODEV)
 *
 * One record (the event node), so one uevent a plug: SDL's dummy video
 * driver keeps a udev monitor it never reads, and umockdev aborts when a
 * listener's queue (10 datagrams) is full; a kiosk run takes at most 9
 * plugs and unplugs together.
 *
 * This is what `umockdev-run --device reader.umockdev --ioctl ...
 * --evemu-events ...` does (tests/readers has those files for one reader),
 * inside the simulator's long-lived testbed instead of a new one. A card tap
 * is a reader plugged in with one card's keys queued: the kiosk's reader
 * scan finds it (hotplug) and libevdev reads the keys as from a real reader.
 */
#define _GNU_SOURCE
#include "gh_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#define MAX_READERS 64

static char syspaths[MAX_READERS][256];
static int next_event = 7;

static void hexpad(FILE *f, const unsigned char *b, size_t n, size_t size)
{
    for (size_t i = 0; i < size; i++)
        fprintf(f, "%02X", i < n ? b[i] : 0);
}

/* The evdev ioctls libevdev asks, with the buffer sizes it passes. */
static int write_tree(const char *path, unsigned vid, unsigned pid, const char *name)
{
    static const unsigned char keys[] = { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xCF, 0x01, 0xDF, 0xFF, 0xB0, 0xE0 };
    static const struct { int type, size; unsigned char first; } bits[] = {
        { 0, 8, 0x13 }, { 2, 8, 0 }, { 3, 8, 0 }, { 4, 8, 0x10 }, { 5, 8, 0 },
        { 17, 8, 0x1F }, { 18, 8, 0 }, { 20, 8, 0 }, { 21, 16, 0 } };
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "EVIOCGVERSION 0 01000100\nEVIOCGID 0 0300%02X%02X%02X%02X1001\n",
            vid & 0xff, vid >> 8, pid & 0xff, pid >> 8);
    fprintf(f, "EVIOCGNAME(0) %zu ", strlen(name) + 1);
    hexpad(f, (const unsigned char *)name, strlen(name), 255);
    fprintf(f, "\nEVIOCGPHYS(0) 18 ");
    hexpad(f, (const unsigned char *)"usb-sim-1/input0", 16, 255);
    fprintf(f, "\nEVIOCGUNIQ(0) 1 ");
    hexpad(f, NULL, 0, 255);
    fprintf(f, "\nEVIOCGPROP(0) 8 0000000000000000\nEVIOCGBIT(1) 96 ");
    hexpad(f, keys, sizeof keys, 96);
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        fprintf(f, "\nEVIOCGBIT(%d) %d ", bits[i].type, bits[i].size);
        hexpad(f, &bits[i].first, 1, (size_t)bits[i].size);
    }
    fprintf(f, "\nEVIOCGKEY(0) 96 ");
    hexpad(f, NULL, 0, 96);
    fprintf(f, "\nEVIOCGLED(0) 8 0000000000000000\nEVIOCGSW(0) 8 0000000000000000\n"
               "EVIOCGREP 0 FA00000021000000\n");
    return fclose(f);
}

static int plug(struct gh_sim *s, unsigned vid, unsigned pid, const char *events, char *out,
                size_t outlen)
{
    UMockdevTestbed *tb = gh_sim_testbed(s);
    GError *e = NULL;
    int n = next_event++;
    char name[96], dev[64], tree[600], *rec;
    snprintf(name, sizeof name, "Card Reader %04x:%04x", vid, pid);
    snprintf(dev, sizeof dev, "/dev/input/event%d", n);
    snprintf(tree, sizeof tree, "%s/reader-event%d.ioctl", gh_sim_root(s), n);
    if (n - 7 >= MAX_READERS || write_tree(tree, vid, pid, name) != 0) {
        snprintf(out, outlen, "error cannot write %s\n", tree);
        return -1;
    }
    snprintf(syspaths[n - 7], sizeof syspaths[0],
             "/sys/devices/pci0000:00/0000:00:14.0/usb9/9-%d/9-%d:1.0/input/input%d/event%d",
             n, n, n, n);
    rec = g_strdup_printf(
        "P: /devices/pci0000:00/0000:00:14.0/usb9/9-%d/9-%d:1.0/input/input%d/event%d\n"
        "N: input/event%d\nE: DEVNAME=/dev/input/event%d\nE: ID_INPUT=1\nE: ID_INPUT_KEY=1\n"
        "E: ID_INPUT_KEYBOARD=1\nE: ID_BUS=usb\nE: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n"
        "E: MAJOR=13\nE: MINOR=%d\nE: SUBSYSTEM=input\nA: dev=13:%d\n",
        n, n, n, n, n, n, vid, pid, 64 + n, 64 + n);
    /* The ioctls first; the node must exist before a script can be
     * attached to it, so the events come right after it (a reader scan in
     * between opens it without them: then the card is simply not read). */
    int ok = umockdev_testbed_load_ioctl(tb, dev, tree, &e) &&
             umockdev_testbed_add_from_string(tb, rec, &e) &&
             umockdev_testbed_load_evemu_events(tb, dev, events, &e);
    g_free(rec);
    if (!ok) {
        snprintf(out, outlen, "error umockdev: %s\n", e ? e->message : "?");
        g_clear_error(&e);
        return -1;
    }
    snprintf(out, outlen, "ok %s\n", dev);
    return 0;
}

int gh_sim_reader_command(struct gh_sim *s, const char *line, char *out, size_t outlen)
{
    char verb[16] = "", arg[600] = "", events[600] = "";
    unsigned vid, pid;
    int n = sscanf(line, "reader %15s %599s %599s", verb, arg, events);
    if (n == 3 && strcmp(verb, "plug") == 0 && sscanf(arg, "%4x:%4x", &vid, &pid) == 2)
        return plug(s, vid, pid, events, out, outlen);
    if (n == 2 && strcmp(verb, "unplug") == 0) {
        int k = atoi(arg) - 7;
        if (k < 0 || k >= MAX_READERS || !syspaths[k][0]) {
            snprintf(out, outlen, "error no reader event%s\n", arg);
            return -1;
        }
        umockdev_testbed_remove_device(gh_sim_testbed(s), syspaths[k]);
        syspaths[k][0] = '\0';
        snprintf(out, outlen, "ok unplugged event%s\n", arg);
        return 0;
    }
    snprintf(out, outlen, "error usage: reader plug VID:PID EVENTS | reader unplug N\n");
    return -1;
}
