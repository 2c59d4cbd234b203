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
/// the v4 clone, two AVX2 or four SSE2 registers in the others; Float16 is sixteen floats. The
/// few reductions that GCC would not vectorise on its own (it may not reassociate a
/// floating-point sum) are written with them: independent partial sums, added up at the end.
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
/// Sixteen floats as one value (the float code of the CPU's mixed precision).
using Float16 = float __attribute__((vector_size(64), aligned(4)));

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

/// The 64-byte vector of Real (Double8 or Float16), and its load and store at any address aligned
/// to Real: for loops written in whole vectors over data padded to a multiple of its lanes.
template <class Real>
struct VectorOf;
template <>
struct VectorOf<double> {
  using type = Double8;
};
template <>
struct VectorOf<float> {
  using type = Float16;
};
template <class Real>
using Vector64 = typename VectorOf<Real>::type;

template <class Real>
[[gnu::always_inline]] inline Vector64<Real> load64(const Real* p) {
  Vector64<Real> v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
template <class Real>
[[gnu::always_inline]] inline void store64(Real* p, const Vector64<Real>& v) {
  std::memcpy(p, &v, sizeof(v));
}

/// v[0] + … + v[7].
[[gnu::always_inline]] inline double sum8(const Double8& v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

/// v[0] + … + v[3].
[[gnu::always_inline]] inline double sum4(const Double4& v) { return (v[0] + v[2]) + (v[1] + v[3]); }

/// Sixteen consecutive floats from any (4-byte aligned) address, and their sum.
[[gnu::always_inline]] inline Float16 load16(const float* p) {
  Float16 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
[[gnu::always_inline]] inline float sum16(const Float16& v) {
  float s = 0.0f;
  for (int k = 0; k < 8; ++k) s += v[k] + v[k + 8];
  return s;
}

/// a[0] + … + a[n−1] in eight independent partial sums (a vectorised reduction).
[[gnu::always_inline]] inline double lane_sum(const double* a, int n) {
  Double8 acc = {};
  int k = 0;
  for (; k + 8 <= n; k += 8) acc += load8(a + k);
  double tail = 0.0;
  for (; k < n; ++k) tail += a[k];
  return sum8(acc) + tail;
}

/// a[0]·b[0] + … + a[n−1]·b[n−1] in eight independent partial sums.
[[gnu::always_inline]] inline double lane_dot(const double* a, const double* b, int n) {
  Double8 acc = {};
  int k = 0;
  for (; k + 8 <= n; k += 8) acc += load8(a + k) * load8(b + k);
  double tail = 0.0;
  for (; k < n; ++k) tail += a[k] * b[k];
  return sum8(acc) + tail;
}

/// lane_sum and lane_dot in float, in sixteen partial sums.
[[gnu::always_inline]] inline float lane_sum(const float* a, int n) {
  Float16 acc = {};
  int k = 0;
  for (; k + 16 <= n; k += 16) acc += load16(a + k);
  float tail = 0.0f;
  for (; k < n; ++k) tail += a[k];
  return sum16(acc) + tail;
}
[[gnu::always_inline]] inline float lane_dot(const float* a, const float* b, int n) {
  Float16 acc = {};
  int k = 0;
  for (; k + 16 <= n; k += 16) acc += load16(a + k) * load16(b + k);
  float tail = 0.0f;
  for (; k < n; ++k) tail += a[k] * b[k];
  return sum16(acc) + tail;
}

#pragma GCC diagnostic pop

}  // namespace md
