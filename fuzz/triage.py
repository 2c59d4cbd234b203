#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Sorts libFuzzer findings into ours and libhdf5's.

    fuzz/triage.py <harness binary> <artifact>...      run each artifact again and classify it
    fuzz/triage.py <harness binary> --log <log>...     classify the report in a libFuzzer log
                                                       (how scripts/fuzz.sh uses it: the report
                                                       as it happened, earlier inputs included)

A report is classified by where it points:

  ours     a harness oracle finding (`==fuzz finding==`), an undefined-behaviour report (only
           our code is instrumented for it), or a sanitizer report, hang or huge allocation
           whose innermost frame outside the sanitizer runtime, libc, the C++ library and
           header-only code is in mdrun's own sources
  libhdf5  that innermost frame is in libhdf5: a crash inside HDF5 1.10 on a corrupt file
           (docs/fuzzing.md, "Known limitation")
  other    the report points elsewhere (yaml-cpp, ...)
  unknown  a report without a stack (an out-of-memory of the whole process)
  no-repro (artifact mode) the artifact no longer fails on its own: fixed, or it needed the state
           that earlier inputs left in libhdf5

Prints one line per finding and a count per class; exits with 1 when any is `ours` or `other`,
so that CI fails on findings in our code but not on libhdf5's known crashes.
"""
import collections
import os
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ +(?:in (?P<func>.+?) )?(?P<where>[/(].*)$")
# Frames that say nothing about who is at fault.
NEUTRAL = ("__interceptor_", "__sanitizer", "__asan", "__ubsan", "__lsan", "fuzzer::",
           "malloc", "calloc", "realloc", "free", "operator new", "operator delete",
           "__cxa_throw", "std::terminate", "abort", "raise", "__pthread_kill", "__libc_",
           "_start", "md::fuzz::finding")
# /usr/include: header-only library code (nlohmann::json, the C++ library) compiled into our
# code; the frame that called it decides.
NEUTRAL_PLACES = ("libc.so", "libstdc++", "libgcc_s", "sysdeps/", "compiler-rt", "/libc/",
                  "/usr/include/", "/usr/lib/gcc/")


def classify_report(text, harness, source_root):
    """(class, one-line summary) of the failure report `text` of a harness run."""
    summary = next((line.strip() for line in text.splitlines()
                    if re.search(r"==fuzz finding==|SUMMARY:|ERROR: libFuzzer|runtime error",
                                 line)), "failed without a report")
    summary = re.sub(r"\(BuildId: [0-9a-f]+\)", "", summary)[:200]
    if "==fuzz finding==" in text:
        return "ours", next(line for line in text.splitlines() if "==fuzz finding==" in line)
    if "runtime error:" in text:
        return "ours", next(line.strip() for line in text.splitlines() if "runtime error:" in line)
    for line in text.splitlines():
        match = FRAME.match(line)
        if not match:
            continue
        func = match.group("func") or ""
        where = match.group("where")
        if func.startswith(NEUTRAL) or any(place in where for place in NEUTRAL_PLACES):
            continue
        if where.startswith("(" + harness + "+"):  # the sanitizer runtime linked into it
            continue
        if "libhdf5" in where:
            return "libhdf5", f"{summary} [in {func or where.split()[0]}]"
        if re.search(re.escape(source_root) + r"/\S+:\d+", where):
            return "ours", f"{summary} [in {func} {where.split()[-1]}]"
        return "other", f"{summary} [in {func or where}]"
    return "unknown", summary + " [no stack]"


def classify(harness, artifact, source_root):
    """(class, one-line summary) for one artifact, run again through the harness."""
    try:
        run = subprocess.run([harness, "-timeout=10", "-rss_limit_mb=2048", artifact],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                             check=False)
    except subprocess.TimeoutExpired:
        return "ours", "hang: no result within 120 s"
    if run.returncode == 0:
        return "no-repro", "runs cleanly now"
    return classify_report(run.stdout.decode(errors="replace"), harness, source_root)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    harness = os.path.abspath(sys.argv[1])
    source_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    counts = collections.Counter()
    args = sys.argv[2:]
    from_logs = bool(args) and args[0] == "--log"
    for item in args[1:] if from_logs else args:
        if from_logs:
            with open(item, errors="replace") as log:
                text = log.read()
            unit = re.search(r"Test unit written to (\S+)", text)
            name = os.path.basename(unit.group(1)) if unit else os.path.basename(item)
            kind, summary = classify_report(text, harness, source_root)
        else:
            name = os.path.basename(item)
            kind, summary = classify(harness, item, source_root)
        counts[kind] += 1
        print(f"{kind:8s} {name}: {summary}")
    print("triage: " + (", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                        if counts else "no artifacts"))
    sys.exit(1 if counts["ours"] or counts["other"] else 0)


if __name__ == "__main__":
    main()
