#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages mdrun needs to build, test and compare against LAMMPS.
# CUDA is optional: when nvcc is on the PATH the CUDA backend is built too.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libopenmpi-dev openmpi-bin
  libhdf5-dev hdf5-tools
  libyaml-cpp-dev libcli11-dev libspdlog-dev nlohmann-json3-dev catch2
  libopenblas-dev libssl-dev
  lammps
  python3 python3-numpy python3-h5py python3-yaml
  # The fuzz harnesses (fuzz/, docs/fuzzing.md): clang 14 and its compiler-rt, which holds
  # libclang_rt.fuzzer-x86_64.a (clang only recommends it).
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} Debian packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install_deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
