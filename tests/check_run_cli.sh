#!/bin/sh
# nelmsim run from the command line: the default model runs with no file from
# any directory, prints a block per strategy, is identical for the same seed
# and differs for another, and bad options give one line and the right exit.
#   check_run_cli.sh NELMSIM
set -u
nelmsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, condition already evaluated as $?
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    else
        echo "ok: $1"
    fi
}
cd "$tmp" || exit 1
"$nelmsim" run -n 3000 --seed 11 >a.txt 2>a.err
check "run exits 0 from an unrelated directory" $?
for s in classic ssa_transplant ssa_prrt_targeted ssa_targeted_prrt prrt_first iat_first observation; do
    grep -q "^strategy $s " a.txt
    check "block for strategy $s" $?
done
for k in "median OS" "mean OS" "OS at 1/3/5/10 y" "median PFS, line 1" "mean lines" "received" "causes of death"; do
    [ "$(grep -c "^  $k" a.txt)" -eq 7 ]
    check "7 lines of '$k'" $?
done
[ ! -s a.err ]
check "nothing on stderr with output not a terminal" $?
"$nelmsim" run -n 3000 --seed 11 >b.txt 2>/dev/null && cmp -s a.txt b.txt
check "same seed, same table" $?
"$nelmsim" run -n 3000 --seed 12 >c.txt 2>/dev/null && ! cmp -s a.txt c.txt
check "another seed, another table" $?
"$nelmsim" run -n 3000 --seed 11 --strategy observation --strategy classic --reference classic \
    >d.txt 2>/dev/null
block() { awk -v s="strategy $2 " 'index($0, s) == 1 {on = 1} on && $0 == "" {exit} on' "$1"; }
[ "$(grep -c '^strategy ' d.txt)" -eq 2 ] && block a.txt classic >x1 && block d.txt classic >x2 &&
    [ -s x1 ] && cmp -s x1 x2
check "--strategy selects, and a strategy's block does not depend on the others" $?
"$nelmsim" run -n 100 2>/dev/null | grep -q "^seed [0-9]* (chosen: pass --seed to repeat)"
check "without --seed a seed is chosen and printed" $?
expect() { # exit-code args...
    code=$1
    shift
    "$nelmsim" run "$@" >out.txt 2>err.txt
    rc=$?
    [ "$rc" -eq "$code" ] && [ "$(wc -l <err.txt)" -eq 1 ] && [ ! -s out.txt ]
    check "run $* -> exit $code, one line: $(cat err.txt)" $?
}
expect 1 -n 0
expect 1 -n
expect 1 --seed x
expect 1 --strategy nope -n 10
expect 1 --bogus
expect 2 --set cohort.age.mean=-3 -n 10
expect 2 missing-file.yaml -n 10
printf 'include: builtin:params/nelm/cohort.yaml\ndisease: {death_controlled: {dist: exp, rate: 0.001}, death_progressed: {dist: exp, rate: 0.05}, source: test}\n' >nostrat.yaml
expect 2 nostrat.yaml -n 10
exit $fail
