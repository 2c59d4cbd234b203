#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Speed of mdrun's ANI-2x against TorchANI on one core: the same model, the same water boxes.

Model: ANI-2x member 0 (mdrun: models/ani2x_member0.h5; TorchANI: the same NeuroChem files,
shared/data/ani-2x, loaded by its own reader as in scripts/make_ani_references.py). Boxes:
configs/data/water.lmp (192 atoms) replicated n x n x n by each engine, periodic. One thread each
(torch.set_num_threads(1); OPENBLAS_NUM_THREADS=1).

TorchANI: energy and forces (autograd) per call, its neighbour list rebuilt inside every call (it
keeps none between calls), in float32 and float64 and with several of its neighbour lists; the
fastest is TorchANI's best CPU setting and the one compared. mdrun: NVE MD steps (velocity
Verlet, neighbour list with a 1 A skin checked every step, forces every step), the step loop's
wall time from the JSON summary, in double and in mixed precision (float AEVs and networks, as
TorchANI's float32, with double sums). Each mdrun precision is compared with TorchANI's fastest
setting overall, and double also with TorchANI's fastest float64 setting. Both are timed after a warm-up; the engines alternate, REPEATS
times; medians of microseconds per step (call) per atom.

    /opt/ani-venv/bin/python scripts/bench_vs_torchani.py [--sizes 1 2] [--steps 20] [--repeats 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_ani_references as refs  # noqa: E402  (TorchANI model assembly, water box reader)
import torch  # noqa: E402
from torchani.neighbors import _parse_neighborlist  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEIGHBOR_LISTS = ["all_pairs", "cell_list"]  # fast_cell_list needs a compiled extension
MDRUN_PRECISIONS = ["double", "mixed"]


def replicated_water(n):
    base = refs.water_box()
    cell = base["cell"]
    elements, positions = [], []
    for i in range(n):
        for j in range(n):
            for k in range(n):
                shift = [i * cell[0][0], j * cell[1][1], k * cell[2][2]]
                for e, p in zip(base["elements"], base["positions"]):
                    elements.append(e)
                    positions.append([p[a] + shift[a] for a in range(3)])
    big = [[cell[a][b] * n for b in range(3)] for a in range(3)]
    return elements, positions, big


def torchani_time(model, elements, positions, cell, dtype, calls):
    species = torch.tensor([[refs.ATOMIC_NUMBER[e] for e in elements]], dtype=torch.long)
    x = torch.tensor(positions, dtype=dtype).unsqueeze(0)
    cell_t = torch.tensor(cell, dtype=dtype)
    pbc = torch.tensor([True, True, True])

    def call():
        xg = x.clone().requires_grad_(True)
        energy = model((species, xg), cell=cell_t, pbc=pbc).energies.sum()
        (grad,) = torch.autograd.grad(energy, xg)
        return grad

    for _ in range(2):
        call()
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls / len(elements) * 1e6


def mdrun_time(mdrun, n, steps, work, precision):
    config = os.path.join(work, "ani_%d.yaml" % n)
    with open(config, "w", encoding="utf-8") as f:
        f.write("structure: {file: %s, type_map: [O, H], replicate: [%d, %d, %d]}\n"
                % (os.path.join(ROOT, "configs", "data", "water.lmp"), n, n, n))
        f.write("potential: {type: ani, model: %s, precision: %s}\n"
                % (os.path.join(ROOT, "models", "ani2x_member0.h5"), precision))
        f.write("run: {steps: %d, dt_fs: 0.5, backend: cpu}\nneighbor: {skin_A: 1.0}\n" % steps)
        f.write("velocity: {create: {temperature_K: 300, seed: 4928459}}\n")
        f.write("thermo: {every: %d}\noutput: {write_final_data: false, summary_json: s_%d.json}\n"
                % (steps, n))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    subprocess.run([mdrun, "--config", config], cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(work, "s_%d.json" % n), encoding="utf-8") as f:
        summary = json.load(f)
    return summary["wall_time_s"] / steps / (192 * n ** 3) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build", "apps", "mdrun", "mdrun"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    info = refs.neurochem_info(os.path.join(ROOT, "..", "shared", "data", "ani-2x"))
    # TorchANI as it ships: float32-held constants, its own CELU.
    model64, _ = refs.build_model(info, 0, float64_constants=False, exact_celu=False)
    variants = {}
    for nl in NEIGHBOR_LISTS:
        for dtype in (torch.float32, torch.float64):
            m = refs.build_model(info, 0, float64_constants=False, exact_celu=False)[0]
            m = m.float() if dtype == torch.float32 else m
            m.aev_computer.neighborlist = _parse_neighborlist(nl)
            variants["%s/%s" % (nl, str(dtype).replace("torch.", ""))] = (m, dtype)
    del model64
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    version = subprocess.run([args.mdrun, "--version"], capture_output=True, text=True).stdout.strip()
    print("CPU: %s; one thread each; torch %s, torchani %s; %s; %d repeats, medians"
          % (cpu, torch.__version__, refs.torchani.__version__, version, args.repeats))
    with tempfile.TemporaryDirectory() as work:
        for n in args.sizes:
            elements, positions, cell = replicated_water(n)
            times = {name: [] for name in variants}
            for precision in MDRUN_PRECISIONS:
                times["mdrun/" + precision] = []
            for _ in range(args.repeats):
                for name, (m, dtype) in variants.items():
                    times[name].append(torchani_time(m, elements, positions, cell, dtype,
                                                     max(3, args.steps // 4)))
                for precision in MDRUN_PRECISIONS:
                    times["mdrun/" + precision].append(
                        mdrun_time(args.mdrun, n, args.steps, work, precision))
            med = {name: statistics.median(t) for name, t in times.items()}
            torchani = {k: v for k, v in med.items() if not k.startswith("mdrun")}
            best = min((v, k) for k, v in torchani.items())
            best64 = min((v, k) for k, v in torchani.items() if k.endswith("float64"))
            print("%d atoms: " % len(elements) + ", ".join(
                "%s %.1f" % (k, v) for k, v in med.items()) + " us/step/atom")
            for precision in MDRUN_PRECISIONS:
                t = med["mdrun/" + precision]
                print("  mdrun %s %.1f: %.2fx TorchANI's fastest (%s %.1f)"
                      % (precision, t, best[0] / t, best[1], best[0]))
            print("  mdrun double vs TorchANI's fastest float64 (%s %.1f): %.2fx"
                  % (best64[1], best64[0], best64[0] / med["mdrun/double"]))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
