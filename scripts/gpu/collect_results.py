#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Gathers what scripts/gpu/check.sh has done so far into OUT/results.json and OUT/summary.md.

    collect_results.py WORK_DIR OUT_DIR ELAPSED_S BUDGET_S

Reads WORK_DIR/stages.jsonl (one line per finished stage), manifest.json (the bundle's commit and
build), gpu.csv (nvidia-smi's name, driver, memory), the Catch2 XML of every test group (read
leniently: a group killed mid-run still lists the test cases it finished), the end-to-end
comparisons and the saturation runs' JSON summaries. Standard library only.
"""
import glob
import json
import os
import re
import sys


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def test_cases(xml_path):
    """(name, success, seconds) of every finished TestCase in a (possibly truncated) Catch2 XML."""
    try:
        with open(xml_path, errors="replace") as f:
            text = f.read()
    except OSError:
        return []
    cases = []
    for match in re.finditer(r'<TestCase name="([^"]*)".*?<OverallResult success="(true|false)"'
                             r'(?: durationInSeconds="([0-9.eE+-]+)")?', text, re.S):
        name = match.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        name = name.replace("&quot;", '"').replace("&apos;", "'")
        seconds = float(match.group(3)) if match.group(3) else None
        cases.append({"name": name, "ok": match.group(2) == "true", "seconds": seconds})
    return cases


def saturation_rows(folder):
    """The rows of one saturation folder by series, {"double_compressed": [...], ...}: the
    summaries are named <precision>_<compressed|exact|ani>_n<N>.json (bench_gpu_saturation.sh)."""
    series = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        s = read_json(path)
        if not s or not s.get("wall_time_s"):
            continue
        rate = s["steps"] / s["wall_time_s"]
        memory = s.get("device_memory") or {}
        in_use = memory.get("device_in_use_bytes", {}).get("max")
        engine = memory.get("engine_bytes", {}).get("max")
        rows = series.setdefault(os.path.basename(path).rsplit("_n", 1)[0], [])
        rows.append({"atoms": s["atoms"], "steps": s["steps"], "wall_time_s": s["wall_time_s"],
                     "timesteps_per_s": rate,
                     "ns_per_day": rate * s["dt_ps"] * 1e-3 * 86400.0,
                     "matom_steps_per_s": s["atoms"] * rate * 1e-6,
                     "device_in_use_GiB": in_use / 2**30 if in_use else None,
                     "engine_buffers_GiB": engine / 2**30 if engine else None})
    return {name: sorted(rows, key=lambda r: r["atoms"]) for name, rows in series.items()}


def main():
    work, out, elapsed, budget = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    stages = []
    try:
        with open(os.path.join(work, "stages.jsonl")) as f:
            stages = [json.loads(line) for line in f if line.strip()]
    except OSError:
        pass
    gpu = "unknown"
    try:
        with open(os.path.join(work, "gpu.csv")) as f:
            gpu = f.read().strip()
    except OSError:
        pass
    result = {"gpu": gpu, "bundle": read_json(os.path.join(work, "manifest.json"), {}),
              "elapsed_s": elapsed, "budget_s": budget, "stages": stages,
              "tests": {}, "e2e": {}, "saturation": {}}
    for xml in sorted(glob.glob(os.path.join(work, "logs", "tests_*.xml"))):
        group = os.path.basename(xml)[len("tests_"):-len(".xml")]
        result["tests"][group] = test_cases(xml)
    for path in sorted(glob.glob(os.path.join(work, "logs", "e2e_*", "compare.json"))):
        result["e2e"][os.path.basename(os.path.dirname(path))[len("e2e_"):]] = read_json(path)
    for folder in sorted(glob.glob(os.path.join(work, "logs", "saturation_*"))):
        if os.path.isdir(folder):
            result["saturation"].update(saturation_rows(folder))
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(result, f, indent=1)

    lines = ["# GPU check", "", "- GPU: " + gpu,
             "- bundle: commit %s%s, %s" % (result["bundle"].get("commit", "?"),
                                            " (dirty)" if result["bundle"].get("dirty") else "",
                                            result["bundle"].get("mdrun_version", "?")),
             "- elapsed %.0f s of a %.0f s budget" % (elapsed, budget), "",
             "| stage | status | rc | seconds |", "|---|---|---|---|"]
    for s in stages:
        lines.append("| %s | %s | %s | %s |" % (s["name"], s["status"], s["rc"], s["seconds"]))
    failed = [(g, c["name"]) for g, cases in result["tests"].items() for c in cases if not c["ok"]]
    passed = sum(c["ok"] for cases in result["tests"].values() for c in cases)
    lines += ["", "Test cases passed: %d; failed: %d" % (passed, len(failed))]
    lines += ["- FAILED %s: %s" % f for f in failed]
    for series, rows in result["saturation"].items():
        lines += ["", "## Saturation, %s" % series.replace("_", ", "), "",
                  "| atoms | ns/day | timesteps/s | Matom-steps/s | device in use (GiB) |",
                  "|---:|---:|---:|---:|---:|"]
        for r in rows:
            memory = "%.2f" % r["device_in_use_GiB"] if r["device_in_use_GiB"] else "n/a"
            lines.append("| %d | %.3f | %.3f | %.3f | %s |" % (
                r["atoms"], r["ns_per_day"], r["timesteps_per_s"], r["matom_steps_per_s"], memory))
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
