#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the LAMMPS goldens for lj/cut (tests/data/lj/golden/lj_cut_shift_{no,yes}.json).
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

command -v "$LMP" > /dev/null || { echo "error: LAMMPS binary '$LMP' not found" >&2; exit 1; }
[[ -f $DATA ]] || { echo "error: $DATA missing (scripts/make_lj_liquid.py writes it)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1
VERSION=$("$LMP" -h | sed -n '1,4p' | grep -m1 -E 'Large-scale|LAMMPS' | sed 's/^ *//')

run_case() {  # name shift newton
  local dir=$WORK/$1
  mkdir -p "$dir"
  local cmd=("$LMP" -in "$INPUT" -log "$dir/log.lammps" -screen none
             -var data "$DATA" -var out "$dir" -var shift "$2" -var newton "$3"
             -var rc $RC -var eps $EPS -var sig $SIG -var skin $SKIN -var dt $DT -var nrun $NRUN)
  (cd "$dir" && "${cmd[@]}")
  # The command as recorded in the golden: paths relative to the repository root.
  local shown="${cmd[*]}"
  shown=${shown//$ROOT\//}
  shown=${shown//$WORK\/$1/<tmp>}
  echo "$shown" > "$dir/command.txt"
}

run_case shift_no no on
run_case shift_yes yes on
run_case shift_no_newton_off no off

mkdir -p "$GOLDEN_DIR"
"$PYTHON" - "$WORK" "$GOLDEN_DIR" "$DATA" "$INPUT" "$VERSION" \
    "$RC" "$EPS" "$SIG" "$SKIN" "$DT" "$NRUN" <<'PY'
import datetime, hashlib, json, os, sys

work, golden_dir, data, input_file, version = sys.argv[1:6]
rc, eps, sig, skin, dt = (float(v) for v in sys.argv[6:11])
nrun = int(sys.argv[11])
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

def thermo_block(row):
    volume = row["Volume"]
    virial_bar = [row[f"c_virial[{k}]"] for k in range(1, 7)]
    return {
        "step": int(row["Step"]),
        "pe": row["PotEng"], "ke": row["KinEng"], "etotal": row["TotEng"],
        "temp": row["Temp"], "press": row["Press"], "vol": volume,
        # Pair virial W_ab = sum over pairs r_a F_b (eV), order xx yy zz xy xz yz, as LAMMPS's
        # `compute pressure NULL virial` (bar) times V / nktv2p.
        "virial_bar": virial_bar,
        "virial_eV": [w * volume / NKTV2P for w in virial_bar],
    }

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

ref_no = case("shift_no")
off = case("shift_no_newton_off")
self_divergence = {
    "description": "LAMMPS newton on vs newton off (different force summation order), shift no: "
                   "the round-off floor of any comparison with LAMMPS",
    "init_max_abs_force_diff_eV_per_A": max_abs_diff(ref_no[2], off[2], range(3)),
    "init_max_abs_force_eV_per_A": max(abs(v) for f in ref_no[2].values() for v in f),
    "init_pe_diff_eV": off[0]["PotEng"] - ref_no[0]["PotEng"],
    "run_max_abs_position_diff_A": max_abs_diff(ref_no[3], off[3], range(3)),
    "run_max_abs_velocity_diff_A_per_ps": max_abs_diff(ref_no[3], off[3], range(3, 6)),
    "run_pe_diff_eV": off[1]["PotEng"] - ref_no[1]["PotEng"],
}

def fmt_rows(rows):
    return ",\n".join("    [" + ", ".join(repr(v) for v in row) + "]" for row in rows)

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
        "lammps_self_divergence": self_divergence,
        "init": thermo_block(init_row),
        "run": thermo_block(final_row),
    }
    text = json.dumps(header, indent=2)[:-2]  # reopen the object for the per-atom arrays
    text += ',\n  "init_forces_columns": ["id", "fx", "fy", "fz"],\n  "init_forces": [\n'
    text += fmt_rows([[i] + forces0[i] for i in ids])
    text += '\n  ],\n  "run_atoms_columns": ["id", "xu", "yu", "zu", "vx", "vy", "vz", "fx", "fy", "fz"],'
    text += '\n  "run_atoms": [\n'
    text += fmt_rows([[i] + atoms[i] for i in ids])
    text += "\n  ]\n}\n"
    json.loads(text)  # well-formed
    out = os.path.join(golden_dir, f"lj_cut_{name}.json")
    with open(out, "w") as f:
        f.write(text)
    print(f"wrote {out}: pe0 = {init_row['PotEng']!r} eV, press0 = {init_row['Press']!r} bar, "
          f"pe{nrun} = {final_row['PotEng']!r} eV")
print("LAMMPS self-divergence (newton on vs off):", json.dumps(self_divergence, indent=1))
PY
