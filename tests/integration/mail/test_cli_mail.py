#!/usr/bin/python3
"""`gatehousectl outbox flush` and `outbox retry` against a real SMTP server.

    test_cli_mail.py GATEHOUSECTL MAILTOOL TEST

Each test makes its own folder, database (filled by mailtool through the
core's functions), config file and smtpd.py server, and removes them.
Every wait is bounded.
"""
import email
import email.policy
import glob
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
CTL, TOOL = sys.argv[1], sys.argv[2]


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ghmailcli.")
        self.db = os.path.join(self.dir, "gatehouse.db")
        self.spool = os.path.join(self.dir, "spool")
        self.conf = os.path.join(self.dir, "gatehouse.conf")
        self.srv = None
        self.port = 0

    def server(self, *args, port=0):
        pf = os.path.join(self.dir, "port")
        if os.path.exists(pf):
            os.unlink(pf)
        log = open(os.path.join(self.dir, "smtpd.log"), "ab")
        self.srv = subprocess.Popen(
            [PY, os.path.join(HERE, "smtpd.py"), "--dir", self.spool, "--port-file", pf,
             "--port", str(port or self.port), "--max-seconds", "120"] + list(args),
            stdout=log, stderr=log)
        deadline = time.time() + 10
        while not os.path.exists(pf):
            if time.time() > deadline or self.srv.poll() is not None:
                raise SystemExit("smtpd.py did not start")
            time.sleep(0.02)
        self.port = int(open(pf).read())

    def stop(self):
        if self.srv and self.srv.poll() is None:
            self.srv.send_signal(signal.SIGTERM)
            try:
                self.srv.wait(5)
            except subprocess.TimeoutExpired:
                self.srv.kill()
                self.srv.wait()
        self.srv = None

    def config(self, **mail):
        m = {"relay": "smtp://127.0.0.1:%d" % self.port, "from": "kiosk@lobby.example.org",
             "starttls": "no", "connect_timeout_s": "2", "timeout_s": "5"}
        m.update(mail)
        with open(self.conf, "w") as fh:
            fh.write("[store]\npath = %s\n\n[mail]\n" % self.db)
            for k, v in m.items():
                fh.write("%s = %s\n" % (k, v))

    def seed(self, n, domain="example.org"):
        subprocess.run([TOOL, "seed", self.db, str(n), domain], check=True, timeout=60)

    def dump(self):
        out = subprocess.run([TOOL, "dump", self.db], check=True, timeout=60,
                             capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines():
            i, state, mid, to = line.split(" ", 3)
            rows.append({"id": int(i), "state": state, "mid": mid, "to": to})
        return rows

    def ctl(self, *args, timeout=60):
        return subprocess.run([CTL, "--config", self.conf, "--db", self.db] + list(args),
                              capture_output=True, text=True, timeout=timeout)

    def ctl_popen(self, *args):
        return subprocess.Popen([CTL, "--config", self.conf, "--db", self.db] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def received(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.spool, "*.eml"))):
            msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
            out.append(msg)
        return out

    def close(self):
        self.stop()
        if not os.environ.get("GH_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def flush_delivers_everything_due_and_exits_0_with_a_summary(e):
    e.server()
    e.config()
    e.seed(5)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 0, "exit %d: %s %s" % (r.returncode, r.stdout, r.stderr))
    check(r.stdout.count("\n") == 1, "one line: %r" % r.stdout)
    check("5 sent, 0 deferred, 0 failed; 0 still queued" in r.stdout, r.stdout)
    check(len(e.received()) == 5, "5 received")
    check(all(x["state"] == "sent" for x in e.dump()), "all sent")
    r = e.ctl("--json", "outbox", "flush")
    j = json.loads(r.stdout)
    check(r.returncode == 0 and j["sent"] == 0 and j["queued"] == 0, r.stdout)


def flush_exits_1_on_a_550_and_the_failure_is_listed(e):
    e.server("--rcpt-fault", "550:1", "--rcpt-fault-to", "user2@example.org")
    e.config()
    e.seed(3)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 1, "exit %d: %s" % (r.returncode, r.stdout))
    check("2 sent, 0 deferred, 1 failed" in r.stdout, r.stdout)
    # visible to staff: listed as failed, with the reply, and logged
    r = e.ctl("outbox", "list", "--state", "failed")
    check(r.returncode == 0 and "user2@example.org" in r.stdout, r.stdout + r.stderr)
    failed = [x for x in e.dump() if x["state"] == "failed"]
    check(len(failed) == 1 and failed[0]["to"] == "user2@example.org", str(failed))
    r = e.ctl("--json", "outbox", "show", str(failed[0]["id"]))
    check("550" in json.loads(r.stdout)["last_error"], r.stdout)
    # not retried by itself
    r = e.ctl("outbox", "flush")
    check(r.returncode == 0 and "0 sent" in r.stdout, r.stdout)
    check(len(e.received()) == 2, "no retry of a failed message")
    # a failed welcome lost its setup code: retrying it is refused, saying
    # what to do instead
    r = e.ctl("outbox", "retry", str(failed[0]["id"]))
    check(r.returncode == 1 and "welcome" in r.stderr, r.stdout + r.stderr)


def flush_exits_1_while_deferred_and_retry_id_sends_it_now(e):
    e.server("--rcpt-fault", "451:1", "--rcpt-fault-to", "user2@example.org")
    e.config()
    e.seed(3)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 1, "exit %d: %s" % (r.returncode, r.stdout))
    check("2 sent, 1 deferred, 0 failed; 1 still queued" in r.stdout, r.stdout)
    deferred = [x for x in e.dump() if x["state"] == "queued"]
    check(len(deferred) == 1 and deferred[0]["to"] == "user2@example.org", str(deferred))
    # backing off: a flush now does not touch it
    r = e.ctl("outbox", "flush")
    check(r.returncode == 1 and "0 sent" in r.stdout, r.stdout)
    # staff make it due now; the relay takes it (the fault was for one RCPT)
    r = e.ctl("outbox", "retry", str(deferred[0]["id"]))
    check(r.returncode == 0, r.stdout + r.stderr)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 0 and "1 sent" in r.stdout, r.stdout + r.stderr)
    got = e.received()
    check(len(got) == 3, "3 received")
    check(got[-1]["Message-ID"] == deferred[0]["mid"], "same Message-ID on retry")
    r = e.ctl("outbox", "retry", "999")
    check(r.returncode == 1, "retry of an unknown id fails")
    r = e.ctl("outbox", "retry", "abc")
    check(r.returncode == 2, "retry of a non-number is a usage error")


def flush_with_a_wrong_password_keeps_mail_queued_and_says_why(e):
    e.server("--auth", "kiosk", "right")
    e.config(username="kiosk", password="wrong")
    e.seed(3)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 1, "exit %d" % r.returncode)
    check("0 sent" in r.stdout and "3 still queued" in r.stdout, r.stdout)
    check("relay problem" in r.stdout and "login" in r.stdout, r.stdout)
    check("wrong" not in r.stdout + r.stderr, "password echoed")
    rows = e.dump()
    check(all(x["state"] == "queued" for x in rows), "still queued")
    con = sqlite3.connect(e.db)
    attempts = [a for (a,) in con.execute("SELECT attempts FROM outbox")]
    con.close()
    check(attempts == [0, 0, 0], "no attempt counted: %s" % attempts)


def kill_9_during_flush_then_flush_again_delivers_every_message(e):
    n = 40
    e.server("--delay-data", "0.05")
    e.config()
    e.seed(n)
    p = e.ctl_popen("outbox", "flush")
    deadline = time.time() + 20
    while len(glob.glob(os.path.join(e.spool, "*.eml"))) < 8 and time.time() < deadline:
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    check(p.returncode == -signal.SIGKILL, "flush was still running when killed")
    mid = e.dump()
    check(any(x["state"] == "queued" for x in mid), "the kill was mid-batch")
    con = sqlite3.connect(e.db)
    check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity")
    con.close()
    # let the server finish what it was taking when the client died
    time.sleep(0.3)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 0, "second flush: %s %s" % (r.stdout, r.stderr))
    rows = e.dump()
    check(len(rows) == n and all(x["state"] == "sent" for x in rows), "all sent")
    got = [m["Message-ID"] for m in e.received()]
    want = set(x["mid"] for x in rows)
    check(want <= set(got), "lost: %s" % (want - set(got)))
    dups = len(got) - len(set(got))
    # at-least-once: only messages accepted but not yet marked at the kill
    # come twice: at most one mark group (GH_MAILER_MARK_GROUP = 32, and
    # GH_MAILER_MARK_MS = 250 ms, ~5 messages at this relay's pace)
    check(dups <= 32, "%d duplicates" % dups)
    r = e.ctl("log", "verify")
    check(r.returncode == 0, "activity log verifies: %s %s" % (r.stdout, r.stderr))
    print("received %d, duplicates %d" % (len(got), dups))


def flush_on_a_write_locked_database_sends_nothing_then_delivers_each_once(e):
    # Another connection holds the write lock through the whole flush: the
    # flush must claim its batch before sending, fail to, and send nothing
    # (it could not mark what it sent, and would send it again later).
    e.server()
    e.config()
    e.seed(5)
    holder = sqlite3.connect(e.db, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = e.ctl("outbox", "flush", "--force")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    check(r.returncode == 1, "locked: exit %d: %s %s" % (r.returncode, r.stdout, r.stderr))
    check("none was sent" in r.stderr and "locked" in r.stderr,
          "locked: no clear error: %r" % r.stderr)
    time.sleep(0.3)
    check(len(e.received()) == 0, "locked: %d delivered" % len(e.received()))
    check(all(x["state"] == "queued" for x in e.dump()), "locked: not all still queued")
    # released: each delivered exactly once, and nothing is left claimed
    r = e.ctl("outbox", "flush", "--force")
    check(r.returncode == 0, "after release: exit %d: %s %s" % (r.returncode, r.stdout, r.stderr))
    check("5 sent, 0 deferred, 0 failed; 0 still queued" in r.stdout, r.stdout)
    r = e.ctl("outbox", "flush")
    check(r.returncode == 0 and "0 sent" in r.stdout, "third flush: %s" % r.stdout)
    got = [m["Message-ID"] for m in e.received()]
    check(len(got) == 5 and len(set(got)) == 5, "delivered %d, %d distinct" % (len(got), len(set(got))))
    check(set(got) == set(x["mid"] for x in e.dump()), "the right messages")


TESTS = {f.__name__: f for f in (
    flush_delivers_everything_due_and_exits_0_with_a_summary,
    flush_exits_1_on_a_550_and_the_failure_is_listed,
    flush_exits_1_while_deferred_and_retry_id_sends_it_now,
    flush_with_a_wrong_password_keeps_mail_queued_and_says_why,
    kill_9_during_flush_then_flush_again_delivers_every_message,
    flush_on_a_write_locked_database_sends_nothing_then_delivers_each_once,
)}


def main():
    names = sys.argv[3:] or list(TESTS)
    for name in names:
        e = Env()
        try:
            TESTS[name](e)
            print("ok", name)
        finally:
            e.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
