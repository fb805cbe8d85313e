"""Outcome of the staff script, read back through gatehousectl --json:
Nora exists with approve,open_common and one welcome email; Bea is still an
active admin and her refused self-demotion and switch-off were logged; Dan
is an active admin, no longer locked out, with three welcome emails (switch
on, new code... and none at creation: he had a PIN)."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from kiosk import Ctl, Fail, matching  # noqa: E402

SITE = Ctl(sys.argv[1], db=sys.argv[2])
BEA = "staff:1"


def expect(cond, msg):
    if not cond:
        print("CHECK FAILED: " + msg, file=sys.stderr)
        sys.exit(1)


def ctl(*args):
    try:
        return SITE.ctl(*args, js=True, ok=True)
    except Fail as e:
        expect(False, str(e))


def welcomes(email):
    return [m for m in ctl("outbox", "list") if m["to"] == email and m["kind"] == "welcome"]


nora = ctl("staff", "show", "nora@example.com")
expect(nora["state"] == "active", "nora: %r" % nora)
expect(sorted(nora["perms"]) == ["approve", "open_common"] if isinstance(nora["perms"], list)
       else nora["perms"] == "approve,open_common", "nora's perms: %r" % nora["perms"])
expect(len(welcomes("nora@example.com")) == 1, "one welcome email for nora")
bea = ctl("staff", "show", "boss@example.com")
expect(bea["state"] == "active" and "admin" in bea["perms"], "bea: %r" % bea)
log = ctl("log", "--limit", "200")
expect(matching(log, "staff.create", outcome="ok", actor=BEA), "nora's creation not logged by Bea")
expect(matching(log, "staff.perms", outcome="refused", actor=BEA), "self-demotion refusal not logged")
expect(matching(log, "account.state", outcome="refused", actor=BEA), "self switch-off refusal not logged")
expect(matching(log, "auth.clear_lockout", outcome="ok", actor=BEA), "lock-out clearing not logged")
dan = ctl("staff", "show", "desk@example.com")
expect(dan["state"] == "active" and "admin" in dan["perms"], "dan: %r" % dan)
expect(not dan.get("locked_until"), "dan still locked: %r" % dan.get("locked_until"))
expect(len(welcomes("desk@example.com")) == 2, "dan: %d welcome emails, want 2 (switch on, new code)"
       % len(welcomes("desk@example.com")))
