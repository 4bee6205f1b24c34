#!/usr/bin/env bash
# Install the Debian 12 packages nelmsim needs to build, test and analyse output.
# Idempotent: when every package is already installed it only checks and returns.
# Run as root (or through sudo). Usage: scripts/setup-debian.sh
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkgconf git
    clang libclang-rt-dev
    libhdf5-dev hdf5-tools zlib1g-dev
    libyaml-dev
    libcmocka-dev
    python3 python3-h5py python3-numpy python3-scipy python3-mpmath python3-matplotlib python3-pandas
)

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
