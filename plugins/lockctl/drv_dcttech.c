/*
 * drv_dcttech.c: the dcttech HID relay boards (USBRelay1/2/4/8).
 *
 * Low-speed V-USB boards on the shared ID 16c0:05df, so a board is ours only
 * when its strings say manufacturer "www.dcttech.com" and product "USBRelayN"
 * (N = 1, 2, 4 or 8 channels). They have no USB serial; their identity is a
 * 5-byte ID kept in the board's EEPROM. Every command is an 8-byte HID
 * feature report sent with SET_REPORT on endpoint 0; GET_REPORT returns the
 * ID in bytes 0-4 and the relay bitmask in byte 7, which is our read-back.
 * usbhid owns the interface until we detach it (libusb re-attaches it when we
 * release, so other HID tools work again after we exit).
 */
#include "relay.h"

#include <stdio.h>
#include <string.h>

#define SET_REPORT_TYPE 0x21   /* class, interface, host to device */
#define GET_REPORT_TYPE 0xA1   /* class, interface, device to host */
#define HID_SET_REPORT 0x09
#define HID_GET_REPORT 0x01
#define FEATURE_REPORT 0x0300  /* wValue: feature report, report ID 0 */
#define REPORT_LEN 8

#define CMD_ON 0xFF
#define CMD_OFF 0xFD
#define CMD_ALL_OFF 0xFC
#define CMD_SET_ID 0xFA

static int match(const struct libusb_device_descriptor *d, const struct lc_relay_strings *s,
                 const struct lc_relay_config *cfg)
{
    (void)cfg;
    if (d->idVendor != 0x16c0 || d->idProduct != 0x05df)
        return 0;
    if (!s->manufacturer || strcmp(s->manufacturer, "www.dcttech.com") != 0)
        return 0;
    if (!s->product || strncmp(s->product, "USBRelay", 8) != 0)
        return 0;
    const char *n = s->product + 8;
    if (n[0] && !n[1] && (n[0] == '1' || n[0] == '2' || n[0] == '4' || n[0] == '8'))
        return n[0] - '0';
    return 0;
}

static int send(struct lc_relay_dev *dev, unsigned char cmd, unsigned char arg)
{
    unsigned char buf[REPORT_LEN] = {cmd, arg};
    int r = lc_relay_ctrl(dev, SET_REPORT_TYPE, HID_SET_REPORT, FEATURE_REPORT, 0, buf, REPORT_LEN);
    if (r < 0)
        return r;
    return r == REPORT_LEN ? 0 : LIBUSB_ERROR_IO;
}

/* GET_REPORT: the ID (bytes 0-4) and the relays (byte 7). */
static int get_report(struct lc_relay_dev *dev, char *id, uint32_t *mask)
{
    unsigned char buf[REPORT_LEN] = {0};
    int r = lc_relay_ctrl(dev, GET_REPORT_TYPE, HID_GET_REPORT, FEATURE_REPORT, 0, buf, REPORT_LEN);
    if (r < 0)
        return r;
    if (r != REPORT_LEN)
        return LIBUSB_ERROR_IO;
    if (id) {
        /* The ID is raw EEPROM bytes; show anything unprintable as '?' so a
         * factory-blank board still gets a name an operator can type over. */
        int i;
        for (i = 0; i < LC_RELAY_DCTTECH_ID_LEN && buf[i]; i++)
            id[i] = (buf[i] >= 0x21 && buf[i] <= 0x7e) ? (char)buf[i] : '?';
        id[i] = '\0';
    }
    if (mask)
        *mask = buf[7] & ((dev->channels >= 8) ? 0xffu : ((1u << dev->channels) - 1));
    return 0;
}

static int open_board(struct lc_relay_dev *dev, const struct lc_relay_strings *s)
{
    (void)s;
    int r = lc_relay_claim(dev);
    if (r < 0)
        return r;
    return get_report(dev, dev->id, &dev->state);
}

static int set(struct lc_relay_dev *dev, int channel, int on)
{
    return send(dev, on ? CMD_ON : CMD_OFF, (unsigned char)channel);
}

static int set_all_off(struct lc_relay_dev *dev)
{
    return send(dev, CMD_ALL_OFF, 0);
}

static int read_state(struct lc_relay_dev *dev, uint32_t *mask)
{
    return get_report(dev, NULL, mask);
}

/* The command and the GET_REPORT that checks it, both on endpoint 0,
 * submitted together: one round trip to the kernel instead of two. */
static int set_verify(struct lc_relay_dev *dev, int channel, int on, uint32_t *mask)
{
    unsigned char cmd[REPORT_LEN] = {channel ? (on ? CMD_ON : CMD_OFF) : CMD_ALL_OFF,
                                     (unsigned char)channel};
    unsigned char rep[REPORT_LEN] = {0};
    struct lc_relay_ctrl_req rq[2] = {
        {.type = SET_REPORT_TYPE, .req = HID_SET_REPORT, .value = FEATURE_REPORT,
         .data = cmd, .len = REPORT_LEN},
        {.type = GET_REPORT_TYPE, .req = HID_GET_REPORT, .value = FEATURE_REPORT,
         .data = rep, .len = REPORT_LEN},
    };
    int r = lc_relay_ctrl_pair(dev, rq);
    if (r < 0)
        return r;
    if (rq[0].done != REPORT_LEN || rq[1].done != REPORT_LEN)
        return LIBUSB_ERROR_IO;
    *mask = rep[7] & ((dev->channels >= 8) ? 0xffu : ((1u << dev->channels) - 1));
    return 0;
}

static int set_id(struct lc_relay_dev *dev, const char *id)
{
    if (strlen(id) != LC_RELAY_DCTTECH_ID_LEN)
        return LIBUSB_ERROR_INVALID_PARAM;
    /* [0xFA, id0..id4]: the ID starts at byte 1. */
    unsigned char buf[REPORT_LEN] = {CMD_SET_ID};
    memcpy(buf + 1, id, LC_RELAY_DCTTECH_ID_LEN);
    int r = lc_relay_ctrl(dev, SET_REPORT_TYPE, HID_SET_REPORT, FEATURE_REPORT, 0, buf, REPORT_LEN);
    if (r < 0)
        return r;
    return get_report(dev, dev->id, &dev->state);
}

static void close_board(struct lc_relay_dev *dev)
{
    lc_relay_release(dev);
}

const struct lc_relay_driver lc_relay_drv_dcttech = {
    .name = "dcttech",
    .vid = 0x16c0,
    .pid = 0x05df,
    .match = match,
    .open = open_board,
    .set = set,
    .set_all_off = set_all_off,
    .read_state = read_state,
    .set_id = set_id,
    .close = close_board,
    .set_verify = set_verify,
};
