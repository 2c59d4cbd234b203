// SPDX-License-Identifier: MIT
/// \file
/// Command-line values mdrun checks itself rather than through CLI11's validators, whose range
/// messages print the limits of a double in full ("not in range 0.000000 to 1797693...": 309
/// digits) and which accept `nan` for a non-negative number.
#pragma once

#include <cstdint>
#include <string>

namespace md {

/// A step count: a decimal integer ≥ 0. Config error naming `option` otherwise.
std::int64_t parse_step_count(const std::string& option, const std::string& text);

/// A wall-time limit in hours: a finite number > 0 (no limit is expressed by omitting the
/// option, so 0 is refused rather than silently meaning "off"). Config error naming `option`.
double parse_wall_hours(const std::string& option, const std::string& text);

}  // namespace md
