// SPDX-License-Identifier: MIT
/// \file
/// open_trajectory_writer (io/trajectory_formats.hpp): the writer of each format. Apart from the
/// names in trajectory_formats.cpp, so that the config reader does not pull in the writers.
#include "core/error.hpp"
#include "io/dump_writer.hpp"
#include "io/h5md_writer.hpp"
#include "io/trajectory_formats.hpp"

namespace md {

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
