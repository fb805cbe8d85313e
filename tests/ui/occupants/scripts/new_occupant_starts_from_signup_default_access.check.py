"""Outcome: Rita, created as the form started (signup_default_access = all),
has all locations; Sol, for whom None was chosen in the picker, has none."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ghcheck import expect, occupant, logged

r = occupant("rita@start.example")
expect(r["state"] == "active" and r["access"] == "all", "rita: %r" % r)
s = occupant("sol@start.example")
expect(s["state"] == "active" and s["access"] == "none", "sol: %r" % s)
logged("account.create", "rita@start.example")
