#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares a GPU run of an mdrun config with the CPU run of the same config (scripts/gpu/check.sh,
end-to-end stage): every thermo line, and the final positions and velocities by atom id.

    compare_runs.py REFERENCE_DIR RUN_DIR --precision double|mixed [--json OUT.json]

Each directory holds `log.txt` (mdrun's stdout: the thermo table) and `final.data` (the final
LAMMPS data file, written with round-trip precision). Exit status 0 when every quantity is within
its tolerance, 1 otherwise, 2 when a file is missing or unreadable. Standard library only.

Tolerances (first estimates, to be calibrated on the first GPU runs; docs/cuda.md):
  double: the GPU evaluates the same arithmetic as the CPU except the order of the force
    atomics, and 200 steps of water amplify last-bit differences by a few orders of magnitude at
    most: thermo energies within 1e-9 of |PotEng| (the energy scale), Temp within 1e-9 x 300 K,
    Press within 1e-9 x 1e5 bar, Volume exactly; positions within 1e-7 A, velocities within
    1e-7 A/ps.
  mixed: float networks give forces within ~1e-5 of their scale, unbiased: PotEng within 1e-5
    relative, KinEng/TotEng within 1e-5 of |PotEng|, Temp within 0.5 K, Press within 500 bar
    (the pressure of 1,536 water atoms fluctuates by thousands of bar), Volume exactly; positions
    within 5e-3 A and velocities within 0.1 A/ps after 200 steps (a wrong kernel, list or halo
    misses these by orders of magnitude).
"""
import argparse
import json
import math
import os
import sys

TOLERANCES = {
    "double": {"energy_rel_pe": 1e-9, "pe_rel": 1e-9, "temp_K": 1e-9 * 300.0,
               "press_bar": 1e-9 * 1e5, "position_A": 1e-7, "velocity_A_ps": 1e-7},
    "mixed": {"energy_rel_pe": 1e-5, "pe_rel": 1e-5, "temp_K": 0.5, "press_bar": 500.0,
              "position_A": 5e-3, "velocity_A_ps": 0.1},
}


def thermo_table(path):
    """The thermo rows of an mdrun log: {step: {column: value}}."""
    rows, header = {}, None
    with open(path) as f:
        for line in f:
            words = line.split()
            if words and words[0] == "Step":
                header = words
                continue
            if header is None:
                continue
            if line.startswith("Loop time") or len(words) != len(header):
                if rows:
                    break
                continue
            try:
                values = [float(w) for w in words]
            except ValueError:
                continue
            rows[int(values[0])] = dict(zip(header, values))
    return rows


def final_atoms(path):
    """Unwrapped positions and velocities by id from a LAMMPS data file written by mdrun."""
    lo, length, atoms, velocities = [0.0] * 3, [0.0] * 3, {}, {}
    section = None
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        words = line.split("#")[0].split()
        if not words:
            continue
        for d, (a, b) in enumerate((("xlo", "xhi"), ("ylo", "yhi"), ("zlo", "zhi"))):
            if len(words) == 4 and words[2:] == [a, b]:
                lo[d], length[d] = float(words[0]), float(words[1]) - float(words[0])
        if words[0] in ("Atoms", "Velocities", "Masses") or words[:3] == ["Atom", "Type", "Labels"]:
            section = words[0]
            continue
        if section == "Atoms" and len(words) >= 5:
            x = [float(w) for w in words[2:5]]
            image = [int(w) for w in words[5:8]] if len(words) >= 8 else [0, 0, 0]
            atoms[int(words[0])] = [x[d] + image[d] * length[d] for d in range(3)]
        elif section == "Velocities" and len(words) == 4:
            velocities[int(words[0])] = [float(w) for w in words[1:4]]
    return atoms, velocities


def largest_difference(a, b):
    if set(a) != set(b):
        return math.inf
    return max((abs(x - y) for i in a for x, y in zip(a[i], b[i])), default=0.0)


def compare(reference_dir, run_dir, precision):
    tol = TOLERANCES[precision]
    ref = thermo_table(os.path.join(reference_dir, "log.txt"))
    got = thermo_table(os.path.join(run_dir, "log.txt"))
    checks = []

    def check(name, difference, bound):
        checks.append({"quantity": name, "difference": difference, "bound": bound,
                       "ok": difference <= bound})

    if not ref or set(ref) != set(got):
        checks.append({"quantity": "thermo steps", "ok": False,
                       "reference_steps": len(ref), "run_steps": len(got)})
    else:
        pe_scale = max(abs(r.get("PotEng", 0.0)) for r in ref.values())
        worst = {}
        for step, r in ref.items():
            g = got[step]
            for column, value in r.items():
                if column not in g:
                    continue
                d = abs(g[column] - value)
                worst[column] = max(worst.get(column, 0.0), d)
        for column, d in sorted(worst.items()):
            if column in ("Step", "Time"):
                bound = 0.0
            elif column == "PotEng":
                bound = tol["pe_rel"] * pe_scale
            elif column in ("KinEng", "TotEng"):
                bound = tol["energy_rel_pe"] * pe_scale
            elif column == "Temp":
                bound = tol["temp_K"]
            elif column.startswith("P"):
                bound = tol["press_bar"]
            elif column in ("Volume", "Lx", "Ly", "Lz", "Atoms", "Density"):
                bound = 0.0
            else:
                bound = tol["energy_rel_pe"] * pe_scale
            check("thermo " + column, d, bound)
    x_ref, v_ref = final_atoms(os.path.join(reference_dir, "final.data"))
    x_got, v_got = final_atoms(os.path.join(run_dir, "final.data"))
    if not x_ref:
        raise OSError("no atoms in " + os.path.join(reference_dir, "final.data"))
    check("final positions (A)", largest_difference(x_got, x_ref), tol["position_A"])
    check("final velocities (A/ps)", largest_difference(v_got, v_ref), tol["velocity_A_ps"])
    return {"precision": precision, "atoms": len(x_ref), "thermo_rows": len(ref),
            "ok": all(c["ok"] for c in checks), "checks": checks}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference_dir")
    parser.add_argument("run_dir")
    parser.add_argument("--precision", choices=sorted(TOLERANCES), required=True)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()
    try:
        result = compare(args.reference_dir, args.run_dir, args.precision)
    except (OSError, ValueError) as e:
        print("compare_runs: " + str(e), file=sys.stderr)
        return 2
    text = json.dumps(result, indent=1, default=str)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    for c in result["checks"]:
        if "difference" in c:
            print("%-28s %-4s |diff| %.3e  bound %.3e" % (c["quantity"], "ok" if c["ok"] else "FAIL",
                                                        c["difference"], c["bound"]))
        else:
            print("%-28s FAIL %s" % (c["quantity"], c))
    print("end-to-end %s: %s" % (args.precision, "PASS" if result["ok"] else "FAIL"))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
