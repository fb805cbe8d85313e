/*
 * drv_ftdi.c: FTDI FT245R bit-bang relay boards (SainSmart 4/8 channel).
 *
 * 0403:6001 is FTDI's default ID and is also on countless USB-serial
 * adapters (FT232R), so a device is ours only when its product string says
 * FT245R and it has a USB serial, which is the board's ID. The relays hang on
 * the eight data pins: after a reset and bit-bang mode with all pins as
 * outputs (vendor request 0x0B, wValue 0x01FF), a 1-byte bulk OUT on EP 0x02
 * sets every pin at once and vendor request 0x0C reads the pins back. Since
 * a write sets all eight pins, switching one relay needs the current state,
 * which we keep from the last read-back. The board cannot tell how many
 * relays are fitted: the count comes from configuration (default 8). The
 * kernel's ftdi_sio is detached before claiming.
 */
#include "relay.h"

#include <string.h>

#define VENDOR_OUT 0x40
#define VENDOR_IN 0xC0
#define SIO_RESET 0x00
#define SIO_SET_BITMODE 0x0B
#define SIO_READ_PINS 0x0C
#define BITBANG_ALL_OUT 0x01FF  /* mode 1 (bit-bang) << 8 | all 8 pins out */
#define FTDI_INDEX 1            /* interface A */
#define EP_OUT 0x02

static int match(const struct libusb_device_descriptor *d, const struct lc_relay_strings *s,
                 const struct lc_relay_config *cfg)
{
    if (d->idVendor != 0x0403 || d->idProduct != 0x6001)
        return 0;
    if (!s->product || !strstr(s->product, "FT245R"))
        return 0;
    if (!s->serial || !s->serial[0])
        return 0;   /* no serial, no identity: not a board we can name */
    if (cfg && cfg->ftdi_serials) {
        /* Only boards configured as relays: never take ftdi_sio away from a
         * device someone else uses. */
        const char *const *p = cfg->ftdi_serials;
        while (*p && strcmp(*p, s->serial) != 0)
            p++;
        if (!*p)
            return 0;
    }
    int n = cfg && cfg->ftdi_channels > 0 ? cfg->ftdi_channels : LC_RELAY_DEFAULT_FTDI_CHANNELS;
    return n > 8 ? 8 : n;
}

static uint32_t channel_mask(const struct lc_relay_dev *dev)
{
    return dev->channels >= 8 ? 0xffu : (1u << dev->channels) - 1;
}

static int read_state(struct lc_relay_dev *dev, uint32_t *mask)
{
    unsigned char pins = 0;
    int r = lc_relay_ctrl(dev, VENDOR_IN, SIO_READ_PINS, 0, FTDI_INDEX, &pins, 1);
    if (r < 0)
        return r;
    if (r != 1)
        return LIBUSB_ERROR_IO;
    *mask = pins & channel_mask(dev);
    return 0;
}

static int write_pins(struct lc_relay_dev *dev, uint32_t pins)
{
    unsigned char b = (unsigned char)(pins & 0xff);
    int r = lc_relay_bulk_out(dev, EP_OUT, &b, 1);
    if (r < 0)
        return r;
    return r == 1 ? 0 : LIBUSB_ERROR_IO;
}

static int open_board(struct lc_relay_dev *dev, const struct lc_relay_strings *s)
{
    size_t n = strlen(s->serial);
    if (n >= sizeof dev->id)
        n = sizeof dev->id - 1;
    memcpy(dev->id, s->serial, n);
    dev->id[n] = '\0';
    int r = lc_relay_claim(dev);
    if (r < 0)
        return r;
    r = lc_relay_ctrl(dev, VENDOR_OUT, SIO_RESET, 0, FTDI_INDEX, NULL, 0);
    if (r < 0)
        return r;
    r = lc_relay_ctrl(dev, VENDOR_OUT, SIO_SET_BITMODE, BITBANG_ALL_OUT, FTDI_INDEX, NULL, 0);
    if (r < 0)
        return r;
    return read_state(dev, &dev->state);
}

static int set(struct lc_relay_dev *dev, int channel, int on)
{
    uint32_t bit = 1u << (channel - 1);
    return write_pins(dev, on ? (dev->state | bit) : (dev->state & ~bit));
}

static int set_all_off(struct lc_relay_dev *dev)
{
    return write_pins(dev, 0);
}

static void close_board(struct lc_relay_dev *dev)
{
    lc_relay_release(dev);
}

const struct lc_relay_driver lc_relay_drv_ftdi = {
    .name = "ftdi",
    .vid = 0x0403,
    .pid = 0x6001,
    .match = match,
    .open = open_board,
    .set = set,
    .set_all_off = set_all_off,
    .read_state = read_state,
    .set_id = NULL,
    .close = close_board,
};
