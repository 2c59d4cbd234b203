#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the LAMMPS goldens for lj/cut (tests/data/lj/golden/lj_cut_shift_{no,yes}.json and
# tests/data/lj/golden/lj_mixture_triclinic.json).
#
# Goldens are data, regenerated on purpose: run this only when the reference itself should change
# (new data file, new LAMMPS, new parameters), and review the diff like code. The tests never run
# LAMMPS; they only read the committed JSON. See docs/testing.md, "LAMMPS goldens".
#
# What it does, per case (pair_modify shift no / yes):
#   lmp -in tests/data/lj/in.lj_golden.lmp -var ... (serial, OMP_NUM_THREADS=1)
#   = read_data tests/data/lj/lj_liquid.data; pair_style lj/cut; `run 0` with a dump of per-id
#     forces; then `run 100` (NVE, velocity Verlet) with a dump of per-id unwrapped positions,
#     velocities and forces; thermo (pe ke etotal temp press vol + virial) at steps 0 and 100.
# It also reruns the shift-no case with `newton off` (a different force-summation order) and stores
# how far LAMMPS moves away from itself, the floor under any engine-vs-LAMMPS tolerance.
#
# The same for an Ar/Kr mixture in a strongly tilted cell (pair_modify shift no, newton on and off):
#   lmp -in tests/data/lj/in.lj_mixture_triclinic.lmp -var ...
#   = read_data tests/data/lj/lj_mixture_triclinic.data (scripts/make_lj_mixture_triclinic.py);
#     pair_coeff 1 1, 2 2 and 1 2 given explicitly; the golden adds the box and the pressure tensor,
#     and the script checks that LAMMPS's step-0 positions are the data file's, bit for bit.
#
# Usage: scripts/update_lj_goldens.sh [path/to/lmp]    (default: lmp on PATH)
# Needs: LAMMPS (Debian package `lammps`), /usr/bin/python3.
set -euo pipefail

LMP=${1:-lmp}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LJ_DIR=$ROOT/tests/data/lj
DATA=$LJ_DIR/lj_liquid.data
INPUT=$LJ_DIR/in.lj_golden.lmp
GOLDEN_DIR=$LJ_DIR/golden
PYTHON=${PYTHON:-/usr/bin/python3}

# The physical parameters: the mdrun configs in tests/data/lj/*.yaml must say the same (the
# regression test checks that).
RC=8.5125      # 2.5 sigma, A
EPS=0.0103     # eV
SIG=3.405      # A
SKIN=1.0       # A
DT=0.005       # ps (5 fs)
NRUN=100

# The Ar/Kr mixture in a tilted cell (tests/data/lj/lj_mixture_triclinic.yaml must say the same):
# cutoff, skin and steps as above; every pair explicit, as "type_a type_b epsilon(eV) sigma(A)".
MIX_DATA=$LJ_DIR/lj_mixture_triclinic.data
MIX_INPUT=$LJ_DIR/in.lj_mixture_triclinic.lmp
MIX_PAIRS=("1 1 0.0103 3.405" "2 2 0.0140 3.65" "1 2 0.0120 3.52")
MIX_DT=0.002   # ps (2 fs)

command -v "$LMP" > /dev/null || { echo "error: LAMMPS binary '$LMP' not found" >&2; exit 1; }
[[ -f $DATA ]] || { echo "error: $DATA missing (scripts/make_lj_liquid.py writes it)" >&2; exit 1; }
[[ -f $MIX_DATA ]] || {
  echo "error: $MIX_DATA missing (scripts/make_lj_mixture_triclinic.py writes it)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1
VERSION=$("$LMP" -h | sed -n '1,4p' | grep -m1 -E 'Large-scale|LAMMPS' | sed 's/^ *//')

run_lammps() {  # name input data [-var name value]...
  local name=$1 input=$2 data=$3
  shift 3
  local dir=$WORK/$name
  mkdir -p "$dir"
  local cmd=("$LMP" -in "$input" -log "$dir/log.lammps" -screen none
             -var data "$data" -var out "$dir" "$@")
  (cd "$dir" && "${cmd[@]}")
  # The command as recorded in the golden: paths relative to the repository root.
  local shown="${cmd[*]}"
  shown=${shown//$ROOT\//}
  shown=${shown//$WORK\/$name/<tmp>}
  echo "$shown" > "$dir/command.txt"
}

run_case() {  # name shift newton
  run_lammps "$1" "$INPUT" "$DATA" -var shift "$2" -var newton "$3" \
             -var rc $RC -var eps $EPS -var sig $SIG -var skin $SKIN -var dt $DT -var nrun $NRUN
}

run_mixture_case() {  # name newton
  local pair_vars=() pair a b eps sig
  for pair in "${MIX_PAIRS[@]}"; do
    read -r a b eps sig <<< "$pair"
    pair_vars+=(-var "eps$a$b" "$eps" -var "sig$a$b" "$sig")
  done
  run_lammps "$1" "$MIX_INPUT" "$MIX_DATA" -var newton "$2" -var rc $RC "${pair_vars[@]}" \
             -var skin $SKIN -var dt $MIX_DT -var nrun $NRUN
}

run_case shift_no no on
run_case shift_yes yes on
run_case shift_no_newton_off no off
run_mixture_case mixture on
run_mixture_case mixture_newton_off off

mkdir -p "$GOLDEN_DIR"
"$PYTHON" - "$WORK" "$GOLDEN_DIR" "$DATA" "$INPUT" "$VERSION" \
    "$RC" "$EPS" "$SIG" "$SKIN" "$DT" "$NRUN" "$MIX_DATA" "$MIX_DT" "${MIX_PAIRS[@]}" <<'PY'
import datetime, hashlib, json, math, os, sys

work, golden_dir, data, input_file, version = sys.argv[1:6]
rc, eps, sig, skin, dt = (float(v) for v in sys.argv[6:11])
nrun = int(sys.argv[11])
mix_data, mix_dt = sys.argv[12], float(sys.argv[13])
mix_pairs = [p.split() for p in sys.argv[14:]]
NKTV2P = 1.6021765e6  # LAMMPS metal: eV/A^3 -> bar

def read_thermo(log):
    """All thermo rows of log.lammps as dicts keyed by the header words."""
    rows, header = [], None
    for line in open(log):
        words = line.split()
        if words and words[0] == "Step":
            header = words
            continue
        if header and words and line.startswith("Loop time"):
            header = None
            continue
        if header and len(words) == len(header):
            try:
                rows.append(dict(zip(header, (float(w) for w in words))))
            except ValueError:
                pass
    return rows

def read_dump(path):
    """Frames of a `dump custom` file: list of (step, columns, {id: [floats]})."""
    frames = []
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        assert lines[i] == "ITEM: TIMESTEP", lines[i]
        step = int(lines[i + 1])
        n = int(lines[i + 3])
        columns = lines[i + 8].split()[2:]
        atoms = {}
        for line in lines[i + 9:i + 9 + n]:
            words = line.split()
            atoms[int(words[0])] = [float(w) for w in words[1:]]
        frames.append((step, columns, atoms))
        i += 9 + n
    return frames

def thermo_block(row, pressure_tensor=False):
    volume = row["Volume"]
    virial_bar = [row[f"c_virial[{k}]"] for k in range(1, 7)]
    block = {
        "step": int(row["Step"]),
        "pe": row["PotEng"], "ke": row["KinEng"], "etotal": row["TotEng"],
        "temp": row["Temp"], "press": row["Press"], "vol": volume,
    }
    if pressure_tensor:
        # Thermo pxx pyy pzz pxy pxz pyz (bar): kinetic part plus pair virial.
        block["pressure_tensor_bar"] = [row[k] for k in ("Pxx", "Pyy", "Pzz", "Pxy", "Pxz", "Pyz")]
    # Pair virial W_ab = sum over pairs r_a F_b (eV), order xx yy zz xy xz yz, as LAMMPS's
    # `compute pressure NULL virial` (bar) times V / nktv2p.
    block["virial_bar"] = virial_bar
    block["virial_eV"] = [w * volume / NKTV2P for w in virial_bar]
    assert all(math.isfinite(v) for v in row.values()), row
    return block

def case(name):
    d = os.path.join(work, name)
    rows = read_thermo(os.path.join(d, "log.lammps"))
    init_row = rows[0]           # the `run 0`
    final_row = rows[-1]         # step nrun of `run nrun`
    assert int(init_row["Step"]) == 0 and int(final_row["Step"]) == nrun
    forces0 = read_dump(os.path.join(d, "forces0.dump"))
    assert len(forces0) == 1 and forces0[0][1] == ["id", "fx", "fy", "fz"]
    traj = read_dump(os.path.join(d, "traj.dump"))
    step, columns, atoms = traj[-1]
    assert step == nrun and columns == ["id", "xu", "yu", "zu", "vx", "vy", "vz", "fx", "fy", "fz"]
    command = open(os.path.join(d, "command.txt")).read().strip()
    return init_row, final_row, forces0[0][2], atoms, command

def max_abs_diff(a, b, cols):
    return max(abs(a[i][c] - b[i][c]) for i in a for c in cols)

def self_divergence(ref, off):
    return {
        "description": "LAMMPS newton on vs newton off (different force summation order), shift no: "
                       "the round-off floor of any comparison with LAMMPS",
        "init_max_abs_force_diff_eV_per_A": max_abs_diff(ref[2], off[2], range(3)),
        "init_max_abs_force_eV_per_A": max(abs(v) for f in ref[2].values() for v in f),
        "init_pe_diff_eV": off[0]["PotEng"] - ref[0]["PotEng"],
        "run_max_abs_position_diff_A": max_abs_diff(ref[3], off[3], range(3)),
        "run_max_abs_velocity_diff_A_per_ps": max_abs_diff(ref[3], off[3], range(3, 6)),
        "run_pe_diff_eV": off[1]["PotEng"] - ref[1]["PotEng"],
    }

def fmt_rows(rows):
    return ",\n".join("    [" + ", ".join(repr(v) for v in row) + "]" for row in rows)

def write_golden(out, header, forces0, atoms):
    """header as indented JSON, then the per-atom arrays one atom per line."""
    ids = sorted(forces0)
    text = json.dumps(header, indent=2)[:-2]  # reopen the object for the per-atom arrays
    text += ',\n  "init_forces_columns": ["id", "fx", "fy", "fz"],\n  "init_forces": [\n'
    text += fmt_rows([[i] + forces0[i] for i in ids])
    text += '\n  ],\n  "run_atoms_columns": ["id", "xu", "yu", "zu", "vx", "vy", "vz", "fx", "fy", "fz"],'
    text += '\n  "run_atoms": [\n'
    text += fmt_rows([[i] + atoms[i] for i in ids])
    text += "\n  ]\n}\n"
    json.loads(text)  # well-formed
    with open(out, "w") as f:
        f.write(text)

ref_no = case("shift_no")
off = case("shift_no_newton_off")
self_divergence_no = self_divergence(ref_no, off)

data_sha = hashlib.sha256(open(data, "rb").read()).hexdigest()
today = datetime.date.today().isoformat()
for name, shift in (("shift_no", False), ("shift_yes", True)):
    init_row, final_row, forces0, atoms, command = ref_no if name == "shift_no" else case(name)
    ids = sorted(forces0)
    assert ids == list(range(1, len(ids) + 1)) and sorted(atoms) == ids
    header = {
        "description": f"lj/cut on tests/data/lj/lj_liquid.data, pair_modify shift "
                       f"{'yes' if shift else 'no'}: LAMMPS step-0 energy/virial/forces and the "
                       f"state after {nrun} NVE steps. Regenerate with scripts/update_lj_goldens.sh "
                       f"only on purpose (docs/testing.md).",
        "generator": "scripts/update_lj_goldens.sh",
        "lammps_version": version,
        "date": today,
        "command": command,
        "lammps_input": "tests/data/lj/in.lj_golden.lmp",
        "data_file": "lj_liquid.data",
        "data_file_sha256": data_sha,
        "units": "metal",
        "parameters": {"pair_style": "lj/cut", "cutoff_A": rc, "epsilon_eV": eps, "sigma_A": sig,
                       "shift_energy": shift, "skin_A": skin, "dt_ps": dt, "steps": nrun,
                       "neigh_modify": "every 1 delay 0 check yes", "newton": "on",
                       "nktv2p": NKTV2P},
        "natoms": len(ids),
        "lammps_self_divergence": self_divergence_no,
        "init": thermo_block(init_row),
        "run": thermo_block(final_row),
    }
    out = os.path.join(golden_dir, f"lj_cut_{name}.json")
    write_golden(out, header, forces0, atoms)
    print(f"wrote {out}: pe0 = {init_row['PotEng']!r} eV, press0 = {init_row['Press']!r} bar, "
          f"pe{nrun} = {final_row['PotEng']!r} eV")
print("LAMMPS self-divergence (newton on vs off):", json.dumps(self_divergence_no, indent=1))

# The Ar/Kr mixture in a tilted cell.
def read_data_file(path):
    """Box (lo, hi, tilt xy xz yz) and {id: [x, y, z]} of a LAMMPS data file, atom_style atomic."""
    lo, hi, tilt, positions = [None] * 3, [None] * 3, None, {}
    with open(path) as f:
        lines = f.read().splitlines()
    for k, line in enumerate(lines[1:], start=1):
        words = line.split()
        for d, axis in enumerate("xyz"):
            if words[2:] == [f"{axis}lo", f"{axis}hi"]:
                lo[d], hi[d] = float(words[0]), float(words[1])
        if words[3:] == ["xy", "xz", "yz"]:
            tilt = [float(w) for w in words[:3]]
        if words[:1] == ["Atoms"]:
            for row in lines[k + 2:]:
                if not row.strip():
                    break
                w = row.split()
                positions[int(w[0])] = [float(v) for v in w[2:5]]
            break
    assert None not in lo and None not in hi and tilt is not None, path
    return {"lo": lo, "hi": hi, "tilt": tilt}, positions

mix = case("mixture")
mix_off = case("mixture_newton_off")
init_row, final_row, forces0, atoms, command = mix
ids = sorted(forces0)
assert ids == list(range(1, len(ids) + 1)) and sorted(atoms) == ids
box, data_positions = read_data_file(mix_data)
# LAMMPS holds triclinic positions in Cartesian coordinates but maps them through fractional ones
# on read_data and at every re-neighbouring; the data file is written so that this leaves them
# unchanged, and both engines start from the same bits.
(_, _, lammps_positions), = read_dump(os.path.join(work, "mixture", "positions0.dump"))
moved = [i for i in ids if lammps_positions[i] != data_positions[i]]
assert not moved, f"LAMMPS moved {len(moved)} atoms on read_data (first: id {moved[0]})"
pairs = [{"types": [int(a), int(b)], "epsilon_eV": float(e), "sigma_A": float(s)}
         for a, b, e, s in mix_pairs]
header = {
    "description": f"lj/cut Ar/Kr mixture on tests/data/lj/lj_mixture_triclinic.data (restricted "
                   f"triclinic box, tilts xy xz yz = {' '.join(repr(t) for t in box['tilt'])}), "
                   f"every pair given explicitly, pair_modify shift no: LAMMPS step-0 "
                   f"energy/virial/pressure tensor/forces and the state after {nrun} NVE steps. "
                   f"LAMMPS's step-0 positions are the data file's, bit for bit. Regenerate with "
                   f"scripts/update_lj_goldens.sh only on purpose (docs/testing.md).",
    "generator": "scripts/update_lj_goldens.sh",
    "lammps_version": version,
    "date": today,
    "command": command,
    "lammps_input": "tests/data/lj/in.lj_mixture_triclinic.lmp",
    "data_file": os.path.basename(mix_data),
    "data_file_sha256": hashlib.sha256(open(mix_data, "rb").read()).hexdigest(),
    "units": "metal",
    "box": box,
    "parameters": {"pair_style": "lj/cut", "cutoff_A": rc, "pairs": pairs, "shift_energy": False,
                   "skin_A": skin, "dt_ps": mix_dt, "steps": nrun,
                   "neigh_modify": "every 1 delay 0 check yes", "newton": "on",
                   "nktv2p": NKTV2P},
    "natoms": len(ids),
    "lammps_self_divergence": self_divergence(mix, mix_off),
    "init": thermo_block(init_row, pressure_tensor=True),
    "run": thermo_block(final_row, pressure_tensor=True),
}
out = os.path.join(golden_dir, "lj_mixture_triclinic.json")
write_golden(out, header, forces0, atoms)
drift = final_row["TotEng"] - init_row["TotEng"]
print(f"wrote {out}: pe0 = {init_row['PotEng']!r} eV, press0 = {init_row['Press']!r} bar, "
      f"etotal{nrun} - etotal0 = {drift!r} eV ({drift / abs(init_row['PotEng']):.2e} |pe0|), "
      f"max |F0| = {header['lammps_self_divergence']['init_max_abs_force_eV_per_A']!r} eV/A")
print("LAMMPS self-divergence (newton on vs off):",
      json.dumps(header["lammps_self_divergence"], indent=1))
PY
