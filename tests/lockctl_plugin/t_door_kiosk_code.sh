# A door kiosk ([kiosk] door = Gate): the home screen is the keypad with the
# door's name and keys of at least 96 px. The code is checked as its last digit is typed (no OK key):
# a right code for someone allowed here pulses Gate's relay at once, "Gate is
# open, Ann" shows for the unlock time and the keypad comes back by itself
# with nothing of Ann's on it. Backspace and Clear work; the digits show as
# a count. A wrong code, a blocked account's (voided) code, a revoked code
# and a code typed while the kiosk is throttled send nothing to the board; a
# right code for someone not allowed here says why, and sends nothing either.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ANN=$(door_code ann@example.com)
DEE=$(door_code dee@example.com)
BOB=$(door_code bob@example.com)
SAM=$(door_code sam@example.com)
door_code_revoke sam@example.com
[ ${#ANN} = 8 ] && [ ${#DEE} = 8 ] && [ ${#BOB} = 8 ] || fail "codes: '$ANN' '$DEE' '$BOB'"
WRONG=27183946
for c in $ANN $DEE $BOB $SAM; do [ "$c" != $WRONG ] || WRONG=61829374; done
door_kiosk Gate
# no_transfer WHAT: nothing reached the board since $before.
no_transfer() { [ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "$1 reached the board"; }

# The keypad as drawn (--dump-ui): twelve keys, each at least 96 px both
# ways, and no Unlock tile on a door kiosk.
under_sim "$GH" --config "$T/k.conf" --headless --dump-ui >"$T/ui.json" 2>"$T/kiosk.err" ||
    fail "--dump-ui"
python3 - "$T/ui.json" <<'PY' || fail "keypad keys (see above)"
import json, sys
ui = json.load(open(sys.argv[1]))
keys = [w for w in ui["widgets"] if w["id"].startswith("lockctl.key.")]
small = [w["id"] for w in keys if w["rect"]["w"] < 96 or w["rect"]["h"] < 96]
assert ui["screen"] == "home", ui["screen"]
assert len(keys) == 12, [w["id"] for w in keys]
assert not small, "keys under 96 px: %s" % small
assert not [w for w in ui["widgets"] if w["id"] == "lockctl.tile"], "Unlock tile shown"
PY

# A [kiosk] door that is no door of the site: said on the screen, no keypad.
sed '/^\[kiosk\]/,$d' "$T/k.conf" >"$T/nodoor.conf"
printf '[kiosk]\ndoor = Building A\n' >>"$T/nodoor.conf"
under_sim "$GH" --config "$T/nodoor.conf" --headless --dump-ui >"$T/ui2.json" 2>"$T/kiosk.err" ||
    fail "--dump-ui (no door)"
grep -qF "door \\\"Building A\\\" is not a door of the site" "$T/ui2.json" ||
    { cat "$T/ui2.json" >&2; fail "a kiosk door that is no door is not said"; }
! grep -qF '"lockctl.key.1"' "$T/ui2.json" || fail "a keypad for a location without a door"

kiosk_start door_kiosk
step 'screen home' 'expect "Gate"' 'expect "Enter your door code"' 'expect "0 of 8"' \
     'expect-not "Unlock"' 'expect "Use email and PIN instead"'
shot 01_keypad

# Typing, Backspace and Clear; nothing is checked before the last digit.
code_keys "${ANN:0:7}"
step 'expect "7 of 8"' 'tap #lockctl.key.back' 'expect "6 of 8"'
shot 02_typed_six
step 'tap #lockctl.key.clear' 'expect "0 of 8"'
code_keys "${ANN:0:7}"
step 'expect "7 of 8"' 'screen home'
shot 02b_seven
CHECK="seven digits"; relay_is ABCDE 1 off

# The last digit: the door opens at once.
code_keys "${ANN:7:1}"
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 03_gate_open
CHECK="right code"; relay_is ABCDE 1 on
step 'wait 299' 'screen lockctl.opened'
shot _299
CHECK="1 ms before the unlock time"; relay_is ABCDE 1 on
step 'wait 1' 'screen home' 'expect "0 of 8"' 'expect-not "Ann"' 'expect-not "is open"'
shot 04_back_to_keypad
CHECK="after the unlock time"; relay_is ABCDE 1 off

# A right code, but this door is outside Dee's access: the reason.
before=$(sim_relay_transfers ABCDE)
code_keys "$DEE"
step 'screen home' 'expect "This door is outside your access."' 'expect "0 of 8"'
shot 05_denied_here
no_transfer "Dee's code"

# Wrong (1), a blocked account's code (2: blocking voids it), a revoked
# code (3): "That code is not right.", nothing reaches the board.
code_keys "$WRONG"
step 'expect "That code is not right."' 'expect "0 of 8"'
shot 06_wrong
ok occupant set-state bob@example.com blocked
code_keys "$BOB"
step 'expect "That code is not right."' 'expect-not "is open"'
code_keys "$SAM"
step 'expect "That code is not right."' 'expect-not "is open"'
shot 06b_revoked
no_transfer "wrong, blocked and revoked codes"

# Two more wrong codes make five: the keypad refuses every code for 30 s,
# Ann's right one too, and says how long.
code_keys "$WRONG"
code_keys "$WRONG"
step 'expect "That code is not right."' 'expect "Too many wrong codes. Try again in 30 seconds."'
shot 07_throttled
code_keys "$ANN"
step 'screen home' 'expect "Too many wrong codes. Try again in 30 seconds."' 'expect-not "is open"'
shot 08_right_code_throttled
no_transfer "a code typed while throttled"
step 'wait 20000' 'expect "Try again in 10 seconds."' 'wait 10000' 'expect-not "Too many"'
code_keys "$ANN"
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 09_open_after_throttle
CHECK="after the throttle"; relay_is ABCDE 1 on
step 'wait 300' 'screen home'
shot _after
CHECK="after the throttle, unlock time"; relay_is ABCDE 1 off
kiosk_end
log_has door.unlock "Gate"
log_has door.code "wrong door code"
CHECK="after the kiosk stopped"; [ "$(sim_state ABCDE)" = 0 ] || fail "relays left on"
echo "PASS"
