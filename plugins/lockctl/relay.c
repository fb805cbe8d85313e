/*
 * relay.c: the relay manager (see relay.h for the rules it keeps).
 *
 * The manager holds one entry per physical board it has seen. An entry is
 * present while it holds a reference to the libusb device and an open
 * handle; when the board leaves, the handle is closed and the entry stays,
 * named by the board's ID, so its doors read "unavailable" and the same board
 * can take its place again when it returns (with every relay switched off
 * first: a board that was reset by an inductive door strike may come back in
 * any state). Boards are matched to entries by ID, never by USB path.
 *
 * Discovery is a diff of libusb's device list against the entries: libusb
 * hotplug (where libusb has it) only says "look again", a periodic rescan does
 * the same without hotplug, and a transfer failing with NO_DEVICE marks the
 * board lost at once and asks for a rescan. Nothing here sleeps: pulses are
 * deadlines on the monotonic clock that gh_relay_mgr_poll() acts on.
 *
 * Every switch is one write plus one read-back where the family can read
 * back; a protocol error or a read-back that disagrees is retried once, then
 * the board is reported failing. Events are derived from status changes in
 * one place (update_statuses), so each transition is reported exactly once.
 */
#include "relay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include <time.h>

/* Weak: present in tests and tools that link the core's clock.c, absent in
 * the plugin module (which gets host->mono_ms through the config). */
extern int64_t gh_clock_mono_ms(void) __attribute__((weak));

#define OFF_RETRY_MS 100   /* a failed switch-off is tried again this soon */
#define STATUS_NEW (-1)    /* an entry not yet reported */

static const struct gh_relay_driver *const drivers[] = {
    &gh_relay_drv_dcttech,
    &gh_relay_drv_ftdi,
};
#define NDRIVERS (sizeof drivers / sizeof drivers[0])

struct board {
    const struct gh_relay_driver *drv;
    struct gh_relay_dev dev;
    libusb_device *usbdev;      /* referenced while present, else NULL */
    int reported;               /* status last reported (STATUS_NEW at first) */
    int failing;
    uint32_t want;              /* the relays we mean to have on */
    uint32_t found_state;       /* read back when found, before all-off */
    int announcing;             /* the FOUND event is being reported */
    int64_t off_at[GH_RELAY_MAX_CHANNELS + 1];  /* pulse deadlines, 0 = none */
    char last_error[160];
    char line[400];
};

struct gh_relay_mgr {
    libusb_context *ctx;
    struct gh_relay_config cfg;
    struct board **boards;
    size_t nboards, capboards;
    libusb_device **ignored;    /* seen, not ours: not opened again */
    size_t nignored, capignored;
    int hotplug;
    libusb_hotplug_callback_handle hp[NDRIVERS];
    volatile int rescan_wanted;
    int retry_pending;          /* a board could not be taken: look again */
    int64_t next_rescan;
    uint64_t retired_transfers; /* from entries that were dropped */
    char errmsg[512];
};

static int64_t raw_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono(const struct gh_relay_mgr *m)
{
    return m->cfg.mono_ms();
}

static void set_err(struct gh_relay_mgr *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_err(struct gh_relay_mgr *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->errmsg, sizeof m->errmsg, fmt, ap);
    va_end(ap);
}

static enum gh_status map_usb(int r)
{
    switch (r) {
    case LIBUSB_SUCCESS: return GH_OK;
    case LIBUSB_ERROR_NO_DEVICE: return GH_E_UNAVAILABLE;
    case LIBUSB_ERROR_NOT_FOUND: return GH_E_UNAVAILABLE;
    case LIBUSB_ERROR_BUSY: return GH_E_TRANSIENT;
    case LIBUSB_ERROR_NO_MEM: return GH_E_NOMEM;
    case LIBUSB_ERROR_INVALID_PARAM: return GH_E_INVALID;
    default: return GH_E_IO;
    }
}

/* ---- helpers the drivers share ------------------------------------------ */

int gh_relay_ctrl(struct gh_relay_dev *dev, uint8_t type, uint8_t req, uint16_t value,
                  uint16_t index, unsigned char *data, uint16_t len)
{
    dev->transfers++;
    return libusb_control_transfer(dev->h, type, req, value, index, data, len,
                                   GH_RELAY_TIMEOUT_MS);
}

int gh_relay_bulk_out(struct gh_relay_dev *dev, unsigned char ep, unsigned char *data, int len)
{
    int done = 0;
    dev->transfers++;
    int r = libusb_bulk_transfer(dev->h, ep, data, len, &done, GH_RELAY_TIMEOUT_MS);
    return r < 0 ? r : done;
}

struct pair_wait {
    int remaining;
    int completed;
};

static void LIBUSB_CALL pair_done(struct libusb_transfer *t)
{
    struct pair_wait *w = t->user_data;
    if (--w->remaining == 0)
        w->completed = 1;
}

static int transfer_result(const struct libusb_transfer *t)
{
    switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED: return 0;
    case LIBUSB_TRANSFER_STALL: return LIBUSB_ERROR_PIPE;
    case LIBUSB_TRANSFER_NO_DEVICE: return LIBUSB_ERROR_NO_DEVICE;
    case LIBUSB_TRANSFER_TIMED_OUT: return LIBUSB_ERROR_TIMEOUT;
    case LIBUSB_TRANSFER_OVERFLOW: return LIBUSB_ERROR_OVERFLOW;
    case LIBUSB_TRANSFER_CANCELLED: return LIBUSB_ERROR_INTERRUPTED;
    default: return LIBUSB_ERROR_IO;
    }
}

int gh_relay_ctrl_pair(struct gh_relay_dev *dev, struct gh_relay_ctrl_req rq[2])
{
    enum { MAXLEN = 64 };
    unsigned char buf[2][LIBUSB_CONTROL_SETUP_SIZE + MAXLEN];
    struct libusb_transfer *t[2] = {NULL, NULL};
    struct pair_wait w = {0, 0};
    int r = 0, submitted = 0;

    for (int i = 0; i < 2; i++) {
        rq[i].done = 0;
        if (rq[i].len > MAXLEN) {
            r = LIBUSB_ERROR_INVALID_PARAM;
            goto out;
        }
        if (!(t[i] = libusb_alloc_transfer(0))) {
            r = LIBUSB_ERROR_NO_MEM;
            goto out;
        }
        libusb_fill_control_setup(buf[i], rq[i].type, rq[i].req, rq[i].value, rq[i].index,
                                  rq[i].len);
        if (!(rq[i].type & LIBUSB_ENDPOINT_IN) && rq[i].len)
            memcpy(buf[i] + LIBUSB_CONTROL_SETUP_SIZE, rq[i].data, rq[i].len);
        libusb_fill_control_transfer(t[i], dev->h, buf[i], pair_done, &w, GH_RELAY_TIMEOUT_MS);
    }
    for (int i = 0; i < 2 && r == 0; i++) {
        dev->transfers++;
        r = libusb_submit_transfer(t[i]);
        if (r == 0) {
            w.remaining++;
            submitted++;
        }
    }
    /* Every submitted transfer ends (completed, failed or timed out by
     * libusb) before its buffer may go: wait for all of them. */
    while (w.remaining > 0) {
        struct timeval tv = {1, 0};
        int e = libusb_handle_events_timeout_completed(dev->ctx, &tv, &w.completed);
        if (e < 0 && e != LIBUSB_ERROR_INTERRUPTED && e != LIBUSB_ERROR_TIMEOUT) {
            for (int i = 0; i < submitted; i++)
                libusb_cancel_transfer(t[i]);
        }
    }
    for (int i = submitted - 1; i >= 0; i--) {
        int e = transfer_result(t[i]);
        if (e == 0) {
            rq[i].done = t[i]->actual_length;
            if ((rq[i].type & LIBUSB_ENDPOINT_IN) && rq[i].done > 0)
                memcpy(rq[i].data, buf[i] + LIBUSB_CONTROL_SETUP_SIZE, (size_t)rq[i].done);
        } else {
            r = e;   /* walking backwards: the first failure wins */
        }
    }
out:
    for (int i = 0; i < 2; i++)
        if (t[i])
            libusb_free_transfer(t[i]);
    return r;
}

int gh_relay_claim(struct gh_relay_dev *dev)
{
    /* Prefer libusb's auto-detach: it re-attaches usbhid/ftdi_sio when we
     * release, so the board is the kernel's again after we exit. */
    if (libusb_set_auto_detach_kernel_driver(dev->h, 1) != LIBUSB_SUCCESS) {
        if (libusb_kernel_driver_active(dev->h, 0) == 1) {
            int r = libusb_detach_kernel_driver(dev->h, 0);
            if (r < 0 && r != LIBUSB_ERROR_NOT_FOUND)
                return r;
            dev->reattach = 1;
        }
    }
    int r = libusb_claim_interface(dev->h, 0);
    if (r == 0)
        dev->claimed = 1;
    return r;
}

void gh_relay_release(struct gh_relay_dev *dev)
{
    if (dev->claimed)
        libusb_release_interface(dev->h, 0);
    if (dev->reattach)
        libusb_attach_kernel_driver(dev->h, 0);
    dev->claimed = 0;
    dev->reattach = 0;
}

/* ---- entries and their status ------------------------------------------- */

static int count_present(const struct gh_relay_mgr *m, const char *id, const struct board *except)
{
    int n = 0;
    for (size_t i = 0; i < m->nboards; i++) {
        const struct board *b = m->boards[i];
        if (b != except && b->usbdev && strcmp(b->dev.id, id) == 0)
            n++;
    }
    return n;
}

static enum gh_relay_board_status status_of(const struct gh_relay_mgr *m, const struct board *b)
{
    if (!b->usbdev)
        return GH_RELAY_BOARD_UNAVAILABLE;
    if (count_present(m, b->dev.id, b) > 0)
        return GH_RELAY_BOARD_DUPLICATE;
    return b->failing ? GH_RELAY_BOARD_FAILING : GH_RELAY_BOARD_OK;
}

static void format_line(const struct gh_relay_mgr *m, struct board *b, enum gh_relay_board_status st)
{
    char on[64] = "";
    size_t o = 0;
    for (int c = 1; c <= b->dev.channels; c++)
        if (b->dev.state & (1u << (c - 1)))
            o += (size_t)snprintf(on + o, sizeof on - o, "%s%d", o ? "," : "", c);
    const char *fam = b->drv->name;
    switch (st) {
    case GH_RELAY_BOARD_OK:
        snprintf(b->line, sizeof b->line, "%s board %s: %d relay%s, %s%s%s", fam, b->dev.id,
                 b->dev.channels, b->dev.channels == 1 ? "" : "s",
                 o ? "on: " : "all off", on,
                 b->announcing && b->found_state ? "; some were on when found: switched off" : "");
        break;
    case GH_RELAY_BOARD_DUPLICATE:
        if (b->drv->set_id)
            snprintf(b->line, sizeof b->line,
                     "%s board %s: refused, %d boards have this ID; unplug all but one, "
                     "rename it (gatehousectl relay rename %s NEWID), then plug the others back",
                     fam, b->dev.id, count_present(m, b->dev.id, NULL), b->dev.id);
        else
            snprintf(b->line, sizeof b->line,
                     "%s board %s: refused, %d boards have this USB serial, which cannot be "
                     "changed here; keep only one plugged in (or reprogram one's serial with "
                     "ftdi_eeprom)", fam, b->dev.id, count_present(m, b->dev.id, NULL));
        break;
    case GH_RELAY_BOARD_UNAVAILABLE:
        snprintf(b->line, sizeof b->line,
                 "%s board %s: unavailable (not on USB); its doors cannot be opened until it is back",
                 fam, b->dev.id);
        break;
    case GH_RELAY_BOARD_FAILING:
        snprintf(b->line, sizeof b->line, "%s board %s: failing: %s", fam, b->dev.id,
                 b->last_error);
        break;
    }
}

static void fill_info(const struct gh_relay_mgr *m, struct board *b, struct gh_relay_board_info *info)
{
    enum gh_relay_board_status st = status_of(m, b);
    format_line(m, b, st);
    info->family = b->drv->name;
    info->id = b->dev.id;
    info->channels = b->dev.channels;
    info->state = b->dev.state;
    info->found_state = b->found_state;
    info->status = st;
    info->line = b->line;
}

static void emit(struct gh_relay_mgr *m, enum gh_relay_event ev, struct board *b)
{
    if (!m->cfg.on_event)
        return;
    struct gh_relay_board_info info;
    fill_info(m, b, &info);
    m->cfg.on_event(m->cfg.user, ev, &info);
}

/* Reports every status change since the last call, once. */
static void update_statuses(struct gh_relay_mgr *m)
{
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        int now = (int)status_of(m, b);
        int was = b->reported;
        if (now == was)
            continue;
        b->reported = now;
        switch (now) {
        case GH_RELAY_BOARD_OK:
            b->announcing = was != GH_RELAY_BOARD_FAILING;
            emit(m, was == GH_RELAY_BOARD_FAILING ? GH_RELAY_EV_RECOVERED : GH_RELAY_EV_FOUND, b);
            b->announcing = 0;
            break;
        case GH_RELAY_BOARD_DUPLICATE:
            emit(m, GH_RELAY_EV_DUPLICATE, b);
            break;
        case GH_RELAY_BOARD_UNAVAILABLE:
            if (was != STATUS_NEW)
                emit(m, GH_RELAY_EV_LOST, b);
            break;
        case GH_RELAY_BOARD_FAILING:
            if (was == STATUS_NEW || was == GH_RELAY_BOARD_UNAVAILABLE)
                emit(m, GH_RELAY_EV_FOUND, b);
            emit(m, GH_RELAY_EV_FAILING, b);
            break;
        }
    }
}

static void drop_entry(struct gh_relay_mgr *m, size_t i)
{
    struct board *b = m->boards[i];
    m->retired_transfers += b->dev.transfers;
    free(b);
    memmove(m->boards + i, m->boards + i + 1, (m->nboards - i - 1) * sizeof *m->boards);
    m->nboards--;
}

/* The board went away (or stopped answering as a device): close it, keep the
 * entry as "unavailable" unless another present board already has its ID. */
static void lose(struct gh_relay_mgr *m, struct board *b)
{
    if (!b->usbdev)
        return;
    if (b->dev.h) {
        b->drv->close(&b->dev);
        libusb_close(b->dev.h);
        b->dev.h = NULL;
    }
    libusb_unref_device(b->usbdev);
    b->usbdev = NULL;
    b->failing = 0;
    memset(b->off_at, 0, sizeof b->off_at);
    m->rescan_wanted = 1;
}

/* Drops unavailable entries whose ID a present board has taken over (the
 * second of two duplicates went away: its name lives on in the other). */
static void prune_lost_duplicates(struct gh_relay_mgr *m)
{
    for (size_t i = 0; i < m->nboards;) {
        struct board *b = m->boards[i];
        if (!b->usbdev && b->reported == GH_RELAY_BOARD_UNAVAILABLE &&
            count_present(m, b->dev.id, NULL) > 0)
            drop_entry(m, i);
        else
            i++;
    }
}

/* ---- switching, with read-back and one retry ---------------------------- */

/* CHANNEL 0 means all off. Returns GH_OK, GH_E_UNAVAILABLE (board gone) or
 * GH_E_IO (still wrong after the retry; the board is marked failing). */
static enum gh_status do_set(struct gh_relay_mgr *m, struct board *b, int channel, int on)
{
    uint32_t bit = channel ? 1u << (channel - 1) : 0;
    uint32_t want = channel ? (on ? (b->want | bit) : (b->want & ~bit)) : 0;
    int r = 0;

    char what[32];
    if (channel)
        snprintf(what, sizeof what, "relay %d %s", channel, on ? "on" : "off");
    else
        snprintf(what, sizeof what, "all relays off");

    for (int attempt = 0; attempt < 2; attempt++) {
        /* Drivers that write every pin at once build on dev.state: give them
         * what we mean to have, not a read-back we no longer trust. */
        b->dev.state = b->want;
        uint32_t got = 0;
        int have_got = 0;
        if (b->drv->set_verify) {
            r = b->drv->set_verify(&b->dev, channel, on, &got);
            have_got = r == 0;
        } else {
            r = channel ? b->drv->set(&b->dev, channel, on) : b->drv->set_all_off(&b->dev);
            if (r == 0 && b->drv->read_state) {
                r = b->drv->read_state(&b->dev, &got);
                have_got = r == 0;
            }
        }
        if (have_got) {
            /* The whole mask: nothing else switches these relays while we
             * hold the board, and an FTDI write sets every pin. */
            b->dev.state = got;
            if (got != want) {
                snprintf(b->last_error, sizeof b->last_error,
                         "read-back after switching %s shows relays 0x%02" PRIx32, what, got);
                r = 1;   /* mismatch: retry */
                continue;
            }
        } else if (r == 0) {
            b->dev.state = want;   /* a family without read-back */
        }
        if (r == 0) {
            b->want = want;
            b->failing = 0;
            return GH_OK;
        }
        if (r == LIBUSB_ERROR_NO_DEVICE) {
            set_err(m, "%s board %s: gone from USB", b->drv->name, b->dev.id);
            lose(m, b);
            return GH_E_UNAVAILABLE;
        }
        snprintf(b->last_error, sizeof b->last_error, "%s", libusb_strerror(r));
    }
    b->want = want;   /* keep meaning it: a later write builds on this */
    b->failing = 1;
    set_err(m, "%s board %s: %s (after one retry)", b->drv->name, b->dev.id, b->last_error);
    return GH_E_IO;
}

/* ---- discovery ---------------------------------------------------------- */

static int is_ignored(const struct gh_relay_mgr *m, libusb_device *d)
{
    for (size_t i = 0; i < m->nignored; i++)
        if (m->ignored[i] == d)
            return 1;
    return 0;
}

static void ignore(struct gh_relay_mgr *m, libusb_device *d)
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
    for (size_t i = 0; i < NDRIVERS; i++)
        if (drivers[i]->vid == d->idVendor && drivers[i]->pid == d->idProduct)
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

static struct board *add_entry(struct gh_relay_mgr *m)
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
static int take_device(struct gh_relay_mgr *m, libusb_device *d,
                       const struct libusb_device_descriptor *desc)
{
    libusb_device_handle *h = NULL;
    int r = libusb_open(d, &h);
    if (r < 0) {
        set_err(m, "USB device %04x:%04x: cannot open: %s%s", desc->idVendor, desc->idProduct,
                libusb_strerror(r),
                r == LIBUSB_ERROR_ACCESS ? " (install the udev rule for relay boards)" : "");
        return r;
    }
    char manu[128], prod[128], serial[GH_RELAY_ID_MAX];
    int r1 = lc_relay_get_string(h, desc->iManufacturer, manu, sizeof manu);
    int r2 = lc_relay_get_string(h, desc->iProduct, prod, sizeof prod);
    int r3 = lc_relay_get_string(h, desc->iSerialNumber, serial, sizeof serial);
    if (r1 < 0 || r2 < 0 || r3 < 0) {
        /* Not "not ours": a board that stumbled during enumeration is looked
         * at again at the next rescan instead of being ignored for good. */
        r = r1 < 0 ? r1 : r2 < 0 ? r2 : r3;
        set_err(m, "USB device %04x:%04x: cannot read its name: %s", desc->idVendor,
                desc->idProduct, libusb_strerror(r));
        libusb_close(h);
        return r;
    }
    struct gh_relay_strings s = {manu, prod, serial};

    const struct gh_relay_driver *drv = NULL;
    int channels = 0;
    for (size_t i = 0; i < NDRIVERS && !drv; i++) {
        if (drivers[i]->vid != desc->idVendor || drivers[i]->pid != desc->idProduct)
            continue;
        channels = drivers[i]->match(desc, &s, &m->cfg);
        if (channels > 0)
            drv = drivers[i];
    }
    if (!drv) {
        libusb_close(h);
        return 0;
    }

    struct gh_relay_dev dev = {.ctx = m->ctx, .h = h, .channels = channels};
    r = drv->open(&dev, &s);
    if (r < 0) {
        set_err(m, "%s board (%s): cannot take it over: %s", drv->name, prod, libusb_strerror(r));
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
        set_err(m, "out of memory");
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
    do_set(m, b, 0, 0);
    return 1;
}

enum gh_status gh_relay_mgr_rescan(struct gh_relay_mgr *m)
{
    libusb_device **list = NULL;
    ssize_t n = libusb_get_device_list(m->ctx, &list);
    enum gh_status st = GH_OK;
    m->rescan_wanted = 0;
    if (n < 0) {
        set_err(m, "cannot list USB devices: %s", libusb_strerror((int)n));
        return map_usb((int)n);
    }

    /* Boards that left: their libusb device is no longer listed. */
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        int seen = 0;
        for (ssize_t k = 0; k < n && b->usbdev && !seen; k++)
            seen = list[k] == b->usbdev;
        if (b->usbdev && !seen)
            lose(m, b);
    }
    m->rescan_wanted = 0;
    update_statuses(m);

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
            st = map_usb(r);   /* not ignored: tried again at the next rescan */
    }
    libusb_free_device_list(list, 1);
    update_statuses(m);
    prune_lost_duplicates(m);
    /* Even with hotplug: a board that could not be opened yet (udev still
     * applying permissions, a glitch during enumeration) sends no second
     * event, so poll() looks again after rescan_ms. */
    m->retry_pending = st != GH_OK;
    return st;
}

static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *d,
                                  libusb_hotplug_event ev, void *user)
{
    (void)ctx; (void)d; (void)ev;
    /* No USB I/O inside libusb's callback: just ask poll() to look again. */
    ((struct gh_relay_mgr *)user)->rescan_wanted = 1;
    return 0;
}

/* ---- the manager's life ------------------------------------------------- */

enum gh_status gh_relay_mgr_open(struct gh_relay_mgr **out, const struct gh_relay_config *cfg)
{
    enum gh_status st;
    struct gh_relay_mgr *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return GH_E_NOMEM;
    if (cfg)
        m->cfg = *cfg;
    if (m->cfg.ftdi_channels <= 0 || m->cfg.ftdi_channels > GH_RELAY_MAX_CHANNELS)
        m->cfg.ftdi_channels = GH_RELAY_DEFAULT_FTDI_CHANNELS;
    if (m->cfg.rescan_ms <= 0)
        m->cfg.rescan_ms = GH_RELAY_DEFAULT_RESCAN_MS;
    if (!m->cfg.mono_ms)
        m->cfg.mono_ms = gh_clock_mono_ms ? gh_clock_mono_ms : raw_mono_ms;

    int r = libusb_init(&m->ctx);
    if (r < 0) {
        m->ctx = NULL;
        set_err(m, "cannot start libusb: %s", libusb_strerror(r));
        st = map_usb(r);
        goto fail;
    }
    if (!m->cfg.no_hotplug && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
        m->hotplug = 1;
        for (size_t i = 0; i < NDRIVERS && m->hotplug; i++) {
            r = libusb_hotplug_register_callback(
                m->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                0, drivers[i]->vid, drivers[i]->pid, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, m,
                &m->hp[i]);
            if (r < 0) {
                /* Fall back to periodic rescans rather than fail. */
                for (size_t k = 0; k < i; k++)
                    libusb_hotplug_deregister_callback(m->ctx, m->hp[k]);
                m->hotplug = 0;
            }
        }
    }
    st = gh_relay_mgr_rescan(m);
    m->next_rescan = mono(m) + m->cfg.rescan_ms;
    /* A board we could not open yet is not fatal: the rescan retries it. */
    if (st != GH_OK && st != GH_E_NOMEM)
        st = GH_OK;
    return st;

fail:
    return st;
}

static void close_mgr(struct gh_relay_mgr *m, int all_off)
{
    if (!m)
        return;
    if (m->ctx) {
        if (all_off)
            gh_relay_all_off(m);
        if (m->hotplug)
            for (size_t i = 0; i < NDRIVERS; i++)
                libusb_hotplug_deregister_callback(m->ctx, m->hp[i]);
        for (size_t i = 0; i < m->nboards; i++) {
            struct board *b = m->boards[i];
            if (b->dev.h) {
                b->drv->close(&b->dev);
                libusb_close(b->dev.h);
            }
            if (b->usbdev)
                libusb_unref_device(b->usbdev);
        }
        for (size_t i = 0; i < m->nignored; i++)
            libusb_unref_device(m->ignored[i]);
        libusb_exit(m->ctx);
    }
    for (size_t i = 0; i < m->nboards; i++)
        free(m->boards[i]);
    free(m->boards);
    free(m->ignored);
    free(m);
}

void gh_relay_mgr_close(struct gh_relay_mgr *m)
{
    close_mgr(m, 1);
}

void gh_relay_mgr_close_keep(struct gh_relay_mgr *m)
{
    close_mgr(m, 0);
}

const char *gh_relay_mgr_errmsg(const struct gh_relay_mgr *m)
{
    return m ? m->errmsg : "out of memory";
}

int gh_relay_mgr_uses_hotplug(const struct gh_relay_mgr *m)
{
    return m->hotplug;
}

uint64_t gh_relay_mgr_transfers(const struct gh_relay_mgr *m)
{
    uint64_t n = m->retired_transfers;
    for (size_t i = 0; i < m->nboards; i++)
        n += m->boards[i]->dev.transfers;
    return n;
}

enum gh_status gh_relay_mgr_poll(struct gh_relay_mgr *m, int64_t now)
{
    enum gh_status st = GH_OK;
    struct timeval zero = {0, 0};
    /* Delivers hotplug callbacks (and nothing else is in flight). */
    libusb_handle_events_timeout_completed(m->ctx, &zero, NULL);

    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        for (int c = 1; c <= b->dev.channels && b->usbdev; c++) {
            if (!b->off_at[c] || now < b->off_at[c])
                continue;
            /* Duplicate or failing makes no difference here: this entry is
             * one physical board, and switching off is always safe. */
            enum gh_status r = do_set(m, b, c, 0);
            if (r == GH_OK) {
                b->off_at[c] = 0;
            } else {
                if (b->usbdev)
                    b->off_at[c] = now + OFF_RETRY_MS;
                if (st == GH_OK)
                    st = r;
            }
        }
    }
    update_statuses(m);

    if (m->rescan_wanted || ((!m->hotplug || m->retry_pending) && now >= m->next_rescan)) {
        enum gh_status r = gh_relay_mgr_rescan(m);
        m->next_rescan = now + m->cfg.rescan_ms;
        if (st == GH_OK && r != GH_OK && r != GH_E_TRANSIENT && r != GH_E_IO)
            st = r;
    }
    return st;
}

int64_t gh_relay_mgr_next_deadline(const struct gh_relay_mgr *m)
{
    int64_t t = INT64_MAX;
    if (m->rescan_wanted)
        return 0;
    if (!m->hotplug || m->retry_pending)
        t = m->next_rescan;
    for (size_t i = 0; i < m->nboards; i++)
        for (int c = 1; c <= GH_RELAY_MAX_CHANNELS; c++)
            if (m->boards[i]->off_at[c] && m->boards[i]->off_at[c] < t)
                t = m->boards[i]->off_at[c];
    return t;
}

/* ---- operations by board ID --------------------------------------------- */

/* The one present board called ID, or NULL with the reason in *st. */
static struct board *find_usable(struct gh_relay_mgr *m, const char *id, int channel,
                                 enum gh_status *st)
{
    struct board *found = NULL, *lost = NULL;
    int present = 0;
    m->errmsg[0] = '\0';
    if (!id) {
        *st = GH_E_INVALID;
        set_err(m, "no board ID given");
        return NULL;
    }
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        if (strcmp(b->dev.id, id) != 0)
            continue;
        if (b->usbdev) {
            present++;
            found = b;
        } else {
            lost = b;
        }
    }
    if (present > 1) {
        format_line(m, found, GH_RELAY_BOARD_DUPLICATE);
        set_err(m, "%s", found->line);
        *st = GH_E_REFUSED;
        return NULL;
    }
    if (!found) {
        if (lost) {
            format_line(m, lost, GH_RELAY_BOARD_UNAVAILABLE);
            set_err(m, "%s", lost->line);
            *st = GH_E_UNAVAILABLE;
        } else {
            set_err(m, "no relay board with ID \"%s\"", id);
            *st = GH_E_NOTFOUND;
        }
        return NULL;
    }
    if (channel != 0 && (channel < 1 || channel > found->dev.channels)) {
        set_err(m, "%s board %s has relays 1-%d, not %d", found->drv->name, id,
                found->dev.channels, channel);
        *st = GH_E_INVALID;
        return NULL;
    }
    *st = GH_OK;
    return found;
}

enum gh_status gh_relay_channel_status(struct gh_relay_mgr *m, const char *board_id, int channel)
{
    enum gh_status st;
    find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    return st;
}

enum gh_status gh_relay_pulse(struct gh_relay_mgr *m, const char *board_id, int channel, int ms)
{
    enum gh_status st;
    struct board *b = find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    if (!b)
        return st;
    if (ms <= 0) {
        set_err(m, "pulse time must be positive, not %d ms", ms);
        return GH_E_INVALID;
    }
    st = do_set(m, b, channel, 1);
    if (b->usbdev) {
        /* Armed even when the read-back failed: the relay may well be on. */
        int64_t t = mono(m) + ms;
        if (t > b->off_at[channel])
            b->off_at[channel] = t;
    }
    update_statuses(m);
    return st;
}

enum gh_status gh_relay_set(struct gh_relay_mgr *m, const char *board_id, int channel, int on)
{
    enum gh_status st;
    struct board *b = find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    if (!b)
        return st;
    b->off_at[channel] = 0;
    st = do_set(m, b, channel, on);
    if (st != GH_OK && !on && b->usbdev)
        b->off_at[channel] = mono(m) + OFF_RETRY_MS;  /* keep trying to close */
    update_statuses(m);
    return st;
}

enum gh_status gh_relay_all_off(struct gh_relay_mgr *m)
{
    enum gh_status first = GH_OK;
    char msg[sizeof m->errmsg] = "";
    m->errmsg[0] = '\0';
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        if (!b->usbdev)
            continue;
        memset(b->off_at, 0, sizeof b->off_at);
        enum gh_status st = do_set(m, b, 0, 0);
        if (st != GH_OK && first == GH_OK) {
            first = st;
            snprintf(msg, sizeof msg, "%s", m->errmsg);
        }
    }
    update_statuses(m);
    if (first != GH_OK)
        set_err(m, "%s", msg);
    return first;
}

static int valid_new_id(const char *to)
{
    if (!to || strlen(to) != GH_RELAY_DCTTECH_ID_LEN)
        return 0;
    for (const char *p = to; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return 0;
    return 1;
}

enum gh_status gh_relay_rename(struct gh_relay_mgr *m, const char *from, const char *to)
{
    enum gh_status st;
    if (!valid_new_id(to)) {
        set_err(m, "a board ID is 5 printable ASCII characters without spaces, not \"%s\"",
                to ? to : "");
        return GH_E_INVALID;
    }
    struct board *b = find_usable(m, from, 0, &st);
    if (!b) {
        if (st == GH_E_REFUSED)
            set_err(m, "%d boards have ID %s: unplug all but one, then rename that one",
                    count_present(m, from, NULL), from);
        return st;
    }
    if (!b->drv->set_id) {
        set_err(m, "%s board %s: this family's ID is its USB serial and cannot be changed here",
                b->drv->name, from);
        return GH_E_REFUSED;
    }
    if (strcmp(from, to) == 0)
        return GH_OK;
    for (size_t i = 0; i < m->nboards; i++) {
        if (m->boards[i] != b && strcmp(m->boards[i]->dev.id, to) == 0) {
            set_err(m, "another board is already called %s%s", to,
                    m->boards[i]->usbdev ? "" : " (it is unplugged now, but doors may use it)");
            return GH_E_EXISTS;
        }
    }
    int r = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        r = b->drv->set_id(&b->dev, to);
        if (r == 0 && strcmp(b->dev.id, to) != 0)
            r = LIBUSB_ERROR_IO;   /* read-back shows another ID */
        if (r == 0 || r == LIBUSB_ERROR_NO_DEVICE)
            break;
    }
    if (r == LIBUSB_ERROR_NO_DEVICE) {
        set_err(m, "%s board %s: gone from USB during the rename", b->drv->name, from);
        lose(m, b);
        update_statuses(m);
        return GH_E_UNAVAILABLE;
    }
    if (r != 0) {
        snprintf(b->last_error, sizeof b->last_error, "rename to %s failed: %s", to,
                 libusb_strerror(r));
        b->failing = 1;
        set_err(m, "%s board %s: %s (after one retry)", b->drv->name, from, b->last_error);
        update_statuses(m);
        return GH_E_IO;
    }
    emit(m, GH_RELAY_EV_RENAMED, b);
    update_statuses(m);
    return GH_OK;
}

int gh_relay_list(struct gh_relay_mgr *m, gh_relay_list_fn fn, void *user)
{
    for (size_t i = 0; i < m->nboards; i++) {
        struct gh_relay_board_info info;
        fill_info(m, m->boards[i], &info);
        if (fn)
            fn(user, &info);
    }
    return (int)m->nboards;
}
