# lib.sh: what the site sync tests share (issue 20). Sourced by each t_*.sh,
# run by ctest as: bash t_x.sh /path/to/gatehousectl
#
# Starts a throw-away PostgreSQL 15 cluster (Debian's postgresql-15: initdb
# and pg_ctl run as the postgres user) in a scratch folder on a free port,
# with a database "site", and stops it on exit. Kiosks are named A, B, C:
# each has its own SQLite database and configuration in the folder, all
# pointing at that server on loopback. Skips (77) without root or
# PostgreSQL 15.
set -eu

GHCTL=${1:?usage: $0 /path/to/gatehousectl}
PGBIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3
if [ "$(id -u)" != 0 ] || [ ! -x "$PGBIN/initdb" ] || ! id postgres >/dev/null 2>&1; then
    echo "SKIP: needs root and Debian's postgresql-15" >&2; exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/ghsite.XXXXXX")
chmod 755 "$T"
PGD="$T/pg"
export GH_CLOCK_OFFSET_S=0 GATEHOUSE_CONFIG=/dev/null
unset SUDO_USER || true
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_pg() { su postgres -s /bin/sh -c "$1"; }
pg_start() {
    as_pg "$PGBIN/pg_ctl -D $PGD -l $PGD/log -w -o '-p $PORT -k $PGD -c listen_addresses=127.0.0.1 -c track_commit_timestamp=on' start" >/dev/null
}
pg_stop() { as_pg "$PGBIN/pg_ctl -D $PGD -m fast -w stop" >/dev/null 2>&1 || true; }
cleanup() { pg_stop; rm -rf "$T"; }
trap cleanup EXIT
mkdir "$PGD"; chown postgres "$PGD"
as_pg "$PGBIN/initdb -D $PGD -A trust -U postgres" >/dev/null
pg_start
psql_site() { psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d site -c "$1"; }
psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'CREATE DATABASE site'

# kiosk NAME: writes $T/NAME.conf for a kiosk with database $T/NAME.db.
kiosk() {
    cat >"$T/$1.conf" <<EOC
[store]
path = $T/$1.db
[site]
server = postgresql://postgres@127.0.0.1:$PORT/site
kiosk = $1
EOC
}
# at NAME ARGS...: gatehousectl as kiosk NAME; stdout $T/out, stderr $T/err, exit $RC.
at() {
    local k=$1; shift
    set +e
    "$GHCTL" --config "$T/$k.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    set -e
}
fail() {
    echo "FAIL: $*" >&2
    echo "--- stdout:" >&2; cat "$T/out" >&2 2>/dev/null || true
    echo "--- stderr:" >&2; cat "$T/err" >&2 2>/dev/null || true
    exit 1
}
rc() { [ "$RC" = "$1" ] || fail "expected exit $1, got $RC (${CHECK:-})"; }
ok() { CHECK="$*"; at "$@"; rc 0; }
refused() { CHECK="$*"; at "$@"; rc 1; }
out_has() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1' (${CHECK:-})"; }
err_has() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1' (${CHECK:-})"; }
py() {
    "$PY" -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" || fail "JSON check failed: $1 (${CHECK:-})"
}
sql() { sqlite3 -batch "$T/$1.db" "$2"; }
allowed() { CHECK="$1: door check $2 --as $3"; at "$1" door check "$2" --as "$3"; rc 0; out_has allowed; }
denied() { CHECK="$1: door check $2 --as $3"; at "$1" door check "$2" --as "$3"; rc 1; out_has denied; }

# site_of_two: kiosk A (the first, with a gate) and kiosk B joined from the
# server's snapshot, sharing A's site key.
site_of_two() {
    kiosk A; kiosk B
    ok A init
    ok A location add Site
    ok A location add Gate --parent Site --door common --relay BOARD1:1
    ok A site init
    ok A site join
    out_has "first kiosk"
    cp "$T/A.db.key" "$T/B.db.key"
    ok B init
    ok B site join
    out_has "loaded"
}
