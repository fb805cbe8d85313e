#!/bin/sh
# Runs one kiosk test script against a fresh database (made by ui_mkdb) in a
# temporary folder, with the test plugin folder, headless on a virtual clock.
#   run_script.sh GATEHOUSE MKDB PLUGIN_DIR SCRIPT SHOTS_DIR|-
set -eu
gh=$1 mkdb=$2 plugdir=$3 script=$4 shots=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# settings for the database: "# setting: KEY=VALUE" lines in the script
"$mkdb" "$tmp/k.db" 0 $(sed -n 's/^# setting: *//p' "$script")
cat > "$tmp/k.conf" <<CONF
[store]
path = $tmp/k.db
[plugins]
dir = $plugdir
[screen]
width = 1080
height = 1920
CONF
# A script may set [kiosk] keys ("# kiosk: languages = en, es, fr").
kiosk=$(sed -n 's/^# kiosk: *//p' "$script")
if [ -n "$kiosk" ]; then
  printf '[kiosk]\n%s\n' "$kiosk" >> "$tmp/k.conf"
fi
# A script may ask for a mail relay (# relay: URL on a line of its own).
relay=$(sed -n 's/^# relay: *//p' "$script" | head -n1)
if [ -n "$relay" ]; then
  printf '[mail]\nrelay = %s\nfrom = kiosk@example.com\nconnect_timeout_s = 2\ntimeout_s = 3\n' \
    "$relay" >> "$tmp/k.conf"
fi
if [ "$shots" = - ]; then
  "$gh" --config "$tmp/k.conf" --headless --script "$script"
else
  mkdir -p "$shots"
  "$gh" --config "$tmp/k.conf" --headless --script "$script" --shots "$shots"
fi
