#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The 8-member ANI-2x ensemble, through `mdrun eval`, against TorchANI's float64 numbers.

Converts all 8 members of shared/data/ani-2x with scripts/ani2h5.py into a scratch folder (the
ensemble is not shipped: 55 MB) and runs scripts/compare_ani_references.py on it with
`--results ensemble` (and on the shipped member 0 with `--results member_0`): every structure of
tests/data/ani/torchani_references.json stored whole (`--part small`; the solvated protein is
test_ani_protein.py's) within 1e-10 (energy relative, forces eV/A, virial and
per-atom energies relative to their largest value). This is also the end-to-end check of
`mdrun eval --model` with ANI models.

Usage: test_ani_ensemble.py SOURCE_DIR SHARED_DIR MDRUN. Exit code 77 (skipped) without h5py
or without shared/data/ani-2x.
"""

import os
import subprocess
import sys
import tempfile

try:
    import h5py  # noqa: F401  (scripts/ani2h5.py needs it)
except ImportError as error:  # pragma: no cover
    print(f"skipped: {error}")
    sys.exit(77)


def main():
    source, shared, mdrun = sys.argv[1:4]
    neurochem = os.path.join(shared, "data", "ani-2x")
    if not os.path.isdir(neurochem):
        print("skipped: no %s" % neurochem)
        return 77
    # The structures stored whole; the protein (member 0) is test_ani_protein.py's, and the
    # ensemble on it (~40 s) is checked by hand (docs/model-format.md).
    compare = [sys.executable, os.path.join(source, "scripts", "compare_ani_references.py"),
               "--mdrun", mdrun, "--part", "small"]
    status = subprocess.run(compare + ["--model", os.path.join(source, "models",
                                                                "ani2x_member0.h5"),
                                       "--results", "member_0"], check=False).returncode
    with tempfile.TemporaryDirectory() as work:
        ensemble = os.path.join(work, "ani2x_ensemble.h5")
        subprocess.run([sys.executable, os.path.join(source, "scripts", "ani2h5.py"), neurochem,
                        ensemble], check=True, stdout=subprocess.DEVNULL)
        status |= subprocess.run(compare + ["--model", ensemble, "--results", "ensemble"],
                                 check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
