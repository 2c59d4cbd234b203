#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads an mdrun H5MD trajectory with MDAnalysis, the reader users have, and compares every
frame with the LAMMPS dump the same run wrote (docs/outputs.md, "Checked with MDAnalysis").

    python3 scripts/check_h5md_mdanalysis.py [--mdrun build/apps/mdrun/mdrun] [--keep DIR]
                                             [--case orthogonal|tilted|both]

Two cases, both run by default (about a second each):
  orthogonal: the 108-atom LJ liquid (tests/data/lj/lj_liquid_108.data, NVT, 100 steps);
  tilted: the Ar/Kr mixture in a strongly tilted cell (tests/data/lj/lj_mixture_triclinic.data
    with the physics of tests/data/lj/lj_mixture_triclinic.yaml, NVE, 20 steps), whose H5MD box
    is the [T][3][3] matrix of edge vectors and whose dump has `BOX BOUNDS xy xz yz pp pp pp`.
Each writes an H5MD trajectory (positions, velocities, forces every 10 steps) and a dump (every
10 steps), then opens the H5MD file as `MDAnalysis.Universe(data_file, h5md_file)` with
MDAnalysis's default unit conversion and, for every frame, checks: the step and time; the box
(`ts.dimensions`, lengths and angles, against the data file's cell computed with numpy;
`ts.triclinic_dimensions` against its edge vectors a, b, c as rows; the raw `box/edges/value`
read with h5py); positions, velocities and forces against the dump (MDAnalysis keeps float32
coordinates: relative 1e-6); the observables MDAnalysis reads into `ts.data` against the thermo
lines of the same steps; and the dump read by MDAnalysis's own LAMMPS dump reader (format
LAMMPSDUMP): its box and its positions (which that reader shifts by the cell's origin).
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

try:
    import numpy as np
    import MDAnalysis as mda
    import h5py
except ImportError as error:
    print(f"needs MDAnalysis, h5py and numpy ({error})")
    sys.exit(77)

KJ_PER_MOL_PER_EV = 96.48533212331002
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = """output:
  trajectory:
    - {format: h5md, file: traj.h5, every: 10, fields: [position, velocity, force]}
    - {format: dump, file: traj.dump, every: 10, fields: [velocity, force]}
"""
ORTHOGONAL = """structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: 100, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.2}}
thermo: {every: 10}
""" + OUTPUT
# structure and potential as in tests/data/lj/lj_mixture_triclinic.yaml
TILTED = """structure: {file: lj_mixture_triclinic.data, atom_style: atomic, type_map: [Ar, Kr],
            boundary: [p, p, p]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: false
  pairs:
    - {types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}
    - {types: [Kr, Kr], epsilon_eV: 0.0140, sigma_A: 3.65}
    - {types: [Ar, Kr], epsilon_eV: 0.0120, sigma_A: 3.52}
run: {steps: 20, dt_fs: 2.0}
neighbor: {skin_A: 1.0}
thermo: {every: 10}
""" + OUTPUT
CASES = {"orthogonal": ("lj_liquid_108.data", ORTHOGONAL, 0.01),
         "tilted": ("lj_mixture_triclinic.data", TILTED, 0.002)}


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


def data_cell(path):
    """A LAMMPS data file's cell: its origin (xlo, ylo, zlo) and edge vectors a, b, c as rows."""
    lo, hi, tilt = np.zeros(3), np.zeros(3), np.zeros(3)
    for line in open(path).read().split("\n")[1:]:
        words = line.split()
        if words and words[0] in ("Masses", "Atoms"):
            break
        for d, axis in enumerate("xyz"):
            if words[2:] == [f"{axis}lo", f"{axis}hi"]:
                lo[d], hi[d] = map(float, words[:2])
        if words[3:] == ["xy", "xz", "yz"]:
            tilt[:] = [float(x) for x in words[:3]]
    (lx, ly, lz), (xy, xz, yz) = hi - lo, tilt
    return lo, np.array([[lx, 0, 0], [xy, ly, 0], [xz, yz, lz]])


def cell_dimensions(edges):
    """MDAnalysis's [A, B, C, alpha, beta, gamma] of edge vectors a, b, c, in double precision."""
    a, b, c = edges
    angle = lambda u, v: np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))
    return np.array([*np.linalg.norm(edges, axis=1), angle(b, c), angle(a, c), angle(a, b)])


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


def check_case(name, mdrun, work):
    data, config, dt_ps = CASES[name]
    os.makedirs(work, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests/data/lj", data), work)
    with open(os.path.join(work, "config.yaml"), "w") as f:
        f.write(config)
    run = subprocess.run([os.path.abspath(mdrun), "--config", "config.yaml"], cwd=work,
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-2000:], run.stderr[-2000:])
        return [f"{name}: mdrun exited with {run.returncode}"]
    universe = mda.Universe(os.path.join(work, data), os.path.join(work, "traj.h5"),
                            format="H5MD", atom_style="id type x y z")
    dump_universe = mda.Universe(os.path.join(work, data), os.path.join(work, "traj.dump"),
                                 format="LAMMPSDUMP", atom_style="id type x y z", dt=dt_ps * 10)
    dump = read_dump(os.path.join(work, "traj.dump"))
    thermo = thermo_lines(run.stdout)
    origin, edges = data_cell(os.path.join(work, data))
    tilted = bool(np.any(edges[np.tril_indices(3, -1)]))
    dimensions = cell_dimensions(edges)
    with h5py.File(os.path.join(work, "traj.h5"), "r") as f:
        raw_edges = f["particles/all/box/edges/value"][()]
    ids = universe.atoms.ids
    failures = []
    checked = 0
    if len(universe.trajectory) != len(dump) or len(dump_universe.trajectory) != len(dump):
        failures.append(f"{len(universe.trajectory)} H5MD frames, {len(dump)} dump frames, "
                        f"{len(dump_universe.trajectory)} read by LAMMPSDUMP")
    for ts, dts, (step, _, rows) in zip(universe.trajectory, dump_universe.trajectory, dump):
        by_id = rows[np.argsort(rows[:, 0])]
        order = np.argsort(ids)
        def close(a, b, rtol, what):
            if not np.allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max()):
                failures.append(f"{name} frame {ts.frame} (step {step}): {what}: "
                                f"{np.asarray(a).ravel()[:9]} != {np.asarray(b).ravel()[:9]}")
        if int(ts.data["step"]) != step:
            failures.append(f"frame {ts.frame}: step {ts.data['step']} != dump step {step}")
        close(ts.time, step * dt_ps, 1e-12, "time")
        close(raw_edges[ts.frame], edges if tilted else edges.diagonal(), 0, "box/edges/value")
        close(ts.dimensions[:3], dimensions[:3], 1e-6, "box lengths")
        close(ts.dimensions[3:], dimensions[3:], 1e-6 if tilted else 1e-12, "box angles")
        close(ts.triclinic_dimensions, edges, 1e-6, "box matrix (rows a, b, c)")
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
        if int(dts.data["step"]) != step:
            failures.append(f"frame {ts.frame}: LAMMPSDUMP step {dts.data['step']} != {step}")
        close(dts.dimensions[:3], dimensions[:3], 1e-6, "LAMMPSDUMP box lengths")
        close(dts.dimensions[3:], dimensions[3:], 1e-6 if tilted else 1e-12,
              "LAMMPSDUMP box angles")
        close(dts.positions + origin, by_id[:, 2:5], 1e-6, "LAMMPSDUMP positions + origin")
        checked += 1
    print(f"{name} ({data}, box {' '.join(f'{x:.6g}' for x in dimensions)}): "
          f"frames read by MDAnalysis: {checked} (steps {dump[0][0]}..{dump[-1][0]}); "
          f"units {universe.trajectory.units}")
    print(f"{name}: checked per frame: step, time, box (edges, lengths, angles"
          f"{', matrix' if tilted else ''}), positions, velocities, forces, observables; "
          f"LAMMPSDUMP box, positions")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build/apps/mdrun/mdrun"))
    parser.add_argument("--keep", help="run in this (new) directory and keep it")
    parser.add_argument("--case", choices=[*CASES, "both"], default="both")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="md_mda_")
    print(f"MDAnalysis {mda.__version__}, h5py {h5py.__version__}, numpy {np.__version__}")
    failures = []
    for name in CASES if args.case == "both" else [args.case]:
        failures += check_case(name, args.mdrun, os.path.join(work, name))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("MISMATCH:", failure)
    print("MDAnalysis reads the mdrun H5MD file: " + ("OK" if not failures else "FAILED"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
