/*
 * gh_sim.c: simulated USB relay boards behind the unmodified libusb/hidapi
 * (see gh_sim.h), following TESTING.md's umockdev recipe.
 *
 * Each board is a set of sysfs records added to a umockdev testbed: the
 * usb_device (with the /dev/bus/usb node and its descriptors), its interface
 * (bound to usbhid or ftdi_sio), and for dcttech boards the HID device and
 * its hidraw node. One ioctl handler serves every node; it is attached to a
 * node's path before the device exists, so the first open already reaches
 * it. The handler runs in umockdev's worker thread, so board state sits
 * behind one mutex, and finished URBs wait in a queue owned by the client
 * connection that submitted them (two processes or two handles never reap
 * each other's transfers).
 *
 * What the kernel does and we copy: control transfers arrive as SUBMITURB
 * (8-byte setup packet, then data) and are reaped with REAPURBNDELAY;
 * actual_length excludes the setup packet; a class request to the interface
 * or a bulk transfer fails with EBUSY while usbhid/ftdi_sio is bound and
 * nobody claimed it; DISCONNECT_CLAIM, GETDRIVER and USBDEVFS_IOCTL
 * (DISCONNECT, CONNECT returning 1) move the interface between the kernel
 * driver and usbfs; an unplugged board answers ENODEV; a replugged one comes
 * back at a new address. The hidraw node only answers while usbhid is bound.
 */
#define _GNU_SOURCE
#include "gh_sim.h"

#include <errno.h>
#include <linux/hidraw.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <umockdev.h>

#define MAX_BOARDS 32
#define MAX_NODES 256
#define CLAIM_NONE NULL

struct gh_sim_board {
    struct gh_sim *sim;
    enum gh_sim_family family;
    char id[64];
    int channels;
    char manufacturer[64];      /* "" = the family's default */
    char product[64];
    uint32_t state;
    int present;
    int port;                   /* 1-<port> in sysfs */
    int devnum;
    int hidraw;                 /* hidraw number while present (dcttech) */
    int hidseq;
    char sys_dev[512];          /* sysfs paths, "/sys/devices/..." */
    char sys_intf[600];
    char sys_hid[512];
    char sys_hidraw[600];
    int driver_bound;           /* usbhid / ftdi_sio owns interface 0 */
    UMockdevIoctlClient *owner; /* usbfs client holding interface 0 (ref) */
    int bitbang;
    int stall;
    int stall_strings;
    int bad_reads;
    uint32_t bad_xor;
    struct gh_sim_counts counts;
};

struct node {
    char devnode[64];
    struct gh_sim_board *b;
    int hidraw;                 /* hidraw node, else usbfs */
    int gone;                   /* the device this node belonged to left */
};

struct gh_sim {
    UMockdevTestbed *tb;
    UMockdevIoctlBase *handler;
    char *root;
    pthread_mutex_t lock;
    struct gh_sim_board *boards[MAX_BOARDS];
    int nboards;
    struct node nodes[MAX_NODES];
    int nnodes;
    int next_devnum;
    int next_port;
    int next_hidraw;
    int next_hidseq;
};

/* ---- descriptors -------------------------------------------------------- */

static const uint8_t dct_device[18] = {
    0x12, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00, 0x08, 0xc0, 0x16, 0xdf, 0x05,
    0x00, 0x01, 0x01, 0x02, 0x00, 0x01};
static const uint8_t dct_config[34] = {
    0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32,       /* config */
    0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00,       /* HID interface */
    0x09, 0x21, 0x01, 0x01, 0x00, 0x01, 0x22, 0x16, 0x00,       /* HID, 22-byte report desc */
    0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x14};                  /* interrupt IN 0x81 */
/* Vendor page, one 8-byte feature report: what V-USB relay firmware sends. */
static const uint8_t dct_report_desc[22] = {
    0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff,
    0x00, 0x75, 0x08, 0x95, 0x08, 0x09, 0x00, 0xb2, 0x02, 0x01, 0xc0};
static const uint8_t ftdi_device[18] = {
    0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x03, 0x04, 0x01, 0x60,
    0x00, 0x06, 0x01, 0x02, 0x03, 0x01};
static const uint8_t ftdi_config[32] = {
    0x09, 0x02, 0x20, 0x00, 0x01, 0x01, 0x00, 0xa0, 0x2d,
    0x09, 0x04, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0x02,
    0x07, 0x05, 0x81, 0x02, 0x40, 0x00, 0x00,                   /* bulk IN 0x81 */
    0x07, 0x05, 0x02, 0x02, 0x40, 0x00, 0x00};                  /* bulk OUT 0x02 */

static void hex(GString *g, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(g, "%02X", p[i]);   /* umockdev wants upper case */
}

static const char *manufacturer(const struct gh_sim_board *b)
{
    if (b->manufacturer[0])
        return b->manufacturer;
    return b->family == GH_SIM_DCTTECH ? "www.dcttech.com" : "FTDI";
}

static void product(const struct gh_sim_board *b, char *buf, size_t n)
{
    if (b->product[0])
        snprintf(buf, n, "%s", b->product);
    else if (b->family == GH_SIM_DCTTECH)
        snprintf(buf, n, "USBRelay%d", b->channels);
    else
        snprintf(buf, n, "FT245R USB FIFO");
}

/* ---- nodes -------------------------------------------------------------- */

static struct node *find_node(struct gh_sim *s, const char *devnode)
{
    for (int i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].devnode, devnode) == 0)
            return &s->nodes[i];
    return NULL;
}

static int owner_alive(struct gh_sim_board *b)
{
    if (!b->owner)
        return 0;
    if (umockdev_ioctl_client_get_connected(b->owner))
        return 1;
    /* The process closed the device (or died): usbfs lets go of the
     * interface; like the kernel, the driver is not re-bound by itself. */
    g_object_unref(b->owner);
    b->owner = CLAIM_NONE;
    return 0;
}

/* ---- board protocol ----------------------------------------------------- */

static uint32_t channel_mask(const struct gh_sim_board *b)
{
    return b->channels >= 32 ? 0xffffffffu : (1u << b->channels) - 1;
}

static uint32_t read_back(struct gh_sim_board *b)
{
    uint32_t v = b->state;
    if (b->bad_reads > 0) {
        b->bad_reads--;
        v ^= b->bad_xor;
    }
    return v;
}

/* One dcttech command report (8 bytes: cmd, arg...). */
static void dct_command(struct gh_sim_board *b, const uint8_t *d, size_t n)
{
    if (n < 1)
        return;
    uint8_t arg = n > 1 ? d[1] : 0;
    switch (d[0]) {
    case 0xFF:
        if (arg >= 1 && arg <= b->channels)
            b->state |= 1u << (arg - 1);
        break;
    case 0xFD:
        if (arg >= 1 && arg <= b->channels)
            b->state &= ~(1u << (arg - 1));
        break;
    case 0xFE:
        b->state = channel_mask(b);
        break;
    case 0xFC:
        b->state = 0;
        break;
    case 0xFA:
        if (n >= 6) {
            memcpy(b->id, d + 1, 5);
            b->id[5] = '\0';
        }
        break;
    }
}

static void dct_report(struct gh_sim_board *b, uint8_t out[8])
{
    memset(out, 0, 8);
    memcpy(out, b->id, strnlen(b->id, 5));
    out[7] = (uint8_t)read_back(b);
}

static size_t string_desc(const struct gh_sim_board *b, int idx, uint8_t *out, size_t max)
{
    char buf[128];
    const char *str;
    if (idx == 0) {
        static const uint8_t lang[4] = {4, 3, 0x09, 0x04};
        size_t n = max < 4 ? max : 4;
        memcpy(out, lang, n);
        return n;
    }
    if (idx == 1) {
        str = manufacturer(b);
    } else if (idx == 2) {
        product(b, buf, sizeof buf);
        str = buf;
    } else if (idx == 3 && b->family == GH_SIM_FTDI) {
        str = b->id;
    } else {
        return (size_t)-1;
    }
    uint8_t d[256];
    size_t len = strlen(str);
    if (len > 126)
        len = 126;
    d[0] = (uint8_t)(2 + 2 * len);
    d[1] = 3;
    for (size_t i = 0; i < len; i++) {
        d[2 + 2 * i] = (uint8_t)str[i];
        d[3 + 2 * i] = 0;
    }
    size_t n = d[0] < max ? d[0] : max;
    memcpy(out, d, n);
    return n;
}

/* Runs a control request. Returns 0 with *actual and *status (0 or -EPIPE)
 * set, or a positive errno for the SUBMITURB ioctl itself. */
static int control(struct gh_sim_board *b, UMockdevIoctlClient *c, const uint8_t *setup,
                   uint8_t *data, size_t max, int *actual, int *status)
{
    uint8_t type = setup[0], req = setup[1];
    uint16_t value = (uint16_t)(setup[2] | setup[3] << 8);
    uint16_t len = (uint16_t)(setup[6] | setup[7] << 8);
    if (len > max)
        len = (uint16_t)max;
    *actual = 0;
    *status = 0;

    if ((type & 0x60) == 0) {          /* standard requests */
        if (type == 0x80 && req == 0x06) {
            int dt = value >> 8, idx = value & 0xff;
            const uint8_t *src = NULL;
            size_t n = 0;
            if (dt == 1) {
                src = b->family == GH_SIM_DCTTECH ? dct_device : ftdi_device;
                n = 18;
            } else if (dt == 2) {
                src = b->family == GH_SIM_DCTTECH ? dct_config : ftdi_config;
                n = b->family == GH_SIM_DCTTECH ? sizeof dct_config : sizeof ftdi_config;
            } else if (dt == 3) {
                if (b->stall_strings > 0) {
                    b->stall_strings--;
                    *status = -EPIPE;
                    return 0;
                }
                size_t r = string_desc(b, idx, data, len);
                if (r == (size_t)-1)
                    *status = -EPIPE;
                else
                    *actual = (int)r;
                return 0;
            }
            if (!src) {
                *status = -EPIPE;
                return 0;
            }
            if (n > len)
                n = len;
            memcpy(data, src, n);
            *actual = (int)n;
            return 0;
        }
        if ((type & 0x80) == 0)
            return 0;                  /* SET_CONFIGURATION and friends: fine */
        *status = -EPIPE;
        return 0;
    }

    /* Class or vendor request: the relay protocol. A request to the
     * interface needs it: EBUSY while the kernel driver has it. */
    if ((type & 0x1f) == 1) {
        int mine = b->owner == c;
        if (!mine && owner_alive(b))
            return EBUSY;
        if (!mine && b->driver_bound)
            return EBUSY;
    }
    b->counts.relay_transfers++;
    if (b->stall > 0) {
        b->stall--;
        *status = -EPIPE;
        return 0;
    }
    if (b->family == GH_SIM_DCTTECH) {
        if (type == 0x21 && req == 0x09) {
            dct_command(b, data, len);
            *actual = len;
        } else if (type == 0xA1 && req == 0x01) {
            uint8_t rep[8];
            dct_report(b, rep);
            size_t n = len < 8 ? len : 8;
            memcpy(data, rep, n);
            *actual = (int)n;
        } else {
            *status = -EPIPE;
        }
        return 0;
    }
    /* FTDI vendor requests */
    if (type == 0x40) {
        if (req == 0x0B)
            b->bitbang = (value >> 8) == 0x01 && (value & 0xff) != 0;
        return 0;                       /* reset, baud rate, latency...: accepted */
    }
    if (type == 0xC0 && req == 0x0C && len >= 1) {
        data[0] = (uint8_t)read_back(b);
        *actual = 1;
        return 0;
    }
    if (type == 0xC0 && req == 0x05 && len >= 2) {
        data[0] = 0x01;
        data[1] = 0x60;
        *actual = 2;
        return 0;
    }
    *status = -EPIPE;
    return 0;
}

/* ---- usbfs ioctls -------------------------------------------------------- */

/* A finished URB waiting to be reaped. Like the kernel, the results reach
 * the client's URB and buffer only when it is reaped (which also spares the
 * emulation a memory write per transfer at submit time). */
struct done_urb {
    UMockdevIoctlData *urb;     /* the client's struct usbdevfs_urb */
    uint8_t *data;              /* the buffer as the device left it */
    int len;
    int actual;
    int status;
};

static void free_done(gpointer p)
{
    struct done_urb *d = p;
    g_object_unref(d->urb);
    g_free(d->data);
    g_free(d);
}

static void free_queue(gpointer p)
{
    GQueue *q = p;
    g_queue_free_full(q, free_done);
}

static GQueue *client_queue(UMockdevIoctlClient *c)
{
    GQueue *q = g_object_get_data(G_OBJECT(c), "gh-sim-urbs");
    if (!q) {
        q = g_queue_new();
        g_object_set_data_full(G_OBJECT(c), "gh-sim-urbs", q, free_queue);
    }
    return q;
}

static void done(UMockdevIoctlClient *c, long ret, int err)
{
    umockdev_ioctl_client_complete(c, ret, err);
}

static int submit_urb(struct gh_sim_board *b, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *urb_data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
    if (!urb_data)
        return EFAULT;
    struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
    UMockdevIoctlData *buf = NULL;
    if (urb->buffer_length > 0) {
        buf = umockdev_ioctl_data_resolve(urb_data, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
                                          (gsize)urb->buffer_length, NULL);
        if (!buf) {
            g_object_unref(urb_data);
            return EFAULT;
        }
    }
    b->counts.urbs++;
    int actual = 0, status = 0, err = 0;
    /* The device works on a copy; the client sees it when it reaps. */
    uint8_t *work = buf ? g_memdup2(buf->data, (gsize)urb->buffer_length) : NULL;
    if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
        if (!buf || urb->buffer_length < 8) {
            err = EINVAL;
        } else {
            err = control(b, c, work, work + 8, (size_t)urb->buffer_length - 8,
                          &actual, &status);
        }
    } else if (urb->type == USBDEVFS_URB_TYPE_BULK && b->family == GH_SIM_FTDI &&
               urb->endpoint == 0x02) {
        int mine = b->owner == c;
        if (!mine && (owner_alive(b) || b->driver_bound)) {
            err = EBUSY;
        } else {
            b->counts.relay_transfers++;
            if (b->stall > 0) {
                b->stall--;
                status = -EPIPE;
            } else {
                /* In bit-bang mode the last byte is what the pins show. */
                if (b->bitbang && buf)
                    b->state = buf->data[urb->buffer_length - 1] & channel_mask(b);
                actual = urb->buffer_length;
            }
        }
    } else {
        err = EINVAL;   /* nothing else is used by the relay drivers */
    }
    if (buf)
        g_object_unref(buf);
    if (err) {
        g_free(work);
        g_object_unref(urb_data);
        return err;
    }
    struct done_urb *d = g_new0(struct done_urb, 1);
    d->urb = urb_data;      /* our reference */
    d->data = work;
    d->len = work ? urb->buffer_length : 0;
    d->actual = actual;
    d->status = status;
    g_queue_push_tail(client_queue(c), d);
    return 0;
}

static void usbfs_ioctl(struct gh_sim_board *b, struct node *n, UMockdevIoctlClient *c,
                        gulong req, UMockdevIoctlData *arg)
{
    if (n->gone || !b->present) {
        /* Finished URBs can still be reaped after a disconnect. */
        if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB) {
            GQueue *q = client_queue(c);
            if (!g_queue_is_empty(q))
                goto reap;
        }
        done(c, -1, ENODEV);
        return;
    }
    switch (req) {
    case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        *(uint32_t *)d->data = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION |
                               USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT |
                               USBDEVFS_CAP_ZERO_PACKET;
        g_object_unref(d);
        done(c, 0, 0);
        return;
    }
    case USBDEVFS_CLAIMINTERFACE: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), NULL);
        unsigned int ifno = d ? *(unsigned int *)d->data : 99;
        if (d)
            g_object_unref(d);
        if (ifno != 0) {
            done(c, -1, ENOENT);
        } else if (b->owner == c) {
            done(c, 0, 0);
        } else if (owner_alive(b) || b->driver_bound) {
            done(c, -1, EBUSY);
        } else {
            b->owner = g_object_ref(c);
            done(c, 0, 0);
        }
        return;
    }
    case USBDEVFS_RELEASEINTERFACE:
        if (b->owner == c) {
            g_object_unref(b->owner);
            b->owner = CLAIM_NONE;
            done(c, 0, 0);
        } else {
            done(c, -1, EINVAL);
        }
        return;
    case USBDEVFS_DISCONNECT_CLAIM: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_disconnect_claim), NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *)d->data;
        const char *drv = b->family == GH_SIM_DCTTECH ? "usbhid" : "ftdi_sio";
        int err = 0;
        if (dc->interface != 0) {
            err = ENOENT;
        } else if (b->owner == c) {
            err = 0;
        } else if (owner_alive(b)) {
            err = EBUSY;
        } else if (b->driver_bound) {
            dc->driver[sizeof dc->driver - 1] = '\0';
            int same = strcmp(dc->driver, drv) == 0;
            if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !same)
                err = EBUSY;
            else if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && same)
                err = EBUSY;
            else
                b->driver_bound = 0;
        }
        if (!err && b->owner != c)
            b->owner = g_object_ref(c);
        g_object_unref(d);
        done(c, err ? -1 : 0, err);
        return;
    }
    case USBDEVFS_GETDRIVER: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)d->data;
        int err = 0;
        if (gd->interface != 0)
            err = EINVAL;
        else if (owner_alive(b))
            snprintf(gd->driver, sizeof gd->driver, "usbfs");
        else if (b->driver_bound)
            snprintf(gd->driver, sizeof gd->driver, "%s",
                     b->family == GH_SIM_DCTTECH ? "usbhid" : "ftdi_sio");
        else
            err = ENODATA;
        g_object_unref(d);
        done(c, err ? -1 : 0, err);
        return;
    }
    case USBDEVFS_IOCTL: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        struct usbdevfs_ioctl cmd = *(struct usbdevfs_ioctl *)d->data;
        g_object_unref(d);
        if (cmd.ifno != 0) {
            done(c, -1, EINVAL);
        } else if (cmd.ioctl_code == (int)USBDEVFS_DISCONNECT) {
            if (b->driver_bound) {
                b->driver_bound = 0;
                done(c, 0, 0);
            } else {
                done(c, -1, ENODATA);
            }
        } else if (cmd.ioctl_code == (int)USBDEVFS_CONNECT) {
            if (owner_alive(b)) {
                done(c, -1, EBUSY);
            } else if (b->driver_bound) {
                done(c, 0, 0);
            } else {
                b->driver_bound = 1;
                done(c, 1, 0);     /* the kernel's device_attach() says 1 */
            }
        } else {
            done(c, -1, ENOTTY);
        }
        return;
    }
    case USBDEVFS_SUBMITURB: {
        int err = submit_urb(b, c, arg);
        done(c, err ? -1 : 0, err);
        return;
    }
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
        if (g_queue_is_empty(client_queue(c))) {
            done(c, -1, EAGAIN);
            return;
        }
        goto reap;
    case USBDEVFS_DISCARDURB:
        /* Every URB completes at once: nothing is ever in flight. */
        done(c, -1, EINVAL);
        return;
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_RESET:
    case USBDEVFS_RESETEP:
    case USBDEVFS_CLEAR_HALT:
        done(c, 0, 0);
        return;
    default:
        done(c, -1, ENOTTY);
        return;
    }

reap: {
        struct done_urb *d = g_queue_pop_head(client_queue(c));
        UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);
        if (!ptr) {
            free_done(d);
            done(c, -1, EFAULT);
            return;
        }
        struct usbdevfs_urb *urb = (struct usbdevfs_urb *)d->urb->data;
        if (d->data) {
            /* resolve() hands back the buffer resolved at submit time. */
            UMockdevIoctlData *buf = umockdev_ioctl_data_resolve(
                d->urb, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), (gsize)d->len, NULL);
            if (buf) {
                memcpy(buf->data, d->data, (size_t)d->len);
                g_object_unref(buf);
            }
        }
        urb->actual_length = d->actual;
        urb->status = d->status;
        umockdev_ioctl_data_set_ptr(ptr, 0, d->urb);
        g_object_unref(ptr);
        free_done(d);
        done(c, 0, 0);
    }
}

/* ---- hidraw ioctls and writes (what hidapi and usbrelay use) ------------ */

static void hidraw_ioctl(struct gh_sim_board *b, struct node *n, UMockdevIoctlClient *c,
                         gulong req, UMockdevIoctlData *arg)
{
    if (n->gone || !b->present || !b->driver_bound) {
        done(c, -1, ENODEV);
        return;
    }
    if (_IOC_TYPE(req) != 'H') {
        done(c, -1, ENOTTY);
        return;
    }
    unsigned nr = _IOC_NR(req);
    size_t size = _IOC_SIZE(req);
    b->counts.hidraw_ops++;
    if (req == HIDIOCGRDESCSIZE) {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(int), NULL);
        if (d) {
            *(int *)d->data = (int)sizeof dct_report_desc;
            g_object_unref(d);
        }
        done(c, d ? 0 : -1, d ? 0 : EFAULT);
        return;
    }
    if (req == HIDIOCGRDESC) {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct hidraw_report_descriptor), NULL);
        if (d) {
            struct hidraw_report_descriptor *rd = (struct hidraw_report_descriptor *)d->data;
            rd->size = sizeof dct_report_desc;
            memcpy(rd->value, dct_report_desc, sizeof dct_report_desc);
            g_object_unref(d);
        }
        done(c, d ? 0 : -1, d ? 0 : EFAULT);
        return;
    }
    if (req == HIDIOCGRAWINFO) {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct hidraw_devinfo), NULL);
        if (d) {
            struct hidraw_devinfo *info = (struct hidraw_devinfo *)d->data;
            info->bustype = 3;
            info->vendor = 0x16c0;
            info->product = 0x05df;
            g_object_unref(d);
        }
        done(c, d ? 0 : -1, d ? 0 : EFAULT);
        return;
    }
    if ((nr == 0x04 || nr == 0x05 || nr == 0x08) && size > 0) {   /* name, phys, uniq */
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, size, NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        char s[128] = "";
        if (nr == 0x04) {
            char prod[64];
            product(b, prod, sizeof prod);
            snprintf(s, sizeof s, "%s %s", manufacturer(b), prod);
        }
        else if (nr == 0x05)
            snprintf(s, sizeof s, "usb-0000:00:14.0-%d/input0", b->port);
        size_t len = strlen(s) + 1;
        if (len > size)
            len = size;
        memcpy(d->data, s, len);
        ((char *)d->data)[len - 1] = '\0';
        g_object_unref(d);
        done(c, (long)len, 0);
        return;
    }
    if ((nr == 0x06 || nr == 0x07) && size > 0) {    /* set / get feature */
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, size, NULL);
        if (!d) {
            done(c, -1, EFAULT);
            return;
        }
        uint8_t *p = d->data;
        b->counts.relay_transfers++;
        if (b->stall > 0) {
            b->stall--;
            g_object_unref(d);
            done(c, -1, EPIPE);
            return;
        }
        /* Report ID 0 (unnumbered) is not sent to the device: the data
         * starts at byte 1 and the kernel counts that byte in the result. */
        size_t skip = p[0] == 0 ? 1 : 0;
        if (nr == 0x06) {
            dct_command(b, p + skip, size - skip);
            g_object_unref(d);
            done(c, (long)size, 0);
        } else {
            uint8_t rep[8];
            dct_report(b, rep);
            size_t len = size - skip < 8 ? size - skip : 8;
            memcpy(p + skip, rep, len);
            g_object_unref(d);
            done(c, (long)(len + skip), 0);
        }
        return;
    }
    done(c, -1, EINVAL);
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user)
{
    (void)h;
    struct gh_sim *s = user;
    const char *devnode = umockdev_ioctl_client_get_devnode(c);
    gulong req = umockdev_ioctl_client_get_request(c);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);

    pthread_mutex_lock(&s->lock);
    struct node *n = find_node(s, devnode);
    if (!n) {
        pthread_mutex_unlock(&s->lock);
        return FALSE;
    }
    n->b->counts.ioctls++;
    if (n->hidraw)
        hidraw_ioctl(n->b, n, c, req, arg);
    else
        usbfs_ioctl(n->b, n, c, req, arg);
    pthread_mutex_unlock(&s->lock);
    return TRUE;
}

/* write() on /dev/hidrawN: an output report, [report ID, cmd, arg, ...]. */
static gboolean on_write(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user)
{
    (void)h;
    struct gh_sim *s = user;
    const char *devnode = umockdev_ioctl_client_get_devnode(c);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);

    pthread_mutex_lock(&s->lock);
    struct node *n = find_node(s, devnode);
    if (!n || !n->hidraw) {
        pthread_mutex_unlock(&s->lock);
        return FALSE;
    }
    struct gh_sim_board *b = n->b;
    b->counts.ioctls++;
    if (n->gone || !b->present || !b->driver_bound) {
        done(c, -1, ENODEV);
    } else {
        size_t len = (size_t)arg->data_len;
        const uint8_t *p = arg->data;
        b->counts.hidraw_ops++;
        b->counts.relay_transfers++;
        if (b->stall > 0) {
            b->stall--;
            done(c, -1, EPIPE);
        } else {
            size_t skip = len > 0 && p[0] == 0 ? 1 : 0;
            dct_command(b, p + skip, len - skip);
            done(c, (long)len, 0);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return TRUE;
}

/* read() on /dev/hidrawN: the boards send no input reports. */
static gboolean on_read(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user)
{
    (void)h;
    struct gh_sim *s = user;
    pthread_mutex_lock(&s->lock);
    struct node *n = find_node(s, umockdev_ioctl_client_get_devnode(c));
    pthread_mutex_unlock(&s->lock);
    if (!n || !n->hidraw)
        return FALSE;
    done(c, -1, EAGAIN);
    return TRUE;
}

/* ---- testbed records ----------------------------------------------------- */

static int add_record(struct gh_sim *s, const char *text, char *err, size_t errlen)
{
    GError *e = NULL;
    if (!umockdev_testbed_add_from_string(s->tb, text, &e)) {
        if (err)
            snprintf(err, errlen, "umockdev: %s", e ? e->message : "add failed");
        g_clear_error(&e);
        return -1;
    }
    return 0;
}

static int attach(struct gh_sim *s, const char *devnode, struct gh_sim_board *b, int hidraw)
{
    GError *e = NULL;
    if (s->nnodes >= MAX_NODES)
        return -1;
    if (!umockdev_testbed_attach_ioctl(s->tb, devnode, s->handler, &e)) {
        fprintf(stderr, "gh_sim: attach %s: %s\n", devnode, e ? e->message : "?");
        g_clear_error(&e);
        return -1;
    }
    struct node *n = &s->nodes[s->nnodes++];
    snprintf(n->devnode, sizeof n->devnode, "%s", devnode);
    n->b = b;
    n->hidraw = hidraw;
    n->gone = 0;
    return 0;
}

/* Adds the board's sysfs records at a fresh address. Called unlocked (umockdev
 * may serve ioctls meanwhile); the node entries are added under the lock. */
static int plug(struct gh_sim_board *b, char *err, size_t errlen)
{
    struct gh_sim *s = b->sim;
    char prod[64], devnode[64], rel[200];
    const uint8_t *dd = b->family == GH_SIM_DCTTECH ? dct_device : ftdi_device;
    const uint8_t *cd = b->family == GH_SIM_DCTTECH ? dct_config : ftdi_config;
    size_t cn = b->family == GH_SIM_DCTTECH ? sizeof dct_config : sizeof ftdi_config;
    int rc = -1;
    GString *g = g_string_new(NULL);

    pthread_mutex_lock(&s->lock);
    b->devnum = s->next_devnum++;
    if (b->family == GH_SIM_DCTTECH) {
        b->hidraw = s->next_hidraw++;
        b->hidseq = s->next_hidseq++;
    }
    b->driver_bound = 1;
    b->bitbang = 0;
    pthread_mutex_unlock(&s->lock);

    product(b, prod, sizeof prod);
    snprintf(devnode, sizeof devnode, "/dev/bus/usb/001/%03d", b->devnum);
    snprintf(rel, sizeof rel, "/devices/pci0000:00/0000:00:14.0/usb1/1-%d", b->port);
    snprintf(b->sys_dev, sizeof b->sys_dev, "/sys%s", rel);
    snprintf(b->sys_intf, sizeof b->sys_intf, "%s/1-%d:1.0", b->sys_dev, b->port);

    /* The handler first: the first open of the node must already reach it,
     * and the board answers from then on (a client may open it as soon as
     * the device's uevent arrives, before its interfaces are added). */
    pthread_mutex_lock(&s->lock);
    int a = attach(s, devnode, b, 0);
    if (a == 0)
        b->present = 1;
    pthread_mutex_unlock(&s->lock);
    if (a < 0) {
        snprintf(err, errlen, "cannot attach ioctl handler to %s", devnode);
        goto out;
    }

    /* The USB device. */
    g_string_append_printf(g, "P: %s\nN: bus/usb/001/%03d=", rel, b->devnum);
    hex(g, dd, 18);
    hex(g, cd, cn);
    g_string_append_printf(g,
        "\nE: DEVNAME=%s\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"
        "E: PRODUCT=%x/%x/%x\nE: TYPE=0/0/0\nE: BUSNUM=001\nE: DEVNUM=%03d\n"
        "E: MAJOR=189\nE: MINOR=%d\nE: SUBSYSTEM=usb\n"
        "A: idVendor=%02x%02x\\n\nA: idProduct=%02x%02x\\n\nA: bcdDevice=%02x%02x\\n\n"
        "A: busnum=1\\n\nA: devnum=%d\\n\nA: speed=%s\\n\n"
        "A: manufacturer=%s\\n\nA: product=%s\\n\n",
        devnode, dd[9] << 8 | dd[8], dd[11] << 8 | dd[10], dd[13] << 8 | dd[12], b->devnum,
        b->devnum - 1, dd[9], dd[8], dd[11], dd[10], dd[13], dd[12], b->devnum,
        b->family == GH_SIM_DCTTECH ? "1.5" : "12", manufacturer(b), prod);
    if (b->family == GH_SIM_FTDI)
        g_string_append_printf(g, "A: serial=%s\\n\n", b->id);
    g_string_append(g, "A: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\n"
                       "A: bNumInterfaces= 1\\n\nA: maxchild=0\\n\nH: descriptors=");
    hex(g, dd, 18);
    hex(g, cd, cn);
    g_string_append(g, "\n");
    if (add_record(s, g->str, err, errlen) < 0)
        goto out;

    /* Its interface, owned by the kernel driver. */
    g_string_printf(g,
        "P: %s/1-%d:1.0\nE: DEVTYPE=usb_interface\nE: DRIVER=%s\nE: SUBSYSTEM=usb\n"
        "E: INTERFACE=%s\nA: bInterfaceNumber=00\\n\nA: bInterfaceClass=%s\\n\n"
        "A: bAlternateSetting= 0\\n\nA: bNumEndpoints=%s\\n\n",
        rel, b->port, b->family == GH_SIM_DCTTECH ? "usbhid" : "ftdi_sio",
        b->family == GH_SIM_DCTTECH ? "3/0/0" : "255/255/255",
        b->family == GH_SIM_DCTTECH ? "03" : "ff",
        b->family == GH_SIM_DCTTECH ? "01" : "02");
    if (add_record(s, g->str, err, errlen) < 0)
        goto out;

    if (b->family == GH_SIM_DCTTECH) {
        char hid[400], hidraw[64];
        snprintf(hid, sizeof hid, "%s/1-%d:1.0/0003:16C0:05DF.%04X", rel, b->port, b->hidseq);
        snprintf(b->sys_hid, sizeof b->sys_hid, "/sys%s", hid);
        snprintf(b->sys_hidraw, sizeof b->sys_hidraw, "/sys%s/hidraw/hidraw%d", hid, b->hidraw);
        g_string_printf(g,
            "P: %s\nE: DRIVER=hid-generic\nE: HID_ID=0003:000016C0:000005DF\n"
            "E: HID_NAME=%s %s\nE: HID_PHYS=usb-0000:00:14.0-%d/input0\n"
            "E: HID_UNIQ=\nE: MODALIAS=hid:b0003g0001v000016C0p000005DF\nE: SUBSYSTEM=hid\n"
            "H: report_descriptor=",
            hid, manufacturer(b), prod, b->port);
        hex(g, dct_report_desc, sizeof dct_report_desc);
        g_string_append(g, "\n");
        if (add_record(s, g->str, err, errlen) < 0)
            goto out;

        snprintf(hidraw, sizeof hidraw, "/dev/hidraw%d", b->hidraw);
        pthread_mutex_lock(&s->lock);
        a = attach(s, hidraw, b, 1);
        pthread_mutex_unlock(&s->lock);
        if (a < 0) {
            snprintf(err, errlen, "cannot attach ioctl handler to %s", hidraw);
            goto out;
        }
        g_string_printf(g,
            "P: %s/hidraw/hidraw%d\nN: hidraw%d=00\nE: DEVNAME=/dev/hidraw%d\n"
            "E: MAJOR=241\nE: MINOR=%d\nE: SUBSYSTEM=hidraw\nL: device=../../../0003:16C0:05DF.%04X\n",
            hid, b->hidraw, b->hidraw, b->hidraw, b->hidraw, b->hidseq);
        if (add_record(s, g->str, err, errlen) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        pthread_mutex_lock(&s->lock);
        b->present = 0;
        pthread_mutex_unlock(&s->lock);
    }
    g_string_free(g, TRUE);
    return rc;
}

static void mark_gone(struct gh_sim *s, struct gh_sim_board *b)
{
    for (int i = 0; i < s->nnodes; i++)
        if (s->nodes[i].b == b)
            s->nodes[i].gone = 1;
}

int gh_sim_unplug(struct gh_sim_board *b)
{
    struct gh_sim *s = b->sim;
    pthread_mutex_lock(&s->lock);
    if (!b->present) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    b->present = 0;
    b->state = 0;   /* power gone: relays drop */
    b->bitbang = 0;
    mark_gone(s, b);
    if (b->owner) {
        g_object_unref(b->owner);
        b->owner = CLAIM_NONE;
    }
    pthread_mutex_unlock(&s->lock);
    /* Children first, as the kernel sends its remove uevents; umockdev's
     * remove_device() sends none, and the uevent needs the sysfs record. */
    const char *paths[4];
    int np = 0;
    if (b->family == GH_SIM_DCTTECH) {
        paths[np++] = b->sys_hidraw;
        paths[np++] = b->sys_hid;
    }
    paths[np++] = b->sys_intf;
    paths[np++] = b->sys_dev;
    for (int i = 0; i < np; i++) {
        umockdev_testbed_uevent(s->tb, paths[i], "remove");
        umockdev_testbed_remove_device(s->tb, paths[i]);
    }
    return 0;
}

int gh_sim_replug(struct gh_sim_board *b)
{
    char err[256];
    if (gh_sim_present(b))
        return -1;
    if (plug(b, err, sizeof err) < 0) {
        fprintf(stderr, "gh_sim: replug: %s\n", err);
        return -1;
    }
    return 0;
}

/* ---- public API --------------------------------------------------------- */

int gh_sim_preload_active(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    if (!f)
        return 0;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "libumockdev-preload") != NULL;
    fclose(f);
    return found;
}

struct gh_sim *gh_sim_new(char *err, size_t errlen)
{
    /* Threads inherit timer slack when created: set it before umockdev
     * starts its worker, it cuts the cost of every emulated ioctl. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    struct gh_sim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->next_devnum = 2;    /* 001 is the root hub */
    s->next_port = 1;
    s->next_hidseq = 1;
    s->tb = umockdev_testbed_new();
    if (!s->tb) {
        snprintf(err, errlen, "umockdev_testbed_new failed");
        free(s);
        return NULL;
    }
    s->root = umockdev_testbed_get_root_dir(s->tb);
    s->handler = umockdev_ioctl_base_new();
    g_signal_connect(s->handler, "handle-ioctl", G_CALLBACK(on_ioctl), s);
    g_signal_connect(s->handler, "handle-write", G_CALLBACK(on_write), s);
    g_signal_connect(s->handler, "handle-read", G_CALLBACK(on_read), s);
    return s;
}

void gh_sim_free(struct gh_sim *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nboards; i++) {
        struct gh_sim_board *b = s->boards[i];
        if (b->present)
            gh_sim_unplug(b);
    }
    g_clear_object(&s->tb);       /* removes the testbed folder */
    g_clear_object(&s->handler);
    for (int i = 0; i < s->nboards; i++) {
        if (s->boards[i]->owner)
            g_object_unref(s->boards[i]->owner);
        free(s->boards[i]);
    }
    g_free(s->root);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

struct _UMockdevTestbed *gh_sim_testbed(struct gh_sim *s)
{
    return s->tb;
}

const char *gh_sim_root(const struct gh_sim *s)
{
    return s->root;
}

static struct gh_sim_board *add_board(struct gh_sim *s, enum gh_sim_family fam, const char *id,
                                      int channels, const char *manu, const char *prod)
{
    char err[256];
    if (s->nboards >= MAX_BOARDS || !id)
        return NULL;
    struct gh_sim_board *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->sim = s;
    b->family = fam;
    b->channels = channels;
    snprintf(b->id, fam == GH_SIM_DCTTECH ? 6 : sizeof b->id, "%s", id);
    snprintf(b->manufacturer, sizeof b->manufacturer, "%s", manu ? manu : "");
    snprintf(b->product, sizeof b->product, "%s", prod ? prod : "");
    pthread_mutex_lock(&s->lock);
    b->port = s->next_port++;
    s->boards[s->nboards++] = b;
    pthread_mutex_unlock(&s->lock);
    if (plug(b, err, sizeof err) < 0) {
        fprintf(stderr, "gh_sim: %s\n", err);
        return NULL;   /* stays in the list (freed with the sim), not present */
    }
    return b;
}

struct gh_sim_board *gh_sim_add_dcttech(struct gh_sim *s, const char *id, int channels)
{
    if (channels != 1 && channels != 2 && channels != 4 && channels != 8)
        return NULL;
    return add_board(s, GH_SIM_DCTTECH, id, channels, NULL, NULL);
}

struct gh_sim_board *gh_sim_add_ftdi(struct gh_sim *s, const char *serial, int channels)
{
    if (channels != 4 && channels != 8)
        return NULL;
    return add_board(s, GH_SIM_FTDI, serial, channels, NULL, NULL);
}

struct gh_sim_board *gh_sim_add_custom(struct gh_sim *s, enum gh_sim_family fam, const char *id,
                                       int channels, const char *manu, const char *prod)
{
    if (channels < 1 || channels > 8)
        return NULL;
    return add_board(s, fam, id, channels, manu, prod);
}

struct gh_sim_board *gh_sim_find(struct gh_sim *s, const char *id)
{
    struct gh_sim_board *r = NULL;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->nboards && !r; i++)
        if (strcmp(s->boards[i]->id, id) == 0)
            r = s->boards[i];
    pthread_mutex_unlock(&s->lock);
    return r;
}

struct gh_sim_board *gh_sim_board_at(struct gh_sim *s, int n)
{
    struct gh_sim_board *r = NULL;
    pthread_mutex_lock(&s->lock);
    if (n >= 0 && n < s->nboards)
        r = s->boards[n];
    pthread_mutex_unlock(&s->lock);
    return r;
}

#define LOCKED(b, expr) do { pthread_mutex_lock(&(b)->sim->lock); expr; \
                             pthread_mutex_unlock(&(b)->sim->lock); } while (0)

int gh_sim_present(struct gh_sim_board *b) { int v; LOCKED(b, v = b->present); return v; }
uint32_t gh_sim_state(struct gh_sim_board *b) { uint32_t v; LOCKED(b, v = b->state); return v; }
void gh_sim_set_state(struct gh_sim_board *b, uint32_t m) { LOCKED(b, b->state = m & channel_mask(b)); }
void gh_sim_id(struct gh_sim_board *b, char *buf, size_t len) { LOCKED(b, snprintf(buf, len, "%s", b->id)); }
int gh_sim_channels(struct gh_sim_board *b) { return b->channels; }
enum gh_sim_family gh_sim_family(struct gh_sim_board *b) { return b->family; }
int gh_sim_driver_bound(struct gh_sim_board *b) { int v; LOCKED(b, v = b->driver_bound); return v; }
void gh_sim_fault_stall(struct gh_sim_board *b, int n) { LOCKED(b, b->stall = n); }
void gh_sim_fault_readback(struct gh_sim_board *b, int n, uint32_t x)
{
    LOCKED(b, b->bad_reads = n; b->bad_xor = x);
}
void gh_sim_counts(struct gh_sim_board *b, struct gh_sim_counts *out) { LOCKED(b, *out = b->counts); }
void gh_sim_fault_stall_strings(struct gh_sim_board *b, int n) { LOCKED(b, b->stall_strings = n); }

/* ---- text commands (the server's protocol) ------------------------------ */

static void say(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *out, size_t len, const char *fmt, ...)
{
    size_t used = strlen(out);
    if (used >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + used, len - used, fmt, ap);
    va_end(ap);
}

int gh_sim_command(struct gh_sim *s, const char *line, char *out, size_t outlen)
{
    char cmd[32] = "", a[64] = "", b[64] = "", c[64] = "";
    out[0] = '\0';
    int n = sscanf(line, "%31s %63s %63s %63s", cmd, a, b, c);
    if (n < 1) {
        say(out, outlen, "error empty command\n");
        return -1;
    }
    if (strcmp(cmd, "root") == 0) {
        say(out, outlen, "ok %s\n", s->root);
        return 0;
    }
    if (strcmp(cmd, "list") == 0) {
        for (int i = 0; i < s->nboards; i++) {
            struct gh_sim_board *x = s->boards[i];
            char id[64];
            gh_sim_id(x, id, sizeof id);
            say(out, outlen, "board %s %s %d state=0x%02x %s driver=%s\n", id,
                x->family == GH_SIM_DCTTECH ? "dcttech" : "ftdi", x->channels,
                gh_sim_state(x), gh_sim_present(x) ? "present" : "unplugged",
                gh_sim_driver_bound(x) ? "bound" : "detached");
        }
        say(out, outlen, "ok %d\n", s->nboards);
        return 0;
    }
    if (strcmp(cmd, "add") == 0 && n >= 4) {
        int ch = atoi(c);
        struct gh_sim_board *x = strcmp(a, "dcttech") == 0 ? gh_sim_add_dcttech(s, b, ch)
                               : strcmp(a, "ftdi") == 0 ? gh_sim_add_ftdi(s, b, ch) : NULL;
        if (!x) {
            say(out, outlen, "error cannot add %s %s %d\n", a, b, ch);
            return -1;
        }
        say(out, outlen, "ok added %s %s\n", a, b);
        return 0;
    }
    if (n < 2) {
        say(out, outlen, "error usage: %s ID ...\n", cmd);
        return -1;
    }
    struct gh_sim_board *x = gh_sim_find(s, a);
    if (!x) {
        say(out, outlen, "error no board %s\n", a);
        return -1;
    }
    if (strcmp(cmd, "remove") == 0) {
        if (gh_sim_unplug(x) < 0) {
            say(out, outlen, "error %s is not plugged in\n", a);
            return -1;
        }
        say(out, outlen, "ok removed %s\n", a);
        return 0;
    }
    if (strcmp(cmd, "replug") == 0) {
        if (gh_sim_replug(x) < 0) {
            say(out, outlen, "error cannot replug %s\n", a);
            return -1;
        }
        say(out, outlen, "ok replugged %s\n", a);
        return 0;
    }
    if (strcmp(cmd, "state") == 0) {
        say(out, outlen, "ok 0x%02x\n", gh_sim_state(x));
        return 0;
    }
    if (strcmp(cmd, "counts") == 0) {
        struct gh_sim_counts k;
        gh_sim_counts(x, &k);
        say(out, outlen, "ok urbs=%llu relay=%llu hidraw=%llu ioctls=%llu\n",
            (unsigned long long)k.urbs, (unsigned long long)k.relay_transfers,
            (unsigned long long)k.hidraw_ops, (unsigned long long)k.ioctls);
        return 0;
    }
    if (n < 3) {
        say(out, outlen, "error usage: %s ID VALUE\n", cmd);
        return -1;
    }
    unsigned long v = strtoul(b, NULL, 0);
    if (strcmp(cmd, "set") == 0) {
        gh_sim_set_state(x, (uint32_t)v);
        say(out, outlen, "ok 0x%02x\n", gh_sim_state(x));
        return 0;
    }
    if (strcmp(cmd, "stall") == 0) {
        gh_sim_fault_stall(x, (int)v);
        say(out, outlen, "ok stall %lu\n", v);
        return 0;
    }
    if (strcmp(cmd, "stallstr") == 0) {
        gh_sim_fault_stall_strings(x, (int)v);
        say(out, outlen, "ok stallstr %lu\n", v);
        return 0;
    }
    if (strcmp(cmd, "badread") == 0 && n >= 4) {
        gh_sim_fault_readback(x, (int)v, (uint32_t)strtoul(c, NULL, 0));
        say(out, outlen, "ok badread %lu\n", v);
        return 0;
    }
    say(out, outlen, "error unknown command %s\n", cmd);
    return -1;
}
