"""Outcome of the vacate script: Unit 101 and B203 are vacant (one
unit.vacate entry each by Sam: Cancel logged nothing), the share flag went
off, on and off again (three unit.share entries by Sam), and Olive's unit
door no longer opens for her."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, ctl, log, logged, SITE, STAFF

units = {l["name"]: l for l in ctl("location", "list")}
for name in ("Unit 101", "B203"):
    u = units[name]
    expect(not u["tenant_account"] and not u["tenant_group"] and not u["shared"],
           "%s not vacant: %r" % (name, u))
vacates = [e for e in log() if e["action"] == "unit.vacate"]
expect(len(vacates) == 2 and all(e["actor"] == STAFF for e in vacates),
       "two vacate entries by Sam (Cancel logs nothing): %r" % vacates)
shares = [e for e in log() if e["action"] == "unit.share" and e["actor"] == STAFF]
expect(len(shares) == 3, "three share changes by Sam: %r" % shares)
logged("unit.vacate", "Unit 101")
rc, out, err = SITE.ctl("door", "check", "Unit 101", "--as", "olive@example.com", ok=False)
expect(rc == 1 and "not rented to you" in out, "Olive still opens Unit 101: %s%s" % (out, err))
