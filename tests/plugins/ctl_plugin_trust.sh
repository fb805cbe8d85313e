#!/bin/sh
# gatehousectl and plugins, through the real program (tests/plugins).
#   ctl_plugin_trust.sh help GATEHOUSECTL SO_DIR CRASH_DIR
#     --help, COMMAND --help and a mistyped command list plugin commands
#     from the descriptors and run no plugin's init: a plugin that crashes in
#     init (ght_crash) can't take them down; a plugin command still runs.
#   ctl_plugin_trust.sh trust GATEHOUSECTL SO_DIR CRASH_DIR
#     a plugin reached through a symlink, a group-writable plugin, a
#     group-writable folder and a world-writable parent folder are refused,
#     naming why; a sticky world-writable parent (like /tmp) is fine.
set -u
mode=$1 ctl=$2 so=$3 crash=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ptrust-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export GHT_TRACE="$tmp/trace"
fail() { echo "FAIL: $*"; for f in "$tmp"/out "$tmp"/err; do [ -f "$f" ] && sed 's/^/  | /' "$f"; done; exit 1; }
# conf NAME DIR: a configuration whose plugins come from DIR
conf() { printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n' "$tmp" "$2" >"$tmp/$1.conf"; }
# run CONF ARGS...: gatehousectl with that configuration; sets rc
run() { c=$1; shift; "$ctl" --config "$tmp/$c.conf" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; }
put() { cp "$so/$1.so" "$2/$1.so" && chmod "${3:-0644}" "$2/$1.so"; }
no_init() { [ ! -s "$tmp/trace" ] || fail "$1 ran a plugin's init: $(cat "$tmp/trace")"; }

case $mode in
help)
  mkdir -m 0755 "$tmp/p"
  put ght_good "$tmp/p"
  cp "$crash/ght_crash.so" "$tmp/p/" && chmod 0644 "$tmp/p/ght_crash.so"
  conf k "$tmp/p"
  run k --help
  [ $rc -eq 0 ] || fail "--help: exit $rc"
  grep -q "crash boom" "$tmp/out" || fail "--help does not list crash boom"
  grep -q "\[ght_crash\]" "$tmp/out" || fail "--help does not name ght_crash"
  grep -q "ght hello \[WORD...\]" "$tmp/out" || fail "--help does not list ght hello"
  no_init "--help"
  [ ! -e "$tmp/k.db" ] || fail "--help created the database"
  run k frobnicate
  [ $rc -eq 2 ] || fail "a mistyped command: exit $rc, expected 2"
  grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "mistyped: no 'unknown command'"
  no_init "a mistyped command"
  run k ght
  [ $rc -eq 2 ] || fail "ght: exit $rc"
  grep -q "ght events" "$tmp/err" || fail "ght: the group is not listed"
  run k ght --help
  [ $rc -eq 0 ] && grep -q "ght polls" "$tmp/out" || fail "ght --help: exit $rc"
  run k crash boom --help
  [ $rc -eq 0 ] && grep -q "usage: gatehousectl crash boom" "$tmp/out" || fail "crash boom --help: exit $rc"
  no_init "group listings and COMMAND --help"
  # an ABI 1.0 plugin does not declare its commands: --help says so
  put ght_legacy "$tmp/p"
  run k --help
  [ $rc -eq 0 ] || fail "--help with an ABI 1.0 plugin: exit $rc"
  grep -q "1 plugin(s) do not declare their commands" "$tmp/out" || fail "--help does not mention the ABI 1.0 plugin"
  no_init "--help with an ABI 1.0 plugin"
  # without the crashing plugin, a plugin command loads the plugins and runs
  rm "$tmp/p/ght_crash.so" "$tmp/p/ght_legacy.so"
  run k ght hello x
  [ $rc -eq 1 ] && grep -q "no database at" "$tmp/err" || fail "a plugin command without a database: exit $rc"
  no_init "a plugin command without a database"
  run k init
  [ $rc -eq 0 ] || fail "init: exit $rc"
  run k ght hello big world
  [ $rc -eq 0 ] || fail "ght hello: exit $rc"
  [ "$(cat "$tmp/out")" = "hello from ght_good: big world" ] || fail "ght hello printed $(cat "$tmp/out")"
  grep -q "init ght_good" "$tmp/trace" || fail "the plugin command ran without init"
  ;;
trust)
  # refused CONF WHY: ght_good refused naming WHY; its commands not listed
  refused() {
    run "$1" --help
    [ $rc -eq 0 ] || fail "$1: --help exit $rc"
    grep -q "plugin ght_good refused: .*$2" "$tmp/err" || fail "$1: not refused with '$2'"
    ! grep -q "ght hello" "$tmp/out" || fail "$1: a refused plugin's commands are listed"
  }
  # a symlink to the plugin in a world-writable folder without the sticky bit
  mkdir -m 0755 "$tmp/link" && mkdir "$tmp/ww" && chmod 0777 "$tmp/ww"
  put ght_good "$tmp/ww"
  ln -s "$tmp/ww/ght_good.so" "$tmp/link/ght_good.so"
  conf link "$tmp/link"; refused link "ght_good.so is a symbolic link"
  # a plugin folder reached through a symlink
  mkdir -m 0755 "$tmp/real" && put ght_good "$tmp/real"
  ln -s "$tmp/real" "$tmp/viafolder"
  conf viafolder "$tmp/viafolder"; refused viafolder "viafolder is a symbolic link"
  # group-writable file
  mkdir -m 0755 "$tmp/gwf" && put ght_good "$tmp/gwf" 0664
  conf gwf "$tmp/gwf"; refused gwf "ght_good.so is group-writable"
  # group-writable folder
  mkdir "$tmp/gwd" && chmod 0775 "$tmp/gwd" && put ght_good "$tmp/gwd"
  conf gwd "$tmp/gwd"; refused gwd "its folder .*gwd is group-writable without the sticky bit"
  # a world-writable parent two levels up
  mkdir "$tmp/wwp" && chmod 0777 "$tmp/wwp" && mkdir -m 0755 "$tmp/wwp/p" && put ght_good "$tmp/wwp/p"
  conf wwp "$tmp/wwp/p"; refused wwp "its folder .*wwp is world-writable without the sticky bit"
  # ... with the sticky bit (like /tmp) it is fine
  chmod 01777 "$tmp/wwp"
  run wwp --help
  grep -q "ght hello" "$tmp/out" || fail "sticky parent: ght_good not listed"
  ! grep -q "refused" "$tmp/err" || fail "sticky parent: refused"
  no_init "--help"
  ;;
*) echo "usage: $0 help|trust GATEHOUSECTL SO_DIR CRASH_DIR"; exit 2 ;;
esac
echo "ok"
