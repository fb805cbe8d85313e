#!/bin/sh
# Walks every screen of the kiosk with every plugin (walk.script) in LANG:
# a staff member (admin) and a pending sign-up make the staff screens show
# something. Screenshots land in SHOTS/LANG/.
#   walk.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SCRIPT LANG SHOTS
set -eu
gh=$1 ctl=$2 plugdir=$3 script=$4 lang=$5 shots=$6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-walk-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[kiosk]\nlanguages = en, es, fr\n' \
  "$tmp" "$plugdir" > "$tmp/k.conf"
"$ctl" --config "$tmp/k.conf" init > /dev/null
echo 2580 | "$ctl" --config "$tmp/k.conf" staff add --email sam@example.com --pin - \
  --perms admin --name "Sam Staff" > /dev/null
"$ctl" --config "$tmp/k.conf" settings set signup_approval on > /dev/null
"$ctl" --config "$tmp/k.conf" occupant signup --email ana@example.com --name "Ana Lima" > /dev/null
sed "s/{{LANG}}/$lang/g" "$script" > "$tmp/walk.script"
mkdir -p "$shots/$lang"
"$gh" --config "$tmp/k.conf" --headless --script "$tmp/walk.script" --shots "$shots/$lang"
