# lib.sh: what the gatehousectl integration tests share. Sourced by each
# t_*.sh, which is run by ctest as: bash t_x.sh /path/to/gatehousectl
# Each test gets its own temporary folder and database; every check fails
# the test (exit 1) with a line saying what was expected and what came.
set -eu

GHCTL=${1:?usage: $0 /path/to/gatehousectl}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/ghcli.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB="$T/gh.db"
export GH_CLOCK_OFFSET_S=0
# Without --config gatehousectl reads $GATEHOUSE_CONFIG, else the installed
# /etc/gatehouse/gatehouse.conf: keep a machine's own installation out of
# the tests (an empty file is the built-in defaults).
export GATEHOUSE_CONFIG=/dev/null
# Under -DGH_SANITIZE=ON a sanitizer report must fail the test even where
# the command is expected to exit 1 (ASan's default exit code).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86"
unset SUDO_USER || true

# ctl ARGS...: runs gatehousectl on the test database; stdout in $T/out,
# stderr in $T/err, exit code in $RC. Never fails by itself.
ctl() {
    set +e
    "$GHCTL" --db "$DB" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    set -e
    sanitizer_check
}
sanitizer_check() {
    if [ "$RC" = 86 ] || grep -qE "Sanitizer|runtime error:" "$T/err"; then
        echo "FAIL: sanitizer report (${CHECK:-})" >&2; cat "$T/err" >&2; exit 1
    fi
}
# ctl_in INPUT ARGS...: the same with INPUT on stdin.
ctl_in() {
    local input=$1; shift
    set +e
    printf '%s' "$input" | "$GHCTL" --db "$DB" "$@" >"$T/out" 2>"$T/err"
    RC=$?
    set -e
    sanitizer_check
}

fail() {
    echo "FAIL: $*" >&2
    echo "--- stdout:" >&2; cat "$T/out" >&2 2>/dev/null || true
    echo "--- stderr:" >&2; cat "$T/err" >&2 2>/dev/null || true
    exit 1
}
# rc N: the last ctl exited with N.
rc() { [ "$RC" = "$1" ] || fail "expected exit $1, got $RC (${CHECK:-})"; }
# ok ARGS...: ctl must exit 0.
ok() { CHECK="$*"; ctl "$@"; rc 0; }
# refused ARGS...: ctl must exit 1.
refused() { CHECK="$*"; ctl "$@"; rc 1; }
# usage ARGS...: ctl must exit 2.
usage() { CHECK="$*"; ctl "$@"; rc 2; }
# out_has TEXT / err_has TEXT / out_lacks TEXT: fixed-string checks.
out_has() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1' (${CHECK:-})"; }
err_has() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1' (${CHECK:-})"; }
out_lacks() { ! grep -qF -- "$1" "$T/out" || fail "stdout has '$1' (${CHECK:-})"; }
err_lines() { [ "$(wc -l <"$T/err")" = "$1" ] || fail "stderr should have $1 line(s) (${CHECK:-})"; }
# py EXPR: evaluates a Python expression over the JSON in $T/out bound to
# `j`; fails unless it is true.
py() {
    "$PY" -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" || fail "JSON check failed: $1 (${CHECK:-})"
}
json_ok() { "$PY" -c 'import json,sys; json.load(sys.stdin)' <"$T/out" || fail "output is not JSON (${CHECK:-})"; }
# sql SQL: the sqlite3 CLI on the test database (for tampering, counting).
sql() { sqlite3 -batch "$DB" "$1"; }
# Count of log entries / outbox messages, through gatehousectl itself.
log_count() { ok --json log --limit 0; "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out"; }
outbox_count() { ok --json outbox list; "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out"; }

# A small site used by several tests.
small_site() {
    ok init
    ok location add Site
    ok location add Gate --parent Site --door common --relay BOARD1:1
    ok location add "Building A" --parent Site
    ok location add "Unit 1" --parent "Building A" --door unit --relay BOARD1:2
    ok location add "Unit 2" --parent "Building A" --door unit --relay BOARD1:3
    ok location add "Unit 3" --parent "Building A" --door unit --relay BOARD1:4
}
