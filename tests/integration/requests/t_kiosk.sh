#!/bin/bash
# The kiosk's Requests screens, scripted headless (SDL dummy driver) on a
# real database built with gatehousectl: kiosk_flows.script drives them as
# people would and fails on any expect; the outcome is then checked in the
# database through gatehousectl, and the screenshots are kept in
# $GH_SHOTS (the build folder) for a person to look at.
#   t_kiosk.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SHOTS_DIR
set -eu
GH=$1 CTL=$2 PLUGINS=$3 SHOTS=$4
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/ghreqk.XXXXXX")
trap 'rm -rf "$T"' EXIT
export GATEHOUSE_CONFIG=/dev/null SDL_VIDEODRIVER=dummy
printf '[store]\npath = %s/gh.db\n[plugins]\ndir = %s\nenable = requests\n' "$T" "$PLUGINS" >"$T/conf"
fail() { echo "FAIL: $*" >&2; exit 1; }
c() { "$CTL" --config "$T/conf" "$@"; }
c init >/dev/null
c location add Site >/dev/null
c location add "Building A" --parent Site >/dev/null
c location add "Unit 1" --parent "Building A" --door unit >/dev/null
c group add Acme --locations "Building A" >/dev/null
c occupant add --email ana@example.org --name "Ana Lima" --group Acme >/dev/null
c occupant add --email bo@example.org --name Bo --group Acme >/dev/null
c occupant add --email cy@example.org --name Cy --all >/dev/null
c staff add --email desk@example.org --pin 4711 --perms requests >/dev/null
code=$(c --json outbox list | /usr/bin/python3 -c 'import json,sys
print([m for m in json.load(sys.stdin) if m["to"]=="ana@example.org"][0]["id"])')
# The welcome email's setup code, read the way the outbox hands it out.
setup=$(sqlite3 "$T/gh.db" "SELECT secret FROM outbox WHERE id = $code")
c occupant setup ana@example.org --code "$setup" --pin 4682 >/dev/null
[ "$(c request add --as bo@example.org --location "Unit 1" --subject "Heating is off" \
      --text "Since this morning.")" = 1 ] || fail "request 1"
c request add --as cy@example.org --subject "Cy's own" --text "Not Ana's business." >/dev/null
c request reply 1 --text "An engineer is on the way."
c occupant signup --email pete@example.org --name Pete >/dev/null
bocode=$(c door-code issue bo@example.org | grep -o '[0-9]\{8\}' | head -1)
[ ${#bocode} = 8 ] || fail "door code for Bo: '$bocode'"
sed "s/@BOCODE@/$bocode/" "$HERE/kiosk_flows.script" >"$T/flows.script"
mkdir -p "$SHOTS"; rm -f "$SHOTS"/*.png
timeout 120 "$GH" --config "$T/conf" --headless --script "$T/flows.script" \
    --shots "$SHOTS" 2>"$T/kiosk.err" || { cat "$T/kiosk.err" >&2; fail "the script failed"; }
for s in 01_login 02_list 03_thread 04_after_new 05_pending_new 06_staff_menu 07_queue \
         08_queue_open 09_staff_thread 10_door_code_list; do
    [ -s "$SHOTS/$s.png" ] || fail "no screenshot $s"
done
out=$(c --json request show 1)
echo "$out" | grep -q '"text": "Still cold in the kitchen."' || fail "Ana's reply on #1: $out"
echo "$out" | grep -q '"state": "open"' || fail "#1 open again after Ana's reply: $out"
out=$(c --json request show 3)
echo "$out" | grep -q '"subject": "Window will not close"' || fail "#3: $out"
echo "$out" | grep -q '"location": "Unit 1"' || fail "#3 for Unit 1: $out"
echo "$out" | grep -q '"state": "resolved"' || fail "#3 resolved by staff: $out"
echo "$out" | grep -q '"text": "Marked for Monday."' || fail "#3 staff reply: $out"
out=$(c --json request show 4)
echo "$out" | grep -q '"location": "General"' || fail "Pete's General request: $out"
echo "$out" | grep -q '"filer": "Pete"' || fail "filed by Pete: $out"
echo PASS
