// SPDX-License-Identifier: MIT
/// \file
/// Numbers in messages: at most 6 significant digits, exponent form when large or small
/// ("12.4447", "1e+300", "3.2e-07"). std::to_string(double) prints "%f", which turns 1e300 into
/// 301 digits and 1e-9 into "0.000000"; messages use this instead.
#pragma once

#include <cstdio>
#include <string>

namespace md {

inline std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

}  // namespace md
