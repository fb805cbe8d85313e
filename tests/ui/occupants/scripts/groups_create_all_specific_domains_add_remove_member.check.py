"""Outcome of the groups script, through `gatehousectl group show`."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged, ctl

g = ctl("group", "show", "Gamma Ltd")
expect(g["access"] == "all", "gamma access %s" % g["access"])
expect(sorted(g["domains"]) == ["gamma.example", "gamma.test"], "gamma domains %r" % g["domains"])
expect([m["email"] for m in g["member_list"]] == ["ben@beta.example"], "gamma members %r" % g["member_list"])
d = ctl("group", "show", "Delta Works")
expect(d["access"] == "specific" and d["locations"] == ["South Building"], "delta %r" % d)
expect(d["domains"] == ["delta.example"], "delta domains %r" % d["domains"])
o = occupant("olive@example.com")
expect(o["group"] is None, "olive taken out")
expect(o["access"] == "all", "olive's access after leaving, chosen on the kiosk: %r" % o["access"])
b = occupant("ben@beta.example")
expect(b["group"] == "Gamma Ltd" and b["access"] == "group", "ben moved: %r" % b)
logged("group.add", "Gamma Ltd")
logged("group.add", "Delta Works")
logged("group.member_add", "Gamma Ltd")
logged("group.member_remove", "Gamma Ltd")
