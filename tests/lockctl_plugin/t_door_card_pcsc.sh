# A door kiosk with a PC/SC reader ([readers] pcsc = on): a real pcscd
# (started and stopped here) with Debian's vpcd virtual reader driver, and
# our own virtual card (tests/readers/vcard.py) answering GET DATA with its
# UID. Ann's card opens Gate; an unknown card says "This card is not
# registered." and sends nothing to the board. pcscd stopped: the staff
# screen (Cards) shows the readers' error, tenants see nothing of it; pcscd
# back: picked up again without a restart, Ann's card opens Gate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cards_lib.sh"
trap 'pcsc_stop; cleanup' EXIT
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
ok card add ann@example.com 04:A1:B2:C3:D4:E5:F6
ok staff add --email max@example.com --pin 1357 --perms manage --name "Max Manager"
door_kiosk Gate
printf '[readers]\npcsc = on\n' >>"$T/k.conf"
pcsc_start
CHECK="reader list"; ok reader list
out_has "pcsc  Virtual PCD 00 00"

kiosk_start door_pcsc
before=$(sim_relay_transfers ABCDE)
step 'screen home' 'expect "Gate"'
pcsc_tap 04A1B2C3D4E5F6
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 01_card_opens
CHECK="Ann's card (PC/SC)"; relay_is ABCDE 1 on
step 'wait 300' 'screen home'
shot 02_home
CHECK="after the unlock time"; relay_is ABCDE 1 off
before=$(sim_relay_transfers ABCDE)
pcsc_tap CAFEF00D
step 'screen home' 'expect "This card is not registered."' 'expect-not "is open"'
shot 03_unknown
[ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "an unknown card reached the board"

# pcscd goes away: tenants see nothing; the staff screen says so.
pcsc_stop
for i in $(seq 1 20); do step 'sleep 100' 'wait 10'; done
step 'screen home' 'expect-not "pcscd"'
shot 04_pcscd_gone_home
step 'tap "Staff"' 'type "max@example.com"' 'tap "Next"' 'type "1357"' 'tap "Log in"' \
     'tap "Cards"' 'screen lockctl.cards' 'expect "pcscd is not reachable"'
shot 05_staff_sees_reader_error
step 'tap #lockctl.cards.done' 'tap #staff.done' 'screen home'
# pcscd back: the same kiosk finds it again by itself (no restart).
pcsc_start
for i in $(seq 1 25); do step 'sleep 100' 'wait 10'; done
before=$(sim_relay_transfers ABCDE)
pcsc_tap 04A1B2C3D4E5F6
step 'screen lockctl.opened' 'expect "Gate is open, Ann"'
shot 06_after_restart_of_pcscd
step 'wait 300' 'screen home'
kiosk_end
pcsc_stop
log_has door.card "unknown card (hash"
grep -q "pcsc readers: pcscd" "$T/kiosk.err" || fail "pcscd's going away is not in the log"
echo "PASS"
