/*
 * discover.c: finding relay boards on the bus. Discovery is a diff of
 * libusb's device list against the manager's entries: libusb hotplug (where
 * libusb has it) only says "look again", a periodic rescan does the same
 * without hotplug. Boards are matched by their strings (see the drivers),
 * and to entries by ID, never by USB path.
 */
#include "relay_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct lc_relay_driver *const lc_relay_drivers[LC_RELAY_NDRIVERS] = {
    &lc_relay_drv_dcttech,
    &lc_relay_drv_ftdi,
};

static int is_ignored(const struct lc_relay_mgr *m, libusb_device *d)
{
    for (size_t i = 0; i < m->nignored; i++)
        if (m->ignored[i] == d)
            return 1;
    return 0;
}

static void ignore(struct lc_relay_mgr *m, libusb_device *d)
{
    if (m->nignored == m->capignored) {
        size_t cap = m->capignored ? m->capignored * 2 : 8;
        libusb_device **n = realloc(m->ignored, cap * sizeof *n);
        if (!n)
            return;   /* only costs a second look next time */
        m->ignored = n;
        m->capignored = cap;
    }
    m->ignored[m->nignored++] = libusb_ref_device(d);
}

static int has_driver_for(const struct libusb_device_descriptor *d)
{
    for (size_t i = 0; i < LC_RELAY_NDRIVERS; i++)
        if (lc_relay_drivers[i]->vid == d->idVendor && lc_relay_drivers[i]->pid == d->idProduct)
            return 1;
    return 0;
}

/* Reads string IDX as ASCII ('?' for anything else). Asks for US English
 * straight away, which every relay board has: one transfer per string
 * instead of libusb_get_string_descriptor_ascii's two (it fetches the
 * language list first each time); falls back to that if the board refuses. */
int lc_relay_get_string(libusb_device_handle *h, uint8_t idx, char *buf, int len)
{
    unsigned char d[256];
    buf[0] = '\0';
    if (!idx || len < 1)
        return 0;   /* the device has no such string */
    int r = libusb_get_string_descriptor(h, idx, 0x0409, d, sizeof d);
    if (r >= 2 && d[1] == LIBUSB_DT_STRING && d[0] <= r) {
        int n = 0;
        for (int i = 2; i + 1 < d[0] && n < len - 1; i += 2)
            buf[n++] = (d[i + 1] == 0 && d[i] >= 0x20 && d[i] < 0x7f) ? (char)d[i] : '?';
        buf[n] = '\0';
        return 0;
    }
    if (r == LIBUSB_ERROR_NO_DEVICE)
        return r;
    r = libusb_get_string_descriptor_ascii(h, idx, (unsigned char *)buf, len);
    if (r < 0)
        buf[0] = '\0';
    return r < 0 ? r : 0;
}

static struct board *add_entry(struct lc_relay_mgr *m)
{
    if (m->nboards == m->capboards) {
        size_t cap = m->capboards ? m->capboards * 2 : 4;
        struct board **n = realloc(m->boards, cap * sizeof *n);
        if (!n)
            return NULL;
        m->boards = n;
        m->capboards = cap;
    }
    struct board *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->reported = STATUS_NEW;
    m->boards[m->nboards++] = b;
    return b;
}

/* Opens a device with one of our VID:PIDs, matches it by its strings, and
 * takes it into an entry (a returning board's own entry when one is waiting
 * under that ID). Returns 1 if taken, 0 if not ours, <0 on a USB error. */
static int take_device(struct lc_relay_mgr *m, libusb_device *d,
                       const struct libusb_device_descriptor *desc)
{
    libusb_device_handle *h = NULL;
    int r = libusb_open(d, &h);
    if (r < 0) {
        lc_relay_set_err(m, "USB device %04x:%04x: cannot open: %s%s", desc->idVendor, desc->idProduct,
                libusb_strerror(r),
                r == LIBUSB_ERROR_ACCESS ? " (install the udev rule for relay boards)" : "");
        return r;
    }
    char manu[128], prod[128], serial[LC_RELAY_ID_MAX];
    int r1 = lc_relay_get_string(h, desc->iManufacturer, manu, sizeof manu);
    int r2 = lc_relay_get_string(h, desc->iProduct, prod, sizeof prod);
    int r3 = lc_relay_get_string(h, desc->iSerialNumber, serial, sizeof serial);
    if (r1 < 0 || r2 < 0 || r3 < 0) {
        /* Not "not ours": a board that stumbled during enumeration is looked
         * at again at the next rescan instead of being ignored for good. */
        r = r1 < 0 ? r1 : r2 < 0 ? r2 : r3;
        lc_relay_set_err(m, "USB device %04x:%04x: cannot read its name: %s", desc->idVendor,
                desc->idProduct, libusb_strerror(r));
        libusb_close(h);
        return r;
    }
    struct lc_relay_strings s = {manu, prod, serial};

    const struct lc_relay_driver *drv = NULL;
    int channels = 0;
    for (size_t i = 0; i < LC_RELAY_NDRIVERS && !drv; i++) {
        if (lc_relay_drivers[i]->vid != desc->idVendor || lc_relay_drivers[i]->pid != desc->idProduct)
            continue;
        channels = lc_relay_drivers[i]->match(desc, &s, &m->cfg);
        if (channels > 0)
            drv = lc_relay_drivers[i];
    }
    if (!drv) {
        libusb_close(h);
        return 0;
    }

    struct lc_relay_dev dev = {.ctx = m->ctx, .h = h, .channels = channels};
    r = drv->open(&dev, &s);
    if (r < 0) {
        lc_relay_set_err(m, "%s board (%s): cannot take it over: %s", drv->name, prod, libusb_strerror(r));
        drv->close(&dev);
        libusb_close(h);
        return r;
    }

    /* A board that was here before gets its old entry (and door names) back. */
    struct board *b = NULL;
    for (size_t i = 0; i < m->nboards && !b; i++) {
        struct board *e = m->boards[i];
        if (!e->usbdev && e->drv == drv && strcmp(e->dev.id, dev.id) == 0)
            b = e;
    }
    if (!b && !(b = add_entry(m))) {
        drv->close(&dev);
        libusb_close(h);
        lc_relay_set_err(m, "out of memory");
        return LIBUSB_ERROR_NO_MEM;
    }
    uint64_t before = b->dev.transfers;
    b->drv = drv;
    b->dev = dev;
    b->dev.transfers += before;
    b->usbdev = libusb_ref_device(d);
    b->want = dev.state;
    b->found_state = dev.state;
    b->failing = 0;
    memset(b->off_at, 0, sizeof b->off_at);
    /* Whatever state it came up in, a door must not be left open. */
    lc_relay_do_set(m, b, 0, 0);
    return 1;
}

enum gh_status lc_relay_mgr_rescan(struct lc_relay_mgr *m)
{
    int busy = 0;   /* a board held by another program (the running kiosk) */
    libusb_device **list = NULL;
    ssize_t n = libusb_get_device_list(m->ctx, &list);
    enum gh_status st = GH_OK;
    m->rescan_wanted = 0;
    if (n < 0) {
        lc_relay_set_err(m, "cannot list USB devices: %s", libusb_strerror((int)n));
        m->scan_status = lc_relay_map_usb((int)n);
        return m->scan_status;
    }

    /* Boards that left: their libusb device is no longer listed. */
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        int seen = 0;
        for (ssize_t k = 0; k < n && b->usbdev && !seen; k++)
            seen = list[k] == b->usbdev;
        if (b->usbdev && !seen)
            lc_relay_lose(m, b);
    }
    m->rescan_wanted = 0;
    lc_relay_update_statuses(m);

    /* Forget ignored devices that left, so their memory can go. */
    for (size_t i = 0; i < m->nignored;) {
        int seen = 0;
        for (ssize_t k = 0; k < n && !seen; k++)
            seen = list[k] == m->ignored[i];
        if (!seen) {
            libusb_unref_device(m->ignored[i]);
            m->ignored[i] = m->ignored[--m->nignored];
        } else {
            i++;
        }
    }

    /* Boards that arrived. */
    for (ssize_t k = 0; k < n; k++) {
        libusb_device *d = list[k];
        int known = is_ignored(m, d);
        for (size_t i = 0; i < m->nboards && !known; i++)
            known = m->boards[i]->usbdev == d;
        if (known)
            continue;
        struct libusb_device_descriptor desc;
        if (libusb_get_device_descriptor(d, &desc) < 0 || !has_driver_for(&desc)) {
            ignore(m, d);
            continue;
        }
        int r = take_device(m, d, &desc);
        if (r == 0)
            ignore(m, d);
        else if (r < 0 && st == GH_OK)
            st = lc_relay_map_usb(r);   /* not ignored: tried again at the next rescan */
        busy |= r == LIBUSB_ERROR_BUSY;
    }
    libusb_free_device_list(list, 1);
    lc_relay_update_statuses(m);
    lc_relay_prune_lost_duplicates(m);
    /* Even with hotplug: a board that could not be opened yet (udev still
     * applying permissions, a glitch during enumeration) sends no second
     * event, so poll() looks again after rescan_ms. */
    m->retry_pending = st != GH_OK;
    m->scan_status = busy ? GH_E_TRANSIENT : st;
    return st;
}

int LIBUSB_CALL lc_relay_on_hotplug(libusb_context *ctx, libusb_device *d,
                                  libusb_hotplug_event ev, void *user)
{
    (void)ctx; (void)d; (void)ev;
    /* No USB I/O inside libusb's callback: just ask poll() to look again. */
    ((struct lc_relay_mgr *)user)->rescan_wanted = 1;
    return 0;
}
