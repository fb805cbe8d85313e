# Enrolment at the kiosk (issue 13): staff with `manage` tap Cards, find a
# person, tap "Add card", "Hold the card to the reader": the next card read
# (a keyboard-wedge reader, evemu events through libevdev) is attached; a
# card someone else holds is refused ("This card is already registered.");
# with no card within 30 s it gives up; "Remove card" removes one. Then, at
# this lobby kiosk, a card is a log-in: Ann's card shows her doors, an
# unknown card says "This card is not registered." and opens nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cards_lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ok card add ann@example.com 04:A1:B2:C3
ok card add bob@example.com B0:B0:00:01
ok staff add --email max@example.com --pin 1357 --perms manage --name "Max Manager"
readers_conf

kiosk_start enrol
readers_up
# Nothing opens here: both boards stay off (the manager's periodic read-backs
# are transfers too, so the states are checked, and the log at the end).
all_off() { [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] || fail "$1 opened a door"; }
step 'tap "Staff"' 'type "max@example.com"' 'tap "Next"' 'type "1357"' 'tap "Log in"' \
     'tap "Cards"' 'screen lockctl.cards' 'tap #lockctl.cards.who' 'type "ann@example.com"' \
     'tap #lockctl.cards.find' 'expect "Ann Able"' 'expect "Card ending b2c3"' \
     'expect "keyboard: no reader plugged in"'
shot 01_person
step 'tap #lockctl.cards.add' 'expect "Hold the card to the reader"' 'expect "Waiting 30 more seconds."'
shot 02_hold
card_tap 0A0B0C0D
step 'screen lockctl.cards' 'expect "Card added."' 'expect "Card ending 0c0d"' \
     'expect "Card ending b2c3"' 'expect-not "Hold the card"'
shot 03_added
# Bob's card: refused, attached to nobody else.
step 'tap #lockctl.cards.add'
card_tap b0b00001
step 'expect "This card is already registered."' 'expect-not "Card ending 0001"'
shot 04_already_registered
# No card: after 30 s it gives up.
step 'tap #lockctl.cards.add' 'wait 29000' 'expect "Waiting 1 more seconds."' 'wait 1000' \
     'expect "No card was read. Tap Add card to try again."' 'expect-not "Hold the card"'
shot 05_gave_up
# Remove card: the newest (...0c0d) first.
step 'tap #lockctl.cards.remove.0' 'expect "Card removed."' 'expect-not "Card ending 0c0d"' \
     'expect "Card ending b2c3"'
shot 06_removed
step 'tap #lockctl.cards.done' 'tap #staff.done' 'screen home'
all_off "enrolment"

# A lobby kiosk: Ann's card is her log-in (her doors are listed); an
# unknown card opens nothing.
card_tap 04a1b2c3
step 'screen lockctl.doors' 'expect "Gate"' 'expect "Unit 1"'
shot 07_lobby_card_login
all_off "a card log-in"
step 'wait 10000' 'screen home'
card_tap 0a0b0c0d
step 'screen home' 'expect "This card is not registered."'
shot 08_lobby_unknown
kiosk_end
all_off "an unknown card at the lobby"
[ "$(log_count door.unlock)" = 0 ] || fail "a door was unlocked"
CHECK="card list ann"; ok card list ann@example.com
out_has "...b2c3"; out_lacks "...0c0d"
CHECK="card list bob"; ok card list bob@example.com
out_has "...0001"
log_has card.add "card ...0c0d added"
log_has card.remove "card ...0c0d removed"
log_has card.add "card ...0001 is already registered"
log_has auth.card "logged in with a card"
echo "PASS"
