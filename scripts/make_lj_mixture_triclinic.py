#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the Lennard-Jones Ar/Kr mixture in a strongly tilted cell (tests/data/lj/).

The system checks triclinic boxes and more than one atom type against LAMMPS
(tests/data/lj/golden/lj_mixture_triclinic.json, written by scripts/update_lj_goldens.sh):

  - a restricted-triclinic cell, a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz), with tilts
    xy = +0.40 lx, xz = -0.35 lx, yz = +0.30 ly (rounded to 1/8 A; inside LAMMPS's +-0.5 limits,
    so no `box tilt large`) and a non-zero origin; every perpendicular width is more than twice
    cutoff + skin;
  - 5 x 6 x 11 fcc cells (1320 sites) laid out in FRACTIONAL coordinates (a sheared fcc, so the
    spacing follows the tilted cell), offset by a quarter of a lattice cell from the faces, at
    0.017 atoms/A^3; each atom displaced by a Gaussian of 0.03 sigma_11 per Cartesian component;
  - types drawn at random: exactly round(0.3 N) atoms are type 2 (krypton-like, 83.798 amu), the
    rest type 1 (argon-like, 39.948 amu);
  - Maxwell (Gaussian) velocities at 100 K with each atom's own mass, total momentum removed, then
    scaled so that the kinetic temperature with 3N - 3 degrees of freedom is exactly 100 K.

Bit-identical start: LAMMPS keeps the atoms of a triclinic box in Cartesian coordinates but maps
them to fractional ("lamda") coordinates and back on read_data and at every re-neighbouring
(Domain::x2lamda / lamda2x), which may move the last bit. The positions written here are fixed
points of that round trip, computed with LAMMPS's own operation order (Domain::set_global_box for
h and h_inv), so LAMMPS starts from exactly the numbers in the file; update_lj_goldens.sh checks
that against a step-0 dump. Every number is written with repr() (shortest exact round trip).

The minimum pair distance (minimum image over the 27 neighbouring cells) is checked to be at least
0.9 sigma_ij for every pair of types.

Determinism: only Python's `random.random()` drives the generator (Box-Muller done here), as in
scripts/make_lj_liquid.py; numpy is used only for the distance check. The committed data file, not
this script, is the reference.

Usage: scripts/make_lj_mixture_triclinic.py [-o tests/data/lj/lj_mixture_triclinic.data]
                                            [--cells 5 6 11] [--seed 20261121] [--density 0.017]
"""

import argparse
import math
import random
import sys

import numpy as np

from lammps_box import LammpsBox

# LAMMPS `units metal` constants (src/update.cpp), the same as mdrun's core/units.hpp.
BOLTZ = 8.617343e-5  # eV/K
MVV2E = 1.0364269e-4  # amu A^2/ps^2 -> eV

MASSES = {1: 39.948, 2: 83.798}  # amu: argon-like, krypton-like
# sigma_ij in A, the same as tests/data/lj/in.lj_mixture_triclinic.lmp (used here only for the
# distance check).
SIGMA = {(1, 1): 3.405, (2, 2): 3.65, (1, 2): 3.52}
FRACTION_TYPE2 = 0.3
TEMPERATURE = 100.0  # K
DISPLACEMENT_SIGMA = 0.03  # in units of sigma_11, per Cartesian component
MIN_DISTANCE_SIGMA = 0.9  # required: every pair at least this many sigma_ij apart

# The cell: edges in the ratio EDGE_RATIOS at the number density DENSITY, tilts TILT_FRACTIONS of
# the edges, every box number rounded to 1/8 A (exact in binary: hi - lo and the tilts are exact).
DENSITY = 0.017  # atoms / A^3 (rho* = 0.71 with the one-fluid sigma^3 of this mixture)
ORIGIN = (-2.5, 1.25, -0.75)  # xlo ylo zlo, A
EDGE_RATIOS = (1.02, 1.0, 0.98)  # lx : ly : lz
TILT_FRACTIONS = (0.40, -0.35, 0.30)  # xy/lx, xz/lx, yz/ly
CUTOFF = 8.5125  # A
SKIN = 1.0  # A
# fcc cells along a, b, c (4 atoms each). A lattice laid out in fractional coordinates is sheared
# with the cell; 5 x 6 x 11 gave the widest nearest-neighbour spacing (4.13 A = 1.13 sigma_22 in
# this cell) in a scan of sc, bcc and fcc counts with 1000 <= N <= 1500 in cells of these tilts.
DEFAULT_CELLS = (5, 6, 11)

FCC_BASIS = ((0.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.5, 0.0, 0.5), (0.0, 0.5, 0.5))


class Gaussian:
    """Standard normal deviates from random.random() by the Box-Muller transform."""

    def __init__(self, rng):
        self.rng = rng
        self.spare = None

    def __call__(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = 1.0 - self.rng.random()  # (0, 1]: log is finite
        u2 = self.rng.random()
        radius = math.sqrt(-2.0 * math.log(u1))
        self.spare = radius * math.sin(2.0 * math.pi * u2)
        return radius * math.cos(2.0 * math.pi * u2)


class Box(LammpsBox):
    """LAMMPS's box (scripts/lammps_box.py) with the numpy views this script needs."""

    def __init__(self, lo, hi, xy, xz, yz):
        super().__init__(lo, hi, xy, xz, yz)
        self.hi = tuple(hi)
        self.xy, self.xz, self.yz = xy, xz, yz

    def matrix(self):
        """Rows are the cell vectors a, b, c."""
        h = self.h
        return np.array([[h[0], 0.0, 0.0], [h[5], h[1], 0.0], [h[4], h[3], h[2]]])

    def widths(self):
        """Perpendicular distances between opposite faces (x, y, z)."""
        a, b, c = self.matrix()
        volume = abs(np.dot(a, np.cross(b, c)))
        return [volume / np.linalg.norm(np.cross(b, c)), volume / np.linalg.norm(np.cross(c, a)),
                volume / np.linalg.norm(np.cross(a, b))]


def eighths(value):
    return round(8.0 * value) / 8.0


def make_box(cells, density):
    natoms = len(FCC_BASIS) * cells[0] * cells[1] * cells[2]
    edge = (natoms / density / (EDGE_RATIOS[0] * EDGE_RATIOS[1] * EDGE_RATIOS[2])) ** (1.0 / 3.0)
    lengths = [eighths(edge * ratio) for ratio in EDGE_RATIOS]
    hi = [ORIGIN[d] + lengths[d] for d in range(3)]
    xy = eighths(TILT_FRACTIONS[0] * lengths[0])
    xz = eighths(TILT_FRACTIONS[1] * lengths[0])
    yz = eighths(TILT_FRACTIONS[2] * lengths[1])
    return Box(ORIGIN, hi, xy, xz, yz)


def settle(box, x):
    """A position that LAMMPS's x2lamda -> remap -> lamda2x leaves unchanged, strictly inside."""
    for _ in range(50):
        s = box.x2lamda(x)
        if not all(0.0 < c < 1.0 for c in s):
            return None
        y = box.lamda2x(s)
        if y == x:
            return x
        x = y
    return None


def build(cells, seed, density):
    rng = random.Random(seed)
    gauss = Gaussian(rng)
    box = make_box(cells, density)
    step = DISPLACEMENT_SIGMA * SIGMA[(1, 1)]
    positions = []
    n0, n1, n2 = cells
    for i0 in range(n0):
        for i1 in range(n1):
            for i2 in range(n2):
                for b0, b1, b2 in FCC_BASIS:
                    frac = ((i0 + b0 + 0.25) / n0, (i1 + b1 + 0.25) / n1, (i2 + b2 + 0.25) / n2)
                    site = box.lamda2x(frac)
                    while True:
                        x = [site[d] + step * gauss() for d in range(3)]
                        s = box.x2lamda(x)
                        s = [v - math.floor(v) for v in s]  # wrap into the cell
                        settled = settle(box, box.lamda2x(s))
                        if settled is not None:
                            break  # else (a coordinate on a face): draw again
                    positions.append(settled)
    n = len(positions)

    n2 = round(FRACTION_TYPE2 * n)
    keys = [rng.random() for _ in range(n)]
    type2 = set(sorted(range(n), key=lambda i: (keys[i], i))[:n2])
    types = [2 if i in type2 else 1 for i in range(n)]

    masses = [MASSES[t] for t in types]
    velocities = []
    for m in masses:
        v_scale = math.sqrt(BOLTZ * TEMPERATURE / (m * MVV2E))  # A/ps per unit normal deviate
        velocities.append([v_scale * gauss() for _ in range(3)])
    total_mass = math.fsum(masses)
    for d in range(3):  # zero total momentum
        v_cm = math.fsum(m * v[d] for m, v in zip(masses, velocities)) / total_mass
        for v in velocities:
            v[d] -= v_cm
    twice_ke = MVV2E * math.fsum(m * (v[0] ** 2 + v[1] ** 2 + v[2] ** 2)
                                 for m, v in zip(masses, velocities))
    factor = math.sqrt(TEMPERATURE / (twice_ke / ((3 * n - 3) * BOLTZ)))
    velocities = [[factor * c for c in v] for v in velocities]
    return box, positions, types, velocities


def check(box, positions, types, velocities):
    """Widths, minimum distances (per pair of types, minimum image over 27 cells), momentum."""
    widths = box.widths()
    need = 2.0 * (CUTOFF + SKIN)
    if min(widths) <= need:
        raise SystemExit(f"error: perpendicular widths {widths} not all > 2 (rc + skin) = {need}")
    for name, lim in (("xy", box.h[0]), ("xz", box.h[0]), ("yz", box.h[1])):
        tilt = {"xy": box.xy, "xz": box.xz, "yz": box.yz}[name]
        if abs(tilt) > 0.5 * lim:
            raise SystemExit(f"error: tilt {name} = {tilt} beyond LAMMPS's 0.5 limit")

    x = np.array(positions)
    t = np.array(types)
    cell = box.matrix()
    frac = (x - np.array(box.lo)) @ np.linalg.inv(cell)
    sig = np.zeros((3, 3))
    for (i, j), s in SIGMA.items():
        sig[i, j] = sig[j, i] = s
    n = len(x)
    min_r = np.inf
    min_ratio = np.inf
    shifts = np.array([(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)])
    for start in range(0, n, 200):
        block = slice(start, min(n, start + 200))
        ds = frac[block, None, :] - frac[None, :, :]
        ds -= np.round(ds)
        best = np.full(ds.shape[:2], np.inf)
        for shift in shifts:
            dr = (ds + shift) @ cell
            best = np.minimum(best, np.einsum("ijk,ijk->ij", dr, dr))
        rows = np.arange(block.start, block.stop)
        best[rows - block.start, rows] = np.inf  # self
        r = np.sqrt(best)
        min_r = min(min_r, r.min())
        min_ratio = min(min_ratio, (r / sig[t[block, None], t[None, :]]).min())
    if min_ratio < MIN_DISTANCE_SIGMA:
        raise SystemExit(f"error: minimum pair distance {min_ratio:.3f} sigma_ij "
                         f"< {MIN_DISTANCE_SIGMA}")

    m = np.array([MASSES[v] for v in types])
    momentum = (m[:, None] * np.array(velocities)).sum(axis=0)
    return widths, min_r, min_ratio, momentum


def write(path, cells, seed, box, positions, types, velocities):
    n = len(positions)
    n2 = types.count(2)
    lines = [
        f"LJ Ar/Kr mixture (metal units) in a tilted cell: {'x'.join(map(str, cells))} fcc cells "
        f"in fractional coordinates, "
        f"{n2} of {n} atoms type 2, T={TEMPERATURE} K, seed={seed}; "
        f"written by scripts/make_lj_mixture_triclinic.py",
        "",
        f"{n} atoms",
        "2 atom types",
        "",
        f"{box.lo[0]!r} {box.hi[0]!r} xlo xhi",
        f"{box.lo[1]!r} {box.hi[1]!r} ylo yhi",
        f"{box.lo[2]!r} {box.hi[2]!r} zlo zhi",
        f"{box.xy!r} {box.xz!r} {box.yz!r} xy xz yz",
        "",
        "Masses",
        "",
        f"1 {MASSES[1]!r}",
        f"2 {MASSES[2]!r}",
        "",
        "Atoms # atomic",
        "",
    ]
    lines += [f"{i + 1} {t} {x!r} {y!r} {z!r}"
              for i, (t, (x, y, z)) in enumerate(zip(types, positions))]
    lines += ["", "Velocities", ""]
    lines += [f"{i + 1} {x!r} {y!r} {z!r}" for i, (x, y, z) in enumerate(velocities)]
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default="tests/data/lj/lj_mixture_triclinic.data")
    parser.add_argument("--cells", type=int, nargs=3, default=DEFAULT_CELLS, metavar="N",
                        help="fcc cells along a, b, c (4 atoms each)")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--density", type=float, default=DENSITY, help="atoms / A^3")
    args = parser.parse_args(argv)
    box, positions, types, velocities = build(args.cells, args.seed, args.density)
    widths, min_r, min_ratio, momentum = check(box, positions, types, velocities)
    write(args.output, args.cells, args.seed, box, positions, types, velocities)
    print(f"wrote {args.output}: {len(positions)} atoms ({types.count(2)} type 2), "
          f"lo = {list(box.lo)}, hi = {list(box.hi)}, xy xz yz = {box.xy!r} {box.xz!r} {box.yz!r}")
    print(f"  perpendicular widths {[round(w, 4) for w in widths]} A "
          f"(> 2 (rc + skin) = {2 * (CUTOFF + SKIN)}); min pair distance {min_r:.4f} A, "
          f"{min_ratio:.4f} sigma_ij; total momentum {momentum.tolist()} amu A/ps")


if __name__ == "__main__":
    main(sys.argv[1:])
