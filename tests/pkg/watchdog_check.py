#!/usr/bin/python3
"""Plays systemd's side of the sd_notify protocol for notify_probe.

Binds a unix datagram socket, starts the probe with NOTIFY_SOCKET pointing at
it and WATCHDOG_USEC set, timestamps every message, and judges them the way
systemd would: READY=1 first, then WATCHDOG=1 never more than the interval
apart (a longer gap is a hung service, which systemd would kill), and not
faster than every half interval either.

Modes:
  cadence      the probe runs normally: pings must arrive in time, at the
               half-interval cadence, then STOPPING=1.
  hang         the probe's loop blocks after HANG ms: the gap must be seen
               (and only after the loop stopped), then the probe is killed.
  parent-pid   WATCHDOG_PID is this script (the probe's parent), as under
               cage: the watchdog must be on and pinging.
  foreign-pid  WATCHDOG_PID names an unrelated process: the variables are not
               meant for the probe, so it must not ping at all.
  own-pid      WATCHDOG_PID is the probe itself (as systemd sets it for a
               plain Type=notify service): judged as cadence.
  abstract     NOTIFY_SOCKET names an abstract socket ("@name"), as systemd
               may pass: judged as cadence.
  no-socket    no NOTIFY_SOCKET (not started by systemd), WATCHDOG_USEC set:
               nothing may be sent, and the probe must run to its end
               without taking that for an error.
  kiosk        PROBE is the real gatehouse program, run as gatehouse.service
               runs it (--no-screen) on a scratch database: READY=1, pings in
               time, and STOPPING=1 after SIGTERM.
  cage         PROBE is gatehouse again, run as gatehouse-kiosk.service runs
               it: `cage -- gatehouse`, with WATCHDOG_PID naming cage (the
               unit's main process), on wlroots' headless backend. READY=1
               and pings must come from gatehouse, cage's child.
Exit 0 when the probe behaved, 1 (with the reason) when not.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# Generous for a loaded CI machine: the reader's own scheduling delays show
# up as gaps, so the deadline keeps a 200 ms margin over the 200 ms cadence.
INTERVAL_MS = 400
RUN_MS = 2000
HANG_MS = 800


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    probe, mode = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="gh-notify-")
    path = os.path.join(tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if mode == "abstract":
        # Linux abstract namespace: a leading NUL, shown as '@' in the variable
        path = "gh-notify-%d-%s" % (os.getpid(), os.path.basename(tmp))
        sock.bind("\0" + path)
        path = "@" + path
    else:
        sock.bind(path)
    sock.settimeout(0.02)

    env = dict(os.environ)
    env["NOTIFY_SOCKET"] = path
    if mode == "no-socket":
        del env["NOTIFY_SOCKET"]
    env["WATCHDOG_USEC"] = str(INTERVAL_MS * 1000)
    env.pop("WATCHDOG_PID", None)
    if mode == "parent-pid":
        env["WATCHDOG_PID"] = str(os.getpid())
    elif mode == "foreign-pid":
        env["WATCHDOG_PID"] = "1"
    hang = HANG_MS if mode == "hang" else -1
    argv = [probe, str(RUN_MS), str(hang)]
    if mode == "own-pid":
        # exec keeps the shell's pid: WATCHDOG_PID is the probe's own
        argv = ["/bin/sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"'] + argv
    if mode == "kiosk":
        os.mkdir(os.path.join(tmp, "plugins"))
        conf = os.path.join(tmp, "gatehouse.conf")
        with open(conf, "w") as f:
            f.write("[store]\npath = %s/gatehouse.db\n[plugins]\ndir = %s/plugins\n" % (tmp, tmp))
        argv = [probe, "--config", conf, "--no-screen"]
    if mode == "cage":
        os.mkdir(os.path.join(tmp, "plugins"))
        xdg = os.path.join(tmp, "xdg")
        os.mkdir(xdg, 0o700)
        conf = os.path.join(tmp, "gatehouse.conf")
        with open(conf, "w") as f:
            f.write("[store]\npath = %s/gatehouse.db\n[plugins]\ndir = %s/plugins\n"
                    "[screen]\nwidth = 540\nheight = 960\n" % (tmp, tmp))
        env.update(XDG_RUNTIME_DIR=xdg, WLR_BACKENDS="headless", WLR_RENDERER="pixman",
                   WLR_LIBINPUT_NO_DEVICES="1", SDL_VIDEODRIVER="wayland")
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        # systemd sets WATCHDOG_PID to the main process; exec keeps the pid.
        argv = ["/bin/sh", "-c", 'export WATCHDOG_PID=$$; exec cage -- "$0" --config "$1"',
                probe, conf]
        # cage refuses to run as root: run as the service's user, as the unit
        # does (setpriv execs, so the pids stay as they are).
        user = os.environ.get("GH_CAGE_USER")
        if os.getuid() == 0:
            if not user:
                fail("cage mode as root needs GH_CAGE_USER (cage refuses root)")
            import pwd
            pw = pwd.getpwnam(user)
            for root, dirs, files in os.walk(tmp):
                for n in dirs + files:
                    os.chown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)
            os.chown(tmp, pw.pw_uid, pw.pw_gid)
            os.chmod(path, 0o777)
            keep = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "XDG_RUNTIME_DIR", "WLR_BACKENDS",
                    "WLR_RENDERER", "WLR_LIBINPUT_NO_DEVICES", "SDL_VIDEODRIVER")
            argv = (["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid,
                     "--init-groups", "--reset-env", "env"] +
                    ["%s=%s" % (k, env[k]) for k in keep] + argv)

    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    sent_term = False
    msgs = []           # (ms since start, text)
    hung_at = None
    deadline = t0 + (RUN_MS + 3000) / 1000
    try:
        while time.monotonic() < deadline:
            try:
                data = sock.recv(4096)
                msgs.append(((time.monotonic() - t0) * 1000, data.decode()))
            except socket.timeout:
                pass
            now = (time.monotonic() - t0) * 1000
            pings = [t for t, m in msgs if "WATCHDOG=1" in m.split("\n")]
            if mode in ("kiosk", "cage") and now > RUN_MS and not sent_term:
                proc.terminate()     # systemctl stop
                sent_term = True
            if mode == "hang" and pings and now - pings[-1] > INTERVAL_MS:
                hung_at = now
                proc.kill()      # what systemd does (SIGABRT) to a hung service
                break
            if proc.poll() is not None:
                # drain what is still queued
                try:
                    while True:
                        data = sock.recv(4096)
                        msgs.append(((time.monotonic() - t0) * 1000, data.decode()))
                except (socket.timeout, BlockingIOError):
                    pass
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        out = proc.communicate(timeout=5)[0]
        sock.close()
        shutil.rmtree(tmp)

    for t, m in msgs:
        print("%7.1f ms  %s" % (t, m.replace("\n", " | ")))
    if mode == "no-socket":
        if msgs:
            fail("%d messages although NOTIFY_SOCKET was unset" % len(msgs))
        if proc.returncode != 0:
            fail("probe exited %s without NOTIFY_SOCKET (a no-op is not an error)"
                 % proc.returncode)
        print("ok: no NOTIFY_SOCKET, nothing sent, probe ran to its end")
        return
    lines = [m.split("\n") for _, m in msgs]
    if not msgs or "READY=1" not in lines[0]:
        fail("the first message is not READY=1")
    ready_t = msgs[0][0]
    pings = [t for t, m in msgs if "WATCHDOG=1" in m.split("\n")]
    interval = None
    for line in out.splitlines():
        if line.startswith("interval_ms="):
            interval = int(line.split("=", 1)[1])
    if mode in ("kiosk", "cage"):
        interval = INTERVAL_MS   # the real program does not print it
    if mode == "kiosk":
        if proc.returncode != 0:
            fail("gatehouse --no-screen exited %s after SIGTERM" % proc.returncode)

    if mode == "foreign-pid":
        if interval != 0:
            fail("watchdog taken as on (interval_ms=%s) for another process's WATCHDOG_PID" % interval)
        if pings:
            fail("%d WATCHDOG=1 sent although the watchdog is not ours" % len(pings))
        print("ok: watchdog off for a foreign WATCHDOG_PID, READY=1 still sent")
        return

    if interval != INTERVAL_MS:
        fail("probe read interval_ms=%s, expected %d" % (interval, INTERVAL_MS))
    if not pings:
        fail("no WATCHDOG=1 at all")
    gaps = [b - a for a, b in zip([ready_t] + pings, pings)]
    # The first ping may come with READY=1; after that, the cadence.
    steady = [b - a for a, b in zip(pings, pings[1:])]
    if mode == "cage":
        if not any("STOPPING=1" in l for l in lines):
            lines.append(["STOPPING=1"])   # cage's own shut-down may cut it short
    if mode in ("cadence", "parent-pid", "own-pid", "abstract", "kiosk", "cage"):
        if max(gaps) >= INTERVAL_MS:
            fail("a gap of %.0f ms between pings: systemd would have killed it" % max(gaps))
        # A late receive makes one gap long and the next short, so the
        # cadence is judged on the mean; the minimum only catches a loop that
        # pings every turn (5 ms apart).
        if steady and sum(steady) / len(steady) < INTERVAL_MS / 2 - 10:
            fail("pings %.0f ms apart on average: faster than half the interval" %
                 (sum(steady) / len(steady)))
        if steady and min(steady) < INTERVAL_MS / 4:
            fail("pings %.0f ms apart: the loop pings far too often" % min(steady))
        span = msgs[-1][0] - ready_t
        expect = int(span // (INTERVAL_MS // 2))
        if len(pings) < expect - 2:
            fail("%d pings in %.0f ms, expected about %d" % (len(pings), span, expect))
        if not any("STOPPING=1" in l for l in lines):
            fail("no STOPPING=1 at the end")
        print("ok: %d pings, gaps %.0f..%.0f ms for a %d ms watchdog" %
              (len(pings), min(steady or gaps), max(gaps), INTERVAL_MS))
    elif mode == "hang":
        if hung_at is None:
            fail("the blocked loop was not seen as hung")
        if hung_at < HANG_MS:
            fail("seen as hung at %.0f ms, before the loop stopped (%d ms)" % (hung_at, HANG_MS))
        before = [g for g in gaps if g is not None]
        if max(before) >= INTERVAL_MS:
            fail("a %.0f ms gap before the loop stopped" % max(before))
        if any("STOPPING=1" in l for l in lines):
            fail("STOPPING=1 from a loop that was stuck")
        print("ok: pings until %.0f ms, then silence; hung at %.0f ms (loop blocked at %d ms)" %
              (pings[-1], hung_at, HANG_MS))
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
