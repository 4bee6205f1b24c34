#!/usr/bin/env bash
# The cmocka unit tests under valgrind memcheck (issue #10): no invalid
# access, no use of uninitialised memory, no leak.
#
#   scripts/valgrind-unit.sh [BUILD_DIR]      (default: build, a release build)
#
# Runs every BUILD_DIR/tests/test_* program, from BUILD_DIR/tests as CTest
# does, under `valgrind --error-exitcode=1 --leak-check=full`, with a time
# limit, and fails when any reports an error or a leak. Skipped, because
# they take more than 60 s under valgrind on the CI's kind of machine
# (measured: test_dist over 400 s, test_rmst 164 s, test_psa 82 s; the
# others 0 to 61 s, about 4 minutes in all) and their code is also run by
# the tests kept here and, under AddressSanitizer, by the whole suite:
SKIP="test_dist test_rmst test_psa"
# scripts/fuzz.sh runs this in CI after fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -d "$build/tests" ]; then
    echo "valgrind-unit.sh: no $build/tests (build with the tests first)" >&2
    exit 1
fi
if ! command -v valgrind >/dev/null; then
    echo "valgrind-unit.sh: valgrind is not installed (scripts/setup-debian.sh --test)" >&2
    exit 1
fi
# libgomp keeps its worker threads to the end of the process: their
# thread-local blocks show as "possibly lost". Nothing else is suppressed.
supp=$(mktemp)
trap 'rm -f "$supp"' EXIT
cat >"$supp" <<'EOF'
{
   libgomp-worker-thread-tls
   Memcheck:Leak
   match-leak-kinds: possible
   fun:calloc
   ...
   fun:_dl_allocate_tls
   ...
   obj:*/libgomp.so*
}
EOF
export CMOCKA_MESSAGE_OUTPUT=stdout
# one OpenMP thread: the runtime's thread pool is then not in the way of the
# leak check (nothing here depends on the thread count)
export OMP_NUM_THREADS=1
status=0
ran=0
start=$(date +%s)
for t in "$build"/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    case " $SKIP " in
        *" $name "*)
            echo "valgrind: $name skipped (over 60 s under valgrind)"
            continue
            ;;
    esac
    log="$build/tests/valgrind-$name.log"
    t0=$(date +%s)
    set +e
    (cd "$build/tests" && timeout 300 valgrind --error-exitcode=1 --leak-check=full \
        --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --suppressions="$supp" \
        -q "./$name") >"$log" 2>&1
    rc=$?
    set -e
    ran=$((ran + 1))
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$log"
        echo "valgrind: $name FAILED (exit $rc; log $log)" >&2
        status=1
    else
        echo "valgrind: $name clean ($(($(date +%s) - t0)) s)"
    fi
done
echo "valgrind: $ran unit test programs in $(($(date +%s) - start)) s"
exit "$status"
