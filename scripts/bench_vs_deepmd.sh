#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Speed of mdrun against LAMMPS + DeePMD-kit (its LAMMPS plugin, from `pip install
# deepmd-kit[lmp]`) on the same model, the same water boxes, the same steps and one core each, in
# four columns: DeePMD-kit plain, DeePMD-kit compressed, mdrun exact, mdrun compressed.
#
# The model is models/water_se_e2_a.dp; DeePMD-kit runs the TensorFlow twin made from it with
# `dp convert-backend` (identical weights; DeePMD-kit's plugin cannot read .dp), and that twin
# compressed by `dp --tf compress` at its defaults (scripts/dp_compress_tf.py: the model's
# min_nbor_dist, step 0.01, extrapolate 5); mdrun runs potential.compress: true with the same
# table settings (docs/model-format.md §8). Boxes: water.lmp (192 atoms) replicated n×n×n by
# both engines (2 → 1,536 atoms, 4 → 12,288 atoms). All run NVE at dt = 0.5 fs from velocities
# created at 300 K, neighbour skin 2 Å checked every step, energy/virial on thermo steps only; a
# short warm-up run is excluded for LAMMPS (TensorFlow builds its graph on the first step; mdrun's
# wall_time_s is the step loop only). The four engines run one after the other, REPEATS times in
# turn (the machines are shared and noisy); reported: the median µs per step per atom of each,
# and the ratios DeePMD-kit / mdrun (plain / exact and compressed / compressed).
#
# Usage: scripts/bench_vs_deepmd.sh [STEPS_1536] [STEPS_12288]        (default 20 10)
# Environment: SIZES (replication factors, default "2 4"), REPEATS (3), MDRUN (default build/apps/mdrun/mdrun), VENV (default
# /opt/deepmd-venv, made by scripts/train_water_model.sh venv; add LAMMPS with:
# $VENV/bin/pip install 'deepmd-kit[lmp]==3.2.0'), KEEP (a directory to keep the logs in).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
steps_small=${1:-20}
steps_large=${2:-10}
repeats=${REPEATS:-3}
sizes=${SIZES:-2 4}
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
venv=${VENV:-/opt/deepmd-venv}
[[ -x $venv/bin/lmp && -x $venv/bin/dp ]] || {
  echo "error: $venv/bin/lmp or dp missing (pip install 'deepmd-kit[lmp]==3.2.0' into $venv)" >&2
  exit 1
}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 DP_INTRA_OP_PARALLELISM_THREADS=1 \
       DP_INTER_OP_PARALLELISM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES="" \
       TF_ENABLE_ONEDNN_OPTS=0
model_dp=$root/models/water_se_e2_a.dp
data=$root/configs/data/water.lmp
"$venv/bin/dp" convert-backend "$model_dp" "$work/model.pb" >"$work/convert.log" 2>&1
(cd "$work" && "$venv/bin/python" "$root/scripts/dp_compress_tf.py" model.pb model_compressed.pb \
   >compress.log 2>&1)
lammps_version=$("$venv/bin/lmp" -h 2>/dev/null | grep -m1 -o 'Simulator - .*' | sed 's/Simulator - //' || true)

# lammps <n> <steps> <model> <tag>: prints the timed loop's seconds.
lammps() {
  local n=$1 steps=$2 model=$3 tag=$4
  cat >"$work/in_$tag.lmp" <<LMP
units metal
atom_style atomic
boundary p p p
read_data $data
replicate $n $n $n
mass 1 15.999
mass 2 1.008
pair_style deepmd $model
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
  (cd "$work" && "$venv/bin/lmp" -in "in_$tag.lmp" -log "lmp_$tag.log" -screen none >"lmp_$tag.out" 2>&1)
  grep "Loop time" "$work/lmp_$tag.log" | tail -1 | awk '{print $4}'
}

# mdrun_run <n> <steps> <compress> <tag>: prints the step loop's seconds.
mdrun_run() {
  local n=$1 steps=$2 compress=$3 tag=$4
  cat >"$work/md_$tag.yaml" <<YAML
structure: {file: $data, type_map: [O, H], replicate: [$n, $n, $n]}
masses: {O: 15.999, H: 1.008}
potential: {type: deepmd, model: $model_dp, compress: $compress}
run: {steps: $steps, dt_fs: 0.5, backend: cpu}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 23456789}}
thermo: {every: $steps}
output: {write_final_data: false, summary_json: md_$tag.json}
YAML
  (cd "$work" && "$mdrun" --config "md_$tag.yaml" >"md_$tag.log" 2>&1)
  python3 -c "import json; print(json.load(open('$work/md_$tag.json'))['wall_time_s'])"
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); one core per engine; DeePMD-kit $("$venv/bin/python" -c 'import deepmd; print(deepmd.__version__)' 2>/dev/null), LAMMPS $lammps_version; $("$mdrun" --version); $repeats repeats, medians"
printf "%8s %6s %12s %12s %12s %12s %9s %9s\n" atoms steps "DP plain" "DP compr." \
  "mdrun exact" "mdrun compr." "plain" "compr."
printf "%8s %6s %12s %12s %12s %12s %9s %9s\n" "" "" "us/st/atom" "us/st/atom" "us/st/atom" \
  "us/st/atom" "DP/mdrun" "DP/mdrun"
for n in $sizes; do
  steps=$([[ $n -le 2 ]] && echo "$steps_small" || echo "$steps_large")
  atoms=$((192 * n * n * n))
  times=()
  for ((r = 1; r <= repeats; r++)); do
    times+=("$(lammps "$n" "$steps" "$work/model.pb" "plain_${n}_$r")"
            "$(lammps "$n" "$steps" "$work/model_compressed.pb" "compressed_${n}_$r")"
            "$(mdrun_run "$n" "$steps" false "exact_${n}_$r")"
            "$(mdrun_run "$n" "$steps" true "compressed_${n}_$r")")
  done
  python3 - "$atoms" "$steps" "${times[@]}" <<'PY'
import statistics, sys
atoms, steps = int(sys.argv[1]), int(sys.argv[2])
t = [float(x) for x in sys.argv[3:]]
med = [statistics.median(t[k::4]) / steps / atoms * 1e6 for k in range(4)]
print("%8d %6d %12.1f %12.1f %12.1f %12.1f %8.2fx %8.2fx"
      % (atoms, steps, med[0], med[1], med[2], med[3], med[0] / med[2], med[1] / med[3]))
sys.stderr.write("  all runs (s, in turn DP plain, DP compressed, mdrun exact, mdrun compressed): %s\n"
                 % " ".join("%.3f" % x for x in t))
PY
done
