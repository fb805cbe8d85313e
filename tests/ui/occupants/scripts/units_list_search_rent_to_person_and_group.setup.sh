#!/bin/sh
# This script's site: setup.sh's plus the units of ../units.sh.
set -eu
"$(dirname "$0")/../units.sh" "$@"
