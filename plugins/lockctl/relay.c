/*
 * relay.c: the relay manager (see relay.h for the rules it keeps): its
 * life, the poll that ends pulses and rescans, and the operations by board
 * ID. Its entries are board.c's, finding boards is discover.c's, the USB
 * helpers the drivers share are usb.c's (relay_internal.h says the order).
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
 * deadlines on the monotonic clock that lc_relay_mgr_poll() acts on.
 *
 * Every switch is one write plus one read-back where the family can read
 * back; a protocol error or a read-back that disagrees is retried once, then
 * the board is reported failing. Events are derived from status changes in
 * one place (board.c), so each transition is reported exactly once.
 */
#include "relay_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Weak: present in tests and tools that link the core's clock.c, absent in
 * the plugin module (which gets host->mono_ms through the config). */
extern int64_t gh_clock_mono_ms(void) __attribute__((weak));

static int64_t raw_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the manager's life ------------------------------------------------- */

enum gh_status lc_relay_mgr_open(struct lc_relay_mgr **out, const struct lc_relay_config *cfg)
{
    enum gh_status st;
    struct lc_relay_mgr *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return GH_E_NOMEM;
    if (cfg)
        m->cfg = *cfg;
    if (m->cfg.ftdi_channels <= 0 || m->cfg.ftdi_channels > LC_RELAY_MAX_CHANNELS)
        m->cfg.ftdi_channels = LC_RELAY_DEFAULT_FTDI_CHANNELS;
    if (m->cfg.rescan_ms <= 0)
        m->cfg.rescan_ms = LC_RELAY_DEFAULT_RESCAN_MS;
    if (!m->cfg.mono_ms)
        m->cfg.mono_ms = gh_clock_mono_ms ? gh_clock_mono_ms : raw_mono_ms;

    int r = libusb_init(&m->ctx);
    if (r < 0) {
        m->ctx = NULL;
        lc_relay_set_err(m, "cannot start libusb: %s", libusb_strerror(r));
        st = lc_relay_map_usb(r);
        goto fail;
    }
    if (!m->cfg.no_hotplug && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
        m->hotplug = 1;
        for (size_t i = 0; i < LC_RELAY_NDRIVERS && m->hotplug; i++) {
            r = libusb_hotplug_register_callback(
                m->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                0, lc_relay_drivers[i]->vid, lc_relay_drivers[i]->pid, LIBUSB_HOTPLUG_MATCH_ANY, lc_relay_on_hotplug, m,
                &m->hp[i]);
            if (r < 0) {
                /* Fall back to periodic rescans rather than fail. */
                for (size_t k = 0; k < i; k++)
                    libusb_hotplug_deregister_callback(m->ctx, m->hp[k]);
                m->hotplug = 0;
            }
        }
    }
    st = lc_relay_mgr_rescan(m);
    m->next_rescan = lc_relay_mono(m) + m->cfg.rescan_ms;
    /* A board we could not open yet is not fatal: the rescan retries it. */
    if (st != GH_OK && st != GH_E_NOMEM)
        st = GH_OK;
    return st;

fail:
    return st;
}

static void close_mgr(struct lc_relay_mgr *m, int all_off)
{
    if (!m)
        return;
    if (m->ctx) {
        if (all_off)
            lc_relay_mgr_all_off(m);
        if (m->hotplug)
            for (size_t i = 0; i < LC_RELAY_NDRIVERS; i++)
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

void lc_relay_mgr_close(struct lc_relay_mgr *m)
{
    close_mgr(m, 1);
}

void lc_relay_mgr_close_keep(struct lc_relay_mgr *m)
{
    close_mgr(m, 0);
}

const char *lc_relay_mgr_errmsg(const struct lc_relay_mgr *m)
{
    return m ? m->errmsg : "out of memory";
}

int lc_relay_mgr_uses_hotplug(const struct lc_relay_mgr *m)
{
    return m->hotplug;
}

enum gh_status lc_relay_mgr_scan_status(const struct lc_relay_mgr *m)
{
    return m ? m->scan_status : GH_E_NOMEM;
}

uint64_t lc_relay_mgr_transfers(const struct lc_relay_mgr *m)
{
    uint64_t n = m->retired_transfers;
    for (size_t i = 0; i < m->nboards; i++)
        n += m->boards[i]->dev.transfers;
    return n;
}

enum gh_status lc_relay_mgr_poll(struct lc_relay_mgr *m, int64_t now)
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
            enum gh_status r = lc_relay_do_set(m, b, c, 0);
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
    lc_relay_update_statuses(m);

    if (m->rescan_wanted || ((!m->hotplug || m->retry_pending) && now >= m->next_rescan)) {
        enum gh_status r = lc_relay_mgr_rescan(m);
        m->next_rescan = now + m->cfg.rescan_ms;
        if (st == GH_OK && r != GH_OK && r != GH_E_TRANSIENT && r != GH_E_IO)
            st = r;
    }
    return st;
}

int64_t lc_relay_mgr_next_deadline(const struct lc_relay_mgr *m)
{
    int64_t t = INT64_MAX;
    if (m->rescan_wanted)
        return 0;
    if (!m->hotplug || m->retry_pending)
        t = m->next_rescan;
    for (size_t i = 0; i < m->nboards; i++)
        for (int c = 1; c <= LC_RELAY_MAX_CHANNELS; c++)
            if (m->boards[i]->off_at[c] && m->boards[i]->off_at[c] < t)
                t = m->boards[i]->off_at[c];
    return t;
}

/* ---- operations by board ID --------------------------------------------- */

/* The one present board called ID, or NULL with the reason in *st. */
static struct board *find_usable(struct lc_relay_mgr *m, const char *id, int channel,
                                 enum gh_status *st)
{
    struct board *found = NULL, *lost = NULL;
    int present = 0;
    m->errmsg[0] = '\0';
    if (!id) {
        *st = GH_E_INVALID;
        lc_relay_set_err(m, "no board ID given");
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
        lc_relay_format_line(m, found, LC_RELAY_BOARD_DUPLICATE);
        lc_relay_set_err(m, "%s", found->line);
        *st = GH_E_REFUSED;
        return NULL;
    }
    if (!found) {
        if (lost) {
            lc_relay_format_line(m, lost, LC_RELAY_BOARD_UNAVAILABLE);
            lc_relay_set_err(m, "%s", lost->line);
            *st = GH_E_UNAVAILABLE;
        } else {
            lc_relay_set_err(m, "no relay board with ID \"%s\"", id);
            *st = GH_E_NOTFOUND;
        }
        return NULL;
    }
    if (channel != 0 && (channel < 1 || channel > found->dev.channels)) {
        lc_relay_set_err(m, "%s board %s has relays 1-%d, not %d", found->drv->name, id,
                found->dev.channels, channel);
        *st = GH_E_INVALID;
        return NULL;
    }
    *st = GH_OK;
    return found;
}

enum gh_status lc_relay_channel_status(struct lc_relay_mgr *m, const char *board_id, int channel)
{
    enum gh_status st;
    find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    return st;
}

enum gh_status lc_relay_pulse(struct lc_relay_mgr *m, const char *board_id, int channel, int ms)
{
    enum gh_status st;
    struct board *b = find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    if (!b)
        return st;
    if (ms <= 0) {
        lc_relay_set_err(m, "pulse time must be positive, not %d ms", ms);
        return GH_E_INVALID;
    }
    st = lc_relay_do_set(m, b, channel, 1);
    if (b->usbdev) {
        /* Armed even when the read-back failed: the relay may well be on. */
        int64_t t = lc_relay_mono(m) + ms;
        if (t > b->off_at[channel])
            b->off_at[channel] = t;
    }
    lc_relay_update_statuses(m);
    return st;
}

enum gh_status lc_relay_set(struct lc_relay_mgr *m, const char *board_id, int channel, int on)
{
    enum gh_status st;
    struct board *b = find_usable(m, board_id, channel < 1 ? -1 : channel, &st);
    if (!b)
        return st;
    b->off_at[channel] = 0;
    st = lc_relay_do_set(m, b, channel, on);
    if (st != GH_OK && !on && b->usbdev)
        b->off_at[channel] = lc_relay_mono(m) + OFF_RETRY_MS;  /* keep trying to close */
    lc_relay_update_statuses(m);
    return st;
}

enum gh_status lc_relay_mgr_all_off(struct lc_relay_mgr *m)
{
    enum gh_status first = GH_OK;
    char msg[sizeof m->errmsg] = "";
    m->errmsg[0] = '\0';
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        if (!b->usbdev)
            continue;
        memset(b->off_at, 0, sizeof b->off_at);
        enum gh_status st = lc_relay_do_set(m, b, 0, 0);
        if (st != GH_OK && first == GH_OK) {
            first = st;
            snprintf(msg, sizeof msg, "%s", m->errmsg);
        }
    }
    lc_relay_update_statuses(m);
    if (first != GH_OK)
        lc_relay_set_err(m, "%s", msg);
    return first;
}

static int valid_new_id(const char *to)
{
    if (!to || strlen(to) != LC_RELAY_DCTTECH_ID_LEN)
        return 0;
    for (const char *p = to; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return 0;
    return 1;
}

enum gh_status lc_relay_rename(struct lc_relay_mgr *m, const char *from, const char *to)
{
    enum gh_status st;
    if (!valid_new_id(to)) {
        lc_relay_set_err(m, "a board ID is 5 printable ASCII characters without spaces, not \"%s\"",
                to ? to : "");
        return GH_E_INVALID;
    }
    struct board *b = find_usable(m, from, 0, &st);
    if (!b) {
        if (st == GH_E_REFUSED)
            lc_relay_set_err(m, "%d boards have ID %s: unplug all but one, then rename that one",
                    lc_relay_count_present(m, from, NULL), from);
        return st;
    }
    if (!b->drv->set_id) {
        lc_relay_set_err(m, "%s board %s: this family's ID is its USB serial and cannot be changed here",
                b->drv->name, from);
        return GH_E_REFUSED;
    }
    if (strcmp(from, to) == 0)
        return GH_OK;
    for (size_t i = 0; i < m->nboards; i++) {
        if (m->boards[i] != b && strcmp(m->boards[i]->dev.id, to) == 0) {
            lc_relay_set_err(m, "another board is already called %s%s", to,
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
        lc_relay_set_err(m, "%s board %s: gone from USB during the rename", b->drv->name, from);
        lc_relay_lose(m, b);
        lc_relay_update_statuses(m);
        return GH_E_UNAVAILABLE;
    }
    if (r != 0) {
        snprintf(b->last_error, sizeof b->last_error, "rename to %s failed: %s", to,
                 libusb_strerror(r));
        b->failing = 1;
        lc_relay_set_err(m, "%s board %s: %s (after one retry)", b->drv->name, from, b->last_error);
        lc_relay_update_statuses(m);
        return GH_E_IO;
    }
    lc_relay_emit(m, LC_RELAY_EV_RENAMED, b);
    lc_relay_update_statuses(m);
    return GH_OK;
}

int lc_relay_list(struct lc_relay_mgr *m, lc_relay_list_fn fn, void *user)
{
    for (size_t i = 0; i < m->nboards; i++) {
        struct lc_relay_board_info info;
        lc_relay_fill_info(m, m->boards[i], &info);
        if (fn)
            fn(user, &info);
    }
    return (int)m->nboards;
}
