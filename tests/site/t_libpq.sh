# libpq is loaded only when [site] is configured: no program is linked with
# it, a command that never reaches a site server runs even where libpq.so.5
# cannot be loaded, and a site command there fails with a sentence naming
# the package to install (libpq5). Needs no server and no root.
set -eu
GHCTL=${1:?usage: $0 /path/to/gatehousectl}
T=$(mktemp -d "${TMPDIR:-/tmp}/ghpq.XXXXXX")
trap 'rm -rf "$T"' EXIT
export GATEHOUSE_CONFIG=/dev/null
fail() { echo "FAIL: $*" >&2; cat "$T/out" "$T/err" >&2 2>/dev/null || true; exit 1; }
run() { set +e; "$@" >"$T/out" 2>"$T/err" </dev/null; RC=$?; set -e; }

for prog in "$GHCTL" "$(dirname "$GHCTL")/gatehouse"; do
    [ -x "$prog" ] || continue
    ! readelf -d "$prog" | grep -q 'NEEDED.*libpq' || fail "$prog is linked with libpq"
done
# A libpq.so.5 that cannot be loaded, found first by the dynamic loader.
mkdir "$T/lib"; echo "not a library" >"$T/lib/libpq.so.5"
printf '[store]\npath = %s/k.db\n[mail]\nrelay = smtp://127.0.0.1:1\nfrom = k@example.com\n' \
    "$T" >"$T/single.conf"
cp "$T/single.conf" "$T/site.conf"
printf '[site]\nserver = postgresql://gh@127.0.0.1:1/site\nkiosk = A\n' >>"$T/site.conf"
run "$GHCTL" --config "$T/single.conf" init
[ "$RC" = 0 ] || fail "init: exit $RC"
run env LD_LIBRARY_PATH="$T/lib" "$GHCTL" --config "$T/single.conf" outbox flush --force
[ "$RC" = 0 ] || fail "outbox flush without a loadable libpq: exit $RC"
run env LD_LIBRARY_PATH="$T/lib" "$GHCTL" --config "$T/site.conf" outbox flush --force
[ "$RC" = 0 ] || fail "a command that does not reach the server needs libpq: exit $RC"
run env LD_LIBRARY_PATH="$T/lib" "$GHCTL" --config "$T/site.conf" site sync
[ "$RC" = 1 ] || fail "site sync without a loadable libpq: expected exit 1, got $RC"
grep -q 'libpq5' "$T/err" || fail "the error does not name the package libpq5"
# With the real library the same command gets as far as the (absent) server.
run "$GHCTL" --config "$T/site.conf" site sync
[ "$RC" != 0 ] || fail "site sync to a closed port succeeded"
grep -q 'connecting to the site server' "$T/err" || fail "libpq did not load: $(cat "$T/err")"
! grep -q 'libpq5' "$T/err" || fail "the real libpq was not loaded"
echo "ok"
