"""ghcheck.py: what the occupants tests' NAME.check.py files share, on top of
the kiosk tests' one harness (tests/ui/lib/kiosk.py).

A check reads the outcome of a kiosk script back through the real command
line, `gatehousectl --json`, never through SQL:
    python3 NAME.check.py GATEHOUSECTL DB
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kiosk import Ctl, Fail, matching  # noqa: E402

CTL, DB = sys.argv[1], sys.argv[2]
STAFF = "staff:1"   # the actor of everything Sam does at the kiosk
SITE = Ctl(CTL, db=DB)


def fail(msg):
    print("CHECK FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def ctl(*args):
    try:
        return SITE.ctl(*args, js=True, ok=True)
    except Fail as e:
        fail(str(e))


def occupant(who):
    return ctl("occupant", "show", who)


def log(limit=200):
    return ctl("log", "--limit", str(limit))


def logged(action, target_part, actor=STAFF, outcome="ok"):
    """The newest log entry of `action` whose target (or reason) mentions
    target_part, as stored ("occupant:4") or as `log` shows them (accounts
    are stored by id and shown with their name and email, issue 16)."""
    for e in matching(log(), action, outcome=outcome, actor=actor):
        if any(target_part in e[k] for k in ("target", "reason", "target_shown", "reason_shown")):
            return e
    fail("no %s log entry for %s by %s (%s)" % (action, target_part, actor, outcome))


def welcomes(email):
    return [m for m in ctl("outbox", "list") if m["to"] == email and m["kind"] == "welcome"]
