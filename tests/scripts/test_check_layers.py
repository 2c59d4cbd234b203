#!/usr/bin/env python3
"""scripts/check_layers.py: the repository passes, and each kind of violation is reported.

    python3 tests/scripts/test_check_layers.py <repo-root>
"""
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(sys.argv[1]).resolve()
SCRIPT = ROOT / "scripts" / "check_layers.py"
SCRATCH = tempfile.TemporaryDirectory()  # removed at exit
MODULES = ["core", "device", "comm", "potential", "io", "engine", "apps"]


def run(root):
    done = subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True)
    return done.returncode, done.stdout


def tree(files):
    """A minimal repository: every module directory, plus `files` (path -> text)."""
    tmp = pathlib.Path(tempfile.mkdtemp(dir=SCRATCH.name))
    for module in MODULES:
        (tmp / module).mkdir()
    for path, text in files.items():
        (tmp / path).write_text(text)
    return tmp


def expect(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


code, out = run(ROOT)
expect(code == 0, f"the repository violates its layers:\n{out}")

code, out = run(tree({"core/ok.hpp": '#include "core/box.hpp"\n',
                      "engine/ok.cpp": '#include "io/run_config.hpp"\n#include "comm/halo.hpp"\n'}))
expect(code == 0, f"allowed includes reported:\n{out}")

code, out = run(tree({"io/reader.cpp": '#include <vector>\n#include "engine/simulation.hpp"\n'}))
expect(code == 1 and "io/reader.cpp:2: io includes engine/" in out, f"upward include missed:\n{out}")

code, out = run(tree({"engine/step.cpp": "#if MD_HAVE_CUDA\n#endif\n"}))
expect(code == 1 and "engine/step.cpp:1: build switch" in out, f"build switch missed:\n{out}")

code, out = run(tree({"io/CMakeLists.txt": "target_link_libraries(md_io PUBLIC md_engine)\n"}))
expect(code == 1 and "md_io links md_engine" in out, f"upward link missed:\n{out}")

code, out = run(pathlib.Path(tempfile.mkdtemp(dir=SCRATCH.name)))
expect(code == 2, "a directory that is not a repository root is accepted")
print("check_layers: all cases pass")
