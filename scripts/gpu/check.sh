#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The one command for a GPU session (docs/cuda.md, "Running the GPU checks"): every GPU check of
# the engine from the bundle that scripts/gpu/bundle.sh made, in at most BUDGET_S seconds
# (default 480), each stage under its own `timeout`, each test group in its own process (one
# sticky CUDA fault does not poison the rest), continuing past failures. Run from the checkout's
# root on the GPU host (device tool: carry ["build-gpu-bundle"]):
#
#   OUT=$OUT scripts/gpu/check.sh
#
# Stages (STAGES selects some, e.g. STAGES="env tests"):
#   env        nvidia-smi (GPU, driver), the host's C library, where cuBLAS and compute-sanitizer
#              are, and that the bundled binaries load;
#   tests      the backend tests, group by group (neighbour list, halo, atom kernels, Deep
#              Potential, its [large] cases, ANI, the resident step); the slow groups run in
#              parallel with the rest (correctness does not depend on timing);
#   sanitizer  compute-sanitizer memcheck on the small fixture, neighbour-list, halo and ANI
#              cases, racecheck on the fixture and the halo (in parallel with the tests);
#   e2e        configs/water.yaml with run.backend=cuda for 200 steps, compressed (as shipped)
#              and exact, and configs/water_ani.yaml for 200 steps, each in double and in mixed
#              precision against the bundle's CPU reference (scripts/gpu/compare_runs.py);
#   saturation scripts/bench_gpu_saturation.sh alone on the GPU with the rest of the budget, the
#              mixed series first (Deep Potential, then ANI), then double (SAT_SIZES, default
#              "4 8 12 16 18": 12,288 to 1,119,744 atoms; ANI_SAT_SIZES, default "4 8 12 16";
#              SAT_STEPS, default 20).
#
# Results in $OUT (at most 8 files come back): results.json (GPU, driver, commit, command, every
# stage and test with pass/fail and time, every figure), summary.md (the same for people, with
# the saturation tables), logs.tar.gz (every log, the sanitizer reports, the Catch2 XML), and
# check.log (this script's own output). results.json and logs.tar.gz are rewritten after every
# stage, so a run killed from outside still returns what it did.
#
# Without a GPU every stage reports "no-gpu" (the rehearsal, scripts/gpu/rehearse.sh).
# CHECK_BACKEND=cpu runs the e2e and saturation stages on the CPU backend: a dry run of their
# plumbing (comparison, tables, results) on a machine without a GPU, never a GPU result.
# Environment: OUT (required), BUNDLE (build-gpu-bundle/bundle.tar.xz), BUDGET_S (480),
#   STAGES, SAT_SIZES, ANI_SAT_SIZES, SAT_STEPS, WORK (/tmp/mdrun-gpu-check; emptied first), CUDA_LIB_DIR (found
#   by searching when unset).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:?set OUT to the results folder}
bundle=${BUNDLE:-$root/build-gpu-bundle/bundle.tar.xz}
budget=${BUDGET_S:-480}
stages=${STAGES:-env tests sanitizer e2e saturation}
sat_sizes=${SAT_SIZES:-4 8 12 16 18}
ani_sat_sizes=${ANI_SAT_SIZES:-4 8 12 16}
sat_steps=${SAT_STEPS:-20}
backend=${CHECK_BACKEND:-cuda}
work=${WORK:-/tmp/mdrun-gpu-check}
python=$(command -v python3 || echo /usr/bin/python3)
started=$(date +%s)
mkdir -p "$out"
rm -rf "$work"
mkdir -p "$work/logs" "$work/b"
exec > >(tee -a "$out/check.log") 2>&1
echo "check.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ), budget ${budget}s, stages: $stages"
echo "command: OUT=\$OUT CHECK_BACKEND=$backend STAGES=\"$stages\" BUDGET_S=$budget SAT_SIZES=\"$sat_sizes\" ANI_SAT_SIZES=\"$ani_sat_sizes\" SAT_STEPS=$sat_steps scripts/gpu/check.sh"

elapsed() { echo $(($(date +%s) - started)); }
remaining() { echo $((budget - $(elapsed))); }
wants() { [[ " $stages " == *" $1 "* ]]; }

# One JSON line per finished stage or test group: name, status, exit code, seconds, details.
record() {  # name status rc seconds [detail file]
  printf '{"name": "%s", "status": "%s", "rc": %s, "seconds": %s, "detail": "%s"}\n' \
    "$1" "$2" "$3" "$4" "${5:-}" >>"$work/stages.jsonl"
  printf '   %-34s %-8s rc %-4s %5ss\n' "$1" "$2" "$3" "$4"
}

# results.json, summary.md and logs.tar.gz from what exists so far (after every stage).
finalize() {
  "$python" "$root/scripts/gpu/collect_results.py" "$work" "$out" "$(elapsed)" "$budget" ||
    echo "check.sh: collect_results.py failed (logs still packed)"
  tar -C "$work" -czf "$out/logs.tar.gz" logs stages.jsonl 2>/dev/null
}

status_of() {  # rc -> pass | fail | timeout | no-gpu
  case $1 in
    0) echo pass ;;
    77) echo no-gpu ;;
    124 | 137) echo timeout ;;
    *) echo fail ;;
  esac
}

# --- the bundle ------------------------------------------------------------------------------
if [ ! -f "$bundle" ]; then
  echo "check.sh: no bundle at $bundle (make it with scripts/gpu/bundle.sh and carry it)"
  record bundle fail 1 0
  finalize
  exit 1
fi
tar -C "$work/b" -xJf "$bundle"
b=$work/b
cp "$b/manifest.json" "$work/manifest.json"
echo "bundle: $("$python" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["commit"], "dirty" if m["dirty"] else "clean", m["mdrun_version"])' "$b/manifest.json")"

# cuBLAS comes from the host's CUDA toolkit (or PyTorch's nvidia-cublas wheel).
if [ -z "${CUDA_LIB_DIR:-}" ]; then
  for candidate in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/lib \
    /usr/local/cuda-13*/lib64 /opt/torch/.venv/lib/python3*/site-packages/nvidia/cu13/lib \
    /opt/torch/.venv/lib/python3*/site-packages/nvidia/cublas/lib; do
    if ls "$candidate"/libcublas.so.13* >/dev/null 2>&1; then CUDA_LIB_DIR=$candidate; break; fi
  done
fi
if [ -z "${CUDA_LIB_DIR:-}" ]; then
  found=$(timeout 60 find / -xdev -name 'libcublas.so.13*' 2>/dev/null | head -1)
  CUDA_LIB_DIR=${found:+$(dirname "$found")}
fi
export LD_LIBRARY_PATH=${CUDA_LIB_DIR:-}
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
# The tests find the checkout (test models, configs) and the bundled shared data through these.
export MD_SHARED_DIR=$b/shared MD_SOURCE_DIR=$root MD_PYTHON=$python
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-4}

gpu=no
if nvidia-smi -L >/dev/null 2>&1; then gpu=yes; fi

# --- env -------------------------------------------------------------------------------------
if wants env; then
  echo "== env"
  t0=$(date +%s)
  {
    echo "nvidia-smi -L:"; nvidia-smi -L 2>&1
    echo "nvidia-smi query:"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,compute_cap --format=csv 2>&1
    echo "C library: $(ldd --version 2>&1 | head -1)"
    echo "bundle needs: $("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["newest_glibc_symbol"])' "$b/manifest.json")"
    echo "cuBLAS folder: ${CUDA_LIB_DIR:-NOT FOUND}"
    echo "compute-sanitizer: ${sanitizer:-NOT FOUND}"
    echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  } >"$work/logs/env.log" 2>&1
  for binary in "$b"/bin/*; do echo "ldd $(basename "$binary"):"; ldd "$binary"; done >"$work/logs/ldd.log" 2>&1
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$work/gpu.csv" 2>/dev/null ||
    echo "no GPU" >"$work/gpu.csv"
  rc=0
  if grep "not found" "$work/logs/ldd.log"; then rc=1; fi
  "$b/bin/mdrun" --version >>"$work/logs/env.log" 2>&1 || rc=1
  status=$(status_of $rc)
  [ $rc -eq 0 ] && [ $gpu = no ] && status=no-gpu
  record env "$status" $rc $(($(date +%s) - t0)) logs/env.log
  grep -E "^(C library|bundle needs|cuBLAS|compute-sanitizer|CPU)|NVIDIA|, " "$work/logs/env.log" | head -20
  finalize
fi

# --- tests and sanitizer: correctness, concurrently -------------------------------------------
test_group() {  # name filter limit
  local name=$1 filter=$2 limit=$3 t0 rc
  t0=$(date +%s)
  MD_SYNC_KERNELS=1 timeout -k 10 "$limit" "$b/bin/md_backend_tests" "$filter" -r xml \
    -o "$work/logs/tests_$name.xml" --durations yes >"$work/logs/tests_$name.log" 2>&1
  rc=$?
  record "tests:$name" "$(status_of $rc)" $rc $(($(date +%s) - t0)) "logs/tests_$name.xml"
}

sanitize() {  # name tool test-name limit
  local name=$1 tool=$2 test=$3 limit=$4 t0 rc
  t0=$(date +%s)
  if [ -z "$sanitizer" ]; then
    record "sanitizer:$name" skipped 0 0 "compute-sanitizer not found"
    return
  fi
  if [ $gpu = no ]; then
    record "sanitizer:$name" no-gpu 77 0
    return
  fi
  timeout -k 10 "$limit" "$sanitizer" --tool "$tool" --error-exitcode 99 --print-limit 20 \
    "$b/bin/md_backend_tests" "$test" >"$work/logs/sanitizer_$name.log" 2>&1
  rc=$?
  record "sanitizer:$name" "$(status_of $rc)" $rc $(($(date +%s) - t0)) "logs/sanitizer_$name.log"
}

background=()
if wants tests; then
  echo "== tests (slow groups in the background)"
  limit=$(($(remaining) - 200 > 240 ? 240 : $(remaining) - 200))
  [ $limit -lt 60 ] && limit=60
  test_group resident "[resident]" $limit & background+=($!)
  test_group deepmd_large "[deepmd][large]" $limit & background+=($!)
  test_group neighbor_list "[neighbor_cuda]" 90
  test_group halo "[halo_cuda]" 60
  test_group atom_kernels "[integrate_cuda]" 60
  test_group deepmd "[deepmd]~[large]" 150
  test_group ani "[ani]" 120
  finalize
fi
if wants sanitizer; then
  echo "== compute-sanitizer (in the background)"
  (
    sanitize memcheck_fixture memcheck "deepmd cuda: DeePMD-kit fixture matches the references and the CPU" 150
    sanitize racecheck_fixture racecheck "deepmd cuda: DeePMD-kit fixture matches the references and the CPU" 150
  ) & background+=($!)
  (
    sanitize memcheck_neighbor_list memcheck "device neighbour list: 192-atom water box with ghosts equals the CPU list" 120
    sanitize memcheck_halo memcheck "device halo: water box, 8 A ghosts, equals the host halo bit for bit" 90
    sanitize racecheck_halo racecheck "device halo: water box, 8 A ghosts, equals the host halo bit for bit" 90
  ) & background+=($!)
  sanitize memcheck_ani memcheck "ani cuda: a two-member ensemble matches the CPU" 150 & background+=($!)
fi

# --- e2e -------------------------------------------------------------------------------------
if wants e2e; then
  echo "== end to end: configs/water.yaml, 200 steps, run.backend=$backend"
  e2e_run() {  # name config precision reference [--set ...]
    local name=$1 config=$2 precision=$3 reference=$4 t0 rc status dir
    shift 4
    t0=$(date +%s)
    dir=$work/logs/e2e_$name
    mkdir -p "$dir"
    (cd "$dir" && timeout -k 10 120 "$b/bin/mdrun" --config "$root/configs/$config" \
      --set run.steps=200 --set run.backend=$backend --set potential.precision=$precision "$@" \
      --set output.final_data_file=final.data --set output.summary_json=summary.json \
      >log.txt 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
      "$python" "$root/scripts/gpu/compare_runs.py" "$b/reference/$reference" "$dir" \
        --precision $precision --json "$dir/compare.json" >"$dir/compare.txt" 2>&1
      rc=$?
      cat "$dir/compare.txt"
      status=$(status_of $rc)
    elif [ $rc -eq 2 ] && grep -q "no CUDA device" "$dir/log.txt"; then
      status=no-gpu
    else
      status=$(status_of $rc)
      tail -n 5 "$dir/log.txt"
    fi
    rm -f "$dir/final.data"
    record "e2e:${name//_/:}" "$status" $rc $(($(date +%s) - t0)) "logs/e2e_$name"
  }
  for variant in compressed exact; do
    for precision in double mixed; do
      e2e_run "${variant}_$precision" water.yaml $precision "water_cpu_$variant" \
        --set potential.compress=$([ $variant = compressed ] && echo true || echo false)
    done
  done
  for precision in double mixed; do
    e2e_run "ani_$precision" water_ani.yaml $precision water_ani_cpu
  done
  finalize
fi

if [ ${#background[@]} -gt 0 ]; then
  echo "== waiting for the background groups"
  wait "${background[@]}"
  finalize
fi

# --- saturation: alone on the GPU ------------------------------------------------------------
if wants saturation; then
  echo "== saturation (sizes $sat_sizes, $sat_steps steps)"
  series=("deepmd mixed" "ani mixed" "deepmd double" "ani double")
  for k in "${!series[@]}"; do
    read -r potential precision <<<"${series[$k]}"
    name=saturation:$potential:$precision
    t0=$(date +%s)
    # Each series gets an equal share of what is left (15 s are kept for packing the results).
    limit=$((($(remaining) - 15) / (${#series[@]} - k)))
    if [ $limit -lt 30 ]; then
      record "$name" timeout 124 0 "no budget left"
      continue
    fi
    if [ $gpu = no ] && [ "$backend" = cuda ]; then
      record "$name" no-gpu 77 0
      continue
    fi
    sizes=$([ "$potential" = ani ] && echo "$ani_sat_sizes" || echo "$sat_sizes")
    sat=$work/logs/saturation_${potential}_$precision
    MDRUN=$b/bin/mdrun PYTHON=$python OUTDIR=$sat SIZES=$sizes STEPS=$sat_steps BACKEND=$backend \
      POTENTIAL=$potential PRECISIONS=$precision timeout -k 10 $limit \
      "$root/scripts/bench_gpu_saturation.sh" >"$work/logs/saturation_${potential}_$precision.log" 2>&1
    rc=$?
    cat "$sat/table.md" 2>/dev/null | grep "^|"
    record "$name" "$(status_of $rc)" $rc $(($(date +%s) - t0)) "logs/saturation_${potential}_$precision"
    finalize
  done
fi

finalize
echo "check.sh: done in $(elapsed)s; results in $out (results.json, summary.md, logs.tar.gz, check.log)"
