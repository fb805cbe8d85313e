#!/usr/bin/env bash
# Installs, from Debian's archive, everything Gatehouse needs to build, run
# and test. Idempotent: only missing packages are installed, so it is cheap to
# run before every build. Needs root (or sudo) when something is missing.
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config
  # translations: msgfmt builds po/*.po into .mo catalogues
  gettext
  # core
  libsqlite3-dev sqlite3 libsodium-dev libinih-dev libcsv-dev libcurl4-openssl-dev
  # several kiosks, one site: libpq, and the server (tests start a throw-away cluster)
  libpq-dev postgresql-15
  # kiosk
  libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core libpng-dev
  # lock control
  libusb-1.0-0-dev
  # tests: unit runner, real SMTP server, simulated USB, real window
  libcmocka-dev python3-aiosmtpd openssl
  umockdev libumockdev-dev libglib2.0-dev
  xvfb xauth xdotool x11-apps imagemagick
  usbrelay msmtp
  # tests: a real IMAP server for replies by email (requests)
  dovecot-imapd
  # packaging tests
  dpkg-dev file lintian fakeroot systemd
  # packaging tests: the relay udev rules, run by udevadm against umockdev boards
  udev
  # benchmarks: exact instruction counts (bench/relay/instructions.sh)
  valgrind
  # the architecture check (scripts/archcheck.py): function extents
  universal-ctags
  # card readers (issue 13): keyboard-wedge readers through libevdev, PC/SC
  # through pcsclite; tests: evemu events under umockdev, a real pcscd with
  # the vpcd virtual reader driver (our own virtual card), pyscard by hand
  libevdev-dev evemu-tools libpcsclite-dev pcscd vsmartcard-vpcd python3-pyscard
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  # Say what is coming: a first run on a fresh machine installs a few hundred
  # packages, which takes minutes; apt's own progress lines follow.
  echo "deps: installing ${#missing[@]} missing Debian packages (with what they need):" >&2
  echo "deps:   ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  echo "deps: apt-get update" >&2
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" \
    | grep --line-buffered -E '^(Need to get|[0-9]+ upgraded|Setting up)' >&2 || true
  still=()
  for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || still+=("$p")
  done
  if ((${#still[@]})); then
    echo "deps: apt could not install: ${still[*]} (see apt's messages above)" >&2
    exit 1
  fi
  echo "deps: done" >&2
fi
