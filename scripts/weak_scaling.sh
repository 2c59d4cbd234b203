#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Weak scaling on local ranks: the same number of atoms per rank on 1, 2, 4 and 8 ranks, built
# with structure.replicate from one base cell, and a table of what the halo costs.
#
# Usage: scripts/weak_scaling.sh [config.yaml] [steps]
#   config.yaml  a run config whose structure is the base cell (default: configs/lj_liquid.yaml)
#   steps        MD steps per run (default 200)
# Environment: MDRUN (default build/apps/mdrun/mdrun), MPIEXEC (default mpiexec).
# Prints: ranks, atoms, replicate, timesteps/s, Matom-steps/s, ghosts per rank (avg, max),
# ghosts/owned ratio, and the Comm share of the loop time (avg over ranks).
set -euo pipefail
cd "$(dirname "$0")/.."
config=$(realpath "${1:-configs/lj_liquid.yaml}")
steps=${2:-200}
mdrun=$(realpath "${MDRUN:-build/apps/mdrun/mdrun}")
mpiexec=${MPIEXEC:-mpiexec}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A replicate=([1]="[1, 1, 1]" [2]="[2, 1, 1]" [4]="[2, 2, 1]" [8]="[2, 2, 2]")
printf "%5s %9s %11s %12s %12s %10s %10s %8s %7s\n" ranks atoms replicate timesteps/s \
  Matom-step/s ghost_avg ghost_max ghost/own comm%
for ranks in 1 2 4 8; do
  (cd "$work" && "$mpiexec" --oversubscribe --allow-run-as-root -n "$ranks" "$mdrun" \
     --config "$config" --nsteps "$steps" --set "structure.replicate=${replicate[$ranks]}" \
     --set output.write_final_data=false --set "output.summary_json=weak_$ranks.json" \
     >"weak_$ranks.log" 2>&1) || { cat "$work/weak_$ranks.log"; exit 1; }
  python3 - "$work/weak_$ranks.json" "$ranks" "${replicate[$ranks]}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ghost, local = s["atoms_per_rank"]["ghost"], s["atoms_per_rank"]["local"]
comm = s["breakdown"]["Comm"]["avg"] / s["wall_time_s"] * 100 if s["wall_time_s"] > 0 else 0
print("%5s %9d %11s %12.2f %12.3f %10.0f %10.0f %8.2f %6.1f%%" % (
    sys.argv[2], s["atoms"], sys.argv[3].replace(" ", ""), s["timesteps_per_s"],
    s["matom_steps_per_s"], ghost["avg"], ghost["max"], ghost["avg"] / max(local["avg"], 1),
    comm))
PY
done
echo "(machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); ranks beyond the core count are oversubscribed)"
