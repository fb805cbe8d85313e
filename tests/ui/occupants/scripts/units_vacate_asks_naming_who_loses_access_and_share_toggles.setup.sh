#!/bin/sh
# This script's site: setup.sh's plus the units of ../units.sh.
set -eu
"$(dirname "$0")/../units.sh" "$@"
"$1" --db "$2" unit rent B203 --group "Acme Co" >/dev/null
"$1" --db "$2" unit rent B202 --group "Old Team" >/dev/null
