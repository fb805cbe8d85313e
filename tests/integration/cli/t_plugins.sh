# Plugins add gatehousectl commands: listed in --help, dispatched when no
# built-in matches, and loaded only then (built-ins never load plugins; --help
# lists what the descriptors declare, running no init).
. "$(dirname "$0")/lib.sh"

SO=${GHT_SO_DIR:?GHT_SO_DIR: the test plugins folder (tests/plugins)}
[ -f "$SO/ght_good.so" ] || { echo "FAIL: $SO/ght_good.so not built (target ght_plugins)" >&2; exit 1; }
mkdir -m 0755 "$T/plugins"
cp "$SO/ght_good.so" "$T/plugins/"
chmod 0644 "$T/plugins/ght_good.so"
printf '[store]\npath = %s\n[plugins]\ndir = %s\nenable = ght_good\n' "$DB" "$T/plugins" >"$T/gh.ini"
export GHT_TRACE="$T/trace"
pctl() { CHECK="$*"; set +e; "$GHCTL" --config "$T/gh.ini" "$@" >"$T/out" 2>"$T/err" </dev/null; RC=$?; set -e; sanitizer_check; }

pctl init; rc 0
pctl occupant list; rc 0
pctl location add Site; rc 0
[ ! -e "$T/trace" ] || fail "a built-in command loaded plugins: $(cat "$T/trace")"

pctl --help; rc 0
out_has "Commands from plugins:"; out_has "ght hello [WORD...]"; out_has "[ght_good]"
[ ! -e "$T/trace" ] || fail "--help ran a plugin's init (it lists declared commands): $(cat "$T/trace")"
rm -f "$T/trace"
pctl ght hello big world; rc 0
out_has "hello from ght_good: big world"
grep -q "init ght_good" "$T/trace" || fail "plugin command ran without init"
grep -q "shutdown ght_good" "$T/trace" || fail "plugin not shut down at exit"
pctl ght hello --help; rc 0
out_has "usage: gatehousectl ght hello [WORD...]"
pctl ght --help; rc 0
out_has "ght hello"; out_has "ght events"
pctl ght; rc 2
err_has "which one?"
pctl ght nothing; rc 2
err_has "unknown command"
# --db still wins over the configuration's store path.
CHECK="--db override"; "$GHCTL" --config "$T/gh.ini" --db "$T/other.db" occupant list >"$T/out" 2>"$T/err" && RC=0 || RC=$?
rc 1; err_has "other.db"
# A missing configuration file is an error naming it; a malformed one names the line.
CHECK="missing config"; "$GHCTL" --config "$T/none.ini" --db "$DB" occupant list >"$T/out" 2>"$T/err" && RC=0 || RC=$?
rc 1; err_has "none.ini"
printf '[store]\npath = x\n[bogus\n' >"$T/bad.ini"
CHECK="bad config"; "$GHCTL" --config "$T/bad.ini" --db "$DB" occupant list >"$T/out" 2>"$T/err" && RC=0 || RC=$?
rc 1; err_has "bad.ini:3"
echo PASS
