#!/usr/bin/env bash
# Submit a sharded nelmsim run, sweep or PSA to Slurm in one command: the job
# array (array.sbatch, one shard per task) and the merge job (merge.sbatch,
# --dependency=afterok on the array). Prints the job ids on stdout as
#     ARRAY_JOB=<id>
#     MERGE_JOB=<id>
# (eval-able), and what it did on stderr.
#
#   scripts/slurm/submit.sh [OPTIONS] [--] COMMAND ARGS...
#
#   COMMAND ARGS...      nelmsim run|sweep|psa and its arguments, without -o and
#                        --shard (e.g. run -n 10000000 --seed 7 --trajectories full)
#   --nelmsim PATH       the nelmsim binary (default $NELMSIM, else nelmsim on PATH);
#                        the compute nodes must see it at the same path
#   --shards N           number of shards = array tasks (default 4)
#   --outdir DIR         the shard files (default ./nelmsim-shards); logs in DIR/logs
#   --merged FILE        the merged file (default OUTDIR/merged.h5)
#   --account A          passed to both sbatch calls
#   --partition P        passed to both sbatch calls
#   --cpus-per-task C    CPUs of each array task, used as nelmsim --threads
#   --time T             time limit of each array task (sbatch --time)
#   --mem-per-cpu M      memory of each array task (sbatch --mem-per-cpu)
#   --merge-time T, --merge-mem M   the same for the merge job
#   --max-running K      at most K array tasks at once (--array=...%K)
#   --tasks LIST         submit only these shards of N, e.g. 3,7 or 2-5 (shards
#                        are 1..N); to resume, resubmitting all is fine too:
#                        complete shards are skipped at once
#   --sbatch-arg ARG     one more option for both sbatch calls (repeatable)
#   --no-merge           submit the array only
#   --force-merge        replace an existing merged file
#
# Options not given here come from the #SBATCH lines of array.sbatch and
# merge.sbatch. Array task k runs shard k (the array is 1..N).
set -euo pipefail

prog=submit.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "$prog: $*" >&2; exit 2; }
usage() { sed -n '9,33s/^# \{0,1\}//p' "$0" >&2; exit 2; }

nelmsim=${NELMSIM:-}
shards=4
outdir=$PWD/nelmsim-shards
merged=
tasks=
max_running=
merge=1
force_merge=0
both=()       # options for both sbatch calls
array_opts=() # options for the array only
merge_opts=() # options for the merge job only

need() { [ "$2" -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
    case $1 in
        --nelmsim) need "$1" $#; nelmsim=$2; shift 2 ;;
        --shards) need "$1" $#; shards=$2; shift 2 ;;
        --outdir) need "$1" $#; outdir=$2; shift 2 ;;
        --merged) need "$1" $#; merged=$2; shift 2 ;;
        --account) need "$1" $#; both+=("--account=$2"); shift 2 ;;
        --partition) need "$1" $#; both+=("--partition=$2"); shift 2 ;;
        --cpus-per-task) need "$1" $#; array_opts+=("--cpus-per-task=$2"); shift 2 ;;
        --time) need "$1" $#; array_opts+=("--time=$2"); shift 2 ;;
        --mem-per-cpu) need "$1" $#; array_opts+=("--mem-per-cpu=$2"); shift 2 ;;
        --merge-time) need "$1" $#; merge_opts+=("--time=$2"); shift 2 ;;
        --merge-mem) need "$1" $#; merge_opts+=("--mem=$2"); shift 2 ;;
        --max-running) need "$1" $#; max_running=$2; shift 2 ;;
        --tasks) need "$1" $#; tasks=$2; shift 2 ;;
        --sbatch-arg) need "$1" $#; both+=("$2"); shift 2 ;;
        --no-merge) merge=0; shift ;;
        --force-merge) force_merge=1; shift ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "$prog: unknown option '$1'" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "$prog: no nelmsim command given" >&2; usage; }
case $1 in
    run|sweep|psa) ;;
    *) die "the command must be run, sweep or psa (got '$1')" ;;
esac
for a in "${@:2}"; do
    case $a in
        -o|--output|--output=*|--shard|--shard=*)
            die "do not pass $a: the shard files go to --outdir, the merged file to --merged" ;;
    esac
done
case $shards in ''|*[!0-9]*|0) die "--shards needs a positive number (got '$shards')" ;; esac
case $max_running in *[!0-9]*) die "--max-running needs a number (got '$max_running')" ;; esac
case $tasks in *[!0-9,-]*) die "--tasks takes shard numbers like 3,7 or 2-5 (got '$tasks')" ;; esac

command -v sbatch >/dev/null 2>&1 || die "sbatch not found (is Slurm installed, and SLURM_CONF set?)"
if [ -z "$nelmsim" ]; then
    nelmsim=$(command -v nelmsim 2>/dev/null) ||
        die "nelmsim is not on PATH: give --nelmsim PATH (or set NELMSIM)"
fi
case $nelmsim in
    */*) ;;
    *) nelmsim=$(command -v "$nelmsim" 2>/dev/null) || die "nelmsim binary '$nelmsim' not found" ;;
esac
if [ ! -f "$nelmsim" ] || [ ! -x "$nelmsim" ]; then
    die "nelmsim binary '$nelmsim' is not an executable file"
fi
nelmsim=$(cd "$(dirname "$nelmsim")" && pwd)/$(basename "$nelmsim")

mkdir -p -- "$outdir/logs"
outdir=$(cd "$outdir" && pwd)
[ -n "$merged" ] || merged=$outdir/merged.h5
case $merged in /*) ;; *) merged=$PWD/$merged ;; esac
if [ "$merge" = 1 ] && [ -e "$merged" ] && [ "$force_merge" = 0 ]; then
    die "$merged exists: remove it, give another --merged, or --force-merge"
fi

array=${tasks:-1-$shards}
[ -z "$max_running" ] || array=$array%$max_running

# The jobs read these (sbatch --export=ALL passes the environment on).
export NELMSIM=$nelmsim NELMSIM_OUTDIR=$outdir NELMSIM_MERGED=$merged
export NELMSIM_SHARDS=$shards NELMSIM_TASK_BASE=1 NELMSIM_MERGE_FORCE=$force_merge

jobid() { # sbatch --parsable prints ID or ID;CLUSTER
    local id=${1%%;*}
    case $id in ''|*[!0-9]*) return 1 ;; esac
    echo "$id"
}

out=$(sbatch --parsable --export=ALL ${both[@]+"${both[@]}"} \
    ${array_opts[@]+"${array_opts[@]}"} \
    --array="$array" --output="$outdir/logs/array-%A_%a.out" \
    "$here/array.sbatch" "$@") || die "sbatch of the array failed"
array_job=$(jobid "$out") || die "unexpected sbatch output: $out"
echo "$prog: array job $array_job: nelmsim $* -- shards $array of $shards -> $outdir/shard-I-of-$shards.h5" >&2
echo "ARRAY_JOB=$array_job"

if [ "$merge" = 1 ]; then
    out=$(sbatch --parsable --export=ALL ${both[@]+"${both[@]}"} \
        ${merge_opts[@]+"${merge_opts[@]}"} \
        --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
        --output="$outdir/logs/merge-%j.out" \
        "$here/merge.sbatch") ||
        die "sbatch of the merge job failed (the array $array_job is submitted; merge later with sbatch --dependency=afterok:$array_job $here/merge.sbatch)"
    merge_job=$(jobid "$out") || die "unexpected sbatch output: $out"
    echo "$prog: merge job $merge_job after afterok:$array_job -> $merged" >&2
    echo "MERGE_JOB=$merge_job"
fi
echo "$prog: logs in $outdir/logs" >&2
