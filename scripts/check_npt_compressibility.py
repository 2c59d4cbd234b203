#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Does a barostat sample volume fluctuations consistent with its own compressibility?

The estimate of tests/physics/test_barostat_compressibility.cpp, for LAMMPS's fix npt or mdrun's
MTK barostat, iso or aniso: the 108-atom LJ liquid (tests/data/lj/lj_liquid_108.data) at 120 K,
Nose-Hoover chain Tdamp 0.5 ps, MTK cell Pdamp 2.0 ps, tchain 3 pchain 3, dt 10 fs, run at 300,
400 and 500 bar; the first 100 ps discarded, the volume sampled every 100 steps. Prints

    beta_fluct = <dV^2> / (kT <V>) at 400 bar   (error: scatter of 10 per-block variances)
    beta_slope = -(<V>500 - <V>300) / (<V>400 * 200 bar)   (error: 20 block means per run)

and their difference in combined standard errors. beta_slope is a chord: it exceeds the local
slope beta_fluct by kappa4 (100 bar)^2 / (6 kT^3 <V>), a few per cent here, so the script also
predicts the chord itself from the 400-bar volumes by reweighting them to 300 and 500 bar.

    scripts/check_npt_compressibility.py --engine lammps --coupling iso
    scripts/check_npt_compressibility.py --engine mdrun --coupling aniso --steps 210000

LAMMPS runs tests/data/lj/in.npt_compressibility.lmp; mdrun runs the C++ test's mtk config.
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "lj")
LIQUID = os.path.join(DATA, "lj_liquid_108.data")
KT = 8.617343e-5 * 120.0 * 1.6021765e6  # k_B T in bar*A^3 (metal units, 120 K)
DISCARDED = 10000  # steps: the first 100 ps

MDRUN_CONFIG = """structure: {{file: lj_liquid_108.data, type_map: [Ar]}}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}}]
run: {{steps: {steps}, dt_fs: 10.0}}
neighbor: {{skin_A: 1.0}}
velocity: {{create: {{temperature_K: 120, seed: {seed}}}}}
integrator:
  type: npt
  thermostat: {{type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.5, chain: 3}}
  barostat: {{type: mtk, tau_ps: 2.0, chain: 3, coupling: {coupling}, pressure_bar: {press}}}
thermo: {{every: 100, columns: [step, vol, lx, ly, lz]}}
output: {{write_final_data: false}}
"""


def thermo_rows(text):
    """(step, volume, lx, ly, lz) rows of the thermo table(s) in a LAMMPS or mdrun log."""
    rows, header = [], None
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["Step"]:
            header = words
            continue
        if words[:1] == ["Loop"]:
            header = None
        if header is None or len(words) != len(header):
            continue
        try:
            values = [float(w) for w in words]
        except ValueError:
            continue
        rows.append([values[header.index(k)] for k in ("Step", "Volume", "Lx", "Ly", "Lz")])
    return rows


def run(engine, coupling, press, steps, seed, mdrun, lmp):
    """Volumes (A^3) and box lengths (A), every 100 steps from step DISCARDED on."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as work:
        if engine == "lammps":
            command = [lmp, "-in", os.path.join(DATA, "in.npt_compressibility.lmp"),
                       "-var", "data", LIQUID, "-var", "seed", str(seed),
                       "-var", "coupling", coupling, "-var", "press", str(press),
                       "-var", "nrun", str(steps), "-log", "none"]
        else:
            shutil.copy(LIQUID, work)
            with open(os.path.join(work, "npt.yaml"), "w", encoding="utf-8") as f:
                f.write(MDRUN_CONFIG.format(
                    steps=steps, seed=seed, press=press,
                    coupling={"iso": "isotropic", "aniso": "anisotropic"}[coupling]))
            command = [mdrun, "--config", "npt.yaml"]
        out = subprocess.run(command, cwd=work, env=env, check=True, capture_output=True,
                             text=True).stdout
    rows = np.array(thermo_rows(out))
    rows = rows[rows[:, 0] >= DISCARDED]
    return rows[:, 1], rows[:, 2:]


def blocks(x, count):
    """x cut into `count` equal consecutive blocks (the tail that does not fit dropped)."""
    n = len(x) // count
    return x[:n * count].reshape(count, n)


def block_error(x, count=20):
    """Standard error of the mean from the scatter of block means."""
    return np.sqrt(blocks(x, count).mean(axis=1).var() / (count - 1))


def variance_error(x, count=10):
    """Standard error of the (population) variance from the scatter of per-block variances."""
    return np.sqrt(blocks(x, count).var(axis=1).var() / (count - 1))


def reweighted_slope(v, v_ref, dp=100.0):
    """beta_slope predicted from the 400-bar volumes alone: <V> at 400 -+ dp bar by reweighting
    with exp(-dP V / kT), exact for any ensemble exp(-P V / kT) Omega(V). The chord exceeds the
    local slope beta_fluct by kappa4 dp^2 / (6 kT^3 <V>) (kappa4: the fourth cumulant of V)."""
    def mean_at(delta):
        w = np.exp(-delta * (v - v.mean()) / KT)
        return (w * v).sum() / w.sum()
    return -(mean_at(dp) - mean_at(-dp)) / (2.0 * dp * v_ref)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["lammps", "mdrun"], required=True)
    parser.add_argument("--coupling", choices=["iso", "aniso"], default="iso")
    parser.add_argument("--steps", type=int, default=410000, help="steps per run (10 fs)")
    parser.add_argument("--seed", type=int, default=31, help="velocity seed (all three runs)")
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build", "apps", "mdrun", "mdrun"))
    parser.add_argument("--lmp", default="lmp")
    args = parser.parse_args()

    volume = {}
    for press in (300.0, 400.0, 500.0):
        start = time.time()
        volume[press], lengths = run(args.engine, args.coupling, press, args.steps, args.seed,
                                     args.mdrun, args.lmp)
        # aniso: a liquid has no restoring force on the cell's shape, which can wander off.
        aspect = lengths.max(axis=1) / lengths.min(axis=1)
        print("%s %s %.0f bar: <V> = %.2f +- %.2f A^3, sd %.2f A^3, %d samples, "
              "Lmax/Lmin mean %.2f max %.2f (shortest %.2f A), %.0f s"
              % (args.engine, args.coupling, press, volume[press].mean(),
                 block_error(volume[press]), volume[press].std(), len(volume[press]),
                 aspect.mean(), aspect.max(), lengths.min(), time.time() - start), flush=True)

    low, mid, high = volume[300.0], volume[400.0], volume[500.0]
    fluct = mid.var() / (KT * mid.mean())
    fluct_error = variance_error(mid) / (KT * mid.mean())
    slope = -(high.mean() - low.mean()) / (mid.mean() * 200.0)
    slope_error = np.hypot(block_error(high), block_error(low)) / (mid.mean() * 200.0)
    sigma = abs(fluct - slope) / np.hypot(fluct_error, slope_error)
    reweighted = reweighted_slope(mid, mid.mean())
    reweighted_error = np.sqrt(np.var([reweighted_slope(b, mid.mean()) for b in blocks(mid, 10)])
                               / 9.0)
    d = mid - mid.mean()
    skew, kurt = (d**3).mean() / mid.var()**1.5, (d**4).mean() / mid.var()**2 - 3.0
    print("%s %s, %d steps/run, seed %d: beta_fluct %.3e +- %.1e /bar, beta_slope %.3e +- %.1e "
          "/bar, ratio %.3f (%.1f sigma)" % (args.engine, args.coupling, args.steps, args.seed,
                                              fluct, fluct_error, slope, slope_error,
                                              fluct / slope, sigma))
    print("  400-bar V: skewness %.2f, excess kurtosis %.2f; beta_slope reweighted from it "
          "%.3e +- %.1e /bar, ratio to beta_slope %.3f (%.1f sigma)"
          % (skew, kurt, reweighted, reweighted_error, reweighted / slope,
             abs(reweighted - slope) / np.hypot(reweighted_error, slope_error)))


if __name__ == "__main__":
    main()
