# The kiosk path with email and PIN, as a person uses it: the home tile
# "Unlock" asks for the door code, "Use email and PIN instead" leads to the
# log-in; the doors this occupant may open show nearest first (a door whose
# board is missing shows as unavailable and says why); tap one: the core's
# decision is logged, the relay goes on (seen in the simulator), "Gate is
# open, Ann" shows with a countdown, and at the door's unlock time (virtual
# clock) the relay is off and the kiosk is home: the session ends with the
# unlock. Relays found on at start-up are switched off. The share switch is
# logged with the occupant as actor. The door list with nothing tapped ends
# the session after 10 s.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
sim set ABCDE 0x5 >/dev/null
sim set FT0001 0x80 >/dev/null

kiosk_start kiosk_unlock
CHECK="start-up"; relay_is ABCDE 1 off; relay_is ABCDE 3 off; relay_is FT0001 8 off
step 'tap "Unlock"' 'screen lockctl.code' 'expect "Enter your door code"' 'expect "0 of 8"'
shot 01_code
step 'tap "Use email and PIN instead"' 'screen lockctl.login'
shot 01b_login
step 'tap "Cancel"' 'screen home'
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'expect "Logged in as Ann Able"' \
     'value #lockctl.door.2 "Site"' 'value #lockctl.door.5 "Site › Building A"' \
     'expect "Back door: its lock board was not found."' \
     'expect-not "Unit 2"' 'expect-not "Unit 3"' 'expect "Share Unit 1 with management"' \
     'min-target 64'
shot 02_doors
CHECK="before the tap"; relay_is ABCDE 1 off

step 'tap "Gate"' 'screen lockctl.opened' 'expect "Gate is open, Ann"' \
     'expect "It locks again in 1 second."' 'expect-not "Unit 1"' 'expect-not "Logged in"'
shot 03_gate_open
CHECK="after the tap"; relay_is ABCDE 1 on; relay_is ABCDE 2 off
step 'wait 299' 'screen lockctl.opened'
shot 04_gate_still_open
CHECK="1 ms before the unlock time"; relay_is ABCDE 1 on
step 'wait 1' 'screen home' 'expect-not "Ann"' 'expect-not "is open"'
shot 05_gate_locked_home
CHECK="at the unlock time"; relay_is ABCDE 1 off

# The FTDI board's door.
login_unlock ann@example.com 4682
step 'tap "Unit 1"' 'expect "Unit 1 is open, Ann"'
shot 06_unit1_open
CHECK="Unit 1"; relay_is FT0001 2 on
step 'wait 300' 'screen home'
shot 07_unit1_locked
CHECK="Unit 1 after 300 ms"; relay_is FT0001 2 off

# The board does not do it (every transfer stalls, the retry too): the
# screen says so, the failure is logged with the board, channel and door.
login_unlock ann@example.com 4682
sim stall ABCDE 4 >/dev/null
step 'tap "Gate"' "expect \"Gate could not be opened: the lock did not respond. Please tell the staff.\"" \
     'expect-not "Gate is open"' 'screen lockctl.doors'
shot 07b_relay_failed
step 'wait 1000'
CHECK="after a failed pulse"; relay_is ABCDE 1 off

# Share with management: logged with the occupant as the actor.
step 'value #lockctl.share.5 "off"' 'tap #lockctl.share.5' 'value #lockctl.share.5 "on"' \
     'expect "Unit 1 is now shared with management."'
shot 08_shared
step 'tap "Done"' 'screen home'
shot 09_home

# The rules change while the list is on screen (staff block Ann from the
# command line): the tap is decided again, refused with the reason, logged,
# and nothing reaches the board.
login_unlock ann@example.com 4682
shot 11b_ann_again
ok occupant set-state ann@example.com blocked
before=$(sim_relay_transfers ABCDE)
step 'tap "Gate"' 'expect "Gate was not opened: this account is blocked; please ask the staff."' 'expect-not "Gate is open"'
shot 11c_denied_after_block
CHECK="denied at the kiosk"; relay_is ABCDE 1 off
[ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "a denied tap reached the board"
step 'tap "Done"'
log_has door.unlock "blocked"

# Nothing tapped for 10 s on the door list: the session ends, home, and
# what was typed is gone.
login_unlock bob@example.com 4682
step 'screen lockctl.doors' 'expect "Logged in as Bob Baker"' 'wait 9990' 'screen lockctl.doors' \
     'wait 10' 'screen home' 'expect-not "Bob"' 'expect-not "Unit 2"'
shot 12_list_idle_home
step 'tap "Unlock"' 'tap "Use email and PIN instead"' 'value #lockctl.who ""' 'value #lockctl.pin ""'
shot 13_after_idle_login_empty
step 'tap "Cancel"'
kiosk_end
log_has unit.share "occupant:1"
log_has door.unlock "Gate"
log_has door.unlock "Unit 1"
log_has relay.found "board:ABCDE"
log_has relay.found "board:FT0001"
log_has relay.failed "ABCDE:1 door Gate"
log_has relay.failing "board:ABCDE"
[ "$(log_count "door.unlock")" = 4 ] || fail "expected 4 door.unlock entries (an unavailable door is not tried)"
CHECK="after the kiosk stopped"; [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
    fail "relays left on after the kiosk stopped"
echo "PASS"
