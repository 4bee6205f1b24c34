#!/bin/sh
# Faults while writing, and interrupted shards (issue #10; DESIGN §7, §9).
# check_interrupt.sh covers `run`: an existing output, SIGINT/SIGTERM of a
# whole run, a missing output directory. This covers the rest:
#  a. a file-size limit while writing (`ulimit -f` with SIGXFSZ ignored, so
#     that write() fails with EFBIG as on a full disk): run (every event, and
#     per-patient outcomes), a run shard, sweep, PSA, merge, and a CSV:
#     exit 3, one line on stderr naming the file, neither the output nor its
#     temporary FILE.part-PID left;
#  b. unwritable places: an output under a regular file (ENOTDIR) and in
#     /proc (root ignores permissions, so those stand in for a read-only
#     directory) for run, sweep, PSA, merge and a CSV; a full device (a
#     private node like /dev/full: ENOSPC) as the CSV and as standard output
#     (the table, the YAML of `check --dump`): exit 3, one line, nothing
#     created, the device left alone;
#  c. an existing output without --force for sweep, PSA and merge: exit 1,
#     one line naming --force, the file unchanged;
#  d. a run shard stopped by SIGTERM (exit 143) and one by SIGINT (exit 130)
#     leave no shard file and no temporary file, and one killed outright
#     (SIGKILL) leaves no finished file; each is then rerun, completes, and
#     the shards merged equal the run in one process (scripts/h5compare.py,
#     provenance excluded); a PSA stopped by SIGTERM leaves nothing.
# Every command runs under `timeout`.
#   check_faults.sh NELMSIM WORKDIR SOURCE_DIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: check_faults.sh NELMSIM WORKDIR SOURCE_DIR" >&2
    exit 2
fi
nelmsim=$1
w=$2
src=$3
scen=$src/tests/data/scenarios
python=/usr/bin/python3
rm -rf "$w"
mkdir -p "$w" || exit 1
cd "$w" || exit 1
fail=0
faults=0
check() { # description, status of the condition
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    else
        echo "ok: $1"
    fi
}
lines() { wc -l <"$1" | tr -d ' '; }
# no file named $1 and no $1.part-* in the working directory
gone() { [ ! -e "$1" ] && [ -z "$(ls | grep -F "$1.part-")" ]; }

# expect_fail NAME STATUS OUTPUT -- COMMAND...: COMMAND exits STATUS with
# one line on stderr (naming OUTPUT when it is not "-"), and leaves neither
# OUTPUT nor OUTPUT.part-*
expect_fail() {
    name=$1
    want=$2
    out=$3
    shift 4
    timeout -k 10 300 "$@" >"$w/cmd.out" 2>"$w/cmd.err"
    rc=$?
    faults=$((faults + 1))
    [ "$rc" -eq "$want" ]
    check "$name: exit $want (got $rc: $(head -c 300 "$w/cmd.err"))" $?
    [ "$(lines "$w/cmd.err")" -eq 1 ] && { [ "$out" = - ] || grep -qF -- "$out" "$w/cmd.err"; }
    check "$name: one line on stderr naming $out: $(head -c 300 "$w/cmd.err")" $?
    if [ "$out" != - ] && [ ! -c "$out" ]; then # (a device stays)
        gone "$out"
        check "$name: neither $out nor $out.part-* left: $(ls | tr '\n' ' ')" $?
    fi
}
# limit.sh BLOCKS COMMAND...: COMMAND with a file-size limit of BLOCKS and
# SIGXFSZ ignored (so that write() fails with EFBIG instead of killing it);
# tofull.sh COMMAND...: COMMAND with standard output on a full device
cat >limit.sh <<'EOF'
ulimit -f "$1" || exit 99
shift
trap '' XFSZ
exec "$@"
EOF
cat >tofull.sh <<EOF
exec "\$@" >"$w/full"
EOF
under_limit="sh $w/limit.sh"
to_full="sh $w/tofull.sh"

run="$nelmsim run --seed 7 --quiet --strategy classic --strategy observation"

# ---- a. file-size limit ----
expect_fail "run, every event, file-size limit" 3 full.h5 -- \
    $under_limit 200 $run -n 20000 --trajectories full -o full.h5
expect_fail "run, outcomes, file-size limit" 3 outc.h5 -- \
    $under_limit 200 $run -n 20000 --trajectories outcomes -o outc.h5
expect_fail "run shard, file-size limit" 3 shard.h5 -- \
    $under_limit 200 $run -n 20000 --trajectories outcomes --shard 1/2 -o shard.h5
expect_fail "sweep, file-size limit" 3 sweep.h5 -- \
    $under_limit 200 "$nelmsim" sweep "$scen/sweep.yaml" -n 3000 --seed 7 --quiet \
    --trajectories full -o sweep.h5
expect_fail "psa, file-size limit" 3 psa.h5 -- \
    $under_limit 200 "$nelmsim" psa "$scen/psa.yaml" --draws 4 -n 3000 --seed 7 --quiet \
    --trajectories full -o psa.h5
timeout 300 $run -n 20000 --trajectories full --shard 1/2 -o m1.h5 >/dev/null 2>&1 &&
    timeout 300 $run -n 20000 --trajectories full --shard 2/2 -o m2.h5 >/dev/null 2>&1
check "two shards to merge" $?
expect_fail "merge, file-size limit" 3 merged.h5 -- \
    $under_limit 200 "$nelmsim" merge -o merged.h5 m1.h5 m2.h5
expect_fail "CSV, file-size limit" 3 table.csv -- \
    $under_limit 1 $run -n 200 --csv table.csv

# ---- b. unwritable places ----
: >afile
for out in afile/x.h5 /proc/nelmsim-x.h5; do
    expect_fail "run -o $out" 3 "$out" -- $run -n 200 -o "$out"
    expect_fail "sweep -o $out" 3 "$out" -- \
        "$nelmsim" sweep "$scen/sweep.yaml" -n 200 --seed 7 --quiet -o "$out"
    expect_fail "psa -o $out" 3 "$out" -- \
        "$nelmsim" psa "$scen/psa.yaml" --draws 2 -n 200 --seed 7 --quiet -o "$out"
    expect_fail "merge -o $out" 3 "$out" -- "$nelmsim" merge -o "$out" m1.h5 m2.h5
done
for out in afile/x.csv /proc/nelmsim-x.csv; do
    expect_fail "run --csv $out" 3 "$out" -- $run -n 200 --csv "$out"
done
[ "$(cat afile)" = "" ] && [ ! -e /proc/nelmsim-x.h5 ]
check "nothing created under afile or in /proc" $?
# a full device of our own (a node like /dev/full, here: whatever a broken
# program does to it stays here); skipped where mknod is not allowed
if mknod "$w/full" c 1 7 2>/dev/null && ! (echo x >"$w/full") 2>/dev/null; then
    expect_fail "run --csv to a full device" 3 "$w/full" -- $run -n 200 --csv "$w/full"
    [ -c "$w/full" ]
    check "the full device is still there" $?
    expect_fail "run, the table to a full device" 3 - -- $to_full $run -n 200
    expect_fail "sweep, the table to a full device" 3 - -- \
        $to_full "$nelmsim" sweep "$scen/sweep.yaml" -n 200 --seed 7 --quiet
    expect_fail "check --dump to a full device" 3 - -- $to_full "$nelmsim" check --dump
else
    echo "skipped: no full device (mknod not allowed)"
fi

# ---- c. existing outputs without --force ----
cksum m1.h5 >m1.sum
for cmd in sweep psa merge; do
    case $cmd in
        sweep) set -- "$nelmsim" sweep "$scen/sweep.yaml" -n 200 --seed 7 --quiet -o m1.h5 ;;
        psa) set -- "$nelmsim" psa "$scen/psa.yaml" --draws 2 -n 200 --seed 7 --quiet -o m1.h5 ;;
        merge) set -- "$nelmsim" merge -o m1.h5 m1.h5 m2.h5 ;;
    esac
    timeout 300 "$@" >"$w/cmd.out" 2>"$w/cmd.err"
    rc=$?
    faults=$((faults + 1))
    [ "$rc" -eq 1 ] && [ "$(lines "$w/cmd.err")" -eq 1 ] && grep -q -- "--force" "$w/cmd.err"
    check "$cmd over an existing output without --force: exit 1 (got $rc), one line naming --force: $(head -c 200 "$w/cmd.err")" $?
    cksum m1.h5 | cmp -s - m1.sum && [ -z "$(ls | grep -F 'm1.h5.part-')" ]
    check "$cmd over an existing output without --force: the file unchanged, no temporary file" $?
done

# ---- d. interrupted shards resume ----
# One run of 600000 patients (classic) in two shards of patient blocks, one
# thread: each shard takes a second or more, long enough to be stopped.
big="$nelmsim run -n 600000 --seed 9 --quiet --threads 1 --strategy classic --trajectories outcomes"
timeout 600 $big -o single.h5 >/dev/null 2>&1
check "the run in one process" $?
# stop SIGNAL STATUS SHARD: start the shard, wait for its temporary file,
# then send the signal
stop() {
    sig=$1
    want=$2
    shard=$3
    rm -f "s$shard.h5"
    timeout -k 10 600 $big --shard "$shard/2" -o "s$shard.h5" >/dev/null 2>"$w/stop.err" &
    pid=$!
    i=0
    while [ -z "$(ls | grep -F "s$shard.h5.part-")" ] && [ $i -lt 600 ] &&
        kill -0 $pid 2>/dev/null; do
        sleep 0.05
        i=$((i + 1))
    done
    sleep 0.2
    if [ "$sig" = KILL ]; then # the shard itself (timeout would leave it running)
        kill -KILL "$(pgrep -P $pid)"
    else # timeout passes the signal on
        kill -"$sig" $pid
    fi
    wait $pid
    rc=$?
    faults=$((faults + 1))
    [ "$rc" -eq "$want" ]
    check "shard $shard/2 stopped by SIG$sig: exit $want (got $rc: $(head -c 200 "$w/stop.err"))" $?
    if [ "$sig" = KILL ]; then
        [ ! -e "s$shard.h5" ]
        check "shard $shard/2 killed: no finished s$shard.h5" $?
    else
        gone "s$shard.h5"
        check "shard $shard/2 stopped by SIG$sig: neither s$shard.h5 nor a temporary file left" $?
    fi
    timeout 600 $big --shard "$shard/2" -o "s$shard.h5" >/dev/null 2>"$w/stop.err"
    check "shard $shard/2 rerun after SIG$sig completes: $(head -c 200 "$w/stop.err")" $?
}
stop TERM 143 1
stop INT 130 2
mv s1.h5 s1-term.h5
stop KILL 137 1
timeout 300 "$nelmsim" merge -o merged.h5 s2.h5 s1.h5 >/dev/null 2>"$w/merge.err"
check "the resumed shards merge: $(head -c 200 "$w/merge.err")" $?
"$python" "$src/scripts/h5compare.py" single.h5 merged.h5
check "the merged shards equal the run in one process" $?
cmp -s s1.h5 s1-term.h5 || "$python" "$src/scripts/h5compare.py" s1.h5 s1-term.h5 >/dev/null
check "a shard rerun after SIGTERM equals one rerun after SIGKILL" $?

# a PSA stopped by SIGTERM
timeout -k 10 600 "$nelmsim" psa "$scen/psa.yaml" --draws 200 -n 200000 --seed 7 --quiet \
    --threads 1 -o psa-big.h5 >/dev/null 2>"$w/psa.err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
faults=$((faults + 1))
[ "$rc" -eq 143 ] && [ "$(lines "$w/psa.err")" -eq 1 ]
check "psa stopped by SIGTERM: exit 143 (got $rc), one line: $(head -c 200 "$w/psa.err")" $?
gone psa-big.h5
check "psa stopped by SIGTERM: neither psa-big.h5 nor a temporary file left" $?

echo "$faults faults tried"
exit $fail
