# A board unplugged in the middle of a pulse: no crash, the door shows as
# unavailable with the reason, the loss is logged; plugged back (with a relay
# on, as after a reset), its relays are switched off and the door is
# available again, with no new log-in.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

kiosk_start kiosk_unplug
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'tap "Gate"' 'expect "Gate is open."'
shot 01_gate_open
CHECK="pulse"; relay_is ABCDE 1 on
sim remove ABCDE >/dev/null
# The unplug reaches the kiosk's libusb as a uevent (real time); then the
# kiosk's own clock moves on past its poll.
sleep 1
step 'wait 1000' 'expect "Gate: its lock board is disconnected."' \
     "expect \"Gate: its lock board was disconnected. Please try again when it is back.\"" \
     'value #lockctl.door.5 "Site › Building A"'
shot 02_unplugged
# Plugged back with relays on: switched off, door back in the list.
sim set ABCDE 0x3 >/dev/null
sim replug ABCDE >/dev/null
# The replug reaches the kiosk as a uevent in real time: give it up to ~10 s
# of real time, moving the kiosk's clock on by a poll period each time.
k=0
while :; do
    sleep 0.3
    step 'wait 1000'; shot "_replug_$k"
    [ "$(sim_state ABCDE)" = 0 ] && break
    k=$((k + 1)); [ $k -le 30 ] || fail "replugged board not taken (relays still $(sim_state ABCDE))"
done
step 'value #lockctl.door.2 "Site"' 'expect-not "its lock board is disconnected"'
shot 03_replugged
step 'tap "Gate"' 'expect "Gate is open."'
shot 04_gate_open_again
CHECK="pulse after replug"; relay_is ABCDE 1 on
step 'wait 300' 'expect "Gate is locked again."'
shot 05_gate_locked
CHECK="after replug pulse"; relay_is ABCDE 1 off
step 'tap "Done"'
kiosk_end
log_has relay.lost "board:ABCDE"
[ "$(log_count relay.found)" -ge 3 ] || fail "expected relay.found for both boards and the replug"
echo "PASS"
