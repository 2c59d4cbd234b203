#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The GPU check's helpers on hand-made inputs (no GPU, no mdrun): compare_runs.py passes two
identical runs, fails a position moved beyond the double bound but within the mixed one, fails a
missing thermo row; collect_results.py reads a Catch2 XML cut off mid-test-case and the stage
lines. Usage: test_gpu_check_scripts.py SCRIPTS_GPU_DIR"""
import json
import os
import subprocess
import sys
import tempfile

scripts = sys.argv[1]
LOG = """mdrun 0.1.0
   Step         PotEng         KinEng         TotEng           Temp          Press         Volume
      0  -1000.00000000  10.0000000000  -990.00000000   300.00000000   1.0000000000  1000.0000000
     10  -1000.10000000  10.1000000000  -990.00000000   303.00000000   2.0000000000  1000.0000000
Loop time of 1.0 on 1 procs for 10 steps with 2 atoms
"""
DATA = """title
2 atoms
1 atom types
0 10 xlo xhi
0 10 ylo yhi
0 10 zlo zhi

Masses

1 1.0

Atoms # atomic

1 1 1.0 2.0 3.0 0 0 0
2 1 9.5 2.0 3.0 -1 0 0

Velocities

1 0.1 0.2 0.3
2 -0.1 -0.2 -0.3
"""


def write_run(folder, log=LOG, data=DATA):
    os.makedirs(folder)
    with open(os.path.join(folder, "log.txt"), "w") as f:
        f.write(log)
    with open(os.path.join(folder, "final.data"), "w") as f:
        f.write(data)


def compare(ref, run, precision):
    return subprocess.run([sys.executable, os.path.join(scripts, "compare_runs.py"), ref, run,
                           "--precision", precision], capture_output=True, text=True).returncode


failures = []
with tempfile.TemporaryDirectory() as tmp:
    ref = os.path.join(tmp, "ref")
    write_run(ref)
    same = os.path.join(tmp, "same")
    write_run(same)
    if compare(ref, same, "double") != 0:
        failures.append("identical runs do not pass")
    moved = os.path.join(tmp, "moved")  # atom 2 moved by 1e-5 Å (the image flag unwraps it)
    write_run(moved, data=DATA.replace("2 1 9.5 2.0 3.0 -1 0 0", "2 1 9.50001 2.0 3.0 -1 0 0"))
    if compare(ref, moved, "double") != 1:
        failures.append("a 1e-5 A move passes the double comparison")
    if compare(ref, moved, "mixed") != 0:
        failures.append("a 1e-5 A move fails the mixed comparison")
    wrapped = os.path.join(tmp, "wrapped")  # the same atom written wrapped the other way
    write_run(wrapped, data=DATA.replace("2 1 9.5 2.0 3.0 -1 0 0", "2 1 -0.5 2.0 3.0 0 0 0"))
    if compare(ref, wrapped, "double") != 0:
        failures.append("the same position in another image does not pass")
    short = os.path.join(tmp, "short")
    write_run(short, log="\n".join(LOG.splitlines()[:3]) + "\n")
    if compare(ref, short, "double") != 1:
        failures.append("a missing thermo row passes")
    hot = os.path.join(tmp, "hot")
    write_run(hot, log=LOG.replace("303.00000000", "303.10000000"))
    if compare(ref, hot, "mixed") != 0 or compare(ref, hot, "double") != 1:
        failures.append("a 0.1 K difference is not judged by precision")

    work = os.path.join(tmp, "work")
    os.makedirs(os.path.join(work, "logs"))
    with open(os.path.join(work, "stages.jsonl"), "w") as f:
        f.write('{"name": "tests:halo", "status": "fail", "rc": 1, "seconds": 3, "detail": ""}\n')
    with open(os.path.join(work, "logs", "tests_halo.xml"), "w") as f:
        f.write('<?xml version="1.0"?><Catch name="t"><Group name="t">'
                '<TestCase name="device halo: a &amp; b" tags="[halo_cuda]">'
                '<OverallResult success="true" durationInSeconds="0.5"/></TestCase>'
                '<TestCase name="device halo: c"><Expression success="false"/>'
                '<OverallResult success="false" durationInSeconds="1.5"/></TestCase>'
                '<TestCase name="device halo: killed here">')
    out = os.path.join(tmp, "out")
    os.makedirs(out)
    subprocess.run([sys.executable, os.path.join(scripts, "collect_results.py"), work, out, "5",
                    "480"], check=True)
    r = json.load(open(os.path.join(out, "results.json")))
    cases = r["tests"]["halo"]
    if [(c["name"], c["ok"]) for c in cases] != [("device halo: a & b", True),
                                                   ("device halo: c", False)]:
        failures.append("collect_results read %s" % cases)
    if r["stages"][0]["status"] != "fail":
        failures.append("collect_results lost the stage line")
    summary = open(os.path.join(out, "summary.md")).read()
    if "FAILED halo: device halo: c" not in summary:
        failures.append("summary.md does not name the failed test")

for f in failures:
    print("FAIL: " + f)
print("ok" if not failures else "%d failures" % len(failures))
sys.exit(1 if failures else 0)
