# After an email + PIN log-in at a lobby kiosk: "Recent openings" lists the
# openings of the person's units and of the doors they may open, newest
# first, with who ("You", "Management" for staff, the
# opener's name only on the person's own units, "Another occupant" on a
# common door) and when, from the activity log. "My door code" says a new
# code voids the old one and asks first; after that the old code is "not
# right" at the keypad and the account still holds a live code. A door code
# log-in shows neither button.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
OLD=$(door_code ann@example.com)
BOB=$(door_code bob@example.com)
[ ${#OLD} = 8 ] && [ ${#BOB} = 8 ] || fail "codes: '$OLD' '$BOB'"

kiosk_start door_mine
# Openings: Ann (code, Gate), Bob (code, Gate), staff Sam (Unit 1, shared).
step 'tap "Unlock"'
code_keys "$OLD"
step 'screen lockctl.doors' 'expect-not "My door code"' 'expect-not "Recent openings"'
shot 01_code_login_no_account_buttons
step 'tap "Gate"' 'wait 300' 'screen home'
step 'tap "Unlock"'
code_keys "$BOB"
step 'screen lockctl.doors' 'tap "Gate"' 'wait 300' 'screen home'
ok unit share "Unit 1" on
login_unlock sam@example.com 2580
step 'screen lockctl.doors' 'tap "Unit 1"' 'wait 300' 'screen home'

login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'tap "Recent openings"' 'screen lockctl.openings' \
     'expect "Management ·"' 'expect "Another occupant ·"' 'expect "You ·"' \
     'expect-not "Bob"' 'expect-not "Sam"'
shot 02_recent_openings
step 'tap "Back"' 'screen lockctl.doors'

# My door code: asked first, then a new code; the old one stops working.
step 'tap "My door code"' 'screen lockctl.mycode' 'expect "your old code stops working"'
shot 03_mycode_before
step 'tap #lockctl.mycode.new' 'expect "Get a new door code?"'
shot 04_mycode_confirm
step 'tap #lockctl.mycode.confirm.ok' 'expect "Your new door code:"' \
     'expect "Your old code no longer works."'
shot 05_mycode_new
step 'tap "Done"' 'screen lockctl.doors' 'tap "Done"' 'screen home' 'expect-not "Ann"'
before=$(sim_relay_transfers ABCDE)
step 'tap "Unlock"'
code_keys "$OLD"
step 'screen lockctl.code' 'expect "That code is not right."'
shot 06_old_code_not_right
[ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "the old code reached the board"
step 'tap "Cancel"'
kiosk_end
ok --json occupant show ann@example.com
out_has '"door_code":true'
log_has door.unlock "Unit 1"
echo "PASS"
