"""Outcome of the desk set-up: Nina has a PIN and a door code, the set-up is
logged with Bea (who handed over) as actor, and the weak PIN was refused."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from kiosk import Ctl, matching  # noqa: E402

SITE = Ctl(sys.argv[1], db=sys.argv[2])
BEA = "staff:1"


def expect(cond, msg):
    if not cond:
        print("CHECK FAILED: " + msg, file=sys.stderr)
        sys.exit(1)


nina = SITE.ctl("occupant", "show", "nina@example.com", js=True)
expect(nina["state"] == "active", "nina: %r" % nina)
expect(nina.get("has_pin") in (True, 1) or nina.get("pin_set") in (True, 1), "no PIN: %r" % nina)
expect(nina.get("door_code") is True, "no door code: %r" % nina)
log = SITE.ctl("log", "--limit", "50", js=True)
e = matching(log, "auth.desk_setup", outcome="ok", actor=BEA)
expect(len(e) == 1 and "nina@example.com" in e[0]["target_shown"], "desk set-up not logged: %r" % e)
expect("door code issued" in e[0]["reason"], "reason: %r" % e[0]["reason"])
expect(matching(log, "auth.pin", outcome="refused", actor=BEA), "the weak PIN was not refused")
# Her door code opens the Gate: `door check` with her account.
rc, out, err = SITE.ctl("door", "check", "Gate", "--as", "nina@example.com")
expect(rc == 0, "nina may not open the Gate: %s%s" % (out, err))
