#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rehearses scripts/gpu/check.sh on a machine without a GPU, as the bare GPU host will start it:
# `env -i` (no inherited PATH, LD_LIBRARY_PATH or variables), only the bundle's libraries plus
# the CUDA library folder (standing in for the host's toolkit). Every stage must start, find its
# binaries and libraries, and report "no-gpu" cleanly (env, every test group, the sanitizer runs,
# both end-to-end runs and both saturation series); the results files must come back. Then a dry
# run of the end-to-end and saturation stages on the CPU backend checks their comparison and
# tables with real output (about a minute on 2 cores).
#
#   scripts/gpu/bundle.sh && scripts/gpu/rehearse.sh      # exit 0 when the rehearsal holds
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/build-gpu-bundle/rehearsal}
rm -rf "$out"
cuda_lib=$(dirname "$(ldconfig -p 2>/dev/null | awk '/libcublas\.so\.13/ {print $NF; exit}')")
[ -d "$cuda_lib" ] || cuda_lib=/usr/local/cuda/lib64
cd "$root"
env -i HOME=/tmp PATH=/usr/bin:/bin OUT="$out" CUDA_LIB_DIR="$cuda_lib" \
  WORK=/tmp/mdrun-gpu-rehearsal bash scripts/gpu/check.sh
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
for name in ("results.json", "summary.md", "logs.tar.gz", "check.log"):
    assert os.path.isfile(os.path.join(out, name)), "missing " + name
r = json.load(open(os.path.join(out, "results.json")))
expected = {"env", "tests:resident", "tests:deepmd_large", "tests:neighbor_list", "tests:halo",
            "tests:atom_kernels", "tests:deepmd", "e2e:compressed:double", "e2e:compressed:mixed",
            "e2e:exact:double", "e2e:exact:mixed", "tests:ani", "e2e:ani:double", "e2e:ani:mixed",
            "saturation:deepmd:double", "saturation:deepmd:mixed", "saturation:ani:double",
            "saturation:ani:mixed", "sanitizer:memcheck_ani", "sanitizer:memcheck_fixture",
            "sanitizer:racecheck_fixture", "sanitizer:memcheck_neighbor_list",
            "sanitizer:memcheck_halo", "sanitizer:racecheck_halo"}
seen = {s["name"]: s["status"] for s in r["stages"]}
bad = {n: s for n, s in seen.items() if s not in ("no-gpu", "skipped")}
missing = expected - set(seen)
print("rehearsal: %d stages, statuses %s" % (len(seen), sorted(set(seen.values()))))
if bad or missing:
    print("rehearsal FAILED: not no-gpu: %s; missing: %s" % (bad, sorted(missing)))
    sys.exit(1)
print("rehearsal passed: every stage reported no-gpu cleanly in env -i")
PY

# Dry run of the e2e and saturation plumbing on the CPU backend (not a GPU result): the bundled
# mdrun against the bundle's CPU reference must pass the double comparison, and the saturation
# tables and results must fill in.
dry=$out-cpu
rm -rf "$dry"
env -i HOME=/tmp PATH=/usr/bin:/bin OUT="$dry" CUDA_LIB_DIR="$cuda_lib" CHECK_BACKEND=cpu \
  STAGES="e2e saturation" SAT_SIZES="1 2" ANI_SAT_SIZES="1 2" SAT_STEPS=5 WORK=/tmp/mdrun-gpu-rehearsal \
  bash scripts/gpu/check.sh
/usr/bin/python3 - "$dry" <<'PY'
import json, os, sys
r = json.load(open(os.path.join(sys.argv[1], "results.json")))
seen = {s["name"]: s["status"] for s in r["stages"]}
ok = all(seen.get("e2e:%s:double" % v) == "pass" and r["e2e"]["%s_double" % v]["ok"]
         for v in ("compressed", "exact", "ani")) and \
    all(seen.get("saturation:%s:%s" % (p, q)) == "pass"
        for p in ("deepmd", "ani") for q in ("double", "mixed")) and \
    all(len(r["saturation"].get("double_%s" % v, [])) == 2 for v in ("compressed", "exact", "ani"))
print("CPU dry run: %s" % seen)
if not ok:
    print("CPU dry run FAILED")
    sys.exit(1)
print("CPU dry run passed: e2e comparison and saturation tables work")
PY
