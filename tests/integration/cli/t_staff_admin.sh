# Staff accounts from the command line: show, set-perms, resend-welcome,
# clear-lockout, and the rule that the last active admin keeps admin and
# stays active (refused, logged, nothing changed). Self-demotion needs a
# staff actor, which only the kiosk has: tests/unit/staff_admin and the
# kiosk script tests/ui check it.
. "$(dirname "$0")/lib.sh"
small_site
ok staff add --email boss@example.com --pin 2580 --perms admin --name "The Boss"
ok staff add --email desk@example.com --perms approve,manage --name "Desk"
out_has "welcome email with a setup code queued"
ok occupant add --email tenant@example.com --all

# staff show: permissions, state, PIN; an occupant is refused.
ok staff show desk@example.com
out_has "approve,manage"; out_has "PIN set:       no"
ok --json staff show boss@example.com
py 'j["email"] == "boss@example.com" and "admin" in j["perms"]'
refused staff show tenant@example.com
err_has "is an occupant, not a staff account"
CHECK=welcome; [ "$(sql "SELECT count(*) FROM outbox WHERE to_addr = 'desk@example.com' AND kind = 'welcome'")" = 1 ] \
    || fail "desk's welcome email was not queued"

# The last active admin can't lose admin or be switched off.
refused staff set-perms boss@example.com approve
err_has "boss@example.com is the last active admin"
[ "$(sql "SELECT perms FROM accounts WHERE email = 'boss@example.com'")" = 32 ] \
    || fail "the refused set-perms changed the permissions"
refused occupant set-state boss@example.com inactive
err_has "last active admin"
refused occupant set-state boss@example.com blocked
[ "$(sql "SELECT state FROM accounts WHERE email = 'boss@example.com'")" = active ] \
    || fail "the refused switch-off changed the state"
ok log --limit 3
out_has "staff.perms"; out_has "refused"

# With a second admin, the first may go; then the second is the last.
ok staff set-perms desk@example.com approve,manage,admin
out_has "permissions of desk@example.com: approve,manage,admin"
ok staff set-perms boss@example.com approve,open_common
ok staff show boss@example.com
out_has "approve,open_common"
refused occupant set-state desk@example.com inactive
err_has "last active admin"
# An inactive admin does not count as the one that keeps the building.
ok staff set-perms boss@example.com admin
ok occupant set-state boss@example.com inactive
refused staff set-perms desk@example.com manage
err_has "last active admin"
# Taking admin from an inactive admin is fine.
ok staff set-perms boss@example.com manage

# Bad input: unknown permission (usage, exit 2), occupant, unknown account.
usage staff set-perms desk@example.com approve,fly
err_has "fly"
refused staff set-perms tenant@example.com approve
refused staff set-perms nobody@example.com approve

# resend-welcome: a new setup code, the old one void.
ok staff resend-welcome desk@example.com
out_has "welcome email queued for desk@example.com"
[ "$(sql "SELECT count(*) FROM outbox WHERE to_addr = 'desk@example.com' AND kind = 'welcome'")" = 2 ] \
    || fail "resend-welcome queued no second email"

# Lock-outs: three wrong codes lock the account; clear-lockout ends it.
ok settings set pin_attempts 3
for i in 1 2 3; do
    CHECK="wrong code $i"; ctl occupant setup tenant@example.com --code 000000 --pin 2468
    rc 1
done
ok occupant show tenant@example.com
out_has "locked until:"
ok occupant clear-lockout tenant@example.com
out_has "lock-out cleared for tenant@example.com"
[ "$(sql "SELECT locked_until FROM accounts WHERE email = 'tenant@example.com'")" = 0 ] \
    || fail "the lock-out is still in the database"
refused occupant clear-lockout tenant@example.com
err_has "not locked out"
for i in 1 2 3; do
    CHECK="staff wrong code $i"; ctl occupant setup desk@example.com --code 000000 --pin 2468
    rc 1
done
ok staff clear-lockout desk@example.com
ok log --limit 5
out_has "auth.clear_lockout"
refused staff clear-lockout tenant@example.com
echo PASS
