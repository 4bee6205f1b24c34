#!/bin/sh
# The committed reference tables must be what their generators produce now.
#   check_reference_data.sh PYTHON SOURCE_DIR dist|specfun
# Comment lines (which name library versions) are not compared.
set -eu
py=$1
src=$2
which=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "$which" in
    dist)
        "$py" "$src/tests/gen_dist_reference.py" -o "$tmp/out.csv" 2>"$tmp/log"
        committed="$src/tests/data/dist-scipy.csv" ;;
    specfun)
        "$py" "$src/tests/gen_specfun_reference.py" >"$tmp/out.csv"
        committed="$src/tests/data/specfun-scipy.csv" ;;
    *) echo "unknown table $which" >&2; exit 2 ;;
esac
grep -v '^#' "$tmp/out.csv" >"$tmp/new"
grep -v '^#' "$committed" >"$tmp/old"
if ! cmp -s "$tmp/new" "$tmp/old"; then
    echo "$committed differs from its generator's output:" >&2
    diff "$tmp/old" "$tmp/new" | head -20 >&2
    exit 1
fi
echo "$committed: $(wc -l <"$tmp/old") lines match the generator"
