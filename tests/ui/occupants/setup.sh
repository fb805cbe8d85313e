#!/bin/sh
# Makes the occupants tests' database through gatehousectl, as an operator
# would:  setup.sh GATEHOUSECTL DB
#   staff  sam@example.com PIN 2580 (manage, approve)
#          pat@example.com PIN 1357 (open_common: no manage)
#          max@example.com PIN 3690 (manage only: may not approve)
#   locations  Main Site > North Building > Front Door (common), Unit 101 (unit)
#              Main Site > South Building
#   groups     Acme Co (all locations, domain acme.example), Beta LLC (South Building),
#              Old Team (all locations, no members)
#   occupants  Olive Occupant (active, all, rents Unit 101 shared), Peter Pending
#              (pending sign-up), Ivy Inactive, Bob Blocked, Alice and Arthur Acme
#              (members of Acme Co), Ben Beta (member of Beta LLC)
set -eu
ctl=$1 db=$2
c() { "$ctl" --db "$db" "$@" >/dev/null; }
c init
c staff add --email sam@example.com --name "Sam Staff" --pin 2580 --perms manage,approve
c staff add --email pat@example.com --name "Pat Porter" --pin 1357 --perms open_common
c staff add --email max@example.com --name "Max Manager" --pin 3690 --perms manage
c location add "Main Site"
c location add "North Building" --parent "Main Site"
c location add "Front Door" --parent "North Building" --door common
c location add "Unit 101" --parent "North Building" --door unit
c location add "South Building" --parent "Main Site"
c group add "Acme Co" --all --domains acme.example
c group add "Beta LLC" --locations "South Building"
c group add "Old Team" --all
c occupant add --email olive@example.com --name "Olive Occupant" --phone "+44 7700 900111" --all
c occupant add --email ivy@example.com --name "Ivy Inactive" --phone "+1 212 555 0101" --all
c occupant set-state ivy@example.com inactive
c occupant add --email bob@example.com --name "Bob Blocked" --all
c occupant set-state bob@example.com blocked
c occupant signup --email peter@pending.example --name "Peter Pending" --phone "020 7946 0958"
c occupant add --email alice@acme.example --name "Alice Acme" --group "Acme Co"
c occupant add --email arthur@acme.example --name "Arthur Acme" --group "Acme Co"
c occupant add --email ben@beta.example --name "Ben Beta" --group "Beta LLC"
c unit rent "Unit 101" --occupant olive@example.com
c unit share "Unit 101" on
