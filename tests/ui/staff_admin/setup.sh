#!/bin/sh
# The staff-accounts tests' database, made through gatehousectl:
#   staff  boss@example.com  PIN 2580  admin         (id 1, the only admin)
#          desk@example.com  PIN 1357  approve,manage (id 2), locked out by
#          three wrong setup codes (pin_attempts 3)
#   location Gate (common door)
#   occupant olive@example.com (all), locked out the same way
set -eu
ctl=$1 db=$2
c() { "$ctl" --db "$db" "$@" >/dev/null; }
c init
c staff add --email boss@example.com --name "Bea Boss" --pin 2580 --perms admin
c staff add --email desk@example.com --name "Dan Desk" --pin 1357 --perms approve,manage
c location add Gate --door common
c occupant add --email olive@example.com --name "Olive Occupant" --all
c settings set pin_attempts 3
for who in desk@example.com olive@example.com; do
  for i in 1 2 3; do
    "$ctl" --db "$db" occupant setup "$who" --code 000000 --pin 2468 >/dev/null 2>&1 || true
  done
  "$ctl" --db "$db" occupant show "$who" | grep -q "locked until" || {
    echo "setup: $who is not locked out" >&2; exit 1; }
done
