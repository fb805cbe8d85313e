#!/bin/bash
# run.sh: from a granted decision to the relay-on transfer completing,
# through the lock control plugin, on a dcttech board of the gh-relay-sim
# server; the relay layer alone switching the same relay is the peer,
# interleaved round by round in the same process (lockctl_bench.c).
#
#   bench/lockctl/run.sh [BUILD_DIR] [BLOCKS] [ROUNDS_PER_BLOCK]
#
# Each block uses a fresh database (real SQLite file, WAL) in a temporary
# folder. Runs under a 1 ns timer slack when bench/relay's slack-exec is
# built (as bench/relay/run.sh does), which weighs the simulator's overhead
# the same on both sides.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-lock}
blocks=${2:-5}
rounds=${3:-200}
SIM=$build/tests/sim/gh-relay-sim
BENCH=$build/bench/lockctl/lockctl-bench
SLACK=$build/bench/relay/slack-exec
for f in "$SIM" "$BENCH"; do
    [ -x "$f" ] || { echo "missing $f: build gh-relay-sim lockctl-bench" >&2; exit 2; }
done
if [ -x "$SLACK" ] && [ -z "${GH_BENCH_SLACK_SET:-}" ]; then
    export GH_BENCH_SLACK_SET=1
    exec "$SLACK" bash "$0" "$build" "$blocks" "$rounds"
fi
tmp=$(mktemp -d /tmp/gh-lockctl-bench.XXXXXX)
"$SIM" --socket "$tmp/sim.sock" --board dcttech:BENCH:2 >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -qs '^ready' "$tmp/out" && break; sleep 0.05; done
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/out")
[ -n "$UMOCKDEV_DIR" ] || { echo "simulator did not start" >&2; cat "$tmp/err" >&2; exit 1; }
echo "lockctl bench: $blocks blocks x $rounds unlocks, board BENCH (dcttech, gh-relay-sim)"
for b in $(seq "$blocks"); do
    rm -f "$tmp"/b.db*
    echo "--- block $b"
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        ASAN_OPTIONS=verify_asan_link_order=0 "$BENCH" "$tmp/b.db" BENCH "$rounds" 2>"$tmp/berr" ||
        { cat "$tmp/berr" >&2; exit 1; }
done
