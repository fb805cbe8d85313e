"""ghcheck.py: what the occupants tests' NAME.check.py files share.

A check reads the outcome of a kiosk script back through the real command
line, `gatehousectl --json`, never through SQL:
    python3 NAME.check.py GATEHOUSECTL DB
"""
import json
import subprocess
import sys

CTL, DB = sys.argv[1], sys.argv[2]
STAFF = "staff:1:sam@example.com"   # the actor of everything Sam does at the kiosk


def ctl(*args):
    r = subprocess.run([CTL, "--db", DB, "--json", *args], capture_output=True, text=True)
    if r.returncode != 0:
        fail("gatehousectl %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)


def fail(msg):
    print("CHECK FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def occupant(who):
    return ctl("occupant", "show", who)


def log(limit=200):
    return ctl("log", "--limit", str(limit))


def logged(action, target_part, actor=STAFF, outcome="ok"):
    """The newest log entry of `action` whose target (or reason) mentions
    target_part."""
    for e in log():
        if e["action"] == action and (target_part in e["target"] or target_part in e["reason"]) \
                and e["actor"] == actor \
                and e["outcome"] == outcome:
            return e
    fail("no %s log entry for %s by %s (%s)" % (action, target_part, actor, outcome))


def welcomes(email):
    return [m for m in ctl("outbox", "list") if m["to"] == email and m["kind"] == "welcome"]
