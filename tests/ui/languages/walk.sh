#!/bin/sh
# Walks every screen of the kiosk with every plugin in LANG: walk.script on a
# lobby kiosk, then walk_door.script (next to it) on a door kiosk ([kiosk]
# door = Gate). The database gives each screen something to show: a staff
# admin (Sam) and a second staff member (Dan), a pending sign-up (Ana), an
# active occupant (Olive) in a group, renting a unit, with a door code, a
# card and a request the staff answered; Dan and Lee locked out.
# Screenshots land in SHOTS/LANG/.
#   walk.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SCRIPT LANG SHOTS
set -eu
gh=$1 ctl=$2 plugdir=$3 script=$4 lang=$5 shots=$6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-walk-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[kiosk]\nlanguages = en, es, fr\n' \
  "$tmp" "$plugdir" > "$tmp/k.conf"
c() { "$ctl" --config "$tmp/k.conf" "$@" > /dev/null; }
c init
echo 2580 | c staff add --email sam@example.com --pin - --perms admin --name "Sam Staff"
echo 1357 | c staff add --email dan@example.com --pin - --perms open_common --name "Dan Desk"
c settings set signup_approval on
c occupant signup --email ana@example.com --name "Ana Lima"
c location add Site
c location add Gate --parent Site --door common --relay ABCDE:1
c location add "Unit 1" --parent Site --door unit --relay ABCDE:2
c group add "Acme Co" --all
c occupant add --email olive@example.com --name "Olive Occupant" --all
c group member add "Acme Co" olive@example.com
c unit rent "Unit 1" --occupant olive@example.com
c card add olive@example.com 04a1b2c3d4
code=$("$ctl" --config "$tmp/k.conf" door-code issue olive@example.com)
c request add --as olive@example.com --subject "Heating is off" --text "The radiator is cold."
c request reply 1 --as sam@example.com --text "An engineer is on the way."
# Lee and Dan locked out (three wrong setup codes), for the lock-out lines.
c occupant add --email lee@example.com --name "Lee Locked" --all
c settings set pin_attempts 3
for who in dan@example.com lee@example.com; do
  for i in 1 2 3; do
    "$ctl" --config "$tmp/k.conf" occupant setup "$who" --code 000000 --pin 2468 \
      > /dev/null 2>&1 || true
  done
done
mkdir -p "$shots/$lang"
# {{CODE_KEYS}}: the door code tapped on the keypad, a key a line.
echo "$code" | sed 's/./tap #lockctl.key.&\n/g' | sed '/^$/d' > "$tmp/keys"
sed -e "s/{{LANG}}/$lang/g" -e "s/{{CODE}}/$code/g" -e "/^{{CODE_KEYS}}\$/{r $tmp/keys" -e 'd}' \
  "$script" > "$tmp/walk.script"
"$gh" --config "$tmp/k.conf" --headless --script "$tmp/walk.script" --shots "$shots/$lang"
# The door kiosk: its keypad is the home screen; a card reader configured
# (none plugged in) for the card lines.
printf 'door = Gate\n[readers]\nkeyboard = 08ff:0009\n' >> "$tmp/k.conf"
sed -e "s/{{LANG}}/$lang/g" -e "s/{{CODE}}/$code/g" -e "/^{{CODE_KEYS}}\$/{r $tmp/keys" -e 'd}' \
  "$(dirname "$script")/walk_door.script" > "$tmp/door.script"
"$gh" --config "$tmp/k.conf" --headless --script "$tmp/door.script" --shots "$shots/$lang"
