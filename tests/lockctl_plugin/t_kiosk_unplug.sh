# A board unplugged in the middle of a pulse: no crash, the door shows as
# unavailable with the reason, the loss is logged; plugged back (with a relay
# on, as after a reset), its relays are switched off and the door is
# available again.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

kiosk_start kiosk_unplug
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'tap "Gate"' 'expect "Gate is open, Ann"'
shot 01_gate_open
CHECK="pulse"; relay_is ABCDE 1 on
sim remove ABCDE >/dev/null
sleep 1
step 'wait 1000' 'screen home'
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'expect "Gate: its lock board is disconnected."' \
     'value #lockctl.door.5 "Site › Building A"'
shot 02_unplugged
step 'tap "Done"' 'screen home'
sim set ABCDE 0x3 >/dev/null
sim replug ABCDE >/dev/null
k=0
while :; do
    sleep 0.3
    step 'wait 1000'; shot "_replug_$k"
    [ "$(sim_state ABCDE)" = 0 ] && break
    k=$((k + 1)); [ $k -le 30 ] || fail "replugged board not taken (relays still $(sim_state ABCDE))"
done
login_unlock ann@example.com 4682
step 'value #lockctl.door.2 "Site"' 'expect-not "its lock board is disconnected"'
shot 03_replugged
step 'tap "Gate"' 'expect "Gate is open, Ann"'
shot 04_gate_open_again
CHECK="pulse after replug"; relay_is ABCDE 1 on
step 'wait 300' 'screen home'
shot 05_gate_locked
CHECK="after replug pulse"; relay_is ABCDE 1 off
kiosk_end
log_has relay.lost "board:ABCDE"
[ "$(log_count relay.found)" -ge 3 ] || fail "expected relay.found for both boards and the replug"
echo "PASS"
