# `relay list` finds boards of both families by their own ID (dcttech board
# ID, FTDI USB serial), shows each relay's state and the door bound to it,
# and names doors wired to a board that is not there.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
sim set ABCDE 0x4 >/dev/null
ok relay list
out_has "dcttech board ABCDE: 4 relays"
out_has "ftdi board FT0001: 8 relays"
out_has "ABCDE:1  off  door Gate"
out_has "ABCDE:2  off  door Unit 2"
out_has "FT0001:2  off  door Unit 1"
out_has "ABCDE:4  off  -"
out_has "doors wired to relays not found:"
out_has "GONE1:1  door Back door"
out_has "relays on when found (switched off): 3"
# Taking a board switches everything off (relay 3 was on).
[ "$(sim_state ABCDE)" = 0 ] || fail "relay list left ABCDE at $(sim_state ABCDE)"
ok --json relay list
/usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
b = {x["id"]: x for x in j}
assert b["ABCDE"]["family"] == "dcttech" and b["ABCDE"]["channels"] == 4, b
assert b["FT0001"]["family"] == "ftdi" and b["FT0001"]["channels"] == 8, b
assert b["FT0001"]["relays"][1] == {"channel": 2, "on": False, "door": "Unit 1"}, b
assert b["ABCDE"]["found_on"] == 0 and b["ABCDE"]["status"] == "ok", b
' "$T/out" || fail "relay list --json"
echo "PASS"
