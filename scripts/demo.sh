#!/usr/bin/env bash
# Builds Gatehouse and starts the kiosk on a demo database, installing what
# is missing from Debian first.
#   scripts/demo.sh            window if there is a display, else headless demo
#   scripts/demo.sh --reset    rebuild the demo database from scratch
# The demo lives in ./demo/ (database, config, screenshots). Staff log-in on
# the kiosk: manager@harbour.example with PIN 2580; it prints a door code of
# Alice's to try at a door kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

echo "demo: 1/4 checking the Debian packages Gatehouse needs (scripts/deps.sh)"
scripts/deps.sh
echo "demo: 2/4 building in build/ (the first build takes a few minutes)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mkdir -p build
cmake --build build -j"$(nproc)" >build/build.log 2>&1 &
builder=$!
ticks=0
while kill -0 "$builder" 2>/dev/null; do
  sleep 1
  ticks=$((ticks + 1))
  if ((ticks % 15 == 0)) && kill -0 "$builder" 2>/dev/null; then
    pct=$(grep -o '^\[ *[0-9]*%\]' build/build.log | tail -n 1 | tr -d '[] ')
    echo "demo:   still building (${pct:-starting})"
  fi
done
if ! wait "$builder"; then
  tail -n 30 build/build.log >&2
  echo "demo: the build failed; the whole log is build/build.log" >&2
  exit 1
fi
mkdir -p demo
echo "demo: 3/4 the demo database (demo/demo.db)"
if [ "${1:-}" = "--reset" ] || [ ! -e demo/demo.db ]; then
  GATEHOUSECTL=$root/build/kiosk/gatehousectl scripts/demo-db.sh --force demo/demo.db
fi

cat > demo/gatehouse.conf <<CONF
# Demo configuration written by scripts/demo.sh.
[store]
path = $root/demo/demo.db
[plugins]
dir = $root/build/plugins
enable = signup, approvals, occupants, lockctl
[screen]
# a portrait lobby screen at two thirds of its size, in a window on a desk
width = 720
height = 1280
scale = 0.67
fullscreen = no
CONF

echo "demo: database $root/demo/demo.db, config $root/demo/gatehouse.conf"
echo "demo: staff log-in: manager@harbour.example, PIN 2580"
# A fresh door code for Alice (her old one is void): type it on a door
# kiosk's keypad, or try it here: build/kiosk/gatehousectl --config
# demo/gatehouse.conf unlock "Main Gate" --code CODE (needs the relay boards).
code=$(build/kiosk/gatehousectl --config demo/gatehouse.conf door-code issue alice@example.com)
echo "demo: door code to try at a door kiosk (Alice Archer, Main Gate and more): $code"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: 4/4 starting the kiosk in a window (close it or press Ctrl+C to stop)"
  exec build/kiosk/gatehouse --config demo/gatehouse.conf
fi

cat <<MSG
demo: no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no
window. What you can do instead:
  - a real window in a virtual display:
      Xvfb :99 -screen 0 1080x1920x24 & DISPLAY=:99 build/kiosk/gatehouse --config demo/gatehouse.conf
  - drive the kiosk headless with a script and look at the screenshots:
      build/kiosk/gatehouse --config demo/gatehouse.conf --headless --script SCRIPT --shots demo/shots
  - the admin command line on the same database:
      build/kiosk/gatehousectl --config demo/gatehouse.conf occupant list
demo: 4/4 taking a headless tour now: screenshots go to demo/shots/.
MSG
mkdir -p demo/shots
cat > demo/tour.script <<'TOUR'
screen home
shot 01-home
tap "Sign up"
shot 02-signup-form
wait 120000
screen home
tap #home.staff
shot 03-staff-login
TOUR
if build/kiosk/gatehouse --config demo/gatehouse.conf --headless --script demo/tour.script --shots demo/shots; then
  ls demo/shots
else
  echo "demo: the headless tour stopped early (see the line above)" >&2
fi
build/kiosk/gatehousectl --config demo/gatehouse.conf occupant list | head -20
