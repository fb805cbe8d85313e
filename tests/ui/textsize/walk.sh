#!/bin/sh
# Walks every screen of the kiosk with every plugin (SCRIPT) on a WIDTHxHEIGHT
# screen, with the tests' staff member and a pending sign-up so the staff
# screens show something. Screenshots land in SHOTS/.
#   walk.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SCRIPT WIDTH HEIGHT SHOTS
set -eu
gh=$1 ctl=$2 plugdir=$3 script=$4 width=$5 height=$6 shots=$7
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-size-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[screen]\nwidth = %s\nheight = %s\n' \
  "$tmp" "$plugdir" "$width" "$height" > "$tmp/k.conf"
"$ctl" --config "$tmp/k.conf" init > /dev/null
echo 2580 | "$ctl" --config "$tmp/k.conf" staff add --email sam@example.com --pin - \
  --perms admin --name "Sam Staff" > /dev/null
"$ctl" --config "$tmp/k.conf" settings set signup_approval on > /dev/null
"$ctl" --config "$tmp/k.conf" occupant signup --email ana@example.com --name "Ana Lima" > /dev/null
mkdir -p "$shots"
"$gh" --config "$tmp/k.conf" --headless --script "$script" --shots "$shots"
