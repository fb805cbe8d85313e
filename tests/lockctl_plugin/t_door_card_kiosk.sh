# A door kiosk ([kiosk] door = Gate) with a keyboard-wedge card reader
# ([readers] keyboard = 08ff:0009), read through libevdev from an evdev
# device in the simulator's umockdev testbed, fed evemu events: a card of
# someone allowed at Gate opens it at once ("Gate is open, Ann", the relay on
# for the unlock time, then home). An unknown card says "This card is not
# registered."; a removed card, another person's card who may not open
# Gate, and a blocked account's card open nothing either: nothing reaches
# the board. Unknown and refused cards count toward the kiosk's door-code
# throttle; while it runs, even Ann's card is refused. A keyboard that is no
# reader (another vendor:product) is ignored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cards_lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ok card add ann@example.com 04:A1:B2:C3
ok card add dee@example.com DE:E0:00:01
ok card add bob@example.com B0:B0:00:01
ok card add bob@example.com B0:B0:00:02
ok card remove B0B00002
door_kiosk Gate
readers_conf
no_transfer() { [ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "$1 reached the board"; }

# A first run (umockdev's uevent queues allow ~9 plugs a run): a keyboard
# that is not a configured reader is ignored, a reader still works beside
# it, and an unplugged reader is dropped (said in the log).
kiosk_start door_card_1
before=$(sim_relay_transfers ABCDE)
# A keyboard that is not a configured reader: its keys are not a card.
/usr/bin/python3 "$READERS/evemu_card.py" --at 0.2 04a1b2c3 >"$T/kbd.events"
ans=$(sim reader plug 046d:c31c "$T/kbd.events") || fail "plug keyboard: $ans"
PLUGGED="$PLUGGED ${ans##*/event}"
for i in $(seq 1 20); do step 'sleep 100' 'wait 10'; done
step 'screen home' 'expect-not "is open"'
shot 01_keyboard_ignored
no_transfer "a keyboard that is no reader"

card_tap 04a1b2c3
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 02_reader_beside_keyboard
step 'wait 300' 'screen home'
sim reader unplug "$LAST_NODE" >/dev/null || fail "unplug"
for i in $(seq 1 15); do step 'sleep 100' 'wait 10'; done
shot 03_after_unplug
kiosk_end
readers_unplug_all
grep -q "reader lost: 08ff:0009" "$T/kiosk.err" || fail "no 'reader lost' (unplug) in the log"
! grep -q "046d:c31c" "$T/kiosk.err" || fail "the plain keyboard was taken as a reader"

# The main run.
kiosk_start door_card
step 'screen home' 'expect "Gate"' 'expect "Enter your door code"' \
     'expect "or hold your card to the reader"'
shot 01_keypad

card_tap 04a1b2c3
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 02_card_opens
CHECK="Ann's card"; relay_is ABCDE 1 on
step 'wait 300' 'screen home' 'expect-not "is open"'
shot 03_home_again
CHECK="after the unlock time"; relay_is ABCDE 1 off

before=$(sim_relay_transfers ABCDE)
card_tap cafef00d
step 'screen home' 'expect "This card is not registered."'
shot 04_unknown
card_tap b0b00002
step 'expect "This card is not registered."' 'expect-not "is open"'
shot 05_removed
card_tap dee00001
step 'screen home' 'expect "This door is outside your access."' 'expect-not "is open"'
shot 06_other_not_allowed
ok occupant set-state bob@example.com blocked
card_tap b0b00001
step 'screen home' 'expect-not "is open"'
shot 07_blocked
no_transfer "unknown, removed, not allowed and blocked cards"
log_has door.card "unknown card (hash"

# That was 4 refusals (unknown, removed, not allowed, blocked); a 5th starts
# the throttle, and then Ann's card is refused too, with the wait shown.
card_tap 99887766
step 'expect "Too many wrong codes. Try again in 30 seconds."'
shot 09_throttled
card_tap 04a1b2c3
step 'screen home' 'expect-not "is open"' 'expect "Too many wrong codes."'
shot 10_right_card_throttled
no_transfer "a card read while throttled"
step 'wait 30000' 'expect-not "Too many"'
card_tap 04a1b2c3
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 11_open_after_throttle
step 'wait 300' 'screen home'
kiosk_end
readers_unplug_all


grep -q "reader found: 08ff:0009" "$T/kiosk.err" || fail "no 'reader found' in the kiosk's log"
log_has throttle.start "5 wrong door codes within 10 min"
CHECK="after the kiosk stopped"; [ "$(sim_state ABCDE)" = 0 ] || fail "relays left on"
echo "PASS"
