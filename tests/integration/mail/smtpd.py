#!/usr/bin/python3
"""A real SMTP server for Gatehouse's mail tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 only and writes every accepted message to --dir as
NNNNNN.eml (the bytes as received, dot-stuffing undone by the server) plus
NNNNNN.json (envelope: mail_from, rcpt_tos, the time). Both appear whole:
written under a temporary name, then renamed.

Faults, for the tests of retries and relay problems:
  --rcpt-fault 451:2    reply 451 to the first 2 RCPT commands, then accept
  --data-fault 550:1    reply 550 to the first DATA, then accept
  --rcpt-fault-to ADDR  only RCPTs to ADDR count (and get the fault)
  --hang                accept TCP connections and never say a word
  --discard             a sink for benchmarks: accept and count, write nothing
  --delay-data S        store the message, then wait S seconds before the 250
  --starttls CERT KEY   offer and require STARTTLS with this certificate
  --tls CERT KEY        implicit TLS (smtps://)
  --auth USER PASS      require AUTH PLAIN/LOGIN with these credentials

The chosen port is written to --port-file once the server accepts
connections (--port 0 picks a free one). The server stops on SIGTERM or
SIGINT, or by itself after --max-seconds, so a test that dies never leaves
it behind for long.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def parse_fault(text):
    if not text:
        return None
    code, _, count = text.partition(":")
    return [int(code), int(count or "1")]


class Handler:
    def __init__(self, args):
        self.dir = args.dir
        self.rcpt_fault = parse_fault(args.rcpt_fault)
        self.rcpt_fault_to = (args.rcpt_fault_to or "").lower()
        self.data_fault = parse_fault(args.data_fault)
        self.delay_data = args.delay_data
        self.discard = args.discard
        self.lock = threading.Lock()
        self.seq = 0
        os.makedirs(self.dir, exist_ok=True)
        # continue numbering after what an earlier server run left
        for name in os.listdir(self.dir):
            if name.endswith(".eml"):
                try:
                    self.seq = max(self.seq, int(name[:-4]))
                except ValueError:
                    pass

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        f = self.rcpt_fault
        if f and f[1] > 0 and (not self.rcpt_fault_to or address.lower() == self.rcpt_fault_to):
            f[1] -= 1
            return "%d %s" % (f[0], "4.3.0 try again later" if f[0] < 500
                              else "5.1.1 no such user here")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        f = self.data_fault
        if f and f[1] > 0:
            f[1] -= 1
            return "%d %s" % (f[0], "4.3.0 try again later" if f[0] < 500
                              else "5.6.0 message refused")
        with self.lock:
            self.seq += 1
            n = self.seq
        if self.discard:
            return "250 OK %06d" % n
        base = os.path.join(self.dir, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as fh:
            fh.write(envelope.original_content)
        with open(base + ".json.tmp", "w") as fh:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "at": time.time(),
                       "tls": session.ssl is not None or
                              server.transport.get_extra_info("ssl_object") is not None,
                       "auth": bool(getattr(session, "authenticated", False)),
                       # the client's port: equal ports, one reused connection
                       "peer_port": session.peer[1] if session.peer else 0}, fh)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.delay_data:
            # stored, not yet confirmed: a client killed now never sees the
            # 250, as when a relay's reply is lost to a crash
            await asyncio.sleep(self.delay_data)
        return "250 OK queued as %06d" % n


def make_authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()):
            return AuthResult(success=True)
        # handled=False: the server sends the 535 itself (handled=True would
        # leave the client waiting for a reply that never comes)
        return AuthResult(success=False, handled=False)
    return check


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve_hang(port, stop, spool):
    """Accepts connections and keeps them open without a greeting; counts
    them in <spool>/hung (one line each), so a test can see a client wait."""
    os.makedirs(spool, exist_ok=True)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    ls.settimeout(0.2)
    held = []
    def run():
        while not stop.is_set():
            try:
                c, _ = ls.accept()
                held.append(c)
                with open(os.path.join(spool, "hung"), "a") as fh:
                    fh.write("connection\n")
            except socket.timeout:
                pass
        for c in held:
            c.close()
        ls.close()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rcpt-fault")
    ap.add_argument("--rcpt-fault-to")
    ap.add_argument("--data-fault")
    ap.add_argument("--delay-data", type=float, default=0.0)
    ap.add_argument("--hang", action="store_true")
    ap.add_argument("--discard", action="store_true")
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth", nargs=2, metavar=("USER", "PASS"))
    ap.add_argument("--max-seconds", type=float, default=120.0)
    args = ap.parse_args()

    port = args.port or free_port()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())

    controller = None
    if args.hang:
        serve_hang(port, stop, args.dir)
    else:
        kw = {}
        tls_files = args.starttls or args.tls
        ctx = None
        if tls_files:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(tls_files[0], tls_files[1])
        if args.starttls:
            kw["tls_context"] = ctx
            kw["require_starttls"] = True
        if args.tls:
            kw["ssl_context"] = ctx
        if args.auth:
            kw["authenticator"] = make_authenticator(*args.auth)
            kw["auth_required"] = True
            # implicit TLS is TLS from the first byte, but aiosmtpd only
            # counts STARTTLS as TLS when deciding whether to offer AUTH
            kw["auth_require_tls"] = bool(args.starttls)
        controller = Controller(Handler(args), hostname="127.0.0.1", port=port,
                                server_hostname="relay.test", **kw)
        controller.start()

    if args.port_file:
        with open(args.port_file + ".tmp", "w") as fh:
            fh.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)

    stop.wait(args.max_seconds)
    stop.set()
    if controller:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
