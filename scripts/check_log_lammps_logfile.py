#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads an mdrun log with `lammps-logfile`, the LAMMPS log parser on the Python index, and
compares every thermo column with what mdrun printed (docs/outputs.md, "The log and LAMMPS log
parsers").

    python3 scripts/check_log_lammps_logfile.py [--mdrun build/apps/mdrun/mdrun]

Runs the 108-atom LJ liquid for 100 steps (thermo every 10), twice in one log (a run and its
continuation from a checkpoint, so the log holds two thermo blocks), then checks that
lammps_logfile.File finds both blocks and every column of every row. lammps-logfile is an
optional dependency (`pip install lammps-logfile`), never needed by mdrun or CI.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import lammps_logfile
except ImportError as error:
    print(f"needs lammps-logfile ({error})")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = """structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: 100, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.2}}
thermo: {every: 10, columns: [step, pe, ke, etotal, temp, press, econserve]}
checkpoint: {file: state.h5, every_steps: 50}
output: {write_final_data: false}
"""


def thermo_rows(text):
    rows, header = [], None
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == "Step":
            header = words
        elif header and len(words) == len(header):
            try:
                rows.append(dict(zip(header, map(float, words))))
            except ValueError:
                pass
        elif line.startswith("Loop time"):
            header = None
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mdrun", default=os.path.join(ROOT, "build/apps/mdrun/mdrun"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="md_logfile_")
    try:
        shutil.copy(os.path.join(ROOT, "tests/data/lj/lj_liquid_108.data"), work)
        with open(os.path.join(work, "run.yaml"), "w") as f:
            f.write(CONFIG)
        mdrun = os.path.abspath(args.mdrun)
        first = subprocess.run([mdrun, "--config", "run.yaml", "--nsteps", "50"], cwd=work,
                               capture_output=True, text=True)
        second = subprocess.run([mdrun, "--config", "run.yaml", "--cpi", "state.h5"], cwd=work,
                                capture_output=True, text=True)
        if first.returncode or second.returncode:
            print(first.stdout[-1500:], first.stderr, second.stdout[-1500:], second.stderr)
            return 1
        printed = thermo_rows(first.stdout) + thermo_rows(second.stdout)
        log = lammps_logfile.File(os.path.join(work, "mdrun.log"))
        keywords = log.get_keywords()
        print(f"lammps-logfile keywords: {keywords}")
        failures = []
        for column in printed[0]:
            parsed = list(log.get(column))
            expected = [row[column] for row in printed]
            if parsed != expected:
                failures.append(f"{column}: parsed {parsed[:4]}..., printed {expected[:4]}...")
        blocks = [len(log.get("Step", run_num=k)) for k in range(2)]
        print(f"thermo blocks found: {len(log.partial_logs)} with {blocks} rows; "
              f"rows printed: {len(printed)}")
        if len(log.partial_logs) != 2:
            failures.append(f"{len(log.partial_logs)} thermo blocks, expected 2")
        for failure in failures:
            print("MISMATCH:", failure)
        print("lammps-logfile reads the mdrun log: " + ("OK" if not failures else "FAILED"))
        return 0 if not failures else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
