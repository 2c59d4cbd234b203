#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Speed of mdrun against LAMMPS + DeePMD-kit (its LAMMPS plugin, from `pip install
# deepmd-kit[lmp]`) on the same model, the same water boxes, the same steps and one core each.
#
# The model is models/water_se_e2_a.dp; DeePMD-kit runs the TensorFlow twin made from it with
# `dp convert-backend` (identical weights; DeePMD-kit's plugin cannot read .dp). Boxes: water.lmp
# (192 atoms) replicated n×n×n by both engines (2 → 1,536 atoms, 4 → 12,288 atoms). Both run
# NVE at dt = 0.5 fs from velocities created at 300 K, neighbour skin 2 Å checked every step,
# energy/virial on thermo steps only; a short warm-up run is excluded (TensorFlow builds its
# graph on the first step). Reported: µs per step per atom of the timed loop and the ratio.
#
# Usage: scripts/bench_vs_deepmd.sh [STEPS_1536] [STEPS_12288]        (default 50 20)
# Environment: MDRUN (default build/apps/mdrun/mdrun), VENV (default /opt/deepmd-venv, made by
# scripts/train_water_model.sh venv; add LAMMPS with: $VENV/bin/pip install 'deepmd-kit[lmp]==3.2.0')
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
steps_small=${1:-50}
steps_large=${2:-20}
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
venv=${VENV:-/opt/deepmd-venv}
[[ -x $venv/bin/lmp && -x $venv/bin/dp ]] || {
  echo "error: $venv/bin/lmp or dp missing (pip install 'deepmd-kit[lmp]==3.2.0' into $venv)" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 DP_INTRA_OP_PARALLELISM_THREADS=1 \
       DP_INTER_OP_PARALLELISM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES=""
model_dp=$root/models/water_se_e2_a.dp
data=$root/configs/data/water.lmp
"$venv/bin/dp" convert-backend "$model_dp" "$work/model.pb" >"$work/convert.log" 2>&1
lammps_version=$("$venv/bin/lmp" -h 2>/dev/null | grep -m1 -o 'Simulator - .*' | sed 's/Simulator - //' || true)

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); DeePMD-kit $("$venv/bin/python" -c 'import deepmd; print(deepmd.__version__)' 2>/dev/null), LAMMPS $lammps_version"
printf "%8s %7s %22s %22s %7s\n" atoms steps "LAMMPS+DeePMD us/st/at" "mdrun us/step/atom" ratio
for spec in "2 $steps_small" "4 $steps_large"; do
  set -- $spec
  n=$1 steps=$2
  cat >"$work/in.lmp" <<LMP
units metal
atom_style atomic
boundary p p p
read_data $data
replicate $n $n $n
mass 1 15.999
mass 2 1.008
pair_style deepmd $work/model.pb
pair_coeff * * O H
velocity all create 300 23456789
neighbor 2.0 bin
neigh_modify every 1 delay 0 check yes
fix 1 all nve
timestep 0.0005
thermo $steps
run 2
run $steps
LMP
  (cd "$work" && "$venv/bin/lmp" -in in.lmp -log lmp_$n.log -screen none >lmp_$n.out 2>&1)
  lmp_time=$(grep "Loop time" "$work/lmp_$n.log" | tail -1 | awk '{print $4}')
  atoms=$(grep "Loop time" "$work/lmp_$n.log" | tail -1 | awk '{print $(NF-1)}')
  cat >"$work/md_$n.yaml" <<YAML
structure: {file: $data, type_map: [O, H], replicate: [$n, $n, $n]}
masses: {O: 15.999, H: 1.008}
potential: {type: deepmd, model: $model_dp}
run: {steps: $steps, dt_fs: 0.5, backend: cpu}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 23456789}}
thermo: {every: $steps}
output: {write_final_data: false, summary_json: md_$n.json}
YAML
  (cd "$work" && "$mdrun" --config md_$n.yaml >md_$n.log 2>&1)
  md_time=$(python3 -c "import json; print(json.load(open('$work/md_$n.json'))['wall_time_s'])")
  python3 - "$atoms" "$steps" "$lmp_time" "$md_time" <<'PY'
import sys
atoms, steps, lmp, md = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
per = lambda t: t / steps / atoms * 1e6
print("%8d %7d %22.1f %22.1f %6.2fx" % (atoms, steps, per(lmp), per(md), lmp / md))
PY
done
