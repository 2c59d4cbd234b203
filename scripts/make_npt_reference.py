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

The same trajectory in a tilted cell ("mtk_trajectory_tilted", "mtk_trajectory_tilted_aniso", with
thermo columns lx ly lz xy xz yz as well): tests/data/lj/lj_liquid_108_tilted.data, written here
from tests/data/lj/lj_liquid_108.data, holds the same atoms at the same fractional coordinates in
a cell with the same lx, ly, lz and tilts xy = 0.3 lx, xz = -0.25 lx, yz = 0.2 ly, and the same
velocities. fix npt iso/aniso does not barostat the tilts; by default (scalexy, scalexz, scaleyz
yes for a non-zero tilt of a periodic box) it scales xy with ly and xz, yz with lz, so that
xy/ly, xz/lz, yz/lz stay constant. The positions written are fixed points of LAMMPS's round trip
through fractional coordinates (Domain::x2lamda / lamda2x, done on read_data and at every
re-neighbouring), so LAMMPS starts from exactly the numbers in the file; the step-0 dump frame is
checked against them.

    scripts/make_npt_reference.py [--lmp lmp] [--runs 4] [--steps 1000000]   # ~5 min
    scripts/make_npt_reference.py --trajectories-only   # seconds: only the mtk_trajectory* entries

--trajectories-only rewrites the tilted data file, reruns the four 200-step trajectories and
merges them into the existing JSON, leaving every other entry as it is.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile

from lammps_box import LammpsBox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "lj")
NKTV2P = 1.6021765e6  # bar per eV/A^3 (LAMMPS metal)
PRESSURE_BAR = 400.0
TEMPERATURE_K = 120.0
EQUILIBRATION_STEPS = 10000  # 100 ps at 10 fs
BLOCKS = 10
ORTHOGONAL_DATA = os.path.join(DATA, "lj_liquid_108.data")
TILTED_DATA = os.path.join(DATA, "lj_liquid_108_tilted.data")
TILTS = (0.3, -0.25, 0.2)  # xy/lx, xz/lx, yz/ly of the tilted cell
BOX_COLUMNS = ["lx", "ly", "lz", "xy", "xz", "yz"]


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


TiltedBox = LammpsBox


def write_tilted_data(src=ORTHOGONAL_DATA, dst=TILTED_DATA):
    """The atoms of the orthogonal data file `src` at the same fractional coordinates in the
    cell with the same lx, ly, lz and tilts TILTS; masses and velocities copied as written.
    Returns the positions by id as written (repr, exact)."""
    with open(src, encoding="utf-8") as f:
        lines = f.read().splitlines()
    lo, hi = [0.0] * 3, [0.0] * 3
    for line in lines:
        words = line.split()
        for d, axis in enumerate("xyz"):
            if words[2:4] == [axis + "lo", axis + "hi"]:
                lo[d], hi[d] = float(words[0]), float(words[1])
        if "xy" in words[3:]:
            raise SystemExit("error: %s is already triclinic" % src)
    section = {name: lines.index(name) for name in ("Masses", "Atoms # atomic", "Velocities")}
    atoms = [l.split() for l in lines[section["Atoms # atomic"] + 1:section["Velocities"]]
             if l.strip()]
    lengths = [hi[d] - lo[d] for d in range(3)]
    xy, xz, yz = TILTS[0] * lengths[0], TILTS[1] * lengths[0], TILTS[2] * lengths[1]
    box = TiltedBox(lo, hi, xy, xz, yz)
    positions = {}
    out = [lines[0].split(";")[0].split(":")[0] + " of tests/data/lj/lj_liquid_108.data at the "
           "same fractional coordinates in a tilted cell: xy = %r lx, xz = %r lx, yz = %r ly, "
           "same velocities; written by scripts/make_npt_reference.py" % TILTS,
           "", "%d atoms" % len(atoms)]
    out += [l for l in lines[3:section["Masses"]] if "atom types" in l]
    out += ["", "%r %r xlo xhi" % (lo[0], hi[0]), "%r %r ylo yhi" % (lo[1], hi[1]),
            "%r %r zlo zhi" % (lo[2], hi[2]), "%r %r %r xy xz yz" % (xy, xz, yz), ""]
    out += lines[section["Masses"]:section["Atoms # atomic"] + 2]
    for words in atoms:
        frac = [(float(words[2 + d]) - lo[d]) / lengths[d] for d in range(3)]
        x = box.settle(box.lamda2x(frac))
        positions[int(words[0])] = x
        out.append("%s %s %r %r %r" % (words[0], words[1], x[0], x[1], x[2]))
    out += [""] + lines[section["Velocities"]:]
    with open(dst, "w", encoding="ascii") as f:
        f.write("\n".join(out) + "\n")
    return positions


def dump_frames(dump):
    """The frames of a LAMMPS custom dump (id xu yu zu): {step: {id: [x, y, z]}}."""
    with open(dump, encoding="utf-8") as f:
        lines = f.read().splitlines()
    frames, i = {}, 0
    while i < len(lines):
        if lines[i] == "ITEM: TIMESTEP":
            step, natoms = int(lines[i + 1]), int(lines[i + 3])
            start = lines.index("ITEM: ATOMS id xu yu zu", i) + 1
            frames[step] = {int(l.split()[0]): [float(x) for x in l.split()[1:4]]
                            for l in lines[start:start + natoms]}
            i = start + natoms
        else:
            i += 1
    return frames


def mtk_trajectory(lmp, work, coupling, data=ORTHOGONAL_DATA, box_columns=False,
                   start_positions=None):
    """Thermo rows and final unwrapped positions (by id) of the 200-step fix npt trajectory;
    with box_columns, thermo has lx ly lz xy xz yz as well. start_positions (by id): what the
    step-0 dump frame must hold, bit for bit."""
    screen = os.path.join(work, "screen_mtk.txt")
    dump = os.path.join(work, "mtk.dump")
    if os.path.exists(dump):
        os.remove(dump)
    extra = ["-var", "box", " ".join(BOX_COLUMNS)] if box_columns else []
    subprocess.run([lmp, "-in", os.path.join(DATA, "in.npt_mtk_trajectory.lmp"),
                    "-var", "data", data, "-var", "dump", dump,
                    "-var", "coupling", coupling] + extra +
                   ["-log", "none", "-screen", screen], check=True, stdout=subprocess.DEVNULL)
    columns = ["step", "pe", "ke", "press", "vol", "econserve"]
    if box_columns:
        columns += BOX_COLUMNS
    rows = thermo_rows(screen, len(columns))
    # LAMMPS writes the frame of step 0 as well.
    frames = dump_frames(dump)
    if start_positions is not None and frames[0] != start_positions:
        worst = max(abs(a - b) for i in start_positions
                    for a, b in zip(frames[0][i], start_positions[i]))
        raise SystemExit("error: LAMMPS moved the atoms of %s on read (max %g A)" % (data, worst))
    positions = frames[200]
    return {"columns": columns, "thermo": rows,
            "final_step": 200,
            "final_positions": [positions[i] for i in sorted(positions)]}


def trajectories(lmp):
    """The mtk_trajectory* entries: iso and aniso, orthogonal and tilted; tri, tilted."""
    tilted = write_tilted_data()
    result = {}
    with tempfile.TemporaryDirectory() as work:
        result["mtk_trajectory"] = mtk_trajectory(lmp, work, "iso")
        result["mtk_trajectory_aniso"] = mtk_trajectory(lmp, work, "aniso")
        for coupling, name in (("iso", "mtk_trajectory_tilted"),
                               ("aniso", "mtk_trajectory_tilted_aniso"),
                               ("tri", "mtk_trajectory_tilted_tri")):
            result[name] = mtk_trajectory(lmp, work, coupling, TILTED_DATA, True, tilted)
    return result


def write_json(result):
    with open(os.path.join(DATA, "npt_reference.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def block_means(values):
    n = len(values) // BLOCKS
    return [statistics.mean(values[b * n:(b + 1) * n]) for b in range(BLOCKS)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmp", default="lmp")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1000000)
    parser.add_argument("--trajectories-only", action="store_true",
                        help="only rewrite the tilted data file and (re)compute the "
                             "mtk_trajectory* entries, merged into the existing JSON")
    args = parser.parse_args()
    if args.trajectories_only:
        with open(os.path.join(DATA, "npt_reference.json"), encoding="utf-8") as f:
            result = json.load(f)
        result.update(trajectories(args.lmp))
        write_json(result)
        print(json.dumps({k: v["thermo"][-1] for k, v in result.items()
                          if k.startswith("mtk_trajectory")}, indent=2))
        return
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
    result.update(trajectories(args.lmp))
    write_json(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
