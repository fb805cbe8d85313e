/*
 * relay.h: the USB relay layer of the lock control plugin.
 *
 * Two halves. The first is what the rest of the plugin uses: a relay manager
 * that finds relay boards on USB, knows them by their own ID (the 5-character
 * ID of a dcttech HID relay, the USB serial of an FTDI bit-bang board), never
 * by USB path, refuses two boards with one ID, marks a board that went away
 * unavailable and switches everything off when it comes back, and runs door
 * pulses on the monotonic clock without ever sleeping: lc_relay_pulse()
 * switches a relay on, the host loop calls lc_relay_mgr_poll() and that
 * switches it off when the deadline has passed.
 *
 * The second half is the internal interface each board family implements
 * (drv_dcttech.c, drv_ftdi.c): match a device, open it, switch a channel,
 * read the relays back. Drivers speak libusb and return LIBUSB_* codes; the
 * manager maps them to enum gh_status at this boundary, keeps the libusb text
 * in its errmsg, retries a protocol error once and checks every write against
 * a read-back.
 *
 * Channels are numbered from 1, as printed on the boards; in every bitmask
 * bit n-1 is relay n. Messages (errmsg, the board line) are English text for
 * operators and the activity log, like gh_strerror(); screens show their own
 * translated words chosen by the status codes.
 *
 * A manager is used from one thread (the host loop); it starts no thread of
 * its own beyond libusb's event thread. Transfers are synchronous and bounded
 * by LC_RELAY_TIMEOUT_MS each.
 *
 * Links only libusb-1.0 (plus gatehouse/status.h, and gatehouse/clock.h's
 * gh_clock_mono_ms as a weak default for the clock).
 */
#ifndef GH_LOCKCTL_RELAY_H
#define GH_LOCKCTL_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <libusb.h>

#include "gatehouse/status.h"

#define LC_RELAY_MAX_CHANNELS 8
#define LC_RELAY_ID_MAX 64          /* bytes, with the NUL (USB serials) */
#define LC_RELAY_DCTTECH_ID_LEN 5
#define LC_RELAY_DEFAULT_RESCAN_MS 1000
#define LC_RELAY_DEFAULT_FTDI_CHANNELS 8
#define LC_RELAY_TIMEOUT_MS 500     /* per USB transfer */

/* ---------------------------------------------------------------------------
 * The manager: what the plugin uses.
 */

enum lc_relay_board_status {
    LC_RELAY_BOARD_OK = 0,
    LC_RELAY_BOARD_DUPLICATE = 1,   /* another board has the same ID: refused */
    LC_RELAY_BOARD_UNAVAILABLE = 2, /* known, but not on the bus now */
    LC_RELAY_BOARD_FAILING = 3      /* present, but a write or read-back failed */
};

/* What the manager reports through lc_relay_config.on_event. Append only. */
enum lc_relay_event {
    LC_RELAY_EV_FOUND = 0,      /* a board appeared (or came back): relays off */
    LC_RELAY_EV_LOST = 1,       /* a board went away: its channels unavailable */
    LC_RELAY_EV_FAILING = 2,    /* a write or read-back failed after one retry */
    LC_RELAY_EV_DUPLICATE = 3,  /* two boards answer to one ID: both refused */
    LC_RELAY_EV_RECOVERED = 4,  /* a failing board worked again */
    LC_RELAY_EV_RENAMED = 5     /* lc_relay_rename() changed a board's ID */
};

struct lc_relay_board_info {
    const char *family;         /* "dcttech" or "ftdi" */
    const char *id;             /* board ID (dcttech) or USB serial (ftdi) */
    int channels;
    uint32_t state;             /* relays on, bit n-1 = relay n (last read back) */
    uint32_t found_state;       /* relays that were on when the board was last
                                   found, before the manager switched them off */
    enum lc_relay_board_status status;
    const char *line;           /* one human line: family, ID, relays, status */
};

typedef void (*lc_relay_event_fn)(void *user, enum lc_relay_event ev,
                                  const struct lc_relay_board_info *board);
typedef void (*lc_relay_list_fn)(void *user, const struct lc_relay_board_info *board);

struct lc_relay_config {
    int ftdi_channels;          /* channels on FTDI boards; 0 = 8 */
    /* NULL-terminated list of the FTDI serials configured as relay boards:
     * only those have ftdi_sio detached and are driven (an FT245R can be
     * something else too). NULL = every FT245R with a serial. Borrowed: it
     * must stay valid while the manager is open. */
    const char *const *ftdi_serials;
    int rescan_ms;              /* periodic rescan without hotplug; 0 = 1000 */
    int no_hotplug;             /* 1 = never use libusb hotplug (periodic rescan) */
    lc_relay_event_fn on_event; /* may be NULL; called from inside manager
                                   calls: it may read the info (copy what it
                                   keeps) but must not call gh_relay_* */
    void *user;                 /* passed to on_event */
    /* The monotonic clock (ms) pulses run on. NULL: gh_clock_mono_ms() when
     * it is linked in (tests, tools), else CLOCK_MONOTONIC. The plugin passes
     * host->mono_ms, so pulses follow the host's (possibly virtual) clock:
     * the programs export no gh_clock_* symbol to plugins. */
    int64_t (*mono_ms)(void);
};

struct lc_relay_mgr;

/* Creates a libusb context, registers hotplug (where libusb has it), finds the
 * boards present and switches all their relays off. cfg may be NULL. On
 * failure *out is still set when it could be allocated, so the caller can read
 * lc_relay_mgr_errmsg(); free it with lc_relay_mgr_close(). */
enum gh_status lc_relay_mgr_open(struct lc_relay_mgr **out, const struct lc_relay_config *cfg);

/* Switches every relay off, releases the boards, frees everything. */
void lc_relay_mgr_close(struct lc_relay_mgr *m);

/* Like lc_relay_mgr_close() but leaves every relay as it is: the boards are
 * released to their kernel driver still switched. Only for tools that hand a
 * board to another program (tests, diagnostics); the kiosk never uses it. */
void lc_relay_mgr_close_keep(struct lc_relay_mgr *m);

/* Detail of the last failure (English), "" when none. */
const char *lc_relay_mgr_errmsg(const struct lc_relay_mgr *m);

/* Call from the host loop, as often as convenient (at the latest by
 * lc_relay_mgr_next_deadline()): handles hotplug, rescans when due, and
 * switches off every pulsed relay whose deadline (monotonic ms) has passed.
 * Never blocks beyond the USB transfers it makes. */
enum gh_status lc_relay_mgr_poll(struct lc_relay_mgr *m, int64_t now_mono_ms);

/* Earliest monotonic ms at which lc_relay_mgr_poll has work (a pulse ending or
 * a rescan), or INT64_MAX when none. */
int64_t lc_relay_mgr_next_deadline(const struct lc_relay_mgr *m);

/* Looks for boards that arrived or left, now. */
enum gh_status lc_relay_mgr_rescan(struct lc_relay_mgr *m);

/* Switches relay CHANNEL of board BOARD_ID on (one write + one read-back) and
 * arms its switch-off at mono_ms() + ms (the configured clock). A second
 * pulse while one runs extends it. GH_E_NOTFOUND: no such board; GH_E_UNAVAILABLE: the board
 * is not on the bus; GH_E_REFUSED: duplicate ID; GH_E_INVALID: bad channel or
 * time; GH_E_IO: the board did not do it (after one retry). */
enum gh_status lc_relay_pulse(struct lc_relay_mgr *m, const char *board_id, int channel, int ms);

/* Switches one relay on or off now, with read-back (no timer; cancels a
 * running pulse of that relay). For tools and tests; doors use pulses. */
enum gh_status lc_relay_set(struct lc_relay_mgr *m, const char *board_id, int channel, int on);

/* Switches every relay of every present board off and cancels all pulses.
 * Returns the first failure but tries every board. */
enum gh_status lc_relay_mgr_all_off(struct lc_relay_mgr *m);

/* Gives the dcttech board now called FROM the ID TO (5 printable ASCII
 * characters, no space). Only when exactly one present board has FROM, and no
 * known board has TO. FTDI serials cannot be changed here: GH_E_REFUSED. */
enum gh_status lc_relay_rename(struct lc_relay_mgr *m, const char *from, const char *to);

/* Calls fn once per known board (present or not), in discovery order.
 * Returns the number of boards. */
int lc_relay_list(struct lc_relay_mgr *m, lc_relay_list_fn fn, void *user);

/* Status of one board's channel for the door screens: GH_OK (usable),
 * GH_E_NOTFOUND, GH_E_UNAVAILABLE, GH_E_REFUSED (duplicate), GH_E_INVALID
 * (no such channel). A failing board is still GH_OK: the next pulse retries. */
enum gh_status lc_relay_channel_status(struct lc_relay_mgr *m, const char *board_id, int channel);

/* USB transfers made so far (every control and bulk transfer the drivers
 * issued), for the benchmark and tests that count them. */
uint64_t lc_relay_mgr_transfers(const struct lc_relay_mgr *m);

/* True when this manager uses libusb hotplug (else periodic rescan). */
int lc_relay_mgr_uses_hotplug(const struct lc_relay_mgr *m);
/* How the last look at the bus went: GH_E_TRANSIENT when a board was held
 * by another program (libusb "busy": the running kiosk has it), else GH_OK
 * or the first failure (the message in lc_relay_mgr_errmsg()). */
enum gh_status lc_relay_mgr_scan_status(const struct lc_relay_mgr *m);

/* ---------------------------------------------------------------------------
 * The driver interface: one implementation per board family. Internal to the
 * relay layer; the manager owns every struct lc_relay_dev.
 */

struct lc_relay_strings {
    const char *manufacturer;   /* "" when the device has none */
    const char *product;
    const char *serial;
};

struct lc_relay_dev {
    libusb_context *ctx;        /* for the drivers' asynchronous transfers */
    libusb_device_handle *h;
    int channels;
    uint32_t state;             /* last read back (or written, boards without read-back) */
    char id[LC_RELAY_ID_MAX];   /* filled by open */
    uint64_t transfers;         /* transfers issued through this device */
    int claimed;                /* interface 0 claimed (released by close) */
    int reattach;               /* we detached the kernel driver by hand */
};

/* Every function returns 0 or a negative LIBUSB_ERROR_* code; LIBUSB_ERROR_IO
 * for a read-back that does not parse. */
struct lc_relay_driver {
    const char *name;           /* family, also the board line's first word */
    uint16_t vid, pid;          /* the only VID:PID this driver looks at */
    /* Returns the channel count if this device is one of ours, else 0. Called
     * with the device descriptor and its strings (never on IDs alone). */
    int (*match)(const struct libusb_device_descriptor *desc,
                 const struct lc_relay_strings *s, const struct lc_relay_config *cfg);
    /* Detaches the kernel driver, claims, puts the board in relay mode and
     * fills dev->id and dev->state. dev->h and dev->channels are set. */
    int (*open)(struct lc_relay_dev *dev, const struct lc_relay_strings *s);
    int (*set)(struct lc_relay_dev *dev, int channel, int on);    /* one write */
    int (*set_all_off)(struct lc_relay_dev *dev);                 /* one write */
    /* Reads the relays into *mask; NULL when the family cannot read back. */
    int (*read_state)(struct lc_relay_dev *dev, uint32_t *mask);
    /* Writes a new board ID and reads it back into dev->id; NULL if the family
     * has no writable ID. */
    int (*set_id)(struct lc_relay_dev *dev, const char *id);
    /* Releases the interface (the kernel driver is re-attached). */
    void (*close)(struct lc_relay_dev *dev);
    /* Optional: the write and its read-back submitted together, for boards
     * whose commands and read-back share endpoint 0 (the host controller runs
     * them in order). CHANNEL 0 = all off. NULL: set()/set_all_off() then
     * read_state(), one after the other. */
    int (*set_verify)(struct lc_relay_dev *dev, int channel, int on, uint32_t *mask);
};

/* One control request of a pair (lc_relay_ctrl_pair); done = bytes moved. */
struct lc_relay_ctrl_req {
    uint8_t type, req;
    uint16_t value, index;
    unsigned char *data;        /* at most 64 bytes */
    uint16_t len;
    int done;
};

extern const struct lc_relay_driver lc_relay_drv_dcttech;
extern const struct lc_relay_driver lc_relay_drv_ftdi;

/* Helpers the drivers share (relay.c): one control transfer / bulk write,
 * counted in dev->transfers. Return bytes moved or a LIBUSB_ERROR_*. */
int lc_relay_ctrl(struct lc_relay_dev *dev, uint8_t type, uint8_t req, uint16_t value,
                  uint16_t index, unsigned char *data, uint16_t len);
int lc_relay_bulk_out(struct lc_relay_dev *dev, unsigned char ep, unsigned char *data, int len);
/* Two control transfers on endpoint 0 submitted back to back and waited for
 * together; returns 0 or the first one's error (LIBUSB_ERROR_*). */
int lc_relay_ctrl_pair(struct lc_relay_dev *dev, struct lc_relay_ctrl_req req[2]);

/* Claims interface 0 with the kernel driver (usbhid, ftdi_sio) detached;
 * libusb re-attaches it on release. */
int lc_relay_claim(struct lc_relay_dev *dev);
void lc_relay_release(struct lc_relay_dev *dev);

/* Reads string descriptor IDX as ASCII ('?' for anything else) into buf;
 * "" when the device has no such string. 0 or a LIBUSB_ERROR_*. Shared by
 * the manager and lc_alloff.c. */
int lc_relay_get_string(libusb_device_handle *h, uint8_t idx, char *buf, int len);

#endif
