#!/usr/bin/python3
"""vcard.py --port N --uid HEX [--hold S] [--after S] [--no-uid]: a contactless
card with this UID, inserted into a vpcd virtual reader (Debian's
vsmartcard-vpcd driver under pcscd), written against vpcd's socket protocol:
every message either way is a 2-byte big-endian length and a payload; a
1-byte payload from vpcd is a control (0 power off, 1 power on, 2 reset,
4 "send your ATR"), anything longer a command APDU, answered with a response
APDU. GET DATA (FF CA 00 00 00) gives the UID and 90 00 (--no-uid: 6A 81,
function not supported); other APDUs 6D 00. The card is in the reader from
when the connection is made (--after seconds after start) until --hold
seconds later, when the socket is closed (the card taken away). Prints
"inserted" and "removed" on stdout as they happen."""
import argparse
import socket
import struct
import sys
import time

# ATR of a contactless storage card as PC/SC part 3 readers report it.
ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return buf


def answer(apdu, uid, give_uid):
    if apdu[:4] == b"\xff\xca\x00\x00":
        return uid + b"\x90\x00" if give_uid else b"\x6a\x81"
    return b"\x6d\x00"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=35963)
    p.add_argument("--uid", required=True)
    p.add_argument("--hold", type=float, default=2.0)
    p.add_argument("--after", type=float, default=0.0)
    p.add_argument("--no-uid", action="store_true")
    a = p.parse_args()
    uid = bytes.fromhex(a.uid.replace(":", ""))
    time.sleep(a.after)
    deadline = time.monotonic() + 5
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", a.port), timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("vcard: vpcd does not listen on port %d" % a.port)
            time.sleep(0.1)
    print("inserted", flush=True)
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            (n,) = struct.unpack(">H", recv_exact(s, 2))
            msg = recv_exact(s, n)
        except socket.timeout:
            break
        except ConnectionError:
            break
        if n == 1:
            if msg[0] == 4:
                s.sendall(struct.pack(">H", len(ATR)) + ATR)
            continue                      # power off/on, reset: no answer
        r = answer(msg, uid, not a.no_uid)
        s.sendall(struct.pack(">H", len(r)) + r)
    s.close()
    print("removed", flush=True)


if __name__ == "__main__":
    main()
