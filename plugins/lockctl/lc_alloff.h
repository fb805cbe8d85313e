/*
 * lc_alloff.h: every relay of every board off, with nothing but the USB bus.
 *
 * The one piece of the relay layer that the programs call themselves, not
 * through the plugin: it needs no configuration, no database and no relay
 * manager, so it works when all of those are broken. `gatehouse` calls it as
 * the very first thing it does (a door left open by a run that died
 * mid-pulse closes even when the rest of start-up fails), `gatehousectl
 * relay all-off` is it on the command line (the systemd units run that
 * before the kiosk starts and after it stops).
 *
 * It looks at every USB device once: each one a board family recognises
 * (dcttech HID relays by their strings, every FT245R with a USB serial) is
 * taken from its kernel driver, switched all-off with one write, read back,
 * retried once, and given back to the kernel. No configuration means no list
 * of FTDI serials: like the kiosk without one, every FT245R with a serial is
 * treated as a relay board (switching its pins low is what all-off means).
 *
 * Cheap when there is no board: one libusb context and one device list. It
 * never sleeps beyond the USB transfers it makes (LC_RELAY_TIMEOUT_MS each).
 * Messages are English, for the operator and the journal, like the relay
 * manager's.
 */
#ifndef LC_ALLOFF_H
#define LC_ALLOFF_H

#include <stddef.h>
#include <stdint.h>

/* One board, as all-off found it. */
struct lc_alloff_board {
    const char *family;     /* "dcttech" or "ftdi" */
    const char *name;       /* its ID (dcttech) or USB serial (ftdi); where it
                               is on the bus ("USB 1-1.2") when that could not
                               be read */
    int channels;           /* 0 when not known */
    uint32_t was_on;        /* relays read back on before the switch-off */
    int ok;                 /* 1: every relay read back off */
    const char *problem;    /* why not (English), NULL when ok */
};

typedef void (*lc_alloff_fn)(void *user, const struct lc_alloff_board *b);

/* Switches every relay of every supported board on the bus off. fn (may be
 * NULL) is called once per board found, as it is done. Returns the number
 * of boards that could not be reached or did not read back off (0: done,
 * also when there is no board), or -1 when USB itself could not be used,
 * with the reason in err. */
int lc_relay_all_off(lc_alloff_fn fn, void *user, char *err, size_t errlen);

#endif
