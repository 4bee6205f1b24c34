#!/usr/bin/env bash
# Fuzz the parameter loader and the sweep/PSA spec reader (issue #10), then
# run the unit tests under valgrind.
#
#   scripts/fuzz.sh [--time S] [--no-valgrind]
#
# Configures a clang build in build-fuzz/ (libFuzzer + AddressSanitizer +
# UBSan, fuzz/CMakeLists.txt), builds the harnesses, replays the committed
# regression inputs (tests/data/fuzz/HARNESS/: every crash ever found), then
# runs each harness for S seconds (default 60) from seeds taken from params/
# and tests/data (plus the corpus kept in build-fuzz/corpus/ from earlier
# runs), with the dictionary fuzz/nelmsim.dict. Fails when a harness finds a
# crash, a leak, undefined behaviour or a malformed error (the input is saved
# under build-fuzz/artifacts/; add it to tests/data/fuzz/HARNESS/ with the
# fix), or runs fewer than MIN_RATE executions per second (a harness that
# hangs or crawls covers nothing). Prints the executions per harness and in
# total. Then scripts/valgrind-unit.sh on the release build in build/ when
# there is one (the CI has built it), unless --no-valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

time_s=60
valgrind=1
while [ $# -gt 0 ]; do
    case "$1" in
        --time)
            time_s=${2:-}
            shift
            ;;
        --no-valgrind) valgrind=0 ;;
        *) echo "usage: scripts/fuzz.sh [--time S] [--no-valgrind]" >&2; exit 1 ;;
    esac
    shift
done
if ! [[ "$time_s" =~ ^[0-9]+$ ]] || [ "$time_s" -lt 1 ]; then
    echo "fuzz.sh: --time needs a number of seconds" >&2
    exit 1
fi
# Minimum executions per second of fuzzing. Measured on the CI's kind of
# machine (2 cores, load average 4.5 from other work), 60 s each:
# fuzz_params 860/s, fuzz_scenario 1030/s (1500/s and 500/s in other runs:
# the rate depends on how many inputs load the whole model). 100/s leaves
# room for a loaded machine and still fails a harness that hangs or crawls.
MIN_RATE=${NELMSIM_FUZZ_MIN_RATE:-100}

build=build-fuzz
CC=clang cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNELMSIM_SANITIZE=ON -DNELMSIM_FUZZ=ON -DNELMSIM_TESTS=OFF >/dev/null
if ! cmake --build "$build" --parallel 2 --target fuzz_params fuzz_scenario nelmsim \
    >"$build/build.log" 2>&1; then
    tail -n 40 "$build/build.log"
    echo "fuzz.sh: the fuzz build failed" >&2
    exit 1
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# seeds: fresh every run, from the committed files
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/params" "$seeds/scenario" "$build/artifacts"
n=0
for f in params/*.yaml params/nelm/*.yaml tests/data/params/*.yaml tests/data/params/*/*.yaml \
    tests/data/params/*/*/*.yaml tests/data/scenarios/*.yaml tests/data/scenarios/bad/*.yaml; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    # fuzz_params: a first byte 0 means "the rest is a parameter file"
    { printf '\0'; head -c 32768 "$f"; } >"$seeds/params/file$n"
    case "$f" in
        tests/data/scenarios/*) cp "$f" "$seeds/scenario/spec$n" ;;
    esac
done
# the whole default model in one file (resolved), and by its built-in name
{ printf '\0'; "$build/nelmsim" check --dump; } >"$seeds/params/dump"
{ printf '\0'; printf 'include: builtin:params/nelm.yaml\nhorizon: {months: 600}\n'; } \
    >"$seeds/params/builtin"
# --set overrides (first byte 1), one per line: the catalogue's and some valid ones
{
    printf '\1'
    printf '%s\n' 'cohort.age.mean=62' 'modalities.lutetium.hr.grade.G3=1.5' \
        'cohort.filters=[{attribute: ki67, min: 10, max: 40}]' 'horizon.months=600'
} >"$seeds/params/set0"
i=0
grep '^--set=' tests/data/params/expected-errors.tsv | cut -f1 | sed 's/^--set=//' |
    while IFS= read -r s; do
        i=$((i + 1))
        { printf '\1'; printf '%s\n' "$s"; } >"$seeds/params/set$i"
    done

dict=$root/fuzz/nelmsim.dict
total=0
status=0
for h in params scenario; do
    exe=$root/$build/fuzz/fuzz_$h
    corpus=$root/$build/corpus/$h
    mkdir -p "$corpus"
    # the committed regression inputs first: each must run clean
    reg=$root/tests/data/fuzz/$h
    if [ -d "$reg" ] && [ -n "$(ls "$reg")" ]; then
        if ! (cd tests/data/params && "$exe" -runs=1 "$reg"/* </dev/null \
            >"$root/$build/replay-$h.log" 2>&1); then
            tail -n 40 "$build/replay-$h.log"
            echo "fuzz.sh: fuzz_$h: a regression input of tests/data/fuzz/$h fails again" >&2
            status=1
            continue
        fi
        echo "fuzz_$h: $(ls "$reg" | wc -l) regression inputs replayed clean"
    fi
    log=$root/$build/fuzz-$h.log
    set +e
    # relative includes of the parameter files resolve in tests/data/params
    (cd tests/data/params && timeout -k 10 $((time_s + 120)) "$exe" \
        -max_total_time="$time_s" -print_final_stats=1 -dict="$dict" -max_len=32768 \
        -timeout=20 -rss_limit_mb=2560 -artifact_prefix="$root/$build/artifacts/$h-" \
        "$corpus" "$root/$seeds/$h" </dev/null >"$log" 2>&1)
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    execs=${execs:-0}
    total=$((total + execs))
    min=$((MIN_RATE * time_s))
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$log"
        echo "fuzz.sh: fuzz_$h failed (exit $rc) after $execs executions; the input is in" \
            "$build/artifacts/ (make it a regression input in tests/data/fuzz/$h/ with the fix)" >&2
        status=1
    elif [ "$execs" -lt "$min" ]; then
        tail -n 20 "$log"
        echo "fuzz.sh: fuzz_$h ran only $execs executions in $time_s s (at least $min)" >&2
        status=1
    else
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
        echo "fuzz_$h: $execs executions in $time_s s ($cov), corpus $(ls "$corpus" | wc -l) inputs"
    fi
done
echo "fuzz.sh: $total executions in total"
[ "$status" -eq 0 ] || exit "$status"

if [ "$valgrind" -eq 1 ]; then
    if [ -x build/nelmsim ]; then
        scripts/valgrind-unit.sh build
    else
        echo "fuzz.sh: no release build in build/: valgrind not run (scripts/test.sh builds it)"
    fi
fi
