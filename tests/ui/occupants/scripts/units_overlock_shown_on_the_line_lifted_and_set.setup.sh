#!/bin/sh
# This script's site: setup.sh's plus the units of ../units.sh.
set -eu
"$(dirname "$0")/../units.sh" "$@"
"$1" --db "$2" unit overlock B201 on >/dev/null
