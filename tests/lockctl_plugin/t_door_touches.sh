# Touches from the idle home screen to the relay on, counted from every tap
# the script makes: a door kiosk exactly door_code_digits (8); a lobby kiosk
# at most the digits + 2 (the Unlock tile, the code, the door): a person with
# one door needs no list (it opens at once), a person with several taps one.
# Before the last touch nothing is on. The lobby's door list left alone ends
# the session after 10 s (home, nothing of the person's on screen), and a
# wrong code at the lobby says only "That code is not right.". A code half
# typed on a door kiosk is wiped by the idle time-out.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ok occupant add --email cy@example.com --name "Cy Cole" --locations Gate
ANN=$(door_code ann@example.com)
CY=$(door_code cy@example.com)
[ ${#ANN} = 8 ] && [ ${#CY} = 8 ] || fail "codes: '$ANN' '$CY'"
WRONG=27183946
for c in $ANN $CY; do [ "$c" != $WRONG ] || WRONG=61829374; done

# Every "tap" line sent to the kiosk is one touch.
TOUCHES=0
step() {
    for l in "$@"; do
        case $l in "tap "*) TOUCHES=$((TOUCHES + 1)) ;; esac
        printf '%s\n' "$l" >&3 || fail "kiosk gone before: $l"
    done
}
# touches_were N MAX: the count since home is N (exactly, or at most MAX).
touches_were() {
    [ "$TOUCHES" -le "$2" ] && [ "$TOUCHES" -ge "$1" ] ||
        fail "$TOUCHES touches to open (${CHECK:-}), expected $1..$2"
}

kiosk_start lobby_touches
# One door (Cy: Gate only): the tile, 8 digits, open.
step 'screen home'; TOUCHES=0
step 'tap "Unlock"' 'screen lockctl.code'
code_keys "${CY:0:7}"
shot 01_lobby_seven
CHECK="lobby, before the last digit"; relay_is ABCDE 1 off
code_keys "${CY:7:1}"
step 'screen lockctl.opened' 'expect "Gate is open, Cy"'
shot 02_lobby_one_door_open
CHECK="lobby, one door"; relay_is ABCDE 1 on; touches_were 9 10
step 'wait 300' 'screen home' 'expect-not "Cy"'
shot 03_home
CHECK="lobby, one door, unlock time"; relay_is ABCDE 1 off

# Several doors (Ann): the tile, 8 digits, the door: digits + 2.
TOUCHES=0
step 'tap "Unlock"'
code_keys "$ANN"
step 'screen lockctl.doors' 'expect "Logged in as Ann Able"' 'expect "Unit 1"'
shot 04_lobby_doors
CHECK="lobby, the list"; relay_is ABCDE 1 off
step 'tap "Gate"' 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 05_lobby_gate_open
CHECK="lobby, several doors"; relay_is ABCDE 1 on; touches_were 10 10
step 'wait 300' 'screen home' 'expect-not "Ann"'
shot _after_ann
CHECK="lobby, several doors, unlock time"; relay_is ABCDE 1 off

# The list left alone: 10 s, then home; nothing of Ann's stays.
step 'tap "Unlock"'
code_keys "$ANN"
step 'screen lockctl.doors' 'wait 9990' 'screen lockctl.doors' 'expect "Ann"' \
     'wait 10' 'screen home' 'expect-not "Ann"' 'expect-not "Unit 1"'
shot 06_list_idle_home

# A wrong code at the lobby: the pad says so and stays.
before=$(sim_relay_transfers ABCDE)
step 'tap "Unlock"'
code_keys "$WRONG"
step 'screen lockctl.code' 'expect "That code is not right."' 'expect "0 of 8"'
shot 07_lobby_wrong
[ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "a wrong code reached the board"
step 'tap "Cancel"' 'screen home'
kiosk_end

# A door kiosk: exactly the code's digits.
door_kiosk Gate
kiosk_start door_touches
step 'screen home'; TOUCHES=0
code_keys "${ANN:0:7}"
shot 01_door_seven
CHECK="door kiosk, before the last digit"; relay_is ABCDE 1 off
code_keys "${ANN:7:1}"
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 02_door_open
CHECK="door kiosk"; relay_is ABCDE 1 on; touches_were 8 8
step 'wait 300' 'screen home'
# A code half typed and left: the idle time-out wipes it.
code_keys "${ANN:0:3}"
step 'expect "3 of 8"' 'wait 60000' 'screen home' 'expect "0 of 8"'
shot 03_door_idle_wiped
kiosk_end
echo "PASS"
