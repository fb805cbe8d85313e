"""Outcome of the group edit script, through `gatehousectl group show`."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, logged, ctl

b = ctl("group", "show", "Beta LLC")
expect(b["access"] == "all", "Beta LLC access: %s" % b["access"])
expect(sorted(b["domains"]) == ["beta.example", "beta.test"], "Beta domains %r" % b["domains"])
a = ctl("group", "show", "Acme Co")
expect(a["domains"] == ["acme.example"], "Acme keeps its domain: %r" % a["domains"])
o = ctl("group", "show", "Old Team")
expect(not o["archived"], "Old Team unarchived")
logged("group.domains", "Beta LLC")
logged("group.access", "Beta LLC")
logged("group.unarchive", "Old Team")
logged("group.domains", "Beta LLC", outcome="refused")
