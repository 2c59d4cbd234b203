#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Would a cheap check before libhdf5 opens a file have avoided its crashes? (docs/fuzzing.md)

    fuzz/hdf5_precheck_evidence.py <work dir of a byte-level HDF5 harness>...

Reads <dir>/findings.txt (written by scripts/fuzz.sh) and, for every input classified
`libhdf5`, <dir>/artifacts/<input>, and counts how many inputs each candidate pre-check would
have refused:

  size     the file size differs from the end-of-file address in the superblock (versions 0-3),
           i.e. bytes were inserted or removed;
  gheap    a global heap collection ("GCOL", where variable-length strings such as the .dp
           model's JSON live) holds an object that runs past the collection's end.

Prints one line per libhdf5 crash site (the functions triage names) with the counts: inputs,
refused by each check, refused by either.
"""
import collections
import os
import re
import struct
import sys

SIGNATURE = b"\x89HDF\r\n\x1a\n"


def superblock_eof(data):
    """The end-of-file address of the superblock at offset 0, or None."""
    if not data.startswith(SIGNATURE) or len(data) < 48:
        return None
    version = data[8]
    if version in (0, 1):
        offset = 24 if version == 0 else 28  # base, free space, EOF, driver addresses
        return struct.unpack_from("<Q", data, offset + 16)[0]
    if version in (2, 3):
        return struct.unpack_from("<Q", data, 12 + 16)[0]  # base, extension, EOF, root
    return None


def size_check_refuses(data):
    eof = superblock_eof(data)
    return eof is not None and eof != len(data)


def gheap_check_refuses(data):
    """True when some version-1 global heap collection has an object that does not fit."""
    at = 0
    while True:
        at = data.find(b"GCOL", at)
        if at < 0 or at + 16 > len(data):
            return False
        if data[at + 4] == 1:
            size = struct.unpack_from("<Q", data, at + 8)[0]
            end = at + size
            if size < 16 or end > len(data):
                return True
            p = at + 16
            while p + 16 <= end:
                index, _, _, object_size = struct.unpack_from("<HHIQ", data, p)
                if index == 0:  # free space: the rest of the collection
                    break
                need = 16 + (object_size + 7) // 8 * 8
                if need > end - p:
                    return True
                p += need
        at += 4


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sites = collections.defaultdict(collections.Counter)
    for work in sys.argv[1:]:
        with open(os.path.join(work, "findings.txt")) as findings:
            for line in findings:
                if not line.startswith("libhdf5 "):
                    continue
                name = line.split()[1].rstrip(":")
                site = re.search(r"\[in ([^\]]+)\]", line)
                site = site.group(1) if site else "?"
                site = re.sub(r"\s*\(.*", "", site) or "?"
                kind = re.search(r"(SEGV|heap-buffer-overflow|heap-use-after-free|"
                                 r"memcpy-param-overlap|out-of-memory|timeout|"
                                 r"allocation-size-too-big|stack-overflow|[a-z-]+-overflow)",
                                 line)
                key = f"{site} ({kind.group(1) if kind else 'other'})"
                with open(os.path.join(work, "artifacts", name), "rb") as f:
                    data = f.read()
                size, gheap = size_check_refuses(data), gheap_check_refuses(data)
                sites[key]["inputs"] += 1
                sites[key]["size"] += size
                sites[key]["gheap"] += gheap
                sites[key]["either"] += size or gheap
    total = collections.Counter()
    for key, counts in sorted(sites.items(), key=lambda kv: -kv[1]["inputs"]):
        print(f"{counts['inputs']:5d} inputs, size check {counts['size']:4d}, "
              f"gheap check {counts['gheap']:4d}, either {counts['either']:4d}: {key}")
        total.update(counts)
    print(f"{total['inputs']:5d} inputs, size check {total['size']:4d}, "
          f"gheap check {total['gheap']:4d}, either {total['either']:4d}: all libhdf5 crashes")


if __name__ == "__main__":
    main()
