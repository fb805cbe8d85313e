#!/bin/bash
# instructions.sh: instructions per relay switch, counted by valgrind's
# callgrind (they repeat exactly from run to run, unlike times on this shared
# machine), for our relay layer and for Debian's usbrelay CLI, split into the
# client's own work and the simulator's emulation work (gh-relay-sim, which
# stands in for the kernel and is the same for both peers).
#
#   bench/relay/instructions.sh [BUILD_DIR] [UNLOCKS] [CLI_SWITCH_PAIRS]
#
# Each figure is a difference of two runs (N and 2N), so start-up and
# shut-down cancel out; usbrelay is measured per invocation (start-up is part
# of what a CLI switch costs). Takes about a minute.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-usb}
n=${2:-50}
k=${3:-5}
SIM=$build/tests/sim/gh-relay-sim
BENCH=$build/bench/relay/relay-bench
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 2; }
USBRELAY=$(command -v usbrelay) || { echo "usbrelay not installed" >&2; exit 2; }
tmp=$(mktemp -d /tmp/gh-relay-instr.XXXXXX)
main_pid=$BASHPID
trap '[ "$BASHPID" = "$main_pid" ] && rm -rf "$tmp"' EXIT
PRE=libumockdev-preload.so.0
cg() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
       sed -n 's/.*Collected : //p' | tail -1; }

# Simulator instructions for one workload: server under callgrind, workload,
# SIGTERM (the server exits cleanly, callgrind reports).
sim_run() {   # sim_run ours N | sim_run cli PAIRS
    rm -f "$tmp/s.sock" "$tmp/s.out"
    LD_PRELOAD=$PRE valgrind --tool=callgrind --callgrind-out-file=/dev/null "$SIM" \
        --socket "$tmp/s.sock" --board dcttech:BENCH:2 >"$tmp/s.out" 2>"$tmp/s.err" </dev/null &
    local pid=$!
    for _ in $(seq 600); do grep -qs '^ready' "$tmp/s.out" 2>/dev/null && break; sleep 0.1; done
    local dir
    dir=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/s.out")
    if [ "$1" = ours ]; then
        UMOCKDEV_DIR=$dir LD_PRELOAD=$PRE "$BENCH" BENCH 1 "$2" >/dev/null
    else
        for _ in $(seq "$2"); do
            UMOCKDEV_DIR=$dir LD_PRELOAD=$PRE "$USBRELAY" BENCH_1=1 >/dev/null 2>&1
            UMOCKDEV_DIR=$dir LD_PRELOAD=$PRE "$USBRELAY" BENCH_1=0 >/dev/null 2>&1
        done
    fi
    kill -TERM "$pid"
    wait "$pid" || true
    sed -n 's/.*Collected : //p' "$tmp/s.err" | tail -1
}

# Client instructions, against a plain (not instrumented) server.
"$SIM" --socket "$tmp/c.sock" --board dcttech:BENCH:2 >"$tmp/c.out" 2>/dev/null </dev/null &
cpid=$!
for _ in $(seq 100); do grep -qs '^ready' "$tmp/c.out" && break; sleep 0.05; done
export UMOCKDEV_DIR
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/c.out")
c1=$(LD_PRELOAD=$PRE cg "$BENCH" BENCH 1 "$n")
c2=$(LD_PRELOAD=$PRE cg "$BENCH" BENCH 1 $(( 2 * n )))
u1=$(LD_PRELOAD=$PRE cg "$USBRELAY" BENCH_1=1)
u2=$(LD_PRELOAD=$PRE cg "$USBRELAY" BENCH_1=0)
kill -TERM "$cpid"; wait "$cpid" || true
unset UMOCKDEV_DIR

s1=$(sim_run ours "$n"); s2=$(sim_run ours $(( 2 * n )))
t1=$(sim_run cli "$k"); t2=$(sim_run cli $(( 2 * k )))

awk -v c1="$c1" -v c2="$c2" -v u1="$u1" -v u2="$u2" -v s1="$s1" -v s2="$s2" \
    -v t1="$t1" -v t2="$t2" -v n="$n" -v k="$k" 'BEGIN {
    oc = (c2 - c1) / (2 * n);          # our client, per switch (2 per unlock)
    uc = (u1 + u2) / 2;                # usbrelay, per invocation = per switch
    os = (s2 - s1) / (2 * n);          # simulator, per switch of ours
    us = (t2 - t1) / (2 * k);          # simulator, per usbrelay switch
    printf "instructions_per_switch_client: ours=%d usbrelay_cli=%d ratio=%.0f\n", oc, uc, uc / oc
    printf "instructions_per_switch_simulator: ours=%d usbrelay_cli=%d\n", os, us
    printf "instructions_per_switch_total: ours=%d usbrelay_cli=%d ratio=%.1f\n", oc + os, uc + us, (uc + us) / (oc + os)
}'
