#!/bin/sh
# config_errors.sh GATEHOUSE GATEHOUSECTL
# A --config or $GATEHOUSE_CONFIG that can't be read, and a key outside its
# [section], end both programs with exit 1 and the file (and line) named;
# no database is created, not even ./gatehouse.db in the working folder.
set -u
gh=$1 ctl=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-config-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/cwd"
cd "$tmp/cwd" || exit 1
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$tmp/err" 2>/dev/null; exit 1; }
# expect RC TEXT CMD...: the exit status, TEXT on stderr, nothing created
expect() {
  want=$1 text=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
  [ $rc -eq "$want" ] || fail "$*: exit $rc, expected $want"
  grep -qF -- "$text" "$tmp/err" || fail "$*: stderr does not say '$text'"
  [ -z "$(ls -A "$tmp/cwd")" ] || fail "$*: created $(ls -A "$tmp/cwd")"
  [ ! -e "$tmp/x.db" ] || fail "$*: created the configured database"
}
typo="$tmp/gatehous.conf"
unset GATEHOUSE_CONFIG
expect 1 "$typo" "$ctl" --config "$typo" init
expect 1 "$typo" env GATEHOUSE_CONFIG="$typo" "$ctl" init
expect 1 "$typo" env GATEHOUSE_CONFIG="$typo" "$ctl" staff list
expect 1 "$typo" "$gh" --config "$typo" --no-screen

# a key before any section, and a key on the header's line
printf 'path = %s/x.db\n[store]\n' "$tmp" >"$tmp/before.conf"
expect 1 "before.conf:1: \"path\" is outside any [section]" "$ctl" --config "$tmp/before.conf" init
expect 1 "before.conf:1:" "$gh" --config "$tmp/before.conf" --no-screen
printf '[mail]\n[store] path = %s/x.db\n' "$tmp" >"$tmp/oneline.conf"
expect 1 "oneline.conf:2: \"path = " "$ctl" --config "$tmp/oneline.conf" init
expect 1 "oneline.conf:2:" "$gh" --config "$tmp/oneline.conf" --no-screen

# /dev/null is readable and empty: the built-in defaults, as scripts pin it
GATEHOUSE_CONFIG=/dev/null "$ctl" --db "$tmp/ok.db" init >/dev/null 2>"$tmp/err" ||
  fail "GATEHOUSE_CONFIG=/dev/null init: exit $?"
[ -f "$tmp/ok.db" ] || fail "GATEHOUSE_CONFIG=/dev/null: init made no database"
# and a good file with the key under its header works
printf '[store]\npath = %s/good.db\n' "$tmp" >"$tmp/good.conf"
"$ctl" --config "$tmp/good.conf" init >/dev/null 2>"$tmp/err" || fail "good config: exit $?"
[ -f "$tmp/good.db" ] || fail "good config: no database at its path"
echo "ok"
