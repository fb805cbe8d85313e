"""Outcome of the removal script: Olive is "removed occupant #N", Unit 101
is vacant, the one removal entry names her by id with Sam as the actor,
the cancelled first try logged nothing, and the database file holds none of
her details but in log entries written before the removal."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, ctl, log, logged, DB, STAFF

removed = [a for a in ctl("occupant", "list") if a["name"].startswith("removed occupant #")]
expect(len(removed) == 1, "one removed occupant, not %d" % len(removed))
o = removed[0]
expect(o["state"] == "removed" and o["email"] == "", "removed row: %r" % o)
expect(o["name"] == "removed occupant #%d" % o["id"], "label: %r" % o["name"])
units = ctl("occupant", "show", str(o["id"]))
expect(units.get("access") == "none", "access none: %r" % units)
removals = [e for e in log() if e["action"] == "account.remove"]
expect(len(removals) == 1, "one account.remove entry (Cancel logs nothing), not %d" % len(removals))
e = logged("account.remove", "occupant:%d" % o["id"])
expect(e["actor"] == STAFF, "actor %s" % e["actor"])
expect("olive" not in (e["target"] + e["reason"]).lower(), "entry names her: %r" % e)
expect("Unit 101" in e["reason"], "entry says which unit was vacated: %r" % e["reason"])

# The raw bytes: her details appear only as often as the log entries from
# before the removal hold them (the log is hash-chained; see operations.md).
needles = ["olive@example.com", "olive occupant", "+447700900111"]
entries = log(1000)
seq = e["seq"]
tolerated = {n: sum(str(x.get(k, "")).lower().count(n) for x in entries if x["seq"] < seq
                    for k in ("actor", "target", "reason")) for n in needles}
for path in (DB, DB + "-wal"):
    if os.path.exists(path):
        data = open(path, "rb").read().lower()
        for n in needles:
            k = data.count(n.encode())
            expect(k <= tolerated[n], "%s holds %r %d times, older log entries %d"
                   % (os.path.basename(path), n, k, tolerated[n]))
