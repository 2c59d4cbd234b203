#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Sorts libFuzzer findings into ours and libhdf5's.

    fuzz/triage.py <harness binary> <artifact>...      run each artifact again and classify it
    fuzz/triage.py <harness binary> --log <log>...     classify the report in a libFuzzer log
                                                       (how scripts/fuzz.sh uses it: the report
                                                       as it happened, earlier inputs included)

A report is classified by where it points:

  ours     a harness oracle finding (`==fuzz finding==`), an undefined-behaviour report (only
           our code is instrumented for it), a bad access to memory our code allocated or to
           our stack (wherever it happened: HDF5 writing past a buffer we sized), or a
           sanitizer report, hang or huge allocation whose innermost frame outside the
           sanitizer runtime, libc, the C++ library and header-only code is in mdrun's sources
  libhdf5  that innermost frame is in libhdf5: a crash inside HDF5 1.10 on a corrupt file
           (docs/fuzzing.md, "Known limitation")
  other    the report points elsewhere (yaml-cpp, ...)
  unknown  a report without a culprit stack. When the whole process went over the memory limit
           (libFuzzer then prints a heap profile, not the culprit), the input is first run again
           with -malloc_limit_mb=256, and the stack of the allocation that trips it decides.
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
    # A bad access inside libhdf5 to memory that *our* code allocated (or to our stack frame)
    # is ours: we handed HDF5 a buffer too small for what it writes (e.g. one string's room for
    # an attribute holding several).
    # Only an access just past the end of a live buffer counts; ASan describes a wild address by
    # the nearest chunk, which says nothing about who owns it.
    owner = re.search(r"is located in stack of thread \S+ at offset \d+ in frame\n(.*)", text)
    if owner is None and re.search(r"is located 0 bytes to the right of \d+-byte region", text):
        owner = re.search(r"\nallocated by thread \S+ here:\n((?:.*\n?)*?)\n", text)
    if owner is not None:
        for match in filter(None, map(FRAME.match, owner.group(1).splitlines())):
            func = match.group("func") or ""
            where = match.group("where")
            if (func.startswith(NEUTRAL) or any(place in where for place in NEUTRAL_PLACES)
                    or where.startswith("(" + harness + "+")):
                continue
            if re.search(re.escape(source_root) + r"/\S+:\d+", where):
                return "ours", f"{summary} [memory of {func} {where.split()[-1]}]"
            break
    frames = [m for m in map(FRAME.match, text.splitlines()) if m]
    if "out-of-memory (used:" in text:
        return "unknown", summary + " [the process as a whole; no culprit stack]"
    for k, match in enumerate(frames):
        func = match.group("func") or ""
        where = match.group("where")
        if func.startswith(NEUTRAL) or any(place in where for place in NEUTRAL_PLACES):
            continue
        if where.startswith("(" + harness + "+"):  # the sanitizer runtime linked into it
            continue
        if "libhdf5" in where:
            # Many of libhdf5's functions have no symbols: name the innermost two that have
            # (callee < caller).
            named = [f.group("func") for f in frames[k:]
                     if "libhdf5" in f.group("where") and f.group("func")][:2]
            return "libhdf5", f"{summary} [in libhdf5 {' < '.join(named) or '?'}]"
        if re.search(re.escape(source_root) + r"/\S+:\d+", where):
            return "ours", f"{summary} [in {func} {where.split()[-1]}]"
        return "other", f"{summary} [in {func or where}]"
    return "unknown", summary + " [no stack]"


def classify(harness, artifact, source_root, extra=()):
    """(class, one-line summary) for one artifact, run again through the harness."""
    try:
        run = subprocess.run([harness, "-timeout=10", "-rss_limit_mb=2048", *extra, artifact],
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
            # The input: where libFuzzer wrote it, or beside the report's folder (a kept
            # report, reports/<input>.log, next to artifacts/<input>).
            candidates = [unit.group(1)] if unit else []
            candidates.append(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(item))),
                                           "artifacts", name))
            artifact = next((c for c in candidates if os.path.exists(c)), None)
            if "out-of-memory (used:" in text and artifact:
                # The whole process went over the memory limit: the stacks printed with it are
                # a heap profile, not the culprit. Run the input again with a low limit on a
                # single allocation, whose report has the stack that made it.
                kind, summary = classify(harness, artifact, source_root,
                                         ("-malloc_limit_mb=256", "-rss_limit_mb=8192"))
                summary = "memory over the limit; again with -malloc_limit_mb=256: " + summary
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
