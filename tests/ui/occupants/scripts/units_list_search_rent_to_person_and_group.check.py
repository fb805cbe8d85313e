"""Outcome of the units list script: B202 is rented to Hana and B203 to the
group Acme Co, each logged as unit.rent with Sam as the actor, and Hana's
door (B202) opens for her while B203 opens for an Acme member."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, ctl, logged, SITE

units = {l["name"]: l for l in ctl("location", "list")}
b202, b203 = units["B202"], units["B203"]
hana = ctl("occupant", "show", "hana@example.com")
expect(b202["tenant_account"] == hana["id"] and not b202["shared"], "B202: %r" % b202)
acme = ctl("group", "show", "Acme Co")
expect(b203["tenant_group"] == acme["id"], "B203: %r" % b203)
expect(units["B201"]["tenant"] == "Ben Beta", "B201 changed: %r" % units["B201"])
logged("unit.rent", "B202")
logged("unit.rent", "B203")
for door, who in (("B202", "hana@example.com"), ("B203", "alice@acme.example")):
    rc, out, err = SITE.ctl("door", "check", door, "--as", who)
    expect(rc == 0, "%s may not open %s: %s%s" % (who, door, out, err))
