#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mdrun's ANI evaluator against TorchANI's float64 numbers, through `mdrun eval`.

Evaluates every structure of tests/data/ani/torchani_references.json (made by TorchANI:
scripts/make_ani_references.py) with `mdrun eval --model MODEL --atomic` and reports the largest
differences from the reference results of one model (`--results member_0` for a file holding
member 0, `--results ensemble` for a file holding all 8 members): energy relative to |E|, forces
in eV/A, virial and per-atom energies relative to their largest value. Exits 1 when any exceeds
--tolerance (default 1e-10), 0 otherwise. Standard library only.

The file's `data_file_structures` (the solvated protein, 73,186 atoms) are evaluated from their
config, `mdrun eval --config configs/protein_ani.yaml --set potential.model=MODEL --atomic`,
after checking the sha256 of the data file it reads (configs/data/adk_water.lmp). Compared:
the energy, the virial, the per-element sums of the per-atom energies (relative to each sum;
the elements from the data file's types) and the forces and per-atom energies of the stored
subset of atom ids. `--part small` or `--part protein` compares only one kind (the protein
takes ~5 s per member on one core).

    scripts/compare_ani_references.py --model models/ani2x_member0.h5 --results member_0
    /usr/bin/python3 scripts/ani2h5.py ../shared/data/ani-2x /tmp/ani2x_ensemble.h5
    scripts/compare_ani_references.py --model /tmp/ani2x_ensemble.h5 --results ensemble
"""

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPEN_BOX = 60.0  # A, half-width of the box given to molecules (non-periodic: only must hold them)


def write_data(path, structure, type_map):
    elements, positions = structure["elements"], structure["positions"]
    if structure["pbc"]:
        cell = structure["cell"]
        if any(abs(cell[a][b]) > 0 for a in range(3) for b in range(3) if a != b):
            raise SystemExit("%s: only orthorhombic cells are supported" % structure["name"])
        bounds = [(0.0, cell[d][d]) for d in range(3)]
    else:
        bounds = [(-OPEN_BOX, OPEN_BOX)] * 3
    with open(path, "w", encoding="utf-8") as f:
        f.write("%s (tests/data/ani/torchani_references.json)\n\n" % structure["name"])
        f.write("%d atoms\n%d atom types\n\n" % (len(elements), len(type_map)))
        for (lo, hi), axis in zip(bounds, "xyz"):
            f.write("%.17g %.17g %slo %shi\n" % (lo, hi, axis, axis))
        f.write("\nAtoms # atomic\n\n")
        for i, (element, xyz) in enumerate(zip(elements, positions)):
            f.write("%d %d %.17g %.17g %.17g\n" % (i + 1, type_map.index(element) + 1, *xyz))


def largest(values):
    return max((abs(v) for v in values), default=0.0)


def flat(rows):
    return [x for row in rows for x in row]


def run_mdrun(cmd, name, out):
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        raise SystemExit("%s: mdrun eval failed (exit %d)" % (name, run.returncode))
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_file_types(path):
    """{id: type} of a LAMMPS data file's Atoms section."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Atoms"])
    types = {}
    for line in lines[start + 1:]:
        words = line.split("#")[0].split()
        if not words:
            if types:
                break
            continue
        types[int(words[0])] = int(words[1])
    return types


def compare_small(s, args, work):
    type_map = list(dict.fromkeys(s["elements"]))
    data = os.path.join(work, "structure.lmp")
    out = os.path.join(work, "eval.json")
    write_data(data, s, type_map)
    boundary = ["p"] * 3 if s["pbc"] else ["f"] * 3
    cmd = [args.mdrun, "eval", "--model", args.model, "--structure", data,
           "--type-map", ",".join(type_map), "--boundary", *boundary, "--atomic", "--json", out]
    got = run_mdrun(cmd, s["name"], out)
    ref = s["results"][args.results]
    order = sorted(range(len(got["ids"])), key=lambda k: got["ids"][k])
    forces = [got["forces"][k] for k in order]
    atomic = [got["atom_energies"][k] for k in order]
    diff = {
        "energy": abs(got["energy"] - ref["energy"]) / abs(ref["energy"]),
        "force": largest(a - b for a, b in zip(flat(forces), flat(ref["forces"]))),
        "virial": largest(a - b for a, b in zip(got["virial"], flat(ref["virial"])))
        / max(1.0, largest(flat(ref["virial"]))),
        "atomic": largest(a - b for a, b in zip(atomic, ref["atomic_energies"]))
        / largest(ref["atomic_energies"]),
    }
    print("%-30s %4d atoms  dE/|E| %.1e  max|dF| %.1e eV/A  dW %.1e  de_i %.1e"
          % (s["name"], len(s["elements"]), diff["energy"], diff["force"], diff["virial"],
             diff["atomic"]))
    return diff


def compare_data_file(s, args, work):
    """A structure given by its config and data file: mdrun reads the positions itself."""
    data = os.path.join(ROOT, s["data_file"])
    digest = sha256_of(data)
    if digest != s["data_file_sha256"]:
        raise SystemExit("%s: %s has sha256 %s, the references were made from %s"
                         % (s["name"], s["data_file"], digest, s["data_file_sha256"]))
    element_of = {i: s["type_map"][t - 1] for i, t in data_file_types(data).items()}
    out = os.path.join(work, "eval.json")
    cmd = [args.mdrun, "eval", "--config", os.path.join(ROOT, s["config"]),
           "--set", "potential.model=" + os.path.abspath(args.model), "--atomic", "--json", out]
    start = time.time()
    got = run_mdrun(cmd, s["name"], out)
    seconds = time.time() - start
    if sorted(got["ids"]) != sorted(element_of) or len(got["ids"]) != s["atoms"]:
        raise SystemExit("%s: mdrun evaluated other atoms than %s holds" % (s["name"], data))
    row = {i: k for k, i in enumerate(got["ids"])}
    ref = s["results"][args.results]
    ids = s["subset"]["ids"]
    forces = [got["forces"][row[i]] for i in ids]
    atomic = [got["atom_energies"][row[i]] for i in ids]
    sums = {}
    for i, e in zip(got["ids"], got["atom_energies"]):
        sums.setdefault(element_of[i], []).append(e)
    element_sum = max(abs(math.fsum(sums.get(el, [])) - value) / abs(value)
                      for el, value in ref["atomic_energy_sums"].items())
    worst_force = max(range(len(ids)), key=lambda k: largest(
        a - b for a, b in zip(forces[k], ref["forces"][k])))
    worst_atomic = max(range(len(ids)), key=lambda k: abs(atomic[k] - ref["atomic_energies"][k]))
    diff = {
        "energy": abs(got["energy"] - ref["energy"]) / abs(ref["energy"]),
        "force": largest(a - b for a, b in zip(flat(forces), flat(ref["forces"]))),
        "virial": largest(a - b for a, b in zip(got["virial"], flat(ref["virial"])))
        / max(1.0, largest(flat(ref["virial"]))),
        "atomic": largest(a - b for a, b in zip(atomic, ref["atomic_energies"]))
        / largest(ref["atomic_energies"]),
        "element_sums": element_sum,
    }
    print("%-30s %d atoms (%d compared)  dE/|E| %.1e  max|dF| %.1e eV/A (id %d)  dW %.1e  "
          "de_i %.1e (id %d: %.1e eV)  d(sum e_i by element) %.1e  [mdrun eval %.1f s]"
          % (s["name"], s["atoms"], len(ids), diff["energy"], diff["force"], ids[worst_force],
             diff["virial"], diff["atomic"], ids[worst_atomic],
             abs(atomic[worst_atomic] - ref["atomic_energies"][worst_atomic]),
             diff["element_sums"], seconds))
    return diff


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="ANI model (HDF5, scripts/ani2h5.py)")
    parser.add_argument("--results", choices=["member_0", "ensemble"], default="member_0")
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build", "apps", "mdrun", "mdrun"))
    parser.add_argument("--references",
                        default=os.path.join(ROOT, "tests", "data", "ani", "torchani_references.json"))
    parser.add_argument("--part", choices=["all", "small", "protein"], default="all",
                        help="small: the structures stored whole; protein: the "
                             "data_file_structures (default: all)")
    parser.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()
    with open(args.references, encoding="utf-8") as f:
        references = json.load(f)
    comparisons = []
    if args.part in ("all", "small"):
        comparisons += [(compare_small, s) for s in references["structures"]]
    if args.part in ("all", "protein"):
        comparisons += [(compare_data_file, s) for s in references.get("data_file_structures", [])]
    if not comparisons:
        raise SystemExit("no structures to compare in %s" % args.references)

    worst = {"energy": 0.0, "force": 0.0, "virial": 0.0, "atomic": 0.0}
    with tempfile.TemporaryDirectory() as work:
        for compare, s in comparisons:
            for key, value in compare(s, args, work).items():
                worst[key] = max(worst.get(key, 0.0), value)
    overall = max(worst.values())
    print("largest: energy %.1e (relative), force %.1e eV/A, virial %.1e, per-atom energy %.1e "
          "(relative)%s; tolerance %.0e: %s"
          % (worst["energy"], worst["force"], worst["virial"], worst["atomic"],
             ", per-element sums %.1e (relative)" % worst["element_sums"]
             if "element_sums" in worst else "", args.tolerance,
             "OK" if overall <= args.tolerance else "FAIL"))
    return 0 if overall <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
