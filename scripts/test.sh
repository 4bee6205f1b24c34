#!/usr/bin/env bash
# Install what is needed, build, and run the whole test suite.
#
#   scripts/test.sh              release build in build/, all tests
#   scripts/test.sh --sanitize   ASan + UBSan build in build-san/, all tests
#   scripts/test.sh --mpi        MPI build (OpenMPI, parallel HDF5) in build-mpi/,
#                                all tests, with the mpirun tests
#
# Extra arguments after -- go to ctest (e.g. -- -R rng).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
cmake_flags=(-DCMAKE_BUILD_TYPE=Release)
ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --sanitize)
            build=build-san
            cmake_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNELMSIM_SANITIZE=ON)
            export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
            export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
            ;;
        --mpi)
            build=build-mpi
            cmake_flags=(-DCMAKE_BUILD_TYPE=Release -DNELMSIM_MPI=ON)
            ;;
        --) shift; ctest_args=("$@"); break ;;
        *) echo "usage: scripts/test.sh [--sanitize | --mpi] [-- CTEST_ARGS...]" >&2; exit 1 ;;
    esac
    shift
done

scripts/setup-debian.sh --test
cmake -S . -B "$build" -G Ninja "${cmake_flags[@]}" >/dev/null
cmake --build "$build" --parallel
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" "${ctest_args[@]}"
