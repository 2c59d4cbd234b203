#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""H5MD trajectory layout, read back with h5py (docs/outputs.md; H5MD 1.1).

Runs mdrun on the 108-atom LJ liquid (tests/data/lj/lj_liquid_108.data) for 100 steps with an
H5MD trajectory (positions, velocities, forces every 20 steps), a LAMMPS dump (every 20 steps) and
the final data file, then checks:
  - /h5md metadata (version [1, 1], author, creator name and version);
  - /particles/all: box (dimension, boundary, edges as a time series), species, id, and
    position/image/velocity/force with step (int64, strictly increasing), time (= step * dt,
    unit ps) and value [T][N][3], chunked and extendible along time, with unit attributes that
    read as str (variable-length strings); the step and time of the box edges, the other
    elements and the observables are hard links to those of position;
  - /observables at every frame (what readers such as MDAnalysis index by frame), consistent
    with each other (T = 2 KE / (dof k_B)) and equal to the thermo lines at the same steps;
  - /parameters holding the YAML config;
  - the last frame's positions, image flags and velocities are bit-identical to the final data
    file, and the dump's frames to the H5MD frames;
  - a tilted cell (tests/data/lj/lj_mixture_triclinic.data, 20 steps): box/edges/value is H5MD's
    [T][3][3] matrix whose rows are the edge vectors a, b, c of the data file's cell, every
    position lies inside the cell (fractional coordinates in [0, 1)), and the last frame equals
    the final data file bit for bit.

Usage: test_h5md_layout.py MDRUN TEST_DATA_DIR. Exit code 77 (skipped) without h5py/numpy.
"""

import os
import shutil
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as error:  # pragma: no cover
    print(f"skipped: {error}")
    sys.exit(77)

K_BOLTZMANN = 8.617343e-5  # eV/K, LAMMPS metal (core/units.hpp)

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
  final_data_file: final.data
  trajectory:
    - {format: h5md, file: traj.h5, every: 20, fields: [position, velocity, force]}
    - {format: dump, file: traj.dump, every: 20, fields: [image, velocity, force]}
"""

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def is_str(value):
    """A unit read as a Python str: a variable-length string attribute (h5py gives bytes for
    fixed-length ones, which readers matching unit tables do not recognise)."""
    return isinstance(value, str)


def thermo_lines(log):
    """Thermo rows of mdrun's stdout by step: {step: {column: value}}."""
    rows, header = {}, None
    for line in log.splitlines():
        words = line.split()
        if words and words[0] == "Step":
            header = words
        elif header and len(words) == len(header):
            try:
                values = [float(w) for w in words]
            except ValueError:
                continue
            rows[int(values[0])] = dict(zip(header, values))
        elif line.startswith("Loop time"):
            header = None
    return rows


def read_data_file(path):
    """Atoms (id, type, x, y, z, ix, iy, iz) and velocities (id, vx, vy, vz) of a data file."""
    lines = open(path).read().split("\n")
    atoms_at = next(i for i, l in enumerate(lines) if l.startswith("Atoms"))
    velocities_at = next(i for i, l in enumerate(lines) if l.startswith("Velocities"))
    atoms = [l.split() for l in lines[atoms_at + 2:velocities_at] if l.strip()]
    velocities = [l.split() for l in lines[velocities_at + 2:] if l.strip()]
    return np.array(atoms, dtype=float), np.array(velocities, dtype=float)


def read_dump(path):
    """Frames of a dump file: list of (step, header columns, rows as float array)."""
    frames = []
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] == "ITEM: TIMESTEP":
            step = int(lines[i + 1])
            n = int(lines[i + 3])
            columns = lines[i + 8].split()[2:]
            rows = np.array([l.split() for l in lines[i + 9:i + 9 + n]], dtype=float)
            frames.append((step, columns, rows))
            i += 9 + n
        else:
            i += 1
    return frames


def main():
    mdrun, data_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="md_h5md_layout_")
    try:
        shutil.copy(os.path.join(data_dir, "lj", "lj_liquid_108.data"), work)
        with open(os.path.join(work, "config.yaml"), "w") as f:
            f.write(CONFIG)
        # A test started from an MPI program must not pass Open MPI's variables on.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("OMPI", "PMIX", "OPAL", "ORTE"))}
        run = subprocess.run([mdrun, "--config", "config.yaml"], cwd=work, env=env,
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            print(run.stdout[-3000:], run.stderr[-3000:])
            return 1
        check_file(work, run.stdout)
        check_tilted(mdrun, data_dir, work, env)
    finally:
        if not os.environ.get("MD_KEEP_TEST_DIRS"):
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("H5MD layout: all checks passed")
    return 0


TILTED_CONFIG = """structure: {file: lj_mixture_triclinic.data, type_map: [Ar, Kr]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  pairs:
    - {types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}
    - {types: [Kr, Kr], epsilon_eV: 0.0140, sigma_A: 3.65}
    - {types: [Ar, Kr], epsilon_eV: 0.0120, sigma_A: 3.52}
run: {steps: 20, dt_fs: 2.0}
thermo: {every: 10}
output:
  final_data_file: tilted_final.data
  trajectory:
    - {format: h5md, file: tilted.h5, every: 10, fields: [position, velocity]}
"""


def read_box(path):
    """lo [3], hi [3] and tilts (xy, xz, yz) from a LAMMPS data file header."""
    lo, hi, tilt = [0.0] * 3, [0.0] * 3, [0.0] * 3
    with open(path) as f:
        for line in f:
            words = line.split()
            if words[-2:] in (["xlo", "xhi"], ["ylo", "yhi"], ["zlo", "zhi"]):
                d = "xyz".index(words[-1][0])
                lo[d], hi[d] = float(words[0]), float(words[1])
            elif words[-3:] == ["xy", "xz", "yz"]:
                tilt = [float(w) for w in words[:3]]
            elif words and words[0] == "Atoms":
                break
    return np.array(lo), np.array(hi), tilt


def check_tilted(mdrun, data_dir, work, env):
    shutil.copy(os.path.join(data_dir, "lj", "lj_mixture_triclinic.data"), work)
    with open(os.path.join(work, "tilted.yaml"), "w") as f:
        f.write(TILTED_CONFIG)
    run = subprocess.run([mdrun, "--config", "tilted.yaml"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=120)
    check(run.returncode == 0, "tilted run exits 0")
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:])
        return
    lo, hi, (xy, xz, yz) = read_box(os.path.join(work, "lj_mixture_triclinic.data"))
    length = hi - lo
    cell = np.array([[length[0], 0.0, 0.0], [xy, length[1], 0.0], [xz, yz, length[2]]])
    f = h5py.File(os.path.join(work, "tilted.h5"), "r")
    part = f["particles/all"]
    edges = part["box/edges/value"]
    check(edges.shape == (3, 3, 3) and edges.maxshape == (None, 3, 3),
          "tilted box edges are a [T][3][3] time series")
    check(all(np.array_equal(frame, cell) for frame in edges[()]),
          "tilted box edges: rows are the edge vectors a, b, c")
    check(np.array_equal(part["box/origin"][()], lo), "tilted box origin is lo")
    positions = part["position/value"][()]
    fractional = (positions - lo) @ np.linalg.inv(cell)
    check(np.all(fractional >= -1e-12) and np.all(fractional < 1 + 1e-12),
          "tilted positions wrapped into the cell")
    atoms, _ = read_data_file(os.path.join(work, "tilted_final.data"))  # sorted by id, as H5MD
    check(np.array_equal(positions[-1], atoms[:, 2:5]), "tilted last frame = final data file")


def check_file(work, log):
    n_atoms, dt_ps, frame_steps = 108, 0.01, [0, 20, 40, 60, 80, 100]
    f = h5py.File(os.path.join(work, "traj.h5"), "r")

    h5md = f["h5md"]
    check(list(h5md.attrs["version"]) == [1, 1], "/h5md version is [1, 1]")
    check(len(text(h5md["author"].attrs["name"])) > 0, "/h5md/author has a name")
    check(text(h5md["creator"].attrs["name"]) == "mdrun", "/h5md/creator name is mdrun")
    check(text(h5md["creator"].attrs["version"]).startswith("mdrun "), "creator version")

    part = f["particles/all"]
    box = part["box"]
    check(int(box.attrs["dimension"]) == 3, "box dimension 3")
    check([text(b) for b in box.attrs["boundary"]] == ["periodic"] * 3, "box boundary periodic")
    length = 17.157075094972311  # the data file's box
    edges = box["edges/value"]
    check(edges.shape == (len(frame_steps), 3) and edges.maxshape == (None, 3),
          "box edges are a time series, one row per frame")
    check(np.allclose(edges[()], [[length] * 3] * len(frame_steps), rtol=0, atol=1e-12),
          "box edges")
    check(is_str(edges.attrs["unit"]) and edges.attrs["unit"] == "Angstrom", "box edges unit")
    check(box["edges/step"] == part["position/step"] and box["edges/time"] == part["position/time"],
          "box edges step/time are hard links to position's")
    check(part["species"].shape == (n_atoms,) and set(part["species"][()]) == {1}, "species")
    check(list(part["id"][()]) == list(range(1, n_atoms + 1)), "ids sorted 1..N")

    units = {"position": "Angstrom", "velocity": "Angstrom ps-1", "force": "kJ mol-1 Angstrom-1"}
    for name in ["position", "image", "velocity", "force"]:
        element = part[name]
        value = element["value"]
        check(value.shape == (len(frame_steps), n_atoms, 3), f"{name} value shape")
        check(value.maxshape == (None, n_atoms, 3), f"{name} value is extendible in time")
        check(value.chunks is not None and value.chunks[0] == 1, f"{name} value is chunked by frame")
        if name in units:
            unit = value.attrs["unit"]
            check(is_str(unit) and unit == units[name], f"{name} unit {units[name]} (as str)")
        check(value.dtype == (np.int32 if name == "image" else np.float64), f"{name} dtype")
        step, time = element["step"], element["time"]
        check(step.dtype == np.int64 and list(step[()]) == frame_steps, f"{name} step")
        check(np.allclose(time[()], np.array(frame_steps) * dt_ps, rtol=1e-14, atol=0),
              f"{name} time = step * dt")
        check(is_str(time.attrs["unit"]) and time.attrs["unit"] == "ps", f"{name} time unit")
        if name != "position":
            check(step == part["position/step"] and time == part["position/time"],
                  f"{name} step/time are hard links to position's")
    check(np.all(np.diff(part["position/step"][()]) > 0), "steps strictly increasing")
    positions = part["position/value"][()]
    check(np.all(positions >= 0) and np.all(positions < length), "positions wrapped into the box")

    obs = f["observables"]
    names = ["potential_energy", "kinetic_energy", "total_energy", "conserved_energy",
             "temperature", "pressure", "volume"]
    for name in names:
        check(list(obs[name]["step"][()]) == frame_steps, f"observable {name} steps = frames")
        check(obs[name]["value"].shape == (len(frame_steps),), f"observable {name} shape")
        check(is_str(obs[name]["value"].attrs.get("unit")), f"observable {name} has a unit")
        check(obs[name]["step"] == part["position/step"], f"{name} step is position's")
    # The observables are the thermo quantities of the frame's step (thermo every 10 steps, so
    # every frame step has a thermo line to compare with; 12 significant digits printed).
    rows = thermo_lines(log)
    for k, step in enumerate(frame_steps):
        row = rows.get(step)
        check(row is not None, f"a thermo line at frame step {step}")
        if row:
            check(abs(obs["potential_energy/value"][k] - row["PotEng"]) <= 1e-9 * abs(row["PotEng"]),
                  f"potential_energy at step {step} == thermo PotEng")
            check(abs(obs["temperature/value"][k] - row["Temp"]) <= 1e-9 * row["Temp"],
                  f"temperature at step {step} == thermo Temp")
    ke = obs["kinetic_energy/value"][()]
    temperature = obs["temperature/value"][()]
    check(np.allclose(temperature, 2 * ke / ((3 * n_atoms - 3) * K_BOLTZMANN), rtol=1e-12),
          "temperature = 2 KE / (dof k_B)")
    check(np.allclose(obs["total_energy/value"][()],
                      obs["potential_energy/value"][()] + ke, rtol=1e-13), "total = pe + ke")
    check(text(obs["temperature/value"].attrs["unit"]) == "K", "temperature unit")

    config = text(f["parameters/config"][()])
    check("nose_hoover_chain" in config and "traj.h5" in config, "/parameters/config is the YAML")
    check([text(t) for t in f["parameters/type_names"][()]] == ["Ar"], "/parameters/type_names")

    # The last frame is the final state: bit-identical to the data file.
    atoms, velocities = read_data_file(os.path.join(work, "final.data"))
    order = np.argsort(atoms[:, 0])
    atoms = atoms[order]
    velocities = velocities[np.argsort(velocities[:, 0])]
    check(np.array_equal(positions[-1], atoms[:, 2:5]), "last frame positions == final data")
    check(np.array_equal(part["image/value"][-1], atoms[:, 5:8].astype(np.int32)),
          "last frame images == final data image flags")
    check(np.array_equal(part["velocity/value"][-1], velocities[:, 1:4]),
          "last frame velocities == final data")

    frames = read_dump(os.path.join(work, "traj.dump"))
    check([s for s, _, _ in frames] == frame_steps, "dump frame steps")
    for k, (step, columns, rows) in enumerate(frames):
        check(columns == ["id", "type", "x", "y", "z", "ix", "iy", "iz", "vx", "vy", "vz",
                          "fx", "fy", "fz"], "dump columns")
        check(np.array_equal(rows[:, 2:5], positions[k]), f"dump positions at step {step}")
        check(np.array_equal(rows[:, 8:11], part["velocity/value"][k]), f"dump velocities {step}")
        # H5MD forces are in kJ mol-1 Angstrom-1 (the dump's in eV/Angstrom).
        check(np.allclose(rows[:, 11:14] * 96.48533212331002, part["force/value"][k], rtol=1e-15,
                          atol=0), f"dump forces {step} (× 96.485 kJ/mol per eV)")


if __name__ == "__main__":
    sys.exit(main())
