/*
 * board.c: the relay manager's entries (one per physical board seen) and
 * their status: the line each one shows, the events derived from status
 * changes in one place (lc_relay_update_statuses, so each transition is
 * reported exactly once), losing a board, and switching with one read-back
 * and one retry.
 */
#include "relay_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t lc_relay_mono(const struct lc_relay_mgr *m)
{
    return m->cfg.mono_ms();
}

void lc_relay_set_err(struct lc_relay_mgr *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->errmsg, sizeof m->errmsg, fmt, ap);
    va_end(ap);
}

enum gh_status lc_relay_map_usb(int r)
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


/* ---- entries and their status ------------------------------------------- */

int lc_relay_count_present(const struct lc_relay_mgr *m, const char *id, const struct board *except)
{
    int n = 0;
    for (size_t i = 0; i < m->nboards; i++) {
        const struct board *b = m->boards[i];
        if (b != except && b->usbdev && strcmp(b->dev.id, id) == 0)
            n++;
    }
    return n;
}

static enum lc_relay_board_status status_of(const struct lc_relay_mgr *m, const struct board *b)
{
    if (!b->usbdev)
        return LC_RELAY_BOARD_UNAVAILABLE;
    if (lc_relay_count_present(m, b->dev.id, b) > 0)
        return LC_RELAY_BOARD_DUPLICATE;
    return b->failing ? LC_RELAY_BOARD_FAILING : LC_RELAY_BOARD_OK;
}

void lc_relay_format_line(const struct lc_relay_mgr *m, struct board *b, enum lc_relay_board_status st)
{
    char on[64] = "";
    size_t o = 0;
    for (int c = 1; c <= b->dev.channels; c++)
        if (b->dev.state & (1u << (c - 1)))
            o += (size_t)snprintf(on + o, sizeof on - o, "%s%d", o ? "," : "", c);
    const char *fam = b->drv->name;
    switch (st) {
    case LC_RELAY_BOARD_OK:
        snprintf(b->line, sizeof b->line, "%s board %s: %d relay%s, %s%s%s", fam, b->dev.id,
                 b->dev.channels, b->dev.channels == 1 ? "" : "s",
                 o ? "on: " : "all off", on,
                 b->announcing && b->found_state ? "; some were on when found: switched off" : "");
        break;
    case LC_RELAY_BOARD_DUPLICATE:
        if (b->drv->set_id)
            snprintf(b->line, sizeof b->line,
                     "%s board %s: refused, %d boards have this ID; unplug all but one, "
                     "rename it (gatehousectl relay rename %s NEWID), then plug the others back",
                     fam, b->dev.id, lc_relay_count_present(m, b->dev.id, NULL), b->dev.id);
        else
            snprintf(b->line, sizeof b->line,
                     "%s board %s: refused, %d boards have this USB serial, which cannot be "
                     "changed here; keep only one plugged in (or reprogram one's serial with "
                     "ftdi_eeprom)", fam, b->dev.id, lc_relay_count_present(m, b->dev.id, NULL));
        break;
    case LC_RELAY_BOARD_UNAVAILABLE:
        snprintf(b->line, sizeof b->line,
                 "%s board %s: unavailable (not on USB); its doors cannot be opened until it is back",
                 fam, b->dev.id);
        break;
    case LC_RELAY_BOARD_FAILING:
        snprintf(b->line, sizeof b->line, "%s board %s: failing: %s", fam, b->dev.id,
                 b->last_error);
        break;
    }
}

void lc_relay_fill_info(const struct lc_relay_mgr *m, struct board *b, struct lc_relay_board_info *info)
{
    enum lc_relay_board_status st = status_of(m, b);
    lc_relay_format_line(m, b, st);
    info->family = b->drv->name;
    info->id = b->dev.id;
    info->channels = b->dev.channels;
    info->state = b->dev.state;
    info->found_state = b->found_state;
    info->status = st;
    info->line = b->line;
}

void lc_relay_emit(struct lc_relay_mgr *m, enum lc_relay_event ev, struct board *b)
{
    if (!m->cfg.on_event)
        return;
    struct lc_relay_board_info info;
    lc_relay_fill_info(m, b, &info);
    m->cfg.on_event(m->cfg.user, ev, &info);
}

/* Reports every status change since the last call, once. */
void lc_relay_update_statuses(struct lc_relay_mgr *m)
{
    for (size_t i = 0; i < m->nboards; i++) {
        struct board *b = m->boards[i];
        int now = (int)status_of(m, b);
        int was = b->reported;
        if (now == was)
            continue;
        b->reported = now;
        switch (now) {
        case LC_RELAY_BOARD_OK:
            b->announcing = was != LC_RELAY_BOARD_FAILING;
            lc_relay_emit(m, was == LC_RELAY_BOARD_FAILING ? LC_RELAY_EV_RECOVERED : LC_RELAY_EV_FOUND, b);
            b->announcing = 0;
            break;
        case LC_RELAY_BOARD_DUPLICATE:
            lc_relay_emit(m, LC_RELAY_EV_DUPLICATE, b);
            break;
        case LC_RELAY_BOARD_UNAVAILABLE:
            if (was != STATUS_NEW)
                lc_relay_emit(m, LC_RELAY_EV_LOST, b);
            break;
        case LC_RELAY_BOARD_FAILING:
            if (was == STATUS_NEW || was == LC_RELAY_BOARD_UNAVAILABLE)
                lc_relay_emit(m, LC_RELAY_EV_FOUND, b);
            lc_relay_emit(m, LC_RELAY_EV_FAILING, b);
            break;
        }
    }
}

static void drop_entry(struct lc_relay_mgr *m, size_t i)
{
    struct board *b = m->boards[i];
    m->retired_transfers += b->dev.transfers;
    free(b);
    memmove(m->boards + i, m->boards + i + 1, (m->nboards - i - 1) * sizeof *m->boards);
    m->nboards--;
}

/* The board went away (or stopped answering as a device): close it, keep the
 * entry as "unavailable" unless another present board already has its ID. */
void lc_relay_lose(struct lc_relay_mgr *m, struct board *b)
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
void lc_relay_prune_lost_duplicates(struct lc_relay_mgr *m)
{
    for (size_t i = 0; i < m->nboards;) {
        struct board *b = m->boards[i];
        if (!b->usbdev && b->reported == LC_RELAY_BOARD_UNAVAILABLE &&
            lc_relay_count_present(m, b->dev.id, NULL) > 0)
            drop_entry(m, i);
        else
            i++;
    }
}

/* ---- switching, with read-back and one retry ---------------------------- */

/* CHANNEL 0 means all off. Returns GH_OK, GH_E_UNAVAILABLE (board gone) or
 * GH_E_IO (still wrong after the retry; the board is marked failing). */
enum gh_status lc_relay_do_set(struct lc_relay_mgr *m, struct board *b, int channel, int on)
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
            lc_relay_set_err(m, "%s board %s: gone from USB", b->drv->name, b->dev.id);
            lc_relay_lose(m, b);
            return GH_E_UNAVAILABLE;
        }
        snprintf(b->last_error, sizeof b->last_error, "%s", libusb_strerror(r));
    }
    b->want = want;   /* keep meaning it: a later write builds on this */
    b->failing = 1;
    lc_relay_set_err(m, "%s board %s: %s (after one retry)", b->drv->name, b->dev.id, b->last_error);
    return GH_E_IO;
}
