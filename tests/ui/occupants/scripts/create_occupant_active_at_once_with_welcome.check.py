"""Outcome of the create script: Nina is active at once, in Beta LLC with
group access, one welcome email queued, created by Sam (the log's actor)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged, welcomes, ctl

o = occupant("nina@newco.example")
expect(o["state"] == "active", "state: %s" % o["state"])
expect(o["name"] == "Nina New", "name: %r" % o["name"])
expect(o["phone"] == "+4930123456", "phone: %r" % o["phone"])
expect(o["access"] == "group" and o["group"] == "Beta LLC", "access %s group %s" % (o["access"], o["group"]))
expect(len(welcomes("nina@newco.example")) == 1, "one welcome email for nina")
logged("account.create", "nina@newco.example")
# the refused duplicate made nothing
expect(len([a for a in ctl("occupant", "list") if a["email"].lower() == "olive@example.com"]) == 1,
       "olive once")
q = occupant("quinn@solo.example")
expect(q["state"] == "active" and q["name"] == "" and q["phone"] is None, "quinn: %r" % q)
# the picker's start: signup_default_access (none by default)
expect(q["access"] == "none", "quinn's access: %s" % q["access"])
expect(len(welcomes("quinn@solo.example")) == 1, "one welcome email for quinn")
