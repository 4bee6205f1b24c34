#!/bin/sh
# bench_scenarios.sh — scenarios per second for a sweep, and merge throughput
# (DESIGN §10; issue: sweeps, PSA, shards).
#
#   bench/bench_scenarios.sh [NELMSIM] [PATIENTS]
#
# A 24-point sweep (tests/data/scenarios/bench-sweep.yaml) of the built-in model
# with PATIENTS per scenario (default 20000) on all threads: seconds, scenarios
# per second, patient-strategy trajectories per second, and the time a scenario
# costs beyond simulating (the same sweep with one patient: loading and
# validating its parameters, setting up the model, writing its summaries). Then the same sweep as 8 shards and their merge:
# merge seconds and shard megabytes merged per second.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
nelmsim=${1:-$here/build/nelmsim}
n=${2:-20000}
spec=$here/tests/data/scenarios/bench-sweep.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/nelm-bench-scen.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
now() { date +%s.%N; }

t0=$(now)
"$nelmsim" sweep "$spec" -n "$n" --seed 1 -q -o "$work/single.h5" >/dev/null
t1=$(now)
t2=$(now)
"$nelmsim" sweep "$spec" -n 1 --seed 1 -q >/dev/null
t3=$(now)
for i in 1 2 3 4 5 6 7 8; do
    "$nelmsim" sweep "$spec" -n "$n" --seed 1 -q --shard "$i/8" -o "$work/shard-$i.h5" >/dev/null
done
bytes=$(cat "$work"/shard-*.h5 | wc -c)
t4=$(now)
"$nelmsim" merge "$work"/shard-*.h5 -o "$work/merged.h5" >/dev/null
t5=$(now)
/usr/bin/python3 "$here/scripts/h5compare.py" "$work/single.h5" "$work/merged.h5" >/dev/null
rn=$((10 * n))
for i in 1 2 3 4; do
    "$nelmsim" run -n "$rn" --seed 1 -q --trajectories full --shard "$i/4" \
        -o "$work/run-$i.h5" >/dev/null
done
rbytes=$(cat "$work"/run-*.h5 | wc -c)
t6=$(now)
"$nelmsim" merge "$work"/run-*.h5 -o "$work/run-merged.h5" >/dev/null
t7=$(now)

awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" -v t5="$t5" -v n="$n" \
    -v bytes="$bytes" -v t6="$t6" -v t7="$t7" -v rn="$rn" -v rbytes="$rbytes" 'BEGIN {
    S = 7; K = 24
    sweep = t1 - t0; one = t3 - t2; merge = t5 - t4
    printf "sweep: %d scenarios x %d patients x %d strategies in %.2f s\n", K, n, S, sweep
    printf "  %.2f scenarios/s, %.3g patient-strategies/s\n", K / sweep, K * n * S / sweep
    printf "  the same sweep with 1 patient: %.3f s, %.1f ms per scenario (parameters loaded and\n", one, 1000 * one / K
    printf "  validated twice, model set up, summaries written: the cost beyond simulating)\n"
    printf "merge of 8 shards (%.2f MB): %.3f s, %.1f MB/s (equal to the single run)\n", bytes / 1e6, merge, bytes / 1e6 / merge
    rm = t7 - t6
    printf "merge of a %d-patient run in 4 shards, every event (%.1f MB): %.2f s, %.1f MB/s, %.3g patient-strategies/s\n", rn, rbytes / 1e6, rm, rbytes / 1e6 / rm, rn * S / rm
}'
