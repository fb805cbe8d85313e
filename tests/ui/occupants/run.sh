#!/bin/sh
# Runs one occupants test: a fresh database made by setup.sh through
# gatehousectl (plus BULK generated occupants imported with --no-welcome),
# the kiosk headless on a virtual clock with only the occupants plugin, the
# script (after its NAME.setup.sh, if any, added to the site), then the
# script's NAME.check.py (if any), which reads the outcome
# back through `gatehousectl --json`.
#   run.sh GATEHOUSE GATEHOUSECTL PLUGIN_DIR SCRIPT SHOTS_DIR [BULK]
set -eu
gh=$1 ctl=$2 plugdir=$3 script=$4 shots=$5 bulk=${6:-0}
here=$(dirname "$0")
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && [ "$bulk" -gt 0 ] && base=/dev/shm
tmp=$(mktemp -d "$base/gh-occ-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$here/setup.sh" "$ctl" "$tmp/k.db"
# a script's own additions to the site, if any: NAME.setup.sh GATEHOUSECTL DB
extra=${script%.script}.setup.sh
if [ -f "$extra" ]; then
  /bin/sh "$extra" "$ctl" "$tmp/k.db"
fi
if [ "$bulk" -gt 0 ]; then
  t0=$(date +%s)
  /usr/bin/python3 "$here/bulk_csv.py" "$bulk" > "$tmp/bulk.csv"
  "$ctl" --db "$tmp/k.db" import "$tmp/bulk.csv" --no-welcome > "$tmp/import.out"
  echo "bulk: $bulk occupants imported in $(( $(date +%s) - t0 )) s: $(tail -1 "$tmp/import.out")"
fi
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
check=${script%.script}.check.py
if [ -f "$check" ]; then
  /usr/bin/python3 "$check" "$ctl" "$tmp/k.db"
fi
