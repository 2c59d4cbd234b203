#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the self-contained single-GPU bundle that scripts/gpu/check.sh runs on a bare GPU host
# (docs/cuda.md, "Running the GPU checks"; ../shared/device/README.md).
#
#   scripts/gpu/bundle.sh            # -> build-gpu-bundle/bundle.tar.xz (+ manifest.json)
#
# What it does:
#  1. Configures build-gpu/ (Release, CUDA for sm_80 and sm_90, MPI off, the CUDA runtime linked
#     statically, an RPATH of $ORIGIN/../lib so bin/ finds the bundled lib/ without
#     LD_LIBRARY_PATH) and builds `mdrun` and `md_backend_tests`.
#  2. Stages bin/, lib/ (every shared library the binaries need except those a bare GPU host has:
#     the C library family, libstdc++/libgcc_s, the CUDA driver and cuBLAS, which comes with the
#     host's CUDA toolkit), the shared test data the checks read (shared/ does not travel), and
#     the CPU reference of the end-to-end check (configs/water.yaml, 200 steps, backend cpu, run
#     here with the bundled mdrun so the GPU host spends no time on it).
#  3. Proves the bundle loads in a minimal environment: `env -i` with only the CUDA library folder
#     on LD_LIBRARY_PATH, every library resolves to the bundle, the allowed host set or CUDA.
#  4. Packs it as build-gpu-bundle/bundle.tar.xz (ignored by git; carried to the host with
#     `carry: ["build-gpu-bundle"]`) and refuses a bundle over 48 MiB (the transfer limit is 64).
#
# Environment: BUILD_DIR (build-gpu), BUNDLE_DIR (build-gpu-bundle), CUDA_ARCHS ("80;90"),
#   JOBS (nproc), SHARED_DIR (../shared), SKIP_REFERENCE=1 (reuse the reference of the last
#   bundle: only for iterating on the scripts; the manifest says so).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-gpu}
bundle=${BUNDLE_DIR:-$root/build-gpu-bundle}
shared=${SHARED_DIR:-$root/../shared}
archs=${CUDA_ARCHS:-80;90}
jobs=${JOBS:-$(nproc)}
max_bytes=$((48 * 1024 * 1024))
if [ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc >/dev/null; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
command -v nvcc >/dev/null || { echo "bundle: nvcc not found (CUDA toolkit needed)" >&2; exit 1; }
[ -d "$shared/data/deepmd" ] || { echo "bundle: $shared/data/deepmd not found" >&2; exit 1; }

echo "== configure and build ($build, sm $archs, MPI off)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENABLE_CUDA=ON \
  -DMD_ENABLE_MPI=OFF "-DCMAKE_CUDA_ARCHITECTURES=$archs" -DCMAKE_CUDA_RUNTIME_LIBRARY=Static \
  '-DCMAKE_BUILD_RPATH=$ORIGIN/../lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
cmake --build "$build" --parallel "$jobs" --target mdrun md_backend_tests

stage=$(realpath -m "$bundle/stage")
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/reference"
cp "$build/apps/mdrun/mdrun" "$build/tests/backend/md_backend_tests" "$stage/bin/"

# Libraries a bare GPU host is assumed to have (any Linux that runs PyTorch): the C library
# family, the GCC runtime, and CUDA's own (driver, cuBLAS/cuBLASLt from the host's toolkit).
host_has='^(linux-vdso|ld-linux|libc|libm|libpthread|libdl|librt|libresolv|libutil|libstdc\+\+|libgcc_s|libcuda|libcublas|libcublasLt)\.'
echo "== libraries"
for binary in "$stage"/bin/*; do
  ldd "$binary" | awk '/=> \// {print $1, $3}'
done | sort -u | while read -r name path; do
  if [[ $name =~ $host_has ]]; then
    echo "   host: $name"
  else
    cp -L "$path" "$stage/lib/$name"
    echo "   bundled: $name ($(du -kL "$path" | cut -f1) KiB)"
  fi
done

# Shared data the checks read (MD_SHARED_DIR on the host points here).
mkdir -p "$stage/shared/data/water-example/lmp"
cp -r "$shared/data/deepmd" "$stage/shared/data/"
cp "$shared/data/water-example/lmp/water.lmp" "$stage/shared/data/water-example/lmp/"

echo "== minimal-environment check"
cuda_lib=$(realpath "$(dirname "$(ldd "$stage/bin/md_backend_tests" | awk '/libcublas\.so/ {print $3; exit}')")")
missing=0
for binary in "$stage"/bin/*; do
  while read -r name path; do
    path=$(realpath -m "$path")
    if [[ $path == "$stage/lib/"* || $path == "$cuda_lib/"* ]]; then continue; fi
    if [[ $name =~ $host_has ]]; then continue; fi
    echo "   $(basename "$binary"): $name resolves to $path outside the bundle" >&2
    missing=1
  done < <(env -i LD_LIBRARY_PATH="$cuda_lib" ldd "$binary" | awk '/=>/ {print $1, $3}')
  if env -i LD_LIBRARY_PATH="$cuda_lib" ldd "$binary" | grep -q "not found"; then
    env -i LD_LIBRARY_PATH="$cuda_lib" ldd "$binary" | grep "not found" >&2
    missing=1
  fi
  env -i LD_LIBRARY_PATH="$cuda_lib" "$binary" --help >/dev/null ||
    { echo "   $(basename "$binary") does not start in env -i" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || { echo "bundle: libraries missing (above)" >&2; exit 1; }
glibc=$(for f in "$stage"/bin/* "$stage"/lib/*; do objdump -T "$f" 2>/dev/null; done |
  grep -o 'GLIBC_[0-9.]*' | sort -t. -k2,2n -k3,3n -u | tail -1)
echo "   ok: every library is bundled or on the host list; newest C library symbol $glibc"

reference_note="run here by bundle.sh with the bundled mdrun"
if [ "${SKIP_REFERENCE:-0}" = 1 ] && [ -f "$bundle/reference.tar" ]; then
  tar -C "$stage/reference" -xf "$bundle/reference.tar"
  reference_note="reused from the previous bundle (SKIP_REFERENCE=1)"
else
  # configs/water.yaml as shipped (compressed) and with the exact nets.
  for variant in compressed exact; do
    echo "== CPU reference of the end-to-end check (configs/water.yaml, 200 steps, backend cpu, $variant)"
    ref=$stage/reference/water_cpu_$variant
    mkdir -p "$ref"
    (cd "$ref" && OPENBLAS_NUM_THREADS=$jobs "$stage/bin/mdrun" --config "$root/configs/water.yaml" \
        --set run.steps=200 --set run.backend=cpu --set output.final_data_file=final.data \
        --set potential.compress=$([ $variant = compressed ] && echo true || echo false) \
        --set output.summary_json=summary.json >log.txt 2>&1)
    tail -n 3 "$ref/log.txt"
  done
  echo "== CPU reference of the end-to-end check (configs/water_ani.yaml, 200 steps, backend cpu)"
  ref=$stage/reference/water_ani_cpu
  mkdir -p "$ref"
  (cd "$ref" && OPENBLAS_NUM_THREADS=$jobs "$stage/bin/mdrun" --config "$root/configs/water_ani.yaml" \
      --set run.steps=200 --set run.backend=cpu --set output.final_data_file=final.data \
      --set output.summary_json=summary.json >log.txt 2>&1)
  tail -n 3 "$ref/log.txt"
  tar -C "$stage/reference" -cf "$bundle/reference.tar" .
fi

commit=$(git -C "$root" rev-parse HEAD)
dirty=$(git -C "$root" status --porcelain --untracked-files=no | grep -q . && echo True || echo False)
/usr/bin/env python3 - "$stage/manifest.json" <<PY
import json, os, subprocess, sys
stage = os.path.dirname(sys.argv[1])
libs = sorted(os.listdir(os.path.join(stage, "lib")))
json.dump({
    "commit": "$commit", "dirty": $dirty,
    "date": subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip(),
    "mdrun_version": subprocess.run([os.path.join(stage, "bin", "mdrun"), "--version"], capture_output=True, text=True).stdout.strip(),
    "cuda_architectures": "$archs", "mpi": False, "cuda_runtime": "static",
    "nvcc": subprocess.run(["nvcc", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[-1],
    "cxx": subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
    "newest_glibc_symbol": "$glibc",
    "host_libraries_expected": "C library family, libstdc++, libgcc_s, CUDA driver, cuBLAS/cuBLASLt 13",
    "bundled_libraries": libs,
    "reference": "configs/water.yaml (compressed, exact) and configs/water_ani.yaml --set run.steps=200 --set run.backend=cpu ($reference_note)",
}, open(sys.argv[1], "w"), indent=1)
PY
cp "$stage/manifest.json" "$bundle/manifest.json"

echo "== pack"
rm -f "$bundle/bundle.tar.xz"
tar -C "$stage" -cf - . | xz -T"$jobs" -6 >"$bundle/bundle.tar.xz"
rm -rf "$stage"
bytes=$(stat -c %s "$bundle/bundle.tar.xz")
echo "bundle: $bundle/bundle.tar.xz, $((bytes / 1024)) KiB, commit $commit (dirty: $dirty)"
if [ "$bytes" -gt "$max_bytes" ]; then
  echo "bundle: larger than $((max_bytes / 1024 / 1024)) MiB; the device transfer limit is 64 MiB" >&2
  exit 1
fi
