#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compress a TensorFlow DeePMD-kit model with DeePMD-kit's own `dp --tf compress`.

    /opt/deepmd-venv/bin/python scripts/dp_compress_tf.py MODEL.pb COMPRESSED.pb \
        [--step 0.01] [--extrapolate 5]

A .pb made by `dp convert-backend` from a .dp file (how the reference twins of this project are
made) carries a training script without `learning_rate.start_lr`, and DeePMD-kit 3.2.0's
compression validates that script before its zero-step "training" and stops with
`key start_lr is required`. The learning rate plays no part in compression (nothing is trained),
so this script supplies one (1e-3) to that validation, by giving the compress entry point a
`json` whose `loads` adds it, and otherwise runs DeePMD-kit's compression unchanged: the model's
recorded `min_nbor_dist`, `--step` (default 0.01, the coarse table 10× that), `--extrapolate`
(default 5). DeePMD-kit writes its work files (compress.json, model-compression/) into the current
directory; run it in a scratch directory.
"""

import argparse
import importlib
import json
import os


class _JsonWithLearningRate:
    """The json module, except that loads() fills in learning_rate.start_lr when missing."""

    @staticmethod
    def loads(text):
        data = json.loads(text)
        data.setdefault("learning_rate", {}).setdefault("start_lr", 1e-3)
        return data

    dump = staticmethod(json.dump)
    dumps = staticmethod(json.dumps)
    load = staticmethod(json.load)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("output")
    parser.add_argument("--step", type=float, default=0.01)
    parser.add_argument("--extrapolate", type=int, default=5)
    args = parser.parse_args()
    compress_module = importlib.import_module("deepmd.tf.entrypoints.compress")
    compress_module.json = _JsonWithLearningRate
    compress_module.compress(input=os.path.abspath(args.model),
                             output=os.path.abspath(args.output), extrapolate=args.extrapolate,
                             step=args.step, frequency="-1",
                             checkpoint_folder="model-compression", training_script=None,
                             mpi_log="master", log_path=None, log_level=2)


if __name__ == "__main__":
    main()
