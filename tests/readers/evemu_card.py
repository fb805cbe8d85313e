#!/usr/bin/python3
"""evemu_card.py [--at SECONDS] UID [UID...]: evemu events of a keyboard-wedge
card reader typing each UID's characters (hex digits) and Enter, as a
125 kHz / 13.56 MHz USB reader does: press and release per key, 8 ms apart,
each card --gap seconds after the previous one (first one at --at)."""
import sys

KEYS = {'0': 11, 'a': 30, 'b': 48, 'c': 46, 'd': 32, 'e': 18, 'f': 33}
KEYS.update({str(i): i + 1 for i in range(1, 10)})
ENTER = 28


def main(argv):
    at, gap, uids = 1.0, 1.0, []
    i = 0
    while i < len(argv):
        if argv[i] in ("--at", "--gap") and i + 1 < len(argv):
            v = float(argv[i + 1])
            if argv[i] == "--at":
                at = v
            else:
                gap = v
            i += 2
            continue
        uids.append(argv[i].lower())
        i += 1
    if not uids:
        sys.exit(__doc__)
    out = ["# EVEMU 1.3", "# a keyboard-wedge card reader typing %d card(s)" % len(uids)]
    t = at
    for uid in uids:
        for ch in list(uid) + ["\n"]:
            code = ENTER if ch == "\n" else KEYS[ch]
            for value in (1, 0):
                out.append("E: %d.%06d 0001 %04x %04d" % (int(t), int((t % 1) * 1e6), code, value))
                out.append("E: %d.%06d 0000 0000 0000" % (int(t), int((t % 1) * 1e6)))
                t += 0.004
        t += gap
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1:])
