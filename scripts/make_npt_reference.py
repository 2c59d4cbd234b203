#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The NPT reference of the barostat tests: LAMMPS's `fix npt` on the 108-atom LJ liquid and on
an ideal gas.

Runs Debian's LAMMPS (`lmp`) with tests/data/lj/in.npt_reference.lmp for several independent
seeds, discards each run's first 100 ps, and stores the mean volume, density, pressure and
enthalpy H = E_total + P0*V (eV; P0 the target, so that <H> is the ensemble's) with their
standard errors from block averages (10 blocks per run, the runs' block means pooled) in
tests/data/lj/npt_reference.json. Then tests/data/lj/in.npt_gas_reference.lmp: 64 atoms without
forces at 300 K and 100 bar, whose mean volume in units of kT/P0 says which isobaric ensemble
fix npt samples when the total momentum is conserved (N for p(V) ~ V^(N-1) exp(-P0 V/kT), N + 1
for V^N). Last, tests/data/lj/in.npt_mtk_trajectory.lmp: 200 steps of fix npt from the data
file's own velocities, thermo every 20 steps and the final positions, with iso and with aniso
coupling, which mdrun's MTK integrator must follow step by step. CI reads only the JSON; LAMMPS is needed to remake it.

    scripts/make_npt_reference.py [--lmp lmp] [--runs 4] [--steps 1000000]   # ~5 min
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "lj")
NKTV2P = 1.6021765e6  # bar per eV/A^3 (LAMMPS metal)
PRESSURE_BAR = 400.0
TEMPERATURE_K = 120.0
EQUILIBRATION_STEPS = 10000  # 100 ps at 10 fs
BLOCKS = 10


def thermo_rows(screen, columns):
    """The numeric thermo rows (`columns` values each) of a LAMMPS screen file."""
    rows, on = [], False
    with open(screen, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words[:1] == ["Step"]:
                on = True
                continue
            if on and words[:1] == ["Loop"]:
                on = False
            if on and len(words) == columns:
                try:
                    rows.append([float(w) for w in words])
                except ValueError:
                    pass
    return rows


def run_lammps(lmp, seed, steps, work):
    screen = os.path.join(work, "screen_%d.txt" % seed)
    subprocess.run([lmp, "-in", os.path.join(DATA, "in.npt_reference.lmp"),
                    "-var", "data", os.path.join(DATA, "lj_liquid_108.data"),
                    "-var", "seed", str(seed), "-var", "press", str(PRESSURE_BAR),
                    "-var", "nrun", str(steps), "-log", "none", "-screen", screen],
                   check=True, stdout=subprocess.DEVNULL)
    return [r for r in thermo_rows(screen, 6) if r[0] >= EQUILIBRATION_STEPS]


def ideal_gas(lmp, steps, work):
    """LAMMPS's <V>/(kT/P0) and <P> for 64 atoms without forces, with the standard error."""
    rng = random.Random(5)
    data = os.path.join(work, "gas.data")
    with open(data, "w", encoding="utf-8") as f:
        f.write("ideal gas\n\n64 atoms\n1 atom types\n\n")
        for axis in "xyz":
            f.write("0 30 %slo %shi\n" % (axis, axis))
        f.write("\nMasses\n\n1 39.948\n\nAtoms # atomic\n\n")
        for i in range(64):
            f.write("%d 1 %.6f %.6f %.6f\n" % (i + 1, rng.uniform(0, 30), rng.uniform(0, 30),
                                                rng.uniform(0, 30)))
    screen = os.path.join(work, "screen_gas.txt")
    subprocess.run([lmp, "-in", os.path.join(DATA, "in.npt_gas_reference.lmp"),
                    "-var", "data", data, "-var", "seed", "4321", "-var", "nrun", str(steps),
                    "-log", "none", "-screen", screen], check=True, stdout=subprocess.DEVNULL)
    rows = [r for r in thermo_rows(screen, 4) if r[0] >= EQUILIBRATION_STEPS]
    unit = 8.617343e-5 * 300.0 / (100.0 / NKTV2P)  # kT/P0, A^3 (LAMMPS metal constants)
    volumes = [r[3] / unit for r in rows]
    means = [statistics.mean(volumes[b * len(volumes) // 20:(b + 1) * len(volumes) // 20])
             for b in range(20)]
    return {"atoms": 64, "temperature_K": 300.0, "pressure_bar": 100.0, "steps": steps,
            "mean_volume_over_kT_per_P0": statistics.mean(volumes),
            "standard_error": statistics.stdev(means) / len(means) ** 0.5,
            "mean_pressure_bar": statistics.mean(r[2] for r in rows)}


def mtk_trajectory(lmp, work, coupling):
    """Thermo rows and final unwrapped positions (by id) of the 200-step fix npt trajectory."""
    screen = os.path.join(work, "screen_mtk.txt")
    dump = os.path.join(work, "mtk.dump")
    subprocess.run([lmp, "-in", os.path.join(DATA, "in.npt_mtk_trajectory.lmp"),
                    "-var", "data", os.path.join(DATA, "lj_liquid_108.data"), "-var", "dump", dump,
                    "-var", "coupling", coupling,
                    "-log", "none", "-screen", screen], check=True, stdout=subprocess.DEVNULL)
    rows = thermo_rows(screen, 6)
    with open(dump, encoding="utf-8") as f:
        lines = f.read().splitlines()
    # The last frame (LAMMPS writes the one of step 0 as well).
    last = len(lines) - 1 - lines[::-1].index("ITEM: ATOMS id xu yu zu")
    atoms = lines[last + 1:]
    positions = {int(l.split()[0]): [float(x) for x in l.split()[1:4]] for l in atoms}
    return {"columns": ["step", "pe", "ke", "press", "vol", "econserve"], "thermo": rows,
            "final_step": 200,
            "final_positions": [positions[i] for i in sorted(positions)]}


def block_means(values):
    n = len(values) // BLOCKS
    return [statistics.mean(values[b * n:(b + 1) * n]) for b in range(BLOCKS)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmp", default="lmp")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1000000)
    args = parser.parse_args()
    version = subprocess.run([args.lmp, "-h"], capture_output=True, text=True).stdout.splitlines()
    version = next((l.strip() for l in version if l.startswith("Large-scale")), "unknown")
    blocks = {"volume": [], "density": [], "enthalpy": [], "pressure": []}
    with tempfile.TemporaryDirectory() as work:
        for seed in range(1, args.runs + 1):
            rows = run_lammps(args.lmp, 4928 + seed, args.steps, work)
            volume = [r[3] for r in rows]
            blocks["volume"] += block_means(volume)
            blocks["density"] += block_means([r[4] for r in rows])
            blocks["pressure"] += block_means([r[2] for r in rows])
            blocks["enthalpy"] += block_means([r[5] + PRESSURE_BAR * v / NKTV2P
                                               for r, v in zip(rows, volume)])
    result = {
        "source": "LAMMPS (%s) fix npt iso, %s" % (version, "tests/data/lj/in.npt_reference.lmp"),
        "command": "scripts/make_npt_reference.py --runs %d --steps %d" % (args.runs, args.steps),
        "system": "tests/data/lj/lj_liquid_108.data, lj/cut 8.5125 A shifted, eps 0.0103 eV, "
                  "sigma 3.405 A, argon 39.948",
        "temperature_K": TEMPERATURE_K,
        "pressure_bar": PRESSURE_BAR,
        "equilibration_steps_discarded": EQUILIBRATION_STEPS,
        "runs": args.runs,
        "steps_per_run": args.steps,
    }
    for name, values in blocks.items():
        result[name] = {"mean": statistics.mean(values),
                        "standard_error": statistics.stdev(values) / len(values) ** 0.5}
    with tempfile.TemporaryDirectory() as work:
        result["ideal_gas"] = ideal_gas(args.lmp, args.steps, work)
        result["mtk_trajectory"] = mtk_trajectory(args.lmp, work, "iso")
        result["mtk_trajectory_aniso"] = mtk_trajectory(args.lmp, work, "aniso")
    with open(os.path.join(DATA, "npt_reference.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
