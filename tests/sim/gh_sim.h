/*
 * gh_sim.h: simulated USB relay boards for tests (test code, GLib + umockdev).
 *
 * A testbed that presents dcttech HID relays and FTDI FT245R bit-bang boards
 * to the unmodified libusb (and, through an emulated /dev/hidrawN, to hidapi
 * programs such as Debian's usbrelay) at the kernel interface: sysfs, the
 * /dev nodes and the usbdevfs/hidraw ioctls. The program under test must run
 * with LD_PRELOAD=libumockdev-preload.so.0 (see TESTING.md).
 *
 * Use it in-process (cmocka tests link gh_sim) or through the gh-relay-sim
 * server, which keeps a testbed alive for other processes. Boards behave like
 * the hardware described in TESTING.md, including the kernel driver (usbhid,
 * ftdi_sio) that must be detached before the interface can be claimed, and
 * losing their relay state when unplugged (power loss).
 *
 * All functions are thread-safe: the umockdev worker thread serves the
 * ioctls while the test reads and changes board state.
 */
#ifndef GH_SIM_H
#define GH_SIM_H

#include <stddef.h>
#include <stdint.h>

enum gh_sim_family { GH_SIM_DCTTECH = 1, GH_SIM_FTDI = 2 };

struct gh_sim;
struct gh_sim_board;

/* Creates a testbed (sets UMOCKDEV_DIR for this process). NULL on failure,
 * with the reason in err. */
struct gh_sim *gh_sim_new(char *err, size_t errlen);
/* Removes every board and the testbed folder. */
void gh_sim_free(struct gh_sim *s);
/* The testbed folder: UMOCKDEV_DIR for client processes. */
const char *gh_sim_root(const struct gh_sim *s);

/* Plugs in a board. dcttech: ID of up to 5 characters, 1/2/4/8 channels.
 * FTDI: USB serial (its board ID), 4 or 8 channels. NULL on failure. */
struct gh_sim_board *gh_sim_add_dcttech(struct gh_sim *s, const char *id, int channels);
struct gh_sim_board *gh_sim_add_ftdi(struct gh_sim *s, const char *serial, int channels);
/* Like the two above, with other USB strings (NULL keeps the default): a
 * device on the same VID:PID that is not a relay board (another V-USB
 * gadget, an FT232R serial adapter) or a board with odd firmware. */
struct gh_sim_board *gh_sim_add_custom(struct gh_sim *s, enum gh_sim_family fam, const char *id,
                                       int channels, const char *manufacturer,
                                       const char *product);
/* A board by its current ID (first match), or NULL. */
struct gh_sim_board *gh_sim_find(struct gh_sim *s, const char *id);
/* The n-th board added (0-based), or NULL. */
struct gh_sim_board *gh_sim_board_at(struct gh_sim *s, int n);

/* Unplug: the device leaves sysfs and /dev (remove uevents); open handles
 * get ENODEV; the relays lose power (state 0). */
int gh_sim_unplug(struct gh_sim_board *b);
/* Replug: the board comes back at a new USB address (as the kernel does),
 * with the relay state it has now (0 unless gh_sim_set_state said otherwise:
 * that is how a test makes a board come back with relays on). */
int gh_sim_replug(struct gh_sim_board *b);
int gh_sim_present(struct gh_sim_board *b);

uint32_t gh_sim_state(struct gh_sim_board *b);            /* bit n-1 = relay n */
void gh_sim_set_state(struct gh_sim_board *b, uint32_t mask);
/* Copies the board's current ID (dcttech ID or FTDI serial) into buf. */
void gh_sim_id(struct gh_sim_board *b, char *buf, size_t len);
int gh_sim_channels(struct gh_sim_board *b);
enum gh_sim_family gh_sim_family(struct gh_sim_board *b);
/* The kernel driver (usbhid/ftdi_sio) is bound to the interface. */
int gh_sim_driver_bound(struct gh_sim_board *b);

/* Faults: the next N relay-protocol transfers (class/vendor control, bulk,
 * hidraw feature/write) stall (EPIPE); the next N read-backs (GET_REPORT,
 * read pins, HID get feature) return the relays XOR xor_mask. */
void gh_sim_fault_stall(struct gh_sim_board *b, int n);
void gh_sim_fault_readback(struct gh_sim_board *b, int n, uint32_t xor_mask);
/* The next N string descriptor requests stall (a board that stumbles while
 * it is being enumerated). */
void gh_sim_fault_stall_strings(struct gh_sim_board *b, int n);

/* Counters: every URB submitted to the board, the relay-protocol transfers
 * among them (set/get report, vendor requests, bulk), hidraw operations, and
 * every emulated call on the board's device nodes. */
struct gh_sim_counts {
    uint64_t urbs;
    uint64_t relay_transfers;
    uint64_t hidraw_ops;
    uint64_t ioctls;            /* every emulated ioctl/read/write on its nodes */
};
void gh_sim_counts(struct gh_sim_board *b, struct gh_sim_counts *out);

/* Runs one text command, as the server reads them; writes the answer (one or
 * more lines, the last "ok ..." or "error ...") to out. Commands:
 *   add dcttech ID N | add ftdi SERIAL N | remove ID | replug ID
 *   state ID | set ID MASK | stall ID N | badread ID N XOR | stallstr ID N
 *   counts ID
 *   list | root
 * MASK/XOR are numbers (0x.. hex allowed). Returns 0 on "ok". */
int gh_sim_command(struct gh_sim *s, const char *line, char *out, size_t outlen);
/* gh_sim_reader.c: "reader plug VID:PID EVENTS" / "reader unplug N", a
 * keyboard-wedge card reader in the same testbed (issue 13). */
int gh_sim_reader_command(struct gh_sim *s, const char *line, char *out, size_t outlen);
/* The testbed, for records beside the boards (a GObject; not a ref). */
struct _UMockdevTestbed *gh_sim_testbed(struct gh_sim *s);

/* True when libumockdev-preload is loaded in this process (checked in
 * /proc/self/maps: umockdev_in_mock_environment() caches its first answer). */
int gh_sim_preload_active(void);

#endif
