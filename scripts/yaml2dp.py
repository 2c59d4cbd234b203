#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Convert a DeePMD-kit `.yaml` model into the native `.dp` (HDF5) layout that mdrun reads.

DeePMD-kit writes both formats from the same model dict (deepmd/dpmodel/utils/serialization.py,
`save_dp_model`). In `.yaml`, every array under an `@variables` key is an inline map
{"@class": "np.ndarray", "@is_variable": true, "dtype": ..., "value": [...]}; in `.dp` it is a
root-level dataset `/variable_NNNN` (numbered in depth-first order, starting at 0, keeping dtype
and shape, contiguous) and the dict, with each array replaced by its dataset path, is stored as
the root attribute `json` (compact JSON, a variable-length UTF-8 string). This script does the
same traversal, so `dp convert-backend model.yaml model.dp` and this script give the same layout
(shared/docs/deepmd-se_e2_a.md §2.1). It needs only numpy, h5py and PyYAML, not DeePMD-kit.

Usage: /usr/bin/python3 scripts/yaml2dp.py model.yaml model.dp
"""

import argparse
import json
import sys

import h5py
import numpy as np
import yaml


def traverse_model_dict(obj, callback, is_variable=False):
    """Depth-first walk calling `callback` on every leaf under an `@variables` key.

    The same rules as DeePMD-kit's `traverse_model_dict`: a dict marked `@is_variable` is a leaf;
    `None` leaves stay `None` (no dataset); lists are walked in order.
    """
    if isinstance(obj, dict):
        if obj.get("@is_variable", False):
            return callback(obj)
        for key, value in obj.items():
            obj[key] = traverse_model_dict(value, callback, is_variable or key == "@variables")
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            obj[index] = traverse_model_dict(value, callback, is_variable)
    elif obj is None:
        return obj
    elif is_variable:
        obj = callback(obj)
    return obj


def load_yaml_model(path):
    """Reads a DeePMD-kit `.yaml` model; inline arrays become numpy arrays of their dtype."""

    def to_array(node):
        if isinstance(node, dict) and node.get("@class") == "np.ndarray":
            return np.asarray(node["value"], dtype=np.dtype(node["dtype"]))
        return node

    with open(path, encoding="utf-8") as stream:
        model = yaml.safe_load(stream)
    return traverse_model_dict(model, to_array)


def save_dp_model(path, model):
    """Writes `model` (a dict holding numpy arrays under `@variables`) in the `.dp` layout."""
    counter = [0]
    with h5py.File(path, "w") as f:

        def write(value):
            name = f"variable_{counter[0]:04d}"
            counter[0] += 1
            return f.create_dataset(name, data=value).name

        model = traverse_model_dict(model, write)
        f.attrs["json"] = json.dumps(model, separators=(",", ":"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="DeePMD-kit model in .yaml/.yml form")
    parser.add_argument("output", help="the .dp file to write")
    args = parser.parse_args(argv)
    save_dp_model(args.output, load_yaml_model(args.input))
    return 0


if __name__ == "__main__":
    sys.exit(main())
