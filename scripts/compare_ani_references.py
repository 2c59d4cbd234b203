#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mdrun's ANI evaluator against TorchANI's float64 numbers, through `mdrun eval`.

Evaluates every structure of tests/data/ani/torchani_references.json (made by TorchANI:
scripts/make_ani_references.py) with `mdrun eval --model MODEL --atomic` and reports the largest
differences from the reference results of one model (`--results member_0` for a file holding
member 0, `--results ensemble` for a file holding all 8 members): energy relative to |E|, forces
in eV/A, virial and per-atom energies relative to their largest value. Exits 1 when any exceeds
--tolerance (default 1e-10), 0 otherwise. Standard library only.

    scripts/compare_ani_references.py --model models/ani2x_member0.h5 --results member_0
    /usr/bin/python3 scripts/ani2h5.py ../shared/data/ani-2x /tmp/ani2x_ensemble.h5
    scripts/compare_ani_references.py --model /tmp/ani2x_ensemble.h5 --results ensemble
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="ANI model (HDF5, scripts/ani2h5.py)")
    parser.add_argument("--results", choices=["member_0", "ensemble"], default="member_0")
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build", "apps", "mdrun", "mdrun"))
    parser.add_argument("--references",
                        default=os.path.join(ROOT, "tests", "data", "ani", "torchani_references.json"))
    parser.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()
    with open(args.references, encoding="utf-8") as f:
        structures = json.load(f)["structures"]

    worst = {"energy": 0.0, "force": 0.0, "virial": 0.0, "atomic": 0.0}
    with tempfile.TemporaryDirectory() as work:
        for s in structures:
            type_map = list(dict.fromkeys(s["elements"]))
            data = os.path.join(work, "structure.lmp")
            out = os.path.join(work, "eval.json")
            write_data(data, s, type_map)
            boundary = ["p"] * 3 if s["pbc"] else ["f"] * 3
            cmd = [args.mdrun, "eval", "--model", args.model, "--structure", data,
                   "--type-map", ",".join(type_map), "--boundary", *boundary, "--atomic",
                   "--json", out]
            run = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                sys.stderr.write(run.stdout + run.stderr)
                raise SystemExit("%s: mdrun eval failed (exit %d)" % (s["name"], run.returncode))
            with open(out, encoding="utf-8") as f:
                got = json.load(f)
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
            for key, value in diff.items():
                worst[key] = max(worst[key], value)
            print("%-30s %4d atoms  dE/|E| %.1e  max|dF| %.1e eV/A  dW %.1e  de_i %.1e"
                  % (s["name"], len(s["elements"]), diff["energy"], diff["force"],
                     diff["virial"], diff["atomic"]))
    overall = max(worst.values())
    print("largest: energy %.1e (relative), force %.1e eV/A, virial %.1e, per-atom energy %.1e "
          "(relative); tolerance %.0e: %s" % (worst["energy"], worst["force"], worst["virial"],
                                              worst["atomic"], args.tolerance,
                                              "OK" if overall <= args.tolerance else "FAIL"))
    return 0 if overall <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
