# Two boards with one ID are both refused until one is renamed: `relay list`
# says how, `relay test` and `unlock` refuse them; with one unplugged,
# `relay rename` gives the other a new ID (logged), and both work again.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board dcttech:ABCDE:2 --board ftdi:FT0001:8
ok relay list
out_has "refused, 2 boards have this ID"
out_has "gatehousectl relay rename ABCDE NEWID"
CHECK="relay test duplicate"; ctl relay test ABCDE:1 --ms 100; rc 1
CHECK="unlock duplicate"; ctl unlock Gate --as ann@example.com --pin 4682; rc 1
out_has "relay failed"
# At the kiosk, the doors on that ID show as unavailable, and why; the
# duplicate is in the activity log with how to rename.
kiosk_start kiosk_duplicate
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'expect "Gate: two lock boards have the same ID (staff must rename one)."' \
     'value #lockctl.door.5 "Site › Building A"'
shot 01_duplicate_unavailable
step 'tap "Done"'
kiosk_end
log_has relay.duplicate "gatehousectl relay rename ABCDE NEWID"

# Rename while both are present: refused, says to unplug all but one.
CHECK="rename ambiguous"; ctl relay rename ABCDE XYZ12; rc 1
grep -q "unplug all but one" "$T/err" || fail "rename of an ambiguous ID should say to unplug"
# Unplug the 4-relay one, rename the other, plug back.
sim remove ABCDE >/dev/null
ok relay rename ABCDE XYZ12
out_has "board ABCDE is now called XYZ12"
out_has "doors still wired to ABCDE (no longer this board):"
out_has "ABCDE:1  door Gate"
sim replug ABCDE >/dev/null
ok relay list
out_lacks "refused"
out_has "dcttech board ABCDE: 4 relays"
out_has "dcttech board XYZ12: 2 relays"
log_has relay.renamed "XYZ12"
ok relay test XYZ12:2 --ms 100
out_has "relay XYZ12:2 off"
ok unlock Gate --as ann@example.com --pin 4682
relay_is ABCDE 1 off
# An FTDI serial cannot be renamed here.
CHECK="rename ftdi"; ctl relay rename FT0001 FT002; rc 1
echo "PASS"
