#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a DeePMD-kit se_e2_a energy model with random weights, in the native `.dp` layout.

The model dict has exactly the keys DeePMD-kit 3.x serialises for a standard se_e2_a + ener
model (Model 2, Descriptor 2, Fitting 2, NetworkCollection 1, EmbeddingNetwork 2,
FittingNetwork 1, Layer 1), so DeePMD-kit itself can load the file (that is how the references in
tests/data/models/ were made) and mdrun's reader sees the same structure as in a trained model.
Weights follow DeePMD-kit's initialisation: N(0, 1/sqrt(n_in + n_out)); timesteps `idt` are near
0.1 as in TF-trained models. davg/dstd default to statistics of liquid water (the values of the
DeePMD-kit test model deeppot_sea), so the embedding input s̃ stays O(1) for water-like systems.

Used for the small committed test models (tests/data/models/README.md lists the commands) and for
the production-size benchmark model (scripts/bench_deepmd_cpu.sh):

  /usr/bin/python3 scripts/make_random_dp_model.py out.dp --neuron 25 50 100 --axis-neuron 16 \
      --fitting 240 240 240 --sel 46 92 --rcut 6.0 --rcut-smth 0.5 --seed 1
"""

import argparse
import json
import sys

import h5py
import numpy as np

# Radial / angular statistics of liquid water (O, H centres) from deeppot_sea: mean of s = sw/r
# over all slots (padding included), its standard deviation, and that of the angular rows.
WATER_STATS = {"mean_r": [0.050330, 0.048104], "std_r": [0.139836, 0.123875],
               "std_a": [0.085803, 0.076722]}


def layer(rng, n_in, n_out, activation, resnet, timestep, dtype, precision):
    """One DeePMD-kit NativeLayer dict (arrays still numpy)."""
    scale = 1.0 / np.sqrt(n_in + n_out)
    use_timestep = timestep and (n_out == n_in or n_out == 2 * n_in)
    return {
        "@class": "Layer",
        "@version": 1,
        "bias": True,
        "use_timestep": bool(use_timestep),
        "activation_function": activation,
        "resnet": resnet,
        "precision": precision,
        "@variables": {
            "w": rng.normal(scale=scale, size=(n_in, n_out)).astype(dtype),
            "b": rng.normal(scale=scale, size=(n_out,)).astype(dtype),
            "idt": (0.1 + 0.01 * rng.normal(size=(n_out,))).astype(dtype) if use_timestep
            else None,
        },
    }


def embedding_net(rng, neuron, activation, resnet_dt, dtype, precision):
    layers, n_in = [], 1
    for n_out in neuron:
        layers.append(layer(rng, n_in, n_out, activation, True, resnet_dt, dtype, precision))
        n_in = n_out
    return {"@class": "EmbeddingNetwork", "@version": 2, "in_dim": 1, "neuron": list(neuron),
            "activation_function": activation, "resnet_dt": resnet_dt, "bias": True,
            "precision": precision, "layers": layers}


def fitting_net(rng, n_in, neuron, activation, resnet_dt, dtype, precision):
    layers, width = [], n_in
    for n_out in neuron:
        layers.append(layer(rng, width, n_out, activation, True, resnet_dt, dtype, precision))
        width = n_out
    layers.append(layer(rng, width, 1, "none", False, False, dtype, precision))
    return {"@class": "FittingNetwork", "@version": 1, "in_dim": n_in, "out_dim": 1,
            "neuron": list(neuron), "activation_function": activation, "resnet_dt": resnet_dt,
            "precision": precision, "bias_out": True, "layers": layers}


def collection(networks, ndim, ntypes, kind):
    return {"@class": "NetworkCollection", "@version": 1, "ndim": ndim, "ntypes": ntypes,
            "network_type": kind, "networks": networks}


def statistics(rng, ntypes, sel, nonuniform):
    """davg/dstd [T, nnei, 4]: uniform per type block unless `nonuniform`."""
    nnei = sum(sel)
    davg = np.zeros((ntypes, nnei, 4))
    dstd = np.ones((ntypes, nnei, 4))
    for t in range(ntypes):
        w = t % 2
        davg[t, :, 0] = WATER_STATS["mean_r"][w] * (1.0 + 0.05 * t)
        dstd[t, :, 0] = WATER_STATS["std_r"][w]
        dstd[t, :, 1:] = WATER_STATS["std_a"][w]
    if nonuniform:
        davg[:, :, 0] *= 1.0 + 0.2 * rng.uniform(-1.0, 1.0, size=(ntypes, nnei))
        davg[:, :, 1:] = 0.002 * rng.uniform(-1.0, 1.0, size=(ntypes, nnei, 3))
        dstd *= 1.0 + 0.2 * rng.uniform(-1.0, 1.0, size=(ntypes, nnei, 4))
    return davg, dstd


def pairs(text):
    """"0,1 1,1" -> [[0, 1], [1, 1]]."""
    return [[int(x) for x in item.split(",")] for item in text.split()] if text else []


def build_model(args):
    rng = np.random.default_rng(args.seed)
    dtype = np.float32 if args.precision == "float32" else np.float64
    ntypes = len(args.type_map)
    if len(args.sel) != ntypes:
        raise SystemExit("--sel needs one entry per type")
    ng = args.neuron[-1]
    ndim = 1 if args.type_one_side else 2
    embeddings = [embedding_net(rng, args.neuron, args.activation, args.embedding_resnet_dt,
                                dtype, args.precision) for _ in range(ntypes ** ndim)]
    davg, dstd = statistics(rng, ntypes, args.sel, args.nonuniform_stats)
    descriptor = {
        "@class": "Descriptor", "type": "se_e2_a", "@version": 2,
        "rcut": args.rcut, "rcut_smth": args.rcut_smth, "sel": list(args.sel),
        "neuron": list(args.neuron), "axis_neuron": args.axis_neuron,
        "resnet_dt": args.embedding_resnet_dt, "trainable": True,
        "type_one_side": args.type_one_side, "exclude_types": pairs(args.exclude_types),
        "env_protection": args.env_protection, "set_davg_zero": False,
        "activation_function": args.activation, "precision": args.precision, "spin": None,
        "env_mat": {"rcut": args.rcut, "rcut_smth": args.rcut_smth},
        "embeddings": collection(embeddings, ndim, ntypes, "embedding_network"),
        "@variables": {"davg": davg.astype(dtype), "dstd": dstd.astype(dtype)},
        "type_map": list(args.type_map),
    }
    n_in = ng * args.axis_neuron + args.numb_fparam + args.numb_aparam
    n_fit = 1 if args.mixed_types else ntypes
    nets = [fitting_net(rng, n_in, args.fitting, args.fitting_activation, args.resnet_dt, dtype,
                        args.precision) for _ in range(n_fit)]
    bias = np.array(args.bias_atom_e if args.bias_atom_e else
                    [-3.0 * (1 + t % 2) for t in range(ntypes)], dtype=np.float64)
    fit_vars = {"bias_atom_e": bias.reshape(ntypes, 1), "fparam_avg": None,
                "fparam_inv_std": None, "aparam_avg": None, "aparam_inv_std": None}
    if args.numb_fparam:
        fit_vars["fparam_avg"] = rng.normal(size=args.numb_fparam).astype(dtype)
        fit_vars["fparam_inv_std"] = rng.uniform(0.5, 2.0, size=args.numb_fparam).astype(dtype)
    if args.numb_aparam:
        fit_vars["aparam_avg"] = rng.normal(size=args.numb_aparam).astype(dtype)
        fit_vars["aparam_inv_std"] = rng.uniform(0.5, 2.0, size=args.numb_aparam).astype(dtype)
    atom_ener = None
    if args.atom_ener:
        atom_ener = [None if x == "null" else float(x) for x in args.atom_ener]
    fitting = {
        "@class": "Fitting", "type": "ener", "@version": 2, "var_name": "energy",
        "ntypes": ntypes, "dim_descrpt": ng * args.axis_neuron, "neuron": list(args.fitting),
        "resnet_dt": args.resnet_dt, "numb_fparam": args.numb_fparam,
        "numb_aparam": args.numb_aparam, "rcond": None,
        "activation_function": args.fitting_activation, "precision": args.precision,
        "mixed_types": args.mixed_types, "exclude_types": [],
        "nets": collection(nets, 0 if args.mixed_types else 1, ntypes, "fitting_network"),
        "@variables": fit_vars, "type_map": list(args.type_map), "tot_ener_zero": False,
        "trainable": [True] * (len(args.fitting) + 1), "layer_name": None,
        "use_aparam_as_mask": False, "spin": None, "dim_out": 1, "atom_ener": atom_ener,
    }
    out_bias = np.array(args.out_bias if args.out_bias else [0.0] * ntypes, dtype=np.float64)
    model = {
        "@class": "Model", "type": "standard", "@version": 2, "type_map": list(args.type_map),
        "descriptor": descriptor, "fitting": fitting,
        "atom_exclude_types": [int(t) for t in args.atom_exclude_types],
        "pair_exclude_types": pairs(args.pair_exclude_types),
        "rcond": None, "preset_out_bias": None,
        "@variables": {"out_bias": out_bias.reshape(1, ntypes, 1),
                       "out_std": np.ones((1, ntypes, 1))},
    }
    return {"@variables": {}, "backend": "mdrun-random", "model": model,
            "model_def_script": {"generator": "scripts/make_random_dp_model.py",
                                 "seed": args.seed},
            "software": "mdrun/scripts/make_random_dp_model.py", "version": "1", "time": ""}


def save(path, model):
    """The `.dp` layout of DeePMD-kit's save_dp_model (see scripts/yaml2dp.py)."""
    counter = [0]

    def walk(obj, is_variable=False):
        if isinstance(obj, dict):
            for key, value in obj.items():
                obj[key] = walk(value, is_variable or key == "@variables")
        elif isinstance(obj, list):
            for index, value in enumerate(obj):
                obj[index] = walk(value, is_variable)
        elif obj is not None and is_variable:
            name = f"variable_{counter[0]:04d}"
            counter[0] += 1
            return f.create_dataset(name, data=obj).name
        return obj

    with h5py.File(path, "w") as f:
        model = walk(model)
        f.attrs["json"] = json.dumps(model, separators=(",", ":"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("output")
    p.add_argument("--type-map", nargs="+", default=["O", "H"])
    p.add_argument("--sel", nargs="+", type=int, default=[46, 92])
    p.add_argument("--rcut", type=float, default=6.0)
    p.add_argument("--rcut-smth", type=float, default=0.5)
    p.add_argument("--neuron", nargs="+", type=int, default=[25, 50, 100],
                   help="embedding widths; 25 50 100 uses the doubling residual")
    p.add_argument("--axis-neuron", type=int, default=16)
    p.add_argument("--fitting", nargs="+", type=int, default=[240, 240, 240])
    p.add_argument("--type-one-side", dest="type_one_side", action="store_true", default=True)
    p.add_argument("--two-side", dest="type_one_side", action="store_false",
                   help="one embedding net per (centre type, neighbour type)")
    p.add_argument("--embedding-resnet-dt", action="store_true",
                   help="timestep (idt) on residual embedding layers")
    p.add_argument("--no-resnet-dt", dest="resnet_dt", action="store_false", default=True,
                   help="no timestep on residual fitting layers")
    p.add_argument("--activation", default="tanh", help="embedding activation")
    p.add_argument("--fitting-activation", default="tanh")
    p.add_argument("--precision", choices=["float64", "float32"], default="float64")
    p.add_argument("--numb-fparam", type=int, default=0)
    p.add_argument("--numb-aparam", type=int, default=0)
    p.add_argument("--mixed-types", action="store_true", help="one fitting net for all types")
    p.add_argument("--exclude-types", default="", help='descriptor exclusions, e.g. "0,1"')
    p.add_argument("--pair-exclude-types", default="", help='model pair exclusions, e.g. "1,1"')
    p.add_argument("--atom-exclude-types", nargs="*", default=[])
    p.add_argument("--atom-ener", nargs="*", default=None,
                   help='per-type vacuum energies ("null" for none): removes the vacuum term')
    p.add_argument("--bias-atom-e", nargs="*", type=float, default=None)
    p.add_argument("--out-bias", nargs="*", type=float, default=None)
    p.add_argument("--env-protection", type=float, default=0.0)
    p.add_argument("--nonuniform-stats", action="store_true",
                   help="davg/dstd that vary slot by slot (exercises the general path)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    save(args.output, build_model(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
