// SPDX-License-Identifier: MIT
#include "cli_values.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "core/error.hpp"

namespace md {
namespace {

/// `text` in quotes, cut to a length fit for a message.
std::string shown(const std::string& text) {
  constexpr std::size_t kMax = 40;
  return "'" + (text.size() > kMax ? text.substr(0, kMax) + "..." : text) + "'";
}

}  // namespace

std::int64_t parse_step_count(const std::string& option, const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    throw config_error(option + " " + shown(text) + " is too large: at most " +
                       std::to_string(INT64_MAX) + " steps");
  }
  if (ec != std::errc() || ptr != end || value < 0) {
    throw config_error(option + " must be a whole number of steps >= 0, got " + shown(text));
  }
  return value;
}

double parse_wall_hours(const std::string& option, const std::string& text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || !(value > 0.0)) {
    throw config_error(option + " must be a number of hours > 0 (omit it for no time limit), got " +
                       shown(text));
  }
  return value;
}

}  // namespace md
