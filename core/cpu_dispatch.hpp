// SPDX-License-Identifier: MIT
/// \file
/// MD_VECTOR_CLONES: compile a hot CPU loop for several x86-64 levels and pick one at load time.
///
/// The project builds for the baseline x86-64 (SSE2) so that one binary runs everywhere. The
/// element-wise loops of the Deep Potential (activations over ~200 features per neighbour pair,
/// the descriptor contractions) are 2–4× faster with AVX2 or AVX-512, so those functions are
/// marked with this macro: GCC's `target_clones` emits a baseline, an x86-64-v3 (AVX2) and an
/// x86-64-v4 (AVX-512) version and an ifunc resolver chooses by CPU. The v3/v4 clones may fuse
/// a·b + c into one FMA, so results can differ between CPUs in the last bits, exactly as they do
/// with OpenBLAS's per-CPU kernels. Other compilers and targets get the plain function.
///
/// Double8 is eight doubles as one value (GCC/Clang vector extension): one AVX-512 register in
/// the v4 clone, two AVX2 or four SSE2 registers in the others. The few reductions that GCC
/// would not vectorise on its own (it may not reassociate a floating-point sum) are written
/// with it: eight independent partial sums, added up at the end.
#pragma once

#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__) && \
    defined(__linux__)
#define MD_VECTOR_CLONES \
  __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define MD_VECTOR_CLONES
#endif

namespace md {

using Double8 = double __attribute__((vector_size(64), aligned(8)));
/// Four doubles as one value: the tail of a loop over Double8 (one AVX2 register).
using Double4 = double __attribute__((vector_size(32), aligned(8)));

// Always inlined, so the calling convention of a 64-byte vector (which GCC warns differs with and
// without AVX-512) never applies.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

/// Eight consecutive doubles from any (8-byte aligned) address.
[[gnu::always_inline]] inline Double8 load8(const double* p) {
  Double8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// sizeof(V)/8 consecutive doubles from any (8-byte aligned) address, V = Double8, Double4 or
/// double; and the store back.
template <class V>
[[gnu::always_inline]] inline V load_lanes(const double* p) {
  V v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
template <class V>
[[gnu::always_inline]] inline void store_lanes(double* p, const V& v) {
  std::memcpy(p, &v, sizeof(v));
}

/// v[0] + … + v[7].
[[gnu::always_inline]] inline double sum8(const Double8& v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

/// v[0] + … + v[3].
[[gnu::always_inline]] inline double sum4(const Double4& v) { return (v[0] + v[2]) + (v[1] + v[3]); }

#pragma GCC diagnostic pop

}  // namespace md
