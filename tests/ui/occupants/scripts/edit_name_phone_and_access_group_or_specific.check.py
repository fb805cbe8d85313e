"""Outcome of the edit/access script: the saved name, phone and access, and
the log entries by Sam; the refused phone change left the phone alone."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged

o = occupant("ivy@example.com")
expect(o["name"] == "Ivy Ingram", "name: %r" % o["name"])
expect(o["phone"] == "+12125550199", "phone: %r" % o["phone"])
expect(o["access"] == "specific", "access: %r" % o["access"])
# membership stays (members see one another's requests); only the access changed
expect(o["group"] == "Beta LLC", "still in Beta LLC: %r" % o["group"])
logged("account.update", "ivy@example.com")
logged("account.access", "ivy@example.com")
