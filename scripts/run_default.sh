#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's first command: install dependencies, build, and run the default job in run/
# (outputs go to the working directory; run/ is ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
mkdir -p run
cd run
exec ../build/apps/mdrun/mdrun --config ../configs/lj_liquid.yaml "$@"
