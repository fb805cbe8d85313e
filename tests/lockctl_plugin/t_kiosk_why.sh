# Who sees what at Unlock: a person with nothing allowed is told why in
# words; a pending account is refused at log-in with the reason; a wrong PIN
# says so and nothing opens. Staff see common doors, vacant units and units
# shared with management (per permission), with a search box that filters
# by name as they type; a staff account without open permissions is told.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

kiosk_start kiosk_why
step 'value #lockctl.tile "Open a door"'   # issue 19: the tile says what it is for
login_unlock dee@example.com 4682
step 'screen lockctl.doors' "expect \"You don't have access to any door yet.\""
shot 01_nothing_allowed
step contrast
step 'tap "Done"' 'screen home'

login_unlock pen@example.com 4682
step 'screen lockctl.login' 'expect "Your account is waiting for approval."' 'focus none'
shot 02_pending_refused
step contrast
step 'tap "Cancel"' 'screen home'

# Issue 19: a pending sign-up has no PIN yet; whatever it types, it is told
# its account waits for approval (not "wrong PIN").
login_unlock new@example.com 1234
step 'screen lockctl.login' 'expect "Your account is waiting for approval."' \
     'expect-not "That PIN is not right"' 'focus none'
shot 02b_pending_no_pin_told
step contrast
step 'tap "Cancel"' 'screen home'

login_unlock ann@example.com 1111
step 'screen lockctl.login' 'expect "PIN"' 'value #lockctl.pin ""'
shot 03_wrong_pin
step 'tap "Cancel"' 'screen home'

# Five wrong PINs lock the account's log-in; the right PIN then says so.
step 'tap "Unlock"' 'tap "Use email and PIN instead"' 'tap #lockctl.who' 'type "bob@example.com"'
for i in 1 2 3 4 5; do step 'tap #lockctl.pin' 'type "1111"' 'tap #lockctl.login.go'; done
step 'tap #lockctl.pin' 'type "4682"' 'tap #lockctl.login.go' 'screen lockctl.login' \
     'expect "log-in is locked for"' 'focus none'
shot 03b_locked_out
step 'tap "Cancel"' 'screen home'

login_unlock sam@example.com 2580
step 'screen lockctl.doors' 'expect "Gate"' 'expect "Unit 3"' 'value #lockctl.door.7 "Site › Building A · vacant unit"' \
     'expect-not "Unit 1"' 'expect-not "Unit 2"'
shot 04_staff_doors
step contrast
step 'tap #lockctl.search' 'type "unit"' 'expect "Unit 3"' 'expect-not "Gate"'
shot 05_staff_search
step contrast
step 'type "9"' 'expect "No door matches your search."'
shot 06_staff_search_none
step 'tap "Done"' 'screen home'

login_unlock nop@example.com 2580
step 'screen lockctl.doors' "expect \"You don't have permission to open any door.\"" 'expect "An administrator"' 
shot 07_staff_no_permission
step 'tap "Done"' 'screen home'
kiosk_end

# Ann shares Unit 1: now staff with open_shared see it.
ok unit share "Unit 1" on
kiosk_start kiosk_why_shared
login_unlock sam@example.com 2580
step 'screen lockctl.doors' 'expect "Unit 1"' 'value #lockctl.door.5 "Site › Building A · rented to Ann Able"' 'expect-not "Unit 2"'
shot 01_staff_shared_unit
step 'tap #lockctl.search' 'type "ann"' 'expect "Unit 1"' 'expect-not "Gate"' 'expect-not "Unit 3"'
shot 01b_staff_search_tenant
step 'tap #lockctl.search' 'key Backspace' 'key Backspace' 'key Backspace' 'tap "Unit 1"' \
     'screen lockctl.opened' 'expect "Unit 1 is open, Sam"' 'focus none'
shot 02_staff_opened_shared
CHECK="staff opened Unit 1"; relay_is FT0001 2 on
step 'wait 300' 'screen home' 'expect-not "Sam"'
shot 03_unit1_locked_home
CHECK="Unit 1 after 300 ms"; relay_is FT0001 2 off
kiosk_end
log_has auth.login "pen@example.com"
log_has auth.login "new@example.com"
echo "PASS"
