// SPDX-License-Identifier: MIT
/// \file
/// How the CPU network evaluators (DeepPotential, AniPotential) set up the BLAS they call:
/// one thread per rank unless the user chose otherwise, and a warning when OpenBLAS runs its
/// generic kernels on a CPU with AVX2 or AVX-512 (see cpu_blas.cpp).
#pragma once

#include <optional>
#include <string>

namespace md::nn {

/// Once per process: BLAS calls run on the calling thread unless OPENBLAS_NUM_THREADS or
/// OMP_NUM_THREADS is set (mdrun runs one rank per core; a BLAS that starts a thread per core in
/// every rank would oversubscribe the node), and the advice of blas_core_advice is logged as a
/// warning when it has one. Without OpenBLAS only the thread setting is skipped.
void configure_cpu_blas();

/// The OPENBLAS_CORETYPE advice for an OpenBLAS that chose the kernels `core_name` on a CPU with
/// (`has_avx2`, `has_avx512f`): empty when the choice uses the CPU's vector width, otherwise the
/// warning text. OpenBLAS 0.3.21 (Debian 12) does not know recent Xeon models and falls back to
/// its SSE3 "Prescott" kernels, which run the networks' GEMMs ~1.6x slower on such a CPU
/// (docs/performance.md).
std::optional<std::string> blas_core_advice(const std::string& core_name, bool has_avx2,
                                            bool has_avx512f);

}  // namespace md::nn
