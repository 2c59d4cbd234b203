#!/usr/bin/env python3
"""The layer rules of docs/architecture.md, checked on the sources.

    python3 scripts/check_layers.py [repo-root]

1. Downward-only includes: a module's files include only its own headers and those of the
   modules below it (LAYERS). Tests, benchmarks and fuzz harnesses may include anything.
2. The build switches (MD_HAVE_CUDA, MD_HAVE_MPI) appear only in the device layer and in the one
   backend switch, potential/make_potential.cpp. Everything else learns what was built from
   device/backend.hpp at run time, or gets a CUDA twin by CMake choosing a file
   (engine/step_backend_cuda.cu or step_backend_nocuda.cpp).
3. The link graph in each module's CMakeLists.txt names only modules below it.

Prints every violation as `file:line: message` and exits 1 if there is any, 0 otherwise.
"""
import pathlib
import re
import sys

# Each module and the modules it may use. Order is bottom to top.
LAYERS = {
    "core": set(),
    "device": {"core"},
    "comm": {"core", "device"},
    "potential": {"core", "device"},
    "io": {"core", "device", "potential"},
    "engine": {"core", "device", "comm", "potential", "io"},
    "apps": {"core", "device", "comm", "potential", "io", "engine"},
}
BUILD_SWITCHES = re.compile(r"\bMD_HAVE_(CUDA|MPI)\b")
SWITCH_ALLOWED = {"potential/make_potential.cpp"}
SOURCE_SUFFIXES = {".hpp", ".cpp", ".cu", ".cuh", ".h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
LINK = re.compile(r"target_link_libraries\(\s*md_(\w+)([^)]*)\)", re.S)


def module_sources(root, module):
    for path in sorted((root / module).rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and path.is_file():
            yield path


def check(root):
    problems = []
    for module, allowed in LAYERS.items():
        for path in module_sources(root, module):
            rel = path.relative_to(root).as_posix()
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if match:
                    target = match.group(1)
                    if target in LAYERS and target != module and target not in allowed:
                        problems.append(f"{rel}:{number}: {module} includes {target}/ "
                                        f"(a layer above it); allowed: "
                                        f"{', '.join(sorted(allowed)) or 'nothing'}")
                if (BUILD_SWITCHES.search(line) and module != "device"
                        and rel not in SWITCH_ALLOWED):
                    problems.append(f"{rel}:{number}: build switch outside the device layer and "
                                    f"potential/make_potential.cpp: {line.strip()}")
        cmake = root / module / "CMakeLists.txt"
        if cmake.is_file():
            text = cmake.read_text()
            for match in LINK.finditer(text):
                if match.group(1) != module:
                    continue
                for used in re.findall(r"\bmd_(\w+)", match.group(2)):
                    if used in LAYERS and used not in allowed:
                        number = text[:match.start()].count("\n") + 1
                        problems.append(f"{module}/CMakeLists.txt:{number}: md_{module} links "
                                        f"md_{used} (a layer above it)")
    return problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parent.parent)
    missing = [m for m in LAYERS if not (root / m).is_dir()]
    if missing:
        print(f"check_layers: {root} has no {', '.join(missing)}/ (expected the repository root)")
        return 2
    problems = check(root)
    for problem in problems:
        print(problem)
    print(f"check_layers: {len(problems)} violation(s) in {', '.join(LAYERS)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
