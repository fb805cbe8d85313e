#!/usr/bin/python3
"""run_case.py: a kiosk staff session re-reads the staff account before every
action (issue 11), through the real programs.

    run_case.py CASE --gatehouse EXE --ctl EXE --plugins DIR --scripts DIR --shots DIR

A fresh database (gatehousectl init, a staff member with the approve
permission, a pending sign-up), the kiosk headless with the approvals plugin
running scripts/SCRIPT.script in the background. The script stops at the
sign-up's approval (screenshot 01_ready, then a real-time sleep); meanwhile
this file changes the staff account from outside: `gatehousectl occupant
set-state` (blocked, inactive) or the approve permission taken away in the
database. The script then taps Approve: the kiosk must be back home with the
sentence, the sign-up still pending, and the end of the session logged.
Exit 0 pass, 1 fail.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

INACTIVE = "Your staff account is no longer active. Ask an administrator."
PERMS = "Your staff permissions have changed. Please log in again."


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


class Env:
    def __init__(self, a):
        self.a = a
        self.tmp = tempfile.mkdtemp(prefix="gh-staff-session-")
        self.db = os.path.join(self.tmp, "k.db")
        self.conf = os.path.join(self.tmp, "k.conf")
        with open(self.conf, "w") as f:
            f.write("[store]\npath = %s\n[plugins]\ndir = %s\nenable = approvals\n"
                    "[screen]\nwidth = 1080\nheight = 1920\n" % (self.db, a.plugins))
        shutil.rmtree(a.shots, ignore_errors=True)
        os.makedirs(a.shots)
        self.ctl("init")
        self.ctl("settings", "set", "signup_approval", "on")
        self.ctl("staff", "add", "--email", "sam@example.com", "--pin", "2580",
                 "--perms", "approve", "--name", "Sam Staff")
        self.ctl("occupant", "signup", "--email", "ana@example.com", "--name", "Ana Lima")
        self.ana = self.account("ana@example.com")["id"]
        self.sam = self.account("sam@example.com")["id"]

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def ctl(self, *args, js=False):
        argv = [self.a.ctl, "--config", self.conf] + (["--json"] if js else []) + list(args)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise Fail("gatehousectl %s: exit %d: %s%s" % (" ".join(args), p.returncode,
                                                           p.stdout, p.stderr))
        return json.loads(p.stdout) if js else p.stdout

    def account(self, who):
        return self.ctl("occupant", "show", who, js=True)

    def kiosk(self, script, change, sentence=""):
        """Runs the script; calls change() once the script is at 01_ready."""
        with open(os.path.join(self.a.scripts, script + ".script")) as f:
            text = f.read().replace("{{ANA}}", str(self.ana)).replace("{{SENTENCE}}", sentence)
            text = text.replace("{{SAM}}", str(self.sam))
        path = os.path.join(self.tmp, script + ".script")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.Popen([self.a.gatehouse, "--config", self.conf, "--headless",
                              "--script", path, "--shots", self.a.shots],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = os.path.join(self.a.shots, "01_ready.png")
        deadline = time.time() + 60
        while not os.path.exists(ready) and p.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        if change and p.poll() is None and os.path.exists(ready):
            change()
        out, _ = p.communicate(timeout=100)
        if p.returncode != 0:
            raise Fail("kiosk script %s: exit %d\n%s" % (script, p.returncode, out))

    def log(self, action):
        return [e for e in self.ctl("log", js=True) if e["action"] == action]


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def ended(env):
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up was approved")
    check(not env.log("account.approve"), "an approval was logged")
    check([e for e in env.log("staff.session") if e["outcome"] == "refused"],
          "the end of the staff session was not logged")


@case
def blocked_staff_session_ends_before_approve(env):
    env.kiosk("approve", lambda: env.ctl("occupant", "set-state", "sam@example.com", "blocked"),
              INACTIVE)
    ended(env)


@case
def switched_off_staff_session_ends_before_approve(env):
    env.kiosk("approve", lambda: env.ctl("occupant", "set-state", "sam@example.com", "inactive"),
              INACTIVE)
    ended(env)


@case
def staff_without_the_permission_any_more_cannot_approve(env):
    def strip():
        with sqlite3.connect(env.db, timeout=10) as c:
            c.execute("UPDATE accounts SET perms = 2 WHERE email = 'sam@example.com'")
    env.kiosk("approve", strip, PERMS)
    ended(env)


@case
def active_staff_session_goes_on(env):
    env.kiosk("still_active", lambda: None)
    check(env.account("ana@example.com")["state"] == "active", "the sign-up was not approved")


@case
def staff_login_by_account_id_is_refused(env):
    env.kiosk("login_by_id", None)
    check(not [e for e in env.log("auth.login") if e["outcome"] == "ok"],
          "a log-in by account id succeeded")
    check([e for e in env.log("auth.login") if e["target"] == "unknown"],
          "the attempt was not logged as for an unknown account")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    for o in ("gatehouse", "ctl", "plugins", "scripts", "shots"):
        ap.add_argument("--" + o, required=True)
    a = ap.parse_args()
    env = Env(a)
    try:
        CASES[a.case](env)
    except Fail as e:
        print("FAIL %s: %s" % (a.case, e), file=sys.stderr)
        print("(screenshots in %s)" % a.shots, file=sys.stderr)
        return 1
    finally:
        env.close()
    print("ok %s (screenshots in %s)" % (a.case, a.shots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
