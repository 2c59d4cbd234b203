#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Triclinic reference energies, forces and virials of the deeppot_sea fixture, by DeePMD-kit itself.

Evaluates shared/data/deepmd/deeppot_sea.dp (se_e2_a, type_map [O, H], rcut 6 Å, float64) with
DeePMD-kit's PyTorch backend (`deepmd.infer.DeepPot` on the model converted with
`dp convert-backend`) in two strongly tilted, restricted-triclinic (LAMMPS convention) periodic
cells, a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz):

  fixture_tilted: DeePMD-kit's 6-atom test configuration (O H H O H H), with atoms 1 and 2 taken
                  at their image x - 13 Å of the fixture's 13 Å cube so that both molecules are
                  whole (and 3.6 Å apart, as in the cube), in a 10 x 9 x 8 Å cell tilted
                  xy = +4.5, xz = -4, yz = +3.5 (90, 80 and 78 % of LAMMPS's limits). Its shortest
                  lattice vector (9.6 Å) is below 2 rcut, so atoms see two periodic images of the
                  same neighbour within rcut; every perpendicular width (>= 7.5 Å) exceeds
                  rcut + 1 Å, so one shell of ghost images suffices, and no atom sees itself.
  water_tilted:   the 192-atom box of shared/data/water-example/lmp/water.lmp, its fractional
                  coordinates mapped into the cell L = 12.4447 Å, xy = +4, xz = -3, yz = +2.5, then
                  every coordinate moved by a uniform random amount in [-0.05, 0.05] Å (seed 2026).

Coordinates are wrapped into the cell by adding whole lattice vectors, so every atom lies strictly
inside (fractional coordinates in [1e-9, 1 - 1e-9]) and a reader needs no wrapping.

Writes:
  tests/data/models/triclinic_references.json  box, DeePMD cell, coordinates (as passed to
      DeePMD-kit), energy, atomic energies, forces, virial and atomic virials (DeePMD-kit's
      layout: 9 per atom, row-major, summing to the virial), Python repr floats (round-trip);
  tests/data/structures/{fixture_tilted,water_tilted}.data  the same atoms and box as LAMMPS
      data files (atom_style atomic, units metal, type 1 = O, 2 = H).

Before writing, it checks (and stops on failure):
  * the install: case 1 of shared/data/deepmd/deeppot_sea-testcase.yaml (13 Å cubic box) is
    reproduced to 1e-10 (energy, atomic energies, forces, atomic virials);
  * the cell convention: fixture_tilted in equivalent descriptions of the same periodic system
    (another basis of the same lattice; all atoms rigidly shifted and moved by whole lattice
    vectors; a 2x1x1 supercell; everything rotated) gives the same energy to 1e-10, the same
    forces and virial (rotated where rotated) to 1e-10;
  * that no atom has more neighbours of a type within rcut than the model's sel (so DeePMD-kit
    drops none and the reference does not depend on the neighbour order);
  * the virial convention, by central finite differences (h = 1e-5) of the energy under a
    homogeneous strain x -> (I + eps) x applied to atoms and cell: W[3a+b] = -dE/d eps_ab for all
    nine components, within FD_TOL (eV).

Needs DeePMD-kit 3.2.0 with its PyTorch backend. Its PyPI wheel's PyTorch op library is built for
torch 2.11 and, from a wheel, needs the `mpich` and `e3nn` packages (its `[torch]` extra), so:
  python3 -m venv /opt/dp-venv
  /opt/dp-venv/bin/pip install torch==2.11.0 deepmd-kit==3.2.0 mpich==5.0.2 e3nn==0.6.0 pyyaml
  /opt/dp-venv/bin/python tests/data/models/make_triclinic_references.py
The shared folder is $MD_SHARED_DIR, else ../shared beside the repository. Runs on the CPU.
"""

import datetime
import json
import os
import sys
import tempfile

# CPU only, one thread: the results then do not depend on the machine's GPU or thread count.
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
for _var in ("OMP_NUM_THREADS", "DP_INTRA_OP_PARALLELISM_THREADS", "DP_INTER_OP_PARALLELISM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import yaml  # noqa: E402

import deepmd  # noqa: E402
import torch  # noqa: E402
from deepmd.dpmodel.utils.serialization import load_dp_model  # noqa: E402
from deepmd.entrypoints.convert_backend import convert_backend  # noqa: E402
from deepmd.infer import DeepPot  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.environ.get("MD_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
MODEL = "data/deepmd/deeppot_sea.dp"  # relative to SHARED
TESTCASE = "data/deepmd/deeppot_sea-testcase.yaml"
WATER = "data/water-example/lmp/water.lmp"
OUT_JSON = os.path.join(HERE, "triclinic_references.json")
STRUCTURES = os.path.join(ROOT, "tests", "data", "structures")
MASSES = {"O": 15.9994, "H": 1.00794}
LAMMPS_TYPE = {"O": 1, "H": 2}

TOL = 1e-10  # DeePMD-kit's own double-precision tolerance
FD_STEP = 1e-5  # strain step of the central differences
FD_TOL = 1e-6  # eV; round-off of E(+h) - E(-h) is ~ 1e-16 |E| / h ~ 1e-8 (6 atoms) .. 1e-6 (192)
INSIDE_MARGIN = 1e-9  # fractional distance every atom keeps from the cell faces

FIXTURE_COORD = [12.83, 2.56, 2.18, 12.09, 2.87, 2.74, 0.25, 3.32, 1.68, 3.36, 3.00, 1.81,
                 3.51, 2.51, 2.60, 4.27, 3.22, 1.56]
FIXTURE_ELEMENTS = ["O", "H", "H", "O", "H", "H"]
FIXTURE_WHOLE = [0, 1]  # atoms moved by -13 Å in x (a lattice vector of the fixture's cube)
FIXTURE_BOX = {"lo": [0.0, 0.0, 0.0], "length": [10.0, 9.0, 8.0], "tilt": [4.5, -4.0, 3.5]}
WATER_TILT = [4.0, -3.0, 2.5]
WATER_SEED = 2026
WATER_JITTER = 0.05

VIRIAL_CONVENTION = (
    "DeePMD-kit's virial W (eV), 9 numbers row-major W[3a+b], equals minus the derivative of the "
    "energy with respect to a homogeneous strain x -> (I + eps) x of atoms and cell: "
    "W_ab = -dE/d eps_ab = sum_i x_ia F_ib over the periodic system (symmetric here, as the model "
    "is rotation invariant), i.e. W = sum of r (x) F, and the stress is sigma = -W / V "
    "(pressure P = tr W / (3 V) + kinetic part, positive W diagonal = outward push). The atomic "
    "virials (9 per atom, same layout) sum to W. Checked by central differences, h = 1e-5, "
    "all nine components, |W + dE/deps| <= 1e-6 eV.")


def cell_rows(length, tilt):
    lx, ly, lz = length
    xy, xz, yz = tilt
    return np.array([[lx, 0.0, 0.0], [xy, ly, 0.0], [xz, yz, lz]])


def fractional(coord, cell, lo):
    return (coord - np.asarray(lo)) @ np.linalg.inv(cell)


def wrap_into_cell(coord, cell, lo):
    """Moves each atom by whole lattice vectors until it lies strictly inside the cell."""
    coord = np.array(coord, dtype=np.float64)
    for _ in range(10):
        frac = fractional(coord, cell, lo)
        shift = -np.floor(frac)
        if not shift.any():
            break
        coord = coord + shift @ cell
    frac = fractional(coord, cell, lo)
    assert frac.min() >= INSIDE_MARGIN and frac.max() <= 1.0 - INSIDE_MARGIN, \
        f"an atom lies within {INSIDE_MARGIN} (fractional) of a cell face: {frac.min()}, {frac.max()}"
    return coord


def perpendicular_widths(cell):
    volume = abs(np.linalg.det(cell))
    return [float(volume / np.linalg.norm(np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3])))
            for k in range(3)]


def neighbour_census(coord, cell, atype, ntypes, rcut):
    """Largest count of neighbours of each type within rcut (periodic images included), the most
    images of one atom within rcut of another, and how many atoms see their own image."""
    widths = perpendicular_widths(cell)
    reach = [int(np.ceil(rcut / w)) + 1 for w in widths]
    shifts = np.array([[i, j, k] for i in range(-reach[0], reach[0] + 1)
                       for j in range(-reach[1], reach[1] + 1)
                       for k in range(-reach[2], reach[2] + 1)], dtype=np.float64) @ cell
    n = len(coord)
    counts = np.zeros((n, ntypes), dtype=int)
    most_images = 0
    self_image = 0
    for i in range(n):
        d = coord[None, :, :] + shifts[:, None, :] - coord[i]  # [shift, j, 3]
        within = np.linalg.norm(d, axis=2) < rcut
        within[np.all(shifts == 0.0, axis=1), i] = False
        for t in range(ntypes):
            counts[i, t] = int(within[:, atype == t].sum())
        most_images = max(most_images, int(within.sum(axis=0).max()))
        self_image += int(within[:, i].any())
    return counts.max(axis=0).tolist(), most_images, self_image


def evaluate(dp, coord, cell, atype):
    e, f, v, ae, av = dp.eval(np.asarray(coord).reshape(1, -1, 3), np.asarray(cell).reshape(1, 9),
                              atype, atomic=True)
    n = len(atype)
    return {"energy": float(e.reshape(())), "atom_energy": ae.reshape(n),
            "force": f.reshape(n, 3), "virial": v.reshape(9), "atom_virial": av.reshape(n, 9)}


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def check_install(dp, type_map):
    """Case 1 of DeePMD-kit's own test case (13 Å cube) must come out as in the fixture."""
    with open(os.path.join(SHARED, TESTCASE), encoding="utf-8") as f:
        block = yaml.safe_load(f)["results"][0]
    assert block["box"] == [13.0, 0.0, 0.0, 0.0, 13.0, 0.0, 0.0, 0.0, 13.0]
    assert type_map == ["O", "H"]
    r = evaluate(dp, np.array(block["coord"], dtype=np.float64), np.array(block["box"]),
                 np.array(block["atype"]))
    ref_ae = np.array(block["atomic_energy"])
    result = {"energy": r["energy"], "reference_energy": float(ref_ae.sum()),
              "energy_diff": abs(r["energy"] - float(ref_ae.sum())),
              "atom_energy_max_diff": max_diff(r["atom_energy"], ref_ae),
              "force_max_diff": max_diff(r["force"].ravel(), block["force"]),
              "atom_virial_max_diff": max_diff(r["atom_virial"].ravel(), block["atomic_virial"])}
    for key in ("energy_diff", "atom_energy_max_diff", "force_max_diff", "atom_virial_max_diff"):
        assert result[key] <= TOL, f"fixture case 1 not reproduced: {key} = {result[key]}"
    return result


def strain_derivative(dp, coord, cell, atype, a, b):
    """dE/d eps_ab by central differences, x -> (I + eps) x for atoms and cell rows."""
    def energy(h):
        deform = np.eye(3)
        deform[a, b] += h
        return evaluate(dp, coord @ deform.T, cell @ deform.T, atype)["energy"]
    return (energy(FD_STEP) - energy(-FD_STEP)) / (2.0 * FD_STEP)


def check_virial(dp, coord, cell, atype, virial):
    derivative = np.array([[strain_derivative(dp, coord, cell, atype, a, b) for b in range(3)]
                           for a in range(3)])
    w = np.asarray(virial).reshape(3, 3)
    minus = float(np.max(np.abs(w + derivative)))  # W = -dE/deps
    plus = float(np.max(np.abs(w - derivative)))   # W = +dE/deps (wrong sign)
    transposed = float(np.max(np.abs(w.T + derivative)))
    assert minus <= FD_TOL, f"virial is not -dE/deps: max |W + dE/deps| = {minus}"
    return {"step": FD_STEP, "tolerance": FD_TOL,
            "dE_deps_xy": float(derivative[0, 1]), "virial_xy": float(w[0, 1]),
            "max_abs_W_plus_dE_deps": minus, "max_abs_W_minus_dE_deps": plus,
            "max_abs_WT_plus_dE_deps": transposed,
            "max_abs_W_minus_WT": float(np.max(np.abs(w - w.T)))}


def check_equivalent_cells(dp, coord, cell, atype, ref):
    """The same periodic system described differently must give the same results."""
    n = len(atype)
    out = {}

    def compare(name, r, force=None, virial=None, energy_scale=1.0):
        force = ref["force"] if force is None else force
        virial = ref["virial"] if virial is None else virial
        out[name] = {"energy_diff": abs(r["energy"] - energy_scale * ref["energy"]),
                     "force_max_diff": max_diff(r["force"], force),
                     "virial_max_diff": max_diff(r["virial"], energy_scale * np.asarray(virial))}
        for key, value in out[name].items():
            assert value <= TOL * max(1.0, energy_scale), f"{name}: {key} = {value}"

    # Another basis of the same lattice (unimodular change, det = +1): a, a+b, -a+b+c.
    basis = np.array([[1, 0, 0], [1, 1, 0], [-1, 1, 1]], dtype=np.float64)
    assert round(np.linalg.det(basis)) == 1
    compare("other_lattice_basis", evaluate(dp, coord, basis @ cell, atype))

    # A rigid shift of all atoms, each also moved by whole lattice vectors (unwrapped input).
    rng = np.random.default_rng(7)
    moves = rng.integers(-2, 3, size=(n, 3)).astype(np.float64) @ cell
    compare("shifted_and_unwrapped",
            evaluate(dp, coord + np.array([0.37, -1.21, 2.03]) + moves, cell, atype))

    # The 2x1x1 supercell: twice the energy and the virial, the same force on each atom.
    super_cell = cell.copy()
    super_cell[0] *= 2.0
    compare("supercell_2x1x1",
            evaluate(dp, np.vstack([coord, coord + cell[0]]), super_cell,
                     np.concatenate([atype, atype])),
            force=np.vstack([ref["force"], ref["force"]]), energy_scale=2.0)

    # Everything rotated (a general, not restricted, triclinic cell): F -> R F, W -> R W R^T.
    angle = 0.7
    axis = np.array([1.0, 2.0, 2.0]) / 3.0
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rot = np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)
    r = evaluate(dp, coord @ rot.T, cell @ rot.T, atype)
    w = ref["virial"].reshape(3, 3)
    compare("rotated", r, force=ref["force"] @ rot.T, virial=(rot @ w @ rot.T).reshape(9))
    return out


def read_water():
    with open(os.path.join(SHARED, WATER), encoding="utf-8") as f:
        lines = f.read().splitlines()
    lo, hi = [], []
    for axis in ("x", "y", "z"):
        line = next(l for l in lines if l.split()[-2:] == [f"{axis}lo", f"{axis}hi"])
        lo.append(float(line.split()[0]))
        hi.append(float(line.split()[1]))
    tilt_line = next(l for l in lines if l.split()[-3:] == ["xy", "xz", "yz"])
    assert [float(x) for x in tilt_line.split()[:3]] == [0.0, 0.0, 0.0]
    start = next(i for i, l in enumerate(lines) if l.startswith("Atoms"))
    atoms = [l.split() for l in lines[start + 1:] if l.strip()]
    atoms.sort(key=lambda a: int(a[0]))
    coord = np.array([[float(x) for x in a[2:5]] for a in atoms])
    elements = ["O" if a[1] == "1" else "H" for a in atoms]
    assert set(a[1] for a in atoms) == {"1", "2"}
    return coord, elements, np.array(lo), np.array(hi)


def make_configs():
    configs = {}
    box = FIXTURE_BOX
    cell = cell_rows(box["length"], box["tilt"])
    coord = np.array(FIXTURE_COORD).reshape(-1, 3)
    coord[FIXTURE_WHOLE, 0] -= 13.0
    coord = wrap_into_cell(coord, cell, box["lo"])
    configs["fixture_tilted"] = {
        "description": "DeePMD-kit's 6-atom test configuration (deeppot_sea-testcase.yaml), atoms "
                       "1 and 2 taken at x - 13 Å (their image in the fixture's 13 Å cube, so both "
                       "molecules are whole), wrapped into a 10 x 9 x 8 Å cell tilted xy = +4.5, "
                       "xz = -4, yz = +3.5 Å: shortest lattice vector 9.6 Å < 2 rcut, so atoms see "
                       "two periodic images of the same neighbour; perpendicular widths >= 7.5 Å "
                       "> rcut + 1 Å",
        "lo": list(box["lo"]), "length": list(box["length"]), "tilt": list(box["tilt"]),
        "cell": cell, "coord": coord, "elements": list(FIXTURE_ELEMENTS)}

    water, elements, lo, hi = read_water()
    length = hi - lo
    assert np.allclose(length, length[0]), "the water box is expected to be cubic"
    cell = cell_rows(length.tolist(), WATER_TILT)
    frac = (water - lo) / length
    coord = lo + frac @ cell
    coord = coord + np.random.default_rng(WATER_SEED).uniform(-WATER_JITTER, WATER_JITTER,
                                                              size=coord.shape)
    coord = wrap_into_cell(coord, cell, lo)
    configs["water_tilted"] = {
        "description": "the 192-atom box of shared/data/water-example/lmp/water.lmp, its "
                       "fractional coordinates mapped into a cell L = 12.4447 Å tilted "
                       "xy = +4, xz = -3, yz = +2.5 Å, every coordinate then moved by a uniform "
                       "random amount in [-0.05, 0.05] Å (numpy default_rng(2026)), wrapped into "
                       "the cell by whole lattice vectors",
        "lo": lo.tolist(), "length": length.tolist(), "tilt": list(WATER_TILT),
        "cell": cell, "coord": coord, "elements": elements}
    return configs


def write_lammps_data(path, name, spec):
    lo, length, tilt = spec["lo"], spec["length"], spec["tilt"]
    hi = [lo[k] + length[k] for k in range(3)]
    lines = [f"{name}: {spec['elements'].count('O')} O + {spec['elements'].count('H')} H in a "
             f"tilted cell; written by tests/data/models/make_triclinic_references.py",
             "",
             f"{len(spec['elements'])} atoms",
             "2 atom types",
             "",
             f"{lo[0]!r} {hi[0]!r} xlo xhi",
             f"{lo[1]!r} {hi[1]!r} ylo yhi",
             f"{lo[2]!r} {hi[2]!r} zlo zhi",
             f"{tilt[0]!r} {tilt[1]!r} {tilt[2]!r} xy xz yz",
             "",
             "Masses",
             "",
             f"1 {MASSES['O']!r} # O",
             f"2 {MASSES['H']!r} # H",
             "",
             "Atoms # atomic",
             ""]
    for i, (element, x) in enumerate(zip(spec["elements"], spec["coord"])):
        lines.append(f"{i + 1} {LAMMPS_TYPE[element]} {float(x[0])!r} {float(x[1])!r} "
                     f"{float(x[2])!r}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def to_plain(value):
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    return value


def dumps(value, indent=0):
    """JSON with one line per list of numbers (floats in repr, so they round-trip)."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 2).lstrip()}'
                 for k, v in value.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = [dumps(v, indent + 2) for v in value]
        return pad + "[\n" + ",\n".join(rows) + "\n" + pad + "]"
    return pad + json.dumps(value, ensure_ascii=False)


def main():
    model_path = os.path.join(SHARED, MODEL)
    type_map = load_dp_model(model_path)["model"]["type_map"]
    sel = load_dp_model(model_path)["model"]["descriptor"]["sel"]
    with tempfile.TemporaryDirectory() as tmp:
        pth = os.path.join(tmp, "deeppot_sea.pth")
        convert_backend(INPUT=model_path, OUTPUT=pth)
        dp = DeepPot(pth)
    rcut = dp.get_rcut()
    assert dp.get_type_map() == type_map

    checks = {"fixture_case1_13A_cube": check_install(dp, type_map)}
    configs = make_configs()
    out_configs = {}
    for name, spec in configs.items():
        atype = np.array([type_map.index(e) for e in spec["elements"]])
        coord, cell = spec["coord"], spec["cell"]
        census, most_images, self_image = neighbour_census(coord, cell, atype, len(type_map),
                                                           rcut)
        assert all(c <= s for c, s in zip(census, sel)), f"{name}: neighbours {census} > sel {sel}"
        r = evaluate(dp, coord, cell, atype)
        assert abs(r["energy"] - float(np.sum(r["atom_energy"]))) <= TOL
        assert max_diff(r["virial"], r["atom_virial"].sum(axis=0)) <= TOL
        if name == "fixture_tilted":
            assert most_images > 1 and max(perpendicular_widths(cell)) < 2 * rcut
            checks["fixture_tilted_equivalent_cells"] = check_equivalent_cells(
                dp, coord, cell, atype, r)
        checks[f"{name}_virial_finite_difference"] = check_virial(dp, coord, cell, atype,
                                                                  r["virial"])
        lo = spec["lo"]
        data_file = os.path.join(STRUCTURES, f"{name}.data")
        write_lammps_data(data_file, name, spec)
        out_configs[name] = {
            "description": spec["description"],
            "data_file": os.path.relpath(data_file, ROOT),
            "box": {"lo": lo, "hi": [lo[k] + spec["length"][k] for k in range(3)],
                    "tilt": spec["tilt"]},
            "cell_rows": cell,
            "perpendicular_widths": perpendicular_widths(cell),
            "max_neighbours_per_type_within_rcut": census,
            "most_images_of_one_atom_within_rcut_of_another": most_images,
            "atoms_seeing_own_image_within_rcut": self_image,
            "elements": spec["elements"],
            "coord": coord,
            "energy": r["energy"],
            "atom_energy": r["atom_energy"],
            "force": r["force"],
            "virial": r["virial"],
            "atom_virial": r["atom_virial"],
        }
        print(f"{name}: {len(atype)} atoms, E = {r['energy']!r} eV, "
              f"max neighbours {census} (sel {sel}), up to {most_images} images of one atom "
              f"within rcut, {self_image} atoms see their own image")

    refs = {
        "generator": "tests/data/models/make_triclinic_references.py",
        "deepmd_kit_version": deepmd.__version__,
        "backend": f"DeePMD-kit PyTorch backend (torch {torch.__version__}, CPU), deepmd.infer."
                   "DeepPot on the model converted by dp convert-backend (.dp -> .pth)",
        "model": MODEL,
        "date": datetime.date.today().isoformat(),
        "type_map": type_map,
        "units": {"length": "Å", "energy": "eV", "force": "eV/Å", "virial": "eV"},
        "cell_convention": "cell_rows are the lattice vectors a, b, c as rows (DeePMD-kit's box, "
                           "row-major 9): a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz) with "
                           "l = hi - lo; coordinates are Cartesian, inside the cell anchored at lo",
        "virial_convention": VIRIAL_CONVENTION,
        "tolerance": "DeePMD-kit's double-precision test tolerance is |Δ| <= 1e-10",
        "checks": checks,
        "configs": out_configs,
    }
    with open(OUT_JSON, "w", encoding="utf-8") as f:
        f.write(dumps(to_plain(refs)) + "\n")
    print(json.dumps(to_plain(checks), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
