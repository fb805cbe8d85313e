/*
 * relay_internal.h: what the relay layer's files share, inside the layer
 * only (the plugin and programs use relay.h). The files call one way:
 *   usb.c      the USB helpers the drivers share (control, bulk, claim)
 *   board.c    the manager's entries: status, events, switching with read-back
 *   discover.c finding boards on the bus and taking them into entries
 *   relay.c    the manager: its life, the poll, operations by board ID
 */
#ifndef LC_RELAY_INTERNAL_H
#define LC_RELAY_INTERNAL_H

#include "relay.h"

#define OFF_RETRY_MS 100   /* a failed switch-off is tried again this soon */
#define STATUS_NEW (-1)    /* an entry not yet reported */
#define LC_RELAY_NDRIVERS 2

/* discover.c: every board family, in the order they are tried. */
extern const struct lc_relay_driver *const lc_relay_drivers[LC_RELAY_NDRIVERS];

struct board {
    const struct lc_relay_driver *drv;
    struct lc_relay_dev dev;
    libusb_device *usbdev;      /* referenced while present, else NULL */
    int reported;               /* status last reported (STATUS_NEW at first) */
    int failing;
    uint32_t want;              /* the relays we mean to have on */
    uint32_t found_state;       /* read back when found, before all-off */
    int announcing;             /* the FOUND event is being reported */
    int64_t off_at[LC_RELAY_MAX_CHANNELS + 1];  /* pulse deadlines, 0 = none */
    char last_error[160];
    char line[400];
};

struct lc_relay_mgr {
    libusb_context *ctx;
    struct lc_relay_config cfg;
    struct board **boards;
    size_t nboards, capboards;
    libusb_device **ignored;    /* seen, not ours: not opened again */
    size_t nignored, capignored;
    int hotplug;
    libusb_hotplug_callback_handle hp[LC_RELAY_NDRIVERS];
    volatile int rescan_wanted;
    int retry_pending;          /* a board could not be taken: look again */
    int64_t next_rescan;
    uint64_t retired_transfers; /* from entries that were dropped */
    enum gh_status scan_status; /* lc_relay_mgr_scan_status() */
    char errmsg[512];
};

/* board.c */
int64_t lc_relay_mono(const struct lc_relay_mgr *m);
void lc_relay_set_err(struct lc_relay_mgr *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum gh_status lc_relay_map_usb(int r);
/* Present boards called ID, not counting EXCEPT. */
int lc_relay_count_present(const struct lc_relay_mgr *m, const char *id, const struct board *except);
void lc_relay_format_line(const struct lc_relay_mgr *m, struct board *b, enum lc_relay_board_status st);
void lc_relay_fill_info(const struct lc_relay_mgr *m, struct board *b, struct lc_relay_board_info *info);
void lc_relay_emit(struct lc_relay_mgr *m, enum lc_relay_event ev, struct board *b);
/* Reports every entry whose status changed since it was last reported. */
void lc_relay_update_statuses(struct lc_relay_mgr *m);
/* The board left: its handle goes, its entry (and ID) stays. */
void lc_relay_lose(struct lc_relay_mgr *m, struct board *b);
void lc_relay_prune_lost_duplicates(struct lc_relay_mgr *m);
/* CHANNEL 0 means all off. Returns GH_OK, GH_E_UNAVAILABLE (board gone) or
 * GH_E_IO (still wrong after the retry; the board is marked failing). */
enum gh_status lc_relay_do_set(struct lc_relay_mgr *m, struct board *b, int channel, int on);

/* discover.c: libusb's hotplug callback: asks the next poll to rescan. */
int LIBUSB_CALL lc_relay_on_hotplug(libusb_context *ctx, libusb_device *d,
                                    libusb_hotplug_event ev, void *user);

#endif
