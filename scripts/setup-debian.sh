#!/usr/bin/env bash
# Install the Debian 12 packages nelmsim needs.
# Idempotent: when every package is already installed it only checks and returns.
# Run as root (or through sudo).
#
#   scripts/setup-debian.sh          build, run, and analyse output in Python
#   scripts/setup-debian.sh --test   also what the whole test suite needs: R with
#                                    hdf5r and survival, OpenMPI with parallel HDF5
#                                    (the MPI build), and Slurm with munge (the
#                                    one-node cluster of the job-array test)
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkgconf git
    clang libclang-rt-dev libomp-dev
    libhdf5-dev hdf5-tools zlib1g-dev
    libyaml-dev
    libcmocka-dev
    python3 python3-h5py python3-numpy python3-scipy python3-mpmath python3-matplotlib python3-pandas
    python3-yaml
)
case "${1:-}" in
    "") ;;
    --test)
        packages+=(
            r-base-core r-cran-hdf5r r-cran-survival
            openmpi-bin libopenmpi-dev libhdf5-openmpi-dev
            slurm-wlm munge
            valgrind
        )
        ;;
    *) echo "usage: scripts/setup-debian.sh [--test]" >&2; exit 1 ;;
esac

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "setup-debian: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
