#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check stage of scripts/make_model_devi_reference.sh (see tests/data/model_devi/README.md).

For every frame that LAMMPS dumped (192 atoms: steps 0, 10, ..., 100; 1,536 atoms: steps 0 and 100):
  1. DeePMD-kit's Python DeepPot (PyTorch backend, the same m1..m4.pth that LAMMPS loaded, converted from
     the stored m1..m4.dp) gives each model's energy, forces and 9-component virial;
  2. an independent numpy implementation of pair_style deepmd's model deviation (the formulas of
     source/lmp/pair_deepmd.cpp + source/api_c/include/deepmd.hpp, written out in `devi_columns` below)
     recomputes every column of model_devi.out, plain and with `atomic relative 1.0 relative_v 1.0`;
  3. asserts: (a) LAMMPS's own single-model reruns (forces, energies, summed per-atom centroid virials, all
     printed %.17g) equal DeepPot's per-model outputs to <= 1e-10 (normwise relative); (b) the columns
     computed from LAMMPS's per-model outputs equal those from DeepPot's to <= 1e-10 relative; (c) LAMMPS's
     model_devi.out equals the numpy columns to the 7 significant digits it prints (|diff| <= half a unit
     of the last printed digit); (d) DeePMD-kit's own Python deepmd.infer.model_devi.calc_model_devi_f/_v
     agree where their definitions coincide (and the relative_v difference is reported);
  4. writes <name>.model_devi.full (same columns as LAMMPS's file, %.17g, the dumped steps only) and
     reference.json (per-model energies and virials, agreement figures, versions).
"""
import argparse
import json
import os
import sys

import numpy as np

TOL = 1e-10
NKTV2P_METAL = 1.6021765e6  # LAMMPS force->nktv2p for units metal (bar*A^3 per eV)
# LAMMPS centroid/stress/atom component k <- DeePMD 9-vector index, as mapped in pair_deepmd.cpp
# (cvatom[0..8] = dvatom[0, 4, 8, 3, 6, 7, 1, 2, 5]).
CENTROID_TO_DP = [0, 4, 8, 3, 6, 7, 1, 2, 5]
RUNS = {  # name -> (replica, eps_f or None, eps_v or None, atomic)
    "192": (1, None, None, False),
    "192_atomic_relative": (1, 1.0, 1.0, True),
    "1536": (2, None, None, False),
    "1536_atomic_relative": (2, 1.0, 1.0, True),
}


def read_dump(path):
    """LAMMPS text dump -> list of (step, box 3x3 rows a,b,c, origin, columns dict sorted by id)."""
    frames = []
    with open(path) as fh:
        lines = fh.read().splitlines()
    i = 0
    while i < len(lines):
        assert lines[i].startswith("ITEM: TIMESTEP"), lines[i]
        step = int(lines[i + 1])
        n = int(lines[i + 3])
        hdr = lines[i + 4]
        b = np.array([[float(x) for x in lines[i + 5 + k].split()] for k in range(3)])
        if "xy" in hdr:
            xy, xz, yz = b[0, 2], b[1, 2], b[2, 2]
        else:
            xy = xz = yz = 0.0
        xlo = b[0, 0] - min(0.0, xy, xz, xy + xz)
        xhi = b[0, 1] - max(0.0, xy, xz, xy + xz)
        ylo = b[1, 0] - min(0.0, yz)
        yhi = b[1, 1] - max(0.0, yz)
        zlo, zhi = b[2, 0], b[2, 1]
        box = np.array([[xhi - xlo, 0, 0], [xy, yhi - ylo, 0], [xz, yz, zhi - zlo]], dtype=float)
        names = lines[i + 8].split()[2:]
        data = np.array([[float(x) for x in lines[i + 9 + k].split()] for k in range(n)])
        cols = {nm: data[:, j] for j, nm in enumerate(names)}
        assert np.all(np.diff(cols["id"]) > 0)
        frames.append((step, box, np.array([xlo, ylo, zlo]), cols))
        i += 9 + n
    return frames


def read_thermo_pe(log):
    """Step -> PotEng from a LAMMPS log whose thermo is `step pe`."""
    out, on = {}, False
    for ln in open(log):
        w = ln.split()
        if w[:2] == ["Step", "PotEng"]:
            on = True
            continue
        if on:
            if len(w) == 2 and w[0].isdigit():
                out[int(w[0])] = float(w[1])
            else:
                on = False
    return out


def devi_columns(F, V, natoms, eps_f=None, eps_v=None):
    """Independent numpy version of pair_style deepmd's model deviation for one frame.

    F: (M, N, 3) per-model forces, V: (M, 9) per-model virials (eV), natoms: total atoms.
    Returns the six model_devi.out columns and the per-atom force deviation (the `atomic` columns)."""
    F = np.asarray(F, dtype=float)
    M = F.shape[0]
    Fm = F.sum(axis=0) / M                                         # <F_i>
    sf = np.sqrt(((F - Fm) ** 2).sum(axis=2).sum(axis=0) / M)      # sigma_i = sqrt(mean_m |F_mi - <F_i>|^2)
    if eps_f is not None:
        sf = sf / (np.sqrt((Fm ** 2).sum(axis=1)) + eps_f)         # relative: / (|<F_i>| + level)
    Vn = np.asarray(V, dtype=float) / natoms                       # virial per atom
    Vm = Vn.sum(axis=0) / M
    sv = np.sqrt(((Vn - Vm) ** 2).sum(axis=0) / M)                 # per component (9)
    if eps_v is not None:
        sv = sv / (np.abs(Vm) + eps_v)                             # relative_v: per component / (|<v_ab>| + level)
    cols = np.array([sv.max(), sv.min(), np.sqrt((sv ** 2).sum() / 9.0), sf.max(), sf.min(), sf.sum() / sf.size])
    return cols, sf


def rel(a, b):
    """Normwise relative difference max|a-b| / max|b|."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    wd, out = args.workdir, args.out

    import deepmd
    import torch
    from deepmd.infer import DeepPot
    from deepmd.infer.model_devi import calc_model_devi_f, calc_model_devi_v

    models = [DeepPot(os.path.join(wd, f"m{k}.pth")) for k in (1, 2, 3, 4)]
    for m in models:
        assert m.get_type_map() == ["O", "H"], m.get_type_map()
    report = {
        "versions": {"deepmd-kit": deepmd.__version__, "torch": torch.__version__, "numpy": np.__version__,
                     "python": sys.version.split()[0]},
        "tolerance_full_precision": TOL,
        "systems": {},
    }
    worst = {"deeppot_vs_lammps_rerun_forces": 0.0, "deeppot_vs_lammps_rerun_energy": 0.0,
             "deeppot_vs_lammps_rerun_virial": 0.0, "columns_deeppot_vs_columns_lammps_rerun": 0.0,
             "lammps_model_devi_out_vs_numpy_in_printed_units": 0.0,
             "numpy_vs_deepmd_python_calc_model_devi": 0.0, "rerun_positions_vs_dump_A": 0.0}

    counts = {"printed_values_compared": 0, "printed_values_not_identical": 0}
    for nat, rep in (("192", 1), ("1536", 2)):
        frames = read_dump(os.path.join(out, f"{nat}.traj.dump"))
        reruns = [read_dump(os.path.join(wd, f"rerun_{nat}_m{k}.dump")) for k in (1, 2, 3, 4)]
        rerun_pe = [read_thermo_pe(os.path.join(wd, f"rerun_{nat}_m{k}.log")) for k in (1, 2, 3, 4)]
        sysrep = {"frames": []}
        per_frame = []
        for fi, (step, box, origin, cols) in enumerate(frames):
            natoms = len(cols["id"])
            atype = cols["type"].astype(int) - 1                      # LAMMPS 1 = O, 2 = H (pair_coeff * * O H)
            coord = np.stack([cols["x"], cols["y"], cols["z"]], axis=1)
            E, F, V = [], [], []
            for m in models:
                e, f, v = m.eval(coord.reshape(1, -1), box.reshape(1, 9), atype)
                E.append(float(np.asarray(e).reshape(-1)[0]))
                F.append(np.asarray(f).reshape(natoms, 3))
                V.append(np.asarray(v).reshape(9))
            F, V = np.array(F), np.array(V)
            # LAMMPS single-model reruns of the same frame
            FL, VL = [], []
            for k in range(4):
                rstep, _, _, rc = reruns[k][fi]
                assert rstep == step and np.array_equal(rc["id"], cols["id"])
                # rerun reads the dump through LAMMPS's box remap: positions may move by an ulp or wrap by a
                # box vector (an atom at -1e-16 comes back at L); the same frame to 1e-12 A (minimum image).
                d = np.stack([rc["x"], rc["y"], rc["z"]], axis=1) - coord
                d -= np.round(d @ np.linalg.inv(box)) @ box
                worst["rerun_positions_vs_dump_A"] = max(worst["rerun_positions_vs_dump_A"], float(np.abs(d).max()))
                assert np.abs(d).max() < 1e-12
                FL.append(np.stack([rc["fx"], rc["fy"], rc["fz"]], axis=1))
                s = np.array([rc[f"c_cs[{j + 1}]"].sum() for j in range(9)])
                w = np.empty(9)
                w[CENTROID_TO_DP] = -s / NKTV2P_METAL
                VL.append(w)
                worst["deeppot_vs_lammps_rerun_energy"] = max(
                    worst["deeppot_vs_lammps_rerun_energy"], rel(rerun_pe[k][step], E[k]))
            FL, VL = np.array(FL), np.array(VL)
            worst["deeppot_vs_lammps_rerun_forces"] = max(worst["deeppot_vs_lammps_rerun_forces"], rel(FL, F))
            worst["deeppot_vs_lammps_rerun_virial"] = max(worst["deeppot_vs_lammps_rerun_virial"], rel(VL, V))
            per_frame.append((step, natoms, E, F, V, FL, VL))
            sysrep["frames"].append({"step": step, "natoms": natoms, "energy_eV": E,
                                     "virial_eV": [v.tolist() for v in V]})
        report["systems"][nat] = sysrep

        for name, (r, eps_f, eps_v, atomic) in RUNS.items():
            if name.split("_")[0] != nat:
                continue
            lmp = np.loadtxt(os.path.join(out, f"{name}.model_devi.out"), comments="#", ndmin=2)
            lmp_steps = lmp[:, 0].astype(int).tolist()
            assert lmp_steps == list(range(0, 101, 10)), lmp_steps
            rows = []
            for step, natoms, E, F, V, FL, VL in per_frame:
                c, sf = devi_columns(F, V, natoms, eps_f, eps_v)
                cL, sfL = devi_columns(FL, VL, natoms, eps_f, eps_v)
                worst["columns_deeppot_vs_columns_lammps_rerun"] = max(
                    worst["columns_deeppot_vs_columns_lammps_rerun"],
                    max(abs(c[j] - cL[j]) / abs(c[j]) for j in range(6)), rel(sfL, sf))
                full = np.concatenate([c, sf]) if atomic else c
                row = lmp[lmp_steps.index(step), 1:]
                assert row.size == full.size, (row.size, full.size)
                # LAMMPS prints std::scientific with the default precision 6: 7 significant digits.
                unit = 10.0 ** (np.floor(np.log10(np.abs(row))) - 6)
                ratio = float(np.max(np.abs(full - row) / unit))
                worst["lammps_model_devi_out_vs_numpy_in_printed_units"] = max(
                    worst["lammps_model_devi_out_vs_numpy_in_printed_units"], ratio)
                assert ratio <= 0.5 + 1e-6, (name, step, ratio)
                # and, value by value, the numpy number printed as LAMMPS prints it ("%.6e") is LAMMPS's number
                printed = np.array([float(f"{x:.6e}") for x in full])
                counts["printed_values_compared"] += int(full.size)
                counts["printed_values_not_identical"] += int(np.count_nonzero(printed != row))
                # DeePMD-kit's own Python model deviation (deepmd/infer/model_devi.py): same definitions for
                # the absolute columns and for `relative` (forces); its relative_v divides by the Frobenius
                # norm of the mean 3x3 virial instead of each |<v_ab>| (reported, not asserted).
                pf = calc_model_devi_f(F[:, None], relative=eps_f, atomic=True)
                pv = calc_model_devi_v(V[:, None] / natoms, relative=None)
                py = np.array([pv[0][0], pv[1][0], pv[2][0], pf[0][0], pf[1][0], pf[2][0]])
                if eps_v is None:
                    worst["numpy_vs_deepmd_python_calc_model_devi"] = max(
                        worst["numpy_vs_deepmd_python_calc_model_devi"], rel(py, c), rel(pf[3][0], sf))
                else:
                    worst["numpy_vs_deepmd_python_calc_model_devi"] = max(
                        worst["numpy_vs_deepmd_python_calc_model_devi"], rel(py[3:], c[3:]), rel(pf[3][0], sf))
                    pvr = calc_model_devi_v(V[:, None] / natoms, relative=eps_v)
                    report.setdefault("python_relative_v_differs", {})[f"{name}@{step}"] = {
                        "lammps_max_min_avg_devi_v": c[:3].tolist(),
                        "deepmd_python_max_min_avg_devi_v": [float(pvr[j][0]) for j in range(3)]}
                rows.append((step, full))
            hdr = ("#" + "step".rjust(11) + "".join(h.rjust(25) for h in (
                "max_devi_v", "min_devi_v", "avg_devi_v", "max_devi_f", "min_devi_f", "avg_devi_f")))
            if atomic:
                hdr += "atm_devi_f(N)".rjust(25)
            with open(os.path.join(out, f"{name}.model_devi.full"), "w") as fh:
                fh.write(f"# full-precision twin of {name}.model_devi.out (numpy on DeePMD-kit DeepPot per-model"
                         f" outputs of the frames in {nat}.traj.dump; see README.md)\n")
                fh.write(hdr + "\n")
                for step, full in rows:
                    fh.write(f"{step:12d}" + "".join(f" {x:.17g}" for x in full) + "\n")

    report["worst"] = worst
    report["lammps_model_devi_out_printed"] = counts
    with open(os.path.join(out, "reference.json"), "w") as fh:
        json.dump(report, fh, indent=1)
        fh.write("\n")
    for k, v in worst.items():
        print(f"{k:52s} {v:.3e}")
    print(counts)
    for k in ("deeppot_vs_lammps_rerun_forces", "deeppot_vs_lammps_rerun_energy", "deeppot_vs_lammps_rerun_virial",
              "columns_deeppot_vs_columns_lammps_rerun", "numpy_vs_deepmd_python_calc_model_devi"):
        assert worst[k] <= TOL, (k, worst[k])
    print("OK: all checks passed")


if __name__ == "__main__":
    main()
