# Bad input gets a clear refusal naming the field (SPEC "Accounts and
# identifiers"); injection text is stored literally; unknown WHO is named.
. "$(dirname "$0")/lib.sh"

small_site
# CR/LF and other control characters in a name: refused, naming the field.
refused occupant add --email a@example.com --name $'Ann\nEvil: header'
err_has "name"; err_lines 1
refused occupant add --email a@example.com --name $'Ann\rX'
err_has "name"
refused occupant signup --email a@example.com --name $'A\x01B'
err_has "name"
refused staff add --email s@example.com --pin 2580 --perms admin --name $'S\nX'
err_has "name"
# Overlong fields.
refused occupant add --email a@example.com --name "$(printf 'x%.0s' $(seq 101))"
err_has "name"
ok occupant add --email a100@example.com --name "$(printf 'é%.0s' $(seq 100))"
refused occupant add --email "$(printf 'a%.0s' $(seq 250))@example.com"
err_has "email"
# Malformed identifiers.
refused occupant add --email not-an-email
err_has "email"
refused occupant add --email "two@@example.com"
err_has "email"
refused occupant add --email "sp ace@example.com"
err_has "email"
refused occupant add --email ph@example.com --phone 12
err_has "phone"
refused staff add --email s@example.com --pin 12 --perms admin
err_has "PIN"
refused staff add --email s@example.com --pin 2580 --perms superuser
err_has "superuser"
# Nothing of the above was stored.
ok --json occupant list
py 'len(j) == 1'

# Injection strings are data: stored and shown back literally.
INJ="Robert'); DROP TABLE accounts;--"
ok occupant add --email "bobby@example.com" --name "$INJ"
ok occupant show bobby@example.com
out_has "$INJ"
ok location add "Door'; DELETE FROM locations;--" --parent Site --door common
ok location list
out_has "Door'; DELETE FROM locations;--"; out_has "Gate"
ok occupant add --email "x@example.com" --name '%s%n%x $(id) `id`'
ok occupant show x@example.com
out_has '%s%n%x $(id) `id`'
[ "$(sql 'SELECT count(*) FROM accounts')" = 3 ] || fail "accounts table damaged"

# Unknown WHO, location, group.
refused occupant show nobody@example.com
err_has "no account matches WHO 'nobody@example.com'"
refused occupant approve 99999
err_has "no account matches WHO '99999'"
refused door check Nowhere --as bobby@example.com
err_has "no location named 'Nowhere'"
refused door check Gate --as ghost@example.com
err_has "no account matches WHO 'ghost@example.com'"
refused group show Nope
err_has "no group named 'Nope'"
refused unit rent "Unit 1" --group Nope
err_has "Nope"
# A control character in WHO is not echoed raw to the terminal.
refused occupant show $'evil\033[2J@example.com'
err_has "evil?[2J@example.com"

# --pin - reads the PIN from standard input.
CHECK="staff add --pin -"; ctl_in $'2580\n' staff add --email pin@example.com --pin - --perms admin; rc 0
CHECK="staff add --pin - empty"; ctl_in '' staff add --email pin2@example.com --pin - --perms admin; rc 1
err_has "PIN"
# Duplicate identifiers across kinds.
refused occupant add --email PIN@example.com
err_has "email"
echo PASS
