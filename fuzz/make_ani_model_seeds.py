#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the small ANI model seeds of fuzz/corpus/ani_model/ with the writer of
scripts/ani2h5.py (docs/model-format.md section 9), tiny networks of random weights:

    /usr/bin/python3 fuzz/make_ani_model_seeds.py fuzz/corpus/ani_model

  tiny_two_members.h5  H, O; two members; an AEV of 2 x 2 radial + 3 x 4 angular = 16 values;
                       float32 weights, widths differing per element (H 16-6-4-1, O 16-5-3-1),
                       variable-length UTF-8 strings: the shipped file's layout in miniature
  tiny_gzip_fixed.h5   H, C, Cl; one member (ensemble_index 5); an AEV of 3 x 2 + 6 x 2 = 18;
                       float64 weights compressed (ani2h5.py --gzip), cutoffs of shape [1],
                       /elements as fixed-length space-padded strings (the reader takes those too)

The shipped models/ani2x_member0.h5 (6.9 MB) is too large for a seed; fuzz/h5_to_fuzz_json.py
describes it for the structure-aware corpus instead. The output is deterministic.
"""
import importlib.util
import os
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("ani2h5", os.path.join(ROOT, "scripts", "ani2h5.py"))
ani2h5 = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ani2h5)


def aev_length(params, n):
    radial = len(params["EtaR"]) * len(params["ShfR"])
    angular = len(params["EtaA"]) * len(params["Zeta"]) * len(params["ShfA"]) * len(params["ShfZ"])
    return n * radial + n * (n + 1) // 2 * angular


def network(rng, widths, dtype):
    """[(weight [n_out][n_in], bias [n_out], activation)] for widths n_0, n_1, ..., 1."""
    layers = []
    for l, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        weight = (0.1 * rng.standard_normal((n_out, n_in))).astype(dtype)
        bias = (0.1 * rng.standard_normal(n_out)).astype(dtype)
        layers.append((weight, bias, "identity" if l + 2 == len(widths) else "celu"))
    return layers


def write(path, elements, self_energies, params, hidden, members, dtype, gzip, source):
    rng = np.random.default_rng(20261205)
    n_aev = aev_length(params, len(elements))
    networks = [{el: network(rng, [n_aev, *hidden[el], 1], dtype) for el in elements}
                for _ in members]
    if os.path.exists(path):
        os.remove(path)
    ani2h5.write_model(path, elements, self_energies, params, networks, members, source, gzip)


def fixed_length_elements(path, elements, size):
    """Replaces /elements by fixed-length, space-padded strings of `size` bytes."""
    with h5py.File(path, "r+") as f:
        del f["elements"]
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(size)
        tid.set_strpad(h5py.h5t.STR_SPACEPAD)
        space = h5py.h5s.create_simple((len(elements),))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_obj_track_times(False)
        ds = h5py.h5d.create(f.id, b"elements", tid, space, dcpl)
        ds.write(h5py.h5s.ALL, h5py.h5s.ALL,
                 np.array([e.ljust(size) for e in elements], dtype=f"S{size}"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    params = {"Rcr": 5.1, "Rca": 3.5, "EtaR": [19.7], "ShfR": [0.8, 2.0], "Zeta": [14.1],
              "ShfZ": [0.39, 1.96], "EtaA": [12.5], "ShfA": [0.8, 2.2]}
    write(os.path.join(out, "tiny_two_members.h5"), ["H", "O"], [-0.5978, -75.0362], params,
          {"H": [6, 4], "O": [5, 3]}, [0, 1], np.float32, False, "fuzz seed: random weights")
    params = dict(params, Rcr=[5.2], Rca=[3.5], ShfZ=[0.78], ShfA=[0.9, 1.55])
    elements = ["H", "C", "Cl"]
    path = os.path.join(out, "tiny_gzip_fixed.h5")
    write(path, elements, [-0.5978, -38.0841, -460.1168], params,
          {"H": [4], "C": [3], "Cl": [2]}, [5], np.float64, True,
          "fuzz seed: random weights, gzip")
    fixed_length_elements(path, elements, 3)


if __name__ == "__main__":
    main()
