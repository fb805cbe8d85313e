#!/bin/bash
# run.sh: time one relay switch through our relay layer and through Debian's
# usbrelay CLI, on the same simulated dcttech board (gh-relay-sim server),
# in the same run, and print the ratio. Also counts the USB transfers per
# switch on our unlock path (target: 1 write + 1 read-back) and the relay
# protocol operations the board saw per usbrelay switch.
#
#   bench/relay/run.sh [BUILD_DIR] [BLOCKS] [UNLOCKS_PER_BLOCK] [CLI_PER_BLOCK]
#
# The machine is shared and noisy, so the peers run interleaved in BLOCKS
# blocks (ours, usbrelay, our tool as a process) and the medians are
# reported. Everything runs with a 1 ns timer slack (slack-exec; the default
# is shown with GH_BENCH_DEFAULT_SLACK=1), which applies to both peers alike.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-usb}
blocks=${2:-7}
unlocks=${3:-100}
cli=${4:-10}
SIM=$build/tests/sim/gh-relay-sim
TOOL=$build/tests/lockctl/gh-relay-tool
BENCH=$build/bench/relay/relay-bench
SLACK=$build/bench/relay/slack-exec
for f in "$SIM" "$TOOL" "$BENCH" "$SLACK"; do
    [ -x "$f" ] || { echo "missing $f: build gh-relay-sim gh-relay-tool relay-bench slack-exec" >&2; exit 2; }
done
USBRELAY=$(command -v usbrelay) || { echo "usbrelay not installed (scripts/deps.sh)" >&2; exit 2; }
if [ -z "${GH_BENCH_SLACK_SET:-}" ] && [ -z "${GH_BENCH_DEFAULT_SLACK:-}" ]; then
    export GH_BENCH_SLACK_SET=1
    exec "$SLACK" bash "$0" "$build" "$blocks" "$unlocks" "$cli"
fi

tmp=$(mktemp -d /tmp/gh-relay-bench.XXXXXX)
sock=$tmp/sim.sock
"$SIM" --socket "$sock" --board dcttech:BENCH:2 >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
main_pid=$BASHPID
cleanup() {   # only the main shell, never a $(...) subshell, cleans up
    [ "$BASHPID" = "$main_pid" ] || return 0
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 100); do grep -qs '^ready' "$tmp/out" && break; sleep 0.05; done
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/out")
export UMOCKDEV_DIR
export LD_PRELOAD=libumockdev-preload.so.0 ASAN_OPTIONS=verify_asan_link_order=0
counts() { "$SIM" --send "$sock" "counts BENCH" | sed -n 's/^ok //p'; }
# CPU time (us) the simulator's threads have used: its share of each switch.
sim_cpu() { cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s / 1000 }'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ns() { date +%s%N; }

ours_sw=0; ours_board=0; ours_urbs=0; cli_sw=0; cli_ops=0
: >"$tmp/ours"; : >"$tmp/cli"; : >"$tmp/tool"; : >"$tmp/xfer"; : >"$tmp/ours_cpu"; : >"$tmp/cli_cpu"
TIMEFORMAT='%3U %3S'
for b in $(seq "$blocks"); do
    # Our layer: one manager, UNLOCKS unlocks (on + off each).
    c0=$(counts)
    s0=$(sim_cpu)
    out=$("$BENCH" BENCH 1 "$unlocks")
    s1=$(sim_cpu)
    c1=$(counts)
    echo "$out" | sed -n 's/^ours_us_per_switch=//p' >>"$tmp/ours"
    own=$(echo "$out" | sed -n 's/^ours_cpu_us_per_switch=//p')
    awk -v o="$own" -v s=$(( s1 - s0 )) -v n=$(( 2 * unlocks )) 'BEGIN { printf "%.1f\n", o + s / n }' >>"$tmp/ours_cpu"
    echo "$out" | sed -n 's/^ours_transfers_per_switch=//p' >>"$tmp/xfer"
    ours_sw=$(( ours_sw + 2 * unlocks ))
    ours_board=$(( ours_board + $(field "$c1" relay) - $(field "$c0" relay) ))
    ours_urbs=$(( ours_urbs + $(field "$c1" urbs) - $(field "$c0" urbs) ))

    # usbrelay CLI: one process per switch, alternating on and off.
    c0=$(counts)
    s0=$(sim_cpu)
    t0=$(ns)
    { time (
        for i in $(seq "$cli"); do
            "$USBRELAY" BENCH_1=1 >/dev/null 2>&1
            "$USBRELAY" BENCH_1=0 >/dev/null 2>&1
        done ) ; } 2>"$tmp/time"
    t1=$(ns)
    s1=$(sim_cpu)
    c1=$(counts)
    echo $(( (t1 - t0) / 1000 / (2 * cli) )) >>"$tmp/cli"
    awk -v s=$(( s1 - s0 )) -v n=$(( 2 * cli )) '{ printf "%.1f\n", (($1 + $2) * 1e6 + s) / n }' "$tmp/time" >>"$tmp/cli_cpu"
    cli_sw=$(( cli_sw + 2 * cli ))
    cli_ops=$(( cli_ops + $(field "$c1" relay) - $(field "$c0" relay) ))

    # Our side shaped like the CLI (a process per switch), for comparison.
    t0=$(ns)
    for i in $(seq "$cli"); do
        "$TOOL" on BENCH 1 >/dev/null 2>&1
        "$TOOL" off BENCH 1 >/dev/null 2>&1
    done
    t1=$(ns)
    echo $(( (t1 - t0) / 1000 / (2 * cli) )) >>"$tmp/tool"
done

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_ours=$(median "$tmp/ours"); m_cli=$(median "$tmp/cli"); m_tool=$(median "$tmp/tool")
m_ours_cpu=$(median "$tmp/ours_cpu"); m_cli_cpu=$(median "$tmp/cli_cpu")
# Ratio within each block (both peers under the same load), then the median.
paste "$tmp/cli" "$tmp/ours" | awk '{ printf "%.2f\n", $1 / $2 }' >"$tmp/ratio"
m_ratio=$(median "$tmp/ratio")
echo "timer_slack: $([ -n "${GH_BENCH_SLACK_SET:-}" ] && echo 1ns || echo default)"
echo "blocks=$blocks ours_switches_per_block=$(( 2 * unlocks )) cli_switches_per_block=$(( 2 * cli ))"
echo "ours_us_per_switch_blocks: $(tr '\n' ' ' <"$tmp/ours")"
echo "usbrelay_cli_us_per_switch_blocks: $(tr '\n' ' ' <"$tmp/cli")"
echo "gh_relay_tool_process_us_per_switch_blocks: $(tr '\n' ' ' <"$tmp/tool")"
echo "ratio_blocks: $(tr '\n' ' ' <"$tmp/ratio")"
awk -v o="$m_ours" -v c="$m_cli" -v t="$m_tool" -v bo="$ours_board" -v uo="$ours_urbs" \
    -v sw="$ours_sw" -v co="$cli_ops" -v cs="$cli_sw" -v x="$(sort -u "$tmp/xfer" | tr '\n' ' ')" 'BEGIN {
    printf "ours_transfers_per_switch (layer count): %s\n", x
    printf "board_saw_per_switch_ours: %.2f relay transfers (%.2f URBs)\n", bo / sw, uo / sw
    printf "board_saw_per_switch_usbrelay: %.2f relay operations (hidraw)\n", co / cs
    printf "median_us_per_switch: ours=%.1f usbrelay_cli=%d gh_relay_tool_process=%d\n", o, c, t
    printf "ratio_of_medians_usbrelay_cli_over_ours=%.1f\n", c / o
    printf "ratio_of_medians_usbrelay_cli_over_our_process=%.2f\n", c / t
}'
echo "ratio_usbrelay_cli_over_ours=$m_ratio  (wall time, median of per-block ratios)"
echo "cpu_us_per_switch (client + simulator): ours=$m_ours_cpu usbrelay_cli=$m_cli_cpu  blocks: ours $(tr '\n' ' ' <"$tmp/ours_cpu")| cli $(tr '\n' ' ' <"$tmp/cli_cpu")"
awk -v o="$m_ours_cpu" -v c="$m_cli_cpu" 'BEGIN { printf "ratio_cpu_usbrelay_cli_over_ours=%.1f\n", c / o }'
