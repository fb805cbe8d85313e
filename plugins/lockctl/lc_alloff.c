/*
 * lc_alloff.c: every relay of every board off, without a manager (see
 * lc_alloff.h). Uses the board families' drivers directly, one device at a
 * time: open, strings, match, take over, all-off with read-back (one retry,
 * as the manager does), give back.
 */
#include "lc_alloff.h"
#include "relay.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct lc_relay_driver *const drivers[] = {
    &lc_relay_drv_dcttech,
    &lc_relay_drv_ftdi,
};
#define NDRIVERS (sizeof drivers / sizeof drivers[0])

/* What is known about the device being handled, for its report. */
struct found {
    const struct lc_relay_driver *drv;
    char where[48];
    char problem[200];
    struct lc_alloff_board b;
};

/* "USB 1-1.2": the bus and port path, as the kernel names the device. */
static void usb_where(libusb_device *d, char *buf, size_t len)
{
    uint8_t ports[8];
    int n = libusb_get_port_numbers(d, ports, (int)sizeof ports);
    size_t o = (size_t)snprintf(buf, len, "USB %d-", libusb_get_bus_number(d));
    if (n <= 0) {
        snprintf(buf + o, len - o, "? (device %d)", libusb_get_device_address(d));
        return;
    }
    for (int i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "." : "", ports[i]);
}

/* One line of a sysfs attribute of USB device DEV ("1-1.2"), newline
 * stripped; "" when there is none. Readable by anyone, unlike the device. */
static void read_attr(const char *dev, const char *attr, char *buf, size_t len)
{
    char path[320];
    snprintf(path, sizeof path, "/sys/bus/usb/devices/%s/%s", dev, attr);
    buf[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static unsigned read_hex(const char *dev, const char *attr)
{
    char buf[16];
    read_attr(dev, attr, buf, sizeof buf);
    return buf[0] ? (unsigned)strtoul(buf, NULL, 16) : 0x10000;   /* none: no family */
}

/* A device we may not open (no udev rule for it): is it one of ours, by
 * the strings sysfs shows? 0 surely not (another V-USB gadget, a serial
 * adapter), 1 yes or cannot tell. */
static int maybe_ours(const struct lc_relay_driver *drv, const char *where,
                      const struct libusb_device_descriptor *desc)
{
    char manu[128], prod[128], serial[LC_RELAY_ID_MAX];
    if (strncmp(where, "USB ", 4) != 0)
        return 1;
    const char *dev = where + 4;   /* "USB 1-1.2" -> sysfs "1-1.2" */
    read_attr(dev, "product", prod, sizeof prod);
    if (!prod[0])
        return 1;
    read_attr(dev, "manufacturer", manu, sizeof manu);
    read_attr(dev, "serial", serial, sizeof serial);
    struct lc_relay_strings s = {manu, prod, serial};
    return drv->match(desc, &s, NULL) > 0;
}

static const struct lc_relay_driver *family_of(const struct libusb_device_descriptor *desc)
{
    for (size_t i = 0; i < NDRIVERS; i++)
        if (drivers[i]->vid == desc->idVendor && drivers[i]->pid == desc->idProduct)
            return drivers[i];
    return NULL;
}

static int failed(struct found *f, const char *what, int r)
{
    snprintf(f->problem, sizeof f->problem, "%s: %s%s", what, libusb_strerror(r),
             r == LIBUSB_ERROR_ACCESS ? " (install the udev rule for relay boards, or run as root)"
             : r == LIBUSB_ERROR_BUSY ? " (in use by another program, such as the running kiosk)"
                                      : "");
    f->b.ok = 0;
    f->b.problem = f->problem;
    return -1;
}

/* All relays off with read-back, tried twice. 0 or -1 (f->problem). */
static int switch_off(struct found *f, struct lc_relay_dev *dev)
{
    const struct lc_relay_driver *drv = f->drv;
    int r = 0;
    uint32_t got = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        int have = 0;
        dev->state = 0;
        if (drv->set_verify) {
            r = drv->set_verify(dev, 0, 0, &got);
            have = r == 0;
        } else {
            r = drv->set_all_off(dev);
            if (r == 0 && drv->read_state) {
                r = drv->read_state(dev, &got);
                have = r == 0;
            }
        }
        if (r == 0 && (!have || got == 0))
            return 0;
        if (r == LIBUSB_ERROR_NO_DEVICE)
            break;
    }
    if (r == 0) {
        snprintf(f->problem, sizeof f->problem,
                 "read-back after switching all relays off shows relays 0x%02" PRIx32
                 " (after one retry)", got);
        f->b.ok = 0;
        f->b.problem = f->problem;
        return -1;
    }
    return failed(f, r == LIBUSB_ERROR_NO_DEVICE ? "gone from USB during the switch-off"
                                                 : "could not switch off (after one retry)", r);
}

/* Takes the open device H over if it is a board, switches it off and gives
 * it back. 1 done, 0 not a board, -1 failed (f says why). */
static int take_and_off(libusb_context *ctx, libusb_device_handle *h,
                        const struct libusb_device_descriptor *desc, struct found *f)
{
    char manu[128], prod[128], serial[LC_RELAY_ID_MAX];
    int r = lc_relay_get_string(h, desc->iManufacturer, manu, sizeof manu);
    if (r == 0)
        r = lc_relay_get_string(h, desc->iProduct, prod, sizeof prod);
    if (r == 0)
        r = lc_relay_get_string(h, desc->iSerialNumber, serial, sizeof serial);
    if (r < 0)
        return failed(f, "cannot read its name", r);
    struct lc_relay_strings s = {manu, prod, serial};
    int channels = f->drv->match(desc, &s, NULL);
    if (channels <= 0)
        return 0;
    struct lc_relay_dev dev = {.ctx = ctx, .h = h, .channels = channels};
    f->b.channels = channels;
    r = f->drv->open(&dev, &s);
    if (dev.id[0]) {
        snprintf(f->where, sizeof f->where, "%s", dev.id);
        f->b.name = f->where;
    }
    int rc;
    if (r < 0) {
        rc = failed(f, "cannot take it over", r);
    } else {
        f->b.was_on = dev.state;
        rc = switch_off(f, &dev) == 0 ? 1 : -1;
    }
    f->drv->close(&dev);
    return rc;
}

/* One device: 1 switched off, 0 not a board, -1 a board (or what may be
 * one) that could not be switched off. */
static int one_device(libusb_context *ctx, libusb_device *d, lc_alloff_fn fn, void *user)
{
    struct libusb_device_descriptor desc;
    struct found f = {0};
    if (libusb_get_device_descriptor(d, &desc) < 0 || !(f.drv = family_of(&desc)))
        return 0;
    usb_where(d, f.where, sizeof f.where);
    f.b.family = f.drv->name;
    f.b.name = f.where;
    f.b.ok = 1;

    libusb_device_handle *h = NULL;
    int r = libusb_open(d, &h);
    if (r == LIBUSB_ERROR_ACCESS && !maybe_ours(f.drv, f.where, &desc))
        return 0;   /* another device on a shared ID, not granted to us */
    /* A device we cannot open may be a board: it is reported, never skipped. */
    int rc = r < 0 ? failed(&f, "cannot open", r) : take_and_off(ctx, h, &desc, &f);
    if (h)
        libusb_close(h);
    if (rc != 0 && fn)
        fn(user, &f.b);
    return rc;
}

/* Does sysfs list a USB device with one of the families' VID:PIDs? 1 yes,
 * 0 no (also: sysfs has no USB bus at all, the kernel has no USB), -1
 * cannot tell (no sysfs: libusb then looks itself). A start-up with no
 * board pays one folder listing instead of a libusb context (whose event
 * thread costs a few ms on a busy machine). */
static int candidates_in_sysfs(void)
{
    DIR *d = opendir("/sys/bus/usb/devices");
    if (!d) {
        DIR *bus = opendir("/sys/bus");
        if (bus)
            closedir(bus);
        return bus ? 0 : -1;
    }
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        /* "1-1.2" is a device, "1-1.2:1.0" one of its interfaces. */
        if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
            continue;
        struct libusb_device_descriptor desc = {
            .idVendor = (uint16_t)read_hex(e->d_name, "idVendor"),
            .idProduct = (uint16_t)read_hex(e->d_name, "idProduct")};
        found = family_of(&desc) != NULL;
    }
    closedir(d);
    return found;
}

int lc_relay_all_off(lc_alloff_fn fn, void *user, char *err, size_t errlen)
{
    libusb_context *ctx = NULL;
    libusb_device **list = NULL;
    err[0] = '\0';
    if (candidates_in_sysfs() == 0)
        return 0;
    int r = libusb_init(&ctx);
    if (r < 0) {
        snprintf(err, errlen, "cannot start libusb: %s", libusb_strerror(r));
        return -1;
    }
    ssize_t n = libusb_get_device_list(ctx, &list);
    if (n < 0) {
        snprintf(err, errlen, "cannot list USB devices: %s", libusb_strerror((int)n));
        libusb_exit(ctx);
        return -1;
    }
    int bad = 0;
    for (ssize_t i = 0; i < n; i++)
        if (one_device(ctx, list[i], fn, user) < 0)
            bad++;
    libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    err[0] = '\0';
    return bad;
}
