// SPDX-License-Identifier: MIT
/// \file
/// FlushDenormalsScope: float arithmetic with subnormal numbers flushed to zero, for one scope.
///
/// In float, many of ANI's Gaussian terms are far below 1e-38 (exp(−19.7·4²) ≈ 1e-137): their
/// products are subnormal, and x86 cores handle every subnormal operand or result in microcode,
/// at ~100 cycles each — the float AEV ran slower than the double one before this. Flushing them
/// to zero (the FTZ and DAZ bits of MXCSR, what -ffast-math sets for a whole program, and what the
/// GPU does for float under --use_fast_math) changes each affected value by less than 1.2e-38, far
/// below float's resolution of the O(1) sums they enter. The previous mode is restored on exit, so
/// the double code outside the scope keeps IEEE subnormals. On other CPUs this does nothing.
#pragma once

#if defined(__x86_64__) || defined(__SSE2__)
#include <immintrin.h>
#define MD_HAS_MXCSR 1
#endif

namespace md {

class FlushDenormalsScope {
 public:
#ifdef MD_HAS_MXCSR
  FlushDenormalsScope() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushDenormalsScope() { _mm_setcsr(saved_); }
#else
  FlushDenormalsScope() = default;
#endif
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
#ifdef MD_HAS_MXCSR
  static constexpr unsigned kFlushToZero = 0x8000;       ///< MXCSR.FTZ: subnormal results → 0
  static constexpr unsigned kDenormalsAreZero = 0x0040;  ///< MXCSR.DAZ: subnormal inputs → 0
  unsigned saved_;
#endif
};

}  // namespace md
