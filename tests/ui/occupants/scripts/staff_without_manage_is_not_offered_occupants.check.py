"""Nothing changed: Peter is still pending, no state change was logged."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, log

expect(occupant("peter@pending.example")["state"] == "pending", "peter still pending")
staff_changes = [e for e in log() if e["actor"].startswith("staff:") and e["action"].startswith("account.")]
expect(not staff_changes, "no account changes by staff: %r" % staff_changes)
