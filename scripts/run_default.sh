#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's first command: install dependencies, build, and run the default job in run/ —
# the water quickstart (configs/water.yaml: 1,536 water atoms, the shipped DeePMD-kit model, NVT at
# 300 K) on up to 2 MPI ranks (NP overrides). Outputs go to the working directory (run/, ignored by
# git); extra arguments go to mdrun (e.g. --nsteps 1000, --set run.backend=auto).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
mkdir -p run
cd run
cores=$(nproc)
np=${NP:-$((cores < 2 ? cores : 2))}
mdrun=../build/apps/mdrun/mdrun
if [ "$np" -le 1 ] || ! grep -q "MD_ENABLE_MPI:BOOL=ON" ../build/CMakeCache.txt; then
  exec "$mdrun" --config ../configs/water.yaml "$@"
fi
# Open MPI refuses to start as root unless told it is intended (containers, CI).
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec mpiexec --oversubscribe -n "$np" "$mdrun" --config ../configs/water.yaml "$@"
