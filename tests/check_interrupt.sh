#!/bin/sh
# A failed or interrupted run never leaves a file that looks finished
# (DESIGN §7, §9):
#  a. an existing output without --force: exit 1, one line on stderr, the file
#     unchanged; with --force it is replaced by a valid run file;
#  b. SIGINT during a large run: exit 130, neither the output nor its
#     temporary FILE.part-PID left;
#  c. the same with SIGTERM: exit 143; and SIGINT during a --force run over
#     an existing file leaves that file as it was;
#  d. an output in a directory that does not exist: exit 3, one line.
# Every command runs under `timeout`.
#   check_interrupt.sh NELMSIM WORKDIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: check_interrupt.sh NELMSIM WORKDIR" >&2
    exit 2
fi
nelmsim=$1
w=$2
mkdir -p "$w" || exit 1
rm -rf "$w/a.h5" "$w"/a.h5.part-* "$w/big.h5" "$w"/big.h5.part-* "$w/no"
fail=0
check() { # description, status of the condition
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    else
        echo "ok: $1"
    fi
}
lines() { wc -l <"$1" | tr -d ' '; }
checksum() { cksum <"$1"; }

# a. an existing output
timeout 120 "$nelmsim" run -n 200 --seed 1 --quiet -o "$w/a.h5" >/dev/null 2>"$w/a0.err"
check "a first run writes $w/a.h5" $?
before=$(checksum "$w/a.h5")
timeout 120 "$nelmsim" run -n 200 --seed 2 --quiet -o "$w/a.h5" >"$w/a1.out" 2>"$w/a1.err"
rc=$?
[ "$rc" -eq 1 ]
check "existing output without --force: exit 1 (got $rc)" $?
[ "$(lines "$w/a1.err")" -eq 1 ] && grep -q -- "--force" "$w/a1.err" && [ ! -s "$w/a1.out" ]
check "existing output without --force: one line naming --force, no table: $(cat "$w/a1.err")" $?
[ "$(checksum "$w/a.h5")" = "$before" ]
check "existing output without --force: the file is unchanged" $?
[ -z "$(ls "$w" | grep 'a\.h5\.part')" ]
check "existing output without --force: no temporary file left" $?
timeout 120 "$nelmsim" run -n 200 --seed 2 --quiet --force -o "$w/a.h5" >/dev/null 2>"$w/a2.err"
check "--force replaces it: exit 0" $?
[ "$(checksum "$w/a.h5")" != "$before" ]
check "--force replaces it: the file changed" $?
timeout 120 "$nelmsim" summary "$w/a.h5" >"$w/a2.sum" 2>&1 && grep -q "(seed 2)" "$w/a2.sum"
check "--force replaces it: a valid run file of the new run (nelmsim summary)" $?

# b, c. a signal during a large run
interrupt() { # signal expected-status [--force: over an existing big.h5]
    sig=$1
    want=$2
    force=${3:-}
    rm -f "$w/big.h5" "$w"/big.h5.part-*
    if [ -n "$force" ]; then
        timeout 120 "$nelmsim" run -n 200 --seed 4 --quiet -o "$w/big.h5" >/dev/null 2>&1
        old=$(checksum "$w/big.h5")
    fi
    timeout -k 10 180 "$nelmsim" run -n 20000000 --threads 2 --seed 3 --quiet $force \
        -o "$w/big.h5" >"$w/big.out" 2>"$w/big.err" &
    pid=$!
    # wait for the temporary file: the run is under way, its handlers installed
    i=0
    while [ -z "$(ls "$w" | grep 'big\.h5\.part-')" ] && [ $i -lt 600 ] &&
        kill -0 $pid 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$(ls "$w" | grep 'big\.h5\.part-')" ]
    check "SIG$sig: the run writes $w/big.h5.part-PID" $?
    sleep 1
    t0=$(date +%s)
    kill -"$sig" $pid
    wait $pid
    rc=$?
    t1=$(date +%s)
    [ "$rc" -eq "$want" ]
    check "SIG$sig: exit $want (got $rc; stderr: $(head -c 200 "$w/big.err"))" $?
    [ $((t1 - t0)) -le 30 ]
    check "SIG$sig: stopped within 30 s (took $((t1 - t0)) s)" $?
    grep -q "interrupted" "$w/big.err" && [ "$(lines "$w/big.err")" -eq 1 ]
    check "SIG$sig: one line on stderr saying so" $?
    if [ -n "$force" ]; then
        [ -e "$w/big.h5" ] && [ "$(checksum "$w/big.h5")" = "$old" ] &&
            [ -z "$(ls "$w" | grep 'big\.h5\.part-')" ]
        check "SIG$sig during --force: the existing big.h5 unchanged, no big.h5.part-* left" $?
    else
        [ ! -e "$w/big.h5" ] && [ -z "$(ls "$w" | grep 'big\.h5\.part-')" ]
        check "SIG$sig: neither big.h5 nor big.h5.part-* left: $(ls "$w" | grep big | tr '\n' ' ')" $?
    fi
}
interrupt INT 130
interrupt TERM 143
interrupt INT 130 --force

# d. an output directory that does not exist
timeout 120 "$nelmsim" run -n 200 --seed 1 --quiet -o "$w/no/such/dir/x.h5" \
    >"$w/d.out" 2>"$w/d.err"
rc=$?
[ "$rc" -eq 3 ]
check "output in a missing directory: exit 3 (got $rc)" $?
[ "$(lines "$w/d.err")" -eq 1 ] && [ ! -s "$w/d.out" ]
check "output in a missing directory: one line, no table: $(cat "$w/d.err")" $?
[ ! -e "$w/no" ]
check "output in a missing directory: nothing created" $?

exit $fail
