"""Outcome of the quick-actions script: states, welcome mails, log entries
with Sam (staff) as the actor."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged, welcomes, log, STAFF

o = occupant("olive@example.com")
expect(o["state"] == "active", "olive should end active, is %s" % o["state"])
# created (setup) + resend + activate + unblock
n = len(welcomes("olive@example.com"))
expect(n == 4, "olive should have 4 welcome mails queued, has %d" % n)
for action in ("account.welcome", "account.deactivate", "account.activate", "account.block",
               "account.unblock"):
    logged(action, "olive@example.com")
# the cancelled block left no second block entry
blocks = [e for e in log() if e["action"] == "account.block" and "olive" in e["target_shown"]]
expect(len(blocks) == 1, "one block, not %d" % len(blocks))
p = occupant("peter@pending.example")
expect(p["state"] == "active", "peter approved: %s" % p["state"])
logged("account.approve", "peter@pending.example")
expect(len(welcomes("peter@pending.example")) == 1, "peter's welcome mail")
