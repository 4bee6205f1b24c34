#!/bin/sh
# bench_mpi.sh — the MPI engine: one run on 1 and on 2 ranks (DESIGN §10;
# issue: HPC engines).
#
#   bench/bench_mpi.sh [NELMSIM_MPI_BUILD] [PATIENTS] [REPEAT]
#
# The built-in model, PATIENTS (default 400000) with every trajectory written
# (deflate 4), one OpenMP thread per rank so that the ranks are what scales:
# mpirun -n 1 and -n 2, interleaved REPEAT times (default 3), best wall time
# of each; then the same with summaries only (no file). Prints seconds,
# patient-strategy trajectories per second, the speed-up and the parallel
# efficiency (speed-up / 2), and checks the two files agree dataset by
# dataset. On a 2-core machine the second rank shares the cores with
# everything else running: read the efficiency with that in mind.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
nelmsim=${1:-$here/build-mpi/nelmsim}
n=${2:-400000}
repeat=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/nelm-bench-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
now() { date +%s.%N; }
strategies=$("$nelmsim" run -n 1 --seed 1 -q | grep -c '^strategy ')

best() { # best REPEAT wall time of: mpirun -n RANKS nelmsim run ARGS...
    ranks=$1
    shift
    b=
    for _ in $(seq "$repeat"); do
        rm -f "$work"/out-"$ranks".h5
        t0=$(now)
        mpirun --oversubscribe -n "$ranks" "$nelmsim" run -n "$n" --seed 1 -q --threads 1 "$@" \
            >/dev/null
        t1=$(now)
        b=$(echo "$t0 $t1 ${b:-}" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
    done
    echo "$b"
}

printf "nelmsim MPI bench: %s patients x %s strategies, 1 thread per rank, best of %s\n" \
    "$n" "$strategies" "$repeat"
printf "%-22s %10s %10s %14s %9s %10s\n" "output" "1 rank s" "2 ranks s" "traj/s 2 ranks" \
    "speed-up" "efficiency"
for mode in full none; do
    if [ "$mode" = full ]; then
        s1=$(best 1 --trajectories full -o "$work/out-1.h5")
        s2=$(best 2 --trajectories full -o "$work/out-2.h5")
        /usr/bin/python3 "$here/scripts/h5compare.py" "$work/out-1.h5" "$work/out-2.h5" >/dev/null
        label="trajectories full"
    else
        s1=$(best 1)
        s2=$(best 2)
        label="summaries only"
    fi
    printf "%-22s " "$label"
    echo "$s1 $s2 $n $strategies" | awk '{
        su = $2 > 0 ? $1 / $2 : 0
        printf "%10.2f %10.2f %14.3g %9.2f %10.2f\n", $1, $2, $3 * $4 / $2, su, su / 2
    }'
done
echo "files from 1 and 2 ranks agree dataset by dataset"
