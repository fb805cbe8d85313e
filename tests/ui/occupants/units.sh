#!/bin/sh
# The units tests' additions to setup.sh's site (run by their NAME.setup.sh):
#   units      Main Site > South Building > B201, B202, B203 (unit doors);
#              Unit 101 (setup.sh) stays rented to Olive, shared
#   occupants  Hana Ito (active, all locations, rents nothing)
#   tenancy    B201 rented to Ben Beta
#   units.sh GATEHOUSECTL DB
set -eu
ctl=$1 db=$2
c() { "$ctl" --db "$db" "$@" >/dev/null; }
c location add "B201" --parent "South Building" --door unit
c location add "B202" --parent "South Building" --door unit
c location add "B203" --parent "South Building" --door unit
c occupant add --email hana@example.com --name "Hana Ito" --all
c unit rent B201 --occupant ben@beta.example
