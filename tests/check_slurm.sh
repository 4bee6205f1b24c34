#!/bin/sh
# The Slurm job-array round trip (issue #7, docs/CLUSTER.md), on a one-node
# cluster started here by scripts/slurm/local-cluster.sh:
#  a. scripts/slurm/submit.sh submits a 4-task array of
#     `nelmsim run -n 40000 --seed 5 --trajectories full` and the dependent
#     merge job; the merged file equals a single-process run dataset by dataset
#     (scripts/h5compare.py, provenance excluded);
#  b. submitting the same array again skips every shard ("already complete"),
#     leaves the shard files as they were, and merges to the same file;
#  c. a 3-task sweep array (tests/data/scenarios/sweep.yaml, 6 scenarios)
#     merged equals the single-process sweep;
#  d. an array whose tasks fail: the tasks are FAILED, the merge job is
#     cancelled, no merged file.
# A trap stops the cluster on any exit (also INT/TERM), and the test checks
# that none of its processes is left. Every wait is bounded.
# Exit 77 (skip) only when not root or the Slurm/munge programs are absent.
#   check_slurm.sh NELMSIM WORKDIR
# (POSIX sh, no -e: failed checks are counted and reported one by one; a
# failed step that later steps need ends the test through die.)
set -u
if [ $# -ne 2 ]; then
    echo "usage: check_slurm.sh NELMSIM WORKDIR" >&2
    exit 2
fi
nelmsim=$1
w=$2
src=$(cd "$(dirname "$0")/.." && pwd)
slurm=$src/scripts/slurm
py=/usr/bin/python3
# All waits together end within this many seconds of the start, well inside
# the CTest TIMEOUT (a test killed by CTest could not stop its cluster).
budget=${NELMSIM_SLURM_TEST_BUDGET:-420}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the one-node Slurm cluster needs root (slurmd, munged)"
    exit 77
fi
PATH=$PATH:/usr/sbin:/sbin
for p in slurmctld slurmd munged sbatch squeue scontrol sinfo scancel; do
    if ! command -v "$p" >/dev/null 2>&1; then
        echo "SKIP: $p not found (scripts/setup-debian.sh --test installs slurm-wlm and munge)"
        exit 77
    fi
done

case $nelmsim in /*) ;; *) nelmsim=$PWD/$nelmsim ;; esac
t0=$(date +%s)
deadline=$((t0 + budget))
rm -rf "$w" && mkdir -p "$w" && w=$(cd "$w" && pwd) && cd "$w" || exit 1
for d in /tmp/nelmsim-slurm-test.*; do
    [ -e "$d/run/pids" ] || continue
    echo "warning: $d is the cluster of an earlier test that was killed; if nothing uses it:"
    echo "         bash $slurm/local-cluster.sh stop --dir $d"
done
cluster=$(mktemp -d /tmp/nelmsim-slurm-test.XXXXXX) || exit 1
export SLURM_CONF="$cluster/slurm.conf"
fail=0

cleanup() {
    status=$?
    trap - EXIT INT TERM
    set +e
    pids=
    [ ! -r "$cluster/run/pids" ] || pids=$(awk '{ printf "%s ", $2 }' "$cluster/run/pids")
    if ! bash "$slurm/local-cluster.sh" stop --dir "$cluster" >"$w/stop.log" 2>&1; then
        echo "FAIL: local-cluster.sh stop"
        cat "$w/stop.log"
        status=1
    fi
    left=
    for p in $pids; do
        st=$(awk '$1 == "State:" { print $2 }' "/proc/$p/status" 2>/dev/null)
        [ -z "$st" ] || [ "$st" = Z ] || left="$left $p"
    done
    others=$(pgrep -f "$cluster" | tr '\n' ' ')
    if [ -n "$left$others" ]; then
        echo "FAIL: processes of the cluster still running:$left $others"
        for p in $left $others; do
            ps -o pid=,stat=,args= -p "$p"
        done
        status=1
    else
        echo "ok: cluster stopped: daemons ${pids}gone, no process mentions $cluster"
    fi
    rm -rf "$cluster"
    echo "check_slurm: $(($(date +%s) - t0)) s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check() { # description, status of the condition
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    else
        echo "ok: $1"
    fi
}
die() {
    echo "FAIL: $*"
    exit 1
}

# The job's logs and what Slurm says about it, after a failure.
show_job() { # jobid logdir
    scontrol show job "$1" 2>&1 | sed 's/^/  /'
    for f in "$2"/*; do
        [ -f "$f" ] || continue
        echo "--- $f"
        tail -n 30 "$f"
    done
}

# Wait (bounded) for every task of job $1 to end; 0 when all COMPLETED.
wait_job() { # jobid logdir
    waited=0
    while :; do
        states=$(scontrol -o show job "$1" 2>/dev/null |
            sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p' | sort -u | tr '\n' ' ')
        case $states in
            "COMPLETED ") return 0 ;;
            *PENDING*|*RUNNING*|*CONFIGURING*|*COMPLETING*|*SUSPENDED*|"") ;;
            *)
                echo "job $1 ended: $states"
                show_job "$1" "$2"
                return 1
                ;;
        esac
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "job $1 not done after $waited s (test budget $budget s): ${states:-unknown to scontrol}"
            show_job "$1" "$2"
            sinfo -N -l 2>&1
            tail -n 20 "$cluster/log/slurmctld.log" "$cluster/log/slurmd.log" 2>&1
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

# Run submit.sh, set array_job and merge_job.
submit() { # name submit.sh-arguments...
    name=$1
    shift
    if ! bash "$slurm/submit.sh" --nelmsim "$nelmsim" --cpus-per-task 1 \
        --mem-per-cpu 200M --time 10 --merge-mem 500M --merge-time 10 \
        "$@" >"$w/$name.ids" 2>"$w/$name.submit.err"; then
        cat "$w/$name.submit.err"
        die "$name: submit.sh $*"
    fi
    array_job=$(sed -n 's/^ARRAY_JOB=//p' "$w/$name.ids")
    merge_job=$(sed -n 's/^MERGE_JOB=//p' "$w/$name.ids")
    if [ -z "$array_job" ] || [ -z "$merge_job" ]; then
        die "$name: no job ids from submit.sh: $(cat "$w/$name.ids")"
    fi
    echo "ok: $name: submitted array job $array_job and merge job $merge_job"
}

# Start the cluster, on another port pair if one is taken.
started=
for port in 36917 36927 36937 36947; do
    if bash "$slurm/local-cluster.sh" start --dir "$cluster" --port "$port" >"$w/start.log" 2>&1; then
        started=1
        break
    fi
    grep -q "is in use" "$w/start.log" || break
done
if [ -z "$started" ]; then
    cat "$w/start.log"
    die "local-cluster.sh start (see above)"
fi
sed 's/^/  /' "$w/start.log"
grep -qxF "export SLURM_CONF=$SLURM_CONF" "$w/start.log"
check "the cluster is up, its node idle, and start prints the SLURM_CONF line" $?

# a. a run array and the merge job == one process
"$nelmsim" run -n 40000 --seed 5 --trajectories full --quiet -o "$w/single.h5" >"$w/single.out" 2>&1 ||
    die "the single-process run: $(cat "$w/single.out")"
submit run --shards 4 --outdir "$w/run" -- run -n 40000 --seed 5 --trajectories full
run_array=$array_job
wait_job "$array_job" "$w/run/logs" || die "run: the array job failed"
echo "ok: run: array job $array_job: all 4 tasks COMPLETED"
wait_job "$merge_job" "$w/run/logs" || die "run: the merge job failed"
echo "ok: run: merge job $merge_job COMPLETED"
for i in 1 2 3 4; do
    grep -q -- "--shard $i/4 -o $w/run/shard-$i-of-4.h5" "$w/run/logs/array-${array_job}_$i.out" &&
        [ -f "$w/run/shard-$i-of-4.h5" ]
    check "run: array task $i ran shard $i/4 into shard-$i-of-4.h5" $?
done
"$py" "$src/scripts/h5compare.py" "$w/single.h5" "$w/run/merged.h5" >"$w/cmp-run.out" 2>&1
check "run: merged file == single-process run ($(cat "$w/cmp-run.out"))" $?

# b. the same array again: every shard is skipped, the merge is the same
cksum "$w"/run/shard-*.h5 >"$w/shards.before"
submit resume --shards 4 --outdir "$w/run" --merged "$w/run/merged-again.h5" \
    -- run -n 40000 --seed 5 --trajectories full
wait_job "$array_job" "$w/run/logs" || die "resume: the array job failed"
wait_job "$merge_job" "$w/run/logs" || die "resume: the merge job failed"
n=$(cat "$w"/run/logs/array-"${array_job}"_*.out | grep -c "is already complete")
[ "$n" -eq 4 ]
check "resume: all 4 tasks found their shard complete (got $n)" $?
cksum "$w"/run/shard-*.h5 | cmp -s - "$w/shards.before"
check "resume: the shard files are unchanged" $?
"$py" "$src/scripts/h5compare.py" "$w/single.h5" "$w/run/merged-again.h5" >"$w/cmp-resume.out" 2>&1
check "resume: merged again == single-process run ($(cat "$w/cmp-resume.out"))" $?

# c. a sweep array
spec=$src/tests/data/scenarios/sweep.yaml
"$nelmsim" sweep "$spec" -n 2000 --seed 3 --trajectories outcomes -q -o "$w/single-sweep.h5" \
    >"$w/single-sweep.out" 2>&1 || die "the single-process sweep: $(cat "$w/single-sweep.out")"
submit sweep --shards 3 --outdir "$w/sweep" -- sweep "$spec" -n 2000 --seed 3 --trajectories outcomes
wait_job "$array_job" "$w/sweep/logs" || die "sweep: the array job failed"
wait_job "$merge_job" "$w/sweep/logs" || die "sweep: the merge job failed"
"$py" "$src/scripts/h5compare.py" "$w/single-sweep.h5" "$w/sweep/merged.h5" >"$w/cmp-sweep.out" 2>&1
check "sweep: 3 shards merged == single-process sweep ($(cat "$w/cmp-sweep.out"))" $?

# d. failing tasks: the merge job is cancelled, nothing merged
submit bad --shards 2 --outdir "$w/bad" -- run -n 400 --seed 1 --no-such-option
while :; do
    a=$(scontrol -o show job "$array_job" 2>/dev/null | sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p' | sort -u | tr '\n' ' ')
    m=$(scontrol -o show job "$merge_job" 2>/dev/null | sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p')
    case "$a/$m" in *PENDING*|*RUNNING*|*COMPLETING*|*CONFIGURING*|/*|*/) ;; *) break ;; esac
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 1
done
[ "$a" = "FAILED " ] && [ "$m" = CANCELLED ] && [ ! -e "$w/bad/merged.h5" ] &&
    grep -q "no-such-option" "$w"/bad/logs/array-"${array_job}"_1.out
check "failing tasks: array FAILED, merge CANCELLED, no merged file (array '$a', merge '$m')" $?

echo "run array was job $run_array; $(($(date +%s) - t0)) s so far"
[ "$fail" -eq 0 ] || exit 1
echo "check_slurm: all checks passed"
