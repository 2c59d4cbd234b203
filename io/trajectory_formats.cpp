// SPDX-License-Identifier: MIT
#include "io/trajectory_formats.hpp"

#include "core/error.hpp"

namespace md {
namespace {

constexpr TrajectoryFormat kFormats[] = {TrajectoryFormat::kH5md, TrajectoryFormat::kDump};

}  // namespace

std::string trajectory_format_name(TrajectoryFormat format) {
  switch (format) {
    case TrajectoryFormat::kH5md:
      return "h5md";
    case TrajectoryFormat::kDump:
      return "dump";
  }
  throw internal_error("unknown trajectory format");
}

std::vector<std::string> trajectory_format_names() {
  std::vector<std::string> names;
  for (const TrajectoryFormat format : kFormats) names.push_back(trajectory_format_name(format));
  return names;
}

TrajectoryFormat parse_trajectory_format(const std::string& name) {
  for (const TrajectoryFormat format : kFormats) {
    if (trajectory_format_name(format) == name) return format;
  }
  std::string valid;
  for (const std::string& known : trajectory_format_names()) {
    valid += (valid.empty() ? "" : ", ") + known;
  }
  throw config_error("unknown trajectory format '" + name + "': expected one of " + valid);
}

}  // namespace md
