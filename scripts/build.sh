#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds mdrun and its tests in build/ (Release; CUDA when nvcc is found).
# Extra arguments go to the CMake configure step, e.g. -DMD_ENABLE_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc >/dev/null; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build --parallel "$(nproc)"
