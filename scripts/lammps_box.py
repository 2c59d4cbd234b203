# SPDX-License-Identifier: MIT
"""LAMMPS's restricted-triclinic box in Python, shared by the scripts that write tilted data files
for LAMMPS references (make_npt_reference.py, make_lj_mixture_triclinic.py): h and h_inv as
Domain::set_global_box computes them, and Domain::x2lamda / lamda2x in the same floating-point
operation order, so the scripts can choose positions LAMMPS reads back bit for bit."""

import itertools
import math


def ulps(value, count):
    """value moved by count ulps."""
    for _ in range(abs(count)):
        value = math.nextafter(value, math.inf if count > 0 else -math.inf)
    return value


class LammpsBox:
    """LAMMPS's restricted-triclinic box: h and h_inv as Domain::set_global_box computes them and
    Domain::x2lamda / lamda2x in the same floating-point operation order."""

    def __init__(self, lo, hi, xy, xz, yz):
        self.lo = tuple(lo)
        h0, h1, h2 = (hi[d] - lo[d] for d in range(3))
        self.h = (h0, h1, h2, yz, xz, xy)
        self.h_inv = (1.0 / h0, 1.0 / h1, 1.0 / h2, -yz / (h1 * h2),
                      (yz * xy - h1 * xz) / (h0 * h1 * h2), -xy / (h0 * h1))

    def x2lamda(self, x):
        h_inv, lo = self.h_inv, self.lo
        d0, d1, d2 = x[0] - lo[0], x[1] - lo[1], x[2] - lo[2]
        return [h_inv[0] * d0 + h_inv[5] * d1 + h_inv[4] * d2,
                h_inv[1] * d1 + h_inv[3] * d2,
                h_inv[2] * d2]

    def lamda2x(self, s):
        h, lo = self.h, self.lo
        return [h[0] * s[0] + h[5] * s[1] + h[4] * s[2] + lo[0],
                h[1] * s[1] + h[3] * s[2] + lo[1],
                h[2] * s[2] + lo[2]]

    def fixed_point(self, x):
        """Where iterating LAMMPS's x2lamda -> lamda2x from x stops, if it does within a few
        rounds and inside the cell (0 <= lamda < 1, so LAMMPS does not wrap); else None."""
        for _ in range(20):
            y = self.lamda2x(self.x2lamda(x))
            if y == x:
                return x if all(0.0 <= c < 1.0 for c in self.x2lamda(x)) else None
            x = y
        return None

    def settle(self, x):
        """A position that LAMMPS's round trip x2lamda -> lamda2x leaves unchanged, near x.
        Where the iteration from x drifts instead (a coordinate near a face, where the tilt
        terms cancel, can lose an ulp of a larger term every round), it starts again from x
        moved by a few ulps per coordinate, nearest first. The fractional coordinates change by
        rounding only (at most 1.8e-15 for lj_liquid_108.data)."""
        nudges = sorted(itertools.product(range(-4, 5), repeat=3),
                        key=lambda n: (sum(map(abs, n)), n))
        for nudge in nudges:
            start = [ulps(c, k) for c, k in zip(x, nudge)]
            y = self.fixed_point(start)
            if y is not None:
                return y
        raise SystemExit("error: no fixed point of LAMMPS's x2lamda/lamda2x near %r" % (x,))
