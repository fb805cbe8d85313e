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
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kiosk import Env, check, case, main  # noqa: E402

INACTIVE = "Your staff account is no longer active. Ask an administrator."
PERMS = "Your staff permissions have changed. Please log in again."


class Site(Env):
    """Sam (staff, approve) and Ana's pending sign-up."""

    def __init__(self, a, plugin, case):
        Env.__init__(self, a, plugin, case)
        self.ctl("settings", "set", "signup_approval", "on")
        self.ctl("staff", "add", "--email", "sam@example.com", "--pin", "2580",
                 "--perms", "approve", "--name", "Sam Staff")
        self.ctl("occupant", "signup", "--email", "ana@example.com", "--name", "Ana Lima")
        self.ana = self.account("ana@example.com")["id"]
        self.sam = self.account("sam@example.com")["id"]

    def kiosk(self, script, change, sentence=""):
        """Runs the script; calls change() once the script is at 01_ready."""
        self.kiosk_meanwhile(script, change, ANA=self.ana, SAM=self.sam, SENTENCE=sentence)


def ended(env):
    check(env.account("ana@example.com")["state"] == "pending", "the sign-up was approved")
    check(not env.log_entries("account.approve"), "an approval was logged")
    check([e for e in env.log_entries("staff.session") if e["outcome"] == "refused"],
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
    check(not [e for e in env.log_entries("auth.login") if e["outcome"] == "ok"],
          "a log-in by account id succeeded")
    check([e for e in env.log_entries("auth.login") if e["target"] == "unknown"],
          "the attempt was not logged as for an unknown account")


if __name__ == "__main__":
    sys.exit(main("approvals", env_class=Site))
