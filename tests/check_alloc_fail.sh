#!/bin/sh
# Allocation failure injected into the engine's allocation paths (sim/alloc.h)
# gives a clean error, never a crash, a hang, a leak or a file:
# for every N from 1 to the number of counted allocations of a command
# (NELMSIM_ALLOC_REPORT=1 counts them), NELMSIM_FAIL_ALLOC=N must give
#   - exit 2 or 3 (invalid input / I/O; out of memory exits 2),
#   - exactly one line on stderr, naming the memory shortage,
#   - no output file and no temporary FILE.part-PID left,
# within 60 s each. Commands: `check` of the built-in model (every call); a
# tiny `run` with every event written (every 7th call while it loads the
# parameters, the calls `check` makes too, then every call); a tiny sweep and
# PSA (their first 60 calls, reading the spec, one by one, then every 41st:
# a full walk of those would take minutes under AddressSanitizer). Under
# AddressSanitizer (the CI's sanitizer build, where the hook is compiled in)
# a leak on any error path aborts the command, which fails the exit-status
# check. A build without the hook skips (exit 77).
#   check_alloc_fail.sh NELMSIM WORKDIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: check_alloc_fail.sh NELMSIM WORKDIR" >&2
    exit 2
fi
nelmsim=$1
w=$2
rm -rf "$w"
mkdir -p "$w" || exit 1
cd "$w" || exit 1

# one thread: the order of the calls, hence what N means, is then fixed
cat >sweep.yaml <<'EOF'
set:
  horizon.months: 240
grid:
  cohort.age.mean: [60, 65]
EOF
cat >psa.yaml <<'EOF'
parameters:
  cohort.age.mean: {dist: normal, mean: 62, sd: 1.5}
  cohort.age.sd: {dist: uniform, min: 5, max: 9}
correlation:
  - {between: [cohort.age.mean, cohort.age.sd], rho: 0.3}
EOF

total=$(NELMSIM_ALLOC_REPORT=1 "$nelmsim" check 2>&1 >/dev/null |
    sed -n 's/^nelmsim: \([0-9]*\) allocations$/\1/p')
if [ -z "$total" ]; then
    echo "skipped: this build has no allocation hook (sim/alloc.h: sanitizer builds)"
    exit 77
fi

fail=0
tried=0
clean() { [ "$out" = "-" ] || rm -f -- "$out" "$out".part-*; }
# walk NAME PLAN OUTPUT -- ARGS...: inject a failure at each N of PLAN, up
# to the command's count C of calls: "all" (1..C), "head K S" (1..K, then
# every S-th), "tail K S" (every S-th up to K, then every one; K < 0 means
# C + K). OUTPUT is the file the command would write ("-": none).
walk() {
    name=$1
    plan=$2
    out=$3
    shift 4
    clean
    count=$(NELMSIM_ALLOC_REPORT=1 timeout 120 "$nelmsim" "$@" 2>&1 >/dev/null |
        sed -n 's/^nelmsim: \([0-9]*\) allocations$/\1/p')
    clean
    if [ -z "$count" ] || [ "$count" -lt 10 ]; then
        echo "FAIL: $name: no allocation count (got '$count')"
        fail=1
        return
    fi
    read -r mode k step <<PLAN
$plan
PLAN
    k=${k:-0}
    step=${step:-1}
    [ "$k" -lt 0 ] && k=$((count + k))
    n=1
    bad=0
    while [ "$n" -le "$count" ]; do
        NELMSIM_FAIL_ALLOC=$n timeout 60 "$nelmsim" "$@" >out.txt 2>err.txt
        rc=$?
        tried=$((tried + 1))
        lines=$(wc -l <err.txt | tr -d ' ')
        msg=$(head -c 300 err.txt | head -n 1)
        left=""
        if [ "$out" != "-" ]; then
            left=$(ls | grep -F -- "$out" | tr '\n' ' ')
        fi
        if [ "$rc" -ne 2 ] && [ "$rc" -ne 3 ]; then
            echo "FAIL: $name, allocation $n of $count fails: exit $rc: $(head -c 2000 err.txt)"
            bad=$((bad + 1))
        elif [ "$lines" -ne 1 ]; then
            echo "FAIL: $name, allocation $n of $count fails: $lines lines on stderr:"
            head -n 5 err.txt
            bad=$((bad + 1))
        elif ! grep -q "memory" err.txt; then
            echo "FAIL: $name, allocation $n of $count fails: the message does not say so: $msg"
            bad=$((bad + 1))
        elif [ -n "$left" ]; then
            echo "FAIL: $name, allocation $n of $count fails: left $left"
            bad=$((bad + 1))
        fi
        clean
        [ "$bad" -ge 5 ] && break
        case $mode in
            all) n=$((n + 1)) ;;
            head) if [ "$n" -lt "$k" ]; then n=$((n + 1)); else n=$((n + step)); fi ;;
            tail) if [ "$n" -ge "$k" ]; then n=$((n + 1)); else n=$((n + step)); fi ;;
        esac
    done
    if [ "$bad" -gt 0 ]; then
        fail=1
    else
        echo "ok: $name: $count allocations, each failure tried a clean error (last: $msg)"
    fi
}

walk check all - -- check
walk run "tail $total 7" run.h5 -- run -n 20 --seed 1 --threads 1 --quiet --strategy classic \
    --trajectories full -o run.h5
walk sweep "head 60 41" sweep.h5 -- sweep sweep.yaml -n 20 --seed 1 --threads 1 --quiet \
    --strategy classic -o sweep.h5
walk psa "head 60 41" psa.h5 -- psa psa.yaml --draws 2 -n 20 --seed 1 --threads 1 --quiet \
    --strategy classic -o psa.h5
echo "$tried injected allocation failures"
exit $fail
