#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Kept for old commands: weak scaling on 1, 2, 4 and 8 ranks through scripts/scaling_study.sh
# (docs/benchmarks/scaling.md), which writes the table and keeps every log and JSON summary.
# Usage: scripts/weak_scaling.sh [config.yaml] [steps]   (defaults: configs/lj_liquid.yaml, 200)
# Environment: as scripts/scaling_study.sh (MDRUN, MPIEXEC, OUTDIR, ATOMS_PER_RANK_REPLICATE).
set -euo pipefail
here=$(dirname "$0")
STEPS=${2:-${STEPS:-200}} exec "$here/scaling_study.sh" weak "${1:-$here/../configs/lj_liquid.yaml}" 1 2 4 8
