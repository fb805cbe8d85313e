# Leaving a group (issue 16): `group member remove NAME WHO...` needs the
# members' new access (--none, --all, --group G or --locations A,B), exit 2
# without one or with two; the access is set in the same transaction, and a
# refused new access (unknown group or location) leaves them in the group.
. "$(dirname "$0")/lib.sh"

small_site
ok group add Acme --all
ok group add Beta --locations "Unit 3"
ok occupant add --email cy@example.com --group Acme
ok occupant add --email dee@example.com --group Acme
ok occupant add --email eve@example.com --group Acme
ok occupant add --email fay@example.com --group Acme

# Without a new access, or with two: a usage error, nothing changes.
usage group member remove Acme cy@example.com
err_has "--none"
usage group member remove Acme cy@example.com --none --all
usage group member remove Acme cy@example.com --locations ""
ok --json occupant show cy@example.com
py "j['group'] == 'Acme' and j['access'] == 'group'"

# A new access that can't be given: refused, still in the group, logged.
refused group member remove Acme cy@example.com --group Nope
ok --json occupant show cy@example.com
py "j['group'] == 'Acme' and j['access'] == 'group'"
refused group member remove Acme cy@example.com --locations "No Such Place"
ok --json occupant show cy@example.com
py "j['group'] == 'Acme' and j['access'] == 'group'"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'group.member_remove' AND outcome = 'refused'")" -ge 2 ] ||
    fail "the refusals were not logged"
# Not a member: refused.
refused group member remove Beta cy@example.com --none
err_has "not a member"

# Each new access.
ok group member remove Acme cy@example.com --none
out_has "access: none"
ok --json occupant show cy@example.com
py "j['group'] in (None, '') and j['access'] == 'none'"
ok group member remove Acme dee@example.com --all
ok --json occupant show dee@example.com
py "j['group'] in (None, '') and j['access'] == 'all'"
ok group member remove Acme eve@example.com --group Beta
ok --json occupant show eve@example.com
py "j['group'] == 'Beta' and j['access'] == 'group'"
ok group member remove Acme fay@example.com --locations "Gate,Unit 1"
ok --json occupant show fay@example.com
py "j['group'] in (None, '') and j['access'] == 'specific'"
CHECK="door check Gate --as fay"; ctl door check Gate --as fay@example.com; rc 0
CHECK="door check Unit 2 --as fay"; ctl door check "Unit 2" --as fay@example.com; rc 1
ok group show Acme
out_lacks "@example.com"
ok log verify
echo ok
