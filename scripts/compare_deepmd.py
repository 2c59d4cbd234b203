#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Agreement of `mdrun eval` with DeePMD-kit on the same model and structures.

Evaluates a `.dp` model with DeePMD-kit's own inference (deepmd.infer.DeepPot) and with
`mdrun eval` on
  1. every frame of the DeePMD-kit water example's validation system (data_3, 80 frames of 192
     atoms), and
  2. the 192-atom water box of water.lmp replicated 2x2x2 (1,536 atoms),
and prints the largest differences of the total energy (eV), the per-atom energies (eV), the
forces (eV/A) and the virial (eV). Target in double precision: <= 1e-10.

With --compress, both engines run the model compressed with the same table settings: DeePMD-kit
evaluates the TensorFlow twin compressed by its own `dp --tf compress` (scripts/dp_compress_tf.py:
the model's min_nbor_dist, step 0.01, extrapolate 5), mdrun runs with `potential.compress: true`
(tables built at load). Reported as differences relative to the largest reference value of each
quantity; target <= 1e-9.

DeePMD-kit's reference evaluation runs its TensorFlow backend on a twin of the model made with
`dp convert-backend model.dp model.pb` (DeePMD-kit 3.2's native `.dp` inference gives no forces),
with oneDNN's reordered kernels off (TF_ENABLE_ONEDNN_OPTS=0); `--reference` names an existing
DeePMD-kit model file instead (e.g. the frozen model the .dp was converted from).

DeePMD-kit is an optional dependency: run this with a Python that has it, e.g.
    /opt/deepmd-venv/bin/python scripts/compare_deepmd.py --model models/water_se_e2_a.dp
(scripts/train_water_model.sh creates that environment). It is not part of the test suite.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def write_lammps_data(path, coords, box_lengths, types):
    """An orthogonal LAMMPS data file (atom_style atomic), ids 1..n in the given order."""
    n = len(types)
    with open(path, "w") as out:
        out.write("compare_deepmd frame\n\n%d atoms\n%d atom types\n" % (n, 2))
        for d, name in enumerate("xyz"):
            out.write("0.0 %.17g %slo %shi\n" % (box_lengths[d], name, name))
        out.write("\nAtoms # atomic\n\n")
        for i in range(n):
            x, y, z = coords[i]
            out.write("%d %d %.17g %.17g %.17g\n" % (i + 1, types[i] + 1, x, y, z))


def mdrun_eval(mdrun, model, data_file, work, replicate=None, compress=False):
    out = os.path.join(work, "eval.json")
    if os.path.exists(out):
        os.remove(out)
    if replicate is None:
        cmd = [mdrun, "eval", "--model", model, "--structure", data_file, "--type-map", "O,H",
               "--atomic", "--json", out]
    else:
        config = os.path.join(work, "replicated.yaml")
        with open(config, "w") as f:
            f.write("structure: {file: %s, type_map: [O, H], replicate: %s}\n"
                    "potential: {type: deepmd, model: %s, compress: %s}\n"
                    "run: {steps: 0, dt_fs: 0.5}\n"
                    % (data_file, json.dumps(replicate), os.path.abspath(model),
                       "true" if compress else "false"))
        cmd = [mdrun, "eval", "--config", config, "--atomic", "--json", out]
    if compress:
        cmd.append("--compressed")  # eval is exact unless asked
    subprocess.run(cmd, check=True, cwd=work, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def differences(dp_result, md, relative=False):
    """Largest absolute differences per quantity; relative=True divides each by the largest
    absolute reference value of that quantity."""
    energy, forces, virial, atom_energy, _ = dp_result
    pairs = {
        "energy": (energy.ravel()[:1], np.array([md["energy"]])),
        "atom_energy": (atom_energy.ravel(), np.array(md["atom_energies"]).ravel()),
        "force": (forces.ravel(), np.array(md["forces"]).ravel()),
        "virial": (virial.ravel(), np.array(md["virial"]).ravel()),
    }
    out = {}
    for key, (ref, got) in pairs.items():
        diff = float(np.max(np.abs(ref - got)))
        out[key] = diff / float(np.max(np.abs(ref))) if relative else diff
    return out


def describe(diff, relative):
    """One line of the largest differences (absolute with units, or relative)."""
    units = ("", "", "", "") if relative else (" eV", " eV", " eV/A", " eV")
    return "max |dE| %.3e%s, max |dE_i| %.3e%s, max |dF| %.3e%s, max |dW| %.3e%s%s" % (
        diff["energy"], units[0], diff["atom_energy"], units[1], diff["force"], units[2],
        diff["virial"], units[3], " (relative to the largest reference value)" if relative else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "models", "water_se_e2_a.dp"))
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build", "apps", "mdrun", "mdrun"))
    parser.add_argument("--data", default=os.path.join(SHARED, "data", "water-example", "data",
                                                       "data_3"))
    parser.add_argument("--structure", default=os.path.join(SHARED, "data", "water-example",
                                                            "lmp", "water.lmp"))
    parser.add_argument("--frames", type=int, default=0, help="frames of --data (0: all)")
    parser.add_argument("--reference", help="DeePMD-kit model to evaluate with DeePMD-kit "
                        "(default: a .pb converted from --model)")
    parser.add_argument("--compress", action="store_true",
                        help="compare the compressed model (dp --tf compress against "
                        "potential.compress: true)")
    args = parser.parse_args()

    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from deepmd.infer import DeepPot  # optional dependency, imported only here
    import deepmd

    model = os.path.abspath(args.model)
    reference_dir = tempfile.TemporaryDirectory()
    reference_model = args.reference
    if reference_model is None:
        reference_model = os.path.join(reference_dir.name, "reference.pb")
        dp_command = os.path.join(os.path.dirname(sys.executable), "dp")
        subprocess.run([dp_command, "convert-backend", model, reference_model], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if args.compress:
        compressed = os.path.join(reference_dir.name, "reference_compressed.pb")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "dp_compress_tf.py"),
                        reference_model, compressed], check=True, cwd=reference_dir.name,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reference_model = compressed
    dp = DeepPot(reference_model)
    print("model %s | DeePMD-kit %s evaluating %s | mdrun %s"
          % (args.model, deepmd.__version__, os.path.basename(reference_model), args.mdrun))
    worst = {"energy": 0.0, "atom_energy": 0.0, "force": 0.0, "virial": 0.0}

    types = np.loadtxt(os.path.join(args.data, "type.raw"), dtype=int)
    coords = np.load(os.path.join(args.data, "set.000", "coord.npy"))
    boxes = np.load(os.path.join(args.data, "set.000", "box.npy"))
    n_frames = len(coords) if args.frames <= 0 else min(args.frames, len(coords))
    with tempfile.TemporaryDirectory() as work:
        for k in range(n_frames):
            box = boxes[k].reshape(3, 3)
            if np.count_nonzero(box - np.diag(np.diag(box))):
                sys.exit("frame %d has a triclinic box; mdrun reads orthogonal boxes" % k)
            data_file = os.path.join(work, "frame.data")
            write_lammps_data(data_file, coords[k].reshape(-1, 3), np.diag(box), types)
            reference = dp.eval(coords[k][None, :], boxes[k][None, :], types.tolist(), atomic=True)
            diff = differences(reference, mdrun_eval(args.mdrun, model, data_file, work,
                                                     compress=args.compress), args.compress)
            worst = {key: max(worst[key], diff[key]) for key in worst}
        print("data_3, %d frames of %d atoms: %s"
              % (n_frames, len(types), describe(worst, args.compress)))

        # water.lmp replicated 2x2x2 with mdrun's (LAMMPS's) id numbering:
        # atom b of replica r = (iz*2 + iy)*2 + ix gets id b + r*192.
        base_types, base = [], []
        with open(args.structure) as f:
            lines = f.read().splitlines()
        length = [float(l.split()[1]) - float(l.split()[0]) for l in lines if "xlo" in l or
                  "ylo" in l or "zlo" in l]
        start = next(i for i, l in enumerate(lines) if l.startswith("Atoms")) + 2
        for line in lines[start:]:
            if not line.strip():
                break
            fields = line.split()
            base_types.append(int(fields[1]) - 1)
            base.append([float(v) for v in fields[2:5]])
        base = np.array(base) % np.array(length)
        rep_coords, rep_types = [], []
        for r in range(8):
            shift = np.array([r % 2, (r // 2) % 2, r // 4]) * np.array(length)
            rep_coords.append(base + shift)
            rep_types += base_types
        rep_coords = np.concatenate(rep_coords)
        cell = np.diag(2 * np.array(length)).ravel()
        reference = dp.eval(rep_coords.ravel()[None, :], cell[None, :], rep_types, atomic=True)
        md = mdrun_eval(args.mdrun, model, os.path.abspath(args.structure), work, [2, 2, 2],
                        args.compress)
        diff = differences(reference, md, args.compress)
        print("water.lmp x 2x2x2 (%d atoms): %s" % (len(rep_types), describe(diff, args.compress)))
        worst = {key: max(worst[key], diff[key]) for key in worst}
    target = 1e-9 if args.compress else 1e-10
    ok = all(value <= target for value in worst.values())
    print("largest %sdifference overall: %.3e (target %.0e): %s"
          % ("relative " if args.compress else "", max(worst.values()), target,
             "OK" if ok else "ABOVE TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
