#!/bin/sh
# docs/PARAMETERS.md holds the output of `nelmsim check --explain` between
# its ``` fences; fail when they differ (regenerate the page and commit it).
#   check_reference_page.sh NELMSIM SOURCE_DIR
set -eu
page="$2/docs/PARAMETERS.md"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed -n '/^```$/,/^```$/p' "$page" | sed '1d;$d' >"$tmp"
if "$1" check --explain | cmp -s - "$tmp"; then
    echo "docs/PARAMETERS.md matches nelmsim check --explain"
else
    echo "docs/PARAMETERS.md is out of date: regenerate it from nelmsim check --explain" >&2
    exit 1
fi
