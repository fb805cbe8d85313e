# Overlock at a real door (issue 18): a tenant marked delinquent by an
# import is refused at their unit's door with the office sentence and no
# transfer reaches the board, while the common Gate still pulses for them;
# with overlock_gates on, the Gate refuses too; a later file without the
# mark releases the unit, and it pulses again.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8
SENTENCE="Your unit is locked for an overdue balance; please see the office."

printf 'email,name,phone,unit,delinquent\nann@example.com,Ann,,Unit 1,"$312.50"\n' >"$T/late.csv"
ok import "$T/late.csv" --no-welcome
out_has "1 overlocked"

before=$(sim_relay_transfers FT0001)
CHECK="unlock Unit 1 overlocked"; ctl unlock "Unit 1" --as ann@example.com --pin 4682; rc 1
out_has "denied: $SENTENCE"
[ "$(sim_relay_transfers FT0001)" = "$before" ] || fail "an overlocked unit's door reached board FT0001"
relay_is FT0001 2 off
log_has door.unlock "$SENTENCE"

# The way to the office: the common Gate still opens for her.
ok unlock Gate --as ann@example.com --pin 4682
out_has "granted: Gate"
relay_is ABCDE 1 off
# bob's unit is not affected.
ok unlock "Unit 2" --as bob@example.com --pin 4682

# overlock_gates: common doors refuse her too, nothing sent.
ok settings set overlock_gates on
before=$(sim_relay_transfers ABCDE)
CHECK="unlock Gate with overlock_gates"; ctl unlock Gate --as ann@example.com --pin 4682; rc 1
out_has "denied: $SENTENCE"
[ "$(sim_relay_transfers ABCDE)" = "$before" ] || fail "the Gate reached board ABCDE"
ok unlock Gate --as bob@example.com --pin 4682
ok settings set overlock_gates off

# Paid: the next file releases it, and the unit's relay pulses again.
printf 'email,name,phone,unit,delinquent\nann@example.com,Ann,,Unit 1,0.00\n' >"$T/paid.csv"
ok import "$T/paid.csv"
out_has "1 released"
before=$(sim_relay_transfers FT0001)
ok unlock "Unit 1" --as ann@example.com --pin 4682
out_has "granted: Unit 1"
[ "$(sim_relay_transfers FT0001)" -gt "$before" ] || fail "the released unit sent nothing to FT0001"
relay_is FT0001 2 off
echo "PASS"
