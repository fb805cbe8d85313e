# t_man_page.sh: gatehousectl(8) documents every command `gatehousectl
# --help` lists, built-in and from the plugins that ship (lockctl: relay
# list/rename/test, unlock), and renders without a groff warning.
. "$(dirname "$0")/lib.sh"

MAN=${GH_SOURCE_DIR:?}/kiosk/man/gatehousectl.8
PLUGDIR=${GH_PLUGIN_BUILD_DIR:?}
[ -f "$PLUGDIR/lockctl.so" ] || { echo "SKIP: no lockctl plugin built in $PLUGDIR"; exit 77; }

CHECK="groff -ww -z -man"
groff -ww -z -man "$MAN" 2>"$T/err" || fail "groff failed"
[ ! -s "$T/err" ] || fail "groff warnings"
CHECK="man -l"
MANWIDTH=200 man -l "$MAN" 2>"$T/err" | col -b >"$T/man.txt" || fail "man -l failed"
[ ! -s "$T/err" ] || fail "man -l printed warnings"

ok init
cat >"$T/k.conf" <<CONF
[store]
path = $DB
[plugins]
dir = $PLUGDIR
enable = lockctl
CONF
CHECK="--help with the lockctl plugin"
"$GHCTL" --config "$T/k.conf" --help >"$T/out" 2>"$T/err" || fail "--help failed"
grep -q '^Commands from plugins:' "$T/out" || fail "--help lists no plugin commands"

# The command names: "  NAME [ARGS]" lines, the words before the first
# argument (upper case, [ or ( or a quoted value).
names=$(sed -n 's/^  \([a-z][a-z -]*\)\( [A-Z[(].*\)\{0,1\}$/\1/p' "$T/out" | sed 's/ *$//')
n=$(printf '%s\n' "$names" | grep -c .)
[ "$n" -ge 40 ] || fail "only $n commands parsed from --help"
for want in "outbox flush" "outbox retry" "relay list" "relay rename" "relay test" unlock \
            backup restore; do
    printf '%s\n' "$names" | grep -qx "$want" || fail "--help lacks '$want'"
done
missing=""
while IFS= read -r c; do
    # In the rendered page each command starts a line (a tag), indented.
    grep -qE "^ +$c( |$)" "$T/man.txt" || missing="$missing '$c'"
done <<<"$names"
[ -z "$missing" ] || fail "gatehousectl.8 lacks:$missing"
grep -q -- "--force" "$T/man.txt" || fail "gatehousectl.8 does not describe outbox flush --force"
echo "PASS ($n commands)"
