# The whole gatehousectl contract, happy paths, each checked through what
# the next command shows (SPEC accounts, states, groups, units, settings).
. "$(dirname "$0")/lib.sh"

small_site
ok location list
out_has "Gate"; out_has "BOARD1:1"; out_has "Unit 1"; out_has "vacant"

ok settings show
out_has "self_signup"; out_has "signup_approval"; out_has "unlock_ms"
ok settings set kiosk_name "Lobby"
ok settings show
out_has "Lobby"
refused settings set unlock_ms banana
err_has "unlock_ms"
refused settings set no_such_key 1
err_has "no_such_key"

ok group add Acme --locations "Building A" --domains acme.example
ok group add Everyone --all
ok group list
out_has "Acme"; out_has "Everyone"
ok group show Acme
out_has "Building A"; out_has "acme.example"

ok staff add --email boss@example.com --pin 2580 --perms admin --name "The Boss"
ok staff add --email approver@example.com --pin 1357 --perms approve --phone "+44 20 7946 0000"
ok staff list
out_has "boss@example.com"; out_has "admin"; out_has "approver@example.com"
# Staff and occupants share one space of identifiers.
refused occupant add --email BOSS@example.com
err_has "email"

ok occupant add --email ann@example.com --name Ann --phone "+44 7700 900001" --all
out_has "welcome email queued"
ok occupant add --email bob@example.com --name Bob --group Acme
ok occupant add --email cy@example.com --locations Gate
ok occupant show ann@example.com
out_has "Ann"; out_has "active"; out_has "all"
# WHO by phone (any format) and by id.
ok occupant show "+447700900001"
out_has "ann@example.com"
ANN_ID=$(sql "SELECT id FROM accounts WHERE email_key='ann@example.com'")
ok occupant show "$ANN_ID"
out_has "ann@example.com"
ok occupant show bob@example.com
out_has "Acme"; out_has "group"

# Self sign-up: pending while approval is on.
ok occupant signup --email dee@example.com --name Dee --org "Dee Ltd" --unit "Unit 2"
out_has "waiting for approval"
ok occupant signup --email eve@acme.example --name Eve
out_has "Acme"
ok occupant list --state pending
out_has "dee@example.com"; out_has "eve@acme.example"; out_lacks "ann@example.com"
ok occupant show dee@example.com
out_has "Dee Ltd"
ok occupant approve dee@example.com
out_has "active"
ok occupant reject eve@acme.example
out_has "inactive"
ok occupant set-state bob@example.com blocked
out_has "blocked"
ok occupant set-state bob@example.com active
out_has "active"
ok occupant list --state active
out_has "dee@example.com"; out_lacks "eve@acme.example"
refused occupant signup --email ann@example.com
ok occupant access cy@example.com --group Everyone
ok occupant show cy@example.com
out_has "Everyone"

ok group member add Acme cy@example.com dee@example.com
ok group show Acme
out_has "cy@example.com"; out_has "dee@example.com"
ok group member remove Acme cy@example.com --none
ok group show Acme
out_lacks "cy@example.com"
# Every WHO is checked before any change.
refused group member add Acme ann@example.com nobody@example.com
err_has "no account matches WHO 'nobody@example.com'"
ok group show Acme
out_lacks "ann@example.com"

# Units: rent, share, vacate.
ok unit rent "Unit 1" --occupant ann@example.com
ok unit rent "Unit 2" --group Acme
ok location list
out_has "rented to"
ok occupant show ann@example.com
out_has "Unit 1"
ok unit share "Unit 1" on
ok location list
out_has "shared with management"
ok unit share "Unit 1" off
ok unit vacate "Unit 2"
refused unit rent Gate --occupant ann@example.com
err_has "not a unit"

# Welcome mail, resend, setup code.
ok outbox list
out_has "ann@example.com"
ok --json outbox list --state queued
N1=$("$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")
ok occupant resend-welcome ann@example.com
ok --json outbox list --state queued
# the new code's mail replaces ann's older one still waiting (cancelled)
py "len(j) == $N1"
py "sum(1 for m in j if m['to'] == 'ann@example.com') == 1"
ok --json outbox list --state cancelled
py "any(m['to'] == 'ann@example.com' and 'superseded' in m['last_error'] for m in j)"
ok --json outbox list --state queued
MID=$("$PY" -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin) if m["to"]=="ann@example.com"][0])' <"$T/out")
ok outbox show "$MID"
out_has "ann@example.com"
CODE=$(grep -oE '\b[0-9]{6}\b' "$T/out" | head -1)
[ -n "$CODE" ] || fail "no setup code in the welcome mail"
refused occupant setup ann@example.com --code 000000 --pin 4826
ok occupant setup ann@example.com --code "$CODE" --pin 4826
out_has "PIN set"
ok occupant show ann@example.com
out_has "PIN set:       yes"
# The code is single use.
refused occupant setup ann@example.com --code "$CODE" --pin 4826

# Refusals: exit 1, one line naming the rule or the field.
refused unit rent "Unit 1" --occupant bob@example.com
err_has "already rented"; err_lines 1
refused unit share "Unit 3" on
err_has "vacant"
refused occupant approve ann@example.com
err_has "pending"
refused group add Acme
err_has "name"
refused location add "Unit 9" --parent Nowhere --door unit
err_has "parent"
refused location add "Unit 9" --parent Site --door unit --relay BOARD1:2
err_has "relay"
refused location add "Unit 9" --parent Site --door unit --relay nonsense
err_has "relay"
ok occupant set-state dee@example.com blocked
refused occupant signup --email dee@example.com
err_has "can't be re-activated here"
# The PIN and the code may come from standard input.
ok occupant resend-welcome cy@example.com
ok --json outbox list --state queued
CID=$("$PY" -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin) if m["to"]=="cy@example.com"][0])' <"$T/out")
ok outbox show "$CID"
CCODE=$(grep -oE '\b[0-9]{6}\b' "$T/out" | head -1)
CHECK="setup --pin -"; ctl_in $'3958\n' occupant setup cy@example.com --code "$CCODE" --pin -; rc 0
usage occupant setup cy@example.com --code - --pin -

ok log --limit 5
[ "$(wc -l <"$T/out")" = 5 ] || fail "log --limit 5 printed $(wc -l <"$T/out") lines"
ok log verify
out_has "activity log intact"
ok log --limit 0
out_has "cli:"
echo PASS
