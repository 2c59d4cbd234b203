// SPDX-License-Identifier: MIT
/// \file
/// exp, log, pow and cos/sin that GCC can vectorise on the host, for the hot element-wise loops of the
/// network potentials (activations, ANI's radial and angular terms).
///
/// glibc's exp, log and pow are accurate and fast one at a time, but they are calls: a loop over
/// them runs one element per call and GCC cannot vectorise it (libmvec is only used under
/// -ffast-math, which the project does not build with). These are branch-free inline versions —
/// a range reduction and a polynomial — so a loop over them becomes AVX-512 or AVX2 code in an
/// MD_VECTOR_CLONES function. Accuracy (checked against libm in tests/unit/test_fast_math.cpp):
/// exp_fast and log_fast within a few ulp, cos_sin_fast within 4.5e-16 absolute; pow_fast(b, p) = exp(p·log b) within ≈ |p·log b|·1e-16
/// relative, far inside the 1e-10 agreement with DeePMD-kit and TorchANI the tests demand.
///
/// On the device (and in float, the CUDA mixed precision) exp_of and pow_of are the CUDA math
/// library's, which is already vectorised across threads.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/portability.hpp"

namespace md {

/// e^x for x in the normal range; arguments are clamped to [−708, 709].
MD_HOST_DEVICE MD_ALWAYS_INLINE double exp_fast(double x) {
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

/// ln x for x > 0; arguments below the smallest normal double (zero and subnormals) are raised
/// to it (ln ≈ −708.4, whose exp_fast is ≈ 0), so callers raising a base that may be 0 get ≈ 0.
MD_HOST_DEVICE MD_ALWAYS_INLINE double log_fast(double x) {
#if defined(__CUDA_ARCH__)
  return log(x);
#else
  constexpr double kMinNormal = 2.2250738585072014e-308;
  constexpr double kSqrtHalf = 0.70710678118654752440;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr std::uint64_t kMantissaMask = (std::uint64_t{1} << 52) - 1;
  constexpr std::uint64_t kOneExponent = std::uint64_t{1023} << 52;
  // 2⁵²: the biased exponent e, put into the mantissa of 2⁵², gives 2⁵² + e exactly.
  constexpr double kTwo52 = 4503599627370496.0;
  constexpr std::uint64_t kTwo52Bits = std::uint64_t{0x433} << 52;
  constexpr double kExponentBias = 1023.0;
  x = x < kMinNormal ? kMinNormal : x;
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  // x = m·2^e with m in [1, 2) ...
  std::uint64_t m_bits = (bits & kMantissaMask) | kOneExponent;
  std::uint64_t e_bits = (bits >> 52) | kTwo52Bits;
  double m, e;
  std::memcpy(&m, &m_bits, sizeof(m));
  std::memcpy(&e, &e_bits, sizeof(e));
  e = e - kTwo52 - kExponentBias;
  // ... then into [√½, √2) so that |s| below is at most 0.1716.
  const bool high = m > 2.0 * kSqrtHalf;
  m = high ? 0.5 * m : m;
  e = high ? e + 1.0 : e;
  // ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), s = (m − 1)/(m + 1); to s²³ the truncation
  // error is below 1e-19.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  const double log_m = 2.0 * s + 2.0 * s * s2 * p;
  return e * kLn2Hi + (log_m + e * kLn2Lo);
#endif
}

/// base^power for base ≥ 0 as e^(power·ln base) (a base of 0 gives ≈ 0 for power > 0).
MD_HOST_DEVICE MD_ALWAYS_INLINE double pow_fast(double base, double power) {
  return exp_fast(power * log_fast(base));
}

/// cos x, and sin x written into `sine`, for x in [0, π] (the cosine cutoffs' range; arguments
/// outside it are clamped to it): with y = x − π/2, cos x = −sin y and sin x = cos y, from their
/// Taylor series on |y| ≤ π/2 to degree 23 (truncation error < 2e-18).
MD_HOST_DEVICE MD_ALWAYS_INLINE double cos_sin_fast(double x, double& sine) {
#if defined(__CUDA_ARCH__)
  sincos(x, &sine, &x);
  return x;
#else
  constexpr double kPi = 3.141592653589793;
  // π/2 split so that x − kHalfPiHi is exact for x in [0, π].
  constexpr double kHalfPiHi = 1.5707963267948966;
  constexpr double kHalfPiLo = 6.123233995736766e-17;
  x = x < 0.0 ? 0.0 : (x > kPi ? kPi : x);
  const double y = (x - kHalfPiHi) - kHalfPiLo;
  const double y2 = y * y;
  // sin y = y(1 − y²/3! + y⁴/5! − …), cos y = 1 − y²/2! + y⁴/4! − … (Horner in y²).
  double ps = -1.0 / 25852016738884976640000.0;
  ps = ps * y2 + 1.0 / 51090942171709440000.0;
  ps = ps * y2 - 1.0 / 121645100408832000.0;
  ps = ps * y2 + 1.0 / 355687428096000.0;
  ps = ps * y2 - 1.0 / 1307674368000.0;
  ps = ps * y2 + 1.0 / 6227020800.0;
  ps = ps * y2 - 1.0 / 39916800.0;
  ps = ps * y2 + 1.0 / 362880.0;
  ps = ps * y2 - 1.0 / 5040.0;
  ps = ps * y2 + 1.0 / 120.0;
  ps = ps * y2 - 1.0 / 6.0;
  const double sin_y = y + y * y2 * ps;
  double pc = 1.0 / 1124000727777607680000.0;
  pc = pc * y2 - 1.0 / 2432902008176640000.0;
  pc = pc * y2 + 1.0 / 6402373705728000.0;
  pc = pc * y2 - 1.0 / 20922789888000.0;
  pc = pc * y2 + 1.0 / 87178291200.0;
  pc = pc * y2 - 1.0 / 479001600.0;
  pc = pc * y2 + 1.0 / 3628800.0;
  pc = pc * y2 - 1.0 / 40320.0;
  pc = pc * y2 + 1.0 / 720.0;
  pc = pc * y2 - 1.0 / 24.0;
  pc = pc * y2 + 0.5;
  sine = 1.0 - y2 * pc;
  return -sin_y;
#endif
}

// Single precision (the CPU's mixed precision): the same reductions with float constants and
// polynomials only as long as float needs. Accuracy, checked against libm in
// tests/unit/test_fast_math.cpp: exp and log within a few float ulp, cos/sin within 2.5e-7
// absolute.

/// e^x in float for x in the normal range; arguments are clamped to [−87, 88].
MD_HOST_DEVICE MD_ALWAYS_INLINE float exp_fast(float x) {
#if defined(__CUDA_ARCH__)
  return expf(x);
#else
  constexpr float kExpMin = -87.0f;
  constexpr float kExpMax = 88.0f;
  constexpr float kLog2e = 1.44269504f;
  // ln 2 = kLn2Hi + kLn2Lo with kLn2Hi's last 12 bits zero: n·kLn2Hi is exact for |n| < 2¹².
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr float kShifter = 12582912.0f;  // 1.5·2²³, as kShifter above
  constexpr std::uint32_t kExponentBias = 127;
  constexpr int kMantissaBits = 23;
  x = x < kExpMin ? kExpMin : (x > kExpMax ? kExpMax : x);
  const float shifted = x * kLog2e + kShifter;
  const float n = shifted - kShifter;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;  // |r| <= ln2/2
  // Taylor series of e^r to degree 7: truncation error < 2e-9 on |r| <= ln2/2.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  std::uint32_t bits;
  std::memcpy(&bits, &shifted, sizeof(bits));
  bits = (bits + kExponentBias) << kMantissaBits;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
#endif
}

/// ln x in float for x > 0; arguments below the smallest normal float are raised to it.
MD_HOST_DEVICE MD_ALWAYS_INLINE float log_fast(float x) {
#if defined(__CUDA_ARCH__)
  return logf(x);
#else
  constexpr float kMinNormal = 1.17549435e-38f;
  constexpr float kSqrtHalf = 0.707106781f;
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr std::uint32_t kMantissaMask = (std::uint32_t{1} << 23) - 1;
  constexpr std::uint32_t kOneExponent = std::uint32_t{127} << 23;
  constexpr float kTwo23 = 8388608.0f;  // as kTwo52 above
  constexpr std::uint32_t kTwo23Bits = std::uint32_t{0x96} << 23;
  constexpr float kExponentBias = 127.0f;
  x = x < kMinNormal ? kMinNormal : x;
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  std::uint32_t m_bits = (bits & kMantissaMask) | kOneExponent;
  std::uint32_t e_bits = (bits >> 23) | kTwo23Bits;
  float m, e;
  std::memcpy(&m, &m_bits, sizeof(m));
  std::memcpy(&e, &e_bits, sizeof(e));
  e = e - kTwo23 - kExponentBias;
  const bool high = m > 2.0f * kSqrtHalf;
  m = high ? 0.5f * m : m;
  e = high ? e + 1.0f : e;
  // 2·atanh(s) to s¹¹: truncation error below 1e-10 for |s| <= 0.1716.
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  float p = 1.0f / 11.0f;
  p = p * s2 + 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 1.0f / 5.0f;
  p = p * s2 + 1.0f / 3.0f;
  const float log_m = 2.0f * s + 2.0f * s * s2 * p;
  return e * kLn2Hi + (log_m + e * kLn2Lo);
#endif
}

/// base^power in float for base ≥ 0 as e^(power·ln base).
MD_HOST_DEVICE MD_ALWAYS_INLINE float pow_fast(float base, float power) {
  return exp_fast(power * log_fast(base));
}

/// cos x (sine: sin x) in float for x in [0, π] (clamped to it), as the double version with the
/// series to degree 13 (truncation error < 1e-9).
MD_HOST_DEVICE MD_ALWAYS_INLINE float cos_sin_fast(float x, float& sine) {
#if defined(__CUDA_ARCH__)
  sincosf(x, &sine, &x);
  return x;
#else
  constexpr float kPi = 3.14159265f;
  constexpr float kHalfPiHi = 1.57079637f;    // π/2 rounded to float
  constexpr float kHalfPiLo = -4.37113883e-8f;  // π/2 − kHalfPiHi
  x = x < 0.0f ? 0.0f : (x > kPi ? kPi : x);
  const float y = (x - kHalfPiHi) - kHalfPiLo;
  const float y2 = y * y;
  float ps = -1.0f / 6227020800.0f;
  ps = ps * y2 + 1.0f / 39916800.0f;
  ps = ps * y2 - 1.0f / 362880.0f;
  ps = ps * y2 + 1.0f / 5040.0f;
  ps = ps * y2 - 1.0f / 120.0f;
  ps = ps * y2 + 1.0f / 6.0f;
  const float sin_y = y - y * y2 * ps;
  float pc = 1.0f / 479001600.0f;
  pc = pc * y2 - 1.0f / 3628800.0f;
  pc = pc * y2 + 1.0f / 40320.0f;
  pc = pc * y2 - 1.0f / 720.0f;
  pc = pc * y2 + 1.0f / 24.0f;
  pc = pc * y2 - 0.5f;
  sine = 1.0f + y2 * pc;
  return -sin_y;
#endif
}

/// e^x, base^power and cos/sin in the arithmetic of the caller: the fast versions above (which
/// on the device are the CUDA library's).
MD_HOST_DEVICE MD_ALWAYS_INLINE double exp_of(double x) { return exp_fast(x); }
MD_HOST_DEVICE MD_ALWAYS_INLINE float exp_of(float x) { return exp_fast(x); }
MD_HOST_DEVICE MD_ALWAYS_INLINE double pow_of(double base, double power) {
#if defined(__CUDA_ARCH__)
  return pow(base, power);
#else
  return pow_fast(base, power);
#endif
}
MD_HOST_DEVICE MD_ALWAYS_INLINE float pow_of(float base, float power) {
#if defined(__CUDA_ARCH__)
  return powf(base, power);
#else
  return pow_fast(base, power);
#endif
}

/// cos x (sine: sin x) for x in [0, π], in the arithmetic of the caller.
MD_HOST_DEVICE MD_ALWAYS_INLINE double cos_sin_of(double x, double& sine) {
  return cos_sin_fast(x, sine);
}
MD_HOST_DEVICE MD_ALWAYS_INLINE float cos_sin_of(float x, float& sine) {
  return cos_sin_fast(x, sine);
}

}  // namespace md
