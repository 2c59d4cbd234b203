#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Stability of a water model under NPT: the 192-atom water box at 300 K and 1 bar (CSVR
# thermostat, stochastic cell rescaling barostat: the settings of configs/relax_npt.yaml) for
# `steps` steps at dt = 0.5 fs, from created velocities. Reports the density at the start, its
# mean and range over the second half, the mean temperature and pressure, mdrun's conserved-energy
# drift line, and whether the run finished (a guard would stop an unstable one with exit 5).
#
# Usage: scripts/check_water_npt.sh [model] [steps]
#        (defaults: models/water_se_e2_a.dp 20000). A model ending in .h5 is an ANI model.
# Environment: MDRUN (default build/apps/mdrun/mdrun), KEEP (a directory to keep the log in).
# About 10 minutes on one core for the shipped Deep Potential (20,000 steps).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(realpath "${1:-$root/models/water_se_e2_a.dp}")
steps=${2:-20000}
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
if [ -n "${KEEP:-}" ]; then
  mkdir -p "$KEEP"
  work=$(realpath "$KEEP")
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
case "$model" in
  *.h5) potential="{type: ani, model: $model}" ;;
  *) potential="{type: deepmd, model: $model, compress: true, sel_overflow: error}" ;;
esac

cat >"$work/npt.yaml" <<YAML
structure: {file: $root/configs/data/water.lmp, type_map: [O, H]}
potential: $potential
run: {steps: $steps, dt_fs: 0.5, backend: cpu}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 23456789}}
integrator:
  type: npt
  thermostat: {type: csvr, temperature_K: 300, tau_ps: 0.1, seed: 271828}
  barostat: {type: c_rescale, pressure_bar: 1.0, tau_ps: 2.0, compressibility_per_bar: 4.5e-5,
             seed: 314159, every: 10}
thermo: {every: 100, columns: [step, time, temp, press, vol, density, econserve]}
output: {write_final_data: false}
YAML

cd "$work"
echo "== NPT: $steps steps at 0.5 fs, 300 K, 1 bar, c_rescale ($model)"
status=0
"$mdrun" --config npt.yaml >npt.log 2>&1 || status=$?
grep -E "^Conserved energy drift|ERROR" npt.log || true
python3 - "$work/npt.log" "$status" <<'PY'
import statistics, sys
rows, on = [], False
for line in open(sys.argv[1], encoding="utf-8"):
    words = line.split()
    if words[:1] == ["Step"]:
        on = True
        continue
    if on and words[:1] == ["Loop"]:
        on = False
    if on and len(words) == 7:
        try:
            rows.append([float(w) for w in words])
        except ValueError:
            pass
half = rows[len(rows) // 2:]
density = [r[5] for r in half]
print("exit status %s; %d thermo rows to step %d (%.1f ps)"
      % (sys.argv[2], len(rows), rows[-1][0], rows[-1][1]))
print("density: start %.4f g/cm3; second half mean %.4f, range %.4f-%.4f"
      % (rows[0][5], statistics.mean(density), min(density), max(density)))
print("second half: <T> %.1f K, <P> %.0f bar" % (statistics.mean(r[2] for r in half),
                                                 statistics.mean(r[3] for r in half)))
PY
exit "$status"
