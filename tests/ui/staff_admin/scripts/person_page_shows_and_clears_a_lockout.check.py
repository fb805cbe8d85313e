"""Outcome: Olive's lock-out is gone (gatehousectl shows no "locked until"),
the clearing is logged with Bea as actor, and Dan is still locked out."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from kiosk import Ctl, matching  # noqa: E402

SITE = Ctl(sys.argv[1], db=sys.argv[2])


def expect(cond, msg):
    if not cond:
        print("CHECK FAILED: " + msg, file=sys.stderr)
        sys.exit(1)


rc, out, err = SITE.ctl("occupant", "show", "olive@example.com")
expect(rc == 0 and "locked until" not in out, "olive still locked: %s" % out)
rc, out, err = SITE.ctl("occupant", "show", "desk@example.com")
expect(rc == 0 and "locked until" in out, "dan's lock-out was cleared too: %s" % out)
log = SITE.ctl("log", "--limit", "50", js=True)
e = matching(log, "auth.clear_lockout", outcome="ok", actor="staff:1")
expect(len(e) == 1 and "olive@example.com" in e[0]["target_shown"], "clearing not logged: %r" % e)
