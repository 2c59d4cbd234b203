#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Energy conservation of a water model: equilibrate the 192-atom water box with NVT at 300 K
# (Nose-Hoover chain, tau 0.05 ps), then run NVE from that state (positions AND velocities, via the
# final data file) for 10 ps at dt = 0.5 fs, and report the drift of the total energy in
# meV/atom/ns (mdrun's least-squares "Conserved energy drift" line over the thermo samples) and the
# largest excursion of the total energy from its first value.
#
# Usage: scripts/check_water_nve.sh [model] [nve_steps] [equil_steps]
#        (defaults: models/water_se_e2_a.dp 20000 4000). A model ending in .h5 is an ANI model
#        (potential type ani, e.g. models/ani2x_member0.h5); otherwise a Deep Potential .dp.
# Environment: MDRUN (default build/apps/mdrun/mdrun), NP (MPI ranks, default 1; >1 uses mpiexec),
#              DT_FS (default 0.5), KEEP (a directory to keep the logs in; default: a temp dir).
# About 15 minutes on one core for the production-size model (170 us/step/atom x 192 atoms x 24,000);
# about 5 minutes for ANI-2x member 0 (60 us/step/atom).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(realpath "${1:-$root/models/water_se_e2_a.dp}")
nve_steps=${2:-20000}
equil_steps=${3:-4000}
dt_fs=${DT_FS:-0.5}
np=${NP:-1}
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
  *) potential="{type: deepmd, model: $model, sel_overflow: error}" ;;
esac
launch=("$mdrun")
if [ "$np" -gt 1 ]; then launch=(mpiexec --oversubscribe -n "$np" "$mdrun"); fi

cat >"$work/equil.yaml" <<YAML
structure: {file: $root/configs/data/water.lmp, type_map: [O, H]}
potential: $potential
run: {steps: $equil_steps, dt_fs: $dt_fs, backend: cpu}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 1}}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.05, chain: 3}}
thermo: {every: 500, columns: [step, time, pe, ke, temp, press]}
output: {write_final_data: true, final_data_file: equil.data}
YAML
cat >"$work/nve.yaml" <<YAML
structure: {file: $work/equil.data, type_map: [O, H]}
potential: $potential
run: {steps: $nve_steps, dt_fs: $dt_fs, backend: cpu}
neighbor: {skin_A: 2.0}
integrator: {type: nve}
thermo: {every: 100, columns: [step, time, pe, ke, etotal, temp]}
output: {write_final_data: false}
YAML

cd "$work"
echo "== NVT equilibration: $equil_steps steps at $dt_fs fs, 300 K ($model)"
"${launch[@]}" --config equil.yaml >equil.log 2>&1 || { tail -20 equil.log; exit 1; }
grep -E "^ +(Step|[0-9]+ )" equil.log | tail -3
echo "== NVE: $nve_steps steps at $dt_fs fs from the equilibrated state"
"${launch[@]}" --config nve.yaml >nve.log 2>&1 || { tail -20 nve.log; exit 1; }
awk 'NR == 1 || /^ +[0-9]+ / && (++n % 20 == 1)' <(grep -E "^ +(Step|[0-9]+ )" nve.log)
grep "Conserved energy drift" nve.log
/usr/bin/env python3 - nve.log <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 6 and f[0].isdigit():
        rows.append((int(f[0]), float(f[1]), float(f[4]), float(f[5])))
n_atoms = 192
e0 = rows[0][2]
worst = max(abs(e - e0) for _, _, e, _ in rows)
temps = [T for *_, T in rows]
print("NVE %.2f ps: max |E(t) - E(0)| = %.4f meV/atom, T between %.0f and %.0f K, %d samples"
      % (rows[-1][1] - rows[0][1], worst * 1e3 / n_atoms, min(temps), max(temps), len(rows)))
PY
