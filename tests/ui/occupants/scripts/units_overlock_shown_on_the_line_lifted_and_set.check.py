"""Outcome of the overlock script: B201 is not overlocked, the lift, the
new overlock and the second lift are logged by Sam, and Ben's door opens."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, ctl, log, SITE, STAFF

state = ctl("unit", "overlock", "B201")
expect(state["overlocked"] is False, "B201 still overlocked: %r" % state)
mine = [e for e in log() if e["action"] == "unit.overlock" and e["actor"] == STAFF]
expect(len(mine) == 3, "three overlock changes by Sam: %r" % mine)
rc, out, err = SITE.ctl("door", "check", "B201", "--as", "ben@beta.example")
expect(rc == 0, "Ben may not open B201: %s%s" % (out, err))
