#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Is a water model stable? NVT at 300 K (Nose-Hoover chain, tau 0.05 ps, dt 0.5 fs) of the
# 192-atom water box for 10 ps (20,000 steps), thermo every 500 steps; prints the thermo table and
# a verdict: unstable if the temperature ever leaves 300 K ± 100 K or the run stops.
#
# Usage: scripts/check_water_stability.sh [model.dp] [steps]   (default models/water_se_e2_a.dp 20000)
# About 10 minutes on one core for the production-size model (170 µs/step/atom).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(realpath "${1:-$root/models/water_se_e2_a.dp}")
steps=${2:-20000}
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/nvt.yaml" <<YAML
structure: {file: $root/configs/data/water.lmp, type_map: [O, H]}
potential: {type: deepmd, model: $model, sel_overflow: warn}
run: {steps: $steps, dt_fs: 0.5, backend: cpu}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 1}}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.05, chain: 3}}
thermo: {every: 500, columns: [step, time, pe, ke, temp, press]}
output: {write_final_data: false}
YAML
status=0
(cd "$work" && "$mdrun" --config nvt.yaml) | tee "$work/log" | grep -E "^ +(Step|[0-9]+ )" || status=$?
python3 - "$work/log" <<'PY'
import sys
temps = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 6 and f[0].isdigit():
        temps.append((int(f[0]), float(f[1]), float(f[4])))
bad = [(s, t, T) for s, t, T in temps if abs(T - 300.0) > 100.0]
if bad:
    s, t, T = bad[0]
    print("UNSTABLE: T = %.0f K at step %d (%.2f ps)" % (T, s, t))
elif temps:
    print("stable: %d thermo samples up to %.2f ps, T between %.0f and %.0f K"
          % (len(temps), temps[-1][1], min(T for _, _, T in temps), max(T for _, _, T in temps)))
PY
exit $status
