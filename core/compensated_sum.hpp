// SPDX-License-Identifier: MIT
/// \file
/// Neumaier's compensated summation: the sum of many terms correct to about one rounding of the
/// result, whatever their number and order. Used where a total is compared with other codes at
/// 1e-10 (a 1,536-atom water energy of −2.4e5 eV summed naively drifts by ~1e-9 eV).
#pragma once

#include <cmath>

#include "core/portability.hpp"

namespace md {

class CompensatedSum {
 public:
  MD_HOST_DEVICE void add(double term) {
    const double t = sum_ + term;
    // Whichever operand is larger lost the low bits of the other; keep them.
    if (std::abs(sum_) >= std::abs(term)) {
      compensation_ += (sum_ - t) + term;
    } else {
      compensation_ += (term - t) + sum_;
    }
    sum_ = t;
  }
  MD_HOST_DEVICE double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace md
