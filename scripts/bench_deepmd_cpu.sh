#!/bin/sh
# SPDX-License-Identifier: MIT
# Deep Potential CPU benchmark (docs/performance.md, "Deep Potential, CPU"): builds
# bench_deepmd_cpu (Release), writes the production-size random se_e2_a model (embedding 25-50-100,
# axis 16, fitting 240-240-240, sel 46/92, rcut 6 Å; not committed), and times one core on the
# 192-atom water box replicated 2x2x2 (1,536 atoms) and 4x4x4 (12,288 atoms).
#
# Usage: scripts/bench_deepmd_cpu.sh [build-dir] [replicas ...]   (default: build-bench 2 4)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
[ $# -gt 0 ] && shift
replicas=${*:-2 4}

mkdir -p "$build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENABLE_CUDA=OFF \
      -DMD_ENABLE_TESTS=OFF > "$build/configure.log"
cmake --build "$build" --target bench_deepmd_cpu
bench=$(find "$build" -name bench_deepmd_cpu -type f -perm -u+x | head -n 1)

model=$build/water_se_e2_a_production.dp
/usr/bin/python3 "$root/scripts/make_random_dp_model.py" "$model" --neuron 25 50 100 \
    --axis-neuron 16 --fitting 240 240 240 --sel 46 92 --rcut 6.0 --rcut-smth 0.5 --seed 1

grep -m1 'model name' /proc/cpuinfo
# shellcheck disable=SC2086
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$bench" "$model" \
    "$root/../shared/data/water-example/lmp/water.lmp" $replicas
