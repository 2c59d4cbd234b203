#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Describes an HDF5 file in the JSON format of fuzz/hdf5_builder.hpp, for the seeds of the
structure-aware harnesses (fuzz/corpus/*_structured/).

    /usr/bin/python3 fuzz/h5_to_fuzz_json.py model.dp > fuzz/corpus/deepmd_model_structured/model.json

Every attribute and dataset is kept with its type and shape. Datasets with more than
--max-values values keep only their first values (the builder repeats them to fill the shape),
so a seed stays a few kB; an attribute holding JSON text (the .dp model dict) is stored as JSON,
so the fuzzer mutates the dict rather than an escaped string; datasets of strings (the ANI
model's /elements) keep their kind (variable or fixed length), size and padding.
"""
import argparse
import json
import sys

import h5py
import numpy as np

TYPES = {("f", 4): "f4", ("f", 8): "f8", ("i", 1): "i1", ("i", 4): "i4", ("i", 8): "i8",
         ("u", 8): "u8"}


def type_name(dtype):
    name = TYPES.get((dtype.kind, dtype.itemsize))
    if name is None:
        sys.exit(f"h5_to_fuzz_json: no builder type for {dtype}")
    return name


def plain(values):
    return [v.item() if hasattr(v, "item") else v for v in values]


def attribute(value, attr_id):
    tid = attr_id.get_type()
    if isinstance(tid, h5py.h5t.TypeStringID):
        text = value.decode() if isinstance(value, bytes) else str(value)
        if tid.is_variable_str():
            try:
                return {"vlen": json.loads(text)}
            except ValueError:
                return {"vlen": text}
        return text
    array = np.asarray(value)
    values = plain(array.reshape(-1))
    return {"type": type_name(array.dtype), "value": values if array.ndim else values[0]}


def string_dataset(item, max_values):
    """A dataset of strings: "vlen" (variable-length) or "fixed" (its size and padding kept)."""
    tid = item.id.get_type()
    values = np.asarray(item[()], dtype=object).reshape(-1)[:max_values]
    data = [v.decode() if isinstance(v, bytes) else str(v) for v in values]
    if tid.is_variable_str():
        return {"type": "vlen", "shape": list(item.shape), "data": data}
    out = {"type": "fixed", "shape": list(item.shape), "size": tid.get_size()}
    if tid.get_strpad() == h5py.h5t.STR_SPACEPAD:
        out["pad"] = "space"
        data = [v.rstrip(" ") for v in data]
    out["data"] = data
    return out


def node(group, max_values):
    out = {}
    attrs = {name: attribute(group.attrs[name], group.attrs.get_id(name))
             for name in group.attrs}
    datasets, groups = {}, {}
    for name, item in group.items():
        if isinstance(item, h5py.Group):
            groups[name] = node(item, max_values)
        elif isinstance(item.id.get_type(), h5py.h5t.TypeStringID):
            datasets[name] = string_dataset(item, max_values)
        else:
            data = plain(np.asarray(item[()]).reshape(-1)[:max_values])
            datasets[name] = {"type": type_name(item.dtype), "shape": list(item.shape),
                              "data": data}
    for key, value in (("attrs", attrs), ("datasets", datasets), ("groups", groups)):
        if value:
            out[key] = value
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--max-values", type=int, default=64)
    args = parser.parse_args()
    with h5py.File(args.file, "r") as f:
        json.dump(node(f, args.max_values), sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
