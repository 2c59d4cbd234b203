#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Convert an ANI model in NeuroChem format (ANI-1x, ANI-2x, ...) into the HDF5 file mdrun reads.

NEUROCHEM_DIR is the folder that holds the model's `.info` file (e.g. `ani-2x_8x.info`): four lines
naming the AEV constants file, the self-energy file, the network prefix (`ani-2x_8x/train`, so
member k is `ani-2x_8x/train<k>/networks/`) and the ensemble size, all relative to that folder. It
is the layout TorchANI's `torchani/neurochem.py` reads, and this script reads it the same way:

- constants (`.params`): `Rcr`, `Rca`, `EtaR`, `ShfR`, `Zeta`, `ShfZ`, `EtaA`, `ShfA`, `Atyp`;
- self energies (`sae_linfit.dat`): lines `El,index=energy` in Hartree;
- one network per element, `ANN-<El>.nnf`: a text header line (`1121=`) then a bzip2 stream with
  `inputsize`, `atom_net <El>` and one `layer [ ... ]` block per layer (`nodes`, `blocksize` = its
  input width, `activation` 9 = CELU with alpha 0.1, 6 = identity, `weights=FILE:<name>[count]`,
  `biases=FILE:<name>[count]`);
- `<name>.wparam` / `.bparam`: raw little-endian float32; a layer's weights are [nodes][blocksize]
  row-major, i.e. [out][in] (TorchANI: `torch.tensor(w).view(out, in)` into an nn.Linear).

The output layout is docs/model-format.md section 9 ("ANI models"): root attributes `format`
("mdrun-ani"), `format_version` (1) and `source`; `/elements`, `/self_energies`, `/aev/*`, and
`/members/<m>/<El>/layer_<l>/{weight [out][in], bias [out]}` with attributes `activation` ("celu"
or "identity") and `celu_alpha`. Weights keep their released precision (float32).

Everything inconsistent (a missing file, a weight file whose size disagrees with the declared
count, an unknown activation code, layer widths that do not chain) is refused with a message
naming the file. OUT.h5 is never overwritten unless --force is given. Needs only numpy and h5py.

Usage: /usr/bin/python3 scripts/ani2h5.py NEUROCHEM_DIR OUT.h5 [--members 0,3] [--gzip]
           [--source TEXT] [--force]
"""

import argparse
import bz2
import math
import os
import re
import sys

import h5py
import numpy as np

FORMAT = "mdrun-ani"
FORMAT_VERSION = 1
CELU_ALPHA = 0.1  # TorchANI's TightCELU (torchani/nn/_core.py): celu(x, alpha=0.1)
ACTIVATIONS = {9: "celu", 6: "identity"}  # NeuroChem codes TorchANI accepts
PARAM_ARRAYS = ("EtaR", "ShfR", "Zeta", "ShfZ", "EtaA", "ShfA")
AEV_DATASETS = {  # .params name -> /aev dataset
    "Rcr": "radial_cutoff",
    "Rca": "angular_cutoff",
    "EtaR": "eta_r",
    "ShfR": "shift_r",
    "Zeta": "zeta",
    "ShfZ": "shift_z",
    "EtaA": "eta_a",
    "ShfA": "shift_a",
}


class ConversionError(Exception):
    """A refused input: the message names the file and what was expected."""


def fail(path, what):
    raise ConversionError(f"{path}: {what}")


def read_text(path):
    if not os.path.isfile(path):
        fail(path, "file not found")
    with open(path, encoding="utf-8") as stream:
        return stream.read()


# ---- .info, .params, sae ---------------------------------------------------------------------


def read_info(neurochem_dir):
    """The single `.info` file of the folder: (constants path, sae path, network prefix, count)."""
    if not os.path.isdir(neurochem_dir):
        fail(neurochem_dir, "not a folder (expected the NeuroChem folder holding the .info file)")
    infos = sorted(n for n in os.listdir(neurochem_dir) if n.endswith(".info"))
    if len(infos) != 1:
        fail(neurochem_dir, f"expected exactly one .info file, found {len(infos)} ({infos})")
    path = os.path.join(neurochem_dir, infos[0])
    lines = [line.strip() for line in read_text(path).splitlines() if line.strip()]
    if len(lines) < 4:
        fail(path, "expected four lines: constants file, self-energy file, network prefix, count")
    try:
        count = int(lines[3])
    except ValueError:
        fail(path, f"line 4: expected the ensemble size, got {lines[3]!r}")
    if count < 1:
        fail(path, f"line 4: ensemble size {count} (expected at least 1)")

    def local(name):
        return os.path.join(neurochem_dir, *name.split("/"))

    return path, local(lines[0]), local(lines[1]), local(lines[2]), count


def parse_float(path, name, text):
    try:
        value = float(text)
    except ValueError:
        fail(path, f"{name}: cannot read {text!r} as a number")
    if not math.isfinite(value):
        fail(path, f"{name}: {text!r} is not finite")
    return value


def read_params(path):
    """The AEV constants and the element symbols of a NeuroChem `.params` file."""
    values = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if "=" not in line:
            continue
        name, _, value = (part.strip() for part in line.partition("="))
        if name in ("Rcr", "Rca"):
            values[name] = parse_float(path, name, value)
        elif name in PARAM_ARRAYS or name == "Atyp":
            if not (value.startswith("[") and value.endswith("]")):
                fail(path, f"line {number}: {name}: expected a list [a,b,...], got {value!r}")
            items = [item.strip() for item in value[1:-1].split(",")]
            if not items or any(not item for item in items):
                fail(path, f"line {number}: {name}: empty list or empty entry")
            if name == "Atyp":
                values[name] = items
            else:
                values[name] = [parse_float(path, name, item) for item in items]
    missing = [n for n in ("Rcr", "Rca", *PARAM_ARRAYS, "Atyp") if n not in values]
    if missing:
        fail(path, f"missing {', '.join(missing)} (expected Rcr, Rca, EtaR, ShfR, Zeta, ShfZ, "
                   "EtaA, ShfA, Atyp)")
    for name in ("Rcr", "Rca"):
        if values[name] <= 0:
            fail(path, f"{name} = {values[name]} (expected a cutoff > 0)")
    for name in ("EtaR", "Zeta", "EtaA"):
        if any(v <= 0 for v in values[name]):
            fail(path, f"{name}: every value must be > 0, got {values[name]}")
    elements = values["Atyp"]
    if len(set(elements)) != len(elements):
        fail(path, f"Atyp lists an element twice: {elements}")
    return values, elements


def read_self_energies(path, elements):
    """Self energies (Hartree) in the order of `elements`, from lines `El,index=energy`."""
    found = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"\s*([A-Za-z]+)\s*,\s*(\d+)\s*=\s*(\S+)\s*", line)
        if not match:
            fail(path, f"line {number}: expected 'Element,index=energy', got {line!r}")
        symbol, index, value = match.group(1), int(match.group(2)), match.group(3)
        if symbol in found:
            fail(path, f"line {number}: element {symbol} appears twice")
        if symbol not in elements:
            fail(path, f"line {number}: element {symbol} is not in the constants' Atyp {elements}")
        if index != elements.index(symbol):
            fail(path, f"line {number}: {symbol} has index {index}, but it is element "
                       f"{elements.index(symbol)} of Atyp {elements}")
        found[symbol] = parse_float(path, symbol, value)
    missing = [s for s in elements if s not in found]
    if missing:
        fail(path, f"no self energy for {', '.join(missing)} (expected one per element of Atyp)")
    return [found[s] for s in elements]


def aev_length(params, n_elements):
    radial = len(params["EtaR"]) * len(params["ShfR"])
    angular = len(params["EtaA"]) * len(params["Zeta"]) * len(params["ShfA"]) * len(params["ShfZ"])
    return n_elements * radial + n_elements * (n_elements + 1) // 2 * angular


# ---- networks --------------------------------------------------------------------------------


def parse_int(path, key, text):
    if not re.fullmatch(r"-?\d+", text):
        fail(path, f"{key}={text!r}: expected an integer")
    return int(text)


def read_nnf(path):
    """(inputsize, element, layer dicts) of a NeuroChem `.nnf` network description."""
    if not os.path.isfile(path):
        fail(path, "file not found")
    with open(path, "rb") as stream:
        raw = stream.read()
    start = raw.find(b"BZh")
    if start < 0:
        fail(path, "no bzip2 stream (the 'BZh' magic) after the header line")
    try:
        text = bz2.decompress(raw[start:]).decode("ascii")
    except (OSError, ValueError, EOFError) as error:
        fail(path, f"cannot decompress the bzip2 stream: {error}")
    text = text.rstrip("\x00")  # the stream ends with a NUL (TorchANI drops the last byte)
    head, *blocks = re.split(r"\blayer\s*\[", text)
    inputsize = re.search(r"\binputsize\s*=\s*(\d+)\s*;", head)
    atom_net = re.search(r"\batom_net\s+(\S+)\s*\$", head)
    if not inputsize or not atom_net:
        fail(path, "expected 'inputsize=N;' and 'atom_net <element> $' before the first layer")
    if not blocks:
        fail(path, "no 'layer [' blocks")
    layers = []
    for index, block in enumerate(blocks, start=1):
        body = block.strip()
        if index == len(blocks):
            body = body.rstrip().removesuffix("$").rstrip()  # the network's closing '$'
        if not body.endswith("]"):
            fail(path, f"layer {index}: expected the block to end with ']'")
        entries = {}
        for entry in body[:-1].split(";"):
            entry = entry.strip()
            if not entry:
                continue
            key, sep, value = (part.strip() for part in entry.partition("="))
            if not sep:
                fail(path, f"layer {index}: expected key=value, got {entry!r}")
            entries[key] = value
        missing = [k for k in ("nodes", "blocksize", "activation", "weights", "biases")
                   if k not in entries]
        if missing:
            fail(path, f"layer {index}: missing {', '.join(missing)}")
        layer = {
            key: parse_int(path, f"layer {index}: {key}", entries[key])
            for key in ("nodes", "blocksize", "activation")
        }
        for key in ("weights", "biases"):
            match = re.fullmatch(r"FILE:(.+)\[(\d+)\]", entries[key])
            if not match:
                fail(path, f"layer {index}: {key}={entries[key]!r} (expected FILE:<name>[count])")
            layer[key] = (match.group(1), int(match.group(2)))
        layers.append(layer)
    return int(inputsize.group(1)), atom_net.group(1), layers


def read_float32(path, count):
    """`count` little-endian float32 values; the file must hold exactly that many."""
    if not os.path.isfile(path):
        fail(path, "file not found")
    size = os.path.getsize(path)
    if size != 4 * count:
        fail(path, f"{size} bytes, but the network declares {count} float32 values "
                   f"({4 * count} bytes)")
    values = np.fromfile(path, dtype="<f4")
    if not np.all(np.isfinite(values)):
        fail(path, f"holds a non-finite value (index {int(np.argmin(np.isfinite(values)))})")
    return values


def read_network(path, element, n_aev):
    """The layers of one atomic network: list of (weight [out][in], bias [out], activation)."""
    inputsize, symbol, specs = read_nnf(path)
    if symbol != element:
        fail(path, f"atom_net {symbol}, expected {element} (the file name's element)")
    if inputsize != n_aev:
        fail(path, f"inputsize={inputsize}, but the constants give an AEV of {n_aev} values")
    folder = os.path.dirname(path)
    layers = []
    n_in = inputsize
    for index, spec in enumerate(specs, start=1):
        nodes, blocksize, code = spec["nodes"], spec["blocksize"], spec["activation"]
        if nodes < 1:
            fail(path, f"layer {index}: nodes={nodes} (expected at least 1)")
        if blocksize != n_in:
            fail(path, f"layer {index}: blocksize={blocksize}, but its input has {n_in} values "
                       f"({'inputsize' if index == 1 else f'layer {index - 1} nodes'})")
        if code not in ACTIVATIONS:
            fail(path, f"layer {index}: unknown activation code {code} (known: "
                       "9 = CELU, 6 = identity)")
        weight_name, weight_count = spec["weights"]
        bias_name, bias_count = spec["biases"]
        if weight_count != nodes * blocksize:
            fail(path, f"layer {index}: weights {weight_name}[{weight_count}], expected "
                       f"nodes x blocksize = {nodes} x {blocksize} = {nodes * blocksize}")
        if bias_count != nodes:
            fail(path, f"layer {index}: biases {bias_name}[{bias_count}], expected nodes = {nodes}")
        weight = read_float32(os.path.join(folder, weight_name), weight_count)
        bias = read_float32(os.path.join(folder, bias_name), bias_count)
        layers.append((weight.reshape(nodes, blocksize), bias, ACTIVATIONS[code]))
        n_in = nodes
    if n_in != 1:
        fail(path, f"the last layer has {n_in} nodes (expected 1: the atomic energy)")
    return layers


# ---- output ----------------------------------------------------------------------------------


def parse_members(text, count, info_path):
    if text is None:
        return list(range(count))
    members = []
    for item in text.split(","):
        item = item.strip()
        if not re.fullmatch(r"\d+", item):
            raise ConversionError(f"--members {text}: expected indices like 0,3,5")
        index = int(item)
        if index >= count:
            raise ConversionError(f"--members {text}: member {index} does not exist "
                                  f"({info_path} declares {count}: 0 to {count - 1})")
        if index in members:
            raise ConversionError(f"--members {text}: member {index} is listed twice")
        members.append(index)
    return members


def write_model(path, elements, self_energies, params, networks, members, source, gzip):
    """Writes the layout of docs/model-format.md section 9 (networks[m][element] = layers)."""
    filters = {"compression": "gzip", "compression_opts": 4, "shuffle": True} if gzip else {}
    with h5py.File(path, "w") as f:
        f.attrs["format"] = FORMAT
        f.attrs["format_version"] = np.int64(FORMAT_VERSION)
        f.attrs["source"] = source
        f.create_dataset("elements", data=np.array(elements, dtype=h5py.string_dtype()),
                         track_times=False)
        f.create_dataset("self_energies", data=np.asarray(self_energies, dtype=np.float64),
                         track_times=False)
        aev = f.create_group("aev")
        for name, dataset in AEV_DATASETS.items():
            aev.create_dataset(dataset, data=np.asarray(params[name], dtype=np.float64),
                               track_times=False)
        group = f.create_group("members")
        for m, (index, network) in enumerate(zip(members, networks)):
            member = group.create_group(str(m))
            member.attrs["ensemble_index"] = np.int64(index)
            for element in elements:
                net = member.create_group(element)
                for l, (weight, bias, activation) in enumerate(network[element]):
                    layer = net.create_group(f"layer_{l}")
                    layer.create_dataset("weight", data=weight, track_times=False, **filters)
                    layer.create_dataset("bias", data=bias, track_times=False, **filters)
                    layer.attrs["activation"] = activation
                    if activation == "celu":
                        layer.attrs["celu_alpha"] = np.float64(CELU_ALPHA)


def convert(args):
    info_path, params_path, sae_path, prefix, count = read_info(args.neurochem_dir)
    members = parse_members(args.members, count, info_path)
    params, elements = read_params(params_path)
    self_energies = read_self_energies(sae_path, elements)
    n_aev = aev_length(params, len(elements))
    networks = []
    for index in members:
        folder = os.path.join(os.path.dirname(prefix), f"{os.path.basename(prefix)}{index}",
                              "networks")
        networks.append({e: read_network(os.path.join(folder, f"ANN-{e}.nnf"), e, n_aev)
                         for e in elements})
    name = os.path.basename(info_path)[: -len(".info")]
    source = args.source if args.source is not None else f"NeuroChem {name}"
    source += ", members " + ",".join(str(m) for m in members)

    if os.path.exists(args.output) and not args.force:
        raise ConversionError(f"{args.output}: exists; not overwritten (give --force to replace)")
    folder = os.path.dirname(os.path.abspath(args.output))
    temporary = os.path.join(folder, f".{os.path.basename(args.output)}.{os.getpid()}.tmp")
    try:
        write_model(temporary, elements, self_energies, params, networks, members, source,
                    args.gzip)
        if os.path.exists(args.output) and not args.force:
            raise ConversionError(f"{args.output}: appeared while converting; not overwritten")
        os.replace(temporary, args.output)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    sizes = {e: [networks[0][e][0][0].shape[1]] + [w.shape[0] for w, _, _ in networks[0][e]]
             for e in elements}
    print(f"{args.output}: {len(members)} member(s) {members}, elements {elements}, "
          f"AEV length {n_aev}, {os.path.getsize(args.output)} bytes")
    for element, widths in sizes.items():
        print(f"  {element}: {' -> '.join(str(w) for w in widths)} (member {members[0]})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("neurochem_dir", help="folder holding the NeuroChem .info file")
    parser.add_argument("output", help="the HDF5 model file to write")
    parser.add_argument("--members", help="comma-separated ensemble members to keep "
                                          "(default: all, in order)")
    parser.add_argument("--source", help="where the weights came from, stored in the 'source' "
                                         "attribute followed by ', members ...' "
                                         "(default: 'NeuroChem <info file name>')")
    parser.add_argument("--gzip", action="store_true",
                        help="store weights and biases gzip-compressed (level 4, shuffle)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    args = parser.parse_args(argv)
    try:
        convert(args)
    except ConversionError as error:
        print(f"ani2h5.py: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
