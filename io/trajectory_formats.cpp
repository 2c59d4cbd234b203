// SPDX-License-Identifier: MIT
#include "io/trajectory_formats.hpp"

#include "core/error.hpp"
#include "io/dump_writer.hpp"
#include "io/h5md_writer.hpp"

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

std::unique_ptr<TrajectoryWriter> open_trajectory_writer(TrajectoryFormat format,
                                                         const std::string& path,
                                                         const TrajectoryFields& fields,
                                                         const TrajectoryProvenance& provenance,
                                                         std::int64_t append_after_step) {
  switch (format) {
    case TrajectoryFormat::kH5md: {
      H5mdOptions options;
      options.path = path;
      options.fields = fields;
      options.type_names = provenance.type_names;
      options.creator_version = provenance.creator_version;
      if (!provenance.author.empty()) options.author = provenance.author;
      options.config_text = provenance.config_text;
      options.config_file = provenance.config_file;
      options.append_after_step = append_after_step;
      return std::make_unique<H5mdWriter>(options);
    }
    case TrajectoryFormat::kDump:
      return std::make_unique<DumpWriter>(path, fields, append_after_step);
  }
  throw internal_error("unknown trajectory format");
}

}  // namespace md
