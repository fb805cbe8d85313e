/*
 * readers.h: card and fob readers (issue 13, "Readers").
 *
 * Two kinds, each a backend behind one small interface:
 *   lc_reader_evdev  USB keyboard-wedge readers, read through evdev with
 *                    libevdev and grabbed (EVIOCGRAB) so their digits never
 *                    reach a form or the compositor; chosen by USB
 *                    vendor:product ("08ff:0009, ffff:0035").
 *   lc_reader_pcsc   PC/SC readers through pcsclite and pcscd: a card that
 *                    arrives is asked its UID with GET DATA (FF CA 00 00 00).
 *
 * lc_readers runs each backend on its own thread (so reading never blocks
 * the screen) and queues what they report for the main thread: card reads,
 * and notes (a reader found, lost, an error). A backend whose wait fails is
 * closed and opened again a second later: a reader, or pcscd, that goes
 * away and comes back is picked up without a restart.
 *
 * This layer links only libevdev and libpcsclite; it knows nothing of the
 * kiosk, the core or the database (unit tests drive it directly).
 */
#ifndef GH_LOCKCTL_READERS_H
#define GH_LOCKCTL_READERS_H
#include <stddef.h>
#include <stdint.h>

#define LC_READ_UID_BUF 64
#define LC_READ_TEXT_BUF 200

enum lc_reader_ev { LC_EV_CARD = 1, LC_EV_NOTE = 2, LC_EV_ERROR = 3 };

struct lc_reader_event {
    enum lc_reader_ev kind;
    char uid[LC_READ_UID_BUF];    /* LC_EV_CARD: as read (typed characters, or hex) */
    int64_t at_us;                /* CLOCK_MONOTONIC us of the reader's own event */
    char text[LC_READ_TEXT_BUF];  /* the reader (CARD), or what happened (NOTE, ERROR) */
};

struct lc_reader_backend {
    const char *kind;             /* "keyboard", "pcsc" */
    /* arg: the backend's configuration ("08ff:0009, ..." or ""); grab: take
     * the devices for this program alone (the kiosk; not `reader list`).
     * NULL and err when it can't start (tried again later). */
    void *(*open)(const char *arg, int grab, char *err, size_t errlen);
    /* Up to timeout_ms: 1 and *ev, 0 nothing, -1 and err (closed and
     * opened again later). */
    int (*wait)(void *h, int timeout_ms, struct lc_reader_event *ev, char *err, size_t errlen);
    /* What the backend sees now, one line a reader ("" when none). */
    void (*describe)(void *h, char *buf, size_t len);
    void (*close)(void *h);
};

extern const struct lc_reader_backend lc_reader_evdev;
extern const struct lc_reader_backend lc_reader_pcsc;

/* "08ff:0009, ffff:0035" -> pairs; returns how many (at most max), -1 on a
 * malformed entry. */
int lc_reader_parse_ids(const char *list, uint16_t (*ids)[2], int max);
/* CLOCK_MONOTONIC in microseconds. */
int64_t lc_reader_now_us(void);

struct lc_readers;
struct lc_readers *lc_readers_new(void);
/* Starts a thread running backend b with arg; 0, or -1. */
int lc_readers_add(struct lc_readers *r, const struct lc_reader_backend *b, const char *arg);
/* The oldest queued event: 1 and *ev, or 0. */
int lc_readers_take(struct lc_readers *r, struct lc_reader_event *ev);
/* Every backend's state: "keyboard: ..." lines; the number of backends
 * in trouble (not started, or their last wait failed) is returned. */
int lc_readers_status(struct lc_readers *r, char *buf, size_t len);
/* Stops the threads and closes the devices (ungrabbed). */
void lc_readers_free(struct lc_readers *r);

#endif
