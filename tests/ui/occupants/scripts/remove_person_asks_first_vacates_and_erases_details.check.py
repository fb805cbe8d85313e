"""Outcome of the removal script: Olive is "removed occupant #N", Unit 101
is vacant, the one removal entry names her by id with Sam as the actor,
the cancelled first try logged nothing, `log` shows every entry about her as
"removed occupant #N", and the database file and its WAL hold none of her
details, the log included (entries name accounts by id only, issue 16)."""
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

# Every entry about her (her creation, her welcome mail, the removal) is
# shown as "removed occupant #N" and names her nowhere.
label = "removed occupant #%d" % o["id"]
mine = [x for x in log(1000) if "occupant:%d" % o["id"] in x["target"] + x["reason"]]
expect(len(mine) >= 2, "entries about her: %r" % mine)
for x in mine:
    shown = x["target_shown"] + x["reason_shown"]
    expect(label in shown and "olive" not in shown.lower(), "shown as: %r" % x)

# The raw bytes: none of her details, anywhere.
needles = ["olive@example.com", "olive occupant", "+447700900111"]
for path in (DB, DB + "-wal"):
    if os.path.exists(path):
        data = open(path, "rb").read().lower()
        for n in needles:
            k = data.count(n.encode())
            expect(k == 0, "%s holds %r %d times" % (os.path.basename(path), n, k))
