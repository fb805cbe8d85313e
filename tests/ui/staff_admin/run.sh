#!/bin/sh
# Runs one staff-accounts kiosk test: a fresh database (setup.sh), the kiosk
# headless with only the occupants plugin, the script, then NAME.check.py.
#   run.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SCRIPT SHOTS_DIR
set -eu
gh=$1 ctl=$2 plugdir=$3 script=$4 shots=$5
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-staffadm-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export GATEHOUSE_CONFIG=/dev/null
"$here/setup.sh" "$ctl" "$tmp/k.db"
cat > "$tmp/k.conf" <<CONF
[store]
path = $tmp/k.db
[plugins]
dir = $plugdir
enable = occupants
[screen]
width = 1080
height = 1920
CONF
mkdir -p "$shots"
"$gh" --config "$tmp/k.conf" --headless --script "$script" --shots "$shots"
/usr/bin/python3 "${script%.script}.check.py" "$ctl" "$tmp/k.db"
