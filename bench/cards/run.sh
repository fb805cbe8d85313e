#!/bin/bash
# run.sh: from a card reader's event to the relay-on transfer completed,
# beside a typed door code and the relay layer alone, interleaved round by
# round in one process (cards_bench.c), on a dcttech board of the
# gh-relay-sim server.
#
#   bench/cards/run.sh [BUILD_DIR] [BLOCKS] [ROUNDS_PER_BLOCK] [OCCUPANTS]
#
# The database (real SQLite file, WAL) is made once per run in a temporary
# folder and reused by every block. Runs under a 1 ns timer slack when
# bench/relay's slack-exec is built, as bench/lockctl/run.sh does.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
blocks=${2:-3}
rounds=${3:-50}
occupants=${4:-10000}
SIM=$build/tests/sim/gh-relay-sim
BENCH=$build/bench/cards/cards-bench
SLACK=$build/bench/relay/slack-exec
for f in "$SIM" "$BENCH"; do
    [ -x "$f" ] || { echo "missing $f: build gh-relay-sim cards-bench" >&2; exit 2; }
done
if [ -x "$SLACK" ] && [ -z "${GH_BENCH_SLACK_SET:-}" ]; then
    export GH_BENCH_SLACK_SET=1
    exec "$SLACK" bash "$0" "$build" "$blocks" "$rounds" "$occupants"
fi
tmp=$(mktemp -d /tmp/gh-cards-bench.XXXXXX)
"$SIM" --socket "$tmp/sim.sock" --board dcttech:BENCH:2 >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -qs '^ready' "$tmp/out" && break; sleep 0.05; done
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/out")
[ -n "$UMOCKDEV_DIR" ] || { echo "simulator did not start" >&2; cat "$tmp/err" >&2; exit 1; }
echo "cards bench: $blocks blocks x $rounds rounds, $occupants occupants, board BENCH (dcttech, gh-relay-sim)"
for b in $(seq "$blocks"); do
    echo "--- block $b"
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        ASAN_OPTIONS=verify_asan_link_order=0 "$BENCH" "$tmp/b.db" BENCH "$rounds" "$occupants" \
        2>"$tmp/berr" || { cat "$tmp/berr" >&2; exit 1; }
    cat "$tmp/berr" >&2
done
