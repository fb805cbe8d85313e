# Cards from the person page (issue 13: "staff with manage open a person and
# tap 'Add card', then 'Hold the card to the reader'"): the occupants
# plugin's person page lists the person's cards and offers "Add card",
# which opens the lock control plugin's Cards screen for THAT person,
# already holding for a card (push with struct gh_cards_open; plugins never
# call each other). The next card read on a keyboard-wedge reader (evemu
# events through libevdev under umockdev) is attached to Ann; back on her
# page it is listed, and "Remove card" there removes it. The database is
# checked after with gatehousectl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cards_lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ok card add ann@example.com 04:A1:B2:C3
ok staff add --email max@example.com --pin 1357 --perms manage --name "Max Manager"
readers_conf
sed -i 's/^enable = lockctl$/enable = lockctl, occupants/' "$T/k.conf"

kiosk_start person
readers_up
step 'tap "Staff"' 'type "max@example.com"' 'tap "Next"' 'type "1357"' 'tap "Log in"' \
     'tap "Occupants"' 'type "ann"' 'tap "Ann Able"' 'screen occupants.person' \
     'drag #occupants.person.state 0 -700' \
     'expect "Card ending b2c3"' 'expect "Add card"'
shot 01_person_cards
step 'tap #occupants.person.addcard' 'screen lockctl.cards' 'expect "Ann Able"' \
     'expect "Hold the card to the reader"' 'expect "Waiting 30 more seconds."'
shot 02_hold
card_tap 0A0B0C0D
step 'screen lockctl.cards' 'expect "Card added."' 'expect "Card ending 0c0d"' \
     'expect-not "Hold the card"'
shot 03_added
CHECK="card list ann (added)"; ok card list ann@example.com
out_has "...0c0d"; out_has "...b2c3"
step 'tap #lockctl.cards.done' 'screen occupants.person' \
     'drag #occupants.person.state 0 -700' \
     'expect "Card ending 0c0d"' 'expect "Card ending b2c3"'
shot 04_back_on_person
# the newest (...0c0d) is listed first
step 'tap #occupants.person.card.remove.0' 'expect "Card removed."' \
     'expect-not "Card ending 0c0d"' 'expect "Card ending b2c3"'
shot 05_removed

kiosk_end
[ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] || fail "a door opened"
CHECK="card list ann"; ok card list ann@example.com
out_has "...b2c3"; out_lacks "...0c0d"
log_has card.add "card ...0c0d added"
log_has card.remove "card ...0c0d removed"
echo "PASS"
