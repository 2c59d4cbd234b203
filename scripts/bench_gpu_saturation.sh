#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Single-GPU saturation (docs/benchmarks/gpu-saturation.md, issue 5): speed against system size
# on one GPU, the table of ../shared/seeds/000_*.txt ("saturation test on a single GPU").
#
# Water: configs/data/water.lmp (192 atoms, types O H) replicated n×n×n by structure.replicate
# (n = 4 … 18: 12,288 … 1,119,744 atoms), the model models/water_se_e2_a.dp (POTENTIAL=deepmd) or
# ANI-2x member 0, models/ani2x_member0.h5 (POTENTIAL=ani), NVE at dt 0.5 fs from
# velocities created at 300 K, STEPS steps, one rank. For each precision one series of growing
# boxes; a run that exits with code 6 (out of memory) ends its series and shows as OOM, any other
# failure stops the script with the end of its log.
#
# Timing is the summary's wall_time_s: the step loop only. Setup (velocities, first neighbour list,
# the step-0 force evaluation, which allocates the device buffers) runs before it, so no warm-up
# run is needed.
#
# Usage: scripts/bench_gpu_saturation.sh
# Environment: SIZES (replication factors n, default "4 6 8 10 12 14 16 18"), STEPS (100),
#   PRECISIONS ("double mixed"), POTENTIAL (deepmd or ani), COMPRESS ("true false": deepmd only,
#   the tabulated embedding of potential.compress, then the exact nets; one series each per
#   precision), BACKEND (cuda), MDRUN (build/apps/mdrun/mdrun),
#   MODEL (models/water_se_e2_a.dp or models/ani2x_member0.h5), OUTDIR (./bench-gpu-saturation-<date>; must not exist),
#   PYTHON (/usr/bin/python3; any python3 with the json module).
# Dry run on a CPU: BACKEND=cpu SIZES="1 2" STEPS=5 PRECISIONS=double scripts/bench_gpu_saturation.sh
# (and with POTENTIAL=ani)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-4 6 8 10 12 14 16 18}
steps=${STEPS:-100}
precisions=${PRECISIONS:-double mixed}
potential=${POTENTIAL:-deepmd}
case $potential in
  deepmd) compress_modes=${COMPRESS:-true false}; default_model=$root/models/water_se_e2_a.dp ;;
  ani) compress_modes=none; default_model=$root/models/ani2x_member0.h5 ;;
  *) echo "error: POTENTIAL must be deepmd or ani, not '$potential'" >&2; exit 1 ;;
esac
backend=${BACKEND:-cuda}
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
model=$(realpath "${MODEL:-$default_model}")
data=$root/configs/data/water.lmp
python=${PYTHON:-/usr/bin/python3}
out=${OUTDIR:-./bench-gpu-saturation-$(date +%Y%m%d-%H%M%S)}
if [[ -e $out ]]; then
  echo "error: $out already exists; set OUTDIR to a new directory" >&2
  exit 1
fi
mkdir -p "$out"
out=$(realpath "$out")
table=$out/table.md

gpus=$(nvidia-smi -L 2>/dev/null || echo "(nvidia-smi not available)")
{
  echo "# Single-GPU saturation: water, $(basename "$model"), backend $backend"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown); $("$mdrun" --version)"
  echo "- GPU: ${gpus//$'\n'/; }"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- NVE, dt 0.5 fs, velocities created at 300 K, $steps steps, 1 rank; time = step loop (setup excluded)"
  echo "- device memory: \"device in use\" (cudaMemGetInfo total - free, CUDA context and cuBLAS included), max over ranks"
} >"$table"

for precision in $precisions; do
for compress in $compress_modes; do
  case $compress in
    true) kind=compressed; potential_yaml="{type: deepmd, model: $model, precision: $precision, compress: true}" ;;
    false) kind=exact; potential_yaml="{type: deepmd, model: $model, precision: $precision, compress: false}" ;;
    none) kind=ani; potential_yaml="{type: ani, model: $model, precision: $precision}" ;;
  esac
  {
    printf "\n## precision: %s, %s\n\n" "$precision" "$kind"
    echo "| atoms | ns/day | timesteps/s | Matom-steps/s | device memory (GiB) |"
    echo "|---|---|---|---|---|"
  } >>"$table"
  for n in $sizes; do
    tag=${precision}_${kind}_n$n
    cat >"$out/$tag.yaml" <<YAML
structure: {file: $data, type_map: [O, H], replicate: [$n, $n, $n]}
potential: $potential_yaml
run: {steps: $steps, dt_fs: 0.5, backend: $backend}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 23456789}}
thermo: {every: $steps}
output: {write_final_data: false, summary_json: $tag.json}
YAML
    echo "running $tag ($((192 * n * n * n)) atoms)" >&2
    rc=0
    (cd "$out" && "$mdrun" --config "$tag.yaml" >"$tag.log" 2>&1) || rc=$?
    if [[ $rc -eq 6 ]]; then
      echo "| $((192 * n * n * n)) | OOM | OOM | OOM | OOM |" >>"$table"
      break
    elif [[ $rc -ne 0 ]]; then
      echo "error: $tag failed with exit code $rc; end of $out/$tag.log:" >&2
      tail -n 30 "$out/$tag.log" >&2
      exit 1
    fi
    "$python" - "$out/$tag.json" >>"$table" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rate = s["steps"] / s["wall_time_s"]            # timesteps/s of the step loop
ns_per_day = rate * s["dt_ps"] * 1e-3 * 86400.0
memory = s.get("device_memory")                 # absent on CPU runs (docs/outputs.md)
gib = "%.2f" % (memory["device_in_use_bytes"]["max"] / 2**30) if memory else "n/a"
print("| %d | %.3f | %.3f | %.3f | %s |" % (s["atoms"], ns_per_day, rate,
                                             s["atoms"] * rate * 1e-6, gib))
PY
  done
done
done
cat "$table"
echo "(logs, configs and summaries in $out)" >&2
