#!/usr/bin/env bash
# docs-shots.sh: the README's screenshots (docs/img/*.png), full size
# (1080x1920), made by the kiosk itself: `gatehouse --headless --script`
# with `shot` steps, on the demonstration database (scripts/demo-db.sh).
#
#   scripts/docs-shots.sh [BUILD_DIR]        (default: build)
#
# Writes docs/img/home.png, signup.png, unlock.png, approvals.png,
# occupants.png, door.png (a door kiosk) and signup-es.png (Spanish).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-$here/build}" && pwd)
gh=$b/kiosk/gatehouse
ctl=$b/kiosk/gatehousectl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-docshots-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
GATEHOUSECTL=$ctl "$here/scripts/demo-db.sh" "$tmp/demo.db" > /dev/null
conf() {   # conf [DOOR]
    printf '[store]\npath = %s/demo.db\n[plugins]\ndir = %s/plugins\n' "$tmp" "$b" > "$tmp/k.conf"
    printf '[screen]\nwidth = 1080\nheight = 1920\n' >> "$tmp/k.conf"
    printf '[kiosk]\nlanguages = en, es, fr\nlocale_dir = %s/locale\n' "$b" >> "$tmp/k.conf"
    if [ -n "${1:-}" ]; then printf 'door = %s\n' "$1" >> "$tmp/k.conf"; fi
}
cat > "$tmp/lobby.script" <<'SCRIPT'
screen home
shot home
tap #tile.signup
type "maria@example.com"
tap #kb.next
type "Maria Lopez"
key Escape
shot signup
key Escape
screen home
tap #lockctl.tile
shot unlock
key Escape
key Escape
screen home
tap #home.staff
type "manager@harbour.example"
key Return
type "2580"
tap #kb.next
screen staff.menu
tap #approvals.tile
screen approvals.queue
shot approvals
key Escape
screen staff.menu
tap #occupants.tile
screen occupants.search
key Escape
shot occupants
key Escape
screen staff.menu
tap "Done"
screen home
tap #home.lang.es
tap #tile.signup
type "maria@example.com"
tap #kb.next
type "Maria Lopez"
key Escape
shot signup-es
SCRIPT
printf 'screen home\nshot door\n' > "$tmp/door.script"
mkdir -p "$tmp/shots"
conf
"$gh" --config "$tmp/k.conf" --headless --script "$tmp/lobby.script" --shots "$tmp/shots" \
    2> "$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
conf "Main Gate"
"$gh" --config "$tmp/k.conf" --headless --script "$tmp/door.script" --shots "$tmp/shots" \
    2> "$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
mkdir -p "$here/docs/img"
for n in home signup unlock approvals occupants signup-es door; do
    cp "$tmp/shots/$n.png" "$here/docs/img/$n.png"
done
echo "docs-shots: $(cd "$here" && ls docs/img/*.png | tr '\n' ' ')"
