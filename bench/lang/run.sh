#!/bin/sh
# Issue 19: switching language or text size costs no more than one frame; peak memory
# (VmHWM) of the kiosk with three languages loaded against one.
#   bench/lang/run.sh BUILD_DIR      (e.g. bench/lang/run.sh build)
set -eu
b=$(cd "$1" && pwd)
echo "== switching language or text size vs a plain frame (1080x1920, headless)"
SDL_VIDEODRIVER=dummy "$b/bench/lang/lang_bench" "$b/locale" 100
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-langbench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "== peak memory of the kiosk to its first frame (VmHWM, kB; median of 5)"
for langs in "en" "en, es, fr"; do
  printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s/plugins\n[kiosk]\nlanguages = %s\n' \
    "$tmp" "$b" "$langs" > "$tmp/k.conf"
  for i in 1 2 3 4 5; do
    /usr/bin/time -f '%M' -o "$tmp/m" "$b/kiosk/gatehouse" --config "$tmp/k.conf" \
      --headless --first-frame > /dev/null 2>&1
    cat "$tmp/m"
  done | sort -n | sed -n 3p | xargs printf 'languages = %-10s %s kB\n' "$langs"
done
