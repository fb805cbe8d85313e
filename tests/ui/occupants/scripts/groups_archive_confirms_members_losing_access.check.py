"""Outcome of the archive script: Acme Co untouched (cancelled), Beta LLC and
Old Team archived by Sam, Beta's member kept."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged, ctl, log, STAFF

groups = {g["name"]: g for g in ctl("group", "list")}
expect(not groups["Acme Co"]["archived"], "Acme Co must not be archived (cancelled)")
expect(groups["Acme Co"]["members"] == 2, "Acme keeps 2 members")
expect(groups["Beta LLC"]["archived"], "Beta LLC archived")
expect(groups["Old Team"]["archived"], "Old Team archived")
expect(occupant("ben@beta.example")["group"] == "Beta LLC", "an archived group keeps its members")
for a in ("alice@acme.example", "arthur@acme.example"):
    expect(occupant(a)["access"] == "group" and occupant(a)["group"] == "Acme Co", a + " unchanged")
logged("group.archive", "Beta LLC")
logged("group.archive", "Old Team")
ok_acme = [e for e in log() if e["action"] == "group.archive" and "Acme" in e["target"] + e["reason"]
           and e["outcome"] == "ok"]
expect(not ok_acme, "no successful archive of Acme Co: %r" % ok_acme)
