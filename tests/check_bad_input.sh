#!/bin/sh
# The bad-input catalogue as a whole (issue #10), beyond the exact error lines
# that check_param_errors.sh and check_scenarios.py check one `check` or
# sweep/psa at a time:
#  a. classes: every row of tests/data/params/expected-errors.tsv and
#     tests/data/scenarios/expected-errors.tsv has one class in
#     tests/data/bad-input-classes.tsv (and every class row a catalogue row);
#     every class the issue names has at least one input, the classes that
#     concern YAML at least one sweep or PSA spec too, and the catalogue
#     holds at least 40 inputs;
#  b. bounded time and memory, no output file: every parameter row through
#     `nelmsim run -o` (not just `check`) and every spec row through its
#     sweep or psa: exit 2, exactly the table's line on stderr, nothing on
#     stdout, neither the output nor FILE.part-PID left, within 10 s, under
#     `ulimit -v` (not in AddressSanitizer builds, whose shadow memory needs
#     terabytes of address space) and below a peak resident size;
#  c. inputs too large to commit, generated here: a 10 MB scalar (parameter
#     file, sweep and PSA), a 17 MB file, /dev/zero, /dev/stdin and a FIFO as an
#     include (refused: not a regular file, so nothing can block), an include
#     chain 18 files deep, a mapping of 20000 keys, a flow list of 1.2
#     million items, 100000 nested brackets: the same bounds, one error line
#     with file:line:col where the input has one.
#   check_bad_input.sh NELMSIM DATA_DIR WORKDIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: check_bad_input.sh NELMSIM DATA_DIR WORKDIR" >&2
    exit 2
fi
nelmsim=$1
data=$(cd "$2" && pwd) || exit 1
w=$3
rm -rf "$w"
mkdir -p "$w" || exit 1
w=$(cd "$w" && pwd)
fail=0
tab=$(printf '\t')
failure() {
    echo "FAIL: $*"
    fail=1
}

# ---- a. classes ----
classes="$data/bad-input-classes.tsv"
# the issue's classes; those marked * must have a sweep or PSA input too.
# (Eligibility nobody can meet, e.g. `sites: []`, is not detected yet: the
# class `eligibility` holds invalid eligibility values.)
required="yaml_syntax* unknown_key* wrong_type* out_of_range* nan_inf* huge_number* empty*
duplicate_key* include* alias_bomb* deep_nesting* non_utf8* huge_scalar unknown_reference*
empty_strategy impossible_filter* malformed_set*"
grep -v '^#' "$data/params/expected-errors.tsv" | cut -f1 | sed 's/^/params\t/' >"$w/rows"
grep -v '^#' "$data/scenarios/expected-errors.tsv" | cut -f1,2 >>"$w/rows"
grep -v '^#' "$classes" | cut -f1,2 >"$w/classified"
missing=$(LC_ALL=C sort "$w/rows" | LC_ALL=C comm -23 - "$(LC_ALL=C sort "$w/classified" >"$w/c.sorted"; echo "$w/c.sorted")")
stale=$(LC_ALL=C sort "$w/rows" | LC_ALL=C comm -13 - "$w/c.sorted")
dups=$(LC_ALL=C uniq -d "$w/c.sorted")
[ -z "$missing" ] || failure "catalogue rows without a class in $classes: $missing"
[ -z "$stale" ] || failure "class rows that are not in the catalogue: $stale"
[ -z "$dups" ] || failure "rows classified twice: $dups"
total=$(wc -l <"$w/rows" | tr -d ' ')
[ "$total" -ge 40 ] || failure "only $total bad inputs (the issue asks for at least 40)"
for c in $required; do
    name=${c%\*}
    n=$(grep -v '^#' "$classes" | awk -F"$tab" -v c="$name" '$3 == c' | wc -l | tr -d ' ')
    specs=$(grep -v '^#' "$classes" | awk -F"$tab" -v c="$name" '$3 == c && $1 != "params"' |
        wc -l | tr -d ' ')
    printf '  %-24s %3d inputs (%d sweep/PSA)\n' "$name" "$n" "$specs"
    if [ "$name" = huge_scalar ]; then
        n=$((n + 1)) # generated in c.
    fi
    [ "$n" -ge 1 ] || failure "class $name has no input"
    if [ "$name" != "$c" ] && [ "$specs" -lt 1 ]; then
        failure "class $name has no sweep or PSA input"
    fi
done
others=$(grep -v '^#' "$classes" | cut -f3 | LC_ALL=C sort -u | while read -r c; do
    case " $(echo $required | tr -d '*') " in *" $c "*) ;; *) echo "$c" ;; esac
done)
for c in $others; do
    n=$(grep -v '^#' "$classes" | awk -F"$tab" -v c="$c" '$3 == c' | wc -l | tr -d ' ')
    printf '  %-24s %3d inputs (further)\n' "$c" "$n"
done
echo "a. $total catalogued bad inputs"

# ---- b, c. bounds ----
asan=0
if ldd "$nelmsim" 2>/dev/null | grep -q 'libasan'; then
    asan=1
fi
if [ $asan -eq 1 ]; then
    rss_max=1500000 # KB: AddressSanitizer's shadow and quarantine
else
    rss_max=300000
fi
have_time=0
[ -x /usr/bin/time ] && have_time=1

# bounded DIR EXPECT-KIND EXPECT ARGS...: run nelmsim ARGS in DIR with the
# bounds; EXPECT-KIND "exact" (the whole line) or "grep" (a fixed substring);
# the output, if any, is $w/out.h5
bounded() {
    dir=$1
    kind=$2
    expect=$3
    shift 3
    rm -f "$w/out.h5" "$w"/out.h5.part-*
    (
        cd "$dir" || exit 99
        [ $asan -eq 1 ] || ulimit -v 1048576
        if [ $have_time -eq 1 ]; then
            exec /usr/bin/time -f '%M %e' -o "$w/time.txt" timeout 10 "$nelmsim" "$@"
        else
            exec timeout 10 "$nelmsim" "$@"
        fi
    ) >"$w/out.txt" 2>"$w/err.txt" </dev/null
    rc=$?
    err=$(cat "$w/err.txt")
    what="$*"
    what=$(printf '%s' "$what" | head -c 150)
    if [ "$rc" -ne 2 ]; then
        failure "$what: exit $rc, expected 2: $(head -c 300 "$w/err.txt")"
    elif [ "$(wc -l <"$w/err.txt" | tr -d ' ')" -ne 1 ]; then
        failure "$what: not one line on stderr: $(head -c 300 "$w/err.txt")"
    elif [ "$kind" = exact ] && [ "$err" != "$expect" ]; then
        failure "$what:
  expected: $expect
  got:      $err"
    elif [ "$kind" = grep ] && ! grep -qF -- "$expect" "$w/err.txt"; then
        failure "$what: expected '$expect' in: $(head -c 300 "$w/err.txt")"
    fi
    [ -s "$w/out.txt" ] && failure "$what: printed on stdout: $(head -c 200 "$w/out.txt")"
    if [ -n "$(ls "$w" | grep '^out\.h5')" ]; then
        failure "$what: left $(ls "$w" | grep '^out\.h5' | tr '\n' ' ')"
    fi
    if [ $have_time -eq 1 ]; then
        # the last line: GNU time first says how the command exited
        read -r rss secs <<EOF
$(tail -n 1 "$w/time.txt")
EOF
        [ "${rss:-0}" -le $rss_max ] ||
            failure "$what: peak resident size $rss KB (at most $rss_max KB)"
    fi
    checked=$((checked + 1))
}

checked=0
run="-n 10 --seed 1 --quiet -o $w/out.h5"
while IFS="$tab" read -r input expected; do
    case "$input" in
        '#'*) continue ;;
        --set=*) bounded "$data/params" exact "$expected" run valid.yaml "$input" $run ;;
        *) bounded "$data/params" exact "$expected" run "$input" $run ;;
    esac
done <"$data/params/expected-errors.tsv"
while IFS="$tab" read -r cmd spec expected; do
    case "$cmd" in
        '#'*) continue ;;
        psa) bounded "$data/scenarios" exact "$expected" psa "bad/$spec" --draws 200 $run ;;
        *) bounded "$data/scenarios" exact "$expected" "$cmd" "bad/$spec" $run ;;
    esac
done <"$data/scenarios/expected-errors.tsv"
echo "b. $checked catalogued inputs through run, sweep and psa within the bounds"

# c. generated inputs
g="$w/gen"
mkdir -p "$g"
cp "$data/params/valid.yaml" "$g/valid.yaml"
big=$(awk 'BEGIN { s = "x"; while (length(s) < 10485760) s = s s; printf "%s", substr(s, 1, 10485760) }')
{
    printf 'include: valid.yaml\ncohort:\n  male:\n    source: "'
    printf '%s' "$big"
    printf '"\n'
} >"$g/scalar.yaml"
bounded "$g" exact "scalar.yaml:4:13: scalar longer than 65536 bytes" run scalar.yaml $run
{
    printf 'grid:\n  cohort.age.mean: [60, '
    printf '%s' "$big"
    printf ']\n'
} >"$g/sweep-scalar.yaml"
bounded "$g" exact "sweep-scalar.yaml:2:25: scalar longer than 65536 bytes" \
    sweep sweep-scalar.yaml $run
{
    printf 'parameters:\n  '
    printf '%s' "$big"
    printf ': {dist: normal, mean: 1, sd: 1}\n'
} >"$g/psa-scalar.yaml"
bounded "$g" exact "psa-scalar.yaml:2:3: scalar longer than 65536 bytes" \
    psa psa-scalar.yaml --draws 2 $run
{
    printf 'include: valid.yaml\n#'
    printf '%s' "$big$big"
    printf '\n'
} >"$g/large.yaml"
bounded "$g" grep "'large.yaml' is larger than 16777216 bytes" run large.yaml $run
printf 'include: /dev/zero\n' >"$g/zero.yaml"
bounded "$g" exact "zero.yaml:1:10: include: '/dev/zero' is not a regular file" \
    run zero.yaml $run
# an include that would block an unattended run: standard input, a FIFO
printf 'include: /dev/stdin\n' >"$g/stdin.yaml"
bounded "$g" exact "stdin.yaml:1:10: include: '/dev/stdin' is not a regular file" \
    run stdin.yaml $run
rm -f "$g/fifo" && mkfifo "$g/fifo" &&
    printf 'include: fifo\n' >"$g/fifo.yaml" &&
    bounded "$g" exact "fifo.yaml:1:10: include: 'fifo' is not a regular file" run fifo.yaml $run
i=1
while [ $i -le 18 ]; do
    printf 'include: chain%d.yaml\n' $((i + 1)) >"$g/chain$i.yaml"
    i=$((i + 1))
done
printf 'cohort: {}\n' >"$g/chain19.yaml"
bounded "$g" grep "include: nested more than 16 deep at 'chain17.yaml'" run chain1.yaml $run
awk 'BEGIN { print "include: valid.yaml"; print "cohort:"; print "  male:";
             for (i = 0; i < 20000; i++) printf "    k%d: 1\n", i }' >"$g/keys.yaml"
bounded "$g" exact "keys.yaml:10004:5: mapping has more than 10000 keys" run keys.yaml $run
awk 'BEGIN { printf "a: ["; for (i = 0; i < 1200000; i++) printf "1,"; print "1]" }' \
    >"$g/items.yaml"
bounded "$g" grep "document expands to more than 1000000 nodes" run items.yaml $run
awk 'BEGIN { printf "a: "; for (i = 0; i < 100000; i++) printf "["; print "" }' >"$g/brackets.yaml"
bounded "$g" exact "brackets.yaml:1:67: nesting deeper than 64 levels" run brackets.yaml $run
echo "c. generated inputs checked; $checked inputs within the bounds in all"
[ $fail -eq 0 ] && echo "all bad inputs: exit 2, one line, no file, bounded"
exit $fail
