/*
 * usb.c: the USB helpers the board drivers share (drv_dcttech.c,
 * drv_ftdi.c): one control or bulk transfer with the layer's timeout, two
 * control transfers in flight at once, and taking the interface from the
 * kernel driver and giving it back.
 */
#include "relay_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lc_relay_ctrl(struct lc_relay_dev *dev, uint8_t type, uint8_t req, uint16_t value,
                  uint16_t index, unsigned char *data, uint16_t len)
{
    dev->transfers++;
    return libusb_control_transfer(dev->h, type, req, value, index, data, len,
                                   LC_RELAY_TIMEOUT_MS);
}

int lc_relay_bulk_out(struct lc_relay_dev *dev, unsigned char ep, unsigned char *data, int len)
{
    int done = 0;
    dev->transfers++;
    int r = libusb_bulk_transfer(dev->h, ep, data, len, &done, LC_RELAY_TIMEOUT_MS);
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

int lc_relay_ctrl_pair(struct lc_relay_dev *dev, struct lc_relay_ctrl_req rq[2])
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
        libusb_fill_control_transfer(t[i], dev->h, buf[i], pair_done, &w, LC_RELAY_TIMEOUT_MS);
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

int lc_relay_claim(struct lc_relay_dev *dev)
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

void lc_relay_release(struct lc_relay_dev *dev)
{
    if (dev->claimed)
        libusb_release_interface(dev->h, 0);
    if (dev->reattach)
        libusb_attach_kernel_driver(dev->h, 0);
    dev->claimed = 0;
    dev->reattach = 0;
}
