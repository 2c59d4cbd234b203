#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ANI-2x member 0 on the solvated protein through `mdrun eval`, against TorchANI's float64 numbers.

Runs scripts/compare_ani_references.py --part protein with the shipped member 0
(models/ani2x_member0.h5): `mdrun eval --config configs/protein_ani.yaml` on the 73,186 atoms of
configs/data/adk_water.lmp (sha256 checked against the references), compared with the
`data_file_structures` entry of tests/data/ani/torchani_references.json: energy 1e-10 relative,
virial 1e-10 relative to its largest component, per-element sums of the per-atom energies 1e-10
relative, forces (1e-10 eV/A) and per-atom energies (1e-10 relative to the largest) of the
stored subset (the 3,341 protein atoms of the first copy and every 50th water atom). No PyTorch
and no h5py: only the stored numbers. About 6 s on one core (mdrun's evaluation and its 25 MB
of JSON, written and read back).

Usage: test_ani_protein.py SOURCE_DIR MDRUN
"""

import os
import subprocess
import sys


def main():
    source, mdrun = sys.argv[1:3]
    return subprocess.run([sys.executable,
                           os.path.join(source, "scripts", "compare_ani_references.py"),
                           "--mdrun", mdrun, "--part", "protein",
                           "--model", os.path.join(source, "models", "ani2x_member0.h5"),
                           "--results", "member_0"], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
