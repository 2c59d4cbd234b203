#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scripts/ani2h5.py against the shipped models/ani2x_member0.h5, read back with h5py.

Runs the converter on the released ANI-2x NeuroChem files (shared/data/ani-2x) with the command
of models/README.md (member 0) into a scratch folder, then checks:
  - the result holds the same objects as the shipped file (groups, datasets, attributes), with
    the same shapes, dtypes and values (bit for bit) and the layout of docs/model-format.md §9:
    string attributes and /elements as variable-length UTF-8 strings, float32 weights
    [n_out][n_in], float64 constants;
  - an existing output is not overwritten without --force, and is with it;
  - broken NeuroChem folders are refused with a message naming the file: a weight file of the
    wrong size, an unknown activation code, a layer whose input width is not the previous
    layer's output, a missing weight file.

Usage: test_ani2h5.py SOURCE_DIR SHARED_DIR. Exit code 77 (skipped) without h5py/numpy or
without shared/data/ani-2x.
"""

import bz2
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as error:  # pragma: no cover
    print(f"skipped: {error}")
    sys.exit(77)

SOURCE = "ANI-2x, aiqm/ani-model-zoo 3a3368b resources/ani-2x_8x"
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print(f"FAIL: {what}")


def convert(script, neurochem, out, *extra):
    command = [sys.executable, script, neurochem, out, *extra]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def objects(path):
    """{name: (kind, attrs, shape, dtype, values)} of every object in the file, root included."""
    out = {}
    with h5py.File(path, "r") as f:

        def attrs(obj):
            return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in obj.attrs.items()}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = ("dataset", attrs(obj), obj.shape, obj.dtype, obj[()])
            else:
                out[name] = ("group", attrs(obj), None, None, None)

        out["/"] = ("group", attrs(f), None, None, None)
        f.visititems(visit)
    return out


def same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def compare(converted, shipped):
    a, b = objects(converted), objects(shipped)
    check(sorted(a) == sorted(b), f"object names differ: only converted {sorted(set(a) - set(b))},"
                                  f" only shipped {sorted(set(b) - set(a))}")
    for name in sorted(set(a) & set(b)):
        kind_a, attrs_a, shape_a, dtype_a, values_a = a[name]
        kind_b, attrs_b, shape_b, dtype_b, values_b = b[name]
        check(kind_a == kind_b, f"{name}: {kind_a} vs {kind_b}")
        check(sorted(attrs_a) == sorted(attrs_b), f"{name}: attributes {sorted(attrs_a)} vs "
                                                  f"{sorted(attrs_b)}")
        for key in set(attrs_a) & set(attrs_b):
            check(same_value(attrs_a[key], attrs_b[key]),
                  f"{name} attribute {key}: {attrs_a[key]!r} vs {attrs_b[key]!r}")
        if kind_a == "dataset":
            check(shape_a == shape_b and dtype_a == dtype_b,
                  f"{name}: {shape_a} {dtype_a} vs {shape_b} {dtype_b}")
            check(same_value(values_a, values_b), f"{name}: values differ")
    return len(a)


def check_layout(path):
    """docs/model-format.md §9 on one file."""
    with h5py.File(path, "r") as f:
        for key in ("format", "source"):
            check(isinstance(f.attrs[key], str), f"root attribute {key} is not read as str")
            info = h5py.check_string_dtype(f.attrs.get_id(key).dtype)
            check(info is not None and info.length is None and info.encoding == "utf-8",
                  f"root attribute {key} is not a variable-length UTF-8 string")
        check(f.attrs["format"] == "mdrun-ani", "format")
        check(f.attrs["format_version"] == 1 and f.attrs["format_version"].dtype.kind == "i",
              "format_version 1 (integer)")
        check(f.attrs["source"] == SOURCE + ", members 0", f"source {f.attrs['source']!r}")
        info = h5py.check_string_dtype(f["elements"].dtype)
        check(info is not None and info.length is None and info.encoding == "utf-8",
              "/elements is not variable-length UTF-8")
        elements = list(f["elements"].asstr()[()])
        check(elements == ["H", "C", "N", "O", "S", "F", "Cl"], f"elements {elements}")
        check(f["self_energies"].dtype == np.float64 and f["self_energies"].shape == (7,),
              "self_energies float64 [7]")
        for name in ("radial_cutoff", "angular_cutoff", "eta_r", "shift_r", "zeta", "shift_z",
                     "eta_a", "shift_a"):
            check(f["aev"][name].dtype == np.float64, f"/aev/{name} float64")
        check(list(f["members"]) == ["0"], "one member")
        member = f["members/0"]
        check(member.attrs["ensemble_index"] == 0, "ensemble_index 0")
        check(sorted(member) == sorted(elements), "one group per element")
        for element in elements:
            layers = member[element]
            check(sorted(layers) == [f"layer_{l}" for l in range(4)], f"{element}: 4 layers")
            n_in = 1008
            for l in range(4):
                layer = layers[f"layer_{l}"]
                weight, bias = layer["weight"], layer["bias"]
                check(weight.dtype == np.float32 and bias.dtype == np.float32,
                      f"{element} layer_{l} float32")
                check(weight.shape[1] == n_in and bias.shape == (weight.shape[0],),
                      f"{element} layer_{l}: weight {weight.shape}, bias {bias.shape}")
                n_in = weight.shape[0]
                activation = "identity" if l == 3 else "celu"
                check(layer.attrs["activation"] == activation, f"{element} layer_{l} activation")
                if activation == "celu":
                    check(layer.attrs["celu_alpha"] == 0.1, f"{element} layer_{l} celu_alpha")
            check(n_in == 1, f"{element}: one output")


def rewrite_nnf(path, old, new):
    with open(path, "rb") as stream:
        raw = stream.read()
    start = raw.find(b"BZh")
    text = bz2.decompress(raw[start:]).decode("ascii")
    assert old in text, (path, old)
    with open(path, "wb") as stream:
        stream.write(raw[:start] + bz2.compress(text.replace(old, new, 1).encode("ascii")))


def check_refusals(script, neurochem, scratch):
    """Broken copies of the NeuroChem folder (member 0 only) are refused, naming the file."""
    folder = os.path.join(scratch, "neurochem")
    os.makedirs(os.path.join(folder, "ani-2x_8x"))
    shutil.copy(os.path.join(neurochem, "ani-2x_8x.info"), folder)
    for name in os.listdir(os.path.join(neurochem, "ani-2x_8x")):
        source = os.path.join(neurochem, "ani-2x_8x", name)
        if os.path.isfile(source):
            shutil.copy(source, os.path.join(folder, "ani-2x_8x"))
    networks = os.path.join(folder, "ani-2x_8x", "train0", "networks")
    shutil.copytree(os.path.join(neurochem, "ani-2x_8x", "train0", "networks"), networks)
    for name in os.listdir(networks):
        os.chmod(os.path.join(networks, name), 0o644)
    out = os.path.join(scratch, "broken.h5")

    def expect(what, parts):
        result = convert(script, folder, out, "--members", "0")
        check(result.returncode != 0, f"{what}: accepted")
        check(not os.path.exists(out), f"{what}: an output was left behind")
        for part in parts:
            check(part in result.stderr, f"{what}: {part!r} not in {result.stderr!r}")

    result = convert(script, folder, out, "--members", "0")
    check(result.returncode == 0, f"the copied folder converts: {result.stderr}")
    os.remove(out)

    wparam = os.path.join(networks, "ANN-C.nnf-l2.wparam")
    backup = wparam + ".bak"
    shutil.copy(wparam, backup)
    with open(wparam, "r+b") as stream:
        stream.truncate(1000)
    expect("short weight file", [wparam, "1000 bytes, but the network declares 43008 float32"])
    shutil.copy(backup, wparam)

    nnf = os.path.join(networks, "ANN-O.nnf")
    shutil.copy(nnf, nnf + ".bak")
    rewrite_nnf(nnf, "activation=9", "activation=5")
    expect("unknown activation", [nnf, "layer 1: unknown activation code 5"])
    shutil.copy(nnf + ".bak", nnf)
    rewrite_nnf(nnf, "blocksize=192", "blocksize=191")
    expect("widths that do not chain", [nnf, "layer 2: blocksize=191, but its input has 192"])
    shutil.copy(nnf + ".bak", nnf)

    os.remove(os.path.join(networks, "ANN-S.nnf-l3.bparam"))
    expect("missing file", [os.path.join(networks, "ANN-S.nnf-l3.bparam"), "file not found"])


def main():
    source_dir, shared_dir = sys.argv[1], sys.argv[2]
    script = os.path.join(source_dir, "scripts", "ani2h5.py")
    shipped = os.path.join(source_dir, "models", "ani2x_member0.h5")
    neurochem = os.path.join(shared_dir, "data", "ani-2x")
    if not os.path.isfile(os.path.join(neurochem, "ani-2x_8x.info")):
        print(f"skipped: {neurochem} is missing")
        return 77
    with tempfile.TemporaryDirectory(prefix="mdrun_ani2h5_") as scratch:
        out = os.path.join(scratch, "ani2x_member0.h5")
        # The command of models/README.md.
        result = convert(script, neurochem, out, "--members", "0", "--source", SOURCE)
        check(result.returncode == 0, f"conversion failed: {result.stderr}")
        if result.returncode == 0:
            count = compare(out, shipped)
            print(f"{count} objects compared with {shipped}")
            check_layout(out)
            with open(out, "rb") as a, open(shipped, "rb") as b:
                print("byte-identical to the shipped file" if a.read() == b.read()
                      else "same content, different bytes (another h5py / HDF5 version?)")
            again = convert(script, neurochem, out, "--members", "0")
            check(again.returncode != 0 and "not overwritten" in again.stderr,
                  f"an existing output was overwritten without --force: {again.stderr}")
            forced = convert(script, neurochem, out, "--members", "0", "--force")
            check(forced.returncode == 0, f"--force did not overwrite: {forced.stderr}")
        check_refusals(script, neurochem, scratch)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
