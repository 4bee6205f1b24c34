#!/bin/sh
# Table-driven test of bad parameter input: every row of
# tests/data/params/expected-errors.tsv (a file or --set option, TAB, the
# exact error line) must give exactly that one line on stderr, nothing on
# stdout, exit status 2, within 10 s, and leave no file behind.
#   check_param_errors.sh NELMSIM DATA_DIR
set -u
nelmsim=$1
dir=$2
cd "$dir" || exit 1
before=$(find . | LC_ALL=C sort)
pass=0
fail=0
tab=$(printf '\t')
while IFS="$tab" read -r input expected; do
    case "$input" in
        --set=*) set -- valid.yaml "$input" ;;
        *) set -- "$input" ;;
    esac
    out=$(timeout 10 "$nelmsim" check "$@" 2>/tmp/nelm_err.$$)
    rc=$?
    err=$(cat /tmp/nelm_err.$$)
    if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$err" = "$expected" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $input: exit $rc"
        echo "  expected: $expected"
        echo "  got:      $err"
    fi
done < expected-errors.tsv
rm -f /tmp/nelm_err.$$
after=$(find . | LC_ALL=C sort)
if [ "$before" != "$after" ]; then
    echo "FAIL: files appeared or vanished in $dir"
    fail=$((fail + 1))
fi
# the valid file itself passes
if ! "$nelmsim" check valid.yaml >/dev/null; then
    echo "FAIL: valid.yaml does not pass"
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
