// SPDX-License-Identifier: MIT
/// \file
/// The trajectory file formats, in one place: their config names and the writer of each.
/// Adding a format: a writer (io/<format>_writer.{hpp,cpp}, a TrajectoryWriter), an enum value
/// here, and its case in each switch of trajectory_formats.cpp (no `default`, so the compiler
/// lists them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/trajectory_frame.hpp"

namespace md {

enum class TrajectoryFormat { kH5md, kDump };

/// The `output.trajectory.format` name of each format ("h5md", "dump").
std::string trajectory_format_name(TrajectoryFormat format);

/// All formats' names, in enum order (the config's choices).
std::vector<std::string> trajectory_format_names();

/// The format named `name`; throws a config Error naming the valid ones otherwise.
TrajectoryFormat parse_trajectory_format(const std::string& name);

/// What a writer may record besides the frames (formats use what they can store).
struct TrajectoryProvenance {
  std::vector<std::string> type_names;  ///< index = type (0-based)
  std::string creator_version;          ///< "mdrun 0.1.0 (abc123)"
  std::string author;                   ///< empty: the format's default
  std::string config_text;              ///< the YAML config as run
  std::string config_file;
};

/// Opens a writer of `format` at `path` (rank 0 only). `append_after_step` ≥ 0 continues an
/// existing file after a restart, dropping what it holds beyond that step; −1 starts a fresh one.
/// Throws md::Error (kIo).
std::unique_ptr<TrajectoryWriter> open_trajectory_writer(TrajectoryFormat format,
                                                         const std::string& path,
                                                         const TrajectoryFields& fields,
                                                         const TrajectoryProvenance& provenance,
                                                         std::int64_t append_after_step);

}  // namespace md
