#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads an mdrun H5MD trajectory with MDAnalysis, the reader users have, and compares every
frame with the LAMMPS dump the same run wrote (docs/outputs.md, "H5MD and the tools").

    python3 scripts/check_h5md_mdanalysis.py [--mdrun build/apps/mdrun/mdrun] [--keep DIR]

Runs mdrun on the 108-atom LJ liquid (tests/data/lj/lj_liquid_108.data, NVT, 100 steps) with
an H5MD trajectory (positions, velocities, forces every 10 steps) and a dump (every 10 steps),
then opens the H5MD file as `MDAnalysis.Universe(data_file, h5md_file)` with MDAnalysis's
default unit conversion and, for every frame, checks: the step and time, the box, positions,
velocities and forces (MDAnalysis keeps float32 coordinates: relative 1e-6), and the
observables MDAnalysis reads into `ts.data` against the thermo lines of the same steps.
Prints one line per check group and the MDAnalysis and h5py versions; exit status 0 when
everything agrees. MDAnalysis is an optional dependency (`pip install MDAnalysis`), never
needed by mdrun or CI (CI checks the layout with h5py: tests/regression/test_h5md_layout.py).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

try:
    import MDAnalysis as mda
    import h5py
except ImportError as error:
    print(f"needs MDAnalysis and h5py ({error})")
    sys.exit(77)

KJ_PER_MOL_PER_EV = 96.48533212331002
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = """structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: 100, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.2}}
thermo: {every: 10}
output:
  trajectory:
    - {format: h5md, file: traj.h5, every: 10, fields: [position, velocity, force]}
    - {format: dump, file: traj.dump, every: 10, fields: [velocity, force]}
"""


def read_dump(path):
    frames = []
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] == "ITEM: TIMESTEP":
            step, n = int(lines[i + 1]), int(lines[i + 3])
            bounds = [[float(x) for x in lines[i + 5 + d].split()] for d in range(3)]
            rows = np.array([l.split() for l in lines[i + 9:i + 9 + n]], dtype=float)
            frames.append((step, bounds, rows))
            i += 9 + n
        else:
            i += 1
    return frames


def thermo_lines(log):
    rows, header = {}, None
    for line in log.splitlines():
        words = line.split()
        if words and words[0] == "Step":
            header = words
        elif header and len(words) == len(header):
            try:
                rows[int(float(words[0]))] = dict(zip(header, map(float, words)))
            except ValueError:
                pass
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build/apps/mdrun/mdrun"))
    parser.add_argument("--keep", help="run in this (new) directory and keep it")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="md_mda_")
    os.makedirs(work, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests/data/lj/lj_liquid_108.data"), work)
    with open(os.path.join(work, "config.yaml"), "w") as f:
        f.write(CONFIG)
    run = subprocess.run([os.path.abspath(args.mdrun), "--config", "config.yaml"], cwd=work,
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-2000:], run.stderr[-2000:])
        return 1
    print(f"MDAnalysis {mda.__version__}, h5py {h5py.__version__}, numpy {np.__version__}")
    universe = mda.Universe(os.path.join(work, "lj_liquid_108.data"), os.path.join(work, "traj.h5"),
                            format="H5MD", atom_style="id type x y z")
    dump = read_dump(os.path.join(work, "traj.dump"))
    thermo = thermo_lines(run.stdout)
    ids = universe.atoms.ids
    failures = []
    checked = 0
    if len(universe.trajectory) != len(dump):
        failures.append(f"{len(universe.trajectory)} H5MD frames, {len(dump)} dump frames")
    for ts, (step, bounds, rows) in zip(universe.trajectory, dump):
        by_id = rows[np.argsort(rows[:, 0])]
        order = np.argsort(ids)
        def close(a, b, rtol, what):
            if not np.allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max()):
                failures.append(f"frame {ts.frame} (step {step}): {what}")
        if int(ts.data["step"]) != step:
            failures.append(f"frame {ts.frame}: step {ts.data['step']} != dump step {step}")
        close(ts.time, step * 0.01, 1e-12, "time")
        close(ts.dimensions[:3], [b[1] - b[0] for b in bounds], 1e-6, "box edges")
        close(ts.dimensions[3:], [90, 90, 90], 1e-12, "box angles")
        close(ts.positions[order], by_id[:, 2:5], 1e-6, "positions")
        close(ts.velocities[order], by_id[:, 5:8], 1e-6, "velocities")
        close(ts.forces[order], by_id[:, 8:11] * KJ_PER_MOL_PER_EV, 1e-6, "forces (kJ/mol/Å)")
        row = thermo.get(step)
        if row is None:
            failures.append(f"no thermo line at step {step}")
        else:
            close(ts.data["temperature"], row["Temp"], 1e-9, "observable temperature")
            close(ts.data["potential_energy"], row["PotEng"], 1e-9, "observable potential_energy")
            close(ts.data["kinetic_energy"], row["KinEng"], 1e-9, "observable kinetic_energy")
        checked += 1
    print(f"frames read by MDAnalysis: {checked} (steps {dump[0][0]}..{dump[-1][0]}); "
          f"units {universe.trajectory.units}")
    print("checked per frame: step, time, box, positions, velocities, forces, observables")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("MISMATCH:", failure)
    print("MDAnalysis reads the mdrun H5MD file: " + ("OK" if not failures else "FAILED"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
