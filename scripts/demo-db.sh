#!/usr/bin/env bash
# demo-db.sh: builds a demonstration Gatehouse database through gatehousectl
# (so every record goes through the product's rules and the activity log):
# a small self-storage site with common doors and units on relay channels,
# two groups, occupants in every state, staff (an admin with PIN 2580 and an
# approve-only account), rented and shared units and pending sign-ups, and a
# personal door code for each active occupant who may open doors.
#
#   scripts/demo-db.sh [--force] [DB]        (default DB: ./demo.db)
#
# gatehousectl is $GATEHOUSECTL, else the one on PATH, else a build folder's.
# --force replaces an existing DB; without it an existing file is left alone.
set -euo pipefail

force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
DB=${1:-./demo.db}
here=$(cd "$(dirname "$0")/.." && pwd)
CTL=${GATEHOUSECTL:-}
if [ -z "$CTL" ]; then
    CTL=$(command -v gatehousectl || true)
    for b in "$here"/build*/kiosk/gatehousectl; do
        [ -n "$CTL" ] || { [ -x "$b" ] && CTL=$b; }
    done
fi
[ -n "$CTL" ] && [ -x "$CTL" ] || { echo "demo-db: gatehousectl not found (set GATEHOUSECTL)" >&2; exit 1; }
if [ -e "$DB" ]; then
    [ "$force" = 1 ] || { echo "demo-db: $DB exists (use --force to replace it)" >&2; exit 1; }
    rm -f "$DB" "$DB-wal" "$DB-shm"
fi

g() { "$CTL" --db "$DB" "$@" >/dev/null; }

g init
g settings set kiosk_name "Harbour Storage"

# The site tree: site > buildings > floors > doors.
g location add "Harbour Storage"
g location add "Main Gate"   --parent "Harbour Storage" --door common --relay BOARD1:1
g location add "Building A"  --parent "Harbour Storage"
g location add "A Entrance"  --parent "Building A" --door common --relay BOARD1:2
g location add "A Floor 1"   --parent "Building A"
g location add "A101" --parent "A Floor 1" --door unit --relay BOARD1:3
g location add "A102" --parent "A Floor 1" --door unit --relay BOARD1:4
g location add "A103" --parent "A Floor 1" --door unit --relay BOARD1:5
g location add "A104" --parent "A Floor 1" --door unit --relay BOARD1:6 --unlock-ms 8000
g location add "Building B"  --parent "Harbour Storage"
g location add "B Entrance"  --parent "Building B" --door common --relay BOARD2:1
g location add "B201" --parent "Building B" --door unit --relay BOARD2:2
g location add "B202" --parent "Building B" --door unit --relay BOARD2:3

# Groups: a company with its own building and email domain, and a crew
# that goes everywhere.
g group add "Acme Ltd" --locations "Main Gate,Building A" --domains acme.example
g group add "Night Crew" --all

# Staff. PINs are read from standard input (--pin -), which keeps them out
# of ps(1) and shell history.
printf '2580\n' | g staff add --email manager@harbour.example --name "Morgan Manager" \
    --phone "+44 20 7946 0001" --pin - --perms admin
printf '2580\n' | g staff add --email desk@harbour.example --name "Dee Desk" --pin - --perms approve
printf '2580\n' | g staff add --email facilities@harbour.example --name "Finn Facilities" \
    --pin - --perms open_common,open_vacant,open_shared

# Occupants: active, in a group, with specific locations, inactive, blocked.
g occupant add --email alice@example.com --name "Alice Archer" --phone "+44 7700 900101" --all
g occupant add --email bob@acme.example --name "Bob Baker" --group "Acme Ltd"
g occupant add --email carol@example.com --name "Carol Cruz" --locations "Main Gate,Building B"
g occupant add --email night@example.com --name "Nia Night" --group "Night Crew"
g occupant add --email dave@example.com --name "Dave Doe" --all
g occupant set-state dave@example.com inactive
g occupant add --email erin@example.com --name "Erin Evans" --all
g occupant set-state erin@example.com blocked

# Units: rented to an occupant (one shared with management), to a group,
# and vacant ones (A103, A104, B202).
g unit rent A101 --occupant alice@example.com
g unit share A101 on
g unit rent A102 --group "Acme Ltd"
g unit rent B201 --occupant carol@example.com

# Pending self sign-ups (approval is on by default): one asking for a unit,
# one joining Acme by email domain.
g occupant signup --email frank@example.com --name "Frank Fisher" --org "Fisher & Sons" --unit "A103"
g occupant signup --email grace@acme.example --name "Grace Green" --phone "+44 7700 900202"

# Door codes for everyone active who may open a door (the pending, inactive
# and blocked get none: the rule refuses them). A code is shown only when it
# is issued; scripts/demo.sh issues a fresh one for Alice to try.
codes=""
for who in alice@example.com bob@acme.example carol@example.com night@example.com \
           facilities@harbour.example; do
    codes="$codes  $who $("$CTL" --db "$DB" door-code issue "$who")"$'\n'
done

"$CTL" --db "$DB" log verify >/dev/null
echo "demo database: $DB"
echo "  staff: manager@harbour.example (admin), desk@harbour.example (approve), PIN 2580"
echo "  door codes (shown only now; gatehousectl door-code issue WHO makes a new one):"
printf '%s' "$codes"
# Suggest the commands exactly as they run from where we were started.
show_ctl=$CTL
case "$CTL" in "$PWD"/*) show_ctl=${CTL#"$PWD"/} ;; esac
show_db=$DB
case "$DB" in "$PWD"/*) show_db=${DB#"$PWD"/} ;; esac
echo "  try:   $show_ctl --db $show_db occupant list"
echo "         $show_ctl --db $show_db location list"
