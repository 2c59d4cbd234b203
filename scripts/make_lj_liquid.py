#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the Lennard-Jones liquid used to validate mdrun against LAMMPS (tests/data/lj/).

The system is the classic LAMMPS `bench/in.lj` state mapped onto argon in `metal` units:

  - fcc lattice, `--cells` x `--cells` x `--cells` cubic cells (default 10: 4,000 atoms) at reduced
    density rho* = 0.8442, i.e. lattice constant a = (4 / rho*)^(1/3) sigma;
  - sigma = 3.405 A, epsilon = 0.0103 eV (epsilon/k_B = 119.5 K), m = 39.948 amu (argon);
  - every atom displaced from its site by a Gaussian of standard deviation 0.05 sigma per
    component, so that forces are not zero by symmetry and the crystal melts;
  - Gaussian velocities at T* = 1.44 (172.1 K with LAMMPS's k_B), net momentum removed, then scaled
    so that the kinetic temperature with 3N - 3 degrees of freedom (LAMMPS's `compute temp`) is
    exactly T.

Both engines read the positions and velocities from this file, so they start from bit-identical
state: positions are wrapped into [0, L) here (LAMMPS would otherwise wrap them on `read_data`,
which is itself a floating-point operation) and every number is written with 17 significant
digits, which round-trips an IEEE double exactly.

Determinism: only Python's `random.random()` is used (the one stream Python guarantees to be
reproducible for a given seed across versions), with Box-Muller done here, so the same seed gives
the same file. `math.log/cos/sqrt` come from the C library; a different libm could change the last
digit, which is why the generated file itself is committed and is the reference, not this script.

Usage: scripts/make_lj_liquid.py [-o tests/data/lj/lj_liquid.data] [--cells 10] [--seed 20240611]
"""

import argparse
import math
import random
import sys

# LAMMPS `units metal` constants (src/update.cpp), the same as mdrun's core/units.hpp.
BOLTZ = 8.617343e-5  # eV/K
MVV2E = 1.0364269e-4  # amu A^2/ps^2 -> eV

SIGMA = 3.405  # A
EPSILON = 0.0103  # eV
MASS = 39.948  # amu
RHO_STAR = 0.8442
T_STAR = 1.44
DISPLACEMENT_SIGMA = 0.05  # in units of sigma, per Cartesian component

FCC_BASIS = ((0.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.5, 0.0, 0.5), (0.0, 0.5, 0.5))


class Gaussian:
    """Standard normal deviates from random.random() by the Box-Muller transform."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
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


def build(cells, seed):
    gauss = Gaussian(seed)
    a = (4.0 / RHO_STAR) ** (1.0 / 3.0) * SIGMA
    length = cells * a
    positions = []
    for ix in range(cells):
        for iy in range(cells):
            for iz in range(cells):
                for bx, by, bz in FCC_BASIS:
                    # Sites offset by a/4 so that no site sits on a box face.
                    site = ((ix + bx + 0.25) * a, (iy + by + 0.25) * a, (iz + bz + 0.25) * a)
                    atom = []
                    for c in site:
                        x = c + DISPLACEMENT_SIGMA * SIGMA * gauss()
                        x -= math.floor(x / length) * length
                        if not 0.0 <= x < length:  # x == length after rounding
                            x = 0.0
                        atom.append(x)
                    positions.append(atom)
    n = len(positions)

    temperature = T_STAR * EPSILON / BOLTZ
    v_scale = math.sqrt(BOLTZ * temperature / (MASS * MVV2E))  # A/ps per unit normal deviate
    velocities = [[v_scale * gauss() for _ in range(3)] for _ in range(n)]
    for d in range(3):  # equal masses: zero momentum = zero mean velocity
        mean = math.fsum(v[d] for v in velocities) / n
        for v in velocities:
            v[d] -= mean
    twice_ke = MASS * MVV2E * math.fsum(v[0] ** 2 + v[1] ** 2 + v[2] ** 2 for v in velocities)
    current_t = twice_ke / ((3 * n - 3) * BOLTZ)
    factor = math.sqrt(temperature / current_t)
    velocities = [[factor * c for c in v] for v in velocities]
    return length, positions, velocities, temperature


def write(path, cells, seed, length, positions, velocities, temperature):
    n = len(positions)
    lines = [
        f"LJ liquid (argon, metal units): {cells}^3 fcc cells, rho*={RHO_STAR}, T*={T_STAR} "
        f"({temperature:.6g} K), sigma={SIGMA} A, epsilon={EPSILON} eV, seed={seed}; "
        f"written by scripts/make_lj_liquid.py",
        "",
        f"{n} atoms",
        "1 atom types",
        "",
        f"0 {length:.17g} xlo xhi",
        f"0 {length:.17g} ylo yhi",
        f"0 {length:.17g} zlo zhi",
        "",
        "Masses",
        "",
        f"1 {MASS:.17g}",
        "",
        "Atoms # atomic",
        "",
    ]
    lines += [f"{i + 1} 1 {x:.17g} {y:.17g} {z:.17g}" for i, (x, y, z) in enumerate(positions)]
    lines += ["", "Velocities", ""]
    lines += [f"{i + 1} {x:.17g} {y:.17g} {z:.17g}" for i, (x, y, z) in enumerate(velocities)]
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default="tests/data/lj/lj_liquid.data")
    parser.add_argument("--cells", type=int, default=10, help="fcc cells per edge (4 atoms each)")
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args(argv)
    if args.cells < 3:
        parser.error("--cells must be >= 3 (box edge must exceed twice the 2.5 sigma cutoff + skin)")
    length, positions, velocities, temperature = build(args.cells, args.seed)
    write(args.output, args.cells, args.seed, length, positions, velocities, temperature)
    print(f"wrote {args.output}: {len(positions)} atoms, L = {length:.6f} A, T = {temperature:.4f} K")


if __name__ == "__main__":
    main(sys.argv[1:])
