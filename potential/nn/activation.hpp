// SPDX-License-Identifier: MIT
/// \file
/// Activation functions of DeePMD-kit networks and their derivatives, per element.
///
/// Written once as MD_HOST_DEVICE inline functions (architecture rule 1) and called from the CPU
/// layer loops (embedding_net_cpu.cpp, energy_net_cpu.cpp) and from the CUDA kernels
/// (embedding_net_cuda.cu, energy_net_cuda.cu; in float for the mixed precision).
/// Definitions follow `get_activation_fn` in deepmd/dpmodel/utils/network.py:
///
///   tanh, relu = max(x,0), relu6 = min(max(x,0),6), softplus = log(1+eˣ),
///   sigmoid = 1/(1+e⁻ˣ), silu = x·sigmoid(x),
///   gelu = gelu_tf = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))   (tanh approximation in both),
///   silut(t) = silu(x) for x < t, tanh(silu'(t)(x − t)) + silu(t) otherwise.
///
/// On the host, tanh (the activation of nearly every production model, evaluated ~200 times per
/// neighbour pair) uses `tanh_fast`: e^(−2|x|) from a branch-free range reduction and a
/// degree-13 polynomial, so GCC vectorises the layer loops instead of calling libm per element.
/// Its absolute error is below 4e-16 (checked against std::tanh in tests/unit/test_deep_ops.cpp),
/// far inside the 1e-10 agreement with DeePMD-kit that the tests demand.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/fast_math.hpp"
#include "core/portability.hpp"
#include "potential/nn/dense_net.hpp"

namespace md::nn {

/// tanh(x) with absolute error < 4e-16 (about 2 ulp near 1); vectorisable on the host.
MD_HOST_DEVICE inline double tanh_fast(double x) {
#if defined(__CUDA_ARCH__)
  return tanh(x);
#else
  const double e = exp_fast(-2.0 * std::fabs(x));  // in (0, 1]
  return std::copysign((1.0 - e) / (1.0 + e), x);
#endif
}

constexpr double kGeluCubic = 0.044715;                ///< gelu: coefficient of x³
constexpr double kSqrtTwoOverPi = 0.7978845608028654;  ///< gelu: √(2/π)
constexpr double kRelu6Cap = 6.0;                      ///< relu6: upper clamp

/// tanh in single precision: tanhf on the device; on the host (never used by the CPU evaluator,
/// which is double throughout) the double version rounded to float.
MD_HOST_DEVICE inline float tanh_fast(float x) {
#if defined(__CUDA_ARCH__)
  return tanhf(x);
#else
  return static_cast<float>(tanh_fast(static_cast<double>(x)));
#endif
}

/// y = φ(x) for activation kind K; writes dy = φ'(x). `a` carries silut's parameters.
/// T is double for the CPU evaluator and the CUDA double path, float for the CUDA mixed path;
/// constants are converted with T(…), which is exact and changes nothing for T = double.
template <ActivationKind K, class T>
MD_HOST_DEVICE inline T activation(const Activation& a, T x, T& dy) {
  const T zero(0.0), half(0.5), one(1.0);
  if constexpr (K == ActivationKind::kNone) {
    dy = one;
    return x;
  } else if constexpr (K == ActivationKind::kTanh) {
    const T y = tanh_fast(x);
    dy = one - y * y;
    return y;
  } else if constexpr (K == ActivationKind::kRelu) {
    dy = x > zero ? one : zero;
    return x > zero ? x : zero;
  } else if constexpr (K == ActivationKind::kRelu6) {
    const T cap(kRelu6Cap);
    dy = (x < zero || x > cap) ? zero : one;
    return x < zero ? zero : (x > cap ? cap : x);
  } else if constexpr (K == ActivationKind::kSoftplus) {
    // log(1 + eˣ) written without overflow; derivative sigmoid(x).
    const T e = std::exp(-std::fabs(x));
    dy = x >= zero ? one / (one + e) : e / (one + e);
    return (x > zero ? x : zero) + std::log1p(e);
  } else if constexpr (K == ActivationKind::kSigmoid) {
    const T s = one / (one + std::exp(-x));
    dy = s * (one - s);
    return s;
  } else if constexpr (K == ActivationKind::kSilu) {
    const T s = one / (one + std::exp(-x));
    dy = s + x * s * (one - s);
    return x * s;
  } else if constexpr (K == ActivationKind::kGelu) {
    const T inner = T(kSqrtTwoOverPi) * (x + T(kGeluCubic) * x * x * x);
    const T t = tanh_fast(inner);
    dy = half * (one + t) +
         half * x * (one - t * t) * T(kSqrtTwoOverPi) * (one + T(3.0) * T(kGeluCubic) * x * x);
    return half * x * (one + t);
  } else if constexpr (K == ActivationKind::kCelu) {
    const T alpha(a.alpha);
    const T e = exp_of(x > zero ? zero : x / alpha);  // e^(x/α), only used for x ≤ 0
    dy = x > zero ? one : e;
    return x > zero ? x : alpha * (e - one);
  } else {
    static_assert(K == ActivationKind::kSilut, "unhandled activation");
    if (x < T(a.threshold)) {
      const T s = one / (one + std::exp(-x));
      dy = s + x * s * (one - s);
      return x * s;
    }
    const T t = tanh_fast(T(a.slope) * (x - T(a.threshold)));
    dy = T(a.slope) * (one - t * t);
    return t + T(a.offset);
  }
}

/// Runtime-dispatched y = φ(x), dy = φ'(x): for single evaluations (set-up, reference paths).
template <class T>
MD_HOST_DEVICE inline T activation(const Activation& a, T x, T& dy) {
  switch (a.kind) {
    case ActivationKind::kNone:
      return activation<ActivationKind::kNone>(a, x, dy);
    case ActivationKind::kTanh:
      return activation<ActivationKind::kTanh>(a, x, dy);
    case ActivationKind::kRelu:
      return activation<ActivationKind::kRelu>(a, x, dy);
    case ActivationKind::kRelu6:
      return activation<ActivationKind::kRelu6>(a, x, dy);
    case ActivationKind::kSoftplus:
      return activation<ActivationKind::kSoftplus>(a, x, dy);
    case ActivationKind::kSigmoid:
      return activation<ActivationKind::kSigmoid>(a, x, dy);
    case ActivationKind::kSilu:
      return activation<ActivationKind::kSilu>(a, x, dy);
    case ActivationKind::kGelu:
      return activation<ActivationKind::kGelu>(a, x, dy);
    case ActivationKind::kSilut:
      return activation<ActivationKind::kSilut>(a, x, dy);
    case ActivationKind::kCelu:
      return activation<ActivationKind::kCelu>(a, x, dy);
  }
  dy = T(1.0);
  return x;
}

}  // namespace md::nn
