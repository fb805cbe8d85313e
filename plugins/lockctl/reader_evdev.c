/*
 * reader_evdev.c: USB keyboard-wedge card readers through evdev and
 * libevdev (readers.h).
 *
 * Such a reader is a USB keyboard that types the card's number and Enter.
 * Every /dev/input/event* node is opened once and asked its USB IDs; the
 * ones in the configured vendor:product list are kept, grabbed (EVIOCGRAB:
 * their keys go to us alone, never to a form field or the compositor) and
 * switched to CLOCK_MONOTONIC timestamps; the others are closed and
 * remembered, so a keyboard is not reopened every scan. The folder is
 * scanned again every SCAN_MS (hotplug); a reader whose read says ENODEV was
 * unplugged. Key presses collect hex digits (0-9, a-f, keypad digits) until
 * Enter; a pause of more than GAP_US between keys drops what came before (a
 * half-typed number), and the Enter key's own timestamp is the read's time.
 */
#define _GNU_SOURCE
#include "readers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_IDS 16
#define MAX_DEVS 8
#define MAX_SKIP 64
#define SCAN_MS 1000
#define GAP_US 1000000
#define INPUT_DIR "/dev/input"

struct wedge {
    int fd;
    struct libevdev *dev;
    char node[64];
    char name[80];
    uint16_t vid, pid;
    int grabbed;
    int wall_clock;               /* no EVIOCSCLOCKID: the read's time is ours */
    char buf[LC_READ_UID_BUF];
    size_t n;
    int64_t last_us;
};

struct evh {
    uint16_t ids[MAX_IDS][2];
    int nids, grab;
    struct wedge devs[MAX_DEVS];
    int ndev;
    char skip[MAX_SKIP][32];      /* nodes that are no reader (names in INPUT_DIR) */
    int nskip;
    int64_t next_scan_us;
    struct lc_reader_event pending[MAX_DEVS];   /* found/lost notes not yet given */
    int npending;
};

static void note(struct evh *h, enum lc_reader_ev kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(struct evh *h, enum lc_reader_ev kind, const char *fmt, ...)
{
    if (h->npending == MAX_DEVS)
        return;
    struct lc_reader_event *ev = &h->pending[h->npending++];
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->at_us = lc_reader_now_us();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->text, sizeof ev->text, fmt, ap);
    va_end(ap);
}

static int wanted(const struct evh *h, uint16_t vid, uint16_t pid)
{
    for (int i = 0; i < h->nids; i++)
        if (h->ids[i][0] == vid && h->ids[i][1] == pid)
            return 1;
    return 0;
}

static int known(const struct evh *h, const char *name, char (*list)[32], int n)
{
    (void)h;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

static int is_open(const struct evh *h, const char *node)
{
    for (int i = 0; i < h->ndev; i++)
        if (strcmp(h->devs[i].node, node) == 0)
            return 1;
    return 0;
}

static void drop(struct evh *h, int i)
{
    struct wedge *w = &h->devs[i];
    if (w->grabbed)
        libevdev_grab(w->dev, LIBEVDEV_UNGRAB);
    libevdev_free(w->dev);
    close(w->fd);
    explicit_bzero(w->buf, sizeof w->buf);
    h->devs[i] = h->devs[--h->ndev];
}

/* Opens node; keeps it when it is a configured reader. 1 kept, 0 not one,
 * -1 it could not be asked (a node just created, whose permissions udev has
 * not set yet: tried again at the next scan). */
static int try_node(struct evh *h, const char *node)
{
    int fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct libevdev *dev = NULL;
    if (fd < 0)
        return -1;
    if (libevdev_new_from_fd(fd, &dev) != 0) {
        close(fd);
        return -1;
    }
    if (!wanted(h, (uint16_t)libevdev_get_id_vendor(dev), (uint16_t)libevdev_get_id_product(dev)) ||
        h->ndev == MAX_DEVS) {
        libevdev_free(dev);
        close(fd);
        return 0;
    }
    struct wedge *w = &h->devs[h->ndev];
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->dev = dev;
    w->vid = (uint16_t)libevdev_get_id_vendor(dev);
    w->pid = (uint16_t)libevdev_get_id_product(dev);
    snprintf(w->node, sizeof w->node, "%s", node);
    snprintf(w->name, sizeof w->name, "%s", libevdev_get_name(dev) ? libevdev_get_name(dev) : "");
    w->wall_clock = libevdev_set_clock_id(dev, CLOCK_MONOTONIC) != 0;
    int rc = h->grab ? libevdev_grab(dev, LIBEVDEV_GRAB) : 0;
    w->grabbed = h->grab && rc == 0;
    h->ndev++;
    if (h->grab && rc != 0)
        note(h, LC_EV_ERROR, "%04x:%04x %s at %s: can't take it from the keyboard (%s); "
             "its digits may reach the screen", w->vid, w->pid, w->name, node, strerror(-rc));
    else
        note(h, LC_EV_NOTE, "reader found: %04x:%04x %s at %s", w->vid, w->pid, w->name, node);
    return 1;
}

/* One pass over INPUT_DIR: new readers are opened, the skip list is what
 * is there now and no reader. */
static void scan(struct evh *h)
{
    char skip[MAX_SKIP][32], node[300];
    int nskip = 0;
    DIR *d = opendir(INPUT_DIR);
    struct dirent *e;
    for (int i = 0; i < h->ndev; i++)
        if (access(h->devs[i].node, F_OK) != 0) {   /* its node went away: unplugged */
            note(h, LC_EV_NOTE, "reader lost: %04x:%04x %s at %s (unplugged)",
                 h->devs[i].vid, h->devs[i].pid, h->devs[i].name, h->devs[i].node);
            drop(h, i--);
        }
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "event", 5) != 0 || strlen(e->d_name) >= 32)
            continue;
        snprintf(node, sizeof node, INPUT_DIR "/%s", e->d_name);
        if (is_open(h, node))
            continue;
        int r = known(h, e->d_name, h->skip, h->nskip) ? 0 : try_node(h, node);
        if (r != 0)
            continue;                  /* a reader now, or to ask again */
        if (nskip < MAX_SKIP)
            snprintf(skip[nskip++], sizeof skip[0], "%s", e->d_name);
    }
    if (d)
        closedir(d);
    memcpy(h->skip, skip, sizeof skip[0] * (size_t)nskip);
    h->nskip = nskip;
}

static void *ev_open(const char *arg, int grab, char *err, size_t errlen)
{
    struct evh *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->nids = lc_reader_parse_ids(arg, h->ids, MAX_IDS);
    if (h->nids < 0) {
        snprintf(err, errlen, "keyboard: \"%s\" is not a list of vendor:product IDs", arg);
        free(h);
        return NULL;
    }
    h->grab = grab;
    scan(h);
    /* said once an open, after the found notes: the operator (and a test)
     * sees the reader thread is up and what it looks for */
    note(h, LC_EV_NOTE, "keyboard readers: watching for %s (%d plugged in)", arg, h->ndev);
    h->next_scan_us = lc_reader_now_us() + SCAN_MS * 1000LL;
    return h;
}

/* The hex digit a key types, or 0. */
static char key_char(unsigned code)
{
    static const struct { unsigned code; char c; } map[] = {
        { KEY_0, '0' }, { KEY_1, '1' }, { KEY_2, '2' }, { KEY_3, '3' }, { KEY_4, '4' },
        { KEY_5, '5' }, { KEY_6, '6' }, { KEY_7, '7' }, { KEY_8, '8' }, { KEY_9, '9' },
        { KEY_KP0, '0' }, { KEY_KP1, '1' }, { KEY_KP2, '2' }, { KEY_KP3, '3' },
        { KEY_KP4, '4' }, { KEY_KP5, '5' }, { KEY_KP6, '6' }, { KEY_KP7, '7' },
        { KEY_KP8, '8' }, { KEY_KP9, '9' }, { KEY_A, 'a' }, { KEY_B, 'b' }, { KEY_C, 'c' },
        { KEY_D, 'd' }, { KEY_E, 'e' }, { KEY_F, 'f' } };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].code == code)
            return map[i].c;
    return 0;
}

/* One key press; 1 when Enter completed a number into *ev. */
static int key(struct wedge *w, const struct input_event *e, struct lc_reader_event *ev)
{
    int64_t t = (int64_t)e->input_event_sec * 1000000 + e->input_event_usec;
    if (w->n && t - w->last_us > GAP_US)
        w->n = 0;                                /* a number left half typed */
    w->last_us = t;
    if (e->code == KEY_ENTER || e->code == KEY_KPENTER) {
        if (!w->n)
            return 0;
        memset(ev, 0, sizeof *ev);
        ev->kind = LC_EV_CARD;
        memcpy(ev->uid, w->buf, w->n);
        ev->at_us = w->wall_clock ? lc_reader_now_us() : t;
        snprintf(ev->text, sizeof ev->text, "%04x:%04x %s", w->vid, w->pid, w->name);
        explicit_bzero(w->buf, sizeof w->buf);
        w->n = 0;
        return 1;
    }
    char c = key_char(e->code);
    if (c && w->n + 1 < sizeof w->buf)
        w->buf[w->n++] = c;
    return 0;
}

/* Drains one device: 1 a card, 0 nothing more, -1 it is gone. */
static int drain(struct wedge *w, struct lc_reader_event *ev)
{
    struct input_event e;
    unsigned flag = LIBEVDEV_READ_FLAG_NORMAL;
    for (;;) {
        int rc = libevdev_next_event(w->dev, flag, &e);
        if (rc == LIBEVDEV_READ_STATUS_SYNC) {
            flag = LIBEVDEV_READ_FLAG_SYNC;      /* dropped events: catch up */
            continue;
        }
        if (rc == -EAGAIN && flag == LIBEVDEV_READ_FLAG_SYNC) {
            flag = LIBEVDEV_READ_FLAG_NORMAL;
            continue;
        }
        if (rc == -EAGAIN)
            return 0;
        if (rc != LIBEVDEV_READ_STATUS_SUCCESS)
            return -1;                           /* ENODEV: unplugged */
        if (e.type == EV_KEY && e.value == 1 && key(w, &e, ev))
            return 1;
    }
}

/* A note or card found earlier, first. */
static int take_pending(struct evh *h, struct lc_reader_event *ev)
{
    if (!h->npending)
        return 0;
    *ev = h->pending[0];
    memmove(h->pending, h->pending + 1, sizeof h->pending[0] * (size_t)--h->npending);
    return 1;
}

static int ev_wait(void *hp, int timeout_ms, struct lc_reader_event *ev, char *err,
                   size_t errlen)
{
    struct evh *h = hp;
    struct pollfd pf[MAX_DEVS];
    (void)err; (void)errlen;
    if (take_pending(h, ev))
        return 1;
    if (lc_reader_now_us() >= h->next_scan_us) {
        scan(h);
        h->next_scan_us = lc_reader_now_us() + SCAN_MS * 1000LL;
        if (take_pending(h, ev))
            return 1;
    }
    for (int i = 0; i < h->ndev; i++)
        pf[i] = (struct pollfd){ .fd = h->devs[i].fd, .events = POLLIN };
    if (h->ndev)
        poll(pf, (nfds_t)h->ndev, timeout_ms);
    else
        poll(NULL, 0, timeout_ms);
    /* Read every device whatever poll said: an emulated node (umockdev)
     * answers reads without ever being readable. */
    for (int i = 0; i < h->ndev; i++) {
        int rc = drain(&h->devs[i], ev);
        if (rc > 0)
            return 1;
        if (rc < 0) {
            note(h, LC_EV_NOTE, "reader lost: %04x:%04x %s at %s (unplugged)",
                 h->devs[i].vid, h->devs[i].pid, h->devs[i].name, h->devs[i].node);
            drop(h, i--);
        }
    }
    return take_pending(h, ev);
}

static void ev_describe(void *hp, char *buf, size_t len)
{
    struct evh *h = hp;
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < h->ndev && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%skeyboard %04x:%04x  %s  %s%s", k ? "\n" : "",
                              h->devs[i].vid, h->devs[i].pid, h->devs[i].node, h->devs[i].name,
                              h->grab && !h->devs[i].grabbed ? "  (NOT grabbed)" : "");
    if (!h->ndev)
        snprintf(buf, len, "keyboard: no reader plugged in (%d ID%s configured)", h->nids,
                 h->nids == 1 ? "" : "s");
}

static void ev_close(void *hp)
{
    struct evh *h = hp;
    while (h && h->ndev)
        drop(h, 0);
    free(h);
}

const struct lc_reader_backend lc_reader_evdev = {
    .kind = "keyboard", .open = ev_open, .wait = ev_wait, .describe = ev_describe,
    .close = ev_close };
