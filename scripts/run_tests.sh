#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's second command: install dependencies, build, and run the whole test suite.
# MPI tests start several ranks on one machine; allow that as root (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
# The fuzz harnesses (clang, build-fuzz/); ctest runs their smoke test (label fuzz).
FUZZ_JOBS=$(nproc) scripts/fuzz.sh --build-only
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
