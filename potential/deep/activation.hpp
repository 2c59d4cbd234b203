// SPDX-License-Identifier: MIT
/// \file
/// Activation functions of DeePMD-kit networks and their derivatives, per element.
///
/// Written once as MD_HOST_DEVICE inline functions (architecture rule 1) and called from the CPU
/// layer loops (embedding_net_cpu.cpp, fitting_net_cpu.cpp) and later from CUDA kernels.
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

#include "core/portability.hpp"
#include "potential/deep/deep_model.hpp"

namespace md::deep {

/// e^x for x in the normal range; arguments are clamped to [kExpMin, kExpMax].
MD_HOST_DEVICE inline double exp_fast(double x) {
#if defined(__CUDA_ARCH__)
  return exp(x);
#else
  constexpr double kExpMin = -708.0;
  constexpr double kExpMax = 709.0;
  constexpr double kLog2e = 1.4426950408889634074;
  // ln 2 split so that n·kLn2Hi is exact for |n| < 2¹¹ (Cody–Waite reduction).
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  // 1.5·2⁵²: adding it rounds to the nearest integer and leaves that integer in the low
  // mantissa bits, which then become the exponent of 2ⁿ without a float→int conversion.
  constexpr double kShifter = 6755399441055744.0;
  constexpr int kExponentBias = 1023;
  constexpr int kMantissaBits = 52;
  x = x < kExpMin ? kExpMin : (x > kExpMax ? kExpMax : x);
  const double shifted = x * kLog2e + kShifter;
  const double n = shifted - kShifter;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;  // |r| <= ln2/2
  // Taylor series of e^r to degree 13: truncation error < 5e-18 on |r| <= ln2/2.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  std::uint64_t bits;
  std::memcpy(&bits, &shifted, sizeof(bits));
  bits = (bits + kExponentBias) << kMantissaBits;
  double scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
#endif
}

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

/// y = φ(x) for activation kind K; writes dy = φ'(x). `a` carries silut's parameters.
template <ActivationKind K>
MD_HOST_DEVICE inline double activation(const Activation& a, double x, double& dy) {
  if constexpr (K == ActivationKind::kNone) {
    dy = 1.0;
    return x;
  } else if constexpr (K == ActivationKind::kTanh) {
    const double y = tanh_fast(x);
    dy = 1.0 - y * y;
    return y;
  } else if constexpr (K == ActivationKind::kRelu) {
    dy = x > 0.0 ? 1.0 : 0.0;
    return x > 0.0 ? x : 0.0;
  } else if constexpr (K == ActivationKind::kRelu6) {
    dy = (x < 0.0 || x > kRelu6Cap) ? 0.0 : 1.0;
    return x < 0.0 ? 0.0 : (x > kRelu6Cap ? kRelu6Cap : x);
  } else if constexpr (K == ActivationKind::kSoftplus) {
    // log(1 + eˣ) written without overflow; derivative sigmoid(x).
    const double e = std::exp(-std::fabs(x));
    dy = x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    return (x > 0.0 ? x : 0.0) + std::log1p(e);
  } else if constexpr (K == ActivationKind::kSigmoid) {
    const double s = 1.0 / (1.0 + std::exp(-x));
    dy = s * (1.0 - s);
    return s;
  } else if constexpr (K == ActivationKind::kSilu) {
    const double s = 1.0 / (1.0 + std::exp(-x));
    dy = s + x * s * (1.0 - s);
    return x * s;
  } else if constexpr (K == ActivationKind::kGelu) {
    const double inner = kSqrtTwoOverPi * (x + kGeluCubic * x * x * x);
    const double t = tanh_fast(inner);
    dy = 0.5 * (1.0 + t) +
         0.5 * x * (1.0 - t * t) * kSqrtTwoOverPi * (1.0 + 3.0 * kGeluCubic * x * x);
    return 0.5 * x * (1.0 + t);
  } else {
    static_assert(K == ActivationKind::kSilut, "unhandled activation");
    if (x < a.threshold) {
      const double s = 1.0 / (1.0 + std::exp(-x));
      dy = s + x * s * (1.0 - s);
      return x * s;
    }
    const double t = tanh_fast(a.slope * (x - a.threshold));
    dy = a.slope * (1.0 - t * t);
    return t + a.offset;
  }
}

/// Runtime-dispatched y = φ(x), dy = φ'(x): for single evaluations (set-up, reference paths).
MD_HOST_DEVICE inline double activation(const Activation& a, double x, double& dy) {
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
  }
  dy = 1.0;
  return x;
}

}  // namespace md::deep
