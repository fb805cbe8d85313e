#!/usr/bin/python3
"""The kiosk program and its mail thread, against a real SMTP server.

    test_kiosk_mail.py GATEHOUSE MAILTOOL GATEHOUSECTL TEST

  kiosk_keeps_its_loop_turning_while_the_relay_hangs
      `gatehouse --headless` with mail queued and a relay that accepts the
      connection and never answers. The screen loop must keep turning: this
      script plays systemd's side of sd_notify (as tests/pkg does), and the
      loop's WATCHDOG=1 pings, sent from the same loop that draws, must keep
      coming at their cadence while the mail thread is stuck in the relay.
      SIGTERM must then end the kiosk promptly (the send is cancelled) and
      leave the mail queued, no attempt counted.
  kiosk_script_runs_to_the_end_while_the_relay_hangs
      the kiosk's --script harness logs a staff member in (database writes),
      waits and takes a screenshot while the mail thread hangs on the relay.
  kiosk_delivers_mail_queued_by_another_process
      `gatehouse --no-screen`; mail queued meanwhile by another process (no
      event reaches the kiosk) is found by the thread's poll and delivered;
      meanwhile `gatehousectl outbox flush` is refused (it would race the
      kiosk's thread and send messages twice).
"""
import glob
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
KIOSK, TOOL, CTL = sys.argv[1], sys.argv[2], sys.argv[3]
INTERVAL_MS = 600


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ghkioskmail.")
        self.db = os.path.join(self.dir, "gatehouse.db")
        self.spool = os.path.join(self.dir, "spool")
        self.conf = os.path.join(self.dir, "gatehouse.conf")
        self.srv = self.kiosk = None

    def server(self, *args):
        pf = os.path.join(self.dir, "port")
        log = open(os.path.join(self.dir, "smtpd.log"), "ab")
        self.srv = subprocess.Popen(
            [PY, os.path.join(HERE, "smtpd.py"), "--dir", self.spool, "--port-file", pf,
             "--max-seconds", "120"] + list(args), stdout=log, stderr=log)
        deadline = time.time() + 10
        while not os.path.exists(pf):
            check(time.time() < deadline and self.srv.poll() is None, "smtpd.py did not start")
            time.sleep(0.02)
        self.port = int(open(pf).read())

    def config(self, connect_timeout=30, timeout=60):
        with open(self.conf, "w") as fh:
            fh.write("[store]\npath = %s\n\n[plugins]\ndir = %s\n\n"
                     "[mail]\nrelay = smtp://127.0.0.1:%d\nfrom = kiosk@lobby.example.org\n"
                     "starttls = no\nconnect_timeout_s = %d\ntimeout_s = %d\n\n"
                     "[screen]\nwidth = 1080\nheight = 1920\n"
                     % (self.db, os.path.join(self.dir, "no-plugins"), self.port,
                        connect_timeout, timeout))
        os.makedirs(os.path.join(self.dir, "no-plugins"), exist_ok=True)

    def seed(self, n):
        subprocess.run([TOOL, "seed", self.db, str(n)], check=True, timeout=60)

    def states(self):
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT state, attempts FROM outbox ORDER BY id").fetchall()
        con.close()
        return rows

    def close(self):
        for p in (self.kiosk, self.srv):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if not os.environ.get("GH_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def kiosk_keeps_its_loop_turning_while_the_relay_hangs(e):
    e.server("--hang")
    e.config(connect_timeout=30, timeout=60)
    e.seed(3)
    sock_path = os.path.join(e.dir, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(0.05)
    env = dict(os.environ)
    env.update({"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": str(INTERVAL_MS * 1000),
                "WATCHDOG_PID": str(os.getpid()), "SDL_VIDEODRIVER": "dummy"})
    log = open(os.path.join(e.dir, "kiosk.log"), "ab")
    e.kiosk = subprocess.Popen([KIOSK, "--headless", "--config", e.conf], env=env,
                               stdout=log, stderr=log)
    msgs = []
    hung_at = None
    t0 = time.monotonic()
    # watch for 3 s after the mail thread got stuck in the relay
    while time.monotonic() - t0 < 20:
        try:
            data = sock.recv(4096).decode()
            msgs.append((time.monotonic(), data))
        except socket.timeout:
            pass
        check(e.kiosk.poll() is None, "the kiosk exited: see %s/kiosk.log" % e.dir)
        if hung_at is None and os.path.exists(os.path.join(e.spool, "hung")):
            hung_at = time.monotonic()
        if hung_at is not None and time.monotonic() - hung_at > 3.0:
            break
    check(hung_at is not None, "the mail thread never reached the relay")
    check(any("READY=1" in m for _, m in msgs), "no READY=1")
    pings = [t for t, m in msgs if "WATCHDOG=1" in m and t >= hung_at]
    check(len(pings) >= 3000 / INTERVAL_MS, "only %d pings in 3 s while the relay hung"
          % len(pings))
    gaps = [b - a for a, b in zip([hung_at] + pings, pings)]
    check(max(gaps) < INTERVAL_MS / 1000.0, "the loop stalled %.2f s" % max(gaps))
    # a prompt, clean stop although a send is in progress
    t_stop = time.monotonic()
    e.kiosk.send_signal(signal.SIGTERM)
    rc = e.kiosk.wait(10)
    took = time.monotonic() - t_stop
    check(rc == 0, "kiosk exit %d" % rc)
    check(took < 3.0, "stop took %.1f s" % took)
    # the cancelled send counted against nothing
    check(e.states() == [("queued", 0)] * 3, "outbox: %s" % e.states())
    print("%d pings in 3 s while the relay hung; longest gap %.0f ms; stop %.0f ms"
          % (len(pings), max(gaps) * 1000, took * 1000))
    sock.close()


def kiosk_delivers_mail_queued_by_another_process(e):
    e.server()
    e.config(connect_timeout=5, timeout=10)
    subprocess.run([TOOL, "seed", e.db, "0"], check=True, timeout=60)   # creates the db
    log = open(os.path.join(e.dir, "kiosk.log"), "ab")
    e.kiosk = subprocess.Popen([KIOSK, "--no-screen", "--config", e.conf],
                               stdout=log, stderr=log)
    time.sleep(0.5)
    check(e.kiosk.poll() is None, "the kiosk exited: see %s/kiosk.log" % e.dir)
    r = subprocess.run([CTL, "--config", e.conf, "outbox", "flush"], capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 1 and "kiosk (pid %d)" % e.kiosk.pid in r.stderr,
          "flush beside a running kiosk: %d %s" % (r.returncode, r.stderr))
    e.seed(4)
    deadline = time.time() + 15
    while len(glob.glob(os.path.join(e.spool, "*.eml"))) < 4 and time.time() < deadline:
        time.sleep(0.05)
    check(len(glob.glob(os.path.join(e.spool, "*.eml"))) == 4, "not delivered")
    deadline = time.time() + 5
    while any(s != "sent" for s, _ in e.states()) and time.time() < deadline:
        time.sleep(0.05)
    check(all(s == "sent" for s, _ in e.states()), "outbox: %s" % e.states())
    e.kiosk.send_signal(signal.SIGTERM)
    check(e.kiosk.wait(10) == 0, "kiosk exit")


SCRIPT = """# the mail thread is stuck in a relay that took the connection and
# never says a word (30 s connect time-out); the screen must not care
sleep 1500
tap "Staff"
type "sam@example.com"
tap "Next"
type "2580"
tap "Log in"
screen staff.menu
expect "Logged in as"
expect-not "Mail is not going out"
sleep 1000
wait 10500
expect "Logged in as"
shot staff_menu_while_the_relay_hangs
tap "Done"
screen home
"""


def kiosk_script_runs_to_the_end_while_the_relay_hangs(e):
    """The kiosk's own test harness (--script, the mail thread running as in
    service) taps through a staff log-in, which writes to the database, and
    takes a screenshot while the mail thread waits on a silent relay."""
    e.server("--hang")
    e.config(connect_timeout=30, timeout=60)
    e.seed(2)
    r = subprocess.run([CTL, "--config", e.conf, "staff", "add", "--email", "sam@example.com",
                        "--pin", "-", "--perms", "admin", "--name", "Sam"], input="2580\n",
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "staff add: %s" % r.stderr)
    script = os.path.join(e.dir, "hang.script")
    shots = os.path.join(e.dir, "shots")
    os.makedirs(shots)
    with open(script, "w") as fh:
        fh.write(SCRIPT)
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    t0 = time.monotonic()
    r = subprocess.run([KIOSK, "--config", e.conf, "--headless", "--script", script,
                        "--shots", shots], env=env, capture_output=True, text=True,
                       timeout=60)
    took = time.monotonic() - t0
    check(r.returncode == 0, "script: exit %d: %s" % (r.returncode, r.stderr[-2000:]))
    check(os.path.exists(os.path.join(e.spool, "hung")),
          "the mail thread never reached the relay")
    png = os.path.join(shots, "staff_menu_while_the_relay_hangs.png")
    check(os.path.exists(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
          "no screenshot")
    # the whole script, shutdown included, well inside the relay's time-out
    check(took < 20, "the script took %.1f s" % took)
    check(e.states() == [("queued", 0)] * 2, "outbox: %s" % e.states())
    if os.environ.get("GH_KEEP_SHOTS"):
        shutil.copy(png, os.environ["GH_KEEP_SHOTS"])
    print("script with a hanging relay: %.1f s" % took)


TESTS = {f.__name__: f for f in (
    kiosk_keeps_its_loop_turning_while_the_relay_hangs,
    kiosk_delivers_mail_queued_by_another_process,
    kiosk_script_runs_to_the_end_while_the_relay_hangs,
)}


def main():
    for name in sys.argv[4:] or list(TESTS):
        e = Env()
        try:
            TESTS[name](e)
            print("ok", name)
        finally:
            e.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
