#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer harnesses of the input readers (fuzz/, docs/fuzzing.md) in build-fuzz/
# with clang, and runs them one at a time.
#
#   scripts/fuzz.sh [harness...]          campaign: each harness for RUNS executions (default
#                                         10^6), then its corpus replayed once for the final
#                                         coverage; prints executions, exec/s, cov/ft, corpus and
#                                         findings per harness
#   SMOKE=1 scripts/fuzz.sh [harness...]  CI: replay each committed corpus (fuzz/corpus/<name>/,
#                                         regression-* inputs included) once, then fuzz each
#                                         harness for SMOKE_SECONDS (default 5)
#   scripts/fuzz.sh --build-only          configure and build the harnesses, nothing else
#
# A run that finds something is restarted from the corpus it has grown until the budget is
# spent, so one finding does not end the campaign; fuzz/triage.py sorts each report into ours
# and libhdf5's (the byte-level HDF5 harnesses meet crashes inside libhdf5 on corrupt files:
# docs/fuzzing.md, "Known limitation"). Exit status 1 when any finding is in our code (or the
# committed corpus fails), 0 otherwise.
#
# Environment: RUNS, SMOKE_SECONDS, BUILD_DIR (default build-fuzz), WORK_DIR (campaign corpora,
# logs and artifacts; default $BUILD_DIR/fuzz-work), FUZZ_JOBS (build parallelism, default 1),
# FUZZ_SKIP_UNBUILT=1 (exit 77, "skipped", when BUILD_DIR is not configured: the CTest test).
# Everything runs under `nice -n 19`, one libFuzzer process at a time (no -jobs/-fork): the
# machines this runs on are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build-fuzz}
WORK_DIR=${WORK_DIR:-$BUILD_DIR/fuzz-work}
RUNS=${RUNS:-1000000}
SMOKE=${SMOKE:-0}
SMOKE_SECONDS=${SMOKE_SECONDS:-5}
FUZZ_JOBS=${FUZZ_JOBS:-1}

ALL_HARNESSES=(fuzz_run_config fuzz_lammps_data fuzz_deepmd_model fuzz_checkpoint
               fuzz_deepmd_model_structured fuzz_checkpoint_structured
               fuzz_ani_model fuzz_ani_model_structured)

# Per harness: its corpus folder under fuzz/corpus, the largest input libFuzzer may generate,
# its dictionary (fuzz/dict/), and the sanitizer options.
corpus_of() { echo "${1#fuzz_}"; }
max_len_of() {
  case $1 in
    fuzz_deepmd_model) echo 100000 ;;
    fuzz_deepmd_model_structured) echo 65536 ;;
    fuzz_checkpoint) echo 16384 ;;
    fuzz_ani_model) echo 65536 ;;
    fuzz_ani_model_structured) echo 32768 ;;
    *) echo 8192 ;;
  esac
}
dict_of() {
  case $1 in
    fuzz_deepmd_model*) echo fuzz/dict/deepmd_model.dict ;;
    fuzz_checkpoint*) echo fuzz/dict/checkpoint.dict ;;
    fuzz_ani_model*) echo fuzz/dict/ani_model.dict ;;
    *) echo "fuzz/dict/$(corpus_of "$1").dict" ;;
  esac
}
# The harnesses that feed raw bytes to libhdf5. On corrupt files libhdf5 passes impossible sizes
# to malloc, which returns NULL in production (and HDF5 reports an error) but aborts under ASan
# unless allowed to return NULL; and its error paths leak metadata-cache blocks, which
# LeakSanitizer cannot tell from ours (libhdf5 has no frame pointers). Our own allocations go
# through operator new, which still aborts on an impossible size.
asan_options_of() {
  case $1 in
    fuzz_deepmd_model | fuzz_checkpoint | fuzz_ani_model)
      echo "allocator_may_return_null=1:detect_leaks=0" ;;
    *) echo "" ;;
  esac
}

build() {
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMD_BUILD_FUZZERS=ON \
      -DMD_ENABLE_CUDA=OFF -DMD_ENABLE_MPI=OFF -DMD_ENABLE_TESTS=OFF
  fi
  nice -n 19 cmake --build "$BUILD_DIR" --parallel "$FUZZ_JOBS" --target md_fuzzers
}

harnesses=()
for arg in "$@"; do
  case $arg in
    --build-only) build; exit 0 ;;
    fuzz_*) harnesses+=("$arg") ;;
    *) echo "fuzz.sh: unknown argument '$arg' (a harness such as fuzz_lammps_data, or --build-only)" >&2
       exit 2 ;;
  esac
done
[ ${#harnesses[@]} -eq 0 ] && harnesses=("${ALL_HARNESSES[@]}")

if [ "${FUZZ_SKIP_UNBUILT:-0}" = 1 ] && [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  echo "fuzz.sh: $BUILD_DIR is not configured (scripts/fuzz.sh --build-only builds it); skipped"
  exit 77
fi
build
BIN=$ROOT/$BUILD_DIR/fuzz
failed=0
summary=()

# fuzz <harness> <dir> <runs|seconds> <budget>: fuzzes from <dir>/corpus (new inputs go there)
# and the committed corpus until the budget is spent, restarting after each finding. Leaves
# <dir>/executions, <dir>/findings.txt (fuzz/triage.py lines) and the reports in <dir>/reports/.
fuzz() {
  local h=$1 dir=$2 kind=$3 budget=$4
  local seeds=$ROOT/fuzz/corpus/$(corpus_of "$h")
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/reports"
  : > "$dir/findings.txt"
  local opts=(-timeout=10 -rss_limit_mb=2048 -max_len="$(max_len_of "$h")"
              -dict="$ROOT/$(dict_of "$h")" -print_final_stats=1
              -artifact_prefix="$dir/artifacts/")
  local executions=0 start segments=0 idle=0
  start=$(date +%s)
  while :; do
    local limit
    if [ "$kind" = runs ]; then
      [ "$executions" -ge "$budget" ] && break
      limit=-runs=$((budget - executions))
    else
      local left=$((budget - ($(date +%s) - start)))
      [ "$left" -le 0 ] && break
      limit=-max_total_time=$left
    fi
    segments=$((segments + 1))
    if [ "$segments" -gt 1000 ]; then
      echo "fuzz.sh: $h: more than 1000 restarts; stopping" >&2
      failed=1
      break
    fi
    local log=$dir/segment.log status=0
    ASAN_OPTIONS=$(asan_options_of "$h") nice -n 19 "$BIN/$h" "${opts[@]}" "$limit" \
      "$dir/corpus" "$seeds" > "$log" 2>&1 || status=$?
    local n
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -z "$n" ] && n=$(grep -Eo '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    executions=$((executions + ${n:-0}))
    if [ "${n:-0}" -eq 0 ]; then
      idle=$((idle + 1))
      if [ "$idle" -ge 3 ]; then
        tail -n 40 "$log"
        echo "fuzz.sh: $h: three runs in a row without an execution; stopping" >&2
        failed=1
        break
      fi
    else
      idle=0
    fi
    # A clean exit ends the budget (time), or ends short of it (runs; then go on).
    [ "$status" -eq 0 ] && continue
    local unit
    unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -z "$unit" ]; then
      tail -n 40 "$log"
      echo "fuzz.sh: $h: libFuzzer failed (exit $status) without saving an input" >&2
      failed=1
      break
    fi
    tail -n 300 "$log" > "$dir/reports/$(basename "$unit").log"
    python3 fuzz/triage.py "$BIN/$h" --log "$log" | grep -v '^triage:' >> "$dir/findings.txt" || true
    if ! grep -q 'INITED' "$log"; then
      # It failed while loading the corpus: an input that passed when it was added but fails
      # after what the inputs before it left behind (libhdf5 state). Drop it from the work
      # corpus, or stop when it is one of the committed inputs.
      local sha
      sha=$(basename "$unit" | sed 's/^[a-z-]*-//')
      if [ -f "$dir/corpus/$sha" ]; then
        rm -f "$dir/corpus/$sha"
      else
        echo "fuzz.sh: $h: failed while loading its corpus" >&2
        failed=1
        break
      fi
    fi
  done
  echo "$executions" > "$dir/executions"
  [ -f "$dir/segment.log" ] && mv "$dir/segment.log" "$dir/last-segment.log"
  return 0
}

# The classes in findings.txt, e.g. "2 libhdf5, 1 ours", or "none".
findings_of() {
  local counts
  counts=$(awk '{print $1}' "$1/findings.txt" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
  echo "${counts:-none}"
}
has_our_findings() { grep -Eq '^(ours|other) ' "$1/findings.txt"; }

smoke() {
  local h=$1 seeds=$ROOT/fuzz/corpus/$(corpus_of "$1") dir
  dir=$(mktemp -d)
  echo "== $h: replaying the $(ls "$seeds" | wc -l) inputs of fuzz/corpus/$(corpus_of "$h")"
  if ! ASAN_OPTIONS=$(asan_options_of "$h") nice -n 19 "$BIN/$h" -timeout=10 -rss_limit_mb=2048 \
      -runs=0 -artifact_prefix="$dir/" "$seeds" > "$dir/replay.log" 2>&1; then
    tail -n 60 "$dir/replay.log"
    summary+=("$h: FAILED on its committed corpus (fuzz/corpus/$(corpus_of "$h"))")
    failed=1
    rm -rf "$dir"
    return
  fi
  echo "== $h: fuzzing for ${SMOKE_SECONDS}s"
  fuzz "$h" "$dir" seconds "$SMOKE_SECONDS"
  sed 's/^/   /' "$dir/findings.txt"
  local line="$h: corpus ok, $(cat "$dir/executions") executions, findings: $(findings_of "$dir")"
  if has_our_findings "$dir"; then
    mkdir -p "$WORK_DIR/smoke-findings/$h"
    cp -r "$dir/artifacts" "$dir/reports" "$dir/findings.txt" "$WORK_DIR/smoke-findings/$h/"
    line="$line -- FAILED: inputs and reports in $WORK_DIR/smoke-findings/$h"
    failed=1
  fi
  summary+=("$line")
  rm -rf "$dir"
}

campaign() {
  local h=$1 dir=$WORK_DIR/$1
  echo "== $h: $RUNS executions from $(date -u +%FT%TZ); work files in $dir"
  local start end
  start=$(date +%s)
  fuzz "$h" "$dir" runs "$RUNS"
  end=$(date +%s)
  local executions seconds stats
  executions=$(cat "$dir/executions")
  seconds=$((end - start))
  stats=$(ASAN_OPTIONS=$(asan_options_of "$h") nice -n 19 "$BIN/$h" -runs=0 -timeout=10 \
            -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" "$dir/corpus" 2>&1 |
            sed -n 's/.*INITED \(cov: [0-9]* ft: [0-9]* corp: [^ ]*\).*/\1/p')
  head -n 40 "$dir/findings.txt" | sed 's/^/   /'  # (not `sed | head`: SIGPIPE under pipefail)
  has_our_findings "$dir" && failed=1
  summary+=("$h | $executions executions | ${seconds} s | $((executions / (seconds > 0 ? seconds : 1))) exec/s | ${stats:-replay of the final corpus failed} | findings: $(findings_of "$dir")")
}

for h in "${harnesses[@]}"; do
  if [ ! -x "$BIN/$h" ]; then
    echo "fuzz.sh: no harness $BIN/$h" >&2
    exit 2
  fi
  if [ "$SMOKE" = 1 ]; then smoke "$h"; else campaign "$h"; fi
done

echo
echo "== fuzz.sh summary: $([ "$SMOKE" = 1 ] && echo "smoke run, ${SMOKE_SECONDS} s each" || echo "campaign, $RUNS executions each"); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf '%s\n' "${summary[@]}"
exit $failed
