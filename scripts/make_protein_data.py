#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Solvated adenylate kinase (AdK) for the ANI-2x example: configs/data/adk_water.lmp.

Source: MDAnalysisTests.datafiles.GRO = adk_oplsaa.gro of the PyPI package MDAnalysisTests
(E. coli AdK, PDB 4AKE chain A, OPLS-AA, TIP4P water, 4 Na+, in a GROMACS rhombic dodecahedron;
47,681 particles). The test data carry no licence of their own: the package's applies
(MDAnalysisTests 2.11.0: LGPL-3.0-or-later as packaged, contributions LGPL-2.1-or-later; releases
before 2.8 were GPL-2.0-or-later).

What the script does:
  1. reads the file with MDAnalysis; elements come from the file when it has them, otherwise from
     MDAnalysis's guesser (atom names/types), and the guess is cross-checked against the TPR's
     elements when the source is the GRO;
  2. removes every particle that is not H, C, N, O, S, F or Cl (ANI-2x's elements): the Na+ ions
     and TIP4P's massless virtual site MW; the water keeps O, H, H;
  3. checks the chemistry: every water is O + 2 H, the protein's S count equals Cys + Met;
  4. needs an orthorhombic, axis-aligned box (mdrun supports no other). A triclinic box stops
     the script, unless --orthorhombic-supercell is given: then the periodic system is written in
     its smallest axis-aligned orthorhombic supercell of the same lattice, which is exact (no
     cut, no overlap, the same density) but holds several copies of the cell (2 for GROMACS's
     rhombic dodecahedron: a, b and 2c - a - b). A box that needs more than --max-copies copies
     is refused;
  5. wraps the atoms into [0, L) and writes a LAMMPS data file, atom_style atomic
     (id type x y z, 6 decimals), types 1..5 = H, C, N, O, S, with a Masses section (the
     standard atomic weights mdrun takes for element names, io/element_masses.cpp);
  6. prints the counts by element before and after, what was removed, the box and the closest
     contacts (all pairs, and between different molecules, across the periodic boundaries).

    /opt/mda-venv/bin/python scripts/make_protein_data.py --orthorhombic-supercell \
        [--source GRO] [--output configs/data/adk_water.lmp]
"""

import argparse
import collections
import itertools
import os
import sys
import warnings

import MDAnalysis as mda
import MDAnalysisTests
import MDAnalysisTests.datafiles as datafiles
import numpy as np
from MDAnalysis.lib.distances import self_capped_distance

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANI2X_ELEMENTS = ["H", "C", "N", "O", "S", "F", "Cl"]
TYPE_ORDER = ["H", "C", "N", "O", "S"]  # LAMMPS types 1..5; F and Cl only if present
MASSES = {"H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "S": 32.06, "F": 18.998,
          "Cl": 35.45}  # as io/element_masses.cpp
WATER_RESNAMES = {"SOL", "WAT", "HOH", "TIP3", "TIP4", "TIP3P", "TIP4P", "SPC", "T3P", "T4P"}
LICENCE = ("no licence of its own; the package's applies: LGPL-3.0-or-later as packaged, "
           "contributions LGPL-2.1-or-later (MDAnalysisTests LICENSE)")


def counts(counter):
    ordered = sorted(counter.items(), key=lambda kv: -kv[1])
    return "{" + ", ".join(f"{k} {v}" for k, v in ordered) + "}"


def die(message):
    print(f"make_protein_data.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def normalise(symbol):
    s = str(symbol).strip()
    return s[:1].upper() + s[1:].lower() if s else ""


def load(source):
    path = getattr(datafiles, source, None) or source
    if not os.path.isfile(path):
        die(f"no such file or MDAnalysisTests.datafiles name: {source}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PDB/GRO "elements missing" warnings; handled below
        u = mda.Universe(path)
    origin = "read from the file"
    elements = None
    if hasattr(u.atoms, "elements"):
        elements = np.array([normalise(e) for e in u.atoms.elements])
        if np.any(elements == ""):
            elements = None  # incomplete (e.g. virtual sites): guess all, below
    if elements is None:
        u.guess_TopologyAttrs(context="default", to_guess=["elements"])
        elements = np.array([normalise(e) for e in u.atoms.elements])
        origin = "guessed by MDAnalysis from atom names/types"
    return u, path, elements, origin


def cross_check_with_tpr(u, path, elements):
    """The GRO of AdK has a TPR twin whose topology holds elements: compare."""
    if os.path.basename(path) != "adk_oplsaa.gro":
        return
    t = mda.Universe(datafiles.TPR)
    if t.atoms.n_atoms != u.atoms.n_atoms or np.any(t.atoms.names != u.atoms.names):
        die("adk_oplsaa.tpr does not match adk_oplsaa.gro atom for atom")
    tpr = np.array([normalise(e) for e in t.atoms.elements])
    differ = collections.Counter(
        (g, r, n) for g, r, n in zip(elements, tpr, u.atoms.names) if g != r)
    for (g, r, n), c in sorted(differ.items()):
        print(f"  element check vs adk_oplsaa.tpr: {c} x {n}: guessed '{g}', TPR '{r}'")
        if g in ANI2X_ELEMENTS or r in ANI2X_ELEMENTS:
            die("guessed elements disagree with the TPR for an ANI-2x element")
    print("  elements agree with adk_oplsaa.tpr" + (" (apart from the above, all removed)"
                                                    if differ else ""))


def box_vectors(u):
    if u.dimensions is None:
        die("the structure has no periodic box")
    # GRO boxes carry 1e-4 A (5 decimals in nm); drop float32 noise below that.
    return np.round(u.trajectory.ts.triclinic_dimensions.astype(np.float64), 4)


def orthorhombic_supercell(h, max_copies, tol=2e-3):
    """Smallest integer combination of the rows of h along x, y and z; returns (M, lengths)."""
    axis_vectors = []
    for axis in range(3):
        best = None
        for n in itertools.product(range(-3, 4), repeat=3):
            v = np.array(n, dtype=np.float64) @ h
            off = np.delete(v, axis)
            if v[axis] > tol and np.all(np.abs(off) <= tol * max(1.0, v[axis])):
                if best is None or v[axis] < best[1] - 1e-9:
                    best = (np.array(n), v[axis], np.abs(off).max())
        if best is None:
            die(f"no lattice vector of the box along axis {'xyz'[axis]} within 3 cells")
        axis_vectors.append(best)
    m = np.array([b[0] for b in axis_vectors])
    copies = int(round(abs(np.linalg.det(m))))
    if copies > max_copies:
        die(f"the smallest orthorhombic supercell holds {copies} copies (> --max-copies "
            f"{max_copies})")
    mismatch = max(b[2] for b in axis_vectors)
    return m, np.array([b[1] for b in axis_vectors]), copies, mismatch


def coset_translations(h, m, copies):
    """One lattice translation per copy of the cell in the supercell M h."""
    m_inv = np.linalg.inv(m.astype(np.float64))
    seen = {}
    for n in itertools.product(range(-copies, copies + 1), repeat=3):
        f = np.array(n, dtype=np.float64) @ m_inv
        key = tuple(np.round(f - np.floor(f + 1e-9), 6) % 1.0)
        t = np.array(n, dtype=np.float64) @ h
        if key not in seen or np.dot(t, t) < np.dot(seen[key], seen[key]) - 1e-9:
            seen[key] = t  # the shortest translation of each coset (zero for the first copy)
    if len(seen) != copies:
        die(f"internal error: {len(seen)} cosets for a supercell of {copies} copies")
    return sorted(seen.values(), key=lambda t: float(np.dot(t, t)))


def molecule_ids(kept):
    """Protein (all non-water residues) is one molecule; every water residue is one."""
    ids = np.empty(kept.n_atoms, dtype=np.int64)
    is_water = np.array([r in WATER_RESNAMES for r in kept.resnames])
    ids[~is_water] = 0
    ids[is_water] = 1 + kept.resindices[is_water]
    return ids, is_water


def closest_contacts(pos, box_lengths, mol, cutoff=2.5):
    box = np.array([*box_lengths, 90.0, 90.0, 90.0], dtype=np.float32)
    pairs, d = self_capped_distance(pos.astype(np.float32), cutoff, box=box)
    if len(d) == 0:
        die(f"no pair of atoms closer than {cutoff} A: not a condensed-phase structure")
    i = int(np.argmin(d))
    inter = mol[pairs[:, 0]] != mol[pairs[:, 1]]
    if not inter.any():
        return (float(d[i]), pairs[i]), None
    j = int(np.argmin(np.where(inter, d, np.inf)))
    return (float(d[i]), pairs[i]), (float(d[j]), pairs[j])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default="GRO",
                    help="an MDAnalysisTests.datafiles name or a path (default: GRO)")
    ap.add_argument("--output", default=os.path.join(ROOT, "configs", "data", "adk_water.lmp"))
    ap.add_argument("--orthorhombic-supercell", action="store_true",
                    help="write a triclinic box's smallest orthorhombic supercell (exact, "
                         "several copies) instead of stopping")
    ap.add_argument("--max-copies", type=int, default=2)
    args = ap.parse_args()

    u, path, elements, origin = load(args.source)
    name = os.path.basename(path)
    version = MDAnalysisTests.__version__
    print(f"source: {name} (MDAnalysisTests {version}), {u.atoms.n_atoms} particles, "
          f"elements {origin}")
    cross_check_with_tpr(u, path, elements)
    before = collections.Counter(elements)
    print("  before:", counts(before))

    keep = np.isin(elements, ANI2X_ELEMENTS)
    removed = collections.Counter(
        (e, r, n) for e, r, n in zip(elements[~keep], u.atoms.resnames[~keep],
                                     u.atoms.names[~keep]))
    removed_text = ", ".join(f"{c} {r}:{n} ({e})" for (e, r, n), c in sorted(removed.items()))
    print(f"  removed {int((~keep).sum())}: {removed_text}")
    kept = u.atoms[keep]
    el = elements[keep]
    after = collections.Counter(el)
    print("  after:", counts(after))

    # Chemistry checks.
    mol, is_water = molecule_ids(kept)
    water_el = collections.Counter(el[is_water])
    n_water = len(np.unique(kept.resindices[is_water]))
    per_water = collections.Counter(
        tuple(sorted(collections.Counter(el[kept.resindices == r]).items()))
        for r in np.unique(kept.resindices[is_water]))
    if list(per_water) != [(("H", 2), ("O", 1))]:
        die(f"water residues are not all O + 2 H: {dict(per_water)}")
    print(f"  water: {n_water} molecules, O {water_el['O']}, H {water_el['H']} (1:2)")
    prot_res = kept[~is_water].residues
    n_cys = sum(r.startswith("CY") for r in prot_res.resnames)
    n_met = sum(r == "MET" for r in prot_res.resnames)
    n_s = int(np.sum(el[~is_water] == "S"))
    if n_s != n_cys + n_met:
        die(f"protein S count {n_s} != Cys {n_cys} + Met {n_met}")
    prot_el = collections.Counter(el[~is_water])
    print(f"  protein: {len(prot_res)} residues, {int((~is_water).sum())} atoms "
          f"{counts(prot_el)}; S {n_s} = Cys {n_cys} + "
          f"Met {n_met}")

    # Box.
    h = box_vectors(u)
    off_diagonal = np.abs(h - np.diag(np.diag(h))).max()
    # MDAnalysis holds float32; 1e-4 A drops its noise (the GRO itself holds 1e-2 A).
    pos = np.round(kept.positions.astype(np.float64), 4)
    if off_diagonal <= 1e-4:
        lengths, copies, shifts, box_note = np.diag(h).copy(), 1, [np.zeros(3)], "orthorhombic"
    else:
        a, b, c, al, be, ga = u.dimensions
        kind = ("a rhombic dodecahedron" if np.allclose([al, be, ga], [60, 60, 90], atol=0.01)
                else "a truncated octahedron" if np.allclose([al, be, ga],
                                                             [70.53, 109.47, 70.53], atol=0.01)
                else "triclinic")
        msg = (f"{name} has a non-orthorhombic box: {kind} (a, b, c = {a:.3f}, {b:.3f}, "
               f"{c:.3f} A; alpha, beta, gamma = {al:.2f}, {be:.2f}, {ga:.2f} deg); mdrun "
               f"supports orthorhombic boxes only")
        if not args.orthorhombic_supercell:
            die(msg + ". Choose a structure with a rectangular box, or pass "
                "--orthorhombic-supercell to write the exact orthorhombic supercell of this "
                "lattice (several copies of the system).")
        m, lengths, copies, mismatch = orthorhombic_supercell(h, args.max_copies)
        shifts = coset_translations(h, m, copies)
        print(f"  box: {kind}; orthorhombic supercell rows {m.tolist()} of the box vectors, "
              f"{copies} copies, lengths {np.round(lengths, 4).tolist()} A (off-axis residue "
              f"{mismatch:.4f} A, below the file's coordinate precision)")
        box_note = (f"{kind} (a, b, c = {a:.3f}, {b:.3f}, {c:.3f} A; angles {al:.0f}, {be:.0f}, "
                    f"{ga:.0f}) written as its exact orthorhombic supercell {m.tolist()}: "
                    f"{copies} periodic copies of the system")
    pos = np.concatenate([pos + s for s in shifts])
    el_all = np.concatenate([el] * copies)
    mol_all = np.concatenate([mol + k * (mol.max() + 1) for k in range(copies)])
    pos -= np.floor(pos / lengths) * lengths
    pos = np.where(pos >= lengths, pos - lengths, pos)
    n = len(pos)
    volume = float(np.prod(lengths))
    mass = sum(MASSES[e] for e in el_all)
    density = mass / 6.02214076e23 / (volume * 1e-24)
    print(f"  written: {n} atoms, box {np.round(lengths, 4).tolist()} A, volume {volume:.0f} "
          f"A^3, {density:.3f} g/cm^3")

    (dmin, pmin), inter = closest_contacts(pos, lengths, mol_all)
    print(f"  closest pair: {dmin:.3f} A ({el_all[pmin[0]]}-{el_all[pmin[1]]}, one molecule)")
    if inter is not None:
        d, p = inter
        print(f"  closest pair of different molecules: {d:.3f} A "
              f"({el_all[p[0]]}-{el_all[p[1]]}), periodic boundaries included")

    types = [t for t in TYPE_ORDER + ["F", "Cl"] if t in after or t in TYPE_ORDER]
    type_of = {e: i + 1 for i, e in enumerate(types)}
    final = collections.Counter(el_all)
    lines = [
        f"# ANI-2x example: solvated adenylate kinase, {n} atoms, ions removed "
        f"(made by scripts/make_protein_data.py)",
        f"# Source: {name} of MDAnalysisTests {version} (PyPI; MDAnalysisTests.datafiles."
        f"{args.source if hasattr(datafiles, args.source) else 'path'}), E. coli AdK (PDB 4AKE:A), "
        f"OPLS-AA, TIP4P water, Na+",
        f"# Licence of the source: {LICENCE}",
        f"# Removed: {removed_text} (not H, C, N, O, S, F, Cl)",
        f"# Box: {box_note}",
        "# Atoms by element: " + ", ".join(f"{e} {final[e]}" for e in types if final[e]),
        "# Types: " + ", ".join(f"{i} {e}" for e, i in type_of.items()) +
        " (type_map: [" + ", ".join(types) + "]); coordinates wrapped into the box, A",
        "# Command: /opt/mda-venv/bin/python scripts/make_protein_data.py"
        + (" --orthorhombic-supercell" if args.orthorhombic_supercell else "")
        + ("" if args.source == "GRO" else f" --source {args.source}"),
        "",
        f"{n} atoms",
        f"{len(types)} atom types",
        f"0.0 {lengths[0]:.4f} xlo xhi",
        f"0.0 {lengths[1]:.4f} ylo yhi",
        f"0.0 {lengths[2]:.4f} zlo zhi",
        "",
        "Masses",
        "",
    ]
    lines += [f"{i} {MASSES[e]}  # {e}" for e, i in type_of.items()]
    lines += ["", "Atoms # atomic", ""]
    body = "\n".join(f"{k + 1} {type_of[e]} {x:.6f} {y:.6f} {z:.6f}"
                     for k, (e, (x, y, z)) in enumerate(zip(el_all, pos)))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n" + body + "\n")
    print(f"wrote {args.output}: {os.path.getsize(args.output)} bytes")


if __name__ == "__main__":
    main()
