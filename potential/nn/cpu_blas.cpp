// SPDX-License-Identifier: MIT
/// \file
/// CPU BLAS set-up (cpu_blas.hpp).
#include "potential/nn/cpu_blas.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>

// OpenBLAS's own controls, if the BLAS in use is OpenBLAS (weak references: other BLAS libraries
// simply lack them).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" char* openblas_get_corename(void) __attribute__((weak));

namespace md::nn {

std::optional<std::string> blas_core_advice(const std::string& core_name, bool has_avx2,
                                            bool has_avx512f) {
  // OpenBLAS's kernel families that use neither AVX2 nor AVX-512 (its fall-backs on x86-64).
  static const std::array<const char*, 9> kNarrowCores = {"Prescott",    "Core2",     "Penryn",
                                                          "Dunnington",  "Nehalem",   "Atom",
                                                          "Sandybridge", "Barcelona", "Bulldozer"};
  const bool narrow = std::any_of(kNarrowCores.begin(), kNarrowCores.end(), [&](const char* c) {
    return core_name == c || core_name == std::string(c) + " (generic)";
  });
  const bool avx2_only_core = core_name == "Haswell" || core_name == "Zen";
  std::string suggest;
  if (has_avx512f && (narrow || avx2_only_core)) {
    suggest = "SkylakeX";
  } else if (has_avx2 && narrow) {
    suggest = "Haswell";
  } else {
    return std::nullopt;
  }
  return "OpenBLAS chose its '" + core_name + "' kernels, but this CPU has " +
         (has_avx512f ? "AVX-512" : "AVX2") + ": the network GEMMs run slower than they could. " +
         "Set OPENBLAS_CORETYPE=" + suggest +
         " in the environment of mdrun (it is read when the library loads) to use them.";
}

void configure_cpu_blas() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr &&
        std::getenv("OMP_NUM_THREADS") == nullptr && openblas_set_num_threads != nullptr) {
      openblas_set_num_threads(1);
    }
    if (openblas_get_corename == nullptr || std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
#if defined(__x86_64__) || defined(__i386__)
    const char* core = openblas_get_corename();
    if (core == nullptr) return;
    __builtin_cpu_init();
    if (const auto advice = blas_core_advice(core, __builtin_cpu_supports("avx2") != 0,
                                             __builtin_cpu_supports("avx512f") != 0)) {
      spdlog::warn("{}", *advice);
    }
#endif
  });
}

}  // namespace md::nn
